//! The clock: the one way the core learns what time it is, and Wuhai's calendar.
//!
//! The core never reads the machine's clock: the app and the CLI hand it theirs
//! ([`Clock::from_machine`] with `chrono::Utc::now`), and the store ([`crate::Db`]) stamps every write
//! transaction with one instant from it; services that need "today" ask the store's clock.
//! Tests build a [`Clock::fixed`] at a chosen instant (and may move it), so no test depends
//! on the day it runs — CI runs the suite again under libfaketime at a month's end and on
//! 29 February to keep it that way.
//!
//! Wuhai keeps China Standard Time (UTC+8) all year, with no daylight saving: a fixed
//! offset, so no time-zone database is needed and every PC counts the same day whatever
//! zone its operating system is set to.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;
use ts_rs::TS;

/// Wuhai's offset from UTC: China Standard Time.
pub const WUHAI_OFFSET_SECONDS: i32 = 8 * 3600;

/// Wuhai's zone as a chrono offset.
pub fn local_offset() -> FixedOffset {
    FixedOffset::east_opt(WUHAI_OFFSET_SECONDS).expect("UTC+8 is a valid offset")
}

/// The calendar day an instant falls on in Wuhai: which day's board, sheet or week it
/// belongs to.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&local_offset()).date_naive()
}

/// An instant in Wuhai's wall time.
pub fn local_time(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&local_offset())
}

/// The instant a Wuhai wall time stands for (a fixed offset: never ambiguous).
pub fn from_local(wall: NaiveDateTime) -> DateTime<Utc> {
    local_offset().from_local_datetime(&wall).single().expect("a fixed offset maps every wall time once").to_utc()
}

/// Where "now" comes from. Cloning shares the source: a test that moves its clock moves it
/// for the store and every service that holds a clone.
#[derive(Clone)]
pub struct Clock {
    source: Source,
}

#[derive(Clone)]
enum Source {
    /// The machine's clock as the app or the CLI handed it, read at each call.
    Machine(fn() -> DateTime<Utc>),
    /// An instant set by a test (milliseconds since the epoch), moved only when told.
    Set(Arc<AtomicI64>),
}

impl Clock {
    /// The machine's clock, as the app's and the CLI's entry points read it
    /// (`Clock::from_machine(chrono::Utc::now)`): the only way a real "now" enters the core.
    pub fn from_machine(now: fn() -> DateTime<Utc>) -> Clock {
        Clock { source: Source::Machine(now) }
    }

    /// A clock stopped at `at` until [`Clock::set`] or [`Clock::advance`] moves it.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock { source: Source::Set(Arc::new(AtomicI64::new(at.timestamp_millis()))) }
    }

    /// A fixed clock at a Wuhai wall time, e.g. `Clock::at_local(2026, 11, 29, 10, 0)`.
    /// Panics on a date or time that does not exist: it is for tests and examples.
    pub fn at_local(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> Clock {
        let wall = NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .unwrap_or_else(|| panic!("no such wall time: {year}-{month}-{day} {hour}:{minute}"));
        Clock::fixed(from_local(wall))
    }

    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.source {
            Source::Machine(now) => now(),
            Source::Set(millis) => DateTime::from_timestamp_millis(millis.load(Ordering::SeqCst))
                .expect("a set clock holds an instant chrono can represent"),
        }
    }

    /// Today in Wuhai.
    pub fn today(&self) -> NaiveDate {
        local_day(self.now())
    }

    /// What the UI needs to count days as the core does: now, and Wuhai's today and week.
    pub fn reading(&self) -> ClockReading {
        let now = self.now();
        let today = local_day(now);
        ClockReading {
            now: crate::store::utc_stamp(now),
            today: today.to_string(),
            week_start: crate::dates::monday_of(today).to_string(),
        }
    }

    /// Moves a fixed clock to `at`. A test's tool: the machine's clock cannot be set, and
    /// asking it to is a programming error.
    pub fn set(&self, at: DateTime<Utc>) {
        match &self.source {
            Source::Set(millis) => millis.store(at.timestamp_millis(), Ordering::SeqCst),
            Source::Machine(_) => panic!("Clock::set is for a fixed clock, not the machine's"),
        }
    }

    /// Moves a fixed clock on by `by` (see [`Clock::set`]).
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

