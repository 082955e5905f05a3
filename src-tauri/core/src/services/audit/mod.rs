//! The audit log: every change to a record (and, for personal records, every view) is
//! written in the same transaction as the change itself, with who, when, what, and the
//! record before and after. It is append-only and hash-chained (`chain`).

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::person::PersonKind;
use crate::error::Result;
use crate::roster::RosterKind;
use crate::store::{Db, Tx};

mod chain;
pub(crate) use chain::{seal_existing, Owned, GENESIS};
pub use chain::{verify, BrokenLink, ChainReport};

code_enum! {
    /// Every action the log records. A closed list, so each one has words in both languages
    /// (`audit.actions.<code>`, checked by a test) and the audit page never shows a bare code.
    AuditAction {
        Backup = "backup",
        Cancel = "cancel",
        ChangePassword = "change_password",
        CheckIn = "check_in",
        CheckOut = "check_out",
        /// An alert closed because its reading was corrected to one that is not urgent.
        Close = "close",
        Copy = "copy",
        CopyPublished = "copy_published",
        Correct = "correct",
        Create = "create",
        Delete = "delete",
        Discard = "discard",
        /// A database from before encryption encrypted (with its backups).
        Encrypt = "encrypt",
        End = "end",
        Export = "export",
        FillSeries = "fill_series",
        GuardianTold = "guardian_told",
        Handle = "handle",
        /// A save refused because its ID number is already on file (here or elsewhere).
        IdTaken = "id_taken",
        Import = "import",
        /// This PC joined the city hub (docs/sync.md).
        Join = "join",
        Locate = "locate",
        Locked = "locked",
        Materialize = "materialize",
        Move = "move",
        PickupRefused = "pickup_refused",
        PlanWeek = "plan_week",
        /// A visit given to another caregiver (by the scheduler), at the same time.
        Reassign = "reassign",
        /// A client or child added to a family (who pays for them together).
        AddMember = "add_member",
        Publish = "publish",
        Reactivate = "reactivate",
        Record = "record",
        /// A client or child taken out of a family.
        RemoveMember = "remove_member",
        ResetPassword = "reset_password",
        /// A manager's pick between two PCs' values of a care-critical field.
        ResolveConflict = "resolve_conflict",
        Restore = "restore",
        RestoreReplaced = "restore_replaced",
        Retire = "retire",
        /// An incident report reviewed by a manager and closed.
        Review = "review",
        /// A manager signed off a settlement sheet.
        Sign = "sign",
        /// The city office locked a settled month.
        Lock = "lock",
        RevealId = "reveal_id",
        SeedDemo = "seed_demo",
        Serve = "serve",
        Set = "set",
        SignIn = "sign_in",
        SignInFailed = "sign_in_failed",
        Status = "status",
        Stop = "stop",
        StopMeals = "stop_meals",
        /// A client or child moved to another facility, with what went with them or ended.
        Transfer = "transfer",
        Unlock = "unlock",
        Update = "update",
        UpdatePublished = "update_published",
        View = "view",
        /// A receipt given in error, voided (作废): it keeps its number.
        Void = "void",
    }
}

code_enum! {
    /// Everything an entry can be about, with words in both languages (`entities.<code>`).
    /// Plural codes name a list or a batch (an export of clients, a planned week of visits).
    AuditEntity {
        Account = "account",
        Alert = "alert",
        /// A facility's list of open alerts, as a nurse opened it.
        Alerts = "alerts",
        AllergyList = "allergy_list",
        Assessment = "assessment",
        Assessments = "assessments",
        Backup = "backup",
        Board = "board",
        Booking = "booking",
        CarePlan = "care_plan",
        /// A city-wide setting (the idle sign-out time).
        CitySetting = "city_setting",
        Checkup = "checkup",
        Checkups = "checkups",
        Child = "child",
        ChildCheck = "child_check",
        ChildChecks = "child_checks",
        ChildMedicine = "child_medicine",
        Children = "children",
        Client = "client",
        ClientBookings = "client_bookings",
        Clients = "clients",
        Database = "database",
        Dish = "dish",
        /// A unit's list of children due an examination.
        ExamsDue = "exams_due",
        /// A facility's list of who owes money.
        Arrears = "arrears",
        Facilities = "facilities",
        /// Who pays for several people of a facility together.
        Family = "family",
        Facility = "facility",
        /// A facility's price or fee rule.
        FeeSetting = "fee_setting",
        FollowUps = "follow_ups",
        FoodSample = "food_sample",
        GrowthMeasurement = "growth_measurement",
        GrowthMeasurements = "growth_measurements",
        Home = "home",
        Incident = "incident",
        /// A facility's incident book for a month, or a person's incidents.
        Incidents = "incidents",
        /// The city hub this PC exchanges changes with.
        Hub = "hub",
        KitchenSheet = "kitchen_sheet",
        Leave = "leave",
        MedicineDose = "medicine_dose",
        /// A unit's medicines of the day.
        Medicines = "medicines",
        Menu = "menu",
        MonthlyReport = "monthly_report",
        /// A payment and its receipt.
        Payment = "payment",
        /// A client's or child's payments, as the desk opened them.
        Payments = "payments",
        PlanItem = "plan_item",
        Staff = "staff",
        StandingOrder = "standing_order",
        /// A facility's settlement sheet of a month.
        Settlement = "settlement",
        StandingOrders = "standing_orders",
        /// A client's or child's monthly statement.
        Statement = "statement",
        SubsidyRate = "subsidy_rate",
        /// A care-critical field two PCs changed without seeing each other.
        SyncConflict = "sync_conflict",
        Visit = "visit",
        VisitSeries = "visit_series",
        Visits = "visits",
    }
}

