//! The elderly capability assessment (老年人能力评估), GB/T 42195-2022: 26 scored items in
//! four parts, a total of 0–90, a preliminary care level read from the total, and the
//! standard's adjustments (coma, dementia or mental disorder, care-risk events) that give the
//! final level.
//!
//! The item list below is the single description of the form: the UI form, the Excel
//! template and validation all read it, so a change to the standard is made in one place.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::text;
use crate::codes::code_enum;
use crate::error::Invalid;

/// One scored item of the form. Higher scores mean more capable; 0 is always allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemSpec {
    /// Stable key, also the i18n key of the item's label.
    pub key: &'static str,
    pub max: u8,
    /// The form field an error points at, e.g. `mental[6]`. Kept here because
    /// [`Invalid::field`] is `&'static str` and cannot be built at run time.
    pub field: &'static str,
}

/// One of the four parts: its key is also the name of its field in [`AssessmentInput`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartSpec {
    pub key: &'static str,
    pub items: &'static [ItemSpec],
}

impl PartSpec {
    pub const fn max(&self) -> u8 {
        let mut sum = 0;
        let mut i = 0;
        while i < self.items.len() {
            sum += self.items[i].max;
            i += 1;
        }
        sum
    }
}

macro_rules! items {
    ($part:literal; $($idx:literal $key:literal $max:literal),* $(,)?) => {
        [$(ItemSpec { key: $key, max: $max, field: concat!($part, "[", $idx, "]") }),*]
    };
}

/// B.1 自理能力: 进食, 修饰, 洗澡, 穿/脱上衣, 穿/脱裤子和鞋袜, 小便控制, 大便控制, 如厕.
pub const SELF_CARE_ITEMS: [ItemSpec; 8] = items!("self_care";
    0 "eating" 4,
    1 "grooming" 4,
    2 "bathing" 4,
    3 "dressing_upper" 4,
    4 "dressing_lower" 4,
    5 "urinary_continence" 4,
    6 "bowel_continence" 4,
    7 "toileting" 4,
);

/// B.2 基础运动能力: 床上体位转移, 床椅转移, 平地行走, 上下楼梯.
pub const MOBILITY_ITEMS: [ItemSpec; 4] = items!("mobility";
    0 "bed_positioning" 4,
    1 "bed_chair_transfer" 4,
    2 "walking" 4,
    3 "stairs" 3,
);

/// B.3 精神状态: 时间定向, 空间定向, 人物定向, 记忆, 理解能力, 表达能力, 攻击行为, 抑郁症状,
/// 意识水平.
pub const MENTAL_ITEMS: [ItemSpec; 9] = items!("mental";
    0 "time_orientation" 4,
    1 "place_orientation" 4,
    2 "person_orientation" 4,
    3 "memory" 4,
    4 "comprehension" 4,
    5 "expression" 4,
    6 "aggression" 1,
    7 "depression" 1,
    8 "consciousness" 2,
);

/// B.4 感知觉与社会参与: 视力, 听力, 执行日常事务, 使用交通工具外出, 社会交往能力.
pub const SENSES_ITEMS: [ItemSpec; 5] = items!("senses";
    0 "vision" 2,
    1 "hearing" 2,
    2 "daily_affairs" 4,
    3 "transport" 3,
    4 "social_interaction" 4,
);

pub const SELF_CARE: PartSpec = PartSpec { key: "self_care", items: &SELF_CARE_ITEMS };
pub const MOBILITY: PartSpec = PartSpec { key: "mobility", items: &MOBILITY_ITEMS };
pub const MENTAL: PartSpec = PartSpec { key: "mental", items: &MENTAL_ITEMS };
pub const SENSES: PartSpec = PartSpec { key: "senses", items: &SENSES_ITEMS };

/// The parts in the order of the standard's form.
pub const PARTS: [PartSpec; 4] = [SELF_CARE, MOBILITY, MENTAL, SENSES];

pub const MAX_TOTAL: u8 = 90;

// A mistyped maximum would shift every level boundary; refuse to build instead.
const _: () = assert!(SELF_CARE.max() + MOBILITY.max() + MENTAL.max() + SENSES.max() == MAX_TOTAL);

/// Position of 意识水平 in the mental part; coma is cross-checked against it.
pub const CONSCIOUSNESS_ITEM: usize = 8;

