//! People: registering clients, children and staff with the identity rules, facility
//! scope, masking, audited views and reveals.

use crate::common;

use carecircle_core::domain::person::{
    ChildContactInput, ChildInput, ClientInput, ClientStatus, ContactInput, DietNeed, IdentityInput, LivingSituation,
    PersonKind, Skill, StaffInput, StaffJob,
};
use carecircle_core::domain::resident_id::{check_char, Sex};
use carecircle_core::services::people::{self, ClientSummary, ListQuery, ListSort, ListStatus};
use carecircle_core::services::search::{search, SearchCache};
use carecircle_core::{CoreError, Db, Role};

fn invalid(e: CoreError) -> (&'static str, &'static str) {
    match e {
        CoreError::Invalid(v) => (v.code, v.field),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

/// A valid ID number for a birth date and sequence (odd = male), with its check character.
fn id_number(area: &str, birth: &str, seq: &str) -> String {
    let mut s = format!("{area}{birth}{seq}");
    s.push(check_char(s.as_bytes()));
    s
}

fn community_of(db: &Db, facility_id: i64) -> i64 {
    db.read(|c| Ok(c.query_row("SELECT community_id FROM facilities WHERE id = ?1", [facility_id], |r| r.get(0))?))
        .unwrap()
}

fn childcare_unit(db: &Db) -> (i64, i64) {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT f.id, cc.id FROM facilities f JOIN child_classes cc ON cc.facility_id = f.id
             WHERE f.kind = 'childcare' ORDER BY f.id, cc.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    })
    .unwrap()
}

fn client_form(db: &Db, facility_id: i64, id: &str) -> ClientInput {
    ClientInput {
        name: "巴特尔".into(),
        identity: IdentityInput { id_number: Some(id.into()), sex: None, birth_date: None },
        ethnicity: "蒙古族".into(),
        phone: Some("13947301234".into()),
        facility_id,
        community_id: community_of(db, facility_id),
        address: Some("海勃湾区新华街 12 号".into()),
        living_situation: LivingSituation::WithSpouse,
        chronic_conditions: vec![],
        diet_needs: vec![DietNeed::LowSalt, DietNeed::Halal],
        allergies: vec!["青霉素".into()],
        contacts: vec![ContactInput {
            name: "乌日娜".into(), relation: "女儿".into(), phone: "13804730000".into()
        }],
        consent: true,
        notes: None,
    }
}

fn child_form(facility_id: i64, class_id: i64) -> ChildInput {
    ChildInput {
        name: "马小雨".into(),
        identity: IdentityInput { id_number: None, sex: Some(Sex::Female), birth_date: Some("2023-03-08".into()) },
        ethnicity: "回族".into(),
        facility_id,
        class_id: Some(class_id),
        enrolled_on: "2025-09-01".into(),
        left_on: None,
        allergies: vec!["鸡蛋".into()],
        diet_needs: vec![DietNeed::Halal],
        contacts: vec![
            ChildContactInput {
                id: None,
                name: "马建国".into(),
                relation: "父亲".into(),
                phone: "13904731111".into(),
                is_guardian: true,
                may_pick_up: true,
                id_tail: Some("0031".into()),
            },
            ChildContactInput {
                id: None,
                name: "李秀英".into(),
                relation: "邻居".into(),
                phone: "13904732222".into(),
                is_guardian: false,
                may_pick_up: false,
                id_tail: None,
            },
        ],
        consent: true,
        notes: None,
    }
}

#[test]
fn a_client_is_registered_with_identity_from_the_id_number() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let id = id_number("150302", "19520314", "001");
    let client = people::create_client(&t.db, &admin, &client_form(&t.db, centre, &id), common::today()).unwrap();
    assert_eq!(client.sex, Sex::Male);
    assert_eq!(client.birth_date, "1952-03-14");
    assert_eq!(client.age, 74);
    assert_eq!(client.id_masked.as_deref(), Some("150302************"));
    assert_eq!(client.diet_needs, vec![DietNeed::LowSalt, DietNeed::Halal]);
    assert_eq!(client.contacts.len(), 1);
    assert_eq!(client.consent_on.as_deref(), Some("2026-11-29"));
    assert_eq!(client.consent_by.as_deref(), Some("市管理员"));
    let audited = common::count(
        &t.db,
        &format!(
            "SELECT count(*) FROM audit_log WHERE entity = 'client' AND entity_id = '{}' AND action = 'create'",
            client.id
        ),
    );
    assert_eq!(audited, 1);
    // The audit record never holds the full number.
    let leaked = common::count(&t.db, &format!("SELECT count(*) FROM audit_log WHERE after_json LIKE '%{id}%'"));
    assert_eq!(leaked, 0);
}

