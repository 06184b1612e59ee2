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

use super::terms::{weight_in, TermId, TermTable};

/// Every ranking weight in one place. The defaults were chosen by `vouch
/// eval` runs on the dev set (README, "Matching accuracy"); `VOUCH_TUNING`
/// (`w_sim=0.5,generic=0.2,...`) overrides them for calibration runs only.
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    /// Weight of a generic (boilerplate) term relative to a content term.
    pub generic: f32,
    /// Credit for a question term matched only through a related term.
    pub expansion: f32,
    /// Weight of section / sheet context terms relative to question terms.
    pub context: f32,
    /// Term weight is IDF^idf_power: below 1 it flattens IDF so a rare
    /// incidental word ("12 months") cannot outweigh a common domain word
    /// ("AI") the buyer also wrote.
    pub idf_power: f32,
    /// Weight of a bigram term relative to its IDF.
    pub bigram: f32,
    /// Score discount of an AI entry when the question has no AI term.
    pub ai_discount: f32,
    /// Blend of the three features.
    pub w_sim: f32,
    pub w_cov: f32,
    pub w_bm25: f32,
    pub w_cent: f32,
}

impl Default for Tuning {
    /// Chosen by random search over these parameters with `vouch eval` on
    /// the dev set (README, "Matching accuracy"); feature weights sum to 1
    /// so scores stay in 0..1.
    fn default() -> Self {
        Tuning {
            generic: 0.5,
            expansion: 0.4,
            context: 0.3,
            idf_power: 0.4,
            bigram: 0.1,
            ai_discount: 0.1,
            w_sim: 0.335,
            w_cov: 0.20,
            w_bm25: 0.08,
            w_cent: 0.385,
        }
    }
}

impl Tuning {
    /// Defaults, with `VOUCH_TUNING` overrides applied.
    pub fn from_env() -> Tuning {
        let mut t = Tuning::default();
        let spec = std::env::var("VOUCH_TUNING").unwrap_or_default();
        for (key, value) in spec.split(',').filter_map(|kv| kv.split_once('=')) {
            let Ok(v) = value.trim().parse::<f32>() else {
                continue;
            };
            match key.trim() {
                "generic" => t.generic = v,
                "expansion" => t.expansion = v,
                "context" => t.context = v,
                "bigram" => t.bigram = v,
                "ai_discount" => t.ai_discount = v,
                "idf_power" => t.idf_power = v,
                "w_sim" => t.w_sim = v,
                "w_cov" => t.w_cov = v,
                "w_bm25" => t.w_bm25 = v,
                "w_cent" => t.w_cent = v,
                _ => {}
            }
        }
        t
    }
}

/// One question variant of an entry: its distinct terms with their
/// weights, sorted by term id, and the sum of those weights.
pub struct Variant {
    pub terms: Vec<(TermId, f32)>,
    pub weight: f32,
}

impl Variant {
    pub fn new(terms: Vec<(TermId, f32)>) -> Variant {
        let weight = terms.iter().map(|t| t.1).sum();
        Variant { terms, weight }
    }

    fn contains(&self, id: TermId) -> bool {
        weight_in(&self.terms, id).is_some()
    }
}

/// The analyzed terms of one entry, for reranking and explanations.
pub struct EntryTerms {
    pub variants: Vec<Variant>,
    /// Every term of variants, keywords and topic title, sorted.
    pub all: Vec<TermId>,
    /// Unit-length mean of the variants' weighted term vectors, sorted by
    /// term id: terms that recur across an entry's variants define it more
    /// than a word used once.
    pub centroid: Vec<(TermId, f32)>,
}