/// The standard counts care-risk events (跌倒、噎食、自杀、自伤、走失等) in the last 30 days;
/// from this many on, the level is raised (one step, with or without a diagnosis).
pub const RISK_EVENTS_THRESHOLD: u8 = 2;

pub const MAX_NOTES_CHARS: usize = 500;

code_enum! {
    /// 能力等级. Ordered from most to least capable, so `a < b` means `a` needs less care.
    CareLevel {
        /// 0 能力完好
        Intact = "intact",
        /// 1 轻度失能
        Mild = "mild",
        /// 2 中度失能
        Moderate = "moderate",
        /// 3 重度失能
        Severe = "severe",
        /// 4 完全失能
        Total = "total",
    }
}

impl CareLevel {
    /// The standard's level number, 0–4.
    pub fn as_number(self) -> u8 {
        self as u8
    }

    /// The preliminary level for a total score. A total above [`MAX_TOTAL`] cannot come out
    /// of a validated form; it reads as intact rather than panicking.
    pub fn from_total(total: u8) -> CareLevel {
        match total {
            90.. => CareLevel::Intact,
            66..=89 => CareLevel::Mild,
            46..=65 => CareLevel::Moderate,
            30..=45 => CareLevel::Severe,
            0..=29 => CareLevel::Total,
        }
    }

    /// One level worse; 完全失能 is as far as the scale goes.
    pub fn worse(self) -> CareLevel {
        match self {
            CareLevel::Intact => CareLevel::Mild,
            CareLevel::Mild => CareLevel::Moderate,
            CareLevel::Moderate => CareLevel::Severe,
            CareLevel::Severe | CareLevel::Total => CareLevel::Total,
        }
    }
}

/// A rule of the standard that moved the level away from the one the total gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LevelAdjustment {
    /// 昏迷: straight to 完全失能, whatever the scores.
    Coma,
    /// 确诊为痴呆, or another mental and behavioural disorder diagnosed by a psychiatrist.
    Dementia,
    /// Two or more care-risk events (falls, choking, suicide attempts, self-harm, wandering
    /// off and the like) in 30 days.
    RiskEvents,
}

/// The final level and the rules that produced it, in the order applied.
///
/// The standard raises the level "在原有能力级别上提高一个等级" when any one of its conditions
/// holds (dementia, another mental disorder diagnosed by a psychiatrist, 2 or more care-risk
/// events in 30 days): one step in all, however many hold (docs/domain.md, "Capability
/// assessment"). Every condition that holds is listed, so the UI can say why.
///
/// A coma decides the level outright, so the other rules are not listed with it: they could
/// not change the result and the UI would otherwise explain a step that did not happen. A
/// rule that meets the cap at 完全失能 is still listed, since the standard did apply it.
pub fn determine_level(
    preliminary: CareLevel,
    coma: bool,
    dementia_or_mental_disorder: bool,
    risk_events_30d: u8,
) -> (CareLevel, Vec<LevelAdjustment>) {
    if coma {
        return (CareLevel::Total, vec![LevelAdjustment::Coma]);
    }
    let mut adjustments = Vec::new();
    if dementia_or_mental_disorder {
        adjustments.push(LevelAdjustment::Dementia);
    }
    if risk_events_30d >= RISK_EVENTS_THRESHOLD {
        adjustments.push(LevelAdjustment::RiskEvents);
    }
    let level = if adjustments.is_empty() { preliminary } else { preliminary.worse() };
    (level, adjustments)
}

/// The assessment form as the assessor filled it in. Scores are per item, in the order of
/// [`PARTS`]; nothing here is trusted until [`AssessmentInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssessmentInput {
    /// ISO date, `YYYY-MM-DD`.
    pub assessed_on: String,
    pub self_care: Vec<u8>,
    pub mobility: Vec<u8>,
    pub mental: Vec<u8>,
    pub senses: Vec<u8>,
    pub coma: bool,
    pub dementia_or_mental_disorder: bool,
    /// Care-risk events (falls, choking, suicide attempts, self-harm, wandering off, others of
    /// the kind) in the 30 days before the assessment.
    pub risk_events_30d: u8,
    pub notes: Option<String>,
}

