//! Tauri commands: each a few lines that take the arguments, call the core as the
//! signed-in account off the UI thread, and return data or an `{code, message}` error.
//!
//! A `#[tauri::command]` function here is all a new command needs: build.rs lists it for
//! the handler and grants it to the window, and tests/command_bindings.rs writes its typed
//! TypeScript wrapper.

pub mod accounts;
pub mod agenda;
pub mod app;
pub mod backups;
pub mod child_health;
pub mod families;
pub mod fees;
pub mod frontdesk;
pub mod health;
pub mod incidents;
pub mod meals;
pub mod payments;
pub mod people;
pub mod registry;
pub mod reports;
pub mod roster;
pub mod sync;
pub mod visits;
