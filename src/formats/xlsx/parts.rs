//! A quick-xml pass over the XLSX parts for what calamine does not expose:
//! sheet visibility and part paths, defined names, hidden rows and columns,
//! formula cells, merged ranges, bold cells (from `xl/styles.xml`), and data
//! validations (both the classic `<dataValidations>` and the
//! `x14:dataValidations` extension list Excel uses when a list points at
//! another sheet).
//!
//! The sheet pass also enforces the row limit, so a million-row sheet is
//! refused after reading [`MAX_ROWS`](super::limits::MAX_ROWS) rows instead
//! of being loaded whole.

use super::grid::{parse_cell, parse_sqref, Rect};
use super::limits;
use anyhow::Result;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Visibility of a sheet tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    Hidden,
    VeryHidden,
}

/// A sheet as listed in `xl/workbook.xml`.
#[derive(Clone, Debug)]
pub struct SheetEntry {
    pub name: String,
    pub visibility: Visibility,
    /// Zip path of the worksheet part (`xl/worksheets/sheet1.xml`).
    pub part: Option<String>,
}

/// A defined name (`YesNo` -> `Values!$A$1:$A$2`).
#[derive(Clone, Debug)]
pub struct DefinedName {
    pub name: String,
    /// Index into the sheet list when the name is local to a sheet.
    pub local_sheet: Option<usize>,
    pub formula: String,
}

#[derive(Clone, Debug, Default)]
pub struct WorkbookParts {
    pub sheets: Vec<SheetEntry>,
    pub names: Vec<DefinedName>,
    /// Zip path of the styles part, when the workbook has one.
    pub styles: Option<String>,
}

/// A data validation as written in the sheet, before its list is resolved.
#[derive(Clone, Debug, Default)]
pub struct RawValidation {
    pub ranges: Vec<Rect>,
    /// `list`, `whole`, `custom`, ... (`none` when absent).
    pub kind: String,
    pub formula1: Option<String>,
    pub prompt: Option<String>,
}

/// What the sheet pass found.
#[derive(Clone, Debug, Default)]
pub struct SheetParts {
    pub hidden_rows: HashSet<u32>,
    pub hidden_cols: HashSet<u32>,
    pub formulas: HashSet<(u32, u32)>,
    pub merges: Vec<Rect>,
    pub validations: Vec<RawValidation>,
    /// Cells whose style has a bold font, as (row, col).
    pub bold: HashSet<(u32, u32)>,
}

pub(super) type Zip = zip::ZipArchive<BufReader<std::fs::File>>;

/// Open the zip for the parts pass.
pub fn open(path: &Path) -> Result<Zip> {
    let file = std::fs::File::open(path)
        .map_err(|e| limits::bad(path, &format!("cannot open: {e}"), "check the path"))?;
    zip::ZipArchive::new(BufReader::new(file)).map_err(|e| limits::corrupt(path, &e.to_string()))
}

/// Read sheet names, visibility, part paths and defined names.
pub fn read_workbook(path: &Path, zip: &mut Zip) -> Result<WorkbookParts> {
    let book_part = office_document(path, zip).unwrap_or_else(|| "xl/workbook.xml".to_string());
    let rels_part = rels_path(&book_part);
    let targets = read_rels(path, zip, &rels_part)?;
    let base = book_part.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let mut parts = WorkbookParts {
        styles: targets
            .iter()
            .find(|(_, t)| t.ends_with("styles.xml"))
            .map(|(_, t)| resolve_target(base, t)),
        ..WorkbookParts::default()
    };
    let mut reader = xml_reader(part_reader(path, zip, &book_part)?);
    let mut buf = Vec::new();
    let mut name: Option<(String, Option<usize>)> = None;
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                let rid = attr_suffix(&e, "id");
                let part = rid
                    .and_then(|id| targets.iter().find(|(i, _)| *i == id))
                    .map(|(_, t)| resolve_target(base, t));
                parts.sheets.push(SheetEntry {
                    name: attr(&e, "name").unwrap_or_default(),
                    visibility: match attr(&e, "state").as_deref() {
                        Some("hidden") => Visibility::Hidden,
                        Some("veryHidden") => Visibility::VeryHidden,
                        _ => Visibility::Visible,
                    },
                    part,
                });
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "definedName" => {
                let local = attr(&e, "localSheetId").and_then(|v| v.parse().ok());
                name = attr(&e, "name").map(|n| (n, local));
                text.clear();
            }
            Ok(Event::Text(t)) if name.is_some() => text.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if name.is_some() => push_entity(&mut text, &r.into_inner()),
            Ok(Event::End(e)) if e.local_name().as_ref() == "definedName" => {
                if let Some((n, local_sheet)) = name.take() {
                    parts.names.push(DefinedName {
                        name: n,
                        local_sheet,
                        formula: text.clone(),
                    });
                }
            }
            Ok(Event::DocType(_)) => return Err(limits::dtd(path, &book_part)),
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(path, &book_part, e)),
            _ => {}
        }
        buf.clear();
    }
    Ok(parts)
}