impl From<PersonKind> for AuditEntity {
    fn from(kind: PersonKind) -> Self {
        match kind {
            PersonKind::Client => AuditEntity::Client,
            PersonKind::Child => AuditEntity::Child,
            PersonKind::Staff => AuditEntity::Staff,
        }
    }
}

impl From<RosterKind> for AuditEntity {
    /// A roster file is a list: its entries keep the plural codes they have always had.
    fn from(kind: RosterKind) -> Self {
        match kind {
            RosterKind::Clients => AuditEntity::Clients,
            RosterKind::Children => AuditEntity::Children,
            RosterKind::Staff => AuditEntity::Staff,
        }
    }
}

/// One entry to write. Build with [`Entry::new`], add what applies, then [`Entry::write`].
pub struct Entry {
    action: AuditAction,
    entity: AuditEntity,
    entity_id: String,
    facility_id: Option<i64>,
    before: Option<Value>,
    after: Option<Value>,
}

impl Entry {
    pub fn new(action: AuditAction, entity: impl Into<AuditEntity>, entity_id: impl ToString) -> Self {
        let entity = entity.into();
        Entry { action, entity, entity_id: entity_id.to_string(), facility_id: None, before: None, after: None }
    }

    /// A facility's list of people's health records opened (alerts, follow-ups, medicines,
    /// examinations due): one entry, naming whose records it showed (`kind`: "clients" or
    /// "children").
    pub fn list_viewed(entity: AuditEntity, facility_id: i64, kind: &str, ids: impl IntoIterator<Item = i64>) -> Self {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        Entry::new(AuditAction::View, entity, facility_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ kind: ids }))
    }

    pub fn facility(mut self, facility_id: Option<i64>) -> Self {
        self.facility_id = facility_id;
        self
    }

    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }

    /// Writes the entry in the transaction of the change it records, stamped with that
    /// transaction's instant, numbered after the newest entry and chained to it. (A write
    /// transaction is the only writer: no other entry can come between.)
    pub fn write(self, conn: &Tx, actor: &Actor) -> Result<()> {
        let (last_id, last_hash) = chain::tail(conn)?;
        let at = conn.stamp();
        let before = self.before.map(|v| v.to_string());
        let after = self.after.map(|v| v.to_string());
        let sealed = chain::Sealed {
            id: last_id + 1,
            at: &at,
            account_id: actor.account_id,
            username: &actor.username,
            action: self.action.as_str(),
            entity: self.entity.as_str(),
            entity_id: Some(&self.entity_id),
            facility_id: self.facility_id,
            before_json: before.as_deref(),
            after_json: after.as_deref(),
        };
        conn.prepare_cached(
            "INSERT INTO audit_log (id, at, account_id, username, action, entity, entity_id, facility_id, before_json,
                                    after_json, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            sealed.id,
            sealed.at,
            sealed.account_id,
            sealed.username,
            sealed.action,
            sealed.entity,
            sealed.entity_id,
            sealed.facility_id,
            sealed.before_json,
            sealed.after_json,
            sealed.hash(&last_hash),
        ])?;
        Ok(())
    }
}

