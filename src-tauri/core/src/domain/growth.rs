//! A young child's growth read against the WHO Child Growth Standards (2006), as WS/T 423
//! uses them: weight-for-age, length/height-for-age, weight-for-length/height, BMI-for-age
//! and head circumference-for-age as z-scores from WHO's LMS tables (`assets/who/`, where
//! SOURCE.md says where they came from), each with its class — underweight, stunted, wasted,
//! overweight, obese. A value no child could have, or a z-score beyond ±5, is an entry error
//! and is refused, never stored as a finding.
//!
//! How WHO computes, and what we follow:
//! - z = ((X/M)^L − 1)/(L·S) with L, M, S from the row of the child's exact age in days
//!   (0–1856), or, for weight-for-length/height, of the length in 0.1 cm, interpolated
//!   linearly between two rows when the length has more precision (WHO Anthro does the same).
//! - For the weight-based indicators (weight-for-age, weight-for-length/height, BMI-for-age)
//!   beyond ±3 SD the distance between the 2 and 3 SD lines is the unit (WHO's restricted
//!   application of the LMS method): z = 3 + (X − SD3)/(SD3 − SD2) above, and the mirror
//!   formula below, with SDk = M(1 + L·S·k)^(1/L). Length/height and head use the plain formula.
//! - Lying length to day 730, standing height from day 731 (24 months is 730.5 days): WHO's own
//!   tables switch there, and so does the choice of the weight-for-length or -for-height table.
//!   The measuring position is taken to follow the age; WHO would add 0.7 cm to a height taken
//!   standing before day 731 and take 0.7 cm off a length taken lying from then on, which needs
//!   the position recorded and is not done here.
//! - BMI is weight / height² from the unrounded values, as WHO Anthro computes it.
//! - Classes are read from the z-score rounded to 2 decimals, the number shown: a child shown
//!   at −2.00 is not called underweight.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::resident_id::Sex;
use crate::error::Invalid;

/// What a z-score is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Indicator {
    WeightForAge,
    /// Length lying to day 730, height standing from day 731.
    LengthForAge,
    /// Weight-for-length to day 730 (45–110 cm), weight-for-height from day 731 (65–120 cm).
    WeightForLength,
    BmiForAge,
    HeadForAge,
}

/// How a z-score reads, the usual first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum GrowthClass {
    Normal,
    /// Below −2: underweight, stunted, wasted, small head.
    Low,
    /// Below −3: the severe form.
    SeverelyLow,
    /// Above +2 for weight-for-length/height and BMI (overweight) and head (large head).
    High,
    /// Above +3: obese; a very large head.
    VeryHigh,
}

/// A growth check as entered; any of the measurements may be left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GrowthInput {
    /// The standards differ by sex: required.
    pub sex: Option<Sex>,
    /// Age on the day measured, 0–1856.
    pub age_days: u32,
    pub weight_kg: Option<f64>,
    /// Length lying (to day 730) or height standing (from day 731), cm.
    pub height_cm: Option<f64>,
    /// Head circumference, cm.
    pub head_cm: Option<f64>,
}

/// One indicator's reading; `code` names it in words (an i18n key under `growth.`).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ZScore {
    pub indicator: Indicator,
    /// Rounded to 2 decimals.
    pub z: f64,
    pub class: GrowthClass,
    pub code: String,
}

/// One point of a chart: the values at −3, −2, −1, 0, +1, +2 and +3 SD at `x` (age in days,
/// or length/height in cm for weight-for-length/height).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Curve {
    pub x: f64,
    pub sd: [f64; 7],
}

/// The last day of WHO's by-day tables (a month past 5 years).
pub const MAX_AGE_DAYS: u32 = 1856;
/// From this day the tables are for height standing, before it for length lying.
pub const HEIGHT_FROM_DAY: u32 = 731;
/// A z-score further out than this is taken for a typing or measuring error (docs/domain.md, "Growth").
/// WHO Anthro flags the same for weight-for-length and BMI (it allows −6 for weight-for-age and
/// ±6 for length); one limit for all is simpler to explain at the desk.
pub const ENTRY_ERROR_Z: f64 = 5.0;

/// Plausible ranges for a child of 0–5 years: outside them a value is a typing error. Generous,
/// so that a very small or very large child is still read; the ±5 z-score check then catches a
/// value that is plausible for some child but not for this one.
mod plausible {
    /// kg: from an extremely preterm newborn to well past any five-year-old.
    pub const WEIGHT: (f64, f64) = (0.5, 50.0);
    /// cm: a preterm newborn to a tall six-year-old.
    pub const HEIGHT: (f64, f64) = (38.0, 130.0);
    /// cm
    pub const HEAD: (f64, f64) = (25.0, 60.0);
}

