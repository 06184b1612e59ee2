//! The reviewer's decisions and how each one changes a [`ReviewFile`].
//!
//! The review server and the tests share this model, so what the page can do
//! is exactly what is tested here. Every change is checked against the file's
//! `revision`: a decision made while looking at an older revision is refused
//! (a second tab or a second server must not silently overwrite newer work).
//! A change that passes bumps the revision by one and records the item's
//! previous state in its short `history`, which is what undo restores.

use super::{FinalAnswer, ReviewFile, ReviewItem, Status};
use crate::library::{Answer, Library};
use crate::matcher::Confidence;
use crate::questionnaire::SlotKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How many earlier states each item keeps for undo.
pub const HISTORY_LIMIT: usize = 20;
/// Longest narrative an edit may carry: Excel's cell limit.
pub const MAX_TEXT_CHARS: usize = 32_767;
/// Longest free choice (when the slot has no dropdown) or note.
pub const MAX_CHOICE_CHARS: usize = 100;
pub const MAX_NOTE_CHARS: usize = 2_000;

/// An item's state before a decision, kept so the decision can be undone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<FinalAnswer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Snapshot {
    fn of(item: &ReviewItem) -> Snapshot {
        Snapshot {
            status: item.status,
            answer: item.answer.clone(),
            note: item.note.clone(),
        }
    }
}

/// Which answer an accept takes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "kebab-case")]
pub enum Pick {
    /// The top-ranked suggestion.
    #[default]
    Top,
    /// A runner-up: index into the item's `suggestions`.
    Suggestion { index: usize },
    /// Any library entry, found with the page's search.
    Entry { id: String },
}

/// One decision about one item, as the page sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Decision {
    Accept {
        #[serde(default)]
        pick: Pick,
    },
    /// Replace the choice and/or the text. `choice` must be one of the slot's
    /// allowed values when the buyer's file has a dropdown.
    Edit {
        #[serde(default)]
        choice: Option<String>,
        text: String,
    },
    Reject,
    NeedsInput {
        note: String,
    },
    /// Restore the state before the item's last decision.
    Undo,
}

/// A change to the file, with the revision the reviewer was looking at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Change {
    Item {
        key: usize,
        decision: Decision,
    },
    /// Accept every pending item of one sheet section whose top suggestion is
    /// `high` confidence.
    BulkAccept {
        sheet: String,
        #[serde(default)]
        section: Option<String>,
    },
}

