//! The meal subsidy (助餐补贴) and the month's meal totals.
//!
//! Decisions worth knowing:
//! - The city sets an amount per meal served for each client category (`subsidy_rates`,
//!   `Action::SetSubsidyRates`: the city office). Amounts are whole fen.
//! - The category of a meal is the client's `subsidy_category` (standard, low income,
//!   extreme poverty, disabled), except that a standard client aged 80 or over on the day of
//!   the meal counts as `aged_80` — the city's rule as modelled here. Categories are not
//!   combined: a low-income client of 85 gets the low-income amount.
//! - The category and amount are fixed on the booking when it is served, so a later change
//!   of rate or of the client's category never rewrites a past month.
//! - Month totals count the meals of the month by status: `booked` is every meal not
//!   cancelled (so it includes the served ones; booked − served were not, or not yet,
//!   eaten), `served` and `cancelled`. By diet need uses the client's diet needs as
//!   recorded now (bookings keep no copy). The subsidy sums the served meals' fixed amounts.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{named_params, params, Connection};
use serde::Serialize;
use ts_rs::TS;

use crate::codes::code_enum;
use crate::domain::account::{Action, Actor};
use crate::domain::meals::{Meal, MealMode};
use crate::domain::person::{age_on, DietNeed};
use crate::error::{CoreError, Invalid, Result};
use crate::services::audit::{AuditAction, AuditEntity, Entry};
use crate::store::read::{self, text};
use crate::store::Db;

/// ¥100 a meal: far above any subsidy, low enough to catch yuan typed as fen×100.
pub const MAX_FEN_PER_MEAL: i64 = 10_000;

/// The age from which a standard client's meals count as `aged_80`.
pub const AGED_SUBSIDY_FROM: u32 = 80;

