//! The city hub (docs/sync.md): a PostgreSQL schema holding the append-only log of changes
//! the PCs exchange, a login role per enrolled PC inside its facility's group, and row-level
//! security so that each PC reads and writes only its facility's changes (and reads the
//! city's reference data), while the city office reads everything.
//!
//! `carecircle-cli hub migrate` creates and upgrades the schema as the hub's owner;
//! `carecircle-cli hub enrol` makes a PC's role; the PCs' side of the exchange is in
//! `crate::sync`.

use chrono::{DateTime, Utc};
use openssl::ssl::{SslConnector, SslMethod};
use postgres::Client;
use postgres_openssl::MakeTlsConnector;
use serde::Serialize;

use crate::error::{CoreError, Invalid, Result};

/// The hub schema's version after [`migrate`].
pub const HUB_VERSION: i32 = 6;

/// Each step of the schema, in order; step `n` takes version `n - 1` to `n`. Never edited once
/// released: a change is a new step.
const STEPS: &[&str] = &[
    include_str!("v1.sql"),
    include_str!("v2.sql"),
    include_str!("v3.sql"),
    include_str!("v4.sql"),
    include_str!("v5.sql"),
    include_str!("v6.sql"),
];

/// Connects with a libpq connection string (`host=… port=… user=… dbname=…`).
///
/// Over the network the connection is TLS whenever the hub offers it (`sslmode=prefer`,
/// the default) and must be with `sslmode=require`; the hub's certificate is checked, host
/// name included, against the system's authorities, or against the city's own authority
/// named by `sslrootcert=PATH` (as libpq spells it). A certificate that fails the check
/// refuses the connection: nothing is sent to a hub that cannot prove it is the hub. A Unix
/// socket on the hub's own machine needs no TLS. A hub that does not answer is given up
/// after 10 seconds unless the string says otherwise (`connect_timeout`): a PC syncing in
/// the background must not hang on a dead network.
pub fn connect(url: &str) -> Result<Client> {
    let (url, root_cert) = split_root_cert(url);
    let mut config: postgres::Config = url.parse().map_err(hub_error)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(std::time::Duration::from_secs(10));
    }
    let tls_error = |e: openssl::error::ErrorStack| Invalid::new("hub.tls", "hub").with("detail", e);
    let mut tls = SslConnector::builder(SslMethod::tls_client()).map_err(tls_error)?;
    if let Some(path) = root_cert {
        tls.set_ca_file(&path)
            .map_err(|e| Invalid::new("hub.root_cert", "hub").with("path", &path).with("detail", e))?;
    }
    config.connect(MakeTlsConnector::new(tls.build())).map_err(hub_error)
}

/// Takes `sslrootcert=…` out of a connection string (rust-postgres does not know it): the
/// string without it, and the path.
fn split_root_cert(url: &str) -> (String, Option<String>) {
    let mut kept = Vec::new();
    let mut root = None;
    for (key, value) in libpq_pairs(url) {
        match value {
            Some(value) if key == "sslrootcert" => root = Some(value),
            Some(value) => {
                let quoted = value.replace('\\', r"\\").replace('\'', r"\'");
                kept.push(format!("{key}='{quoted}'"));
            }
            None => kept.push(key),
        }
    }
    (kept.join(" "), root)
}

/// The `key=value` pairs of a libpq connection string: values bare or in single quotes,
/// with a backslash escaping the character after it (a key with no `=`: no value).
fn libpq_pairs(url: &str) -> Vec<(String, Option<String>)> {
    let mut pairs = Vec::new();
    let mut chars = url.chars().peekable();
    let skip_blanks =
        |chars: &mut std::iter::Peekable<std::str::Chars>| while chars.next_if(|c| c.is_whitespace()).is_some() {};
    loop {
        skip_blanks(&mut chars);
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        if key.is_empty() {
            break;
        }
        skip_blanks(&mut chars);
        if chars.next_if_eq(&'=').is_none() {
            // Not a pair: kept, for the parser to refuse in its own words.
            pairs.push((key, None));
            continue;
        }
        skip_blanks(&mut chars);
        let quoted = chars.next_if_eq(&'\'').is_some();
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => value.extend(chars.next()),
                '\'' if quoted => break,
                c if c.is_whitespace() && !quoted => break,
                c => value.push(c),
            }
        }
        pairs.push((key, Some(value)));
    }
    pairs
}

/// Where a connection string points, to show: hosts, port and database, never the
/// user's password.
pub fn address(url: &str) -> String {
    let Ok(config) = split_root_cert(url).0.parse::<postgres::Config>() else { return String::new() };
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{}:{port}/{}", hosts.join(","), config.get_dbname().unwrap_or_default())
}

/// PostgreSQL's error with the causes under it ("error performing TLS handshake: …
/// certificate verify failed"): the top line alone does not say what to fix.
pub(crate) fn hub_error(e: postgres::Error) -> CoreError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !detail.contains(&text) {
            detail.push_str(": ");
            detail.push_str(&text);
        }
        source = cause.source();
    }
    CoreError::Invalid(Invalid::new("hub.failed", "hub").with("detail", detail))
}