/// A validated assessment with its totals and levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AssessmentScores {
    /// ISO date, `YYYY-MM-DD`.
    pub assessed_on: String,
    pub self_care: Vec<u8>,
    pub mobility: Vec<u8>,
    pub mental: Vec<u8>,
    pub senses: Vec<u8>,
    pub self_care_total: u8,
    pub mobility_total: u8,
    pub mental_total: u8,
    pub senses_total: u8,
    pub total: u8,
    /// From the total alone.
    pub preliminary_level: CareLevel,
    /// After the adjustments.
    pub level: CareLevel,
    pub coma: bool,
    pub dementia_or_mental_disorder: bool,
    pub risk_events_30d: u8,
    pub adjustments: Vec<LevelAdjustment>,
    pub notes: Option<String>,
}

fn assessment_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::new("assessment.date_invalid", "assessed_on").with("value", raw))?;
    let date = crate::dates::checked(date, "assessed_on")?;
    if date > today {
        return Err(Invalid::new("assessment.date_future", "assessed_on").with("date", date));
    }
    Ok(date)
}

/// The part's scores checked against its items; returns them with their sum.
fn part_scores(scores: &[u8], part: &PartSpec) -> Result<(Vec<u8>, u8), Invalid> {
    if scores.len() != part.items.len() {
        return Err(Invalid::new("assessment.item_count", part.key)
            .with("expected", part.items.len())
            .with("found", scores.len()));
    }
    for (i, (&score, item)) in scores.iter().zip(part.items).enumerate() {
        if score > item.max {
            // `item` is counted from 1, as the paper form numbers its items; the field keeps
            // the 0-based index the UI uses to find the input.
            return Err(Invalid::new("assessment.score_range", item.field)
                .with("item", i + 1)
                .with("key", item.key)
                .with("value", score)
                .with("max", item.max));
        }
    }
    // Cannot overflow: every part's maximum is checked at compile time to sum to 90.
    Ok((scores.to_vec(), scores.iter().sum()))
}

impl AssessmentInput {
    pub fn validate(&self, today: NaiveDate) -> Result<AssessmentScores, Invalid> {
        let assessed_on = assessment_date(&self.assessed_on, today)?;
        let (self_care, self_care_total) = part_scores(&self.self_care, &SELF_CARE)?;
        let (mobility, mobility_total) = part_scores(&self.mobility, &MOBILITY)?;
        let (mental, mental_total) = part_scores(&self.mental, &MENTAL)?;
        let (senses, senses_total) = part_scores(&self.senses, &SENSES)?;
        if self.coma && mental[CONSCIOUSNESS_ITEM] != 0 {
            return Err(Invalid::new("assessment.coma_conscious", MENTAL_ITEMS[CONSCIOUSNESS_ITEM].field)
                .with("value", mental[CONSCIOUSNESS_ITEM]));
        }
        let notes = text::optional_text(self.notes.as_deref(), MAX_NOTES_CHARS, "notes")?;
        let total = self_care_total + mobility_total + mental_total + senses_total;
        let preliminary_level = CareLevel::from_total(total);
        let (level, adjustments) =
            determine_level(preliminary_level, self.coma, self.dementia_or_mental_disorder, self.risk_events_30d);
        Ok(AssessmentScores {
            assessed_on: assessed_on.format("%Y-%m-%d").to_string(),
            self_care,
            mobility,
            mental,
            senses,
            self_care_total,
            mobility_total,
            mental_total,
            senses_total,
            total,
            preliminary_level,
            level,
            coma: self.coma,
            dementia_or_mental_disorder: self.dementia_or_mental_disorder,
            risk_events_30d: self.risk_events_30d,
            adjustments,
            notes,
        })
    }
}

