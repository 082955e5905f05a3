//! The registry: browsing the city, editing facilities with validation, scope and audit.

use crate::common;

use carecircle_core::domain::facility::{ClassInput, Facility, FacilityInput, FacilityKind, Service};
use carecircle_core::services::registry::{self, FacilityFilter};
use carecircle_core::{CoreError, Role};

fn form_of(f: &Facility) -> FacilityInput {
    FacilityInput {
        name: f.name.clone(),
        community_id: f.community_id,
        address: f.address.clone(),
        phone: f.phone.clone(),
        opens_at: f.opens_at.clone(),
        closes_at: f.closes_at.clone(),
        open_days: f.open_days.clone(),
        capacity: f.capacity,
        services: f.services.clone(),
        age_min_months: f.age_min_months,
        age_max_months: f.age_max_months,
        classes: f.classes.iter().map(|c| ClassInput { id: Some(c.id), name: c.name.clone() }).collect(),
    }
}

fn invalid_code(e: CoreError) -> &'static str {
    match e {
        CoreError::Invalid(v) => v.code,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn the_tree_goes_district_circle_community() {
    let (t, admin) = common::seeded();
    let tree = registry::city_tree(&t.db, &admin).unwrap();
    assert_eq!(tree.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["海勃湾区", "海南区", "乌达区"]);
    assert_eq!(tree.iter().map(|d| d.circles.len()).sum::<usize>(), 14);
    let communities: usize = tree.iter().flat_map(|d| &d.circles).map(|c| c.communities.len()).sum();
    assert_eq!(communities, 83);
    let facilities: i64 =
        tree.iter().flat_map(|d| &d.circles).flat_map(|c| &c.communities).map(|c| c.facility_count).sum();
    assert_eq!(facilities, 113);
}

#[test]
fn listing_filters_by_each_level_and_kind() {
    let (t, admin) = common::seeded();
    let all = registry::list_facilities(&t.db, &admin, &FacilityFilter::default()).unwrap();
    assert_eq!(all.len(), 113);
    let circle = all[0].circle_id;
    let in_circle =
        registry::list_facilities(&t.db, &admin, &FacilityFilter { circle_id: Some(circle), ..Default::default() })
            .unwrap();
    assert!(!in_circle.is_empty() && in_circle.iter().all(|f| f.circle_id == circle));
    assert_eq!(
        in_circle.iter().filter(|f| f.kind == FacilityKind::ElderCentre).count(),
        1,
        "one centre per living circle"
    );
    let childcare = registry::list_facilities(
        &t.db,
        &admin,
        &FacilityFilter { kind: Some(FacilityKind::Childcare), ..Default::default() },
    )
    .unwrap();
    assert_eq!(childcare.len(), 25);
    let district =
        registry::list_facilities(&t.db, &admin, &FacilityFilter { district_id: Some(2), ..Default::default() })
            .unwrap();
    assert!(district.iter().all(|f| f.district_name == "海南区"));
}

#[test]
fn a_manager_edits_their_facility_and_the_change_is_audited() {
    let (t, admin) = common::seeded();
    let (mine, _) = common::two_elder_facilities(&t.db);
    let manager = common::account(&t.db, &admin, "zhanzhang", Role::FacilityManager, Some(mine));
    let before = registry::get_facility(&t.db, &manager, mine).unwrap();
    let input = FacilityInput {
        name: "新华养老服务中心（总部）".into(),
        capacity: 150,
        services: vec![Service::Medical, Service::Meals],
        opens_at: "07:30".into(),
        ..form_of(&before)
    };
    let after = registry::update_facility(&t.db, &manager, mine, &input).unwrap();
    assert_eq!(after.name, "新华养老服务中心（总部）");
    assert_eq!((after.capacity, after.opens_at.as_str()), (150, "07:30"));
    assert_eq!(after.services, vec![Service::Medical, Service::Meals]);
    let (who, before_json, after_json): (String, String, String) = t
        .db
        .read(|c| Ok(c.query_row("SELECT username, before_json, after_json FROM audit_log WHERE entity = 'facility' AND entity_id = ?1 AND action = 'update'", [mine.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?))
        .unwrap();
    assert_eq!(who, "zhanzhang");
    assert!(before_json.contains(&before.name) && after_json.contains("（总部）"));
}

#[test]
fn bad_input_is_refused_with_its_reason_and_changes_nothing() {
    let (t, admin) = common::seeded();
    let (id, _) = common::two_elder_facilities(&t.db);
    let good = form_of(&registry::get_facility(&t.db, &admin, id).unwrap());
    let audits = common::count(&t.db, "SELECT count(*) FROM audit_log");
    let try_save =
        |input: FacilityInput| invalid_code(registry::update_facility(&t.db, &admin, id, &input).unwrap_err());
    assert_eq!(try_save(FacilityInput { name: "   ".into(), ..good.clone() }), "facility.name_empty");
    assert_eq!(try_save(FacilityInput { capacity: -1, ..good.clone() }), "facility.capacity_negative");
    assert_eq!(try_save(FacilityInput { community_id: 99_999, ..good.clone() }), "facility.community_unknown");
    let unchanged = registry::get_facility(&t.db, &admin, id).unwrap();
    assert_eq!(form_of(&unchanged), good, "nothing changed");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log"), audits, "no audit entry for a refused edit");
    let msg = CoreError::Invalid(carecircle_core::error::Invalid::new("facility.capacity_negative", "capacity"))
        .to_payload(carecircle_core::Locale::ZhCn);
    assert_eq!(msg.message, "床位/托位数不能小于 0。");
    assert_eq!(msg.field.as_deref(), Some("capacity"));
}

#[test]
fn childcare_classes_are_renamed_added_and_removed() {
    let (t, admin) = common::seeded();
    let unit = registry::list_facilities(
        &t.db,
        &admin,
        &FacilityFilter { kind: Some(FacilityKind::Childcare), ..Default::default() },
    )
    .unwrap()[0]
        .id;
    let f = registry::get_facility(&t.db, &admin, unit).unwrap();
    // Swap the names of the first two classes (exercises the unique-name constraint),
    // keep the others, add one.
    let mut classes: Vec<ClassInput> =
        f.classes.iter().map(|c| ClassInput { id: Some(c.id), name: c.name.clone() }).collect();
    let (a, b) = (classes[0].name.clone(), classes[1].name.clone());
    classes[0].name = b.clone();
    classes[1].name = a.clone();
    classes.push(ClassInput { id: None, name: "混龄班".into() });
    let after = registry::update_facility(&t.db, &admin, unit, &FacilityInput { classes, ..form_of(&f) }).unwrap();
    assert_eq!(after.classes.len(), f.classes.len() + 1);
    assert_eq!(after.classes[0].name, b);
    // A class that still has children cannot be removed.
    let occupied =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT class_id FROM children WHERE facility_id = ?1 AND class_id IS NOT NULL LIMIT 1",
                [unit],
                |r| r.get::<_, i64>(0),
            )?)
        })
        .unwrap();
    let without: Vec<ClassInput> = after
        .classes
        .iter()
        .filter(|c| c.id != occupied)
        .map(|c| ClassInput { id: Some(c.id), name: c.name.clone() })
        .collect();
    let err = registry::update_facility(&t.db, &admin, unit, &FacilityInput { classes: without, ..form_of(&after) })
        .unwrap_err();
    assert_eq!(invalid_code(err), "facility.class_has_children");
}

