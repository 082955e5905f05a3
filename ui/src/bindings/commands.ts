// Made by tests/command_bindings.rs from the #[tauri::command] functions in src-tauri/src/commands/.
// Do not edit: change the command, and `cargo test` writes this file again.
import { call, progress } from '../ipc'
import type { AccountSummary } from './AccountSummary'
import type { AdjustmentInput } from './AdjustmentInput'
import type { Agenda } from './Agenda'
import type { Alert } from './Alert'
import type { AllergyList } from './AllergyList'
import type { AppInfo } from './AppInfo'
import type { Arrear } from './Arrear'
import type { AssessmentForm } from './AssessmentForm'
import type { AssessmentInput } from './AssessmentInput'
import type { AssessmentRecord } from './AssessmentRecord'
import type { AuditRecord } from './AuditRecord'
import type { BackupFile } from './BackupFile'
import type { BackupOverview } from './BackupOverview'
import type { Board } from './Board'
import type { BoardEntry } from './BoardEntry'
import type { Booking } from './Booking'
import type { BookingOutcome } from './BookingOutcome'
import type { BookingRequest } from './BookingRequest'
import type { CarePlan } from './CarePlan'
import type { ChainReport } from './ChainReport'
import type { CheckSession } from './CheckSession'
import type { Checkup } from './Checkup'
import type { CheckupInput } from './CheckupInput'
import type { Child } from './Child'
import type { ChildInput } from './ChildInput'
import type { ChildSummary } from './ChildSummary'
import type { ClassSheet } from './ClassSheet'
import type { Client } from './Client'
import type { ClientInput } from './ClientInput'
import type { ClientStatus } from './ClientStatus'
import type { ClientSummary } from './ClientSummary'
import type { ClockReading } from './ClockReading'
import type { Curve } from './Curve'
import type { Decision } from './Decision'
import type { Dish } from './Dish'
import type { DishInput } from './DishInput'
import type { DistrictNode } from './DistrictNode'
import type { DoseInput } from './DoseInput'
import type { DueCheck } from './DueCheck'
import type { DueFollowUp } from './DueFollowUp'
import type { Exchanged } from './Exchanged'
import type { ExportReport } from './ExportReport'
import type { Facility } from './Facility'
import type { FacilityFilter } from './FacilityFilter'
import type { FacilityInput } from './FacilityInput'
import type { FacilityKind } from './FacilityKind'
import type { FacilitySummary } from './FacilitySummary'
import type { Family } from './Family'
import type { FamilyInput } from './FamilyInput'
import type { FamilyStatement } from './FamilyStatement'
import type { FeeSetting } from './FeeSetting'
import type { FeeSettingInput } from './FeeSettingInput'
import type { Finding } from './Finding'
import type { FoodSample } from './FoodSample'
import type { GeoPoint } from './GeoPoint'
import type { GrowthMeasurement } from './GrowthMeasurement'
import type { GrowthMeasurementInput } from './GrowthMeasurementInput'
import type { ImportReport } from './ImportReport'
import type { Incident } from './Incident'
import type { IncidentInput } from './IncidentInput'
import type { Indicator } from './Indicator'
import type { Joined } from './Joined'
import type { KitchenSheet } from './KitchenSheet'
import type { Leave } from './Leave'
import type { LeaveInput } from './LeaveInput'
import type { ListQuery } from './ListQuery'
import type { Locale } from './Locale'
import type { MaterializeReport } from './MaterializeReport'
import type { Meal } from './Meal'
import type { MedicineDay } from './MedicineDay'
import type { MedicineDose } from './MedicineDose'
import type { MedicineInput } from './MedicineInput'
import type { MedicineOrder } from './MedicineOrder'
import type { Menu } from './Menu'
import type { MenuCopy } from './MenuCopy'
import type { MenuItemInput } from './MenuItemInput'
import type { MenuWeek } from './MenuWeek'
import type { MonthTotals } from './MonthTotals'
import type { MorningCheck } from './MorningCheck'
import type { MorningCheckInput } from './MorningCheckInput'
import type { NewAccount } from './NewAccount'
import type { NewVisit } from './NewVisit'
import type { Page } from './Page'
import type { Payment } from './Payment'
import type { PaymentInput } from './PaymentInput'
import type { PersonDataFiles } from './PersonDataFiles'
import type { PersonHit } from './PersonHit'
import type { PersonKind } from './PersonKind'
import type { PickUp } from './PickUp'
import type { PlanItem } from './PlanItem'
import type { PlanItemInput } from './PlanItemInput'
import type { PlanProgress } from './PlanProgress'
import type { PlanReport } from './PlanReport'
import type { ReceiptPaper } from './ReceiptPaper'
import type { ReportFormat } from './ReportFormat'
import type { ReportProgress } from './ReportProgress'
import type { RestoreReport } from './RestoreReport'
import type { RosterKind } from './RosterKind'
import type { SampleSlot } from './SampleSlot'
import type { SavedReport } from './SavedReport'
import type { SeedProgress } from './SeedProgress'
import type { SeedReport } from './SeedReport'
import type { ServeOutcome } from './ServeOutcome'
import type { Session } from './Session'
import type { SessionOpened } from './SessionOpened'
import type { SessionStatus } from './SessionStatus'
import type { Sex } from './Sex'
import type { Sheet } from './Sheet'
import type { Staff } from './Staff'
import type { StaffInput } from './StaffInput'
import type { StandingOrder } from './StandingOrder'
import type { StandingOrderInput } from './StandingOrderInput'
import type { Statement } from './Statement'
import type { SubstituteOption } from './SubstituteOption'
import type { SyncConflict } from './SyncConflict'
import type { SyncOverview } from './SyncOverview'
import type { SyncStatus } from './SyncStatus'
import type { Visit } from './Visit'
import type { VisitMove } from './VisitMove'
import type { VisitOutcome } from './VisitOutcome'
import type { VitalsInput } from './VitalsInput'
import type { Week } from './Week'

