//! Reading stored values, strictly. A date, a JSON list or a code the app never writes (a
//! hand edit, a newer app, a damaged file) is a column error naming the column — never
//! a default and never a dropped item: a client's allergy that does not read must stop the
//! read, not vanish from the plate check. Codes read through their own `FromSql`
//! (`crate::codes`); this module holds the other shapes and the look-up helpers.

use chrono::NaiveDate;
use rusqlite::types::Type;
use std::borrow::Cow;
use std::fmt::Display;

use rusqlite::{Connection, OptionalExtension, Params, Row, RowIndex};
use serde::de::DeserializeOwned;

use crate::error::{CoreError, Result};
use crate::services::audit::AuditEntity;

/// What a bad stored value was, for the log and the support line.
#[derive(Debug, thiserror::Error)]
#[error("column {column} holds {value:?}, which is not {expected}")]
pub struct BadValue {
    pub column: String,
    pub value: String,
    pub expected: &'static str,
}

/// The column error for a stored value that is not what the app writes.
pub fn bad_value(column: &str, value: &str, expected: &'static str) -> rusqlite::Error {
    let value: String = value.chars().take(80).collect();
    rusqlite::Error::FromSqlConversionFailure(
        0,
        Type::Text,
        Box::new(BadValue { column: column.to_string(), value, expected }),
    )
}

/// `sql` as it reads the facilities `:lo` to `:hi` best when it takes every row of theirs
/// (the clients, the children), its range written `column BETWEEN :lo AND :hi`. For one
/// facility SQLite takes the rows from the facility indexes; over many, it is told to pass
/// over the table in the order it is stored (`+column`: no index for that term), some three
/// times faster at city scale than a jump into the table for each row an index lists
/// (bench_report).
pub(crate) fn facility_range(sql: &str, lo: i64, hi: i64) -> Cow<'_, str> {
    rewrite_range(sql, lo, hi, |column, out| {
        out.push('+');
        out.push_str(column);
        out.push_str(RANGE);
    })
}

/// `sql` as it reads the facilities `:lo` to `:hi` best when it takes some days of theirs
/// (a month's bookings, visits, check-ins), its range written `column BETWEEN :lo AND :hi`
/// and its days bounded after it. Over many facilities, a range on the first column of a
/// (facility, day) index would leave the days unused and every row of every day be looked
/// at; the range becomes the list of the facilities instead, one seek per facility into
/// its days: at city scale each of the month's tables reads in a third to a half less time
/// than in a pass over it (bench_report).
pub(crate) fn facility_days(sql: &str, lo: i64, hi: i64) -> Cow<'_, str> {
    rewrite_range(sql, lo, hi, |column, out| {
        out.push_str(column);
        out.push_str(" IN (SELECT id FROM facilities WHERE id");
        out.push_str(RANGE);
        out.push(')');
    })
}

const RANGE: &str = " BETWEEN :lo AND :hi";

