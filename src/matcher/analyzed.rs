//! The library after analysis: every document's terms as ids, before any
//! weighting. Analysis is most of a cold start, so this (with the tantivy
//! index) is what the on-disk cache keeps; weights are derived on load, so
//! `VOUCH_TUNING` never needs a rebuild.

use super::document::Document;
use super::index::{Fields, IndexedFields};
use super::terms::{sorted_set, TermId, TermTable};
use super::{Analyzer, Term};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AnalyzedLibrary {
    pub terms: TermTable,
    /// In the order of [`super::document::documents`].
    pub documents: Vec<AnalyzedDocument>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AnalyzedDocument {
    /// Each question variant's distinct terms (with bigrams), sorted.
    pub variants: Vec<Vec<TermId>>,
    /// Terms of variants, keywords and the topic title, sorted.
    pub all: Vec<TermId>,
}

impl AnalyzedLibrary {
    /// Analyze every document once; also return the index fields, which
    /// share that analysis. Text analysis (segmentation, stemming) is most
    /// of a cold start and each document is independent, so it runs on all
    /// cores; interning terms into ids is quick and stays in order.
    pub fn new(
        documents: &[Document],
        analyzer: &Analyzer,
    ) -> (AnalyzedLibrary, Vec<IndexedFields>) {
        let texts = analyze_all(documents, analyzer);
        let mut library = AnalyzedLibrary::default();
        let mut fields = Vec::with_capacity(documents.len());
        for text in texts {
            let (document, f) = library.intern(text);
            library.documents.push(document);
            fields.push(f);
        }
        (library, fields)
    }

    /// True when this (deserialized) analysis describes `documents`
    /// documents and every term id it uses exists, so ranking cannot index
    /// out of bounds on a damaged cache file.
    pub fn is_consistent(&self, documents: usize) -> bool {
        let terms = self.terms.len() as TermId;
        let valid = |ids: &[TermId]| ids.iter().all(|&id| id < terms);
        self.terms.is_consistent()
            && self.documents.len() == documents
            && self
                .documents
                .iter()
                .all(|d| valid(&d.all) && d.variants.iter().all(|v| valid(v)))
    }

    fn intern(&mut self, text: DocumentText) -> (AnalyzedDocument, IndexedFields) {
        let mut all = Vec::new();
        // Each field's terms as one index string, and their ids.
        let mut intern = |terms: &[Term], field: Fields, table: &mut TermTable| {
            let ids: Vec<TermId> = terms
                .iter()
                .map(|t| table.intern(&t.text, t.generic, field))
                .collect();
            all.extend_from_slice(&ids);
            (join(terms.iter().map(|t| t.text.as_str())), ids)
        };
        let mut questions = Vec::with_capacity(text.questions.len());
        let mut variants = Vec::with_capacity(text.questions.len());
        for q in &text.questions {
            let (joined, ids) = intern(q, Fields::QUESTION, &mut self.terms);
            questions.push(joined);
            variants.push(sorted_set(ids));
        }
        let keywords: Vec<String> = text
            .keywords
            .iter()
            .map(|k| intern(k, Fields::KEYWORDS, &mut self.terms).0)
            .collect();
        let topic = intern(&text.title, Fields::TOPIC, &mut self.terms).0;
        let fields = IndexedFields {
            questions,
            keywords: keywords.join(" "),
            topic,
            answer: self.intern_answer(&text.answer),
        };
        let document = AnalyzedDocument {
            variants,
            all: sorted_set(all),
        };
        (document, fields)
    }

    /// The answer text's terms as one index string. They are interned only
    /// to record that they occur in the answer field (so a search skips
    /// answer clauses that cannot match); they do not count as the entry's
    /// terms for ranking.
    fn intern_answer(&mut self, terms: &[Term]) -> String {
        for t in terms {
            self.terms.intern(&t.text, t.generic, Fields::ANSWER);
        }
        join(terms.iter().map(|t| t.text.as_str()))
    }
}

/// One document's fields as analyzed terms, before interning.
struct DocumentText {
    questions: Vec<Vec<Term>>,
    keywords: Vec<Vec<Term>>,
    title: Vec<Term>,
    answer: Vec<Term>,
}

impl DocumentText {
    fn new(d: &Document, analyzer: &Analyzer) -> DocumentText {
        let with_bigrams = |texts: &[String]| {
            texts
                .iter()
                .map(|t| analyzer.analyze_with_bigrams(t))
                .collect()
        };
        DocumentText {
            questions: with_bigrams(&d.questions),
            keywords: with_bigrams(&d.keywords),
            title: analyzer.analyze_with_bigrams(&d.title),
            answer: analyzer.analyze(&d.text),
        }
    }
}

/// Every document's text analyzed, in order, split across the cores.
fn analyze_all(documents: &[Document], analyzer: &Analyzer) -> Vec<DocumentText> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let chunk = documents.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = documents
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|d| DocumentText::new(d, analyzer))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("text analysis does not panic"))
            .collect()
    })
}

fn join<'a>(terms: impl Iterator<Item = &'a str>) -> String {
    terms.collect::<Vec<_>>().join(" ")
}
