//! Our own page layout for reports: a [`Document`]'s blocks flowed onto A4 pages, each page a
//! list of drawing operations on a tiny [`Canvas`] (text, lines, rectangles, polylines).
//!
//! Why our own: printpdf 0.12 draws but does not lay out without its HTML engine, and a report
//! needs exact control anyway: table header rows repeated on every page, one-line rows that
//! shrink their text, headings kept with what follows, charts never split. Laying out into
//! recorded operations first means the page count is known before the footers
//! ("第 N 页 / 共 M 页") are written, and lets the tests check geometry (no text outside its
//! cell) without reading a PDF back.
//!
//! Coordinates are points with the origin at the page's top-left corner and y growing down;
//! a text's `y` is its baseline. The PDF writer flips y.
//!
//! Submodules: [`text`] measures, wraps, shrinks and truncates; `flow` owns the page cursor
//! and the simple blocks; `table` and `chart` the two big ones.

mod chart;
mod flow;
mod table;
pub mod text;

use crate::report::document::{Document, Paper};

pub use flow::layout_document;

/// A4 in points.
pub const A4_SHORT: f32 = 595.28;
pub const A4_LONG: f32 = 841.89;
/// Left, right, top and bottom margin; the running header and the footer sit inside it.
pub const MARGIN: f32 = 40.0;
/// The smallest text we set: table cells shrink to it before they truncate.
pub const MIN_SIZE: f32 = 6.0;
/// Width of hairlines: grid lines, rules, outlines drawn by [`Canvas::rect`].
pub const HAIRLINE: f32 = 0.5;
/// Fake bold: the text is filled and stroked with a line this many times its size wide, so it
/// is wider by that much (half on each side); [`text::measure`] counts it.
pub const BOLD_STROKE: f32 = 0.035;

/// An RGB colour, each channel 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour {
    pub r: f32,
    pub g: f32,
    pub b: f32,
}

impl Colour {
    pub const fn grey(v: f32) -> Colour {
        Colour { r: v, g: v, b: v }
    }

    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r: r as f32 / 255.0, g: g as f32 / 255.0, b: b as f32 / 255.0 }
    }
}

/// Sober greys, one accent and two more series colours for charts.
pub mod palette {
    use super::Colour;

    pub const TEXT: Colour = Colour::grey(0.13);
    pub const MUTED: Colour = Colour::grey(0.42);
    pub const RULE: Colour = Colour::grey(0.35);
    pub const GRID: Colour = Colour::grey(0.78);
    pub const HEADER_FILL: Colour = Colour::grey(0.87);
    pub const GROUP_FILL: Colour = Colour::grey(0.94);
    pub const TOTAL_FILL: Colour = Colour::grey(0.90);
    pub const BOX_FILL: Colour = Colour::grey(0.965);
    /// Chart series, in order; later series cycle through greys.
    pub const SERIES: [Colour; 5] = [
        Colour::rgb(46, 107, 176),
        Colour::rgb(222, 134, 46),
        Colour::rgb(84, 153, 104),
        Colour::grey(0.45),
        Colour::grey(0.68),
    ];
    pub const ACCENT: Colour = SERIES[0];
}

/// How a run of text is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub size: f32,
    pub colour: Colour,
    pub bold: bool,
}

impl TextStyle {
    pub const fn new(size: f32, colour: Colour) -> TextStyle {
        TextStyle { size, colour, bold: false }
    }

    pub const fn bold(self) -> TextStyle {
        TextStyle { bold: true, ..self }
    }

    pub const fn sized(self, size: f32) -> TextStyle {
        TextStyle { size, ..self }
    }
}

/// What a page is drawn with. The PDF writer implements it over printpdf; [`RecordingCanvas`]
/// keeps the operations, which is how every page is laid out first.
pub trait Canvas {
    /// `text` at baseline `y`, starting at `x`. The text must already be drawable
    /// (see [`crate::report::font::sanitize`]).
    fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle);
    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, colour: Colour);
    /// A rectangle with its top-left corner at (`x`, `y`); the outline is a [`HAIRLINE`].
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Colour>, stroke: Option<Colour>);
    fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Colour);
}

/// One recorded drawing operation.
#[derive(Debug, Clone, PartialEq)]
pub enum DrawOp {
    Text { x: f32, y: f32, text: String, style: TextStyle },
    Line { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, colour: Colour },
    Rect { x: f32, y: f32, w: f32, h: f32, fill: Option<Colour>, stroke: Option<Colour> },
    Polyline { points: Vec<(f32, f32)>, width: f32, colour: Colour },
}

