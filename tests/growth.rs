//! Growth z-scores checked against numbers computed outside CareCircle: a few by hand from WHO's
//! published L, M, S (the arithmetic is in the comments), and many computed once by pygrowup2 and
//! pygrowup (tests/data/growth_reference.json; tests/data/README.md says how, and where they and
//! we differ). Then the `growth` command, run as a user would.

use std::process::Command;

use carecircle_core::domain::growth::{assess, GrowthClass, GrowthInput, Indicator, ZScore};
use carecircle_core::domain::resident_id::Sex;

/// Agreement wanted: the z-scores are shown to 2 decimals, so one unit in the last place.
const TOLERANCE: f64 = 0.01 + 1e-9;

fn z_of(scores: &[ZScore], indicator: Indicator) -> f64 {
    scores.iter().find(|s| s.indicator == indicator).unwrap_or_else(|| panic!("no {indicator:?} in {scores:?}")).z
}

fn assert_near(actual: f64, expected: f64, what: &str) {
    assert!((actual - expected).abs() <= TOLERANCE, "{what}: {actual}, expected {expected}");
}

#[test]
fn by_hand_from_the_who_tables() {
    // Boy, day 365, 9.6 kg, 75.7 cm.
    let boy = assess(&GrowthInput {
        sex: Some(Sex::Male),
        age_days: 365,
        weight_kg: Some(9.6),
        height_cm: Some(75.7),
        head_cm: None,
    })
    .unwrap();
    // Weight-for-age, boys, day 365: L = 0.0645, M = 9.646, S = 0.10925.
    // 9.6 / 9.646 = 0.995231; ^0.0645 = 0.999692; − 1 = −0.000308;
    // L·S = 0.0645 × 0.10925 = 0.0070466; z = −0.000308 / 0.0070466 = −0.044 → −0.04.
    assert_near(z_of(&boy, Indicator::WeightForAge), -0.04, "weight-for-age");
    // Weight-for-length, boys, 75.7 cm: L = −0.3521, M = 9.644, S = 0.08303.
    // 9.6 / 9.644 = 0.995438; ^−0.3521 = 1.001611; − 1 = 0.001611;
    // L·S = −0.3521 × 0.08303 = −0.029235; z = 0.001611 / −0.029235 = −0.055 → −0.06
    // (−0.0551 rounds to −0.06).
    assert_near(z_of(&boy, Indicator::WeightForLength), -0.06, "weight-for-length");

    // Girl, day 1095 (3 years), 92.0 cm. Length/height-for-age, girls, day 1095: L = 1,
    // M = 95.0344, S = 0.04006. With L = 1, z = (X/M − 1)/S: 92 / 95.0344 = 0.968071;
    // − 1 = −0.031929; / 0.04006 = −0.797 → −0.80.
    let girl =
        assess(&GrowthInput { sex: Some(Sex::Female), age_days: 1095, height_cm: Some(92.0), ..Default::default() })
            .unwrap();
    assert_near(z_of(&girl, Indicator::LengthForAge), -0.80, "length-for-age");

    // Girl, day 200, head 41.0 cm. Head circumference-for-age, girls, day 200: L = 1,
    // M = 42.5711, S = 0.0308. 41 / 42.5711 = 0.963095; − 1 = −0.036905; / 0.0308 = −1.198 → −1.20.
    let head =
        assess(&GrowthInput { sex: Some(Sex::Female), age_days: 200, head_cm: Some(41.0), ..Default::default() })
            .unwrap();
    assert_near(z_of(&head, Indicator::HeadForAge), -1.20, "head-for-age");

    // Boy, day 1500, 16.5 kg, 104.0 cm (standing: weight-for-height).
    let older = assess(&GrowthInput {
        sex: Some(Sex::Male),
        age_days: 1500,
        weight_kg: Some(16.5),
        height_cm: Some(104.0),
        head_cm: None,
    })
    .unwrap();
    // BMI = 16.5 / 1.04² = 15.25518. BMI-for-age, boys, day 1500: L = −0.3867, M = 15.3133,
    // S = 0.08282. 15.25518 / 15.3133 = 0.996204; ^−0.3867 = 1.001472; − 1 = 0.001472;
    // L·S = −0.3867 × 0.08282 = −0.032026; z = 0.001472 / −0.032026 = −0.046 → −0.05.
    assert_near(z_of(&older, Indicator::BmiForAge), -0.05, "BMI-for-age");
    // Weight-for-height, boys, 104.0 cm: L = −0.3521, M = 16.5342, S = 0.08436.
    // 16.5 / 16.5342 = 0.997932; ^−0.3521 = 1.000729; − 1 = 0.000729;
    // L·S = −0.029703; z = 0.000729 / −0.029703 = −0.025 → −0.02.
    assert_near(z_of(&older, Indicator::WeightForLength), -0.02, "weight-for-height");

    // Girl, day 500: weight-for-age L = −0.2515, M = 9.9023, S = 0.12304.
    // L·S = −0.030946. SD2 = M(1 + 2·L·S)^(1/L) = 9.9023 × 0.938111^(−3.976) = 9.9023 × 1.289203 = 12.7661;
    // SD3 = 9.9023 × 0.907166^(−3.976) = 9.9023 × 1.473136 = 14.5874.
    // 16.0 kg: plain z = ((16/9.9023)^−0.2515 − 1)/−0.030946 = 3.67 > 3, so WHO's restricted rule:
    // z = 3 + (16.0 − 14.5874)/(14.5874 − 12.7661) = 3 + 1.41256/1.82136 = 3.776 → 3.78.
    let heavy =
        assess(&GrowthInput { sex: Some(Sex::Female), age_days: 500, weight_kg: Some(16.0), ..Default::default() })
            .unwrap();
    assert_near(heavy[0].z, 3.78, "weight-for-age beyond +3");
    // SD−2 = 9.9023 × 1.061889^(−3.976) = 7.7990; SD−3 = 9.9023 × 1.092834^(−3.976) = 6.9573.
    // 6.5 kg: plain z = −3.61 < −3; z = −3 + (6.5 − 6.9573)/(7.7990 − 6.9573) = −3 − 0.45728/0.84177
    // = −3.543 → −3.54.
    let light =
        assess(&GrowthInput { sex: Some(Sex::Female), age_days: 500, weight_kg: Some(6.5), ..Default::default() })
            .unwrap();
    assert_near(light[0].z, -3.54, "weight-for-age beyond −3");
    assert_eq!(light[0].class, GrowthClass::SeverelyLow);

    // Girl, day 300, 75.75 cm, 9.0 kg: between the 75.7 cm row (L = −0.3833, M = 9.2786,
    // S = 0.08996) and the 75.8 cm row (M = 9.297, S = 0.08995), halfway: M = 9.2878, S = 0.089955.
    // 9.0 / 9.2878 = 0.969013; ^−0.3833 = 1.012138; − 1 = 0.012138; L·S = −0.034480;
    // z = 0.012138 / −0.034480 = −0.352 → −0.35.
    let between = assess(&GrowthInput {
        sex: Some(Sex::Female),
        age_days: 300,
        weight_kg: Some(9.0),
        height_cm: Some(75.75),
        head_cm: None,
    })
    .unwrap();
    assert_near(z_of(&between, Indicator::WeightForLength), -0.35, "weight-for-length between rows");
}

