// Fixed vocabularies from the Rust side, in display order.
import type { FacilityKind } from './bindings/FacilityKind'
import type { Service } from './bindings/Service'

export const FACILITY_KINDS: FacilityKind[] = ['elder_centre', 'elder_station', 'childcare']
export const SERVICES: Service[] = ['medical', 'daily_care', 'rehabilitation', 'nursing', 'meals', 'recreation']
/** ISO weekdays, 1 = Monday … 7 = Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7]

export const KIND_TAG_TYPE: Record<FacilityKind, 'primary' | 'success' | 'warning'> = {
  elder_centre: 'primary',
  elder_station: 'success',
  childcare: 'warning',
}
