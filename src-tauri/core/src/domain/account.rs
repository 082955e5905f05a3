//! Roles and the acting account. Every core operation takes an [`Actor`] and asks it
//! whether the action is allowed on the facility concerned: role and facility scope are
//! enforced here, in Rust, whatever the UI shows or hides.

use serde::Serialize;
use ts_rs::TS;

use crate::codes::code_enum;
use crate::error::{CoreError, Invalid};

code_enum! {
    Role {
        FrontDesk = "front_desk",
        Nurse = "nurse",
        Caregiver = "caregiver",
        FacilityManager = "facility_manager",
        CityAdmin = "city_admin",
    }
}

impl Role {
    /// A role typed by a person (the CLI, an import): unknown is an input error.
    pub fn from_input(s: &str) -> Result<Role, Invalid> {
        Role::parse(s).ok_or_else(|| Invalid::new("account.role_unknown", "role").with("role", s))
    }
}

code_enum! {
    /// What an account may do. Each service names the action it performs; the window is
    /// sent the list for the signed-in account and offers only those (see `Actor::actions`).
    Action {
        /// See a facility's record and its people.
        ViewFacility = "view_facility",
        /// Change a facility's record (name, hours, services, classes…).
        EditFacility = "edit_facility",
        /// Create a new facility in the registry.
        CreateFacility = "create_facility",
        /// Create, change or disable accounts.
        ManageAccounts = "manage_accounts",
        /// Read the audit log.
        ViewAudit = "view_audit",
        /// Load the demo city and restore a backup: whole-database operations.
        Administer = "administer",
        /// See when the database was last backed up, and back it up now.
        BackUp = "back_up",
        /// See clients, children and staff of a facility.
        ViewPeople = "view_people",
        /// Register and change clients and children (front desk, nurses, managers).
        EditPeople = "edit_people",
        /// Register and change staff records.
        EditStaff = "edit_staff",
        /// See a full resident ID number; every reveal is audited.
        RevealId = "reveal_id",
        /// Export a list with full ID numbers, giving a reason; one entry per person revealed.
        /// A facility's managers for its list, the city office for the city's.
        ExportIds = "export_ids",
        /// Record a capability assessment.
        Assess = "assess",
        /// Check people in and out at the door.
        CheckInOut = "check_in_out",
        /// Decide who may collect a child (guardians, pick-up persons), and so enrol children.
        ManagePickup = "manage_pickup",
        /// Bring back a client recorded as moved or deceased: correcting the record.
        ReinstateClient = "reinstate_client",
        /// Keep the dish library and build and publish the weekly menus.
        ManageMenus = "manage_menus",
        /// Book and cancel meals, set standing orders, confirm diet warnings.
        BookMeals = "book_meals",
        /// Record meals served or delivered, and the food samples kept.
        ServeMeals = "serve_meals",
        /// Set the city's meal subsidy per category.
        SetSubsidyRates = "set_subsidy_rates",
        /// Write clients' care plans and staff leave.
        ManageCarePlans = "manage_care_plans",
        /// Put visits in the week, move and cancel them (the desk books visits too).
        ScheduleVisits = "schedule_visits",
        /// Run the automatic weekly scheduler; make a visit weekly.
        PlanSchedules = "plan_schedules",
        /// Record a visit done, missed or refused (a caregiver only their own).
        RecordVisits = "record_visits",
        /// Print a facility's monthly report (the city office also the city's) and its Excel.
        PrintReports = "print_reports",
        /// Report an incident (a fall, choking…) of a client or child, and complete the report
        /// while it is open: whoever is on duty.
        ReportIncidents = "report_incidents",
        /// Review an incident report and close it.
        ReviewIncidents = "review_incidents",
        /// Take a payment at the desk and print its receipt.
        TakePayments = "take_payments",
        /// Void a receipt given in error.
        VoidReceipts = "void_receipts",
        /// Set a facility's prices and its rule for crediting absent days.
        SetFees = "set_fees",
        /// See a facility's settlement sheet (政府购买服务结算), sign it off, add adjustments.
        Settle = "settle",
        /// Approve or reject a settlement sheet's lines and lock the month: the city office.
        ReviewSettlements = "review_settlements",
        /// Give a client or child a copy of everything held about them (PIPL Art. 45): a
        /// facility's managers for its people, the city office for anyone.
        ExportPersonData = "export_person_data",
    }
}

impl Action {
    /// Whether the action changes a facility's records (its people, meals, visits, checks):
    /// not offered at the city office's PC, whose copy of them is read-only once it syncs
    /// with the hub (docs/sync.md, "Recording changes").
    pub fn changes_facility_records(self) -> bool {
        matches!(
            self,
            Action::EditPeople
                | Action::EditStaff
                | Action::Assess
                | Action::CheckInOut
                | Action::ManagePickup
                | Action::ReinstateClient
                | Action::ManageMenus
                | Action::BookMeals
                | Action::ServeMeals
                | Action::ManageCarePlans
                | Action::ScheduleVisits
                | Action::PlanSchedules
                | Action::RecordVisits
                | Action::ReportIncidents
                | Action::ReviewIncidents
                | Action::TakePayments
                | Action::VoidReceipts
                | Action::SetFees
        )
    }

