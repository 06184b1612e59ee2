//! Term ids. Every term the library uses gets a small integer, so ranking
//! compares integers in sorted arrays instead of hashing strings: with a few
//! hundred candidate variants per question, string hashing was most of the
//! per-question time.

use super::index::Fields;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Index of a term in a [`TermTable`].
pub type TermId = u32;

/// The library's distinct terms, each with its id and whether it is
/// boilerplate (a property of the term's text, see `analyze.rs`).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TermTable {
    texts: Vec<String>,
    generic: Vec<bool>,
    /// The index fields each term occurs in.
    fields: Vec<Fields>,
    /// Rebuilt from `texts` after loading from the cache. A fast
    /// non-cryptographic hash: keys are the library's own terms and the
    /// buyer's words, looked up for every word of every question.
    #[serde(skip)]
    ids: FxHashMap<String, TermId>,
}

impl TermTable {
    /// The id of `text`, adding it if new, and note that it occurs in `field`.
    pub fn intern(&mut self, text: &str, generic: bool, field: Fields) -> TermId {
        let id = match self.ids.get(text) {
            Some(&id) => id,
            None => {
                let id = self.texts.len() as TermId;
                self.texts.push(text.to_string());
                self.generic.push(generic);
                self.fields.push(Fields::NONE);
                self.ids.insert(text.to_string(), id);
                id
            }
        };
        self.fields[id as usize] = self.fields[id as usize].with(field);
        id
    }

    pub fn fields(&self, id: TermId) -> Fields {
        self.fields[id as usize]
    }

    /// The id of a term the library uses, `None` for any other term.
    pub fn id(&self, text: &str) -> Option<TermId> {
        self.ids.get(text).copied()
    }

    pub fn text(&self, id: TermId) -> &str {
        &self.texts[id as usize]
    }

    pub fn is_generic(&self, id: TermId) -> bool {
        self.generic[id as usize]
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// One generic flag per term and no duplicate texts (after [`reindex`]).
    ///
    /// [`reindex`]: TermTable::reindex
    pub fn is_consistent(&self) -> bool {
        self.generic.len() == self.texts.len()
            && self.fields.len() == self.texts.len()
            && self.ids.len() == self.texts.len()
    }

    /// Rebuild the text -> id map after deserializing.
    pub fn reindex(&mut self) {
        self.ids = self
            .texts
            .iter()
            .enumerate()
            .map(|(id, t)| (t.clone(), id as TermId))
            .collect();
    }
}

/// A sorted, de-duplicated set of term ids.
pub fn sorted_set(mut ids: Vec<TermId>) -> Vec<TermId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The weight of `id` in a list of (id, weight) sorted by id.
pub fn weight_in(list: &[(TermId, f32)], id: TermId) -> Option<f32> {
    list.binary_search_by_key(&id, |&(t, _)| t)
        .ok()
        .map(|i| list[i].1)
}
