// Element Plus's header sort (`sortable="custom"`, the column's prop naming the ListSort) to
// and from the list's TableSort: the server sorts the whole list, not just the page shown.
import type { ListSort } from '../../bindings/ListSort'
import type { TableSort } from '../../composables/peopleSelection'

export type HeaderSort = { prop: string | null; order: 'ascending' | 'descending' | null }

export function defaultSort(sort: TableSort | null) {
  return sort ? { prop: sort.column, order: sort.descending ? ('descending' as const) : ('ascending' as const) } : undefined
}

export function fromHeader({ prop, order }: HeaderSort): TableSort | null {
  return prop && order ? { column: prop as ListSort, descending: order === 'descending' } : null
}
