//! What every reader produces: a [`Questionnaire`] of [`Item`]s, each a
//! question with the [`AnswerSlot`]s its answers go into.
//!
//! Readers (`formats::*`) own layout detection; the matcher and the review
//! only see these types, and the writers only need the slots' targets.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The format of a buyer's file, from its extension and magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xls,
    Ods,
    Csv,
    Docx,
}

impl Format {
    /// The format for a path's extension (case-insensitive).
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "xlsx" => Format::Xlsx,
            "xlsm" => Format::Xlsm,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            "csv" => Format::Csv,
            "docx" => Format::Docx,
            _ => return None,
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Docx => "docx",
        }
    }
}

/// Where a question sits in the buyer's file.
///
/// For spreadsheets `sheet` is the sheet name and `cell` the A1 reference of
/// the question cell; `row` is 1-based. For CSV `sheet` is the file stem and
/// `row` the 1-based record number (header = 1). For DOCX `sheet` is
/// `"document"`, `cell` a reader-defined locator and `row` the paragraph or
/// table-row order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub sheet: String,
    pub cell: String,
    pub row: u32,
}

/// What kind of answer a slot takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SlotKind {
    /// A short choice: a dropdown, or a Yes/No/Answer column.
    Choice,
    /// Free text: comments, explanation, implementation description.
    Text,
}

/// One place an answer goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerSlot {
    pub kind: SlotKind,
    /// Where to write. Spreadsheets: an A1 cell reference on the item's sheet
    /// (`"C12"`). DOCX: a reader-defined locator the DOCX writer understands.
    pub target: String,
    /// The column header or label that made this a slot (`"CSP CAIQ Answer"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Allowed values from the cell's dropdown (data validation), in the
    /// buyer's order and spelling. Empty means free entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    /// What the cell already holds (a partially completed questionnaire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing: Option<String>,
    /// True when the column does not exist yet and export adds it
    /// (a bare question list such as a CSV with no answer column).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub planned: bool,
}

/// One question found in the buyer's file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The buyer's question id (`A&A-01.1`, `AIGN-01`), when the file has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Question text, whitespace normalized.
    pub question: String,
    /// Section or group heading the question sits under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub location: Location,
    pub slots: Vec<AnswerSlot>,
}

impl Item {
    /// True when any slot already holds an answer.
    pub fn has_existing_answer(&self) -> bool {
        self.slots
            .iter()
            .any(|s| s.existing.as_deref().is_some_and(|v| !v.trim().is_empty()))
    }

    /// Matching context: the section and the sheet name, which disambiguate
    /// terse questions ("inputs" on an "AI" tab are prompts).
    pub fn context(&self) -> String {
        match &self.section {
            Some(s) => format!("{} {}", self.location.sheet, s),
            None => self.location.sheet.clone(),
        }
    }
}

/// Per-sheet (or per-document) facts for the import summary and `--dry-run`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SheetLayout {
    pub sheet: String,
    /// Why the sheet was skipped (hidden, instructions, analyst sheet), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// 1-based header row numbers detected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_rows: Vec<u32>,
    /// Column letter (or DOCX column index) -> role, e.g. ("B", "question").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<ColumnRole>,
    pub items: usize,
}

/// A detected column and what vouch decided it is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ColumnRole {
    pub column: String,
    pub header: String,
    /// `question`, `id`, `choice`, `text`, `never-write`, `section`, `ignored`.
    pub role: String,
    /// Why, in a few words (for `--dry-run`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
}

/// A buyer's questionnaire as read from their file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Questionnaire {
    pub source: PathBuf,
    pub format: Format,
    pub items: Vec<Item>,
    pub layouts: Vec<SheetLayout>,
    /// Things the reader was unsure about, one line each, naming sheet/cell.
    pub warnings: Vec<String>,
}
