//! Children's health at the childcare units (托儿所幼儿园卫生保健工作规范): the morning and
//! noon checks of a whole class (一摸二看三问四查), medicine brought from home with each dose
//! given, growth measurements read against the WHO standards, and which examinations are due.
//!
//! Recording is the health worker's (`Action::Assess`: nurse, manager, city office); reading
//! needs `Action::ViewPeople` at the child's facility. Every change is audited in the same
//! transaction, and so is every view of one child's health record (PIPL: all data of a
//! child under 14 is sensitive). A rule broken by any input refuses the whole call with
//! nothing written.
//!
//! Decisions worth knowing:
//! - Fever is read from the thermometer only (≥ 37.3 °C; the higher grades and the actions
//!   they need are in docs/domain.md); a check without a temperature
//!   records no fever. Fever or any sign needs an action other than `none`; an unsafe
//!   object found in a pocket is taken away and logged, but is not itself a reason to
//!   observe the child. Isolating a child or sending them home needs the guardian told.
//! - Checks are recorded and corrected on their own day only: a sheet from paper cannot be
//!   back-dated, and yesterday's record is closed.
//! - A check does not need the child checked in at the desk: the health worker often checks
//!   at the gate before the desk does. The sheet shows who is in, all the same.
//! - Processing rests on the unit's legal duty to check and examine every child, so no
//!   separate consent is asked here (unlike the elderly checkups, which are voluntary).
//! - A child older than the WHO tables (1856 days) is still measured and the values kept,
//!   with no z-scores: there is no standard to read them against.
//! - Examinations due are derived, never stored: see [`growth_due`] and [`next_exam`].
//! - A dose beyond the day's number of doses is refused outright: a second dose by mistake
//!   is the error this log exists to prevent.
//!
//! One file per concern: `checks` (the class sheet), `medicine` (orders and doses), `growth`
//! (measurements and z-scores) and `due` (the examination schedule). Every public item is
//! re-exported here, so callers name `services::child_health::X`.

use chrono::NaiveDate;
use rusqlite::Row;

use crate::services::people::bad_column;

mod checks;
mod due;
mod growth;
mod medicine;

pub use checks::{
    checks_for_child, class_sheet, record_checks, set_guardian_told, CheckAction, CheckSession, CheckSigns, ClassSheet,
    ClassSheetRow, MorningCheck, MorningCheckInput, FEVER_FROM_C, TEMPERATURE_RANGE_C,
};
pub(crate) use checks::{write_check, CheckRow};
pub(crate) use due::growth_due_in;
pub use due::{growth_due, next_exam, DueCheck, ExamDueReason, ExamFacts, AWAY_MONTHS_FOR_REEXAM, DUE_HORIZON_DAYS};
pub use growth::{growth_history, record_growth, GrowthMeasurement, GrowthMeasurementInput, GrowthPurpose};
pub(crate) use growth::{write_measurement, MeasurementRow};
pub(crate) use medicine::medicines_in;
pub use medicine::{
    add_medicine, give_dose, medicines_for_day, DoseInput, MedicineDay, MedicineDose, MedicineInput, MedicineOrder,
    MEDICINE_MAX_DAYS,
};
pub(crate) use medicine::{write_dose, write_medicine, MedicineFields};

fn date_of(r: &Row, column: &str) -> rusqlite::Result<NaiveDate> {
    let raw: String = r.get(column)?;
    NaiveDate::parse_from_str(&raw, "%Y-%m-%d").map_err(|_| bad_column(column))
}
