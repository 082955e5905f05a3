//! An elderly client's vital signs as a nurse enters them, and how each value is read
//! against the national rules (docs/domain.md, "Vital signs", names each source): blood
//! pressure, heart rate, glucose (high and low), temperature, BMI by the Chinese cut-offs,
//! waist by sex, oxygen saturation. A diabetic client is referred at a lower threshold for
//! heart rate and temperature. A value no body could have is an entry error and is
//! refused, never stored as an alert.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::resident_id::Sex;
use crate::codes::code_enum;
use crate::error::Invalid;

code_enum! {
    /// How a value reads, mildest first.
    Level {
        Normal = "normal",
        /// Blood pressure 120–139 / 80–89 (正常高值): watch, not yet raised.
        HighNormal = "high_normal",
        /// Outside the normal range: recheck, follow up.
        Raised = "raised",
        /// Refer now: on the facility's alert list at once.
        Urgent = "urgent",
    }
}

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Measure {
    BloodPressure,
    HeartRate,
    GlucoseFasting,
    GlucoseRandom,
    Temperature,
    Bmi,
    Waist,
    Spo2,
}

/// One value's reading: the level and a code naming why (an i18n key under `vitals.`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Finding {
    pub measure: Measure,
    pub level: Level,
    pub code: String,
    /// The value as read (BMI computed from weight and height), for display.
    pub value: String,
}

/// A checkup as entered; any subset of the values may be filled in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VitalsInput {
    /// mmHg
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    /// beats per minute
    pub heart_rate: Option<u16>,
    /// mmol/L
    pub glucose_fasting: Option<f64>,
    /// mmol/L, random or 2 hours after a meal
    pub glucose_random: Option<f64>,
    /// °C
    pub temperature: Option<f64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
    pub waist_cm: Option<f64>,
    /// %
    pub spo2: Option<u8>,
    /// Needed to read the waist (the cut-off differs for men and women).
    pub sex: Option<Sex>,
    /// The client has type-2 diabetes: a fast heart rate or a high fever is then an urgent
    /// referral. Context, not a measurement: when a checkup is saved it is taken from the
    /// client's record, whatever the form sent.
    #[serde(default)]
    pub diabetes: bool,
}

/// Plausible ranges: outside them a value is a typing error, not a patient's reading.
mod plausible {
    pub const SYSTOLIC: (f64, f64) = (50.0, 300.0);
    pub const DIASTOLIC: (f64, f64) = (20.0, 200.0);
    pub const HEART_RATE: (f64, f64) = (20.0, 250.0);
    pub const GLUCOSE: (f64, f64) = (0.5, 50.0);
    pub const TEMPERATURE: (f64, f64) = (30.0, 45.0);
    pub const WEIGHT: (f64, f64) = (15.0, 300.0);
    pub const HEIGHT: (f64, f64) = (80.0, 250.0);
    pub const WAIST: (f64, f64) = (30.0, 200.0);
    pub const SPO2: (f64, f64) = (50.0, 100.0);
}

fn in_range(value: f64, (min, max): (f64, f64), field: &'static str) -> Result<(), Invalid> {
    if !value.is_finite() || value < min || value > max {
        return Err(Invalid::new("vitals.implausible", field).with("value", value).with("min", min).with("max", max));
    }
    Ok(())
}

fn finding(measure: Measure, level: Level, code: &str, value: String) -> Finding {
    Finding { measure, level, code: code.to_string(), value }
}

/// BMI rounded to one decimal, as it is read against the cut-offs.
pub fn bmi(weight_kg: f64, height_cm: f64) -> f64 {
    let m = height_cm / 100.0;
    (weight_kg / (m * m) * 10.0).round() / 10.0
}

impl VitalsInput {
    /// At least one value was measured (the sex is context, not a measurement).
    pub fn has_measurement(&self) -> bool {
        *self != VitalsInput { sex: self.sex, diabetes: self.diabetes, ..Default::default() }
    }