fn in_range(value: f64, (min, max): (f64, f64), field: &'static str) -> Result<(), Invalid> {
    if !value.is_finite() || value < min || value > max {
        return Err(Invalid::new("growth.implausible", field).with("value", value).with("min", min).with("max", max));
    }
    Ok(())
}

/// Reads every indicator that the values given allow, or refuses the input: no sex, an age past
/// the tables, an implausible value, or a z-score beyond ±5 (naming the measurement at fault).
/// A length/height outside the weight-for-length/height table leaves that indicator out.
pub fn assess(input: &GrowthInput) -> Result<Vec<ZScore>, Invalid> {
    let sex = input.sex.ok_or_else(|| Invalid::new("growth.sex_required", "sex"))?;
    let day = input.age_days;
    if day > MAX_AGE_DAYS {
        return Err(Invalid::new("growth.age_out_of_range", "age_days").with("value", day).with("max", MAX_AGE_DAYS));
    }
    let checks = [
        (input.weight_kg, plausible::WEIGHT, "weight_kg"),
        (input.height_cm, plausible::HEIGHT, "height_cm"),
        (input.head_cm, plausible::HEAD, "head_cm"),
    ];
    for (value, range, field) in checks {
        if let Some(v) = value {
            in_range(v, range, field)?;
        }
    }
    let mut out = Vec::new();
    if let Some(w) = input.weight_kg {
        out.push(score(Indicator::WeightForAge, w, Table::Wfa.at_age(sex, day)));
    }
    if let Some(h) = input.height_cm {
        out.push(score(Indicator::LengthForAge, h, Table::Lhfa.at_age(sex, day)));
    }
    if let (Some(w), Some(h)) = (input.weight_kg, input.height_cm) {
        let table = if day < HEIGHT_FROM_DAY { Table::Wfl } else { Table::Wfh };
        if let Some(lms) = table.at_length(sex, h) {
            out.push(score(Indicator::WeightForLength, w, lms));
        }
        let m = h / 100.0;
        out.push(score(Indicator::BmiForAge, w / (m * m), Table::Bmi.at_age(sex, day)));
    }
    if let Some(hc) = input.head_cm {
        out.push(score(Indicator::HeadForAge, hc, Table::Hc.at_age(sex, day)));
    }
    refuse_entry_errors(&out)?;
    Ok(out)
}

/// A z-score beyond ±5 is refused, naming the field to check. Weight-for-length and BMI use
/// both weight and height: when neither alone is beyond ±5, the one further from its own median
/// for age is named.
fn refuse_entry_errors(scores: &[ZScore]) -> Result<(), Invalid> {
    let z_of = |indicator| scores.iter().find(|s| s.indicator == indicator).map(|s| s.z);
    let refuse =
        |s: &ZScore, field| Err(Invalid::new("growth.likely_entry_error", field).with("z", format!("{:.2}", s.z)));
    let extreme = |s: &&ZScore| s.z.abs() > ENTRY_ERROR_Z;
    let single = [
        (Indicator::WeightForAge, "weight_kg"),
        (Indicator::LengthForAge, "height_cm"),
        (Indicator::HeadForAge, "head_cm"),
    ];
    for (indicator, field) in single {
        if let Some(s) = scores.iter().filter(extreme).find(|s| s.indicator == indicator) {
            return refuse(s, field);
        }
    }
    if let Some(s) = scores.iter().find(extreme) {
        let weight_off = z_of(Indicator::WeightForAge).unwrap_or(0.0).abs();
        let height_off = z_of(Indicator::LengthForAge).unwrap_or(0.0).abs();
        return refuse(s, if weight_off >= height_off { "weight_kg" } else { "height_cm" });
    }
    Ok(())
}

fn score(indicator: Indicator, x: f64, lms: Lms) -> ZScore {
    let raw = match indicator {
        Indicator::LengthForAge | Indicator::HeadForAge => lms.z(x),
        Indicator::WeightForAge | Indicator::WeightForLength | Indicator::BmiForAge => lms.z_restricted(x),
    };
    let z = round2(raw);
    let (class, code) = classify(indicator, z);
    ZScore { indicator, z, class, code: code.to_string() }
}