/**
 * First run: creates the encrypted database and its city administrator, signs them in
 * and, if asked, loads the demo city.
 */
export const setUp = (username: string, displayName: string, password: string, loadDemo: boolean, onProgress?: (p: SeedProgress) => void): Promise<SessionOpened> => call('set_up', { username, displayName, password, loadDemo, onProgress: progress(onProgress) })

/**
 * Signs in; the first sign-in of a run opens the encrypted database with the key the
 * account's password unseals.
 */
export const signIn = (username: string, password: string): Promise<SessionOpened> => call('sign_in', { username, password })

export const signOut = (): Promise<void> => call('sign_out')

/**
 * Whether the session still stands (the account not disabled, its password not reset
 * since the sign-in, not idle past the city's limit) and that limit; the window asks at
 * least once a minute. `None`: nobody is signed in (any more).
 */
export const sessionCheck = (): Promise<SessionStatus | null> => call('session_check')

/** The person at the PC used the app: the idle time starts again. */
export const sessionTouch = (): Promise<void> => call('session_touch')

/** Sets the minutes without use after which every app signs out (the city office). */
export const idleMinutesSet = (minutes: number): Promise<number> => call('idle_minutes_set', { minutes })

export const currentActor = (): Promise<Session | null> => call('current_actor')

export const passwordChange = (oldPassword: string, newPassword: string): Promise<void> => call('password_change', { oldPassword, newPassword })

export const accountsList = (): Promise<AccountSummary[]> => call('accounts_list')

export const accountCreate = (account: NewAccount): Promise<AccountSummary> => call('account_create', { account })

/** Which staff record the account is (a caregiver records that staff member's visits). */
export const accountLinkStaff = (id: number, staffId: number | null): Promise<AccountSummary> => call('account_link_staff', { id, staffId })

/** Lifts a lock left by wrong passwords before it runs out. */
export const accountUnlock = (id: number): Promise<AccountSummary> => call('account_unlock', { id })

