//! The error type of the core. Inside, a precise enum; at the edge (IPC, CLI) every error
//! becomes an [`ErrorPayload`]: a stable `code`, its `params`, and a `message` a front-desk
//! clerk understands, in the user's language, taken from the i18n files.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::i18n::{self, Locale};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// A rule an input broke. `code` names the rule (an i18n key under `errors.`), `field` the
/// form field at fault so the UI can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub field: &'static str,
    pub params: Vec<(&'static str, String)>,
}

impl Invalid {
    pub fn new(code: &'static str, field: &'static str) -> Self {
        Invalid { code, field, params: Vec::new() }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.field)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid input: {0}")]
    Invalid(Invalid),
    #[error("not signed in")]
    NotSignedIn,
    #[error("the account's role or facility does not allow this")]
    Forbidden,
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    #[error("wrong username or password")]
    BadCredentials,
    #[error("account locked until {until}")]
    AccountLocked { until: String },
    #[error("account disabled")]
    AccountDisabled,
    #[error("the city administrator has already been created")]
    AlreadySetUp,
    #[error("the username {0} is taken")]
    UsernameTaken(String),
    #[error("the demo city can only be loaded into an empty database")]
    DemoNotEmpty,
    #[error("database schema version {found} is newer than this app supports ({supported})")]
    DatabaseTooNew { found: i64, supported: i64 },
    #[error("{path} is not a CareCircle database")]
    NotADatabase { path: String },
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("PDF: {0}")]
    Pdf(#[from] crate::report::pdf::PdfError),
}

impl From<Invalid> for CoreError {
    fn from(v: Invalid) -> Self {
        CoreError::Invalid(v)
    }
}

/// What crosses the IPC boundary or is printed by the CLI.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ErrorPayload {
    /// Stable code, e.g. `facility.name_empty`; the UI may branch on it.
    pub code: String,
    /// The form field at fault, when there is one.
    pub field: Option<String>,
    pub params: BTreeMap<String, String>,
    /// Ready to show, in the requested language.
    pub message: String,
}

impl CoreError {
    /// The i18n key (under `errors.`) and its parameters.
    pub fn code_and_params(&self) -> (&'static str, Vec<(&'static str, String)>) {
        use CoreError::*;
        match self {
            Invalid(v) => (v.code, v.params.clone()),
            NotSignedIn => ("auth.not_signed_in", vec![]),
            Forbidden => ("auth.forbidden", vec![]),
            NotFound { entity, id } => ("not_found", vec![("entity", entity.to_string()), ("id", id.clone())]),
            BadCredentials => ("auth.bad_credentials", vec![]),
            AccountLocked { until } => ("auth.locked", vec![("until", until.clone())]),
            AccountDisabled => ("auth.disabled", vec![]),
            AlreadySetUp => ("auth.already_set_up", vec![]),
            UsernameTaken(name) => ("account.username_taken", vec![("username", name.clone())]),
            DemoNotEmpty => ("demo.not_empty", vec![]),
            DatabaseTooNew { found, supported } => {
                ("db.too_new", vec![("found", found.to_string()), ("supported", supported.to_string())])
            }
            NotADatabase { path } => ("db.not_carecircle", vec![("path", path.clone())]),
            Sqlite(e) => ("db.error", vec![("detail", e.to_string())]),
            Migration(e) => ("db.migration", vec![("detail", e.to_string())]),
            Io(e) => ("io", vec![("detail", e.to_string())]),
            Pdf(e) => ("report.pdf_failed", vec![("detail", e.to_string())]),
        }
    }

    pub fn to_payload(&self, locale: Locale) -> ErrorPayload {
        let (code, params) = self.code_and_params();
        let message = i18n::error_message(locale, code, &params);
        let field = match self {
            CoreError::Invalid(v) => Some(v.field.to_string()),
            _ => None,
        };
        ErrorPayload {
            code: code.to_string(),
            field,
            params: params.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            message,
        }
    }
}
