//! The library after analysis: every document's terms as ids, before any
//! weighting. Analysis is most of a cold start, so this (with the tantivy
//! index) is what the on-disk cache keeps; weights are derived on load, so
//! `VOUCH_TUNING` never needs a rebuild.

use super::document::Document;
use super::index::{Fields, IndexedFields};
use super::terms::{sorted_set, TermId, TermTable};
use super::Analyzer;
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
    /// share that analysis.
    pub fn new(
        documents: &[Document],
        analyzer: &Analyzer,
    ) -> (AnalyzedLibrary, Vec<IndexedFields>) {
        let mut library = AnalyzedLibrary::default();
        let mut fields = Vec::with_capacity(documents.len());
        for d in documents {
            let (document, f) = library.analyze(d, analyzer);
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

    fn analyze(&mut self, d: &Document, analyzer: &Analyzer) -> (AnalyzedDocument, IndexedFields) {
        let mut all = Vec::new();
        // Each text's terms as one index string, and their ids.
        let mut intern = |text: &str, field: Fields, terms: &mut TermTable| {
            let analyzed = analyzer.analyze_with_bigrams(text);
            let ids: Vec<TermId> = analyzed
                .iter()
                .map(|t| terms.intern(&t.text, t.generic, field))
                .collect();
            all.extend_from_slice(&ids);
            (join(analyzed.iter().map(|t| t.text.as_str())), ids)
        };
        let mut questions = Vec::with_capacity(d.questions.len());
        let mut variants = Vec::with_capacity(d.questions.len());
        for q in &d.questions {
            let (text, ids) = intern(q, Fields::QUESTION, &mut self.terms);
            questions.push(text);
            variants.push(sorted_set(ids));
        }
        let keywords: Vec<String> = d
            .keywords
            .iter()
            .map(|k| intern(k, Fields::KEYWORDS, &mut self.terms).0)
            .collect();
        let topic = intern(&d.title, Fields::TOPIC, &mut self.terms).0;
        let fields = IndexedFields {
            questions,
            keywords: keywords.join(" "),
            topic,
            answer: analyzer.terms(&d.text).join(" "),
        };
        let document = AnalyzedDocument {
            variants,
            all: sorted_set(all),
        };
        (document, fields)
    }
}

fn join<'a>(terms: impl Iterator<Item = &'a str>) -> String {
    terms.collect::<Vec<_>>().join(" ")
}
