//! The page's export button: the same export as `vouch export REVIEW.json`
//! (default output next to the review file, never `--force`), with the
//! summary the CLI would print.

use anyhow::{Context, Result};
use std::path::Path;

/// Export the review and describe what was written.
pub fn run(review: &Path, include_unreviewed: bool) -> Result<serde_json::Value> {
    let args = crate::cmd::export::Args {
        review: review.to_path_buf(),
        output: None,
        include_unreviewed,
        force: false,
    };
    let summary = crate::cmd::export::export(&args)?;
    let mut value = serde_json::to_value(&summary).context("cannot describe the export")?;
    value["cells_written"] = summary.cells_written().into();
    value["text"] = summary.render().into();
    Ok(value)
}
