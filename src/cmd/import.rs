//! `vouch import FILE [-o REVIEW.json] [--dry-run]`

use super::Globals;
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The buyer's questionnaire (.xlsx, .xlsm, .xls, .ods, .csv or .docx).
    pub file: PathBuf,
    /// Review file to write (default: FILE's name with .review.json, next to FILE).
    #[arg(short, long, value_name = "REVIEW.json")]
    pub output: Option<PathBuf>,
    /// Print the detected layout (header rows, column roles) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(_args: &Args, _globals: &Globals) -> Result<()> {
    Err(crate::error::hint(
        "`vouch import` is not implemented yet",
        "see the import issue",
    ))
}
