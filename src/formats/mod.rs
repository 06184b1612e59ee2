//! Readers and writers for buyers' files. Each format module owns layout
//! detection (read) and lossless write-back (write) for its format; this
//! module only dispatches on the file's format and defines what writers
//! receive ([`SlotWrite`]) and report ([`WriteReport`]).

pub mod choice;
pub mod container;
pub mod convert;
pub mod csv;
pub mod docx;
pub mod plan;
pub mod xlsx;

use crate::questionnaire::{Format, Questionnaire, SlotKind};
use anyhow::Result;
use serde::Serialize;
use std::path::Path;

/// The format of `path` from its extension, or a clear error.
pub fn detect(path: &Path) -> Result<Format> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("doc"))
    {
        return Err(crate::error::hint(
            format!("{} is an old binary Word document (.doc)", path.display()),
            "open it in Word or LibreOffice and save it as .docx, then import the .docx",
        ));
    }
    Format::from_path(path).ok_or_else(|| {
        crate::error::hint(
            format!("{}: unsupported file type", path.display()),
            "vouch imports .xlsx, .xlsm, .xls, .ods, .csv and .docx questionnaires",
        )
    })
}

/// Read a buyer's questionnaire: find every question and its answer slots.
pub fn read(path: &Path) -> Result<Questionnaire> {
    let format = detect(path)?;
    if !path.is_file() {
        return Err(crate::error::hint(
            format!("{}: no such file", path.display()),
            "check the path",
        ));
    }
    match format {
        Format::Xlsx | Format::Xlsm | Format::Xls | Format::Ods => xlsx::read(path, format),
        Format::Csv => csv::read(path),
        Format::Docx => docx::read(path),
    }
}

/// One value to write into one answer slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotWrite {
    /// Review item key, to report problems against the item.
    pub item: usize,
    /// Sheet name (spreadsheets) or `document` (DOCX).
    pub sheet: String,
    /// The slot's target (A1 reference, or the DOCX locator).
    pub target: String,
    pub kind: SlotKind,
    /// Final value: for choice slots already mapped onto the allowed values.
    pub value: String,
}

/// What a writer did, for the export summary.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WriteReport {
    /// Cells (or DOCX places) written, per sheet, in sheet order.
    pub written: Vec<(String, usize)>,
    /// `sheet!cell: truncated from N to 32,767 characters` and the like.
    pub truncated: Vec<String>,
    /// Anything else the user should know (e.g. "XLS exported as XLSX").
    pub notes: Vec<String>,
}

/// Write `writes` into a copy of the review's `source` at `out`, in the
/// source's format (XLS and ODS become a new XLSX; see [`convert`]).
pub fn write(
    review: &crate::review::ReviewFile,
    source: &Path,
    writes: &[SlotWrite],
    out: &Path,
) -> Result<WriteReport> {
    match review.source.format {
        Format::Xlsx | Format::Xlsm => xlsx::write(source, writes, out),
        Format::Xls | Format::Ods => convert::write(source, review.source.format, writes, out),
        Format::Csv => csv::write::write(source, writes, &added_columns(review), out),
        Format::Docx => docx::write(source, writes, out),
    }
}

/// The answer columns export adds to a bare question list: the planned
/// slots' columns (1-based) and headers.
fn added_columns(review: &crate::review::ReviewFile) -> Vec<(u32, String)> {
    let mut columns: Vec<(u32, String)> = Vec::new();
    for slot in review
        .items
        .iter()
        .flat_map(|i| &i.slots)
        .filter(|s| s.planned)
    {
        let Some((_, col)) = xlsx::write::parse_a1(&slot.target) else {
            continue;
        };
        if columns.iter().any(|(c, _)| *c == col) {
            continue;
        }
        let header = slot.header.clone().unwrap_or_else(|| match slot.kind {
            SlotKind::Choice => "Answer".to_string(),
            SlotKind::Text => "Comments".to_string(),
        });
        columns.push((col, header));
    }
    columns.sort();
    columns
}
