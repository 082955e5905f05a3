//! The flow: a cursor going down the pages, starting a new page when a block does not fit,
//! and the simple blocks (title, heading, paragraph, facts, signatures). Tables and charts are
//! in their own modules. The running header and the footer are added last, when the page
//! count is known.

use std::borrow::Cow;

use super::text::{baseline_in, fit_line, line_height, measure, wrap};
use super::{chart, table};
use super::{palette, Canvas, Geometry, Laidout, Page, RecordingCanvas, TextStyle, HAIRLINE, MIN_SIZE};
use crate::report::document::{Block, Cell, Document, Fact, Paper};
use crate::report::font::sanitize;

const TITLE: TextStyle = TextStyle::new(18.0, palette::TEXT).bold();
const GENERATED: TextStyle = TextStyle::new(9.0, palette::MUTED);
const HEADING: TextStyle = TextStyle::new(12.5, palette::TEXT).bold();
const BODY: TextStyle = TextStyle::new(10.0, palette::TEXT);
const RUNNING: TextStyle = TextStyle::new(8.0, palette::MUTED);
const FACT_LABEL: TextStyle = TextStyle::new(9.0, palette::MUTED);
const FACT_VALUE: TextStyle = TextStyle::new(11.5, palette::TEXT).bold();

/// Space between blocks.
const BLOCK_GAP: f32 = 10.0;
/// Space above a heading (in addition to the gap after the block before it).
const HEADING_GAP: f32 = 8.0;
/// The accent bar left of a heading, and the text's indent after it.
const HEADING_BAR: f32 = 3.0;
const HEADING_INDENT: f32 = 8.0;
const PARAGRAPH_LINE: f32 = 16.0;
/// A fact box: its width at least, height, and the gutter between boxes.
const FACT_MIN_W: f32 = 165.0;
const FACT_H: f32 = 24.0;
const FACT_GUTTER: f32 = 6.0;
const FACT_PAD: f32 = 6.0;
const SIGNATURE_GAP: f32 = 24.0;
const SIGNATURE_H: f32 = 28.0;

/// The page cursor. Blocks draw on [`Flow::canvas`] at `y` and move `y` down.
pub(super) struct Flow {
    pub geom: Geometry,
    pub y: f32,
    current: RecordingCanvas,
    done: Vec<RecordingCanvas>,
}

impl Flow {
    fn new(geom: Geometry) -> Flow {
        Flow { geom, y: geom.top, current: RecordingCanvas::default(), done: Vec::new() }
    }

    pub fn canvas(&mut self) -> &mut RecordingCanvas {
        &mut self.current
    }

    pub fn remaining(&self) -> f32 {
        self.geom.bottom - self.y
    }

    pub fn at_top(&self) -> bool {
        self.y <= self.geom.top + 0.01
    }

    pub fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.current));
        self.y = self.geom.top;
    }

    /// Starts a new page unless `height` fits below the cursor. At the top of a page nothing
    /// more can be gained, so the block is drawn there whatever its height.
    pub fn ensure(&mut self, height: f32) {
        if height > self.remaining() + 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Vertical space, dropped at the top of a page.
    pub fn gap(&mut self, height: f32) {
        if !self.at_top() {
            self.y += height;
        }
    }

    fn into_pages(mut self) -> Vec<RecordingCanvas> {
        self.done.push(self.current);
        self.done
    }
}

