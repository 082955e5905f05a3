//! The PDF writer: lays a [`Document`] out with [`layout`](super::layout), then replays each
//! page's drawing operations as printpdf operations with the embedded report font, and saves
//! with font subsetting so the file carries only the glyphs it uses (a few hundred KB at most
//! instead of the 9.8 MB font).
//!
//! Text is written one `BT … ET` object per run, positioned absolutely; "bold" is the font
//! filled and stroked with a thin outline (we embed a single weight to keep the binary
//! small). Page geometry is flipped here: layout works top-down, PDF bottom-up.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, OffsetDateTime, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfParseErrorSeverity, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextRenderingMode,
};

use std::time::{Duration, Instant};

use super::document::Document;
use super::font::try_report_font;
use super::layout::{layout_document, Canvas, Colour, Page, TextStyle, BOLD_STROKE, HAIRLINE};

pub use super::layout::layout_pages;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded report font cannot be read: {0}")]
    Font(String),
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// A written report and what it took.
#[derive(Debug, Clone)]
pub struct RenderedPdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters the font lacks, printed as "?" (see [`crate::report::font::sanitize`]).
    pub replaced_chars: usize,
    pub timings: Timings,
}

/// Where the time went: our layout, building printpdf's pages (font added), and saving
/// (which subsets the font and compresses the streams).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub layout: Duration,
    pub build: Duration,
    pub save: Duration,
}

/// What the writer saves with: streams compressed, the font cut to the glyphs used.
const SAVE_OPTIONS: PdfSaveOptions =
    PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };

/// The report as PDF bytes.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    render(doc).map(|r| r.bytes)
}

/// The report as PDF bytes, with its page count, replaced characters and timings.
pub fn render(doc: &Document) -> Result<RenderedPdf, PdfError> {
    let start = Instant::now();
    let laid = layout_document(doc);
    let layout = start.elapsed();
    let pdf = build(doc, &laid.pages)?;
    let build = start.elapsed() - layout;
    let bytes = save(&pdf)?;
    let save = start.elapsed() - layout - build;
    Ok(RenderedPdf {
        bytes,
        pages: laid.pages.len(),
        replaced_chars: laid.replaced_chars,
        timings: Timings { layout, build, save },
    })
}

/// printpdf's document: metadata, the font, and the pages' operations.
fn build(doc: &Document, pages: &[Page]) -> Result<PdfDocument, PdfError> {
    let font = try_report_font().map_err(PdfError::Font)?;
    let mut pdf = PdfDocument::new(&doc.title);
    let now =
        OffsetDateTime::from_unix_timestamp(doc.made_at.timestamp()).map_err(|e| PdfError::Write(e.to_string()))?;
    let info = &mut pdf.metadata.info;
    (info.creation_date, info.modification_date, info.metadata_date) = (now, now, now);
    info.creator = "CareCircle".into();
    info.producer = "CareCircle (printpdf)".into();
    // add_font clones the parsed face; its big tables are shared, so this is cheap.
    let font_id = pdf.add_font(font.parsed());
    let pages: Vec<PdfPage> = pages.iter().map(|page| pdf_page(page, &font_id)).collect();
    pdf.with_pages(pages);
    Ok(pdf)
}

fn save(pdf: &PdfDocument) -> Result<Vec<u8>, PdfError> {
    let mut warnings = Vec::new();
    let bytes = pdf.save(&SAVE_OPTIONS, &mut warnings);
    let errors: Vec<String> =
        warnings.into_iter().filter(|w| w.severity == PdfParseErrorSeverity::Error).map(|w| w.msg).collect();
    if !errors.is_empty() || !bytes.starts_with(b"%PDF") {
        return Err(PdfError::Write(errors.join("; ")));
    }
    Ok(bytes)
}

/// One laid-out page as a printpdf page.
fn pdf_page(page: &Page, font: &FontId) -> PdfPage {
    let mut canvas = PdfCanvas { ops: Vec::new(), height: page.height, font: font.clone() };
    page.replay(&mut canvas);
    PdfPage::new(Mm::from(Pt(page.width)), Mm::from(Pt(page.height)), canvas.ops)
}

/// A [`Canvas`] that emits printpdf operations.
struct PdfCanvas {
    ops: Vec<Op>,
    /// Page height, to flip y.
    height: f32,
    font: FontId,
}

