//! The front desk's single search box: an in-memory index over every person the city
//! serves or employs (elderly clients, children, staff) that finds someone by name in any
//! script, by pinyin (full, initials, and the mixed forms Chinese IMEs accept, over every
//! reading of a polyphonic character), by the tail of the resident ID number, or by any of
//! their phone numbers. The caller reads the rows from the database and rebuilds the index
//! when people change; this module owns only matching and ranking.
//!
//! Everything a query needs is precomputed per person at build time (folded name, interned
//! pinyin readings, letter masks, digits-only phones), so a query is one linear pass that
//! rejects most people on bit masks and never allocates per person: a city of 65,000
//! people answers in a few milliseconds, which keeps an index-free scan simpler than a
//! trie or n-gram index that would have to be kept in step with every edit.

use std::collections::HashMap;

use pinyin::ToPinyinMulti;
use serde::Serialize;
use ts_rs::TS;

/// Shorter digit strings occur in a large share of a city's ID numbers and phones, so
/// they would bury the person the desk is looking for.
const MIN_NUMBER_QUERY: usize = 4;
/// The matcher's visited-state table is a fixed array indexed by syllable; no personal
/// name comes near this many characters, so later ones are simply not spelled.
const MAX_SYLLABLES: usize = 64;
/// A query position is a bit in a `u64`; the full pinyin of any plausible name is shorter.
const MAX_PINYIN_QUERY: usize = 64;

pub use crate::domain::person::PersonKind;

/// What the index is built from (one row per person, read from the database by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRecord {
    pub kind: PersonKind,
    pub id: i64,
    pub facility_id: i64,
    pub name: String,
    pub id_number: Option<String>,
    pub phones: Vec<String>,
    /// false for a deceased or moved client, a child who left, an inactive staff member: still found, ranked after the active ones.
    pub active: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MatchedBy {
    Name,
    Pinyin,
    IdNumber,
    Phone,
}

/// How an ID number is matched. Only roles who may see full ID numbers find people by the
/// tail of one: to anyone else, a hit for "1234" would tell the last four characters of
/// the person's number, which no screen shows them (see `domain::resident_id::mask`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdMatch {
    /// The end of the number: its last 4 or more characters.
    Tail,
    /// Only the whole number, as on the card in front of the desk.
    Whole,
}

/// How good a hit is, best first; hits are ordered by tier before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchTier {
    /// The name equals the query (case-insensitive).
    Exact,
    /// The query spells the whole name in pinyin ("zs", "zhangsan" for 张三).
    WholeFromStart,
    /// The name starts with the query, or its pinyin does from the first character.
    FromStart,
    /// The query matches from a later character of the name ("三", "san" for 张三).
    Inside,
    /// The resident ID number ends with the query, or a phone contains it.
    Number,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: PersonKind,
    pub id: i64,
    pub facility_id: i64,
    pub matched_by: MatchedBy,
    pub tier: MatchTier,
    pub active: bool,
}

/// One person as the query loop sees it. The masks come first so that most people are
/// rejected without following a pointer.
struct Entry {
    /// One bit per character of the folded name (hashed), to skip the substring search.
    name_bloom: u64,
    /// Bit `c - 'a'` for the first letter of every reading of every character.
    initials: u32,
    /// Bit `c - 'a'` for every letter of every reading.
    letters: u32,
    /// Bit 10a + b for every digit pair "ab" inside a phone: a digit query needs all of
    /// its pairs, which rules out nearly everyone before a substring search.
    phone_pairs: u128,
    /// The last four characters of the ID number, to test a tail without a pointer chase.
    id_tail: u32,
    syllables_start: u32,
    syllables_len: u16,
    name_chars: u16,
    kind: PersonKind,
    active: bool,
    facility_id: i64,
    id: i64,
    /// Lowercased, full-width forms folded, whitespace runs collapsed.
    name: Box<str>,
    /// Uppercased, separators removed; empty when unknown.
    id_number: Box<str>,
    /// Each phone reduced to its digits, joined by spaces so a query never spans two.
    phones: Box<str>,
}

/// The readings of one character of a name: `readings[first..first + count]`.
#[derive(Debug, Clone, Copy)]
struct Syllable {
    first: u32,
    count: u32,
    /// Letters the readings start with, to skip start positions a query cannot begin at.
    initials: u32,
}

pub struct SearchIndex {
    /// Sorted by (id, kind), so a position doubles as the final tie-break.
    entries: Vec<Entry>,
    syllables: Vec<Syllable>,
    /// Interned per distinct character at build time; `Syllable`s point into it.
    readings: Vec<&'static str>,
}