/// Lays out the whole document: title, blocks, then headers and footers on every page.
pub fn layout_document(doc: &Document) -> Laidout {
    let (doc, replaced_chars) = sanitized(doc);
    let mut flow = Flow::new(Geometry::for_paper(doc.paper));
    title(&mut flow, &doc.title, &doc.generated);
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading(text) => {
                let lead = doc.blocks.get(i + 1).map_or(0.0, |next| lead_height(&flow, next));
                heading(&mut flow, text, lead);
            }
            Block::Paragraph(text) => paragraph(&mut flow, text),
            Block::Facts(facts) => facts_grid(&mut flow, facts),
            Block::Table(t) => table::draw(&mut flow, t),
            Block::Chart(c) => chart::draw(&mut flow, c),
            Block::Signatures(labels) => signatures(&mut flow, labels),
        }
    }
    let mut geom = flow.geom;
    if doc.paper == Paper::Roll80 && flow.done.is_empty() {
        // The roll is cut where its content ends, with the footer under it.
        geom.height = flow.y + geom.margin * 2.0;
    }
    let canvases = flow.into_pages();
    let count = canvases.len();
    let pages = canvases.into_iter().enumerate().map(|(i, c)| finish_page(&doc, geom, c, i + 1, count)).collect();
    Laidout { pages, replaced_chars }
}

/// A copy of `doc` whose every text the font can draw, and how many characters were replaced.
fn sanitized(doc: &Document) -> (Document, usize) {
    let mut out = doc.clone();
    let mut clean = Cleaner::default();
    for block in &mut out.blocks {
        match block {
            Block::Heading(t) | Block::Paragraph(t) => clean.text(t),
            Block::Facts(facts) => {
                for fact in facts {
                    clean.text(&mut fact.label);
                    clean.cell(&mut fact.value);
                }
            }
            Block::Table(t) => {
                t.columns.iter_mut().for_each(|c| clean.text(&mut c.label));
                t.rows.iter_mut().flat_map(|r| &mut r.cells).for_each(|c| clean.cell(c));
            }
            Block::Chart(c) => {
                clean.text(&mut c.title);
                clean.text(&mut c.unit);
                c.labels.iter_mut().for_each(|l| clean.text(l));
                c.series.iter_mut().for_each(|s| clean.text(&mut s.name));
            }
            Block::Signatures(labels) => labels.iter_mut().for_each(|l| clean.text(l)),
        }
    }
    for s in [&mut out.title, &mut out.header_left, &mut out.header_right, &mut out.page_label, &mut out.generated] {
        clean.text(s);
    }
    (out, clean.replaced)
}

/// Replaces undrawable characters in place, counting them.
#[derive(Default)]
struct Cleaner {
    replaced: usize,
}

impl Cleaner {
    fn text(&mut self, s: &mut String) {
        let (text, n) = sanitize(s);
        self.replaced += n;
        if let Cow::Owned(text) = text {
            *s = text;
        }
    }

    /// Only text cells can hold such characters: numbers display as digits and signs.
    fn cell(&mut self, cell: &mut Cell) {
        if let Cell::Text(t) = cell {
            self.text(t);
        }
    }
}

/// How much of `block` must fit under a heading for the heading to stay on this page.
fn lead_height(flow: &Flow, block: &Block) -> f32 {
    let width = flow.geom.content_width();
    match block {
        Block::Heading(text) => heading_height(text, width),
        Block::Paragraph(text) => wrap(text, BODY, width).len().min(2) as f32 * PARAGRAPH_LINE,
        Block::Facts(_) => FACT_H,
        Block::Table(t) => table::lead_height(&flow.geom, t),
        Block::Chart(_) => chart::HEIGHT,
        Block::Signatures(_) => SIGNATURE_GAP + SIGNATURE_H,
    }
}

fn title(flow: &mut Flow, title: &str, generated: &str) {
    let width = flow.geom.content_width();
    let x = flow.geom.left;
    for (text, style) in [(title, TITLE), (generated, GENERATED)] {
        if text.trim().is_empty() {
            continue;
        }
        let lh = line_height(style.size);
        for line in wrap(text, style, width) {
            let (line, size) = fit_line(&line, style, MIN_SIZE, width);
            flow.ensure(lh);
            let y = baseline_in(flow.y, lh, style.size);
            flow.canvas().text(x, y, &line, style.sized(size));
            flow.y += lh;
        }
        flow.y += 3.0;
    }
    flow.y += 4.0;
    let (left, right, y) = (flow.geom.left, flow.geom.right, flow.y);
    flow.canvas().line(left, y, right, y, 0.8, palette::RULE);
    flow.y += BLOCK_GAP + 4.0;
}

