//! DOCX questionnaires. Not implemented yet.

use crate::questionnaire::Questionnaire;
use anyhow::Result;
use std::path::Path;

pub fn read(path: &Path) -> Result<Questionnaire> {
    Err(crate::error::hint(
        format!("{}: DOCX import is not implemented yet", path.display()),
        "see the DOCX issue",
    ))
}

/// Write `writes` into a copy of `source` at `out` (patching only
/// word/document.xml). Signature fixed for the export dispatch.
pub fn write(source: &Path, _writes: &[super::SlotWrite], _out: &Path) -> Result<super::WriteReport> {
    Err(crate::error::hint(format!("{}: DOCX export is not implemented yet", source.display()), "see the DOCX issue"))
}
