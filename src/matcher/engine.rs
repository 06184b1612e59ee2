//! [`Matcher`]: the library's index plus everything needed to rank and
//! explain. Built once per process from a loaded [`Library`].

use super::analyze::is_bigram;
use super::analyzed::AnalyzedLibrary;
use super::cache::MatcherCache;
use super::confidence;
use super::document::{documents, Document};
use super::index::{EntryIndex, Fields, SearchTerm};
use super::rank::{self, EntryTerms, Features, QueryTerm, Tuning, Variant};
use super::terms::{TermId, TermTable};
use super::{Analyzer, Confidence, Explanation, Suggestion, Vocabulary};
use crate::library::Library;
use anyhow::Result;
use std::collections::{BTreeMap, HashMap, HashSet};

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

/// The ranked candidates for one question, and whether vouch abstains.
#[derive(Clone, Debug)]
pub struct Ranking {
    /// Best first, whatever their score.
    pub candidates: Vec<Suggestion>,
    /// Why nothing is suggested (below the threshold, or out of scope).
    pub abstain: Option<String>,
}

impl Ranking {
    /// The candidates a reviewer sees: none when abstaining, else those at
    /// or above the review threshold.
    pub fn suggestions(self) -> Vec<Suggestion> {
        if self.abstain.is_some() {
            return Vec::new();
        }
        self.candidates
            .into_iter()
            .filter(|s| s.score >= confidence::REVIEW_THRESHOLD)
            .collect()
    }
}

/// Matches questions against one library.
pub struct Matcher {
    analyzer: Analyzer,
    index: EntryIndex,
    documents: Vec<Document>,
    terms: TermTable,
    /// Ranking weight of each library term, by id.
    weights: Vec<f32>,
    entries: Vec<EntryTerms>,
    /// Weight of a term no document contains: as rare as it gets.
    unseen_idf: f32,
    /// term text -> the library terms of its related groups.
    related: HashMap<String, Vec<TermId>>,
    /// Terms found mostly in AI entries: a question with none of them is
    /// not about AI.
    ai_terms: Vec<bool>,
    tuning: Tuning,
}

/// How many entries to rerank.
const RERANK: usize = 25;

impl Matcher {
    /// Analyze the library and build its index in memory.
    pub fn new(library: &Library) -> Result<Matcher> {
        Matcher::open(library, None)
    }

    /// Like [`Matcher::new`], but with a cache: reuse the analysis and index
    /// cached for this library if there is one, and cache them if not.
    pub fn open(library: &Library, cache: Option<&MatcherCache>) -> Result<Matcher> {
        let analyzer = Analyzer::new(Vocabulary::with_library(library.synonyms.as_ref())?);
        let documents = documents(library);
        if let Some((analyzed, index)) = cache.and_then(|c| c.load(&library.hash, documents.len()))
        {
            return Ok(Matcher::assemble(analyzer, documents, analyzed, index));
        }
        let (analyzed, fields) = AnalyzedLibrary::new(&documents, &analyzer);
        let index = EntryIndex::build(&fields)?;
        if let Some(cache) = cache {
            // A cache that cannot be written only costs the next run time.
            let _ = cache.store(&library.hash, &analyzed, &index);
        }
        Ok(Matcher::assemble(analyzer, documents, analyzed, index))
    }