fn round2(z: f64) -> f64 {
    let r = (z * 100.0).round() / 100.0;
    // No "-0.0" on screen.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// The class and its words (the i18n key under `growth.`) for a rounded z-score.
fn classify(indicator: Indicator, z: f64) -> (GrowthClass, &'static str) {
    use GrowthClass::*;
    let low = if z < -3.0 {
        Some(SeverelyLow)
    } else if z < -2.0 {
        Some(Low)
    } else {
        None
    };
    let high = if z > 3.0 {
        Some(VeryHigh)
    } else if z > 2.0 {
        Some(High)
    } else {
        None
    };
    match indicator {
        // Above +2 weight-for-age and length-for-age are no finding of their own: a heavy child
        // is read by weight-for-length/height, a tall one is simply tall.
        Indicator::WeightForAge => match low {
            Some(SeverelyLow) => (SeverelyLow, "wfa.underweight_severe"),
            Some(_) => (Low, "wfa.underweight"),
            None => (Normal, "wfa.normal"),
        },
        Indicator::LengthForAge => match low {
            Some(SeverelyLow) => (SeverelyLow, "lfa.stunted_severe"),
            Some(_) => (Low, "lfa.stunted"),
            None => (Normal, "lfa.normal"),
        },
        Indicator::WeightForLength => match (low, high) {
            (Some(SeverelyLow), _) => (SeverelyLow, "wfl.wasted_severe"),
            (Some(_), _) => (Low, "wfl.wasted"),
            (_, Some(VeryHigh)) => (VeryHigh, "wfl.obese"),
            (_, Some(_)) => (High, "wfl.overweight"),
            _ => (Normal, "wfl.normal"),
        },
        Indicator::BmiForAge => match (low, high) {
            (Some(SeverelyLow), _) => (SeverelyLow, "bmi.wasted_severe"),
            (Some(_), _) => (Low, "bmi.wasted"),
            (_, Some(VeryHigh)) => (VeryHigh, "bmi.obese"),
            (_, Some(_)) => (High, "bmi.overweight"),
            _ => (Normal, "bmi.normal"),
        },
        Indicator::HeadForAge => match (low, high) {
            (Some(SeverelyLow), _) => (SeverelyLow, "hc.small_severe"),
            (Some(_), _) => (Low, "hc.small"),
            (_, Some(VeryHigh)) => (VeryHigh, "hc.large_severe"),
            (_, Some(_)) => (High, "hc.large"),
            _ => (Normal, "hc.normal"),
        },
    }
}

/// The points to draw an indicator's chart: every 7th day (and days 730 and 731, where length
/// gives way to height, and the last day), or every whole cm. Weight-for-length here is the
/// lying table (to day 730); [`curves_at`] picks by age.
pub fn curves(indicator: Indicator, sex: Sex) -> Vec<Curve> {
    curves_at(indicator, sex, 0)
}

/// As [`curves`], with weight-for-length/height's table chosen by the child's age.
pub fn curves_at(indicator: Indicator, sex: Sex, age_days: u32) -> Vec<Curve> {
    let table = match indicator {
        Indicator::WeightForAge => Table::Wfa,
        Indicator::LengthForAge => Table::Lhfa,
        Indicator::BmiForAge => Table::Bmi,
        Indicator::HeadForAge => Table::Hc,
        Indicator::WeightForLength if age_days < HEIGHT_FROM_DAY => Table::Wfl,
        Indicator::WeightForLength => Table::Wfh,
    };
    let rows = table.rows(sex);
    let picked: Vec<&[f64; 4]> = if table.by_age() {
        let mut days: Vec<usize> = (0..rows.len()).step_by(7).collect();
        days.extend([HEIGHT_FROM_DAY as usize - 1, HEIGHT_FROM_DAY as usize, rows.len() - 1]);
        days.sort_unstable();
        days.dedup();
        days.into_iter().map(|d| &rows[d]).collect()
    } else {
        rows.iter().step_by(10).collect()
    };
    picked
        .into_iter()
        .map(|r| {
            let lms = Lms::from_row(r);
            let mut sd = [0.0; 7];
            for (k, v) in sd.iter_mut().enumerate() {
                *v = (lms.sd(k as f64 - 3.0) * 1000.0).round() / 1000.0;
            }
            Curve { x: r[0], sd }
        })
        .collect()
}

/// One row of a WHO table: the Box-Cox power L, the median M and the coefficient of variation S.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Lms {
    l: f64,
    m: f64,
    s: f64,
}

impl Lms {
    fn from_row(r: &[f64; 4]) -> Lms {
        Lms { l: r[1], m: r[2], s: r[3] }
    }

