//! Matcher benchmark (run with `cargo bench --bench matcher`): index build
//! time for the starter library and for a synthetic 10,000-entry library,
//! and per-question match latency (p50, p99) over real questions.
//!
//! A plain `main` rather than criterion: the numbers we need are a build
//! time and a latency distribution, printed side by side.

use std::time::{Duration, Instant};
use vouch::library::{Entry, Library, LibrarySource, Origin};
use vouch::matcher::{Matcher, Query};

fn main() {
    let starter = Library::open(&LibrarySource::Embedded).expect("starter library");
    let build = median(5, || {
        Matcher::new(&starter).expect("index");
    });
    println!(
        "index build, starter library ({} entries): median {:.1} ms",
        starter.entries.len(),
        ms(build)
    );

    let big = synthetic(&starter, 10_000);
    let build_big = median(3, || {
        Matcher::new(&big).expect("index");
    });
    println!(
        "index build, synthetic library ({} entries): median {:.1} ms",
        big.entries.len(),
        ms(build_big)
    );

    let matcher = Matcher::new(&starter).expect("index");
    let questions = questions();
    let mut times: Vec<Duration> = Vec::with_capacity(questions.len() * 3);
    for _ in 0..3 {
        for q in &questions {
            let t = Instant::now();
            let _ = matcher.suggest(&Query::new(q), 5).expect("match");
            times.push(t.elapsed());
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "match latency, starter library ({} questions x 3): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        questions.len(),
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(*times.last().unwrap())
    );
    let big_matcher = Matcher::new(&big).expect("index");
    let mut big_times: Vec<Duration> = questions
        .iter()
        .map(|q| {
            let t = Instant::now();
            let _ = big_matcher.suggest(&Query::new(q), 5).expect("match");
            t.elapsed()
        })
        .collect();
    big_times.sort();
    println!(
        "match latency, synthetic library: p50 {:.3} ms",
        ms(big_times[big_times.len() / 2])
    );
}

/// The dev questions when `../shared` is beside the repo, else the starter
/// library's own variants.
fn questions() -> Vec<String> {
    let dev = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev.tsv");
    if let Ok(rows) = vouch::cmd::eval::read_labels(&dev) {
        return rows.into_iter().map(|r| r.question).collect();
    }
    let lib = Library::open(&LibrarySource::Embedded).unwrap();
    lib.entries
        .iter()
        .flat_map(|e| e.questions.clone())
        .take(300)
        .collect()
}

/// A library of `n` entries whose variants recombine the starter library's
/// words (deterministically), so term statistics stay realistic.
fn synthetic(starter: &Library, n: usize) -> Library {
    let words: Vec<&str> = starter
        .entries
        .iter()
        .flat_map(|e| e.questions.iter())
        .flat_map(|q| q.split_whitespace())
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut library = starter.clone();
    library.entries = (0..n)
        .map(|i| {
            let base = &starter.entries[i % starter.entries.len()];
            let questions = (0..8)
                .map(|_| {
                    (0..12)
                        .map(|_| words[(next() as usize) % words.len()])
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            Entry {
                id: format!("synthetic-{i}"),
                questions,
                origin: Origin {
                    file: "synthetic".into(),
                    line: i,
                },
                ..base.clone()
            }
        })
        .collect();
    library
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut t: Vec<Duration> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[runs / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
