//! vouch: an offline security questionnaire answering engine.
//!
//! Data flows one way, and each stage owns one type:
//!
//! ```text
//! buyer file --formats::*::read--> Questionnaire (items with answer slots)
//!            --matcher-->          suggestions per item
//!            --review-->           ReviewFile (JSON on disk, decisions)
//!            --formats::*::write-> completed copy of the buyer file
//! ```
//!
//! The binary (`src/main.rs`) is a thin shell over `cmd::*`; everything a
//! test or another program needs lives in this library crate.

pub mod cmd;
pub mod error;
pub mod formats;
pub mod fsutil;
pub mod library;
pub mod matcher;
pub mod questionnaire;
pub mod review;
