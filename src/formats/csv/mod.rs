//! CSV questionnaires: read (`read.rs`) and write back with answer columns (`write.rs`).

mod read;
pub mod write;

pub use read::{read, sniff_delimiter};
