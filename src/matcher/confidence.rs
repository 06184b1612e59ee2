//! Confidence bands and the review threshold: every number that decides
//! what a reviewer sees lives here, calibrated on `vouch eval` runs over the
//! dev set (see README, "Matching accuracy").
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

/// `high` needs all three: a strong score, most of the question covered, and
/// a clear lead over the runner-up (a near tie means the reviewer must choose).
pub const HIGH_SCORE: f32 = 0.50;
pub const HIGH_COVERAGE: f32 = 0.60;
pub const HIGH_MARGIN: f32 = 0.25;

/// `medium` needs a fair score and half the question covered.
pub const MEDIUM_SCORE: f32 = 0.35;
pub const MEDIUM_COVERAGE: f32 = 0.40;

/// The band and a one-sentence reason, or `None` to abstain.
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
    if score >= MEDIUM_SCORE && coverage >= MEDIUM_COVERAGE {
        let why = if margin < HIGH_MARGIN {
            "close runner-up"
        } else {
            "partial match"
        };
        return Some((Confidence::Medium, format!("medium ({why}): {facts}")));
    }
    Some((
        Confidence::Low,
        format!("low (weak match, check it): {facts}"),
    ))
}
