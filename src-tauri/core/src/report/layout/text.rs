//! Measuring and fitting text: line wrapping for Chinese and Latin, shrinking a line to fit a
//! box, and truncating with "…" as the last resort. Everything here measures with the report
//! font's real advances, so "fits" means fits on paper.
//!
//! Line breaking: a CJK character may start a new line anywhere; Latin words break at
//! spaces; a number ("1234.56", "12.3%", "2026-10-01") is never split. Closing punctuation
//! (，。）…) never starts a line and opening punctuation (（《“…) never ends one: they stay
//! glued to their neighbour.

use super::{TextStyle, BOLD_STROKE};
use crate::report::font::text_width;

/// The ellipsis appended to truncated text.
pub const ELLIPSIS: &str = "…";

/// Width of `text` in `style`, fake-bold stroke included.
pub fn measure(text: &str, style: TextStyle) -> f32 {
    let w = text_width(text, style.size);
    if style.bold && !text.is_empty() {
        w + style.size * BOLD_STROKE
    } else {
        w
    }
}

/// Height of a line of text at `size`: the em box plus 30 % leading.
pub fn line_height(size: f32) -> f32 {
    size * 1.3
}

/// Baseline of a line whose line box starts at `top`, for text at `size`. The ink of the
/// report font spans 0.88 em above and 0.12 em below the baseline, centred in the line box.
pub fn baseline_in(top: f32, line_h: f32, size: f32) -> f32 {
    top + (line_h - size) / 2.0 + size * 0.88
}

/// Wraps `text` to lines no wider than `max_w` at `style`. A line is wider than `max_w` only
/// when it holds a single number that does not fit (numbers are never split): callers shrink
/// or truncate such a line with [`fit_line`]. Line breaks in `text` are kept.
pub fn wrap(text: &str, style: TextStyle, max_w: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        wrap_paragraph(paragraph, style, max_w, &mut lines);
    }
    lines
}

fn wrap_paragraph(text: &str, style: TextStyle, max_w: f32, lines: &mut Vec<String>) {
    let space_w = measure(" ", style);
    let mut line = String::new();
    let mut line_w = 0.0;
    for unit in units(text) {
        let unit_w = measure(&unit.text, style);
        let gap = if unit.space_before && !line.is_empty() { space_w } else { 0.0 };
        if line.is_empty() || line_w + gap + unit_w <= max_w {
            if gap > 0.0 {
                line.push(' ');
            }
            line.push_str(&unit.text);
            line_w += gap + unit_w;
        } else {
            lines.push(std::mem::take(&mut line));
            line.push_str(&unit.text);
            line_w = unit_w;
        }
        // A word wider than the whole line is cut by characters — unless it is a number.
        if line_w > max_w && !is_number(&line) && line.chars().count() > 1 {
            let (done, rest) = hard_break(&line, style, max_w);
            lines.extend(done);
            line_w = measure(&rest, style);
            line = rest;
        }
    }
    lines.push(line);
}

/// Cuts `text` into lines of at most `max_w` (at least one character each); returns the
/// full lines and the remainder.
fn hard_break(text: &str, style: TextStyle, max_w: f32) -> (Vec<String>, String) {
    let mut done = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut candidate = line.clone();
        candidate.push(c);
        if !line.is_empty() && measure(&candidate, style) > max_w {
            done.push(std::mem::take(&mut line));
            line.push(c);
        } else {
            line = candidate;
        }
    }
    (done, line)
}

/// A piece of text that is never broken inside (except a too-long Latin word, see `wrap`).
#[derive(Debug, Clone, PartialEq)]
struct Unit {
    text: String,
    space_before: bool,
}