/// The workbook part named by `_rels/.rels` (usually `xl/workbook.xml`).
fn office_document(path: &Path, zip: &mut Zip) -> Option<String> {
    let rels = read_rels(path, zip, "_rels/.rels").ok()?;
    rels.into_iter()
        .map(|(_, t)| t.trim_start_matches('/').to_string())
        .find(|t| t.ends_with(".xml") && t.contains("workbook"))
}

fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

fn resolve_target(base: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Relationship id -> target.
fn read_rels(path: &Path, zip: &mut Zip, part: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    if zip.index_for_name(part).is_none() {
        return Ok(out);
    }
    let mut reader = xml_reader(part_reader(path, zip, part)?);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref() == "Relationship" =>
            {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    out.push((id, target));
                }
            }
            Ok(Event::DocType(_)) => return Err(limits::dtd(path, part)),
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(path, part, e)),
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// The cell style indexes (`s` attribute) whose font is bold: `<cellXfs>`
/// entries point at `<fonts>` entries, and a font is bold when it has a
/// `<b/>` that is not `val="0"`. A missing part means no bold cells.
pub fn read_bold_styles(path: &Path, zip: &mut Zip, part: &str) -> Result<HashSet<u32>> {
    if zip.index_for_name(part).is_none() {
        return Ok(HashSet::new());
    }
    let mut reader = xml_reader(part_reader(path, zip, part)?);
    let mut buf = Vec::new();
    let (mut bold_fonts, mut font, mut in_fonts, mut in_xfs) = (Vec::new(), false, false, false);
    let mut styles = HashSet::new();
    let mut xf = 0u32;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(path, part, e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => match e.local_name().as_ref() {
                "fonts" => in_fonts = !matches!(event, Event::Empty(_)),
                "cellXfs" => in_xfs = !matches!(event, Event::Empty(_)),
                "font" if in_fonts => {
                    bold_fonts.push(false);
                    font = !matches!(event, Event::Empty(_));
                }
                "b" if font => {
                    let off = attr(e, "val").is_some_and(|v| v == "0" || v == "false");
                    if let Some(last) = bold_fonts.last_mut() {
                        *last = !off;
                    }
                }
                "xf" if in_xfs => {
                    let font_id = attr(e, "fontId").and_then(|v| v.parse::<usize>().ok());
                    if font_id.is_some_and(|f| bold_fonts.get(f) == Some(&true)) {
                        styles.insert(xf);
                    }
                    xf += 1;
                }
                _ => {}
            },
            Event::End(ref e) => match e.local_name().as_ref() {
                "fonts" => in_fonts = false,
                "cellXfs" => in_xfs = false,
                "font" => font = false,
                _ => {}
            },
            Event::DocType(_) => return Err(limits::dtd(path, part)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(styles)
}

/// Where the sheet pass is inside a data validation.
#[derive(Default)]
struct ValidationState {
    current: Option<RawValidation>,
    /// Collecting text for `formula1` (classic or `xm:f`) or `xm:sqref`.
    field: Option<Field>,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Formula1,
    Sqref,
}

/// Read one worksheet part. Fails when the sheet has more than
/// [`MAX_ROWS`](limits::MAX_ROWS) rows with values.
/// `bold_styles` are the style indexes of [`read_bold_styles`].
pub fn read_sheet(
    path: &Path,
    zip: &mut Zip,
    part: &str,
    sheet: &str,
    bold_styles: &HashSet<u32>,
) -> Result<SheetParts> {
    let mut out = SheetParts::default();
    let mut reader = xml_reader(part_reader(path, zip, part)?);
    let mut buf = Vec::new();
    let (mut row, mut col): (u32, u32) = (0, 0);
    let mut seen_row = false;
    let mut in_cell = false;
    let mut dv = ValidationState::default();
    let mut in_formula1 = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(path, part, e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.local_name().as_ref() {
                    "row" => {
                        row = attr(e, "r")
                            .and_then(|v| v.parse::<u32>().ok())
                            .map(|r| r.saturating_sub(1))
                            .unwrap_or(if seen_row { row + 1 } else { 0 });
                        seen_row = true;
                        col = 0;
                        if attr(e, "hidden").is_some_and(|v| v == "1" || v == "true") {
                            out.hidden_rows.insert(row);
                        }
                    }
                    "c" => {
                        if let Some((r, c)) = attr(e, "r").and_then(|r| parse_cell(&r)) {
                            row = r.unwrap_or(row);
                            col = c.unwrap_or(col);
                        }
                        let style = attr(e, "s").and_then(|v| v.parse::<u32>().ok());
                        if style.is_some_and(|s| bold_styles.contains(&s)) {
                            out.bold.insert((row, col));
                        }
                        in_cell = !empty;
                        if empty {
                            col += 1;
                        }
                    }
                    "f" if in_cell => {
                        out.formulas.insert((row, col));
                    }
                    "v" | "is" if in_cell && row >= limits::MAX_ROWS => {
                        return Err(limits::too_many_rows(path, sheet));
                    }
                    "col" => hidden_cols(e, &mut out.hidden_cols),
                    "mergeCell" => {
                        if let Some(r) = attr(e, "ref") {
                            out.merges.extend(parse_sqref(&r));
                        }
                    }
                    "dataValidation" => {
                        let v = RawValidation {
                            ranges: attr(e, "sqref")
                                .map(|s| parse_sqref(&s))
                                .unwrap_or_default(),
                            kind: attr(e, "type").unwrap_or_else(|| "none".into()),
                            formula1: None,
                            prompt: attr(e, "prompt"),
                        };
                        if empty {
                            out.validations.push(v);
                        } else {
                            dv.current = Some(v);
                        }
                    }
                    "formula1" if dv.current.is_some() => {
                        in_formula1 = true;
                        dv.field = Some(Field::Formula1);
                        dv.text.clear();
                    }
                    "f" if in_formula1 => {
                        dv.field = Some(Field::Formula1);
                        dv.text.clear();
                    }
                    "sqref" if dv.current.is_some() => {
                        dv.field = Some(Field::Sqref);
                        dv.text.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(ref t) if dv.field.is_some() => dv.text.push_str(&t.xml10_content()),
            Event::GeneralRef(ref r) if dv.field.is_some() => {
                push_entity(&mut dv.text, &r.xml10_content())
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                "c" => {
                    in_cell = false;
                    col += 1;
                }
                "formula1" => {
                    in_formula1 = false;
                    finish_field(&mut dv);
                }
                "f" | "sqref" => finish_field(&mut dv),
                "dataValidation" => {
                    if let Some(v) = dv.current.take() {
                        out.validations.push(v);
                    }
                }
                _ => {}
            },
            Event::DocType(_) => return Err(limits::dtd(path, part)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn finish_field(dv: &mut ValidationState) {
    let (Some(field), Some(v)) = (dv.field.take(), dv.current.as_mut()) else {
        return;
    };
    let text = std::mem::take(&mut dv.text);
    match field {
        Field::Formula1 => v.formula1 = Some(text),
        Field::Sqref => v.ranges.extend(parse_sqref(&text)),
    }
}

fn hidden_cols(e: &BytesStart, out: &mut HashSet<u32>) {
    if !attr(e, "hidden").is_some_and(|v| v == "1" || v == "true") {
        return;
    }
    let min = attr(e, "min")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1);
    let max = attr(e, "max")
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(min);
    for c in min.max(1)..=max.min(limits::MAX_COLS) {
        out.insert(c - 1);
    }
}

/// A decompressing reader over one zip part (bounded by its declared size,
/// which `limits::check` already vetted).
pub(super) fn part_reader(
    path: &Path,
    zip: &mut Zip,
    part: &str,
) -> Result<BufReader<std::io::Cursor<Vec<u8>>>> {
    let mut entry = zip
        .by_name(part)
        .map_err(|e| limits::corrupt(path, &format!("{part}: {e}")))?;
    let mut bytes = Vec::with_capacity(entry.size().min(limits::MAX_UNCOMPRESSED_BYTES) as usize);
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| limits::corrupt(path, &format!("{part}: {e}")))?;
    Ok(BufReader::new(std::io::Cursor::new(bytes)))
}

pub(super) fn xml_reader<R: BufRead>(inner: R) -> quick_xml::Reader<R> {
    let mut reader = quick_xml::Reader::from_reader(inner);
    reader.config_mut().trim_text(false);
    reader
}

pub(super) fn xml_error(path: &Path, part: &str, e: quick_xml::Error) -> anyhow::Error {
    limits::bad(
        path,
        &format!("has malformed XML in {part}: {e}"),
        "open and re-save the file in Excel or LibreOffice",
    )
}

/// An attribute's unescaped value by its full name.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// An attribute by local name (`r:id` -> `id`).
pub(super) fn attr_suffix(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local && a.key.prefix().is_some())
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Append the text of an entity reference (`amp`, `#34`, `#x22`).
pub(super) fn push_entity(out: &mut String, name: &str) {
    let ch = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        n => n.strip_prefix('#').and_then(|num| {
            let code = match num.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    if let Some(c) = ch {
        out.push(c);
    }
}