export const accountSetActive = (id: number, active: boolean): Promise<AccountSummary> => call('account_set_active', { id, active })

export const accountResetPassword = (id: number, password: string): Promise<void> => call('account_reset_password', { id, password })

export const auditRecent = (limit: number): Promise<AuditRecord[]> => call('audit_recent', { limit })

/** Checks the whole audit log's hash chain, entry by entry (the city office). */
export const auditVerify = (): Promise<ChainReport> => call('audit_verify')

/** The facility is the city office's choice; everyone else gets their own. */
export const agendaToday = (facilityId: number | null): Promise<Agenda> => call('agenda_today', { facilityId })

/** Urgent readings nobody has handled, at the account's facility or (city office) anywhere. */
export const alertsOpenCount = (): Promise<number> => call('alerts_open_count')

/** What the first screen needs, before anyone signs in. Holds nothing personal. */
export const appInfo = (): Promise<AppInfo> => call('app_info')

/**
 * The UI calls this once its first screen shows data. With CARECIRCLE_BENCH_READY set,
 * the time since launch is printed for the start-up benchmark.
 */
export const appReady = (): Promise<void> => call('app_ready')

/**
 * Now, and Wuhai's today and week, by the core's clock: the screens count days by these,
 * not by the webview's clock (a PC may be set to another zone).
 */
export const clockNow = (): Promise<ClockReading> => call('clock_now')

export const setLocale = (locale: Locale): Promise<void> => call('set_locale', { locale })

/** Loads the demo city (city administrator, empty database), reporting progress. */
export const demoSeed = (scale: number, onProgress?: (p: SeedProgress) => void): Promise<SeedReport> => call('demo_seed', { scale, onProgress: progress(onProgress) })

/** The last good backup and the list (managers). */
export const backupsStatus = (): Promise<BackupOverview> => call('backups_status')

/** A checked copy in the backup folder, now (managers). */
export const backupNow = (): Promise<BackupFile> => call('backup_now')

/** Replaces the database with a listed backup; the search index is rebuilt after. */
export const backupRestore = (fileName: string): Promise<RestoreReport> => call('backup_restore', { fileName })

/** Today's sheet (checks are taken and corrected on their own day only). */
export const classSheet = (facilityId: number, className: string | null, session: CheckSession): Promise<ClassSheet> => call('class_sheet', { facilityId, className, session })

/** The whole class in one transaction: one bad row refuses all, naming the child. */
export const classChecksRecord = (facilityId: number, session: CheckSession, rows: MorningCheckInput[]): Promise<MorningCheck[]> => call('class_checks_record', { facilityId, session, rows })

export const checkGuardianTold = (checkId: number): Promise<MorningCheck> => call('check_guardian_told', { checkId })

export const medicinesToday = (facilityId: number): Promise<MedicineDay[]> => call('medicines_today', { facilityId })

export const medicineAdd = (childId: number, input: MedicineInput): Promise<MedicineOrder> => call('medicine_add', { childId, input })

export const medicineDoseGive = (medicineId: number, input: DoseInput): Promise<MedicineDose> => call('medicine_dose_give', { medicineId, input })

export const growthRecord = (childId: number, input: GrowthMeasurementInput): Promise<GrowthMeasurement> => call('growth_record', { childId, input })

/** Oldest first (audited: a view of the child's health record). */
export const growthHistory = (childId: number): Promise<GrowthMeasurement[]> => call('growth_history', { childId })

export const growthDue = (facilityId: number): Promise<DueCheck[]> => call('growth_due', { facilityId })

/** The WHO curves (−3…+3 SD) to draw a chart; public data, no session needed. */
export const growthCurves = (indicator: Indicator, sex: Sex, ageDays: number): Promise<Curve[]> => call('growth_curves', { indicator, sex, ageDays })

/** A facility's families, by name, each with its members. */
export const familyList = (facilityId: number): Promise<Family[]> => call('family_list', { facilityId })

/** The family a client or child belongs to, if any. */
export const familyOfPerson = (personKind: PersonKind, personId: number): Promise<Family | null> => call('family_of_person', { personKind, personId })

