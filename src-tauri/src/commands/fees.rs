//! Fees: a facility's prices, a person's monthly statement, the arrears list, a receipt or
//! statement printed to a PDF in the exports folder, and the city's settlement sheets.

use carecircle_core::domain::month::Month;
use carecircle_core::domain::person::PersonKind;
use carecircle_core::report::compose::Words;
use carecircle_core::report::money::{self, ReceiptPaper};
use carecircle_core::report::{ReportFormat, SavedReport};
use carecircle_core::services::fees::ledger::{self, Arrear, Statement};
use carecircle_core::services::fees::{self, FeeSetting, FeeSettingInput};
use carecircle_core::services::payments;
use carecircle_core::services::settlement::{self, AdjustmentInput, Decision, Sheet};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::paths;
use crate::state::AppState;

/// Every price and rule of a facility, past, current and to come.
#[tauri::command]
pub async fn fee_settings(state: State<'_, AppState>, facility_id: i64) -> Result<Vec<FeeSetting>, ErrorPayload> {
    state.as_actor(move |db, actor| fees::settings(db, actor, facility_id)).await
}

/// Sets a price or rule from a first day no charge has used yet.
#[tauri::command]
pub async fn fee_set(state: State<'_, AppState>, input: FeeSettingInput) -> Result<FeeSetting, ErrorPayload> {
    state.as_actor(move |db, actor| fees::set(db, actor, &input, db.clock().now())).await
}

/// A client's or child's statement of a month ("2026-11").
#[tauri::command]
pub async fn statement_of_person(
    state: State<'_, AppState>,
    person_kind: PersonKind,
    person_id: i64,
    month: String,
) -> Result<Statement, ErrorPayload> {
    state.as_actor(move |db, actor| ledger::statement(db, actor, person_kind, person_id, Month::parse(&month)?)).await
}

/// The statement as a PDF to print or hand over.
#[tauri::command]
pub async fn statement_print(
    state: State<'_, AppState>,
    person_kind: PersonKind,
    person_id: i64,
    month: String,
) -> Result<SavedReport, ErrorPayload> {
    let words = Words(state.locale());
    state
        .as_actor(move |db, actor| {
            let month = Month::parse(&month)?;
            let now = db.clock().now();
            let path =
                paths::export_file(&money::statement_file_title(words, person_kind, person_id, month), "pdf", now);
            money::save_statement(db, actor, person_kind, person_id, month, words, now, &path)
        })
        .await
}

/// A payment's receipt as a PDF, on A5 or an 80 mm roll; printing again is allowed (and
/// audited).
#[tauri::command]
pub async fn receipt_print(
    state: State<'_, AppState>,
    id: i64,
    paper: ReceiptPaper,
) -> Result<SavedReport, ErrorPayload> {
    let words = Words(state.locale());
    state
        .as_actor(move |db, actor| {
            let payment = payments::by_id_for(db, actor, id)?;
            let now = db.clock().now();
            let path = paths::export_file(&money::receipt_file_title(words, &payment.receipt_no), "pdf", now);
            money::save_receipt(db, actor, id, paper, words, now, &path)
        })
        .await
}

/// Who owes money at the facility at the end of a month (today, for this month).
#[tauri::command]
pub async fn arrears_list(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
) -> Result<Vec<Arrear>, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let month = Month::parse(&month)?;
            ledger::arrears(db, actor, facility_id, month.last().min(db.clock().today()))
        })
        .await
}

/// A facility's settlement sheet of a month: as signed and decided, or the draft.
#[tauri::command]
pub async fn settlement_sheet(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
) -> Result<Sheet, ErrorPayload> {
    state.as_actor(move |db, actor| settlement::sheet(db, actor, facility_id, Month::parse(&month)?)).await
}

/// The manager signs off a month that is over.
#[tauri::command]
pub async fn settlement_sign(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
) -> Result<Sheet, ErrorPayload> {
    state
        .as_actor(move |db, actor| settlement::sign(db, actor, facility_id, Month::parse(&month)?, db.clock().now()))
        .await
}

/// The city office approves or rejects lines of a signed sheet (a rejection with its reason).
#[tauri::command]
pub async fn settlement_decide(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
    line_ids: Vec<i64>,
    decision: Decision,
    reason: Option<String>,
) -> Result<Sheet, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            let month = Month::parse(&month)?;
            settlement::decide(db, actor, facility_id, month, &line_ids, decision, reason.as_deref(), db.clock().now())
        })
        .await
}

/// The city office locks a month whose lines are all decided.
#[tauri::command]
pub async fn settlement_lock(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
) -> Result<Sheet, ErrorPayload> {
    state
        .as_actor(move |db, actor| settlement::lock(db, actor, facility_id, Month::parse(&month)?, db.clock().now()))
        .await
}

/// An adjustment on a month's draft, correcting a line of a locked month.
#[tauri::command]
pub async fn settlement_adjust(state: State<'_, AppState>, input: AdjustmentInput) -> Result<Sheet, ErrorPayload> {
    state.as_actor(move |db, actor| settlement::add_adjustment(db, actor, &input)).await
}

/// The sheet as a PDF to sign or a workbook for the finance office.
#[tauri::command]
pub async fn settlement_export(
    state: State<'_, AppState>,
    facility_id: i64,
    month: String,
    format: ReportFormat,
) -> Result<SavedReport, ErrorPayload> {
    let words = Words(state.locale());
    state
        .as_actor(move |db, actor| {
            let month = Month::parse(&month)?;
            let now = db.clock().now();
            let title = money::settlement_file_title(words, facility_id, month);
            let path = paths::export_file(&title, format.extension(), now);
            money::save_settlement(db, actor, facility_id, month, words, now, &path)
        })
        .await
}