#[test]
fn bad_identity_is_refused_and_nothing_is_written() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let before = common::count(&t.db, "SELECT count(*) FROM clients");
    let mut form = client_form(&t.db, centre, "150302195203140011");
    assert_eq!(invalid(people::create_client(&t.db, &admin, &form, common::today()).unwrap_err()).0, "id.check_char");
    form.identity.id_number = Some(id_number("150302", "19520314", "001"));
    form.identity.sex = Some(Sex::Female);
    assert_eq!(
        invalid(people::create_client(&t.db, &admin, &form, common::today()).unwrap_err()),
        ("person.sex_mismatch", "sex")
    );
    form.identity.sex = None;
    form.identity.birth_date = Some("1952-03-15".into());
    assert_eq!(
        invalid(people::create_client(&t.db, &admin, &form, common::today()).unwrap_err()),
        ("person.birth_mismatch", "birth_date")
    );
    form.identity.birth_date = None;
    form.community_id = 99_999;
    assert_eq!(
        invalid(people::create_client(&t.db, &admin, &form, common::today()).unwrap_err()).0,
        "person.community_unknown"
    );
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM clients"), before, "nothing was written");
}

#[test]
fn the_same_id_cannot_belong_to_two_people() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let id = id_number("150303", "19450101", "002");
    let first = people::create_client(&t.db, &admin, &client_form(&t.db, a, &id), common::today()).unwrap();
    let e = people::create_client(&t.db, &admin, &client_form(&t.db, b, &id), common::today()).unwrap_err();
    assert_eq!(invalid(e), ("person.id_taken", "id_number"));
    // …nor a staff member's.
    let staff = StaffInput {
        name: "巴特尔".into(),
        sex: Sex::Female,
        id_number: Some(id.to_lowercase()),
        job: StaffJob::Caregiver,
        facility_id: b,
        phone: None,
        skills: vec![Skill::CaregiverCertificate],
        work_starts: "08:00".into(),
        work_ends: "17:00".into(),
        work_days: vec![1, 2, 3, 4, 5],
        active: true,
    };
    assert_eq!(invalid(people::create_staff(&t.db, &admin, &staff, common::today()).unwrap_err()).0, "person.id_taken");
    // Saving the same person again with their own number is fine.
    let again = people::update_client(&t.db, &admin, first.id, &client_form(&t.db, a, &id), common::today()).unwrap();
    assert_eq!(again.id_masked, first.id_masked);
}

#[test]
fn the_form_without_an_id_keeps_the_one_on_file() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let id = id_number("150304", "19400707", "011");
    let client = people::create_client(&t.db, &admin, &client_form(&t.db, a, &id), common::today()).unwrap();
    let mut form = client_form(&t.db, a, &id);
    form.identity.id_number = None;
    form.name = "巴特尔（改）".into();
    let saved = people::update_client(&t.db, &admin, client.id, &form, common::today()).unwrap();
    assert_eq!(saved.id_masked, client.id_masked);
    assert_eq!(saved.consent_on, client.consent_on, "consent keeps its first date");
    assert_eq!(
        people::reveal_id_number(&t.db, &admin, PersonKind::Client, client.id).unwrap().as_deref(),
        Some(id.as_str())
    );
}

#[test]
fn front_desk_sees_masked_ids_only_and_reveals_are_audited() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let id = id_number("150302", "19500505", "021");
    let client = people::create_client(&t.db, &admin, &client_form(&t.db, a, &id), common::today()).unwrap();
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    assert!(matches!(people::reveal_id_number(&t.db, &desk, PersonKind::Client, client.id), Err(CoreError::Forbidden)));
    let nurse_elsewhere = common::account(&t.db, &admin, "nurse-b", Role::Nurse, Some(b));
    assert!(matches!(
        people::reveal_id_number(&t.db, &nurse_elsewhere, PersonKind::Client, client.id),
        Err(CoreError::Forbidden)
    ));
    let nurse = common::account(&t.db, &admin, "nurse-a", Role::Nurse, Some(a));
    assert_eq!(people::reveal_id_number(&t.db, &nurse, PersonKind::Client, client.id).unwrap(), Some(id));
    let reveals =
        common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'reveal_id' AND username = 'nurse-a'");
    assert_eq!(reveals, 1);
    // Opening the record is audited as a view.
    people::get_client(&t.db, &desk, client.id, common::today()).unwrap();
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE action = 'view' AND username = 'desk'"), 1);
}

