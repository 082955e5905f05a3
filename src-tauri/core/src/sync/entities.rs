//! What travels through the hub, in the order a PC that starts empty must receive it
//! (a row's references arrive before it). docs/sync.md, "What travels".

/// Whose a row is: which PCs send it, and which may read it at the hub.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// The city's reference data: sent by the city office, read by every PC.
    City,
    /// The facility in this column of the row; a row where it is NULL is the city's (an
    /// account of the city office).
    Column(&'static str),
    /// The facility of the row this column refers to, in that table (a client's contacts
    /// are the client's facility's).
    Via { column: &'static str, table: &'static str },
}

/// What a column without a foreign key refers to.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// A row of this table, by id.
    Table(&'static str),
    /// A row of one of several tables, by the value in `kind_column` of the same row:
    /// (value, table) pairs (a client or a child by `person_kind`; a settlement line's
    /// booking or visit by `source_table`).
    OneOf { kind_column: &'static str, tables: &'static [(&'static str, &'static str)] },
}

/// A synced table.
#[derive(Debug)]
pub struct Entity {
    pub table: &'static str,
    pub scope: Scope,
    /// References without a foreign key (the foreign keys are read from the schema).
    pub soft_refs: &'static [(&'static str, Target)],
    /// This PC's own state, never sent (an account's failed attempts, its lock).
    pub local_columns: &'static [&'static str],
    /// Fields a concurrent change never overwrites silently: a manager picks
    /// (docs/sync.md, "Conflicts").
    pub critical: &'static [&'static str],
    /// For rows every database is made with (the city's three districts, written by the
    /// first migration on every PC): the column whose value gives the row the same uid on
    /// every PC.
    pub natural_key: Option<&'static str>,
    /// Rows the city office sends whatever facility they are of (accounts: the city office
    /// makes and resets a facility's accounts too).
    pub city_sends: bool,
}

const ACCOUNT: Target = Target::Table("accounts");
/// A client or a child, by the row's `person_kind`.
const PERSON: Target =
    Target::OneOf { kind_column: "person_kind", tables: &[("client", "clients"), ("child", "children")] };

/// Every synced table, parents first.
pub const ENTITIES: &[Entity] = &[
    Entity { natural_key: Some("code"), ..city("districts") },
    city("living_circles"),
    city("communities"),
    city("facilities"),
    // Every database is made with one row per category and setting.
    Entity { natural_key: Some("category"), ..city("subsidy_rates") },
    Entity { natural_key: Some("key"), ..city("city_settings") },
    facility("staff"),
    Entity {
        local_columns: &["failed_attempts", "locked_until", "last_sign_in_at"],
        city_sends: true,
        ..facility("accounts")
    },
    via("staff_leave", "staff_id", "staff"),
    facility("child_classes"),
    Entity { critical: &["allergies", "diet_needs", "consent_on", "consent_by", "status"], ..facility("clients") },
    via("client_contacts", "client_id", "clients"),
    Entity { critical: &["allergies", "diet_needs", "consent_on", "consent_by"], ..facility("children") },
    Entity {
        critical: &["may_pick_up", "id_tail", "is_guardian", "active"],
        ..via("child_contacts", "child_id", "children")
    },
    Entity { soft_refs: &[("assessor_id", ACCOUNT)], ..via("assessments", "client_id", "clients") },
    facility("care_plan_items"),
    facility("visit_series"),
    Entity { soft_refs: &[("recorded_by", ACCOUNT)], ..facility("visits") },
    facility("dishes"),
    facility("menus"),
    via("menu_items", "menu_id", "menus"),
    facility("standing_orders"),
    facility("bookings"),
    // Keyed by the booking and the dish, with no id of its own: found by its rowid here.
    via("booking_substitutions", "booking_id", "bookings"),
    facility("food_samples"),
    Entity { soft_refs: &[("person_id", PERSON), ("in_by", ACCOUNT), ("out_by", ACCOUNT)], ..facility("attendance") },
    Entity { soft_refs: &[("recorded_by", ACCOUNT)], ..facility("checkups") },
    facility("alerts"),
    Entity { soft_refs: &[("checked_by", ACCOUNT)], ..facility("child_checks") },
    Entity { soft_refs: &[("measured_by", ACCOUNT)], ..facility("growth_measurements") },
    Entity {
        soft_refs: &[("recorded_by", ACCOUNT)],
        critical: &["medicine", "dose", "times_per_day", "times", "from_day", "to_day"],
        ..facility("child_medicines")
    },
    Entity { soft_refs: &[("given_by", ACCOUNT)], ..via("child_medicine_doses", "medicine_id", "child_medicines") },
    Entity {
        soft_refs: &[("person_id", PERSON), ("reported_by", ACCOUNT), ("closed_by", ACCOUNT)],
        ..facility("incidents")
    },
    // A facility's prices: every PC of it charges with the same ones (docs/money.md).
    facility("fee_settings"),
    Entity {
        soft_refs: &[("person_id", PERSON), ("received_by", ACCOUNT), ("voided_by", ACCOUNT)],
        ..facility("payments")
    },
    // Who pays for whom: the desk keeps them at the facility (docs/money.md).
    facility("families"),
    Entity { soft_refs: &[("person_id", PERSON)], ..via("family_members", "family_id", "families") },
    // The manager signs the sheet at the facility; the city office decides its lines and
    // locks it at its own PC: both send.
    Entity { city_sends: true, ..facility("settlements") },
    Entity {
        soft_refs: &[(
            "source_id",
            Target::OneOf {
                kind_column: "source_table",
                tables: &[("bookings", "bookings"), ("visits", "visits"), ("settlement_lines", "settlement_lines")],
            },
        )],
        city_sends: true,
        ..via("settlement_lines", "settlement_id", "settlements")
    },
];

