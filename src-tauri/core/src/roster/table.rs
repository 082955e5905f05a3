//! Reads a roster file into a header row and text cells: .xlsx (calamine) and .csv in
//! UTF-8 or GBK/GB18030 (encoding_rs, csv), which is what Excel and WPS save on a Chinese
//! Windows PC. Every cell becomes text; a cell that was a number is marked, because
//! Excel keeps only 15 digits of a number and an 18-digit ID number typed into a number
//! cell has already lost its last digits.
//!
//! A file is distrusted until read. It must be what its name says (an .xlsx is a zip
//! archive, an .xls an OLE file, a .csv text). An .xlsx's archive is checked before calamine
//! opens it: at most [`MAX_ZIP_ENTRIES`] entries, and every entry really decompressed (into
//! nothing, counting) to at most [`MAX_UNZIPPED_BYTES`] in all — a zip bomb's declared
//! sizes lie. Its cells are then read one by one as stored, never as the rectangle the
//! sheet's `dimension` (or its farthest cell) claims: a cell at XFD1048576 would make that
//! rectangle 17 billion cells. Columns beyond [`MAX_COLUMNS`] are refused, and the
//! [`MAX_ROWS`] limit counts the rows that hold something.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{Data, Reader};

use crate::error::{CoreError, Invalid, Result};

/// Files larger than this are refused before parsing (a roster of 50,000 rows is ~5 MB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Rows beyond this are refused: one import is one facility's or district's roster.
pub const MAX_ROWS: usize = 50_000;
/// A roster has about twenty columns; a cell further right than this is refused.
pub const MAX_COLUMNS: usize = 200;
/// Entries in an .xlsx archive (a workbook has a dozen or two).
pub const MAX_ZIP_ENTRIES: usize = 2_000;
/// What an .xlsx may decompress to in all (50,000 rows of twenty columns are ~60 MB).
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    /// The spreadsheet stored a number here, not text.
    pub numeric: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// (row number as the spreadsheet shows it, cells)
    pub rows: Vec<(usize, Vec<Cell>)>,
}

fn unreadable(detail: impl ToString) -> CoreError {
    Invalid::new("import.unreadable", "file").with("detail", detail.to_string()).into()
}

/// A header as typed, without the `*` that marks required columns and spaces.
fn header_name(raw: &str) -> String {
    raw.trim().trim_end_matches(['*', '＊']).trim().to_string()
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::default(),
        Data::String(s) => Cell { text: s.trim().to_string(), numeric: false },
        Data::Int(i) => Cell { text: i.to_string(), numeric: true },
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e17 => Cell { text: format!("{}", *f as i64), numeric: true },
        Data::Float(f) => Cell { text: f.to_string(), numeric: true },
        Data::Bool(b) => Cell { text: if *b { "是" } else { "否" }.to_string(), numeric: false },
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Cell { text: format!("{y:04}-{m:02}-{d:02}"), numeric: false }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell { text: s.split('T').next().unwrap_or(s).to_string(), numeric: false }
        }
        Data::Error(e) => Cell { text: format!("#{e:?}"), numeric: false },
    }
}

/// The legacy .xls format: calamine reads its sheet as one rectangle, at most 65,536 rows
/// by 256 columns by the format's own limits.
fn read_xls(bytes: &[u8]) -> Result<Table> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| CoreError::from(Invalid::new("import.empty", "file")))?
        .map_err(unreadable)?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = Rows::default();
    for (i, cells) in range.rows().enumerate() {
        for (column, value) in cells.iter().enumerate() {
            rows.push(first_row + i, column, cell_of(value))?;
        }
    }
    rows.finish()
}

/// An .xlsx, its cells read one at a time as stored.
fn read_xlsx(bytes: &[u8]) -> Result<Table> {
    check_archive(bytes)?;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let first =
        book.sheet_names().first().cloned().ok_or_else(|| CoreError::from(Invalid::new("import.empty", "file")))?;
    let mut reader = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut rows = Rows::default();
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let (row, column) = cell.get_position();
        rows.push(row as usize, column as usize, cell_of(&Data::from(cell.get_value().clone())))?;
    }
    rows.finish()
}

/// The archive of an .xlsx: few enough entries, each decompressing (really, not as its
/// header claims) to a total within bounds. Reading into a sink allocates nothing.
fn check_archive(bytes: &[u8]) -> Result<()> {
    // It starts as a zip archive does; one that does not read on is damaged.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(unreadable(format!("{} entries", zip.len())));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(unreadable)?;
        let allowed = MAX_UNZIPPED_BYTES - total;
        let read = std::io::copy(&mut entry.take(allowed + 1), &mut std::io::sink()).map_err(unreadable)?;
        total += read;
        if total > MAX_UNZIPPED_BYTES {
            return Err(Invalid::new("import.unzips_too_large", "file")
                .with("max_mb", MAX_UNZIPPED_BYTES / 1024 / 1024)
                .into());
        }
    }
    Ok(())
}

