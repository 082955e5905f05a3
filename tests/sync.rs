//! PCs in sync through the city hub (docs/sync.md), on a throw-away PostgreSQL cluster: two
//! PCs of one centre, a second centre and the city office, each on its own database file.
use std::path::Path;

use crate::common;
use carecircle_core::clock::Clock;
use carecircle_core::domain::account::{Action, Actor};
use carecircle_core::domain::incident::{IncidentInput, IncidentKind, Severity};
use carecircle_core::domain::person::PersonKind;
use carecircle_core::domain::person::{ClientInput, ContactInput, IdentityInput};
use carecircle_core::domain::vitals::VitalsInput;
use carecircle_core::hub;
use carecircle_core::services::accounts::{self, NewAccount};
use carecircle_core::services::child_health::{self as medicine, DoseInput, MedicineInput};
use carecircle_core::services::health::{self, CheckupInput};
use carecircle_core::services::meals::subsidy::{self, SubsidyCategory};
use carecircle_core::services::visits::plans;
use carecircle_core::services::{audit, frontdesk, incidents, people, sessions};
use carecircle_core::store::Db;
use carecircle_core::sync::{self, Keep};
use carecircle_core::{CoreError, Locale};
use chrono::Duration;
use common::pg::{PgCluster, OWNER};

struct Pc {
    db: Db,
    clock: Clock,
    hub: postgres::Client,
    hub_url: String,
    pc: String,
}

impl Pc {
    /// A copy of `master` enrolled at the hub for `facility` (None: the city office) and
    /// joined by `admin`.
    fn join(
        cluster: &PgCluster,
        owner: &mut postgres::Client,
        path: &Path,
        facility: Option<i64>,
        admin: &Actor,
    ) -> Pc {
        let clock = common::clock();
        let db = Db::open(path, clock.clone()).unwrap();
        let enrolment = hub::enrol(owner, facility, &hub::new_pc_id(clock.now()), "pass").unwrap();
        sync::join(&db, admin, &enrolment).unwrap();
        let hub_url = cluster.url(&enrolment.role);
        let hub = hub::connect(&hub_url).unwrap();
        Pc { db, clock, hub, hub_url, pc: enrolment.pc }
    }

    #[track_caller]
    fn exchange(&mut self) -> sync::Exchanged {
        sync::exchange(&self.db, &mut self.hub).unwrap()
    }

    fn sql(&self, sql: &str) {
        self.db.write(|tx| Ok(tx.execute_batch(sql)?)).unwrap();
    }

    fn text(&self, sql: &str) -> Option<String> {
        self.db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
    }

    /// Every row of the tables a centre's PCs share, as text, for comparing two PCs.
    fn rows(&self, facility: i64) -> Vec<String> {
        self.db
            .read(|c| {
                let mut out = Vec::new();
                for (table, filter) in [
                    ("clients", format!("facility_id = {facility}")),
                    (
                        "client_contacts",
                        format!("client_id IN (SELECT id FROM clients WHERE facility_id = {facility})"),
                    ),
                    ("attendance", format!("facility_id = {facility}")),
                    ("checkups", format!("facility_id = {facility}")),
                    ("staff", format!("facility_id = {facility}")),
                    ("visits", format!("facility_id = {facility}")),
                    ("bookings", format!("facility_id = {facility}")),
                    ("standing_orders", format!("facility_id = {facility}")),
                    ("menus", format!("facility_id = {facility}")),
                    ("menu_items", format!("menu_id IN (SELECT id FROM menus WHERE facility_id = {facility})")),
                    ("assessments", format!("client_id IN (SELECT id FROM clients WHERE facility_id = {facility})")),
                ] {
                    let sql = format!("SELECT * FROM {table} WHERE {filter} ORDER BY uid");
                    let mut stmt = c.prepare(&sql)?;
                    let n = stmt.column_count();
                    let rows = stmt.query_map([], |r| {
                        let mut line = String::from(table);
                        for i in 0..n {
                            let v: rusqlite::types::Value = r.get(i)?;
                            line.push_str(&format!("|{v:?}"));
                        }
                        Ok(line)
                    })?;
                    for row in rows {
                        out.push(row?);
                    }
                }
                Ok(out)
            })
            .unwrap()
    }
}

/// Two PCs' rows are the same; else the first that differs, not thousands of lines.
#[track_caller]
fn assert_same(left: &[String], right: &[String]) {
    assert_eq!(left.len(), right.len(), "row counts");
    if let Some((l, r)) = left.iter().zip(right).find(|(l, r)| l != r) {
        panic!("rows differ:\n  {l}\n  {r}");
    }
}

/// The first elder centre with clients, and a second one.
fn two_centres(db: &Db) -> (i64, i64) {
    let ids: Vec<i64> = db
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT f.id FROM facilities f WHERE f.kind = 'elder_centre'
                   AND EXISTS (SELECT 1 FROM clients WHERE facility_id = f.id) ORDER BY f.id LIMIT 2",
            )?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(ids)
        })
        .unwrap();
    (ids[0], ids[1])
}

/// A hub on a throw-away cluster, and the demo city prepared once and copied to a file for
/// each of `pcs` (`NAME.db` in the city's folder): the same records under the same uids.
struct City {
    cluster: PgCluster,
    owner: postgres::Client,
    master: common::TestDb,
    admin: Actor,
}

impl City {
    fn with_copies(pcs: &[&str]) -> City {
        let cluster = PgCluster::start();
        let mut owner = hub::connect(&cluster.url(OWNER)).unwrap();
        hub::migrate(&mut owner).unwrap();
        let (master, admin) = common::seeded();
        sync::prepare(&master.db).unwrap();
        for name in pcs {
            master.db.backup_to(master.dir.path().join(format!("{name}.db"))).unwrap();
        }
        City { cluster, owner, master, admin }
    }

    /// The copy `name` joined as a PC of `facility` (None: the city office).
    fn pc(&mut self, name: &str, facility: Option<i64>) -> Pc {
        let path = self.master.dir.path().join(format!("{name}.db"));
        Pc::join(&self.cluster, &mut self.owner, &path, facility, &self.admin)
    }
}

