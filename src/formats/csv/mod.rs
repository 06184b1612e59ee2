//! CSV questionnaires: read (`read.rs`) and write back with answer columns (`write.rs`).

use crate::questionnaire::Questionnaire;
use anyhow::Result;
use std::path::Path;

pub mod write;

pub fn read(path: &Path) -> Result<Questionnaire> {
    Err(crate::error::hint(
        format!("{}: CSV import is not implemented yet", path.display()),
        "see the import issue",
    ))
}
