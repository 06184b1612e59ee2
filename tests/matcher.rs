//! The matcher on the built-in starter library: abstention on questions a
//! security library must not answer, explanations, and the dev-set
//! accuracy floor (a regression guard; the numbers are in the README).

use vouch::library::{Library, LibrarySource};
use vouch::matcher::{Matcher, MatcherCache, Query};

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

const TOP1_FLOOR: f64 = 0.86;
const TOP3_FLOOR: f64 = 0.97;

/// Questions in several styles, for comparing two matchers' rankings.
const PROBES: &[&str] = &[
    "2FA for admins?",
    "Is data encrypted at rest using AES-256?",
    "Do you use customer data to train AI models?",
    "How long do you retain prompts sent to the LLM?",
    "Are backups tested by restoring them?",
    "Describe your incident response plan.",
];

fn rankings(m: &Matcher) -> Vec<Vec<(String, f32)>> {
    PROBES
        .iter()
        .map(|q| {
            let r = m.rank(&Query::new(q), 10).unwrap();
            r.candidates
                .into_iter()
                .map(|s| (s.entry, s.score))
                .collect()
        })
        .collect()
}

/// The first open of a library stores its analysis and index; the next one
/// loads them and ranks exactly as a matcher built in memory does.
#[test]
fn index_cache_is_written_once_then_reused_with_identical_rankings() {
    let library = Library::open(&LibrarySource::Embedded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cache = MatcherCache::at(dir.path());
    let entry = cache.entry_path(&library.hash);
    assert!(!entry.exists());
    let first = Matcher::open(&library, Some(&cache)).unwrap();
    assert!(entry.join("analysis.json").is_file(), "cache entry written");
    let written = std::fs::metadata(entry.join("analysis.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert!(cache
        .load(
            &library.hash,
            library.entries.len() + library.out_of_scope.len()
        )
        .is_some());
    let second = Matcher::open(&library, Some(&cache)).unwrap();
    let again = std::fs::metadata(entry.join("analysis.json"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(written, again, "a warm open does not rewrite the cache");
    let fresh = matcher();
    assert_eq!(rankings(&first), rankings(&fresh));
    assert_eq!(rankings(&second), rankings(&fresh));
}

/// A damaged cache entry is ignored: the matcher is rebuilt in memory,
/// ranks as before, with no error, and the entry is written anew.
#[test]
fn damaged_index_cache_falls_back_to_a_fresh_build() {
    let library = Library::open(&LibrarySource::Embedded).unwrap();
    let documents = library.entries.len() + library.out_of_scope.len();
    let fresh = rankings(&matcher());
    for damage in ["truncated", "ids out of range", "index removed"] {
        let dir = tempfile::tempdir().unwrap();
        let cache = MatcherCache::at(dir.path());
        Matcher::open(&library, Some(&cache)).unwrap();
        let entry = cache.entry_path(&library.hash);
        let analysis = entry.join("analysis.json");
        match damage {
            "truncated" => {
                let bytes = std::fs::read(&analysis).unwrap();
                std::fs::write(&analysis, &bytes[..bytes.len() / 2]).unwrap();
            }
            "ids out of range" => {
                let text = std::fs::read_to_string(&analysis).unwrap();
                let broken = text.replacen("\"all\":[", "\"all\":[4000000000,", 1);
                assert_ne!(text, broken);
                std::fs::write(&analysis, broken).unwrap();
            }
            _ => std::fs::remove_dir_all(entry.join("index")).unwrap(),
        }
        assert!(cache.load(&library.hash, documents).is_none(), "{damage}");
        let m = Matcher::open(&library, Some(&cache)).unwrap();
        assert_eq!(rankings(&m), fresh, "{damage}");
        assert!(
            cache.load(&library.hash, documents).is_some(),
            "{damage}: the damaged entry is replaced"
        );
    }
}

/// An edited library gets its own cache entry, and its matcher sees the
/// edit (a stale index would not know the new variant).
#[test]
fn edited_library_gets_a_new_cache_entry() {
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = MatcherCache::at(cache_dir.path());
    let starter = Library::open(&LibrarySource::Embedded).unwrap();
    Matcher::open(&starter, Some(&cache)).unwrap();

    let folder = tempfile::tempdir().unwrap();
    let entries = folder.path().join("entries");
    std::fs::create_dir_all(&entries).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("answer-library");
    for name in ["profile.toml", "library.toml"] {
        std::fs::copy(source.join(name), folder.path().join(name)).unwrap();
    }
    for file in std::fs::read_dir(source.join("entries")).unwrap() {
        let file = file.unwrap().path();
        let mut text = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("access.toml") {
            text = text.replacen(
                "questions = [",
                "questions = [\n  \"Is zorblax telemetry quarantined?\",",
                1,
            );
        }
        std::fs::write(entries.join(file.file_name().unwrap()), text).unwrap();
    }
    let edited = Library::open(&LibrarySource::Dir(folder.path().to_path_buf())).unwrap();
    assert_ne!(edited.hash, starter.hash);
    let m = Matcher::open(&edited, Some(&cache)).unwrap();
    let cached: Vec<_> = std::fs::read_dir(cache_dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("index-"))
        .collect();
    assert_eq!(cached.len(), 2, "one cache entry per library");
    let top = m.suggest(&Query::new("zorblax telemetry"), 1).unwrap();
    assert_eq!(
        top[0].why.matched_variant,
        "Is zorblax telemetry quarantined?"
    );
}