/// Splits text into breakable units: each CJK character alone, Latin words and numbers whole,
/// punctuation glued to the side it belongs to.
fn units(text: &str) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut word = String::new();
    let mut space_before = false;
    let mut opening = String::new();
    let flush = |units: &mut Vec<Unit>, word: &mut String, space_before: &mut bool| {
        if !word.is_empty() {
            units.push(Unit { text: std::mem::take(word), space_before: *space_before });
            *space_before = false;
        }
    };
    for c in text.chars() {
        if c == ' ' {
            flush(&mut units, &mut word, &mut space_before);
            space_before = !units.is_empty() || !opening.is_empty();
        } else if is_closing(c) && word.is_empty() && opening.is_empty() && !space_before && !units.is_empty() {
            // Glue to the previous unit: "服务，" never leaves "，" to start the next line.
            if let Some(last) = units.last_mut() {
                last.text.push(c);
            }
        } else if is_opening(c) {
            flush(&mut units, &mut word, &mut space_before);
            opening.push(c);
        } else if is_cjk(c) {
            flush(&mut units, &mut word, &mut space_before);
            let mut text = std::mem::take(&mut opening);
            text.push(c);
            units.push(Unit { text, space_before: std::mem::take(&mut space_before) });
        } else {
            if word.is_empty() {
                word = std::mem::take(&mut opening);
            }
            word.push(c);
        }
    }
    word.insert_str(0, &opening);
    flush(&mut units, &mut word, &mut space_before);
    units
}

/// Characters that are each a unit of their own: ideographs, kana, CJK and full-width
/// punctuation and forms.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn is_closing(c: char) -> bool {
    "，。、：；！？）】》」』〉〕”’…—·%,.;:!?)]}".contains(c)
}

fn is_opening(c: char) -> bool {
    "（【《「『〈〔“‘([{".contains(c)
}

/// A number, date or percentage: digits with only separators and signs around them.
pub fn is_number(text: &str) -> bool {
    let text = text.trim();
    text.chars().any(|c| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_digit() || ".,:/%+-−()（）¥$ ".contains(c))
}

/// The largest size ≤ `style.size` (but ≥ `min`) at which `text` fits `max_w`.
pub fn fit_size(text: &str, style: TextStyle, min: f32, max_w: f32) -> f32 {
    let w = measure(text, style);
    if w <= max_w || w <= 0.0 {
        return style.size;
    }
    // Width is proportional to size; the 0.999 keeps rounding on the safe side.
    (style.size * max_w / w * 0.999).clamp(min.min(style.size), style.size)
}

/// `text` cut to fit `max_w` at `style`, ending in "…"; empty when not even "…" fits.
pub fn truncate(text: &str, style: TextStyle, max_w: f32) -> String {
    if measure(text, style) <= max_w {
        return text.to_string();
    }
    let budget = max_w - measure(ELLIPSIS, style);
    if budget < 0.0 {
        return String::new();
    }
    let mut kept = String::new();
    for c in text.chars() {
        kept.push(c);
        if measure(&kept, style) > budget {
            kept.pop();
            break;
        }
    }
    let kept = kept.trim_end();
    format!("{kept}{ELLIPSIS}")
}

/// One line of `text` that fits `max_w`: set smaller (down to `min`) if needed, and only if
/// it is still too wide, truncated. Returns the text and the size to set it at.
pub fn fit_line(text: &str, style: TextStyle, min: f32, max_w: f32) -> (String, f32) {
    let size = fit_size(text, style, min, max_w);
    let sized = style.sized(size);
    (truncate(text, sized, max_w), size)
}

