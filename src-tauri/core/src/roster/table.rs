//! Reads a roster file into a header row and text cells: .xlsx (calamine) and .csv in
//! UTF-8 or GBK/GB18030 (encoding_rs, csv), which is what Excel and WPS save on a Chinese
//! Windows PC. Every cell becomes text; a cell that was a number is marked, because
//! Excel keeps only 15 digits of a number and an 18-digit ID number typed into a number
//! cell has already lost its last digits.

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::error::{CoreError, Invalid, Result};

/// Files larger than this are refused before parsing (a roster of 50,000 rows is ~5 MB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Rows beyond this are refused: one import is one facility's or district's roster.
pub const MAX_ROWS: usize = 50_000;

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

fn read_xlsx(bytes: &[u8]) -> Result<Table> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| CoreError::from(Invalid::new("import.empty", "file")))?
        .map_err(unreadable)?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = range.rows().enumerate();
    let headers = match rows.next() {
        Some((_, cells)) => cells.iter().map(|c| header_name(&cell_of(c).text)).collect(),
        None => return Err(Invalid::new("import.empty", "file").into()),
    };
    let mut table = Table { headers, rows: Vec::new() };
    for (i, cells) in rows {
        let cells: Vec<Cell> = cells.iter().map(cell_of).collect();
        if cells.iter().all(|c| c.text.is_empty()) {
            continue;
        }
        if table.rows.len() == MAX_ROWS {
            return Err(Invalid::new("import.too_many_rows", "file").with("max", MAX_ROWS).into());
        }
        // Row numbers as Excel and WPS show them, counting from 1.
        table.rows.push((first_row + i + 1, cells));
    }
    Ok(table)
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
    let lower = file_name.to_lowercase();
    let table = if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || lower.ends_with(".xls") {
        read_xlsx(bytes)?
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        read_csv(bytes)?
    } else {
        return Err(Invalid::new("import.format_unknown", "file").with("name", file_name).into());
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
        let code = |r: Result<Table>| match r {
            Err(CoreError::Invalid(v)) => v.code,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(code(read("a.pdf", b"x")), "import.format_unknown");
        assert_eq!(code(read("a.csv", b"name\n")), "import.empty");
        assert_eq!(code(read("a.csv", &vec![b'a'; MAX_FILE_BYTES + 1])), "import.file_too_large");
        assert_eq!(code(read("a.xlsx", b"not a zip")), "import.unreadable");
    }
}