/// A read that is itself processing to record — a person's file, a child's health data, a
/// full ID number: `read` runs on a reader and returns what it read with the entry that
/// records it, which is then written in a short transaction of its own. So opening a record
/// never holds the write lock while it reads, and what was shown is always on the log.
pub fn audited_read<T>(db: &Db, actor: &Actor, read: impl FnOnce(&Connection) -> Result<(T, Entry)>) -> Result<T> {
    let (out, entry) = db.read(read)?;
    db.write(|c| entry.write(c, actor))?;
    Ok(out)
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AuditRecord {
    /// The entry's number on the PC that wrote it.
    pub id: i64,
    pub at: String,
    /// 0 is the system (the CLI, the demo seeder, scheduled work), which has no account.
    pub account_id: i64,
    pub username: String,
    /// The account's name as people know it (as it reads now here; for another PC's entry,
    /// as it read there when the entry was sent); `None` for the system.
    pub display_name: Option<String>,
    pub action: String,
    pub entity: String,
    /// What the entry is about; for another PC's entry about a record, the record's id
    /// here (`None` while it has not arrived).
    pub entity_id: Option<String>,
    pub facility_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    /// The PC that wrote the entry, when it is another PC of the city hub (docs/sync.md,
    /// "The audit log"); `None`: this PC.
    pub pc: Option<String>,
    /// That PC's facility's name (`None`: the city office, or this PC).
    pub pc_facility: Option<String>,
}

impl AuditRecord {
    fn from_row(r: &Row) -> rusqlite::Result<Self> {
        Ok(AuditRecord {
            id: r.get("id")?,
            at: r.get("at")?,
            account_id: r.get("account_id")?,
            username: r.get("username")?,
            display_name: r.get("display_name")?,
            action: r.get("action")?,
            entity: r.get("entity")?,
            entity_id: r.get("entity_id")?,
            facility_id: r.get("facility_id")?,
            before_json: r.get("before_json")?,
            after_json: r.get("after_json")?,
            pc: r.get("pc")?,
            pc_facility: r.get("pc_facility")?,
        })
    }
}

/// The newest entries the actor may read, this PC's and those the hub brought from the
/// other PCs (the centre's; at the city office, every PC's), newest first: a facility
/// manager sees their facility's.
pub fn recent(db: &Db, actor: &Actor, limit: u32) -> Result<Vec<AuditRecord>> {
    actor.require(Action::ViewAudit)?;
    let scope = actor.facility_scope();
    let remote_id = crate::sync::audit_entity_id_sql("r");
    db.read(|c| {
        // This PC's entries stay in the order of their numbers, whatever their stamps say (a
        // clock set back): each sorts by the latest stamp up to it. Other PCs' entries fall
        // in among them by their stamps.
        let mut stmt = c.prepare_cached(&format!(
            "SELECT * FROM (
               SELECT *, max(at) OVER (ORDER BY id) AS sort_at FROM (
                 SELECT l.id, l.at, l.account_id, l.username, a.display_name, l.action, l.entity, l.entity_id,
                        l.facility_id, l.before_json, l.after_json, NULL AS pc, NULL AS pc_facility
                 FROM audit_log l LEFT JOIN accounts a ON a.id = l.account_id
                 WHERE (?1 IS NULL OR l.facility_id = ?1) ORDER BY l.id DESC LIMIT ?2)
               UNION ALL
               SELECT * FROM (
                 SELECT r.entry_id, r.at, r.account_id, r.username, r.display_name, r.action, r.entity, {remote_id},
                        r.facility_id, r.before_json, r.after_json, r.pc, f.name, r.at
                 FROM audit_remote r LEFT JOIN facilities f ON f.id = r.pc_facility_id
                 WHERE (?1 IS NULL OR r.facility_id = ?1) ORDER BY r.at DESC, r.hub_id DESC LIMIT ?2))
             ORDER BY sort_at DESC, pc IS NOT NULL, id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![scope, limit.min(1000)], AuditRecord::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{lookup, Locale};

    /// The audit page says every action and entity in words: a code added to the lists above
    /// without its words in both catalogues fails here, before a clerk sees `plan_week`.
    #[test]
    fn every_action_and_entity_has_words_in_both_languages() {
        let mut missing = Vec::new();
        for locale in [Locale::ZhCn, Locale::En] {
            let actions = AuditAction::ALL.iter().map(|a| format!("audit.actions.{}", a.as_str()));
            let entities = AuditEntity::ALL.iter().map(|e| format!("entities.{}", e.as_str()));
            for key in actions.chain(entities) {
                if lookup(locale, &key).is_none_or(|words| words.trim().is_empty()) {
                    missing.push(format!("{locale:?} {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "no words for: {missing:#?}");
    }
}