/** A new family, without members yet. */
export const familyCreate = (input: FamilyInput): Promise<Family> => call('family_create', { input })

/** A family renamed, or its payer changed. */
export const familyUpdate = (id: number, input: FamilyInput): Promise<Family> => call('family_update', { id, input })

/** A client or child of the family's facility added to it. */
export const familyAddMember = (id: number, personKind: PersonKind, personId: number): Promise<Family> => call('family_add_member', { id, personKind, personId })

/** A member taken out of the family. */
export const familyRemoveMember = (id: number, personKind: PersonKind, personId: number): Promise<Family> => call('family_remove_member', { id, personKind, personId })

/** A family dissolved: its members belong to none, their ledgers untouched. */
export const familyDelete = (id: number): Promise<void> => call('family_delete', { id })

/** A family's statement of a month ("2026-11"): each member's and their sum. */
export const familyStatement = (id: number, month: string): Promise<FamilyStatement> => call('family_statement', { id, month })

/** The family's statement as a PDF to print or hand to the payer. */
export const familyStatementPrint = (id: number, month: string): Promise<SavedReport> => call('family_statement_print', { id, month })

/** Every price and rule of a facility, past, current and to come. */
export const feeSettings = (facilityId: number): Promise<FeeSetting[]> => call('fee_settings', { facilityId })

/** Sets a price or rule from a first day no charge has used yet. */
export const feeSet = (input: FeeSettingInput): Promise<FeeSetting> => call('fee_set', { input })

/** A client's or child's statement of a month ("2026-11"). */
export const statementOfPerson = (personKind: PersonKind, personId: number, month: string): Promise<Statement> => call('statement_of_person', { personKind, personId, month })

/** The statement as a PDF to print or hand over. */
export const statementPrint = (personKind: PersonKind, personId: number, month: string): Promise<SavedReport> => call('statement_print', { personKind, personId, month })

/**
 * A payment's receipt as a PDF, on A5 or an 80 mm roll; printing again is allowed (and
 * audited).
 */
export const receiptPrint = (id: number, paper: ReceiptPaper): Promise<SavedReport> => call('receipt_print', { id, paper })

/** Who owes money at the facility at the end of a month (today, for this month). */
export const arrearsList = (facilityId: number, month: string): Promise<Arrear[]> => call('arrears_list', { facilityId, month })

/** A facility's settlement sheet of a month: as signed and decided, or the draft. */
export const settlementSheet = (facilityId: number, month: string): Promise<Sheet> => call('settlement_sheet', { facilityId, month })

/** The manager signs off a month that is over. */
export const settlementSign = (facilityId: number, month: string): Promise<Sheet> => call('settlement_sign', { facilityId, month })

/** The city office approves or rejects lines of a signed sheet (a rejection with its reason). */
export const settlementDecide = (facilityId: number, month: string, lineIds: number[], decision: Decision, reason: string | null): Promise<Sheet> => call('settlement_decide', { facilityId, month, lineIds, decision, reason })

/** The city office locks a month whose lines are all decided. */
export const settlementLock = (facilityId: number, month: string): Promise<Sheet> => call('settlement_lock', { facilityId, month })

/** An adjustment on a month's draft, correcting a line of a locked month. */
export const settlementAdjust = (input: AdjustmentInput): Promise<Sheet> => call('settlement_adjust', { input })

/** The sheet as a PDF to sign or a workbook for the finance office. */
export const settlementExport = (facilityId: number, month: string, format: ReportFormat): Promise<SavedReport> => call('settlement_export', { facilityId, month, format })

export const checkIn = (kind: PersonKind, id: number): Promise<BoardEntry> => call('check_in', { kind, id })

/** For a child, `pickup` names who collects them; anyone not authorised is refused. */
export const checkOut = (kind: PersonKind, id: number, pickup: PickUp | null): Promise<BoardEntry> => call('check_out', { kind, id, pickup })

export const boardToday = (facilityId: number): Promise<Board> => call('board_today', { facilityId })

