//! XLSX/XLSM (and, through calamine, XLS/ODS) questionnaires. Not implemented yet.

use crate::questionnaire::{Format, Questionnaire};
use anyhow::Result;
use std::path::Path;

pub fn read(path: &Path, _format: Format) -> Result<Questionnaire> {
    Err(crate::error::hint(
        format!(
            "{}: spreadsheet import is not implemented yet",
            path.display()
        ),
        "see the import issue",
    ))
}
