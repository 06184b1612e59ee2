//! Decide what export writes: which review items, and what goes into each of
//! their answer slots. Format-independent; the writers only carry it out.
//!
//! Rules (README "Export"):
//! - Written: `accepted` and `edited` items; with `--include-unreviewed`
//!   also `suggested` ones. Never `rejected`, `needs-input`, `no-match` or
//!   `prefilled` (the buyer's file already held an answer).
//! - A choice slot gets the canonical answer mapped onto its allowed values
//!   ([`super::choice`]); with no dropdown, the canonical word. When nothing
//!   fits, the slot stays empty and the item is reported.
//! - The first text slot gets the narrative. When no choice slot received
//!   the answer (there is none, or its list did not fit), the text starts
//!   with the choice: `"Yes. ..."`.
//! - A slot that already holds something is never overwritten.

use super::{choice, SlotWrite};
use crate::library::Profile;
use crate::questionnaire::{AnswerSlot, SlotKind};
use crate::review::{FinalAnswer, ReviewFile, ReviewItem, Status};
use std::fmt;

/// An item (or one slot of it) that export leaves empty, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub item: usize,
    pub sheet: String,
    /// The question's cell, or the slot's target for slot-level reasons.
    pub cell: String,
    /// The buyer's question id, when the file has one.
    pub id: Option<String>,
    pub reason: SkipReason,
}

/// Why something was not written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A pending suggestion, and `--include-unreviewed` was not given.
    NotReviewed,
    Rejected,
    NeedsInput,
    NoMatch,
    /// The buyer's file already answered it.
    Prefilled,
    /// The item has no answer to write (e.g. edited to nothing).
    NoAnswer,
    /// No allowed value of a choice slot fits the answer.
    NoFit {
        answer: String,
        allowed: Vec<String>,
    },
    /// The slot already holds a value; it is kept.
    SlotHasValue,
    /// The text still has `{{placeholders}}` the profile does not define.
    UnresolvedPlaceholder(Vec<String>),
}