impl SearchIndex {
    pub fn build(records: impl IntoIterator<Item = PersonRecord>) -> SearchIndex {
        let mut records: Vec<PersonRecord> = records.into_iter().collect();
        records.sort_by_key(|r| (r.id, r.kind));
        assert!(records.len() <= u32::MAX as usize, "a rank key holds a person's position in 32 bits");

        let mut index =
            SearchIndex { entries: Vec::with_capacity(records.len()), syllables: Vec::new(), readings: Vec::new() };
        // Names draw on a few thousand distinct characters, so each is looked up once.
        let mut by_char: HashMap<char, Option<Syllable>> = HashMap::new();
        let mut folded = String::new();
        for record in records {
            fold_into(&record.name, &mut folded);
            let syllables_start = index.syllables.len() as u32;
            let (mut initials, mut letters, mut name_bloom, mut name_chars) = (0u32, 0u32, 0u64, 0usize);
            for c in folded.chars() {
                name_chars += 1;
                name_bloom |= char_bit(c);
                if index.syllables.len() - syllables_start as usize >= MAX_SYLLABLES {
                    continue;
                }
                let readings = &mut index.readings;
                let syllable = *by_char.entry(c).or_insert_with(|| intern_readings(c, readings));
                if let Some(syllable) = syllable {
                    initials |= syllable.initials;
                    for reading in &index.readings[syllable.first as usize..(syllable.first + syllable.count) as usize]
                    {
                        letters |= letter_mask(reading.as_bytes());
                    }
                    index.syllables.push(syllable);
                }
            }
            let id_number: String = record
                .id_number
                .as_deref()
                .unwrap_or("")
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            let mut phones = String::new();
            let mut phone_pairs = 0u128;
            for phone in &record.phones {
                let start = phones.len();
                if start > 0 {
                    phones.push(' ');
                }
                let digits_start = phones.len();
                phones.extend(phone.chars().filter(char::is_ascii_digit));
                if phones.len() == digits_start {
                    phones.truncate(start);
                }
                phone_pairs |= digit_pairs(&phones.as_bytes()[digits_start.min(phones.len())..]);
            }
            index.entries.push(Entry {
                name_bloom,
                initials,
                letters,
                phone_pairs,
                id_tail: tail(id_number.as_bytes()),
                syllables_start,
                syllables_len: (index.syllables.len() - syllables_start as usize) as u16,
                name_chars: name_chars.min(u16::MAX as usize) as u16,
                kind: record.kind,
                active: record.active,
                facility_id: record.facility_id,
                id: record.id,
                name: folded.as_str().into(),
                id_number: id_number.into(),
                phones: phones.into(),
            });
        }
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Best first, at most `limit`. `facility_scope`: Some(f) = only people of facility f; None = everyone.
    /// `kinds`: empty slice = every kind. A query that is empty or only spaces returns nothing.
    /// Digit queries shorter than 4 digits match no ID/phone (too many hits) but still match names.
    /// `ids`: whether the end of an ID number finds its holder, or only the whole number.
    pub fn query(
        &self,
        text: &str,
        facility_scope: Option<i64>,
        kinds: &[PersonKind],
        limit: usize,
        ids: IdMatch,
    ) -> Vec<Hit> {
        let mut folded = String::new();
        fold_into(text, &mut folded);
        if folded.is_empty() || limit == 0 {
            return Vec::new();
        }
        let name_bloom = folded.chars().fold(0u64, |bloom, c| bloom | char_bit(c));
        let pinyin = PinyinQuery::parse(&folded);
        let number = NumberQuery::parse(&folded);
        let kind_mask = if kinds.is_empty() { u8::MAX } else { kinds.iter().fold(0u8, |m, k| m | kind_bit(*k)) };
        let mut visited = [0u64; MAX_SYLLABLES];

        let mut top = TopK::new(limit);
        for (position, entry) in self.entries.iter().enumerate() {
            if kind_bit(entry.kind) & kind_mask == 0 || facility_scope.is_some_and(|f| f != entry.facility_id) {
                continue;
            }
            let mut best: Option<(MatchTier, MatchedBy)> = None;
            if name_bloom & !entry.name_bloom == 0 {
                if let Some(at) = find_bytes(entry.name.as_bytes(), folded.as_bytes()) {
                    let tier = match at {
                        0 if entry.name.len() == folded.len() => MatchTier::Exact,
                        0 => MatchTier::FromStart,
                        _ => MatchTier::Inside,
                    };
                    best = Some((tier, MatchedBy::Name));
                }
            }
            if let Some(q) = &pinyin {
                let worth_trying = best.is_none_or(|(tier, _)| tier > MatchTier::WholeFromStart)
                    && entry.initials & q.first_bit != 0
                    && q.letters_mask & !entry.letters == 0;
                if worth_trying {
                    let start = entry.syllables_start as usize;
                    let syllables = &self.syllables[start..start + entry.syllables_len as usize];
                    let mut matcher = Matcher { query: q, syllables, readings: &self.readings, visited: &mut visited };
                    if let Some(tier) = matcher.best_tier() {
                        if best.is_none_or(|(current, _)| tier < current) {
                            best = Some((tier, MatchedBy::Pinyin));
                        }
                    }
                }
            }
            if best.is_none() {
                if let Some(q) = &number {
                    let whole_enough = ids == IdMatch::Tail || q.text.len() == entry.id_number.len();
                    if entry.id_tail == q.tail
                        && whole_enough
                        && entry.id_number.as_bytes().ends_with(q.text.as_bytes())
                    {
                        best = Some((MatchTier::Number, MatchedBy::IdNumber));
                    } else if q.phone
                        && q.pairs & !entry.phone_pairs == 0
                        && find_bytes(entry.phones.as_bytes(), q.text.as_bytes()).is_some()
                    {
                        best = Some((MatchTier::Number, MatchedBy::Phone));
                    }
                }
            }
            if let Some((tier, matched_by)) = best {
                top.push(rank_key(tier, entry, position, matched_by));
            }
        }

        top.into_sorted()
            .into_iter()
            .map(|key| {
                let entry = &self.entries[((key >> 2) & u64::from(u32::MAX)) as usize];
                Hit {
                    kind: entry.kind,
                    id: entry.id,
                    facility_id: entry.facility_id,
                    matched_by: MATCHED_BY[(key & 0b11) as usize],
                    tier: TIERS[(key >> TIER_SHIFT) as usize],
                    active: entry.active,
                }
            })
            .collect()
    }
}

const TIERS: [MatchTier; 5] =
    [MatchTier::Exact, MatchTier::WholeFromStart, MatchTier::FromStart, MatchTier::Inside, MatchTier::Number];
const MATCHED_BY: [MatchedBy; 4] = [MatchedBy::Name, MatchedBy::Pinyin, MatchedBy::IdNumber, MatchedBy::Phone];
const TIER_SHIFT: u32 = 51;

/// Packs the whole ordering into one integer so selecting the top hits compares `u64`s:
/// tier, then inactive after active, then shorter names, then position (id, kind). The
/// matched-by bits sit below the position, which is unique, so they never decide order.
fn rank_key(tier: MatchTier, entry: &Entry, position: usize, matched_by: MatchedBy) -> u64 {
    (tier as u64) << TIER_SHIFT
        | u64::from(!entry.active) << 50
        | u64::from(entry.name_chars) << 34
        | (position as u64) << 2
        | matched_by as u64
}

/// Keeps the best `limit` keys without sorting every hit: a one-letter query can hit a
/// third of the city, and the desk shows a screenful.
struct TopK {
    keys: Vec<u64>,
    limit: usize,
    /// Once the buffer has been cut, nothing worse than its worst survivor can make it.
    worst_kept: u64,
}

impl TopK {
    fn new(limit: usize) -> TopK {
        TopK { keys: Vec::with_capacity(limit.saturating_mul(2).clamp(64, 4096)), limit, worst_kept: u64::MAX }
    }

