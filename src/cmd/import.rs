//! `vouch import FILE [-o REVIEW.json] [--dry-run]`
//!
//! Read the buyer's file, find every question and its answer cells, match
//! each question against the library, and write the review file atomically.
//! The buyer's file is only read.

use super::Globals;
use crate::library::Library;
use crate::matcher::{Confidence, Matcher};
use crate::questionnaire::{Questionnaire, SheetLayout};
use crate::review::ReviewFile;
use anyhow::Result;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The buyer's questionnaire (.xlsx, .xlsm, .xls, .ods, .csv or .docx).
    pub file: PathBuf,
    /// Review file to write (default: FILE's name with .review.json, next to FILE).
    #[arg(short, long, value_name = "REVIEW.json")]
    pub output: Option<PathBuf>,
    /// Print the detected layout (header rows, column roles) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: &Args, globals: &Globals) -> Result<()> {
    if args.dry_run {
        let questionnaire = crate::formats::read(&args.file)?;
        print_layout(&questionnaire);
        print_warnings(&questionnaire.warnings);
        return Ok(());
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| default_output(&args.file));
    if same_file(&output, &args.file) {
        return Err(crate::error::hint(
            format!("{} is the questionnaire itself", output.display()),
            "choose another output path with -o; vouch never overwrites the buyer's file",
        ));
    }
    let (questionnaire, library, matcher) = read_and_open(&args.file, globals)?;
    let sha256 = crate::fsutil::sha256_file(&questionnaire.source)?;
    let review = crate::review::build(&questionnaire, &library, &matcher, &sha256)?;
    review.write(&output)?;
    print_summary(&questionnaire, &review);
    print_warnings(&questionnaire.warnings);
    println!("Wrote {}", output.display());
    println!("Next: vouch review {}", output.display());
    Ok(())
}

/// Read the buyer's file and open the library and its matcher, side by
/// side: the two are independent, and with a warm index cache each is a
/// large share of an import. A questionnaire error is reported first.
pub fn read_and_open(file: &Path, globals: &Globals) -> Result<(Questionnaire, Library, Matcher)> {
    let (questionnaire, opened) = std::thread::scope(|scope| {
        let opening = scope.spawn(|| globals.open_library_and_matcher());
        let questionnaire = crate::formats::read(file);
        let opened = opening
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("opening the answer library panicked")));
        (questionnaire, opened)
    });
    let questionnaire = questionnaire?;
    let (library, matcher) = opened?;
    Ok((questionnaire, library, matcher))
}

/// `dir/buyer.xlsx` -> `dir/buyer.review.json`.
pub fn default_output(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "questionnaire".into());
    file.with_file_name(format!("{stem}.review.json"))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Per-sheet counts for the summary table.
#[derive(Default)]
struct SheetCounts {
    questions: usize,
    slots: usize,
    high: usize,
    medium: usize,
    low: usize,
    none: usize,
    prefilled: usize,
}

fn print_summary(q: &Questionnaire, review: &ReviewFile) {
    let mut counts: BTreeMap<&str, SheetCounts> = BTreeMap::new();
    for item in &review.items {
        let c = counts.entry(item.location.sheet.as_str()).or_default();
        c.questions += 1;
        c.slots += item.slots.len();
        if item.status == crate::review::Status::Prefilled {
            c.prefilled += 1;
        }
        match item.suggestions.first().map(|s| s.confidence) {
            Some(Confidence::High) => c.high += 1,
            Some(Confidence::Medium) => c.medium += 1,
            Some(Confidence::Low) => c.low += 1,
            None => c.none += 1,
        }
    }
    println!(
        "Imported {} ({}): {} questions",
        q.source.display(),
        q.format.extension(),
        review.items.len()
    );
    let width = q
        .layouts
        .iter()
        .map(|l| l.sheet.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    println!(
        "  {:<width$}  {:>9}  {:>5}  {:>4}  {:>6}  {:>3}  {:>8}  {:>9}",
        "sheet", "questions", "slots", "high", "medium", "low", "no match", "prefilled"
    );
    for layout in &q.layouts {
        if let Some(why) = &layout.skipped {
            println!("  {:<width$}  skipped: {why}", layout.sheet);
            continue;
        }
        let c = counts.get(layout.sheet.as_str());
        let c = c.unwrap_or(&SheetCounts {
            questions: 0,
            slots: 0,
            high: 0,
            medium: 0,
            low: 0,
            none: 0,
            prefilled: 0,
        });
        println!(
            "  {:<width$}  {:>9}  {:>5}  {:>4}  {:>6}  {:>3}  {:>8}  {:>9}",
            layout.sheet, c.questions, c.slots, c.high, c.medium, c.low, c.none, c.prefilled
        );
    }
}

fn print_layout(q: &Questionnaire) {
    println!(
        "Layout of {} ({}): {} questions (dry run, nothing written)",
        q.source.display(),
        q.format.extension(),
        q.items.len()
    );
    for layout in &q.layouts {
        print_sheet_layout(layout);
    }
}

fn print_sheet_layout(layout: &SheetLayout) {
    println!();
    if let Some(why) = &layout.skipped {
        println!("sheet '{}': skipped ({why})", layout.sheet);
        return;
    }
    println!("sheet '{}': {} questions", layout.sheet, layout.items);
    if layout.header_rows.is_empty() {
        println!("  header rows: none found");
    } else {
        let rows: Vec<String> = layout.header_rows.iter().map(u32::to_string).collect();
        println!("  header rows: {}", rows.join(", "));
    }
    for col in &layout.columns {
        let header = if col.header.is_empty() {
            String::new()
        } else {
            format!(" \"{}\"", truncate(&col.header, 48))
        };
        let why = if col.why.is_empty() {
            String::new()
        } else {
            format!(" ({})", col.why)
        };
        println!("  {:>3}  {:<11}{header}{why}", col.column, col.role);
    }
}

fn print_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}
