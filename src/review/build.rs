//! Build a fresh review file from a questionnaire: one review item per
//! question, with the matcher's ranked suggestions and a starting status.

use super::{FinalAnswer, LibraryInfo, ReviewFile, ReviewItem, SourceInfo, Status, REVIEW_VERSION};
use crate::library::Library;
use crate::matcher::Suggestion;
use crate::matcher::{Matcher, Query};
use crate::questionnaire::{Item, Questionnaire};
use anyhow::Result;

/// How many suggestions each item keeps for the reviewer.
pub const SUGGESTIONS_PER_ITEM: usize = 5;

/// Match every item and build the review file. Item keys are `0..n` in
/// questionnaire order. Status: `prefilled` when the buyer's file already
/// holds an answer (kept as is), `suggested` when the matcher proposes
/// something (the top suggestion becomes the answer), `no-match` otherwise.
pub fn build(
    questionnaire: &Questionnaire,
    library: &Library,
    matcher: &Matcher,
    source_sha256: &str,
) -> Result<ReviewFile> {
    let all_suggestions = suggest_all(questionnaire, matcher)?;
    let mut items = Vec::with_capacity(questionnaire.items.len());
    for ((key, item), suggestions) in questionnaire.items.iter().enumerate().zip(all_suggestions) {
        let (status, answer) = if item.has_existing_answer() {
            (Status::Prefilled, None)
        } else if let Some(top) = suggestions.first() {
            (Status::Suggested, Some(FinalAnswer::from_suggestion(top)))
        } else {
            (Status::NoMatch, None)
        };
        items.push(ReviewItem {
            key,
            id: item.id.clone(),
            question: item.question.clone(),
            section: item.section.clone(),
            location: item.location.clone(),
            slots: item.slots.clone(),
            suggestions,
            status,
            answer,
            note: None,
            history: Vec::new(),
        });
    }
    let source = &questionnaire.source;
    Ok(ReviewFile {
        version: REVIEW_VERSION,
        revision: 0,
        generator: format!("vouch {}", env!("CARGO_PKG_VERSION")),
        source: SourceInfo {
            path: std::path::absolute(source)
                .unwrap_or_else(|_| source.clone())
                .display()
                .to_string(),
            format: questionnaire.format,
            sha256: source_sha256.to_string(),
        },
        library: LibraryInfo {
            label: library.label.clone(),
            hash: library.hash.clone(),
            entries: library.entries.len(),
        },
        profile: library.profile.values.clone(),
        items,
    })
}

/// Suggestions for every item, in item order. Matching is most of an
/// import's time and each question is independent, so the items are split
/// across the machine's cores.
fn suggest_all(questionnaire: &Questionnaire, matcher: &Matcher) -> Result<Vec<Vec<Suggestion>>> {
    let items = &questionnaire.items;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    if threads == 1 || items.len() < 16 {
        return items.iter().map(|item| suggest(matcher, item)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let results: Vec<Result<Vec<Vec<Suggestion>>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|item| suggest(matcher, item)).collect())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a matching thread panicked")))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(items.len());
    for part in results {
        out.extend(part?);
    }
    Ok(out)
}

fn suggest(matcher: &Matcher, item: &Item) -> Result<Vec<Suggestion>> {
    let context = item.context();
    let query = Query {
        question: &item.question,
        context: Some(&context),
    };
    matcher.suggest(&query, SUGGESTIONS_PER_ITEM)
}
