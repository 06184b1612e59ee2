//! One module per subcommand, each with its clap `Args` and a `run`.
//! `main.rs` only dispatches; everything here is callable from tests.

pub mod ask;
pub mod eval;
pub mod export;
pub mod import;
pub mod library;
pub mod review;

use crate::library::{Library, LibrarySource};
use crate::matcher::{Matcher, MatcherCache};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// vouch: answer security questionnaires offline from a plain-text answer library.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about, long_about = None)]
pub struct Cli {
    /// Answer library folder (default: ./answer-library if present, else the built-in starter library).
    #[arg(long, global = true, value_name = "DIR")]
    pub library: Option<PathBuf>,

    /// Do not read or write the index cache (default folder: $VOUCH_CACHE_DIR, else
    /// $XDG_CACHE_HOME/vouch, else ~/.cache/vouch); build the index in memory.
    #[arg(long, global = true)]
    pub no_cache: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn globals(&self) -> Globals {
        Globals {
            library: LibrarySource::resolve(self.library.as_deref()),
            cache: if self.no_cache {
                None
            } else {
                MatcherCache::default_location()
            },
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every question in a buyer's questionnaire, match it, write a review file.
    Import(import::Args),
    /// Write the reviewed answers into a copy of the buyer's file.
    Export(export::Args),
    /// Review suggestions in a local web page (127.0.0.1 only).
    Review(review::Args),
    /// Match one question against the library and explain the result.
    Ask(ask::Args),
    /// Check the answer library or report its framework coverage.
    Library(library::Args),
    /// Measure matching accuracy on a labeled question set.
    Eval(eval::Args),
}

/// Options every subcommand shares.
#[derive(Clone, Debug)]
pub struct Globals {
    pub library: LibrarySource,
    /// Where the matcher caches its index; `None` builds it in memory.
    pub cache: Option<MatcherCache>,
}

impl Globals {
    /// Load the library, failing on any validation error.
    pub fn open_library(&self) -> anyhow::Result<Library> {
        Library::open(&self.library)
    }

    /// Load the library and its matcher (from the index cache when there
    /// is one): what every command that answers questions starts with.
    pub fn open_library_and_matcher(&self) -> anyhow::Result<(Library, Matcher)> {
        let library = self.open_library()?;
        let matcher = Matcher::open(&library, self.cache.as_ref())?;
        Ok((library, matcher))
    }
}

/// `--format text|json` for commands with machine-readable output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}
