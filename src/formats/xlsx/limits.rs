//! Checks that run before any parser sees a buyer's file: is it really a
//! spreadsheet, is it encrypted, is it a zip bomb, does any XML part carry a
//! DTD. Each failure is one line naming the file, with a hint.
//!
//! Why before the parsers: calamine and quick-xml would either fail with an
//! opaque message ("invalid Zip archive") or, for a bomb, spend minutes and
//! gigabytes before failing. The zip central directory tells us the declared
//! sizes for free, and the zip crate refuses to inflate an entry past its
//! declared size, so checking declared sizes here bounds all later work.

use crate::formats::container::{is_encrypted_ole, read_up_to, CFB_MAGIC, ZIP_MAGIC};
use crate::questionnaire::Format;
use anyhow::Result;
use std::io::{Read, Seek};
use std::path::Path;

/// Largest buyer file we open at all (compressed bytes on disk).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries a workbook zip may hold.
pub const MAX_ZIP_ENTRIES: usize = 10_000;
/// Total declared uncompressed size of all entries.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 256 * 1024 * 1024;
/// Largest compression ratio for an entry bigger than [`RATIO_FLOOR_BYTES`]:
/// real sheet XML compresses 5-30x, bombs 1000x and more.
pub const MAX_COMPRESSION_RATIO: u64 = 200;
/// Entries smaller than this are not ratio-checked (tiny parts compress oddly).
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;
/// Most rows holding values that one sheet may have. Questionnaires have a
/// few thousand at most; a million-row sheet is an export gone wrong or an
/// attack, and reading it would take minutes and gigabytes.
pub const MAX_ROWS: u32 = 100_000;
/// Most columns we look at on one sheet.
pub const MAX_COLS: u32 = 1_000;

/// The container kind found by magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// A zip archive (XLSX, XLSM, ODS).
    Zip,
    /// An OLE compound file (legacy XLS, or an encrypted OOXML package).
    Cfb,
}

/// Check `path` before parsing: size, container kind, encryption, and for
/// zips the entry sizes, ratios and XML prologues.
pub fn check(path: &Path, format: Format) -> Result<Container> {
    let size = std::fs::metadata(path)
        .map_err(|e| {
            bad(
                path,
                &format!("cannot read: {e}"),
                "check the path and permissions",
            )
        })?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(bad(
            path,
            &format!("is {} MB; vouch opens files up to {} MB", size >> 20, MAX_FILE_BYTES >> 20),
            "a questionnaire this large is unusual: remove embedded images or unrelated sheets and try again",
        ));
    }
    let mut file = std::fs::File::open(path).map_err(|e| {
        bad(
            path,
            &format!("cannot open: {e}"),
            "check the path and permissions",
        )
    })?;
    let mut magic = [0u8; 8];
    let n = read_up_to(&mut file, &mut magic)?;
    let magic = &magic[..n];
    let container = if magic.starts_with(ZIP_MAGIC) {
        Container::Zip
    } else if magic.starts_with(CFB_MAGIC) {
        Container::Cfb
    } else {
        return Err(not_a_spreadsheet(path, format, magic));
    };
    match (container, format) {
        (Container::Cfb, Format::Xls) => check_cfb(path, &mut file, false)?,
        (Container::Cfb, _) => check_cfb(path, &mut file, true)?,
        (Container::Zip, Format::Xls) => {
            return Err(bad(
                path,
                "has the .xls extension but is a zip (XLSX or ODS) file",
                "rename it to .xlsx (or .ods) and import it again",
            ))
        }
        (Container::Zip, _) => check_zip(path, file)?,
    }
    Ok(container)
}

/// An OLE compound file: legacy XLS, or an OOXML workbook saved with a
/// password (Office wraps it in a CFB with an `EncryptedPackage` stream).
fn check_cfb(path: &Path, file: &mut std::fs::File, expect_ooxml: bool) -> Result<()> {
    file.rewind()?;
    if is_encrypted_ole(std::io::BufReader::new(file))? {
        return Err(encrypted(path));
    }
    if expect_ooxml {
        return Err(bad(
            path,
            "is an old binary Excel file (.xls) with a different extension",
            "rename it to .xls, or open it in Excel or LibreOffice and save it as .xlsx",
        ));
    }
    Ok(())
}

fn check_zip(path: &Path, file: std::fs::File) -> Result<()> {
    let reader = std::io::BufReader::new(file);
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| corrupt(path, &e.to_string()))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(bomb(path, &format!("{} zip entries", archive.len())));
    }
    let mut total: u64 = 0;
    let mut xml_parts = Vec::new();
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| corrupt(path, &e.to_string()))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let (size, packed) = (entry.size(), entry.compressed_size());
        total = total.saturating_add(size);
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(bomb(
                path,
                &format!("more than {} MB uncompressed", MAX_UNCOMPRESSED_BYTES >> 20),
            ));
        }
        if size > RATIO_FLOOR_BYTES && size / packed.max(1) > MAX_COMPRESSION_RATIO {
            return Err(bomb(
                path,
                &format!("entry {name} expands {}x", size / packed.max(1)),
            ));
        }
        if is_xml_part(&name) {
            xml_parts.push(i);
        }
    }
    for i in xml_parts {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| corrupt(path, &e.to_string()))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if has_doctype(&mut entry).map_err(|e| corrupt(path, &format!("{name}: {e}")))? {
            return Err(dtd(path, &name));
        }
    }
    Ok(())
}

fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")
}

/// Read an XML part's prologue (declaration, comments, processing
/// instructions, whitespace) and report whether a `<!DOCTYPE` follows. A DTD
/// can only appear before the root element, so we stop at the first element.
pub fn has_doctype(reader: &mut impl Read) -> std::io::Result<bool> {
    const MAX_PROLOGUE: usize = 64 * 1024;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let n = reader.read(&mut chunk)?;
        buf.extend_from_slice(&chunk[..n]);
        match prologue_verdict(&buf) {
            Some(verdict) => return Ok(verdict),
            None if n == 0 || buf.len() >= MAX_PROLOGUE => return Ok(contains_doctype(&buf)),
            None => {}
        }
    }
}

/// `Some(true)` on a DOCTYPE, `Some(false)` on the first element, `None`
/// when the buffer ends inside the prologue.
fn prologue_verdict(buf: &[u8]) -> Option<bool> {
    let mut i = 0;
    // Skip a UTF-8 byte order mark.
    if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        i = 3;
    }
    loop {
        while i < buf.len() && buf[i].is_ascii_whitespace() {
            i += 1;
        }
        let rest = &buf[i..];
        if rest.len() < 9 {
            return None;
        }
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest[..9].eq_ignore_ascii_case(b"<!DOCTYPE") {
            return Some(true);
        } else {
            return Some(false);
        }
    }
}

fn contains_doctype(buf: &[u8]) -> bool {
    buf.windows(9).any(|w| w.eq_ignore_ascii_case(b"<!DOCTYPE"))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// "Not a spreadsheet", saying what it looks like when we can tell.
fn not_a_spreadsheet(path: &Path, format: Format, magic: &[u8]) -> anyhow::Error {
    let looks_like = if magic.starts_with(b"%PDF") {
        " (it is a PDF)"
    } else if magic.is_empty() {
        " (it is empty)"
    } else if magic
        .iter()
        .all(|b| b.is_ascii() && !b.is_ascii_control() || b.is_ascii_whitespace())
    {
        " (it is plain text)"
    } else {
        ""
    };
    bad(
        path,
        &format!(
            "is not a spreadsheet{looks_like}: a .{} file starts with a zip or OLE header",
            format.extension()
        ),
        "check that this is the buyer's original file; text exports should be saved as .csv",
    )
}

pub(crate) fn encrypted(path: &Path) -> anyhow::Error {
    bad(
        path,
        "is password-protected (encrypted workbook)",
        "open it in Excel or LibreOffice with the password and save an unprotected copy, then import the copy",
    )
}

pub(crate) fn corrupt(path: &Path, detail: &str) -> anyhow::Error {
    bad(
        path,
        &format!("is not a readable workbook (corrupt zip: {detail})"),
        "ask the buyer to send the file again, or open and re-save it in Excel or LibreOffice",
    )
}

fn bomb(path: &Path, detail: &str) -> anyhow::Error {
    bad(
        path,
        &format!("looks like a zip bomb ({detail}); refusing to unpack it"),
        "a real questionnaire is far smaller: ask the buyer for the original file",
    )
}

pub(crate) fn dtd(path: &Path, part: &str) -> anyhow::Error {
    bad(
        path,
        &format!("part {part} contains an XML DTD (<!DOCTYPE>), which vouch refuses to read"),
        "Excel never writes DTDs: the file was crafted or converted by another tool; re-save it in Excel or LibreOffice",
    )
}

pub(crate) fn too_many_rows(path: &Path, sheet: &str) -> anyhow::Error {
    bad(
        path,
        &format!("sheet '{sheet}' has more than {MAX_ROWS} rows with values"),
        "delete the unused rows (or the sheet) in a copy of the file and import the copy",
    )
}

pub(crate) fn bad(path: &Path, cause: &str, hint: &str) -> anyhow::Error {
    crate::error::hint(format!("{} {cause}", path.display()), hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctype_found_after_declaration_and_comment() {
        let xml = b"<?xml version=\"1.0\"?>\n<!-- x --><!DOCTYPE foo [<!ENTITY a \"b\">]><foo/>";
        assert!(has_doctype(&mut &xml[..]).unwrap());
    }

    #[test]
    fn no_doctype_in_plain_part() {
        let xml = b"<?xml version=\"1.0\"?><worksheet><!DOCTYPE-in-text/></worksheet>";
        assert!(!has_doctype(&mut &xml[..]).unwrap());
    }
}
