//! The XLS (BIFF8) structure calamine does not expose, read from the
//! `Workbook` stream of the compound file: data validations (dropdown lists
//! and input messages), hidden rows and columns, and bold text cells.
//!
//! A BIFF8 stream is a sequence of records (`type: u16`, `length: u16`,
//! data). The globals substream holds fonts, cell formats (XF), the sheet
//! list (BOUNDSHEET8, with each sheet's offset) and the reference table
//! (EXTERNSHEET) that 3D references in validation formulas point into; each
//! worksheet substream holds ROW, COLINFO, cell and DV records.

use super::grid::{col_name, Grid, ListSource, Rect, Validation};
use super::limits;
use super::read::Book;
use anyhow::Result;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FONT: u16 = 0x0031;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const EXTERNSHEET: u16 = 0x0017;
const ROW: u16 = 0x0208;
const COLINFO: u16 = 0x007D;
const LABELSST: u16 = 0x00FD;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const DV: u16 = 0x01BE;

/// One worksheet's structure.
#[derive(Debug, Default)]
pub struct XlsSheet {
    pub name: String,
    pub hidden_rows: HashSet<u32>,
    pub hidden_cols: HashSet<u32>,
    /// Text cells whose font is bold.
    pub bold: HashSet<(u32, u32)>,
    pub validations: Vec<XlsValidation>,
}

/// One DV record: where it applies, its list (list rules only) and input
/// message.
#[derive(Debug, Default)]
pub struct XlsValidation {
    pub ranges: Vec<Rect>,
    pub list: Option<ListSource>,
    pub prompt: Option<String>,
}

