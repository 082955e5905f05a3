//! Importing a roster: every row is read, turned into the same form the UI fills in,
//! checked by the same rules, and reported with its errors in the user's language. Only
//! when the user confirms are the valid rows written — all in one transaction, each one
//! audited. A preview writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use super::columns::{self as col, column_for, RosterKind};
use super::table::{self, Cell, Table};
use super::vocab;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::FacilityKind;
use crate::domain::person::months_between;
use crate::domain::person::{
    ChildContactInput, ChildFields, ChildInput, ChronicCondition, ClientFields, ClientInput, ContactInput, DietNeed,
    IdentityInput, LivingSituation, Skill, StaffFields, StaffInput, StaffJob,
};
use crate::domain::resident_id::mask;
use crate::error::{Invalid, Result};
use crate::i18n::{self, Locale};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::people::{id_taken, insert_child, insert_client, insert_staff};
use crate::store::Db;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RowError {
    /// The column header, as in the file.
    pub column: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RowReport {
    /// The row number as Excel and WPS show it.
    pub row: usize,
    pub name: String,
    pub id_masked: Option<String>,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub kind: RosterKind,
    pub file_name: String,
    pub total_rows: usize,
    pub valid_rows: usize,
    /// Every row, in file order, with its errors (none for a valid row).
    pub rows: Vec<RowReport>,
    /// True once the valid rows have been written.
    pub committed: bool,
    pub imported: usize,
}

/// What is known of the database before the rows are checked, loaded once per import.
struct Context {
    facilities: HashMap<String, (i64, FacilityKind)>,
    kinds: HashMap<i64, FacilityKind>,
    communities: HashMap<String, Vec<i64>>,
    classes: HashMap<(i64, String), i64>,
    /// Every ID number on file, with the name and facility it belongs to.
    taken_ids: HashMap<String, (String, i64)>,
    /// (facility, name, birth date) of everyone on file: a row without an ID number that
    /// matches one is most likely the same person imported again.
    known_people: HashSet<(i64, String, String)>,
    /// A childcare unit's age range in months.
    age_ranges: HashMap<i64, (i64, i64)>,
}

impl Context {
    fn load(c: &Connection) -> Result<Context> {
        let mut facilities = HashMap::new();
        let mut stmt = c.prepare("SELECT id, name, kind FROM facilities")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
            let (id, name, kind) = row?;
            if let Some(kind) = FacilityKind::parse(&kind) {
                facilities.insert(name, (id, kind));
            }
        }
        let mut communities: HashMap<String, Vec<i64>> = HashMap::new();
        let mut stmt = c.prepare("SELECT id, name FROM communities")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, name) = row?;
            communities.entry(name).or_default().push(id);
        }
        let mut classes = HashMap::new();
        let mut stmt = c.prepare("SELECT id, facility_id, name FROM child_classes")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))? {
            let (id, facility, name) = row?;
            classes.insert((facility, name), id);
        }
        let mut taken_ids = HashMap::new();
        let mut stmt = c.prepare(
            "SELECT id_number, name, facility_id FROM clients WHERE id_number IS NOT NULL
             UNION ALL SELECT id_number, name, facility_id FROM children WHERE id_number IS NOT NULL
             UNION ALL SELECT id_number, name, facility_id FROM staff WHERE id_number IS NOT NULL",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))? {
            let (id, name, facility) = row?;
            taken_ids.insert(id, (name, facility));
        }
        let mut known_people = HashSet::new();
        let mut stmt = c.prepare(
            "SELECT facility_id, name, birth_date FROM clients UNION ALL SELECT facility_id, name, birth_date FROM children",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
            known_people.insert(row?);
        }
        let mut age_ranges = HashMap::new();
        let mut stmt = c.prepare(
            "SELECT id, age_min_months, age_max_months FROM facilities
             WHERE age_min_months IS NOT NULL AND age_max_months IS NOT NULL",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))))? {
            let (id, range) = row?;
            age_ranges.insert(id, range);
        }
        let kinds = facilities.values().copied().collect();
        Ok(Context { facilities, kinds, communities, classes, taken_ids, known_people, age_ranges })
    }
}