    /// ((X/M)^L − 1)/(L·S); ln(X/M)/S in the limit L = 0.
    fn z(self, x: f64) -> f64 {
        if self.l.abs() < 1e-12 {
            (x / self.m).ln() / self.s
        } else {
            ((x / self.m).powf(self.l) - 1.0) / (self.l * self.s)
        }
    }

    /// The measurement at k SD: M(1 + L·S·k)^(1/L).
    fn sd(self, k: f64) -> f64 {
        if self.l.abs() < 1e-12 {
            self.m * (self.s * k).exp()
        } else {
            self.m * (1.0 + self.l * self.s * k).powf(1.0 / self.l)
        }
    }

    /// WHO's restricted LMS for weight-based indicators: beyond ±3 SD the 2–3 SD distance is
    /// the unit, since the skewed tail was not observed that far.
    fn z_restricted(self, x: f64) -> f64 {
        let z = self.z(x);
        if z > 3.0 {
            let sd3 = self.sd(3.0);
            3.0 + (x - sd3) / (sd3 - self.sd(2.0))
        } else if z < -3.0 {
            let sd3 = self.sd(-3.0);
            -3.0 + (x - sd3) / (self.sd(-2.0) - sd3)
        } else {
            z
        }
    }

    fn lerp(self, upper: Lms, t: f64) -> Lms {
        Lms {
            l: self.l + t * (upper.l - self.l),
            m: self.m + t * (upper.m - self.m),
            s: self.s + t * (upper.s - self.s),
        }
    }
}

/// The WHO tables, embedded; rows are `[x, L, M, S]`, x by day from 0 or by 0.1 cm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Wfa,
    Lhfa,
    Bmi,
    Hc,
    Wfl,
    Wfh,
}

#[derive(Deserialize)]
struct TableFile {
    male: Vec<[f64; 4]>,
    female: Vec<[f64; 4]>,
}

impl Table {
    #[cfg(test)]
    const ALL: [Table; 6] = [Table::Wfa, Table::Lhfa, Table::Bmi, Table::Hc, Table::Wfl, Table::Wfh];