#[test]
fn front_desk_sees_and_changes_only_its_own_centre() {
    let (t, admin) = common::seeded();
    let (mine, other) = common::two_elder_facilities(&t.db);
    let clerk = common::account(&t.db, &admin, "qiantai", Role::FrontDesk, Some(mine));
    let visible = registry::list_facilities(&t.db, &clerk, &FacilityFilter::default()).unwrap();
    assert_eq!(visible.iter().map(|f| f.id).collect::<Vec<_>>(), vec![mine]);
    assert!(matches!(registry::get_facility(&t.db, &clerk, other), Err(CoreError::Forbidden)));
    let own = registry::get_facility(&t.db, &clerk, mine).unwrap();
    assert!(
        matches!(registry::update_facility(&t.db, &clerk, mine, &form_of(&own)), Err(CoreError::Forbidden)),
        "front desk edits nothing"
    );
    let tree = registry::city_tree(&t.db, &clerk).unwrap();
    let counted: i64 =
        tree.iter().flat_map(|d| &d.circles).flat_map(|c| &c.communities).map(|c| c.facility_count).sum();
    assert_eq!(counted, 1, "the tree counts only the clerk's own facility");
}

#[test]
fn the_city_admin_adds_a_facility() {
    let (t, admin) = common::seeded();
    let template = form_of(&registry::get_facility(&t.db, &admin, 1).unwrap());
    let created = registry::create_facility(
        &t.db,
        &admin,
        FacilityKind::ElderStation,
        &FacilityInput { name: "新建养老服务站".into(), ..template.clone() },
    )
    .unwrap();
    assert_eq!(created.kind, FacilityKind::ElderStation);
    let clerk = common::account(&t.db, &admin, "qiantai", Role::FrontDesk, Some(1));
    assert!(matches!(
        registry::create_facility(&t.db, &clerk, FacilityKind::ElderStation, &template),
        Err(CoreError::Forbidden)
    ));
}

#[test]
fn two_facilities_cannot_share_a_name() {
    let (t, admin) = common::seeded();
    let (a, b) = common::two_elder_facilities(&t.db);
    let first = registry::get_facility(&t.db, &admin, a).unwrap();
    let second = registry::get_facility(&t.db, &admin, b).unwrap();
    let mut form = form_of(&second);
    form.name = first.name.clone();
    assert_eq!(invalid_code(registry::update_facility(&t.db, &admin, b, &form).unwrap_err()), "facility.name_taken");
    assert_eq!(
        invalid_code(registry::create_facility(&t.db, &admin, FacilityKind::ElderStation, &form).unwrap_err()),
        "facility.name_taken"
    );
    // Saving a facility under its own name is fine.
    registry::update_facility(&t.db, &admin, a, &form_of(&first)).unwrap();
}