/// One data row, read by column name.
struct Row<'a> {
    table: &'a Table,
    cells: &'a [Cell],
}

impl<'a> Row<'a> {
    fn cell(&self, header: &str) -> Option<&'a Cell> {
        self.table.column(header).and_then(|i| self.cells.get(i))
    }

    fn text(&self, header: &str) -> &'a str {
        self.cell(header).map_or("", |c| c.text.as_str())
    }

    fn optional(&self, header: &str) -> Option<String> {
        Some(self.text(header).to_string()).filter(|t| !t.is_empty())
    }
}

/// Collects one row's problems in the user's language.
struct Problems<'a> {
    kind: RosterKind,
    locale: Locale,
    errors: &'a mut Vec<RowError>,
}

impl Problems<'_> {
    fn add(&mut self, column: &str, code: &str, params: &[(&str, String)]) {
        self.errors.push(RowError {
            column: column.to_string(),
            code: code.to_string(),
            message: i18n::error_message(self.locale, code, params),
        });
    }

    /// A rule the form broke. Skipped when the row already has an error in that column, or
    /// when it only follows from an ID number already refused (no ID → "sex required").
    fn invalid(&mut self, e: &Invalid) {
        let column = column_for(self.kind, e.field);
        let has = |c: &str| self.errors.iter().any(|x| x.column == c);
        let follows_from_id = matches!(e.code, "person.sex_required" | "person.birth_required") && has(col::ID_NUMBER);
        if !has(column) && !follows_from_id {
            self.add(column, e.code, &e.params);
        }
    }

    fn unknown(&mut self, column: &str, value: &str) {
        self.add(column, "import.value_unknown", &[("value", value.to_string())]);
    }
}

/// Dates as clerks type them: 1952-03-14, 1952/3/14, 1952.3.14, 19520314, 1952年3月14日.
/// Anything else is passed on unchanged for the validator to name.
fn normalise_date(raw: &str) -> String {
    let t = raw.trim();
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]);
    }
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    if let [y, m, d] = parts[..] {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return date.to_string();
            }
        }
    }
    t.to_string()
}

fn optional_date(row: &Row, header: &str) -> Option<String> {
    row.optional(header).map(|d| normalise_date(&d))
}

fn codes<T: Copy>(
    row: &Row,
    header: &str,
    table: &[(T, &str)],
    code: fn(T) -> &'static str,
    p: &mut Problems,
) -> Vec<T> {
    let mut out = Vec::new();
    for word in vocab::words(row.text(header)) {
        match vocab::lookup(table, word, code) {
            Some(v) => out.push(v),
            None => p.unknown(header, word),
        }
    }
    out
}

fn one<T: Copy>(
    row: &Row,
    header: &str,
    table: &[(T, &str)],
    code: fn(T) -> &'static str,
    p: &mut Problems,
) -> Option<T> {
    let text = row.text(header);
    if text.is_empty() {
        return None;
    }
    let found = vocab::lookup(table, text, code);
    if found.is_none() {
        p.unknown(header, text);
    }
    found
}

fn yes_no(row: &Row, header: &str, default: bool, p: &mut Problems) -> bool {
    let text = row.text(header);
    if text.is_empty() {
        return default;
    }
    vocab::yes_no(text).unwrap_or_else(|| {
        p.unknown(header, text);
        default
    })
}

/// The ID number cell, refused when Excel stored it as a number: its last digits are gone.
fn id_number(row: &Row, p: &mut Problems) -> Option<String> {
    let cell = row.cell(col::ID_NUMBER)?;
    // A CSV saved from Excel writes such a number as 1.50302E+17.
    let scientific = cell.text.contains(['E', 'e']) && cell.text.contains('+') && cell.text.contains('.');
    if (cell.numeric && cell.text.len() > 15) || scientific {
        p.add(col::ID_NUMBER, "import.id_as_number", &[]);
        return None;
    }
    Some(cell.text.clone()).filter(|t| !t.is_empty())
}

fn identity(row: &Row, p: &mut Problems) -> IdentityInput {
    IdentityInput {
        id_number: id_number(row, p),
        sex: one(row, col::SEX, vocab::SEXES, vocab::sex_code, p),
        birth_date: optional_date(row, col::BIRTH_DATE),
    }
}

