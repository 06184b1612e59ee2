//! XLSX/XLSM (and, through calamine, XLS/ODS) questionnaires. Not implemented yet.

use crate::questionnaire::{Format, Questionnaire};
use anyhow::Result;
use std::path::Path;

pub mod write;

pub fn read(path: &Path, _format: Format) -> Result<Questionnaire> {
    Err(crate::error::hint(
        format!(
            "{}: spreadsheet import is not implemented yet",
            path.display()
        ),
        "see the import issue",
    ))
}

/// Write `writes` into a copy of `source` at `out` (patching only the
/// worksheets that receive answers). Signature fixed for the export dispatch.
pub fn write(source: &Path, writes: &[super::SlotWrite], out: &Path) -> Result<super::WriteReport> {
    write::write(source, writes, out)
}