    fn text(self) -> &'static str {
        match self {
            Table::Wfa => include_str!("../../../../assets/who/wfa.json"),
            Table::Lhfa => include_str!("../../../../assets/who/lhfa.json"),
            Table::Bmi => include_str!("../../../../assets/who/bmifa.json"),
            Table::Hc => include_str!("../../../../assets/who/hcfa.json"),
            Table::Wfl => include_str!("../../../../assets/who/wfl.json"),
            Table::Wfh => include_str!("../../../../assets/who/wfh.json"),
        }
    }

    fn by_age(self) -> bool {
        !matches!(self, Table::Wfl | Table::Wfh)
    }

    /// The first row's length in tenths of a cm, for the by-length tables.
    fn first_tenth(self) -> i64 {
        match self {
            Table::Wfl => 450,
            Table::Wfh => 650,
            _ => 0,
        }
    }

    fn rows(self, sex: Sex) -> &'static [[f64; 4]] {
        static PARSED: [OnceLock<TableFile>; 6] = [const { OnceLock::new() }; 6];
        let file = PARSED[self as usize].get_or_init(|| {
            serde_json::from_str(self.text()).expect("the WHO tables are valid JSON (checked by tests)")
        });
        match sex {
            Sex::Male => &file.male,
            Sex::Female => &file.female,
        }
    }

    /// The exact day's row; the caller has checked the day against [`MAX_AGE_DAYS`].
    fn at_age(self, sex: Sex, day: u32) -> Lms {
        Lms::from_row(&self.rows(sex)[day as usize])
    }

    /// The row for a length/height, interpolated between the 0.1 cm rows; `None` outside the table.
    fn at_length(self, sex: Sex, cm: f64) -> Option<Lms> {
        let rows = self.rows(sex);
        let tenths = cm * 10.0;
        let row = |t: f64| {
            let i = t as i64 - self.first_tenth();
            usize::try_from(i).ok().and_then(|i| rows.get(i)).map(Lms::from_row)
        };
        let nearest = tenths.round();
        // 75.7 × 10 is not exactly 757 in binary: a length given to 0.1 cm is that row.
        if (tenths - nearest).abs() < 1e-6 {
            return row(nearest);
        }
        let lower = tenths.floor();
        Some(row(lower)?.lerp(row(lower + 1.0)?, tenths - lower))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOY: Option<Sex> = Some(Sex::Male);
    const GIRL: Option<Sex> = Some(Sex::Female);

    fn find(scores: &[ZScore], indicator: Indicator) -> &ZScore {
        scores.iter().find(|s| s.indicator == indicator).unwrap_or_else(|| panic!("no {indicator:?} in {scores:?}"))
    }

    fn weight_at(sex: Sex, day: u32, z: f64) -> GrowthInput {
        let w = Table::Wfa.at_age(sex, day).sd(z);
        GrowthInput { sex: Some(sex), age_days: day, weight_kg: Some(w), ..Default::default() }
    }

    #[test]
    fn every_table_is_whole_and_in_order() {
        for table in Table::ALL {
            for sex in [Sex::Male, Sex::Female] {
                let rows = table.rows(sex);
                let expected = if table.by_age() { MAX_AGE_DAYS as usize + 1 } else { 0 };
                match table {
                    Table::Wfl => assert_eq!(rows.len(), 651, "45–110 cm by 0.1"),
                    Table::Wfh => assert_eq!(rows.len(), 551, "65–120 cm by 0.1"),
                    _ => assert_eq!(rows.len(), expected, "{table:?} {sex:?}: days 0–1856"),
                }
                for (i, r) in rows.iter().enumerate() {
                    let x = if table.by_age() { i as f64 } else { (table.first_tenth() + i as i64) as f64 / 10.0 };
                    assert!((r[0] - x).abs() < 1e-9, "{table:?} {sex:?} row {i} is x = {}, not {x}", r[0]);
                    assert!(r[2] > 0.0 && r[3] > 0.0 && r[3] < 0.2, "{table:?} {sex:?} row {i}: {r:?}");
                }
            }
        }
        // Spot checks against WHO's published rows.
        assert_eq!(Table::Wfa.at_age(Sex::Male, 0), Lms { l: 0.3487, m: 3.3464, s: 0.14602 });
        assert_eq!(Table::Lhfa.at_age(Sex::Female, 1856), Lms { l: 1.0, m: 109.9352, s: 0.04358 });
        assert_eq!(Table::Wfh.at_length(Sex::Male, 120.0), Some(Lms { l: -0.3521, m: 22.353, s: 0.09424 }));
    }

    #[test]
    fn weight_for_age_at_every_class_boundary() {
        let read = |z: f64| {
            let s = assess(&weight_at(Sex::Male, 365, z)).unwrap();
            (s[0].z, s[0].class, s[0].code.clone())
        };
        assert_eq!(read(0.0), (0.0, GrowthClass::Normal, "wfa.normal".into()));
        assert_eq!(read(-2.0), (-2.0, GrowthClass::Normal, "wfa.normal".into()), "−2 itself is not under");
        assert_eq!(read(-2.01), (-2.01, GrowthClass::Low, "wfa.underweight".into()));
        assert_eq!(read(-3.0), (-3.0, GrowthClass::Low, "wfa.underweight".into()), "−3 itself is not severe");
        assert_eq!(read(-3.3).1, GrowthClass::SeverelyLow);
        assert_eq!(read(-3.3).2, "wfa.underweight_severe");
        assert_eq!(read(2.5).1, GrowthClass::Normal, "a heavy child is read by weight-for-length");
        assert_eq!(read(3.5).1, GrowthClass::Normal);
    }

    #[test]
    fn length_and_head_at_every_class_boundary() {
        for (indicator, table, low, severe) in [
            (Indicator::LengthForAge, Table::Lhfa, "lfa.stunted", "lfa.stunted_severe"),
            (Indicator::HeadForAge, Table::Hc, "hc.small", "hc.small_severe"),
        ] {
            let read = |z: f64| {
                let v = table.at_age(Sex::Female, 1000).sd(z);
                let input = if indicator == Indicator::HeadForAge {
                    GrowthInput { sex: GIRL, age_days: 1000, head_cm: Some(v), ..Default::default() }
                } else {
                    GrowthInput { sex: GIRL, age_days: 1000, height_cm: Some(v), ..Default::default() }
                };
                let s = assess(&input).unwrap();
                let s = find(&s, indicator);
                (s.z, s.class, s.code.clone())
            };
            assert_eq!(read(-2.0).1, GrowthClass::Normal);
            assert_eq!(read(-2.0).0, -2.0);
            assert_eq!(read(-2.01).2, low);
            assert_eq!(read(-3.0).1, GrowthClass::Low);
            assert_eq!(read(-3.01), (-3.01, GrowthClass::SeverelyLow, severe.to_string()));
            if indicator == Indicator::LengthForAge {
                assert_eq!(read(2.01).1, GrowthClass::Normal, "tall is not a finding");
                assert_eq!(read(4.0).1, GrowthClass::Normal);
            } else {
                assert_eq!(read(2.0).1, GrowthClass::Normal);
                assert_eq!(read(2.01), (2.01, GrowthClass::High, "hc.large".into()));
                assert_eq!(read(3.0).1, GrowthClass::High);
                assert_eq!(read(3.01), (3.01, GrowthClass::VeryHigh, "hc.large_severe".into()));
            }
        }
    }

    #[test]
    fn weight_for_length_and_bmi_at_every_class_boundary() {
        // A boy of 300 days, 72.0 cm (near the median): the weight sets the z-score.
        let day = 300;
        let h = 72.0;
        let wfl = Table::Wfl.at_length(Sex::Male, h).unwrap();
        let read_wfl = |z: f64| {
            let s = assess(&GrowthInput {
                sex: BOY,
                age_days: day,
                weight_kg: Some(wfl.sd(z)),
                height_cm: Some(h),
                ..Default::default()
            })
            .unwrap();
            let s = find(&s, Indicator::WeightForLength);
            (s.z, s.class, s.code.clone())
        };
        let bmi = Table::Bmi.at_age(Sex::Male, day);
        let read_bmi = |z: f64| {
            let w = bmi.sd(z) * (h / 100.0) * (h / 100.0);
            let s = assess(&GrowthInput {
                sex: BOY,
                age_days: day,
                weight_kg: Some(w),
                height_cm: Some(h),
                ..Default::default()
            })
            .unwrap();
            let s = find(&s, Indicator::BmiForAge);
            (s.z, s.class, s.code.clone())
        };
        for (read, p) in [(&read_wfl as &dyn Fn(f64) -> (f64, GrowthClass, String), "wfl"), (&read_bmi, "bmi")] {
            assert_eq!(read(0.0), (0.0, GrowthClass::Normal, format!("{p}.normal")));
            assert_eq!(read(-2.0), (-2.0, GrowthClass::Normal, format!("{p}.normal")));
            assert_eq!(read(-2.01), (-2.01, GrowthClass::Low, format!("{p}.wasted")));
            assert_eq!(read(-3.0), (-3.0, GrowthClass::Low, format!("{p}.wasted")));
            assert_eq!(read(-3.5).1, GrowthClass::SeverelyLow);
            assert_eq!(read(-3.5).2, format!("{p}.wasted_severe"));
            assert_eq!(read(2.0), (2.0, GrowthClass::Normal, format!("{p}.normal")));
            assert_eq!(read(2.01), (2.01, GrowthClass::High, format!("{p}.overweight")));
            assert_eq!(read(3.0), (3.0, GrowthClass::High, format!("{p}.overweight")));
            assert_eq!(read(3.5).1, GrowthClass::VeryHigh);
            assert_eq!(read(3.5).2, format!("{p}.obese"));
        }
    }

    #[test]
    fn beyond_three_sd_weight_is_measured_in_two_to_three_sd_steps() {
        let lms = Table::Wfa.at_age(Sex::Female, 500);
        let (sd2, sd3) = (lms.sd(2.0), lms.sd(3.0));
        // Half a 2–3 SD step past +3 SD is +3.5 by WHO's rule…
        let heavy = sd3 + 0.5 * (sd3 - sd2);
        let s =
            assess(&GrowthInput { sex: GIRL, age_days: 500, weight_kg: Some(heavy), ..Default::default() }).unwrap();
        assert_eq!(s[0].z, 3.5);
        // …while the plain LMS formula, stretching the skewed tail, would say less.
        assert!(lms.z(heavy) < 3.45, "plain LMS gives {}", lms.z(heavy));
        let (sd2n, sd3n) = (lms.sd(-2.0), lms.sd(-3.0));
        let light = sd3n - 0.5 * (sd2n - sd3n);
        let s =
            assess(&GrowthInput { sex: GIRL, age_days: 500, weight_kg: Some(light), ..Default::default() }).unwrap();
        assert_eq!(s[0].z, -3.5);
        assert!(lms.z(light) < -3.55, "plain LMS gives {}", lms.z(light));
        // Within ±3 both agree.
        let w = lms.sd(2.7);
        assert!((lms.z_restricted(w) - 2.7).abs() < 1e-9);
        // Length is not weight-based: past +3 it stays on the plain formula.
        let tall = Table::Lhfa.at_age(Sex::Female, 500);
        let h = tall.m * (1.0 + 3.6 * tall.s);
        let s = assess(&GrowthInput { sex: GIRL, age_days: 500, height_cm: Some(h), ..Default::default() }).unwrap();
        assert_eq!(s[0].z, 3.6);
    }

    #[test]
    fn length_gives_way_to_height_on_day_731() {
        let read = |day| {
            let s = assess(&GrowthInput {
                sex: BOY,
                age_days: day,
                weight_kg: Some(11.0),
                height_cm: Some(80.0),
                ..Default::default()
            })
            .unwrap();
            find(&s, Indicator::WeightForLength).z
        };
        let by_length = round2(Table::Wfl.at_length(Sex::Male, 80.0).unwrap().z_restricted(11.0));
        let by_height = round2(Table::Wfh.at_length(Sex::Male, 80.0).unwrap().z_restricted(11.0));
        assert_ne!(by_length, by_height);
        assert_eq!(read(730), by_length);
        assert_eq!(read(731), by_height);
    }

    #[test]
    fn a_length_between_rows_is_interpolated() {
        let lo = Table::Wfl.at_length(Sex::Female, 75.7).unwrap();
        let hi = Table::Wfl.at_length(Sex::Female, 75.8).unwrap();
        let mid = Table::Wfl.at_length(Sex::Female, 75.75).unwrap();
        assert!((mid.m - (lo.m + hi.m) / 2.0).abs() < 1e-9);
        assert!((mid.s - (lo.s + hi.s) / 2.0).abs() < 1e-9);
        assert_eq!(Table::Wfl.at_length(Sex::Female, 110.0).map(|l| l.m), Some(18.3324));
        assert_eq!(Table::Wfl.at_length(Sex::Female, 110.05), None);
        assert_eq!(Table::Wfl.at_length(Sex::Female, 44.95), None);
    }

    #[test]
    fn a_length_outside_the_weight_for_length_table_leaves_that_indicator_out() {
        let tiny =
            GrowthInput { sex: GIRL, age_days: 0, weight_kg: Some(2.3), height_cm: Some(44.5), ..Default::default() };
        let s = assess(&tiny).unwrap();
        let indicators: Vec<Indicator> = s.iter().map(|z| z.indicator).collect();
        assert_eq!(indicators, [Indicator::WeightForAge, Indicator::LengthForAge, Indicator::BmiForAge]);
        let tall = GrowthInput {
            sex: BOY,
            age_days: 1800,
            weight_kg: Some(22.0),
            height_cm: Some(120.5),
            ..Default::default()
        };
        let s = assess(&tall).unwrap();
        assert!(s.iter().all(|z| z.indicator != Indicator::WeightForLength), "{s:?}");
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn every_indicator_the_values_allow_in_order() {
        assert!(assess(&GrowthInput { sex: BOY, age_days: 10, ..Default::default() }).unwrap().is_empty());
        let all =
            GrowthInput { sex: BOY, age_days: 365, weight_kg: Some(9.6), height_cm: Some(75.7), head_cm: Some(46.0) };
        let s = assess(&all).unwrap();
        let indicators: Vec<Indicator> = s.iter().map(|z| z.indicator).collect();
        use Indicator::*;
        assert_eq!(indicators, [WeightForAge, LengthForAge, WeightForLength, BmiForAge, HeadForAge]);
        assert!(s.iter().all(|z| z.class == GrowthClass::Normal), "{s:?}");
    }

    #[test]
    fn entry_errors_are_refused_not_classified() {
        let base = GrowthInput { sex: GIRL, age_days: 400, ..Default::default() };
        let refuse = |v: GrowthInput| assess(&v).unwrap_err();
        let e = refuse(GrowthInput { sex: None, weight_kg: Some(9.0), ..base.clone() });
        assert_eq!((e.code, e.field), ("growth.sex_required", "sex"));
        let e = refuse(GrowthInput { age_days: 1857, ..base.clone() });
        assert_eq!((e.code, e.field), ("growth.age_out_of_range", "age_days"));
        assert!(assess(&GrowthInput { age_days: 1856, weight_kg: Some(18.0), ..base.clone() }).is_ok());
        for (input, field) in [
            (GrowthInput { weight_kg: Some(0.0), ..base.clone() }, "weight_kg"),
            (GrowthInput { weight_kg: Some(-3.0), ..base.clone() }, "weight_kg"),
            (GrowthInput { weight_kg: Some(50.1), ..base.clone() }, "weight_kg"),
            (GrowthInput { weight_kg: Some(f64::NAN), ..base.clone() }, "weight_kg"),
            (GrowthInput { height_cm: Some(37.9), ..base.clone() }, "height_cm"),
            (GrowthInput { height_cm: Some(130.1), ..base.clone() }, "height_cm"),
            (GrowthInput { head_cm: Some(24.9), ..base.clone() }, "head_cm"),
            (GrowthInput { head_cm: Some(f64::INFINITY), ..base.clone() }, "head_cm"),
        ] {
            let e = refuse(input);
            assert_eq!((e.code, e.field), ("growth.implausible", field));
        }
        // Plausible for some child, not for a girl of 400 days: beyond ±5, naming the value.
        let e = refuse(GrowthInput { weight_kg: Some(20.0), ..base.clone() });
        assert_eq!((e.code, e.field), ("growth.likely_entry_error", "weight_kg"));
        let e = refuse(GrowthInput { height_cm: Some(100.0), ..base.clone() });
        assert_eq!((e.code, e.field), ("growth.likely_entry_error", "height_cm"));
        let e = refuse(GrowthInput { head_cm: Some(35.0), ..base.clone() });
        assert_eq!((e.code, e.field), ("growth.likely_entry_error", "head_cm"));
        assert!(e.params.iter().any(|(k, v)| *k == "z" && v.starts_with('-')), "{e:?}");
    }

    #[test]
    fn weight_for_length_beyond_five_names_the_value_further_from_its_age() {
        // Day 730, a boy: 74 cm is −4.5 for age, 14 kg only +1.2, yet 14 kg at 74 cm is a BMI
        // beyond +5: the length is the likelier typing error.
        let input =
            GrowthInput { sex: BOY, age_days: 730, weight_kg: Some(14.0), height_cm: Some(74.0), ..Default::default() };
        let lfa = round2(Table::Lhfa.at_age(Sex::Male, 730).z(74.0));
        let wfa = round2(Table::Wfa.at_age(Sex::Male, 730).z_restricted(14.0));
        assert!(lfa > -5.0 && lfa < -4.0 && wfa.abs() < 2.0, "lfa {lfa}, wfa {wfa}");
        let e = assess(&input).unwrap_err();
        assert_eq!((e.code, e.field), ("growth.likely_entry_error", "height_cm"));
        // 18.5 kg at a good length (+3.7 for age, weight-for-length +5.6): the weight.
        let input =
            GrowthInput { sex: BOY, age_days: 730, weight_kg: Some(18.5), height_cm: Some(86.0), ..Default::default() };
        let e = assess(&input).unwrap_err();
        assert_eq!((e.code, e.field), ("growth.likely_entry_error", "weight_kg"));
    }

    #[test]
    fn curves_are_thin_and_ordered() {
        let c = curves(Indicator::WeightForAge, Sex::Male);
        let xs: Vec<f64> = c.iter().map(|p| p.x).collect();
        assert!(xs.contains(&0.0) && xs.contains(&7.0) && xs.contains(&1856.0));
        assert!(xs.contains(&730.0) && xs.contains(&731.0), "where length gives way to height");
        assert!(c.len() < 280, "{} points", c.len());
        assert!(xs.windows(2).all(|w| w[0] < w[1]));
        for p in &c {
            assert!(p.sd.windows(2).all(|w| w[0] < w[1]), "{p:?}");
        }
        assert_eq!(c[0].sd[3], 3.346, "the median at birth");
        let wfl = curves(Indicator::WeightForLength, Sex::Female);
        assert_eq!((wfl.len(), wfl[0].x, wfl.last().unwrap().x), (66, 45.0, 110.0));
        let wfh = curves_at(Indicator::WeightForLength, Sex::Female, 800);
        assert_eq!((wfh.len(), wfh[0].x, wfh.last().unwrap().x), (56, 65.0, 120.0));
        assert_eq!(curves(Indicator::HeadForAge, Sex::Female).len(), c.len());
    }

    #[test]
    fn every_reading_has_words_in_both_languages() {
        use crate::i18n::{lookup, Locale};
        let mut codes = std::collections::BTreeSet::new();
        for indicator in [
            Indicator::WeightForAge,
            Indicator::LengthForAge,
            Indicator::WeightForLength,
            Indicator::BmiForAge,
            Indicator::HeadForAge,
        ] {
            for z in [-4.0, -3.5, -2.5, 0.0, 2.5, 3.5, 4.0] {
                codes.insert(classify(indicator, z).1);
            }
        }
        assert_eq!(codes.len(), 21, "{codes:?}");
        for code in codes {
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(lookup(locale, &format!("growth.{code}")).is_some(), "no words for {code} in {locale:?}");
            }
        }
        for name in ["weight_for_age", "length_for_age", "weight_for_length", "bmi_for_age", "head_for_age"] {
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(lookup(locale, &format!("growth.indicators.{name}")).is_some(), "{name} {locale:?}");
            }
        }
    }
}