/// Creates the hub schema, or brings it to [`HUB_VERSION`], in one transaction (PostgreSQL's
/// DDL is transactional: a failed step leaves the hub as it was). Two at once wait for each
/// other. Returns the version the hub had before.
pub fn migrate(client: &mut Client) -> Result<i32> {
    let mut tx = client.transaction().map_err(hub_error)?;
    // One migration at a time, whoever runs it.
    tx.execute("SELECT pg_advisory_xact_lock(43435243)", &[]).map_err(hub_error)?;
    let exists: bool = tx.query_one("SELECT to_regclass('hub.meta') IS NOT NULL", &[]).map_err(hub_error)?.get(0);
    let found: i32 =
        if exists { tx.query_one("SELECT version FROM hub.meta", &[]).map_err(hub_error)?.get(0) } else { 0 };
    if found > HUB_VERSION {
        return Err(CoreError::DatabaseTooNew { found: i64::from(found), supported: i64::from(HUB_VERSION) });
    }
    for step in &STEPS[found as usize..] {
        tx.batch_execute(step).map_err(hub_error)?;
    }
    tx.execute("UPDATE hub.meta SET version = $1", &[&HUB_VERSION]).map_err(hub_error)?;
    tx.commit().map_err(hub_error)?;
    Ok(found)
}

/// Who a PC is at the hub: its login role, the facility it belongs to (`None`: the city
/// office), and its id, which its changes carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrolment {
    pub role: String,
    pub facility_id: Option<i64>,
    pub pc: String,
    /// The PC's number within its facility (from 2: 1 is a PC that has not joined), which its
    /// receipts carry (docs/money.md).
    pub number: i64,
}

/// A new PC id: a UUIDv7 stamped with `now` (the caller's clock), random otherwise.
pub fn new_pc_id(now: DateTime<Utc>) -> String {
    new_uid(now).hyphenated().to_string()
}

/// A new UUIDv7 stamped with `now` (the caller's clock): a PC's id, a row's uid.
pub fn new_uid(now: DateTime<Utc>) -> uuid::Uuid {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    let stamp = uuid::Timestamp::from_unix(uuid::NoContext, secs, now.timestamp_subsec_nanos());
    uuid::Uuid::new_v7(stamp)
}

/// Makes a PC's login role with `password`, in its facility's group (or the city office's),
/// as the hub's owner. The role's name is made from the PC's id, so it needs no quoting.
pub fn enrol(client: &mut Client, facility_id: Option<i64>, pc: &str, password: &str) -> Result<Enrolment> {
    let pc = pc.trim().to_ascii_lowercase();
    let hex: String = pc.chars().filter(char::is_ascii_hexdigit).collect();
    if hex.len() != 32 || pc.chars().any(|c| !(c.is_ascii_hexdigit() || c == '-')) {
        return Err(Invalid::new("hub.pc_id", "pc").with("pc", &pc).into());
    }
    let role = format!("cc_pc_{hex}");
    let group = if facility_id.is_some() { "cc_facility" } else { "cc_city" };
    let mut tx = client.transaction().map_err(hub_error)?;
    // CREATE ROLE takes no parameters: the name is hex digits, the password a literal
    // quoted by PostgreSQL's own quote_literal.
    let quoted: String = tx.query_one("SELECT quote_literal($1)", &[&password]).map_err(hub_error)?.get(0);
    tx.batch_execute(&format!("CREATE ROLE {role} LOGIN PASSWORD {quoted} IN ROLE {group}")).map_err(hub_error)?;
    // The next number of the facility's PCs; the lock keeps two enrolments from taking one.
    tx.batch_execute("LOCK TABLE hub.pcs IN EXCLUSIVE MODE").map_err(hub_error)?;
    let number: i32 = tx
        .query_one(
            "INSERT INTO hub.pcs (role_name, facility_id, pc, number)
             VALUES ($1, $2, $3::text::uuid,
                     (SELECT 1 + coalesce(max(number), 1) FROM hub.pcs WHERE facility_id IS NOT DISTINCT FROM $2))
             RETURNING number",
            &[&role, &facility_id.map(|f| f as i32), &pc],
        )
        .map_err(hub_error)?
        .get(0);
    tx.commit().map_err(hub_error)?;
    Ok(Enrolment { role, facility_id, pc, number: i64::from(number) })
}

/// Who the hub says this connection is: the enrolment of the PC whose role signed in.
/// Refused when the role is not an enrolled PC's (the hub's owner, say).
pub fn whoami(client: &mut Client) -> Result<Enrolment> {
    let row = client
        .query_one("SELECT session_user::text, hub.my_pc()::text, hub.my_facility(), hub.my_number()", &[])
        .map_err(hub_error)?;
    let (role, pc, facility, number): (String, Option<String>, Option<i32>, Option<i32>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let pc = pc.ok_or_else(|| Invalid::new("hub.not_enrolled", "url").with("role", &role))?;
    Ok(Enrolment { role, facility_id: facility.map(i64::from), pc, number: number.map_or(1, i64::from) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_city_authority_is_taken_out_of_a_connection_string_quoted_or_not() {
        let (rest, root) = split_root_cert("host=hub port=5432 sslrootcert=/etc/cc/ca.pem user=cc_pc_1");
        assert_eq!(root.as_deref(), Some("/etc/cc/ca.pem"));
        assert_eq!(rest, "host='hub' port='5432' user='cc_pc_1'");
        let (rest, root) = split_root_cert(r"sslrootcert = '/city ca/ca.pem'  password='it\'s \\ secret' dbname=x");
        assert_eq!(root.as_deref(), Some("/city ca/ca.pem"));
        let config: postgres::Config = rest.parse().unwrap();
        assert_eq!(config.get_password(), Some(&br"it's \ secret"[..]));
        assert_eq!(config.get_dbname(), Some("x"));
        assert_eq!(split_root_cert("host=hub").1, None);
        // Not a pair: left for the parser to refuse.
        assert!(split_root_cert("host").0.parse::<postgres::Config>().is_err());
    }

    #[test]
    fn the_address_shown_has_no_password() {
        assert_eq!(
            address("host=hub.wuhai port=6432 user=u password=secret dbname=cc sslrootcert=/x"),
            "hub.wuhai:6432/cc"
        );
        assert_eq!(address("not a connection string"), "");
    }
}
