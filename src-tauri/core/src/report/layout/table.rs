//! Tables: columns sharing the width by weight, a shaded header row repeated at the top of
//! every page the table continues on, Group rows lightly shaded, Total rows darker with a rule
//! above, and text that never leaves its cell.
//!
//! Two ways to fit a cell (per [`Table::one_line`]): one line whose text shrinks down to
//! [`MIN_SIZE`] and only then is truncated with "…" (the city's wide tables), or text wrapped
//! inside the cell, the row growing to the tallest cell (a number too wide for its cell is
//! shrunk, never split). Header labels always wrap (up to four lines), so a narrow numeric
//! column can still carry a long label. A row never grows taller than a page.

use super::flow::Flow;
use super::text::{baseline_in, fit_line, limit_lines, line_height, measure, wrap};
use super::{palette, Canvas, Colour, Geometry, RecordingCanvas, TextStyle, HAIRLINE, MIN_SIZE};
use crate::report::document::{Align, Cell, Row, RowKind, Table};

/// Space between a cell's edge and its text.
pub const PAD_X: f32 = 3.0;
pub const PAD_Y: f32 = 2.5;
const HEADER_MAX_LINES: usize = 4;
const GAP_AFTER: f32 = 10.0;

/// A column's place on the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnBox {
    pub x: f32,
    pub w: f32,
    pub align: Align,
}

impl ColumnBox {
    fn inner(&self) -> f32 {
        (self.w - 2.0 * PAD_X).max(0.0)
    }
}

/// The body text size: tables in landscape have many columns, so a little smaller.
pub fn body_style(geom: &Geometry) -> TextStyle {
    let size = if geom.width > geom.height { 8.0 } else { 8.5 };
    TextStyle::new(size, palette::TEXT)
}

/// Column boxes: the content width shared by weight. Weights that are not positive numbers
/// count as nothing, and if none is left the columns share equally.
pub fn columns(geom: &Geometry, table: &Table) -> Vec<ColumnBox> {
    let weights: Vec<f32> =
        table.columns.iter().map(|c| if c.weight.is_finite() && c.weight > 0.0 { c.weight } else { 0.0 }).collect();
    let total: f32 = weights.iter().sum();
    let weights = if total > 0.0 { weights } else { vec![1.0; table.columns.len()] };
    let total: f32 = weights.iter().sum();
    let width = geom.content_width();
    let mut x = geom.left;
    table
        .columns
        .iter()
        .zip(weights)
        .map(|(column, weight)| {
            let w = width * weight / total;
            let b = ColumnBox { x, w, align: column.align };
            x += w;
            b
        })
        .collect()
}

/// A laid-out row: its cells (a Group row's text may span the empty cells to its right) and
/// its height.
struct RowBox {
    kind: Kind,
    cells: Vec<CellBox>,
    height: f32,
}

/// A cell on the page: the box it owns (one column, or several for a spanning group label)
/// and its lines, each with the size it is set at.
struct CellBox {
    area: ColumnBox,
    lines: Vec<(String, f32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Header,
    Body(RowKind),
}

impl Kind {
    fn fill(self) -> Option<Colour> {
        match self {
            Kind::Header => Some(palette::HEADER_FILL),
            Kind::Body(RowKind::Group) => Some(palette::GROUP_FILL),
            Kind::Body(RowKind::Total) => Some(palette::TOTAL_FILL),
            Kind::Body(RowKind::Normal) => None,
        }
    }

