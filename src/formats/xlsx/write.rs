//! Write answers into a copy of an XLSX/XLSM workbook by patching it.
//!
//! A workbook is a zip of XML parts. Libraries that load and re-save a
//! workbook rebuild every part from their own model and drop what they do
//! not model (x14 validations, slicers, pivot caches, macros, custom XML).
//! vouch instead copies every zip entry it does not need to change with
//! `raw_copy_file` (compressed bytes as they are, no inflate/deflate), and
//! streams only the worksheets that receive answers through the patcher in
//! `write/sheet.rs`, which changes the answer cells and nothing else. No new
//! parts are added (answers are inline strings, so `sharedStrings.xml` and
//! `[Content_Types].xml` stay as they are).

mod cell;
mod parts;
mod sheet;

pub use cell::{clean_text, column_letters, parse_a1, MAX_CELL_CHARS};

use super::super::{SlotWrite, WriteReport};
use anyhow::{Context, Result};
use sheet::CellWrite;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Write `writes` into a copy of `source` at `out` (atomically).
pub fn write(source: &Path, writes: &[SlotWrite], out: &Path) -> Result<WriteReport> {
    let file = File::open(source).with_context(|| format!("cannot open {}", source.display()))?;
    let mut zip = ZipArchive::new(BufReader::new(file)).map_err(|e| {
        crate::error::hint(
            format!(
                "{}: not a readable XLSX/XLSM workbook: {e}",
                source.display()
            ),
            "open it in Excel or LibreOffice and save it again as .xlsx",
        )
    })?;
    let sheets = parts::sheet_parts(&mut zip)
        .with_context(|| format!("{}: cannot find the worksheets", source.display()))?;
    let mut report = WriteReport::default();
    let plan = group_by_part(writes, &sheets, &mut report);
    let mut patched = BTreeMap::new();
    for (part, (sheet, cells)) in plan {
        let xml = parts::read_part(&mut zip, &part)
            .with_context(|| format!("{}: sheet {sheet:?}", source.display()))?;
        let (bytes, sheet_report) =
            sheet::patch(&xml, &sheet, cells).with_context(|| format!("{}", source.display()))?;
        report.truncated.extend(sheet_report.truncated);
        report.notes.extend(sheet_report.notes);
        if sheet_report.written > 0 {
            report.written.push((sheet, sheet_report.written));
        }
        patched.insert(part, bytes);
    }
    crate::fsutil::write_atomic_with(out, |file| {
        copy_with_patches(&mut zip, &patched, BufWriter::new(file))
            .with_context(|| format!("cannot write {}", out.display()))
    })?;
    Ok(report)
}

/// Writes grouped by worksheet part, in workbook sheet order. Writes for an
/// unknown sheet or with a bad cell reference become notes.
fn group_by_part(
    writes: &[SlotWrite],
    sheets: &[parts::SheetPart],
    report: &mut WriteReport,
) -> Vec<(String, (String, Vec<CellWrite>))> {
    let mut by_sheet: BTreeMap<usize, Vec<CellWrite>> = BTreeMap::new();
    let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
    for w in writes {
        let Some(index) = sheets.iter().position(|s| s.name == w.sheet) else {
            *unknown.entry(w.sheet.as_str()).or_default() += 1;
            continue;
        };
        let Some((row, col)) = parse_a1(&w.target) else {
            report.notes.push(format!(
                "{}!{}: not a cell reference; answer not written",
                w.sheet, w.target
            ));
            continue;
        };
        by_sheet.entry(index).or_default().push(CellWrite {
            row,
            col,
            kind: w.kind,
            value: w.value.clone(),
        });
    }
    for (sheet, n) in unknown {
        report.notes.push(format!(
            "sheet {sheet:?} is not in the workbook; {n} answer(s) not written"
        ));
    }
    by_sheet
        .into_iter()
        .map(|(i, cells)| (sheets[i].part.clone(), (sheets[i].name.clone(), cells)))
        .collect()
}

/// Copy every entry of `zip` in order: patched parts re-compressed from
/// `patched`, all others raw (byte for byte, still compressed).
fn copy_with_patches<R: Read + Seek, W: Write + Seek>(
    zip: &mut ZipArchive<R>,
    patched: &BTreeMap<String, Vec<u8>>,
    out: W,
) -> Result<()> {
    let mut writer = ZipWriter::new(out);
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index)?;
        let name = entry.name()?.into_owned();
        match patched.get(&name) {
            Some(bytes) => {
                let options = patched_options(&entry);
                drop(entry);
                writer.start_file(name, options)?;
                writer.write_all(bytes)?;
            }
            None => writer.raw_copy_file(entry)?,
        }
    }
    if !zip.comment().is_empty() {
        writer.set_raw_comment(zip.comment().to_vec().into_boxed_slice())?;
    }
    let mut inner = writer.finish()?;
    inner.flush()?;
    Ok(())
}

/// Options for a rewritten entry: the source's timestamp and permissions,
/// stored if it was stored, deflated otherwise.
fn patched_options<R: Read>(entry: &zip::read::ZipFile<'_, R>) -> SimpleFileOptions {
    let method = match entry.compression() {
        CompressionMethod::Stored => CompressionMethod::Stored,
        _ => CompressionMethod::Deflated,
    };
    let mut options = SimpleFileOptions::default().compression_method(method);
    if let Some(time) = entry.last_modified() {
        options = options.last_modified_time(time);
    }
    if let Some(mode) = entry.unix_mode() {
        options = options.unix_permissions(mode);
    }
    options
}
