//! Meal bookings at the elder centres: the allergy and diet checks on booking, on standing
//! orders and at serving; cancellation cut-offs; standing orders stopping with the client;
//! the kitchen's counts; the month's totals and subsidies.
//!
//! The tests build their two centres, clients, dishes and menus through the services
//! (`common::Fixture`), for March 2027.

use crate::common;

use carecircle_core::domain::meals::{Clash, Meal, MealMode};
use carecircle_core::domain::person::{ClientInput, ClientStatus, DietNeed, IdentityInput};
use carecircle_core::services::meals::bookings::{
    self, BookingOutcome, BookingRequest, BookingStatus, ServeOutcome, SubstituteChoice,
};
use carecircle_core::services::meals::choices;
use carecircle_core::services::meals::dishes::DishInput;
use carecircle_core::services::meals::kitchen;
use carecircle_core::services::meals::standing::{self, StandingOrderInput};
use carecircle_core::services::meals::subsidy::{self, SubsidyCategory};
use carecircle_core::services::people;
use carecircle_core::{Actor, CoreError, Db, Role};
use chrono::{DateTime, NaiveDate, Utc};
use common::fixture::Fixture;
use common::{at, day};

/// Friday 26 February 2027, 10:00 in Wuhai: before every meal of the weeks under test.
fn before_march() -> DateTime<Utc> {
    at("2027-02-26T02:00:00Z")
}

fn invalid(e: CoreError) -> (&'static str, Vec<(&'static str, String)>) {
    match e {
        CoreError::Invalid(v) => (v.code, v.params),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn param(params: &[(&'static str, String)], name: &str) -> String {
    params.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// Codes as the app stores them (`"peanut"`, `"low_sugar"`) read into their enum.
fn codes<T: serde::de::DeserializeOwned>(list: &[&str]) -> Vec<T> {
    serde_json::from_value(serde_json::json!(list)).expect("known codes")
}

/// A dish of `facility`: allergens and suits as codes.
fn dish(f: &Fixture, facility: i64, name: &str, allergens: &[&str], suits: &[&str], salt: bool, sugar: bool) -> i64 {
    let input = DishInput {
        name: name.into(),
        ingredients: String::new(),
        allergens: codes(allergens),
        suits: codes(suits),
        added_salt: salt,
        added_sugar: sugar,
        portion: None,
        price_fen: 0,
    };
    f.dish(facility, &input)
}

fn menu(f: &Fixture, facility: i64, week_start: &str, published: bool, items: &[(&str, Meal, i64)]) -> i64 {
    let items: Vec<_> = items.iter().map(|&(d, meal, dish)| (day(d), meal, dish)).collect();
    f.menu(facility, day(week_start), published, &items)
}

fn add_menu_item(f: &Fixture, menu_id: i64, d: &str, meal: Meal, dish: i64) {
    f.add_to_meal(menu_id, day(d), meal, dish);
}

/// A client of `facility`, the `nth` the test registers, with the allergies, diet needs,
/// birth date, subsidy category and address the test needs.
struct ClientSpec<'a> {
    allergies: &'a [&'a str],
    diets: &'a [&'a str],
    birth: &'a str,
    category: &'a str,
    address: &'a str,
}

const PLAIN: ClientSpec<'static> =
    ClientSpec { allergies: &[], diets: &[], birth: "1955-06-01", category: "standard", address: "新华街 1 号" };

const NAMES: [&str; 16] = [
    "张桂英",
    "王淑珍",
    "李秀兰",
    "刘玉梅",
    "陈建国",
    "杨春花",
    "赵德胜",
    "黄丽华",
    "周志强",
    "吴美玲",
    "徐国庆",
    "孙凤英",
    "马占山",
    "朱秀云",
    "胡保国",
    "郭淑芬",
];

fn client(f: &Fixture, facility: i64, nth: usize, spec: &ClientSpec) -> i64 {
    let base = f.client_form(facility, NAMES[nth]);
    let input = ClientInput {
        identity: IdentityInput { birth_date: Some(spec.birth.into()), ..base.identity.clone() },
        address: Some(spec.address.into()),
        diet_needs: codes(spec.diets),
        allergies: spec.allergies.iter().map(|a| a.to_string()).collect(),
        ..base
    };
    let id = f.client(&input);
    // No service sets a client's subsidy category yet (the demo draws it): set it here.
    f.db.write(|c| {
        Ok(c.execute("UPDATE clients SET subsidy_category = ?1 WHERE id = ?2", rusqlite::params![spec.category, id])?)
    })
    .unwrap();
    id
}

/// Two elder centres, built through the services, and a front-desk clerk at the first.
fn setup() -> (Fixture, Actor, i64, Actor) {
    let f = Fixture::new();
    let centre = f.elder_centre("新华养老服务中心");
    f.elder_centre("凤凰岭养老服务中心");
    let admin = f.admin.clone();
    let desk = common::account(&f.db, &admin, "desk", Role::FrontDesk, Some(centre));
    (f, admin, centre, desk)
}

fn request(client_id: i64, days: &[&str], meals: &[Meal], mode: MealMode) -> BookingRequest {
    BookingRequest {
        client_id,
        days: days.iter().map(|d| day(d)).collect(),
        meals: meals.to_vec(),
        mode,
        substitutes: Vec::new(),
        confirm_diet: false,
    }
}

fn booked(outcome: BookingOutcome) -> Vec<bookings::Booking> {
    match outcome {
        BookingOutcome::Booked { bookings } => bookings,
        other => panic!("expected bookings, got {other:?}"),
    }
}

fn bookings_of(db: &Db, client_id: i64) -> i64 {
    common::count(db, &format!("SELECT count(*) FROM bookings WHERE client_id = {client_id}"))
}

#[test]
fn an_allergy_clash_is_refused_and_nothing_is_written() {
    let (t, admin, centre, desk) = setup();
    let rice = dish(&t, centre, "测试米饭", &[], &["soft"], false, false);
    let peanuts = dish(&t, centre, "测试花生拌菠菜", &["peanut"], &[], true, false);
    menu(
        &t,
        centre,
        "2027-03-01",
        true,
        &[("2027-03-01", Meal::Lunch, rice), ("2027-03-02", Meal::Lunch, rice), ("2027-03-02", Meal::Lunch, peanuts)],
    );
    let allergic = client(&t, centre, 0, &ClientSpec { allergies: &["花生"], ..PLAIN });

    // Monday is safe, Tuesday holds peanuts: the whole request is refused.
    let e = bookings::book(
        &t.db,
        &desk,
        &request(allergic, &["2027-03-01", "2027-03-02"], &[Meal::Lunch], MealMode::DineIn),
        before_march(),
    )
    .unwrap_err();
    let (code, params) = invalid(e);
    assert_eq!(code, "booking.allergy_clash");
    assert_eq!(param(&params, "dish"), "测试花生拌菠菜", "the error names the dish");
    assert_eq!(param(&params, "allergy"), "花生", "and the allergy");
    assert_eq!(param(&params, "day"), "2027-03-02");
    assert_eq!(bookings_of(&t.db, allergic), 0, "nothing written for the whole request, Monday included");

    // A day without a published menu is refused by name too.
    let e = bookings::book(
        &t.db,
        &desk,
        &request(allergic, &["2027-03-08"], &[Meal::Lunch], MealMode::DineIn),
        before_march(),
    )
    .unwrap_err();
    let (code, params) = invalid(e);
    assert_eq!((code, param(&params, "day").as_str()), ("booking.no_menu", "2027-03-08"));

    // Another centre's clerk may not book this client.
    let (_, other) = common::two_elder_facilities(&t.db);
    let stranger = common::account(&t.db, &admin, "stranger", Role::FrontDesk, Some(other));
    let e = bookings::book(
        &t.db,
        &stranger,
        &request(allergic, &["2027-03-01"], &[Meal::Lunch], MealMode::DineIn),
        before_march(),
    )
    .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden));
}

