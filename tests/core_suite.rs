//! The core's integration tests, one module a file, built against the core alone (no
//! Tauri) into one test binary: linked once, and run side by side, where 20 binaries ran
//! one after another. `cargo test -p carecircle-core --test core_suite visits::` runs one
//! file's tests.

#[path = "common/mod.rs"]
mod common;

#[path = "accounts.rs"]
mod accounts;
#[path = "agenda.rs"]
mod agenda;
#[path = "assessments.rs"]
mod assessments;
#[path = "audit.rs"]
mod audit;
#[path = "backup.rs"]
mod backup;
#[path = "child_health.rs"]
mod child_health;
#[path = "concurrency.rs"]
mod concurrency;
#[path = "demo.rs"]
mod demo;
#[path = "durability.rs"]
mod durability;
#[path = "encryption.rs"]
mod encryption;
#[path = "families.rs"]
mod families;
#[path = "fees.rs"]
mod fees;
#[path = "frontdesk.rs"]
mod frontdesk;
#[path = "health.rs"]
mod health;
#[path = "hub.rs"]
mod hub;
#[path = "incidents.rs"]
mod incidents;
#[path = "meals_bookings.rs"]
mod meals_bookings;
#[path = "meals_menus.rs"]
mod meals_menus;
#[path = "payments.rs"]
mod payments;
#[path = "people.rs"]
mod people;
#[path = "person_data.rs"]
mod person_data;
#[path = "privacy.rs"]
mod privacy;
#[path = "registry.rs"]
mod registry;
#[path = "reports.rs"]
mod reports;
#[path = "roster.rs"]
mod roster;
#[path = "search.rs"]
mod search;
#[path = "settlement.rs"]
mod settlement;
#[path = "store_schema.rs"]
mod store_schema;
#[path = "sync.rs"]
mod sync;
#[path = "transfer.rs"]
mod transfer;
#[path = "visits.rs"]
mod visits;
