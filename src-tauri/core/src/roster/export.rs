//! Writing rosters as .xlsx (rust_xlsxwriter): the blank template with its instructions,
//! and exports of the lists in the same columns. Strings are stored as Excel shared
//! strings in UTF-8, which Excel and WPS open with Chinese intact; ID numbers are written
//! as text so that no digit is lost.

use std::path::Path;

use rusqlite::{params, Connection, Row};
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use ts_rs::TS;

use super::columns::{Column, RosterKind};
use super::vocab;
use crate::domain::account::{Action, Actor};
use crate::domain::facility::bits_to_days;
use crate::domain::person::{ChronicCondition, ClientStatus, DietNeed, LivingSituation, Skill, StaffJob};
use crate::domain::resident_id::{mask, Sex};
use crate::domain::text;
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, Entry};
use crate::store::read;
use crate::store::Db;

fn xlsx_error(e: XlsxError) -> CoreError {
    CoreError::Io(std::io::Error::other(e.to_string()))
}

fn header_format() -> Format {
    Format::new().set_bold().set_background_color(Color::RGB(0xE3F0EA)).set_font_name("微软雅黑")
}

fn text_format() -> Format {
    // "@": the column is text, so an ID number typed into the template stays 18 digits.
    Format::new().set_num_format("@")
}

fn write_headers(sheet: &mut Worksheet, columns: &[Column]) -> std::result::Result<(), XlsxError> {
    let bold = header_format();
    let text = text_format();
    for (i, c) in columns.iter().enumerate() {
        let i = i as u16;
        let title = if c.required { format!("{}*", c.header) } else { c.header.to_string() };
        sheet.write_string_with_format(0, i, &title, &bold)?;
        let width = (c.header.chars().count() as f64 * 2.2 + 4.0).max(12.0);
        sheet.set_column_width(i, if c.field == "id_number" { 22.0 } else { width })?;
        sheet.set_column_format(i, &text)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn example_row(kind: RosterKind) -> &'static [&'static str] {
    match kind {
        RosterKind::Clients => &[
            "示例：张桂兰",
            "11010519491231002X",
            "",
            "",
            "汉族",
            "13947301234",
            "",
            "新华社区",
            "新华街 12 号 3 单元 201",
            "独居",
            "高血压、糖尿病",
            "低盐、低糖",
            "青霉素",
            "李强",
            "儿子",
            "13904730000",
            "是",
            "",
        ],
        RosterKind::Children => &[
            "示例：其木格",
            "",
            "女",
            "2023-06-01",
            "蒙古族",
            "",
            "小班",
            "2025-09-01",
            "",
            "鸡蛋",
            "",
            "斯琴",
            "母亲",
            "13804731111",
            "123X",
            "巴特尔",
            "祖父",
            "13904732222",
            "",
            "是",
            "",
        ],
        RosterKind::Staff => {
            &["示例：王丽", "女", "", "护士", "", "13947305678", "护士执业证", "08:00", "17:00", "一至五", "是"]
        }
    }
}

/// The blank roster: headers (required ones marked *), an example row, and a second sheet
/// explaining each column and the words it accepts.
pub fn template(kind: RosterKind) -> Result<Vec<u8>> {
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(kind.title())?;
        write_headers(sheet, kind.columns())?;
        let text = text_format();
        for (i, value) in example_row(kind).iter().enumerate() {
            sheet.write_string_with_format(1, i as u16, *value, &text)?;
        }
        let help = book.add_worksheet();
        help.set_name("填写说明")?;
        let bold = header_format();
        help.write_string_with_format(0, 0, "列", &bold)?;
        help.write_string_with_format(0, 1, "必填", &bold)?;
        help.write_string_with_format(0, 2, "说明", &bold)?;
        help.set_column_width(0, 20.0)?;
        help.set_column_width(2, 70.0)?;
        for (i, c) in kind.columns().iter().enumerate() {
            let row = i as u32 + 1;
            help.write_string(row, 0, c.header)?;
            help.write_string(row, 1, if c.required { "是" } else { "" })?;
            help.write_string(row, 2, c.hint)?;
        }
        let last = kind.columns().len() as u32 + 2;
        help.write_string(
            last,
            0,
            "第 2 行是示例（姓名以“示例：”开头的行不会导入）。身份证号一列已设为文本格式，请勿改成数字。",
        )?;
        book.save_to_buffer()
    };
    build().map_err(xlsx_error)
}

