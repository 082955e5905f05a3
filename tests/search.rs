//! The search box over the database: results within the actor's scope, and an index that
//! follows every change to people without being rebuilt for each query.

use crate::common;

use carecircle_core::domain::person::{ClientInput, DietNeed, IdentityInput, LivingSituation, PersonKind};
use carecircle_core::domain::resident_id::{check_char, Sex};
use carecircle_core::services::people;
use carecircle_core::services::search::{search, SearchCache};
use carecircle_core::Role;
use std::sync::Arc;

/// Registers a client with a fixed ID number; returns their id and the number.
fn new_client(t: &common::TestDb, admin: &carecircle_core::Actor, facility_id: i64, name: &str) -> (i64, String) {
    let community_id: i64 = t
        .db
        .read(|c| Ok(c.query_row("SELECT community_id FROM facilities WHERE id = ?1", [facility_id], |r| r.get(0))?))
        .unwrap();
    let mut id = String::from("15030219480202123");
    id.push(check_char(id.as_bytes()));
    let input = ClientInput {
        name: name.into(),
        identity: IdentityInput { id_number: Some(id.clone()), sex: None, birth_date: None },
        ethnicity: "汉族".into(),
        phone: Some("13912345678".into()),
        facility_id,
        community_id,
        address: None,
        living_situation: LivingSituation::Alone,
        chronic_conditions: vec![],
        diet_needs: vec![DietNeed::Soft],
        allergies: vec![],
        contacts: vec![],
        consent: false,
        notes: None,
    };
    (people::create_client(&t.db, admin, &input, common::today()).unwrap().id, id)
}

#[test]
fn a_new_client_is_found_at_once_and_the_index_is_reused_otherwise() {
    let (t, admin) = common::seeded();
    let (centre, _) = common::two_elder_facilities(&t.db);
    let cache = SearchCache::new();
    let first = cache.index(&t.db).unwrap();
    assert!(Arc::ptr_eq(&first, &cache.index(&t.db).unwrap()), "unchanged people: the same index");
    assert!(search(&t.db, &admin, &cache, "曾国藩", &[], 10, common::today()).unwrap().is_empty());
    let (id, number) = new_client(&t, &admin, centre, "曾国藩");
    let tail = &number[12..];
    for query in ["曾国藩", "zengguofan", "cgf", "zgf", tail, "12345678"] {
        let hits = search(&t.db, &admin, &cache, query, &[PersonKind::Client], 10, common::today()).unwrap();
        assert!(hits.iter().any(|h| h.id == id), "{query} finds the new client: {hits:?}");
    }
    let hit = &search(&t.db, &admin, &cache, "曾国藩", &[], 1, common::today()).unwrap()[0];
    assert_eq!((hit.kind, hit.sex, hit.age), (PersonKind::Client, Sex::Male, Some(78)));
    assert!(hit.id_masked.as_deref().unwrap().starts_with("150302********"));
}

#[test]
fn the_desk_finds_only_its_own_facilitys_people() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let (in_a, _) = new_client(&t, &admin, a, "呼和巴日");
    let desk_b = common::account(&t.db, &admin, "desk-b", Role::FrontDesk, Some(b));
    let cache = SearchCache::new();
    assert!(search(&t.db, &desk_b, &cache, "呼和巴日", &[], 10, common::today()).unwrap().is_empty());
    let desk_a = common::account(&t.db, &admin, "desk-a", Role::FrontDesk, Some(a));
    let hits = search(&t.db, &desk_a, &cache, "hhbr", &[], 10, common::today()).unwrap();
    assert_eq!(hits.first().map(|h| h.id), Some(in_a));
    assert!(hits.iter().all(|h| h.facility_id == a));
}
