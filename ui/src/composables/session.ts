// Who is signed in, and what the UI offers them. The backend enforces every rule; this
// only hides buttons a role cannot use.
import { computed, ref } from 'vue'
import type { Actor } from '../bindings/Actor'
import type { Role } from '../bindings/Role'

export const actor = ref<Actor | null>(null)

export const isCityAdmin = computed(() => actor.value?.role === 'city_admin')
export const canManageAccounts = computed(() => actor.value?.role === 'city_admin' || actor.value?.role === 'facility_manager')
export const canCreateFacility = isCityAdmin

/** Registers and edits clients and children (not staff). */
export const canEditPeople = computed(() => !!actor.value && actor.value.role !== 'caregiver')
export const canEditStaff = canManageAccounts
/** Enrolling a child names who may collect them: the unit's manager decides that. */
export const canManagePickup = canManageAccounts
/** May see a full ID number for a moment (nurses, managers, the city office). */
export const canRevealId = computed(() => ['nurse', 'facility_manager', 'city_admin'].includes(actor.value?.role ?? ''))
export const canAssess = canRevealId

/** The first screen after signing in: the front desk works at the desk. */
export function landingRoute(): { name: string } {
  return { name: actor.value?.role === 'front_desk' ? 'desk' : 'home' }
}

export function canEditFacility(facilityId: number): boolean {
  const a = actor.value
  if (!a) return false
  return a.role === 'city_admin' || (a.role === 'facility_manager' && a.facility_id === facilityId)
}

/** Roles the signed-in person may give a new account. */
export const assignableRoles = computed<Role[]>(() => {
  if (actor.value?.role === 'city_admin') return ['front_desk', 'nurse', 'caregiver', 'facility_manager', 'city_admin']
  if (actor.value?.role === 'facility_manager') return ['front_desk', 'nurse', 'caregiver']
  return []
})

/** Keeps the dish library and builds and publishes the menus (managers, the city office). */
export const canManageMenus = canManageAccounts
/** Books and cancels meals (front desk, nurses, managers). */
export const canBookMeals = computed(() => ['front_desk', 'nurse', 'facility_manager', 'city_admin'].includes(actor.value?.role ?? ''))

/** Writes care plans (nurses, managers, the city office). */
export const canManageCarePlans = computed(() => ['nurse', 'facility_manager', 'city_admin'].includes(actor.value?.role ?? ''))
/** Places, moves and cancels visits (the desk books visits too). */
export const canScheduleVisits = canBookMeals
/** Runs the weekly scheduler and makes visits weekly (managers, the city office). */
export const canPlanSchedules = canManageAccounts
/** Monthly reports (PDF and Excel): managers; the whole city only the city office. */
export const canPrintReports = canManageAccounts
/** See the last good backup and back up now (managers); restoring is the city office's. */
export const canBackUp = canManageAccounts
export const canRestore = isCityAdmin
