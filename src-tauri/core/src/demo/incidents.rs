//! A year of incident reports: falls above all, as in any city's day centres, a few choking,
//! wandering and scalds; most unhurt or lightly hurt, one in ten serious. Every report older
//! than a week was reviewed and closed within days, with the family told within the hour;
//! the last week's are still open for the manager.
//!
//! Rates are the demo's, not a statistic: about one report per seven elderly clients a year
//! (they spend their days at the centre, not their nights), one per twelve children.

use chrono::{Days, Duration, NaiveDate, NaiveTime};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use super::{SeedReport, Seeder};
use crate::clock::from_local;
use crate::domain::incident::{FamilyTold, IncidentFields, IncidentKind, Severity};
use crate::domain::person::PersonKind;
use crate::error::Result;
use crate::services::incidents::write_incident;
use crate::store::utc_stamp;

/// Reports per person a year.
const CLIENT_RATE: f64 = 0.15;
const CHILD_RATE: f64 = 0.08;

/// (kind, weight) for the elderly and for children.
const CLIENT_KINDS: [(IncidentKind, u32); 10] = [
    (IncidentKind::Fall, 55),
    (IncidentKind::BedFall, 8),
    (IncidentKind::Choking, 6),
    (IncidentKind::WrongIntake, 4),
    (IncidentKind::Scald, 3),
    (IncidentKind::PressureInjury, 5),
    (IncidentKind::Harm, 4),
    (IncidentKind::Wandering, 8),
    (IncidentKind::ActivityAccident, 4),
    (IncidentKind::Other, 3),
];
const CHILD_KINDS: [(IncidentKind, u32); 9] = [
    (IncidentKind::Fall, 50),
    (IncidentKind::BedFall, 5),
    (IncidentKind::Choking, 8),
    (IncidentKind::WrongIntake, 4),
    (IncidentKind::Scald, 8),
    (IncidentKind::Harm, 10),
    (IncidentKind::Wandering, 3),
    (IncidentKind::ActivityAccident, 8),
    (IncidentKind::Other, 4),
];

/// Where, what was seen and what was done, by kind.
fn story(kind: IncidentKind, child: bool) -> (&'static [&'static str], &'static str, &'static str) {
    use IncidentKind::*;
    match (kind, child) {
        (Fall, false) => {
            (&["餐厅", "卫生间", "走廊", "活动室", "门口台阶"], "起身行走时跌倒", "扶起，检查伤情，护士评估")
        }
        (Fall, true) => (&["活动室", "户外场地", "盥洗室", "楼梯"], "奔跑时跌倒", "抱起安抚，检查伤情，保健医处理"),
        (BedFall, false) => (&["休息室"], "午休起身时从床上滑落", "扶回床上，护士评估，加床栏"),
        (BedFall, true) => (&["午睡室"], "午睡翻身时从小床跌落", "抱起安抚，保健医检查"),
        (Choking, false) => (&["餐厅"], "进食时呛咳，面色发红", "拍背，海姆立克法排出食物，观察"),
        (Choking, true) => (&["餐厅", "活动室"], "进餐时呛咳", "拍背排出异物，保健医观察"),
        (WrongIntake, false) => (&["餐厅", "活动室"], "误服他人药品", "询问药名剂量，联系医生，观察"),
        (WrongIntake, true) => (&["活动室"], "误食小物件后及时吐出", "检查口腔，保健医观察"),
        (Scald, false) => (&["餐厅", "茶水间"], "倒热水时烫伤手背", "冷水冲洗，涂药"),
        (Scald, true) => (&["餐厅"], "碰翻热汤，烫红手臂", "冷水冲洗 15 分钟，保健医处理"),
        (PressureInjury, _) => (&["休息室"], "护理时发现骶尾部皮肤发红", "减压翻身，护士换药"),
        (Harm, false) => (&["活动室"], "与他人争执时被推倒", "分开双方，检查伤情，安抚情绪"),
        (Harm, true) => (&["活动室", "户外场地"], "与同伴争抢玩具被抓伤", "分开安抚，消毒处理"),
        (Wandering, false) => (&["大门"], "独自离开中心，在附近街道找回", "立即寻找，找回后检查身体，安抚"),
        (Wandering, true) => (&["户外场地"], "户外活动时离开视线，在园内找回", "立即寻找，找回后安抚"),
        (ActivityAccident, false) => (&["活动室", "康复室"], "做康复操时扭伤脚踝", "停止活动，冷敷，护士评估"),
        (ActivityAccident, true) => (&["户外场地", "活动室"], "做游戏时与同伴相撞", "检查伤情，冷敷"),
        (Other, false) => (&["活动室", "走廊"], "身体不适，头晕", "休息观察，测血压血糖"),
        (Other, true) => (&["活动室"], "被门夹到手指", "冷敷，保健医检查"),
    }
}

/// Someone incidents may befall, on the days they were there to befall them.
struct AtRisk {
    kind: PersonKind,
    id: i64,
    facility_id: i64,
    from: String,
    to: String,
    /// The family member to tell: (name, relation).
    contact: Option<(String, String)>,
}