#[test]
fn front_desk_of_one_centre_cannot_touch_another_centres_people() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let other = people::create_client(
        &t.db,
        &admin,
        &client_form(&t.db, b, &id_number("150302", "19480808", "031")),
        common::today(),
    )
    .unwrap();
    assert!(matches!(people::get_client(&t.db, &desk, other.id, common::today()), Err(CoreError::Forbidden)));
    let form = client_form(&t.db, b, &id_number("150302", "19480808", "041"));
    assert!(matches!(people::create_client(&t.db, &desk, &form, common::today()), Err(CoreError::Forbidden)));
    assert!(matches!(people::update_client(&t.db, &desk, other.id, &form, common::today()), Err(CoreError::Forbidden)));
    let query = ListQuery { facility_id: Some(b), limit: 50, ..Default::default() };
    assert!(matches!(
        people::list_clients(&t.db, &desk, &SearchCache::new(), &query, common::today()),
        Err(CoreError::Forbidden)
    ));
    // Unscoped, the desk gets its own centre's clients only.
    let own = people::list_clients(
        &t.db,
        &desk,
        &SearchCache::new(),
        &ListQuery { limit: 500, ..Default::default() },
        common::today(),
    )
    .unwrap();
    assert!(own.total > 0 && own.rows.iter().all(|c| c.facility_id == a));
    // Staff records are kept by managers, not the front desk.
    let staff =
        people::list_staff(&t.db, &desk, &SearchCache::new(), &ListQuery { limit: 1, ..Default::default() }).unwrap();
    let s = people::get_staff(&t.db, &desk, staff.rows[0].id).unwrap();
    assert!(matches!(
        people::update_staff(
            &t.db,
            &desk,
            s.id,
            &StaffInput {
                name: s.name.clone(),
                sex: s.sex,
                id_number: None,
                job: s.job,
                facility_id: s.facility_id,
                phone: None,
                skills: vec![],
                work_starts: "08:00".into(),
                work_ends: "17:00".into(),
                work_days: vec![1],
                active: true
            },
            common::today()
        ),
        Err(CoreError::Forbidden)
    ));
}

#[test]
fn a_deceased_client_is_kept_and_leaves_the_active_list() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = people::create_client(
        &t.db,
        &admin,
        &client_form(&t.db, a, &id_number("150302", "19300101", "051")),
        common::today(),
    )
    .unwrap();
    let active = |include_inactive| {
        people::list_clients(
            &t.db,
            &admin,
            &SearchCache::new(),
            &ListQuery { facility_id: Some(a), include_inactive, limit: 500, ..Default::default() },
            common::today(),
        )
        .unwrap()
    };
    let before = active(false).total;
    let after = people::set_client_status(&t.db, &admin, client.id, ClientStatus::Deceased, common::today()).unwrap();
    assert_eq!(after.status, ClientStatus::Deceased);
    assert_eq!(after.status_since.as_deref(), Some("2026-11-29"));
    assert_eq!(active(false).total, before - 1);
    assert!(active(true).total > active(false).total, "the deceased client is still listed with the inactive ones");
    assert_eq!(common::count(&t.db, &format!("SELECT count(*) FROM clients WHERE id = {}", client.id)), 1);
}

