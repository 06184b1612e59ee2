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