    fn style(self, base: TextStyle) -> TextStyle {
        match self {
            Kind::Body(RowKind::Normal) => base,
            _ => base.bold(),
        }
    }
}

/// The lines of one cell, each fitting `inner`.
fn cell_lines(text: &str, style: TextStyle, inner: f32, one_line: bool, max_lines: usize) -> Vec<(String, f32)> {
    if one_line {
        return vec![fit_line(text, style, MIN_SIZE, inner)];
    }
    let lines = limit_lines(wrap(text, style, inner), max_lines, style, inner);
    // Only a number wider than the cell is still too wide here: shrink it (or truncate).
    lines.into_iter().map(|line| fit_line(&line, style, MIN_SIZE, inner)).collect()
}

/// Lays out a row of `texts`; `may_span[i]` says whether text `i` may run over the empty
/// cells after it.
fn row_box(
    kind: Kind,
    texts: &[(String, bool)],
    cols: &[ColumnBox],
    base: TextStyle,
    one_line: bool,
    max_lines: usize,
) -> RowBox {
    let style = kind.style(base);
    let cells: Vec<CellBox> = cell_areas(texts, cols)
        .into_iter()
        .map(|(area, text)| CellBox { area, lines: cell_lines(text, style, area.inner(), one_line, max_lines) })
        .collect();
    let lines = cells.iter().map(|c| c.lines.len()).max().unwrap_or(1).max(1);
    RowBox { kind, cells, height: lines as f32 * line_height(base.size) + 2.0 * PAD_Y }
}

/// The box of each cell: its column, or, for a text that may span, its column and the empty
/// ones after it, set left-aligned (a district's name in a Group row's narrow first column).
fn cell_areas<'t>(texts: &'t [(String, bool)], cols: &[ColumnBox]) -> Vec<(ColumnBox, &'t str)> {
    let mut areas: Vec<(ColumnBox, &str, bool)> = Vec::new();
    for (col, (text, may_span)) in cols.iter().zip(texts) {
        match areas.last_mut() {
            Some((area, prev, true)) if text.is_empty() && !prev.is_empty() => {
                area.w = col.x + col.w - area.x;
                area.align = Align::Left;
            }
            _ => areas.push((*col, text.as_str(), *may_span)),
        }
    }
    areas.into_iter().map(|(area, text, _)| (area, text)).collect()
}

/// The header row; none when every column's label is empty (a receipt's label–value lines).
fn header_box(table: &Table, cols: &[ColumnBox], base: TextStyle) -> Option<RowBox> {
    if table.columns.iter().all(|c| c.label.is_empty()) {
        return None;
    }
    let labels: Vec<(String, bool)> = table.columns.iter().map(|c| (c.label.clone(), false)).collect();
    Some(row_box(Kind::Header, &labels, cols, base, false, HEADER_MAX_LINES))
}

fn height_of(header: &Option<RowBox>) -> f32 {
    header.as_ref().map_or(0.0, |h| h.height)
}

fn body_box(row: &Row, table: &Table, cols: &[ColumnBox], base: TextStyle, max_lines: usize) -> RowBox {
    let texts: Vec<(String, bool)> = (0..cols.len())
        .map(|i| match row.cells.get(i) {
            Some(cell @ Cell::Text(_)) => (cell.display(), row.kind == RowKind::Group),
            Some(cell) => (cell.display(), false),
            None => (String::new(), false),
        })
        .collect();
    row_box(Kind::Body(row.kind), &texts, cols, base, table.one_line, max_lines)
}

/// The most lines a body cell may have so that header and row fit on one page.
fn max_body_lines(geom: &Geometry, header: &Option<RowBox>, base: TextStyle) -> usize {
    let room = geom.bottom - geom.top - height_of(header) - 2.0 * PAD_Y;
    ((room / line_height(base.size)).floor() as usize).max(1)
}

/// What must fit under a heading for it to stay with this table: the header and first row.
pub fn lead_height(geom: &Geometry, table: &Table) -> f32 {
    let cols = columns(geom, table);
    let base = body_style(geom);
    let header = header_box(table, &cols, base);
    let max_lines = max_body_lines(geom, &header, base);
    let first = table.rows.first().map_or(0.0, |r| body_box(r, table, &cols, base, max_lines).height);
    height_of(&header) + first
}

