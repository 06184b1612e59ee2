//! Problems (errors from loading, warnings from quality lints) and the lints
//! themselves: stale entries, near duplicates, thin variants, long text.

use super::source::SourceFile;
use super::{Date, Entry, Library};
use serde::Serialize;
use std::collections::HashSet;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about the library, located to a file and line.
#[derive(Clone, Debug, Serialize)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub entry: Option<String>,
    pub message: String,
    pub hint: String,
}

impl Problem {
    pub(super) fn file_error(
        file: &SourceFile,
        line: usize,
        message: String,
        hint: &str,
    ) -> Problem {
        Problem {
            severity: Severity::Error,
            file: file.display.clone(),
            line,
            entry: None,
            message,
            hint: hint.to_string(),
        }
    }

    pub(super) fn entry_error(entry: &Entry, message: String, hint: &str) -> Problem {
        Problem::about(entry, Severity::Error, message, hint)
    }

    fn about(entry: &Entry, severity: Severity, message: String, hint: &str) -> Problem {
        Problem {
            severity,
            file: entry.origin.file.clone(),
            line: entry.origin.line,
            entry: Some(entry.id.clone()),
            message,
            hint: hint.to_string(),
        }
    }

    /// `file:line: entry `id`: message` without the hint.
    pub fn headline(&self) -> String {
        match &self.entry {
            Some(id) => format!(
                "{}:{}: entry `{id}`: {}",
                self.file, self.line, self.message
            ),
            None => format!("{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}\n  hint: {}", self.headline(), self.hint)
    }
}

/// Quality warnings for a library that loaded. `today` decides staleness.
pub fn lint(library: &Library, today: Date) -> Vec<Problem> {
    let mut out = Vec::new();
    for entry in &library.entries {
        if library.is_stale(entry, today) {
            out.push(Problem::about(
                entry,
                Severity::Warning,
                format!(
                    "stale: last reviewed {}, more than {} days ago",
                    entry.reviewed, library.settings.review_every_days
                ),
                &format!(
                    "have {} confirm the answer is still true, then update `reviewed`",
                    entry.owner
                ),
            ));
        }
        if entry.questions.len() < 3 {
            out.push(Problem::about(
                entry,
                Severity::Warning,
                format!("only {} question variant(s)", entry.questions.len()),
                "add variants in other buyer styles (terse, formal, \"Describe ...\") so the matcher finds this entry",
            ));
        }
        let chars = library.render(entry).chars().count();
        if chars > library.settings.max_text_chars {
            out.push(Problem::about(
                entry,
                Severity::Warning,
                format!(
                    "text is {chars} characters, over the limit of {}",
                    library.settings.max_text_chars
                ),
                "shorten it or split the entry; max_text_chars is set in library.toml",
            ));
        }
    }
    out.extend(near_duplicates(&library.entries));
    out
}

/// Entries on the same topic whose question variants overlap: a variant of
/// one is (nearly) a variant of the other, so the matcher cannot tell them apart.
fn near_duplicates(entries: &[Entry]) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, a) in entries.iter().enumerate() {
        for b in &entries[i + 1..] {
            if a.topic != b.topic {
                continue;
            }
            if let Some((qa, qb)) = overlapping_variant(a, b) {
                out.push(Problem::about(
                    b,
                    Severity::Warning,
                    format!(
                        "near duplicate of `{}` ({}): \"{qb}\" ~ \"{qa}\"",
                        a.id, a.origin
                    ),
                    "merge the two entries, or make their variants say what distinguishes them",
                ));
            }
        }
    }
    out
}

fn overlapping_variant<'e>(a: &'e Entry, b: &'e Entry) -> Option<(&'e str, &'e str)> {
    for qa in &a.questions {
        let ta = word_set(qa);
        for qb in &b.questions {
            let tb = word_set(qb);
            let shared = ta.intersection(&tb).count();
            let union = ta.union(&tb).count().max(1);
            if shared * 10 >= union * 8 {
                return Some((qa, qb));
            }
        }
    }
    None
}

fn word_set(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
