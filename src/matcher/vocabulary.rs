//! The matcher's vocabulary: same-meaning spellings, related terms and
//! acronyms, from the built-in `synonyms.toml` plus the library's own.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

const BUILTIN: &str = include_str!("synonyms.toml");

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    #[serde(default)]
    acronyms: Vec<String>,
    #[serde(default)]
    related: Vec<Vec<String>>,
    #[serde(default)]
    normalize: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    stems: BTreeMap<String, Vec<String>>,
}

/// Raw vocabulary; the analyzer compiles it into stem sequences.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    pub acronyms: HashSet<String>,
    /// canonical term -> spellings rewritten to it
    pub normalize: BTreeMap<String, Vec<String>>,
    /// groups of related terms, for query expansion
    pub related: Vec<Vec<String>>,
    /// word -> the stem it gets instead of the stemmer's
    pub stems: HashMap<String, String>,
}

impl Vocabulary {
    /// The built-in vocabulary only.
    pub fn builtin() -> Vocabulary {
        let mut v = Vocabulary::default();
        v.add_toml(BUILTIN, "built-in synonyms.toml")
            .expect("the built-in synonyms.toml is valid (unit-tested)");
        v
    }

    /// Built-in plus a library's `synonyms.toml`, which adds to (never
    /// replaces) the built-in lists.
    pub fn with_library(extra: Option<&crate::library::SourceFile>) -> Result<Vocabulary> {
        let mut v = Vocabulary::builtin();
        if let Some(file) = extra {
            v.add_toml(&file.text, &file.display)?;
        }
        Ok(v)
    }

    fn add_toml(&mut self, text: &str, name: &str) -> Result<()> {
        let file: VocabularyFile =
            toml::from_str(text).with_context(|| format!("{name} is not a valid synonyms file"))?;
        self.acronyms
            .extend(file.acronyms.into_iter().map(|a| a.to_lowercase()));
        for (canonical, variants) in file.normalize {
            self.normalize
                .entry(canonical.to_lowercase())
                .or_default()
                .extend(variants);
        }
        self.related.extend(file.related);
        for (stem, words) in file.stems {
            for word in words {
                self.stems.insert(word.to_lowercase(), stem.to_lowercase());
            }
        }
        Ok(())
    }

    /// The stem `lower` gets instead of the stemmer's, if the vocabulary
    /// gives it one.
    pub fn fixed_stem(&self, lower: &str) -> Option<&str> {
        self.stems.get(lower).map(String::as_str)
    }

    pub fn is_acronym(&self, lower: &str) -> bool {
        self.acronyms.contains(lower)
    }
}