/// A canvas that only remembers what was drawn on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordingCanvas {
    pub ops: Vec<DrawOp>,
}

impl Canvas for RecordingCanvas {
    fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle) {
        if !text.is_empty() {
            self.ops.push(DrawOp::Text { x, y, text: text.to_string(), style });
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, colour: Colour) {
        self.ops.push(DrawOp::Line { x1, y1, x2, y2, width, colour });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Colour>, stroke: Option<Colour>) {
        if fill.is_some() || stroke.is_some() {
            self.ops.push(DrawOp::Rect { x, y, w, h, fill, stroke });
        }
    }

    fn polyline(&mut self, points: &[(f32, f32)], width: f32, colour: Colour) {
        if points.len() >= 2 {
            self.ops.push(DrawOp::Polyline { points: points.to_vec(), width, colour });
        }
    }
}

/// A laid-out page: its size in points and what is drawn on it, running header and footer
/// included.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub ops: Vec<DrawOp>,
}

impl Page {
    /// Draws the page's operations, in order, on `canvas`.
    pub fn replay(&self, canvas: &mut impl Canvas) {
        for op in &self.ops {
            match op {
                DrawOp::Text { x, y, text, style } => canvas.text(*x, *y, text, *style),
                DrawOp::Line { x1, y1, x2, y2, width, colour } => canvas.line(*x1, *y1, *x2, *y2, *width, *colour),
                DrawOp::Rect { x, y, w, h, fill, stroke } => canvas.rect(*x, *y, *w, *h, *fill, *stroke),
                DrawOp::Polyline { points, width, colour } => canvas.polyline(points, *width, *colour),
            }
        }
    }

    /// The texts on the page, in drawing order (for tests and diagnostics).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.ops.iter().filter_map(|op| match op {
            DrawOp::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// (x, y, text, style) of every text among `ops`: what the layout tests look at.
#[cfg(test)]
pub(crate) fn placed_texts(ops: &[DrawOp]) -> Vec<(f32, f32, String, TextStyle)> {
    ops.iter()
        .filter_map(|op| match op {
            DrawOp::Text { x, y, text, style } => Some((*x, *y, text.clone(), *style)),
            _ => None,
        })
        .collect()
}

/// The pages of a document and how many characters had to be replaced by
/// [`crate::report::font::FALLBACK`] because the font lacks them.
#[derive(Debug, Clone, PartialEq)]
pub struct Laidout {
    pub pages: Vec<Page>,
    pub replaced_chars: usize,
}

/// Where things go on a page of the document's paper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
    pub left: f32,
    pub right: f32,
    /// The first baseline area below the running header.
    pub top: f32,
    /// Content never goes below this; the footer sits under it.
    pub bottom: f32,
}

/// A5 in points.
pub const A5_SHORT: f32 = 419.53;
/// 80 mm, a receipt printer's roll; its text is 72 mm wide, as those printers print.
pub const ROLL_WIDTH: f32 = 226.77;
/// A roll's page before it is cut to its content.
pub const ROLL_LONG: f32 = 2000.0;

impl Geometry {
    pub fn for_paper(paper: Paper) -> Geometry {
        let (width, height, margin) = match paper {
            Paper::Portrait => (A4_SHORT, A4_LONG, MARGIN),
            Paper::Landscape => (A4_LONG, A4_SHORT, MARGIN),
            Paper::A5 => (A4_SHORT, A5_SHORT, 28.0),
            Paper::Roll80 => (ROLL_WIDTH, ROLL_LONG, 11.0),
        };
        let top = if paper == Paper::Roll80 { margin } else { margin + 10.0 };
        Geometry { width, height, margin, left: margin, right: width - margin, top, bottom: height - margin }
    }

    /// Running header: text baseline and the rule under it.
    pub fn header_baseline(&self) -> f32 {
        self.margin - 8.0
    }

    pub fn header_rule(&self) -> f32 {
        self.margin - 3.0
    }

    pub fn content_width(&self) -> f32 {
        self.right - self.left
    }

    /// Footer baseline, centred in the bottom margin.
    pub fn footer_baseline(&self) -> f32 {
        self.height - self.margin / 2.0 + 3.0
    }
}

/// Lays out `doc` into pages (headers and footers included).
pub fn layout_pages(doc: &Document) -> Vec<Page> {
    layout_document(doc).pages
}