/** Saves today's board of a facility to the Downloads folder. */
export const boardExport = (facilityId: number): Promise<ExportReport> => call('board_export', { facilityId })

/** Reads the values as they are typed, before anything is saved (no database). */
export const vitalsClassify = (input: VitalsInput): Promise<Finding[]> => call('vitals_classify', { input })

/** Urgent readings go on the facility's alert list in the same step. */
export const checkupRecord = (clientId: number, input: CheckupInput): Promise<Checkup> => call('checkup_record', { clientId, input })

/** Corrects a checkup's values; its alerts follow the corrected reading. */
export const checkupCorrect = (checkupId: number, input: CheckupInput): Promise<Checkup> => call('checkup_correct', { checkupId, input })

export const checkupsList = (clientId: number): Promise<Checkup[]> => call('checkups_list', { clientId })

export const alertsOpen = (facilityId: number): Promise<Alert[]> => call('alerts_open', { facilityId })

export const alertHandle = (alertId: number, note: string): Promise<void> => call('alert_handle', { alertId, note })

/** Overdue first; `nurseId` keeps only the clients whose last checkup that nurse took. */
export const followUpsDue = (facilityId: number, nurseId: number | null, horizonDays: number): Promise<DueFollowUp[]> => call('follow_ups_due', { facilityId, nurseId, horizonDays })

export const incidentReport = (input: IncidentInput): Promise<Incident> => call('incident_report', { input })

/** Completes an open report (the family told, the injury as the doctor found it). */
export const incidentUpdate = (id: number, input: IncidentInput): Promise<Incident> => call('incident_update', { id, input })

export const incidentClose = (id: number, reviewNote: string): Promise<Incident> => call('incident_close', { id, reviewNote })

/** The facility's open reports, then those of `month` (`YYYY-MM`). */
export const incidentsList = (facilityId: number, month: string): Promise<Incident[]> => call('incidents_list', { facilityId, month })

export const incidentsOfPerson = (personKind: PersonKind, personId: number): Promise<Incident[]> => call('incidents_of_person', { personKind, personId })

/** The care-risk events an assessment of `client_id` on `day` will count. */
export const incidentRiskEvents = (clientId: number, day: string): Promise<number> => call('incident_risk_events', { clientId, day })

export const dishesList = (facilityId: number, includeRetired: boolean): Promise<Dish[]> => call('dishes_list', { facilityId, includeRetired })

export const dishCreate = (facilityId: number, input: DishInput): Promise<Dish> => call('dish_create', { facilityId, input })

export const dishUpdate = (dishId: number, input: DishInput): Promise<Dish> => call('dish_update', { dishId, input })

/** Retire (never delete) or bring back a dish. */
export const dishSetActive = (dishId: number, active: boolean): Promise<Dish> => call('dish_set_active', { dishId, active })

export const menuWeeks = (facilityId: number): Promise<MenuWeek[]> => call('menu_weeks', { facilityId })

/** The week's menu, made (empty, as a draft) the first time it is opened. */
export const menuOpen = (facilityId: number, weekStart: string): Promise<Menu> => call('menu_open', { facilityId, weekStart })

/** Replaces the dishes of one meal of one day. */
export const menuSetMeal = (menuId: number, day: string, meal: Meal, items: MenuItemInput[]): Promise<Menu> => call('menu_set_meal', { menuId, day, meal, items })

export const menuCopyWeek = (facilityId: number, fromWeek: string, toWeek: string, replace: boolean): Promise<MenuCopy> => call('menu_copy_week', { facilityId, fromWeek, toWeek, replace })

export const menuPublish = (menuId: number): Promise<Menu> => call('menu_publish', { menuId })

export const allergyList = (facilityId: number, day: string): Promise<AllergyList> => call('allergy_list', { facilityId, day })

/** Saves the day's list for the kitchen and the teachers to the Downloads folder. */
export const allergyListExport = (facilityId: number, day: string): Promise<ExportReport> => call('allergy_list_export', { facilityId, day })

