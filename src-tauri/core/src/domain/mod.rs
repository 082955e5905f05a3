//! Domain types that validate once, at the edge: after construction the core never
//! re-checks a raw string.

pub mod account;
pub mod assessment;
pub mod facility;
pub mod followup;
pub mod growth;
pub mod incident;
pub mod meals;
pub mod money;
pub mod month;
pub mod person;
pub mod resident_id;
pub mod text;
pub mod visits;
pub mod vitals;
