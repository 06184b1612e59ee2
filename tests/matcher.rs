//! The matcher on the built-in starter library: abstention on questions a
//! security library must not answer, explanations, and the dev-set
//! accuracy floor (a regression guard; the numbers are in the README).

use vouch::library::{Library, LibrarySource};
use vouch::matcher::{Matcher, Query};

fn matcher() -> Matcher {
    let library = Library::open(&LibrarySource::Embedded).expect("starter library");
    Matcher::new(&library).expect("index builds")
}

#[test]
fn abstains_on_commercial_and_company_profile_questions() {
    let m = matcher();
    for q in [
        "What is your pricing for 500 seats?",
        "How many employees does your company have?",
        "What was your total revenue in the last fiscal year?",
        "What is the headcount of your sales team?",
        "Please list your office locations and founding year.",
    ] {
        let ranking = m.rank(&Query::new(q), 3).unwrap();
        assert!(
            ranking.abstain.is_some(),
            "should abstain on {q:?}, got {:?}",
            ranking.candidates.first().map(|s| (&s.entry, s.score))
        );
        assert!(m.suggest(&Query::new(q), 3).unwrap().is_empty(), "{q}");
    }
}

#[test]
fn abstains_when_no_word_is_known() {
    let ranking = matcher().rank(&Query::new("Zxqv blorp quux?"), 3).unwrap();
    assert!(ranking.abstain.is_some());
}

#[test]
fn finds_core_topics_in_different_buyer_styles() {
    let m = matcher();
    for (q, topic) in [
        ("2FA for admins?", "iam."),
        ("Is data encrypted at rest using AES-256?", "crypto.at-rest"),
        ("Do you use customer data to train AI models?", "ai."),
        (
            "Describe your subprocessor list and how customers are notified of changes.",
            "vendor.subprocessor",
        ),
        (
            "Are backups tested by restoring them?",
            "bc.backup-restore-testing",
        ),
    ] {
        let s = m.suggest(&Query::new(q), 3).unwrap();
        let top = s
            .first()
            .unwrap_or_else(|| panic!("no suggestion for {q:?}"));
        assert!(
            top.topic.starts_with(topic),
            "{q:?} -> {} ({})",
            top.topic,
            top.entry
        );
    }
}

#[test]
fn every_suggestion_is_explained() {
    let s = matcher()
        .suggest(
            &Query::new("Do you enforce multi-factor authentication for employees?"),
            3,
        )
        .unwrap();
    let top = &s[0];
    assert!(!top.why.matched_terms.is_empty());
    assert!(
        top.why
            .matched_terms
            .iter()
            .any(|t| t.to_lowercase().contains("multi-factor")),
        "{:?}",
        top.why.matched_terms
    );
    assert!(!top.why.matched_variant.is_empty());
    assert!(
        top.why.band_reason.starts_with(top.confidence.as_str()),
        "{}",
        top.why.band_reason
    );
    assert!(
        !top.text.contains("{{"),
        "placeholders are rendered: {}",
        top.text
    );
}

/// Accuracy floor on the dev set (../shared/eval/dev.tsv). It guards against
/// regressions; README "Matching accuracy" has the current numbers.
#[test]
fn dev_set_accuracy_floor() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev.tsv");
    let rows =
        vouch::cmd::eval::read_labels(&path).expect("dev.tsv is beside the repo in ../shared");
    let report = vouch::cmd::eval::evaluate(&matcher(), &rows).unwrap();
    assert_eq!(report.questions, 319);
    assert!(report.top1 >= TOP1_FLOOR, "top1 {}", report.top1);
    assert!(report.top3 >= TOP3_FLOOR, "top3 {}", report.top3);
    assert!(
        report.abstain_accuracy >= 0.8,
        "abstain_accuracy {}",
        report.abstain_accuracy
    );
    assert!(
        report.confident_wrong <= 3,
        "confident_wrong {}",
        report.confident_wrong
    );
}

const TOP1_FLOOR: f64 = 0.69;
const TOP3_FLOOR: f64 = 0.87;
