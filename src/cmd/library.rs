//! `vouch library check` and `vouch library coverage [--format text|json]`.

use super::{Globals, OutputFormat};
use crate::library::{lint, load, Coverage, Date, Severity};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Validate every entry and list quality warnings (stale, near-duplicate, thin, long).
    Check,
    /// Framework criteria and topics covered by at least one entry, and the ones missing.
    Coverage {
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

pub fn run(args: &Args, globals: &Globals) -> Result<()> {
    match &args.action {
        Action::Check => check(globals),
        Action::Coverage { format } => coverage(globals, *format),
    }
}

fn check(globals: &Globals) -> Result<()> {
    let (library, mut problems) = load(&globals.library)?;
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    if errors == 0 {
        problems.extend(lint(&library, Date::today()));
    }
    for problem in &problems {
        println!("{problem}");
    }
    let warnings = problems.len() - errors;
    let variants: usize = library.entries.iter().map(|e| e.questions.len()).sum();
    println!(
        "{}: {} entries, {variants} question variants, {} topics; {errors} error(s), {warnings} warning(s)",
        library.label,
        library.entries.len(),
        library.topics.len(),
    );
    if errors > 0 {
        return Err(crate::error::hint(
            format!("the library has {errors} error(s)"),
            "fix the errors listed above; each names the file, line and entry",
        ));
    }
    Ok(())
}

fn coverage(globals: &Globals, format: OutputFormat) -> Result<()> {
    let library = globals.open_library()?;
    let coverage = Coverage::of(&library);
    if format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&coverage)?);
        return Ok(());
    }
    println!("{} ({} entries)", library.label, coverage.entries);
    for f in &coverage.frameworks {
        println!("{:<12} {:>3}/{:<3} {}", f.key, f.covered, f.total, f.name);
        if !f.missing.is_empty() {
            println!("             missing: {}", f.missing.join(", "));
        }
    }
    println!(
        "{:<12} {:>3}/{:<3} topics with at least one entry",
        "topics", coverage.topics_covered, coverage.topics_total
    );
    if !coverage.topics_missing.is_empty() {
        println!(
            "             missing: {}",
            coverage.topics_missing.join(", ")
        );
    }
    Ok(())
}
