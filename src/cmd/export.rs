//! `vouch export REVIEW.json [-o OUT] [--include-unreviewed] [--force]`

use super::Globals;
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Review file written by `vouch import`.
    pub review: PathBuf,
    /// Output file (default: next to the review file as <name>.completed.<ext>).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Also write suggestions nobody has reviewed yet (default: only accepted or edited answers).
    #[arg(long)]
    pub include_unreviewed: bool,
    /// Export even though the source file changed since import.
    #[arg(long)]
    pub force: bool,
}

pub fn run(_args: &Args, _globals: &Globals) -> Result<()> {
    Err(crate::error::hint(
        "`vouch export` is not implemented yet",
        "see the export issue",
    ))
}
