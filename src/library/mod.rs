//! The answer library: entries, topics, framework criteria and the company
//! profile, loaded from plain TOML files that live in git.
//!
//! Layout of a library folder (the starter library is `answer-library/`, and
//! the binary embeds it so vouch works from any folder):
//!
//! ```text
//! entries/*.toml          one file per domain, [[entry]] tables
//! topics.toml             the topic taxonomy ([[topic]] id, title, scope)
//! frameworks/*.toml       criteria lists (framework = "SOC2", [[criterion]])
//! profile.toml            company facts the {{placeholders}} use
//! library.toml            settings: review interval, text length limit
//! synonyms.toml           optional extra synonyms for the matcher
//! out-of-scope.toml       kinds of questions to abstain on (company profile, pricing)
//! ```
//!
//! A user library may omit topics.toml, frameworks/, library.toml,
//! synonyms.toml and out-of-scope.toml; the embedded starter versions are
//! used for those.

mod coverage;
mod date;
mod entry;
mod lint;
mod load;
mod profile;
mod source;

pub use coverage::{Coverage, FrameworkCoverage};
pub use date::Date;
pub use entry::{Answer, Entry, Origin};
pub use lint::{lint, Problem, Severity};
pub use load::{load, Criterion, Framework, Library, OutOfScope, Settings, Topic};
pub use profile::Profile;
pub use source::{LibrarySource, SourceFile};