#[test]
fn a_safe_substitute_is_accepted_and_a_clashing_one_refused() {
    let (t, _admin, centre, desk) = setup();
    let (_, other) = common::two_elder_facilities(&t.db);
    let rice = dish(&t, centre, "测试米饭", &[], &[], false, false);
    let shrimp = dish(&t, centre, "测试白灼虾", &["shellfish"], &[], true, false);
    let crab = dish(&t, centre, "测试蟹黄豆腐", &["shellfish", "soy"], &[], true, false);
    let chicken = dish(&t, centre, "测试清蒸鸡", &[], &[], true, false);
    let elsewhere = dish(&t, other, "测试别家的鸡", &[], &[], true, false);
    menu(&t, centre, "2027-03-01", true, &[("2027-03-03", Meal::Lunch, rice), ("2027-03-03", Meal::Lunch, shrimp)]);
    let allergic = client(&t, centre, 1, &ClientSpec { allergies: &["海鲜"], ..PLAIN });
    let with = |substitute_dish_id| {
        let mut r = request(allergic, &["2027-03-03"], &[Meal::Lunch], MealMode::DineIn);
        r.substitutes = vec![SubstituteChoice { dish_id: shrimp, substitute_dish_id }];
        r
    };

    let (code, params) = invalid(bookings::book(&t.db, &desk, &with(crab), before_march()).unwrap_err());
    assert_eq!(code, "booking.substitute_clashes", "a substitute holding shellfish is no substitute");
    assert_eq!(param(&params, "dish"), "测试蟹黄豆腐");
    let (code, _) = invalid(bookings::book(&t.db, &desk, &with(elsewhere), before_march()).unwrap_err());
    assert_eq!(code, "booking.substitute_unknown", "only the centre's own dishes");
    let mut wrong = with(chicken);
    wrong.substitutes.push(SubstituteChoice { dish_id: crab, substitute_dish_id: chicken });
    let (code, _) = invalid(bookings::book(&t.db, &desk, &wrong, before_march()).unwrap_err());
    assert_eq!(code, "booking.substitute_not_on_menu", "a substitute for a dish not served that day is a mistake");
    assert_eq!(bookings_of(&t.db, allergic), 0);

    let made = booked(bookings::book(&t.db, &desk, &with(chicken), before_march()).unwrap());
    assert_eq!(made.len(), 1);
    let subs = &made[0].substitutions;
    assert_eq!(subs.len(), 1);
    assert_eq!((subs[0].dish_id, subs[0].substitute_dish_id), (shrimp, chicken));
    assert_eq!(subs[0].chosen_by_name, "desk");
    assert_eq!(made[0].status, BookingStatus::Booked);
}