/// Why a change was not applied. The server maps these onto HTTP statuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The reviewer saw revision `seen`; the file is at `current`.
    Stale {
        seen: u64,
        current: u64,
    },
    UnknownItem(usize),
    /// The decision does not fit the item (bad choice, no suggestion, ...).
    Invalid(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Stale { seen, current } => write!(
                f,
                "the review file changed (you saw revision {seen}, it is now at {current}); reload to see the newer decisions"
            ),
            Refusal::UnknownItem(key) => write!(f, "the review file has no item {key}"),
            Refusal::Invalid(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Refusal {}

/// Apply `change`, made while looking at revision `seen`. On success the
/// revision is bumped and the keys of the items that changed are returned
/// (empty for a bulk accept that found nothing to accept, which still
/// counts as a saved change so the page stays in step).
pub fn apply(
    file: &mut ReviewFile,
    seen: u64,
    change: &Change,
    library: Option<&Library>,
) -> Result<Vec<usize>, Refusal> {
    if seen != file.revision {
        return Err(Refusal::Stale {
            seen,
            current: file.revision,
        });
    }
    let changed = match change {
        Change::Item { key, decision } => {
            let item = file
                .items
                .iter_mut()
                .find(|i| i.key == *key)
                .ok_or(Refusal::UnknownItem(*key))?;
            decide(item, decision, library)?;
            vec![*key]
        }
        Change::BulkAccept { sheet, section } => bulk_accept(file, sheet, section.as_deref()),
    };
    file.revision += 1;
    Ok(changed)
}

/// Apply one decision to one item.
pub fn decide(
    item: &mut ReviewItem,
    decision: &Decision,
    library: Option<&Library>,
) -> Result<(), Refusal> {
    if let Decision::Undo = decision {
        return undo(item);
    }
    let before = Snapshot::of(item);
    match decision {
        Decision::Accept { pick } => {
            item.answer = Some(picked_answer(item, pick, library)?);
            item.status = Status::Accepted;
            item.note = None;
        }
        Decision::Edit { choice, text } => {
            item.answer = Some(edited_answer(item, choice.as_deref(), text)?);
            item.status = Status::Edited;
            item.note = None;
        }
        Decision::Reject => {
            item.answer = None;
            item.status = Status::Rejected;
            item.note = None;
        }
        Decision::NeedsInput { note } => {
            let note = note.trim();
            if note.is_empty() {
                return Err(Refusal::Invalid(
                    "say what input is needed (the note is empty)".into(),
                ));
            }
            check_len("note", note, MAX_NOTE_CHARS)?;
            item.status = Status::NeedsInput;
            item.note = Some(note.to_string());
        }
        Decision::Undo => unreachable!("handled above"),
    }
    remember(item, before);
    Ok(())
}

fn remember(item: &mut ReviewItem, before: Snapshot) {
    item.history.push(before);
    let excess = item.history.len().saturating_sub(HISTORY_LIMIT);
    item.history.drain(..excess);
}

fn undo(item: &mut ReviewItem) -> Result<(), Refusal> {
    let previous = item
        .history
        .pop()
        .ok_or_else(|| Refusal::Invalid("nothing to undo for this item".into()))?;
    item.status = previous.status;
    item.answer = previous.answer;
    item.note = previous.note;
    Ok(())
}

/// Accept every pending item of a section whose top suggestion is `high`.
/// Returns the keys accepted.
pub fn bulk_accept(file: &mut ReviewFile, sheet: &str, section: Option<&str>) -> Vec<usize> {
    let mut accepted = Vec::new();
    for item in file.items.iter_mut() {
        let in_section = item.location.sheet == sheet && item.section.as_deref() == section;
        let high = item
            .suggestions
            .first()
            .is_some_and(|s| s.confidence == Confidence::High);
        if in_section && high && item.status == Status::Suggested {
            let before = Snapshot::of(item);
            item.answer = Some(FinalAnswer::from_suggestion(&item.suggestions[0]));
            item.status = Status::Accepted;
            remember(item, before);
            accepted.push(item.key);
        }
    }
    accepted
}

fn picked_answer(
    item: &ReviewItem,
    pick: &Pick,
    library: Option<&Library>,
) -> Result<FinalAnswer, Refusal> {
    match pick {
        Pick::Top => item
            .suggestions
            .first()
            .map(FinalAnswer::from_suggestion)
            .ok_or_else(|| {
                Refusal::Invalid(
                    "this item has no suggestion to accept; search the library or edit the answer"
                        .into(),
                )
            }),
        Pick::Suggestion { index } => item
            .suggestions
            .get(*index)
            .map(FinalAnswer::from_suggestion)
            .ok_or_else(|| Refusal::Invalid(format!("this item has no suggestion #{}", index + 1))),
        Pick::Entry { id } => {
            let library = library.ok_or_else(|| {
                Refusal::Invalid("the answer library is not loaded; cannot pick an entry".into())
            })?;
            let entry = library
                .entry(id)
                .ok_or_else(|| Refusal::Invalid(format!("the library has no entry `{id}`")))?;
            Ok(FinalAnswer {
                choice: Some(entry.answer.as_str().to_string()),
                text: library.render(entry),
                entry: Some(entry.id.clone()),
            })
        }
    }
}

fn edited_answer(
    item: &ReviewItem,
    choice: Option<&str>,
    text: &str,
) -> Result<FinalAnswer, Refusal> {
    check_len("text", text, MAX_TEXT_CHARS)?;
    let choice = match choice.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(valid_choice(item, c)?),
    };
    let entry = item
        .answer
        .as_ref()
        .and_then(|a| a.entry.clone())
        .or_else(|| item.suggestions.first().map(|s| s.entry.clone()));
    Ok(FinalAnswer {
        choice,
        text: text.to_string(),
        entry,
    })
}

/// The choice in the spelling export should write: one of the dropdown's
/// values when the slot has a dropdown (matched case-insensitively), else
/// free but short.
fn valid_choice(item: &ReviewItem, choice: &str) -> Result<String, Refusal> {
    let allowed = allowed_choices(item);
    if allowed.is_empty() {
        check_len("choice", choice, MAX_CHOICE_CHARS)?;
        return Ok(Answer::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(choice))
            .map(|a| a.as_str().to_string())
            .unwrap_or_else(|| choice.to_string()));
    }
    allowed
        .iter()
        .find(|a| a.trim().eq_ignore_ascii_case(choice))
        .cloned()
        .ok_or_else(|| {
            Refusal::Invalid(format!(
                "`{choice}` is not one of this question's allowed answers ({})",
                allowed.join(", ")
            ))
        })
}