    /// Refuses entry errors; with none, reads every value given.
    pub fn classify(&self) -> Result<Vec<Finding>, Invalid> {
        self.check_plausible()?;
        let mut out = Vec::new();
        if let (Some(s), Some(d)) = (self.systolic, self.diastolic) {
            out.push(blood_pressure(s, d));
        }
        if let Some(hr) = self.heart_rate {
            out.push(heart_rate(hr, self.diabetes));
        }
        if let Some(g) = self.glucose_fasting {
            out.push(glucose(Measure::GlucoseFasting, g, FASTING_RAISED_FROM));
        }
        if let Some(g) = self.glucose_random {
            out.push(glucose(Measure::GlucoseRandom, g, 11.1));
        }
        if let Some(t) = self.temperature {
            out.push(temperature(t, self.diabetes));
        }
        if let (Some(w), Some(h)) = (self.weight_kg, self.height_cm) {
            let b = bmi(w, h);
            let (level, code) = if b >= 28.0 {
                (Level::Raised, "bmi.obese")
            } else if b >= 24.0 {
                (Level::HighNormal, "bmi.overweight")
            } else if b < 18.5 {
                (Level::Raised, "bmi.underweight")
            } else {
                (Level::Normal, "bmi.normal")
            };
            out.push(finding(Measure::Bmi, level, code, format!("{b:.1}")));
        }
        if let (Some(waist), Some(sex)) = (self.waist_cm, self.sex) {
            let limit = if sex == Sex::Male { 90.0 } else { 85.0 };
            let (level, code) =
                if waist >= limit { (Level::Raised, "waist.central_obesity") } else { (Level::Normal, "waist.normal") };
            out.push(finding(Measure::Waist, level, code, format!("{waist:.1}")));
        }
        if let Some(o) = self.spo2 {
            let (level, code) = match o {
                0..=89 => (Level::Urgent, "spo2.very_low"),
                90..=94 => (Level::Raised, "spo2.low"),
                _ => (Level::Normal, "spo2.normal"),
            };
            out.push(finding(Measure::Spo2, level, code, o.to_string()));
        }
        Ok(out)
    }