impl SkipReason {
    /// A short label to group the export summary by.
    pub fn label(&self) -> String {
        match self {
            SkipReason::NotReviewed => {
                "not reviewed yet (add --include-unreviewed to write suggestions)".into()
            }
            SkipReason::Rejected => "rejected by the reviewer".into(),
            SkipReason::NeedsInput => "needs input".into(),
            SkipReason::NoMatch => "no match in the library".into(),
            SkipReason::Prefilled => "already answered in the buyer's file".into(),
            SkipReason::NoAnswer => "no answer to write".into(),
            SkipReason::NoFit { allowed, .. } => {
                let kind = if choice::is_answer_list(allowed) {
                    "the answer is not among"
                } else {
                    "not a yes/no list:"
                };
                format!("choice left empty, {kind} {}", allowed.join(" / "))
            }
            SkipReason::SlotHasValue => "the answer cell already holds a value (kept)".into(),
            SkipReason::UnresolvedPlaceholder(keys) => format!(
                "text left empty, unresolved placeholder {}",
                keys.iter()
                    .map(|k| format!("{{{{{k}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}!{}", self.sheet, self.cell)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        if let SkipReason::NoFit { answer, .. } = &self.reason {
            write!(f, ": {answer}")?;
        }
        Ok(())
    }
}

/// Which slots receive what. Writes come in item order, slots in the
/// item's slot order.
pub fn plan(review: &ReviewFile, include_unreviewed: bool) -> (Vec<SlotWrite>, Vec<Skipped>) {
    let profile = Profile {
        values: review.profile.clone(),
    };
    let mut writes = Vec::new();
    let mut skipped = Vec::new();
    for item in &review.items {
        match answer_to_write(item, include_unreviewed) {
            Ok(answer) => plan_item(item, &answer, &profile, &mut writes, &mut skipped),
            Err(reason) => skipped.push(skip(item, &item.location.cell, reason)),
        }
    }
    (writes, skipped)
}

/// The answer export writes for an item, or why there is none.
fn answer_to_write(item: &ReviewItem, include_unreviewed: bool) -> Result<FinalAnswer, SkipReason> {
    let reviewed = match item.status {
        Status::Accepted | Status::Edited => true,
        Status::Suggested if include_unreviewed => false,
        Status::Suggested => return Err(SkipReason::NotReviewed),
        Status::Rejected => return Err(SkipReason::Rejected),
        Status::NeedsInput => return Err(SkipReason::NeedsInput),
        Status::NoMatch => return Err(SkipReason::NoMatch),
        Status::Prefilled => return Err(SkipReason::Prefilled),
    };
    let answer = match (&item.answer, item.suggestions.first()) {
        (Some(a), _) => a.clone(),
        // Accepting (or leaving pending) without an explicit answer means the top suggestion.
        (None, Some(top)) if reviewed || item.status == Status::Suggested => {
            FinalAnswer::from_suggestion(top)
        }
        _ => return Err(SkipReason::NoAnswer),
    };
    let empty_choice = answer.choice.as_deref().is_none_or(|c| c.trim().is_empty());
    if empty_choice && answer.text.trim().is_empty() {
        return Err(SkipReason::NoAnswer);
    }
    Ok(answer)
}

fn plan_item(
    item: &ReviewItem,
    answer: &FinalAnswer,
    profile: &Profile,
    writes: &mut Vec<SlotWrite>,
    skipped: &mut Vec<Skipped>,
) {
    let choice_word = answer
        .choice
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let mut choice_written = false;
    for slot in item.slots.iter().filter(|s| s.kind == SlotKind::Choice) {
        let Some(word) = choice_word else { continue };
        if has_value(slot) {
            skipped.push(skip(item, &slot.target, SkipReason::SlotHasValue));
            continue;
        }
        match choice_value(word, &slot.allowed) {
            Some(value) => {
                writes.push(slot_write(item, slot, value));
                choice_written = true;
            }
            None => skipped.push(skip(
                item,
                &slot.target,
                SkipReason::NoFit {
                    answer: word.to_string(),
                    allowed: slot.allowed.clone(),
                },
            )),
        }
    }

    let Some(slot) = item.slots.iter().find(|s| s.kind == SlotKind::Text) else {
        return;
    };
    let text = profile.render(answer.text.trim());
    let text = match choice_word {
        Some(word) if !choice_written => lead_with_choice(word, &text),
        _ => text,
    };
    if text.trim().is_empty() {
        return;
    }
    if has_value(slot) {
        skipped.push(skip(item, &slot.target, SkipReason::SlotHasValue));
        return;
    }
    let missing = profile.missing(&text);
    if !missing.is_empty() {
        let reason = SkipReason::UnresolvedPlaceholder(missing);
        skipped.push(skip(item, &slot.target, reason));
        return;
    }
    writes.push(slot_write(item, slot, text));
}

/// The value for a choice slot: the reviewer's exact pick when it is one of
/// the allowed values, else the canonical answer mapped onto them; with no
/// dropdown, the word as is.
fn choice_value(word: &str, allowed: &[String]) -> Option<String> {
    if allowed.is_empty() {
        return Some(word.to_string());
    }
    if let Some(exact) = choice::find_allowed(word, allowed) {
        return Some(exact);
    }
    let canonical = crate::library::Answer::parse(word).or_else(|| choice::canonical(word))?;
    choice::map(canonical, allowed)
}

/// `"Yes. We encrypt ..."`; just `"Yes"` when there is no narrative, and
/// the text as it is when it already starts with the word ("Yes, we ...").
fn lead_with_choice(word: &str, text: &str) -> String {
    if text.is_empty() {
        return word.to_string();
    }
    let starts_with_word = text
        .get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
        && !text[word.len()..].starts_with(char::is_alphanumeric);
    if starts_with_word {
        return text.to_string();
    }
    let sep = if word.ends_with(['.', '!', '?', ':']) {
        " "
    } else {
        ". "
    };
    format!("{word}{sep}{text}")
}

fn has_value(slot: &AnswerSlot) -> bool {
    slot.existing
        .as_deref()
        .is_some_and(|v| !v.trim().is_empty())
}

fn slot_write(item: &ReviewItem, slot: &AnswerSlot, value: String) -> SlotWrite {
    SlotWrite {
        item: item.key,
        sheet: item.location.sheet.clone(),
        target: slot.target.clone(),
        kind: slot.kind,
        value,
    }
}

fn skip(item: &ReviewItem, cell: &str, reason: SkipReason) -> Skipped {
    Skipped {
        item: item.key,
        sheet: item.location.sheet.clone(),
        cell: cell.to_string(),
        id: item.id.clone(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::{Format, Location};
    use crate::review::{LibraryInfo, SourceInfo};

    fn slot(kind: SlotKind, target: &str, allowed: &[&str]) -> AnswerSlot {
        AnswerSlot {
            kind,
            target: target.into(),
            header: None,
            allowed: allowed.iter().map(|s| s.to_string()).collect(),
            existing: None,
            planned: false,
        }
    }

    fn item(key: usize, status: Status, choice: &str, slots: Vec<AnswerSlot>) -> ReviewItem {
        ReviewItem {
            key,
            id: Some(format!("Q-{key}")),
            question: "Is data encrypted at rest?".into(),
            section: None,
            location: Location {
                sheet: "Sheet1".into(),
                cell: format!("B{}", key + 2),
                row: key as u32 + 2,
            },
            slots,
            suggestions: vec![],
            status,
            answer: Some(FinalAnswer {
                choice: Some(choice.into()),
                text: "{{company}} encrypts data at rest.".into(),
                entry: Some("encryption-at-rest".into()),
            }),
            note: None,
            history: vec![],
        }
    }

    fn review(items: Vec<ReviewItem>) -> ReviewFile {
        ReviewFile {
            version: 1,
            revision: 0,
            generator: "test".into(),
            source: SourceInfo {
                path: "/tmp/x.xlsx".into(),
                format: Format::Xlsx,
                sha256: String::new(),
            },
            library: LibraryInfo {
                label: "test".into(),
                hash: String::new(),
                entries: 0,
            },
            profile: [("company".to_string(), "Acme AI".to_string())].into(),
            items,
        }
    }

    fn caiq_slots(row: u32) -> Vec<AnswerSlot> {
        vec![
            slot(SlotKind::Choice, &format!("C{row}"), &["Yes", "No", "NA"]),
            slot(
                SlotKind::Choice,
                &format!("D{row}"),
                &["CSP-owned", "CSC-owned", "Shared CSP and CSC"],
            ),
            slot(SlotKind::Text, &format!("E{row}"), &[]),
        ]
    }

    #[test]
    fn statuses_decide_what_is_written() {
        let statuses = [
            Status::Accepted,
            Status::Edited,
            Status::Suggested,
            Status::Rejected,
            Status::NeedsInput,
            Status::NoMatch,
            Status::Prefilled,
        ];
        let items = statuses
            .iter()
            .enumerate()
            .map(|(k, s)| item(k, *s, "Yes", caiq_slots(k as u32 + 3)))
            .collect();
        let r = review(items);
        let written_items = |include| {
            let (w, _) = plan(&r, include);
            let mut keys: Vec<usize> = w.iter().map(|w| w.item).collect();
            keys.dedup();
            keys
        };
        assert_eq!(written_items(false), vec![0, 1]);
        assert_eq!(written_items(true), vec![0, 1, 2]);
        let (_, skipped) = plan(&r, false);
        let reasons: Vec<_> = skipped.iter().filter(|s| s.cell.starts_with('B')).collect();
        assert_eq!(reasons.len(), 5);
        assert_eq!(reasons[0].reason, SkipReason::NotReviewed);
        assert_eq!(reasons[4].reason, SkipReason::Prefilled);
    }

    #[test]
    fn caiq_row_gets_choice_and_text_but_not_ownership() {
        let r = review(vec![item(0, Status::Accepted, "N/A", caiq_slots(3))]);
        let (w, skipped) = plan(&r, false);
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].target.as_str(), w[0].value.as_str()), ("C3", "NA"));
        assert_eq!(
            (w[1].target.as_str(), w[1].value.as_str()),
            ("E3", "Acme AI encrypts data at rest.")
        );
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].cell, "D3");
        assert!(skipped[0].reason.label().contains("not a yes/no list"));
    }

