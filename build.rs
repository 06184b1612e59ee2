//! Build-time inputs cargo cannot see on its own:
//!
//! - the binary embeds `answer-library/` with `include_dir!`, so rebuild
//!   when it changes;
//! - the matcher's on-disk cache must never serve an index built by other
//!   analysis code, so hash the sources that decide what gets indexed
//!   (`src/matcher`, `src/library`) into `VOUCH_MATCHER_FINGERPRINT`.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=answer-library");
    let mut hasher = DefaultHasher::new();
    for dir in ["src/matcher", "src/library"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        collect(Path::new(dir), &mut files);
        files.sort();
        for file in files {
            file.hash(&mut hasher);
            std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
        }
    }
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    println!(
        "cargo:rustc-env=VOUCH_MATCHER_FINGERPRINT={:016x}",
        hasher.finish()
    );
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
