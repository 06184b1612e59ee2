//! `vouch eval LABELS.tsv [--format text|json]`: accuracy of the matcher on
//! labeled questions, plus the misses so tuning is driven by real failures.
//!
//! A row is correct at rank k when one of the first k suggestions (those at
//! or above the review threshold) has a topic in the row's labels. Rows with
//! no labels are outside the library: the right result is no suggestion.

use super::{Globals, OutputFormat};
use crate::matcher::{Confidence, Matcher, Query, Suggestion};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TSV with a header and columns `question` and `topics` (`|`-separated; empty = should abstain).
    pub labels: std::path::PathBuf,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Print at most this many misses in the text report.
    #[arg(long, default_value_t = 400)]
    pub misses: usize,
}

/// One labeled question.
pub struct Labeled {
    pub line: usize,
    pub question: String,
    pub topics: Vec<String>,
}

/// The metrics DESIGN.md specifies, plus the misses.
#[derive(Debug, Serialize)]
pub struct Report {
    pub questions: usize,
    pub labeled: usize,
    pub top1: f64,
    pub top3: f64,
    pub mrr: f64,
    pub abstain_accuracy: f64,
    pub confident_wrong: usize,
    pub bands: BandCounts,
    pub misses: Vec<Miss>,
    /// Per row, the top candidate whatever its score: the data the
    /// thresholds in `matcher/confidence.rs` are calibrated on.
    pub calibration: Vec<Calibration>,
}

#[derive(Debug, Serialize)]
pub struct Calibration {
    pub line: usize,
    pub labeled: bool,
    /// The top candidate's topic is one of the labels.
    pub correct: bool,
    pub score: f32,
    pub coverage: f32,
    pub margin: f32,
    /// vouch offered nothing (below the threshold or out of scope).
    pub abstained: bool,
}

impl Calibration {
    fn of(row: &Labeled, top: Option<&Suggestion>, abstained: bool) -> Calibration {
        Calibration {
            line: row.line,
            labeled: !row.topics.is_empty(),
            correct: top.is_some_and(|s| row.topics.contains(&s.topic)),
            score: top.map(|s| s.score).unwrap_or_default(),
            coverage: top.map(|s| s.why.coverage).unwrap_or_default(),
            margin: top.map(|s| s.why.margin).unwrap_or_default(),
            abstained,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct BandCounts {
    pub high: usize,
    pub high_correct: usize,
    pub medium: usize,
    pub medium_correct: usize,
    pub low: usize,
    pub low_correct: usize,
    pub abstained: usize,
}

#[derive(Debug, Serialize)]
pub struct Miss {
    pub line: usize,
    pub question: String,
    pub expected: Vec<String>,
    /// Topic and confidence of what vouch picked, or None when it abstained.
    pub picked: Option<String>,
    pub confidence: Option<Confidence>,
    pub score: Option<f32>,
    /// Rank of the first correct topic among all candidates (threshold ignored).
    pub correct_rank: Option<usize>,
}

pub fn run(args: &Args, globals: &Globals) -> Result<()> {
    let (_, matcher) = globals.open_library_and_matcher()?;
    let rows = read_labels(&args.labels)?;
    let report = evaluate(&matcher, &rows)?;
    if args.format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    print_text(&report, args.misses);
    Ok(())
}

/// Read `question` and `topics` columns by header name; other columns ignored.
pub fn read_labels(path: &Path) -> Result<Vec<Labeled>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, h)| h.trim_start_matches('\u{feff}').split('\t').collect())
        .unwrap_or_default();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(q), Some(t)) = (col("question"), col("topics")) else {
        return Err(crate::error::hint(
            format!(
                "{}: line 1: the header must name the columns `question` and `topics` (found: {})",
                path.display(),
                header.join(", ")
            ),
            "LABELS.tsv is tab-separated with a header row: question<TAB>topics[<TAB>...]",
        ));
    };
    let mut rows = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let question = fields.get(q).copied().unwrap_or_default().trim();
        if question.is_empty() {
            return Err(crate::error::hint(
                format!("{}: line {}: empty question", path.display(), i + 1),
                "every row needs a question in the `question` column",
            ));
        }
        let topics = fields
            .get(t)
            .copied()
            .unwrap_or_default()
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        rows.push(Labeled {
            line: i + 1,
            question: question.to_string(),
            topics,
        });
    }
    Ok(rows)
}

