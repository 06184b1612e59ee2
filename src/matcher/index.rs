//! The tantivy index over the library: one document per question variant
//! (field `question`) and one per entry (fields `keywords`, `topic`,
//! `answer`), all pre-analyzed by [`Analyzer`] and stored space-separated
//! with a whitespace tokenizer so tantivy sees exactly our terms.

use super::document::Document;
use super::Analyzer;
use anyhow::{Context, Result};
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

/// Field boosts: a variant is the buyer's question asked another way, so it
/// weighs most; keywords and the topic title are curated signals; the answer
/// text is long and generic, so it only breaks ties.
pub const BOOST_QUESTION: f32 = 1.0;
pub const BOOST_KEYWORDS: f32 = 0.6;
pub const BOOST_TOPIC: f32 = 0.5;
pub const BOOST_ANSWER: f32 = 0.15;

const TOKENIZER: &str = "vouch_terms";
/// Marks an entry-level document in the `variant` field.
const ENTRY_DOC: u64 = u64::MAX;

pub struct EntryIndex {
    reader: IndexReader,
    entry: Field,
    variant: Field,
    question: Field,
    keywords: Field,
    topic: Field,
    answer: Field,
}

/// Per-entry scores from one search.
#[derive(Clone, Debug, Default)]
pub struct Hit {
    /// Best question-variant score and which variant it was.
    pub variant_score: f32,
    pub variant: usize,
    /// Score of the entry document (keywords, topic, answer text).
    pub entry_score: f32,
}

impl Hit {
    pub fn total(&self) -> f32 {
        self.variant_score + self.entry_score
    }
}

impl EntryIndex {
    pub fn build(documents: &[Document], analyzer: &Analyzer) -> Result<EntryIndex> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let entry = schema.add_u64_field("entry", STORED | FAST);
        let variant = schema.add_u64_field("variant", STORED | FAST);
        let question = schema.add_text_field("question", text.clone());
        let keywords = schema.add_text_field("keywords", text.clone());
        let topic = schema.add_text_field("topic", text.clone());
        let answer = schema.add_text_field("answer", text);
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::from(WhitespaceTokenizer::default()),
        );
        let mut writer = index
            .writer_with_num_threads(1, 50_000_000)
            .context("cannot create the search index")?;
        for (i, d) in documents.iter().enumerate() {
            let i = i as u64;
            for (v, q) in d.questions.iter().enumerate() {
                let mut doc = TantivyDocument::default();
                doc.add_u64(entry, i);
                doc.add_u64(variant, v as u64);
                doc.add_text(question, terms_with_bigrams(analyzer, q));
                writer.add_document(doc)?;
            }
            let mut doc = TantivyDocument::default();
            doc.add_u64(entry, i);
            doc.add_u64(variant, ENTRY_DOC);
            doc.add_text(keywords, analyzer.terms(&d.keywords.join(" ; ")).join(" "));
            doc.add_text(topic, analyzer.terms(&d.title).join(" "));
            doc.add_text(answer, analyzer.terms(&d.text).join(" "));
            writer.add_document(doc)?;
        }
        writer.commit().context("cannot build the search index")?;
        let reader = index.reader().context("cannot open the search index")?;
        Ok(EntryIndex {
            reader,
            entry,
            variant,
            question,
            keywords,
            topic,
            answer,
        })
    }

    /// Search weighted terms; return per-entry hits.
    pub fn search(&self, terms: &[(String, f32)], limit: usize) -> Result<HashMap<usize, Hit>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, weight) in terms {
            for (field, boost) in [
                (self.question, BOOST_QUESTION),
                (self.keywords, BOOST_KEYWORDS),
                (self.topic, BOOST_TOPIC),
                (self.answer, BOOST_ANSWER),
            ] {
                let q = TermQuery::new(
                    Term::from_field_text(field, term),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), weight * boost)),
                ));
            }
        }
        let mut hits: HashMap<usize, Hit> = HashMap::new();
        if clauses.is_empty() {
            return Ok(hits);
        }
        let searcher = self.reader.searcher();
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit).order_by_score(),
        )?;
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let get = |f: Field| {
                doc.get_first(f)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default()
            };
            let (entry, variant) = (get(self.entry) as usize, get(self.variant));
            let hit = hits.entry(entry).or_default();
            if variant == ENTRY_DOC {
                hit.entry_score = score;
            } else if score > hit.variant_score {
                hit.variant_score = score;
                hit.variant = variant as usize;
            }
        }
        Ok(hits)
    }
}

fn terms_with_bigrams(analyzer: &Analyzer, text: &str) -> String {
    analyzer
        .analyze_with_bigrams(text)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}