fn heading_height(text: &str, width: f32) -> f32 {
    wrap(text, HEADING, width - HEADING_INDENT).len() as f32 * line_height(HEADING.size) + 4.0
}

/// A heading, moved to the next page with `lead` (the start of the next block) when both do
/// not fit here: a heading is never left alone at the foot of a page.
fn heading(flow: &mut Flow, text: &str, lead: f32) {
    let width = flow.geom.content_width() - HEADING_INDENT;
    let lh = line_height(HEADING.size);
    let lines = wrap(text, HEADING, width);
    let height = lines.len() as f32 * lh + 4.0;
    flow.gap(HEADING_GAP);
    // The heading, the space under it, and the start of what it heads.
    flow.ensure(height + 4.0 + lead);
    let (x, top) = (flow.geom.left, flow.y);
    flow.canvas().rect(x, top + 3.0, HEADING_BAR, height - 6.0, Some(palette::ACCENT), None);
    for (i, line) in lines.iter().enumerate() {
        let (line, size) = fit_line(line, HEADING, MIN_SIZE, width);
        let y = baseline_in(top + i as f32 * lh, lh, HEADING.size);
        flow.canvas().text(x + HEADING_INDENT, y, &line, HEADING.sized(size));
    }
    flow.y = top + height + 4.0;
}

fn paragraph(flow: &mut Flow, text: &str) {
    let width = flow.geom.content_width();
    let lines = wrap(text, BODY, width);
    // Never a single line of a paragraph at the foot of a page.
    flow.ensure(lines.len().min(2) as f32 * PARAGRAPH_LINE);
    for line in lines {
        flow.ensure(PARAGRAPH_LINE);
        let (line, size) = fit_line(&line, BODY, MIN_SIZE, width);
        let (x, y) = (flow.geom.left, baseline_in(flow.y, PARAGRAPH_LINE, BODY.size));
        flow.canvas().text(x, y, &line, BODY.sized(size));
        flow.y += PARAGRAPH_LINE;
    }
    flow.y += BLOCK_GAP;
}

/// Label–value boxes, as many per row as fit at [`FACT_MIN_W`] (3 portrait, 4 landscape).
fn facts_grid(flow: &mut Flow, facts: &[Fact]) {
    let width = flow.geom.content_width();
    let per_row = ((width + FACT_GUTTER) / (FACT_MIN_W + FACT_GUTTER)).floor().max(1.0) as usize;
    let box_w = (width + FACT_GUTTER) / per_row as f32 - FACT_GUTTER;
    for row in facts.chunks(per_row) {
        flow.ensure(FACT_H);
        for (i, fact) in row.iter().enumerate() {
            let x = flow.geom.left + i as f32 * (box_w + FACT_GUTTER);
            let y = flow.y;
            fact_box(flow.canvas(), x, y, box_w, fact);
        }
        flow.y += FACT_H + FACT_GUTTER;
    }
    flow.y += BLOCK_GAP - FACT_GUTTER;
}