/// Writes one sheet of text cells under the given headers to `path`, beside then renamed,
/// so a half-written file never carries the final name. Every list export goes through it.
pub fn write_table(path: &Path, sheet_name: &str, columns: &[Column], rows: &[Vec<String>]) -> Result<()> {
    let mut book = Workbook::new();
    let write = |book: &mut Workbook| -> std::result::Result<(), XlsxError> {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name)?;
        write_headers(sheet, columns)?;
        for (i, row) in rows.iter().enumerate() {
            for (j, value) in row.iter().enumerate() {
                sheet.write_string((i + 1) as u32, j as u16, value)?;
            }
        }
        Ok(())
    };
    write(&mut book).map_err(xlsx_error)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let partial = path.with_extension("xlsx.part");
    book.save(&partial).map_err(xlsx_error)?;
    std::fs::rename(&partial, path)?;
    Ok(())
}

/// A plain column for list exports: a header, nothing to validate.
pub const fn plain(header: &'static str) -> Column {
    Column { header, field: "", required: false, hint: "" }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    pub rows: usize,
}

fn labels<T: PartialEq + Copy + serde::de::DeserializeOwned>(
    r: &Row,
    column: &str,
    table: &[(T, &'static str)],
) -> rusqlite::Result<String> {
    Ok(read::json::<Vec<T>, _>(r, column)?.into_iter().map(|v| vocab::label(table, v)).collect::<Vec<_>>().join("、"))
}

fn plain_list(r: &Row, column: &str) -> rusqlite::Result<String> {
    Ok(read::json::<Vec<String>, _>(r, column)?.join("、"))
}

fn sex_label(code: &str) -> &'static str {
    Sex::from_db(code).map_or("", |s| vocab::label(vocab::SEXES, s))
}

/// What an export shows of the secrets a list holds.
#[derive(Debug, Clone, Copy)]
struct Shown {
    /// Full ID numbers (an export with a reason), else masked.
    full_ids: bool,
    /// The last four of pick-up persons' IDs, which the desk must ask for, not read.
    id_tails: bool,
}

type RowFn = fn(&Row, Shown) -> rusqlite::Result<Vec<String>>;

fn id_cell(r: &Row, shown: Shown) -> rusqlite::Result<String> {
    let id: Option<String> = r.get("id_number")?;
    Ok(id.map(|i| if shown.full_ids { i } else { mask(&i) }).unwrap_or_default())
}

fn client_row(r: &Row, shown: Shown) -> rusqlite::Result<Vec<String>> {
    let living = r.get::<_, LivingSituation>("living_situation")?;
    Ok(vec![
        r.get("name")?,
        id_cell(r, shown)?,
        sex_label(&r.get::<_, String>("sex")?).to_string(),
        r.get("birth_date")?,
        r.get("ethnicity")?,
        r.get::<_, Option<String>>("phone")?.unwrap_or_default(),
        r.get("facility_name")?,
        r.get("community_name")?,
        r.get::<_, Option<String>>("address")?.unwrap_or_default(),
        vocab::label(vocab::LIVING, living).to_string(),
        labels::<ChronicCondition>(r, "chronic_conditions", vocab::CONDITIONS)?,
        labels::<DietNeed>(r, "diet_needs", vocab::DIETS)?,
        plain_list(r, "allergies")?,
        r.get::<_, Option<String>>("contact_name")?.unwrap_or_default(),
        r.get::<_, Option<String>>("contact_relation")?.unwrap_or_default(),
        r.get::<_, Option<String>>("contact_phone")?.unwrap_or_default(),
        if r.get::<_, Option<String>>("consent_on")?.is_some() { "是" } else { "否" }.to_string(),
        r.get::<_, Option<String>>("notes")?.unwrap_or_default(),
        ClientStatus::parse(&r.get::<_, String>("status")?)
            .map_or("", |s| vocab::label(vocab::STATUSES, s))
            .to_string(),
    ])
}

fn child_row(r: &Row, shown: Shown) -> rusqlite::Result<Vec<String>> {
    let get = |name: &str| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(name)?.unwrap_or_default()) };
    Ok(vec![
        r.get("name")?,
        id_cell(r, shown)?,
        sex_label(&r.get::<_, String>("sex")?).to_string(),
        r.get("birth_date")?,
        r.get("ethnicity")?,
        r.get("facility_name")?,
        get("class_name")?,
        r.get("enrolled_on")?,
        get("left_on")?,
        plain_list(r, "allergies")?,
        labels::<DietNeed>(r, "diet_needs", vocab::DIETS)?,
        get("g_name")?,
        get("g_relation")?,
        get("g_phone")?,
        if shown.id_tails { get("g_tail")? } else { String::new() },
        get("p_name")?,
        get("p_relation")?,
        get("p_phone")?,
        if shown.id_tails { get("p_tail")? } else { String::new() },
        if r.get::<_, Option<String>>("consent_on")?.is_some() { "是" } else { "否" }.to_string(),
        get("notes")?,
    ])
}