fn indicator_named(name: &str) -> Indicator {
    serde_json::from_value(serde_json::Value::String(name.to_string())).unwrap_or_else(|_| panic!("indicator {name}"))
}

#[test]
fn agrees_with_pygrowup_to_the_hundredth() {
    let data: serde_json::Value = serde_json::from_str(include_str!("data/growth_reference.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    let (mut compared, mut refused, mut worst) = (0, 0, (0.0_f64, String::new()));
    for case in cases {
        let input = GrowthInput {
            sex: Some(if case["sex"] == "M" { Sex::Male } else { Sex::Female }),
            age_days: case["age_days"].as_u64().unwrap() as u32,
            weight_kg: case["weight_kg"].as_f64(),
            height_cm: case["height_cm"].as_f64(),
            head_cm: case["head_cm"].as_f64(),
        };
        let expected = case["z"].as_object().unwrap();
        if case["refused"] == true {
            let e = assess(&input).expect_err(&format!("a z-score beyond ±5 is refused: {case}"));
            assert_eq!(e.code, "growth.likely_entry_error", "{case}");
            refused += 1;
            continue;
        }
        let scores = assess(&input).unwrap_or_else(|e| panic!("{case}: refused {e:?}"));
        if case["only"] != true {
            let ours: Vec<Indicator> = scores.iter().map(|s| s.indicator).collect();
            let theirs: Vec<Indicator> = expected.keys().map(|k| indicator_named(k)).collect();
            assert!(
                ours.len() == theirs.len() && theirs.iter().all(|i| ours.contains(i)),
                "the same indicators: {ours:?} / {theirs:?} for {case}"
            );
        }
        for (name, z) in expected {
            let ours = z_of(&scores, indicator_named(name));
            let diff = (ours - z.as_f64().unwrap()).abs();
            if diff > worst.0 {
                worst = (diff, format!("{name} {ours} vs {z} in {case}"));
            }
            assert!(diff <= TOLERANCE, "{name}: ours {ours}, {} {z}, for {case}", case["source"]);
            compared += 1;
        }
    }
    println!(
        "{} cases: {compared} z-scores compared, {refused} refused; largest difference {:.4} ({})",
        cases.len(),
        worst.0,
        worst.1
    );
    assert!(
        cases.len() >= 50 && compared >= 300 && refused >= 5,
        "{} cases, {compared} compared, {refused} refused",
        cases.len()
    );
}

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carecircle-cli"))
}

#[test]
fn the_growth_command_prints_each_z_score_or_refuses_with_exit_2() {
    let out = cli()
        .args(["--lang", "en", "growth", "--sex", "M", "--age-days", "365", "--weight", "9.6", "--height", "75.7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["valid"], true);
    let rows = body["zscores"].as_array().unwrap();
    let indicators: Vec<&str> = rows.iter().map(|r| r["indicator"].as_str().unwrap()).collect();
    assert_eq!(indicators, ["weight_for_age", "length_for_age", "weight_for_length", "bmi_for_age"]);
    assert_eq!(rows[0]["z"], -0.04, "by hand above");
    assert_eq!(rows[2]["z"], -0.06);
    for row in rows {
        assert_eq!(row["class"], "normal", "{row}");
        assert!(row["label"].as_str().unwrap().ends_with("normal"), "English words: {row}");
    }

    let chinese = cli()
        .args(["--lang", "zh-CN", "growth", "--sex", "F", "--age-days", "500", "--weight", "6.5"])
        .output()
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&chinese.stdout).unwrap();
    assert_eq!(body["zscores"][0]["z"], -3.54);
    assert_eq!(body["zscores"][0]["class"], "severely_low");
    assert_eq!(body["zscores"][0]["code"], "wfa.underweight_severe");
    assert!(body["zscores"][0]["label"].as_str().unwrap().contains("重度低体重"), "{body}");

    for (args, code, field) in [
        (vec!["--sex", "M", "--age-days", "365", "--weight", "60"], "growth.implausible", "weight_kg"),
        (vec!["--age-days", "365", "--weight", "9.6"], "growth.sex_required", "sex"),
        (vec!["--sex", "X", "--age-days", "365", "--weight", "9.6"], "growth.sex_unknown", "sex"),
        (vec!["--sex", "F", "--age-days", "2000", "--weight", "18"], "growth.age_out_of_range", "age_days"),
        (vec!["--sex", "F", "--age-days", "400", "--weight", "20"], "growth.likely_entry_error", "weight_kg"),
    ] {
        let refused = cli().args(["--lang", "en", "growth"]).args(&args).output().unwrap();
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        let body: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
        assert_eq!(body["valid"], false);
        assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some(code), Some(field)), "{args:?}");
        let message = body["error"].as_str().unwrap();
        assert!(!message.contains(code), "a message in words, not the bare code: {message}");
    }
}