/// The dropdown values of the item's choice slots, first-seen order, no
/// duplicates. Empty when no choice slot has a dropdown.
pub fn allowed_choices(item: &ReviewItem) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for slot in item.slots.iter().filter(|s| s.kind == SlotKind::Choice) {
        for v in &slot.allowed {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
    }
    values
}

/// What the choice dropdown should show as selected for `choice`: the
/// allowed value it maps to (`Yes` -> `Y`, `N/A` -> `Not Applicable`), or
/// the choice itself when there is no dropdown.
pub fn displayed_choice(choice: &str, allowed: &[String]) -> Option<String> {
    if allowed.is_empty() {
        return Some(choice.to_string());
    }
    let wanted = normalize(choice);
    let canonical = Answer::ALL
        .into_iter()
        .find(|a| normalize(a.as_str()) == wanted);
    allowed
        .iter()
        .find(|a| normalize(a) == wanted)
        .or_else(|| {
            let canonical = canonical?;
            allowed
                .iter()
                .find(|a| synonyms(canonical).contains(&normalize(a).as_str()))
        })
        .cloned()
}

fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Common dropdown spellings of the canonical answers, normalized.
fn synonyms(answer: Answer) -> &'static [&'static str] {
    match answer {
        Answer::Yes => &["yes", "y", "true", "compliant", "implemented"],
        Answer::No => &["no", "n", "false", "noncompliant", "notimplemented"],
        Answer::Partial => &[
            "partial",
            "partially",
            "partiallycompliant",
            "partiallyimplemented",
            "inprogress",
        ],
        Answer::NotApplicable => &["na", "notapplicable", "nonapplicable"],
    }
}

fn check_len(what: &str, value: &str, max: usize) -> Result<(), Refusal> {
    let n = value.chars().count();
    if n > max {
        return Err(Refusal::Invalid(format!(
            "the {what} is {n} characters long; at most {max} fit"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn canonical_answers_show_in_the_dropdowns_spelling() {
        let yn = allowed(&["Y", "N", "NA"]);
        assert_eq!(displayed_choice("Yes", &yn).as_deref(), Some("Y"));
        assert_eq!(displayed_choice("N/A", &yn).as_deref(), Some("NA"));
        assert_eq!(displayed_choice("Partial", &yn), None);
        let long = allowed(&["Compliant", "Partially Compliant", "Not Applicable"]);
        assert_eq!(displayed_choice("Yes", &long).as_deref(), Some("Compliant"));
        assert_eq!(
            displayed_choice("Partial", &long).as_deref(),
            Some("Partially Compliant")
        );
        assert_eq!(
            displayed_choice("N/A", &long).as_deref(),
            Some("Not Applicable")
        );
        assert_eq!(displayed_choice("Yes", &[]).as_deref(), Some("Yes"));
    }

    fn item() -> ReviewItem {
        ReviewItem {
            key: 0,
            id: None,
            question: "Is MFA enforced?".into(),
            section: None,
            location: crate::questionnaire::Location {
                sheet: "Sheet1".into(),
                cell: "B2".into(),
                row: 2,
            },
            slots: vec![],
            suggestions: vec![],
            status: Status::NoMatch,
            answer: None,
            note: None,
            history: vec![],
        }
    }

    #[test]
    fn undo_walks_back_through_a_bounded_history() {
        let mut it = item();
        let edit = |n: usize| Decision::Edit {
            choice: Some("yes".into()),
            text: format!("v{n}"),
        };
        for n in 0..HISTORY_LIMIT + 5 {
            decide(&mut it, &edit(n), None).unwrap();
        }
        assert_eq!(it.answer.as_ref().unwrap().choice.as_deref(), Some("Yes"));
        assert_eq!(it.history.len(), HISTORY_LIMIT);
        decide(&mut it, &Decision::Undo, None).unwrap();
        assert_eq!(
            it.answer.as_ref().unwrap().text,
            format!("v{}", HISTORY_LIMIT + 3)
        );
        while !it.history.is_empty() {
            decide(&mut it, &Decision::Undo, None).unwrap();
        }
        // The oldest states fell off the end: undo stops at v4, not NoMatch.
        assert_eq!(it.status, Status::Edited);
        assert_eq!(it.answer.as_ref().unwrap().text, "v4");
        assert!(decide(&mut it, &Decision::Undo, None).is_err());
    }

    #[test]
    fn accepting_without_a_suggestion_is_refused() {
        let mut it = item();
        let refusal = decide(&mut it, &Decision::Accept { pick: Pick::Top }, None).unwrap_err();
        assert!(matches!(refusal, Refusal::Invalid(_)));
        assert_eq!(it.status, Status::NoMatch);
        assert!(it.history.is_empty(), "a refused decision leaves no trace");
    }
}