    fn allowed_for(self, role: Role) -> bool {
        use Role::*;
        match self {
            Action::ViewFacility => true,
            Action::EditFacility | Action::ManageAccounts | Action::ViewAudit | Action::BackUp | Action::ExportIds => {
                matches!(role, FacilityManager | CityAdmin)
            }
            Action::CreateFacility | Action::Administer => role == CityAdmin,
            Action::ViewPeople | Action::CheckInOut => true,
            Action::EditPeople => matches!(role, FrontDesk | Nurse | FacilityManager | CityAdmin),
            Action::EditStaff => matches!(role, FacilityManager | CityAdmin),
            Action::RevealId | Action::Assess => matches!(role, Nurse | FacilityManager | CityAdmin),
            Action::ManagePickup | Action::ReinstateClient | Action::ManageMenus => {
                matches!(role, FacilityManager | CityAdmin)
            }
            Action::BookMeals => matches!(role, FrontDesk | Nurse | FacilityManager | CityAdmin),
            Action::ServeMeals => true,
            Action::SetSubsidyRates => role == CityAdmin,
            Action::ManageCarePlans => matches!(role, Nurse | FacilityManager | CityAdmin),
            Action::ScheduleVisits => matches!(role, FrontDesk | Nurse | FacilityManager | CityAdmin),
            Action::PlanSchedules => matches!(role, FacilityManager | CityAdmin),
            Action::RecordVisits | Action::ReportIncidents => true,
            Action::ReviewIncidents | Action::VoidReceipts | Action::SetFees | Action::Settle => {
                matches!(role, FacilityManager | CityAdmin)
            }
            Action::ReviewSettlements => role == CityAdmin,
            Action::TakePayments => matches!(role, FrontDesk | FacilityManager | CityAdmin),
            Action::PrintReports | Action::ExportPersonData => matches!(role, FacilityManager | CityAdmin),
        }
    }
}

/// The signed-in account on whose behalf an operation runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Actor {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// `None` only for the city administrator, who sees every facility.
    pub facility_id: Option<i64>,
}

impl Actor {
    /// Work no one signed in for: the app's own daily backup. Audited under account id 0
    /// ("system"). (The command-line tool signs in as an account.)
    pub fn system() -> Actor {
        Actor {
            account_id: 0,
            username: "system".into(),
            display_name: "system".into(),
            role: Role::CityAdmin,
            facility_id: None,
        }
    }

    pub fn is_city_wide(&self) -> bool {
        self.role == Role::CityAdmin
    }

    /// May this account do `action` at all (whatever the facility)?
    pub fn require(&self, action: Action) -> Result<(), CoreError> {
        if action.allowed_for(self.role) {
            Ok(())
        } else {
            Err(CoreError::Forbidden)
        }
    }

    /// May this account do `action` on `facility_id`?
    pub fn require_at(&self, action: Action, facility_id: i64) -> Result<(), CoreError> {
        self.require(action)?;
        if self.is_city_wide() || self.facility_id == Some(facility_id) {
            Ok(())
        } else {
            Err(CoreError::Forbidden)
        }
    }

    /// Everything this account may do somewhere (the window hides what is not here; the
    /// core still checks each action and its facility).
    pub fn actions(&self) -> Vec<Action> {
        Action::ALL.iter().copied().filter(|a| a.allowed_for(self.role)).collect()
    }

    /// The facility an unscoped query must be limited to; `None` means every facility.
    pub fn facility_scope(&self) -> Option<i64> {
        if self.is_city_wide() {
            None
        } else {
            // A non-city account without a facility sees nothing: -1 matches no row.
            Some(self.facility_id.unwrap_or(-1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, facility: Option<i64>) -> Actor {
        Actor { account_id: 1, username: "u".into(), display_name: "u".into(), role, facility_id: facility }
    }

    #[test]
    fn front_desk_sees_only_its_own_facility_and_edits_nothing() {
        let a = actor(Role::FrontDesk, Some(7));
        assert!(a.require_at(Action::ViewFacility, 7).is_ok());
        assert!(matches!(a.require_at(Action::ViewFacility, 8), Err(CoreError::Forbidden)));
        assert!(matches!(a.require_at(Action::EditFacility, 7), Err(CoreError::Forbidden)));
        assert_eq!(a.facility_scope(), Some(7));
    }

    #[test]
    fn manager_edits_own_facility_only() {
        let a = actor(Role::FacilityManager, Some(7));
        assert!(a.require_at(Action::EditFacility, 7).is_ok());
        assert!(matches!(a.require_at(Action::EditFacility, 8), Err(CoreError::Forbidden)));
        assert!(matches!(a.require(Action::Administer), Err(CoreError::Forbidden)));
    }

    #[test]
    fn city_admin_reaches_everything() {
        let a = actor(Role::CityAdmin, None);
        assert!(a.require_at(Action::EditFacility, 99).is_ok());
        assert!(a.require(Action::Administer).is_ok());
        assert_eq!(a.facility_scope(), None);
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for &r in Role::ALL {
            assert_eq!(Role::from_input(r.as_str()).unwrap(), r);
        }
        assert_eq!(Role::from_input("janitor").unwrap_err().code, "account.role_unknown");
    }
}
