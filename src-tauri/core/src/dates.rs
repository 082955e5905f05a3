//! Calendar days as they come in: typed into a form, sent by the window, read from a
//! roster. Every one is checked here, where it is parsed, to lie between 1900-01-01 and
//! 2100-12-31: no one the app serves was born before 1900, nothing is planned after 2100,
//! and no later arithmetic (a week, a month, an age) can overflow chrono's range on a
//! crafted value. The window's date fields use these through serde, so a day far outside
//! the range is refused with a message, not a panic.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Deserializer};

use crate::error::Invalid;

/// The first day the app accepts.
pub const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a real day");
/// The last day the app accepts.
pub const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2100, 12, 31).expect("a real day");

/// The Monday of the week `day` falls in (weeks run Monday to Sunday in China).
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// Whether a day is within the range the app works in.
pub fn in_range(day: NaiveDate) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&day)
}

/// A day written `YYYY-MM-DD` (spaces around it allowed), between 1900 and 2100. `field`
/// names the form field for the message.
pub fn parse_day(raw: &str, field: &'static str) -> Result<NaiveDate, Invalid> {
    let day = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::new("date.invalid", field).with("value", raw.trim()))?;
    checked(day, field)
}

/// `day` if it lies between 1900 and 2100; otherwise the refusal for `field`.
pub fn checked(day: NaiveDate, field: &'static str) -> Result<NaiveDate, Invalid> {
    if in_range(day) {
        Ok(day)
    } else {
        Err(Invalid::new("date.out_of_range", field).with("value", day).with("from", FIRST_DAY).with("to", LAST_DAY))
    }
}

fn refuse<E: serde::de::Error>(day: NaiveDate) -> E {
    E::custom(format!("the date {day} is outside {FIRST_DAY}..{LAST_DAY}"))
}

/// `#[serde(deserialize_with = "dates::day")]` for a day the window sends.
pub fn day<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let day = NaiveDate::deserialize(d)?;
    if in_range(day) {
        Ok(day)
    } else {
        Err(refuse(day))
    }
}

/// As [`day`], for an optional day.
pub fn optional_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<NaiveDate>::deserialize(d)? {
        Some(day) if !in_range(day) => Err(refuse(day)),
        other => Ok(other),
    }
}

/// As [`day`], for a list of days.
pub fn days<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
    let days = Vec::<NaiveDate>::deserialize(d)?;
    match days.iter().find(|day| !in_range(**day)) {
        Some(day) => Err(refuse(*day)),
        None => Ok(days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_as_typed_and_the_range_is_kept_at_both_ends() {
        assert_eq!(parse_day(" 2026-11-29 ", "day").unwrap(), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!(parse_day("1900-01-01", "day").unwrap(), FIRST_DAY);
        assert_eq!(parse_day("2100-12-31", "day").unwrap(), LAST_DAY);
        assert_eq!(parse_day("1899-12-31", "day").unwrap_err().code, "date.out_of_range");
        assert_eq!(parse_day("2101-01-01", "day").unwrap_err().code, "date.out_of_range");
        assert_eq!(parse_day("+262143-12-31", "day").unwrap_err().code, "date.invalid");
        for bad in ["", "2026-02-30", "2026/11/29", "29-11-2026", "２０２６-11-29", "2026-11-29T00:00"] {
            assert_eq!(parse_day(bad, "day").unwrap_err().code, "date.invalid", "{bad:?}");
        }
    }

    #[test]
    fn the_window_s_days_are_refused_outside_the_range() {
        #[derive(Deserialize)]
        struct Form {
            #[serde(deserialize_with = "day")]
            on: NaiveDate,
            #[serde(default, deserialize_with = "optional_day")]
            until: Option<NaiveDate>,
            #[serde(deserialize_with = "days")]
            days: Vec<NaiveDate>,
        }
        let ok: Form = serde_json::from_str(r#"{"on":"2026-11-29","until":null,"days":["2026-11-30"]}"#).unwrap();
        assert_eq!((ok.on.to_string(), ok.until, ok.days.len()), ("2026-11-29".into(), None, 1));
        for bad in [
            r#"{"on":"+262143-12-31","days":[]}"#,
            r#"{"on":"2026-11-29","until":"2101-01-01","days":[]}"#,
            r#"{"on":"2026-11-29","days":["2026-11-30","1066-10-14"]}"#,
        ] {
            assert!(serde_json::from_str::<Form>(bad).is_err(), "{bad}");
        }
    }
}

/// Property tests: any text is a day or a refusal; every day of the range reads back.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_answered_without_a_panic(raw in any::<String>()) {
            if let Ok(day) = parse_day(&raw, "day") {
                prop_assert!(in_range(day));
            }
        }

        #[test]
        fn date_shaped_text_is_answered_without_a_panic(raw in "[+-]?[0-9]{1,7}-[0-9]{1,3}-[0-9]{1,3}") {
            if let Ok(day) = parse_day(&raw, "day") {
                prop_assert!(in_range(day));
            }
        }

        #[test]
        fn every_day_of_the_range_reads_back(offset in 0i64..=(LAST_DAY - FIRST_DAY).num_days()) {
            let day = FIRST_DAY + chrono::Duration::days(offset);
            prop_assert_eq!(parse_day(&day.to_string(), "day").unwrap(), day);
        }

        #[test]
        fn days_outside_the_range_are_refused(offset in 1i64..2_000_000) {
            for day in [FIRST_DAY - chrono::Duration::days(offset.min(600_000)), LAST_DAY + chrono::Duration::days(offset)] {
                prop_assert_eq!(parse_day(&day.to_string(), "day").unwrap_err().code, "date.out_of_range");
            }
        }
    }
}
