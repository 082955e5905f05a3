//! The error type of the core. Inside, a precise enum; at the edge (IPC, CLI) every error
//! becomes an [`ErrorPayload`]: a stable `code`, its `params`, and a `message` a front-desk
//! clerk understands, in the user's language, taken from the i18n files.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::i18n::{self, Locale};
use crate::services::audit::AuditEntity;

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
    /// The entity's words are under `entities.` in both languages (a test checks each).
    #[error("{entity} {id} not found")]
    NotFound { entity: AuditEntity, id: String },
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
    #[error("there is no database at {path}")]
    NoDatabase { path: String },
    #[error("database schema version {found} needs upgrading to {supported} by the app")]
    NeedsUpgrade { found: i64, supported: i64 },
    #[error("the database was opened for reading only")]
    ReadOnly,
    #[error("the backup {path} failed its check: {detail}")]
    BackupFailed { path: String, detail: String },
    #[error("the database is busy in another program")]
    Busy,
    #[error("the key file {path} is damaged")]
    KeyFileDamaged { path: String },
    #[error("the key file does not open the database {path}")]
    KeyMismatch { path: String },
    #[error("a password is needed")]
    PasswordNeeded,
    #[error("the database {path} is already encrypted")]
    AlreadyEncrypted { path: String },
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    #[error("PDF: {0}")]
    Pdf(#[from] crate::report::pdf::PdfError),
}

/// What the schema's triggers refuse with, and the field each names: the city office's
/// read-only copy of a facility's records (sync/outbox.rs), a closed or deleted incident
/// report (migration 017), a payment changed or deleted (migration 018).
const TRIGGER_CODES: &[(&str, &str)] = &[
    (crate::sync::CITY_READ_ONLY, "facility"),
    ("incident.closed", "id"),
    ("incident.kept", "id"),
    ("payment.kept", "id"),
    ("settlement.locked", "month"),
    ("settlement.month_locked", "day"),
];

impl From<rusqlite::Error> for CoreError {
    /// "Busy" is its own error: the clerk can do something about it (wait, close the
    /// other window), unlike a generic database failure.
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => CoreError::Busy,
            // A trigger's refusal (`RAISE(ABORT, code)`) in the user's words.
            Some(rusqlite::ErrorCode::ConstraintViolation) => match &e {
                rusqlite::Error::SqliteFailure(_, Some(m)) => match TRIGGER_CODES.iter().find(|(code, _)| code == m) {
                    Some(&(code, field)) => CoreError::Invalid(Invalid::new(code, field)),
                    None => CoreError::Sqlite(e),
                },
                _ => CoreError::Sqlite(e),
            },
            _ => CoreError::Sqlite(e),
        }
    }
}

impl From<Invalid> for CoreError {
    fn from(v: Invalid) -> Self {
        CoreError::Invalid(v)
    }
}

