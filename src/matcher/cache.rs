//! On-disk cache of the analyzed library and its tantivy index.
//!
//! Analyzing a library and indexing it is most of a cold start (about 120 ms
//! for the starter library, seconds for a large one), while the library
//! changes far less often than vouch runs. So the result is kept under the
//! user's cache directory, keyed by the library's content hash and by a
//! fingerprint of the code that analyzes it (`build.rs`): any edit to the
//! library or to the analyzer selects a new key. The cache is only an
//! optimization: a missing, unreadable or corrupt entry means "build in
//! memory", never an error.
//!
//! Layout: `<dir>/index-<key>/analysis.json` and `<dir>/index-<key>/index/`
//! (tantivy files). An entry is written under a temporary name and renamed
//! into place, so a reader never sees half of one.

use super::analyzed::AnalyzedLibrary;
use super::index::EntryIndex;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Changes whenever the matcher's or the library loader's source changes.
const FINGERPRINT: &str = env!("VOUCH_MATCHER_FINGERPRINT");
const PREFIX: &str = "index-";
/// Cache entries kept: one per recently used library (or vouch build).
const KEEP: usize = 4;

/// Where cached indexes live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatcherCache {
    dir: PathBuf,
}

impl MatcherCache {
    pub fn at(dir: impl Into<PathBuf>) -> MatcherCache {
        MatcherCache { dir: dir.into() }
    }

    /// `$VOUCH_CACHE_DIR`, else `$XDG_CACHE_HOME/vouch`, else
    /// `$HOME/.cache/vouch`; `None` when none is set (build in memory).
    pub fn default_location() -> Option<MatcherCache> {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("VOUCH_CACHE_DIR") {
            return Some(MatcherCache::at(dir));
        }
        if let Some(dir) = var("XDG_CACHE_HOME") {
            return Some(MatcherCache::at(PathBuf::from(dir).join("vouch")));
        }
        var("HOME").map(|home| MatcherCache::at(PathBuf::from(home).join(".cache").join("vouch")))
    }

    /// The cache entry for a library with this content hash.
    pub fn entry_path(&self, library_hash: &str) -> PathBuf {
        let key = crate::fsutil::sha256_hex(format!("{library_hash}\0{FINGERPRINT}").as_bytes());
        self.dir.join(format!("{PREFIX}{}", &key[..32]))
    }

    /// The cached analysis and index, if present and consistent with a
    /// library of `documents` documents.
    pub fn load(
        &self,
        library_hash: &str,
        documents: usize,
    ) -> Option<(AnalyzedLibrary, EntryIndex)> {
        let path = self.entry_path(library_hash);
        let bytes = std::fs::read(path.join("analysis.json")).ok()?;
        let mut analyzed: AnalyzedLibrary = serde_json::from_slice(&bytes).ok()?;
        analyzed.terms.reindex();
        if !analyzed.is_consistent(documents) {
            return None;
        }
        let index = EntryIndex::open(&path.join("index"), documents).ok()?;
        Some((analyzed, index))
    }

    /// Save an analysis and its index (built in memory) for next time,
    /// replacing a damaged entry, then drop old entries.
    pub fn store(
        &self,
        library_hash: &str,
        analyzed: &AnalyzedLibrary,
        index: &EntryIndex,
    ) -> Result<()> {
        let target = self.entry_path(library_hash);
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create the cache folder {}", self.dir.display()))?;
        let temp = tempfile::Builder::new()
            .prefix(".building-")
            .tempdir_in(&self.dir)
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        std::fs::write(
            temp.path().join("analysis.json"),
            serde_json::to_vec(analyzed)?,
        )?;
        index.persist(&temp.path().join("index"))?;
        let built = temp.keep();
        // Only called when loading failed: an entry already there is
        // damaged (a reader never sees half an entry), so replace it.
        if target.is_dir() {
            let _ = std::fs::remove_dir_all(&target);
        }
        if std::fs::rename(&built, &target).is_err() {
            // Another vouch stored the same entry first: keep theirs.
            let _ = std::fs::remove_dir_all(&built);
        }
        self.prune(&target);
        Ok(())
    }

    /// Keep the `KEEP` most recently written entries (including `current`).
    fn prune(&self, current: &Path) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(PREFIX))
            .filter(|e| e.path() != current)
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        entries.sort_by_key(|e| std::cmp::Reverse(e.0));
        for (_, old) in entries.into_iter().skip(KEEP - 1) {
            let _ = std::fs::remove_dir_all(old);
        }
    }
}
