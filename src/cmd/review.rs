//! `vouch review REVIEW.json [--port N] [--no-open]`

use super::Globals;
use anyhow::Result;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Review file written by `vouch import`.
    pub review: PathBuf,
    /// Port on 127.0.0.1 (default: a free port).
    #[arg(long)]
    pub port: Option<u16>,
    /// Do not open a browser; just print the URL.
    #[arg(long)]
    pub no_open: bool,
}

pub fn run(_args: &Args, _globals: &Globals) -> Result<()> {
    Err(crate::error::hint(
        "`vouch review` is not implemented yet",
        "see the review issue",
    ))
}
