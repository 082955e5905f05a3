//! CareCircle's core: the domain types, the SQLite store, the services each user task
//! calls, and the demo city. Nothing here knows about Tauri: the desktop commands and the
//! CLI are thin adapters over this crate, so every rule (validation, role and facility
//! scope, audit) is enforced once, here.

pub mod clock;
pub mod codes;
pub mod dates;
pub mod demo;
pub mod domain;
pub mod error;
pub mod hub;
pub mod i18n;
pub mod report;
pub mod roster;
pub mod schedule;
pub mod search;
pub mod services;
pub mod store;
pub mod sync;

pub use clock::Clock;
pub use domain::account::{Actor, Role};
pub use error::{CoreError, ErrorPayload, Result};
pub use i18n::Locale;
pub use store::Db;