    #[test]
    fn text_only_row_starts_with_the_choice() {
        let slots = vec![slot(SlotKind::Text, "C5", &[])];
        let r = review(vec![item(0, Status::Accepted, "Yes", slots)]);
        let (w, _) = plan(&r, false);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].value, "Yes. Acme AI encrypts data at rest.");
    }

    #[test]
    fn the_choice_is_not_repeated_when_the_text_starts_with_it() {
        assert_eq!(lead_with_choice("Yes", "Yes, always."), "Yes, always.");
        assert_eq!(lead_with_choice("Yes", "yes. Always."), "yes. Always.");
        assert_eq!(lead_with_choice("No", "None of it."), "No. None of it.");
        assert_eq!(
            lead_with_choice("N/A", "N/A: no hardware."),
            "N/A: no hardware."
        );
        assert_eq!(lead_with_choice("Partial", ""), "Partial");
    }

    #[test]
    fn unmapped_choice_is_reported_and_the_text_carries_it() {
        let slots = vec![
            slot(SlotKind::Choice, "C5", &["Y", "N"]),
            slot(SlotKind::Text, "D5", &[]),
        ];
        let r = review(vec![item(0, Status::Edited, "Partial", slots)]);
        let (w, skipped) = plan(&r, false);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].value, "Partial. Acme AI encrypts data at rest.");
        assert!(matches!(skipped[0].reason, SkipReason::NoFit { .. }));
        assert!(skipped[0].reason.label().contains("not among Y / N"));
    }

    #[test]
    fn choice_without_dropdown_gets_the_word_and_exact_picks_are_kept() {
        let slots = vec![slot(SlotKind::Choice, "C5", &[])];
        let r = review(vec![item(0, Status::Accepted, "N/A", slots)]);
        assert_eq!(plan(&r, false).0[0].value, "N/A");
        let slots = vec![slot(
            SlotKind::Choice,
            "D5",
            &["CSP-owned", "Shared CSP and CSC"],
        )];
        let r = review(vec![item(0, Status::Edited, "shared csp and csc", slots)]);
        assert_eq!(plan(&r, false).0[0].value, "Shared CSP and CSC");
    }

    #[test]
    fn existing_values_and_placeholders_are_not_written() {
        let mut slots = caiq_slots(3);
        slots[0].existing = Some("No".into());
        let mut it = item(0, Status::Accepted, "Yes", slots);
        it.answer.as_mut().unwrap().text = "Hosted in {{region}}.".into();
        let (w, skipped) = plan(&review(vec![it]), false);
        assert!(w.is_empty());
        let reasons: Vec<_> = skipped.iter().map(|s| s.reason.clone()).collect();
        assert!(reasons.contains(&SkipReason::SlotHasValue));
        assert!(reasons.contains(&SkipReason::UnresolvedPlaceholder(vec!["region".into()])));
    }
}
