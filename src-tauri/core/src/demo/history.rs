//! What the front desk and the assessors left behind: check-ins at the door and capability
//! assessments, so the monthly report has attendance and levels to count.
//!
//! - Clients check in on the days they ate at the centre (a dine-in meal served), arriving
//!   before the meal and leaving a few hours later.
//! - Children check in on the days they had a morning check, minutes before it, and are
//!   collected at five by an adult allowed to, or earlier when sent home.
//! - 85 % of the clients with consent on file were assessed in the last year (a fifth of
//!   them twice, six months apart), their levels spread as a city's elderly are: most
//!   intact or mildly disabled, a few fully; their care-risk events are the incident
//!   reports of the 30 days before (demo/incidents.rs).

use chrono::Days;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::{SeedReport, Seeder};
use crate::domain::assessment::{AssessmentInput, PARTS};
use crate::error::Result;
use crate::services::assessments::write_assessment;
use crate::services::incidents::risk_events_30d;
use crate::store::utc_stamp;

/// Level mix of the assessed: the share of each capability band and its item-score factor.
const BANDS: [(f64, f64); 5] = [(0.40, 1.0), (0.32, 0.86), (0.16, 0.64), (0.08, 0.44), (0.04, 0.2)];

impl Seeder<'_> {
    pub(super) fn door_and_assessments(&mut self, report: &mut SeedReport) -> Result<()> {
        let mut rng = SmallRng::seed_from_u64(self.rng.random());
        report.attendance = self.attendance()?;
        report.assessments = self.assessments(&mut rng)?;
        Ok(())
    }

    fn attendance(&mut self) -> Result<u64> {
        let today = self.today.to_string();
        // Times are local (UTC+8) and stored in UTC; the person's id spreads them a little.
        let clients = self.conn.execute(
            "INSERT INTO attendance (facility_id, person_kind, person_id, day, in_at, in_by, out_at, out_by)
             SELECT facility_id, 'client', client_id, day,
                    strftime('%Y-%m-%dT%H:%M:%SZ', day || ' ' || arrive, '-8 hours', '+' || (client_id % 45) || ' minutes'),
                    0,
                    strftime('%Y-%m-%dT%H:%M:%SZ', day || ' ' || arrive, '-8 hours', '+' || (150 + client_id % 90) || ' minutes'),
                    0
             FROM (SELECT facility_id, client_id, day,
                          CASE min(CASE meal WHEN 'breakfast' THEN 0 WHEN 'lunch' THEN 1 ELSE 2 END)
                              WHEN 0 THEN '07:00' WHEN 1 THEN '10:40' ELSE '16:10' END AS arrive
                   FROM bookings WHERE status = 'served' AND mode = 'dine_in' AND day < ?1
                   GROUP BY facility_id, client_id, day)",
            [&today],
        )?;
        let children = self.conn.execute(
            "INSERT INTO attendance (facility_id, person_kind, person_id, day, in_at, in_by, out_at, out_by,
                                     picked_up_by, picked_up_name)
             SELECT k.facility_id, 'child', k.child_id, k.day,
                    strftime('%Y-%m-%dT%H:%M:%SZ', k.checked_at, '-5 minutes'), 0,
                    CASE k.action WHEN 'send_home' THEN strftime('%Y-%m-%dT%H:%M:%SZ', k.checked_at, '+100 minutes')
                         ELSE strftime('%Y-%m-%dT%H:%M:%SZ', k.day || ' 17:00', '-8 hours', '+' || (k.child_id % 40) || ' minutes')
                    END, 0, p.id, p.name
             FROM child_checks k
             LEFT JOIN child_contacts p ON p.id = (SELECT id FROM child_contacts WHERE child_id = k.child_id
                                                   AND may_pick_up = 1 AND active = 1 ORDER BY position LIMIT 1)
             WHERE k.session = 'morning' AND k.day < ?1",
            [&today],
        )?;
        Ok((clients + children) as u64)
    }

    fn assessments(&mut self, rng: &mut SmallRng) -> Result<u64> {
        let clients: Vec<(i64, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT id, consent_on FROM clients WHERE is_demo = 1 AND consent_on IS NOT NULL
                 AND status IN ('active', 'suspended') ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut written = 0;
        for (client_id, consent_on) in clients {
            if !rng.random_bool(0.85) {
                continue;
            }
            let pick: f64 = rng.random();
            let mut acc = 0.0;
            let factor = BANDS.iter().find(|(share, _)| {
                acc += share;
                pick < acc
            });
            let factor = factor.map_or(0.2, |b| b.1);
            let first = self.today - Days::new(rng.random_range(10..360));
            let mut days = vec![first];
            if rng.random_bool(0.2) && first > self.today - Days::new(180) {
                days.push(first - Days::new(182));
            }
            for day in days {
                if day.to_string() < consent_on {
                    continue;
                }
                let mut part = |i: usize| -> Vec<u8> {
                    PARTS[i]
                        .items
                        .iter()
                        .map(|item| {
                            let noisy = f64::from(item.max) * (factor + rng.random_range(-0.12..0.12));
                            noisy.round().clamp(0.0, f64::from(item.max)) as u8
                        })
                        .collect()
                };
                let input = AssessmentInput {
                    assessed_on: day.to_string(),
                    self_care: part(0),
                    mobility: part(1),
                    mental: part(2),
                    senses: part(3),
                    coma: false,
                    dementia_or_mental_disorder: factor < 0.5 && rng.random_bool(0.3),
                    risk_events_30d: risk_events_30d(self.conn, client_id, day)?,
                    notes: None,
                };
                let scores = input.validate(self.today).expect("demo scores are within each item's range");
                let created_at = utc_stamp(day.and_hms_opt(2, 0, 0).expect("valid time").and_utc());
                write_assessment(self.conn, client_id, &scores, (0, "演示评估员"), &created_at)?;
                written += 1;
            }
        }
        Ok(written)
    }
}
