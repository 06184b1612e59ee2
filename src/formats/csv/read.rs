//! Read a CSV questionnaire into a [`Grid`] and run the spreadsheet layout
//! detection on it. Handles a UTF-8 byte order mark, quoted fields with
//! embedded delimiters and newlines, and `;` or tab delimiters (Excel in
//! many European locales saves "CSV" with semicolons).

use crate::formats::xlsx::grid::Grid;
use crate::formats::xlsx::{layout, limits};
use crate::questionnaire::{Format, Questionnaire};
use anyhow::Result;
use std::path::Path;

/// Read and detect. The sheet name is the file stem; cell references are
/// A1 references over the records (record 1 = row 1).
pub fn read(path: &Path) -> Result<Questionnaire> {
    let bytes = std::fs::read(path).map_err(|e| {
        limits::bad(
            path,
            &format!("cannot be read: {e}"),
            "check the path and permissions",
        )
    })?;
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(limits::bad(
            path,
            &format!("is larger than {} MB", limits::MAX_FILE_BYTES >> 20),
            "split the questionnaire into smaller files",
        ));
    }
    let text = decode(path, &bytes)?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "csv".into());
    let grid = parse(path, &text, &name)?;
    let mut found = layout::detect(&grid);
    if found.needs_plan {
        layout::plan_columns(&grid, &mut found);
    }
    let mut warnings = found.warnings;
    if found.items.is_empty() {
        warnings.push(format!(
            "{}: no questions found; run with --dry-run to see what vouch detected",
            path.display()
        ));
    }
    Ok(Questionnaire {
        source: path.to_path_buf(),
        format: Format::Csv,
        items: found.items,
        layouts: vec![found.layout],
        warnings,
    })
}

/// UTF-8 without its BOM. Binary content is refused as "not a CSV".
fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.starts_with(b"PK\x03\x04")
        || body.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || body.contains(&0)
    {
        return Err(limits::bad(
            path,
            "is not a CSV text file (it looks like a binary or spreadsheet file)",
            "if it is a workbook, give it its real extension (.xlsx, .xls or .ods)",
        ));
    }
    Ok(String::from_utf8_lossy(body))
}

/// The delimiter of the header line: the most frequent of `,` `;` and tab
/// outside quotes.
pub fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for ch in text.chars() {
        match ch {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|i| (counts[*i], usize::from(*i == 0)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn parse(path: &Path, text: &str, name: &str) -> Result<Grid> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(text))
        .from_reader(text.as_bytes());
    let mut grid = Grid::new(name);
    for (row, record) in reader.records().enumerate() {
        if row >= limits::MAX_ROWS as usize {
            return Err(limits::bad(
                path,
                &format!("has more than {} rows", limits::MAX_ROWS),
                "split the questionnaire into smaller files",
            ));
        }
        let record = record.map_err(|e| {
            limits::bad(
                path,
                &format!("is not valid CSV: {e}"),
                "open and re-save it as CSV (UTF-8)",
            )
        })?;
        for (col, field) in record.iter().enumerate().take(limits::MAX_COLS as usize) {
            grid.set(row as u32, col as u32, field.to_string());
        }
    }
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1;2"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("\"x,y,z\";b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
    }
}
