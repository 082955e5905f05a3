//! Roles and the acting account. Every core operation takes an [`Actor`] and asks it
//! whether the action is allowed on the facility concerned: role and facility scope are
//! enforced here, in Rust, whatever the UI shows or hides.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{CoreError, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    FrontDesk,
    Nurse,
    Caregiver,
    FacilityManager,
    CityAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::FrontDesk, Role::Nurse, Role::Caregiver, Role::FacilityManager, Role::CityAdmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FrontDesk => "front_desk",
            Role::Nurse => "nurse",
            Role::Caregiver => "caregiver",
            Role::FacilityManager => "facility_manager",
            Role::CityAdmin => "city_admin",
        }
    }

    pub fn parse(s: &str) -> Result<Role, Invalid> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Invalid::new("account.role_unknown", "role").with("role", s))
    }
}

/// What an account may do. Each service names the action it performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a facility's record and its people.
    ViewFacility,
    /// Change a facility's record (name, hours, services, classes…).
    EditFacility,
    /// Create a new facility in the registry.
    CreateFacility,
    /// Create, change or disable accounts.
    ManageAccounts,
    /// Read the audit log.
    ViewAudit,
    /// Load the demo city and restore a backup: whole-database operations.
    Administer,
    /// See when the database was last backed up, and back it up now.
    BackUp,
    /// See clients, children and staff of a facility.
    ViewPeople,
    /// Register and change clients and children (front desk, nurses, managers).
    EditPeople,
    /// Register and change staff records.
    EditStaff,
    /// See a full resident ID number; every reveal is audited.
    RevealId,
    /// Record a capability assessment.
    Assess,
    /// Check people in and out at the door.
    CheckInOut,
    /// Decide who may collect a child (guardians, pick-up persons), and so enrol children.
    ManagePickup,
    /// Bring back a client recorded as moved or deceased: correcting the record.
    ReinstateClient,
    /// Keep the dish library and build and publish the weekly menus.
    ManageMenus,
    /// Book and cancel meals, set standing orders, confirm diet warnings.
    BookMeals,
    /// Record meals served or delivered, and the food samples kept.
    ServeMeals,
    /// Set the city's meal subsidy per category.
    SetSubsidyRates,
    /// Write clients' care plans and staff leave.
    ManageCarePlans,
    /// Put visits in the week, move and cancel them (the desk books visits too).
    ScheduleVisits,
    /// Run the automatic weekly scheduler; make a visit weekly.
    PlanSchedules,
    /// Record a visit done, missed or refused (a caregiver only their own).
    RecordVisits,
    /// Print a facility's monthly report (the city office also the city's) and its Excel.
    PrintReports,
}

impl Action {
    fn allowed_for(self, role: Role) -> bool {
        use Role::*;
        match self {
            Action::ViewFacility => true,
            Action::EditFacility | Action::ManageAccounts | Action::ViewAudit | Action::BackUp => {
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
            Action::RecordVisits => true,
            Action::PrintReports => matches!(role, FacilityManager | CityAdmin),
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
    /// The command-line tool runs with the rights of whoever can open the database file:
    /// a city-wide administrator. Its changes are audited under account id 0 ("system").
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
        assert!(a.require_at(Action::EditFacility, 8).is_err());
        assert!(a.require(Action::Administer).is_err());
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
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("janitor").is_err());
    }
}
