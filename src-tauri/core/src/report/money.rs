//! Money on paper: a payment's receipt (收款收据), on A5 or a receipt printer's 80 mm roll,
//! and a client's, child's or family's monthly statement (对账单). docs/money.md.
//!
//! A receipt shows the amount twice, in figures and in capital words, the receipt's number,
//! who paid and who received, and that it is a receipt, not a tax invoice; a voided receipt
//! prints with its void mark, reason and who voided it. Every printing, first or again, is
//! on the audit log.

use std::path::Path;

use super::compose::Words;
use super::document::{format_yuan, Align, Block, Cell, Column, Document, Fact, Paper, Row, RowKind, Table};
use super::person_data::write_whole;
use super::{ReportFormat, SavedReport};
use crate::clock::local_offset;
use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::month::Month;
use crate::domain::person::PersonKind;
use crate::error::Result;
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::services::families::{self, FamilyStatement};
use crate::services::fees::ledger::{self, Posting, PostingKind, PurposeTotals, Statement, What};
use crate::services::payments::{self, Payment};
use crate::services::scope::facility_for;
use crate::services::settlement::{self, Decision, LineKind, Sheet};
use crate::store::{parse_utc_stamp, Db};
use chrono::{DateTime, Utc};

code_enum! {
    /// The paper a receipt is printed on.
    ReceiptPaper {
        /// A5 landscape, for an office printer.
        A5 = "a5",
        /// A receipt printer's 80 mm roll.
        Roll80 = "roll80",
    }
}

