//! The review file on disk as the server's single source of truth.
//!
//! The server keeps no copy of the decisions in memory: every read parses
//! the file, and every change re-reads it under a mutex, checks the revision
//! the page saw against the revision on disk (so a second server or a hand
//! edit is noticed, not overwritten), applies the decision and writes the
//! file atomically (temp file + rename) before answering.

use super::Config;
use crate::library::{Date, Library, LibrarySource};
use crate::matcher::{Matcher, Query, Suggestion};
use crate::review::decide::{self, Change, Refusal};
use crate::review::ReviewFile;
use anyhow::Result;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Longest search text accepted.
const MAX_QUERY_CHARS: usize = 500;

pub struct Store {
    review: PathBuf,
    port: u16,
    token: String,
    /// Serializes read-check-write cycles within this server.
    write: Mutex<()>,
    library: Option<Library>,
    library_source: LibrarySource,
    matcher: Option<Matcher>,
    /// Ids of library entries past their review date.
    stale: HashSet<String>,
    /// Shown as banners in the page (library changed or missing).
    warnings: Vec<String>,
}

/// Why a change did not happen.
#[derive(Debug)]
pub enum ChangeError {
    Refused(Refusal),
    Failed(anyhow::Error),
}

impl Store {
    pub(super) fn open(config: Config, port: u16, token: String) -> Result<Store> {
        let file = ReviewFile::read(&config.review)?;
        let mut warnings = Vec::new();
        if let Some(err) = &config.library_error {
            warnings.push(format!(
                "The answer library could not be loaded ({err}); library search is off."
            ));
        }
        let matcher = match &config.library {
            Some(library) => match Matcher::new(library) {
                Ok(m) => Some(m),
                Err(e) => {
                    warnings.push(format!("Library search is off: {e}."));
                    None
                }
            },
            None => None,
        };
        if let Some(library) = &config.library {
            if library.hash != file.library.hash {
                warnings.push(format!(
                    "The answer library changed since this questionnaire was imported (review file: {}, now: {}). Suggestions come from the old library; search and picked entries use the current one.",
                    short(&file.library.hash),
                    short(&library.hash)
                ));
            }
        }
        let today = Date::today();
        let stale = config
            .library
            .iter()
            .flat_map(|l| l.entries.iter().filter(move |e| l.is_stale(e, today)))
            .map(|e| e.id.clone())
            .collect();
        Ok(Store {
            review: config.review,
            port,
            token,
            write: Mutex::new(()),
            library: config.library,
            library_source: config.library_source,
            matcher,
            stale,
            warnings,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn review_path(&self) -> &Path {
        &self.review
    }

    pub fn library(&self) -> Option<&Library> {
        self.library.as_ref()
    }

    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn can_search(&self) -> bool {
        self.matcher.is_some()
    }

    pub fn is_stale(&self, entry: &str) -> bool {
        self.stale.contains(entry)
    }

    /// The review file as it is on disk now.
    pub fn read(&self) -> Result<ReviewFile> {
        ReviewFile::read(&self.review)
    }

    /// Apply a change made while looking at revision `seen` and save it.
    /// Returns the saved file and the keys of the items that changed.
    pub fn change(&self, seen: u64, change: &Change) -> Result<(ReviewFile, Vec<usize>), ChangeError> {
        let _guard = self.write.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut file = self.read().map_err(ChangeError::Failed)?;
        let changed = decide::apply(&mut file, seen, change, self.library.as_ref())
            .map_err(ChangeError::Refused)?;
        file.write(&self.review).map_err(ChangeError::Failed)?;
        Ok((file, changed))
    }

    /// Library entries for free text, best first, whatever their score.
    pub fn search(&self, text: &str, n: usize) -> Result<Vec<Suggestion>> {
        let matcher = self.matcher.as_ref().ok_or_else(|| {
            anyhow::anyhow!("library search is off (the answer library is not loaded)")
        })?;
        let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        matcher.rank(&Query::new(&text), n)
    }

    /// Run the same export as `vouch export`, holding the write lock so no
    /// decision lands halfway through.
    pub fn export(&self, include_unreviewed: bool) -> Result<serde_json::Value> {
        let _guard = self.write.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        super::export::run(&self.review, &self.library_source, include_unreviewed)
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