#[test]
fn children_need_a_guardian_and_a_childcare_unit() {
    let (t, admin) = common::seeded();
    let (unit, class) = childcare_unit(&t.db);
    let child = people::create_child(&t.db, &admin, &child_form(unit, class), common::today()).unwrap();
    assert_eq!(child.age_months, 44);
    assert_eq!(child.contacts.len(), 2);
    assert!(child.class_name.is_some());
    let (centre, _) = common::two_elder_facilities(&t.db);
    let mut wrong = child_form(centre, class);
    wrong.name = "别的孩子".into();
    assert_eq!(
        invalid(people::create_child(&t.db, &admin, &wrong, common::today()).unwrap_err()).0,
        "child.facility_not_childcare"
    );
    let mut no_guardian = child_form(unit, class);
    for c in &mut no_guardian.contacts {
        c.is_guardian = false;
    }
    assert_eq!(
        invalid(people::create_child(&t.db, &admin, &no_guardian, common::today()).unwrap_err()).0,
        "child.guardian_required"
    );

    // Removing a contact retires it (past pick-ups still name them); editing keeps ids.
    let mut form = child_form(unit, class);
    form.contacts = vec![ChildContactInput { id: Some(child.contacts[0].id), ..form.contacts[0].clone() }];
    form.contacts[0].phone = "13904739999".into();
    let saved = people::update_child(&t.db, &admin, child.id, &form, common::today()).unwrap();
    assert_eq!(saved.contacts.len(), 1);
    assert_eq!(saved.contacts[0].id, child.contacts[0].id);
    assert_eq!(saved.contacts[0].phone, "13904739999");
    assert_eq!(common::count(&t.db, &format!("SELECT count(*) FROM child_contacts WHERE child_id = {}", child.id)), 2);
}

#[test]
fn demo_people_read_back_through_the_lists() {
    let (t, admin) = common::seeded();
    let page = people::list_children(
        &t.db,
        &admin,
        &SearchCache::new(),
        &ListQuery { limit: 20, ..Default::default() },
        common::today(),
    )
    .unwrap();
    assert_eq!(page.total, 500);
    assert_eq!(page.rows.len(), 20);
    let staff = people::list_staff(&t.db, &admin, &SearchCache::new(), &ListQuery { limit: 500, ..Default::default() })
        .unwrap();
    assert!(staff.total >= 150);
}

#[test]
fn lists_read_in_pinyin_order() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let query = ListQuery { facility_id: Some(a), limit: 500, ..Default::default() };
    let page = people::list_clients(&t.db, &admin, &SearchCache::new(), &query, common::today()).unwrap();
    let keys: Vec<String> = page.rows.iter().map(|c| carecircle_core::search::sort_key(&c.name)).collect();
    assert!(keys.len() > 20);
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "sorted by pinyin: {:?}", &page.rows[..5]);
    // 丁 (ding) before 王 (wang), whatever their code points say.
    let first_letters: String = keys.iter().filter_map(|k| k.chars().next()).collect();
    assert!(first_letters.find('d') < first_letters.find('w') || first_letters.find('d').is_none());
}

#[test]
fn an_id_on_file_elsewhere_is_refused_without_naming_the_holder() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let id = id_number("150302", "19440404", "061");
    people::create_client(&t.db, &admin, &client_form(&t.db, b, &id), common::today()).unwrap();
    let nurse = common::account(&t.db, &admin, "nurse-a", Role::Nurse, Some(a));
    let e = people::create_client(&t.db, &nurse, &client_form(&t.db, a, &id), common::today()).unwrap_err();
    let CoreError::Invalid(v) = e else { panic!("expected a validation error") };
    assert_eq!(v.code, "person.id_taken_elsewhere");
    assert!(v.params.is_empty(), "no name of a person the nurse may not see: {:?}", v.params);
}

#[test]
fn only_a_manager_changes_who_may_collect_a_child() {
    let (t, admin) = common::seeded();
    let (unit, class) = childcare_unit(&t.db);
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(unit));
    assert_eq!(
        invalid(people::create_child(&t.db, &desk, &child_form(unit, class), common::today()).unwrap_err()).0,
        "child.contacts_manager_only"
    );
    let manager = common::account(&t.db, &admin, "mgr", Role::FacilityManager, Some(unit));
    let child = people::create_child(&t.db, &manager, &child_form(unit, class), common::today()).unwrap();
    // The desk may correct allergies, but not add someone who may take the child.
    let mut form = child_form(unit, class);
    for (k, c) in form.contacts.iter_mut().zip(&child.contacts) {
        k.id = Some(c.id);
    }
    form.allergies = vec!["鸡蛋".into(), "牛奶".into()];
    people::update_child(&t.db, &desk, child.id, &form, common::today()).unwrap();
    form.contacts[1].may_pick_up = true;
    assert_eq!(
        invalid(people::update_child(&t.db, &desk, child.id, &form, common::today()).unwrap_err()).0,
        "child.contacts_manager_only"
    );
    people::update_child(&t.db, &manager, child.id, &form, common::today()).unwrap();
}

