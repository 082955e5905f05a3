//! What the booking form offers before anything is booked: the day it suggests first, and
//! the dishes it offers in place of one that clashes with the client's allergy. Both only
//! suggest; `bookings::book` still checks everything when the clerk books.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::{client_eater, dish_facts};
use crate::domain::account::{Action, Actor};
use crate::domain::meals::{clashes, Clash};
use crate::domain::person::{DietNeed, PersonKind};
use crate::error::Result;
use crate::services::scope::facility_for;
use crate::store::Db;

/// How far ahead the form looks for a published menu to suggest.
const LOOK_AHEAD_DAYS: u64 = 14;

/// The day the booking form suggests first: the earliest day after `today` with a published
/// menu (`menu_days`), or, when none is published that far ahead, the next weekday (Monday
/// to Friday, when the centres cook). Never today (a same-day booking is a walk-in, chosen on
/// purpose) and, whatever weekday today is, a day that is there to book.
pub fn suggested_day(today: NaiveDate, menu_days: &[NaiveDate]) -> NaiveDate {
    if let Some(first) = menu_days.iter().copied().filter(|d| *d > today).min() {
        return first;
    }
    let mut day = today.succ_opt().unwrap_or(today);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day = day.succ_opt().unwrap_or(day);
    }
    day
}

/// [`suggested_day`] for a facility, from its published menus of the next two weeks.
pub fn suggested_booking_day(db: &Db, actor: &Actor, facility_id: i64, today: NaiveDate) -> Result<NaiveDate> {
    actor.require_at(Action::BookMeals, facility_id)?;
    let until = today + Days::new(LOOK_AHEAD_DAYS);
    let menu_days: Vec<NaiveDate> = db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT DISTINCT i.day FROM menu_items i JOIN menus m ON m.id = i.menu_id
             WHERE m.facility_id = ?1 AND m.status = 'published' AND i.day > ?2 AND i.day <= ?3",
        )?;
        let days =
            stmt.query_map(params![facility_id, today.to_string(), until.to_string()], |r| r.get::<_, String>(0))?;
        Ok(days.filter_map(|d| d.ok()?.parse().ok()).collect())
    })?;
    Ok(suggested_day(today, &menu_days))
}

/// A dish the clerk may choose instead of one that clashes with the client's allergy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SubstituteOption {
    pub dish_id: i64,
    pub name: String,
    /// The client's diets this dish does not suit (sugary for a low-sugar client…): still
    /// safe to eat, so offered, but after the dishes that suit every diet, and booking it
    /// asks the clerk to confirm.
    pub unsuited: Vec<DietNeed>,
}

/// The facility's active dishes that are safe for the client instead of `dish_id`: none
/// holds an allergen of theirs (those are never offered), those that suit every diet of
/// theirs first, then those that do not suit one (fewest first), each group in pinyin order.
pub fn substitute_options(db: &Db, actor: &Actor, client_id: i64, dish_id: i64) -> Result<Vec<SubstituteOption>> {
    actor.require(Action::BookMeals)?;
    db.read(|c| {
        let facility_id = facility_for(c, actor, Action::BookMeals, PersonKind::Client, client_id)?;
        let eater = client_eater(c, client_id)?;
        let mut stmt = c.prepare_cached(
            "SELECT * FROM dishes WHERE facility_id = ?1 AND active = 1 AND id <> ?2 ORDER BY pinyin_key(name), id",
        )?;
        let dishes = stmt.query_map(params![facility_id, dish_id], |r| Ok((r.get::<_, i64>("id")?, dish_facts(r)?)))?;
        let mut options = Vec::new();
        for dish in dishes {
            let (id, facts) = dish?;
            let found = clashes(&eater, &facts);
            if found.iter().any(Clash::refuses) {
                continue;
            }
            let unsuited =
                found.iter().filter_map(|c| if let Clash::Diet { need } = c { Some(*need) } else { None }).collect();
            options.push(SubstituteOption { dish_id: id, name: facts.name, unsuited });
        }
        // Stable: the pinyin order holds within each group.
        options.sort_by_key(|o| o.unsuited.len());
        Ok(options)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Whatever weekday today is, the suggestion is a later day the form's Monday-to-Friday
    /// default holds — the bug was a Saturday today suggesting Sunday, with Mon–Fri ticked.
    #[test]
    fn without_menus_the_suggestion_is_the_next_weekday() {
        // 2026-11-30 is a Monday; the week through the next Sunday.
        let expected = [
            ("2026-11-30", "2026-12-01"),
            ("2026-12-01", "2026-12-02"),
            ("2026-12-02", "2026-12-03"),
            ("2026-12-03", "2026-12-04"),
            ("2026-12-04", "2026-12-07"), // Friday: the next Monday
            ("2026-12-05", "2026-12-07"), // Saturday
            ("2026-12-06", "2026-12-07"), // Sunday
        ];
        for (today, suggested) in expected {
            let got = suggested_day(day(today), &[]);
            assert_eq!(got, day(suggested), "today {today}");
            assert!(got.weekday().number_from_monday() <= 5 && got > day(today));
        }
    }

    #[test]
    fn the_first_published_menu_day_after_today_wins() {
        let menus = [day("2026-12-05"), day("2026-12-04"), day("2026-12-08"), day("2026-12-03")];
        // Thursday 3rd: the menu of Friday 4th, not today's.
        assert_eq!(suggested_day(day("2026-12-03"), &menus), day("2026-12-04"));
        // Friday: a centre that cooks on Saturday suggests Saturday.
        assert_eq!(suggested_day(day("2026-12-04"), &menus), day("2026-12-05"));
        // Sunday: next week's first published day (Tuesday 8th; Monday has none).
        assert_eq!(suggested_day(day("2026-12-06"), &menus), day("2026-12-08"));
    }
}