    fn push(&mut self, key: u64) {
        if key > self.worst_kept {
            return;
        }
        self.keys.push(key);
        if self.keys.len() >= self.limit.saturating_mul(2).max(64) {
            self.cut();
        }
    }

    fn cut(&mut self) {
        if self.keys.len() > self.limit {
            self.keys.select_nth_unstable(self.limit - 1);
            self.keys.truncate(self.limit);
            self.worst_kept = self.keys.iter().copied().max().unwrap_or(u64::MAX);
        }
    }

    fn into_sorted(mut self) -> Vec<u64> {
        self.cut();
        self.keys.sort_unstable();
        self.keys
    }
}

/// The query as pinyin: letters only, with the positions where the user typed a
/// separator (space, apostrophe), which IMEs treat as "a new syllable starts here".
struct PinyinQuery {
    letters: [u8; MAX_PINYIN_QUERY],
    len: usize,
    /// Bit p: a syllable must start at letter p.
    breaks: u64,
    first_bit: u32,
    letters_mask: u32,
}

impl PinyinQuery {
    fn parse(folded: &str) -> Option<PinyinQuery> {
        let mut q = PinyinQuery { letters: [0; MAX_PINYIN_QUERY], len: 0, breaks: 0, first_bit: 0, letters_mask: 0 };
        for c in folded.chars() {
            let letter = match c {
                'a'..='z' => c as u8,
                // IMEs type ü as v; a European keyboard may type ü itself.
                'ü' => b'v',
                ' ' | '\'' | '\u{2019}' | '\u{2018}' => {
                    if q.len > 0 && q.len < MAX_PINYIN_QUERY {
                        q.breaks |= 1 << q.len;
                    }
                    continue;
                }
                _ => return None,
            };
            if q.len == MAX_PINYIN_QUERY {
                return None;
            }
            q.letters[q.len] = letter;
            q.len += 1;
        }
        if q.len == 0 {
            return None;
        }
        q.first_bit = letter_bit(q.letters[0]);
        q.letters_mask = letter_mask(&q.letters[..q.len]);
        Some(q)
    }

