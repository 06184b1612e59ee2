//! The page's export button: the same export as `vouch export REVIEW.json`.

use crate::library::LibrarySource;
use anyhow::Result;
use std::path::Path;

/// Export the review next to the review file and describe what was written.
pub fn run(
    review: &Path,
    library: &LibrarySource,
    include_unreviewed: bool,
) -> Result<serde_json::Value> {
    let args = crate::cmd::export::Args {
        review: review.to_path_buf(),
        output: None,
        include_unreviewed,
        force: false,
    };
    let globals = crate::cmd::Globals {
        library: library.clone(),
    };
    crate::cmd::export::run(&args, &globals)?;
    Ok(serde_json::json!({ "ok": true }))
}
