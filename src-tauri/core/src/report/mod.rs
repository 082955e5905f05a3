//! Monthly reports (月报): the figures of a facility or of the whole city for a month, read
//! with SQL, put into a [`document::Document`], and written as a PDF (our own layout over
//! printpdf, an embedded subset CJK font) or as an Excel workbook with the same tables.

pub mod document;
pub mod font;
pub mod layout;
pub mod pdf;