/// Run every row through the matcher and compute the metrics.
pub fn evaluate(matcher: &Matcher, rows: &[Labeled]) -> Result<Report> {
    let (mut top1, mut top3, mut mrr, mut abstained_ok, mut confident_wrong) =
        (0usize, 0usize, 0.0f64, 0usize, 0usize);
    let mut bands = BandCounts::default();
    let mut misses = Vec::new();
    let mut calibration = Vec::new();
    for row in rows {
        let ranking = matcher.rank(&Query::new(&row.question), 25)?;
        let all = ranking.candidates.clone();
        calibration.push(Calibration::of(row, all.first(), ranking.abstain.is_some()));
        let suggestions: Vec<Suggestion> = ranking.suggestions().into_iter().take(10).collect();
        let first = suggestions.first();
        if row.topics.is_empty() {
            if first.is_none() {
                abstained_ok += 1;
            } else {
                misses.push(miss(row, first, None));
            }
            continue;
        }
        let hit_rank = suggestions
            .iter()
            .position(|s| row.topics.contains(&s.topic));
        let correct = hit_rank == Some(0);
        count_band(&mut bands, first.map(|s| s.confidence), correct);
        if correct {
            top1 += 1;
        } else {
            if first.is_some_and(|s| s.confidence == Confidence::High) {
                confident_wrong += 1;
            }
            misses.push(miss(
                row,
                first,
                all.iter()
                    .position(|s| row.topics.contains(&s.topic))
                    .map(|r| r + 1),
            ));
        }
        if hit_rank.is_some_and(|r| r < 3) {
            top3 += 1;
        }
        if let Some(r) = hit_rank {
            mrr += 1.0 / (r as f64 + 1.0);
        }
    }
    let labeled = rows.iter().filter(|r| !r.topics.is_empty()).count();
    let unlabeled = rows.len() - labeled;
    let ratio = |n: f64, d: usize| if d == 0 { 0.0 } else { round4(n / d as f64) };
    Ok(Report {
        questions: rows.len(),
        labeled,
        top1: ratio(top1 as f64, labeled),
        top3: ratio(top3 as f64, labeled),
        mrr: ratio(mrr, labeled),
        abstain_accuracy: ratio(abstained_ok as f64, unlabeled),
        confident_wrong,
        bands,
        misses,
        calibration,
    })
}

fn count_band(bands: &mut BandCounts, band: Option<Confidence>, correct: bool) {
    let ok = usize::from(correct);
    match band {
        Some(Confidence::High) => {
            (bands.high, bands.high_correct) = (bands.high + 1, bands.high_correct + ok)
        }
        Some(Confidence::Medium) => {
            (bands.medium, bands.medium_correct) = (bands.medium + 1, bands.medium_correct + ok)
        }
        Some(Confidence::Low) => {
            (bands.low, bands.low_correct) = (bands.low + 1, bands.low_correct + ok)
        }
        None => bands.abstained += 1,
    }
}

fn miss(row: &Labeled, first: Option<&Suggestion>, correct_rank: Option<usize>) -> Miss {
    Miss {
        line: row.line,
        question: row.question.clone(),
        expected: row.topics.clone(),
        picked: first.map(|s| format!("{} ({})", s.topic, s.entry)),
        confidence: first.map(|s| s.confidence),
        score: first.map(|s| s.score),
        correct_rank,
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn print_text(r: &Report, limit: usize) {
    println!("questions {}  labeled {}", r.questions, r.labeled);
    println!(
        "top1 {:.3}  top3 {:.3}  mrr {:.3}  abstain_accuracy {:.3}  confident_wrong {}",
        r.top1, r.top3, r.mrr, r.abstain_accuracy, r.confident_wrong
    );
    let b = &r.bands;
    println!(
        "bands: high {}/{} correct, medium {}/{}, low {}/{}, abstained {}",
        b.high_correct, b.high, b.medium_correct, b.medium, b.low_correct, b.low, b.abstained
    );
    println!("\nmisses ({}):", r.misses.len());
    for m in r.misses.iter().take(limit) {
        let picked = match (&m.picked, m.confidence) {
            (Some(p), Some(c)) => {
                format!("{p} [{} {:.2}]", c.as_str(), m.score.unwrap_or_default())
            }
            _ => "(abstained)".to_string(),
        };
        let expected = if m.expected.is_empty() {
            "(abstain)".to_string()
        } else {
            m.expected.join("|")
        };
        let rank = m
            .correct_rank
            .map(|r| format!(" correct at rank {r}"))
            .unwrap_or_default();
        println!(
            "- line {}: {}\n  expected {expected}; picked {picked}{rank}",
            m.line, m.question
        );
    }
}
