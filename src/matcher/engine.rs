//! [`Matcher`]: the library's index plus everything needed to rank and
//! explain. Built once per process from a loaded [`Library`].

use super::confidence;
use super::index::EntryIndex;
use super::rank::{self, EntryTerms, QueryTerm, Tuning};
use super::analyze::is_bigram;
use super::{Analyzer, Explanation, Suggestion, Vocabulary};
use crate::library::{Answer, Library};
use anyhow::Result;
use std::collections::{HashMap, HashSet};

/// A question to match, with optional context (section, sheet name).
#[derive(Clone, Copy, Debug, Default)]
pub struct Query<'a> {
    pub question: &'a str,
    pub context: Option<&'a str>,
}

impl<'a> Query<'a> {
    pub fn new(question: &'a str) -> Query<'a> {
        Query {
            question,
            context: None,
        }
    }
}

struct IndexedEntry {
    id: String,
    topic: String,
    answer: Answer,
    text: String,
    questions: Vec<String>,
    terms: EntryTerms,
}

/// Matches questions against one library.
pub struct Matcher {
    analyzer: Analyzer,
    index: EntryIndex,
    entries: Vec<IndexedEntry>,
    idf: HashMap<String, f32>,
    /// Weight for a term no entry contains: as rare as it gets.
    unseen_idf: f32,
    related: HashMap<String, Vec<String>>,
    tuning: Tuning,
}

/// How many tantivy documents to pull before reranking.
const CANDIDATE_DOCS: usize = 400;
/// How many entries to rerank.
const RERANK: usize = 25;

impl Matcher {
    pub fn new(library: &Library) -> Result<Matcher> {
        let tuning = Tuning::from_env();
        let analyzer = Analyzer::new(Vocabulary::with_library(library.synonyms.as_ref())?);
        let index = EntryIndex::build(library, &analyzer)?;
        let mut raw: Vec<(Vec<Vec<crate::matcher::Term>>, HashSet<String>)> = Vec::new();
        let mut df: HashMap<String, usize> = HashMap::new();
        for e in &library.entries {
            let variants: Vec<Vec<crate::matcher::Term>> =
                e.questions.iter().map(|q| analyzer.analyze_with_bigrams(q)).collect();
            let title = library
                .topic(&e.topic)
                .map(|t| t.title.as_str())
                .unwrap_or_default();
            let mut all: HashSet<String> =
                variants.iter().flatten().map(|t| t.text.clone()).collect();
            for phrase in e.keywords.iter().map(String::as_str).chain([title]) {
                all.extend(analyzer.analyze_with_bigrams(phrase).into_iter().map(|t| t.text));
            }
            for t in &all {
                *df.entry(t.clone()).or_default() += 1;
            }
            raw.push((variants, all));
        }
        let n = library.entries.len().max(1) as f32;
        let idf_of = |df: usize| (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
        let idf: HashMap<String, f32> = df.iter().map(|(t, &d)| (t.clone(), idf_of(d))).collect();
        let unseen_idf = idf_of(1);
        let entries = library
            .entries
            .iter()
            .zip(raw)
            .map(|(e, (variants, all))| IndexedEntry {
                id: e.id.clone(),
                topic: e.topic.clone(),
                answer: e.answer,
                text: library.render(e),
                questions: e.questions.clone(),
                terms: EntryTerms {
                    variants: variants
                        .iter()
                        .map(|v| {
                            v.iter()
                                .map(|t| (t.text.clone(), term_weight(t, &idf, unseen_idf, &tuning)))
                                .collect()
                        })
                        .collect(),
                    all,
                },
            })
            .collect();
        let related = related_map(&analyzer);
        Ok(Matcher {
            analyzer,
            index,
            entries,
            idf,
            unseen_idf,
            related,
            tuning,
        })
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Suggestions at or above the review threshold, best first, at most `n`.
    pub fn suggest(&self, query: &Query, n: usize) -> Result<Vec<Suggestion>> {
        Ok(self
            .rank(query, n)?
            .into_iter()
            .filter(|s| s.score >= confidence::REVIEW_THRESHOLD)
            .collect())
    }

    /// The top `n` candidates whatever their score (for `ask` and `eval`
    /// diagnostics); candidates under the threshold have band `low` and say so.
    pub fn rank(&self, query: &Query, n: usize) -> Result<Vec<Suggestion>> {
        let terms = self.query_terms(query.question);
        let context = query
            .context
            .map(|c| self.query_terms(c))
            .unwrap_or_default();
        let mut weighted: Vec<(String, f32)> = Vec::new();
        for t in &terms {
            weighted.push((t.text.clone(), t.weight));
            for r in &t.related {
                weighted.push((r.clone(), t.weight * self.tuning.expansion * 0.6));
            }
        }
        weighted.extend(
            context
                .iter()
                .filter(|c| !terms.iter().any(|t| t.text == c.text))
                .map(|c| (c.text.clone(), c.weight * self.tuning.context)),
        );
        let hits = self.index.search(&weighted, CANDIDATE_DOCS)?;
        let mut candidates: Vec<(usize, f32)> = hits.iter().map(|(&e, h)| (e, h.total())).collect();
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(RERANK);
        let top_bm25 = candidates
            .first()
            .map(|c| c.1)
            .unwrap_or(1.0)
            .max(f32::EPSILON);
        let mut scored: Vec<(usize, rank::Features)> = candidates
            .iter()
            .map(|&(e, bm25)| {
                (
                    e,
                    rank::features(&terms, &self.entries[e].terms, bm25 / top_bm25, &self.tuning),
                )
            })
            .collect();
        scored.sort_by(|a, b| b.1.score(&self.tuning).total_cmp(&a.1.score(&self.tuning)).then(a.0.cmp(&b.0)));
        Ok(self.explain(scored, n))
    }

    fn explain(&self, scored: Vec<(usize, rank::Features)>, n: usize) -> Vec<Suggestion> {
        let scores: Vec<f32> = scored.iter().map(|s| s.1.score(&self.tuning)).collect();
        scored
            .into_iter()
            .take(n)
            .enumerate()
            .map(|(rank, (e, f))| {
                let entry = &self.entries[e];
                let score = scores[rank];
                let next = scores.get(rank + 1).copied().unwrap_or(0.0);
                let margin = if score > 0.0 {
                    (score - next) / score
                } else {
                    0.0
                };
                // Only the top candidate can be `high`: a better one exists for the rest.
                let margin_for_band = if rank == 0 { margin } else { 0.0 };
                let (confidence, band_reason) = confidence::band(score, f.coverage, margin_for_band)
                    .unwrap_or((
                        super::Confidence::Low,
                        format!(
                            "below the review threshold ({:.2} < {:.2}): not suggested",
                            score,
                            confidence::REVIEW_THRESHOLD
                        ),
                    ));
                Suggestion {
                    entry: entry.id.clone(),
                    topic: entry.topic.clone(),
                    score: round3(score),
                    confidence,
                    answer: entry.answer,
                    text: entry.text.clone(),
                    why: Explanation {
                        matched_terms: f.matched,
                        expanded_terms: f.expanded,
                        matched_variant: entry.questions[f.best_variant].clone(),
                        coverage: round3(f.coverage),
                        margin: round3(margin),
                        band_reason,
                    },
                }
            })
            .collect()
    }

    /// Analyze a question into weighted, de-duplicated terms with expansions.
    fn query_terms(&self, text: &str) -> Vec<QueryTerm> {
        let mut seen = HashSet::new();
        self.analyzer
            .analyze_with_bigrams(text)
            .into_iter()
            // A bigram the library never uses says nothing about any entry.
            .filter(|t| !is_bigram(&t.text) || self.idf.contains_key(&t.text))
            .filter(|t| seen.insert(t.text.clone()))
            .map(|t| QueryTerm {
                weight: term_weight(&t, &self.idf, self.unseen_idf, &self.tuning),
                related: self.related.get(&t.text).cloned().unwrap_or_default(),
                text: t.text,
                raw: t.raw,
            })
            .collect()
    }
}

fn term_weight(t: &crate::matcher::Term, idf: &HashMap<String, f32>, unseen: f32, tuning: &Tuning) -> f32 {
    let mut base = idf.get(&t.text).copied().unwrap_or(unseen);
    if is_bigram(&t.text) {
        base *= tuning.bigram;
    }
    if t.generic {
        base * tuning.generic
    } else {
        base
    }
}

/// term -> the other single-term members of its related groups.
fn related_map(analyzer: &Analyzer) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for group in &analyzer.vocabulary().related {
        let terms: Vec<String> = group
            .iter()
            .filter_map(|w| {
                let t = analyzer.terms(w);
                (t.len() == 1).then(|| t[0].clone())
            })
            .collect();
        for a in &terms {
            for b in &terms {
                if a != b {
                    let list = map.entry(a.clone()).or_default();
                    if !list.contains(b) {
                        list.push(b.clone());
                    }
                }
            }
        }
    }
    map
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}