/// The city's reference data.
const fn city(table: &'static str) -> Entity {
    Entity {
        table,
        scope: Scope::City,
        soft_refs: &[],
        local_columns: &[],
        critical: &[],
        natural_key: None,
        city_sends: false,
    }
}

/// A table whose rows carry their facility.
const fn facility(table: &'static str) -> Entity {
    Entity { scope: Scope::Column("facility_id"), ..city(table) }
}

/// A table whose rows belong to the facility of the row `column` refers to.
const fn via(table: &'static str, column: &'static str, parent: &'static str) -> Entity {
    Entity { scope: Scope::Via { column, table: parent }, ..city(table) }
}

pub fn find(table: &str) -> Option<&'static Entity> {
    ENTITIES.iter().find(|e| e.table == table)
}

impl Entity {
    /// "The row named `row` is `facility`'s" (bound as `?1`; NULL: the city's), written so
    /// that SQLite can find the rows by index rather than read the whole table.
    pub fn belongs_sql(&self, row: &str) -> String {
        match self.scope {
            Scope::City => "?1 IS NULL".to_string(),
            Scope::Column(c) => format!("{row}.{c} IS ?1"),
            Scope::Via { column, table } => {
                format!("{row}.{column} IN (SELECT id FROM {table} WHERE facility_id IS ?1)")
            }
        }
    }

    /// "This PC sends the row named `row`", over the PC's `sync_state` named `s`. A facility's
    /// PC sends every change it makes: its facility's rows, and the few of others' it writes
    /// (the facility's own record; a person moved to another facility, with what went with
    /// them), so that its other PCs and the city office hear of them. The city office sends
    /// the city's rows and those it sends for every facility (accounts); the rest of a
    /// facility's data is read-only to it.
    pub fn sent_here_sql(&self, row: &str) -> String {
        if self.city_sends {
            "1".to_string()
        } else {
            format!("(s.facility_id IS NOT NULL OR {} IS NULL)", self.facility_sql(row))
        }
    }

    /// The facility a change of the row named `row` is sent under, which decides who reads it
    /// at the hub: a facility PC's own; at the city office the row's.
    pub fn sent_under_sql(&self, row: &str) -> String {
        format!("coalesce(s.facility_id, {})", self.facility_sql(row))
    }

    /// The row's facility, as SQL over the row named `row` (`NEW`, `OLD` or an alias).
    pub fn facility_sql(&self, row: &str) -> String {
        match self.scope {
            Scope::City => "NULL".to_string(),
            Scope::Column(c) => format!("{row}.{c}"),
            Scope::Via { column, table } => format!("(SELECT facility_id FROM {table} WHERE id = {row}.{column})"),
        }
    }
}