export const samplesForDay = (facilityId: number, day: string): Promise<SampleSlot[]> => call('samples_for_day', { facilityId, day })

export const sampleRecord = (facilityId: number, day: string, meal: Meal, dishId: number, grams: number): Promise<FoodSample> => call('sample_record', { facilityId, day, meal, dishId, grams })

export const sampleDiscard = (sampleId: number): Promise<FoodSample> => call('sample_discard', { sampleId })

/** All or nothing; diet warnings come back to confirm before anything is written. */
export const mealBook = (request: BookingRequest): Promise<BookingOutcome> => call('meal_book', { request })

/** The day the booking form suggests first: the next day with a published menu (or weekday). */
export const mealBookingDay = (facilityId: number): Promise<string> => call('meal_booking_day', { facilityId })

/** The dishes safe for the client instead of one that clashes with their allergy, best first. */
export const mealSubstitutes = (clientId: number, dishId: number): Promise<SubstituteOption[]> => call('meal_substitutes', { clientId, dishId })

export const bookingCancel = (bookingId: number, reason: string | null): Promise<Booking> => call('booking_cancel', { bookingId, reason })

/** Checks again against the menu as it is now, then records the meal served. */
export const bookingServe = (bookingId: number, confirmDiet: boolean): Promise<ServeOutcome> => call('booking_serve', { bookingId, confirmDiet })

/** A client's bookings between two days (audited: a view of the person's record). */
export const clientBookings = (clientId: number, from: string, to: string): Promise<Booking[]> => call('client_bookings', { clientId, from, to })

/** Who is booked for one meal: the serving list. */
export const mealBookings = (facilityId: number, day: string, meal: Meal): Promise<Booking[]> => call('meal_bookings', { facilityId, day, meal })

export const standingOrderCreate = (input: StandingOrderInput): Promise<StandingOrder> => call('standing_order_create', { input })

export const standingOrderStop = (orderId: number, reason: string | null): Promise<StandingOrder> => call('standing_order_stop', { orderId, reason })

export const standingOrders = (facilityId: number, clientId: number | null, includeStopped: boolean): Promise<StandingOrder[]> => call('standing_orders', { facilityId, clientId, includeStopped })

/** Turns the facility's standing orders into bookings through `through` (published days only). */
export const standingMaterialize = (facilityId: number, through: string): Promise<MaterializeReport> => call('standing_materialize', { facilityId, through })

export const kitchenSheet = (facilityId: number, day: string, meal: Meal): Promise<KitchenSheet> => call('kitchen_sheet', { facilityId, day, meal })

/** Saves the printable sheet (counts, deliveries by address, warnings) to the Downloads folder. */
export const kitchenSheetExport = (facilityId: number, day: string, meal: Meal): Promise<ExportReport> => call('kitchen_sheet_export', { facilityId, day, meal })

/** One facility's month, or (no facility, city office) the whole city's. */
export const mealMonthTotals = (facilityId: number | null, year: number, month: number): Promise<MonthTotals> => call('meal_month_totals', { facilityId, year, month })

export const paymentRecord = (input: PaymentInput): Promise<Payment> => call('payment_record', { input })

/** Voids a receipt given in error; it keeps its number. */
export const paymentVoid = (id: number, reason: string): Promise<Payment> => call('payment_void', { id, reason })

export const paymentsOfPerson = (personKind: PersonKind, personId: number): Promise<Payment[]> => call('payments_of_person', { personKind, personId })

export const clientsList = (query: ListQuery): Promise<Page<ClientSummary>> => call('clients_list', { query })

/** Audited: every call is a view of the person's record. */
export const clientGet = (id: number): Promise<Client> => call('client_get', { id })

export const clientCreate = (input: ClientInput): Promise<Client> => call('client_create', { input })

/** An empty `identity.id_number` keeps the number on file. */
export const clientUpdate = (id: number, input: ClientInput): Promise<Client> => call('client_update', { id, input })

