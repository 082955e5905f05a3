// Facility choices for the people forms, the lists' filter and the desk's board. The list
// is loaded once per session (it changes rarely) and narrowed by kind where it is used.
import { computed, ref } from 'vue'
import { api } from '../api'
import type { FacilityKind } from '../bindings/FacilityKind'
import type { FacilitySummary } from '../bindings/FacilitySummary'
import type { PersonKind } from '../bindings/PersonKind'
import { actor, whenSignedOut } from './session'

export const facilities = ref<FacilitySummary[]>([])
let loading: Promise<FacilitySummary[]> | null = null

export function loadFacilities(): Promise<FacilitySummary[]> {
  loading ??= api
    .facilitiesList({ district_id: null, circle_id: null, community_id: null, kind: null })
    .then((list) => (facilities.value = list))
    .catch((e) => {
      loading = null
      throw e
    })
  return loading
}

// The next account may see other facilities.
whenSignedOut(() => {
  facilities.value = []
  loading = null
})

/** Which facilities may hold each kind of person. */
export const KINDS_FOR: Record<PersonKind, FacilityKind[]> = {
  client: ['elder_centre', 'elder_station'],
  child: ['childcare'],
  staff: ['elder_centre', 'elder_station', 'childcare'],
}

export function facilitiesFor(kind: PersonKind): FacilitySummary[] {
  return facilities.value.filter((f) => KINDS_FOR[kind].includes(f.kind))
}

export function facilityById(id: number | null | undefined): FacilitySummary | undefined {
  return id == null ? undefined : facilities.value.find((f) => f.id === id)
}

/** The signed-in account's own facility (none for the city administrator). */
export const ownFacility = computed(() => facilityById(actor.value?.facility_id))
