//! The city hub's schema on a throw-away PostgreSQL cluster (docs/sync.md): made and
//! upgraded idempotently; a facility's PC reads and adds only its facility's changes (and
//! reads the city's reference data), under its own PC id; the city office reads all; nobody
//! changes or removes a change; a batch pushed twice adds nothing the second time.
use crate::common;
use carecircle_core::hub;
use common::pg::{PgCluster, OWNER};

const PC_A: &str = "0190a0b1-0000-7000-8000-00000000000a";
const PC_A2: &str = "0190a0b1-0000-7000-8000-0000000000a2";
const PC_B: &str = "0190a0b1-0000-7000-8000-00000000000b";
const PC_CITY: &str = "0190a0b1-0000-7000-8000-0000000000c1";

/// Adds one change as `client`; `Ok(rows added)`, or PostgreSQL's refusal.
fn push(client: &mut postgres::Client, facility: Option<i32>, pc: &str, seq: i64) -> Result<u64, postgres::Error> {
    client.execute(
        "INSERT INTO hub.changes (facility_id, pc, seq, hlc, entity, uid, fields)
         VALUES ($1, $2::text::uuid, $3, '0000000001:0000', 'client', gen_random_uuid(), '{}'::jsonb)
         ON CONFLICT (pc, seq) DO NOTHING",
        &[&facility, &pc, &seq],
    )
}