export const clientSetStatus = (id: number, status: ClientStatus): Promise<Client> => call('client_set_status', { id, status })

export const childrenList = (query: ListQuery): Promise<Page<ChildSummary>> => call('children_list', { query })

export const childGet = (id: number): Promise<Child> => call('child_get', { id })

export const childCreate = (input: ChildInput): Promise<Child> => call('child_create', { input })

/** Contacts keep their id to be updated; contacts left out are retired. */
export const childUpdate = (id: number, input: ChildInput): Promise<Child> => call('child_update', { id, input })

export const staffList = (query: ListQuery): Promise<Page<Staff>> => call('staff_list', { query })

export const staffGet = (id: number): Promise<Staff> => call('staff_get', { id })

export const staffCreate = (input: StaffInput): Promise<Staff> => call('staff_create', { input })

export const staffUpdate = (id: number, input: StaffInput): Promise<Staff> => call('staff_update', { id, input })

/** The full ID number (nurses, managers and the city office only; audited). */
export const idReveal = (kind: PersonKind, id: number): Promise<string | null> => call('id_reveal', { kind, id })

export const assessmentForm = (): Promise<AssessmentForm> => call('assessment_form')

export const assessmentAdd = (clientId: number, input: AssessmentInput): Promise<AssessmentRecord> => call('assessment_add', { clientId, input })

export const assessmentsList = (clientId: number): Promise<AssessmentRecord[]> => call('assessments_list', { clientId })

/** The front desk's search box: name, pinyin, initials, ID tail or phone. */
export const peopleSearch = (text: string, kinds: PersonKind[], limit: number): Promise<PersonHit[]> => call('people_search', { text, kinds, limit })

export const cityTree = (): Promise<DistrictNode[]> => call('city_tree')

export const facilitiesList = (filter: FacilityFilter): Promise<FacilitySummary[]> => call('facilities_list', { filter })

export const facilityGet = (id: number): Promise<Facility> => call('facility_get', { id })

export const facilityUpdate = (id: number, input: FacilityInput): Promise<Facility> => call('facility_update', { id, input })

export const facilityCreate = (kind: FacilityKind, input: FacilityInput): Promise<Facility> => call('facility_create', { kind, input })

/** Saves the facility list (as filtered) to the Downloads folder. */
export const facilitiesExport = (filter: FacilityFilter): Promise<ExportReport> => call('facilities_export', { filter })

/** The report of a facility's month, or the city's (no facility), as a PDF or a workbook. */
export const reportMake = (facilityId: number | null, month: string, format: ReportFormat, onProgress?: (p: ReportProgress) => void): Promise<SavedReport> => call('report_make', { facilityId, month, format, onProgress: progress(onProgress) })

/**
 * A client's or child's copy of everything held about them (PIPL Art. 45): a PDF and a
 * workbook in the Downloads folder. The file names carry the kind and id, not the name.
 */
export const personDataExport = (kind: PersonKind, id: number): Promise<PersonDataFiles> => call('person_data_export', { kind, id })

/** Opens a report the app made with the desktop's application for it. */
export const reportOpen = (path: string): Promise<void> => call('report_open', { path })

/** Shows a report the app made in its folder, selected. */
export const reportReveal = (path: string): Promise<void> => call('report_reveal', { path })

/** Saves the blank roster template to the Downloads folder. */
export const rosterTemplate = (kind: RosterKind): Promise<ExportReport> => call('roster_template', { kind })

/**
 * Saves the list (all the account may see, or one facility) to the Downloads folder; ID
 * numbers in full only with a manager's reason.
 */
export const rosterExport = (kind: RosterKind, facilityId: number | null, includeInactive: boolean, revealReason: string | null): Promise<ExportReport> => call('roster_export', { kind, facilityId, includeInactive, revealReason })

/** Checks every row and writes nothing. */
export const rosterPreview = (kind: RosterKind, facilityId: number | null, fileName: string, bytes: number[]): Promise<ImportReport> => call('roster_preview', { kind, facilityId, fileName, bytes })

