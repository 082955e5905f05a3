//! Times the person search index at city scale: 60,000 elderly clients and 5,000
//! children with realistic Han, Mongol and Hui names, valid-looking ID numbers and
//! mobile phones, all from a fixed seed so every run measures the same city.
//!
//! Run with `cargo run --release -p carecircle-core --example bench_search`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use carecircle_core::search::{IdMatch, PersonKind, PersonRecord, SearchIndex};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

const CLIENTS: i64 = 60_000;
const CHILDREN: i64 = 5_000;
const FACILITIES: i64 = 240;
const RUNS: usize = 300;
const LIMIT: usize = 20;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国德文云海峰燕飞波宁琳雪梅\
                     春晓东志红宇浩然子轩欣怡雨涵思博瑞嘉俊豪凯佳颖婷琪慧晨阳凤金荣福贵珍淑兰凤芝岩松林成龙";
const MONGOL: &[&str] =
    &["巴特尔", "乌日娜", "其木格", "斯琴", "额尔敦", "苏和", "乌兰", "那仁", "图雅", "阿拉坦", "宝力德", "萨仁"];
const MONGOL_SCRIPT: &[&str] = &["ᠪᠠᠲᠦ", "ᠪᠠᠲᠦᠪᠠᠶᠠᠷ", "ᠰᠤᠷᠠᠨ", "ᠴᠢᠮᠡᠳ"];
const HUI_SURNAMES: &[&str] = &["马", "白", "海", "沙", "丁", "穆", "哈", "纳", "回"];
const HUI_GIVEN: &[&str] = &["玉兰", "福", "秀英", "成龙", "国华", "桂兰", "海军", "金花", "建军", "文秀"];
/// Wuhai's three districts, for the first six digits of the synthetic ID numbers.
const AREAS: &[&str] = &["150302", "150303", "150304"];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

fn main() {
    let mut rng = StdRng::seed_from_u64(0xC0FFEE);
    let given: Vec<char> = GIVEN.chars().collect();
    let mut records = Vec::with_capacity((CLIENTS + CHILDREN) as usize);
    for id in 1..=CLIENTS + CHILDREN {
        let kind = if id <= CLIENTS { PersonKind::Client } else { PersonKind::Child };
        let name = name(&mut rng, &given);
        let birth_year =
            if kind == PersonKind::Client { rng.random_range(1925..=1965) } else { rng.random_range(2019..=2024) };
        let mut phones = vec![phone(&mut rng)];
        if kind == PersonKind::Child || rng.random_bool(0.5) {
            phones.push(phone(&mut rng));
        }
        records.push(PersonRecord {
            kind,
            id,
            facility_id: rng.random_range(1..=FACILITIES),
            name,
            id_number: Some(id_number(&mut rng, birth_year)),
            phones,
            active: rng.random_bool(0.92),
        });
    }
    let full_name = records[1234].name.clone();
    let eight_phone_digits = records[4321].phones[0][3..11].to_string();

    let started = Instant::now();
    let index = SearchIndex::build(records);
    let build = started.elapsed();
    println!("built index of {} people in {:.1} ms", index.len(), build.as_secs_f64() * 1e3);

    let queries: Vec<(&str, String)> = vec![
        ("1 letter", "z".into()),
        ("1 letter", "w".into()),
        ("2 letters", "zh".into()),
        ("2 initials", "zs".into()),
        ("full pinyin", "wangfang".into()),
        ("Han surname", "张".into()),
        ("full Han name", full_name),
        ("4 ID digits", "1234".into()),
        ("ID tail with X", "002X".into()),
        ("4 phone digits", "5678".into()),
        ("8 phone digits", eight_phone_digits),
        ("no match", "xyzzy".into()),
        ("Mongolian script", "ᠪᠠᠲᠦ".into()),
    ];

    let mut all = Vec::with_capacity(queries.len() * RUNS);
    println!("{:<17} {:<14} {:>8} {:>11} {:>9} {:>9}", "query", "text", "returned", "all matches", "median", "p95");
    for (label, text) in &queries {
        let matches = index.query(text, None, &[], usize::MAX, IdMatch::Tail).len();
        let mut times = Vec::with_capacity(RUNS);
        let mut returned = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let hits = black_box(index.query(black_box(text), None, &[], LIMIT, IdMatch::Tail));
            times.push(started.elapsed());
            returned = hits.len();
        }
        all.extend_from_slice(&times);
        let (median, p95) = percentiles(&mut times);
        println!("{label:<17} {text:<14} {returned:>8} {matches:>11} {median:>7.0}µs {p95:>7.0}µs");
    }
    let (median, p95) = percentiles(&mut all);
    println!("overall ({} runs): median {median:.0} µs, p95 {p95:.0} µs", all.len());
}

fn name(rng: &mut StdRng, given: &[char]) -> String {
    let roll: f64 = rng.random();
    if roll < 0.045 {
        MONGOL.choose(rng).unwrap().to_string()
    } else if roll < 0.05 {
        MONGOL_SCRIPT.choose(rng).unwrap().to_string()
    } else if roll < 0.08 {
        format!("{}{}", HUI_SURNAMES.choose(rng).unwrap(), HUI_GIVEN.choose(rng).unwrap())
    } else {
        let mut name = SURNAMES.choose(rng).unwrap().to_string();
        // Most given names in this generation have two characters, a fair share one.
        let length = if rng.random_bool(0.75) { 2 } else { 1 };
        for _ in 0..length {
            name.push(*given.choose(rng).unwrap());
        }
        name
    }
}

/// An 18-character number with a real area code, a real birth date and the GB 11643
/// check character, so tail queries see the same digit spread as real data.
fn id_number(rng: &mut StdRng, year: i32) -> String {
    let mut id = format!(
        "{}{year:04}{:02}{:02}{:03}",
        AREAS.choose(rng).unwrap(),
        rng.random_range(1..=12),
        rng.random_range(1..=28),
        rng.random_range(0..1000)
    );
    let sum: u32 = id.bytes().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    id.push(char::from(CHECK_CHARS[(sum % 11) as usize]));
    id
}

fn phone(rng: &mut StdRng) -> String {
    const PREFIXES: &[&str] = &[
        "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "177", "180",
        "186", "189",
    ];
    format!("{}{:08}", PREFIXES.choose(rng).unwrap(), rng.random_range(0..100_000_000))
}

fn percentiles(times: &mut [Duration]) -> (f64, f64) {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e6;
    (at(0.5), at(0.95))
}
