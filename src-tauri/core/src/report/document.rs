//! A report as a list of blocks: headings, facts, tables and charts, with the page header
//! and footer texts. The figures module fills it in the reader's language; the PDF and the
//! Excel writers each render it, so both show the same tables.

/// The paper a document is set on: A4 (the facility report portrait, the city's wide table
/// landscape), A5 landscape (a receipt, a statement), or a receipt printer's 80 mm roll, as
/// long as its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    Portrait,
    Landscape,
    A5,
    Roll80,
}

#[derive(Debug, Clone)]
pub struct Document {
    /// The document's title, also the PDF's title metadata, e.g. "海勃湾区滨河养老服务中心 2026年10月 月报".
    pub title: String,
    pub paper: Paper,
    /// Running header on every page: left (facility or city) and right (the month).
    pub header_left: String,
    pub header_right: String,
    /// Footer template with `{page}` and `{pages}`, e.g. "第 {page} 页 / 共 {pages} 页".
    pub page_label: String,
    /// A line under the title: when and by whom it was produced.
    pub generated: String,
    /// When it was made (the PDF's creation date).
    pub made_at: chrono::DateTime<chrono::Utc>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// A section heading; never left alone at the foot of a page.
    Heading(String),
    /// A sentence or two (wrapped to the page width).
    Paragraph(String),
    /// Label–value pairs laid out in a grid, e.g. "服务对象 312".
    Facts(Vec<Fact>),
    Table(Table),
    Chart(Chart),
    /// Lines to sign on, one per label (e.g. 制表人, 负责人, 日期).
    Signatures(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: Cell,
}

/// One value of a table or a fact. Numbers stay numbers so Excel can add them up.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// Money in fen, shown in yuan with two decimals.
    Fen(i64),
    /// A share in 0..=1, shown as a percentage with one decimal; None when there is no base.
    Share(Option<f64>),
    /// A decimal with the given number of places (e.g. average BMI).
    Decimal(f64, u8),
    Empty,
}

impl Cell {
    /// The text a reader sees (PDF and screen); Excel writes the number itself.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Fen(f) => format_yuan(*f),
            Cell::Share(Some(s)) => format!("{:.1}%", s * 100.0),
            Cell::Share(None) => "—".to_string(),
            Cell::Decimal(v, places) => format!("{:.*}", *places as usize, v),
            Cell::Empty => String::new(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        !matches!(self, Cell::Text(_) | Cell::Empty)
    }
}

/// 12345 fen → "123.45"; negative amounts keep their sign.
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    /// Relative width: the columns share the page width in proportion.
    pub weight: f32,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Normal,
    /// A group's heading row (a district or a living circle), set in bold-ish shading.
    Group,
    /// A subtotal or total row.
    Total,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub kind: RowKind,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Sheet name in the Excel file (≤ 31 characters, no []:*?/\).
    pub sheet: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Keep each row on one line, shrinking the text to fit (the city's one-line rows);
    /// otherwise long text wraps inside its cell.
    pub one_line: bool,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Bar,
    Line,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub kind: ChartKind,
    pub title: String,
    /// One label per category (day of month, living circle…); long labels may be thinned.
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// The value axis' unit, e.g. "人次" or "%".
    pub unit: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_display_as_the_reader_expects() {
        assert_eq!(Cell::Fen(123456).display(), "1234.56");
        assert_eq!(Cell::Fen(5).display(), "0.05");
        assert_eq!(Cell::Fen(-250).display(), "-2.50");
        assert_eq!(Cell::Share(Some(0.1234)).display(), "12.3%");
        assert_eq!(Cell::Share(None).display(), "—");
        assert_eq!(Cell::Decimal(21.456, 1).display(), "21.5");
        assert!(Cell::Int(0).is_numeric() && !Cell::Text("0".into()).is_numeric());
    }
}
