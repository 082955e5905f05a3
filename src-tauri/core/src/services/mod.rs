//! The operations users perform, each taking the acting account and checking its role
//! and facility scope before it reads or writes anything.

pub mod accounts;
pub mod agenda;
pub mod assessments;
pub mod audit;
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
pub(crate) mod scope;
pub mod search;
pub mod sessions;
pub mod settlement;
pub mod visits;