    /// The letters from `p` up to the next separator: one syllable cannot span a separator.
    fn segment(&self, p: usize) -> &[u8] {
        let later = if p + 1 >= MAX_PINYIN_QUERY { 0 } else { self.breaks >> (p + 1) << (p + 1) };
        let end = if later == 0 { self.len } else { later.trailing_zeros() as usize };
        &self.letters[p..end]
    }
}

/// Spells a query with a name's syllables: each character, in order, contributes a
/// non-empty prefix of one of its readings. That one rule covers full pinyin ("zhangsan"),
/// initials ("zs") and the mixed forms ("zhangs", "zsan", "zhs") that IMEs accept.
struct Matcher<'a> {
    query: &'a PinyinQuery,
    syllables: &'a [Syllable],
    readings: &'a [&'static str],
    /// Bit p of row i: state (syllable i, query letter p) already explored without
    /// success. Short names and queries keep this tiny, but a name of repeated
    /// characters and a query of repeated letters would otherwise branch exponentially.
    visited: &'a mut [u64; MAX_SYLLABLES],
}

impl Matcher<'_> {
    fn best_tier(&mut self) -> Option<MatchTier> {
        let n = self.syllables.len();
        for start in 0..n {
            if self.syllables[start].initials & self.query.first_bit == 0 {
                continue;
            }
            self.visited[start..n].fill(0);
            let mut spelled = false;
            let whole = self.spell(start, 0, start == 0, &mut spelled);
            match (start, whole, spelled) {
                (0, true, _) => return Some(MatchTier::WholeFromStart),
                (0, false, true) => return Some(MatchTier::FromStart),
                (_, _, true) => return Some(MatchTier::Inside),
                _ => {}
            }
        }
        None
    }

    /// Whether query letters `p..` can be spelled from syllable `i` on; sets `spelled` on
    /// any success. With `want_whole` it returns true only when the spelling ends exactly
    /// at the last syllable, and keeps searching after a spelling that stops short.
    fn spell(&mut self, i: usize, p: usize, want_whole: bool, spelled: &mut bool) -> bool {
        if p == self.query.len {
            *spelled = true;
            return !want_whole || i == self.syllables.len();
        }
        if i == self.syllables.len() || self.visited[i] & (1 << p) != 0 {
            return false;
        }
        self.visited[i] |= 1 << p;
        let syllable = self.syllables[i];
        let rest = self.query.segment(p);
        for r in syllable.first..syllable.first + syllable.count {
            let reading = self.readings[r as usize].as_bytes();
            let common = reading.iter().zip(rest).take_while(|(a, b)| a == b).count();
            // Longest first: full syllables are what people usually type.
            for taken in (1..=common).rev() {
                if self.spell(i + 1, p + taken, want_whole, spelled) {
                    return true;
                }
            }
        }
        false
    }
}

/// The query as the tail of an ID number or part of a phone number, separators removed.
struct NumberQuery {
    text: String,
    /// All digits, so it may also be part of a phone; a trailing X fits only an ID number.
    phone: bool,
    pairs: u128,
    tail: u32,
}

impl NumberQuery {
    fn parse(folded: &str) -> Option<NumberQuery> {
        let text: String = folded
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '+' | '(' | ')'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let digits = text.strip_suffix('X').unwrap_or(&text);
        if text.len() < MIN_NUMBER_QUERY || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let phone = digits.len() == text.len();
        let (pairs, tail) = (digit_pairs(text.as_bytes()), tail(text.as_bytes()));
        Some(NumberQuery { text, phone, pairs, tail })
    }
}

/// The key lists sort people by, as Chinese readers expect: the pinyin of each character
/// (its first reading) separated by spaces, so that 丁 (ding) comes before 王 (wang) and 李
/// (li) before 李明 (li ming); characters without a reading (Latin, Mongolian script) sort
/// as themselves, after the letters.
pub fn sort_key(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut key = String::with_capacity(name.len() * 3);
    for (i, c) in name.trim().chars().enumerate() {
        if !key.is_empty() {
            key.push(' ');
        }
        // A surname is read its own way: 曾 is zeng, not ceng; 单 is shan, not dan.
        let surname = if i == 0 { SURNAME_READINGS.iter().find(|(s, _)| *s == c).map(|(_, r)| *r) } else { None };
        match (surname, c.to_pinyin()) {
            (Some(reading), _) => key.push_str(reading),
            (None, Some(p)) => key.push_str(p.plain()),
            (None, None) => key.extend(c.to_lowercase()),
        }
    }
    key
}

