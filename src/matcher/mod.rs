//! Find the library entry that answers a buyer's question, say how sure we
//! are, and say nothing when nothing fits.
//!
//! Pipeline for one question: analyze (tokenize, normalize variants, stem
//! non-acronyms) -> expand with synonyms -> tantivy BM25 over variants,
//! keywords and answer text -> aggregate per entry and rerank -> confidence
//! band from calibrated features -> abstain below the review threshold.

use crate::library::Answer;
use serde::{Deserialize, Serialize};

/// How sure the matcher is about a suggestion. Thresholds: `confidence.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Why a suggestion was made: enough for a reviewer to trust or reject it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Question terms found in the entry, as the user wrote them.
    pub matched_terms: Vec<String>,
    /// Terms that matched only through a synonym or acronym expansion, as
    /// `"question term -> library term"`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expanded_terms: Vec<String>,
    /// The entry's question variant closest to the buyer's question.
    pub matched_variant: String,
    /// Share of the question's content words the entry covers (0..1).
    pub coverage: f32,
    /// Score margin over the next entry (0..1 of this score).
    pub margin: f32,
    /// One sentence on why this band.
    pub band_reason: String,
}

/// One ranked candidate answer for a question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub entry: String,
    pub topic: String,
    pub score: f32,
    pub confidence: Confidence,
    /// The entry's canonical answer.
    pub answer: Answer,
    /// The entry's narrative with placeholders filled.
    pub text: String,
    pub why: Explanation,
}

mod analyze;
mod vocabulary;

pub use analyze::{Analyzer, Term};
pub use vocabulary::Vocabulary;
mod analyzed;
mod cache;
mod confidence;
mod document;
mod engine;
mod index;
mod rank;
mod terms;

pub use cache::MatcherCache;
pub use confidence::REVIEW_THRESHOLD;
pub use engine::{Matcher, Query, Ranking};
