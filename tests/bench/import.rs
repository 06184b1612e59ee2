//! Import of HECVAT 4.1.4 end to end (read + detect + match + write the
//! review file) against a bare calamine read of all its sheets, side by side.
//!
//!     cargo bench --bench import
//!
//! Prints the median of each over several runs and their ratio, plus the
//! median of each stage of the import (reading + detecting the questionnaire
//! side by side with opening the library and matcher, matching, hashing +
//! writing) so a regression points at
//! its stage. The acceptance bar (issue 4) is a ratio of at most 3. The
//! index cache is warm, as for every import but the first after a library
//! change; the first import's time is printed after.

use calamine::Reader;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 9;

fn main() {
    let file = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/questionnaires/hecvat-4.1.4-full-blank.xlsx"
    ));
    if !file.is_file() {
        println!("skipped: {} not found", file.display());
        return;
    }
    let out_dir = tempfile::tempdir().expect("temp dir");
    let out = out_dir.path().join("hecvat.review.json");
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let globals = vouch::cmd::Globals {
        library: vouch::library::LibrarySource::resolve(None),
        cache: Some(vouch::matcher::MatcherCache::at(cache_dir.path())),
    };
    // Warm the page cache and the index cache (the first import of a
    // library builds and stores its index; every later one reuses it).
    bare_read(&file);
    import(&file, &globals, &out);

    let mut bare = Vec::new();
    let mut full = Vec::new();
    let mut stages: [Vec<Duration>; 3] = Default::default();
    let mut cells = 0;
    let mut items = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        cells = bare_read(&file);
        bare.push(t.elapsed());
        let t = Instant::now();
        let (n, times) = import(&file, &globals, &out);
        full.push(t.elapsed());
        items = n;
        for (all, one) in stages.iter_mut().zip(times) {
            all.push(one);
        }
    }
    let (bare, full) = (median(bare), median(full));
    let ratio = full.as_secs_f64() / bare.as_secs_f64();
    println!("hecvat-4.1.4-full-blank.xlsx, median of {RUNS} runs");
    println!(
        "  bare calamine read, all sheets ({cells} cells): {:>8.1} ms",
        ms(bare)
    );
    println!(
        "  vouch import end to end ({items} items):      {:>8.1} ms",
        ms(full)
    );
    let names = ["read + detect | library", "matching", "hash + write"];
    for (name, times) in names.iter().zip(stages) {
        let m = median(times);
        println!(
            "    {name:<24} {:>8.1} ms  ({:.2}x bare read)",
            ms(m),
            m.as_secs_f64() / bare.as_secs_f64()
        );
    }
    println!(
        "  ratio: {ratio:.2}x (acceptance: <= 3.00x) {}",
        if ratio <= 3.0 { "PASS" } else { "FAIL" }
    );
    let cold_globals = vouch::cmd::Globals {
        cache: None,
        ..globals
    };
    let cold = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                import(&file, &cold_globals, &out);
                t.elapsed()
            })
            .collect(),
    );
    println!(
        "  first import of a library (no index cache, median of 3): {:>8.1} ms = {:.2}x",
        ms(cold),
        cold.as_secs_f64() / bare.as_secs_f64()
    );
}

/// Open the workbook and read every sheet's values, as a bare tool would.
fn bare_read(file: &Path) -> usize {
    let mut book = calamine::open_workbook_auto(file).expect("calamine opens HECVAT");
    let mut cells = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("sheet reads");
        cells += range.used_cells().count();
    }
    cells
}

/// What `vouch import FILE -o OUT` does, minus printing, stage by stage.
fn import(file: &Path, globals: &vouch::cmd::Globals, out: &Path) -> (usize, [Duration; 3]) {
    let t = Instant::now();
    let (questionnaire, library, matcher) =
        vouch::cmd::import::read_and_open(file, globals).expect("import reads HECVAT");
    let open = t.elapsed();
    let t = Instant::now();
    let review =
        vouch::review::build(&questionnaire, &library, &matcher, "0").expect("import matches");
    let matching = t.elapsed();
    let t = Instant::now();
    let sha = vouch::fsutil::sha256_file(file).expect("hash");
    std::hint::black_box(sha);
    review.write(out).expect("review file written");
    let write = t.elapsed();
    (review.items.len(), [open, matching, write])
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