/// What crosses the IPC boundary or is printed by the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
            NotFound { entity, id } => ("not_found", vec![("entity", entity.as_str().to_string()), ("id", id.clone())]),
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
            NoDatabase { path } => ("db.missing", vec![("path", path.clone())]),
            NeedsUpgrade { found, supported } => {
                ("db.needs_upgrade", vec![("found", found.to_string()), ("supported", supported.to_string())])
            }
            ReadOnly => ("db.read_only", vec![]),
            BackupFailed { path, detail } => {
                ("db.backup_failed", vec![("path", path.clone()), ("detail", detail.clone())])
            }
            Busy => ("db.busy", vec![]),
            KeyFileDamaged { path } => ("db.key_file_damaged", vec![("path", path.clone())]),
            KeyMismatch { path } => ("db.key_mismatch", vec![("path", path.clone())]),
            PasswordNeeded => ("auth.password_needed", vec![]),
            AlreadyEncrypted { path } => ("db.already_encrypted", vec![("path", path.clone())]),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every kind. The match below has no wildcard, so a new variant does not
    /// compile until it is listed here, and so checked for its messages.
    fn one_of_each() -> Vec<CoreError> {
        let all = vec![
            CoreError::Invalid(Invalid::new("facility.name_empty", "name")),
            CoreError::NotSignedIn,
            CoreError::Forbidden,
            CoreError::NotFound { entity: AuditEntity::Client, id: "7".into() },
            CoreError::BadCredentials,
            CoreError::AccountLocked { until: "10:05".into() },
            CoreError::AccountDisabled,
            CoreError::AlreadySetUp,
            CoreError::UsernameTaken("wang".into()),
            CoreError::DemoNotEmpty,
            CoreError::DatabaseTooNew { found: 9, supported: 8 },
            CoreError::NotADatabase { path: "x.db".into() },
            CoreError::NoDatabase { path: "typo.db".into() },
            CoreError::NeedsUpgrade { found: 7, supported: 8 },
            CoreError::ReadOnly,
            CoreError::BackupFailed { path: "b.db".into(), detail: "integrity".into() },
            CoreError::Busy,
            CoreError::KeyFileDamaged { path: "x.db.keys".into() },
            CoreError::KeyMismatch { path: "x.db".into() },
            CoreError::PasswordNeeded,
            CoreError::AlreadyEncrypted { path: "x.db".into() },
            CoreError::Sqlite(rusqlite::Error::InvalidQuery),
            CoreError::Migration(rusqlite_migration::Error::Hook("x".into())),
            CoreError::Io(std::io::Error::other("disk")),
            CoreError::Pdf(crate::report::pdf::PdfError::Write("x".into())),
        ];
        for e in &all {
            match e {
                CoreError::Invalid(_)
                | CoreError::NotSignedIn
                | CoreError::Forbidden
                | CoreError::NotFound { .. }
                | CoreError::BadCredentials
                | CoreError::AccountLocked { .. }
                | CoreError::AccountDisabled
                | CoreError::AlreadySetUp
                | CoreError::UsernameTaken(_)
                | CoreError::DemoNotEmpty
                | CoreError::DatabaseTooNew { .. }
                | CoreError::NotADatabase { .. }
                | CoreError::NoDatabase { .. }
                | CoreError::NeedsUpgrade { .. }
                | CoreError::ReadOnly
                | CoreError::BackupFailed { .. }
                | CoreError::Busy
                | CoreError::KeyFileDamaged { .. }
                | CoreError::KeyMismatch { .. }
                | CoreError::PasswordNeeded
                | CoreError::AlreadyEncrypted { .. }
                | CoreError::Sqlite(_)
                | CoreError::Migration(_)
                | CoreError::Io(_)
                | CoreError::Pdf(_) => {}
            }
        }
        all
    }

    #[test]
    fn every_kind_of_error_reads_as_words_in_both_languages() {
        for e in one_of_each() {
            let (code, params) = e.code_and_params();
            for locale in [Locale::ZhCn, Locale::En] {
                let template = i18n::lookup(locale, &format!("errors.{code}"));
                assert!(template.is_some(), "{code} has no {locale:?} message");
                let message = e.to_payload(locale).message;
                assert!(!message.contains('{'), "{code} ({locale:?}) left a placeholder: {message}");
                for (_, value) in &params {
                    if !value.is_empty() && !matches!(e, CoreError::NotFound { .. }) {
                        assert!(message.contains(value.as_str()), "{code} ({locale:?}) drops {value}: {message}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_missing_thing_is_named_in_words_whatever_it_is() {
        for &entity in AuditEntity::ALL {
            let e = CoreError::NotFound { entity, id: "42".into() };
            for locale in [Locale::ZhCn, Locale::En] {
                let message = e.to_payload(locale).message;
                let word = i18n::lookup(locale, &format!("entities.{}", entity.as_str()));
                let word = word.unwrap_or_else(|| panic!("{entity} has no {locale:?} word"));
                assert!(message.contains(word) && message.contains("42"), "{locale:?}: {message}");
                if locale == Locale::ZhCn {
                    assert!(!message.contains(entity.as_str()), "the code reached a clerk: {message}");
                }
            }
        }
    }

    #[test]
    fn a_busy_database_is_its_own_error_not_a_generic_failure() {
        let busy = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        let e = CoreError::from(busy);
        assert!(matches!(e, CoreError::Busy));
        assert!(e.to_payload(Locale::ZhCn).message.contains("稍等"));
    }
}
