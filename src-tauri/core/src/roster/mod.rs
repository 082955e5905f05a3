//! Rosters in spreadsheets: the Chinese template, importing clients, children and staff
//! from .xlsx or .csv (UTF-8 or GBK) with a row-by-row preview, and exporting lists.

pub mod columns;
pub mod export;
pub mod import;
pub mod table;
pub mod vocab;

pub use columns::RosterKind;
pub use export::{export, template, ExportReport};
pub use import::{commit, preview, ImportReport, RowError, RowReport};

/// Names in the template's example row start with this; such rows are never imported, so
/// a clerk who forgets to delete the example imports nothing by mistake.
pub const EXAMPLE_PREFIX: &str = "示例：";
