//! Sessions that end: a signed-in account stays signed in only while it is still active and
//! its password has not been reset since it signed in (each app asks at least once a
//! minute), and only while someone uses it — after the minutes the city sets without a key
//! pressed or the mouse moved, the app signs out and shows nothing personal.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::audit::{AuditAction, AuditEntity, Entry};
use crate::domain::account::{Action, Actor};
use crate::error::{Invalid, Result};
use crate::store::{parse_utc_stamp, Db};

/// Idle minutes before signing out, unless the city sets other.
pub const IDLE_DEFAULT_MINUTES: u32 = 15;
/// The range the city may set: a minute (a shared desk PC) to four hours.
pub const IDLE_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=240;

const IDLE_KEY: &str = "idle_sign_out_minutes";

/// What a running app needs to know about its session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SessionStatus {
    /// False once the account was disabled or its password reset after `signed_in_at`.
    pub valid: bool,
    /// Minutes without use before the app signs out.
    pub idle_minutes: u32,
}

/// The city's idle limit (the default when none is set).
pub fn idle_minutes(db: &Db) -> Result<u32> {
    db.read(|c| {
        let value: Option<String> =
            c.query_row("SELECT value FROM city_settings WHERE key = ?1", [IDLE_KEY], |r| r.get(0)).optional()?;
        Ok(value
            .and_then(|v| v.parse().ok())
            .filter(|m| IDLE_MINUTES_RANGE.contains(m))
            .unwrap_or(IDLE_DEFAULT_MINUTES))
    })
}

/// Sets the city's idle limit (the city office); audited.
pub fn set_idle_minutes(db: &Db, actor: &Actor, minutes: u32) -> Result<u32> {
    actor.require(Action::Administer)?;
    if !IDLE_MINUTES_RANGE.contains(&minutes) {
        return Err(Invalid::new("session.idle_range", "idle_minutes")
            .with("min", IDLE_MINUTES_RANGE.start())
            .with("max", IDLE_MINUTES_RANGE.end())
            .into());
    }
    let before = idle_minutes(db)?;
    db.write(|c| {
        c.execute(
            "INSERT INTO city_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![IDLE_KEY, minutes.to_string()],
        )?;
        Entry::new(AuditAction::Set, AuditEntity::CitySetting, IDLE_KEY)
            .before(&before)
            .after(&minutes)
            .write(c, actor)?;
        Ok(minutes)
    })
}

/// Whether the session the actor began at `signed_in_at` still stands: the account is
/// active and nobody reset its password (or disabled it) since. The system always is.
pub fn status(db: &Db, actor: &Actor, signed_in_at: DateTime<Utc>) -> Result<SessionStatus> {
    let idle_minutes = idle_minutes(db)?;
    if actor.account_id == 0 {
        return Ok(SessionStatus { valid: true, idle_minutes });
    }
    let row: Option<(bool, Option<String>)> = db.read(|c| {
        Ok(c.query_row("SELECT active, credentials_changed_at FROM accounts WHERE id = ?1", [actor.account_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?)
    })?;
    let valid = match row {
        None => false,
        Some((active, changed)) => {
            active && changed.as_deref().and_then(parse_utc_stamp).is_none_or(|at| at <= signed_in_at)
        }
    };
    Ok(SessionStatus { valid, idle_minutes })
}