fn staff_row(r: &Row, shown: Shown) -> rusqlite::Result<Vec<String>> {
    let days: Vec<String> =
        bits_to_days(r.get("work_days")?).into_iter().map(|d| vocab::label(vocab::WEEKDAYS, d).to_string()).collect();
    Ok(vec![
        r.get("name")?,
        sex_label(&r.get::<_, String>("sex")?).to_string(),
        id_cell(r, shown)?,
        StaffJob::parse(&r.get::<_, String>("job")?).map_or("", |j| vocab::label(vocab::JOBS, j)).to_string(),
        r.get("facility_name")?,
        r.get::<_, Option<String>>("phone")?.unwrap_or_default(),
        labels::<Skill>(r, "skills", vocab::SKILLS)?,
        r.get("work_starts")?,
        r.get("work_ends")?,
        days.join("、"),
        if r.get::<_, bool>("active")? { "是" } else { "否" }.to_string(),
    ])
}

fn query(kind: RosterKind) -> (&'static str, RowFn) {
    match kind {
        RosterKind::Clients => (
            "SELECT cl.*, f.name AS facility_name, co.name AS community_name,
                    cc.name AS contact_name, cc.relation AS contact_relation, cc.phone AS contact_phone
             FROM clients cl JOIN facilities f ON f.id = cl.facility_id JOIN communities co ON co.id = cl.community_id
             LEFT JOIN client_contacts cc ON cc.client_id = cl.id AND cc.position = 0
             WHERE (?1 IS NULL OR cl.facility_id = ?1) AND (?2 OR cl.status IN ('active', 'suspended'))
             ORDER BY f.id, cl.name_key, cl.id",
            client_row,
        ),
        RosterKind::Children => (
            "SELECT ch.*, f.name AS facility_name, k.name AS class_name,
                    g.name AS g_name, g.relation AS g_relation, g.phone AS g_phone, g.id_tail AS g_tail,
                    p.name AS p_name, p.relation AS p_relation, p.phone AS p_phone, p.id_tail AS p_tail
             FROM children ch JOIN facilities f ON f.id = ch.facility_id LEFT JOIN child_classes k ON k.id = ch.class_id
             LEFT JOIN child_contacts g ON g.id = (SELECT id FROM child_contacts WHERE child_id = ch.id AND active = 1
                                                   AND is_guardian = 1 ORDER BY position LIMIT 1)
             LEFT JOIN child_contacts p ON p.id = (SELECT id FROM child_contacts WHERE child_id = ch.id AND active = 1
                                                   AND id != g.id AND may_pick_up = 1 ORDER BY position LIMIT 1)
             WHERE (?1 IS NULL OR ch.facility_id = ?1) AND (?2 OR ch.left_on IS NULL)
             ORDER BY f.id, k.name, ch.name_key, ch.id",
            child_row,
        ),
        RosterKind::Staff => (
            "SELECT s.*, f.name AS facility_name FROM staff s JOIN facilities f ON f.id = s.facility_id
             WHERE (?1 IS NULL OR s.facility_id = ?1) AND (?2 OR s.active = 1)
             ORDER BY f.id, s.job, s.name_key, s.id",
            staff_row,
        ),
    }
}