/** Checks again and imports the valid rows in one transaction. */
export const rosterCommit = (kind: RosterKind, facilityId: number | null, fileName: string, bytes: number[]): Promise<ImportReport> => call('roster_commit', { kind, facilityId, fileName, bytes })

/** When this PC last synced, what waits to be sent, the conflicts waiting (anyone signed in). */
export const syncStatus = (): Promise<SyncOverview> => call('sync_status')

/**
 * Exchanges with the hub now instead of at the next background round (anyone signed in:
 * it sends and fetches what the PCs recorded, nothing more). `null` when not joined.
 */
export const syncNow = (): Promise<Exchanged | null> => call('sync_now')

/**
 * Joins the hub with the connection the city office issued at enrolment (managers), then
 * sends what this PC holds at once.
 */
export const syncJoin = (hub: string): Promise<Joined> => call('sync_join', { hub })

/** The conflicts waiting for a manager. */
export const syncConflicts = (): Promise<SyncConflict[]> => call('sync_conflicts')

/** A manager keeps this PC's value (`keep_local`) or the other PC's. */
export const syncResolve = (id: number, keepLocal: boolean): Promise<SyncStatus> => call('sync_resolve', { id, keepLocal })

export const carePlan = (clientId: number): Promise<CarePlan> => call('care_plan', { clientId })

/** Plan items a visit placed by hand can be for, on `day`. */
export const facilityPlanItems = (facilityId: number, day: string): Promise<PlanItem[]> => call('facility_plan_items', { facilityId, day })

export const planItemCreate = (input: PlanItemInput): Promise<PlanItem> => call('plan_item_create', { input })

export const planItemUpdate = (itemId: number, input: PlanItemInput): Promise<PlanItem> => call('plan_item_update', { itemId, input })

/** Ends an item on `lastDay`: its later planned visits are cancelled, its weekly series stop. */
export const planItemEnd = (itemId: number, lastDay: string): Promise<PlanItem> => call('plan_item_end', { itemId, lastDay })

export const homeLocation = (clientId: number): Promise<GeoPoint | null> => call('home_location', { clientId })

export const homeLocationSet = (clientId: number, point: GeoPoint | null): Promise<void> => call('home_location_set', { clientId, point })

export const leaveList = (staffId: number): Promise<Leave[]> => call('leave_list', { staffId })

export const leaveAdd = (input: LeaveInput): Promise<Leave> => call('leave_add', { input })

export const leaveRemove = (leaveId: number): Promise<void> => call('leave_remove', { leaveId })

/**
 * The week from Monday `weekStart`, with its conflicts; weekly series are written in from today
 * on.
 */
export const visitsWeek = (facilityId: number, weekStart: string): Promise<Week> => call('visits_week', { facilityId, weekStart })

export const visitCreate = (input: NewVisit): Promise<Visit> => call('visit_create', { input })

export const visitMove = (visitId: number, to: VisitMove): Promise<Visit> => call('visit_move', { visitId, to })

export const visitCancel = (visitId: number): Promise<Visit> => call('visit_cancel', { visitId })

export const visitMakeWeekly = (visitId: number): Promise<Visit> => call('visit_make_weekly', { visitId })

export const visitSeriesEnd = (seriesId: number, lastDay: string): Promise<void> => call('visit_series_end', { seriesId, lastDay })

export const visitRecord = (visitId: number, outcome: VisitOutcome): Promise<Visit> => call('visit_record', { visitId, outcome })

export const visitMakeUp = (visitId: number, day: string, start: string, staffId: number | null): Promise<Visit> => call('visit_make_up', { visitId, day, start, staffId })

/**
 * Plans the week at one facility, or at every elder facility of a living circle, off the
 * UI thread; progress goes back over `on_progress`.
 */
export const visitsPlanWeek = (facilityId: number | null, circleId: number | null, weekStart: string, onProgress?: (p: PlanProgress) => void): Promise<PlanReport> => call('visits_plan_week', { facilityId, circleId, weekStart, onProgress: progress(onProgress) })
