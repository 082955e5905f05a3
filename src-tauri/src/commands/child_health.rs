//! Childcare health: the class's morning and noon checks, medicine from home, growth
//! measurements read against the WHO standards, and the examinations due.

use carecircle_core::domain::growth::{self, Curve, Indicator};
use carecircle_core::domain::resident_id::Sex;
use carecircle_core::services::child_health::{
    self, CheckSession, ClassSheet, DoseInput, DueCheck, GrowthMeasurement, GrowthMeasurementInput, MedicineDay,
    MedicineDose, MedicineInput, MedicineOrder, MorningCheck, MorningCheckInput,
};
use carecircle_core::ErrorPayload;
use tauri::State;

use crate::state::AppState;

/// Today's sheet (checks are taken and corrected on their own day only).
#[tauri::command]
pub async fn class_sheet(
    state: State<'_, AppState>,
    facility_id: i64,
    class_name: Option<String>,
    session: CheckSession,
) -> Result<ClassSheet, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            child_health::class_sheet(db, actor, facility_id, class_name.as_deref(), db.clock().today(), session)
        })
        .await
}

/// The whole class in one transaction: one bad row refuses all, naming the child.
#[tauri::command]
pub async fn class_checks_record(
    state: State<'_, AppState>,
    facility_id: i64,
    session: CheckSession,
    rows: Vec<MorningCheckInput>,
) -> Result<Vec<MorningCheck>, ErrorPayload> {
    state
        .as_actor(move |db, actor| {
            child_health::record_checks(db, actor, facility_id, db.clock().today(), session, &rows, db.clock().now())
        })
        .await
}

#[tauri::command]
pub async fn check_guardian_told(state: State<'_, AppState>, check_id: i64) -> Result<MorningCheck, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::set_guardian_told(db, actor, check_id, db.clock().now())).await
}

#[tauri::command]
pub async fn medicines_today(state: State<'_, AppState>, facility_id: i64) -> Result<Vec<MedicineDay>, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::medicines_for_day(db, actor, facility_id, db.clock().today())).await
}

#[tauri::command]
pub async fn medicine_add(
    state: State<'_, AppState>,
    child_id: i64,
    input: MedicineInput,
) -> Result<MedicineOrder, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::add_medicine(db, actor, child_id, &input, db.clock().now())).await
}

#[tauri::command]
pub async fn medicine_dose_give(
    state: State<'_, AppState>,
    medicine_id: i64,
    input: DoseInput,
) -> Result<MedicineDose, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::give_dose(db, actor, medicine_id, &input, db.clock().now())).await
}

#[tauri::command]
pub async fn growth_record(
    state: State<'_, AppState>,
    child_id: i64,
    input: GrowthMeasurementInput,
) -> Result<GrowthMeasurement, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::record_growth(db, actor, child_id, &input, db.clock().today())).await
}

/// Oldest first (audited: a view of the child's health record).
#[tauri::command]
pub async fn growth_history(state: State<'_, AppState>, child_id: i64) -> Result<Vec<GrowthMeasurement>, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::growth_history(db, actor, child_id)).await
}

#[tauri::command]
pub async fn growth_due(state: State<'_, AppState>, facility_id: i64) -> Result<Vec<DueCheck>, ErrorPayload> {
    state.as_actor(move |db, actor| child_health::growth_due(db, actor, facility_id, db.clock().today())).await
}

/// The WHO curves (−3…+3 SD) to draw a chart; public data, no session needed.
#[tauri::command]
pub fn growth_curves(indicator: Indicator, sex: Sex, age_days: u32) -> Vec<Curve> {
    growth::curves_at(indicator, sex, age_days)
}