#[test]
fn a_centres_pcs_and_the_city_office_stay_in_sync_and_a_manager_settles_an_allergy() {
    let mut hub_city = City::with_copies(&["city", "a", "b", "other"]);
    let (centre, other_centre) = two_centres(&hub_city.master.db);
    let mut city = hub_city.pc("city", None);
    let mut a = hub_city.pc("a", Some(centre));
    let mut b = hub_city.pc("b", Some(centre));
    let mut other = hub_city.pc("other", Some(other_centre));
    let City { admin, mut owner, .. } = hub_city;
    let before = a.rows(centre);
    assert!(before.len() > 1000, "the centre holds {} rows", before.len());

    // Everyone sends what they hold; nothing changes anywhere, and nothing is in conflict.
    for round in 0..2 {
        for pc in [&mut city, &mut a, &mut b, &mut other] {
            let done = pc.exchange();
            assert_eq!(done.pulled.conflicts, 0, "round {round}");
        }
    }
    assert_same(&a.rows(centre), &before);
    assert_same(&b.rows(centre), &before);
    for pc in [&a, &b, &city, &other] {
        assert_eq!(sync::status(&pc.db, Locale::En).unwrap().pending, 0);
    }

    // The city office's reference data reaches every PC: a subsidy rate and the idle
    // sign-out time; and an account it made for the centre reaches the centre's PCs only.
    subsidy::set_subsidy_rate(&city.db, &admin, SubsidyCategory::Aged80, 420).unwrap();
    sessions::set_idle_minutes(&city.db, &admin, 20).unwrap();
    let nurse = NewAccount {
        username: "city_made_nurse".into(),
        display_name: "市局开的护士".into(),
        password: "nurse-pass-1".into(),
        role: carecircle_core::Role::Nurse,
        facility_id: Some(centre),
    };
    accounts::create_account(&city.db, &admin, &nurse).unwrap();
    city.exchange();
    for pc in [&mut a, &mut b, &mut other] {
        pc.exchange();
    }
    let account = "SELECT count(*) FROM accounts WHERE username = 'city_made_nurse'";
    for pc in [&a, &b, &other] {
        assert_eq!(common::count(&pc.db, "SELECT fen_per_meal FROM subsidy_rates WHERE category = 'aged_80'"), 420);
        assert_eq!(sessions::idle_minutes(&pc.db).unwrap(), 20);
    }
    assert_eq!((common::count(&a.db, account), common::count(&b.db, account)), (1, 1));

    // The city office's copy of a facility's records is for reading: a change made there
    // would reach nobody and part the copy from the facility's records, so it is refused in
    // words and changes nothing.
    let someone = common::count(&city.db, &format!("SELECT min(id) FROM clients WHERE facility_id = {centre}"));
    let shown = people::get_client(&city.db, &admin, someone, common::today()).unwrap();
    let form = ClientInput { phone: Some("13700000000".into()), ..crate::transfer::client_moved_to(&shown, centre) };
    let refused = people::update_client(&city.db, &admin, someone, &form, common::today()).unwrap_err();
    assert!(matches!(&refused, CoreError::Invalid(v) if v.code == "sync.city_read_only"), "{refused:?}");
    assert!(refused.to_payload(Locale::ZhCn).message.contains("市局"), "{}", refused.to_payload(Locale::ZhCn).message);
    assert_eq!(people::get_client(&city.db, &admin, someone, common::today()).unwrap().phone, shown.phone);
    assert!(city
        .db
        .write(|tx| Ok(tx.execute_batch(&format!("DELETE FROM client_contacts WHERE client_id = {someone}"))?))
        .is_err());
    assert_eq!(sync::status(&city.db, Locale::En).unwrap().pending, 0);
    // The window at the city office is not offered what its copy refuses; the same account
    // at the centre's PC is.
    let offered = |pc: &Pc| accounts::Session::at(&pc.db, admin.clone()).unwrap().actions;
    let (at_city, at_centre) = (offered(&city), offered(&a));
    for action in [Action::EditPeople, Action::CheckInOut, Action::BookMeals, Action::PlanSchedules] {
        assert!(!at_city.contains(&action) && at_centre.contains(&action), "{action:?}");
    }
    for action in [Action::ManageAccounts, Action::EditFacility, Action::SetSubsidyRates, Action::PrintReports] {
        assert!(at_city.contains(&action), "{action:?}");
    }
    assert_eq!(common::count(&other.db, account), 0, "another centre's account");
    assert!(accounts::sign_in(&b.db, "city_made_nurse", "nurse-pass-1").is_ok(), "the nurse signs in at the centre");

    // A check-in at the front desk (PC a) reaches the nurse station (PC b) and the city
    // office, not the other centre.
    let client: i64 = common::count(
        &a.db,
        &format!(
            "SELECT min(id) FROM clients WHERE facility_id = {centre} AND status = 'active'
               AND id NOT IN (SELECT person_id FROM attendance WHERE person_kind = 'client' AND out_at IS NULL)"
        ),
    );
    let entry = frontdesk::check_in(&a.db, &admin, PersonKind::Client, client, a.clock.now()).unwrap();
    let uid = a.text(&format!("SELECT hex(uid) FROM attendance WHERE id = {}", entry.attendance_id)).unwrap();
    assert_eq!(sync::status(&a.db, Locale::En).unwrap().pending, 1);
    assert_eq!(a.exchange().pushed, 1);
    assert_eq!(b.exchange().pulled.rows, 1);
    let on_b = format!("SELECT person_id FROM attendance WHERE hex(uid) = '{uid}' AND out_at IS NULL");
    assert_eq!(common::count(&b.db, &on_b), client, "the same client on b's board");
    city.exchange();
    assert_eq!(common::count(&city.db, &on_b), client);
    other.exchange();
    assert_eq!(common::count(&other.db, &format!("SELECT count(*) FROM attendance WHERE hex(uid) = '{uid}'")), 0);

    // An incident reported at the desk reaches the nurse station, where a manager closes it;
    // the closing reaches the desk. The person is the same client on both PCs.
    let wall = |pc: &Pc| carecircle_core::clock::local_time(pc.clock.now()).format("%Y-%m-%d %H:%M").to_string();
    let report = IncidentInput {
        person_kind: PersonKind::Client,
        person_id: client,
        kind: IncidentKind::Fall,
        severity: Severity::Unhurt,
        occurred_at: wall(&a),
        place: "大厅".into(),
        what_happened: "签到时绊倒".into(),
        injury: None,
        action_taken: "扶起，护士查看无碍".into(),
        to_hospital: false,
        hospital: None,
        witnesses: None,
        family_told_at: Some(wall(&a)),
        family_told_who: Some("儿子".into()),
        family_told_how: Some("电话".into()),
    };
    let report = incidents::report(&a.db, &admin, &report, a.clock.now()).unwrap();
    let incident_uid = a.text(&format!("SELECT hex(uid) FROM incidents WHERE id = {}", report.id)).unwrap();
    a.exchange();
    b.exchange();
    let b_id = common::count(&b.db, &format!("SELECT id FROM incidents WHERE hex(uid) = '{incident_uid}'"));
    assert_eq!(common::count(&b.db, &format!("SELECT person_id FROM incidents WHERE id = {b_id}")), client);
    incidents::close(&b.db, &admin, b_id, "门口地垫已固定", b.clock.now()).unwrap();
    b.exchange();
    a.exchange();
    let closed = a.text(&format!("SELECT review_note FROM incidents WHERE id = {}", report.id));
    assert_eq!(closed.as_deref(), Some("门口地垫已固定"));
    city.exchange();
    other.exchange();
    let on_other = format!("SELECT count(*) FROM incidents WHERE hex(uid) = '{incident_uid}'");
    assert_eq!(common::count(&other.db, &on_other), 0, "not to the other centre");

    // The check-in's audit entry travels too, as a's PC sealed it: to the centre's other PC
    // and the city office, where the audit page shows it with the PC that wrote it and the
    // client's id there; not to the other centre. Every PC's own chain stays whole.
    let a_check_ins = format!(
        "SELECT count(*) FROM audit_remote WHERE pc = '{}' AND action = 'check_in' AND entity_id = '{client}'
           AND hex(entity_uid) = (SELECT hex(uid) FROM clients WHERE id = {client})",
        a.pc
    );
    assert_eq!((common::count(&b.db, &a_check_ins), common::count(&city.db, &a_check_ins)), (1, 1));
    assert_eq!(common::count(&other.db, &format!("SELECT count(*) FROM audit_remote WHERE pc = '{}'", a.pc)), 0);
    let shown = audit::recent(&city.db, &admin, 1000).unwrap();
    let seen_at_city = shown
        .iter()
        .find(|r| r.pc.as_deref() == Some(a.pc.as_str()) && r.action == "check_in")
        .expect("a's check-in on the city office's audit page");
    assert_eq!(seen_at_city.entity_id, Some(client.to_string()));
    let centre_name = a.text(&format!("SELECT name FROM facilities WHERE id = {centre}"));
    assert_eq!(seen_at_city.pc_facility, centre_name);
    for pc in [&a, &b, &city, &other] {
        assert!(audit::verify(&pc.db, &admin).unwrap().broken.is_none());
        assert_eq!(sync::status(&pc.db, Locale::En).unwrap().audit_pending, 0, "every entry sent");
    }
    // Sent again, received again: nothing doubles.
    let hub_entries = |owner: &mut postgres::Client| -> i64 {
        owner.query_one("SELECT count(*) FROM hub.audit", &[]).unwrap().get(0)
    };
    let (at_hub, at_b) = (hub_entries(&mut owner), common::count(&b.db, "SELECT count(*) FROM audit_remote"));
    a.sql("UPDATE sync_state SET audit_pushed = 0");
    b.sql("UPDATE sync_state SET audit_pulled = 0");
    assert!(a.exchange().audit_sent > 0);
    assert!(b.exchange().audit_received > 0);
    assert_eq!(hub_entries(&mut owner), at_hub);
    assert_eq!(common::count(&b.db, "SELECT count(*) FROM audit_remote"), at_b);

    // A facility's own record, edited at the centre, reaches the centre's other PC and the
    // city office. A client moved to the other centre leaves the centre's lists on its other
    // PC too, and the city office counts the client there. (Moved by hand here; a move
    // made in the app also sends the client to the other centre's PCs: the next test.)
    a.sql(&format!("UPDATE facilities SET phone = '0473-0000001' WHERE id = {centre}"));
    let moved = common::count(&a.db, &format!("SELECT max(id) FROM clients WHERE facility_id = {centre}"));
    a.sql(&format!("UPDATE clients SET facility_id = {other_centre} WHERE id = {moved}"));
    for pc in [&mut a, &mut b, &mut city, &mut other] {
        assert_eq!(pc.exchange().pulled.conflicts, 0);
    }
    let phone = format!("SELECT phone FROM facilities WHERE id = {centre}");
    assert_eq!(b.text(&phone).as_deref(), Some("0473-0000001"));
    assert_eq!(city.text(&phone).as_deref(), Some("0473-0000001"));
    assert_ne!(other.text(&phone).as_deref(), Some("0473-0000001"), "another centre's record");
    let moved_to = format!("SELECT facility_id FROM clients WHERE id = {moved}");
    assert_eq!((common::count(&b.db, &moved_to), common::count(&city.db, &moved_to)), (other_centre, other_centre));

    // Offline on both: different fields of one client both survive; the same field ends
    // with the later change on both PCs, whatever order they sync in.
    a.clock.advance(Duration::minutes(5));
    b.clock.advance(Duration::minutes(6));
    a.sql(&format!("UPDATE clients SET phone = '13900000001', address = '甲' WHERE id = {client}"));
    b.sql(&format!("UPDATE clients SET phone = '13900000002', notes = '乙' WHERE id = {client}"));
    b.exchange();
    a.exchange();
    b.exchange();
    for pc in [&a, &b] {
        let row = pc.text(&format!("SELECT phone || address || notes FROM clients WHERE id = {client}"));
        assert_eq!(row.as_deref(), Some("13900000002甲乙"));
    }

    // An allergy changed on both without either seeing the other: neither is overwritten;
    // both PCs show the conflict; a manager's pick on one settles both.
    a.sql(&format!("UPDATE clients SET allergies = '花生' WHERE id = {client}"));
    b.sql(&format!("UPDATE clients SET allergies = '青霉素' WHERE id = {client}"));
    a.exchange();
    assert_eq!(b.exchange().pulled.conflicts, 1);
    assert_eq!(a.exchange().pulled.conflicts, 1);
    let allergy = |pc: &Pc| pc.text(&format!("SELECT allergies FROM clients WHERE id = {client}")).unwrap();
    assert_eq!((allergy(&a), allergy(&b)), ("花生".to_string(), "青霉素".to_string()));
    let open = sync::conflicts(&a.db, &admin).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].entity.as_str(), open[0].record_id, open[0].field.as_str()),
        ("clients", Some(client), "allergies")
    );
    assert_eq!(open[0].local_value.as_deref(), Some("\"花生\""));
    assert_eq!(open[0].remote_value.as_deref(), Some("\"青霉素\""));
    sync::resolve(&a.db, &admin, open[0].id, Keep::Remote).unwrap();
    a.exchange();
    b.exchange();
    a.exchange();
    assert_eq!((allergy(&a), allergy(&b)), ("青霉素".to_string(), "青霉素".to_string()));
    assert!(sync::conflicts(&a.db, &admin).unwrap().is_empty());
    assert!(sync::conflicts(&b.db, &admin).unwrap().is_empty(), "the pick on a settled b's too");
    assert_same(&a.rows(centre), &b.rows(centre));

    // The same client checked in at both PCs while the network was down: each keeps its
    // own check-in, the other's is a conflict for the manager, and the exchange goes on.
    let second = client + 1;
    let second: i64 = common::count(
        &a.db,
        &format!(
            "SELECT min(id) FROM clients WHERE facility_id = {centre} AND status = 'active' AND id >= {second}
               AND id NOT IN (SELECT person_id FROM attendance WHERE person_kind = 'client' AND out_at IS NULL)"
        ),
    );
    frontdesk::check_in(&a.db, &admin, PersonKind::Client, second, a.clock.now()).unwrap();
    frontdesk::check_in(&b.db, &admin, PersonKind::Client, second, b.clock.now()).unwrap();
    a.exchange();
    assert_eq!(b.exchange().pulled.conflicts, 1);
    assert_eq!(a.exchange().pulled.conflicts, 1);
    let open_check_ins = format!(
        "SELECT count(*) FROM attendance WHERE person_kind = 'client' AND person_id = {second} AND out_at IS NULL"
    );
    assert_eq!((common::count(&a.db, &open_check_ins), common::count(&b.db, &open_check_ins)), (1, 1));
    let duplicate = sync::conflicts(&b.db, &admin).unwrap();
    assert_eq!(duplicate.len(), 1);
    assert_eq!((duplicate[0].entity.as_str(), duplicate[0].field.as_str()), ("attendance", "*"));
    assert_eq!(duplicate[0].facility_id, Some(centre));
    let refused = sync::resolve(&b.db, &admin, duplicate[0].id, Keep::Remote).unwrap_err();
    assert!(matches!(&refused, CoreError::Invalid(v) if v.code == "sync.duplicate_kept_here"), "{refused:?}");
    sync::resolve(&b.db, &admin, duplicate[0].id, Keep::Local).unwrap();
    assert!(sync::conflicts(&b.db, &admin).unwrap().is_empty());
    a.sql(&format!("UPDATE clients SET notes = '之后' WHERE id = {client}"));
    a.exchange();
    b.exchange();
    assert_eq!(b.text(&format!("SELECT notes FROM clients WHERE id = {client}")).as_deref(), Some("之后"));

    // A batch delivered twice changes nothing: b reads the whole log again.
    let settled = b.rows(centre);
    b.sql("UPDATE sync_state SET last_pulled = 0");
    let again = b.exchange();
    assert!(again.pulled.changes > 1000);
    assert_eq!(again.pulled.conflicts, 0);
    assert_same(&b.rows(centre), &settled);
    assert_eq!(sync::status(&b.db, Locale::En).unwrap().pending, 0, "nothing applied is sent back");

    // A push whose answer was lost is sent again: the hub keeps one copy.
    let in_log = |owner: &mut postgres::Client| -> i64 {
        owner.query_one("SELECT count(*) FROM hub.changes", &[]).unwrap().get(0)
    };
    a.sql(&format!("UPDATE clients SET phone = '13900000003' WHERE id = {client}"));
    a.sql("CREATE TABLE kept AS SELECT * FROM sync_outbox");
    let logged = in_log(&mut owner);
    assert_eq!(sync::push(&a.db, &mut a.hub).unwrap(), 1);
    a.sql("INSERT INTO sync_outbox SELECT * FROM kept");
    assert_eq!(sync::push(&a.db, &mut a.hub).unwrap(), 1);
    assert_eq!(in_log(&mut owner), logged + 1);

    // An entry changed at the hub (only its owner could) no longer matches its seal: b
    // refuses it and keeps nothing of its batch, and the status line says so.
    owner
        .execute(
            "UPDATE hub.audit SET username = 'someone_else' WHERE id = (SELECT max(id) FROM hub.audit WHERE pc = $1::text::uuid)",
            &[&a.pc],
        )
        .unwrap();
    b.sql("UPDATE sync_state SET audit_pulled = 0");
    let kept = common::count(&b.db, "SELECT count(*) FROM audit_remote");
    let forged = sync::exchange(&b.db, &mut b.hub).unwrap_err();
    assert!(matches!(&forged, CoreError::Invalid(v) if v.code == "sync.audit_forged"), "{forged:?}");
    assert_eq!(common::count(&b.db, "SELECT count(*) FROM audit_remote"), kept);
    let said = sync::status(&b.db, Locale::ZhCn).unwrap().last_error.expect("the status line says why");
    assert_eq!(said.code, "sync.audit_forged");
}