code_enum! {
    /// Whom a meal's subsidy is paid for.
    SubsidyCategory {
        Standard = "standard",
        Aged80 = "aged_80",
        LowIncome = "low_income",
        ExtremePoverty = "extreme_poverty",
        Disabled = "disabled",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SubsidyRate {
    pub category: SubsidyCategory,
    pub fen_per_meal: i64,
}

/// The city's subsidy per meal, by category.
pub fn subsidy_rates(db: &Db, actor: &Actor) -> Result<Vec<SubsidyRate>> {
    actor.require(Action::ViewFacility)?;
    db.read(|c| {
        let mut stmt = c.prepare_cached("SELECT category, fen_per_meal FROM subsidy_rates")?;
        let mut rates: Vec<SubsidyRate> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?
            .filter_map(|row| match row {
                Ok((code, fen)) => {
                    SubsidyCategory::parse(&code).map(|category| Ok(SubsidyRate { category, fen_per_meal: fen }))
                }
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<_>>()?;
        rates.sort_by_key(|r| r.category);
        Ok(rates)
    })
}

/// Sets the subsidy per meal of one category, for meals served from now on. Audited.
pub fn set_subsidy_rate(db: &Db, actor: &Actor, category: SubsidyCategory, fen_per_meal: i64) -> Result<SubsidyRate> {
    actor.require(Action::SetSubsidyRates)?;
    if !(0..=MAX_FEN_PER_MEAL).contains(&fen_per_meal) {
        return Err(Invalid::new("subsidy.fen_range", "fen_per_meal").with("max", MAX_FEN_PER_MEAL).into());
    }
    db.write(|c| {
        let before = rate_of(c, category)?;
        c.execute(
            "INSERT INTO subsidy_rates (category, fen_per_meal) VALUES (?1, ?2)
             ON CONFLICT (category) DO UPDATE SET fen_per_meal = excluded.fen_per_meal",
            params![category.as_str(), fen_per_meal],
        )?;
        let after = SubsidyRate { category, fen_per_meal };
        Entry::new(AuditAction::Set, AuditEntity::SubsidyRate, category.as_str())
            .before(&SubsidyRate { category, fen_per_meal: before })
            .after(&after)
            .write(c, actor)?;
        Ok(after)
    })
}

fn rate_of(c: &Connection, category: SubsidyCategory) -> Result<i64> {
    Ok(c.prepare_cached("SELECT coalesce(max(fen_per_meal), 0) FROM subsidy_rates WHERE category = ?1")?
        .query_row([category.as_str()], |r| r.get(0))?)
}

/// The category a meal falls in: the client's own, or `aged_80` for a standard client of
/// 80 or more on the day.
pub fn category_on(recorded: SubsidyCategory, birth_date: NaiveDate, day: NaiveDate) -> SubsidyCategory {
    if recorded == SubsidyCategory::Standard && age_on(birth_date, day) >= AGED_SUBSIDY_FROM {
        SubsidyCategory::Aged80
    } else {
        recorded
    }
}

/// The category and amount of one client's meal on `day`, at today's rates.
pub(crate) fn subsidy_for(c: &Connection, client_id: i64, day: NaiveDate) -> Result<(SubsidyCategory, i64)> {
    let (recorded, birth): (SubsidyCategory, String) = c
        .prepare_cached("SELECT subsidy_category, birth_date FROM clients WHERE id = ?1")?
        .query_row([client_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let category = match birth.parse::<NaiveDate>() {
        Ok(birth) => category_on(recorded, birth, day),
        Err(_) => recorded,
    };
    Ok((category, rate_of(c, category)?))
}

/// The category of a client's visit on `day` and the share of its price the city pays, in
/// percent: fixed on the visit when it is recorded done (docs/money.md). The city buys home
/// visits only; a visit at the centre is the client's to pay.
pub(crate) fn visit_share(
    c: &Connection,
    client_id: i64,
    day: NaiveDate,
    home: bool,
) -> Result<(SubsidyCategory, i64)> {
    let (category, _) = subsidy_for(c, client_id, day)?;
    let percent: i64 = c
        .prepare_cached("SELECT coalesce(max(visit_percent), 0) FROM subsidy_rates WHERE category = ?1")?
        .query_row([category.as_str()], |r| r.get(0))?;
    Ok((category, if home { percent } else { 0 }))
}

// ---------------------------------------------------------------------------------------
// Month totals.

/// Meals by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Tally {
    /// Every meal not cancelled, the served ones included.
    pub booked: i64,
    pub served: i64,
    pub cancelled: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MealTally {
    pub meal: Meal,
    pub counts: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ModeTally {
    pub mode: MealMode,
    pub counts: Tally,
}

/// Meals of clients with a diet need (a client with two needs counts under both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DietTally {
    pub need: DietNeed,
    pub counts: Tally,
}

/// The subsidy of the served meals of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CategoryTotal {
    pub category: SubsidyCategory,
    pub meals: i64,
    pub fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MonthTotals {
    /// None: the whole city.
    pub facility_id: Option<i64>,
    pub year: i32,
    pub month: u32,
    pub all: Tally,
    pub by_meal: Vec<MealTally>,
    pub by_mode: Vec<ModeTally>,
    pub by_diet: Vec<DietTally>,
    pub subsidy_fen: i64,
    pub by_category: Vec<CategoryTotal>,
}

/// The month's bookings of the facilities `:lo` to `:hi` (`read::facility_days`).
const MONTH_SQL: &str = "SELECT facility_id, client_id, meal, mode, status, subsidy_category, subsidy_fen
     FROM bookings WHERE facility_id BETWEEN :lo AND :hi AND day >= :first AND day < :next";

fn add(t: &mut Tally, status: &str, n: i64) {
    match status {
        "served" => {
            t.served += n;
            t.booked += n;
        }
        "cancelled" => t.cancelled += n,
        _ => t.booked += n,
    }
}

/// The month's meals of one facility, or of the city (`None`, city administrators only).
pub fn month_totals(db: &Db, actor: &Actor, facility_id: Option<i64>, year: i32, month: u32) -> Result<MonthTotals> {
    match facility_id {
        Some(f) => actor.require_at(Action::ViewPeople, f)?,
        None if actor.is_city_wide() => {}
        None => return Err(CoreError::Forbidden),
    }
    let invalid = || Invalid::new("subsidy.month_invalid", "month").with("month", format!("{year}-{month}"));
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid)?;
    // The last month chrono can hold has no month after it: refused like any bad month.
    let next = first.checked_add_months(chrono::Months::new(1)).ok_or_else(invalid)?;
    db.read(|c| month_totals_in(c, facility_id, first, next))
}

/// The month from `first` up to `next` (excluded), inside the caller's transaction, of one
/// facility or (None) the whole city.
pub(crate) fn month_totals_in(
    c: &Connection,
    facility_id: Option<i64>,
    first: NaiveDate,
    next: NaiveDate,
) -> Result<MonthTotals> {
    let (lo, hi) = facility_id.map_or((0, i64::MAX), |f| (f, f));
    let whole = tally_month(c, lo, hi, first, next, |_| facility_id)?;
    Ok(whole.into_values().next().unwrap_or_else(|| MonthTotals::empty(facility_id, first)))
}

/// The month's totals of each facility from `lo` to `hi` (ids) that booked anything, from one
/// pass over their bookings: the monthly report reads them with its other figures.
pub(crate) fn month_totals_by_facility(
    c: &Connection,
    lo: i64,
    hi: i64,
    first: NaiveDate,
    next: NaiveDate,
) -> Result<HashMap<i64, MonthTotals>> {
    let tallies = tally_month(c, lo, hi, first, next, Some)?;
    Ok(tallies.into_iter().filter_map(|(f, t)| Some((f?, t))).collect())
}

impl MonthTotals {
    /// Nothing booked: every tally present, at zero.
    pub(crate) fn empty(facility_id: Option<i64>, first: NaiveDate) -> MonthTotals {
        MonthTotals {
            facility_id,
            year: first.year(),
            month: first.month(),
            all: Tally::default(),
            by_meal: Meal::ALL.iter().map(|&meal| MealTally { meal, counts: Tally::default() }).collect(),
            by_mode: MealMode::ALL.iter().map(|&mode| ModeTally { mode, counts: Tally::default() }).collect(),
            by_diet: DietNeed::ALL.iter().map(|&need| DietTally { need, counts: Tally::default() }).collect(),
            subsidy_fen: 0,
            by_category: Vec::new(),
        }
    }
}

/// The month's bookings of the facilities from `lo` to `hi`, tallied under the key `group`
/// gives each facility (itself, or one key for all).
fn tally_month(
    c: &Connection,
    lo: i64,
    hi: i64,
    first: NaiveDate,
    next: NaiveDate,
    group: impl Fn(i64) -> Option<i64>,
) -> Result<HashMap<Option<i64>, MonthTotals>> {
    let mut out: HashMap<Option<i64>, MonthTotals> = HashMap::new();
    // Each client's tally under each key, for the diet needs below.
    let mut per_client: HashMap<(Option<i64>, i64), Tally> = HashMap::new();
    let mut stmt = c.prepare_cached(&read::facility_days(MONTH_SQL, lo, hi))?;
    let mut rows =
        stmt.query(named_params! { ":lo": lo, ":hi": hi, ":first": first.to_string(), ":next": next.to_string() })?;
    while let Some(r) = rows.next()? {
        let facility: i64 = r.get(0)?;
        let key = group(facility);
        let totals = out.entry(key).or_insert_with(|| MonthTotals::empty(key, first));
        let status = text(r, 4)?;
        add(&mut totals.all, status, 1);
        add(per_client.entry((key, r.get(1)?)).or_default(), status, 1);
        let meal = text(r, 2)?;
        if let Some(t) = totals.by_meal.iter_mut().find(|t| t.meal.as_str() == meal) {
            add(&mut t.counts, status, 1);
        }
        let mode = text(r, 3)?;
        if let Some(t) = totals.by_mode.iter_mut().find(|t| t.mode.as_str() == mode) {
            add(&mut t.counts, status, 1);
        }
        if status != "served" {
            continue;
        }
        let category =
            r.get_ref(5)?.as_str().ok().and_then(SubsidyCategory::parse).unwrap_or(SubsidyCategory::Standard);
        let fen: i64 = r.get::<_, Option<i64>>(6)?.unwrap_or(0);
        totals.subsidy_fen += fen;
        match totals.by_category.iter_mut().find(|t| t.category == category) {
            Some(t) => {
                t.meals += 1;
                t.fen += fen;
            }
            None => totals.by_category.push(CategoryTotal { category, meals: 1, fen }),
        }
    }
    // Diet needs as recorded on the clients now, counted where they are now; most clients
    // have none.
    let mut clients = c.prepare_cached(&read::facility_range(
        "SELECT facility_id, id, diet_needs FROM clients WHERE facility_id BETWEEN :lo AND :hi AND diet_needs != '[]'",
        lo,
        hi,
    ))?;
    let mut clients = clients.query(named_params! { ":lo": lo, ":hi": hi })?;
    while let Some(r) = clients.next()? {
        let key = group(r.get(0)?);
        let Some(tally) = per_client.get(&(key, r.get(1)?)) else { continue };
        let Some(totals) = out.get_mut(&key) else { continue };
        let needs: Vec<DietNeed> = read::json(r, 2)?;
        for t in totals.by_diet.iter_mut().filter(|t| needs.contains(&t.need)) {
            t.counts.booked += tally.booked;
            t.counts.served += tally.served;
            t.counts.cancelled += tally.cancelled;
        }
    }
    for totals in out.values_mut() {
        totals.by_category.sort_by_key(|t| t.category);
    }
    Ok(out)
}

/// Parses a category code from a form or the command line.
pub fn parse_category(raw: &str) -> Result<SubsidyCategory, Invalid> {
    SubsidyCategory::parse(raw.trim())
        .ok_or_else(|| Invalid::new("subsidy.category_unknown", "category").with("category", raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_standard_client_of_80_counts_as_aged_80_and_other_categories_stand() {
        let birth = NaiveDate::from_ymd_opt(1946, 12, 1).unwrap();
        let before = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let on = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            category_on(SubsidyCategory::Standard, birth, before),
            SubsidyCategory::Standard,
            "79 the day before"
        );
        assert_eq!(category_on(SubsidyCategory::Standard, birth, on), SubsidyCategory::Aged80, "80 on the birthday");
        assert_eq!(category_on(SubsidyCategory::LowIncome, birth, on), SubsidyCategory::LowIncome, "not combined");
    }

    #[test]
    fn categories_serialise_as_stored() {
        for c in SubsidyCategory::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.as_str()));
        }
    }
}
