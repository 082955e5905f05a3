//! Stored codes. Every enum the app keeps in a text column (a level, a role, a purpose, a
//! diet need…) is declared with [`code_enum!`]: its code list, `as_str`, `parse`, and
//! `ToSql`/`FromSql`, so a row is read with `row.get::<_, Level>("level")` and a code the
//! app never writes (a hand edit, a newer app) is a column error — never a default that
//! quietly turns an unknown value into an ordinary one.

use rusqlite::types::FromSqlError;

/// The error a stored code the app does not know gives when read.
#[derive(Debug, thiserror::Error)]
#[error("{kind} has no code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

/// For the macro's `FromSql`: the text, or an error naming the enum and the bad code.
#[doc(hidden)]
pub fn read_code<T>(
    value: rusqlite::types::ValueRef<'_>,
    kind: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> rusqlite::types::FromSqlResult<T> {
    let text = value.as_str()?;
    parse(text).ok_or_else(|| FromSqlError::Other(Box::new(UnknownCode { kind, code: text.to_string() })))
}

/// An enum stored and sent as a code (`"low_salt"`): the code list, `as_str`, `parse`,
/// `Display` (the code), and `ToSql`/`FromSql`. Outer attributes (docs, an extra
/// `#[derive(Default)]`) and variant attributes (`#[default]`, docs) pass through.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS
        )]
        #[ts(export)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Reads the code in `column`; a code the app never writes is a column error,
            /// not a panic.
            #[allow(dead_code)]
            pub(crate) fn from_row(r: &::rusqlite::Row, column: &str) -> ::rusqlite::Result<$name> {
                r.get(column)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> ::rusqlite::Result<::rusqlite::types::ToSqlOutput<'_>> {
                Ok(::rusqlite::types::ToSqlOutput::Borrowed(::rusqlite::types::ValueRef::Text(self.as_str().as_bytes())))
            }
        }

        impl ::rusqlite::types::FromSql for $name {
            fn column_result(value: ::rusqlite::types::ValueRef<'_>) -> ::rusqlite::types::FromSqlResult<Self> {
                $crate::codes::read_code(value, stringify!($name), $name::parse)
            }
        }
    };
}
pub(crate) use code_enum;

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::domain::vitals::Level;

    #[test]
    fn a_code_goes_in_and_comes_back_and_an_unknown_one_is_refused() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, level TEXT)").unwrap();
        c.execute("INSERT INTO t (id, level) VALUES (1, ?1)", [Level::HighNormal]).unwrap();
        let stored: String = c.query_row("SELECT level FROM t WHERE id = 1", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, "high_normal");
        let back: Level = c.query_row("SELECT level FROM t WHERE id = 1", [], |r| r.get(0)).unwrap();
        assert_eq!(back, Level::HighNormal);

        c.execute("INSERT INTO t (id, level) VALUES (2, 'fine'), (3, NULL), (4, 7)", []).unwrap();
        for id in [2, 3, 4] {
            let read = c.query_row("SELECT level FROM t WHERE id = ?1", [id], |r| r.get::<_, Level>(0));
            assert!(
                matches!(
                    read,
                    Err(rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..))
                ),
                "row {id}: {read:?}"
            );
        }
        let err = c.query_row("SELECT level FROM t WHERE id = 2", [], |r| r.get::<_, Level>(0)).unwrap_err();
        assert!(err.to_string().contains("Level has no code \"fine\""), "{err}");
        assert_eq!(Level::Urgent.to_string(), "urgent");
        assert_eq!(Level::parse("raised"), Some(Level::Raised));
        assert_eq!(Level::ALL.len(), 4);
    }
}
