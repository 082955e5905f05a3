//! A person's copy of everything held about them (PIPL Art. 45): for one client or child,
//! the record and its contacts, every health record, the care, the meals, the check-ins,
//! and who viewed or changed any of it, as a [`Document`] the monthly reports' writers turn
//! into a PDF and a workbook with the same tables. Made by a manager of the person's
//! facility (the city office for anyone); the export is itself on the audit log.
//! docs/domain.md, "A person's data, on request".

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row};
use serde::Serialize;
use ts_rs::TS;

use super::compose::Words;
use super::document::{Align, Block, Cell, Column, Document, Fact, Paper, Row as TableRow, RowKind, Table};
use super::{ReportFormat, SavedReport};
use crate::clock::{local_offset, local_time};
use crate::domain::account::{Action, Actor};
use crate::domain::assessment::CareLevel;
use crate::domain::person::PersonKind;
use crate::error::{Invalid, Result};
use crate::i18n::{lookup, Locale};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::payments::receipt_no;
use crate::services::scope::facility_for;
use crate::store::{parse_utc_stamp, Db};

/// The two files of one person's copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PersonDataFiles {
    pub pdf: SavedReport,
    pub xlsx: SavedReport,
}

/// Everything held about the client or child, in the reader's language. Staff records are
/// not covered (they are the employer's, under labour law).
pub fn build(
    db: &Db,
    actor: &Actor,
    kind: PersonKind,
    id: i64,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Document> {
    actor.require(Action::ExportPersonData)?;
    if kind == PersonKind::Staff {
        return Err(Invalid::new("person_data.client_or_child", "kind").into());
    }
    let w = Words(locale);
    db.read(|c| {
        facility_for(c, actor, Action::ExportPersonData, kind, id)?;
        let mut out = Sections { w, blocks: Vec::new() };
        let name = match kind {
            PersonKind::Client => client(c, &mut out, id)?,
            _ => child(c, &mut out, id)?,
        };
        attendance(c, &mut out, kind, id)?;
        incidents(c, &mut out, kind, id)?;
        payments(c, &mut out, kind, id)?;
        family(c, &mut out, kind, id)?;
        audit_trail(c, &mut out, kind, id)?;
        let at = now.with_timezone(&local_offset()).format("%Y-%m-%d %H:%M").to_string();
        let mut blocks = vec![Block::Paragraph(w.get("person.intro"))];
        blocks.append(&mut out.blocks);
        Ok(Document {
            title: w.with("person.title", &[("name", name.clone())]),
            paper: Paper::Landscape,
            header_left: name,
            header_right: w.get("person.header"),
            page_label: w.get("page"),
            generated: w.with("generated", &[("at", at), ("by", actor.display_name.clone())]),
            made_at: now,
            blocks,
        })
    })
}

/// What the files are called (before their date stamp): the kind and id of the person, not
/// their name, which a file listing would show to anyone at the PC.
pub fn file_title(kind: PersonKind, id: i64, locale: Locale) -> String {
    let w = Words(locale);
    w.with("person.file", &[("kind", w.other(&format!("entities.{}", kind.as_str()))), ("id", id.to_string())])
}

/// Builds the copy and writes it as a PDF and a workbook at `pdf` and `xlsx` (each beside,
/// then renamed); one audit entry records the export, naming the person and the files.
#[allow(clippy::too_many_arguments)]
pub fn save(
    db: &Db,
    actor: &Actor,
    kind: PersonKind,
    id: i64,
    locale: Locale,
    now: DateTime<Utc>,
    pdf: &Path,
    xlsx: &Path,
) -> Result<PersonDataFiles> {
    for path in [pdf, xlsx] {
        if path.is_dir() {
            return Err(Invalid::new("report.out_is_folder", "out").with("path", path.display()).into());
        }
    }
    let doc = build(db, actor, kind, id, locale, now)?;
    let mut written = Vec::new();
    for (path, format) in [(pdf, ReportFormat::Pdf), (xlsx, ReportFormat::Xlsx)] {
        let bytes = super::render(&doc, format, locale)?;
        if let Err(e) = write_whole(path, format, &bytes) {
            for done in &written {
                let _ = std::fs::remove_file(done);
            }
            return Err(e);
        }
        written.push(path.to_path_buf());
    }
    let saved = |path: &Path| -> Result<SavedReport> {
        Ok(SavedReport {
            path: path.display().to_string(),
            title: doc.title.clone(),
            bytes: std::fs::metadata(path)?.len(),
        })
    };
    let files = PersonDataFiles { pdf: saved(pdf)?, xlsx: saved(xlsx)? };
    db.write(|c| {
        let facility = crate::services::scope::facility_of(c, kind, id)?;
        Entry::new(AuditAction::Export, AuditEntity::from(kind), id)
            .facility(facility)
            .after(&serde_json::json!({ "person_data": [files.pdf.path, files.xlsx.path] }))
            .write(c, actor)
    })?;
    Ok(files)
}

pub(super) fn write_whole(path: &Path, format: ReportFormat, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial: PathBuf = path.with_extension(format!("{}.part", format.extension()));
    std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path)).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        e.into()
    })
}

