//! A calendar month, as a report or a month's totals ask for it ("2026-10").

use chrono::{Datelike, Months, NaiveDate};

use crate::error::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// From `YYYY-MM` (also `YYYY-M` and `YYYY/MM`, as a clerk may type it).
    pub fn parse(raw: &str) -> Result<Month, Invalid> {
        let invalid = || Invalid::new("report.month_invalid", "month").with("value", raw.trim());
        let (y, m) = raw.trim().split_once(['-', '/']).ok_or_else(invalid)?;
        let (year, month): (i32, u32) = (y.parse().map_err(|_| invalid())?, m.parse().map_err(|_| invalid())?);
        Month::new(year, month).ok_or_else(invalid)
    }

    /// None for a month outside 1900–2100 (see `crate::dates`) or that does not exist.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if !(1900..=2100).contains(&year) {
            return None;
        }
        NaiveDate::from_ymd_opt(year, month, 1).map(|first| Month { first })
    }

    /// The month a day falls in.
    pub fn of(day: NaiveDate) -> Month {
        Month { first: day.with_day(1).expect("day 1 exists") }
    }

    pub fn first(self) -> NaiveDate {
        self.first
    }

    pub fn last(self) -> NaiveDate {
        self.next().first - chrono::Days::new(1)
    }

    pub fn next(self) -> Month {
        Month { first: self.first + Months::new(1) }
    }

    pub fn previous(self) -> Month {
        Month { first: self.first - Months::new(1) }
    }

    pub fn year(self) -> i32 {
        self.first.year()
    }

    pub fn number(self) -> u32 {
        self.first.month()
    }

    /// Every day of the month, in order.
    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last();
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        day >= self.first && day <= self.last()
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_as_typed_and_refuse_nonsense() {
        let m = Month::parse(" 2026-10 ").unwrap();
        assert_eq!((m.first().to_string(), m.last().to_string()), ("2026-10-01".into(), "2026-10-31".into()));
        assert_eq!(Month::parse("2026/2").unwrap().last().to_string(), "2026-02-28");
        assert_eq!(Month::parse("2028-02").unwrap().days().count(), 29);
        assert_eq!(Month::parse("2026-12").unwrap().next().to_string(), "2027-01");
        for bad in ["", "2026", "2026-13", "2026-0", "10-2026x", "二〇二六-十", "9999-12"] {
            assert_eq!(Month::parse(bad).unwrap_err().code, "report.month_invalid", "{bad:?}");
        }
    }
}

/// Property tests: any text is a month or a refusal, never a panic; every month from 1900
/// to 2100 reads back as written; nothing outside is accepted.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_answered_without_a_panic(raw in any::<String>()) {
            if let Ok(m) = Month::parse(&raw) {
                prop_assert!((1900..=2100).contains(&m.year()));
                prop_assert!(m.first() <= m.last() && m.days().count() >= 28);
            }
        }

        #[test]
        fn months_read_back_as_written(year in 1900i32..=2100, month in 1u32..=12) {
            let m = Month::parse(&format!("{year}-{month:02}")).unwrap();
            prop_assert_eq!(Month::parse(&m.to_string()).unwrap(), m);
            prop_assert_eq!(m.next().previous(), m);
        }

        #[test]
        fn years_outside_the_range_are_refused(year in prop_oneof![i32::MIN..1900, 2101..=i32::MAX], month in 1u32..=12) {
            let typed = format!("{year}-{month}");
            prop_assert!(Month::parse(&typed).is_err());
        }
    }
}
