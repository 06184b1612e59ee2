//! Export of HECVAT 4.1.4 (`vouch export --include-unreviewed` after an
//! import: read the review, hash the source, plan, patch the answered
//! worksheets, raw-copy every other part) against decompressing and
//! recompressing every zip entry of the same file, which is the least a
//! library that rewrites the whole workbook must do. Side by side:
//!
//!     cargo bench --bench export
//!
//! Prints the median of each over several runs and their ratio. The
//! acceptance bar (issue 5) is a ratio below 1: export is faster.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const RUNS: usize = 9;

fn main() {
    let source = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/questionnaires/hecvat-4.1.4-full-blank.xlsx"
    ));
    if !source.is_file() {
        println!("skipped: {} not found", source.display());
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("hecvat.xlsx");
    std::fs::copy(&source, &copy).expect("copy HECVAT");
    let review = dir.path().join("hecvat.review.json");
    let globals = vouch::cmd::Globals {
        library: vouch::library::LibrarySource::resolve(None),
        cache: None,
    };
    let import = vouch::cmd::import::Args {
        file: copy.clone(),
        output: Some(review.clone()),
        dry_run: false,
    };
    vouch::cmd::import::run(&import, &globals).expect("import HECVAT");
    let args = vouch::cmd::export::Args {
        review: review.clone(),
        output: Some(dir.path().join("hecvat.completed.xlsx")),
        include_unreviewed: true,
        force: false,
    };
    let recompressed = dir.path().join("hecvat.recompressed.xlsx");

    // Warm the page cache for both sides.
    let summary = vouch::cmd::export::export(&args).expect("export HECVAT");
    let entries = recompress_all(&copy, &recompressed);

    let mut export = Vec::new();
    let mut baseline = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        recompress_all(&copy, &recompressed);
        baseline.push(t.elapsed());
        let t = Instant::now();
        vouch::cmd::export::export(&args).expect("export HECVAT");
        export.push(t.elapsed());
    }
    let (export, baseline) = (median(export), median(baseline));
    let ratio = export.as_secs_f64() / baseline.as_secs_f64();
    println!("hecvat-4.1.4-full-blank.xlsx, median of {RUNS} runs");
    println!(
        "  inflate + deflate every zip entry ({entries} entries):        {:>8.1} ms",
        ms(baseline)
    );
    println!(
        "  vouch export ({} cells on {} sheets, rest raw-copied): {:>8.1} ms",
        summary.cells_written(),
        summary.written.len(),
        ms(export)
    );
    println!(
        "  ratio: {ratio:.2}x (acceptance: < 1.00x) {}",
        if ratio < 1.0 { "PASS" } else { "FAIL" }
    );
}

/// Read every entry decompressed and write it again deflated, as a library
/// that loads and re-saves the whole workbook must at least do.
fn recompress_all(source: &Path, out: &Path) -> usize {
    let mut zip = ZipArchive::new(BufReader::new(File::open(source).expect("open"))).expect("zip");
    let mut writer = ZipWriter::new(BufWriter::new(File::create(out).expect("create")));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut data = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        data.clear();
        entry.read_to_end(&mut data).expect("inflate");
        let name = entry.name().expect("name").into_owned();
        drop(entry);
        writer.start_file(name, options).expect("start");
        writer.write_all(&data).expect("deflate");
    }
    writer.finish().expect("finish").flush().expect("flush");
    zip.len()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