/// The blocks being written, with the words to write them in.
struct Sections {
    w: Words,
    blocks: Vec<Block>,
}

impl Sections {
    /// A heading and its table (`report.person.<key>.title` and `.<column>`), or a line
    /// saying there is nothing.
    fn table(&mut self, key: &str, columns: &[(&str, f32)], rows: Vec<Vec<Cell>>) {
        let title = self.w.get(&format!("person.{key}.title"));
        self.blocks.push(Block::Heading(title.clone()));
        if rows.is_empty() {
            self.blocks.push(Block::Paragraph(self.w.get("person.none")));
            return;
        }
        self.blocks.push(Block::Table(Table {
            sheet: title,
            columns: columns
                .iter()
                .map(|(col, weight)| Column {
                    label: self.w.get(&format!("person.{key}.{col}")),
                    weight: *weight,
                    align: Align::Left,
                })
                .collect(),
            rows: rows.into_iter().map(|cells| TableRow { kind: RowKind::Normal, cells }).collect(),
            one_line: false,
        }));
    }

    fn facts(&mut self, key: &str, facts: Vec<(&str, Cell)>) {
        self.blocks.push(Block::Heading(self.w.get(&format!("person.{key}.title"))));
        self.blocks.push(Block::Facts(
            facts
                .into_iter()
                .map(|(label, value)| Fact { label: self.w.get(&format!("person.{key}.{label}")), value })
                .collect(),
        ));
    }

    /// The word for a code (`<prefix>.<code>`), or the code itself where there is none
    /// (a free-text allergy).
    fn word(&self, prefix: &str, code: &str) -> String {
        lookup(self.w.0, &format!("{prefix}.{code}")).map(str::to_string).unwrap_or_else(|| code.to_string())
    }

    /// The words for a JSON array of codes, joined.
    fn words(&self, prefix: &str, json: &str) -> Cell {
        let codes: Vec<String> = serde_json::from_str(json).unwrap_or_default();
        text(
            codes.iter().map(|c| self.word(prefix, c)).collect::<Vec<_>>().join(self.w.get("person.list_sep").as_str()),
        )
    }

    /// "M" or "F", as stored, in words.
    fn sex(&self, code: &str) -> String {
        self.word("sexes", if code == "M" { "male" } else { "female" })
    }

    fn yes_no(&self, yes: bool) -> Cell {
        Cell::Text(self.w.get(if yes { "person.yes" } else { "person.no" }))
    }
}

fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

fn opt(s: Option<String>) -> Cell {
    s.map(text).unwrap_or(Cell::Empty)
}

/// A stored UTC instant as Wuhai's wall time, to the minute.
fn local(stamp: Option<String>) -> Cell {
    match stamp {
        Some(s) => match parse_utc_stamp(&s) {
            Some(at) => Cell::Text(local_time(at).format("%Y-%m-%d %H:%M").to_string()),
            None => Cell::Text(s),
        },
        None => Cell::Empty,
    }
}

fn num(v: Option<f64>, places: u8) -> Cell {
    v.map(|v| Cell::Decimal(v, places)).unwrap_or(Cell::Empty)
}