fn local(stamp: &str) -> String {
    parse_utc_stamp(stamp)
        .map(|t| t.with_timezone(&local_offset()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| stamp.to_string())
}

fn person_name(c: &rusqlite::Connection, kind: PersonKind, id: i64) -> Result<String> {
    let table = if kind == PersonKind::Child { "children" } else { "clients" };
    Ok(c.query_row(&format!("SELECT name FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?)
}

fn label_rows(rows: Vec<(String, String)>, paper: ReceiptPaper) -> Table {
    // On a roll the labels take a wider share, so "金额（大写）" stays on one line.
    let label = if paper == ReceiptPaper::Roll80 { 1.4 } else { 1.0 };
    Table {
        sheet: String::new(),
        columns: vec![
            Column { label: String::new(), weight: label, align: Align::Left },
            Column { label: String::new(), weight: 2.6, align: Align::Left },
        ],
        rows: rows
            .into_iter()
            .map(|(label, value)| Row { kind: RowKind::Normal, cells: vec![Cell::Text(label), Cell::Text(value)] })
            .collect(),
        one_line: false,
    }
}

/// A payment's receipt as a document, in the reader's language.
pub fn receipt(
    db: &Db,
    actor: &Actor,
    payment_id: i64,
    paper: ReceiptPaper,
    w: Words,
    now: DateTime<Utc>,
) -> Result<(Document, Payment)> {
    actor.require(Action::TakePayments)?;
    let payment = payments::by_id_for(db, actor, payment_id)?;
    let (facility, person) = db.read(|c| {
        let facility: String =
            c.query_row("SELECT name FROM facilities WHERE id = ?1", [payment.facility_id], |r| r.get(0))?;
        Ok((facility, person_name(c, payment.person_kind, payment.person_id)?))
    })?;
    let purpose = w.other(&format!("payments.purposes.{}", payment.purpose.as_str()));
    let purpose = match &payment.note {
        Some(note) => format!("{purpose}（{note}）"),
        None => purpose,
    };
    let rows = vec![
        (w.get("receipt.payer"), payment.payer_name.clone()),
        (w.get(&format!("receipt.for_{}", payment.person_kind.as_str())), person),
        (w.get("receipt.purpose"), purpose),
        (w.get("receipt.in_words"), payment.amount_words.clone()),
        (w.get("receipt.in_figures"), format!("￥{}", format_yuan(payment.amount_fen))),
        (w.get("receipt.method"), w.other(&format!("payments.methods.{}", payment.method.as_str()))),
        (w.get("receipt.at"), local(&payment.received_at)),
        (w.get("receipt.received_by"), payment.received_by_name.clone()),
    ];
    let mut blocks = Vec::new();
    if let (Some(at), Some(by)) = (&payment.voided_at, &payment.voided_by_name) {
        blocks.push(Block::Heading(w.with(
            "receipt.void",
            &[("at", local(at)), ("by", by.clone()), ("reason", payment.void_reason.clone().unwrap_or_default())],
        )));
    }
    blocks.push(Block::Table(label_rows(rows, paper)));
    blocks.push(Block::Paragraph(w.get("receipt.not_invoice")));
    // A roll is too narrow for two lines to sign on side by side: the payer's alone.
    blocks.push(Block::Signatures(match paper {
        ReceiptPaper::A5 => vec![w.get("receipt.stamp"), w.get("receipt.payer_sign")],
        ReceiptPaper::Roll80 => vec![w.get("receipt.payer_sign")],
    }));
    let no = w.with("receipt.no", &[("no", payment.receipt_no.clone())]);
    let doc = Document {
        title: w.with("receipt.title", &[("facility", facility.clone())]),
        paper: match paper {
            ReceiptPaper::A5 => Paper::A5,
            ReceiptPaper::Roll80 => Paper::Roll80,
        },
        header_left: facility,
        header_right: no.clone(),
        page_label: String::new(),
        generated: no,
        made_at: now,
        blocks,
    };
    Ok((doc, payment))
}

/// Prints a payment's receipt to `path` (a PDF) and records the printing.
pub fn save_receipt(
    db: &Db,
    actor: &Actor,
    payment_id: i64,
    paper: ReceiptPaper,
    w: Words,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<SavedReport> {
    let (doc, payment) = receipt(db, actor, payment_id, paper, w, now)?;
    let saved = write_pdf(&doc, w, path)?;
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::Payment, payment.id)
            .facility(Some(payment.facility_id))
            .after(&serde_json::json!({ "receipt_no": payment.receipt_no, "paper": paper, "file": saved.path }))
            .write(c, actor)
    })?;
    Ok(saved)
}

fn write_pdf(doc: &Document, w: Words, path: &Path) -> Result<SavedReport> {
    let bytes = super::render(doc, ReportFormat::Pdf, w.0)?;
    write_whole(path, ReportFormat::Pdf, &bytes)?;
    Ok(SavedReport { path: path.display().to_string(), title: doc.title.clone(), bytes: bytes.len() as u64 })
}

/// What a ledger line is, in words: 午餐, 生活照料 45 分钟, 2026年11月保育费, 收据 2026-01-000003…
fn what(w: Words, p: &Posting) -> String {
    match &p.what {
        What::Meal { meal } => w.other(&format!("meals.meals.{}", meal.as_str())),
        What::Visit { service, minutes, fen_per_hour } => w.with(
            "statement.visit",
            &[
                ("service", w.other(&format!("services.long.{}", service.as_str()))),
                ("minutes", minutes.to_string()),
                ("rate", format_yuan(*fen_per_hour)),
            ],
        ),
        What::MonthlyFee { month } => w.with("statement.monthly_fee", &[("month", month.clone())]),
        What::MealDay => w.get("statement.meal_day"),
        What::AbsentDay => w.get("statement.absent_day"),
        What::Payment { receipt_no, method } => w.with(
            "statement.payment",
            &[("no", receipt_no.clone()), ("method", w.other(&format!("payments.methods.{}", method.as_str())))],
        ),
        What::Void { receipt_no } => w.with("statement.void", &[("no", receipt_no.clone())]),
    }
}

fn purpose_word(w: Words, purpose: Option<payments::PaymentPurpose>) -> String {
    match purpose {
        Some(p) => w.other(&format!("payments.purposes.{}", p.as_str())),
        None => w.get("total"),
    }
}

/// "2026-11" as the reader says it ("2026年11月").
fn month_in_words(w: Words, month: &str) -> String {
    Month::parse(month).map_or(month.to_string(), |m| {
        w.with("month", &[("year", m.year().to_string()), ("month", m.number().to_string())])
    })
}

/// A portrait document of a facility's month: its header, page numbers and who made it.
fn month_document(
    w: Words,
    title: String,
    facility: &str,
    month_words: String,
    by: &str,
    now: DateTime<Utc>,
    blocks: Vec<Block>,
) -> Document {
    let at = now.with_timezone(&local_offset()).format("%Y-%m-%d %H:%M").to_string();
    Document {
        title,
        paper: Paper::Portrait,
        header_left: facility.to_string(),
        header_right: month_words,
        page_label: w.get("page"),
        generated: w.with("generated", &[("at", at), ("by", by.to_string())]),
        made_at: now,
        blocks,
    }
}

/// The figures of a statement's month, as facts: brought forward, charged, credited, paid,
/// carried, and the city's share beside.
fn month_facts(w: Words, t: &PurposeTotals) -> Block {
    let fact = |key: &str, fen: i64| Fact { label: w.get(key), value: Cell::Fen(fen) };
    Block::Facts(vec![
        fact("statement.opening", t.opening_fen),
        fact("statement.charged", t.charged_fen),
        fact("statement.credited", t.credited_fen),
        fact("statement.paid", t.paid_fen),
        fact("statement.closing", t.closing_fen),
        fact("statement.city", t.city_fen),
    ])
}

/// A row of month figures under `label` (a purpose, a family member, the total).
fn totals_row(kind: RowKind, label: String, t: &PurposeTotals) -> Row {
    Row {
        kind,
        cells: vec![
            Cell::Text(label),
            Cell::Fen(t.opening_fen),
            Cell::Fen(t.charged_fen),
            Cell::Fen(t.credited_fen),
            Cell::Fen(t.paid_fen),
            Cell::Fen(t.closing_fen),
            Cell::Fen(t.city_fen),
        ],
    }
}

fn col(w: Words, key: &str, weight: f32, align: Align) -> Column {
    Column { label: w.get(key), weight, align }
}

/// A table of month figures, one row per `rows` and the total under them, its first
/// column headed `first`.
fn totals_table(w: Words, sheet: String, first: &str, rows: Vec<Row>, total: &PurposeTotals) -> Block {
    let money = |key: &str| col(w, key, 1.0, Align::Right);
    let mut rows = rows;
    rows.push(totals_row(RowKind::Total, w.get("total"), total));
    Block::Table(Table {
        sheet,
        columns: vec![
            col(w, first, 1.2, Align::Left),
            money("statement.opening"),
            money("statement.charged"),
            money("statement.credited"),
            money("statement.paid"),
            money("statement.closing"),
            money("statement.city"),
        ],
        rows,
        one_line: true,
    })
}

/// Every line of a statement's month, or a sentence that there were none.
fn lines_block(w: Words, sheet: String, lines: &[Posting]) -> Block {
    if lines.is_empty() {
        return Block::Paragraph(w.get("statement.no_lines"));
    }
    let money = |key: &str| col(w, key, 1.0, Align::Right);
    let rows = lines
        .iter()
        .map(|p| Row {
            kind: RowKind::Normal,
            cells: vec![
                Cell::Text(p.day.format("%m-%d").to_string()),
                Cell::Text(purpose_word(w, Some(p.purpose))),
                Cell::Text(w.get(&format!("statement.kind.{}", p.kind.as_str()))),
                Cell::Text(what(w, p)),
                p.price_fen.map_or(Cell::Empty, Cell::Fen),
                if p.kind == PostingKind::Charge { Cell::Fen(p.city_fen) } else { Cell::Empty },
                Cell::Fen(p.own_fen),
            ],
        })
        .collect();
    Block::Table(Table {
        sheet,
        columns: vec![
            col(w, "statement.day", 0.7, Align::Left),
            col(w, "statement.purpose", 1.0, Align::Left),
            col(w, "statement.kind_column", 0.8, Align::Left),
            col(w, "statement.what", 2.4, Align::Left),
            money("statement.price"),
            money("statement.city"),
            money("statement.own"),
        ],
        rows,
        one_line: false,
    })
}

/// A statement as a document: the month's figures, the purposes apart, then every line.
pub fn statement_document(st: &Statement, w: Words, by: &str, now: DateTime<Utc>) -> Document {
    let month_words = month_in_words(w, &st.month);
    let mut blocks = vec![month_facts(w, &st.total)];
    if st.partial {
        blocks.push(Block::Paragraph(w.get("statement.partial")));
    }
    let rows = st.by_purpose.iter().map(|p| totals_row(RowKind::Normal, purpose_word(w, p.purpose), p)).collect();
    blocks.push(Block::Heading(w.get("statement.by_purpose")));
    blocks.push(totals_table(w, w.get("statement.by_purpose"), "statement.purpose", rows, &st.total));
    blocks.push(Block::Heading(w.get("statement.lines")));
    blocks.push(lines_block(w, w.get("statement.lines"), &st.lines));
    blocks.push(Block::Signatures(vec![w.get("statement.made_by"), w.get("statement.family_sign")]));
    let title = w.with("statement.title", &[("name", st.name.clone()), ("month", month_words.clone())]);
    month_document(w, title, &st.facility_name, month_words, by, now, blocks)
}

/// A family's statement as a document: the family's figures and payer, a row per member,
/// then each member's lines under their name.
pub fn family_statement_document(st: &FamilyStatement, w: Words, by: &str, now: DateTime<Utc>) -> Document {
    let month_words = month_in_words(w, &st.month);
    let f = &st.family;
    let payer = match &f.payer_phone {
        Some(phone) => format!("{}（{phone}）", f.payer_name),
        None => f.payer_name.clone(),
    };
    let mut blocks = vec![
        Block::Facts(vec![Fact { label: w.get("statement.payer"), value: Cell::Text(payer) }]),
        month_facts(w, &st.total),
    ];
    if st.partial {
        blocks.push(Block::Paragraph(w.get("statement.partial")));
    }
    let rows = st.members.iter().map(|m| totals_row(RowKind::Normal, m.name.clone(), &m.total)).collect();
    blocks.push(Block::Heading(w.get("statement.by_member")));
    blocks.push(totals_table(w, w.get("statement.by_member"), "statement.member", rows, &st.total));
    if st.members.is_empty() {
        blocks.push(Block::Paragraph(w.get("statement.no_members")));
    }
    for m in &st.members {
        let heading = w.with("statement.member_lines", &[("name", m.name.clone())]);
        blocks.push(Block::Heading(heading.clone()));
        blocks.push(lines_block(w, heading, &m.lines));
    }
    blocks.push(Block::Signatures(vec![w.get("statement.made_by"), w.get("statement.family_sign")]));
    let title = w.with("statement.title", &[("name", f.name.clone()), ("month", month_words.clone())]);
    month_document(w, title, &st.facility_name, month_words, by, now, blocks)
}

/// Prints a client's or child's statement of `month` to `path` (a PDF); audited.
#[allow(clippy::too_many_arguments)]
pub fn save_statement(
    db: &Db,
    actor: &Actor,
    kind: PersonKind,
    person_id: i64,
    month: Month,
    w: Words,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<SavedReport> {
    let st = ledger::statement(db, actor, kind, person_id, month)?;
    let doc = statement_document(&st, w, &actor.display_name, now);
    let saved = write_pdf(&doc, w, path)?;
    db.write(|c| {
        let facility = facility_for(c, actor, Action::ViewPeople, kind, person_id)?;
        Entry::new(AuditAction::Export, AuditEntity::Statement, person_id)
            .facility(Some(facility))
            .after(&serde_json::json!({ "person_kind": kind, "month": st.month, "file": saved.path }))
            .write(c, actor)
    })?;
    Ok(saved)
}

/// Prints a family's statement of `month` to `path` (a PDF); audited.
pub fn save_family_statement(
    db: &Db,
    actor: &Actor,
    family_id: i64,
    month: Month,
    w: Words,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<SavedReport> {
    let st = families::statement(db, actor, family_id, month)?;
    let doc = family_statement_document(&st, w, &actor.display_name, now);
    let saved = write_pdf(&doc, w, path)?;
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::Family, family_id)
            .facility(Some(st.family.facility_id))
            .after(&st.family.read_by_month(&st.month, Some(saved.path.as_str())))
            .write(c, actor)
    })?;
    Ok(saved)
}

/// What a receipt's file is called (before its date stamp): its number, no names, which a
/// file listing would show to anyone at the PC.
pub fn receipt_file_title(w: Words, receipt_no: &str) -> String {
    w.with("receipt.file", &[("no", receipt_no.to_string())])
}

/// What a statement's file is called: the kind and id of the person, and the month.
pub fn statement_file_title(w: Words, kind: PersonKind, id: i64, month: Month) -> String {
    w.with(
        "statement.file",
        &[
            ("kind", w.other(&format!("entities.{}", kind.as_str()))),
            ("id", id.to_string()),
            ("month", month.to_string()),
        ],
    )
}

/// What a family's statement file is called: the family's number and the month, no names.
pub fn family_statement_file_title(w: Words, family_id: i64, month: Month) -> String {
    w.with("statement.family_file", &[("id", family_id.to_string()), ("month", month.to_string())])
}

/// A settlement sheet as a document: the status and signatures, the totals, the totals by
/// category, what was left out, then every line with its decision.
pub fn settlement_document(sheet: &Sheet, w: Words, by: &str, now: DateTime<Utc>) -> Document {
    let month_words = month_in_words(w, &sheet.month);
    let t = &sheet.totals;
    let status = match (&sheet.signed_by_name, &sheet.locked_by_name) {
        (_, Some(locked)) => w.with(
            "settlement.locked",
            &[("by", locked.clone()), ("at", sheet.locked_at.as_deref().map(local).unwrap_or_default())],
        ),
        (Some(signed), None) => w.with(
            "settlement.signed",
            &[("by", signed.clone()), ("at", sheet.signed_at.as_deref().map(local).unwrap_or_default())],
        ),
        (None, None) => w.get("settlement.draft"),
    };
    let fen = |key: &str, v: i64| Fact { label: w.get(key), value: Cell::Fen(v) };
    let int = |key: &str, v: i64| Fact { label: w.get(key), value: Cell::Int(v) };
    let mut blocks = vec![
        Block::Paragraph(status),
        Block::Facts(vec![
            int("settlement.meals", t.meals),
            fen("settlement.meals_fen", t.meals_fen),
            int("settlement.visits", t.visits),
            fen("settlement.visits_fen", t.visits_fen),
            fen("settlement.adjustments_fen", t.adjustments_fen),
            fen("settlement.amount_fen", t.amount_fen),
            fen("settlement.approved_fen", t.approved_fen),
            fen("settlement.rejected_fen", t.rejected_fen),
            int("settlement.pending", t.pending),
        ]),
    ];
    let l = &sheet.left_out;
    blocks.push(Block::Paragraph(w.with(
        "settlement.left_out",
        &[
            ("missed", l.missed_visits.to_string()),
            ("refused", l.refused_visits.to_string()),
            ("cancelled", l.cancelled_visits.to_string()),
            ("meals", l.cancelled_meals.to_string()),
            ("unsubsidised", l.unsubsidised_meals.to_string()),
        ],
    )));
    // By category: how many meals and visits, and what they come to.
    let mut by_category: std::collections::BTreeMap<String, [i64; 4]> = std::collections::BTreeMap::new();
    for line in &sheet.lines {
        let e = by_category.entry(line.category.clone()).or_default();
        match line.kind {
            LineKind::Meal => {
                e[0] += 1;
                e[1] += line.amount_fen;
            }
            LineKind::Visit => {
                e[2] += 1;
                e[3] += line.amount_fen;
            }
            LineKind::Adjustment => {}
        }
    }
    let col = |key: &str, weight: f32, align: Align| Column { label: w.get(key), weight, align };
    let category = |code: &str| w.other(&format!("meals.month.categories.{code}"));
    let mut rows: Vec<Row> = by_category
        .iter()
        .map(|(code, v)| Row {
            kind: RowKind::Normal,
            cells: vec![
                Cell::Text(category(code)),
                Cell::Int(v[0]),
                Cell::Fen(v[1]),
                Cell::Int(v[2]),
                Cell::Fen(v[3]),
                Cell::Fen(v[1] + v[3]),
            ],
        })
        .collect();
    rows.push(Row {
        kind: RowKind::Total,
        cells: vec![
            Cell::Text(w.get("total")),
            Cell::Int(t.meals),
            Cell::Fen(t.meals_fen),
            Cell::Int(t.visits),
            Cell::Fen(t.visits_fen),
            Cell::Fen(t.meals_fen + t.visits_fen),
        ],
    });
    blocks.push(Block::Heading(w.get("settlement.by_category")));
    blocks.push(Block::Table(Table {
        sheet: w.get("settlement.by_category"),
        columns: vec![
            col("settlement.category", 1.4, Align::Left),
            col("settlement.meals", 1.0, Align::Right),
            col("settlement.meals_fen", 1.0, Align::Right),
            col("settlement.visits", 1.0, Align::Right),
            col("settlement.visits_fen", 1.0, Align::Right),
            col("settlement.amount_fen", 1.0, Align::Right),
        ],
        rows,
        one_line: true,
    }));
    blocks.push(Block::Heading(w.get("settlement.lines")));
    let what = |line: &settlement::SettlementLine| match line.kind {
        LineKind::Meal => w.other(&format!("meals.meals.{}", line.what)),
        LineKind::Visit => w.other(&format!("services.long.{}", line.what)),
        LineKind::Adjustment => w.with(
            "settlement.adjustment",
            &[
                ("line", line.corrects_line_id.unwrap_or_default().to_string()),
                ("note", line.note.clone().unwrap_or_default()),
            ],
        ),
    };
    let decision = |line: &settlement::SettlementLine| match (line.decision, &line.reason) {
        (Decision::Rejected, Some(reason)) => format!("{}：{reason}", w.get("settlement.decision.rejected")),
        (d, _) => w.get(&format!("settlement.decision.{}", d.as_str())),
    };
    let lines: Vec<Row> = sheet
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| Row {
            kind: RowKind::Normal,
            cells: vec![
                Cell::Int(line.id.unwrap_or(i as i64 + 1)),
                Cell::Text(line.day.format("%m-%d").to_string()),
                Cell::Text(line.client_name.clone()),
                Cell::Text(category(&line.category)),
                Cell::Text(what(line)),
                line.minutes.map_or(Cell::Empty, Cell::Int),
                Cell::Fen(line.unit_fen),
                Cell::Fen(line.amount_fen),
                Cell::Text(decision(line)),
            ],
        })
        .collect();
    blocks.push(Block::Table(Table {
        sheet: w.get("settlement.lines"),
        columns: vec![
            col("settlement.no", 0.6, Align::Right),
            col("statement.day", 0.6, Align::Left),
            col("settlement.client", 1.0, Align::Left),
            col("settlement.category", 1.0, Align::Left),
            col("settlement.what", 1.6, Align::Left),
            col("settlement.minutes", 0.6, Align::Right),
            col("settlement.unit", 0.8, Align::Right),
            col("settlement.amount", 0.8, Align::Right),
            col("settlement.decision_column", 1.4, Align::Left),
        ],
        rows: lines,
        one_line: false,
    }));
    blocks.push(Block::Signatures(vec![w.get("settlement.facility_sign"), w.get("settlement.city_sign")]));
    let title =
        w.with("settlement.title", &[("facility", sheet.facility_name.clone()), ("month", month_words.clone())]);
    month_document(w, title, &sheet.facility_name, month_words, by, now, blocks)
}