fn pick<T: Copy>(rng: &mut SmallRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut at = rng.random_range(0..total);
    for (item, w) in weighted {
        if at < *w {
            return *item;
        }
        at -= w;
    }
    weighted[0].0
}

impl Seeder<'_> {
    pub(super) fn incidents(&mut self, report: &mut SeedReport) -> Result<()> {
        let mut rng = SmallRng::seed_from_u64(self.rng.random());
        let start = self.today - Days::new(365);
        let people: Vec<AtRisk> = {
            let mut stmt = self.conn.prepare(
                "SELECT 'client', c.id, c.facility_id, ?1, ?2,
                        (SELECT name || char(31) || relation FROM client_contacts WHERE client_id = c.id ORDER BY position LIMIT 1)
                 FROM clients c WHERE c.is_demo = 1 AND c.status IN ('active', 'suspended')
                 UNION ALL
                 SELECT 'child', k.id, k.facility_id, max(k.enrolled_on, ?1), coalesce(k.left_on, ?2),
                        (SELECT name || char(31) || relation FROM child_contacts WHERE child_id = k.id AND is_guardian = 1
                         ORDER BY position LIMIT 1)
                 FROM children k WHERE k.is_demo = 1
                 ORDER BY 1, 2",
            )?;
            let rows = stmt.query_map(params![start.to_string(), self.today.to_string()], |r| {
                let contact: Option<String> = r.get(5)?;
                Ok(AtRisk {
                    kind: r.get(0)?,
                    id: r.get(1)?,
                    facility_id: r.get(2)?,
                    from: r.get(3)?,
                    to: r.get(4)?,
                    contact: contact
                        .and_then(|c| c.split_once('\u{1f}').map(|(n, rel)| (n.to_string(), rel.to_string()))),
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut written = 0;
        for AtRisk { kind, id, facility_id, from, to, contact } in people {
            let child = kind == PersonKind::Child;
            let (Ok(from), Ok(to)) = (from.parse::<NaiveDate>(), to.parse::<NaiveDate>()) else { continue };
            let days = (to - from).num_days();
            if days <= 0 {
                continue;
            }
            let rate = if child { CHILD_RATE } else { CLIENT_RATE };
            let expected = rate * days as f64 / 365.0;
            let mut count = expected.floor() as u32;
            if rng.random_bool(expected.fract()) {
                count += 1;
            }
            for _ in 0..count {
                let day = from + Days::new(rng.random_range(0..days as u64));
                let minutes = if child { rng.random_range(8 * 60..17 * 60) } else { rng.random_range(7 * 60..19 * 60) };
                let wall = day.and_time(NaiveTime::MIN) + Duration::minutes(minutes);
                let occurred_at = from_local(wall);
                let kind_of = pick(&mut rng, if child { &CHILD_KINDS[..] } else { &CLIENT_KINDS[..] });
                let severity =
                    pick(&mut rng, &[(Severity::Unhurt, 45), (Severity::Minor, 45), (Severity::Serious, 10)]);
                let to_hospital = match severity {
                    Severity::Serious => rng.random_bool(0.8),
                    Severity::Minor => rng.random_bool(0.05),
                    Severity::Unhurt => false,
                };
                let (places, what, action) = story(kind_of, child);
                let told_at = occurred_at + Duration::minutes(rng.random_range(10..90));
                // With no family on file, the community's grid worker is told.
                let family_told = Some(FamilyTold {
                    at: told_at,
                    who: contact.as_ref().map_or("社区网格员".to_string(), |(name, rel)| format!("{rel} {name}")),
                    how: if rng.random_bool(0.85) { "电话" } else { "当面" }.to_string(),
                });
                let fields = IncidentFields {
                    person_kind: kind,
                    person_id: id,
                    kind: kind_of,
                    severity,
                    occurred_at,
                    place: places[rng.random_range(0..places.len())].to_string(),
                    what_happened: what.to_string(),
                    injury: match severity {
                        Severity::Unhurt => None,
                        Severity::Minor => Some("皮肤擦伤或红肿，范围小".to_string()),
                        Severity::Serious => Some("疼痛明显，活动受限，需就医检查".to_string()),
                    },
                    action_taken: if to_hospital { format!("{action}，送医院检查") } else { action.to_string() },
                    to_hospital,
                    hospital: to_hospital.then(|| "乌海市人民医院".to_string()),
                    witnesses: rng.random_bool(0.6).then(|| "当班护理员".to_string()),
                    family_told,
                };
                let reported_at = utc_stamp(occurred_at + Duration::minutes(rng.random_range(20..120)));
                let incident = write_incident(self.conn, facility_id, &fields, (0, "演示护理员"), &reported_at)?;
                // Reviewed within days, once the family knew; the last week's wait for it.
                if day + Days::new(7) < self.today {
                    let closed_at = occurred_at + Duration::hours(rng.random_range(20..120));
                    self.conn
                        .prepare_cached(
                            "UPDATE incidents SET closed_at = ?1, closed_by = 0, closed_by_name = '演示站长',
                                review_note = '已复核：查明原因，加强巡视和防护' WHERE id = ?2",
                        )?
                        .execute(params![utc_stamp(closed_at), incident])?;
                }
                written += 1;
            }
        }
        report.incidents = written;
        Ok(())
    }
}