fn clock_time(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Every row of a query, each made into cells.
fn rows(
    c: &Connection,
    sql: &str,
    id: i64,
    mut cells: impl FnMut(&Row) -> rusqlite::Result<Vec<Cell>>,
) -> Result<Vec<Vec<Cell>>> {
    let mut stmt = c.prepare(sql)?;
    let out = stmt.query_map([id], |r| cells(r))?.collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

fn client(c: &Connection, s: &mut Sections, id: i64) -> Result<String> {
    let (name, facts) = c.query_row(
        "SELECT cl.name, cl.sex, cl.birth_date, cl.id_number, cl.ethnicity, cl.phone, f.name, co.name, cl.address,
                cl.living_situation, cl.chronic_conditions, cl.diet_needs, cl.allergies, cl.consent_on, cl.consent_by,
                cl.status, cl.status_since, cl.subsidy_category, cl.home_lat, cl.home_lon, cl.notes, cl.created_at
           FROM clients cl JOIN facilities f ON f.id = cl.facility_id JOIN communities co ON co.id = cl.community_id
          WHERE cl.id = ?1",
        [id],
        |r| {
            let home = match (r.get::<_, Option<f64>>(18)?, r.get::<_, Option<f64>>(19)?) {
                (Some(lat), Some(lon)) => text(format!("{lat:.5}, {lon:.5}")),
                _ => Cell::Empty,
            };
            let name: String = r.get(0)?;
            Ok((
                name.clone(),
                vec![
                    ("name", text(name)),
                    ("sex", text(s.sex(&r.get::<_, String>(1)?))),
                    ("birth_date", text(r.get::<_, String>(2)?)),
                    ("id_number", opt(r.get(3)?)),
                    ("ethnicity", text(r.get::<_, String>(4)?)),
                    ("phone", opt(r.get(5)?)),
                    ("facility", text(r.get::<_, String>(6)?)),
                    ("community", text(r.get::<_, String>(7)?)),
                    ("address", opt(r.get(8)?)),
                    ("home", home),
                    ("living_situation", text(s.word("livingSituations", &r.get::<_, String>(9)?))),
                    ("conditions", s.words("conditions", &r.get::<_, String>(10)?)),
                    ("diet_needs", s.words("dietNeeds", &r.get::<_, String>(11)?)),
                    ("allergies", s.words("meals.allergens", &r.get::<_, String>(12)?)),
                    ("consent", consent(r.get(13)?, r.get(14)?)),
                    ("status", text(s.word("clientStatus", &r.get::<_, String>(15)?))),
                    ("status_since", opt(r.get(16)?)),
                    ("subsidy_category", text(s.word("meals.month.categories", &r.get::<_, String>(17)?))),
                    ("notes", opt(r.get(20)?)),
                    ("registered", local(r.get(21)?)),
                ],
            ))
        },
    )?;
    s.facts("record", facts);
    let contacts = rows(
        c,
        "SELECT name, relation, phone FROM client_contacts WHERE client_id = ?1 ORDER BY position, id",
        id,
        |r| Ok(vec![text(r.get::<_, String>(0)?), text(r.get::<_, String>(1)?), text(r.get::<_, String>(2)?)]),
    )?;
    s.table("contacts", &[("name", 2.0), ("relation", 1.0), ("phone", 2.0)], contacts);

    let checkups = rows(
        c,
        "SELECT k.taken_at, k.purpose, k.systolic, k.diastolic, k.heart_rate, k.glucose_fasting, k.glucose_random,
                k.temperature, k.weight_kg, k.height_cm, k.waist_cm, k.spo2, k.worst_level, k.recorded_by_name,
                f.name, k.notes, k.corrected_at
           FROM checkups k JOIN facilities f ON f.id = k.facility_id WHERE k.client_id = ?1 ORDER BY k.taken_at, k.id",
        id,
        |r| {
            let bp = match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<i64>>(3)?) {
                (Some(sys), Some(dia)) => text(format!("{sys}/{dia}")),
                _ => Cell::Empty,
            };
            let glucose = match (r.get::<_, Option<f64>>(5)?, r.get::<_, Option<f64>>(6)?) {
                (Some(f), _) => text(format!("{f:.1} ({})", s.w.get("person.checkups.fasting"))),
                (None, Some(g)) => text(format!("{g:.1}")),
                _ => Cell::Empty,
            };
            let body: Vec<String> = [(8, "kg"), (9, "cm"), (10, "cm")]
                .iter()
                .filter_map(|&(col, unit)| {
                    r.get::<_, Option<f64>>(col).ok().flatten().map(|v| format!("{v:.1} {unit}"))
                })
                .collect();
            let corrected: Option<String> = r.get(16)?;
            let notes: Option<String> = r.get(15)?;
            let notes = match corrected {
                Some(_) => {
                    Some([notes.unwrap_or_default(), s.w.get("person.checkups.corrected")].join(" ").trim().to_string())
                }
                None => notes,
            };
            Ok(vec![
                local(r.get(0)?),
                text(s.word("health.purposes", &r.get::<_, String>(1)?)),
                bp,
                r.get::<_, Option<i64>>(4)?.map(Cell::Int).unwrap_or(Cell::Empty),
                glucose,
                num(r.get(7)?, 1),
                text(body.join(" · ")),
                r.get::<_, Option<i64>>(11)?.map(Cell::Int).unwrap_or(Cell::Empty),
                text(s.word("health.levels", &r.get::<_, String>(12)?)),
                text(r.get::<_, String>(13)?),
                text(r.get::<_, String>(14)?),
                opt(notes),
            ])
        },
    )?;
    s.table(
        "checkups",
        &[
            ("taken_at", 1.6),
            ("purpose", 1.0),
            ("bp", 1.0),
            ("heart_rate", 0.7),
            ("glucose", 1.1),
            ("temperature", 0.7),
            ("body", 1.8),
            ("spo2", 0.6),
            ("level", 0.8),
            ("nurse", 1.0),
            ("facility", 1.8),
            ("notes", 1.6),
        ],
        checkups,
    );
    let alerts = rows(
        c,
        "SELECT a.raised_at, a.code, a.value, a.handled_at, a.handled_by, a.handled_note, f.name
           FROM alerts a JOIN facilities f ON f.id = a.facility_id WHERE a.client_id = ?1 ORDER BY a.raised_at, a.id",
        id,
        |r| {
            Ok(vec![
                local(r.get(0)?),
                text(s.word("vitals", &r.get::<_, String>(1)?)),
                text(r.get::<_, String>(2)?),
                local(r.get(3)?),
                opt(r.get(4)?),
                opt(r.get(5)?),
                text(r.get::<_, String>(6)?),
            ])
        },
    )?;
    s.table(
        "alerts",
        &[
            ("raised_at", 1.5),
            ("finding", 2.0),
            ("value", 1.0),
            ("handled_at", 1.5),
            ("handled_by", 1.0),
            ("note", 2.5),
            ("facility", 2.0),
        ],
        alerts,
    );
    let assessments = rows(
        c,
        "SELECT assessed_on, total, level, assessor_name, notes FROM assessments WHERE client_id = ?1
          ORDER BY assessed_on, id",
        id,
        |r| {
            Ok(vec![
                text(r.get::<_, String>(0)?),
                Cell::Int(r.get(1)?),
                text(s.word("assessment.levels", level_code(r.get(2)?))),
                text(r.get::<_, String>(3)?),
                opt(r.get(4)?),
            ])
        },
    )?;
    s.table(
        "assessments",
        &[("on", 1.0), ("total", 0.6), ("level", 1.5), ("assessor", 1.0), ("notes", 3.0)],
        assessments,
    );

    let plan = rows(
        c,
        "SELECT p.service, p.title, p.visits_per_week, p.duration_min, p.window_start, p.window_end, p.place,
                p.starts_on, p.ends_on, f.name
           FROM care_plan_items p JOIN facilities f ON f.id = p.facility_id WHERE p.client_id = ?1
          ORDER BY p.starts_on, p.id",
        id,
        |r| {
            Ok(vec![
                text(s.word("services.short", &r.get::<_, String>(0)?)),
                text(r.get::<_, String>(1)?),
                Cell::Int(r.get(2)?),
                Cell::Int(r.get(3)?),
                text(format!("{}–{}", clock_time(r.get(4)?), clock_time(r.get(5)?))),
                text(s.word("carePlan.places", &r.get::<_, String>(6)?)),
                text(r.get::<_, String>(7)?),
                opt(r.get(8)?),
                text(r.get::<_, String>(9)?),
            ])
        },
    )?;
    s.table(
        "plan",
        &[
            ("service", 1.0),
            ("item", 2.0),
            ("per_week", 0.8),
            ("minutes", 0.8),
            ("window", 1.2),
            ("place", 0.8),
            ("starts", 1.1),
            ("ends", 1.1),
            ("facility", 2.0),
        ],
        plan,
    );
    let visits = rows(
        c,
        "SELECT v.day, v.start_min, v.duration_min, p.title, st.name, v.status, v.done_start_min, v.done_end_min,
                v.reason, v.note, f.name
           FROM visits v JOIN care_plan_items p ON p.id = v.plan_item_id JOIN facilities f ON f.id = v.facility_id
           LEFT JOIN staff st ON st.id = v.staff_id
          WHERE v.client_id = ?1 ORDER BY v.day, v.start_min, v.id",
        id,
        |r| {
            let done = match (r.get::<_, Option<i64>>(6)?, r.get::<_, Option<i64>>(7)?) {
                (Some(a), Some(b)) => text(format!("{}–{}", clock_time(a), clock_time(b))),
                _ => Cell::Empty,
            };
            let reason: Option<String> = r.get(8)?;
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(clock_time(r.get(1)?)),
                Cell::Int(r.get(2)?),
                text(r.get::<_, String>(3)?),
                opt(r.get(4)?),
                text(s.word("visits.status", &r.get::<_, String>(5)?)),
                done,
                opt(reason.map(|x| s.word("visits.reasons", &x))),
                opt(r.get(9)?),
                text(r.get::<_, String>(10)?),
            ])
        },
    )?;
    s.table(
        "visits",
        &[
            ("day", 1.1),
            ("start", 0.7),
            ("minutes", 0.6),
            ("service", 1.8),
            ("staff", 1.0),
            ("status", 0.8),
            ("done", 1.1),
            ("reason", 1.2),
            ("note", 1.6),
            ("facility", 1.8),
        ],
        visits,
    );

    let orders = rows(
        c,
        "SELECT o.meal, o.weekdays, o.mode, o.from_day, o.to_day, o.stopped_on, f.name
           FROM standing_orders o JOIN facilities f ON f.id = o.facility_id WHERE o.client_id = ?1 ORDER BY o.from_day, o.id",
        id,
        |r| {
            let days: i64 = r.get(1)?;
            let weekdays: Vec<String> =
                (0..7).filter(|b| days & (1 << b) != 0).map(|b| s.word("person.weekdays", &(b + 1).to_string())).collect();
            Ok(vec![
                text(s.word("meals.meals", &r.get::<_, String>(0)?)),
                text(weekdays.join(" ")),
                text(s.word("meals.modes", &r.get::<_, String>(2)?)),
                text(r.get::<_, String>(3)?),
                opt(r.get(4)?),
                opt(r.get(5)?),
                text(r.get::<_, String>(6)?),
            ])
        },
    )?;
    s.table(
        "orders",
        &[
            ("meal", 1.0),
            ("weekdays", 2.0),
            ("mode", 1.0),
            ("from", 1.0),
            ("to", 1.0),
            ("stopped", 1.0),
            ("facility", 2.0),
        ],
        orders,
    );
    let bookings = rows(
        c,
        "SELECT b.day, b.meal, b.mode, b.status, b.served_at, b.served_by_name, b.subsidy_fen, b.diet_confirmed_by, f.name
           FROM bookings b JOIN facilities f ON f.id = b.facility_id WHERE b.client_id = ?1
          ORDER BY b.day, CASE b.meal WHEN 'breakfast' THEN 0 WHEN 'lunch' THEN 1 ELSE 2 END, b.id",
        id,
        |r| {
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(s.word("meals.meals", &r.get::<_, String>(1)?)),
                text(s.word("meals.modes", &r.get::<_, String>(2)?)),
                text(s.word("meals.book.statuses", &r.get::<_, String>(3)?)),
                local(r.get(4)?),
                opt(r.get(5)?),
                r.get::<_, Option<i64>>(6)?.map(Cell::Fen).unwrap_or(Cell::Empty),
                opt(r.get(7)?),
                text(r.get::<_, String>(8)?),
            ])
        },
    )?;
    s.table(
        "bookings",
        &[
            ("day", 1.0),
            ("meal", 0.7),
            ("mode", 1.0),
            ("status", 0.8),
            ("served_at", 1.4),
            ("served_by", 1.0),
            ("subsidy", 0.8),
            ("diet_confirmed_by", 1.2),
            ("facility", 2.0),
        ],
        bookings,
    );
    Ok(name)
}