/// Surnames whose reading differs from the character's first (most common) reading.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('区', "ou"),
    ('查', "zha"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('覃', "qin"),
    ('乐', "yue"),
    ('缪', "miao"),
    ('翟', "zhai"),
    ('曲', "qu"),
    ('种', "chong"),
    ('柏', "bai"),
    ('秘', "bi"),
    ('宿', "su"),
    ('薄', "bo"),
    ('尉', "yu"),
    ('长', "zhang"),
    ('召', "shao"),
];

/// Adds a character's distinct readings, in plain ASCII, to `readings`. The pinyin data
/// writes ü (吕 lü) and ê; IMEs type v for ü and many people type u, so both are kept.
fn intern_readings(c: char, readings: &mut Vec<&'static str>) -> Option<Syllable> {
    let multi = c.to_pinyin_multi()?;
    let first = readings.len();
    for pinyin in multi {
        let forms: [&'static str; 2] = match pinyin.plain() {
            "lü" => ["lv", "lu"],
            "lüe" => ["lve", "lue"],
            "nü" => ["nv", "nu"],
            "nüe" => ["nve", "nue"],
            "ê" => ["e", ""],
            plain if plain.bytes().all(|b| b.is_ascii_lowercase()) => [plain, ""],
            _ => ["", ""],
        };
        for form in forms {
            if !form.is_empty() && !readings[first..].contains(&form) {
                readings.push(form);
            }
        }
    }
    if readings.len() == first {
        return None;
    }
    let initials = readings[first..].iter().fold(0, |mask, r| mask | letter_bit(r.as_bytes()[0]));
    Some(Syllable { first: first as u32, count: (readings.len() - first) as u32, initials })
}

/// Lowercases, maps full-width forms (what an IME in full-width mode types: "ｚｓ",
/// "１２３４") to ASCII, and collapses whitespace runs, so names and queries compare alike.
fn fold_into(text: &str, out: &mut String) {
    out.clear();
    let mut space_pending = false;
    for c in text.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() {
            space_pending = !out.is_empty();
            continue;
        }
        if space_pending {
            out.push(' ');
            space_pending = false;
        }
        out.extend(c.to_lowercase());
    }
}

fn char_bit(c: char) -> u64 {
    1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
}

fn letter_bit(b: u8) -> u32 {
    if b.is_ascii_lowercase() {
        1 << (b - b'a')
    } else {
        0
    }
}

fn letter_mask(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |mask, &b| mask | letter_bit(b))
}

/// Bits for the adjacent digit pairs of a run of digits (see `Entry::phone_pairs`).
fn digit_pairs(digits: &[u8]) -> u128 {
    digits.windows(2).fold(0, |pairs, w| match (w[0], w[1]) {
        (a @ b'0'..=b'9', b @ b'0'..=b'9') => pairs | 1 << (u32::from(a - b'0') * 10 + u32::from(b - b'0')),
        _ => pairs,
    })
}

/// The last four bytes as one integer; 0 for anything shorter, which a query (at least
/// four characters) never produces, so an unknown ID number never matches.
fn tail(bytes: &[u8]) -> u32 {
    match bytes.len().checked_sub(4) {
        Some(start) => u32::from_le_bytes(bytes[start..].try_into().expect("four bytes")),
        None => 0,
    }
}

fn kind_bit(kind: PersonKind) -> u8 {
    1 << kind as u8
}

