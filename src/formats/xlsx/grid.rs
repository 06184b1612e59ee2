//! The one sheet model layout detection works on, whatever the file format:
//! cell text (cached values for formulas), which cells hold formulas, hidden
//! rows and columns, merged ranges and dropdown lists.
//!
//! XLSX fills every field; XLS and ODS fill what calamine exposes; CSV fills
//! only the text. Detection treats a missing fact as "not there", so the
//! poorer formats degrade to header-based detection instead of failing.

use std::collections::HashSet;

/// A rectangle of cells, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub r0: u32,
    pub c0: u32,
    pub r1: u32,
    pub c1: u32,
}

impl Rect {
    pub fn contains(&self, row: u32, col: u32) -> bool {
        row >= self.r0 && row <= self.r1 && col >= self.c0 && col <= self.c1
    }
}

/// Where a dropdown's allowed values come from, as a reader found them:
/// resolved against the sheet values by `Book::list_values`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListSource {
    /// The values written in the rule itself.
    Values(Vec<String>),
    /// An Excel-style formula: an inline list (`"Yes,No"`), a range
    /// (`'Lists'!$A$1:$A$3`) or a defined name.
    Reference(String),
}

/// A data validation on a set of ranges.
#[derive(Clone, Debug, Default)]
pub struct Validation {
    pub ranges: Vec<Rect>,
    /// Allowed values of a list validation, in the buyer's order and spelling.
    /// `None` for non-list validations (prompts, number ranges).
    pub list: Option<Vec<String>>,
    /// The input message shown on the cell, if any.
    pub prompt: Option<String>,
}

impl Validation {
    pub fn covers(&self, row: u32, col: u32) -> bool {
        self.ranges.iter().any(|r| r.contains(row, col))
    }
}

/// One sheet, ready for layout detection.
#[derive(Clone, Debug, Default)]
pub struct Grid {
    pub name: String,
    /// Row-major cell text; `rows[0]` is row 1. Ragged: trailing empty
    /// cells are absent.
    pub rows: Vec<Vec<String>>,
    /// Cells holding a formula, as (row, col).
    pub formulas: HashSet<(u32, u32)>,
    pub hidden_rows: HashSet<u32>,
    pub hidden_cols: HashSet<u32>,
    pub merges: Vec<Rect>,
    pub validations: Vec<Validation>,
    /// Cells in a bold font, as (row, col): section headings.
    pub bold: HashSet<(u32, u32)>,
    /// One past the last column that holds anything (hidden columns too):
    /// planned answer columns go here.
    pub used_cols: u32,
}

impl Grid {
    pub fn new(name: impl Into<String>) -> Grid {
        Grid {
            name: name.into(),
            ..Grid::default()
        }
    }

    /// Cell text, trimmed; "" when empty or out of range.
    pub fn text(&self, row: u32, col: u32) -> &str {
        self.rows
            .get(row as usize)
            .and_then(|r| r.get(col as usize))
            .map(|s| s.trim())
            .unwrap_or("")
    }

    /// Set a cell's text (used by the readers).
    pub fn set(&mut self, row: u32, col: u32, text: String) {
        if text.is_empty() {
            return;
        }
        let (r, c) = (row as usize, col as usize);
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let cells = &mut self.rows[r];
        if cells.len() <= c {
            cells.resize(c + 1, String::new());
        }
        cells[c] = text;
        self.used_cols = self.used_cols.max(col + 1);
    }

    pub fn height(&self) -> u32 {
        self.rows.len() as u32
    }

    pub fn is_visible(&self, row: u32, col: u32) -> bool {
        !self.hidden_rows.contains(&row) && !self.hidden_cols.contains(&col)
    }

    pub fn has_formula(&self, row: u32, col: u32) -> bool {
        self.formulas.contains(&(row, col))
    }

