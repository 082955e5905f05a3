//! The report as an Excel workbook: a summary sheet with the facts under their headings,
//! one sheet per table (numbers as numbers, money as yuan, shares as percentages, so the
//! office can add and chart them) and one per chart with the data it draws.

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::document::{Block, Cell, Chart, Document, RowKind, Table};
use crate::error::{CoreError, Result};

fn header() -> Format {
    Format::new().set_bold().set_background_color(Color::RGB(0xE3F0EA)).set_align(FormatAlign::Center).set_text_wrap()
}

fn formats(kind: RowKind) -> (Format, Format, Format) {
    let base = match kind {
        RowKind::Normal => Format::new(),
        RowKind::Group => Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2)),
        RowKind::Total => Format::new().set_bold().set_background_color(Color::RGB(0xE8E8E8)),
    };
    (base.clone(), base.clone().set_num_format("0.00"), base.set_num_format("0.0%"))
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    kind: RowKind,
) -> std::result::Result<(), XlsxError> {
    let (plain, money, percent) = formats(kind);
    match cell {
        Cell::Text(t) => sheet.write_string_with_format(row, col, t.trim_start(), &plain).map(|_| ()),
        Cell::Int(n) => sheet.write_number_with_format(row, col, *n as f64, &plain).map(|_| ()),
        Cell::Fen(f) => sheet.write_number_with_format(row, col, *f as f64 / 100.0, &money).map(|_| ()),
        Cell::Share(Some(s)) => sheet.write_number_with_format(row, col, *s, &percent).map(|_| ()),
        Cell::Decimal(v, places) => {
            let format = plain.set_num_format(if *places == 0 {
                "0".to_string()
            } else {
                format!("0.{}", "0".repeat(*places as usize))
            });
            sheet.write_number_with_format(row, col, *v, &format).map(|_| ())
        }
        Cell::Share(None) | Cell::Empty => sheet.write_blank(row, col, &plain).map(|_| ()),
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of []:*?/\, unique in the book.
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(28).collect();
    let clean = if clean.trim().is_empty() { "Sheet".to_string() } else { clean };
    let mut name = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        name = format!("{clean} {n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

fn table_sheet(sheet: &mut Worksheet, table: &Table) -> std::result::Result<(), XlsxError> {
    let head = header();
    for (j, col) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, j as u16, &col.label, &head)?;
        sheet.set_column_width(j as u16, (col.weight as f64 * 9.0).clamp(8.0, 48.0))?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        for (j, cell) in row.cells.iter().enumerate() {
            write_cell(sheet, i as u32 + 1, j as u16, cell, row.kind)?;
        }
    }
    sheet.set_freeze_panes(1, 1)?;
    // Printed as the PDF is: landscape, one page wide, the header row on every page.
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

fn chart_sheet(sheet: &mut Worksheet, chart: &Chart) -> std::result::Result<(), XlsxError> {
    let head = header();
    sheet.write_string_with_format(0, 0, &chart.title, &head)?;
    sheet.set_column_width(0, 24.0)?;
    for (j, s) in chart.series.iter().enumerate() {
        // Full-width brackets around a Chinese unit, plain ones around an English one.
        let unit = if chart.unit.is_ascii() { format!(" ({})", chart.unit) } else { format!("（{}）", chart.unit) };
        sheet.write_string_with_format(0, j as u16 + 1, format!("{}{unit}", s.name), &head)?;
        sheet.set_column_width(j as u16 + 1, 16.0)?;
    }
    for (i, label) in chart.labels.iter().enumerate() {
        // Days of the month stay numbers, so Excel can sort and chart them.
        match label.parse::<u32>() {
            Ok(day) => sheet.write_number(i as u32 + 1, 0, day)?,
            Err(_) => sheet.write_string(i as u32 + 1, 0, label)?,
        };
        for (j, s) in chart.series.iter().enumerate() {
            if let Some(v) = s.values.get(i) {
                sheet.write_number(i as u32 + 1, j as u16 + 1, (v * 10.0).round() / 10.0)?;
            }
        }
    }
    Ok(())
}

/// Whether the blocks up to the next heading hold anything the summary sheet shows.
fn section_has_facts(rest: &[Block]) -> bool {
    rest.iter()
        .take_while(|b| !matches!(b, Block::Heading(_)))
        .any(|b| matches!(b, Block::Facts(_) | Block::Paragraph(_)))
}

/// The workbook's bytes. `summary` names the first sheet (the facts).
pub fn render_xlsx(doc: &Document, summary: &str) -> Result<Vec<u8>> {
    let build = || -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let mut taken = Vec::new();
        let first = book.add_worksheet();
        first.set_name(sheet_name(summary, &mut taken))?;
        first.set_column_width(0, 30.0)?;
        first.set_column_width(1, 16.0)?;
        let bold = Format::new().set_bold();
        first.write_string_with_format(0, 0, &doc.title, &bold)?;
        first.write_string(1, 0, &doc.generated)?;
        let mut row = 3;
        for (i, block) in doc.blocks.iter().enumerate() {
            match block {
                // A heading whose section is only tables or charts has its own sheets.
                Block::Heading(h) if section_has_facts(&doc.blocks[i + 1..]) => {
                    row += 1;
                    first.write_string_with_format(row, 0, h, &bold)?;
                    row += 1;
                }
                Block::Heading(_) => {}
                Block::Paragraph(p) => {
                    first.write_string(row, 0, p)?;
                    row += 1;
                }
                Block::Facts(facts) => {
                    for fact in facts {
                        first.write_string(row, 0, &fact.label)?;
                        write_cell(first, row, 1, &fact.value, RowKind::Normal)?;
                        row += 1;
                    }
                }
                Block::Table(_) | Block::Chart(_) | Block::Signatures(_) => {}
            }
        }
        for block in &doc.blocks {
            match block {
                Block::Table(t) => {
                    let name = sheet_name(&t.sheet, &mut taken);
                    let sheet = book.add_worksheet();
                    sheet.set_name(name)?;
                    table_sheet(sheet, t)?;
                }
                Block::Chart(c) => {
                    let name = sheet_name(&c.title, &mut taken);
                    let sheet = book.add_worksheet();
                    sheet.set_name(name)?;
                    chart_sheet(sheet, c)?;
                }
                _ => {}
            }
        }
        book.save_to_buffer()
    };
    build().map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(sheet_name("a/b:c", &mut taken), "a_b_c");
        assert_eq!(sheet_name("A/B:C", &mut taken), "A_B_C 2");
        let long = sheet_name(&"长".repeat(40), &mut taken);
        assert!(long.chars().count() <= 31);
        assert_eq!(sheet_name("  ", &mut taken), "Sheet");
    }
}
