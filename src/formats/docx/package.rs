//! The DOCX container: open it safely (refusing encrypted files, old binary
//! `.doc`, corrupt zips and zip bombs with one-line errors), read its XML
//! parts, and write a copy in which only `word/document.xml` changed and
//! every other entry is copied raw, byte for byte.

use crate::error::hint;
use crate::formats::container::{is_encrypted_ole, read_up_to, CFB_MAGIC};
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub const DOCUMENT: &str = "word/document.xml";
pub const STYLES: &str = "word/styles.xml";
pub const NUMBERING: &str = "word/numbering.xml";

/// Largest uncompressed XML part accepted (guard against zip bombs).
pub const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Most zip entries accepted.
const MAX_ENTRIES: usize = 20_000;

pub type Archive = ZipArchive<File>;

/// Open `path` as a DOCX zip, or explain why it is not one.
pub fn open(path: &Path) -> Result<Archive> {
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic)?;
    if magic[..n] == *CFB_MAGIC {
        return Err(ole_error(path));
    }
    if n < 4 || &magic[..2] != b"PK" {
        return Err(hint(
            format!("{} is not a DOCX file (no zip signature)", path.display()),
            "save the questionnaire from Word as .docx and import that file",
        ));
    }
    let archive = ZipArchive::new(file).map_err(|e| corrupt(path, &e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(hint(
            format!(
                "{} has {} zip entries (more than {MAX_ENTRIES})",
                path.display(),
                archive.len()
            ),
            "this is not an ordinary Word document; re-save it from Word as .docx",
        ));
    }
    Ok(archive)
}

/// An OLE container is either an encrypted OOXML file or a legacy binary
/// document; the stream name `EncryptedPackage` tells them apart.
fn ole_error(path: &Path) -> anyhow::Error {
    let encrypted = File::open(path)
        .and_then(|f| is_encrypted_ole(std::io::BufReader::new(f)))
        .unwrap_or(false);
    if encrypted {
        hint(
            format!("{} is password-protected (encrypted)", path.display()),
            "open it in Word, remove the password (File > Info > Protect Document > Encrypt with Password), save as .docx and import that copy",
        )
    } else {
        hint(
            format!(
                "{} is an old binary Word document (.doc), not a .docx",
                path.display()
            ),
            "open it in Word or LibreOffice and save it as .docx, then import the .docx",
        )
    }
}

fn corrupt(path: &Path, why: &str) -> anyhow::Error {
    hint(
        format!(
            "{} is not a valid DOCX (corrupt zip: {why})",
            path.display()
        ),
        "re-save it from Word as .docx; if it came by email or download, fetch it again",
    )
}

/// Read an XML part as UTF-8 text (BOM removed); `None` when absent.
pub fn read_part(archive: &mut Archive, name: &str, path: &Path) -> Result<Option<String>> {
    let entry = match archive.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(corrupt(path, &e.to_string())),
    };
    if entry.encrypted() {
        return Err(hint(
            format!("{}: {name} is encrypted inside the zip", path.display()),
            "remove the password in Word, save as .docx and import that copy",
        ));
    }
    if entry.size() > MAX_PART_BYTES {
        return Err(too_big(path, name));
    }
    let mut bytes = Vec::new();
    entry
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| corrupt(path, &format!("{name}: {e}")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(too_big(path, name));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        hint(
            format!("{}: {name} is not UTF-8 XML", path.display()),
            "re-save the document from Word as .docx",
        )
    })?;
    Ok(Some(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }))
}

fn too_big(path: &Path, name: &str) -> anyhow::Error {
    hint(
        format!(
            "{}: {name} unpacks to more than {} MiB",
            path.display(),
            MAX_PART_BYTES / (1024 * 1024)
        ),
        "vouch refuses oversized parts as a guard against zip bombs; split the questionnaire into smaller documents",
    )
}

/// Write a copy of `archive` to `out` (atomically) with `document` as the new
/// `word/document.xml`; every other entry is copied raw (same compressed
/// bytes, same order, same zip comment).
pub fn write_patched(archive: &mut Archive, document: &[u8], out: &Path) -> Result<()> {
    crate::fsutil::write_atomic_with(out, |file| {
        let mut zip = ZipWriter::new(file);
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i)?;
            let name = entry.name()?.into_owned();
            if name == DOCUMENT {
                let mut options = SimpleFileOptions::default()
                    .compression_method(CompressionMethod::Deflated)
                    .large_file(document.len() as u64 >= u32::MAX as u64);
                if let Some(time) = entry.last_modified() {
                    options = options.last_modified_time(time);
                }
                drop(entry);
                zip.start_file(name, options)?;
                zip.write_all(document)?;
            } else {
                zip.raw_copy_file(entry)?;
            }
        }
        zip.set_raw_comment(archive.comment().into())?;
        zip.finish()?;
        Ok(())
    })
    .with_context(|| format!("cannot write {}", out.display()))
}