/// The facility named in the row, or the one chosen for the import; it must be of the
/// right kind and within the actor's reach.
fn facility(
    row: &Row,
    ctx: &Context,
    default: Option<i64>,
    actor: &Actor,
    action: Action,
    p: &mut Problems,
) -> Option<i64> {
    let id = match row.optional(col::FACILITY) {
        Some(name) => match ctx.facilities.get(&name) {
            Some((id, _)) => *id,
            None => {
                p.add(col::FACILITY, "import.facility_unknown", &[("name", name)]);
                return None;
            }
        },
        None => match default {
            Some(id) => id,
            None => {
                p.add(col::FACILITY, "import.facility_required", &[]);
                return None;
            }
        },
    };
    if actor.require_at(action, id).is_err() {
        p.add(col::FACILITY, "import.facility_out_of_scope", &[]);
        return None;
    }
    Some(id)
}

fn facility_kind(ctx: &Context, id: i64) -> Option<FacilityKind> {
    ctx.kinds.get(&id).copied()
}

fn client_input(row: &Row, ctx: &Context, default: Option<i64>, actor: &Actor, p: &mut Problems) -> ClientInput {
    let facility_id = facility(row, ctx, default, actor, Action::EditPeople, p).unwrap_or(-1);
    if facility_id >= 0 && !facility_kind(ctx, facility_id).is_some_and(FacilityKind::is_elder) {
        p.add(col::FACILITY, "client.facility_not_elder", &[]);
    }
    let community = row.text(col::COMMUNITY);
    let community_id = match ctx.communities.get(community).map(Vec::as_slice) {
        Some([one]) => *one,
        Some(_) => {
            p.add(col::COMMUNITY, "import.community_ambiguous", &[("name", community.to_string())]);
            -1
        }
        None if community.is_empty() => {
            p.add(col::COMMUNITY, "import.required", &[("column", col::COMMUNITY.to_string())]);
            -1
        }
        None => {
            p.add(col::COMMUNITY, "import.community_unknown", &[("name", community.to_string())]);
            -1
        }
    };
    let contacts = match row.optional(col::CONTACT_NAME) {
        Some(name) => vec![ContactInput {
            name,
            relation: row.text(col::CONTACT_RELATION).to_string(),
            phone: row.text(col::CONTACT_PHONE).to_string(),
        }],
        None => Vec::new(),
    };
    ClientInput {
        name: row.text(col::NAME).to_string(),
        identity: identity(row, p),
        ethnicity: row.text(col::ETHNICITY).to_string(),
        phone: row.optional(col::PHONE),
        facility_id,
        community_id,
        address: row.optional(col::ADDRESS),
        living_situation: one(row, col::LIVING, vocab::LIVING, LivingSituation::as_str, p)
            .unwrap_or(LivingSituation::Unknown),
        chronic_conditions: codes(row, col::CONDITIONS, vocab::CONDITIONS, ChronicCondition::as_str, p),
        diet_needs: codes(row, col::DIETS, vocab::DIETS, DietNeed::as_str, p),
        allergies: vocab::words(row.text(col::ALLERGIES)).map(str::to_string).collect(),
        contacts,
        consent: yes_no(row, col::CONSENT, false, p),
        notes: row.optional(col::NOTES),
    }
}

