//! Days and instants of the meals' year, written without chrono's formatting where a few
//! hundred thousand rows would feel it.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::clock::local_offset;
use crate::domain::meals::Meal;
use crate::store::utc_stamp;

/// An instant as a local day and the seconds after its midnight; `Ord` is time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct At {
    pub(super) day: NaiveDate,
    /// Below 86,400.
    pub(super) second: u32,
}

impl At {
    pub(super) fn new(day: NaiveDate, minutes: f64) -> At {
        let s = (minutes * 60.0).round() as i64;
        if (0..86_400).contains(&s) {
            return At { day, second: s as u32 };
        }
        let day = day.checked_add_signed(chrono::Duration::days(s.div_euclid(86_400))).expect("in range");
        At { day, second: s.rem_euclid(86_400) as u32 }
    }

    pub(super) fn plus_minutes(self, minutes: f64) -> At {
        At::new(self.day, f64::from(self.second) / 60.0 + minutes)
    }

    pub(super) fn instant(self) -> DateTime<Utc> {
        local_offset().from_local_datetime(&self.day.and_time(NaiveTime::MIN)).single().expect("fixed offset").to_utc()
            + chrono::Duration::seconds(i64::from(self.second))
    }
}

/// Day strings and UTC stamps without chrono's formatting, which would dominate a debug
/// build's time over a few hundred thousand rows.
pub(super) struct Calendar {
    pub(super) first: NaiveDate,
    pub(super) iso: Vec<String>,
}

impl Calendar {
    pub(super) fn new(first: NaiveDate, last: NaiveDate) -> Calendar {
        Calendar { first, iso: first.iter_days().take_while(|d| *d <= last).map(|d| d.to_string()).collect() }
    }

    pub(super) fn day(&self, d: NaiveDate) -> &str {
        &self.iso[(d - self.first).num_days() as usize]
    }

    /// As stored, e.g. "2026-11-27T03:42:10Z" for 11:42:10 in Wuhai.
    pub(super) fn stamp(&self, at: At) -> String {
        let utc = i64::from(at.second) - 8 * 3600;
        let index = (at.day - self.first).num_days() + utc.div_euclid(86_400);
        let s = utc.rem_euclid(86_400);
        match usize::try_from(index).ok().and_then(|i| self.iso.get(i)) {
            Some(day) => format!("{day}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60),
            None => utc_stamp(at.instant()),
        }
    }
}

/// The cut-off after which a meal can no longer be cancelled, as `bookings::cancel_cutoff`.
pub(super) fn cancel_cutoff(day: NaiveDate, meal: Meal) -> At {
    match meal {
        Meal::Breakfast => At::new(day - Days::new(1), 18.0 * 60.0),
        Meal::Lunch => At::new(day, 9.0 * 60.0 + 30.0),
        Meal::Dinner => At::new(day, 14.0 * 60.0),
    }
}

pub(super) fn meal_index(meal: Meal) -> usize {
    Meal::ALL.iter().position(|m| *m == meal).unwrap_or(0)
}

/// When a meal is served, in minutes after local midnight.
pub(super) fn meal_minutes(meal: Meal) -> f64 {
    match meal {
        Meal::Breakfast => 7.0 * 60.0 + 30.0,
        Meal::Lunch => 11.0 * 60.0 + 30.0,
        Meal::Dinner => 17.0 * 60.0 + 30.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_and_cross_midnight() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let calendar = Calendar::new(d("2026-11-01"), d("2026-11-30"));
        assert_eq!(calendar.stamp(At::new(d("2026-11-27"), 11.0 * 60.0 + 42.5)), "2026-11-27T03:42:30Z");
        assert_eq!(calendar.stamp(At::new(d("2026-11-27"), 7.0 * 60.0 + 10.0)), "2026-11-26T23:10:00Z");
        let far = At::new(d("2025-01-01"), 600.0);
        assert_eq!(calendar.stamp(far), utc_stamp(far.instant()));
        assert_eq!(At::new(d("2026-11-27"), -30.0), At::new(d("2026-11-26"), 23.5 * 60.0));
    }
}