/// `lines` limited to `max_lines`: the last kept line takes the rest and ends in "…".
pub fn limit_lines(mut lines: Vec<String>, max_lines: usize, style: TextStyle, max_w: f32) -> Vec<String> {
    if lines.len() <= max_lines.max(1) {
        return lines;
    }
    let keep = max_lines.max(1);
    let rest = lines.split_off(keep - 1).concat();
    lines.push(truncate(&format!("{rest}{ELLIPSIS}"), style, max_w));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::layout::palette::TEXT;

    const BODY: TextStyle = TextStyle::new(10.0, TEXT);

    fn widest(lines: &[String], style: TextStyle) -> f32 {
        lines.iter().map(|l| measure(l, style)).fold(0.0, f32::max)
    }

    #[test]
    fn chinese_breaks_between_any_two_characters() {
        let text = "乌海市海勃湾区千里山镇滨河社区老年人日间照料中心";
        let lines = wrap(text, BODY, 55.0);
        assert!(lines.len() >= 4, "{lines:?}");
        assert!(widest(&lines, BODY) <= 55.0);
        assert_eq!(lines.concat(), text);
        assert!(lines[..lines.len() - 1].iter().all(|l| l.chars().count() == 5), "{lines:?}");
    }

    #[test]
    fn latin_words_break_at_spaces_and_numbers_stay_whole() {
        let lines = wrap("monthly visits rose to 1234567.89 yuan in October", BODY, 80.0);
        assert!(lines.iter().any(|l| l.contains("1234567.89")), "{lines:?}");
        for l in &lines {
            assert!(!l.starts_with(' ') && !l.ends_with(' '), "{l:?}");
            assert!(measure(l, BODY) <= 80.0 || is_number(l), "{l:?}");
        }
        assert_eq!(lines.join(" "), "monthly visits rose to 1234567.89 yuan in October");
        // A number wider than the line stays on one (too wide) line for the caller to shrink.
        let lines = wrap("12345678901234567890", BODY, 30.0);
        assert_eq!(lines, vec!["12345678901234567890".to_string()]);
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let name = "Bayarsaikhanbaatarsukhbaatarochirbatgerel";
        let lines = wrap(name, BODY, 60.0);
        assert!(lines.len() > 2 && widest(&lines, BODY) <= 60.0, "{lines:?}");
        assert_eq!(lines.concat(), name);
    }

    #[test]
    fn punctuation_stays_with_its_neighbour() {
        let lines = wrap("服务对象（老人）共三百人，其中男性一百人。", BODY, 30.0);
        for l in &lines {
            assert!(!l.starts_with(['，', '。', '）']), "{lines:?}");
            assert!(!l.ends_with('（'), "{lines:?}");
        }
        assert_eq!(lines.concat(), "服务对象（老人）共三百人，其中男性一百人。");
    }

    #[test]
    fn mixed_text_keeps_spaces_between_words_only() {
        let lines = wrap("体温 36.5℃ 正常", BODY, 500.0);
        assert_eq!(lines, vec!["体温 36.5℃ 正常".to_string()]);
        assert_eq!(wrap("", BODY, 100.0), vec![String::new()]);
        assert_eq!(wrap("第一行\n第二行", BODY, 500.0), vec!["第一行".to_string(), "第二行".to_string()]);
    }

    #[test]
    fn shrinking_fits_the_width_down_to_the_minimum() {
        let text = "海勃湾区滨河养老服务中心";
        let w = measure(text, BODY);
        let (fitted, size) = fit_line(text, BODY, 6.0, w * 0.8);
        assert_eq!(fitted, text);
        assert!((7.9..10.0).contains(&size), "{size}");
        assert!(measure(&fitted, BODY.sized(size)) <= w * 0.8);
        // Plenty of room: unchanged.
        assert_eq!(fit_line(text, BODY, 6.0, w + 1.0), (text.to_string(), 10.0));
    }

    #[test]
    fn truncation_comes_only_after_the_minimum_size() {
        let text = "乌海市海勃湾区千里山镇滨河社区老年人日间照料中心(第二分站)";
        let (fitted, size) = fit_line(text, BODY, 6.0, 40.0);
        assert_eq!(size, 6.0);
        assert!(fitted.ends_with(ELLIPSIS) && fitted.starts_with("乌海市"), "{fitted}");
        assert!(measure(&fitted, BODY.sized(6.0)) <= 40.0);
        // Too narrow for even the ellipsis: nothing at all.
        assert_eq!(truncate(text, BODY, 3.0), "");
    }

    #[test]
    fn limiting_lines_ends_the_last_in_an_ellipsis() {
        let lines = wrap("一二三四五六七八九十一二三四五六七八九十", BODY, 50.0);
        let limited = limit_lines(lines, 2, BODY, 50.0);
        assert_eq!(limited.len(), 2);
        assert!(limited[1].ends_with(ELLIPSIS) && measure(&limited[1], BODY) <= 50.0, "{limited:?}");
    }

    #[test]
    fn numbers_are_recognised() {
        for n in ["1234", "1234.56", "-2.50", "12.3%", "2026-10-01", "1,234"] {
            assert!(is_number(n), "{n}");
        }
        for t in ["abc", "第1周", "", "—"] {
            assert!(!is_number(t), "{t}");
        }
    }
}