    fn check_plausible(&self) -> Result<(), Invalid> {
        match (self.systolic, self.diastolic) {
            (Some(s), Some(d)) => {
                in_range(s.into(), plausible::SYSTOLIC, "systolic")?;
                in_range(d.into(), plausible::DIASTOLIC, "diastolic")?;
                if d >= s {
                    return Err(Invalid::new("vitals.bp_order", "diastolic"));
                }
            }
            (Some(_), None) => return Err(Invalid::new("vitals.bp_pair", "diastolic")),
            (None, Some(_)) => return Err(Invalid::new("vitals.bp_pair", "systolic")),
            (None, None) => {}
        }
        let checks: [(Option<f64>, (f64, f64), &'static str); 8] = [
            (self.heart_rate.map(f64::from), plausible::HEART_RATE, "heart_rate"),
            (self.glucose_fasting, plausible::GLUCOSE, "glucose_fasting"),
            (self.glucose_random, plausible::GLUCOSE, "glucose_random"),
            (self.temperature, plausible::TEMPERATURE, "temperature"),
            (self.weight_kg, plausible::WEIGHT, "weight_kg"),
            (self.height_cm, plausible::HEIGHT, "height_cm"),
            (self.waist_cm, plausible::WAIST, "waist_cm"),
            (self.spo2.map(f64::from), plausible::SPO2, "spo2"),
        ];
        for (value, range, field) in checks {
            if let Some(v) = value {
                in_range(v, range, field)?;
            }
        }
        if self.waist_cm.is_some() && self.sex.is_none() {
            return Err(Invalid::new("vitals.waist_needs_sex", "sex"));
        }
        Ok(())
    }
}

/// The temperature from which a reading is fever (37.3 °C, 诊断学's 低热).
pub const FEVER_FROM_C: f64 = 37.3;
/// 超高热 (hyperpyrexia, 诊断学): urgent for everyone.
pub const HYPERPYREXIA_FROM_C: f64 = 41.0;
/// 国家基本公共卫生服务规范 (第三版), type-2 diabetes: "体温超过39摄氏度" → urgent referral.
pub const DIABETIC_URGENT_ABOVE_C: f64 = 39.0;
/// The same rule: "持续性心动过速（心率超过100次/分钟）" → urgent referral.
pub const DIABETIC_URGENT_HEART_RATE_ABOVE: u16 = 100;

/// ≥180 or ≥110: refer at once; ≥140 and/or ≥90: raised (recheck on another day);
/// 120–139 and/or 80–89: high-normal (中国高血压防治指南). The worse of the two numbers decides.
fn blood_pressure(s: u16, d: u16) -> Finding {
    let (level, code) = blood_pressure_reading(s, d);
    finding(Measure::BloodPressure, level, code, format!("{s}/{d}"))
}

fn blood_pressure_reading(s: u16, d: u16) -> (Level, &'static str) {
    if s >= 180 || d >= 110 {
        (Level::Urgent, "bp.urgent")
    } else if s >= 140 || d >= 90 {
        (Level::Raised, "bp.raised")
    } else if s >= 120 || d >= 80 {
        (Level::HighNormal, "bp.high_normal")
    } else {
        (Level::Normal, "bp.normal")
    }
}

/// The level of a stored blood pressure, as `classify` read it: the follow-up planner reads
/// the stored values rather than each checkup's findings (the city's report reads them all).
pub fn blood_pressure_level(s: u16, d: u16) -> Level {
    blood_pressure_reading(s, d).0
}

/// The level of a stored fasting glucose (mmol/L), as `classify` read it.
pub fn fasting_glucose_level(g: f64) -> Level {
    glucose_reading(g, FASTING_RAISED_FROM).0
}

/// Fasting glucose from which a reading is raised (mmol/L).
const FASTING_RAISED_FROM: f64 = 7.0;

/// 60–100 beats a minute is normal; outside it, raised. For a diabetic client a rate over 100
/// is an urgent referral: the nurse counts it at rest, so a fast rate at the checkup is taken
/// for the standard's persistent tachycardia (docs/domain.md).
fn heart_rate(hr: u16, diabetes: bool) -> Finding {
    let (level, code) = if (60..=100).contains(&hr) {
        (Level::Normal, "hr.normal")
    } else if diabetes && hr > DIABETIC_URGENT_HEART_RATE_ABOVE {
        (Level::Urgent, "hr.diabetic_tachycardia")
    } else {
        (Level::Raised, "hr.abnormal")
    };
    finding(Measure::HeartRate, level, code, hr.to_string())
}

/// 37.3 °C and over is fever; over 39.0 high fever (urgent for a diabetic client); 41.0 and
/// over hyperpyrexia, urgent for everyone.
fn temperature(t: f64, diabetes: bool) -> Finding {
    let (level, code) = if t >= HYPERPYREXIA_FROM_C {
        (Level::Urgent, "temp.hyperpyrexia")
    } else if t > DIABETIC_URGENT_ABOVE_C && diabetes {
        (Level::Urgent, "temp.diabetic_high_fever")
    } else if t > DIABETIC_URGENT_ABOVE_C {
        (Level::Raised, "temp.high_fever")
    } else if t >= FEVER_FROM_C {
        (Level::Raised, "temp.fever")
    } else {
        (Level::Normal, "temp.normal")
    };
    finding(Measure::Temperature, level, code, format!("{t:.1}"))
}

/// Any glucose ≥16.7 or ≤3.9 mmol/L is urgent; otherwise fasting ≥7.0 or random ≥11.1 is raised.
fn glucose(measure: Measure, g: f64, raised_from: f64) -> Finding {
    let (level, code) = glucose_reading(g, raised_from);
    finding(measure, level, code, format!("{g:.1}"))
}

fn glucose_reading(g: f64, raised_from: f64) -> (Level, &'static str) {
    if g >= 16.7 {
        (Level::Urgent, "glucose.very_high")
    } else if g <= 3.9 {
        (Level::Urgent, "glucose.low")
    } else if g >= raised_from {
        (Level::Raised, "glucose.raised")
    } else {
        (Level::Normal, "glucose.normal")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(s: u16, d: u16) -> (Level, String) {
        let f = VitalsInput { systolic: Some(s), diastolic: Some(d), ..Default::default() }.classify().unwrap();
        (f[0].level, f[0].code.clone())
    }

    #[test]
    fn blood_pressure_at_every_edge() {
        assert_eq!(bp(119, 79).0, Level::Normal);
        assert_eq!(bp(120, 70).0, Level::HighNormal, "120 systolic is high-normal (中国高血压防治指南)");
        assert_eq!(bp(110, 80).0, Level::HighNormal, "80 diastolic is high-normal");
        assert_eq!(bp(129, 84).0, Level::HighNormal);
        assert_eq!(bp(130, 70).0, Level::HighNormal);
        assert_eq!(bp(120, 85).0, Level::HighNormal);
        assert_eq!(bp(139, 89).0, Level::HighNormal);
        assert_eq!(bp(140, 80).0, Level::Raised);
        assert_eq!(bp(120, 90).0, Level::Raised);
        assert_eq!(bp(179, 109).0, Level::Raised);
        assert_eq!(bp(180, 100).0, Level::Urgent);
        assert_eq!(bp(150, 110).0, Level::Urgent);
        assert_eq!(bp(185, 112), (Level::Urgent, "bp.urgent".to_string()));
    }

    fn read(v: VitalsInput) -> (Level, String) {
        let f = v.classify().unwrap();
        (f[0].level, f[0].code.clone())
    }

    fn temp(t: f64, diabetes: bool) -> (Level, String) {
        read(VitalsInput { temperature: Some(t), diabetes, ..Default::default() })
    }

    #[test]
    fn temperature_at_every_edge() {
        let code = |t, diabetes| temp(t, diabetes).1;
        assert_eq!(temp(37.2, false).0, Level::Normal);
        assert_eq!(temp(37.3, false), (Level::Raised, "temp.fever".into()));
        assert_eq!(code(39.0, false), "temp.fever");
        assert_eq!(temp(39.1, false), (Level::Raised, "temp.high_fever".into()));
        assert_eq!(temp(40.9, false).0, Level::Raised);
        assert_eq!(temp(41.0, false), (Level::Urgent, "temp.hyperpyrexia".into()), "超高热 is urgent");
        assert_eq!(temp(45.0, false).0, Level::Urgent, "the highest value accepted is urgent, not fever");
        // A diabetic client is referred from over 39 °C (the service standard's diabetes rule).
        assert_eq!(temp(39.0, true), (Level::Raised, "temp.fever".into()));
        assert_eq!(temp(39.1, true), (Level::Urgent, "temp.diabetic_high_fever".into()));
        assert_eq!(code(41.0, true), "temp.hyperpyrexia");
        assert_eq!(temp(36.5, true).0, Level::Normal);
    }

    #[test]
    fn heart_rate_at_every_edge() {
        let hr = |rate, diabetes| read(VitalsInput { heart_rate: Some(rate), diabetes, ..Default::default() });
        assert_eq!(hr(59, false), (Level::Raised, "hr.abnormal".into()));
        assert_eq!(hr(60, false).0, Level::Normal);
        assert_eq!(hr(100, false).0, Level::Normal);
        assert_eq!(hr(101, false), (Level::Raised, "hr.abnormal".into()));
        assert_eq!(hr(100, true).0, Level::Normal);
        assert_eq!(hr(101, true), (Level::Urgent, "hr.diabetic_tachycardia".into()), "over 100 refers a diabetic");
        assert_eq!(hr(50, true), (Level::Raised, "hr.abnormal".into()), "a slow rate is not the diabetes rule");
    }

    #[test]
    fn diabetes_is_context_not_a_measurement() {
        assert!(!VitalsInput { diabetes: true, sex: Some(Sex::Male), ..Default::default() }.has_measurement());
        assert!(VitalsInput { diabetes: true, spo2: Some(97), ..Default::default() }.has_measurement());
    }

    fn glucose_level(fasting: Option<f64>, random: Option<f64>) -> Level {
        VitalsInput { glucose_fasting: fasting, glucose_random: random, ..Default::default() }.classify().unwrap()[0]
            .level
    }

    #[test]
    fn glucose_high_and_low_at_every_edge() {
        assert_eq!(glucose_level(Some(6.9), None), Level::Normal);
        assert_eq!(glucose_level(Some(7.0), None), Level::Raised);
        assert_eq!(glucose_level(Some(16.6), None), Level::Raised);
        assert_eq!(glucose_level(Some(16.7), None), Level::Urgent);
        assert_eq!(glucose_level(Some(4.0), None), Level::Normal);
        assert_eq!(glucose_level(Some(3.9), None), Level::Urgent, "low glucose is urgent too");
        assert_eq!(glucose_level(None, Some(11.0)), Level::Normal);
        assert_eq!(glucose_level(None, Some(11.1)), Level::Raised);
        assert_eq!(glucose_level(None, Some(16.7)), Level::Urgent);
        assert_eq!(glucose_level(None, Some(3.9)), Level::Urgent);
    }

    fn bmi_code(w: f64, h: f64) -> String {
        VitalsInput { weight_kg: Some(w), height_cm: Some(h), ..Default::default() }.classify().unwrap()[0].code.clone()
    }

    #[test]
    fn bmi_by_the_chinese_cut_offs() {
        // 1.70 m: 69.3 kg → 23.98 → 24.0 overweight; 69.2 → 23.9 normal.
        assert_eq!(bmi(69.2, 170.0), 23.9);
        assert_eq!(bmi_code(69.2, 170.0), "bmi.normal");
        assert_eq!(bmi_code(69.4, 170.0), "bmi.overweight");
        assert_eq!(bmi_code(80.7, 170.0), "bmi.overweight"); // 27.9
        assert_eq!(bmi_code(80.9, 170.0), "bmi.obese"); // 28.0
        assert_eq!(bmi_code(53.4, 170.0), "bmi.normal"); // 18.5 is not under
        assert_eq!(bmi(53.4, 170.0), 18.5);
        assert_eq!(bmi_code(53.1, 170.0), "bmi.underweight"); // 18.4
    }

    #[test]
    fn waist_by_sex() {
        let read = |waist, sex| {
            VitalsInput { waist_cm: Some(waist), sex: Some(sex), ..Default::default() }.classify().unwrap()[0].level
        };
        assert_eq!(read(89.9, Sex::Male), Level::Normal);
        assert_eq!(read(90.0, Sex::Male), Level::Raised);
        assert_eq!(read(84.9, Sex::Female), Level::Normal);
        assert_eq!(read(85.0, Sex::Female), Level::Raised);
        let no_sex = VitalsInput { waist_cm: Some(88.0), ..Default::default() }.classify().unwrap_err();
        assert_eq!(no_sex.code, "vitals.waist_needs_sex");
    }

    #[test]
    fn entry_errors_are_refused_not_classified() {
        let refuse = |v: VitalsInput| v.classify().unwrap_err();
        let e = refuse(VitalsInput { systolic: Some(400), diastolic: Some(90), ..Default::default() });
        assert_eq!((e.code, e.field), ("vitals.implausible", "systolic"));
        assert!(VitalsInput { systolic: Some(300), diastolic: Some(120), ..Default::default() }.classify().is_ok());
        let e = refuse(VitalsInput { temperature: Some(29.9), ..Default::default() });
        assert_eq!((e.code, e.field), ("vitals.implausible", "temperature"));
        assert!(VitalsInput { temperature: Some(30.0), ..Default::default() }.classify().is_ok());
        assert_eq!(refuse(VitalsInput { systolic: Some(120), ..Default::default() }).code, "vitals.bp_pair");
        assert_eq!(
            refuse(VitalsInput { systolic: Some(80), diastolic: Some(90), ..Default::default() }).code,
            "vitals.bp_order"
        );
        assert_eq!(
            refuse(VitalsInput { glucose_fasting: Some(f64::NAN), ..Default::default() }).code,
            "vitals.implausible"
        );
        assert_eq!(refuse(VitalsInput { spo2: Some(49), ..Default::default() }).field, "spo2");
    }

    #[test]
    fn every_reading_has_words_in_both_languages() {
        use crate::i18n::{lookup, Locale};
        let mut codes = std::collections::BTreeSet::new();
        for s in (60..=260).step_by(5) {
            for d in (30..=140).step_by(5).filter(|d| *d < s) {
                codes.insert(bp(s, d).1);
            }
        }
        for g in [2.0, 3.9, 5.0, 7.5, 12.0, 20.0] {
            for v in [
                VitalsInput { glucose_fasting: Some(g), ..Default::default() },
                VitalsInput { glucose_random: Some(g), ..Default::default() },
            ] {
                codes.extend(v.classify().unwrap().into_iter().map(|f| f.code));
            }
        }
        for t in [36.5, 38.0, 39.5, 41.5] {
            for diabetes in [false, true] {
                codes.insert(temp(t, diabetes).1);
            }
        }
        let tachycardia = VitalsInput { heart_rate: Some(120), diabetes: true, ..Default::default() };
        codes.extend(tachycardia.classify().unwrap().into_iter().map(|f| f.code));
        let others = VitalsInput {
            heart_rate: Some(50),
            temperature: Some(38.0),
            weight_kg: Some(90.0),
            height_cm: Some(160.0),
            waist_cm: Some(95.0),
            sex: Some(Sex::Female),
            spo2: Some(92),
            ..Default::default()
        };
        codes.extend(others.classify().unwrap().into_iter().map(|f| f.code));
        assert!(codes.len() >= 17, "{codes:?}");
        for code in codes {
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(lookup(locale, &format!("vitals.{code}")).is_some(), "no words for {code} in {locale:?}");
            }
        }
    }

    #[test]
    fn the_rest_and_an_empty_checkup() {
        assert!(VitalsInput::default().classify().unwrap().is_empty(), "any subset, even none");
        let f = VitalsInput { temperature: Some(37.3), spo2: Some(89), heart_rate: Some(101), ..Default::default() }
            .classify()
            .unwrap();
        let codes: Vec<&str> = f.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["hr.abnormal", "temp.fever", "spo2.very_low"]);
        assert_eq!(f[2].level, Level::Urgent);
    }
}