fn child_input(row: &Row, ctx: &Context, default: Option<i64>, actor: &Actor, p: &mut Problems) -> ChildInput {
    let facility_id = facility(row, ctx, default, actor, Action::EditPeople, p).unwrap_or(-1);
    if facility_id >= 0 && facility_kind(ctx, facility_id) != Some(FacilityKind::Childcare) {
        p.add(col::FACILITY, "child.facility_not_childcare", &[]);
    }
    let class_id = row.optional(col::CLASS).and_then(|name| {
        let found = ctx.classes.get(&(facility_id, name.clone())).copied();
        if found.is_none() && facility_id >= 0 {
            p.add(col::CLASS, "import.class_unknown", &[("name", name)]);
        }
        found
    });
    let mut contacts = vec![ChildContactInput {
        id: None,
        name: row.text(col::GUARDIAN_NAME).to_string(),
        relation: row.text(col::GUARDIAN_RELATION).to_string(),
        phone: row.text(col::GUARDIAN_PHONE).to_string(),
        is_guardian: true,
        may_pick_up: true,
        id_tail: row.optional(col::GUARDIAN_ID_TAIL),
    }];
    if let Some(name) = row.optional(col::PICKUP_NAME) {
        contacts.push(ChildContactInput {
            id: None,
            name,
            relation: row.text(col::PICKUP_RELATION).to_string(),
            phone: row.text(col::PICKUP_PHONE).to_string(),
            is_guardian: false,
            may_pick_up: true,
            id_tail: row.optional(col::PICKUP_ID_TAIL),
        });
    }
    ChildInput {
        name: row.text(col::NAME).to_string(),
        identity: identity(row, p),
        ethnicity: row.text(col::ETHNICITY).to_string(),
        facility_id,
        class_id,
        enrolled_on: normalise_date(row.text(col::ENROLLED)),
        left_on: optional_date(row, col::LEFT),
        allergies: vocab::words(row.text(col::ALLERGIES)).map(str::to_string).collect(),
        diet_needs: codes(row, col::DIETS, vocab::DIETS, DietNeed::as_str, p),
        contacts,
        consent: yes_no(row, col::GUARDIAN_CONSENT, false, p),
        notes: row.optional(col::NOTES),
    }
}

fn staff_input(row: &Row, ctx: &Context, default: Option<i64>, actor: &Actor, p: &mut Problems) -> Option<StaffInput> {
    let facility_id = facility(row, ctx, default, actor, Action::EditStaff, p).unwrap_or(-1);
    let sex = one(row, col::SEX, vocab::SEXES, vocab::sex_code, p);
    let job = one(row, col::JOB, vocab::JOBS, StaffJob::as_str, p);
    if row.text(col::SEX).is_empty() {
        p.add(col::SEX, "import.required", &[("column", col::SEX.to_string())]);
    }
    if row.text(col::JOB).is_empty() {
        p.add(col::JOB, "import.required", &[("column", col::JOB.to_string())]);
    }
    let mut work_days = Vec::new();
    let days = row.text(col::WORK_DAYS).replace("至", "-").replace('到', "-");
    for word in vocab::words(&days) {
        let day = |w: &str| vocab::lookup(vocab::WEEKDAYS, w.trim_start_matches(['周', '星', '期']), |_| "");
        match word.split_once('-') {
            Some((from, to)) => match (day(from), day(to)) {
                (Some(a), Some(b)) if a <= b => work_days.extend(a..=b),
                _ => p.unknown(col::WORK_DAYS, word),
            },
            None => match day(word) {
                Some(d) => work_days.push(d),
                None => p.unknown(col::WORK_DAYS, word),
            },
        }
    }
    if work_days.is_empty() && row.text(col::WORK_DAYS).is_empty() {
        work_days = vec![1, 2, 3, 4, 5];
    }
    Some(StaffInput {
        name: row.text(col::NAME).to_string(),
        sex: sex?,
        id_number: id_number(row, p),
        job: job?,
        facility_id,
        phone: row.optional(col::PHONE),
        skills: codes(row, col::SKILLS, vocab::SKILLS, Skill::as_str, p),
        work_starts: row.optional(col::WORK_STARTS).unwrap_or_else(|| "08:00".into()),
        work_ends: row.optional(col::WORK_ENDS).unwrap_or_else(|| "17:00".into()),
        work_days,
        active: yes_no(row, col::ACTIVE, true, p),
    })
}

/// A row that passed every check, ready to insert.
enum Valid {
    Client(Box<ClientFields>),
    Child(Box<ChildFields>),
    Staff(Box<StaffFields>),
}

impl Valid {
    /// (facility, name, birth date) of a client or child, for spotting a repeat import.
    fn identity_key(&self) -> Option<(i64, String, String)> {
        match self {
            Valid::Client(f) => Some((f.facility_id, f.name.clone(), f.identity.birth_date.to_string())),
            Valid::Child(f) => Some((f.facility_id, f.name.clone(), f.identity.birth_date.to_string())),
            Valid::Staff(_) => None,
        }
    }