#[test]
fn a_diet_clash_needs_confirmation_and_records_who_confirmed() {
    let (t, _admin, centre, desk) = setup();
    let cake = dish(&t, centre, "测试红糖发糕", &["wheat"], &["soft"], false, true);
    let pork = dish(&t, centre, "测试红烧肉", &[], &[], true, true);
    menu(&t, centre, "2027-03-01", true, &[("2027-03-04", Meal::Breakfast, cake), ("2027-03-04", Meal::Lunch, pork)]);
    let diabetic = client(&t, centre, 2, &ClientSpec { diets: &["low_sugar", "halal"], ..PLAIN });
    let mut r = request(diabetic, &["2027-03-04"], &[Meal::Breakfast, Meal::Lunch], MealMode::Delivery);

    let warnings = match bookings::book(&t.db, &desk, &r, before_march()).unwrap() {
        BookingOutcome::NeedsConfirmation { warnings } => warnings,
        other => panic!("a diet mismatch is a warning to confirm, got {other:?}"),
    };
    let seen: Vec<(Meal, &str, DietNeed)> = warnings.iter().map(|w| (w.meal, w.dish_name.as_str(), w.need)).collect();
    assert_eq!(
        seen,
        vec![
            (Meal::Breakfast, "测试红糖发糕", DietNeed::LowSugar),
            (Meal::Breakfast, "测试红糖发糕", DietNeed::Halal),
            (Meal::Lunch, "测试红烧肉", DietNeed::LowSugar),
            (Meal::Lunch, "测试红烧肉", DietNeed::Halal),
        ]
    );
    assert_eq!(bookings_of(&t.db, diabetic), 0, "nothing is written until the clerk confirms");

    r.confirm_diet = true;
    let made = booked(bookings::book(&t.db, &desk, &r, before_march()).unwrap());
    assert_eq!(made.len(), 2);
    for b in &made {
        assert_eq!(b.diet_confirmed_by.as_deref(), Some("desk"), "who confirmed is recorded");
        assert_eq!(b.diet_confirmed_at.as_deref(), Some("2027-02-26T02:00:00Z"));
        assert_eq!(b.mode, MealMode::Delivery);
    }
    assert_eq!(
        common::count(&t.db, &format!("SELECT count(*) FROM audit_log WHERE entity = 'booking' AND action = 'create' AND entity_id IN ('{}', '{}')", made[0].id, made[1].id)),
        2,
        "each booking is audited"
    );
}

#[test]
fn booking_twice_is_refused_and_cancelling_follows_the_cut_off() {
    let (t, _admin, centre, desk) = setup();
    let noodles = dish(&t, centre, "测试手擀面", &["wheat"], &[], true, false);
    menu(
        &t,
        centre,
        "2027-03-01",
        true,
        &[
            ("2027-03-02", Meal::Breakfast, noodles),
            ("2027-03-02", Meal::Lunch, noodles),
            ("2027-03-02", Meal::Dinner, noodles),
        ],
    );
    let someone = client(&t, centre, 3, &PLAIN);
    let all = [Meal::Breakfast, Meal::Lunch, Meal::Dinner];
    let made = booked(
        bookings::book(&t.db, &desk, &request(someone, &["2027-03-02"], &all, MealMode::DineIn), before_march())
            .unwrap(),
    );
    assert_eq!(made.iter().map(|b| b.meal).collect::<Vec<_>>(), all.to_vec());
    let (code, params) = invalid(
        bookings::book(
            &t.db,
            &desk,
            &request(someone, &["2027-03-02"], &[Meal::Lunch], MealMode::DineIn),
            before_march(),
        )
        .unwrap_err(),
    );
    assert_eq!((code, param(&params, "meal").as_str()), ("booking.already_booked", "lunch"));
    let (breakfast, lunch, dinner) = (made[0].id, made[1].id, made[2].id);

    // Breakfast closes at 18:00 the day before (10:00 UTC).
    let (code, params) =
        invalid(bookings::cancel(&t.db, &desk, breakfast, None, at("2027-03-01T10:00:00Z")).unwrap_err());
    assert_eq!((code, param(&params, "cutoff").as_str()), ("booking.cancel_too_late", "2027-03-01 18:00"));
    // Lunch at 09:30 the same day: a minute before is fine, the cut-off itself is not.
    let (code, params) = invalid(bookings::cancel(&t.db, &desk, lunch, None, at("2027-03-02T01:30:00Z")).unwrap_err());
    assert_eq!((code, param(&params, "cutoff").as_str()), ("booking.cancel_too_late", "2027-03-02 09:30"));
    let cancelled = bookings::cancel(&t.db, &desk, lunch, Some("住院"), at("2027-03-02T01:29:00Z")).unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("住院"));
    let (code, _) = invalid(bookings::cancel(&t.db, &desk, lunch, None, at("2027-03-02T01:29:30Z")).unwrap_err());
    assert_eq!(code, "booking.already_cancelled");
    // Once cancelled, the meal may be booked again.
    booked(
        bookings::book(
            &t.db,
            &desk,
            &request(someone, &["2027-03-02"], &[Meal::Lunch], MealMode::Delivery),
            at("2027-03-02T01:29:40Z"),
        )
        .unwrap(),
    );
    // A served meal is never cancelled, even before its cut-off.
    let served = bookings::serve(&t.db, &desk, dinner, false, at("2027-03-02T05:00:00Z")).unwrap();
    assert!(matches!(served, ServeOutcome::Served { .. }));
    let (code, _) = invalid(bookings::cancel(&t.db, &desk, dinner, None, at("2027-03-02T05:30:00Z")).unwrap_err());
    assert_eq!(code, "booking.already_served");
    // A past day is not booked.
    let (code, _) = invalid(
        bookings::book(
            &t.db,
            &desk,
            &request(someone, &["2027-03-01"], &[Meal::Lunch], MealMode::DineIn),
            at("2027-03-02T01:00:00Z"),
        )
        .unwrap_err(),
    );
    assert_eq!(code, "booking.day_past");
}