/// The clock as the UI reads it: the webview's own clock may be set to another zone, or
/// (in tests) another instant, so "today" and "this week" come from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ClockReading {
    /// Now, UTC, as stored (`2026-11-29T02:00:00Z`).
    pub now: String,
    /// Today in Wuhai.
    pub today: String,
    /// The Monday of this week in Wuhai.
    pub week_start: String,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Source::Machine(_) => f.write_str("Clock::from_machine"),
            Source::Set(_) => write!(f, "Clock::fixed({})", self.now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What makes the "never reads the machine's clock" above true, and lets CI leave the
    /// core's tests out of its runs at other dates (scripts/test.sh): outside this file, no
    /// source of the core asks Rust, SQLite or PostgreSQL for the time. (`Instant` measures
    /// how long work took; it tells no date.) The one exception is the hub's PostgreSQL
    /// stamping when it received a batch or a PC (`DEFAULT now()`), a record of the city's
    /// server that the core never reads back.
    #[test]
    fn no_source_of_the_core_reads_the_machines_clock() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "sql") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 100, "the core's sources were found ({})", files.len());
        // Rust's clocks, and SQL's (SQLite's 'now' and CURRENT_*, PostgreSQL's now() and
        // *_timestamp()); this file holds none of them but spelled in pieces.
        let rust = ["Utc", "Local", "SystemTime"].map(|t| format!("{t}::now"));
        let sql = [
            format!("'{}'", "now"),
            format!("current_{}", "time"),
            format!("clock_{}", "timestamp"),
            format!("statement_{}", "timestamp"),
            format!("transaction_{}", "timestamp"),
        ];
        let bare_now = format!("{}(", "now");
        let received_stamp = format!("default {bare_now})");
        let mut found = Vec::new();
        for file in files.iter().filter(|f| !f.ends_with("clock.rs")) {
            let text = std::fs::read_to_string(file).unwrap();
            let is_sql = file.extension().is_some_and(|e| e == "sql");
            let hub_sql = is_sql && file.parent().is_some_and(|d| d.ends_with("hub"));
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") || code.starts_with("--") {
                    continue;
                }
                let lower = code.to_lowercase();
                // A word of SQL's, not the end of a Rust name (`current_timeline`) or a
                // method (`clock.now()`, `Instant::now()`).
                let sql_word = |p: &str| {
                    lower.match_indices(p).any(|(i, _)| {
                        let before = &lower[..i];
                        !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.' || c == ':')
                    })
                };
                // (A bare `now()` in Rust is a test's own helper; in SQL files it is PostgreSQL's.)
                let sql_now = is_sql && sql_word(&bare_now) && !(hub_sql && lower.contains(&received_stamp));
                if rust.iter().any(|p| code.contains(p.as_str())) || sql.iter().any(|p| sql_word(p)) || sql_now {
                    found.push(format!("{}:{}: {}", file.strip_prefix(&root).unwrap().display(), n + 1, code));
                }
            }
        }
        assert!(found.is_empty(), "the core reads the machine's clock:\n{}", found.join("\n"));
    }

    #[test]
    fn the_day_turns_at_midnight_in_wuhai_not_in_utc() {
        // 15:59 UTC is 23:59 in Wuhai; a minute later it is the next day there.
        let before = Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 31, 15, 59, 0).unwrap());
        assert_eq!(before.today(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        before.advance(Duration::minutes(1));
        assert_eq!(before.today(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }

    #[test]
    fn a_fixed_clock_stands_still_and_clones_share_it() {
        let clock = Clock::at_local(2028, 2, 29, 23, 50);
        let held = clock.clone();
        assert_eq!(clock.now(), clock.now(), "a fixed clock does not tick");
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2028, 2, 29).unwrap());
        clock.advance(Duration::minutes(10));
        assert_eq!(held.today(), NaiveDate::from_ymd_opt(2028, 3, 1).unwrap(), "a clone sees the move");
        assert_eq!(local_time(held.now()).format("%H:%M").to_string(), "00:00");
    }

    #[test]
    fn local_wall_times_round_trip() {
        let wall = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(8, 30, 0).unwrap();
        let at = from_local(wall);
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 11, 29, 0, 30, 0).unwrap());
        assert_eq!(local_time(at).naive_local(), wall);
    }

    #[test]
    fn the_reading_gives_wuhai_s_day_and_week() {
        // Sunday 2028-03-05 23:30 in Wuhai is still Saturday evening in UTC.
        let r = Clock::at_local(2028, 3, 5, 23, 30).reading();
        assert_eq!(
            r,
            ClockReading {
                now: "2028-03-05T15:30:00Z".into(),
                today: "2028-03-05".into(),
                week_start: "2028-02-28".into(),
            }
        );
    }

    #[test]
    #[should_panic(expected = "fixed clock")]
    fn the_machines_clock_cannot_be_moved() {
        // A stand-in for the machine's reading: the core's tests never read the real one.
        fn reading() -> DateTime<Utc> {
            Utc.with_ymd_and_hms(2026, 11, 29, 2, 0, 0).unwrap()
        }
        let machine = Clock::from_machine(reading);
        assert_eq!(machine.today(), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(), "read at each call");
        machine.advance(Duration::minutes(1));
    }
}
