//! The calamine side of reading: open the workbook, turn a sheet's cached
//! values into a [`Grid`], and resolve dropdown lists that point at ranges
//! (possibly on hidden sheets) or at defined names.

use super::grid::{parse_range, Grid, ListSource};
use super::limits;
use super::parts::DefinedName;
use crate::questionnaire::Format;
use anyhow::Result;
use calamine::{Data, Reader, Sheets};
use std::collections::HashMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// An open workbook with a cache of sheet values.
pub struct Book {
    path: PathBuf,
    pub sheets: Sheets<BufReader<std::fs::File>>,
    cache: HashMap<String, Grid>,
}

impl Book {
    /// Open with calamine, mapping its errors to one-line causes.
    pub fn open(path: &Path, format: Format) -> Result<Book> {
        let file = std::fs::File::open(path)
            .map_err(|e| limits::bad(path, &format!("cannot open: {e}"), "check the path"))?;
        let reader = BufReader::new(file);
        let sheets = match format {
            Format::Xls => calamine::open_workbook_from_rs(reader)
                .map(Sheets::Xls)
                .map_err(calamine::Error::Xls),
            Format::Ods => calamine::open_workbook_from_rs(reader)
                .map(Sheets::Ods)
                .map_err(calamine::Error::Ods),
            _ => calamine::open_workbook_from_rs(reader)
                .map(Sheets::Xlsx)
                .map_err(calamine::Error::Xlsx),
        }
        .map_err(|e| calamine_error(path, e))?;
        Ok(Book {
            path: path.to_path_buf(),
            sheets,
            cache: HashMap::new(),
        })
    }

    /// The cached values of a sheet as a grid (text only).
    pub fn values(&mut self, name: &str) -> Result<&Grid> {
        if !self.cache.contains_key(name) {
            let range = self
                .sheets
                .worksheet_range(name)
                .map_err(|e| calamine_error(&self.path, e))?;
            let last_row = range.end().map(|(r, _)| r).unwrap_or(0);
            if last_row >= limits::MAX_ROWS {
                return Err(limits::too_many_rows(&self.path, name));
            }
            let mut grid = Grid::new(name);
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                let (row, col) = (r0 + r as u32, c0 + c as u32);
                if col < limits::MAX_COLS {
                    grid.set(row, col, cell_text(value));
                }
            }
            self.cache.insert(name.to_string(), grid);
        }
        self.cache
            .get(name)
            .ok_or_else(|| anyhow::anyhow!("sheet '{name}' vanished from the cache"))
    }

    /// Formula cells of a sheet, from calamine (XLS and ODS; XLSX uses the
    /// parts pass, which already read them).
    pub fn formula_cells(&mut self, name: &str) -> Vec<(u32, u32)> {
        let Ok(range) = self.sheets.worksheet_formula(name) else {
            return Vec::new();
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        range
            .used_cells()
            .filter(|(_, _, f)| !f.is_empty())
            .map(|(r, c, _)| (r0 + r as u32, c0 + c as u32))
            .collect()
    }

    /// The allowed values of a dropdown on `sheet` (position `sheet_index`,
    /// for sheet-local defined names); a reference that does not resolve
    /// gives no values and a warning (answers there are free entry).
    pub fn list_values(
        &mut self,
        source: &ListSource,
        sheet: &str,
        sheet_index: usize,
        names: &[DefinedName],
        warnings: &mut Vec<String>,
    ) -> Vec<String> {
        match source {
            ListSource::Values(values) => values.clone(),
            ListSource::Reference(reference) => {
                self.resolve_list(reference, sheet, sheet_index, names).unwrap_or_else(|why| {
                    warnings.push(format!(
                        "sheet '{sheet}': dropdown values unknown ({why}); answers there are free entry"
                    ));
                    Vec::new()
                })
            }
        }
    }

    /// Resolve a list validation's `formula1` into its values: an inline
    /// list (`"Yes,No,NA"`), a range (`'Auto Responses'!$J$3:$J$4`, same
    /// sheet `$A$1:$A$3`) or a defined name (`YesNo`). `Err` says why not.
    pub fn resolve_list(
        &mut self,
        formula: &str,
        sheet: &str,
        sheet_index: usize,
        names: &[DefinedName],
    ) -> std::result::Result<Vec<String>, String> {
        let mut f = formula.trim().trim_start_matches('=').trim().to_string();
        for _ in 0..4 {
            if f.starts_with('"') {
                return Ok(inline_list(&f));
            }
            if f.contains('(') {
                return Err(format!("list formula {f} is computed"));
            }
            let (target_sheet, range) = match f.rsplit_once('!') {
                Some((s, r)) => (unquote_sheet(s), r.to_string()),
                None => (sheet.to_string(), f.clone()),
            };
            if let Some(rect) = parse_range(&range) {
                let grid = self
                    .values(&target_sheet)
                    .map_err(|_| format!("list points at missing sheet '{target_sheet}'"))?;
                let mut out = Vec::new();
                for row in rect.r0..=rect.r1.min(grid.height()) {
                    for col in rect.c0..=rect.c1.min(grid.used_cols) {
                        let t = grid.text(row, col);
                        if !t.is_empty() {
                            out.push(t.to_string());
                        }
                    }
                }
                return Ok(out);
            }
            let name = names
                .iter()
                .filter(|n| n.name.eq_ignore_ascii_case(&f))
                .min_by_key(|n| n.local_sheet != Some(sheet_index))
                .ok_or_else(|| format!("list points at unknown name '{f}'"))?;
            f = name.formula.trim().trim_start_matches('=').to_string();
        }
        Err(format!("list formula {formula} nests too deeply"))
    }
}

/// `"Yes,No,NA"` -> ["Yes", "No", "NA"]; doubled quotes unescape.
fn inline_list(f: &str) -> Vec<String> {
    let inner = f.strip_prefix('"').unwrap_or(f);
    let inner = inner
        .strip_suffix('"')
        .unwrap_or(inner)
        .replace("\"\"", "\"");
    inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// `'Auto Responses'` -> `Auto Responses` (doubled quotes unescape).
fn unquote_sheet(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => s.to_string(),
    }
}

/// A cell's value as the text a reader sees (cached value for formulas).
pub fn cell_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn calamine_error(path: &Path, e: calamine::Error) -> anyhow::Error {
    use calamine::{Error, OdsError, XlsError, XlsxError};
    match &e {
        Error::Xlsx(XlsxError::Password) | Error::Xls(XlsError::Password) | Error::Ods(OdsError::Password) => {
            limits::encrypted(path)
        }
        Error::Xlsx(XlsxError::Zip(z)) => limits::corrupt(path, &z.to_string()),
        Error::Ods(OdsError::Zip(z)) => limits::corrupt(path, &z.to_string()),
        _ => limits::bad(
            path,
            &format!("cannot be read as a workbook: {e}"),
            "open and re-save the file in Excel or LibreOffice, or export the questionnaire sheet as .csv",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_lists() {
        assert_eq!(inline_list("\"Yes,No,NA\""), ["Yes", "No", "NA"]);
        assert_eq!(unquote_sheet("'Auto Responses'"), "Auto Responses");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(number_text(1.5), "1.5");
    }
}