/// `sql` with each `column BETWEEN :lo AND :hi` as `term` writes it, over many facilities.
fn rewrite_range(sql: &str, lo: i64, hi: i64, term: impl Fn(&str, &mut String)) -> Cow<'_, str> {
    if lo == hi || !sql.contains(RANGE) {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(at) = rest.find(RANGE) {
        // The column before the term, alias and all (`b.facility_id`).
        let column =
            rest[..at].rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.')).map_or(0, |i| i + 1);
        out.push_str(&rest[..column]);
        term(&rest[column..at], &mut out);
        rest = &rest[at + RANGE.len()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A text column read in place, without a copy (a pass over many rows).
pub fn text<'r>(r: &'r Row, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// A day stored as `YYYY-MM-DD`.
pub fn day<I: RowIndex + Display + Copy>(r: &Row, column: I) -> rusqlite::Result<NaiveDate> {
    let raw: String = r.get(column)?;
    parse_day(&column.to_string(), &raw)
}

/// A day that may be absent (NULL).
pub fn opt_day<I: RowIndex + Display + Copy>(r: &Row, column: I) -> rusqlite::Result<Option<NaiveDate>> {
    r.get::<_, Option<String>>(column)?.map(|raw| parse_day(&column.to_string(), &raw)).transpose()
}

fn parse_day(column: &str, raw: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| bad_value(column, raw, "a day (YYYY-MM-DD)"))
}

/// A JSON value: a list of codes (`["peanut","milk"]`) reads as `Vec<Allergen>`, and one
/// unknown code refuses the whole list.
pub fn json<T: DeserializeOwned, I: RowIndex + Display + Copy>(r: &Row, column: I) -> rusqlite::Result<T> {
    let raw: String = r.get(column)?;
    json_text(&column.to_string(), &raw)
}

/// The same, for text already read (an aggregate, a tuple query).
pub fn json_text<T: DeserializeOwned>(column: &str, raw: &str) -> rusqlite::Result<T> {
    serde_json::from_str(raw).map_err(|_| bad_value(column, raw, "the JSON the app writes"))
}

/// One row, or `NotFound` naming what was looked for.
pub fn one<T, P: Params>(
    c: &Connection,
    sql: &str,
    params: P,
    entity: AuditEntity,
    id: impl ToString,
    read: impl FnOnce(&Row) -> rusqlite::Result<T>,
) -> Result<T> {
    c.prepare_cached(sql)?
        .query_row(params, read)
        .optional()?
        .ok_or_else(|| CoreError::NotFound { entity, id: id.to_string() })
}

/// Whether the query returns any row.
pub fn exists<P: Params>(c: &Connection, sql: &str, params: P) -> Result<bool> {
    Ok(c.prepare_cached(sql)?.exists(params)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::meals::Allergen;

    #[test]
    fn many_facilities_pass_over_tables_and_one_uses_its_index() {
        let sql = "SELECT b.facility_id FROM bookings b JOIN x ON b.facility_id BETWEEN :lo AND :hi
                   WHERE facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last";
        assert_eq!(facility_range(sql, 7, 7), sql);
        assert_eq!(
            facility_range(sql, 0, i64::MAX),
            "SELECT b.facility_id FROM bookings b JOIN x ON +b.facility_id BETWEEN :lo AND :hi
                   WHERE +facility_id BETWEEN :lo AND :hi AND day BETWEEN :first AND :last"
        );
        assert_eq!(facility_days(sql, 7, 7), sql);
        assert_eq!(
            facility_days(sql, 0, i64::MAX),
            "SELECT b.facility_id FROM bookings b JOIN x ON b.facility_id IN (SELECT id FROM facilities WHERE id BETWEEN :lo AND :hi)
                   WHERE facility_id IN (SELECT id FROM facilities WHERE id BETWEEN :lo AND :hi) AND day BETWEEN :first AND :last"
        );
    }

    fn with_row<T>(value: &str, f: impl FnOnce(&Row) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let c = Connection::open_in_memory().unwrap();
        c.query_row("SELECT ?1 AS v", [value], f)
    }

    #[test]
    fn days_and_lists_read_strictly() {
        assert_eq!(with_row("2026-12-05", |r| day(r, "v")).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
        let err = with_row("2026-13-05", |r| day(r, "v")).unwrap_err();
        assert!(err.to_string().contains("column v holds \"2026-13-05\""), "{err}");
        assert!(with_row("05/12/2026", |r| day(r, "v")).is_err());

        let list: Vec<Allergen> = with_row(r#"["peanut","milk"]"#, |r| json(r, "v")).unwrap();
        assert_eq!(list, vec![Allergen::Peanut, Allergen::Milk]);
        // One code the app does not know refuses the list: an allergy is never dropped.
        let err = with_row(r#"["peanut","durian"]"#, |r| json::<Vec<Allergen>, _>(r, "v")).unwrap_err();
        assert!(err.to_string().contains("durian"), "{err}");
        assert!(with_row("not json", |r| json::<Vec<Allergen>, _>(r, "v")).is_err());
    }

    #[test]
    fn one_names_what_it_did_not_find() {
        let c = Connection::open_in_memory().unwrap();
        let err = one(&c, "SELECT 1 WHERE 0", [], AuditEntity::Client, 7, |r| r.get::<_, i64>(0)).unwrap_err();
        assert!(matches!(err, CoreError::NotFound { entity: AuditEntity::Client, ref id } if id == "7"), "{err:?}");
        assert_eq!(one(&c, "SELECT 5", [], AuditEntity::Client, 7, |r| r.get::<_, i64>(0)).unwrap(), 5);
        assert!(exists(&c, "SELECT 1", []).unwrap());
        assert!(!exists(&c, "SELECT 1 WHERE 0", []).unwrap());
    }
}
