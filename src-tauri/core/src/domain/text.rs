//! Small validated text values shared by several records.

use crate::error::Invalid;

/// A person's or facility's name: trimmed, not empty, at most `max` characters. Names may
/// be in any script (Han, Mongolian, Latin) and long (Mongolian names often are).
pub fn required_name(
    raw: &str,
    max: usize,
    code_empty: &'static str,
    code_long: &'static str,
    field: &'static str,
) -> Result<String, Invalid> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Invalid::new(code_empty, field));
    }
    if name.chars().count() > max {
        return Err(Invalid::new(code_long, field).with("max", max));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::new("text.control_chars", field));
    }
    Ok(name.to_string())
}

/// Optional free text: trimmed; empty becomes `None`.
pub fn optional_text(raw: Option<&str>, max: usize, field: &'static str) -> Result<Option<String>, Invalid> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(Invalid::new("text.too_long", field).with("max", max));
    }
    Ok(Some(text.to_string()))
}

/// A telephone number as people write it in China: mobile `138 0000 1234`, landline
/// `0473-1234567`, with an optional `+86`. Stored with spaces removed.
pub fn phone(raw: Option<&str>, field: &'static str) -> Result<Option<String>, Invalid> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    let allowed = compact.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || c == '-' || (c == '+' && i == 0));
    if !allowed || !(7..=15).contains(&digits) {
        return Err(Invalid::new("phone.invalid", field).with("value", text));
    }
    Ok(Some(compact))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(required_name("  海勃湾  ", 10, "e", "l", "f").unwrap(), "海勃湾");
        assert_eq!(required_name("   ", 10, "e", "l", "f").unwrap_err().code, "e");
        assert_eq!(required_name("一二三四五六", 5, "e", "l", "f").unwrap_err().code, "l");
        assert!(required_name("ᠪᠠᠲᠤ", 10, "e", "l", "f").is_ok(), "Mongolian script is a valid name");
    }

    #[test]
    fn phones_as_written_in_china() {
        assert_eq!(phone(Some("138 0000 1234"), "p").unwrap().as_deref(), Some("13800001234"));
        assert_eq!(phone(Some("0473-3981234"), "p").unwrap().as_deref(), Some("0473-3981234"));
        assert_eq!(phone(Some("+8613800001234"), "p").unwrap().as_deref(), Some("+8613800001234"));
        assert_eq!(phone(Some(""), "p").unwrap(), None);
        assert!(phone(Some("12ab"), "p").is_err());
        assert!(phone(Some("123"), "p").is_err(), "too short");
        assert!(phone(Some("1-+2345678"), "p").is_err(), "plus only in front");
    }
}