fn colour(c: Colour) -> Color {
    Color::Rgb(Rgb::new(c.r, c.g, c.b, None))
}

impl PdfCanvas {
    fn point(&self, x: f32, y: f32) -> LinePoint {
        LinePoint { p: Point { x: Pt(x), y: Pt(self.height - y) }, bezier: false }
    }

    fn stroke(&mut self, width: f32, c: Colour) {
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        self.ops.push(Op::SetOutlineColor { col: colour(c) });
    }
}

impl Canvas for PdfCanvas {
    fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle) {
        if text.is_empty() {
            return;
        }
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(style.size) });
        self.ops.push(Op::SetFillColor { col: colour(style.colour) });
        if style.bold {
            self.stroke(style.size * BOLD_STROKE, style.colour);
            self.ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke });
        }
        // After BT the text matrix is the identity, so Td positions absolutely.
        self.ops.push(Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(self.height - y) } });
        self.ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
        if style.bold {
            self.ops.push(Op::SetTextRenderingMode { mode: TextRenderingMode::Fill });
        }
        self.ops.push(Op::EndTextSection);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, c: Colour) {
        self.stroke(width, c);
        let points = vec![self.point(x1, y1), self.point(x2, y2)];
        self.ops.push(Op::DrawLine { line: Line { points, is_closed: false } });
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<Colour>, stroke: Option<Colour>) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        if let Some(f) = fill {
            self.ops.push(Op::SetFillColor { col: colour(f) });
        }
        if let Some(s) = stroke {
            self.stroke(HAIRLINE, s);
        }
        // PDF rectangles are anchored at their lower-left corner.
        let rectangle = Rect {
            x: Pt(x),
            y: Pt(self.height - y - h),
            width: Pt(w),
            height: Pt(h),
            mode: Some(mode),
            winding_order: None,
        };
        self.ops.push(Op::DrawRectangle { rectangle });
    }

    fn polyline(&mut self, points: &[(f32, f32)], width: f32, c: Colour) {
        if points.len() < 2 {
            return;
        }
        self.stroke(width, c);
        let points = points.iter().map(|&(x, y)| self.point(x, y)).collect();
        self.ops.push(Op::DrawLine { line: Line { points, is_closed: false } });
    }
}

/// Two made-up but realistic reports, for the `report_sample` example, the tests, and anyone
/// who wants to see the layout without a database: a facility's month (portrait: facts, a
/// 120-row table with groups and totals, a 31-day bar chart, a line chart over 14 living
/// circles, signatures) and the city's month (landscape: a one-line table of 113 facilities in
/// 18 columns). Deterministic: the same documents every time.
pub mod sample {
    use crate::report::document::{
        Align, Block, Cell, Chart, ChartKind, Column, Document, Fact, Paper, Row, RowKind, Series, Table,
    };