fn seen(client: &mut postgres::Client) -> Vec<(Option<i32>, i64)> {
    client
        .query("SELECT facility_id, seq FROM hub.changes ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn each_facility_reads_and_adds_only_its_own_changes_and_the_city_reads_all() {
    let cluster = PgCluster::start();
    let mut owner = hub::connect(&cluster.url(OWNER)).unwrap();
    assert_eq!(hub::migrate(&mut owner).unwrap(), 0, "a new hub");
    assert_eq!(hub::migrate(&mut owner).unwrap(), hub::HUB_VERSION, "again: nothing to do");
    let a = hub::enrol(&mut owner, Some(1), PC_A, "pass-a").unwrap();
    let a2 = hub::enrol(&mut owner, Some(1), PC_A2, "pass-a2").unwrap();
    let b = hub::enrol(&mut owner, Some(2), PC_B, "pass-b").unwrap();
    let city = hub::enrol(&mut owner, None, PC_CITY, "pass-city").unwrap();
    // Each facility numbers its PCs from 2 (1 is a PC that has not joined), for receipts.
    assert_eq!((a.number, a2.number, b.number, city.number), (2, 3, 2, 2));
    let mut a = hub::connect(&cluster.url(&a.role)).unwrap();
    let mut a2 = hub::connect(&cluster.url(&a2.role)).unwrap();
    let mut b = hub::connect(&cluster.url(&b.role)).unwrap();
    let mut city = hub::connect(&cluster.url(&city.role)).unwrap();
    assert_eq!(hub::whoami(&mut a2).unwrap().number, 3, "the PC asks the hub its number");

    // Each adds its own; the same batch again adds nothing.
    assert_eq!(push(&mut a, Some(1), PC_A, 1).unwrap(), 1);
    assert_eq!(push(&mut a, Some(1), PC_A, 1).unwrap(), 0, "a batch pushed twice");
    assert_eq!(push(&mut a2, Some(1), PC_A2, 1).unwrap(), 1, "the centre's second PC numbers its own");
    assert_eq!(push(&mut b, Some(2), PC_B, 1).unwrap(), 1);
    assert_eq!(push(&mut city, None, PC_CITY, 1).unwrap(), 1, "the city's reference data");
    // Refused: another facility's rows, another PC's id, reference data from a facility,
    // facility rows from the city office.
    assert!(push(&mut a, Some(2), PC_A, 2).is_err());
    assert!(push(&mut a, Some(1), PC_B, 2).is_err());
    assert!(push(&mut a, Some(1), PC_A2, 9).is_err(), "not even a PC of the same centre");
    assert!(push(&mut a, None, PC_A, 3).is_err());
    assert!(push(&mut city, Some(1), PC_CITY, 2).is_err());

    assert_eq!(seen(&mut a), vec![(Some(1), 1), (Some(1), 1), (None, 1)]);
    assert_eq!(seen(&mut b), vec![(Some(2), 1), (None, 1)]);
    assert_eq!(seen(&mut city).len(), 4);
    // Append-only: nobody but the owner changes or removes a change, and the PCs cannot
    // read who is enrolled.
    for client in [&mut a, &mut b, &mut city] {
        assert!(client.execute("UPDATE hub.changes SET fields = '{}'::jsonb", &[]).is_err());
        assert!(client.execute("DELETE FROM hub.changes", &[]).is_err());
        assert!(client.query("SELECT * FROM hub.pcs", &[]).is_err());
    }
    assert_eq!(seen(&mut owner).len(), 4);

    // The audit log (schema 3): the same rules. Each PC adds its own entries, under its
    // facility; an entry sent twice is kept once; a centre's PCs read the centre's entries,
    // the city office reads all; nobody changes or removes one.
    let entry = |client: &mut postgres::Client, facility: Option<i32>, pc: &str, hash: &str| {
        client.execute(
            "INSERT INTO hub.audit (facility_id, pc, entry_id, at, account_id, username, action, entity, prev_hash, hash)
             VALUES ($1, $2::text::uuid, 1, '2026-12-06T08:00:00Z', 1, 'u', 'sign_in', 'account', 'p', $3)
             ON CONFLICT (pc, hash) DO NOTHING",
            &[&facility, &pc, &hash],
        )
    };
    assert_eq!(entry(&mut a, Some(1), PC_A, "h1").unwrap(), 1);
    assert_eq!(entry(&mut a, Some(1), PC_A, "h1").unwrap(), 0, "sent twice");
    assert_eq!(entry(&mut a, Some(1), PC_A, "h2").unwrap(), 1, "the same number after a restore, another entry");
    assert_eq!(entry(&mut a2, Some(1), PC_A2, "h1").unwrap(), 1);
    assert_eq!(entry(&mut b, Some(2), PC_B, "h1").unwrap(), 1);
    assert_eq!(entry(&mut city, None, PC_CITY, "h1").unwrap(), 1);
    assert!(entry(&mut a, Some(2), PC_A, "h3").is_err(), "another facility's");
    assert!(entry(&mut a, Some(1), PC_A2, "h3").is_err(), "another PC's");
    assert!(entry(&mut a, None, PC_A, "h3").is_err(), "the city office's");
    assert!(entry(&mut city, Some(1), PC_CITY, "h3").is_err());
    let entries = |client: &mut postgres::Client| -> i64 {
        client.query_one("SELECT count(*) FROM hub.audit", &[]).unwrap().get(0)
    };
    assert_eq!((entries(&mut a), entries(&mut a2), entries(&mut b), entries(&mut city)), (3, 3, 1, 5));
    for client in [&mut a, &mut b, &mut city] {
        assert!(client.execute("UPDATE hub.audit SET username = 'x'", &[]).is_err());
        assert!(client.execute("DELETE FROM hub.audit", &[]).is_err());
    }
    assert_eq!(entries(&mut owner), 5);
}

/// Adds one change of the record `uid` as `client`, as `op` ('i', 'u', 'd').
fn change(
    client: &mut impl postgres::GenericClient,
    facility: i32,
    pc: &str,
    seq: i64,
    uid: &str,
    op: &str,
) -> Result<u64, postgres::Error> {
    client.execute(
        "INSERT INTO hub.changes (facility_id, pc, seq, hlc, entity, uid, fields, op)
         VALUES ($1, $2::text::uuid, $3, '0000000001:0000', 'clients', $4::text::uuid, '{}'::jsonb, $5)",
        &[&facility, &pc, &seq, &uid, &op],
    )
}

#[test]
fn a_facility_passes_its_own_records_to_another_only_as_their_first_values() {
    let cluster = PgCluster::start();
    let mut owner = hub::connect(&cluster.url(OWNER)).unwrap();
    hub::migrate(&mut owner).unwrap();
    let a = hub::enrol(&mut owner, Some(1), PC_A, "pass-a").unwrap();
    let b = hub::enrol(&mut owner, Some(2), PC_B, "pass-b").unwrap();
    let mut a = hub::connect(&cluster.url(&a.role)).unwrap();
    let mut b = hub::connect(&cluster.url(&b.role)).unwrap();
    const MINE: &str = "0190a0b1-0000-7000-8000-0000000000f1";
    const THEIRS: &str = "0190a0b1-0000-7000-8000-0000000000f2";
    change(&mut a, 1, PC_A, 1, MINE, "i").unwrap();
    change(&mut b, 2, PC_B, 1, THEIRS, "i").unwrap();

    // A moves its client to B: the record's first values, under B.
    assert_eq!(change(&mut a, 2, PC_A, 2, MINE, "i").unwrap(), 1);
    // Refused: anything but first values under B, B's own record, a record nobody holds.
    assert!(change(&mut a, 2, PC_A, 3, MINE, "u").is_err(), "a change of B's copy");
    assert!(change(&mut a, 2, PC_A, 3, MINE, "d").is_err(), "a delete of B's copy");
    assert!(change(&mut a, 2, PC_A, 3, THEIRS, "i").is_err(), "B's own record");
    assert!(change(&mut a, 2, PC_A, 3, "0190a0b1-0000-7000-8000-0000000000f3", "i").is_err(), "a new record");
    assert!(change(&mut a, 2, PC_B, 3, MINE, "i").is_err(), "under another PC's id");
    // A record made and moved between two exchanges: its first values under A, then
    // under B, in one transaction.
    const NEW: &str = "0190a0b1-0000-7000-8000-0000000000f4";
    let mut tx = a.transaction().unwrap();
    change(&mut tx, 1, PC_A, 3, NEW, "i").unwrap();
    change(&mut tx, 2, PC_A, 4, NEW, "i").unwrap();
    tx.commit().unwrap();
    // B reads what A passed on; A does not read B's log for it.
    let held = |client: &mut postgres::Client| -> Vec<(i32, String)> {
        client
            .query("SELECT facility_id, uid::text FROM hub.changes ORDER BY id", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    assert_eq!(held(&mut b), vec![(2, THEIRS.to_string()), (2, MINE.to_string()), (2, NEW.to_string())]);
    assert_eq!(held(&mut a), vec![(1, MINE.to_string()), (1, NEW.to_string())]);
}

#[test]
fn a_pc_id_that_is_not_a_uuid_is_refused_and_nothing_is_made() {
    let cluster = PgCluster::start();
    let mut owner = hub::connect(&cluster.url(OWNER)).unwrap();
    hub::migrate(&mut owner).unwrap();
    for bad in ["not-a-uuid", "0190a0b1-0000-7000-8000-00000000000", "0190a0b1'; DROP TABLE hub.changes; --"] {
        let e = hub::enrol(&mut owner, Some(1), bad, "pass").unwrap_err();
        assert!(matches!(&e, carecircle_core::CoreError::Invalid(v) if v.code == "hub.pc_id"), "{bad}: {e:?}");
    }
    let roles: i64 = owner.query_one("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'cc_pc_%'", &[]).unwrap().get(0);
    assert_eq!(roles, 0);
}

/// A certificate authority of the city's own and a hub certificate it signed for `names`
/// (IP addresses or DNS names): (CA PEM, hub certificate PEM, hub key PEM).
fn city_authority_and_hub_cert(names: &[&str]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    use openssl::asn1::Asn1Time;
    use openssl::bn::{BigNum, MsbOption};
    use openssl::hash::MessageDigest;
    use openssl::pkey::PKey;
    use openssl::rsa::Rsa;
    use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
    use openssl::x509::{X509NameBuilder, X509};

    let name = |cn: &str| {
        let mut n = X509NameBuilder::new().unwrap();
        n.append_entry_by_text("CN", cn).unwrap();
        n.build()
    };
    let serial = || {
        let mut bn = BigNum::new().unwrap();
        bn.rand(64, MsbOption::MAYBE_ZERO, false).unwrap();
        bn.to_asn1_integer().unwrap()
    };
    let ca_key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut ca = X509::builder().unwrap();
    ca.set_version(2).unwrap();
    ca.set_serial_number(&serial()).unwrap();
    ca.set_subject_name(&name("Wuhai city hub test CA")).unwrap();
    ca.set_issuer_name(&name("Wuhai city hub test CA")).unwrap();
    ca.set_pubkey(&ca_key).unwrap();
    ca.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
    ca.set_not_after(&Asn1Time::days_from_now(30).unwrap()).unwrap();
    ca.append_extension(BasicConstraints::new().critical().ca().build().unwrap()).unwrap();
    ca.sign(&ca_key, MessageDigest::sha256()).unwrap();
    let ca = ca.build();

    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut cert = X509::builder().unwrap();
    cert.set_version(2).unwrap();
    cert.set_serial_number(&serial()).unwrap();
    cert.set_subject_name(&name(names[0])).unwrap();
    cert.set_issuer_name(ca.subject_name()).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(30).unwrap()).unwrap();
    let mut san = SubjectAlternativeName::new();
    for n in names {
        if n.parse::<std::net::IpAddr>().is_ok() {
            san.ip(n);
        } else {
            san.dns(n);
        }
    }
    let san = san.build(&cert.x509v3_context(Some(&ca), None)).unwrap();
    cert.append_extension(san).unwrap();
    cert.sign(&ca_key, MessageDigest::sha256()).unwrap();
    let cert = cert.build();
    (ca.to_pem().unwrap(), cert.to_pem().unwrap(), key.private_key_to_pem_pkcs8().unwrap())
}

fn refused_code(result: carecircle_core::Result<postgres::Client>) -> (String, String) {
    match result {
        Err(carecircle_core::CoreError::Invalid(v)) => {
            let detail = v.params.iter().map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(" ");
            (v.code.to_string(), detail)
        }
        Err(e) => panic!("refused, but not in words: {e}"),
        Ok(_) => panic!("the connection should have been refused"),
    }
}

/// The city's authority in a file, as a PC keeps it (`sslrootcert=`).
fn authority_file(ca: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("city-ca.pem");
    std::fs::write(&path, ca).unwrap();
    (dir, path)
}

#[test]
fn over_the_network_the_hub_is_reached_by_tls_and_only_when_its_certificate_is_the_citys() {
    let (ca, cert, key) = city_authority_and_hub_cert(&["127.0.0.1"]);
    let cluster = PgCluster::start_tls(&cert, &key);
    let (_dir, ca_path) = authority_file(&ca);

    // With the city's authority the connection is TLS, host name checked.
    let root = format!("sslmode=require sslrootcert='{}'", ca_path.display());
    let mut client = hub::connect(&cluster.tcp_url(OWNER, &root)).unwrap();
    let ssl: bool = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(ssl, "the session is encrypted");
    // TLS is used whenever the hub offers it, without being asked.
    let default = format!("sslrootcert={}", ca_path.display());
    let mut client = hub::connect(&cluster.tcp_url(OWNER, &default)).unwrap();
    let ssl: bool = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
    assert!(ssl, "prefer: encrypted when the hub can");

    // Without it the certificate proves nothing (no authority the system trusts signed it):
    // refused, nothing sent.
    let (code, detail) = refused_code(hub::connect(&cluster.tcp_url(OWNER, "sslmode=require")));
    assert_eq!(code, "hub.failed");
    assert!(detail.contains("certificate"), "{detail}");
    // An authority file that is not there is said so, by name.
    let (code, detail) = refused_code(hub::connect(&cluster.tcp_url(OWNER, "sslrootcert=/nonexistent/ca.pem")));
    assert_eq!(code, "hub.root_cert");
    assert!(detail.contains("/nonexistent/ca.pem"), "{detail}");
    // The address shown keeps none of it, nor the password.
    let shown = hub::address(&cluster.tcp_url(OWNER, &format!("{root} password='a b\\'c'")));
    assert_eq!(shown, format!("127.0.0.1:{}/postgres", cluster.port));
}

#[test]
fn a_hub_whose_certificate_names_another_host_is_refused() {
    let (ca, cert, key) = city_authority_and_hub_cert(&["hub.wuhai.example"]);
    let cluster = PgCluster::start_tls(&cert, &key);
    let (_dir, ca_path) = authority_file(&ca);
    let url = cluster.tcp_url(OWNER, &format!("sslmode=require sslrootcert={}", ca_path.display()));
    let (code, detail) = refused_code(hub::connect(&url));
    assert_eq!(code, "hub.failed");
    assert!(detail.contains("certificate") || detail.contains("IP address mismatch"), "{detail}");
}
