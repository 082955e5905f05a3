//! The facility a row belongs to, and the actor's right there: the look-up and the check
//! every service that touches one person or one facility-owned row begins with, in one
//! step. A row that is not there is NotFound, named by its entity; a row of a facility the
//! actor may not act on is Forbidden.

use rusqlite::{Connection, OptionalExtension};

use crate::domain::account::{Action, Actor};
use crate::domain::person::PersonKind;
use crate::error::{CoreError, Result};
use crate::services::audit::AuditEntity;

/// A kind of row that belongs to one facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owned {
    Client,
    Child,
    Staff,
    Checkup,
    Alert,
    VisitSeries,
}

impl Owned {
    fn sql(self) -> &'static str {
        match self {
            Owned::Client => "SELECT facility_id FROM clients WHERE id = ?1",
            Owned::Child => "SELECT facility_id FROM children WHERE id = ?1",
            Owned::Staff => "SELECT facility_id FROM staff WHERE id = ?1",
            Owned::Checkup => "SELECT facility_id FROM checkups WHERE id = ?1",
            Owned::Alert => "SELECT facility_id FROM alerts WHERE id = ?1",
            Owned::VisitSeries => "SELECT facility_id FROM visit_series WHERE id = ?1",
        }
    }

    fn entity(self) -> AuditEntity {
        match self {
            Owned::Client => AuditEntity::Client,
            Owned::Child => AuditEntity::Child,
            Owned::Staff => AuditEntity::Staff,
            Owned::Checkup => AuditEntity::Checkup,
            Owned::Alert => AuditEntity::Alert,
            Owned::VisitSeries => AuditEntity::VisitSeries,
        }
    }
}

impl From<PersonKind> for Owned {
    fn from(kind: PersonKind) -> Owned {
        match kind {
            PersonKind::Client => Owned::Client,
            PersonKind::Child => Owned::Child,
            PersonKind::Staff => Owned::Staff,
        }
    }
}

/// The facility of the row, once the actor may do `action` there.
pub(crate) fn facility_for(
    c: &Connection,
    actor: &Actor,
    action: Action,
    row: impl Into<Owned>,
    id: i64,
) -> Result<i64> {
    let row = row.into();
    let facility_id =
        facility_of(c, row, id)?.ok_or(CoreError::NotFound { entity: row.entity(), id: id.to_string() })?;
    actor.require_at(action, facility_id)?;
    Ok(facility_id)
}

/// The facility of the row, if it is there, whatever the actor's rights.
pub(crate) fn facility_of(c: &Connection, row: impl Into<Owned>, id: i64) -> Result<Option<i64>> {
    Ok(c.prepare_cached(row.into().sql())?.query_row([id], |r| r.get(0)).optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_person_is_a_kind_of_owned_row_of_the_same_entity() {
        for kind in [PersonKind::Client, PersonKind::Child, PersonKind::Staff] {
            assert_eq!(Owned::from(kind).entity(), AuditEntity::from(kind));
        }
    }
}