/// A GB/T 42195 level number (0–4, as stored) by the assessment page's code for it.
fn level_code(level: i64) -> &'static str {
    let levels = CareLevel::ALL;
    levels[usize::try_from(level).unwrap_or(0).min(levels.len() - 1)].as_str()
}

fn consent(on: Option<String>, by: Option<String>) -> Cell {
    match (on, by) {
        (Some(on), Some(by)) => text(format!("{on} ({by})")),
        (Some(on), None) => text(on),
        _ => Cell::Empty,
    }
}

fn child(c: &Connection, s: &mut Sections, id: i64) -> Result<String> {
    let (name, facts) = c.query_row(
        "SELECT ch.name, ch.sex, ch.birth_date, ch.id_number, ch.ethnicity, f.name, cc.name, ch.enrolled_on, ch.left_on,
                ch.allergies, ch.diet_needs, ch.consent_on, ch.consent_by, ch.notes, ch.created_at
           FROM children ch JOIN facilities f ON f.id = ch.facility_id LEFT JOIN child_classes cc ON cc.id = ch.class_id
          WHERE ch.id = ?1",
        [id],
        |r| {
            let name: String = r.get(0)?;
            Ok((
                name.clone(),
                vec![
                    ("name", text(name)),
                    ("sex", text(s.sex(&r.get::<_, String>(1)?))),
                    ("birth_date", text(r.get::<_, String>(2)?)),
                    ("id_number", opt(r.get(3)?)),
                    ("ethnicity", text(r.get::<_, String>(4)?)),
                    ("facility", text(r.get::<_, String>(5)?)),
                    ("class", opt(r.get(6)?)),
                    ("enrolled_on", text(r.get::<_, String>(7)?)),
                    ("left_on", opt(r.get(8)?)),
                    ("allergies", s.words("meals.allergens", &r.get::<_, String>(9)?)),
                    ("diet_needs", s.words("dietNeeds", &r.get::<_, String>(10)?)),
                    ("consent", consent(r.get(11)?, r.get(12)?)),
                    ("notes", opt(r.get(13)?)),
                    ("registered", local(r.get(14)?)),
                ],
            ))
        },
    )?;
    s.facts("record", facts);
    let contacts = rows(
        c,
        "SELECT name, relation, phone, is_guardian, may_pick_up, id_tail IS NOT NULL, active
           FROM child_contacts WHERE child_id = ?1 ORDER BY active DESC, position, id",
        id,
        |r| {
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(r.get::<_, String>(1)?),
                text(r.get::<_, String>(2)?),
                s.yes_no(r.get(3)?),
                s.yes_no(r.get(4)?),
                s.yes_no(r.get(5)?),
                s.yes_no(r.get(6)?),
            ])
        },
    )?;
    s.table(
        "child_contacts",
        &[
            ("name", 1.5),
            ("relation", 1.0),
            ("phone", 1.5),
            ("guardian", 0.8),
            ("pick_up", 0.8),
            ("id_tail", 1.0),
            ("current", 0.8),
        ],
        contacts,
    );
    let checks = rows(
        c,
        "SELECT k.day, k.session, k.temperature, k.fever, k.poor_spirits, k.red_throat, k.rash, k.poor_eating,
                k.poor_sleep, k.abnormal_stools, k.unsafe_item, k.action, k.note, k.guardian_told_at, k.checked_by_name,
                f.name
           FROM child_checks k JOIN facilities f ON f.id = k.facility_id WHERE k.child_id = ?1
          ORDER BY k.day, k.session DESC, k.id",
        id,
        |r| {
            let signs = ["fever", "poor_spirits", "red_throat", "rash", "poor_eating", "poor_sleep", "abnormal_stools"];
            let mut seen: Vec<String> = Vec::new();
            for (i, sign) in signs.iter().enumerate() {
                if r.get::<_, bool>(3 + i)? {
                    seen.push(s.word("child_health.signs", sign));
                }
            }
            if let Some(item) = r.get::<_, Option<String>>(10)? {
                seen.push(format!("{}: {item}", s.word("child_health.signs", "unsafe_item")));
            }
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(s.word("child_health.sessions", &r.get::<_, String>(1)?)),
                num(r.get(2)?, 1),
                text(seen.join(s.w.get("person.list_sep").as_str())),
                text(s.word("child_health.actions", &r.get::<_, String>(11)?)),
                opt(r.get(12)?),
                local(r.get(13)?),
                text(r.get::<_, String>(14)?),
                text(r.get::<_, String>(15)?),
            ])
        },
    )?;
    s.table(
        "checks",
        &[
            ("day", 1.0),
            ("session", 0.6),
            ("temperature", 0.7),
            ("signs", 2.2),
            ("action", 0.9),
            ("note", 1.6),
            ("guardian_told", 1.3),
            ("checked_by", 1.0),
            ("facility", 1.8),
        ],
        checks,
    );
    let growth = rows(
        c,
        "SELECT g.measured_on, g.purpose, g.weight_kg, g.height_cm, g.head_cm, g.zscores_json, g.measured_by_name, f.name
           FROM growth_measurements g JOIN facilities f ON f.id = g.facility_id WHERE g.child_id = ?1
          ORDER BY g.measured_on, g.id",
        id,
        |r| {
            // As stored: [{"indicator": "weight_for_age", "z": -0.52, …}, …].
            let z: Vec<serde_json::Value> = serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default();
            let zs: Vec<String> = z
                .iter()
                .filter_map(|one| {
                    let indicator = one.get("indicator")?.as_str()?;
                    let z = one.get("z")?.as_f64()?;
                    Some(format!("{} {z:+.2}", s.word("growth.indicators", indicator)))
                })
                .collect();
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(s.word("child_health.purposes", &r.get::<_, String>(1)?)),
                num(r.get(2)?, 2),
                num(r.get(3)?, 1),
                num(r.get(4)?, 1),
                text(zs.join("; ")),
                text(r.get::<_, String>(6)?),
                text(r.get::<_, String>(7)?),
            ])
        },
    )?;
    s.table(
        "growth",
        &[
            ("on", 1.0),
            ("purpose", 0.8),
            ("weight", 0.8),
            ("height", 0.8),
            ("head", 0.8),
            ("zscores", 3.0),
            ("by", 1.0),
            ("facility", 1.8),
        ],
        growth,
    );
    let given = doses_of(c, id)?;
    let medicines = rows(
        c,
        "SELECT m.medicine, m.dose, m.times_per_day, m.times, m.from_day, m.to_day, m.guardian_name, m.note,
                f.name, m.id
           FROM child_medicines m JOIN facilities f ON f.id = m.facility_id WHERE m.child_id = ?1
          ORDER BY m.from_day, m.id",
        id,
        |r| {
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(r.get::<_, String>(1)?),
                Cell::Int(r.get(2)?),
                opt(r.get(3)?),
                text(format!("{} – {}", r.get::<_, String>(4)?, r.get::<_, String>(5)?)),
                text(r.get::<_, String>(6)?),
                opt(r.get(7)?),
                opt(given.get(&r.get::<_, i64>(9)?).map(|doses| doses.join("; "))),
                text(r.get::<_, String>(8)?),
            ])
        },
    )?;
    s.table(
        "medicines",
        &[
            ("medicine", 1.5),
            ("dose", 0.8),
            ("times_per_day", 0.6),
            ("times", 1.0),
            ("days", 1.6),
            ("guardian", 0.9),
            ("note", 1.2),
            ("given", 2.6),
            ("facility", 1.6),
        ],
        medicines,
    );
    Ok(name)
}

