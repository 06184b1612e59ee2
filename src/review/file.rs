//! Types and I/O of the review file (`*.review.json`).

use crate::library::Answer;
use crate::matcher::Suggestion;
use crate::questionnaire::{AnswerSlot, Format, Location};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The schema version this build writes. Older versions are upgraded on
/// read; newer ones are refused with a clear message.
pub const REVIEW_VERSION: u32 = 1;

/// The buyer's file the review was made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SourceInfo {
    /// Path as given to `vouch import`, made absolute.
    pub path: String,
    pub format: Format,
    /// SHA-256 of the file at import time; export refuses if it changed.
    pub sha256: String,
}

/// Which library produced the suggestions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LibraryInfo {
    pub label: String,
    /// Content hash of the library (all files).
    pub hash: String,
    pub entries: usize,
}

/// Where an item is in the review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A suggestion awaits review.
    Suggested,
    /// The reviewer accepted the top (or a chosen) suggestion as is.
    Accepted,
    /// The reviewer changed the choice or the text.
    Edited,
    /// The reviewer rejected the suggestion; nothing is written.
    Rejected,
    /// Someone must supply the answer; see the item's note.
    NeedsInput,
    /// Nothing in the library passed the review threshold.
    NoMatch,
    /// The buyer's file already held an answer; kept as is.
    Prefilled,
}

impl Status {
    /// True when the reviewer has made a decision about the item.
    pub fn is_reviewed(self) -> bool {
        matches!(
            self,
            Status::Accepted | Status::Edited | Status::Rejected | Status::NeedsInput
        )
    }
}

/// The answer that export writes for an item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FinalAnswer {
    /// Canonical choice (Yes/No/Partial/N/A) or, after an edit, the exact
    /// dropdown value the reviewer picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// Narrative text, placeholders already filled.
    #[serde(default)]
    pub text: String,
    /// The library entry it came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl FinalAnswer {
    /// The answer a suggestion proposes.
    pub fn from_suggestion(s: &Suggestion) -> FinalAnswer {
        FinalAnswer {
            choice: Some(s.answer.as_str().to_string()),
            text: s.text.clone(),
            entry: Some(s.entry.clone()),
        }
    }

    /// The canonical answer, when the choice is one of the four.
    pub fn canonical(&self) -> Option<Answer> {
        self.choice.as_deref().and_then(Answer::parse)
    }
}

/// One question under review.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReviewItem {
    /// Stable key within the file (`0`, `1`, ...), used by the review API.
    pub key: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub question: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    pub location: Location,
    pub slots: Vec<AnswerSlot>,
    /// Ranked best first; empty when nothing passed the threshold.
    pub suggestions: Vec<Suggestion>,
    pub status: Status,
    /// What export writes; `None` until there is something to write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<FinalAnswer>,
    /// Reviewer's note (for needs-input) or export remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The item's earlier states, oldest first, so the review page can undo
    /// (a few per item; see `review::decide`). Import writes it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<super::decide::Snapshot>,
}

/// The whole review file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReviewFile {
    pub version: u32,
    /// Incremented on every saved decision; a write based on an older
    /// revision is refused (no silent overwrite from a second tab).
    pub revision: u64,
    pub generator: String,
    pub source: SourceInfo,
    pub library: LibraryInfo,
    /// Profile values used to render the answers.
    #[serde(default)]
    pub profile: std::collections::BTreeMap<String, String>,
    pub items: Vec<ReviewItem>,
}

impl ReviewFile {
    /// Read and check the version.
    pub fn read(path: &Path) -> Result<ReviewFile> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read review file {}", path.display()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            crate::error::hint(
                format!("{} is not valid JSON: {e}", path.display()),
                "a review file is written by `vouch import`; re-run the import if it was edited by hand",
            )
        })?;
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
        if version == 0 || version > u64::from(REVIEW_VERSION) {
            return Err(crate::error::hint(
                format!("{} has review file version {version}; this vouch reads versions 1 to {REVIEW_VERSION}", path.display()),
                "upgrade vouch (the file was written by a newer one), or re-import the questionnaire",
            ));
        }
        serde_json::from_value(value).map_err(|e| {
            crate::error::hint(
                format!(
                    "{} does not match the review file schema: {e}",
                    path.display()
                ),
                "re-run `vouch import` to write a fresh review file",
            )
        })
    }

    /// Write atomically (temp file + rename).
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).context("cannot serialize the review file")?;
        crate::fsutil::write_atomic(path, &json)
    }

    /// Items counted by status, for summaries and the progress bar.
    pub fn reviewed_count(&self) -> usize {
        self.items.iter().filter(|i| i.status.is_reviewed()).count()
    }
}
