//! Helpers shared by the test crates that read the real questionnaires.

use std::path::{Path, PathBuf};

/// A public questionnaire from `../shared/questionnaires` beside the
/// checkout (its licence forbids copying it into the repo).
pub fn shared(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/questionnaires")
        .join(name);
    assert!(
        path.is_file(),
        "{} not found: the tests read the public questionnaires from ../shared beside the checkout",
        path.display()
    );
    path
}
