//! Helpers shared by the integration test crates: the real questionnaires,
//! and running external tools (LibreOffice, python) with useful failures.
// Each test crate compiles this module and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

/// Run `command` and return its output; a failure fails the test with the
/// command's stdout and stderr. `what` names the tool for the message and
/// says how to install it when it is missing.
pub fn run_ok(command: &mut Command, what: &str) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} did not start: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Convert `files` with headless LibreOffice (`--convert-to format`) into
/// `outdir`. Each call gets its own user profile under `scratch`: parallel
/// tests sharing one profile make soffice fail at random.
pub fn soffice_convert(scratch: &Path, format: &str, outdir: &Path, files: &[&Path]) {
    let profile = tempfile::tempdir_in(scratch).expect("profile dir");
    run_ok(
        Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                profile.path().display()
            ))
            .args(["--headless", "--convert-to", format, "--outdir"])
            .arg(outdir)
            .args(files),
        "LibreOffice (soffice; CI installs libreoffice-calc and libreoffice-writer)",
    );
}