#[test]
fn a_person_moved_to_another_facility_reaches_its_pcs_with_what_went_with_them() {
    let mut hub_city = City::with_copies(&["centre", "other", "unit", "other_unit"]);
    let (from, to) = two_centres(&hub_city.master.db);
    let ((unit_from, _), (unit_to, unit_to_class)) = crate::transfer::two_units(&hub_city.master.db);
    let mut centre = hub_city.pc("centre", Some(from));
    let mut other = hub_city.pc("other", Some(to));
    let mut unit = hub_city.pc("unit", Some(unit_from));
    let mut other_unit = hub_city.pc("other_unit", Some(unit_to));
    let City { admin, mut owner, .. } = hub_city;
    for pc in [&mut centre, &mut other, &mut unit, &mut other_unit] {
        pc.exchange();
    }
    let uid_of =
        |pc: &Pc, table: &str, id: i64| pc.text(&format!("SELECT lower(hex(uid)) FROM {table} WHERE id = {id}"));
    let count_where = |pc: &Pc, sql: String| common::count(&pc.db, &sql);
    let foreign = |pc: &Pc, old: i64| {
        count_where(pc, format!("SELECT count(*) FROM clients WHERE facility_id = {old}"))
            + count_where(pc, format!("SELECT count(*) FROM children WHERE facility_id = {old}"))
    };
    let held_before = (foreign(&other, from), foreign(&other_unit, unit_from));

    // A client newly registered at the centre (the other centre's PC never held them), with
    // a contact and a plan under way; a nurse's reading raises an alert; the client is
    // checked in. The city's administrator, at the centre's PC, moves the client to the
    // other centre (a facility's own accounts may not).
    let demo_client = common::count(&centre.db, &format!("SELECT min(id) FROM clients WHERE facility_id = {from}"));
    let shown = people::get_client(&centre.db, &admin, demo_client, common::today()).unwrap();
    let form = ClientInput {
        name: "迁居测试".into(),
        identity: IdentityInput { id_number: None, ..crate::transfer::client_moved_to(&shown, from).identity },
        contacts: vec![ContactInput {
            name: "迁居家属".into(), relation: "女儿".into(), phone: "13800001111".into()
        }],
        consent: true,
        ..crate::transfer::client_moved_to(&shown, from)
    };
    let client = people::create_client(&centre.db, &admin, &form, common::today()).unwrap().id;
    plans::create_plan_item(&centre.db, &admin, &common::fixture::weekly_rehab(client, common::today())).unwrap();
    let nurse = common::account(&centre.db, &admin, "nurse-from", carecircle_core::Role::Nurse, Some(from));
    let urgent = CheckupInput {
        vitals: VitalsInput { systolic: Some(185), diastolic: Some(112), ..Default::default() },
        ..Default::default()
    };
    let checkup =
        health::record_checkup(&centre.db, &nurse, client, &urgent, common::at("2026-11-29T01:00:00Z")).unwrap();
    frontdesk::check_in(&centre.db, &admin, PersonKind::Client, client, common::at("2026-11-29T01:30:00Z")).unwrap();
    centre.exchange();
    let shown = people::get_client(&centre.db, &admin, client, common::today()).unwrap();
    people::update_client(&centre.db, &admin, client, &crate::transfer::client_moved_to(&shown, to), common::today())
        .unwrap();
    let client_uid = uid_of(&centre, "clients", client).unwrap();
    assert_eq!(centre.exchange().pulled.conflicts, 0);
    assert_eq!(other.exchange().pulled.conflicts, 0);

    // At the other centre: the client, the contacts, the plan going on from today, and the
    // open alert with the reading that raised it, for its nurses to follow up.
    let here = |sql: &str| format!("{sql} (SELECT id FROM clients WHERE lower(hex(uid)) = '{client_uid}')");
    let moved = count_where(&other, here("SELECT id FROM clients WHERE id IN"));
    assert!(moved > 0, "the client reached the other centre's PC");
    assert_eq!(count_where(&other, here("SELECT facility_id FROM clients WHERE id IN")), to);
    assert_eq!(
        count_where(&other, here("SELECT count(*) FROM client_contacts WHERE client_id IN")),
        count_where(&centre, format!("SELECT count(*) FROM client_contacts WHERE client_id = {client}")),
    );
    let plan = format!("SELECT count(*) FROM care_plan_items WHERE facility_id = {to} AND client_id = ");
    assert!(count_where(&centre, format!("{plan}{client}")) > 0);
    assert_eq!(count_where(&other, format!("{plan}{moved}")), count_where(&centre, format!("{plan}{client}")));
    let other_nurse = common::account(&other.db, &admin, "nurse-to", carecircle_core::Role::Nurse, Some(to));
    let alerts = health::open_alerts(&other.db, &other_nurse, to).unwrap();
    let alert = alerts.iter().find(|a| a.client_id == moved).expect("the open alert came along");
    assert_eq!(uid_of(&other, "checkups", alert.checkup_id), uid_of(&centre, "checkups", checkup.id));
    let readings = health::checkups(&other.db, &other_nurse, moved).unwrap();
    let reading = readings.iter().find(|k| k.id == alert.checkup_id).expect("the reading behind the alert");
    assert_eq!(reading.recorded_by, 0, "the old centre's nurse is nobody here; the name says who");
    assert_eq!(reading.recorded_by_name, nurse.display_name);
    // What stays behind stays: the check-in and the visits done are the old centre's.
    assert_eq!(
        count_where(
            &other,
            format!("SELECT count(*) FROM attendance WHERE person_kind = 'client' AND person_id = {moved}")
        ),
        0
    );
    assert_eq!(count_where(&other, format!("SELECT count(*) FROM visits WHERE client_id = {moved}")), 0);
    // A child with a course of medicine under way and the morning's dose given moves from
    // one unit to the other: the unit's PCs get the child, the contacts, the course and the
    // day's dose (no second dose today).
    let demo_child = common::count(
        &unit.db,
        &format!(
            "SELECT min(id) FROM children WHERE facility_id = {unit_from} AND left_on IS NULL AND class_id IS NOT NULL"
        ),
    );
    let shown = people::get_child(&unit.db, &admin, demo_child, common::today()).unwrap();
    let mut form = common::fixture::child_form_as_shown(&shown);
    form.name = "迁园测试".into();
    form.identity.id_number = None;
    form.consent = true;
    for contact in &mut form.contacts {
        contact.id = None;
    }
    let child = people::create_child(&unit.db, &admin, &form, common::today()).unwrap().id;
    let now = common::at("2026-11-29T02:00:00Z");
    let course = MedicineInput {
        medicine: "阿莫西林颗粒".into(),
        dose: "1 袋".into(),
        times_per_day: 2,
        times: Some("10:00, 14:00".into()),
        from_day: (common::today() - Duration::days(1)).to_string(),
        to_day: (common::today() + Duration::days(2)).to_string(),
        guardian_name: "家长".into(),
        note: None,
    };
    let running = medicine::add_medicine(&unit.db, &admin, child, &course, now).unwrap();
    medicine::give_dose(&unit.db, &admin, running.id, &DoseInput::default(), now).unwrap();
    let shown = people::get_child(&unit.db, &admin, child, common::today()).unwrap();
    people::update_child(
        &unit.db,
        &admin,
        child,
        &crate::transfer::child_moved_to(&shown, unit_to, unit_to_class),
        common::today(),
    )
    .unwrap();
    let child_uid = uid_of(&unit, "children", child).unwrap();
    unit.exchange();
    assert_eq!(other_unit.exchange().pulled.conflicts, 0);
    let arrived = count_where(&other_unit, format!("SELECT id FROM children WHERE lower(hex(uid)) = '{child_uid}'"));
    assert!(arrived > 0, "the child reached the other unit's PC");
    assert_eq!(count_where(&other_unit, format!("SELECT class_id FROM children WHERE id = {arrived}")), unit_to_class);
    assert_eq!(
        count_where(&other_unit, format!("SELECT count(*) FROM child_contacts WHERE child_id = {arrived}")),
        count_where(&unit, format!("SELECT count(*) FROM child_contacts WHERE child_id = {child}")),
    );
    let day = medicine::medicines_for_day(&other_unit.db, &admin, unit_to, common::today()).unwrap();
    let course_here = day.iter().find(|m| m.order.child_id == arrived).expect("the course came along");
    assert_eq!(course_here.doses.len(), 1, "the morning's dose came along");
    assert_eq!(course_here.still_due, 1);

    // Only the moved people came: of the old facilities' people, the other centre's and
    // unit's PCs hold what their copies of the demo city held before, and no more.
    assert_eq!((foreign(&other, from), foreign(&other_unit, unit_from)), held_before);
    let relayed: i64 = owner
        .query_one(
            "SELECT count(*) FROM hub.changes WHERE facility_id = $1 AND pc = $2::text::uuid",
            &[&(to as i32), &centre.pc],
        )
        .unwrap()
        .get(0);
    assert!(relayed > 0);
    for pc in [&mut centre, &mut other, &mut unit, &mut other_unit] {
        pc.exchange();
    }
    for pc in [&centre, &other, &unit, &other_unit] {
        let status = sync::status(&pc.db, Locale::En).unwrap();
        assert_eq!((status.pending, status.conflicts), (0, 0));
    }
}

