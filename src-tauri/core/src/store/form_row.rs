//! A form's record as table columns and values: the INSERT and the UPDATE of a table are
//! both built from one list, so the two can never write different columns (people,
//! facilities, care plan items).

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::Tx;
use crate::error::Result;

pub(crate) struct FormRow {
    table: &'static str,
    columns: Vec<(&'static str, Value)>,
}

impl FormRow {
    /// `table` and `columns` are the module's constants, never input.
    pub(crate) fn new(table: &'static str, columns: Vec<(&'static str, Value)>) -> FormRow {
        FormRow { table, columns }
    }

    fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.columns.iter().map(|(_, v)| v.clone())
    }

    /// Adds a column the form has no field for (a record's status, the demo's mark, the
    /// row it belongs to).
    pub(crate) fn with(mut self, column: &'static str, value: impl Into<Value>) -> FormRow {
        self.columns.push((column, value.into()));
        self
    }

    /// Inserts the row, stamped as created and updated at `stamp`; returns its id.
    pub(crate) fn insert(&self, c: &Connection, stamp: &str) -> Result<i64> {
        let n = self.columns.len();
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        let slots: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}, created_at, updated_at) VALUES ({}, ?{t}, ?{t})",
            self.table,
            names.join(", "),
            slots.join(", "),
            t = n + 1
        );
        c.prepare_cached(&sql)?.execute(params_from_iter(self.values().chain([Value::from(stamp.to_string())])))?;
        Ok(c.last_insert_rowid())
    }

    /// Writes the row over record `id`, stamped as updated now.
    pub(crate) fn update(&self, c: &Tx, id: i64) -> Result<()> {
        let n = self.columns.len();
        let sets: Vec<String> =
            self.columns.iter().enumerate().map(|(i, (name, _))| format!("{name} = ?{}", i + 1)).collect();
        let sql =
            format!("UPDATE {} SET {}, updated_at = ?{} WHERE id = ?{}", self.table, sets.join(", "), n + 1, n + 2);
        c.prepare_cached(&sql)?
            .execute(params_from_iter(self.values().chain([Value::from(c.stamp()), Value::from(id)])))?;
        Ok(())
    }
}
