//! The resident identity card number (居民身份证号码), GB 11643-1999: six digits of area
//! code, eight of birth date, three of sequence (odd = male, even = female), and a check
//! character over the first seventeen.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Invalid;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    /// The stored letter back to a value; anything else is not a sex we store.
    pub fn from_db(s: &str) -> Option<Sex> {
        match s {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// A number that passed every GB 11643 check. Displays masked.
#[derive(Clone, PartialEq, Eq)]
pub struct ResidentId {
    digits: String,
    birth_date: NaiveDate,
}

/// The check character for the first seventeen digits.
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

impl ResidentId {
    /// Validates against `today` so that a birth date in the future is refused.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, Invalid> {
        const FIELD: &str = "id_number";
        let id: String = raw.trim().to_ascii_uppercase();
        if id.chars().count() != 18 {
            return Err(Invalid::new("id.length", FIELD).with("length", id.chars().count()));
        }
        let bytes = id.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit) || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
            return Err(Invalid::new("id.characters", FIELD));
        }
        let birth = NaiveDate::parse_from_str(&id[6..14], "%Y%m%d")
            .map_err(|_| Invalid::new("id.birth_date", FIELD).with("date", &id[6..14]))?;
        if birth > today {
            return Err(Invalid::new("id.birth_future", FIELD).with("date", birth));
        }
        let expected = check_char(&bytes[..17]);
        if bytes[17] as char != expected {
            return Err(Invalid::new("id.check_char", FIELD));
        }
        Ok(ResidentId { digits: id, birth_date: birth })
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    pub fn area_code(&self) -> &str {
        &self.digits[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    pub fn sex(&self) -> Sex {
        if (self.digits.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The issuing area visible, everything personal hidden (see [`mask`]).
    pub fn masked(&self) -> String {
        mask(&self.digits)
    }
}

/// How many leading characters a mask shows: the area code of the issuing county (GB 11643
/// positions 1–6), shared by everyone registered there.
pub const MASK_SHOWN: usize = 6;

/// Masks any stored ID number the same way, even one that no longer parses: the area code
/// stays, the birth date, sequence and check character are hidden. The common "first six,
/// last four" mask hides only the birth date, which the same screens show beside it (a
/// person's page, the edit form), and the last four are what a collecting adult is asked to
/// confirm at the door: so neither may show. What a role without `RevealId` can see — area,
/// birth date, sex — leaves 500 possible numbers (docs/domain.md, "Privacy").
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let shown = if chars.len() > MASK_SHOWN { MASK_SHOWN } else { 0 };
    let head: String = chars[..shown].iter().collect();
    format!("{head}{}", "*".repeat(chars.len() - shown))
}

impl fmt::Debug for ResidentId {
    // Never let a full number slip into a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn reference_vectors() {
        let f = ResidentId::parse("11010519491231002X", today()).unwrap();
        assert_eq!(f.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(f.sex(), Sex::Female);
        assert_eq!(f.area_code(), "110105");
        let m = ResidentId::parse("440524188001010014", today()).unwrap();
        assert_eq!(m.birth_date(), NaiveDate::from_ymd_opt(1880, 1, 1).unwrap());
        assert_eq!(m.sex(), Sex::Male);
    }

    #[test]
    fn lowercase_x_is_accepted() {
        assert!(ResidentId::parse("11010519491231002x", today()).is_ok());
    }

    #[test]
    fn each_rule_has_its_own_error() {
        let code = |s: &str| ResidentId::parse(s, today()).unwrap_err().code;
        assert_eq!(code("1101051949123100"), "id.length");
        assert_eq!(code("1101051949123100AX"), "id.characters");
        assert_eq!(code("110105194902300027"), "id.birth_date");
        assert_eq!(code("110105194912310021"), "id.check_char");
        let mut future = String::from("15030220270101001");
        future.push(check_char(future.as_bytes()));
        assert_eq!(code(&future), "id.birth_future");
    }

    #[test]
    fn masking_keeps_the_area_code_only() {
        assert_eq!(mask("11010519491231002X"), "110105************");
        assert_eq!(mask("110105491231002"), "110105*********");
        assert_eq!(mask("123456"), "******");
        assert_eq!(
            format!("{:?}", ResidentId::parse("11010519491231002X", today()).unwrap()),
            "ResidentId(110105************)"
        );
    }
}

/// Property tests: any text is answered with an ID or a refusal, never a panic; every
/// well-formed number is accepted with what it encodes; a single mistyped digit is caught.
#[cfg(test)]
mod properties {
    use chrono::Datelike;
    use proptest::prelude::*;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    /// A valid number: a Wuhai area code, a birth date from 1900 to today, a sequence.
    fn valid_id() -> impl Strategy<Value = (String, NaiveDate, u32)> {
        let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let days = (today() - first).num_days() as u64;
        (prop::sample::select(vec!["150302", "150303", "150304", "110105"]), 0..=days, 0u32..1000).prop_map(
            move |(area, offset, sequence)| {
                let birth = first + chrono::Days::new(offset);
                let first17 = format!("{area}{}{sequence:03}", birth.format("%Y%m%d"));
                (format!("{first17}{}", check_char(first17.as_bytes())), birth, sequence)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_answered_without_a_panic(raw in any::<String>()) {
            let _ = ResidentId::parse(&raw, today());
        }

        #[test]
        fn eighteen_characters_of_digits_x_and_chinese_are_answered_without_a_panic(
            raw in "[0-9Xx中 ]{16,19}"
        ) {
            if let Ok(id) = ResidentId::parse(&raw, today()) {
                // GB 11643 allows any real birth date up to today (its own test vector is
                // 1880): nothing later can overflow from it.
                prop_assert!(id.birth_date() <= today() && id.birth_date().year() >= 1);
            }
        }

        #[test]
        fn a_valid_number_is_accepted_with_its_birth_date_and_sex((raw, birth, sequence) in valid_id()) {
            let id = ResidentId::parse(&raw.to_lowercase(), today()).unwrap();
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert_eq!(id.sex(), if sequence % 2 == 1 { Sex::Male } else { Sex::Female });
            prop_assert_eq!(id.as_str(), raw.as_str());
        }

        #[test]
        fn one_mistyped_digit_is_caught((raw, _, _) in valid_id(), at in 0usize..17, by in 1u8..10) {
            let mut bytes = raw.into_bytes();
            bytes[at] = b'0' + (bytes[at] - b'0' + by) % 10;
            prop_assert!(ResidentId::parse(std::str::from_utf8(&bytes).unwrap(), today()).is_err());
        }
    }
}
