//! Where a library's files come from: a folder on disk or the starter library
//! embedded in the binary. Both yield the same list of [`SourceFile`]s, so the
//! loader has one code path.

use anyhow::{Context, Result};
use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};

static STARTER: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/answer-library");

/// The label used for files of the embedded starter library.
pub const BUILT_IN: &str = "<built-in>";

/// One library file: its display path (for messages) and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the library root with `/` separators (`entries/iam.toml`).
    pub rel: String,
    /// What to print in messages (`answer-library/entries/iam.toml`).
    pub display: String,
    pub text: String,
}

/// A library to load.
#[derive(Clone, Debug)]
pub enum LibrarySource {
    /// The starter library compiled into the binary.
    Embedded,
    /// A folder; files it lacks among the shared ones (topics, frameworks,
    /// settings, synonyms) come from the starter library.
    Dir(PathBuf),
}

/// Files a user folder may omit; the starter library's copies are used.
fn is_inheritable(rel: &str) -> bool {
    matches!(
        rel,
        "topics.toml" | "library.toml" | "synonyms.toml" | "out-of-scope.toml"
    ) || rel.starts_with("frameworks/")
}

impl LibrarySource {
    /// `--library DIR` if given, else `./answer-library` if present, else the
    /// embedded starter library.
    pub fn resolve(flag: Option<&Path>) -> LibrarySource {
        if let Some(dir) = flag {
            return LibrarySource::Dir(dir.to_path_buf());
        }
        let local = Path::new("answer-library");
        if local.join("entries").is_dir() {
            return LibrarySource::Dir(local.to_path_buf());
        }
        LibrarySource::Embedded
    }

    /// A short human label: `built-in starter library` or the folder path.
    pub fn label(&self) -> String {
        match self {
            LibrarySource::Embedded => "built-in starter library".to_string(),
            LibrarySource::Dir(d) => d.display().to_string(),
        }
    }

    /// Every `.toml` file of the library, sorted by relative path.
    pub fn files(&self) -> Result<Vec<SourceFile>> {
        let mut files = embedded_files();
        if let LibrarySource::Dir(dir) = self {
            if !dir.is_dir() {
                return Err(crate::error::hint(
                    format!("library folder {} does not exist", dir.display()),
                    "pass --library with a folder holding entries/*.toml, or omit it to use the built-in library",
                ));
            }
            let mine = dir_files(dir)?;
            files.retain(|f| is_inheritable(&f.rel) && !mine.iter().any(|m| m.rel == f.rel));
            files.extend(mine);
        }
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(files)
    }
}

fn embedded_files() -> Vec<SourceFile> {
    let mut out = Vec::new();
    collect_embedded(&STARTER, &mut out);
    out
}

fn collect_embedded(dir: &Dir<'_>, out: &mut Vec<SourceFile>) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        if let (true, Some(text)) = (rel.ends_with(".toml"), file.contents_utf8()) {
            out.push(SourceFile {
                display: format!("{BUILT_IN}/{rel}"),
                rel,
                text: text.to_string(),
            });
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

fn dir_files(root: &Path) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let listing =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for item in listing {
            let path = item?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let rel = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "cannot read {} (library files must be UTF-8 TOML)",
                        path.display()
                    )
                })?;
                out.push(SourceFile {
                    display: path.display().to_string(),
                    rel,
                    text,
                });
            }
        }
    }
    Ok(out)
}
