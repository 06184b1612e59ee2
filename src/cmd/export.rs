//! `vouch export REVIEW.json [-o OUT] [--include-unreviewed] [--force]`
//!
//! Reads the review file, checks that the buyer's file is still the one
//! that was imported, decides what to write (`formats::plan`), has the
//! format's writer produce a completed copy next to the review file, and
//! prints what was written, what was left empty and why.

use super::Globals;
use crate::formats::plan::{plan, Skipped};
use crate::formats::{self, WriteReport};
use crate::questionnaire::Format;
use crate::review::ReviewFile;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Review file written by `vouch import`.
    pub review: PathBuf,
    /// Output file (default: next to the review file as <name>.completed.<ext>).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Also write suggestions nobody has reviewed yet (default: only accepted or edited answers).
    #[arg(long)]
    pub include_unreviewed: bool,
    /// Export even though the source file changed since import.
    #[arg(long)]
    pub force: bool,
}

/// What an export did, for the terminal and the review page.
#[derive(Clone, Debug, Serialize)]
pub struct ExportSummary {
    pub output: PathBuf,
    /// Questions that received at least one answer cell.
    pub items_written: usize,
    /// Cells written per sheet, in sheet order.
    pub written: Vec<(String, usize)>,
    /// Items (or single slots) left empty, grouped by reason.
    pub left_empty: Vec<SkipGroup>,
    pub truncated: Vec<String>,
    pub notes: Vec<String>,
}

/// Skipped items sharing one reason.
#[derive(Clone, Debug, Serialize)]
pub struct SkipGroup {
    pub reason: String,
    pub count: usize,
    /// A few `Sheet!C12 (ID)` places, for orientation.
    pub examples: Vec<String>,
}

pub fn run(args: &Args, _globals: &Globals) -> Result<()> {
    let summary = export(args)?;
    print!("{}", summary.render());
    Ok(())
}

/// Export as `vouch export` does, returning the summary instead of printing it.
pub fn export(args: &Args) -> Result<ExportSummary> {
    let review = ReviewFile::read(&args.review)?;
    let source = source_path(&args.review, &review)?;
    check_unchanged(&source, &review, args.force)?;
    let expected = output_format(review.source.format);
    let out = match &args.output {
        Some(out) => out.clone(),
        None => default_output(&args.review, expected),
    };
    check_output(&out, &source, &args.review, expected)?;
    let (writes, skipped) = plan(&review, args.include_unreviewed);
    let report = formats::write(&review, &source, &writes, &out)?;
    let items_written = writes.iter().map(|w| w.item).collect::<BTreeSet<_>>().len();
    Ok(ExportSummary::new(out, items_written, report, &skipped))
}

/// The buyer's file as recorded at import (relative paths are taken from
/// the review file's folder).
fn source_path(review_path: &Path, review: &ReviewFile) -> Result<PathBuf> {
    let recorded = PathBuf::from(&review.source.path);
    let source = if recorded.is_absolute() {
        recorded
    } else {
        folder_of(review_path).join(recorded)
    };
    if !source.is_file() {
        return Err(crate::error::hint(
            format!("{}: the questionnaire this review was made from is not there", source.display()),
            "move the buyer's file back, or edit `source.path` in the review file to where it is now",
        ));
    }
    Ok(source)
}

