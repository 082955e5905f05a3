//! The weekly care-visit scheduler: which carer makes which home visit on which day, in
//! what order. It reads and writes the benchmark's format (CARE_VISIT_BENCH.md), scores any
//! answer by it, plans the week, and says why a visit could not be placed. Pure: no
//! database, no Tauri; the app builds an [`Instance`] from its tables.
//!
//! # Score, exactly (bench/visits/check.py implements the same)
//! - A route leaves the centre (point 0) at its vehicle's `start`. At each visit in turn the
//!   carer arrives after `travel[from][to]` minutes and starts at the earliest minute at or
//!   after arrival that lies in one of the visit's windows (`start <= t <= end`), waiting if
//!   need be; they leave after `service` minutes. After the last visit they return to the
//!   centre; `back` is then.
//! - travel: per route, centre → first → … → last → centre; an empty route travels 0.
//! - overtime, per vehicle: `max(0, (back − departure) − max_duration)`, where departure is
//!   the latest that delays no visit: `first visit's start − travel[0][its point]`. Waiting
//!   before the first visit is not work; waiting between visits is.
//! - continuity: Σ over clients with a placed visit of (distinct carers among them − 1).
//! - unplaced: visits in no route.
//! - objective = travel + unmet_penalty × unplaced + overtime_weight × overtime +
//!   continuity_weight × continuity. The bench's instances use 1000, 2 and 10.
//! - Violations (any one makes the answer invalid): an unknown vehicle id; a visit index
//!   out of range; a visit placed twice (or more); a visit whose skill the vehicle lacks;
//!   a visit pinned to another carer; a visit reached after all its windows closed (the
//!   route's times are not followed past it); a route back after its vehicle's `end`.
//!
//! The solver also weighs the app's extensions: a visit made by another carer than its
//! `preferred_carer` costs `continuity_weight / 2`, and leaving out a visit with a
//! `pinned_carer` (already fixed in the week) costs 20 times `unmet_penalty`, inside the
//! search. The reported score leaves both out.

mod explain;
mod instance;
mod score;
mod solver;

pub use explain::{why_unplaced, Unplaced, UnplacedReason};
pub use instance::{same_id, Carer, Id, Instance, InstanceError, Minute, Vehicle, Visit, Window};
pub use score::{score, Answer, Score, Violation};
pub use solver::{solve, Route, Solution, SolveOptions, Stop};