/// Rows gathered from cells in any order: only rows and cells that hold something are
/// kept, and the limits are checked as each cell comes, so a sheet that keeps going is
/// refused before it fills the memory.
#[derive(Default)]
struct Rows {
    rows: BTreeMap<usize, Vec<Cell>>,
}

impl Rows {
    fn push(&mut self, row: usize, column: usize, cell: Cell) -> Result<()> {
        if cell.text.is_empty() {
            return Ok(());
        }
        if column >= MAX_COLUMNS {
            return Err(Invalid::new("import.too_many_columns", "file").with("max", MAX_COLUMNS).into());
        }
        let cells = self.rows.entry(row).or_default();
        if cells.len() <= column {
            cells.resize(column + 1, Cell::default());
        }
        cells[column] = cell;
        // The header row, then at most MAX_ROWS rows of people.
        if self.rows.len() > MAX_ROWS + 1 {
            return Err(Invalid::new("import.too_many_rows", "file").with("max", MAX_ROWS).into());
        }
        Ok(())
    }

    /// The first row that holds something is the header; row numbers as Excel shows them.
    fn finish(self) -> Result<Table> {
        let mut rows = self.rows.into_iter();
        let headers = match rows.next() {
            Some((_, cells)) => cells.iter().map(|c| header_name(&c.text)).collect(),
            None => return Err(Invalid::new("import.empty", "file").into()),
        };
        Ok(Table { headers, rows: rows.map(|(row, cells)| (row + 1, cells)).collect() })
    }
}

/// The kinds of roster file, by name and by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Excel 2007 and later: a zip archive.
    Xlsx,
    /// Excel 97–2003: an OLE compound file.
    Xls,
    /// CSV, UTF-8 or GBK.
    Text,
}

impl Format {
    /// What the file's name says it is.
    fn of_name(lower_name: &str) -> Option<Format> {
        match lower_name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("xlsx" | "xlsm") => Some(Format::Xlsx),
            Some("xls") => Some(Format::Xls),
            Some("csv" | "txt") => Some(Format::Text),
            _ => None,
        }
    }

    /// What the first bytes say it is; `None` for anything else (an image, a PDF, a
    /// program: text in UTF-8 or GBK has no NUL byte, they do).
    fn of_content(bytes: &[u8]) -> Option<Format> {
        const ZIP: &[u8] = b"PK\x03\x04";
        const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        if bytes.starts_with(ZIP) {
            Some(Format::Xlsx)
        } else if bytes.starts_with(OLE) {
            Some(Format::Xls)
        } else if bytes.iter().take(8192).any(|b| *b == 0) {
            None
        } else {
            Some(Format::Text)
        }
    }

    /// The name the refusal gives it.
    fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Text => "csv",
        }
    }
}

/// UTF-8 (with or without a BOM) when the bytes are valid UTF-8; otherwise GB18030,
/// the superset of GBK that Chinese Windows writes.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Table> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(r) => r.map_err(unreadable)?.iter().map(header_name).collect(),
        None => return Err(Invalid::new("import.empty", "file").into()),
    };
    let mut table = Table { headers, rows: Vec::new() };
    for (i, record) in records.enumerate() {
        let record = record.map_err(unreadable)?;
        let cells: Vec<Cell> = record.iter().map(|t| Cell { text: t.trim().to_string(), numeric: false }).collect();
        if cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        if table.rows.len() == MAX_ROWS {
            return Err(Invalid::new("import.too_many_rows", "file").with("max", MAX_ROWS).into());
        }
        table.rows.push((i + 2, cells));
    }
    Ok(table)
}

/// Reads a roster by its file name's extension.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Table> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Invalid::new("import.file_too_large", "file").with("max_mb", MAX_FILE_BYTES / 1024 / 1024).into());
    }
    let format = Format::of_name(&file_name.to_lowercase())
        .ok_or_else(|| CoreError::from(Invalid::new("import.format_unknown", "file").with("name", file_name)))?;
    if Format::of_content(bytes) != Some(format) {
        return Err(Invalid::new("import.not_what_it_says", "file").with("kind", format.label()).into());
    }
    let table = match format {
        Format::Xlsx => read_xlsx(bytes)?,
        Format::Xls => read_xls(bytes)?,
        Format::Text => read_csv(bytes)?,
    };
    if table.rows.is_empty() {
        return Err(Invalid::new("import.empty", "file").into());
    }
    Ok(table)
}

