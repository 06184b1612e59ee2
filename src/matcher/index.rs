//! The tantivy index over the library: one document per question variant
//! (field `question`) and one per entry (fields `keywords`, `topic`,
//! `answer`), all pre-analyzed by [`Analyzer`] and stored space-separated
//! with a whitespace tokenizer so tantivy sees exactly our terms.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::directory::{MmapDirectory, RamDirectory};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{
    DocId, Index, IndexReader, IndexSettings, ReloadPolicy, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

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
    /// The files of an index built in memory, for [`EntryIndex::persist`].
    memory: Option<RamDirectory>,
    /// Number of documents (entries and out-of-scope kinds) indexed.
    entries: usize,
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

/// A set of index fields. Each (term, field) clause costs a dictionary
/// lookup, a postings open and a BM25 weight, and most terms occur in one or
/// two fields, so a search only names the fields a term can match.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields(u8);

impl Fields {
    pub const NONE: Fields = Fields(0);
    pub const QUESTION: Fields = Fields(1);
    pub const KEYWORDS: Fields = Fields(2);
    pub const TOPIC: Fields = Fields(4);
    pub const ANSWER: Fields = Fields(8);

    pub fn with(self, other: Fields) -> Fields {
        Fields(self.0 | other.0)
    }

    pub fn has(self, other: Fields) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
}

/// One term to search, with its query weight and the fields to search it in.
#[derive(Clone, Debug)]
pub struct SearchTerm {
    pub text: String,
    pub weight: f32,
    pub fields: Fields,
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
    pub fn build(documents: &[IndexedFields]) -> Result<EntryIndex> {
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
        let memory = RamDirectory::create();
        let index = Index::create(memory.clone(), schema.build(), IndexSettings::default())
            .context("cannot create the search index")?;
        register_tokenizer(&index);
        // Two indexing threads (two segments) nearly halve a cold build on
        // a 2-core machine; BM25 statistics are index-wide, so scores do
        // not depend on which segment a document lands in.
        let mut writer = index
            .writer_with_num_threads(2, 30_000_000)
            .context("cannot create the search index")?;
        for (i, d) in documents.iter().enumerate() {
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
        drop(writer);
        let mut built = EntryIndex::from_index(&index, documents.len())?;
        built.memory = Some(memory);
        Ok(built)
    }

    /// Open an index saved by [`EntryIndex::persist`] (memory-mapped).
    pub fn open(path: &Path, documents: usize) -> Result<EntryIndex> {
        let index = Index::open_in_dir(path)
            .with_context(|| format!("cannot open the search index in {}", path.display()))?;
        register_tokenizer(&index);
        let opened = EntryIndex::from_index(&index, documents)?;
        let indexed = opened.reader.searcher().num_docs() as usize;
        anyhow::ensure!(
            indexed > 0,
            "the search index in {} is empty",
            path.display()
        );
        Ok(opened)
    }

    /// Write an index built in memory to `path` (a new folder).
    pub fn persist(&self, path: &Path) -> Result<()> {
        let memory = self
            .memory
            .as_ref()
            .context("only an index built in memory can be saved")?;
        std::fs::create_dir_all(path)?;
        let target = MmapDirectory::open(path)
            .with_context(|| format!("cannot write the search index to {}", path.display()))?;
        memory
            .persist(&target)
            .with_context(|| format!("cannot write the search index to {}", path.display()))?;
        Ok(())
    }

    fn from_index(index: &Index, documents: usize) -> Result<EntryIndex> {
        let schema = index.schema();
        let field = |name: &str| {
            schema
                .get_field(name)
                .with_context(|| format!("the search index has no field {name}"))
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("cannot open the search index")?;
        Ok(EntryIndex {
            reader,
            memory: None,
            entries: documents,
            question: field("question")?,
            keywords: field("keywords")?,
            topic: field("topic")?,
            answer: field("answer")?,
        })
    }

    /// Search weighted terms, each in the fields it names; return a hit
    /// per document, by document index (zero scores where nothing matched).
    pub fn search(&self, terms: &[SearchTerm]) -> Result<Vec<Hit>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for term in terms {
            for (bit, field, boost) in [
                (Fields::QUESTION, self.question, BOOST_QUESTION),
                (Fields::KEYWORDS, self.keywords, BOOST_KEYWORDS),
                (Fields::TOPIC, self.topic, BOOST_TOPIC),
                (Fields::ANSWER, self.answer, BOOST_ANSWER),
            ] {
                if !term.fields.has(bit) {
                    continue;
                }
                let q = TermQuery::new(
                    Term::from_field_text(field, &term.text),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(q), term.weight * boost)),
                ));
            }
        }
        if clauses.is_empty() {
            return Ok(vec![Hit::default(); self.entries]);
        }
        let searcher = self.reader.searcher();
        Ok(searcher.search(
            &BooleanQuery::new(clauses),
            &EntryHits {
                entries: self.entries,
            },
        )?)
    }
}

fn register_tokenizer(index: &Index) {
    index.tokenizers().register(
        TOKENIZER,
        TextAnalyzer::from(WhitespaceTokenizer::default()),
    );
}

/// Collects every matching document into per-entry [`Hit`]s. With a few
/// dozen clauses over a few thousand documents, scoring them all through
/// tantivy's union is several times cheaper than a pruned top-k search,
/// whose block-WAND re-sorts the clauses at every pivot; and no entry is
/// lost to a top-k cut.
struct EntryHits {
    entries: usize,
}

struct SegmentEntryHits {
    entry: Column<u64>,
    variant: Column<u64>,
    hits: Vec<Hit>,
}

impl Collector for EntryHits {
    type Fruit = Vec<Hit>;
    type Child = SegmentEntryHits;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        // The two ids come from fast fields (columnar), not stored documents.
        let fast = segment.fast_fields();
        Ok(SegmentEntryHits {
            entry: fast.u64("entry")?,
            variant: fast.u64("variant")?,
            hits: vec![Hit::default(); self.entries],
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<Vec<Hit>>) -> tantivy::Result<Vec<Hit>> {
        let mut all = vec![Hit::default(); self.entries];
        for segment in segments {
            for (into, hit) in all.iter_mut().zip(segment) {
                into.entry_score = into.entry_score.max(hit.entry_score);
                if hit.variant_score > into.variant_score {
                    into.variant_score = hit.variant_score;
                    into.variant = hit.variant;
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentEntryHits {
    type Fruit = Vec<Hit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let entry = self.entry.first(doc).unwrap_or_default() as usize;
        let variant = self.variant.first(doc).unwrap_or_default();
        let Some(hit) = self.hits.get_mut(entry) else {
            return;
        };
        if variant == ENTRY_DOC {
            hit.entry_score = score;
        } else if score > hit.variant_score {
            hit.variant_score = score;
            hit.variant = variant as usize;
        }
    }

    fn harvest(self) -> Vec<Hit> {
        self.hits
    }
}
