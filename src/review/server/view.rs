//! What the page receives: the review file's items plus the few facts the
//! page would otherwise have to work out (allowed choices, stale entries,
//! whether undo is possible, whether the answer differs from the top
//! suggestion).

use super::Store;
use crate::matcher::Suggestion;
use crate::questionnaire::AnswerSlot;
use crate::review::decide::{allowed_choices, displayed_choice};
use crate::review::{FinalAnswer, ReviewFile, ReviewItem, Status};
use serde::Serialize;

/// The whole review, for the first load and after a refused write.
#[derive(Serialize)]
pub struct ReviewView<'a> {
    pub revision: u64,
    /// The buyer's file name, for the page title.
    pub title: String,
    pub source: &'a str,
    pub format: &'static str,
    pub library: &'a str,
    pub warnings: &'a [String],
    pub can_search: bool,
    pub items: Vec<ItemView<'a>>,
}

/// One item as the page shows it.
#[derive(Serialize)]
pub struct ItemView<'a> {
    pub key: usize,
    pub id: Option<&'a str>,
    pub question: &'a str,
    pub section: Option<&'a str>,
    pub sheet: &'a str,
    pub cell: &'a str,
    pub slots: &'a [AnswerSlot],
    pub status: Status,
    pub answer: Option<&'a FinalAnswer>,
    /// The answer's choice in the dropdown's spelling (`Yes` -> `Y`).
    pub shown_choice: Option<String>,
    pub note: Option<&'a str>,
    pub suggestions: Vec<SuggestionView<'a>>,
    /// Dropdown values of the choice slots; empty means free choice.
    pub allowed: Vec<String>,
    pub can_undo: bool,
    /// The answer is not what the top suggestion proposed.
    pub changed: bool,
}

/// A suggestion plus whether its entry is past its review date.
#[derive(Serialize)]
pub struct SuggestionView<'a> {
    #[serde(flatten)]
    pub suggestion: &'a Suggestion,
    pub stale: bool,
    /// When the entry was last reviewed (from the current library).
    pub reviewed: Option<String>,
}

pub fn review<'a>(file: &'a ReviewFile, store: &'a Store) -> ReviewView<'a> {
    let title = std::path::Path::new(&file.source.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.source.path.clone());
    ReviewView {
        revision: file.revision,
        title,
        source: &file.source.path,
        format: file.source.format.extension(),
        library: &file.library.label,
        warnings: store.warnings(),
        can_search: store.can_search(),
        items: file.items.iter().map(|i| item(i, store)).collect(),
    }
}

pub fn item<'a>(item: &'a ReviewItem, store: &'a Store) -> ItemView<'a> {
    let allowed = allowed_choices(item);
    let shown_choice = item
        .answer
        .as_ref()
        .and_then(|a| a.choice.as_deref())
        .and_then(|c| displayed_choice(c, &allowed));
    ItemView {
        key: item.key,
        id: item.id.as_deref(),
        question: &item.question,
        section: item.section.as_deref(),
        sheet: &item.location.sheet,
        cell: &item.location.cell,
        slots: &item.slots,
        status: item.status,
        answer: item.answer.as_ref(),
        shown_choice,
        note: item.note.as_deref(),
        suggestions: item
            .suggestions
            .iter()
            .map(|s| suggestion(s, store))
            .collect(),
        allowed,
        can_undo: !item.history.is_empty(),
        changed: is_changed(item),
    }
}

pub fn suggestion<'a>(s: &'a Suggestion, store: &Store) -> SuggestionView<'a> {
    SuggestionView {
        suggestion: s,
        stale: store.is_stale(&s.entry),
        reviewed: store
            .library()
            .and_then(|l| l.entry(&s.entry))
            .map(|e| e.reviewed.to_string()),
    }
}

fn is_changed(item: &ReviewItem) -> bool {
    match (item.status, &item.answer, item.suggestions.first()) {
        (Status::Edited, _, _) => true,
        (Status::Accepted, Some(answer), Some(top)) => answer.entry.as_deref() != Some(&top.entry),
        (Status::Accepted, Some(_), None) => true,
        _ => false,
    }
}
