// The people lists' tab, filters and page, kept while the user opens a record and comes back.
import { reactive } from 'vue'
import type { PersonKind } from '../bindings/PersonKind'

export const peopleSelection = reactive({
  tab: null as PersonKind | null,
  facilityId: null as number | null,
  includeInactive: false,
  page: { client: 1, child: 1, staff: 1 } as Record<PersonKind, number>,
})