/// Read the worksheets of the XLS file at `path`. Records this reader does
/// not understand, or that are cut short, are skipped rather than errors:
/// calamine reads the values, and the structure only refines them. A file
/// that is not a compound file at all is an error.
pub fn read(path: &Path) -> Result<Vec<XlsSheet>> {
    let mut file =
        cfb::open(path).map_err(|e| limits::corrupt(path, &format!("compound file: {e}")))?;
    let stream = if file.exists("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let mut bytes = Vec::new();
    file.open_stream(stream)
        .and_then(|mut s| s.read_to_end(&mut bytes))
        .map_err(|e| limits::corrupt(path, &format!("{stream} stream: {e}")))?;
    Ok(sheets(&bytes))
}

/// Give a sheet's grid its hidden rows and columns, bold text cells and
/// validations (lists resolved against the sheet values).
pub fn apply(
    grid: &mut Grid,
    sheets: &mut [XlsSheet],
    book: &mut Book,
    warnings: &mut Vec<String>,
) {
    let Some(sheet) = sheets.iter_mut().find(|s| s.name == grid.name) else {
        return;
    };
    grid.hidden_rows = std::mem::take(&mut sheet.hidden_rows);
    grid.hidden_cols = std::mem::take(&mut sheet.hidden_cols);
    grid.bold = std::mem::take(&mut sheet.bold);
    for v in std::mem::take(&mut sheet.validations) {
        let list = v
            .list
            .as_ref()
            .map(|source| book.list_values(source, &grid.name, 0, &[], warnings));
        grid.validations.push(Validation {
            ranges: v.ranges,
            list,
            prompt: v.prompt,
        });
    }
    warnings.dedup();
}

/// Records from `offset` on, as (type, data).
fn records(bytes: &[u8], offset: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = offset;
    std::iter::from_fn(move || {
        let header = bytes.get(at..at + 4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = u16::from_le_bytes([header[2], header[3]]) as usize;
        let data = bytes.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// What the globals substream says about formats and sheets.
#[derive(Default)]
struct Globals {
    bold_fonts: Vec<bool>,
    /// Per XF index: its font is bold.
    bold_xfs: Vec<bool>,
    /// (name, stream offset) of each worksheet; other sheet types are
    /// listed too (with `None`) so sheet indexes stay right.
    sheets: Vec<(String, Option<usize>)>,
    /// EXTERNSHEET: per XTI index, the first sheet it refers to.
    xti_sheets: Vec<usize>,
}

fn globals(bytes: &[u8]) -> Globals {
    let mut g = Globals::default();
    for (kind, data) in records(bytes, 0) {
        match kind {
            EOF => break,
            FONT => g.bold_fonts.push(u16_at(data, 6).is_some_and(|w| w >= 600)),
            XF => {
                // Font index 4 does not exist in BIFF: indexes above it are
                // one past their position in the FONT list.
                let ifnt = u16_at(data, 0).unwrap_or(0) as usize;
                let position = if ifnt >= 4 { ifnt - 1 } else { ifnt };
                g.bold_xfs
                    .push(g.bold_fonts.get(position).copied().unwrap_or(false));
            }
            BOUNDSHEET => {
                let offset = u32_at(data, 0).map(|o| o as usize);
                let worksheet = data.get(5) == Some(&0);
                let name = data
                    .get(6)
                    .and_then(|&cch| short_string(data.get(7..)?, cch as usize))
                    .unwrap_or_default();
                g.sheets.push((name, offset.filter(|_| worksheet)));
            }
            EXTERNSHEET => {
                let count = u16_at(data, 0).unwrap_or(0) as usize;
                g.xti_sheets = (0..count)
                    .map(|i| u16_at(data, 2 + i * 6 + 2).unwrap_or(u16::MAX) as usize)
                    .collect();
            }
            _ => {}
        }
    }
    g
}

fn sheets(bytes: &[u8]) -> Vec<XlsSheet> {
    let g = globals(bytes);
    g.sheets
        .iter()
        .filter_map(|(name, offset)| Some(sheet(bytes, (*offset)?, name, &g)))
        .collect()
}

/// Read one worksheet substream (nested chart substreams are skipped by
/// counting BOF/EOF pairs).
fn sheet(bytes: &[u8], offset: usize, name: &str, g: &Globals) -> XlsSheet {
    let mut out = XlsSheet {
        name: name.to_string(),
        ..XlsSheet::default()
    };
    let mut depth = 0usize;
    for (kind, data) in records(bytes, offset) {
        match kind {
            BOF => depth += 1,
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ if depth > 1 => {}
            ROW => {
                let row = u16_at(data, 0).unwrap_or(0) as u32;
                if u32_at(data, 12).is_some_and(|f| f & 0x20 != 0) {
                    out.hidden_rows.insert(row);
                }
            }
            COLINFO => {
                let (first, last) = (u16_at(data, 0), u16_at(data, 2));
                if let (Some(first), Some(last), Some(flags)) = (first, last, u16_at(data, 8)) {
                    if flags & 1 != 0 {
                        let last = (last as u32).min(limits::MAX_COLS - 1);
                        out.hidden_cols.extend(first as u32..=last);
                    }
                }
            }
            LABELSST | LABEL | RSTRING => {
                let (row, col, xf) = (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4));
                if let (Some(row), Some(col), Some(xf)) = (row, col, xf) {
                    if g.bold_xfs.get(xf as usize).copied().unwrap_or(false) {
                        out.bold.insert((row as u32, col as u32));
                    }
                }
            }
            DV => {
                if let Some(v) = validation(data, name, g) {
                    out.validations.push(v);
                }
            }
            _ => {}
        }
    }
    out
}

/// Parse a DV record: flags, four strings (prompt title, error title,
/// prompt, error), two formulas, then the ranges it applies to.
fn validation(data: &[u8], sheet: &str, g: &Globals) -> Option<XlsValidation> {
    let flags = u32_at(data, 0)?;
    let mut at = 4;
    let mut strings = Vec::new();
    for _ in 0..4 {
        let (text, next) = unicode_string(data, at)?;
        strings.push(text);
        at = next;
    }
    let formula1_len = u16_at(data, at)? as usize;
    let formula1 = data.get(at + 4..at + 4 + formula1_len)?;
    at += 4 + formula1_len;
    let formula2_len = u16_at(data, at)? as usize;
    at += 4 + formula2_len;
    let count = u16_at(data, at)? as usize;
    at += 2;
    let ranges = (0..count)
        .filter_map(|i| {
            let r = at + i * 8;
            Some(Rect {
                r0: u16_at(data, r)? as u32,
                r1: u16_at(data, r + 2)? as u32,
                c0: u16_at(data, r + 4)? as u32,
                c1: u16_at(data, r + 6)? as u32,
            })
        })
        .collect();
    let is_list = flags & 0xF == 3;
    let explicit = flags & 0x80 != 0;
    let list = is_list.then(|| list_source(formula1, explicit, sheet, g));
    let prompt = Some(strings.swap_remove(2)).filter(|p| !p.is_empty());
    Some(XlsValidation {
        ranges,
        list,
        prompt,
    })
}

/// The list of a list rule: the values themselves (`ptgStr` with values
/// separated by NUL) or the range they are read from.
fn list_source(rgce: &[u8], explicit: bool, sheet: &str, g: &Globals) -> ListSource {
    let area = |data: &[u8]| -> Option<String> {
        let (r0, r1) = (u16_at(data, 0)?, u16_at(data, 2)?);
        let (c0, c1) = (u16_at(data, 4)? & 0x3FFF, u16_at(data, 6)? & 0x3FFF);
        Some(format!(
            "${}${}:${}${}",
            col_name(c0 as u32),
            r0 + 1,
            col_name(c1 as u32),
            r1 + 1
        ))
    };
    let quoted = |name: &str| format!("'{}'", name.replace('\'', "''"));
    let parsed = match rgce.first() {
        Some(0x17) if explicit => rgce.get(1).and_then(|&cch| {
            let text = short_string(rgce.get(2..)?, cch as usize)?;
            Some(ListSource::Values(
                text.split('\0')
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
                    .collect(),
            ))
        }),
        Some(0x25 | 0x45 | 0x65) => {
            area(&rgce[1..]).map(|a| ListSource::Reference(format!("{}!{a}", quoted(sheet))))
        }
        Some(0x3B | 0x5B | 0x7B) => u16_at(rgce, 1).and_then(|ixti| {
            let index = *g.xti_sheets.get(ixti as usize)?;
            let (target, _) = g.sheets.get(index)?;
            Some(ListSource::Reference(format!(
                "{}!{}",
                quoted(target),
                area(&rgce[3..])?
            )))
        }),
        _ => None,
    };
    parsed
        .unwrap_or_else(|| ListSource::Reference("(a formula this reader does not follow)".into()))
}

/// A ShortXLUnicodeString body (flags byte, then characters) of `cch`
/// characters.
fn short_string(data: &[u8], cch: usize) -> Option<String> {
    let high = data.first()? & 1 != 0;
    chars(data.get(1..)?, cch, high).map(|(s, _)| s)
}

/// An XLUnicodeString at `at` (u16 count, flags byte, characters); returns
/// the text and the offset after it. DV stores an empty string as one NUL.
fn unicode_string(data: &[u8], at: usize) -> Option<(String, usize)> {
    let cch = u16_at(data, at)? as usize;
    let high = data.get(at + 2)? & 1 != 0;
    let (text, used) = chars(data.get(at + 3..)?, cch, high)?;
    Some((text.trim_end_matches('\0').to_string(), at + 3 + used))
}

/// `cch` characters, compressed (one byte each, Latin-1) or UTF-16LE.
fn chars(data: &[u8], cch: usize, high: bool) -> Option<(String, usize)> {
    if high {
        let units: Vec<u16> = data
            .get(..cch * 2)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some((String::from_utf16_lossy(&units), cch * 2))
    } else {
        let text = data.get(..cch)?.iter().map(|&b| b as char).collect();
        Some((text, cch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_lists_split_on_nul() {
        let mut rgce = vec![0x17, 10, 0];
        rgce.extend(b"Yes\0No\0N/A");
        assert_eq!(
            list_source(&rgce, true, "S", &Globals::default()),
            ListSource::Values(vec!["Yes".into(), "No".into(), "N/A".into()])
        );
    }

    #[test]
    fn same_sheet_and_3d_areas_become_excel_references() {
        let mut area = vec![0x25];
        for v in [2u16, 4, 9, 9] {
            area.extend(v.to_le_bytes());
        }
        assert_eq!(
            list_source(&area, false, "Q's", &Globals::default()),
            ListSource::Reference("'Q''s'!$J$3:$J$5".into())
        );
        let g = Globals {
            sheets: vec![("Questions".into(), Some(0)), ("Lists".into(), Some(1))],
            xti_sheets: vec![1],
            ..Globals::default()
        };
        let mut area3d = vec![0x3B, 0, 0];
        for v in [0u16, 2, 0, 0] {
            area3d.extend(v.to_le_bytes());
        }
        assert_eq!(
            list_source(&area3d, false, "Questions", &g),
            ListSource::Reference("'Lists'!$A$1:$A$3".into())
        );
    }

    #[test]
    fn truncated_records_are_ignored_not_panics() {
        assert!(sheets(&[0x09, 0x08, 0xFF, 0xFF, 1, 2]).is_empty());
        assert!(validation(&[3, 0, 0, 0, 1], "S", &Globals::default()).is_none());
    }
}
