//! The one font every PDF report is set in: Noto Sans SC Regular, cut down by
//! `scripts/subset-font.sh` to Latin, punctuation, all CJK Unified Ideographs and Extension A
//! (9.8 MB), and compiled into the binary so a report looks the same on every machine.
//!
//! This module owns the font's metrics for our own layout: [`text_width`] adds up the `hmtx`
//! advances exactly as printpdf will place the glyphs (it maps characters through `cmap` with
//! no shaping or kerning, so the sum is the drawn width), [`has_glyph`] and [`sanitize`],
//! which turns a character the font lacks into a visible `?` instead of an invisible
//! `.notdef` box, and counts it.
//!
//! The font is parsed once per process (about 20 ms in release), not per report; printpdf's
//! `ParsedFont` (azul-layout's parser over allsorts) is used for both metrics and embedding, so
//! no second font crate is needed.

use std::borrow::Cow;
use std::sync::OnceLock;

use printpdf::ParsedFont;

/// The subset font (see `scripts/subset-font.sh`; licence in `assets/fonts/OFL.txt`).
pub const FONT_BYTES: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansSC-Regular-subset.ttf");

/// What a character the font cannot draw becomes. A question mark is in every font, cannot be
/// mistaken for a real character the way a box or a blank can, and is easy to search for.
pub const FALLBACK: char = '?';

/// The parsed font with the few metrics our layout asks for.
pub struct ReportFont {
    parsed: ParsedFont,
    units_per_em: f32,
    /// Advances of U+0000..U+007F in em, precomputed: digits and Latin are measured far more
    /// often than anything else (every table cell), and this skips the cmap lookup for them.
    ascii_em: [f32; 128],
    /// OS/2 sTypoAscender / sTypoDescender in em: the ideographic em box (0.88 / 0.12 for
    /// Noto CJK), which is where the ink of CJK and Latin text lies.
    ascent_em: f32,
    descent_em: f32,
}

static FONT: OnceLock<Result<ReportFont, String>> = OnceLock::new();

/// The report font, parsed on first use. An error means the embedded bytes are not a font,
/// which the unit tests below rule out for every build.
pub fn try_report_font() -> Result<&'static ReportFont, String> {
    FONT.get_or_init(ReportFont::parse).as_ref().map_err(Clone::clone)
}

/// The report font. Panics only if the embedded font is corrupt (see [`try_report_font`]);
/// `render_pdf` checks that first and returns an error instead.
pub fn report_font() -> &'static ReportFont {
    match try_report_font() {
        Ok(font) => font,
        Err(e) => panic!("the embedded report font does not parse: {e}"),
    }
}

impl ReportFont {
    fn parse() -> Result<ReportFont, String> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(FONT_BYTES, 0, &mut warnings)
            .ok_or_else(|| format!("ParsedFont::from_bytes failed: {warnings:?}"))?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        let (ascent, descent) = typo_ascent_descent(FONT_BYTES).unwrap_or((880, -120));
        let mut ascii_em = [0.0; 128];
        for (i, slot) in ascii_em.iter_mut().enumerate() {
            *slot = parsed.lookup_glyph_index(i as u32).map_or(0.0, |gid| advance_em_of(&parsed, units_per_em, gid));
        }
        Ok(ReportFont {
            parsed,
            units_per_em,
            ascii_em,
            ascent_em: f32::from(ascent) / units_per_em,
            descent_em: -f32::from(descent) / units_per_em,
        })
    }

    /// printpdf's handle on the font, to add to each `PdfDocument`.
    pub fn parsed(&self) -> &ParsedFont {
        &self.parsed
    }

    pub fn has_glyph(&self, c: char) -> bool {
        self.parsed.lookup_glyph_index(c as u32).is_some()
    }

    /// The advance of `c` in em; 0 for a character the font lacks (it is never drawn as such).
    pub fn advance_em(&self, c: char) -> f32 {
        match self.ascii_em.get(c as usize) {
            Some(w) => *w,
            None => self
                .parsed
                .lookup_glyph_index(c as u32)
                .map_or(0.0, |gid| advance_em_of(&self.parsed, self.units_per_em, gid)),
        }
    }

    /// Height of the ink above the baseline, per point of font size.
    pub fn ascent_em(&self) -> f32 {
        self.ascent_em
    }

    /// Depth of the ink below the baseline, per point of font size (positive).
    pub fn descent_em(&self) -> f32 {
        self.descent_em
    }
}

fn advance_em_of(parsed: &ParsedFont, units_per_em: f32, gid: u16) -> f32 {
    f32::from(parsed.get_horizontal_advance(gid)) / units_per_em
}

/// Width in points of `text` set at `size_pt`, as printpdf will draw it.
pub fn text_width(text: &str, size_pt: f32) -> f32 {
    let font = report_font();
    text.chars().map(|c| font.advance_em(c)).sum::<f32>() * size_pt
}

/// Whether the report font can draw `c`.
pub fn has_glyph(c: char) -> bool {
    report_font().has_glyph(c)
}

