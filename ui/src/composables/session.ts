// Who is signed in, and what the UI offers them. The backend enforces every rule; this
// only hides buttons a role cannot use.
import { computed, ref, watch } from 'vue'
import type { Action } from '../bindings/Action'
import type { Session } from '../bindings/Session'
import type { Role } from '../bindings/Role'

export const actor = ref<Session | null>(null)

const resets: Array<() => void> = []

/**
 * What a store forgets when the account signs out: the next person at this PC starts from
 * their own defaults and sees nothing the last one chose, searched or loaded. Every store
 * that keeps something across pages registers here, beside its state.
 */
export function whenSignedOut(reset: () => void): void {
  resets.push(reset)
}

watch(actor, (now, before) => {
  if (before && !now) for (const reset of resets) reset()
})

/** Whether the signed-in account may do `action` somewhere: the list comes from the core. */
const may = (action: Action) => computed(() => actor.value?.actions.includes(action) ?? false)

export const isCityAdmin = computed(() => actor.value?.role === 'city_admin')
export const canManageAccounts = may('manage_accounts')
export const canCreateFacility = may('create_facility')
export const canViewAudit = may('view_audit')
/** The whole audit log's hash chain is the city office's to check. */
export const canVerifyAudit = may('administer')

/** Registers and edits clients and children (not staff). */
export const canEditPeople = may('edit_people')
export const canEditStaff = may('edit_staff')
/** Enrolling a child names who may collect them: the unit's manager decides that. */
export const canManagePickup = may('manage_pickup')
/** May see a full ID number for a moment (nurses, managers, the city office). */
export const canRevealId = may('reveal_id')
export const canExportIds = may('export_ids')
/** A person's copy of their data (PIPL Art. 45): a facility's managers, the city office. */
export const canExportPersonData = may('export_person_data')
export const canAssess = may('assess')
/** Reports an incident and completes it while open: whoever is on duty. */
export const canReportIncidents = may('report_incidents')
/** Reviews and closes incident reports (managers, the city office). */
export const canReviewIncidents = may('review_incidents')
/** Takes payments at the desk (front desk, managers). */
export const canTakePayments = may('take_payments')
/** Voids a receipt given in error (managers). */
export const canVoidReceipts = may('void_receipts')
/** Sets a facility's prices and its rule for absent days (managers). */
export const canSetFees = may('set_fees')
/** Sees and signs off a facility's settlement sheet (managers; the city office sees them). */
export const canSettle = may('settle')
/** Approves or rejects settlement lines and locks the month (the city office). */
export const canReviewSettlements = may('review_settlements')

/** The first screen after signing in: the front desk works at the desk. */
export function landingRoute(): { name: string } {
  return { name: actor.value?.role === 'front_desk' ? 'desk' : 'home' }
}

/** May edit this facility's record: the action, at the account's own facility (the city office anywhere). */
export function canEditFacility(facilityId: number): boolean {
  const a = actor.value
  if (!a || !a.actions.includes('edit_facility')) return false
  return a.facility_id === null || a.facility_id === facilityId
}

/** Roles the signed-in person may give a new account. */
export const assignableRoles = computed<Role[]>(() => actor.value?.assignable_roles ?? [])

/** Keeps the dish library and builds and publishes the menus (managers, the city office). */
export const canManageMenus = may('manage_menus')
/** Books and cancels meals (front desk, nurses, managers). */
export const canBookMeals = may('book_meals')

/** Writes care plans (nurses, managers, the city office). */
export const canManageCarePlans = may('manage_care_plans')
/** Places, moves and cancels visits (the desk books visits too). */
export const canScheduleVisits = may('schedule_visits')
/** Runs the weekly scheduler and makes visits weekly (managers, the city office). */
export const canPlanSchedules = may('plan_schedules')
/** Monthly reports (PDF and Excel): managers; the whole city only the city office. */
export const canPrintReports = may('print_reports')
/** See the last good backup and back up now (managers); restoring is the city office's. */
export const canBackUp = may('back_up')
export const canRestore = may('administer')