/// One person's row of an export, with who they are for the log.
struct Exported {
    person: i64,
    facility: i64,
    has_id: bool,
    cells: Vec<String>,
}

fn rows_of(
    c: &Connection,
    kind: RosterKind,
    facility: Option<i64>,
    include_inactive: bool,
    shown: Shown,
) -> Result<Vec<Exported>> {
    let (sql, map) = query(kind);
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map(params![facility, include_inactive], |r| {
        Ok(Exported {
            person: r.get("id")?,
            facility: r.get("facility_id")?,
            has_id: r.get::<_, Option<String>>("id_number")?.is_some(),
            cells: map(r, shown)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes the list (one facility, or all the actor may see) to `path` as .xlsx in the
/// template's columns (clients also get their status). ID numbers are masked, and
/// pick-up persons' ID tails left out unless the actor manages pick-ups there. With
/// `reveal_reason`, ID numbers are written in full: only a facility's managers for its
/// list (the city office for the city's), and each person whose number the file holds gets
/// an entry on the log naming the reason (PIPL Art. 51, 55). The export itself is audited.
pub fn export(
    db: &Db,
    actor: &Actor,
    kind: RosterKind,
    facility_id: Option<i64>,
    include_inactive: bool,
    reveal_reason: Option<&str>,
    path: &Path,
) -> Result<ExportReport> {
    actor.require(Action::ViewPeople)?;
    let facility = match facility_id {
        Some(f) => {
            actor.require_at(Action::ViewPeople, f)?;
            Some(f)
        }
        None => actor.facility_scope(),
    };
    let may_at = |action: Action| match facility {
        Some(f) => actor.require_at(action, f),
        None => actor.require(action).and_then(|()| match actor.facility_scope() {
            None => Ok(()),
            Some(_) => Err(CoreError::Forbidden),
        }),
    };
    let reason = match reveal_reason {
        None => None,
        Some(text) => {
            may_at(Action::ExportIds)?;
            Some(
                text::optional_text(Some(text), 200, "reason")?
                    .ok_or_else(|| Invalid::new("roster.reveal_reason_required", "reason"))?,
            )
        }
    };
    let shown = Shown { full_ids: reason.is_some(), id_tails: may_at(Action::ManagePickup).is_ok() };
    let rows = db.write(|c| {
        let rows = rows_of(c, kind, facility, include_inactive, shown)?;
        Entry::new(AuditAction::Export, kind, path.display())
            .facility(facility)
            .after(&serde_json::json!({ "rows": rows.len(), "full_ids": shown.full_ids, "reason": reason }))
            .write(c, actor)?;
        if let Some(reason) = &reason {
            for row in rows.iter().filter(|r| r.has_id) {
                Entry::new(AuditAction::RevealId, kind.person(), row.person)
                    .facility(Some(row.facility))
                    .after(&serde_json::json!({ "reason": reason, "export": path.display().to_string() }))
                    .write(c, actor)?;
            }
        }
        Ok(rows)
    })?;
    let rows: Vec<Vec<String>> = rows.into_iter().map(|r| r.cells).collect();
    let mut columns: Vec<Column> = kind.columns().to_vec();
    if kind == RosterKind::Clients {
        columns.push(Column { header: "状态", field: "status", required: false, hint: "" });
    }
    write_table(path, kind.title(), &columns, &rows)?;
    Ok(ExportReport { path: path.display().to_string(), rows: rows.len() })
}