    const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "马", "白", "关", "欧阳", "司马", "佟", "郝", "乔"];
    const GIVEN: &[&str] =
        &["建国", "秀英", "桂兰", "德胜", "玉珍", "凤岐", "堃", "喆", "玥", "昇", "犇", "淑珍", "耀宗", "春梅"];
    const MONGOL: &[&str] = &["巴特尔", "额尔敦", "阿拉坦仓", "斯琴巴特尔", "乌力吉", "毕力格图"];
    const CIRCLES: &[&str] = &[
        "海勃湾区千里山镇滨河社区",
        "海勃湾区新华街道",
        "海勃湾区凤凰岭街道",
        "海勃湾区林荫街道",
        "海勃湾区滨河街道",
        "海勃湾区新华西街道",
        "海勃湾区海北街道",
        "乌达区三道坎街道",
        "乌达区梁家沟街道",
        "乌达区巴音赛街道",
        "乌达区苏海图街道",
        "海南区拉僧庙镇",
        "海南区公乌素镇",
        "海南区巴音陶亥镇",
    ];
    const DISTRICTS: &[&str] = &["海勃湾区", "乌达区", "海南区"];

    /// A small deterministic generator (no rand dependency for sample data).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, below: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 33) % below.max(1)
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.next(from.len() as u64) as usize]
        }
    }

    fn column(label: &str, weight: f32, align: Align) -> Column {
        Column { label: label.into(), weight, align }
    }

    fn fact(label: &str, value: Cell) -> Fact {
        Fact { label: label.into(), value }
    }

    fn person(rng: &mut Lcg) -> String {
        if rng.next(6) == 0 {
            let first = rng.pick(MONGOL);
            if rng.next(2) == 0 {
                format!("{first}·{}", rng.pick(MONGOL))
            } else {
                first.to_string()
            }
        } else {
            format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
        }
    }

    /// The samples' creation instant: 2026-11-01 08:30 in Wuhai.
    pub fn sample_made_at() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_761_957_000, 0).expect("a valid instant")
    }

    /// A facility's month, portrait; `residents` rows in the table (the full sample has 120).
    pub fn facility_month(residents: usize) -> Document {
        let mut rng = Lcg(202_610);
        Document {
            title: "海勃湾区滨河养老服务中心 2026年10月 月报".into(),
            paper: Paper::Portrait,
            header_left: "海勃湾区滨河养老服务中心".into(),
            header_right: "2026年10月".into(),
            page_label: "第 {page} 页 / 共 {pages} 页".into(),
            generated: "生成于 2026-11-01 08:30 · 制表人：张堃 · 数据截至 10月31日 24:00".into(),
            made_at: sample_made_at(),
            blocks: vec![
                Block::Facts(vec![
                    fact("服务对象", Cell::Int(312)),
                    fact("本月新增", Cell::Int(17)),
                    fact("服务人次", Cell::Int(4268)),
                    fact("助餐人次", Cell::Int(2931)),
                    fact("收入（元）", Cell::Fen(12_345_678)),
                    fact("满意度", Cell::Share(Some(0.968))),
                    fact("平均年龄", Cell::Decimal(78.4, 1)),
                    fact("高龄（80岁及以上）占比", Cell::Share(Some(0.412))),
                    fact("护理员", Cell::Int(23)),
                ]),
                Block::Heading("一、本月概况".into()),
                Block::Paragraph(
                    "本月共为 312 名服务对象提供服务 4268 人次，较上月增长 6.2%。其中助餐 2931 人次、助浴 412 人次、\
                     上门巡诊 187 人次；新接收服务对象 17 名（含蒙古族 3 名），离院 5 名。满意度调查回收问卷 286 份，\
                     满意度 96.8%，体温异常（≥37.3℃）记录 4 次，均已按流程处置。"
                        .into(),
                ),
                Block::Heading("二、服务对象明细".into()),
                Block::Table(resident_table(&mut rng, residents)),
                Block::Heading("三、每日服务人次".into()),
                Block::Chart(daily_chart(&mut rng)),
                Block::Heading("四、各生活圈入住率".into()),
                Block::Chart(circle_chart(&mut rng)),
                Block::Paragraph("注：入住率 = 月末在住人数 ÷ 核定床位数；费用为本月实收金额，单位为元。".into()),
                Block::Signatures(vec!["制表人".into(), "负责人".into(), "日期".into()]),
            ],
        }
    }

    fn resident_table(rng: &mut Lcg, residents: usize) -> Table {
        let mut rows = Vec::new();
        let groups = 4;
        let (mut all_visits, mut all_fen) = (0, 0);
        for g in 0..groups {
            rows.push(Row { kind: RowKind::Group, cells: vec![Cell::Empty, CIRCLES[g * 3].into()] });
            let (mut visits, mut fen) = (0, 0);
            for i in (g * residents / groups)..((g + 1) * residents / groups) {
                let v = 5 + rng.next(40) as i64;
                let f = v * (1500 + rng.next(3000) as i64);
                let note =
                    if i % 17 == 3 { "失能，需每日上门巡诊并记录血压、血糖与体温" } else { "" };
                rows.push(Row {
                    kind: RowKind::Normal,
                    cells: vec![
                        Cell::Int(i as i64 + 1),
                        person(rng).into(),
                        (if rng.next(2) == 0 { "男" } else { "女" }).into(),
                        Cell::Int(60 + rng.next(38) as i64),
                        CIRCLES[g * 3 + rng.next(3) as usize].into(),
                        ["自理", "半失能", "失能"][rng.next(3) as usize].into(),
                        Cell::Int(v),
                        Cell::Fen(f),
                        note.into(),
                    ],
                });
                visits += v;
                fen += f;
            }
            rows.push(Row {
                kind: RowKind::Total,
                cells: vec![
                    Cell::Empty,
                    "小计".into(),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Empty,
                    Cell::Int(visits),
                    Cell::Fen(fen),
                ],
            });
            all_visits += visits;
            all_fen += fen;
        }
        rows.push(Row {
            kind: RowKind::Total,
            cells: vec![
                Cell::Empty,
                "合计".into(),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Int(all_visits),
                Cell::Fen(all_fen),
            ],
        });
        Table {
            sheet: "服务对象".into(),
            columns: vec![
                column("序号", 0.5, Align::Right),
                column("姓名", 1.3, Align::Left),
                column("性别", 0.5, Align::Center),
                column("年龄", 0.5, Align::Right),
                column("所属社区", 1.9, Align::Left),
                column("护理等级", 0.8, Align::Center),
                column("服务人次", 0.75, Align::Right),
                column("费用（元）", 1.0, Align::Right),
                column("备注", 1.6, Align::Left),
            ],
            rows,
            one_line: false,
        }
    }

    fn daily_chart(rng: &mut Lcg) -> Chart {
        let meals = (0..31).map(|d| (80 + rng.next(25) + if d % 7 == 5 { 0 } else { 10 }) as f64).collect();
        let baths = (0..31).map(|_| (5 + rng.next(20)) as f64).collect();
        Chart {
            kind: ChartKind::Bar,
            title: "每日服务人次（10月1日—31日）".into(),
            labels: (1..=31).map(|d| d.to_string()).collect(),
            series: vec![Series { name: "助餐".into(), values: meals }, Series { name: "助浴".into(), values: baths }],
            unit: "人次".into(),
        }
    }

    fn circle_chart(rng: &mut Lcg) -> Chart {
        let this: Vec<f64> = (0..14).map(|_| 55.0 + rng.next(400) as f64 / 10.0).collect();
        let last = this.iter().map(|v| v - 8.0 + rng.next(100) as f64 / 10.0).collect();
        Chart {
            kind: ChartKind::Line,
            title: "各生活圈入住率".into(),
            labels: CIRCLES.iter().map(|c| c.to_string()).collect(),
            series: vec![Series { name: "本月".into(), values: this }, Series { name: "上月".into(), values: last }],
            unit: "%".into(),
        }
    }

    /// The city's month, landscape: one line per facility, 113 facilities in 18 columns.
    pub fn city_month(facilities: usize) -> Document {
        let mut rng = Lcg(0x5eed);
        Document {
            title: "乌海市 2026年10月 养老与托育服务月报（全市汇总）".into(),
            paper: Paper::Landscape,
            header_left: "乌海市民政局 · 养老与托育服务".into(),
            header_right: "2026年10月".into(),
            page_label: "第 {page} 页 / 共 {pages} 页".into(),
            generated: "生成于 2026-11-02 09:00 · 全市 3 个区、113 家机构".into(),
            made_at: sample_made_at(),
            blocks: vec![
                Block::Facts(vec![
                    fact("机构数", Cell::Int(facilities as i64)),
                    fact("核定床位", Cell::Int(8_640)),
                    fact("在住人数", Cell::Int(6_912)),
                    fact("入住率", Cell::Share(Some(0.8))),
                    fact("服务人次", Cell::Int(152_318)),
                    fact("收入（元）", Cell::Fen(4_321_987_654)),
                    fact("投诉件数", Cell::Int(12)),
                    fact("满意度", Cell::Share(Some(0.957))),
                ]),
                Block::Heading("各机构本月情况".into()),
                Block::Table(facility_table(&mut rng, facilities)),
                Block::Signatures(vec!["制表人".into(), "审核人".into(), "负责人".into(), "日期".into()]),
            ],
        }
    }

    fn facility_table(rng: &mut Lcg, facilities: usize) -> Table {
        let kinds = ["养老院", "日间照料中心", "托育园", "社区服务站"];
        let mut rows = Vec::new();
        let mut n = 0;
        for (d, district) in DISTRICTS.iter().enumerate() {
            rows.push(Row { kind: RowKind::Group, cells: vec![Cell::Empty, district.to_string().into()] });
            let count = facilities / DISTRICTS.len() + usize::from(d < facilities % DISTRICTS.len());
            let mut beds_total = 0;
            for _ in 0..count {
                n += 1;
                let beds = 20 + rng.next(280) as i64;
                let living = beds * (50 + rng.next(50) as i64) / 100;
                let income = living * (150_000 + rng.next(300_000) as i64);
                let spend = income * (70 + rng.next(40) as i64) / 100;
                let circle = CIRCLES[rng.next(CIRCLES.len() as u64) as usize];
                let kind = kinds[rng.next(kinds.len() as u64) as usize];
                let name = if n % 9 == 0 {
                    "乌海市海勃湾区千里山镇滨河社区老年人日间照料中心(第二分站)".to_string()
                } else {
                    format!("{circle}{kind}")
                };
                rows.push(Row {
                    kind: RowKind::Normal,
                    cells: vec![
                        Cell::Int(n as i64),
                        name.into(),
                        (*district).into(),
                        kind.into(),
                        Cell::Int(beds),
                        Cell::Int(living),
                        Cell::Share(Some(living as f64 / beds as f64)),
                        Cell::Int(rng.next(12) as i64),
                        Cell::Int(rng.next(6) as i64),
                        Cell::Int(living * (20 + rng.next(20) as i64)),
                        Cell::Int(living * (10 + rng.next(20) as i64)),
                        Cell::Int(rng.next(200) as i64),
                        Cell::Int(rng.next(40) as i64),
                        Cell::Int(rng.next(3) as i64),
                        Cell::Share(Some(0.85 + rng.next(150) as f64 / 1000.0)),
                        Cell::Fen(income),
                        Cell::Fen(spend),
                        Cell::Fen(income - spend),
                    ],
                });
                beds_total += beds;
            }
            let mut subtotal = vec![Cell::Empty, "小计".into(), Cell::Empty, Cell::Empty, Cell::Int(beds_total)];
            subtotal.resize(18, Cell::Empty);
            rows.push(Row { kind: RowKind::Total, cells: subtotal });
        }
        Table {
            sheet: "机构".into(),
            columns: vec![
                column("序号", 0.45, Align::Right),
                column("机构名称", 3.2, Align::Left),
                column("所属区", 0.8, Align::Left),
                column("类型", 1.1, Align::Left),
                column("床位数", 0.6, Align::Right),
                column("在住人数", 0.6, Align::Right),
                column("入住率", 0.65, Align::Right),
                column("本月新增", 0.55, Align::Right),
                column("本月离院", 0.55, Align::Right),
                column("服务人次", 0.75, Align::Right),
                column("助餐人次", 0.75, Align::Right),
                column("助浴人次", 0.6, Align::Right),
                column("医疗巡诊", 0.6, Align::Right),
                column("投诉", 0.45, Align::Right),
                column("满意度", 0.65, Align::Right),
                column("收入（元）", 1.15, Align::Right),
                column("支出（元）", 1.15, Align::Right),
                column("结余（元）", 1.1, Align::Right),
            ],
            rows,
            one_line: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::document::{Block, Paper};
    use crate::report::layout::DrawOp;

    /// The BaseFont and FontName entries of the written document, read with lopdf (printpdf's
    /// own dependency: its document is inspected in place, so we need not depend on lopdf).
    fn font_names_and_program(doc: &Document) -> (Vec<String>, usize) {
        let laid = layout_document(doc);
        let pdf = build(doc, &laid.pages).unwrap();
        let lo = pdf.to_lopdf_document(&SAVE_OPTIONS, &mut Vec::new());
        let mut names = Vec::new();
        let mut program = 0;
        for object in lo.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            for key in [b"BaseFont".as_slice(), b"FontName".as_slice()] {
                if let Ok(name) = dict.get(key).and_then(|n| n.as_name()) {
                    names.push(String::from_utf8_lossy(name).into_owned());
                }
            }
            if let Ok(id) = dict.get(b"FontFile2").and_then(|r| r.as_reference()) {
                program = lo.get_object(id).and_then(|s| s.as_stream()).map_or(0, |s| s.content.len());
            }
        }
        (names, program)
    }

    fn has_subset_tag(name: &str) -> bool {
        let bytes = name.as_bytes();
        bytes.len() > 7 && bytes[..6].iter().all(u8::is_ascii_uppercase) && bytes[6] == b'+'
    }

    #[test]
    fn the_font_is_embedded_as_a_subset() {
        let doc = sample::facility_month(30);
        let (names, program) = font_names_and_program(&doc);
        let noto: Vec<&String> = names.iter().filter(|n| n.contains("NotoSansSC")).collect();
        assert!(noto.len() >= 2, "font names: {names:?}");
        assert!(noto.iter().all(|n| has_subset_tag(n)), "no ABCDEF+ subset tag: {names:?}");
        assert!(program > 10_000 && program < 600_000, "embedded font program is {program} bytes");
    }

    /// The saved bytes, checked from outside with poppler's pdffonts: embedded, subset, CID
    /// TrueType. poppler-utils is installed by `scripts/setup.sh --test`.
    #[test]
    fn pdffonts_sees_one_embedded_subset_font() {
        let bytes = render_pdf(&sample::facility_month(30)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.pdf");
        std::fs::write(&path, &bytes).unwrap();
        let out = std::process::Command::new("pdffonts")
            .arg(&path)
            .output()
            .expect("pdffonts (poppler-utils) must be installed: scripts/setup.sh --test installs it");
        assert!(out.status.success(), "pdffonts failed: {}", String::from_utf8_lossy(&out.stderr));
        let listing = String::from_utf8_lossy(&out.stdout);
        let fonts: Vec<&str> = listing.lines().skip(2).collect();
        assert_eq!(fonts.len(), 1, "{listing}");
        let cols: Vec<&str> = fonts[0].split_whitespace().collect();
        assert!(has_subset_tag(cols[0]) && cols[0].ends_with("+NotoSansSC-Regular"), "{listing}");
        assert!(fonts[0].contains("CID TrueType"), "{listing}");
        // emb, sub, uni: yes yes yes.
        assert!(fonts[0].contains("yes yes yes"), "{listing}");
    }

    #[test]
    fn a_three_page_report_is_small() {
        let rows = (20..200).step_by(5).find(|n| layout_pages(&sample::facility_month(*n)).len() == 3).unwrap();
        let doc = sample::facility_month(rows);
        let rendered = render(&doc).unwrap();
        assert!(rendered.bytes.starts_with(b"%PDF-"));
        assert_eq!(rendered.pages, 3);
        assert!(rendered.bytes.len() < 200 * 1024, "3 pages are {} bytes", rendered.bytes.len());
        assert_eq!(rendered.replaced_chars, 0);
    }

    #[test]
    fn the_full_samples_render() {
        let facility = render(&sample::facility_month(120)).unwrap();
        assert!(facility.pages >= 5, "{} pages", facility.pages);
        let city = render(&sample::city_month(113)).unwrap();
        assert!(city.bytes.len() < 1024 * 1024, "city report is {} bytes", city.bytes.len());
        assert_eq!(city.replaced_chars, 0);
    }

    #[test]
    fn characters_the_font_lacks_print_as_counted_question_marks() {
        let mut doc = sample::facility_month(3);
        doc.paper = Paper::Landscape;
        doc.blocks.insert(0, Block::Paragraph("刘\u{20000}与 🙂 SpO₂".into()));
        let rendered = render(&doc).unwrap();
        assert_eq!(rendered.replaced_chars, 3);
        let pages = layout_pages(&doc);
        assert!(pages[0].texts().any(|t| t == "刘?与 ? SpO2"), "{:?}", pages[0].texts().collect::<Vec<_>>());
    }

    #[test]
    fn the_canvas_flips_to_pdf_coordinates() {
        let font = try_report_font().unwrap();
        let mut pdf = PdfDocument::new("t");
        let id = pdf.add_font(font.parsed());
        let page = Page {
            width: 200.0,
            height: 100.0,
            ops: vec![DrawOp::Rect { x: 10.0, y: 20.0, w: 30.0, h: 40.0, fill: Some(Colour::grey(0.5)), stroke: None }],
        };
        let pdf_page = pdf_page(&page, &id);
        let rect = pdf_page.ops.iter().find_map(|op| match op {
            Op::DrawRectangle { rectangle } => {
                Some((rectangle.x.0, rectangle.y.0, rectangle.width.0, rectangle.height.0))
            }
            _ => None,
        });
        assert_eq!(rect, Some((10.0, 40.0, 30.0, 40.0)));
    }
}
