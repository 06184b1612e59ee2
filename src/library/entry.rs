//! One answer library entry: a reusable answer to one kind of question.

use super::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an entry was defined, for error messages and the review page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The canonical short answer. Buyers' dropdowns ("Y", "Not Applicable",
/// "Compliant") are mapped from these four at export time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Answer {
    Yes,
    No,
    Partial,
    #[serde(rename = "N/A")]
    NotApplicable,
}

impl Answer {
    pub const ALL: [Answer; 4] = [
        Answer::Yes,
        Answer::No,
        Answer::Partial,
        Answer::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::Partial => "Partial",
            Answer::NotApplicable => "N/A",
        }
    }

    /// Parse the library spelling exactly (`Yes`, `No`, `Partial`, `N/A`).
    pub fn parse(s: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A validated library entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Stable slug, unique across the library (`mfa-workforce`).
    pub id: String,
    /// Topic id from the taxonomy (`iam.mfa-workforce`).
    pub topic: String,
    /// Question variants in different buyer styles; what the matcher indexes.
    pub questions: Vec<String>,
    pub answer: Answer,
    /// Narrative answer with `{{placeholders}}` filled from the profile.
    pub text: String,
    /// Criterion references like `SOC2:CC6.1`, `NIST-AI-RMF:GOVERN 1.1`.
    pub frameworks: Vec<String>,
    /// Acronyms and terms a buyer may use that the variants do not.
    pub keywords: Vec<String>,
    pub owner: String,
    pub reviewed: Date,
    pub evidence: Vec<String>,
    pub origin: Origin,
}
