//! Rerank tantivy's candidates. BM25 alone favours long variants that repeat
//! a common word; buyers' questions are short and each content word matters,
//! so the final score blends:
//!
//! - `similarity`: weighted overlap between the question and the entry's
//!   best variant (IDF-weighted Dice), the closest "same question" signal;
//! - `coverage`: weighted share of the question's terms found anywhere in
//!   the entry (variants, keywords, topic title), synonyms at half credit;
//! - `bm25`: tantivy's score relative to the best candidate, for order.
//!
//! Generic boilerplate terms carry a fraction of their IDF weight so
//! "established, documented, approved" does not pull every policy entry up.

use std::collections::{HashMap, HashSet};

/// Weight of a generic (boilerplate) term relative to a content term.
pub const GENERIC_WEIGHT: f32 = 0.25;
/// Credit for a question term matched only through a related term.
pub const EXPANSION_CREDIT: f32 = 0.5;
/// Weight of section / sheet context terms relative to question terms.
pub const CONTEXT_WEIGHT: f32 = 0.3;

/// Blend of the three features (sums to 1).
pub const W_SIMILARITY: f32 = 0.45;
pub const W_COVERAGE: f32 = 0.40;
pub const W_BM25: f32 = 0.15;

/// The analyzed terms of one entry, for reranking and explanations.
pub struct EntryTerms {
    /// Each variant's distinct terms with their weights.
    pub variants: Vec<HashMap<String, f32>>,
    /// Every term of variants, keywords and topic title.
    pub all: HashSet<String>,
}

/// A question term with its weight.
#[derive(Clone, Debug)]
pub struct QueryTerm {
    pub text: String,
    pub raw: String,
    pub weight: f32,
    /// Related terms (text, weight) searched on its behalf.
    pub related: Vec<String>,
}

/// Features of one candidate entry.
#[derive(Clone, Debug, Default)]
pub struct Features {
    pub similarity: f32,
    pub coverage: f32,
    pub bm25: f32,
    pub best_variant: usize,
    pub matched: Vec<String>,
    pub expanded: Vec<String>,
}

impl Features {
    pub fn score(&self) -> f32 {
        W_SIMILARITY * self.similarity + W_COVERAGE * self.coverage + W_BM25 * self.bm25
    }
}

/// Compute the features of `entry` for `query` (context terms excluded from
/// coverage: they help rank, they are not what the buyer asked).
pub fn features(query: &[QueryTerm], entry: &EntryTerms, bm25_relative: f32) -> Features {
    let total: f32 = query
        .iter()
        .map(|t| t.weight)
        .sum::<f32>()
        .max(f32::EPSILON);
    let mut covered = 0.0;
    let mut matched = Vec::new();
    let mut expanded = Vec::new();
    for t in query {
        if entry.all.contains(&t.text) {
            covered += t.weight;
            matched.push(t.raw.clone());
        } else if let Some(r) = t.related.iter().find(|r| entry.all.contains(*r)) {
            covered += t.weight * EXPANSION_CREDIT;
            expanded.push(format!("{} -> {r}", t.raw));
        }
    }
    let (best_variant, similarity) = entry
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| (i, dice(query, v)))
        .fold(
            (0, 0.0f32),
            |best, cur| if cur.1 > best.1 { cur } else { best },
        );
    Features {
        similarity,
        coverage: covered / total,
        bm25: bm25_relative,
        best_variant,
        matched,
        expanded,
    }
}

/// IDF-weighted Dice overlap between the question's terms and a variant's.
/// The variant side counts its full weight, so a long variant that happens
/// to contain the question's words scores lower than one that is the same
/// question.
fn dice(query: &[QueryTerm], variant: &HashMap<String, f32>) -> f32 {
    let qweight: f32 = query.iter().map(|t| t.weight).sum();
    let vweight: f32 = variant.values().sum();
    let mut shared = 0.0;
    for t in query {
        if variant.contains_key(&t.text) {
            shared += t.weight;
        } else if t.related.iter().any(|r| variant.contains_key(r)) {
            shared += t.weight * EXPANSION_CREDIT;
        }
    }
    if qweight + vweight <= 0.0 {
        return 0.0;
    }
    2.0 * shared / (qweight + vweight)
}
