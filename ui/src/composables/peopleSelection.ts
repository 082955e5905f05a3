// The people lists' tab, filters and page, kept while the user opens a record and comes back.
import { reactive } from 'vue'
import type { PersonKind } from '../bindings/PersonKind'

export const peopleSelection = reactive({
  tab: null as PersonKind | null,
  facilityId: null as number | null,
  includeInactive: false,
  page: { client: 1, child: 1, staff: 1 } as Record<PersonKind, number>,
})

/** On sign-out: the next person at this PC starts from their own defaults. */
export function resetPeopleSelection() {
  peopleSelection.tab = null
  peopleSelection.facilityId = null
  peopleSelection.includeInactive = false
  peopleSelection.page = { client: 1, child: 1, staff: 1 }
}