impl EntryTerms {
    pub fn new(variants: Vec<Variant>, all: Vec<TermId>) -> EntryTerms {
        // Every (term, weight) of every variant, sorted by term (stable, so
        // each term's weights add up in variant order), then summed per term.
        let mut all_terms: Vec<(TermId, f32)> = variants
            .iter()
            .flat_map(|v| v.terms.iter().copied())
            .collect();
        all_terms.sort_by_key(|t| t.0);
        let mut centroid: Vec<(TermId, f32)> = Vec::with_capacity(all_terms.len());
        for (term, w) in all_terms {
            match centroid.last_mut() {
                Some(last) if last.0 == term => last.1 += w,
                _ => centroid.push((term, w)),
            }
        }
        let norm = centroid
            .iter()
            .map(|c| c.1 * c.1)
            .sum::<f32>()
            .sqrt()
            .max(f32::EPSILON);
        centroid.iter_mut().for_each(|c| c.1 /= norm);
        EntryTerms {
            variants,
            all,
            centroid,
        }
    }

    fn has(&self, id: TermId) -> bool {
        self.all.binary_search(&id).is_ok()
    }
}

/// A question term with its weight.
#[derive(Clone, Debug)]
pub struct QueryTerm {
    /// `None` when no library document uses the term: it can match nothing.
    pub id: Option<TermId>,
    pub text: String,
    pub raw: String,
    pub weight: f32,
    /// Related library terms searched on its behalf.
    pub related: Vec<TermId>,
}

/// Features of one candidate entry.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Share of the score taken off (an AI entry for a question with no AI
    /// words).
    pub discount: f32,
    pub similarity: f32,
    pub centroid: f32,
    pub coverage: f32,
    pub bm25: f32,
    pub best_variant: usize,
    pub matched: Vec<String>,
    pub expanded: Vec<String>,
}

impl Features {
    pub fn score(&self, t: &Tuning) -> f32 {
        (t.w_sim * self.similarity
            + t.w_cov * self.coverage
            + t.w_bm25 * self.bm25
            + t.w_cent * self.centroid)
            * (1.0 - self.discount)
    }
}

/// Compute the features of `entry` for `query` (context terms excluded from
/// coverage: they help rank, they are not what the buyer asked).
pub fn features(
    query: &[QueryTerm],
    entry: &EntryTerms,
    bm25_relative: f32,
    t: &Tuning,
    table: &TermTable,
) -> Features {
    let qweight: f32 = query.iter().map(|t| t.weight).sum();
    let mut covered = 0.0;
    let mut matched = Vec::new();
    let mut expanded = Vec::new();
    // Only terms the entry contains (directly or through a related term)
    // can match one of its variants: most of a question's terms are not in
    // a given entry, and this loop runs for every variant of 25 candidates.
    let mut present: Vec<&QueryTerm> = Vec::new();
    for term in query {
        if term.id.is_some_and(|id| entry.has(id)) {
            covered += term.weight;
            matched.push(term.raw.clone());
            present.push(term);
        } else if let Some(&r) = term.related.iter().find(|&&r| entry.has(r)) {
            covered += term.weight * t.expansion;
            expanded.push(format!("{} -> {}", term.raw, table.text(r)));
            present.push(term);
        }
    }
    // The first variant with the highest overlap.
    let (best_variant, similarity) = entry
        .variants
        .iter()
        .map(|v| dice(&present, qweight, v, t.expansion))
        .enumerate()
        .fold(
            (0, 0.0),
            |best, (i, s)| if s > best.1 { (i, s) } else { best },
        );
    let qnorm = query
        .iter()
        .map(|t| t.weight * t.weight)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    let centroid = query
        .iter()
        .filter_map(|q| Some(q.weight * weight_in(&entry.centroid, q.id?)?))
        .sum::<f32>()
        / qnorm;
    Features {
        discount: 0.0,
        similarity,
        centroid,
        coverage: covered / qweight.max(f32::EPSILON),
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
/// `present` are the question's terms the entry contains, `qweight` the
/// weight of all its terms.
fn dice(present: &[&QueryTerm], qweight: f32, variant: &Variant, expansion: f32) -> f32 {
    let vweight = variant.weight;
    let mut shared = 0.0;
    for t in present {
        if t.id.is_some_and(|id| variant.contains(id)) {
            shared += t.weight;
        } else if t.related.iter().any(|&r| variant.contains(r)) {
            shared += t.weight * expansion;
        }
    }
    if qweight + vweight <= 0.0 {
        return 0.0;
    }
    2.0 * shared / (qweight + vweight)
}