#[test]
fn standing_orders_book_weekdays_with_published_menus_skip_allergy_days_and_stop_on_suspension() {
    let (t, admin, centre, desk) = setup();
    let rice = dish(&t, centre, "测试米饭", &[], &[], false, false);
    let egg = dish(&t, centre, "测试番茄炒蛋", &["egg"], &[], true, true);
    let week1: Vec<(String, Meal, i64)> = (1..=7)
        .flat_map(|d| {
            let date = format!("2027-03-0{d}");
            let mut items = vec![(date.clone(), Meal::Lunch, rice)];
            if d == 3 {
                items.push((date, Meal::Lunch, egg));
            }
            items
        })
        .collect();
    let items: Vec<(&str, Meal, i64)> = week1.iter().map(|(d, m, x)| (d.as_str(), *m, *x)).collect();
    menu(&t, centre, "2027-03-01", true, &items);
    // The next week is still a draft: nothing is booked from it.
    menu(&t, centre, "2027-03-08", false, &[("2027-03-08", Meal::Lunch, rice)]);
    let eggless = client(&t, centre, 4, &ClientSpec { allergies: &["鸡蛋"], diets: &["low_sugar"], ..PLAIN });
    let order = standing::create_standing_order(
        &t.db,
        &desk,
        &StandingOrderInput {
            client_id: eggless,
            meal: Meal::Lunch,
            weekdays: vec![1, 2, 3, 4, 5],
            mode: MealMode::Delivery,
            from: day("2027-03-01"),
            to: None,
        },
        before_march(),
    )
    .unwrap();
    assert_eq!(order.weekdays, vec![1, 2, 3, 4, 5]);
    let overlap = standing::create_standing_order(
        &t.db,
        &desk,
        &StandingOrderInput {
            client_id: eggless,
            meal: Meal::Lunch,
            weekdays: vec![5, 6],
            mode: MealMode::DineIn,
            from: day("2027-03-20"),
            to: Some(day("2027-03-31")),
        },
        before_march(),
    )
    .unwrap_err();
    assert_eq!(invalid(overlap).0, "standing_order.overlaps");

    let report = standing::materialize(&t.db, &desk, centre, day("2027-03-14"), before_march()).unwrap();
    let days = |client: i64| -> Vec<String> {
        t.db.read(|c| {
            let mut s =
                c.prepare("SELECT day FROM bookings WHERE client_id = ?1 AND status != 'cancelled' ORDER BY day")?;
            let days = s.query_map([client], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            Ok(days)
        })
        .unwrap()
    };
    assert_eq!(
        days(eggless),
        ["2027-03-01", "2027-03-02", "2027-03-04", "2027-03-05"],
        "weekdays only, with a published menu, and never the egg day"
    );
    assert_eq!(report.booked, 4);
    assert_eq!(report.skipped.len(), 1, "the allergy day is reported for the desk");
    let skipped = &report.skipped[0];
    assert_eq!((skipped.day, skipped.client_id, skipped.standing_order_id), (day("2027-03-03"), eggless, order.id));
    assert_eq!((skipped.clashes[0].dish_name.as_str(), skipped.clashes[0].allergy.as_str()), ("测试番茄炒蛋", "鸡蛋"));
    assert_eq!(report.unconfirmed_diet, 0, "rice suits a low-sugar diet");

    // Idempotent; and a booking cancelled by hand is not brought back.
    let monday = bookings::client_bookings(&t.db, &desk, eggless, day("2027-03-01"), day("2027-03-01")).unwrap();
    assert_eq!(monday[0].standing_order_id, Some(order.id));
    bookings::cancel(&t.db, &desk, monday[0].id, None, before_march()).unwrap();
    let again = standing::materialize(&t.db, &desk, centre, day("2027-03-14"), before_march()).unwrap();
    assert_eq!((again.booked, again.skipped.len()), (0, 1), "still reporting the egg day until someone books it");
    assert_eq!(days(eggless), ["2027-03-02", "2027-03-04", "2027-03-05"]);

    // Tuesday's lunch is served; the client is suspended on Tuesday.
    let tuesday = bookings::client_bookings(&t.db, &desk, eggless, day("2027-03-02"), day("2027-03-02")).unwrap();
    bookings::serve(&t.db, &desk, tuesday[0].id, false, at("2027-03-02T04:00:00Z")).unwrap();
    people::set_client_status(&t.db, &desk, eggless, ClientStatus::Suspended, day("2027-03-02")).unwrap();
    let after = bookings::client_bookings(&t.db, &desk, eggless, day("2027-03-01"), day("2027-03-14")).unwrap();
    let states: Vec<(String, BookingStatus)> = after.iter().map(|b| (b.day.to_string(), b.status)).collect();
    assert_eq!(
        states,
        vec![
            ("2027-03-01".to_string(), BookingStatus::Cancelled),
            ("2027-03-02".to_string(), BookingStatus::Served),
            ("2027-03-04".to_string(), BookingStatus::Cancelled),
            ("2027-03-05".to_string(), BookingStatus::Cancelled),
        ],
        "the served meal stays; every later booking is cancelled"
    );
    assert_eq!(after[2].cancel_reason.as_deref(), Some("client_suspended"));
    let orders = standing::standing_orders(&t.db, &desk, centre, Some(eggless), true).unwrap();
    assert_eq!(orders[0].stopped_on, Some(day("2027-03-02")));
    assert_eq!(orders[0].stopped_reason.as_deref(), Some("suspended"));
    assert!(standing::standing_orders(&t.db, &desk, centre, Some(eggless), false).unwrap().is_empty());

    // Reinstating restarts nothing.
    people::set_client_status(&t.db, &admin, eggless, ClientStatus::Active, day("2027-03-02")).unwrap();
    let later = standing::materialize(&t.db, &desk, centre, day("2027-03-14"), before_march()).unwrap();
    assert_eq!(later.booked, 0);
    assert_eq!(days(eggless), ["2027-03-02"]);
}

#[test]
fn stopping_an_order_cancels_what_it_booked_before_the_cut_off() {
    let (t, _admin, centre, desk) = setup();
    let rice = dish(&t, centre, "测试米饭", &[], &[], false, false);
    let sweet = dish(&t, centre, "测试拔丝红薯", &[], &[], false, true);
    menu(&t, centre, "2027-03-01", true, &[("2027-03-01", Meal::Dinner, sweet), ("2027-03-02", Meal::Dinner, rice)]);
    let diabetic = client(&t, centre, 5, &ClientSpec { diets: &["low_sugar"], ..PLAIN });
    let order = standing::create_standing_order(
        &t.db,
        &desk,
        &StandingOrderInput {
            client_id: diabetic,
            meal: Meal::Dinner,
            weekdays: vec![1, 2],
            mode: MealMode::DineIn,
            from: day("2027-03-01"),
            to: Some(day("2027-03-02")),
        },
        before_march(),
    )
    .unwrap();
    let report = standing::materialize(&t.db, &desk, centre, day("2027-03-07"), before_march()).unwrap();
    assert_eq!((report.booked, report.unconfirmed_diet), (2, 1), "the sweet dinner is booked with its warning open");
    let monday = &bookings::client_bookings(&t.db, &desk, diabetic, day("2027-03-01"), day("2027-03-01")).unwrap()[0];
    assert_eq!(monday.diet_confirmed_by, None, "nobody has confirmed a materialized booking's warning");

    // Stopped on Monday at 15:00: Monday's dinner is past its cut-off and stays; Tuesday's goes.
    let stopped =
        standing::stop_standing_order(&t.db, &desk, order.id, Some("家属接走"), at("2027-03-01T07:00:00Z")).unwrap();
    assert_eq!(stopped.stopped_reason.as_deref(), Some("家属接走"));
    let states: Vec<BookingStatus> =
        bookings::client_bookings(&t.db, &desk, diabetic, day("2027-03-01"), day("2027-03-02"))
            .unwrap()
            .iter()
            .map(|b| b.status)
            .collect();
    assert_eq!(states, vec![BookingStatus::Booked, BookingStatus::Cancelled]);
    let (code, _) =
        invalid(standing::stop_standing_order(&t.db, &desk, order.id, None, at("2027-03-01T07:00:00Z")).unwrap_err());
    assert_eq!(code, "standing_order.already_stopped");

    // Serving Monday's dinner asks whoever serves to confirm the warning, then records them.
    let warnings = match bookings::serve(&t.db, &desk, monday.id, false, at("2027-03-01T10:00:00Z")).unwrap() {
        ServeOutcome::NeedsConfirmation { warnings } => warnings,
        other => panic!("expected a confirmation, got {other:?}"),
    };
    assert_eq!((warnings[0].dish_name.as_str(), warnings[0].need), ("测试拔丝红薯", DietNeed::LowSugar));
    assert_eq!(
        common::count(&t.db, &format!("SELECT count(*) FROM bookings WHERE id = {} AND status = 'booked'", monday.id)),
        1
    );
    let ServeOutcome::Served { booking, .. } =
        bookings::serve(&t.db, &desk, monday.id, true, at("2027-03-01T10:00:00Z")).unwrap()
    else {
        panic!("confirmed, it is served")
    };
    assert_eq!(booking.diet_confirmed_by.as_deref(), Some("desk"));
    assert_eq!(booking.served_by_name.as_deref(), Some("desk"));
}

#[test]
fn serving_checks_again_against_the_menu_as_it_is_now() {
    let (t, _admin, centre, desk) = setup();
    let rice = dish(&t, centre, "测试米饭", &[], &[], false, false);
    let satay = dish(&t, centre, "测试沙爹牛肉", &["peanut"], &[], true, false);
    let beef = dish(&t, centre, "测试清炖牛肉", &[], &[], true, false);
    let menu_id = menu(&t, centre, "2027-03-01", true, &[("2027-03-05", Meal::Lunch, rice)]);
    let allergic = client(&t, centre, 6, &ClientSpec { allergies: &["花生"], ..PLAIN });
    let made = booked(
        bookings::book(
            &t.db,
            &desk,
            &request(allergic, &["2027-03-05"], &[Meal::Lunch], MealMode::DineIn),
            before_march(),
        )
        .unwrap(),
    );
    // The kitchen adds a peanut dish after the booking.
    add_menu_item(&t, menu_id, "2027-03-05", Meal::Lunch, satay);
    let lunch_time = at("2027-03-05T04:00:00Z");
    let (code, params) = invalid(bookings::serve(&t.db, &desk, made[0].id, true, lunch_time).unwrap_err());
    assert_eq!(code, "serving.allergy_clash");
    assert_eq!((param(&params, "dish").as_str(), param(&params, "allergy").as_str()), ("测试沙爹牛肉", "花生"));
    assert_eq!(
        common::count(&t.db, &format!("SELECT count(*) FROM bookings WHERE id = {} AND status = 'booked'", made[0].id)),
        1,
        "refused: still only booked"
    );
    // The kitchen sheet shows the plate as blocked and does not count it.
    let sheet = kitchen::kitchen_sheet(&t.db, &desk, centre, day("2027-03-05"), Meal::Lunch).unwrap();
    assert_eq!(sheet.blocked.len(), 1);
    assert_eq!(sheet.blocked[0].clash, Clash::Allergy { allergy: "花生".into() });
    assert_eq!(sheet.dishes.iter().find(|d| d.dish_id == satay).unwrap().total, 0);

    // Booked again with a substitute, the meal is served.
    bookings::cancel(&t.db, &desk, made[0].id, None, at("2027-03-05T01:00:00Z")).unwrap();
    let mut r = request(allergic, &["2027-03-05"], &[Meal::Lunch], MealMode::DineIn);
    r.substitutes = vec![SubstituteChoice { dish_id: satay, substitute_dish_id: beef }];
    let again = booked(bookings::book(&t.db, &desk, &r, at("2027-03-05T01:00:00Z")).unwrap());
    let ServeOutcome::Served { booking, warnings } =
        bookings::serve(&t.db, &desk, again[0].id, false, lunch_time).unwrap()
    else {
        panic!("safe now")
    };
    assert!(warnings.is_empty());
    assert_eq!(booking.status, BookingStatus::Served);
    let (code, _) = invalid(bookings::serve(&t.db, &desk, again[0].id, false, lunch_time).unwrap_err());
    assert_eq!(code, "serving.already_served");
}

#[test]
fn kitchen_counts_add_up_per_dish_and_diet_variant() {
    let (t, _admin, centre, desk) = setup();
    // Braised pork: salted, not soft. Steamed egg: no salt, soft. Tofu: the substitute.
    let pork = dish(&t, centre, "测试红烧肉", &[], &[], true, false);
    let egg = dish(&t, centre, "测试鸡蛋羹", &["egg"], &["soft", "minced"], false, false);
    let tofu = dish(&t, centre, "测试豆腐羹", &["soy"], &["soft", "minced"], false, false);
    menu(&t, centre, "2027-03-01", true, &[("2027-03-03", Meal::Lunch, pork), ("2027-03-03", Meal::Lunch, egg)]);
    let a = client(&t, centre, 7, &ClientSpec { address: "滨河路 3 号", ..PLAIN });
    let b = client(&t, centre, 8, &ClientSpec { diets: &["low_salt", "soft"], address: "滨河路 1 号", ..PLAIN });
    let c = client(&t, centre, 9, &ClientSpec { diets: &["low_salt"], ..PLAIN });
    let d = client(&t, centre, 10, &ClientSpec { allergies: &["鸡蛋"], address: "人民路 9 号", ..PLAIN });
    let e = client(&t, centre, 11, &ClientSpec { diets: &["soft"], ..PLAIN });
    let book = |client, mode, subs: Vec<SubstituteChoice>| {
        let mut r = request(client, &["2027-03-03"], &[Meal::Lunch], mode);
        r.substitutes = subs;
        r.confirm_diet = true;
        booked(bookings::book(&t.db, &desk, &r, before_march()).unwrap())
    };
    book(a, MealMode::Delivery, vec![]);
    book(b, MealMode::Delivery, vec![]);
    book(c, MealMode::DineIn, vec![]);
    book(d, MealMode::Delivery, vec![SubstituteChoice { dish_id: egg, substitute_dish_id: tofu }]);
    book(e, MealMode::DineIn, vec![]);
    let cancelled = client(&t, centre, 12, &PLAIN);
    let gone = book(cancelled, MealMode::DineIn, vec![]);
    bookings::cancel(&t.db, &desk, gone[0].id, None, before_march()).unwrap();

    let sheet = kitchen::kitchen_sheet(&t.db, &desk, centre, day("2027-03-03"), Meal::Lunch).unwrap();
    assert_eq!((sheet.bookings, sheet.dine_in, sheet.delivery), (5, 2, 3), "the cancelled booking is not counted");
    assert_eq!(sheet.menu.iter().map(|m| m.dish_id).collect::<Vec<_>>(), vec![pork, egg]);
    let count = |id: i64| sheet.dishes.iter().find(|x| x.dish_id == id).unwrap();
    for x in &sheet.dishes {
        assert_eq!(x.dine_in + x.delivery, x.total, "{}: dine-in + delivery = total", x.name);
        assert_eq!(x.variants.iter().map(|v| v.total).sum::<u32>(), x.total, "{}: variants add up", x.name);
        for v in &x.variants {
            assert_eq!(v.dine_in + v.delivery, v.total);
        }
    }
    let variants = |id: i64| -> Vec<(Vec<DietNeed>, u32)> {
        count(id).variants.iter().map(|v| (v.needs.clone(), v.total)).collect()
    };
    // Pork for all five: a, d standard; b low-salt + soft; c low-salt; e soft.
    assert_eq!((count(pork).total, count(pork).dine_in, count(pork).delivery), (5, 2, 3));
    assert_eq!(
        variants(pork),
        vec![
            (vec![], 2),
            (vec![DietNeed::LowSalt], 1),
            (vec![DietNeed::Soft], 1),
            (vec![DietNeed::LowSalt, DietNeed::Soft], 1)
        ]
    );
    let by_need: Vec<(DietNeed, u32)> = count(pork).by_need.iter().map(|n| (n.need, n.portions)).collect();
    assert_eq!(by_need, vec![(DietNeed::LowSalt, 2), (DietNeed::Soft, 2)]);
    // Egg custard suits them all as it is, except d, who gets tofu instead.
    assert_eq!(count(egg).total, 4);
    assert_eq!(variants(egg), vec![(vec![], 4)]);
    assert_eq!((count(tofu).total, count(tofu).on_menu, count(tofu).delivery), (1, false, 1));
    assert!(sheet.blocked.is_empty() && sheet.unconfirmed.is_empty(), "every warning was confirmed at booking");

    // Deliveries by address: 人民路 9 号, 滨河路 1 号, 滨河路 3 号 (code-point order).
    let stops: Vec<i64> = sheet.deliveries.iter().map(|s| s.client_id).collect();
    assert_eq!(stops, vec![d, b, a]);
    let tofu_line = &sheet.deliveries[0].plates[1];
    assert_eq!((tofu_line.dish_id, tofu_line.instead_of.as_deref()), (tofu, Some("测试鸡蛋羹")));
    assert_eq!(sheet.deliveries[1].plates[0].needs, vec![DietNeed::LowSalt, DietNeed::Soft]);

    let path = t.dir.path().join("out").join("备餐单.xlsx");
    let report = kitchen::export_kitchen_sheet(&t.db, &desk, centre, day("2027-03-03"), Meal::Lunch, &path).unwrap();
    assert!(report.rows >= 8);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an .xlsx (zip) file");
    assert_eq!(common::count(&t.db, "SELECT count(*) FROM audit_log WHERE entity = 'kitchen_sheet'"), 1);
}

#[test]
fn month_totals_count_meals_and_the_subsidy_by_category() {
    let (t, admin, centre, desk) = setup();
    let rice = dish(&t, centre, "测试米饭", &[], &["soft"], false, false);
    menu(
        &t,
        centre,
        "2027-03-01",
        true,
        &[("2027-03-01", Meal::Lunch, rice), ("2027-03-01", Meal::Dinner, rice), ("2027-03-02", Meal::Lunch, rice)],
    );
    // 80 on 2 March 2027: Monday's meals are standard, Tuesday's aged_80.
    let turning_80 = client(&t, centre, 13, &ClientSpec { birth: "1947-03-02", diets: &["soft"], ..PLAIN });
    let young = client(&t, centre, 14, &PLAIN);
    let poor = client(&t, centre, 15, &ClientSpec { birth: "1930-01-01", category: "low_income", ..PLAIN });
    let serve_all = |client, days: &[&str], meals: &[Meal], mode| {
        for b in booked(bookings::book(&t.db, &desk, &request(client, days, meals, mode), before_march()).unwrap()) {
            let when = at(&format!("{}T12:00:00Z", b.day));
            assert!(matches!(bookings::serve(&t.db, &desk, b.id, false, when).unwrap(), ServeOutcome::Served { .. }));
        }
    };
    serve_all(turning_80, &["2027-03-01", "2027-03-02"], &[Meal::Lunch], MealMode::DineIn);
    serve_all(young, &["2027-03-01"], &[Meal::Lunch, Meal::Dinner], MealMode::Delivery);
    serve_all(poor, &["2027-03-01"], &[Meal::Lunch], MealMode::DineIn);
    // Booked, not served; and one cancelled.
    booked(
        bookings::book(
            &t.db,
            &desk,
            &request(poor, &["2027-03-02"], &[Meal::Lunch], MealMode::Delivery),
            before_march(),
        )
        .unwrap(),
    );
    let gone = booked(
        bookings::book(
            &t.db,
            &desk,
            &request(young, &["2027-03-02"], &[Meal::Lunch], MealMode::DineIn),
            before_march(),
        )
        .unwrap(),
    );
    bookings::cancel(&t.db, &desk, gone[0].id, None, before_march()).unwrap();

    let m = subsidy::month_totals(&t.db, &desk, Some(centre), 2027, 3).unwrap();
    assert_eq!((m.all.booked, m.all.served, m.all.cancelled), (6, 5, 1));
    let lunch = m.by_meal.iter().find(|x| x.meal == Meal::Lunch).unwrap().counts;
    let dinner = m.by_meal.iter().find(|x| x.meal == Meal::Dinner).unwrap().counts;
    assert_eq!((lunch.booked, lunch.served, lunch.cancelled), (5, 4, 1));
    assert_eq!((dinner.booked, dinner.served), (1, 1));
    let delivery = m.by_mode.iter().find(|x| x.mode == MealMode::Delivery).unwrap().counts;
    assert_eq!((delivery.booked, delivery.served), (3, 2));
    let soft = m.by_diet.iter().find(|x| x.need == DietNeed::Soft).unwrap().counts;
    assert_eq!((soft.booked, soft.served), (2, 2));
    // standard 0 × 3 (turning_80's Monday, young × 2), aged_80 300 × 1, low_income 500 × 1.
    let cats: Vec<(SubsidyCategory, i64, i64)> = m.by_category.iter().map(|c| (c.category, c.meals, c.fen)).collect();
    assert_eq!(
        cats,
        vec![
            (SubsidyCategory::Standard, 3, 0),
            (SubsidyCategory::Aged80, 1, 300),
            (SubsidyCategory::LowIncome, 1, 500)
        ]
    );
    assert_eq!(m.subsidy_fen, 800);

    // The city office changes a rate: meals served from then on get it, past ones keep theirs.
    assert!(matches!(subsidy::set_subsidy_rate(&t.db, &desk, SubsidyCategory::Aged80, 400), Err(CoreError::Forbidden)));
    assert_eq!(
        invalid(subsidy::set_subsidy_rate(&t.db, &admin, SubsidyCategory::Aged80, -1).unwrap_err()).0,
        "subsidy.fen_range"
    );
    subsidy::set_subsidy_rate(&t.db, &admin, SubsidyCategory::Aged80, 400).unwrap();
    let rates = subsidy::subsidy_rates(&t.db, &desk).unwrap();
    assert_eq!(rates.iter().find(|r| r.category == SubsidyCategory::Aged80).unwrap().fen_per_meal, 400);
    assert_eq!(subsidy::month_totals(&t.db, &desk, Some(centre), 2027, 3).unwrap().subsidy_fen, 800);

    // The city's totals are the city office's; a clerk sees only their centre.
    let city = subsidy::month_totals(&t.db, &admin, None, 2027, 3).unwrap();
    assert!(city.all.served >= 5);
    assert!(matches!(subsidy::month_totals(&t.db, &desk, None, 2027, 3), Err(CoreError::Forbidden)));
    assert_eq!(invalid(subsidy::month_totals(&t.db, &admin, None, 2027, 13).unwrap_err()).0, "subsidy.month_invalid");
    let last = chrono::Datelike::year(&NaiveDate::MAX);
    assert_eq!(invalid(subsidy::month_totals(&t.db, &admin, None, last, 12).unwrap_err()).0, "subsidy.month_invalid");
}

#[test]
fn substitutes_offered_are_safe_for_the_client_and_the_best_suited_first() {
    let (t, _admin, centre, desk) = setup();
    let fish = dish(&t, centre, "测试清蒸鱼", &["fish"], &[], true, false);
    let tofu = dish(&t, centre, "测试麻婆豆腐", &["soy"], &[], true, false);
    let cake = dish(&t, centre, "测试红糖发糕", &[], &[], false, true);
    let shrimp = dish(&t, centre, "测试白灼虾", &["shellfish"], &[], true, false);
    let greens = dish(&t, centre, "测试清炒菜心", &[], &[], true, false);
    let mutton = dish(&t, centre, "测试手抓羊肉", &[], &["halal"], true, false);
    let pork = dish(&t, centre, "测试红烧肉", &[], &[], true, true);
    let bread = dish(&t, centre, "测试虾皮馒头", &[], &[], false, false);
    // Allergic to fish and shellfish, low sugar, halal.
    let spec = ClientSpec { allergies: &["鱼", "虾"], diets: &["low_sugar", "halal"], ..PLAIN };
    let client_id = client(&t, centre, 0, &spec);

    let options = choices::substitute_options(&t.db, &desk, client_id, fish).unwrap();
    let offered: Vec<i64> = options.iter().map(|o| o.dish_id).collect();
    for unsafe_dish in [fish, shrimp, bread] {
        assert!(!offered.contains(&unsafe_dish), "{unsafe_dish} holds an allergen of theirs (or is the dish replaced)");
    }
    // Suits both diets first; then one diet missed; the sugary ones, missing both, last.
    assert_eq!(offered[0], mutton, "{options:?}");
    let missed = |id| options.iter().find(|o| o.dish_id == id).unwrap().unsuited.clone();
    assert_eq!(missed(mutton), Vec::<DietNeed>::new());
    assert_eq!(missed(tofu), vec![DietNeed::Halal]);
    assert_eq!(missed(cake), vec![DietNeed::LowSugar, DietNeed::Halal]);
    assert_eq!(missed(greens), vec![DietNeed::Halal]);
    assert_eq!(missed(pork), vec![DietNeed::LowSugar, DietNeed::Halal]);
    assert_eq!(offered[offered.len() - 2..], [pork, cake], "missing both, in pinyin order (shao before tang)");
    assert!(options.windows(2).all(|w| w[0].unsuited.len() <= w[1].unsuited.len()), "{options:?}");
    // Every one offered is accepted by the booking itself as a substitute (no allergy clash).
    let days = ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"];
    let items: Vec<(&str, Meal, i64)> = days.iter().map(|d| (*d, Meal::Lunch, fish)).collect();
    menu(&t, centre, "2027-03-01", true, &items);
    assert!(options.len() <= days.len());
    for (option, d) in options.iter().zip(days) {
        let mut req = request(client_id, &[d], &[Meal::Lunch], MealMode::DineIn);
        req.substitutes = vec![SubstituteChoice { dish_id: fish, substitute_dish_id: option.dish_id }];
        let outcome = bookings::book(&t.db, &desk, &req, before_march());
        assert!(outcome.is_ok(), "{} is bookable instead: {outcome:?}", option.name);
    }
}

#[test]
fn the_form_suggests_a_day_there_is_a_menu_to_book() {
    let (t, _admin, centre, desk) = setup();
    let rice = dish(&t, centre, "测试米饭", &[], &[], false, false);
    // Published: Monday to Friday of the week of 1 March 2027, and only Tuesday of the next.
    let weekdays = ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"];
    let items: Vec<(&str, Meal, i64)> = weekdays.iter().map(|d| (*d, Meal::Lunch, rice)).collect();
    menu(&t, centre, "2027-03-01", true, &items);
    menu(&t, centre, "2027-03-08", true, &[("2027-03-09", Meal::Lunch, rice)]);
    menu(&t, centre, "2027-03-15", false, &[("2027-03-15", Meal::Lunch, rice)]);
    let suggested = |today: &str| choices::suggested_booking_day(&t.db, &desk, centre, day(today)).unwrap();
    assert_eq!(suggested("2027-02-26"), day("2027-03-01"), "Friday before: Monday's menu");
    assert_eq!(suggested("2027-02-27"), day("2027-03-01"), "Saturday: Monday, never Sunday");
    assert_eq!(suggested("2027-02-28"), day("2027-03-01"), "Sunday: Monday");
    assert_eq!(suggested("2027-03-03"), day("2027-03-04"), "Wednesday: tomorrow");
    assert_eq!(suggested("2027-03-05"), day("2027-03-09"), "Friday: next week's first menu, on Tuesday");
    assert_eq!(suggested("2027-03-12"), day("2027-03-15"), "nothing published ahead (a draft is not a menu): Monday");
}
