//! Export for XLS and ODS sources: a new XLSX workbook with the same sheets
//! and values, plus the answers.
//!
//! vouch cannot patch these formats in place (XLS is a binary BIFF stream,
//! ODS a different XML schema), so it says so in the summary and writes an
//! XLSX (rust_xlsxwriter) built from what calamine reads: every sheet in
//! order, every value (formulas as their last computed values), hidden
//! sheets kept hidden. Formatting, dropdowns and macros are not carried over.

use super::xlsx::write::{column_letters, parse_a1};
use super::{SlotWrite, WriteReport};
use crate::questionnaire::Format;
use anyhow::{Context, Result};
use calamine::{open_workbook_auto, Data, Reader, SheetVisible};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, Worksheet};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Write `writes` into a new XLSX at `out` built from the XLS/ODS `source`.
pub fn write(
    source: &Path,
    format: Format,
    writes: &[SlotWrite],
    out: &Path,
) -> Result<WriteReport> {
    let mut book = open_workbook_auto(source).map_err(|e| {
        crate::error::hint(
            format!("{}: cannot read the workbook: {e}", source.display()),
            "open it in Excel or LibreOffice and save it as .xlsx, then import the .xlsx",
        )
    })?;
    let mut report = WriteReport::default();
    report.notes.push(format!(
        "{} is {}; vouch wrote a new XLSX workbook with the same sheets and values plus the answers \
         (formulas are kept as their values; formatting, dropdowns and macros are not carried over)",
        source.display(),
        match format {
            Format::Xls => "an XLS workbook",
            _ => "an ODS spreadsheet",
        }
    ));
    let by_sheet = group_by_sheet(writes, &mut report);
    let mut workbook = Workbook::new();
    let mut used_names = HashSet::new();
    let sheets = book.sheets_metadata().to_vec();
    for (index, meta) in sheets.iter().enumerate() {
        let range = book
            .worksheet_range(&meta.name)
            .with_context(|| format!("{}: cannot read sheet {:?}", source.display(), meta.name))?;
        let formulas = book.worksheet_formula(&meta.name).ok();
        let worksheet = workbook.add_worksheet();
        let name = xlsx_sheet_name(&meta.name, &mut used_names);
        if name != meta.name {
            report.notes.push(format!(
                "sheet {:?} renamed {name:?} (XLSX sheet-name rules)",
                meta.name
            ));
        }
        worksheet.set_name(&name)?;
        // The first sheet is active by default and Excel cannot show a
        // hidden active sheet, so a hidden first sheet stays visible.
        if meta.visible != SheetVisible::Visible && index > 0 {
            worksheet.set_hidden(true);
        }
        copy_values(worksheet, &range)?;
        if let Some(cells) = by_sheet.get(meta.name.as_str()) {
            let is_formula = |row: u32, col: u32| {
                formulas
                    .as_ref()
                    .and_then(|f| f.get_value((row, col)))
                    .is_some_and(|f| !f.is_empty())
            };
            let written = write_answers(worksheet, &meta.name, cells, is_formula, &mut report)?;
            if written > 0 {
                report.written.push((meta.name.clone(), written));
            }
        }
    }
    for sheet in by_sheet.keys() {
        if !sheets.iter().any(|m| m.name == *sheet) {
            report.notes.push(format!(
                "sheet {sheet:?} is not in the workbook; its answers were not written"
            ));
        }
    }
    let bytes = workbook
        .save_to_buffer()
        .with_context(|| format!("cannot build the XLSX for {}", out.display()))?;
    crate::fsutil::write_atomic(out, &bytes)?;
    Ok(report)
}

/// Writes per sheet name as `(row, col, write)`, 0-based.
fn group_by_sheet<'w>(
    writes: &'w [SlotWrite],
    report: &mut WriteReport,
) -> BTreeMap<&'w str, Vec<(u32, u16, &'w SlotWrite)>> {
    let mut by_sheet: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for w in writes {
        match parse_a1(&w.target).and_then(|(r, c)| Some((r - 1, u16::try_from(c - 1).ok()?))) {
            Some((row, col)) => by_sheet
                .entry(w.sheet.as_str())
                .or_default()
                .push((row, col, w)),
            None => report.notes.push(format!(
                "{}!{}: not a cell reference; answer not written",
                w.sheet, w.target
            )),
        }
    }
    by_sheet
}

