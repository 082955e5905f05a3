//! Where clients live and facilities stand, for walking times. Typed from a map (the UI
//! takes "39.6550, 106.7940" as a map app copies it); a home without a location is assumed
//! a 15-minute walk from everywhere (`domain::visits::UNKNOWN_WALK_MIN`).

use rusqlite::params;

use crate::domain::account::{Action, Actor};
use crate::domain::person::PersonKind;
use crate::domain::visits::GeoPoint;
use crate::error::{Invalid, Result};
use crate::services::audit::{audited_read, AuditAction, AuditEntity, Entry};
use crate::services::scope::facility_for;
use crate::store::Db;

/// Wuhai and everything a facility PC could plausibly serve: a typo (lat/lon swapped, a
/// digit lost) lands far outside this box and is refused rather than stored.
const CHINA_LAT: std::ops::RangeInclusive<f64> = 18.0..=54.0;
const CHINA_LON: std::ops::RangeInclusive<f64> = 73.0..=135.0;

fn check(point: Option<GeoPoint>) -> Result<(), Invalid> {
    match point {
        Some(p) if !(CHINA_LAT.contains(&p.lat) && CHINA_LON.contains(&p.lon)) => {
            Err(Invalid::new("location.out_of_range", "location").with("lat", p.lat).with("lon", p.lon))
        }
        _ => Ok(()),
    }
}

/// Sets (or clears, with `None`) a client's home location.
pub fn set_home_location(db: &Db, actor: &Actor, client_id: i64, point: Option<GeoPoint>) -> Result<()> {
    actor.require(Action::EditPeople)?;
    check(point)?;
    db.write(|c| {
        let facility_id = facility_for(c, actor, Action::EditPeople, PersonKind::Client, client_id)?;
        c.execute(
            "UPDATE clients SET home_lat = ?2, home_lon = ?3, updated_at = ?4 WHERE id = ?1",
            params![client_id, point.map(|p| p.lat), point.map(|p| p.lon), c.stamp()],
        )?;
        Entry::new(AuditAction::Locate, AuditEntity::Client, client_id)
            .facility(Some(facility_id))
            .after(&point)
            .write(c, actor)?;
        Ok(())
    })
}

/// Sets (or clears) where a facility stands.
pub fn set_facility_location(db: &Db, actor: &Actor, facility_id: i64, point: Option<GeoPoint>) -> Result<()> {
    actor.require_at(Action::EditFacility, facility_id)?;
    check(point)?;
    db.write(|c| {
        let changed = c.execute(
            "UPDATE facilities SET lat = ?2, lon = ?3, updated_at = ?4 WHERE id = ?1",
            params![facility_id, point.map(|p| p.lat), point.map(|p| p.lon), c.stamp()],
        )?;
        if changed == 0 {
            return Err(crate::error::CoreError::NotFound {
                entity: AuditEntity::Facility,
                id: facility_id.to_string(),
            });
        }
        Entry::new(AuditAction::Locate, AuditEntity::Facility, facility_id)
            .facility(Some(facility_id))
            .after(&point)
            .write(c, actor)?;
        Ok(())
    })
}

/// The client's home location, if known. The view is audited (where a person lives).
pub fn home_location(db: &Db, actor: &Actor, client_id: i64) -> Result<Option<GeoPoint>> {
    actor.require(Action::ViewPeople)?;
    audited_read(db, actor, |c| {
        let facility_id = facility_for(c, actor, Action::ViewPeople, PersonKind::Client, client_id)?;
        let (lat, lon) = c.query_row("SELECT home_lat, home_lon FROM clients WHERE id = ?1", [client_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        let entry = Entry::new(AuditAction::View, AuditEntity::Home, client_id).facility(Some(facility_id));
        Ok((GeoPoint::from_parts(lat, lon), entry))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapped_or_mistyped_coordinates_are_refused() {
        assert!(check(Some(GeoPoint { lat: 39.655, lon: 106.794 })).is_ok());
        assert!(check(None).is_ok());
        assert_eq!(check(Some(GeoPoint { lat: 106.794, lon: 39.655 })).unwrap_err().code, "location.out_of_range");
        assert_eq!(check(Some(GeoPoint { lat: 3.9655, lon: 106.794 })).unwrap_err().code, "location.out_of_range");
    }
}