    /// Weigh the analyzed library's terms and put the parts together.
    fn assemble(
        analyzer: Analyzer,
        documents: Vec<Document>,
        analyzed: AnalyzedLibrary,
        index: EntryIndex,
    ) -> Matcher {
        let tuning = Tuning::from_env();
        let (idf, unseen_idf) = inverse_document_frequency(&analyzed);
        let terms = analyzed.terms;
        let weights: Vec<f32> = (0..terms.len() as TermId)
            .map(|id| {
                term_weight(
                    terms.text(id),
                    terms.is_generic(id),
                    idf[id as usize],
                    &tuning,
                )
            })
            .collect();
        let entries: Vec<EntryTerms> = analyzed
            .documents
            .into_iter()
            .map(|d| {
                let variants = d
                    .variants
                    .iter()
                    .map(|v| Variant::new(v.iter().map(|&id| (id, weights[id as usize])).collect()))
                    .collect();
                EntryTerms::new(variants, d.all)
            })
            .collect();
        let related = related_map(&analyzer, &terms);
        let ai_terms = ai_terms(&documents, &entries, terms.len());
        Matcher {
            analyzer,
            index,
            documents,
            terms,
            weights,
            entries,
            unseen_idf,
            related,
            ai_terms,
            tuning,
        }
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Suggestions at or above the review threshold, best first, at most `n`.
    pub fn suggest(&self, query: &Query, n: usize) -> Result<Vec<Suggestion>> {
        Ok(self.rank(query, n)?.suggestions())
    }

    /// The top `n` library entries for a question whatever their score, and
    /// whether to abstain (for `ask --all` and `eval` diagnostics).
    pub fn rank(&self, query: &Query, n: usize) -> Result<Ranking> {
        let terms = self.query_terms(query.question);
        let hits = self
            .index
            .search(&self.search_terms(&terms, query.context))?;
        let mut candidates: Vec<(usize, f32)> = hits
            .iter()
            .enumerate()
            .map(|(e, h)| (e, h.total()))
            .filter(|c| c.1 > 0.0)
            .collect();
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(RERANK);
        let top_bm25 = candidates
            .first()
            .map(|c| c.1)
            .unwrap_or(1.0)
            .max(f32::EPSILON);
        let mut scored: Vec<(usize, Features)> = candidates
            .iter()
            .map(|&(e, bm25)| {
                (
                    e,
                    rank::features(
                        &terms,
                        &self.entries[e],
                        bm25 / top_bm25,
                        &self.tuning,
                        &self.terms,
                    ),
                )
            })
            .collect();
        // AI entries share many words with security entries ("policy",
        // "data", "incident"); when the question has no AI term, a
        // security entry is the likelier answer (dev and held-out top1 both
        // rose with this).
        let about_ai = terms
            .iter()
            .any(|t| t.id.is_some_and(|id| self.ai_terms[id as usize]));
        if !about_ai {
            for (d, f) in scored.iter_mut() {
                if self.documents[*d].is_ai() {
                    f.discount = self.tuning.ai_discount;
                }
            }
        }
        scored.sort_by(|a, b| {
            b.1.score(&self.tuning)
                .total_cmp(&a.1.score(&self.tuning))
                .then(a.0.cmp(&b.0))
        });
        let out_of_scope = scored
            .first()
            .and_then(|(d, _)| self.documents[*d].out_of_scope.clone());
        scored.retain(|(d, _)| self.documents[*d].out_of_scope.is_none());
        let candidates = self.explain(scored, n);
        let abstain = match (out_of_scope, candidates.first()) {
            (Some(reason), _) => Some(format!("out of scope: {reason}")),
            (None, None) => {
                Some("nothing in the library shares a content word with the question".to_string())
            }
            (None, Some(top)) if top.score < confidence::REVIEW_THRESHOLD => Some(format!(
                "best score {:.2} is below the review threshold {:.2}",
                top.score,
                confidence::REVIEW_THRESHOLD
            )),
            _ => None,
        };
        Ok(Ranking {
            candidates,
            abstain,
        })
    }

    /// What to search: the buyer's terms in every field they occur in (a
    /// term no field has is not searched), then their related terms and the context terms at
    /// reduced weight in the question variants only (each term once, at its
    /// best weight; sorted, so scores add up in the same order every run).
    fn search_terms(&self, terms: &[QueryTerm], context: Option<&str>) -> Vec<SearchTerm> {
        let mut search: Vec<SearchTerm> = terms
            .iter()
            .map(|t| SearchTerm {
                text: t.text.clone(),
                weight: t.weight,
                fields: t.id.map_or(Fields::NONE, |id| self.terms.fields(id)),
            })
            .collect();
        let mut secondary: BTreeMap<TermId, f32> = BTreeMap::new();
        let mut add = |id: TermId, weight: f32| {
            let in_question = self.terms.fields(id).has(Fields::QUESTION);
            if in_question && !terms.iter().any(|t| t.id == Some(id)) {
                let w = secondary.entry(id).or_default();
                *w = w.max(weight);
            }
        };
        for t in terms {
            for &r in &t.related {
                add(r, t.weight * self.tuning.expansion * 0.6);
            }
        }
        for c in context.map(|c| self.query_terms(c)).unwrap_or_default() {
            if let Some(id) = c.id {
                add(id, c.weight * self.tuning.context);
            }
        }
        search.extend(secondary.into_iter().map(|(id, weight)| SearchTerm {
            text: self.terms.text(id).to_string(),
            weight,
            fields: Fields::QUESTION,
        }));
        search
    }

    fn explain(&self, scored: Vec<(usize, Features)>, n: usize) -> Vec<Suggestion> {
        let scores: Vec<f32> = scored.iter().map(|s| s.1.score(&self.tuning)).collect();
        scored
            .into_iter()
            .take(n)
            .enumerate()
            .map(|(rank, (d, f))| {
                let doc = &self.documents[d];
                let score = scores[rank];
                let next = scores.get(rank + 1).copied().unwrap_or(0.0);
                let margin = if score > 0.0 {
                    (score - next) / score
                } else {
                    0.0
                };
                // Only the top candidate can be `high`: a better one exists for the rest.
                let (confidence, mut band_reason) =
                    confidence::band(score, f.coverage, if rank == 0 { margin } else { 0.0 })
                        .unwrap_or((
                            Confidence::Low,
                            format!(
                                "below the review threshold ({score:.2} < {:.2}): not suggested",
                                confidence::REVIEW_THRESHOLD
                            ),
                        ));
                if f.discount > 0.0 {
                    band_reason.push_str(&format!(
                        "; scored {:.0}% lower as an AI entry for a question with no AI term",
                        f.discount * 100.0
                    ));
                }
                Suggestion {
                    entry: doc.id.clone(),
                    topic: doc.topic.clone(),
                    score: round3(score),
                    confidence,
                    answer: doc.answer,
                    text: doc.text.clone(),
                    why: Explanation {
                        matched_terms: f.matched,
                        expanded_terms: f.expanded,
                        matched_variant: doc.questions[f.best_variant].clone(),
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
            .map(|t| (self.terms.id(&t.text), t))
            // A bigram the library never uses says nothing about any entry.
            .filter(|(id, t)| id.is_some() || !is_bigram(&t.text))
            .filter(|(_, t)| seen.insert(t.text.clone()))
            .map(|(id, t)| QueryTerm {
                weight: match id {
                    Some(id) => self.weights[id as usize],
                    None => term_weight(&t.text, t.generic, self.unseen_idf, &self.tuning),
                },
                related: self.related.get(&t.text).cloned().unwrap_or_default(),
                id,
                text: t.text,
                raw: t.raw,
            })
            .collect()
    }
}

/// BM25-style IDF of every term id over documents' variants, keywords and
/// titles, and the IDF of a term seen once.
fn inverse_document_frequency(library: &AnalyzedLibrary) -> (Vec<f32>, f32) {
    let mut df = vec![0usize; library.terms.len()];
    for d in &library.documents {
        for &t in &d.all {
            df[t as usize] += 1;
        }
    }
    let n = library.documents.len().max(1) as f32;
    let idf_of = |df: usize| (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
    // A term only answer texts use weighs as a term seen once, as any
    // other word the entries' variants never use.
    (
        df.into_iter().map(|d| idf_of(d.max(1))).collect(),
        idf_of(1),
    )
}

/// IDF flattened by `idf_power`, discounted for bigrams, boilerplate and bare numbers.
fn term_weight(text: &str, generic: bool, idf: f32, tuning: &Tuning) -> f32 {
    let mut weight = idf.powf(tuning.idf_power);
    if is_bigram(text) {
        weight *= tuning.bigram;
    }
    if generic || text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        weight *= tuning.generic;
    }
    weight
}

/// Per term id: used by at least two entries, 80% or more of them AI entries
/// (out-of-scope kinds not counted).
fn ai_terms(documents: &[Document], entries: &[EntryTerms], terms: usize) -> Vec<bool> {
    let mut all = vec![0u32; terms];
    let mut ai = vec![0u32; terms];
    // Out-of-scope kinds are not entries: a kind about AI product features
    // must not make "AI" count as a word of non-AI answers.
    for (d, e) in documents.iter().zip(entries) {
        if d.out_of_scope.is_some() {
            continue;
        }
        let is_ai = d.is_ai();
        for &t in &e.all {
            all[t as usize] += 1;
            ai[t as usize] += u32::from(is_ai);
        }
    }
    all.iter()
        .zip(&ai)
        .map(|(&n, &a)| n >= 2 && a * 5 >= n * 4)
        .collect()
}

/// term -> the library terms among the other single-term members of its
/// related groups (a term no document uses can match nothing).
fn related_map(analyzer: &Analyzer, table: &TermTable) -> HashMap<String, Vec<TermId>> {
    let mut map: HashMap<String, Vec<TermId>> = HashMap::new();
    for group in &analyzer.vocabulary().related {
        let terms: Vec<String> = group
            .iter()
            .filter_map(|w| {
                let t = analyzer.terms(w);
                (t.len() == 1).then(|| t[0].clone())
            })
            .collect();
        for a in &terms {
            for b in terms.iter().filter(|b| *b != a) {
                let Some(id) = table.id(b) else { continue };
                let list = map.entry(a.clone()).or_default();
                if !list.contains(&id) {
                    list.push(id);
                }
            }
        }
    }
    map
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}