/// One fact: the label at the left, the value right-aligned. Both shrink together when they
/// do not fit; then the label is truncated, and the value only if it alone is too wide.
fn fact_box(canvas: &mut RecordingCanvas, x: f32, y: f32, w: f32, fact: &Fact) {
    canvas.rect(x, y, w, FACT_H, Some(palette::BOX_FILL), Some(palette::GRID));
    let inner = w - 2.0 * FACT_PAD;
    let value = fact.value.display();
    let natural = measure(&fact.label, FACT_LABEL) + FACT_PAD + measure(&value, FACT_VALUE);
    let scale = if natural > inner { inner / natural } else { 1.0 };
    let value_style = FACT_VALUE.sized((FACT_VALUE.size * scale).max(MIN_SIZE));
    let (value, value_size) = fit_line(&value, value_style, MIN_SIZE, inner);
    let value_style = value_style.sized(value_size);
    let value_w = measure(&value, value_style);
    let label_style = FACT_LABEL.sized((FACT_LABEL.size * scale).max(MIN_SIZE));
    let room = inner - value_w - if value.is_empty() { 0.0 } else { FACT_PAD };
    let (label, label_size) = fit_line(&fact.label, label_style, MIN_SIZE, room.max(0.0));
    let baseline = baseline_in(y, FACT_H, FACT_VALUE.size);
    canvas.text(x + FACT_PAD, baseline, &label, label_style.sized(label_size));
    canvas.text(x + w - FACT_PAD - value_w, baseline, &value, value_style);
}

/// "制表人：________" slots side by side, kept together on one page.
fn signatures(flow: &mut Flow, labels: &[String]) {
    if labels.is_empty() {
        return;
    }
    flow.gap(SIGNATURE_GAP);
    flow.ensure(SIGNATURE_H);
    let slot = flow.geom.content_width() / labels.len() as f32;
    let baseline = baseline_in(flow.y, SIGNATURE_H, BODY.size);
    for (i, label) in labels.iter().enumerate() {
        let x = flow.geom.left + i as f32 * slot;
        let text = with_colon(label);
        let (text, size) = fit_line(&text, BODY, MIN_SIZE, slot * 0.5);
        let text_w = measure(&text, BODY.sized(size));
        flow.canvas().text(x, baseline, &text, BODY.sized(size));
        let line_end = x + slot - 18.0;
        flow.canvas().line(x + text_w + 4.0, baseline + 2.0, line_end, baseline + 2.0, 0.6, palette::RULE);
    }
    flow.y += SIGNATURE_H + BLOCK_GAP;
}

/// "制表人" → "制表人：", "Prepared by" → "Prepared by:"; a label that has its colon keeps it.
fn with_colon(label: &str) -> String {
    let label = label.trim_end();
    if label.ends_with([':', '：']) || label.is_empty() {
        label.to_string()
    } else if label.chars().any(|c| c as u32 >= 0x2E80) {
        format!("{label}：")
    } else {
        format!("{label}:")
    }
}

