// The people lists' tab, filters, sort and page, kept while the user opens a record and comes back.
import { reactive } from 'vue'
import type { ListSort } from '../bindings/ListSort'
import type { ListStatus } from '../bindings/ListStatus'
import type { PersonKind } from '../bindings/PersonKind'
import { whenSignedOut } from './session'

/** A list's sorted column, as its table header shows it. */
export interface TableSort {
  column: ListSort
  descending: boolean
}

const perKind = <T>(value: T): Record<PersonKind, T> => ({ client: value, child: value, staff: value })

export const peopleSelection = reactive({
  tab: null as PersonKind | null,
  facilityId: null as number | null,
  includeInactive: false,
  /** What the search box holds: one text for every tab, so a name typed carries across. */
  search: '',
  status: perKind<ListStatus | null>(null),
  sort: perKind<TableSort | null>(null),
  page: perKind(1),
})

whenSignedOut(() => {
  peopleSelection.tab = null
  peopleSelection.facilityId = null
  peopleSelection.includeInactive = false
  peopleSelection.search = ''
  peopleSelection.status = perKind(null)
  peopleSelection.sort = perKind(null)
  peopleSelection.page = perKind(1)
})
