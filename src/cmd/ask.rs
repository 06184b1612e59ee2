//! `vouch ask "QUESTION" [-n N] [--context TEXT] [--format text|json]`

use super::{Globals, OutputFormat};
use crate::matcher::{Query, Suggestion, REVIEW_THRESHOLD};
use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The question, as the buyer wrote it.
    pub question: String,
    /// How many suggestions to show.
    #[arg(short = 'n', default_value_t = 3)]
    pub count: usize,
    /// Section or sheet name the question sits under (used as context).
    #[arg(long)]
    pub context: Option<String>,
    /// Also show candidates below the review threshold.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

pub fn run(args: &Args, globals: &Globals) -> Result<()> {
    let (library, matcher) = globals.open_library_and_matcher()?;
    let query = Query {
        question: &args.question,
        context: args.context.as_deref(),
    };
    let ranking = matcher.rank(&query, args.count)?;
    let abstain = ranking.abstain.clone();
    let suggestions = if args.all {
        ranking.candidates
    } else {
        ranking.suggestions()
    };
    if args.format == OutputFormat::Json {
        let out = serde_json::json!({
            "question": args.question,
            "threshold": REVIEW_THRESHOLD,
            "abstain": abstain,
            "suggestions": suggestions,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if let Some(reason) = &abstain {
        println!("No suggestion from {}: {reason}.", library.label);
        if !args.all {
            println!("Run `vouch ask --all` to see the closest entries anyway.");
            return Ok(());
        }
        println!();
    }
    for (i, s) in suggestions.iter().enumerate() {
        print_suggestion(i + 1, s);
    }
    Ok(())
}

fn print_suggestion(rank: usize, s: &Suggestion) {
    println!(
        "{rank}. {} [{}] {} confidence, score {:.3}",
        s.entry,
        s.topic,
        s.confidence.as_str(),
        s.score
    );
    println!("   answer: {}: {}", s.answer, s.text);
    println!("   matched variant: \"{}\"", s.why.matched_variant);
    println!(
        "   matched terms: {}",
        if s.why.matched_terms.is_empty() {
            "(none)".to_string()
        } else {
            s.why.matched_terms.join(", ")
        }
    );
    if !s.why.expanded_terms.is_empty() {
        println!("   via synonyms: {}", s.why.expanded_terms.join(", "));
    }
    println!("   why: {}", s.why.band_reason);
    println!();
}