/// Copy every value of `range` to the same cells of `worksheet`.
fn copy_values(worksheet: &mut Worksheet, range: &calamine::Range<Data>) -> Result<()> {
    let Some((row0, col0)) = range.start() else {
        return Ok(());
    };
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let datetime = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let duration = CellFormat::new().set_num_format("[h]:mm:ss");
    for (r, c, value) in range.used_cells() {
        let row = row0 + r as u32;
        let Ok(col) = u16::try_from(col0 as usize + c) else {
            continue;
        };
        match value {
            Data::Empty => {}
            Data::Int(i) => {
                worksheet.write_number(row, col, *i as f64)?;
            }
            Data::Float(f) => {
                worksheet.write_number(row, col, *f)?;
            }
            Data::Bool(b) => {
                worksheet.write_boolean(row, col, *b)?;
            }
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                worksheet.write_string(row, col, clean(s))?;
            }
            Data::Error(e) => {
                worksheet.write_string(row, col, e.to_string())?;
            }
            Data::DateTime(dt) if dt.is_duration() => {
                worksheet.write_number_with_format(row, col, dt.as_f64(), &duration)?;
            }
            Data::DateTime(dt) => {
                let (y, m, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
                let format = if (h, mi, s, ms) == (0, 0, 0, 0) {
                    &date
                } else {
                    &datetime
                };
                match ExcelDateTime::from_ymd(y, m, d)
                    .and_then(|t| t.and_hms_milli(u16::from(h), mi, s, ms))
                {
                    Ok(t) => worksheet.write_datetime_with_format(row, col, t, format)?,
                    Err(_) => worksheet.write_number(row, col, dt.as_f64())?,
                };
            }
        }
    }
    Ok(())
}

/// Put the answers in; formula cells are left alone and reported.
fn write_answers(
    worksheet: &mut Worksheet,
    sheet: &str,
    cells: &[(u32, u16, &SlotWrite)],
    is_formula: impl Fn(u32, u32) -> bool,
    report: &mut WriteReport,
) -> Result<usize> {
    let mut written = 0;
    for (row, col, w) in cells {
        let reference = format!("{}{}", column_letters(u32::from(*col) + 1), row + 1);
        if is_formula(*row, u32::from(*col)) {
            report.notes.push(format!(
                "{sheet}!{reference} holds a formula; left as is, the answer was not written"
            ));
            continue;
        }
        let (text, cut_from) = super::xlsx::write::clean_text(&w.value);
        if let Some(n) = cut_from {
            report.truncated.push(format!(
                "{sheet}!{reference}: truncated from {n} to 32,767 characters"
            ));
        }
        worksheet.write_string(*row, *col, text)?;
        written += 1;
    }
    Ok(written)
}

fn clean(s: &str) -> String {
    super::xlsx::write::clean_text(s).0
}

/// A sheet name XLSX accepts: at most 31 characters, none of `[]:*?/\`,
/// not starting or ending with `'`, unique (case-insensitive).
fn xlsx_sheet_name(name: &str, used: &mut HashSet<String>) -> String {
    let base: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let base = base.trim_matches('\'').trim();
    let base: String = if base.is_empty() {
        "Sheet".into()
    } else {
        base.chars().take(31).collect()
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        let suffix = format!(" ({n})");
        let keep = 31 - suffix.chars().count();
        candidate = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_xlsx_rules() {
        let mut used = HashSet::new();
        assert_eq!(xlsx_sheet_name("Q&A", &mut used), "Q&A");
        assert_eq!(xlsx_sheet_name("a/b:c", &mut used), "a_b_c");
        assert_eq!(xlsx_sheet_name("q&a", &mut used), "q&a (2)");
        let long = "x".repeat(40);
        assert_eq!(xlsx_sheet_name(&long, &mut used).len(), 31);
        assert_eq!(
            xlsx_sheet_name(&long, &mut used),
            format!("{} (2)", "x".repeat(27))
        );
    }
}