    fn id_number(&self) -> Option<&str> {
        match self {
            Valid::Client(f) => f.identity.id_number.as_ref().map(|i| i.as_str()),
            Valid::Child(f) => f.identity.id_number.as_ref().map(|i| i.as_str()),
            Valid::Staff(f) => f.id_number.as_ref().map(|i| i.as_str()),
        }
    }
}

struct Analysis {
    report: ImportReport,
    valid: Vec<(usize, Valid)>,
    /// Rows whose ID number is already on file, with the number masked: each is a look-up
    /// that told the importer a number exists, so it goes on the log (see
    /// `people::audit_id_refusal`).
    taken: Vec<(usize, String)>,
}

impl Analysis {
    /// The log entry for the rows refused because their ID number is already on file.
    fn taken_entry(&self, kind: RosterKind, file_name: &str, facility: Option<i64>) -> Option<Entry> {
        if self.taken.is_empty() {
            return None;
        }
        let rows: Vec<_> =
            self.taken.iter().map(|(row, id)| serde_json::json!({ "row": row, "id_masked": id })).collect();
        Some(
            Entry::new(AuditAction::IdTaken, kind, "")
                .facility(facility)
                .after(&serde_json::json!({ "file": file_name, "rows": rows })),
        )
    }
}

fn required_columns_present(kind: RosterKind, table: &Table) -> Result<()> {
    for column in kind.columns().iter().filter(|c| c.required) {
        if table.column(column.header).is_none() {
            return Err(Invalid::new("import.column_missing", "file").with("column", column.header).into());
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn analyse(
    c: &Connection,
    actor: &Actor,
    kind: RosterKind,
    default_facility: Option<i64>,
    file_name: &str,
    table: &Table,
    today: NaiveDate,
    locale: Locale,
) -> Result<Analysis> {
    let ctx = Context::load(c)?;
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_people: HashSet<(i64, String, String)> = HashSet::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut valid = Vec::new();
    let mut taken = Vec::new();
    for (row_number, cells) in &table.rows {
        let row = Row { table, cells };
        if row.text(col::NAME).starts_with(super::EXAMPLE_PREFIX) {
            continue;
        }
        let mut errors = Vec::new();
        let mut p = Problems { kind, locale, errors: &mut errors };
        // None: the row could not even become a form (a staff row without sex or job, already
        // reported); otherwise the form's own verdict.
        let validated: Option<std::result::Result<Valid, Invalid>> = match kind {
            RosterKind::Clients => Some(
                client_input(&row, &ctx, default_facility, actor, &mut p)
                    .validate(today)
                    .map(|f| Valid::Client(Box::new(f))),
            ),
            RosterKind::Children => Some(
                child_input(&row, &ctx, default_facility, actor, &mut p)
                    .validate(today)
                    .map(|f| Valid::Child(Box::new(f))),
            ),
            RosterKind::Staff => staff_input(&row, &ctx, default_facility, actor, &mut p)
                .map(|input| input.validate(today).map(|f| Valid::Staff(Box::new(f)))),
        };
        let outcome = match validated {
            Some(Ok(fields)) => {
                let id = fields.id_number().map(str::to_string);
                Some((fields, id))
            }
            Some(Err(e)) => {
                p.invalid(&e);
                None
            }
            None => None,
        };
        let mut id_masked = None;
        if let Some((_, Some(id))) = &outcome {
            id_masked = Some(mask(id));
            if let Some((name, facility)) = ctx.taken_ids.get(id) {
                p.invalid(&id_taken(actor, name, *facility));
                taken.push((*row_number, mask(id)));
            } else if let Some(first) = seen_ids.get(id) {
                p.add(col::ID_NUMBER, "import.duplicate_in_file", &[("row", first.to_string())]);
            } else {
                seen_ids.insert(id.clone(), *row_number);
            }
        }
        if let Some((fields, None)) = &outcome {
            // Without an ID number, the same name and birth date at the same facility is
            // almost surely the same person: refuse rather than register them twice.
            if let Some(key) = fields.identity_key() {
                if ctx.known_people.contains(&key) || !seen_people.insert(key) {
                    p.add(col::NAME, "import.possible_duplicate", &[]);
                }
            }
        }
        if let Some((Valid::Child(f), _)) = &outcome {
            if let Some((min, max)) = ctx.age_ranges.get(&f.facility_id) {
                let months = i64::from(months_between(f.identity.birth_date, f.enrolled_on));
                if months < *min || months > *max {
                    p.add(
                        col::BIRTH_DATE,
                        "child.age_outside_unit",
                        &[("months", months.to_string()), ("min", min.to_string()), ("max", max.to_string())],
                    );
                }
            }
        }
        if let Some((fields, _)) = outcome.filter(|_| errors.is_empty()) {
            valid.push((*row_number, fields));
        }
        rows.push(RowReport { row: *row_number, name: row.text(col::NAME).to_string(), id_masked, errors });
    }
    let report = ImportReport {
        kind,
        file_name: file_name.to_string(),
        total_rows: rows.len(),
        valid_rows: valid.len(),
        rows,
        committed: false,
        imported: 0,
    };
    Ok(Analysis { report, valid, taken })
}

fn required_action(kind: RosterKind) -> Action {
    match kind {
        RosterKind::Staff => Action::EditStaff,
        // A children's roster names who may collect each child.
        RosterKind::Children => Action::ManagePickup,
        RosterKind::Clients => Action::EditPeople,
    }
}

/// Reads and checks a roster without writing anything.
#[allow(clippy::too_many_arguments)]
pub fn preview(
    db: &Db,
    actor: &Actor,
    kind: RosterKind,
    default_facility: Option<i64>,
    file_name: &str,
    bytes: &[u8],
    today: NaiveDate,
    locale: Locale,
) -> Result<ImportReport> {
    actor.require(required_action(kind))?;
    let table = table::read(file_name, bytes)?;
    required_columns_present(kind, &table)?;
    let analysis = db.read(|c| analyse(c, actor, kind, default_facility, file_name, &table, today, locale))?;
    if let Some(entry) = analysis.taken_entry(kind, file_name, default_facility.or(actor.facility_id)) {
        db.write(|c| entry.write(c, actor))?;
    }
    Ok(analysis.report)
}

/// Checks the roster again inside one transaction and writes every valid row, each with
/// an audit entry. Rows with errors are skipped (the report lists them); if anything
/// fails while writing, nothing is written.
#[allow(clippy::too_many_arguments)]
pub fn commit(
    db: &Db,
    actor: &Actor,
    kind: RosterKind,
    default_facility: Option<i64>,
    file_name: &str,
    bytes: &[u8],
    today: NaiveDate,
    locale: Locale,
) -> Result<ImportReport> {
    actor.require(required_action(kind))?;
    let table = table::read(file_name, bytes)?;
    required_columns_present(kind, &table)?;
    db.write(|c| {
        let analysis = analyse(c, actor, kind, default_facility, file_name, &table, today, locale)?;
        if let Some(entry) = analysis.taken_entry(kind, file_name, default_facility.or(actor.facility_id)) {
            entry.write(c, actor)?;
        }
        let Analysis { mut report, valid, .. } = analysis;
        let mut seen: HashSet<i64> = HashSet::new();
        for (row, fields) in &valid {
            let (entity, id, facility_id) = match fields {
                Valid::Client(f) => (AuditEntity::Client, insert_client(c, actor, f, today)?, f.facility_id),
                Valid::Child(f) => (AuditEntity::Child, insert_child(c, actor, f, today)?, f.facility_id),
                Valid::Staff(f) => (AuditEntity::Staff, insert_staff(c, f)?, f.facility_id),
            };
            seen.insert(id);
            Entry::new(AuditAction::Import, entity, id)
                .facility(Some(facility_id))
                .after(&serde_json::json!({ "file": file_name, "row": row }))
                .write(c, actor)?;
        }
        report.committed = true;
        report.imported = seen.len();
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_typed_every_usual_way_become_iso() {
        for raw in ["1952-03-14", "1952/3/14", "1952.3.14", "19520314", "1952年3月14日"] {
            assert_eq!(normalise_date(raw), "1952-03-14", "{raw}");
        }
        assert_eq!(normalise_date("三月"), "三月", "left for the validator to refuse");
    }
}