impl Table {
    /// Where each named column is; `None` for a column the file does not have.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_is_decoded_and_utf8_with_bom_too() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名*,民族\n张桂兰,汉族\n");
        let t = read("名单.csv", &gbk).unwrap();
        assert_eq!(t.headers, ["姓名", "民族"]);
        assert_eq!(t.rows[0].1[0].text, "张桂兰");
        assert_eq!(t.rows[0].0, 2, "the first data row is row 2, as Excel shows it");
        let utf8 = "\u{feff}姓名,民族\n\n巴特尔,蒙古族\n".as_bytes();
        let t = read("x.CSV", utf8).unwrap();
        assert_eq!(t.rows.len(), 1, "blank rows are skipped");
        assert_eq!(t.rows[0].1[1].text, "蒙古族");
    }

    #[test]
    fn unknown_formats_empty_and_huge_files_are_refused() {
        assert_eq!(code(read("a.pdf", b"x")), "import.format_unknown");
        assert_eq!(code(read("a.csv", b"name\n")), "import.empty");
        assert_eq!(code(read("a.csv", &vec![b'a'; MAX_FILE_BYTES + 1])), "import.file_too_large");
        assert_eq!(code(read("a.xlsx", b"not a zip")), "import.not_what_it_says");
    }

    fn code(r: Result<Table>) -> &'static str {
        match r {
            Err(CoreError::Invalid(v)) => v.code,
            other => panic!("expected a refusal, got {:?}", other.map(|t| t.rows.len())),
        }
    }

    /// A workbook with a header and the given cells, as Excel would save it.
    fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "姓名").unwrap();
        sheet.write_string(0, 1, "民族").unwrap();
        for (row, column, text) in cells {
            sheet.write_string(*row, *column, *text).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    /// The archive with one entry's text replaced (a crafted file).
    pub(super) fn rewritten(xlsx: &[u8], entry: &str, change: impl Fn(String) -> String) -> Vec<u8> {
        let mut source = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..source.len() {
            let mut file = source.by_index(i).unwrap();
            let name = file.name().unwrap().to_string();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            let text = if name == entry { change(text) } else { text };
            out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut out, text.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_cell_at_the_sheet_s_far_corner_is_refused_before_anything_large_is_allocated() {
        // A1 and XFD1048576: read as a rectangle, 17 billion cells.
        let far = workbook(&[(1, 0, "张桂兰"), (1_048_575, 16_383, "x")]);
        assert_eq!(code(read("名单.xlsx", &far)), "import.too_many_columns");
        // A far row in the first columns costs nothing: only rows holding something count.
        let low = workbook(&[(1, 0, "张桂兰"), (1_048_575, 0, "巴特尔")]);
        let t = read("名单.xlsx", &low).unwrap();
        assert_eq!(t.rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 1_048_576]);
    }

    #[test]
    fn a_dimension_that_claims_the_whole_sheet_is_not_believed() {
        let honest = workbook(&[(1, 0, "张桂兰"), (2, 0, "巴特尔")]);
        let lying = rewritten(&honest, "xl/worksheets/sheet1.xml", |xml| {
            let at = xml.find("<dimension ref=\"").expect("a dimension");
            let end = at + xml[at..].find("/>").unwrap() + 2;
            format!("{}<dimension ref=\"A1:XFD1048576\"/>{}", &xml[..at], &xml[end..])
        });
        let t = read("名单.xlsx", &lying).unwrap();
        assert_eq!((t.headers.len(), t.rows.len()), (2, 2));
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_unpacks_to() {
        // 300 MB of spaces compress to a few hundred KB; the entry's header may say anything.
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        out.start_file("xl/worksheets/sheet1.xml", deflated).unwrap();
        let chunk = vec![b' '; 1024 * 1024];
        for _ in 0..(MAX_UNZIPPED_BYTES / chunk.len() as u64 + 16) {
            std::io::Write::write_all(&mut out, &chunk).unwrap();
        }
        let bomb = out.finish().unwrap().into_inner();
        assert!(bomb.len() < MAX_FILE_BYTES, "small on disk: {} bytes", bomb.len());
        assert_eq!(code(read("名单.xlsx", &bomb)), "import.unzips_too_large");
    }

    #[test]
    fn a_file_that_is_not_what_its_extension_says_is_refused() {
        let xlsx = workbook(&[(1, 0, "张桂兰")]);
        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n\x00\x00".to_vec();
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        assert_eq!(code(read("名单.xlsx", &pdf)), "import.not_what_it_says");
        assert_eq!(code(read("名单.xls", &xlsx)), "import.not_what_it_says");
        assert_eq!(code(read("名单.csv", &png)), "import.not_what_it_says");
        assert_eq!(code(read("名单.csv", &xlsx)), "import.not_what_it_says");
        assert_eq!(code(read("名单.xlsx", "姓名,民族\n张桂兰,汉族\n".as_bytes())), "import.not_what_it_says");
        assert_eq!(read("名单.xlsx", &xlsx).unwrap().rows.len(), 1);
    }

    #[test]
    fn the_row_limit_counts_the_rows_read() {
        let mut csv = String::from("姓名,民族\n");
        for i in 0..=MAX_ROWS {
            csv.push_str(&format!("人{i},汉族\n"));
        }
        assert_eq!(code(read("名单.csv", csv.as_bytes())), "import.too_many_rows");
        let many: Vec<(u32, u16, String)> = (1..=MAX_ROWS as u32 + 1).map(|r| (r, 0, format!("人{r}"))).collect();
        let cells: Vec<(u32, u16, &str)> = many.iter().map(|(r, c, t)| (*r, *c, t.as_str())).collect();
        assert_eq!(code(read("名单.xlsx", &workbook(&cells))), "import.too_many_rows");
        let limit: Vec<(u32, u16, &str)> = cells[..MAX_ROWS].to_vec();
        assert_eq!(read("名单.xlsx", &workbook(&limit)).unwrap().rows.len(), MAX_ROWS);
    }
}

/// Property tests: whatever the bytes and whatever the name, a roster reads as a table or
/// is refused with a reason; it never panics and never reads more than the limits.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn template() -> Vec<u8> {
        crate::roster::template(crate::roster::RosterKind::Clients).expect("the clients template")
    }

    fn within_limits(read: Result<Table>) -> std::result::Result<(), TestCaseError> {
        if let Ok(t) = read {
            prop_assert!(t.rows.len() <= MAX_ROWS && t.headers.len() <= MAX_COLUMNS);
            prop_assert!(t.rows.iter().all(|(_, cells)| cells.len() <= MAX_COLUMNS));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_under_any_roster_name_are_answered_without_a_panic(
            bytes in prop::collection::vec(any::<u8>(), 0..4096),
            name in prop::sample::select(vec!["名单.csv", "名单.txt", "名单.xlsx", "名单.xls", "名单.XLSM", "名单.doc"]),
        ) {
            within_limits(read(name, &bytes))?;
        }

        #[test]
        fn any_text_as_csv_is_answered_without_a_panic(text in any::<String>()) {
            within_limits(read("名单.csv", text.as_bytes()))?;
        }

        #[test]
        fn a_workbook_with_bytes_changed_is_answered_without_a_panic(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12)
        ) {
            let mut bytes = template();
            for (at, value) in changes {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            within_limits(read("名单.xlsx", &bytes))?;
        }

        #[test]
        fn a_sheet_with_cells_anywhere_and_of_any_kind_is_answered_without_a_panic(
            cells in prop::collection::vec((
                prop_oneof!["[A-Z]{1,3}[0-9]{1,7}", Just("XFD1048576".to_string()), Just("A0".to_string()), "[a-z0-9]{0,4}"],
                prop::sample::select(vec!["s", "n", "b", "str", "e", "inlineStr", "d", "zz"]),
                prop_oneof!["[0-9]{1,4}", "-?[0-9]{1,20}(\\.[0-9]{0,6})?", "[^<>&]{0,12}", Just("1e308".to_string())],
            ), 0..24)
        ) {
            let body: String = cells
                .iter()
                .map(|(at, kind, value)| match *kind {
                    "inlineStr" => format!(r#"<row><c r="{at}" t="inlineStr"><is><t>{value}</t></is></c></row>"#),
                    kind => format!(r#"<row><c r="{at}" t="{kind}"><v>{value}</v></c></row>"#),
                })
                .collect();
            let sheet = format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>"#
            );
            let bytes = super::tests::rewritten(&template(), "xl/worksheets/sheet1.xml", |_| sheet.clone());
            within_limits(read("名单.xlsx", &bytes))?;
        }

        #[test]
        fn a_workbook_cut_short_is_answered_without_a_panic(keep in any::<prop::sample::Index>()) {
            let bytes = template();
            let cut = keep.index(bytes.len());
            within_limits(read("名单.xlsx", &bytes[..cut]))?;
        }
    }
}