    /// The merged range containing the cell, if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<Rect> {
        self.merges.iter().copied().find(|m| m.contains(row, col))
    }

    /// Text of a cell, or of the top-left cell of the merged range it sits in.
    pub fn merged_text(&self, row: u32, col: u32) -> &str {
        match self.merge_at(row, col) {
            Some(m) => self.text(m.r0, m.c0),
            None => self.text(row, col),
        }
    }

    /// The dropdown list on a cell, if any.
    pub fn list_at(&self, row: u32, col: u32) -> Option<&[String]> {
        self.validations
            .iter()
            .filter(|v| v.covers(row, col))
            .find_map(|v| v.list.as_deref())
    }

    /// The input message on a cell, if any.
    pub fn prompt_at(&self, row: u32, col: u32) -> Option<&str> {
        self.validations
            .iter()
            .filter(|v| v.covers(row, col))
            .find_map(|v| v.prompt.as_deref())
    }

    /// Visible, non-empty cells of a row as (col, text).
    pub fn visible_cells(&self, row: u32) -> impl Iterator<Item = (u32, &str)> + '_ {
        let cells = self
            .rows
            .get(row as usize)
            .map(|r| r.as_slice())
            .unwrap_or(&[]);
        cells.iter().enumerate().filter_map(move |(c, s)| {
            let c = c as u32;
            let t = s.trim();
            (!t.is_empty() && self.is_visible(row, c)).then_some((c, t))
        })
    }
}

/// Column letters for a 0-based index: 0 -> "A", 27 -> "AB".
pub fn col_name(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A1 reference for 0-based (row, col).
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// Parse `"C12"` or `"$C$12"` into 0-based (row, col). A bare column (`"C"`)
/// or row (`"12"`) reference yields `None` for the missing part.
pub fn parse_cell(s: &str) -> Option<(Option<u32>, Option<u32>)> {
    let s = s.trim().trim_start_matches('$');
    let letters_end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    let (letters, rest) = s.split_at(letters_end);
    let digits = rest.trim_start_matches('$');
    if letters.len() > 3 || (letters.is_empty() && digits.is_empty()) {
        return None;
    }
    let col = if letters.is_empty() {
        None
    } else {
        let mut n: u32 = 0;
        for b in letters.bytes() {
            n = n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
        }
        Some(n - 1)
    };
    let row = if digits.is_empty() {
        None
    } else {
        Some(digits.parse::<u32>().ok()?.checked_sub(1)?)
    };
    Some((row, col))
}

/// Parse `"C3:C263"`, `"$J$3:$J$4"`, `"D12"` or whole columns (`"C:C"`).
pub fn parse_range(s: &str) -> Option<Rect> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (ra, ca) = parse_cell(a)?;
    let (rb, cb) = parse_cell(b)?;
    Some(Rect {
        r0: ra.unwrap_or(0),
        c0: ca.unwrap_or(0),
        r1: rb.unwrap_or(super::limits::MAX_ROWS),
        c1: cb.unwrap_or(super::limits::MAX_COLS),
    })
}

/// Parse a space-separated `sqref` list.
pub fn parse_sqref(s: &str) -> Vec<Rect> {
    s.split_whitespace().filter_map(parse_range).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_round_trip() {
        for (i, name) in [
            (0, "A"),
            (25, "Z"),
            (26, "AA"),
            (27, "AB"),
            (701, "ZZ"),
            (702, "AAA"),
        ] {
            assert_eq!(col_name(i), name);
            assert_eq!(parse_cell(&format!("{name}1")), Some((Some(0), Some(i))));
        }
    }

    #[test]
    fn ranges_parse() {
        assert_eq!(
            parse_range("$J$3:$J$5"),
            Some(Rect {
                r0: 2,
                c0: 9,
                r1: 4,
                c1: 9
            })
        );
        assert_eq!(parse_sqref("C23 C25:C26").len(), 2);
        assert_eq!(a1(11, 3), "D12");
    }
}