/// Running header, then the page's content, then the footer "第 N 页 / 共 M 页".
fn finish_page(doc: &Document, geom: Geometry, content: RecordingCanvas, number: usize, count: usize) -> Page {
    let mut page = RecordingCanvas::default();
    // A roll has no running header: it is one page.
    if doc.paper != Paper::Roll80 {
        let half = geom.content_width() / 2.0 - 6.0;
        let (left, size) = fit_line(&doc.header_left, RUNNING, MIN_SIZE, half);
        page.text(geom.left, geom.header_baseline(), &left, RUNNING.sized(size));
        let (right, size) = fit_line(&doc.header_right, RUNNING, MIN_SIZE, half);
        let right_w = measure(&right, RUNNING.sized(size));
        page.text(geom.right - right_w, geom.header_baseline(), &right, RUNNING.sized(size));
        page.line(geom.left, geom.header_rule(), geom.right, geom.header_rule(), HAIRLINE, palette::GRID);
    }

    page.ops.extend(content.ops);

    let label = doc.page_label.replace("{page}", &number.to_string()).replace("{pages}", &count.to_string());
    let (label, size) = fit_line(&label, RUNNING, MIN_SIZE, geom.content_width());
    let label_w = measure(&label, RUNNING.sized(size));
    page.text((geom.width - label_w) / 2.0, geom.footer_baseline(), &label, RUNNING.sized(size));
    Page { width: geom.width, height: geom.height, ops: page.ops }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::layout::{DrawOp, MARGIN};

    fn doc(paper: Paper, blocks: Vec<Block>) -> Document {
        Document {
            title: "乌海市 2026年10月 月报".into(),
            paper,
            header_left: "乌海市民政局".into(),
            header_right: "2026年10月".into(),
            page_label: "第 {page} 页 / 共 {pages} 页".into(),
            generated: "生成于 2026-11-01".into(),
            made_at: crate::report::pdf::sample::sample_made_at(),
            blocks,
        }
    }

    /// (x, y, text, style) of every text on `page`.
    fn texts(page: &Page) -> Vec<(f32, f32, String, TextStyle)> {
        crate::report::layout::placed_texts(&page.ops)
    }

    #[test]
    fn every_page_has_the_running_header_and_its_footer() {
        let blocks =
            (0..80).map(|i| Block::Paragraph(format!("第{i}段：本月服务情况良好，未发生安全事故。"))).collect();
        let laid = layout_document(&doc(Paper::Portrait, blocks));
        let count = laid.pages.len();
        assert!(count >= 2);
        for (i, page) in laid.pages.iter().enumerate() {
            let t = texts(page);
            assert_eq!(t[0].2, "乌海市民政局");
            assert_eq!(t[1].2, "2026年10月");
            assert!((t[1].0 + measure(&t[1].2, t[1].3) - page.width + MARGIN).abs() < 0.01, "right-aligned");
            assert_eq!(t.last().unwrap().2, format!("第 {} 页 / 共 {count} 页", i + 1));
        }
        // The title only on page 1, right under the header.
        assert_eq!(texts(&laid.pages[0])[2].2, "乌海市 2026年10月 月报");
        assert!(laid.pages[1].texts().all(|t| t != "乌海市 2026年10月 月报"));
    }

    #[test]
    fn a_heading_is_never_left_alone_at_the_foot_of_a_page() {
        let geom = Geometry::for_paper(Paper::Portrait);
        // Fill the first page almost to the bottom, then a heading and a paragraph of several
        // lines, or of one (a family member's "nothing this month").
        // Paragraphs and headings of other heights as filler, so the heading lands at every
        // few points of the page's foot.
        let fillers = (20..40).flat_map(|f| (0..6).map(move |h| (f, h)));
        for ((filler, headings), repeat) in fillers.flat_map(|f| [(f, 8), (f, 1)]) {
            let mut blocks: Vec<Block> = (0..headings).map(|_| Block::Heading("填充".into())).collect();
            blocks.extend((0..filler).map(|_| Block::Paragraph("填充内容。".into())));
            blocks.push(Block::Heading("二、服务对象明细".into()));
            blocks.push(Block::Paragraph("本节列出全部服务对象。".repeat(repeat)));
            let pages = layout_document(&doc(Paper::Portrait, blocks)).pages;
            for page in &pages {
                let body: Vec<_> = texts(page).into_iter().filter(|t| t.1 > geom.top && t.1 < geom.bottom).collect();
                if let Some(i) = body.iter().position(|t| t.2 == "二、服务对象明细") {
                    let after = body.len() - i - 1;
                    assert!(
                        after >= 2.min(repeat),
                        "filler {filler}, {headings}, {repeat}: the heading has {after} lines after it on its page"
                    );
                }
            }
        }
    }

    #[test]
    fn facts_sit_three_or_four_to_a_row_and_fit_their_boxes() {
        let facts: Vec<Fact> = (0..8)
            .map(|i| Fact {
                label: if i == 3 {
                    "高龄（80岁及以上）失能半失能服务对象占比".into()
                } else {
                    format!("指标{i}")
                },
                value: if i == 5 { Cell::Fen(123_456_789_012_345) } else { Cell::Int(i * 1000) },
            })
            .collect();
        for (paper, per_row) in [(Paper::Portrait, 3), (Paper::Landscape, 4)] {
            let pages = layout_document(&doc(paper, vec![Block::Facts(facts.clone())])).pages;
            let boxes: Vec<(f32, f32, f32, f32)> = pages[0]
                .ops
                .iter()
                .filter_map(|op| match op {
                    DrawOp::Rect { x, y, w, h, stroke: Some(_), .. } => Some((*x, *y, *w, *h)),
                    _ => None,
                })
                .collect();
            assert_eq!(boxes.len(), 8);
            assert_eq!(boxes.iter().filter(|b| b.1 == boxes[0].1).count(), per_row, "{paper:?}");
            for (x, y, text, style) in texts(&pages[0]) {
                let inside = |b: &&(f32, f32, f32, f32)| y > b.1 && y < b.1 + b.3 && x >= b.0 && x < b.0 + b.2;
                let Some(b) = boxes.iter().find(inside) else { continue };
                assert!(x >= b.0 && x + measure(&text, style) <= b.0 + b.2 + 0.01, "{text:?} leaves its box");
            }
            let all: Vec<String> = pages[0].texts().map(str::to_string).collect();
            assert!(all.contains(&"1234567890123.45".to_string()), "the value is whole: {all:?}");
        }
    }

    #[test]
    fn a_roll_is_one_page_cut_to_its_content_with_every_text_inside_it() {
        use crate::report::document::{Align, Column, Row, RowKind, Table};
        use crate::report::layout::{ROLL_LONG, ROLL_WIDTH};
        let rows = (0..8)
            .map(|i| Row {
                kind: RowKind::Normal,
                cells: vec![Cell::Text(format!("金额（大写）{i}")), Cell::Text("人民币叁佰陆拾元零伍角整".into())],
            })
            .collect();
        let table = Table {
            sheet: String::new(),
            columns: vec![
                Column { label: String::new(), weight: 1.4, align: Align::Left },
                Column { label: String::new(), weight: 2.6, align: Align::Left },
            ],
            rows,
            one_line: false,
        };
        let blocks = vec![Block::Table(table), Block::Signatures(vec!["交款人签字".into()])];
        let pages = layout_document(&Document { page_label: String::new(), ..doc(Paper::Roll80, blocks) }).pages;
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        assert_eq!(page.width, ROLL_WIDTH);
        assert!(page.height < ROLL_LONG / 4.0, "cut to its content: {}", page.height);
        for (x, y, text, style) in texts(page) {
            assert!(x >= 0.0 && x + measure(&text, style) <= ROLL_WIDTH + 0.01 && y < page.height, "{text} at {x},{y}");
        }
        // A table without column labels has no header row: its first row is the first text.
        assert!(!page.texts().any(|t| t.is_empty()));
        assert!(!texts(page).iter().any(|t| t.2 == "乌海市民政局"), "no running header on a roll");
    }

    #[test]
    fn signatures_stay_together_on_one_line() {
        let mut blocks: Vec<Block> = (0..44).map(|_| Block::Paragraph("填充内容。".into())).collect();
        blocks.push(Block::Signatures(vec!["制表人".into(), "负责人：".into(), "Date".into()]));
        let pages = layout_document(&doc(Paper::Portrait, blocks)).pages;
        let page = pages.iter().find(|p| p.texts().any(|t| t == "制表人：")).unwrap();
        let sig: Vec<_> =
            texts(page).into_iter().filter(|t| ["制表人：", "负责人：", "Date:"].contains(&t.2.as_str())).collect();
        assert_eq!(sig.len(), 3, "{sig:?}");
        assert!(sig.iter().all(|t| t.1 == sig[0].1), "one row");
    }

    #[test]
    fn undrawable_characters_are_counted_once_each() {
        let blocks = vec![Block::Heading("王\u{20000}".into()), Block::Signatures(vec!["签名😀".into()])];
        let laid = layout_document(&doc(Paper::Portrait, blocks));
        assert_eq!(laid.replaced_chars, 2);
        assert!(laid.pages[0].texts().any(|t| t == "王?"));
        assert!(laid.pages[0].texts().any(|t| t == "签名?："));
    }
}
