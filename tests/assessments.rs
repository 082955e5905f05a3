//! Capability assessments: kept with date and assessor, the latest level on the client,
//! and only with consent to process health data.

use crate::common;

use carecircle_core::domain::assessment::AssessmentInput;
use carecircle_core::services::{assessments, people};
use carecircle_core::{CoreError, Role};
use common::code;

fn form(date: &str, score: u8) -> AssessmentInput {
    AssessmentInput {
        assessed_on: date.into(),
        self_care: vec![score.min(4); 8],
        mobility: vec![score.min(4), score.min(4), score.min(4), score.min(3)],
        mental: vec![
            score.min(4),
            score.min(4),
            score.min(4),
            score.min(4),
            score.min(4),
            score.min(4),
            score.min(1),
            score.min(1),
            score.min(2),
        ],
        senses: vec![score.min(2), score.min(2), score.min(4), score.min(3), score.min(4)],
        coma: false,
        dementia_or_mental_disorder: false,
        risk_events_30d: 0,
        notes: None,
    }
}

#[test]
fn assessments_need_consent_a_plausible_date_and_a_nurse() {
    let (t, admin) = common::seeded();
    let (a, _) = common::two_elder_facilities(&t.db);
    let (with, without): (i64, i64) =
        t.db.read(|c| {
            let with = c.query_row(
                // One the demo has not assessed yet, so the list holds just this test's.
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM assessments WHERE client_id = clients.id) LIMIT 1",
                [a],
                |r| r.get(0),
            )?;
            let without = c.query_row(
                "SELECT id FROM clients WHERE facility_id = ?1 AND consent_on IS NULL LIMIT 1",
                [a],
                |r| r.get(0),
            )?;
            Ok((with, without))
        })
        .unwrap();
    let nurse = common::account(&t.db, &admin, "nurse", Role::Nurse, Some(a));
    assert_eq!(
        code(assessments::add(&t.db, &nurse, without, &form("2026-11-01", 4), common::today()).unwrap_err()),
        "assessment.consent_required"
    );
    assert_eq!(
        code(assessments::add(&t.db, &nurse, with, &form("1900-01-01", 4), common::today()).unwrap_err()),
        "assessment.date_before_birth"
    );
    let desk = common::account(&t.db, &admin, "desk", Role::FrontDesk, Some(a));
    assert!(matches!(
        assessments::add(&t.db, &desk, with, &form("2026-11-01", 4), common::today()),
        Err(CoreError::Forbidden)
    ));

    let first = assessments::add(&t.db, &nurse, with, &form("2026-06-01", 4), common::today()).unwrap();
    let latest = assessments::add(&t.db, &nurse, with, &form("2026-11-01", 2), common::today()).unwrap();
    assert_eq!(first.scores.total, 90);
    assert_eq!(latest.assessor_name, "nurse");
    let all = assessments::list(&t.db, &nurse, with).unwrap();
    assert_eq!(all.iter().map(|r| r.id).collect::<Vec<_>>(), vec![latest.id, first.id], "newest first, both kept");
    let client = people::get_client(&t.db, &nurse, with, common::today()).unwrap();
    let shown = client.latest_assessment.unwrap();
    assert_eq!(
        (shown.id, shown.total, shown.level),
        (latest.id, i64::from(latest.scores.total), latest.scores.level.as_number())
    );
}