#[test]
fn a_child_outside_the_units_age_range_is_refused() {
    let (t, admin) = common::seeded();
    let (unit, class) = childcare_unit(&t.db);
    let (min, _): (i64, i64) =
        t.db.read(|c| {
            Ok(c.query_row("SELECT age_min_months, age_max_months FROM facilities WHERE id = ?1", [unit], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
        })
        .unwrap();
    let mut form = child_form(unit, class);
    form.identity.birth_date = Some("2025-08-25".into()); // days old at enrolment on 2025-09-01
    let e = people::create_child(&t.db, &admin, &form, common::today()).unwrap_err();
    assert_eq!(
        invalid(e).0,
        if min > 0 { "child.age_outside_unit" } else { unreachable!("demo units start above 0 months") }
    );
}

#[test]
fn the_desk_cannot_bring_back_a_deceased_client() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let client = people::create_client(
        &t.db,
        &admin,
        &client_form(&t.db, a, &id_number("150302", "19300303", "071")),
        common::today(),
    )
    .unwrap();
    people::set_client_status(&t.db, &admin, client.id, ClientStatus::Deceased, common::today()).unwrap();
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    let e = people::set_client_status(&t.db, &desk, client.id, ClientStatus::Active, common::today()).unwrap_err();
    assert_eq!(invalid(e).0, "client.reinstate_manager_only");
    let manager = common::account(&t.db, &admin, "mgr", Role::FacilityManager, Some(a));
    let back = people::set_client_status(&t.db, &manager, client.id, ClientStatus::Active, common::today()).unwrap();
    assert_eq!(back.status, ClientStatus::Active);
}

/// One facility's clients as the 人员 list shows them, narrowed and sorted by `query`.
fn clients_listed(t: &common::TestDb, admin: &carecircle_core::Actor, query: ListQuery) -> Vec<ClientSummary> {
    let query = ListQuery { limit: 500, ..query };
    let page = people::list_clients(&t.db, admin, &SearchCache::new(), &query, common::today()).unwrap();
    assert_eq!(page.total as usize, page.rows.len(), "one page holds them all");
    page.rows
}

#[test]
fn the_list_narrows_to_whom_the_search_box_finds() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let everyone = clients_listed(&t, &admin, ListQuery { facility_id: Some(a), ..Default::default() });
    let someone = &everyone[everyone.len() / 2];
    let (id_number, phone): (String, String) =
        t.db.read(|c| {
            Ok(c.query_row("SELECT id_number, phone FROM clients WHERE id = ?1", [someone.id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
        })
        .unwrap();
    let surname: String = someone.name.chars().take(1).collect();
    let initials: String = carecircle_core::search::sort_key(&someone.name).chars().take(1).collect();
    // The desk's search box of that facility's manager: scoped to it, so its top 100 are the facility's.
    let manager = common::account(&t.db, &admin, "zhanzhang-a", Role::FacilityManager, Some(a));
    let cache = SearchCache::new();
    for text in [surname.as_str(), &someone.name, &id_number[14..], &phone[phone.len() - 5..], initials.as_str()] {
        let query = ListQuery { facility_id: Some(a), search: Some(text.into()), ..Default::default() };
        let listed: Vec<i64> = clients_listed(&t, &admin, query).iter().map(|c| c.id).collect();
        assert!(listed.contains(&someone.id), "{text:?} finds {}", someone.name);
        assert!(listed.len() < everyone.len(), "{text:?} narrows the list of {}", everyone.len());
        // The same people the front desk's search box finds there, in the list's own order.
        let hits = search(&t.db, &manager, &cache, text, &[PersonKind::Client], 100, common::today()).unwrap();
        assert!(hits.len() < 100, "{text:?}: every hit fits in the box");
        let mut found: Vec<i64> = hits.into_iter().filter(|h| h.active).map(|h| h.id).collect();
        let mut sorted = listed.clone();
        sorted.sort();
        found.sort();
        assert_eq!(sorted, found, "{text:?}");
    }
    let nobody = ListQuery { facility_id: Some(a), search: Some("zzzzqx".into()), ..Default::default() };
    assert!(clients_listed(&t, &admin, nobody).is_empty());
    let blank = ListQuery { facility_id: Some(a), search: Some("  ".into()), ..Default::default() };
    assert_eq!(clients_listed(&t, &admin, blank).len(), everyone.len(), "blank text narrows nothing");
}

#[test]
fn the_list_filters_by_status_and_sorts_by_a_column() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let everyone = clients_listed(&t, &admin, ListQuery { facility_id: Some(a), ..Default::default() });
    people::set_client_status(&t.db, &admin, everyone[0].id, ClientStatus::Deceased, common::today()).unwrap();
    people::set_client_status(&t.db, &admin, everyone[1].id, ClientStatus::Suspended, common::today()).unwrap();
    let with = |status| ListQuery { facility_id: Some(a), status: Some(status), ..Default::default() };
    let gone = clients_listed(&t, &admin, with(ListStatus::Gone));
    assert!(gone.iter().any(|c| c.id == everyone[0].id));
    assert!(gone.iter().all(|c| matches!(c.status, ClientStatus::Moved | ClientStatus::Deceased)));
    let suspended = clients_listed(&t, &admin, with(ListStatus::Suspended));
    assert!(!suspended.is_empty() && suspended.iter().all(|c| c.status == ClientStatus::Suspended));
    assert!(clients_listed(&t, &admin, with(ListStatus::Active)).iter().all(|c| c.status == ClientStatus::Active));

    let sorted =
        |sort, descending| ListQuery { facility_id: Some(a), sort: Some(sort), descending, ..Default::default() };
    let oldest_first: Vec<u32> =
        clients_listed(&t, &admin, sorted(ListSort::Age, true)).iter().map(|c| c.age).collect();
    assert!(oldest_first.windows(2).all(|w| w[0] >= w[1]), "age, descending: {oldest_first:?}");
    assert!(oldest_first.first() > oldest_first.last(), "the demo's clients differ in age");
    let names: Vec<String> = clients_listed(&t, &admin, sorted(ListSort::Name, true))
        .iter()
        .map(|c| carecircle_core::search::sort_key(&c.name))
        .collect();
    assert!(names.windows(2).all(|w| w[0] >= w[1]), "names in reverse pinyin order");
    let levels: Vec<Option<i64>> = clients_listed(&t, &admin, sorted(ListSort::CareLevel, false))
        .iter()
        .map(|c| c.care_level.map(i64::from))
        .collect();
    let assessed = levels.iter().take_while(|l| l.is_some()).count();
    assert!(levels[assessed..].iter().all(Option::is_none), "the unassessed come last, as blanks in a spreadsheet");
    assert!(levels[..assessed].windows(2).all(|w| w[0] <= w[1]), "{levels:?}");

    // A column or a state another list has is refused, not quietly ignored.
    let cache = SearchCache::new();
    let by_job = ListQuery { sort: Some(ListSort::Job), ..Default::default() };
    let refused = people::list_clients(&t.db, &admin, &cache, &by_job, common::today()).unwrap_err();
    assert_eq!(invalid(refused), ("person.list_sort", "sort"));
    let suspended_children = ListQuery { status: Some(ListStatus::Suspended), ..Default::default() };
    let refused = people::list_children(&t.db, &admin, &cache, &suspended_children, common::today()).unwrap_err();
    assert_eq!(invalid(refused), ("person.list_status", "status"));
    let left = people::list_children(
        &t.db,
        &admin,
        &cache,
        &ListQuery { status: Some(ListStatus::Gone), limit: 500, ..Default::default() },
        common::today(),
    )
    .unwrap();
    assert!(left.rows.iter().all(|c| c.left_on.is_some()));
    let working = people::list_staff(
        &t.db,
        &admin,
        &cache,
        &ListQuery { status: Some(ListStatus::Active), sort: Some(ListSort::Job), limit: 500, ..Default::default() },
    )
    .unwrap();
    assert!(working.rows.iter().all(|s| s.active));
    let jobs: Vec<&str> = working.rows.iter().map(|s| s.job.as_str()).collect();
    assert!(jobs.windows(2).all(|w| w[0] <= w[1]), "{jobs:?}");
}
