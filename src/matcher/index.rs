//! The tantivy index over the library: one document per question variant
//! (field `question`) and one per entry (fields `keywords`, `topic`,
//! `answer`), all pre-analyzed by [`Analyzer`] and stored space-separated
//! with a whitespace tokenizer so tantivy sees exactly our terms.

use anyhow::{Context, Result};
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
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
    question: Field,
    keywords: Field,
    topic: Field,
    answer: Field,
}

/// One document's fields, already analyzed into space-separated terms (the
/// engine analyzes each document once and shares the result).
pub struct IndexedFields {
    /// One string of terms (with bigrams) per question variant.
    pub questions: Vec<String>,
    pub keywords: String,
    pub topic: String,
    pub answer: String,
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
    pub fn build<'a>(documents: impl IntoIterator<Item = &'a IndexedFields>) -> Result<EntryIndex> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let entry = schema.add_u64_field("entry", FAST);
        let variant = schema.add_u64_field("variant", FAST);
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
            .writer_with_num_threads(1, 15_000_000)
            .context("cannot create the search index")?;
        for (i, d) in documents.into_iter().enumerate() {
            let i = i as u64;
            for (v, q) in d.questions.iter().enumerate() {
                let mut doc = TantivyDocument::default();
                doc.add_u64(entry, i);
                doc.add_u64(variant, v as u64);
                doc.add_text(question, q);
                writer.add_document(doc)?;
            }
            let mut doc = TantivyDocument::default();
            doc.add_u64(entry, i);
            doc.add_u64(variant, ENTRY_DOC);
            doc.add_text(keywords, &d.keywords);
            doc.add_text(topic, &d.topic);
            doc.add_text(answer, &d.answer);
            writer.add_document(doc)?;
        }
        writer.commit().context("cannot build the search index")?;
        let reader = index.reader().context("cannot open the search index")?;
        Ok(EntryIndex {
            reader,
            question,
            keywords,
            topic,
            answer,
        })
    }

    /// Search weighted terms; return per-entry hits. `terms` (what the buyer
    /// wrote) are searched in every field; `secondary` terms (synonym
    /// expansions, context) only in the question variants, which keeps the
    /// query small: the clause count is what query time grows with.
    pub fn search(
        &self,
        terms: &[(String, f32)],
        secondary: &[(String, f32)],
        limit: usize,
    ) -> Result<HashMap<usize, Hit>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (term, weight) in secondary {
            let q = TermQuery::new(
                Term::from_field_text(self.question, term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), weight * BOOST_QUESTION)),
            ));
        }
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
        // Read the two ids from fast fields (columnar) rather than loading
        // each stored document: that decompression dominated query time.
        let mut columns = Vec::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            columns.push((fast.u64("entry")?, fast.u64("variant")?));
        }
        for (score, address) in top {
            let (entry_col, variant_col) = &columns[address.segment_ord as usize];
            let entry = entry_col.first(address.doc_id).unwrap_or_default() as usize;
            let variant = variant_col.first(address.doc_id).unwrap_or_default();
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
