//! `carecircle-cli schedule-bench`, run as the benchmark runs it: a generated week written to a
//! temporary folder, the answer read back and scored by the core's own scorer.

use std::path::Path;
use std::process::Command;

use carecircle_core::schedule::{score, Answer, Instance};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_carecircle-cli"))
}

/// A three-day week for two carers (one a nurse): 8 homes around the centre, a visit to each
/// home each day, alternately in the morning and the afternoon; every fourth needs nursing.
fn week() -> serde_json::Value {
    let points: Vec<[f64; 2]> = std::iter::once([0.0, 0.0])
        .chain((0..8).map(|h| {
            let a = f64::from(h) * 0.8;
            [900.0 * a.cos(), 600.0 * a.sin()]
        }))
        .collect();
    let travel: Vec<Vec<i64>> = points
        .iter()
        .map(|a| points.iter().map(|b| ((a[0] - b[0]).hypot(a[1] - b[1]) * 1.3 / 80.0).ceil() as i64).collect())
        .collect();
    let visits: Vec<serde_json::Value> = (0..24)
        .map(|i| {
            let (home, day) = (i % 8, i / 8);
            let (from, to) = if i % 2 == 0 { (510, 690) } else { (810, 930) };
            serde_json::json!({"client": home, "loc": home + 1, "service": 40, "skill": i64::from(i % 4 == 0),
                               "windows": [[from + day * 1440, to + day * 1440]]})
        })
        .collect();
    let vehicles: Vec<serde_json::Value> = (0..2)
        .flat_map(|c| (0..3).map(move |d| (c, d)))
        .map(|(c, d)| {
            serde_json::json!({"id": format!("c{c}-{d}"), "carer": c, "day": d, "start": 480 + d * 1440,
                               "end": 1020 + d * 1440, "max_duration": 420, "skills": if c == 0 { vec![0, 1] } else { vec![0] }})
        })
        .collect();
    serde_json::json!({
        "points": points, "travel": travel, "visits": visits,
        "carers": [{"id": 0, "skills": [0, 1]}, {"id": 1, "skills": [0]}],
        "vehicles": vehicles, "unmet_penalty": 1000, "overtime_weight": 2, "continuity_weight": 10
    })
}

fn write(path: &Path, value: &serde_json::Value) {
    std::fs::write(path, serde_json::to_string(value).unwrap()).unwrap();
}

#[test]
fn solves_a_week_and_writes_an_answer_that_scores_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (instance_path, answer_path, db) =
        (dir.path().join("week.json"), dir.path().join("answer.json"), dir.path().join("never.db"));
    write(&instance_path, &week());
    let out = cli()
        .args(["--db", db.to_str().unwrap(), "schedule-bench", instance_path.to_str().unwrap()])
        .args(["--seconds", "2", "--seed", "3", "--out", answer_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!db.exists(), "the command needs no database and creates none");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one line of summary: {stdout}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();

    let instance = Instance::from_json(&std::fs::read_to_string(&instance_path).unwrap()).unwrap();
    let answer: Answer = serde_json::from_str(&std::fs::read_to_string(&answer_path).unwrap()).unwrap();
    let scored = score(&instance, &answer).expect("the answer breaks no rule");
    assert_eq!(summary["objective"].as_f64(), Some(scored.objective), "the summary is the answer's score");
    assert_eq!(summary["unplaced"], 0, "24 forty-minute visits fit six carer-days");
    assert!(answer.secs > 0.0 && answer.secs < 2.5, "secs is the wall time: {}", answer.secs);
}

#[test]
fn a_bad_instance_is_refused_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("week.json");
    let mut broken = week();
    broken["visits"][3]["loc"] = 99.into();
    write(&path, &broken);
    let out_path = dir.path().join("answer.json");
    let out = cli()
        .args(["--lang", "en", "schedule-bench", path.to_str().unwrap(), "--out", out_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("instance cannot be used") && stderr.contains("visit 3"), "{stderr}");
    assert!(!out_path.exists());

    let missing = cli()
        .args(["--lang", "zh-CN", "schedule-bench", "/nonexistent/week.json", "--out", out_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("文件"), "{}", String::from_utf8_lossy(&missing.stderr));

    let zero = cli()
        .args(["--lang", "en", "schedule-bench", path.to_str().unwrap(), "--seconds", "0", "--out"])
        .arg(&out_path)
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("seconds above 0"));
}