/// Writes a facility's settlement sheet of `month` as a PDF (for signatures) or a workbook
/// (for the finance office), by `path`'s extension; audited.
#[allow(clippy::too_many_arguments)]
pub fn save_settlement(
    db: &Db,
    actor: &Actor,
    facility_id: i64,
    month: Month,
    w: Words,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<SavedReport> {
    let format = ReportFormat::of_path(path)?;
    let sheet = settlement::sheet(db, actor, facility_id, month)?;
    let doc = settlement_document(&sheet, w, &actor.display_name, now);
    let bytes = super::render(&doc, format, w.0)?;
    write_whole(path, format, &bytes)?;
    let saved = SavedReport { path: path.display().to_string(), title: doc.title.clone(), bytes: bytes.len() as u64 };
    db.write(|c| {
        Entry::new(AuditAction::Export, AuditEntity::Settlement, facility_id)
            .facility(Some(facility_id))
            .after(&serde_json::json!({ "month": sheet.month, "file": saved.path }))
            .write(c, actor)
    })?;
    Ok(saved)
}

/// What a settlement sheet's file is called: the facility's id and the month.
pub fn settlement_file_title(w: Words, facility_id: i64, month: Month) -> String {
    w.with("settlement.file", &[("facility", facility_id.to_string()), ("month", month.to_string())])
}
