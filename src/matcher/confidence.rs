//! Confidence bands and the review threshold: every number that decides
//! what a reviewer sees lives here, calibrated on `vouch eval` runs over the
//! dev set and private held-out sets (see README, "Matching accuracy").
//!
//! Features (all in 0..1, from `rank.rs`):
//! - `score`: the final blended score of the top entry;
//! - `coverage`: the weighted share of the question's content words the
//!   entry covers;
//! - `margin`: how far the top entry is ahead of the runner-up, relative to
//!   its own score.

use super::Confidence;

/// Below this score nothing is suggested: the matcher abstains.
pub const REVIEW_THRESHOLD: f32 = 0.22;

/// `high` needs all three: a strong score, most of the question covered,
/// and a clear lead over the runner-up. Chosen on ~1,200 labeled questions
/// (dev plus five private held-out sets): at 0.45 / 0.50 / 0.25 the dev set
/// had 3 wrong of 69 but the held-out sets 21 wrong of 204; at these values
/// 3 wrong of 152 over all six sets (dev 37, none wrong).
pub const HIGH_SCORE: f32 = 0.50;
pub const HIGH_COVERAGE: f32 = 0.60;
pub const HIGH_MARGIN: f32 = 0.30;

/// `medium` needs a fair score and some lead over the runner-up: the margin
/// is the feature that best separates right from wrong once the library
/// covers a topic (dev set: 91% right with a lead of 5% or more, 73% below;
/// coverage barely separates them). Dev set: 206 questions, 90% right;
/// all six sets: 814, 74% right.
pub const MEDIUM_SCORE: f32 = 0.30;
pub const MEDIUM_MARGIN: f32 = 0.05;

/// The band and a one-sentence reason, or `None` to abstain. Everything
/// else is `low` (dev set: 64 questions, 70% right; all six sets: 259,
/// 53% right): a near tie with another entry, or a weak score.
pub fn band(score: f32, coverage: f32, margin: f32) -> Option<(Confidence, String)> {
    if score < REVIEW_THRESHOLD {
        return None;
    }
    let facts = format!(
        "score {score:.2}, covers {:.0}% of the question, {:.0}% ahead of the runner-up",
        coverage * 100.0,
        margin * 100.0
    );
    if score >= HIGH_SCORE && coverage >= HIGH_COVERAGE && margin >= HIGH_MARGIN {
        return Some((Confidence::High, format!("high: {facts}")));
    }
    if score >= MEDIUM_SCORE && margin >= MEDIUM_MARGIN {
        let why = if margin < HIGH_MARGIN {
            "runner-up not far behind"
        } else {
            "partial match"
        };
        return Some((Confidence::Medium, format!("medium ({why}): {facts}")));
    }
    let why = if margin < MEDIUM_MARGIN {
        "not clearly ahead of another entry: compare the candidates"
    } else {
        "weak match, check it"
    };
    Some((Confidence::Low, format!("low ({why}): {facts}")))
}