/// The form's layout for the UI: parts in order, each with its items and maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentForm {
    pub parts: Vec<AssessmentFormPart>,
    pub max_total: u8,
    pub risk_events_threshold: u8,
    pub max_notes_chars: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentFormPart {
    /// `self_care`, `mobility`, `mental` or `senses`, as in [`AssessmentInput`].
    pub key: String,
    pub max: u8,
    pub items: Vec<AssessmentFormItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AssessmentFormItem {
    pub key: String,
    pub max: u8,
}

pub fn form() -> AssessmentForm {
    AssessmentForm {
        parts: PARTS
            .iter()
            .map(|part| AssessmentFormPart {
                key: part.key.to_string(),
                max: part.max(),
                items: part
                    .items
                    .iter()
                    .map(|item| AssessmentFormItem { key: item.key.to_string(), max: item.max })
                    .collect(),
            })
            .collect(),
        max_total: MAX_TOTAL,
        risk_events_threshold: RISK_EVENTS_THRESHOLD,
        max_notes_chars: MAX_NOTES_CHARS as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    }

    /// Every item at its best: 4s, except stairs 3, aggression 1, depression 1,
    /// consciousness 2, vision 2, hearing 2, transport 3. Written out rather than read from
    /// the constants so a wrong constant fails the tests.
    fn all_max() -> AssessmentInput {
        AssessmentInput {
            assessed_on: "2024-05-20".into(),
            self_care: vec![4, 4, 4, 4, 4, 4, 4, 4],
            mobility: vec![4, 4, 4, 3],
            mental: vec![4, 4, 4, 4, 4, 4, 1, 1, 2],
            senses: vec![2, 2, 4, 3, 4],
            coma: false,
            dementia_or_mental_disorder: false,
            risk_events_30d: 0,
            notes: None,
        }
    }

    /// A form whose total is `total`, taking points off the self-care items first, then
    /// the others, so consciousness is the last score to drop.
    fn scoring(total: u8) -> AssessmentInput {
        let mut f = all_max();
        let mut to_remove = 90 - total;
        for part in [&mut f.self_care, &mut f.mobility, &mut f.senses, &mut f.mental] {
            for score in part.iter_mut() {
                let take = (*score).min(to_remove);
                *score -= take;
                to_remove -= take;
            }
        }
        assert_eq!(to_remove, 0);
        f
    }

    fn ok(f: AssessmentInput) -> AssessmentScores {
        f.validate(today()).unwrap()
    }

    fn err(f: AssessmentInput) -> Invalid {
        f.validate(today()).unwrap_err()
    }

    #[test]
    fn all_max_scores_ninety_with_the_standards_part_totals() {
        let s = ok(all_max());
        assert_eq!(
            (s.self_care_total, s.mobility_total, s.mental_total, s.senses_total, s.total),
            (32, 15, 28, 15, 90)
        );
        assert_eq!(s.preliminary_level, CareLevel::Intact);
        assert_eq!(s.level, CareLevel::Intact);
        assert!(s.adjustments.is_empty());
        assert_eq!(s.assessed_on, "2024-05-20");
    }

    #[test]
    fn all_zero_scores_nothing_and_is_total_disability() {
        let s = ok(scoring(0));
        assert_eq!(s.total, 0);
        assert_eq!(s.level, CareLevel::Total);
    }

    #[test]
    fn level_boundaries_from_the_total() {
        let cases = [
            (90, CareLevel::Intact, 0),
            (89, CareLevel::Mild, 1),
            (66, CareLevel::Mild, 1),
            (65, CareLevel::Moderate, 2),
            (46, CareLevel::Moderate, 2),
            (45, CareLevel::Severe, 3),
            (30, CareLevel::Severe, 3),
            (29, CareLevel::Total, 4),
            (0, CareLevel::Total, 4),
        ];
        for (total, level, number) in cases {
            assert_eq!(CareLevel::from_total(total), level, "total {total}");
            let s = ok(scoring(total));
            assert_eq!(s.total, total);
            assert_eq!((s.preliminary_level, s.level), (level, level), "total {total} through the form");
            assert_eq!(s.level.as_number(), number);
        }
    }

    #[test]
    fn dementia_worsens_by_one_level() {
        let s = ok(AssessmentInput { dementia_or_mental_disorder: true, ..scoring(70) });
        assert_eq!((s.preliminary_level, s.level), (CareLevel::Mild, CareLevel::Moderate));
        assert_eq!(s.adjustments, vec![LevelAdjustment::Dementia]);
    }

    #[test]
    fn two_risk_events_worsen_by_one_level_one_does_not() {
        let s = ok(AssessmentInput { risk_events_30d: 1, ..scoring(90) });
        assert_eq!(s.level, CareLevel::Intact);
        assert!(s.adjustments.is_empty());
        let s = ok(AssessmentInput { risk_events_30d: 2, ..scoring(90) });
        assert_eq!(s.level, CareLevel::Mild);
        assert_eq!(s.adjustments, vec![LevelAdjustment::RiskEvents]);
    }

    #[test]
    fn both_conditions_raise_one_level_not_two() {
        // GB/T 42195-2022: "有以下情况之一者，在原有能力级别上提高一个等级" — one step when any holds.
        let s = ok(AssessmentInput { dementia_or_mental_disorder: true, risk_events_30d: 3, ..scoring(50) });
        assert_eq!((s.preliminary_level, s.level), (CareLevel::Moderate, CareLevel::Severe));
        assert_eq!(s.adjustments, vec![LevelAdjustment::Dementia, LevelAdjustment::RiskEvents], "both reasons shown");
        let s = ok(AssessmentInput { dementia_or_mental_disorder: true, risk_events_30d: 2, ..scoring(90) });
        assert_eq!((s.preliminary_level, s.level), (CareLevel::Intact, CareLevel::Mild));
        let s = ok(AssessmentInput { dementia_or_mental_disorder: true, risk_events_30d: 1, ..scoring(70) });
        assert_eq!((s.level, s.adjustments), (CareLevel::Moderate, vec![LevelAdjustment::Dementia]));
    }

    #[test]
    fn adjustments_stop_at_total_disability() {
        let s = ok(AssessmentInput { dementia_or_mental_disorder: true, ..scoring(40) });
        assert_eq!((s.preliminary_level, s.level), (CareLevel::Severe, CareLevel::Total));
        let s = ok(AssessmentInput { dementia_or_mental_disorder: true, risk_events_30d: 2, ..scoring(10) });
        assert_eq!(s.level, CareLevel::Total);
        assert_eq!(CareLevel::Total.worse(), CareLevel::Total);
        assert_eq!(CareLevel::Severe.worse(), CareLevel::Total);
    }

    #[test]
    fn coma_means_total_disability_whatever_the_scores() {
        let mut f = all_max();
        f.mental[8] = 0;
        let s = ok(AssessmentInput { coma: true, dementia_or_mental_disorder: true, risk_events_30d: 5, ..f });
        assert_eq!(s.total, 88);
        assert_eq!((s.preliminary_level, s.level), (CareLevel::Mild, CareLevel::Total));
        assert_eq!(s.adjustments, vec![LevelAdjustment::Coma]);
    }

    #[test]
    fn coma_with_a_conscious_score_is_refused() {
        let e = err(AssessmentInput { coma: true, ..all_max() });
        assert_eq!((e.code, e.field), ("assessment.coma_conscious", "mental[8]"));
        assert_eq!(e.params, vec![("value", "2".to_string())]);
    }

    #[test]
    fn wrong_item_counts_name_the_part() {
        let cases = [
            (AssessmentInput { self_care: vec![4; 7], ..all_max() }, "self_care", "8", "7"),
            (AssessmentInput { mobility: vec![4; 5], ..all_max() }, "mobility", "4", "5"),
            (AssessmentInput { mental: vec![], ..all_max() }, "mental", "9", "0"),
            (AssessmentInput { senses: vec![2; 4], ..all_max() }, "senses", "5", "4"),
        ];
        for (f, field, expected, found) in cases {
            let e = err(f);
            assert_eq!((e.code, e.field), ("assessment.item_count", field));
            assert_eq!(e.params, vec![("expected", expected.to_string()), ("found", found.to_string())]);
        }
    }

    #[test]
    fn a_score_above_its_item_maximum_names_the_item() {
        let mut f = all_max();
        f.mental[6] = 2;
        let e = err(f);
        assert_eq!((e.code, e.field), ("assessment.score_range", "mental[6]"));
        assert_eq!(
            e.params,
            vec![
                ("item", "7".to_string()),
                ("key", "aggression".to_string()),
                ("value", "2".to_string()),
                ("max", "1".to_string())
            ]
        );

        let field_of = |part: fn(&mut AssessmentInput) -> &mut Vec<u8>, i: usize, score: u8| {
            let mut f = all_max();
            part(&mut f)[i] = score;
            f.validate(today()).map_err(|e| e.field)
        };
        assert_eq!(field_of(|f| &mut f.self_care, 0, 5), Err("self_care[0]"));
        assert_eq!(field_of(|f| &mut f.mobility, 3, 4), Err("mobility[3]"));
        assert!(field_of(|f| &mut f.mobility, 2, 4).is_ok(), "walking goes to 4, stairs only to 3");
        assert_eq!(field_of(|f| &mut f.mental, 8, 3), Err("mental[8]"));
        assert_eq!(field_of(|f| &mut f.senses, 0, 3), Err("senses[0]"));
        assert_eq!(field_of(|f| &mut f.senses, 4, 5), Err("senses[4]"));
    }

    #[test]
    fn the_assessment_date_must_be_real_and_not_in_the_future() {
        for bad in ["", "2024-02-30", "20240520", "2024/05/20", "昨天"] {
            let e = err(AssessmentInput { assessed_on: bad.into(), ..all_max() });
            assert_eq!((e.code, e.field), ("assessment.date_invalid", "assessed_on"), "{bad:?}");
        }
        let e = err(AssessmentInput { assessed_on: "2024-06-02".into(), ..all_max() });
        assert_eq!((e.code, e.field), ("assessment.date_future", "assessed_on"));
        assert_eq!(e.params, vec![("date", "2024-06-02".to_string())]);
        let s = ok(AssessmentInput { assessed_on: " 2024-06-01 ".into(), ..all_max() });
        assert_eq!(s.assessed_on, "2024-06-01", "today is allowed, and the date is trimmed");
    }

    #[test]
    fn notes_are_trimmed_and_limited_to_500_characters() {
        let s = ok(AssessmentInput { notes: Some("  家属陪同评估  ".into()), ..all_max() });
        assert_eq!(s.notes.as_deref(), Some("家属陪同评估"));
        assert_eq!(ok(AssessmentInput { notes: Some("   ".into()), ..all_max() }).notes, None);
        assert!(AssessmentInput { notes: Some("评".repeat(500)), ..all_max() }.validate(today()).is_ok());
        let e = err(AssessmentInput { notes: Some("评".repeat(501)), ..all_max() });
        assert_eq!((e.code, e.field), ("text.too_long", "notes"));
    }

    #[test]
    fn care_level_round_trips_through_storage_and_json() {
        for (level, text, number) in [
            (CareLevel::Intact, "intact", 0),
            (CareLevel::Mild, "mild", 1),
            (CareLevel::Moderate, "moderate", 2),
            (CareLevel::Severe, "severe", 3),
            (CareLevel::Total, "total", 4),
        ] {
            assert_eq!(level.as_str(), text);
            assert_eq!(level.as_number(), number);
            assert_eq!(CareLevel::parse(text), Some(level));
            assert_eq!(serde_json::to_string(&level).unwrap(), format!("\"{text}\""));
        }
        assert_eq!(CareLevel::parse("Mild"), None);
        assert_eq!(serde_json::to_string(&LevelAdjustment::RiskEvents).unwrap(), "\"risk_events\"");
    }

    #[test]
    fn the_form_lists_the_standards_parts_and_items() {
        let f = form();
        let parts: Vec<(&str, u8, usize)> = f.parts.iter().map(|p| (p.key.as_str(), p.max, p.items.len())).collect();
        assert_eq!(parts, vec![("self_care", 32, 8), ("mobility", 15, 4), ("mental", 28, 9), ("senses", 15, 5)]);
        assert_eq!(f.max_total, 90);
        let mental: Vec<(&str, u8)> = f.parts[2].items.iter().map(|i| (i.key.as_str(), i.max)).collect();
        assert_eq!(&mental[6..], &[("aggression", 1), ("depression", 1), ("consciousness", 2)]);
        assert_eq!(MENTAL_ITEMS[CONSCIOUSNESS_ITEM].key, "consciousness");
    }

    #[test]
    fn every_item_field_names_its_own_position() {
        let mut keys = std::collections::HashSet::new();
        for part in PARTS {
            for (i, item) in part.items.iter().enumerate() {
                assert_eq!(item.field, format!("{}[{i}]", part.key));
                assert!(keys.insert(item.key), "item key {} is used twice", item.key);
            }
        }
        assert_eq!(keys.len(), 26);
    }
}