#[test]
fn a_hub_stopped_mid_push_and_a_batch_cut_short_lose_nothing_and_double_nothing() {
    let mut hub_city = City::with_copies(&["a", "b"]);
    let (centre, _) = two_centres(&hub_city.master.db);
    let mut a = hub_city.pc("a", Some(centre));
    let mut b = hub_city.pc("b", Some(centre));
    // A new connection is kept only when the hub knows it as this same PC.
    let refused = sync::reconnect(&b.db, &hub_city.admin, &a.hub_url).unwrap_err();
    assert!(matches!(&refused, CoreError::Invalid(v) if v.code == "sync.other_pc"), "{refused:?}");
    b.sql("UPDATE sync_state SET hub = NULL");
    let lost = sync::sync_now(&b.db).unwrap_err();
    assert!(matches!(&lost, CoreError::Invalid(v) if v.code == "sync.no_connection"), "{lost:?}");
    sync::reconnect(&b.db, &hub_city.admin, &b.hub_url).unwrap();
    sync::sync_now(&b.db).unwrap();
    let City { cluster, master, admin, .. } = hub_city;
    // More than one batch waits on a: what it holds, and a change to every check-in.
    a.sql(&format!("UPDATE attendance SET picked_up_name = '家属' || id WHERE facility_id = {centre}"));
    let queued = sync::status(&a.db, Locale::En).unwrap().pending;
    assert!(queued > 2000, "{queued} changes wait");

    // The hub stops while a pushes (the moment varies from run to run; every moment must
    // end the same way). The push fails and says why; nothing waiting is dropped.
    let pushed = std::thread::scope(|s| {
        let stopper = s.spawn(|| {
            let mut watch = hub::connect(&cluster.url(OWNER)).unwrap();
            let start = std::time::Instant::now();
            while start.elapsed() < std::time::Duration::from_secs(30) {
                let n: i64 = watch.query_one("SELECT count(*) FROM hub.changes", &[]).map(|r| r.get(0)).unwrap_or(0);
                if n > 0 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            drop(watch);
            cluster.stop();
        });
        let pushed = sync::exchange(&a.db, &mut a.hub);
        stopper.join().unwrap();
        pushed
    });
    let status = sync::status(&a.db, Locale::En).unwrap();
    if pushed.is_err() {
        assert!(status.last_error.is_some(), "the status line says why");
    }
    assert!(status.pending > 0 || pushed.is_ok());
    assert!(sync::exchange(&a.db, &mut a.hub).is_err(), "the hub is down");
    // The status line says so in the reader's language, from the code kept.
    let down = sync::status(&a.db, Locale::ZhCn).unwrap().last_error.expect("the failure is kept");
    assert_eq!(down.code, "hub.failed");
    assert!(down.message.contains("数据中心"), "{}", down.message);

    // Back up: the next exchange sends the rest; the hub holds each change once.
    cluster.restart();
    let mut owner = hub::connect(&cluster.url(OWNER)).unwrap();
    a.hub = hub::connect(&a.hub_url).unwrap();
    b.hub = hub::connect(&b.hub_url).unwrap();
    a.exchange();
    let status = sync::status(&a.db, Locale::En).unwrap();
    assert_eq!((status.pending, status.last_error), (0, None));
    let (rows, seqs): (i64, i64) = {
        let r = owner
            .query_one("SELECT count(*), count(DISTINCT seq) FROM hub.changes WHERE pc = $1::text::uuid", &[&a.pc])
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!((rows, seqs), (queued, queued), "each change once");

    // A batch that fails part way (here: a change no PC could apply, slipped into the log by
    // the hub's owner after two of a's, as from a PC that does not exist) leaves nothing of
    // itself behind, and is read again once it can be.
    b.exchange();
    assert_same(&b.rows(centre), &a.rows(centre));
    let client: i64 = common::count(&a.db, &format!("SELECT min(id) FROM clients WHERE facility_id = {centre}"));
    a.sql(&format!("UPDATE clients SET phone = '13900000011' WHERE id = {client}"));
    a.exchange();
    a.sql(&format!("UPDATE clients SET address = '乙' WHERE id = {client}"));
    a.exchange();
    owner
        .execute(
            r#"INSERT INTO hub.changes (facility_id, pc, seq, hlc, entity, uid, fields, op)
               VALUES ($1, '0190a0b1-0000-7000-8000-0000000000ff', 999999, '9999999999999.00000.x', 'clients',
                       gen_random_uuid(), '{"facility_id": "not a uid"}'::jsonb, 'i')"#,
            &[&(centre as i32)],
        )
        .unwrap();
    let before_pull = b.rows(centre);
    let last = common::count(&b.db, "SELECT last_pulled FROM sync_state");
    let cut = sync::exchange(&b.db, &mut b.hub).unwrap_err();
    assert!(matches!(&cut, CoreError::Invalid(v) if v.code == "sync.apply_failed"), "{cut:?}");
    assert_same(&b.rows(centre), &before_pull);
    assert_eq!(common::count(&b.db, "SELECT last_pulled FROM sync_state"), last);
    assert!(sync::status(&b.db, Locale::En).unwrap().last_error.is_some());
    owner.execute("DELETE FROM hub.changes WHERE seq = 999999", &[]).unwrap();
    b.exchange();
    assert_eq!(
        b.text(&format!("SELECT phone || address FROM clients WHERE id = {client}")).as_deref(),
        Some("13900000011乙")
    );
    assert_same(&b.rows(centre), &a.rows(centre));
    assert_eq!(sync::status(&b.db, Locale::En).unwrap().last_error, None);

    // A change this PC's rules refuse waits for a manager, and the changes after it still
    // arrive: one user name given on both PCs, a dish deleted on one and put on a menu on
    // the other.
    let account = |pc: &Pc, name: &str| {
        pc.sql(&format!(
            "INSERT INTO accounts (username, display_name, password_hash, role, facility_id, created_at, updated_at)
             VALUES ('{name}', '{name}', 'x', 'nurse', {centre}, 'now', 'now')"
        ))
    };
    account(&a, "nurse_of_a");
    account(&b, "nurse_of_b");
    a.sql(&format!(
        "INSERT INTO dishes (facility_id, name, created_at, updated_at) VALUES ({centre}, '同步测试菜', 'now', 'now')"
    ));
    a.exchange();
    b.exchange();
    a.exchange();
    a.sql("UPDATE accounts SET username = 'nurse_wang' WHERE username = 'nurse_of_a'");
    b.sql("UPDATE accounts SET username = 'nurse_wang' WHERE username = 'nurse_of_b'");
    a.sql("DELETE FROM dishes WHERE name = '同步测试菜'");
    b.sql(&format!(
        "INSERT INTO menu_items (menu_id, day, meal, dish_id)
         SELECT max(id), '2026-12-07', 'lunch', (SELECT id FROM dishes WHERE name = '同步测试菜')
         FROM menus WHERE facility_id = {centre}"
    ));
    a.sql(&format!("UPDATE clients SET notes = '拒绝之后' WHERE id = {client}"));
    b.sql(&format!("UPDATE clients SET address = '丙' WHERE id = {client}"));
    a.exchange();
    assert_eq!(b.exchange().pulled.conflicts, 2);
    assert_eq!(a.exchange().pulled.conflicts, 2);
    let refused = |pc: &Pc| -> Vec<(String, String, Option<String>)> {
        let mut open: Vec<_> =
            sync::conflicts(&pc.db, &admin).unwrap().into_iter().map(|c| (c.entity, c.field, c.remote_op)).collect();
        open.sort();
        open
    };
    let each = |entity: &str, op: &str| (entity.to_string(), "*".to_string(), Some(op.to_string()));
    // b: a's rename (the name is b's here) and a's delete (the dish is on b's menu).
    assert_eq!(refused(&b), vec![each("accounts", "u"), each("dishes", "d")]);
    // a: b's rename, and b's menu item (its dish is gone here).
    assert_eq!(refused(&a), vec![each("accounts", "u"), each("menu_items", "i")]);
    for pc in [&a, &b] {
        assert_eq!(
            pc.text(&format!("SELECT notes || address FROM clients WHERE id = {client}")).as_deref(),
            Some("拒绝之后丙"),
            "the changes after the refused ones arrived"
        );
        assert_eq!(sync::status(&pc.db, Locale::En).unwrap().last_error, None);
    }
    assert_eq!(
        common::count(&b.db, "SELECT count(*) FROM dishes WHERE name = '同步测试菜'"),
        1,
        "kept where it is used"
    );
    assert_eq!(common::count(&a.db, "SELECT count(*) FROM accounts WHERE username = 'nurse_wang'"), 1);

    // a restored from a backup numbers its changes again from where the backup stood: the
    // first change after the restore is not taken for one the hub holds already.
    let backup = master.dir.path().join("a-backup.db");
    a.db.backup_to(&backup).unwrap();
    a.sql(&format!("UPDATE clients SET phone = '13900000021' WHERE id = {client}"));
    a.exchange();
    a.db.restore_from(&backup, master.dir.path().join("a-before-restore.db")).unwrap();
    a.sql(&format!("UPDATE clients SET notes = '还原之后' WHERE id = {client}"));
    assert_eq!(a.exchange().pushed, 1);
    b.exchange();
    assert_eq!(b.text(&format!("SELECT notes FROM clients WHERE id = {client}")).as_deref(), Some("还原之后"));
    // What a sent after the backup was taken back from the hub: a holds it again, as b does.
    let phone_notes = format!("SELECT phone || notes FROM clients WHERE id = {client}");
    assert_eq!(a.text(&phone_notes).as_deref(), Some("13900000021还原之后"));
    assert_eq!(b.text(&phone_notes), a.text(&phone_notes));
    assert_eq!(a.exchange().pushed, 0, "nothing taken back is sent again");

    // A PC that joined before the subsidy rates travelled gives them their hub ids at its
    // next open, so a change to one is sent.
    b.sql("UPDATE subsidy_rates SET uid = NULL");
    let Pc { db, clock, .. } = b;
    drop(db);
    let db = Db::open(master.dir.path().join("b.db"), clock).unwrap();
    assert_eq!(common::count(&db, "SELECT count(*) FROM subsidy_rates WHERE uid IS NULL"), 0);
}

#[test]
fn a_new_pc_of_a_centre_starts_empty_receives_everything_and_makes_the_same_monthly_report() {
    use carecircle_core::domain::month::Month;
    use carecircle_core::services::accounts;
    use carecircle_core::{report, Locale};
    let mut hub_city = City::with_copies(&["city", "a"]);
    let (centre, _) = two_centres(&hub_city.master.db);
    let mut city = hub_city.pc("city", None);
    city.exchange();
    let mut a = hub_city.pc("a", Some(centre));
    a.exchange();
    let City { cluster, mut owner, master, admin } = hub_city;
    let dir = master.dir.path();
    let substituted = common::count(
        &a.db,
        &format!("SELECT count(*) FROM booking_substitutions s JOIN bookings b ON b.id = s.booking_id WHERE b.facility_id = {centre}"),
    );
    assert!(substituted > 0, "the centre's report counts dish substitutions");

    // The nurse station's new PC: an empty database and the account of whoever set it up.
    let clock = common::clock();
    let empty = Db::open_or_create(dir.join("b.db"), clock.clone()).unwrap();
    let setup = accounts::set_up_city_admin(&empty, "setup", "装机员", "setup-pass-1").unwrap();
    let enrolment = hub::enrol(&mut owner, Some(centre), &hub::new_pc_id(clock.now()), "pass").unwrap();
    let joined = sync::join(&empty, &setup, &enrolment).unwrap();
    assert_eq!(joined.queued, 0, "it answers for nothing yet");
    let hub_url = cluster.url(&enrolment.role);
    let mut b = Pc { db: empty, clock, hub: hub::connect(&hub_url).unwrap(), hub_url, pc: enrolment.pc };
    let got = b.exchange();
    assert!(got.pulled.rows > 10_000, "{got:?}");
    // The same records under other local ids: compared in the form they travel in.
    let digest = sync::digest(&a.db, Some(centre)).unwrap();
    assert_eq!(sync::digest(&b.db, Some(centre)).unwrap(), digest);
    assert!(digest.iter().filter(|d| d.rows > 0).count() >= 15, "{digest:?}");
    // The city's structure too; b's city accounts are a's and the one b was set up with.
    let city_part = |pc: &Pc| -> Vec<_> {
        sync::digest(&pc.db, None).unwrap().into_iter().filter(|d| d.table != "accounts").collect()
    };
    assert_eq!(city_part(&b), city_part(&a));
    let city_accounts =
        "SELECT group_concat(username) FROM (SELECT username FROM accounts WHERE facility_id IS NULL ORDER BY 1)";
    assert_eq!(b.text(city_accounts), Some(format!("{},setup", a.text(city_accounts).unwrap())));
    assert_eq!(common::count(&b.db, "SELECT count(*) FROM facilities"), 113);

    // Figure for figure, the same report on either PC, last month and this one.
    for month in [Month::new(2026, 10).unwrap(), Month::new(2026, 11).unwrap()] {
        let made = |pc: &Pc| {
            let doc = report::build(&pc.db, &admin, Some(centre), month, Locale::ZhCn, pc.clock.now(), &mut |_| {});
            format!("{:?}", doc.unwrap())
        };
        assert_eq!(made(&a), made(&b), "{month:?}");
    }
    // And what b records now reaches a.
    let client: i64 = common::count(&b.db, &format!("SELECT min(id) FROM clients WHERE facility_id = {centre}"));
    b.sql(&format!("UPDATE clients SET notes = '护士站' WHERE id = {client}"));
    b.exchange();
    a.exchange();
    let uid = b.text(&format!("SELECT hex(uid) FROM clients WHERE id = {client}")).unwrap();
    assert_eq!(a.text(&format!("SELECT notes FROM clients WHERE hex(uid) = '{uid}'")).as_deref(), Some("护士站"));
}

#[test]
fn the_city_offices_replica_makes_the_same_city_report_as_one_database_holding_everything() {
    use carecircle_core::domain::month::Month;
    use carecircle_core::sync::entities::{Scope, ENTITIES};
    use carecircle_core::{report, Locale};
    let players = ["facility", "facility-2"];
    let City { cluster, mut owner, master, admin } = City::with_copies(&["city", players[0], players[1]]);
    let dir = master.dir.path();
    // The city office's PC holds the city's structure and accounts, no facility's records.
    {
        let city = Db::open(dir.join("city.db"), common::clock()).unwrap();
        city.write(|tx| {
            // As if it had never held them: the guard that keeps incident reports stands
            // aside, as it does while the hub's changes are applied.
            tx.execute("UPDATE sync_state SET applying = 1", [])?;
            for entity in ENTITIES.iter().rev().filter(|e| !matches!(e.scope, Scope::City)) {
                tx.execute(
                    &format!("DELETE FROM {} WHERE {} IS NOT NULL", entity.table, entity.facility_sql(entity.table)),
                    [],
                )?;
            }
            tx.execute("UPDATE sync_state SET applying = 0", [])?;
            Ok(())
        })
        .unwrap();
        assert_eq!(common::count(&city, "SELECT count(*) FROM clients"), 0);
    }
    let mut city = Pc::join(&cluster, &mut owner, &dir.join("city.db"), None, &admin);
    city.exchange();

    // Each facility's PC sends what it holds. (Two copies of the city play the 113 in turn,
    // side by side as PCs push at once, each copy's sync state cleared between turns: what
    // 113 PCs would send.)
    let facilities: Vec<i64> = master
        .db
        .read(|c| {
            Ok(c.prepare("SELECT id FROM facilities ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    assert_eq!(facilities.len(), 113);
    let sent: usize = std::thread::scope(|s| {
        let plays: Vec<_> = players
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let (cluster, admin, facilities) = (&cluster, &admin, &facilities);
                let path = dir.join(format!("{name}.db"));
                s.spawn(move || {
                    let clock = common::clock();
                    let playing = Db::open(path, clock.clone()).unwrap();
                    let mut owner = hub::connect(&cluster.url(OWNER)).unwrap();
                    let mut sent = 0;
                    for f in facilities.iter().skip(i).step_by(players.len()) {
                        playing
                            .write(|tx| {
                                Ok(tx.execute_batch(
                                    "UPDATE sync_state SET pc = NULL, facility_id = NULL, role = NULL, last_pulled = 0;
                                     DELETE FROM sync_outbox; DELETE FROM sync_field_clock;",
                                )?)
                            })
                            .unwrap();
                        let enrolment = hub::enrol(&mut owner, Some(*f), &hub::new_pc_id(clock.now()), "pass").unwrap();
                        sync::join(&playing, admin, &enrolment).unwrap();
                        let mut as_pc = hub::connect(&cluster.url(&enrolment.role)).unwrap();
                        sent += sync::push(&playing, &mut as_pc).unwrap();
                    }
                    sent
                })
            })
            .collect();
        plays.into_iter().map(|p| p.join().unwrap()).sum()
    });

    // The city office pulls it all; its city report is the one database's, figure for figure.
    let got = city.exchange();
    assert_eq!(got.pulled.changes, sent);
    assert_eq!(got.pulled.conflicts, 0);
    for month in [Month::new(2026, 10).unwrap(), Month::new(2026, 11).unwrap()] {
        let made = |db: &Db| {
            let doc = report::build(db, &admin, None, month, Locale::ZhCn, common::clock().now(), &mut |_| {});
            format!("{:?}", doc.unwrap())
        };
        assert_eq!(made(&city.db), made(&master.db), "{month:?}");
    }
}

#[test]
fn a_centre_signs_its_sheet_and_the_city_offices_decisions_and_lock_come_back() {
    use carecircle_core::domain::month::Month;
    use carecircle_core::services::settlement::{self, Decision, LineKind, SettlementStatus};

    let mut hub_city = City::with_copies(&["city", "a"]);
    let (centre, _) = two_centres(&hub_city.master.db);
    let mut city = hub_city.pc("city", None);
    let mut a = hub_city.pc("a", Some(centre));
    let City { admin, .. } = hub_city;
    for pc in [&mut city, &mut a] {
        pc.exchange();
    }
    let (november, december) = (Month::new(2026, 11).unwrap(), Clock::at_local(2026, 12, 2, 10, 0).now());
    let signed = settlement::sign(&a.db, &admin, centre, november, december).unwrap();
    assert!(signed.totals.lines > 0);
    a.exchange();
    city.exchange();

    // The city office sees the sheet as signed, line for line, and decides it at its PC.
    let at_city = settlement::sheet(&city.db, &admin, centre, november).unwrap();
    assert_eq!((at_city.status, &at_city.totals), (SettlementStatus::Signed, &signed.totals));
    let sources = |lines: &[settlement::SettlementLine], pc: &Pc| -> Vec<String> {
        let mut out: Vec<String> = lines
            .iter()
            .map(|l| {
                let uid =
                    pc.text(&format!("SELECT lower(hex(uid)) FROM {} WHERE id = {}", l.source_table, l.source_id));
                format!("{}|{}|{}", l.source_table, uid.unwrap_or_default(), l.amount_fen)
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(sources(&at_city.lines, &city), sources(&signed.lines, &a), "each line names the same record");
    let ids: Vec<i64> = at_city.lines.iter().filter_map(|l| l.id).collect();
    settlement::decide(&city.db, &admin, centre, november, &ids[..1], Decision::Rejected, Some("缺少签字"), december)
        .unwrap();
    settlement::decide(&city.db, &admin, centre, november, &ids[1..], Decision::Approved, None, december).unwrap();
    settlement::lock(&city.db, &admin, centre, november, december).unwrap();
    city.exchange();
    a.exchange();

    // Back at the centre: decided, locked, and the month's visits refuse a change.
    let back = settlement::sheet(&a.db, &admin, centre, november).unwrap();
    assert_eq!(back.status, SettlementStatus::Locked);
    assert_eq!(back.totals.approved_fen + back.totals.rejected_fen, signed.totals.amount_fen);
    assert_eq!(back.lines.iter().filter(|l| l.decision == Decision::Rejected).count(), 1);
    let visit = back.lines.iter().find(|l| l.kind == LineKind::Visit).unwrap().source_id;
    let refused = a.db.write(|c| Ok(c.execute(&format!("UPDATE visits SET note = 'x' WHERE id = {visit}"), [])?));
    assert_eq!(common::code(refused.unwrap_err()), "settlement.month_locked");
}
