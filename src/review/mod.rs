//! The review file: the questionnaire's items, their ranked suggestions and
//! the reviewer's decisions, as one JSON document on disk.
//!
//! Import writes it, the review server updates it (one decision at a time,
//! atomically, with a revision number), export reads it. Schema: README.md
//! ("Review file") and ARCHITECTURE.md.

pub mod build;
pub mod decide;
mod file;
pub mod server;

pub use build::build;
pub use file::{
    FinalAnswer, LibraryInfo, ReviewFile, ReviewItem, SourceInfo, Status, REVIEW_VERSION,
};