fn check_unchanged(source: &Path, review: &ReviewFile, force: bool) -> Result<()> {
    let now = crate::fsutil::sha256_file(source)?;
    if now == review.source.sha256 || force {
        return Ok(());
    }
    Err(crate::error::hint(
        format!(
            "{} changed since it was imported (SHA-256 {} at import, {} now)",
            source.display(),
            short(&review.source.sha256),
            short(&now)
        ),
        "re-import the new version (`vouch import`), or pass --force to write the reviewed answers into the changed file anyway",
    ))
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The format export produces for a source format: XLS and ODS become XLSX.
pub fn output_format(source: Format) -> Format {
    match source {
        Format::Xls | Format::Ods => Format::Xlsx,
        other => other,
    }
}

/// `buyer.review.json` -> `buyer.completed.xlsx`, next to the review file.
pub fn default_output(review_path: &Path, format: Format) -> PathBuf {
    let file = review_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .strip_suffix(".review.json")
        .or_else(|| file.strip_suffix(".json"))
        .filter(|s| !s.is_empty())
        .unwrap_or("questionnaire");
    review_path.with_file_name(format!("{stem}.completed.{}", format.extension()))
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuse outputs that would overwrite the buyer's file or the review, or
/// whose extension would make Excel refuse the file.
fn check_output(out: &Path, source: &Path, review: &Path, format: Format) -> Result<()> {
    if same_file(out, source) {
        return Err(crate::error::hint(
            format!("{} is the buyer's original file; vouch never overwrites it", out.display()),
            "choose another output with -o, or leave -o out to write <name>.completed next to the review file",
        ));
    }
    if same_file(out, review) {
        return Err(crate::error::hint(
            format!("{} is the review file", out.display()),
            "choose another output with -o",
        ));
    }
    let ext_ok = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(format.extension()));
    if !ext_ok {
        return Err(crate::error::hint(
            format!(
                "{}: the completed file is {}, so its name must end in .{}",
                out.display(),
                format.extension().to_uppercase(),
                format.extension()
            ),
            format!("use -o NAME.{}", format.extension()),
        ));
    }
    Ok(())
}

/// True when `a` and `b` name the same file (`b` exists; `a` may not).
fn same_file(a: &Path, b: &Path) -> bool {
    let Ok(b) = b.canonicalize() else {
        return false;
    };
    if let Ok(a) = a.canonicalize() {
        return a == b;
    }
    let parent = folder_of(a).canonicalize();
    match (parent, a.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name) == b,
        _ => false,
    }
}

impl ExportSummary {
    fn new(
        output: PathBuf,
        items_written: usize,
        report: WriteReport,
        skipped: &[Skipped],
    ) -> Self {
        ExportSummary {
            output,
            items_written,
            written: report.written,
            left_empty: group(skipped),
            truncated: report.truncated,
            notes: report.notes,
        }
    }

    /// Cells written in all sheets.
    pub fn cells_written(&self) -> usize {
        self.written.iter().map(|(_, n)| n).sum()
    }

    /// The human summary printed by `vouch export`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Wrote {}", self.output.display());
        let _ = writeln!(
            s,
            "  {} answer cells for {} questions",
            self.cells_written(),
            self.items_written
        );
        for (sheet, n) in &self.written {
            let _ = writeln!(s, "    {sheet}: {n}");
        }
        if !self.left_empty.is_empty() {
            let _ = writeln!(s, "Left empty:");
            for g in &self.left_empty {
                let _ = writeln!(s, "  {:>5}  {}", g.count, g.reason);
                let more = if g.count > g.examples.len() {
                    ", ..."
                } else {
                    ""
                };
                let _ = writeln!(s, "         e.g. {}{more}", g.examples.join(", "));
            }
        }
        if !self.truncated.is_empty() {
            let _ = writeln!(
                s,
                "Truncated (Excel holds at most 32,767 characters per cell):"
            );
            for t in &self.truncated {
                let _ = writeln!(s, "  {t}");
            }
        }
        if !self.notes.is_empty() {
            let _ = writeln!(s, "Notes:");
            for n in &self.notes {
                let _ = writeln!(s, "  {n}");
            }
        }
        s
    }
}

/// Skipped entries grouped by reason, biggest group first.
fn group(skipped: &[Skipped]) -> Vec<SkipGroup> {
    let mut groups: Vec<SkipGroup> = Vec::new();
    for s in skipped {
        let reason = s.reason.label();
        let index = match groups.iter().position(|g| g.reason == reason) {
            Some(i) => i,
            None => {
                groups.push(SkipGroup {
                    reason,
                    count: 0,
                    examples: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[index];
        g.count += 1;
        if g.examples.len() < 3 {
            g.examples.push(s.to_string());
        }
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_output_sits_next_to_the_review() {
        assert_eq!(
            default_output(Path::new("/a/b/buyer.review.json"), Format::Xlsx),
            PathBuf::from("/a/b/buyer.completed.xlsx")
        );
        assert_eq!(
            default_output(Path::new("x.json"), Format::Csv),
            PathBuf::from("x.completed.csv")
        );
        assert_eq!(output_format(Format::Ods), Format::Xlsx);
        assert_eq!(output_format(Format::Xlsm), Format::Xlsm);
    }
}
