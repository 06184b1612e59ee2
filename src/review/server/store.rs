//! The review file on disk as the server's single source of truth.
//!
//! Every change runs under a mutex: look at the file on disk, check the
//! revision the page saw against the file's (so a second server or a hand
//! edit is noticed, not overwritten), apply the decision and write the file
//! atomically (temp file + rename) before answering. The parsed file is
//! cached between requests, but only trusted while the file's identity
//! (inode, size, modification time) is the one our own last write left; any
//! other change on disk means a fresh read.

use super::Config;
use crate::library::{Date, Library};
use crate::matcher::{Matcher, Query, Suggestion};
use crate::review::decide::{self, Change, Refusal};
use crate::review::ReviewFile;
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

/// Longest search text accepted.
const MAX_QUERY_CHARS: usize = 500;

pub struct Store {
    review: PathBuf,
    port: u16,
    token: String,
    /// The file as last read or written, and its identity on disk then.
    /// The lock also serializes read-check-write cycles within this server.
    cache: Mutex<Option<Cached>>,
    library: Option<Library>,
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
            cache: Mutex::new(None),
            library: config.library,
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

    /// Look at the review file as it is on disk now (`look` runs under
    /// the lock, so the file is not copied).
    pub fn read<T>(&self, look: impl FnOnce(&ReviewFile) -> T) -> Result<T> {
        let mut cache = self.lock();
        Ok(look(current(&self.review, &mut cache)?))
    }

    /// Apply a change made while looking at revision `seen`, save it, and
    /// let `report` describe the saved file and the keys of the items that
    /// changed.
    pub fn change<T>(
        &self,
        seen: u64,
        change: &Change,
        report: impl FnOnce(&ReviewFile, &[usize]) -> T,
    ) -> Result<T, ChangeError> {
        let mut cache = self.lock();
        current(&self.review, &mut cache).map_err(ChangeError::Failed)?;
        let Some(Cached { stamp, mut file }) = cache.take() else {
            return Err(ChangeError::Failed(anyhow::anyhow!(
                "the review file was not loaded"
            )));
        };
        let changed = match decide::apply(&mut file, seen, change, self.library.as_ref()) {
            Ok(changed) => changed,
            Err(refusal) => {
                // A refused change leaves the file as it was.
                *cache = Some(Cached { stamp, file });
                return Err(ChangeError::Refused(refusal));
            }
        };
        // The cache stays empty if the write fails: the next request reads
        // whatever is on disk.
        file.write(&self.review).map_err(ChangeError::Failed)?;
        let result = report(&file, &changed);
        if let Ok(stamp) = Stamp::of(&self.review) {
            *cache = Some(Cached { stamp, file });
        }
        Ok(result)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Cached>> {
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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
        Ok(matcher.rank(&Query::new(&text), n)?.candidates)
    }

    /// Run the same export as `vouch export`, holding the write lock so no
    /// decision lands halfway through.
    pub fn export(&self, include_unreviewed: bool) -> Result<serde_json::Value> {
        let _guard = self.lock();
        super::export::run(&self.review, include_unreviewed)
    }
}

/// A parsed review file and the identity of the file it came from.
struct Cached {
    stamp: Stamp,
    file: ReviewFile,
}

/// What tells one version of the file from another without reading it.
/// Every save is a rename, so a new version is a new inode.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> std::io::Result<Stamp> {
        let meta = std::fs::metadata(path)?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        })
    }
}

/// The cached file if the file on disk is still the one it came from, else
/// a fresh read.
fn current<'c>(path: &Path, cache: &'c mut Option<Cached>) -> Result<&'c ReviewFile> {
    let stamp =
        Stamp::of(path).with_context(|| format!("cannot read review file {}", path.display()))?;
    let cached = match cache.take() {
        Some(c) if c.stamp == stamp => c,
        _ => Cached {
            stamp,
            file: ReviewFile::read(path)?,
        },
    };
    Ok(&cache.insert(cached).file)
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
