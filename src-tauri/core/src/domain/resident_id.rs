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

    /// First six and last four visible, the rest hidden (common practice under PIPL).
    pub fn masked(&self) -> String {
        mask(&self.digits)
    }
}

/// Masks any stored ID number the same way, even one that no longer parses.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
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
    fn masking_keeps_six_and_four() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
        assert_eq!(
            format!("{:?}", ResidentId::parse("11010519491231002X", today()).unwrap()),
            "ResidentId(110105********002X)"
        );
    }
}