/// Draws `table` at the flow's cursor, breaking across pages between rows.
pub(super) fn draw(flow: &mut Flow, table: &Table) {
    let cols = columns(&flow.geom, table);
    if cols.is_empty() {
        return;
    }
    let base = body_style(&flow.geom);
    let header = header_box(table, &cols, base);
    let max_lines = max_body_lines(&flow.geom, &header, base);
    let rows: Vec<RowBox> = table.rows.iter().map(|r| body_box(r, table, &cols, base, max_lines)).collect();

    // The most a page holds under the header: a longer run is not kept together.
    let page_room = flow.geom.bottom - flow.geom.top - height_of(&header);
    flow.ensure(height_of(&header) + kept_with(&rows, 0, page_room));
    match &header {
        Some(header) => put_row(flow, &cols, header, base),
        None => {
            // No header to frame the top: the first row's own rule above it.
            let (left, right, y) = (cols[0].x, cols[cols.len() - 1].x + cols[cols.len() - 1].w, flow.y);
            flow.canvas().line(left, y, right, y, 0.8, palette::RULE);
        }
    }
    // The group (district, living circle) the rows are in, repeated under the header on a
    // continued page so its rows are not read without it.
    let mut group: Option<&RowBox> = None;
    for (i, row) in rows.iter().enumerate() {
        if kept_with(&rows, i, page_room) > flow.remaining() + 0.01 {
            flow.new_page();
            if let Some(header) = &header {
                put_row(flow, &cols, header, base);
            }
            if let Some(g) = group.filter(|_| row.kind != Kind::Body(RowKind::Group)) {
                put_row(flow, &cols, g, base);
            }
        }
        put_row(flow, &cols, row, base);
        if row.kind == Kind::Body(RowKind::Group) {
            group = Some(row);
        }
    }
    flow.y += GAP_AFTER;
}

/// The height row `i` needs below it on its page: a group heading with the first row it heads
/// (never alone at a page's foot), a row with the subtotals right after it (a total never
/// starts a page on its own). At most `page_room`.
fn kept_with(rows: &[RowBox], i: usize, page_room: f32) -> f32 {
    let is = |j: usize, kind: RowKind| rows.get(j).is_some_and(|r| r.kind == Kind::Body(kind));
    let mut end = i + 1;
    while is(end - 1, RowKind::Group) && end < rows.len() {
        end += 1;
    }
    if !is(i, RowKind::Total) {
        while is(end, RowKind::Total) {
            end += 1;
        }
    }
    let height: f32 = rows[i..end].iter().map(|r| r.height).sum();
    if height > page_room {
        rows[i].height
    } else {
        height
    }
}

/// Draws `row` at the cursor and moves the cursor under it.
fn put_row(flow: &mut Flow, cols: &[ColumnBox], row: &RowBox, base: TextStyle) {
    let top = flow.y;
    draw_row(flow.canvas(), cols, row, top, base);
    flow.y += row.height;
}

fn draw_row(canvas: &mut RecordingCanvas, cols: &[ColumnBox], row: &RowBox, top: f32, base: TextStyle) {
    let (left, right) = (cols[0].x, cols[cols.len() - 1].x + cols[cols.len() - 1].w);
    let bottom = top + row.height;
    if let Some(fill) = row.kind.fill() {
        canvas.rect(left, top, right - left, row.height, Some(fill), None);
    }
    let lh = line_height(base.size);
    let style = row.kind.style(base);
    for cell in &row.cells {
        for (i, (text, size)) in cell.lines.iter().enumerate() {
            let style = style.sized(*size);
            let x = aligned_x(&cell.area, measure(text, style));
            let y = baseline_in(top + PAD_Y + i as f32 * lh, lh, base.size);
            canvas.text(x, y, text, style);
        }
    }
    // Rules: the header and Total rows are framed darker; everything else is a light grid.
    let (above, below) = match row.kind {
        Kind::Header => (Some((0.8, palette::RULE)), (0.8, palette::RULE)),
        Kind::Body(RowKind::Total) => (Some((0.8, palette::RULE)), (HAIRLINE, palette::GRID)),
        Kind::Body(_) => (None, (HAIRLINE, palette::GRID)),
    };
    if let Some((width, colour)) = above {
        canvas.line(left, top, right, top, width, colour);
    }
    canvas.line(left, bottom, right, bottom, below.0, below.1);
    for x in row.cells.iter().map(|c| c.area.x).chain(std::iter::once(right)) {
        canvas.line(x, top, x, bottom, HAIRLINE, palette::GRID);
    }
}