/// Naive search: haystacks are a name or a few phone numbers, too short to repay the
/// set-up of `str::find`'s two-way searcher, which otherwise dominates a digit query.
fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len()).find(|&at| haystack[at] == first && haystack[at..at + needle.len()] == *needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PersonKind::{Child, Client, Staff};

    fn person(
        kind: PersonKind,
        id: i64,
        facility_id: i64,
        name: &str,
        id_number: Option<&str>,
        phones: &[&str],
    ) -> PersonRecord {
        PersonRecord {
            kind,
            id,
            facility_id,
            name: name.to_string(),
            id_number: id_number.map(str::to_string),
            phones: phones.iter().map(|p| p.to_string()).collect(),
            active: true,
        }
    }

    fn inactive(mut record: PersonRecord) -> PersonRecord {
        record.active = false;
        record
    }

    /// A front desk's worth of people, each placed to exercise one rule.
    fn index() -> SearchIndex {
        SearchIndex::build([
            person(Client, 1, 1, "张三", Some("11010519491231002X"), &["13800138000"]),
            person(Client, 2, 1, "曾国藩", Some("440524188001010014"), &["139-1234-5678"]),
            person(Client, 3, 1, "单田芳", None, &[]),
            person(Client, 4, 2, "巴特尔", None, &[]),
            person(Client, 5, 2, "ᠪᠠᠲᠦ", None, &[]),
            person(Client, 6, 2, "马玉兰", None, &[]),
            person(Staff, 7, 1, "Anna Smith", None, &["0473-1234567"]),
            inactive(person(Client, 8, 1, "张三丰", None, &[])),
            person(Client, 9, 1, "李张三", None, &[]),
            person(Child, 10, 1, "王小明", None, &["13700001111", "+86 136 0000 2222"]),
            inactive(person(Staff, 11, 2, "张三", None, &[])),
            person(Client, 12, 1, "解晓东", None, &[]),
            person(Client, 13, 2, "ᠪᠠᠲᠦᠪᠠᠶᠠᠷ", None, &[]),
            person(Client, 14, 1, "吕秀英", None, &[]),
        ])
    }

    fn ids(hits: &[Hit]) -> Vec<i64> {
        hits.iter().map(|h| h.id).collect()
    }

    fn find(index: &SearchIndex, text: &str) -> Vec<i64> {
        ids(&index.query(text, None, &[], 50, IdMatch::Tail))
    }

    #[test]
    fn han_name_as_substring() {
        let index = index();
        let hits = index.query("国藩", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [2]);
        assert_eq!((hits[0].matched_by, hits[0].tier), (MatchedBy::Name, MatchTier::Inside));
        assert_eq!(find(&index, "玉兰"), [6]);
        assert_eq!(find(&index, "巴特尔"), [4]);
    }

    #[test]
    fn han_query_ranks_exact_then_prefix_then_inside_active_first() {
        let hits = index().query("张三", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [1, 11, 8, 9]);
        let tiers: Vec<_> = hits.iter().map(|h| h.tier).collect();
        assert_eq!(tiers, [MatchTier::Exact, MatchTier::Exact, MatchTier::FromStart, MatchTier::Inside]);
        assert!(hits[0].active && !hits[1].active);
    }

    #[test]
    fn full_pinyin_with_and_without_separators() {
        let index = index();
        for query in ["zhangsan", "zhang san", "zhang'san", "zhang\u{2019}san", "  zhang   san  "] {
            let hits = index.query(query, None, &[], 10, IdMatch::Tail);
            assert_eq!(ids(&hits), [1, 11, 8, 9], "{query}");
            assert_eq!((hits[0].matched_by, hits[0].tier), (MatchedBy::Pinyin, MatchTier::WholeFromStart));
            assert_eq!(hits[2].tier, MatchTier::FromStart);
            assert_eq!(hits[3].tier, MatchTier::Inside);
        }
    }

    #[test]
    fn separator_forces_a_syllable_boundary() {
        // "zhan" is a prefix of zhang, but after the apostrophe "g" must start 三's
        // syllable, and san does not start with g.
        assert_eq!(find(&index(), "zhan'gsan"), Vec::<i64>::new());
    }

    #[test]
    fn initials_and_mixed_forms() {
        let index = index();
        assert_eq!(find(&index, "zs"), [1, 11, 8, 9]);
        assert_eq!(find(&index, "ZS"), [1, 11, 8, 9]);
        assert_eq!(find(&index, "ｚｓ"), [1, 11, 8, 9]);
        for query in ["zhangs", "zsan", "zhs", "zhsan"] {
            let hits = index.query(query, None, &[], 10, IdMatch::Tail);
            assert_eq!(ids(&hits), [1, 11, 8, 9], "{query}");
            assert_eq!(hits[0].tier, MatchTier::WholeFromStart, "{query}");
        }
        assert_eq!(find(&index, "zsf"), [8]);
        assert_eq!(find(&index, "lzs"), [9]);
    }

    #[test]
    fn query_from_the_given_name_ranks_after_the_surname() {
        let hits = index().query("san", None, &[], 10, IdMatch::Tail);
        // All Inside: active first (shorter names first), then the inactive ones.
        assert_eq!(ids(&hits), [1, 9, 11, 8]);
        assert!(hits.iter().all(|h| h.tier == MatchTier::Inside && h.matched_by == MatchedBy::Pinyin));
        assert_eq!(find(&index(), "zhang"), [1, 11, 8, 9]);
    }

    #[test]
    fn polyphonic_characters_use_every_reading() {
        let index = index();
        for query in ["zengguofan", "cengguofan", "cgf", "zgf", "zeng guo fan"] {
            assert_eq!(find(&index, query), [2], "{query}");
        }
        for query in ["shantianfang", "dantianfang", "stf", "dtf", "shantf"] {
            assert_eq!(find(&index, query), [3], "{query}");
        }
        for query in ["xiexiaodong", "jiexiaodong", "xxd", "jxd"] {
            assert_eq!(find(&index, query), [12], "{query}");
        }
    }

    #[test]
    fn u_umlaut_is_typed_as_v_or_u() {
        let index = index();
        for query in ["lvxiuying", "luxiuying", "lüxiuying", "lxy", "lvxy"] {
            assert_eq!(find(&index, query), [14], "{query}");
        }
    }

    #[test]
    fn mongol_and_hui_names() {
        let index = index();
        assert_eq!(find(&index, "bateer"), [4]);
        assert_eq!(find(&index, "bte"), [4]);
        assert_eq!(find(&index, "mayulan"), [6]);
        assert_eq!(find(&index, "myl"), [6]);
        let hits = index.query("ᠪᠠᠲᠦ", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [5, 13]);
        assert_eq!((hits[0].tier, hits[0].matched_by), (MatchTier::Exact, MatchedBy::Name));
        assert_eq!(hits[1].tier, MatchTier::FromStart);
        assert_eq!(find(&index, "ᠪᠠᠶᠠᠷ"), [13]);
    }

    #[test]
    fn latin_name_is_case_insensitive() {
        let index = index();
        let hits = index.query("anna", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [7]);
        assert_eq!((hits[0].tier, hits[0].matched_by), (MatchTier::FromStart, MatchedBy::Name));
        assert_eq!(index.query("SMITH", None, &[], 10, IdMatch::Tail)[0].tier, MatchTier::Inside);
        assert_eq!(index.query("anna  SMITH", None, &[], 10, IdMatch::Tail)[0].tier, MatchTier::Exact);
        assert_eq!(find(&index, "smyth"), Vec::<i64>::new());
    }

    #[test]
    fn id_number_suffix() {
        let index = index();
        for query in ["002X", "002x", "1231002x", "11010519491231002X", "１２３１００２Ｘ"] {
            let hits = index.query(query, None, &[], 10, IdMatch::Tail);
            assert_eq!(ids(&hits), [1], "{query}");
            assert_eq!((hits[0].matched_by, hits[0].tier), (MatchedBy::IdNumber, MatchTier::Number));
        }
        assert_eq!(find(&index, "0014"), [2]);
        assert_eq!(find(&index, "440524188001010014"), [2]);
        // Inside the number but not its tail, and too short.
        assert_eq!(find(&index, "1949"), Vec::<i64>::new());
        assert_eq!(find(&index, "014"), Vec::<i64>::new());
        assert_eq!(find(&index, "02X"), Vec::<i64>::new());
    }

    #[test]
    fn without_the_right_to_see_ids_only_the_whole_number_finds_its_holder() {
        let index = index();
        let whole = |q: &str| ids(&index.query(q, None, &[], 10, IdMatch::Whole));
        assert_eq!(whole("11010519491231002x"), [1]);
        assert_eq!(whole("1231002X"), Vec::<i64>::new());
        assert_eq!(whole("002X"), Vec::<i64>::new());
        assert_eq!(whole("0014"), Vec::<i64>::new());
        // Phones are still found by any part.
        assert_eq!(whole("2222"), [10]);
    }

    #[test]
    fn phone_substring_over_every_phone() {
        let index = index();
        let hits = index.query("2222", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [10]);
        assert_eq!((hits[0].matched_by, hits[0].tier), (MatchedBy::Phone, MatchTier::Number));
        assert_eq!(find(&index, "0000111"), [10]);
        assert_eq!(find(&index, "136-0000-2222"), [10]);
        assert_eq!(find(&index, "138 0013"), [1]);
        assert_eq!(find(&index, "12345678"), [2]);
        assert_eq!(find(&index, "04731234"), [7]);
        // Two phones of one person are not one number.
        assert_eq!(find(&index, "11118613"), Vec::<i64>::new());
        assert_eq!(find(&index, "138"), Vec::<i64>::new());
        // A phone-shaped query with X is only an ID tail.
        assert_eq!(find(&index, "2222X"), Vec::<i64>::new());
    }

    #[test]
    fn digits_match_every_phone_of_every_person() {
        let index = index();
        // 1234 is in 曾国藩's phone and in Anna Smith's.
        let hits = index.query("1234", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [2, 7]);
        assert!(hits.iter().all(|h| h.matched_by == MatchedBy::Phone));
    }

    #[test]
    fn facility_scope() {
        let index = index();
        assert_eq!(ids(&index.query("zs", Some(1), &[], 10, IdMatch::Tail)), [1, 8, 9]);
        assert_eq!(ids(&index.query("zs", Some(2), &[], 10, IdMatch::Tail)), [11]);
        assert_eq!(ids(&index.query("zs", Some(3), &[], 10, IdMatch::Tail)), Vec::<i64>::new());
    }

    #[test]
    fn kinds_filter() {
        let index = index();
        assert_eq!(ids(&index.query("zs", None, &[Staff], 10, IdMatch::Tail)), [11]);
        assert_eq!(ids(&index.query("zs", None, &[Client], 10, IdMatch::Tail)), [1, 8, 9]);
        assert_eq!(ids(&index.query("2222", None, &[Child], 10, IdMatch::Tail)), [10]);
        assert_eq!(ids(&index.query("2222", None, &[Client, Staff], 10, IdMatch::Tail)), Vec::<i64>::new());
        assert_eq!(ids(&index.query("zs", None, &[Client, Staff], 10, IdMatch::Tail)), [1, 11, 8, 9]);
    }

    #[test]
    fn tiers_exact_prefix_inside_number() {
        let index = SearchIndex::build([
            person(Client, 1, 1, "Room 4711", None, &[]),
            person(Client, 2, 1, "4711 Club", None, &[]),
            person(Client, 3, 1, "Someone", None, &["13947110000"]),
            person(Client, 4, 1, "4711", None, &[]),
            person(Client, 5, 1, "Anybody", Some("110105194912314711"), &[]),
        ]);
        let hits = index.query("4711", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [4, 2, 1, 3, 5]);
        let by: Vec<_> = hits.iter().map(|h| (h.tier, h.matched_by)).collect();
        assert_eq!(
            by,
            [
                (MatchTier::Exact, MatchedBy::Name),
                (MatchTier::FromStart, MatchedBy::Name),
                (MatchTier::Inside, MatchedBy::Name),
                (MatchTier::Number, MatchedBy::Phone),
                (MatchTier::Number, MatchedBy::IdNumber),
            ]
        );
    }

    #[test]
    fn whole_pinyin_ranks_before_partial_pinyin() {
        let index = SearchIndex::build([
            person(Client, 1, 1, "张三丰", None, &[]),
            person(Client, 2, 1, "周四", None, &[]),
            person(Client, 3, 1, "张思", None, &[]),
        ]);
        // zs spells 周四 and 张思 whole, 张三丰 only in part, though it has the lowest id.
        assert_eq!(find(&index, "zs"), [2, 3, 1]);
    }

    #[test]
    fn active_before_shorter_names_before_id() {
        let index = SearchIndex::build([
            inactive(person(Client, 1, 1, "马兰", None, &[])),
            person(Client, 2, 1, "马玉兰", None, &[]),
            person(Client, 4, 1, "马五", None, &[]),
            person(Client, 3, 1, "马六", None, &[]),
            person(Child, 3, 1, "马六", None, &[]),
        ]);
        let hits = index.query("马", None, &[], 10, IdMatch::Tail);
        assert_eq!(ids(&hits), [3, 3, 4, 2, 1]);
        assert_eq!((hits[0].kind, hits[1].kind), (Client, Child));
    }

    #[test]
    fn limit_keeps_the_best() {
        let index = index();
        assert_eq!(ids(&index.query("zs", None, &[], 2, IdMatch::Tail)), [1, 11]);
        assert_eq!(ids(&index.query("zs", None, &[], 0, IdMatch::Tail)), Vec::<i64>::new());

        // Enough hits to make the top-k buffer cut several times.
        let given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"];
        let people = (0..1000).map(|i| {
            let name = format!("张{}{}", given[i % given.len()], given[(i / given.len()) % given.len()]);
            let record = person(Client, 1000 - i as i64, 1, &name, None, &[]);
            if i % 7 == 0 {
                inactive(record)
            } else {
                record
            }
        });
        let index = SearchIndex::build(people);
        let all = index.query("z", None, &[], usize::MAX, IdMatch::Tail);
        assert_eq!(all.len(), 1000);
        for limit in [1, 5, 20, 64, 300] {
            assert_eq!(index.query("z", None, &[], limit, IdMatch::Tail), all[..limit], "limit {limit}");
        }
    }

    #[test]
    fn sort_keys_follow_pinyin_order() {
        let mut names = vec!["王芳", "丁一", "李明", "李", "阿拉坦仓", "Anna", "张三"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["阿拉坦仓", "Anna", "丁一", "李", "李明", "王芳", "张三"]);
        assert_eq!(sort_key("吕秀英"), "lü xiu ying");
        assert_eq!(sort_key("曾国藩"), "zeng guo fan", "a surname's own reading");
        assert_eq!(sort_key("单田芳"), "shan tian fang");
    }

    #[test]
    fn empty_query_finds_nothing() {
        let index = index();
        for query in ["", "   ", "\u{3000}", "\t\n"] {
            assert!(index.query(query, None, &[], 10, IdMatch::Tail).is_empty(), "{query:?}");
        }
        assert_eq!(index.len(), 14);
        assert!(!index.is_empty());
        assert!(SearchIndex::build([]).is_empty());
    }

    #[test]
    fn no_match_and_odd_input() {
        let index = index();
        for query in ["xyzzy", "'", "''zs", "z s f x", "张三x"] {
            let expected: Vec<i64> = if query == "''zs" { vec![1, 11, 8, 9] } else { vec![] };
            assert_eq!(find(&index, query), expected, "{query}");
        }
        // A long run of one letter against a name of repeated characters must not explode.
        let index = SearchIndex::build([person(Client, 1, 1, &"阿".repeat(60), None, &[])]);
        assert_eq!(find(&index, &"a".repeat(60)), [1]);
        assert_eq!(find(&index, &format!("{}b", "a".repeat(59))), Vec::<i64>::new());
    }
}