/// The doses given of each of the child's courses, by course, as "11-29 10:02 王老师" in
/// Wuhai's time, in the order given.
fn doses_of(c: &Connection, child_id: i64) -> Result<HashMap<i64, Vec<String>>> {
    let mut stmt = c.prepare(
        "SELECT d.medicine_id, d.given_at, d.given_by_name FROM child_medicine_doses d
           JOIN child_medicines m ON m.id = d.medicine_id
          WHERE m.child_id = ?1 ORDER BY d.given_at, d.id",
    )?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    let mut q = stmt.query([child_id])?;
    while let Some(r) = q.next()? {
        let at: String = r.get(1)?;
        let at = parse_utc_stamp(&at).map(|t| local_time(t).format("%m-%d %H:%M").to_string()).unwrap_or(at);
        out.entry(r.get(0)?).or_default().push(format!("{at} {}", r.get::<_, String>(2)?));
    }
    Ok(out)
}

fn attendance(c: &Connection, s: &mut Sections, kind: PersonKind, id: i64) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT a.day, a.in_at, a.out_at, a.picked_up_name, f.name
           FROM attendance a JOIN facilities f ON f.id = a.facility_id
          WHERE a.person_kind = ?1 AND a.person_id = ?2 ORDER BY a.in_at, a.id",
    )?;
    let list = stmt
        .query_map(rusqlite::params![kind.as_str(), id], |r| {
            Ok(vec![
                text(r.get::<_, String>(0)?),
                local(r.get(1)?),
                local(r.get(2)?),
                opt(r.get(3)?),
                text(r.get::<_, String>(4)?),
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    s.table("attendance", &[("day", 1.0), ("in", 1.4), ("out", 1.4), ("picked_up_by", 1.2), ("facility", 2.0)], list);
    Ok(())
}

/// The person's incident reports, whole: what happened, what was done, who was told, the
/// review.
fn incidents(c: &Connection, s: &mut Sections, kind: PersonKind, id: i64) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT i.occurred_at, i.kind, i.severity, i.place, i.what_happened, i.injury, i.action_taken, i.hospital,
                i.witnesses, i.family_told_at, i.family_told_who, i.family_told_how, i.reported_by_name,
                i.closed_at, i.review_note, f.name
           FROM incidents i JOIN facilities f ON f.id = i.facility_id
          WHERE i.person_kind = ?1 AND i.person_id = ?2 ORDER BY i.occurred_at, i.id",
    )?;
    let list = stmt
        .query_map(rusqlite::params![kind.as_str(), id], |r| {
            let told = match r.get::<_, Option<String>>(9)? {
                Some(at) => {
                    let (who, how): (String, String) = (r.get(10)?, r.get(11)?);
                    text(format!("{} {who} ({how})", local(Some(at)).display()))
                }
                None => Cell::Empty,
            };
            Ok(vec![
                local(r.get(0)?),
                text(s.word("incidents.kinds", &r.get::<_, String>(1)?)),
                text(s.word("incidents.severities", &r.get::<_, String>(2)?)),
                text(r.get::<_, String>(3)?),
                text(r.get::<_, String>(4)?),
                opt(r.get(5)?),
                text(r.get::<_, String>(6)?),
                opt(r.get(7)?),
                opt(r.get(8)?),
                told,
                text(r.get::<_, String>(12)?),
                local(r.get(13)?),
                opt(r.get(14)?),
                text(r.get::<_, String>(15)?),
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let columns = [
        ("at", 1.3),
        ("kind", 1.0),
        ("severity", 0.9),
        ("place", 1.0),
        ("what", 2.0),
        ("injury", 1.4),
        ("action", 1.6),
        ("hospital", 1.2),
        ("witnesses", 1.0),
        ("told", 1.8),
        ("reported_by", 1.0),
        ("closed_at", 1.3),
        ("review", 1.8),
        ("facility", 1.6),
    ];
    s.table("incidents", &columns, list);
    Ok(())
}

/// The person's payments and their receipts, void ones with why.
fn payments(c: &Connection, s: &mut Sections, kind: PersonKind, id: i64) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT p.received_at, p.receipt_year, p.receipt_pc, p.receipt_seq, p.payer_name, p.purpose, p.note,
                p.amount_fen, p.method, p.received_by_name, p.voided_at, p.void_reason, f.name
           FROM payments p JOIN facilities f ON f.id = p.facility_id
          WHERE p.person_kind = ?1 AND p.person_id = ?2 ORDER BY p.received_at, p.id",
    )?;
    let list = stmt
        .query_map(rusqlite::params![kind.as_str(), id], |r| {
            let purpose = s.word("payments.purposes", &r.get::<_, String>(5)?);
            let purpose = match r.get::<_, Option<String>>(6)? {
                Some(note) => format!("{purpose} · {note}"),
                None => purpose,
            };
            let void = match r.get::<_, Option<String>>(10)? {
                Some(at) => text(format!("{} {}", local(Some(at)).display(), r.get::<_, String>(11)?)),
                None => Cell::Empty,
            };
            Ok(vec![
                local(r.get(0)?),
                text(receipt_no(r.get(1)?, r.get(2)?, r.get(3)?)),
                text(r.get::<_, String>(4)?),
                text(purpose),
                Cell::Fen(r.get(7)?),
                text(s.word("payments.methods", &r.get::<_, String>(8)?)),
                text(r.get::<_, String>(9)?),
                void,
                text(r.get::<_, String>(12)?),
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let columns = [
        ("at", 1.3),
        ("receipt_no", 1.4),
        ("payer", 1.0),
        ("purpose", 1.8),
        ("amount", 1.0),
        ("method", 0.8),
        ("received_by", 1.0),
        ("void", 1.6),
        ("facility", 1.6),
    ];
    s.table("payments", &columns, list);
    Ok(())
}

/// The family the person is paid for with: its name, its payer and the other members.
fn family(c: &Connection, s: &mut Sections, kind: PersonKind, id: i64) -> Result<()> {
    let mut stmt = c.prepare(
        "SELECT f.name, f.payer_name, f.payer_phone,
                (SELECT group_concat(CASE o.person_kind WHEN 'child' THEN (SELECT name FROM children WHERE id = o.person_id)
                                                        ELSE (SELECT name FROM clients WHERE id = o.person_id) END, '、')
                   FROM family_members o
                  WHERE o.family_id = f.id AND NOT (o.person_kind = m.person_kind AND o.person_id = m.person_id)),
                fa.name
           FROM family_members m JOIN families f ON f.id = m.family_id JOIN facilities fa ON fa.id = f.facility_id
          WHERE m.person_kind = ?1 AND m.person_id = ?2",
    )?;
    let list = stmt
        .query_map(rusqlite::params![kind.as_str(), id], |r| {
            Ok(vec![
                text(r.get::<_, String>(0)?),
                text(r.get::<_, String>(1)?),
                r.get::<_, Option<String>>(2)?.map_or(Cell::Empty, text),
                r.get::<_, Option<String>>(3)?.map_or(Cell::Empty, text),
                text(r.get::<_, String>(4)?),
            ])
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let columns = [("family", 1.2), ("payer", 1.0), ("payer_phone", 1.0), ("others", 2.0), ("facility", 1.6)];
    s.table("family", &columns, list);
    Ok(())
}

/// Who viewed or changed the person's records: entries about the person, about each of
/// their records (their statements and payments among them), their joining or leaving a
/// family, and the facility lists and family statements that named them.
fn audit_trail(c: &Connection, s: &mut Sections, kind: PersonKind, id: i64) -> Result<()> {
    let (own, records, listed) = match kind {
        PersonKind::Client => (
            "'client', 'checkups', 'assessments', 'care_plan', 'home', 'client_bookings'",
            "(a.entity = 'checkup' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM checkups WHERE client_id = ?1))
             OR (a.entity = 'assessment' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM assessments WHERE client_id = ?1))
             OR (a.entity = 'plan_item' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM care_plan_items WHERE client_id = ?1))
             OR (a.entity = 'visit' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM visits WHERE client_id = ?1))
             OR (a.entity = 'booking' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM bookings WHERE client_id = ?1))
             OR (a.entity = 'standing_order' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM standing_orders WHERE client_id = ?1))
             OR (a.entity = 'alert' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM alerts WHERE client_id = ?1))
             OR (a.entity = 'incident' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM incidents
                     WHERE person_kind = 'client' AND person_id = ?1))
             OR (a.entity = 'payment' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM payments
                     WHERE person_kind = 'client' AND person_id = ?1))
             OR (a.entity IN ('payments', 'statement') AND a.entity_id = CAST(?1 AS TEXT)
                 AND json_extract(a.after_json, '$.person_kind') = 'client')
             OR (a.entity = 'family' AND json_extract(a.after_json, '$.person_kind') = 'client'
                 AND json_extract(a.after_json, '$.person_id') = ?1)",
            "(a.entity IN ('alerts', 'follow_ups', 'incidents') AND a.action = 'view'
              OR a.entity = 'family' AND a.action IN ('view', 'export'))
             AND EXISTS (SELECT 1 FROM json_each(a.after_json, '$.clients') j WHERE j.value = ?1)",
        ),
        _ => (
            "'child', 'child_checks', 'growth_measurements'",
            "(a.entity = 'child_check' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM child_checks WHERE child_id = ?1))
             OR (a.entity = 'growth_measurement' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM growth_measurements WHERE child_id = ?1))
             OR (a.entity = 'child_medicine' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM child_medicines WHERE child_id = ?1))
             OR (a.entity = 'medicine_dose' AND a.entity_id IN (SELECT CAST(d.id AS TEXT) FROM child_medicine_doses d
                     JOIN child_medicines m ON m.id = d.medicine_id WHERE m.child_id = ?1))
             OR (a.entity = 'incident' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM incidents
                     WHERE person_kind = 'child' AND person_id = ?1))
             OR (a.entity = 'payment' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM payments
                     WHERE person_kind = 'child' AND person_id = ?1))
             OR (a.entity IN ('payments', 'statement') AND a.entity_id = CAST(?1 AS TEXT)
                 AND json_extract(a.after_json, '$.person_kind') = 'child')
             OR (a.entity = 'family' AND json_extract(a.after_json, '$.person_kind') = 'child'
                 AND json_extract(a.after_json, '$.person_id') = ?1)",
            "(a.entity IN ('medicines', 'exams_due', 'incidents') AND a.action = 'view'
              OR a.entity = 'family' AND a.action IN ('view', 'export'))
             AND EXISTS (SELECT 1 FROM json_each(a.after_json, '$.children') j WHERE j.value = ?1)",
        ),
    };
    let sql = format!(
        "SELECT a.id, a.at, a.username, acc.display_name, a.action, a.entity, f.name
           FROM audit_log a LEFT JOIN accounts acc ON acc.id = a.account_id LEFT JOIN facilities f ON f.id = a.facility_id
          WHERE (a.entity IN ({own}) AND a.entity_id = CAST(?1 AS TEXT)) OR {records} OR ({listed})
          ORDER BY a.id"
    );
    let list = rows(c, &sql, id, |r| {
        let who = match r.get::<_, Option<String>>(3)? {
            Some(name) => format!("{name} ({})", r.get::<_, String>(2)?),
            None => r.get(2)?,
        };
        Ok(vec![
            Cell::Int(r.get(0)?),
            local(r.get(1)?),
            text(who),
            text(s.word("audit.actions", &r.get::<_, String>(4)?)),
            text(s.word("entities", &r.get::<_, String>(5)?)),
            opt(r.get(6)?),
        ])
    })?;
    s.table(
        "audit",
        &[("entry", 0.6), ("at", 1.3), ("who", 1.6), ("action", 1.2), ("what", 1.4), ("facility", 2.0)],
        list,
    );
    s.blocks.push(Block::Paragraph(s.w.get("person.audit.note")));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_stamps_read_as_wuhai_wall_time() {
        assert_eq!(clock_time(545), "09:05");
        assert_eq!(local(Some("2026-11-29T01:30:00Z".into())), Cell::Text("2026-11-29 09:30".into()));
        assert_eq!(local(None), Cell::Empty);
        assert_eq!(text(""), Cell::Empty);
    }
}