fn aligned_x(col: &ColumnBox, text_w: f32) -> f32 {
    match col.align {
        Align::Left => col.x + PAD_X,
        Align::Right => col.x + col.w - PAD_X - text_w,
        Align::Center => col.x + (col.w - text_w) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{Block, Column, Document, Paper};
    use crate::report::font::report_font;
    use crate::report::layout::{layout_document, layout_pages, DrawOp, Page};

    fn doc(paper: Paper, table: Table) -> Document {
        Document {
            title: "海勃湾区滨河养老服务中心 2026年10月 月报".into(),
            paper,
            header_left: "海勃湾区滨河养老服务中心".into(),
            header_right: "2026年10月".into(),
            page_label: "第 {page} 页 / 共 {pages} 页".into(),
            generated: "2026-11-01 08:00 生成 · 制表：张堃".into(),
            made_at: crate::report::pdf::sample::sample_made_at(),
            blocks: vec![Block::Heading("服务对象明细".into()), Block::Table(table)],
        }
    }

    fn column(label: &str, weight: f32, align: Align) -> Column {
        Column { label: label.into(), weight, align }
    }

    fn row(kind: RowKind, cells: Vec<Cell>) -> Row {
        Row { kind, cells }
    }

    /// 300 residents with Group rows per living circle and a Total.
    fn long_table() -> Table {
        let mut rows = Vec::new();
        for i in 0..300i64 {
            if i % 50 == 0 {
                rows.push(row(RowKind::Group, vec![format!("第{}生活圈", i / 50 + 1).into()]));
            }
            rows.push(row(
                RowKind::Normal,
                vec![
                    Cell::Int(i + 1),
                    format!("王秀英{i}").into(),
                    Cell::Text("滨河社区".into()),
                    Cell::Int(i * 3),
                    Cell::Fen(i * 1234),
                ],
            ));
        }
        rows.push(row(
            RowKind::Total,
            vec!["合计".into(), Cell::Empty, Cell::Empty, Cell::Int(134550), Cell::Fen(55_314_450)],
        ));
        Table {
            sheet: "明细".into(),
            columns: vec![
                column("序号", 0.6, Align::Right),
                column("姓名", 1.5, Align::Left),
                column("社区", 2.0, Align::Left),
                column("服务人次", 1.0, Align::Right),
                column("费用（元）", 1.2, Align::Right),
            ],
            rows,
            one_line: false,
        }
    }

    fn texts_below_header(page: &Page, geom: &Geometry) -> Vec<String> {
        page.ops
            .iter()
            .filter_map(|op| match op {
                DrawOp::Text { y, text, .. } if *y > geom.top && *y < geom.bottom => Some(text.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_table_breaks_across_pages_repeating_its_header() {
        let table = long_table();
        let pages = layout_pages(&doc(Paper::Portrait, table.clone()));
        let geom = Geometry::for_paper(Paper::Portrait);
        assert!(pages.len() >= 5, "300 rows on {} pages", pages.len());
        let labels: Vec<&str> = table.columns.iter().map(|c| c.label.as_str()).collect();
        for page in &pages[1..] {
            let texts = texts_below_header(page, &geom);
            assert_eq!(&texts[..labels.len()], labels.as_slice(), "page starts with {:?}", &texts[..8]);
        }
        // Every row is there exactly once.
        let all: Vec<String> = pages.iter().flat_map(|p| texts_below_header(p, &geom)).collect();
        for i in 0..300 {
            let name = format!("王秀英{i}");
            assert_eq!(all.iter().filter(|t| **t == name).count(), 1, "{name}");
        }
        assert!(all.contains(&"553144.50".to_string()), "the total row is drawn");
        let count = pages.len();
        let last_footer = pages[count - 1].texts().last().unwrap().to_string();
        assert_eq!(last_footer, format!("第 {count} 页 / 共 {count} 页"));
        assert_eq!(pages[0].texts().last().unwrap(), format!("第 1 页 / 共 {count} 页"));
    }

    #[test]
    fn a_continued_page_repeats_the_group_and_never_starts_with_a_subtotal() {
        // 15 groups of 7 rows, each closed by its subtotal: breaks fall everywhere.
        let mut rows = Vec::new();
        for g in 0..15 {
            rows.push(row(RowKind::Group, vec![format!("第{g}组").into()]));
            for i in 0..7 {
                rows.push(row(RowKind::Normal, vec![Cell::Int(i), format!("组{g}成员{i}").into()]));
            }
            rows.push(row(RowKind::Total, vec![Cell::Empty, format!("小计{g}").into()]));
        }
        let table = Table {
            sheet: "分组".into(),
            columns: vec![column("序号", 0.5, Align::Right), column("姓名", 2.0, Align::Left)],
            rows,
            one_line: false,
        };
        let pages = layout_pages(&doc(Paper::Portrait, table));
        let geom = Geometry::for_paper(Paper::Portrait);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (n, page) in pages.iter().enumerate().skip(1) {
            let texts = texts_below_header(page, &geom);
            // After the header labels (序号, 姓名): the group being continued, or a new one.
            let first = &texts[2];
            assert!(first.starts_with('第'), "page {} begins with {first:?}, not its group", n + 1);
            assert!(!texts[3].starts_with("小计"), "page {} begins with a lone subtotal", n + 1);
        }
        for page in &pages {
            let texts = texts_below_header(page, &geom);
            let last_body = texts.iter().rev().find(|t| !t.starts_with("第 ")).unwrap();
            assert!(!last_body.starts_with('第'), "a group heading left alone at a page's foot: {last_body}");
        }
    }

    #[test]
    fn no_content_is_drawn_outside_the_page_body() {
        let laid = layout_document(&doc(Paper::Portrait, long_table()));
        let geom = Geometry::for_paper(Paper::Portrait);
        for page in &laid.pages {
            for op in &page.ops {
                if let DrawOp::Line { y1, y2, .. } = op {
                    assert!(*y1 >= geom.header_rule() - 0.01 && *y2 <= geom.bottom + 0.01, "{op:?}");
                }
            }
        }
    }

    /// A table built to overflow: very long names, 40-character transliterated names, huge
    /// numbers, in narrow columns.
    fn hostile_table(one_line: bool, columns: usize, rows: usize) -> Table {
        let long_names = [
            "乌海市海勃湾区千里山镇滨河社区老年人日间照料中心(第二分站)",
            "巴特尔·额尔敦毕力格图·斯琴巴特尔·阿拉坦仓·特木尔巴根那·乌力吉",
            "Bayarsaikhan-Erdenebileg-Tumurbaatar-Sukhbaatarochir",
            "海南区拉僧庙镇",
        ];
        let cols: Vec<Column> = (0..columns)
            .map(|i| match i % 4 {
                0 => column("机构名称（全称）", 3.0, Align::Left),
                1 => column("本月新增服务对象人数", 0.7, Align::Right),
                2 => column("费用合计（元）", 0.9, Align::Right),
                _ => column("占比", 0.6, Align::Center),
            })
            .collect();
        let rows = (0..rows)
            .map(|r| {
                let cells = (0..columns)
                    .map(|i| match i % 4 {
                        0 => Cell::Text(long_names[(r + i) % long_names.len()].into()),
                        1 => Cell::Int(i64::MAX - r as i64),
                        2 => Cell::Fen(-9_876_543_210_123 * (r as i64 + 1)),
                        _ => Cell::Share(Some(0.1234 + r as f64)),
                    })
                    .collect();
                let kind = [RowKind::Normal, RowKind::Group, RowKind::Total][r % 3];
                let mut cells: Vec<Cell> = cells;
                if kind == RowKind::Group {
                    // A group label spanning the empty cells after it.
                    cells[1..4.min(columns)].fill(Cell::Empty);
                }
                row(kind, cells)
            })
            .collect();
        Table { sheet: "机构".into(), columns: cols, rows, one_line }
    }

    /// Every text of the table lies inside one cell: within one column's box (from the
    /// weights, computed here independently) and crossing none of the drawn rules.
    fn assert_no_overflow(paper: Paper, table: Table) {
        let geom = Geometry::for_paper(paper);
        let total: f32 = table.columns.iter().map(|c| c.weight).sum();
        let mut edges = vec![geom.left];
        for c in &table.columns {
            edges.push(edges.last().unwrap() + geom.content_width() * c.weight / total);
        }
        let (ascent, descent) = (report_font().ascent_em(), report_font().descent_em());
        let laid = layout_document(&doc(paper, table));
        assert_eq!(laid.replaced_chars, 0);
        let mut checked = 0;
        for page in &laid.pages {
            let rules: Vec<(f32, f32, f32, f32)> = page
                .ops
                .iter()
                .filter_map(|op| match op {
                    DrawOp::Line { x1, y1, x2, y2, .. } => Some((*x1, *y1, *x2, *y2)),
                    _ => None,
                })
                .collect();
            // Only the table draws vertical rules: the highest one is the table's top.
            let table_top = rules.iter().filter(|r| r.0 == r.2).map(|r| r.1.min(r.3)).fold(f32::MAX, f32::min);
            for op in &page.ops {
                let DrawOp::Text { x, y, text, style } = op else { continue };
                if *y < table_top || *y > geom.bottom {
                    continue; // running header, title, heading, footer
                }
                let (left, right) = (*x, *x + measure(text, *style));
                let (top, bottom) = (*y - ascent * style.size, *y + descent * style.size);
                assert!(style.size >= MIN_SIZE - 1e-3, "{text:?} at {}", style.size);
                // Within the table's columns (a group label may span several, see below).
                let inside_columns = edges.iter().any(|e| left >= e + 0.5) && edges.iter().any(|e| right <= e - 0.5);
                assert!(inside_columns, "{text:?} spans {left}..{right}, columns {edges:?}");
                for &(x1, y1, x2, y2) in &rules {
                    let eps = 0.01;
                    if x1 == x2 {
                        let crosses = x1 > left + eps && x1 < right - eps && y1.min(y2) < bottom && y1.max(y2) > top;
                        assert!(!crosses, "{text:?} ({left}..{right}) crosses the column rule at x={x1}");
                    } else if y1 == y2 {
                        let crosses = y1 > top + eps && y1 < bottom - eps && x1.min(x2) < right && x1.max(x2) > left;
                        assert!(!crosses, "{text:?} ({top}..{bottom}) crosses the row rule at y={y1}");
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} texts checked");
    }

    #[test]
    fn no_text_leaves_its_cell_in_one_line_tables() {
        assert_no_overflow(Paper::Landscape, hostile_table(true, 18, 60));
        assert_no_overflow(Paper::Portrait, hostile_table(true, 8, 60));
    }

    #[test]
    fn no_text_leaves_its_cell_in_wrapped_tables() {
        assert_no_overflow(Paper::Landscape, hostile_table(false, 18, 40));
        assert_no_overflow(Paper::Portrait, hostile_table(false, 6, 40));
    }

    #[test]
    fn one_line_cells_shrink_before_they_truncate() {
        let geom = Geometry::for_paper(Paper::Landscape);
        let table = hostile_table(true, 18, 3);
        let cols = columns(&geom, &table);
        let base = body_style(&geom);
        let r = body_box(&table.rows[0], &table, &cols, base, 10);
        assert!(r.cells.iter().all(|c| c.lines.len() == 1), "one line per cell");
        let (name, size) = &r.cells[0].lines[0];
        assert!(*size == MIN_SIZE && name.ends_with('…'), "{name} at {size}");
        // A short text keeps the body size.
        let short = Row { kind: RowKind::Normal, cells: vec!["海南区".into()] };
        let r = body_box(&short, &table, &cols, base, 10);
        assert_eq!(r.cells[0].lines, vec![("海南区".to_string(), base.size)]);
    }

    #[test]
    fn wrapped_cells_grow_the_row_and_stay_below_a_page() {
        let geom = Geometry::for_paper(Paper::Portrait);
        let mut table = hostile_table(false, 6, 1);
        let cols = columns(&geom, &table);
        let base = body_style(&geom);
        let header = header_box(&table, &cols, base);
        let max = max_body_lines(&geom, &header, base);
        let r = body_box(&table.rows[0], &table, &cols, base, max);
        assert!(r.cells[0].lines.len() > 1, "the long name wraps: {:?}", r.cells[0].lines);
        assert!(r.height > line_height(base.size) * 2.0);
        // An absurdly long text is cut at the page height, ending in "…".
        table.rows[0].cells[0] = Cell::Text("长".repeat(5000));
        let r = body_box(&table.rows[0], &table, &cols, base, max);
        assert_eq!(r.cells[0].lines.len(), max);
        assert!(r.cells[0].lines.last().unwrap().0.ends_with('…'));
        assert!(header.unwrap().height + r.height <= geom.bottom - geom.top);
    }

    #[test]
    fn a_group_label_runs_over_the_empty_cells_after_it() {
        let geom = Geometry::for_paper(Paper::Portrait);
        let table = long_table();
        let cols = columns(&geom, &table);
        let base = body_style(&geom);
        let group = Row {
            kind: RowKind::Group,
            cells: vec!["海勃湾区千里山镇滨河社区".into(), Cell::Empty, Cell::Empty, Cell::Int(7)],
        };
        let r = body_box(&group, &table, &cols, base, 10);
        assert_eq!(r.cells.len(), 3, "label over 3 columns, then the number, then the empty cell");
        assert!((r.cells[0].area.w - (cols[0].w + cols[1].w + cols[2].w)).abs() < 1e-3);
        assert_eq!(r.cells[0].area.align, Align::Left);
        assert_eq!(r.cells[0].lines.len(), 1, "{:?}", r.cells[0].lines);
        // A normal row never spans.
        let normal = Row { kind: RowKind::Normal, ..group };
        assert_eq!(body_box(&normal, &table, &cols, base, 10).cells.len(), 5);
    }

    #[test]
    fn column_widths_follow_the_weights() {
        let geom = Geometry::for_paper(Paper::Portrait);
        let table = long_table();
        let cols = columns(&geom, &table);
        let total: f32 = table.columns.iter().map(|c| c.weight).sum();
        assert!((cols[1].w - geom.content_width() * 1.5 / total).abs() < 1e-3);
        let right = cols.last().map(|c| c.x + c.w).unwrap();
        assert!((right - geom.right).abs() < 1e-3);
        // Weights that make no sense share the width equally.
        let mut odd = table.clone();
        odd.columns.iter_mut().for_each(|c| c.weight = f32::NAN);
        let cols = columns(&geom, &odd);
        assert!((cols[0].w - geom.content_width() / 5.0).abs() < 1e-3);
    }
}