/// `text` with every character the font cannot draw replaced, and how many were replaced.
/// Subscript and superscript digits (SpO₂) become plain digits, which reads correctly; a line
/// break stays (the layout breaks the line there, e.g. a two-line column header); tabs and
/// other control characters become spaces (not counted: nothing was lost); anything else
/// becomes [`FALLBACK`]. Borrowed when nothing changes, which is almost always.
pub fn sanitize(text: &str) -> (Cow<'_, str>, usize) {
    let font = report_font();
    if text.chars().all(|c| c == '\n' || (!c.is_control() && font.has_glyph(c))) {
        return (Cow::Borrowed(text), 0);
    }
    let mut replaced = 0;
    let out = text
        .chars()
        .map(|c| {
            if c == '\n' {
                c
            } else if c.is_control() {
                ' '
            } else if font.has_glyph(c) {
                c
            } else {
                replaced += 1;
                plain_digit(c).unwrap_or(FALLBACK)
            }
        })
        .collect();
    (Cow::Owned(out), replaced)
}

/// ₀–₉ and ⁰–⁹ as 0–9 (¹²³ are in Latin-1 and so in the font, but map them anyway).
fn plain_digit(c: char) -> Option<char> {
    let digit = match c {
        '\u{2080}'..='\u{2089}' => c as u32 - 0x2080,
        '\u{2070}' => 0,
        '\u{2074}'..='\u{2079}' => c as u32 - 0x2070,
        '¹' => 1,
        '²' => 2,
        '³' => 3,
        _ => return None,
    };
    char::from_digit(digit, 10)
}

/// OS/2 sTypoAscender and sTypoDescender, read straight from the sfnt table directory:
/// azul-layout exposes only the hhea values (1.16 / 0.288 em), which include line spacing.
fn typo_ascent_descent(sfnt: &[u8]) -> Option<(i16, i16)> {
    let be_u16 = |at: usize| Some(u16::from_be_bytes([*sfnt.get(at)?, *sfnt.get(at + 1)?]));
    let be_u32 = |at: usize| Some(u32::from_be_bytes(sfnt.get(at..at + 4)?.try_into().ok()?));
    let tables = usize::from(be_u16(4)?);
    let os2 = (0..tables).map(|i| 12 + 16 * i).find(|&rec| sfnt.get(rec..rec + 4) == Some(b"OS/2"))?;
    let offset = be_u32(os2 + 8)? as usize;
    let ascent = be_u16(offset + 68)? as i16;
    let descent = be_u16(offset + 70)? as i16;
    Some((ascent, descent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_parses_and_has_the_cjk_metrics() {
        let font = try_report_font().expect("font parses");
        assert!((font.ascent_em() - 0.88).abs() < 1e-6, "{}", font.ascent_em());
        assert!((font.descent_em() - 0.12).abs() < 1e-6, "{}", font.descent_em());
    }

    #[test]
    fn a_cjk_character_is_one_em_and_digits_are_narrower() {
        let w = text_width("中", 10.0);
        assert!((w - 10.0).abs() < 0.01, "中 at 10 pt is {w} pt");
        assert!(text_width("1234", 10.0) < text_width("一二三四", 10.0));
        assert!((text_width("一二三四", 10.0) - 40.0).abs() < 0.05);
        assert_eq!(text_width("", 12.0), 0.0);
        // Widths scale with the size and add up.
        let ab = text_width("ab", 9.0);
        assert!((ab - text_width("a", 9.0) - text_width("b", 9.0)).abs() < 1e-4);
        assert!((text_width("ab", 18.0) - 2.0 * ab).abs() < 1e-4);
    }

    #[test]
    fn rare_name_characters_and_report_symbols_have_glyphs() {
        for c in "堃喆玥昇犇䶮°±×≥≤−—…·№℃①←→（），：；？、。《》¥".chars() {
            assert!(has_glyph(c), "{c} U+{:04X} has no glyph", c as u32);
        }
    }

    /// Every character of `text` that a report could print must have a glyph.
    fn assert_covered(what: &str, text: &str) {
        let missing: String = text.chars().filter(|c| !c.is_control() && !has_glyph(*c)).collect();
        assert!(missing.is_empty(), "{what}: no glyph for {missing:?}");
    }

    #[test]
    fn every_demo_name_character_has_a_glyph() {
        // The whole file: surnames, given names and Mongol names (and its comments).
        assert_covered("demo/names.rs", include_str!("../demo/names.rs"));
    }

    #[test]
    fn every_chinese_ui_string_character_has_a_glyph() {
        assert_covered("ui/src/i18n/zh-CN.json", include_str!("../../../../ui/src/i18n/zh-CN.json"));
    }

    #[test]
    fn missing_characters_become_a_counted_question_mark() {
        let (same, n) = sanitize("张堃 36.5℃");
        assert!(matches!(same, Cow::Borrowed(_)) && n == 0);
        // U+20000 (Extension B) and an emoji are not in the font.
        let (text, n) = sanitize("王\u{20000}明😀");
        assert_eq!((text.as_ref(), n), ("王?明?", 2));
        let (text, n) = sanitize("SpO₂\t98%");
        assert_eq!((text.as_ref(), n), ("SpO2 98%", 1));
        // A line break is the writer's: a two-line column header keeps it.
        let (text, n) = sanitize("服务\n人数");
        assert_eq!((text.as_ref(), n), ("服务\n人数", 0));
    }
}
