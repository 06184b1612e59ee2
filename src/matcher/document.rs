//! What the matcher indexes: the library's entries plus its out-of-scope
//! kinds (company profile, pricing, ...), each turned into one
//! [`Document`] with the text of every field it is matched on.

use crate::library::{Answer, Library};

/// One matchable thing: a library entry, or an out-of-scope kind that makes
/// the matcher abstain when it fits best.
pub struct Document {
    pub id: String,
    pub topic: String,
    pub answer: Answer,
    /// Rendered narrative (placeholders filled).
    pub text: String,
    pub questions: Vec<String>,
    pub keywords: Vec<String>,
    /// The topic's title: buyers' words for the subject.
    pub title: String,
    /// For out-of-scope kinds, why vouch does not answer.
    pub out_of_scope: Option<String>,
}

impl Document {
    /// An AI-governance or AI-product entry (topic family `ai.`).
    pub fn is_ai(&self) -> bool {
        self.topic.starts_with("ai.")
    }
}

/// Entries first (their index is their position in `library.entries`),
/// then out-of-scope kinds.
pub fn documents(library: &Library) -> Vec<Document> {
    let entries = library.entries.iter().map(|e| Document {
        id: e.id.clone(),
        topic: e.topic.clone(),
        answer: e.answer,
        text: library.render(e),
        questions: e.questions.clone(),
        keywords: e.keywords.clone(),
        title: library
            .topic(&e.topic)
            .map(|t| t.title.clone())
            .unwrap_or_default(),
        out_of_scope: None,
    });
    let scopes = library.out_of_scope.iter().map(|s| Document {
        id: format!("out-of-scope:{}", s.id),
        topic: String::new(),
        answer: Answer::NotApplicable,
        text: String::new(),
        questions: s.questions.clone(),
        keywords: Vec::new(),
        title: String::new(),
        out_of_scope: Some(s.reason.clone()),
    });
    entries.chain(scopes).collect()
}
