//! `vouch library check` and `vouch library coverage` on the starter library
//! and on broken libraries (fixtures/libraries/*, one per error kind).

use std::path::Path;
use std::process::{Command, Output};

fn vouch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VOUCH_TODAY", "2026-11-26")
        .output()
        .expect("run vouch")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Each broken fixture must fail with exit 1 and a message naming the file,
/// the line, the entry (when the entry parsed) and what is wrong.
#[test]
fn each_broken_library_fails_with_a_precise_message() {
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        ("unknown-field", ":22:", None, "unknown field `reviewer`"),
        (
            "duplicate-id",
            ":13:",
            Some("mfa-staff"),
            "duplicate id `mfa-staff` (first defined at",
        ),
        (
            "unknown-topic",
            ":13:",
            Some("wrong-topic"),
            "unknown topic `iam.mfa-staff`",
        ),
        (
            "unknown-framework",
            ":1:",
            Some("bad-ref"),
            "unknown criterion `CC6.9` in framework SOC2",
        ),
        (
            "unresolved-placeholder",
            ":1:",
            Some("bad-placeholder"),
            "unresolved placeholder `{{identity_provider}}`",
        ),
        (
            "empty-questions",
            ":1:",
            Some("no-questions"),
            "empty question list",
        ),
        ("bad-date", ":1:", Some("bad-date"), "bad date"),
        (
            "bad-answer",
            ":1:",
            Some("bad-answer"),
            "answer `Mostly` is not one of Yes, No, Partial, N/A",
        ),
        ("syntax-error", ":9:", None, "invalid basic string"),
    ];
    for (name, line, entry, what) in cases {
        let dir = format!("fixtures/libraries/{name}");
        let out = vouch(&["--library", &dir, "library", "check"]);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {all}");
        let error = all
            .lines()
            .find(|l| l.starts_with("error: fixtures/"))
            .unwrap_or_else(|| panic!("{name}: no located error in {all}"));
        assert!(
            error.contains(&format!("{dir}/entries/iam.toml{line}")),
            "{name}: file and line in {error}"
        );
        assert!(error.contains(what), "{name}: `{what}` in {error}");
        if let Some(id) = entry {
            assert!(
                error.contains(&format!("entry `{id}`")),
                "{name}: entry id in {error}"
            );
        }
        assert!(all.contains("hint: "), "{name}: a hint in {all}");
    }
}

#[test]
fn warnings_are_listed_and_exit_zero() {
    let out = vouch(&[
        "--library",
        "fixtures/libraries/warnings",
        "library",
        "check",
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(
        all.contains("entry `stale-entry`: stale: last reviewed 2020-01-15"),
        "{all}"
    );
    assert!(
        all.contains("entry `stale-entry`: only 2 question variant(s)"),
        "{all}"
    );
    assert!(
        all.contains("entry `stale-entry`: near duplicate of `fresh-entry`"),
        "{all}"
    );
    assert!(
        all.contains("entry `long-text`: text is 1979 characters, over the limit of 1200"),
        "{all}"
    );
    assert!(all.contains("0 error(s), 4 warning(s)"), "{all}");
}

#[test]
fn starter_library_checks_clean() {
    let out = vouch(&["--library", "answer-library", "library", "check"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains(" 0 error(s), 0 warning(s)"), "{all}");
}

#[test]
fn starter_library_covers_every_framework_criterion_and_topic() {
    let out = vouch(&[
        "--library",
        "answer-library",
        "library",
        "coverage",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("coverage JSON");
    let want = [("SOC2", 61), ("NIST-AI-RMF", 72), ("ISO42001", 38)];
    for (key, total) in want {
        let f = json["frameworks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .unwrap_or_else(|| panic!("{key} missing"));
        assert_eq!(f["total"], total, "{key}");
        assert_eq!(f["covered"], total, "{key}: missing {}", f["missing"]);
        assert_eq!(f["missing"].as_array().unwrap().len(), 0, "{key}");
    }
    assert_eq!(json["topics_total"], 178);
    assert_eq!(
        json["topics_missing"].as_array().unwrap().len(),
        0,
        "{}",
        json["topics_missing"]
    );
}

#[test]
fn starter_library_has_enough_entries_and_variants() {
    let source = vouch::library::LibrarySource::Dir(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("answer-library"),
    );
    let library = vouch::library::Library::open(&source).expect("starter library loads");
    assert!(
        library.entries.len() >= 178,
        "{} entries",
        library.entries.len()
    );
    for e in &library.entries {
        assert!(
            e.questions.len() >= 4,
            "{} has {} variants",
            e.id,
            e.questions.len()
        );
        assert!(!e.keywords.is_empty(), "{} has no keywords", e.id);
    }
}

/// The binary embeds the starter library: it works from a folder with no
/// answer-library of its own.
#[test]
fn embedded_library_works_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["library", "check"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(all.contains("built-in starter library"), "{all}");
}
