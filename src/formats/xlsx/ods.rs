//! The ODS structure calamine does not expose, read from `content.xml`
//! with quick-xml: dropdown lists and help messages
//! (`table:content-validation`), hidden rows and columns
//! (`table:visibility`), merged cells (`number-*-spanned`) and bold cells
//! (automatic cell styles with a bold font).
//!
//! ODS compresses runs of identical rows, columns and cells with
//! `number-*-repeated`; a run can cover a million rows, so every run is
//! kept as one rectangle and hidden ranges are capped at the sheet limits.

use super::grid::{Grid, ListSource, Rect, Validation};
use super::limits;
use super::parts::{self, Zip};
use super::read::Book;
use anyhow::Result;
use quick_xml::events::{BytesStart, Event};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What one sheet (`table:table`) holds besides its values.
#[derive(Debug, Default)]
pub struct OdsSheet {
    pub name: String,
    pub hidden_rows: HashSet<u32>,
    pub hidden_cols: HashSet<u32>,
    pub merges: Vec<Rect>,
    /// Cells carrying a content validation, with the validation's name.
    pub validated: Vec<(Rect, String)>,
    /// Cell runs in a bold automatic style.
    pub bold: Vec<Rect>,
}

/// A content validation: its list, if it is a list rule, and the help
/// message shown on its cells ("leave this cell blank" marks a cell that is
/// not an answer cell).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OdsValidation {
    pub list: Option<ListSource>,
    pub prompt: Option<String>,
}

/// The structure of every sheet, and the content validations by name.
#[derive(Debug, Default)]
pub struct OdsParts {
    pub sheets: Vec<OdsSheet>,
    pub validations: HashMap<String, OdsValidation>,
    /// The validation being read, while inside its element.
    validation: Option<String>,
    /// Its help message text, while inside `table:help-message`.
    help: Option<String>,
    /// Names of automatic cell styles whose font is bold.
    bold_styles: HashSet<String>,
    /// The cell style being read, while inside its `style:style`.
    style: Option<String>,
}

/// Read `content.xml` of the ODS file at `path`.
pub fn read(path: &Path) -> Result<OdsParts> {
    let mut zip: Zip = parts::open(path)?;
    let part = "content.xml";
    let mut reader = parts::xml_reader(parts::part_reader(path, &mut zip, part)?);
    let mut out = OdsParts::default();
    let mut buf = Vec::new();
    let mut pos = Position::default();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| parts::xml_error(path, part, e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                element(e, empty, &mut pos, &mut out);
            }
            Event::End(ref e) => match e.local_name().as_ref() {
                "table-row" => pos.end_row(),
                "style" => out.style = None,
                "help-message" => out.end_help(),
                "content-validation" => out.validation = None,
                _ => {}
            },
            Event::Text(ref t) => {
                if let Some(help) = out.help.as_mut() {
                    help.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(ref r) => {
                if let Some(help) = out.help.as_mut() {
                    parts::push_entity(help, &r.xml10_content());
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// Give an ODS sheet's grid its hidden rows and columns, merges, bold
/// cells and dropdown lists from the `content.xml` pass.
pub fn apply(grid: &mut Grid, parts: &mut OdsParts, book: &mut Book, warnings: &mut Vec<String>) {
    let Some(sheet) = parts.sheets.iter_mut().find(|s| s.name == grid.name) else {
        return;
    };
    grid.hidden_rows = std::mem::take(&mut sheet.hidden_rows);
    grid.hidden_cols = std::mem::take(&mut sheet.hidden_cols);
    grid.merges = std::mem::take(&mut sheet.merges);
    for rect in &sheet.bold {
        for row in rect.r0..=rect.r1.min(grid.height()) {
            for col in rect.c0..=rect.c1.min(grid.used_cols) {
                if !grid.text(row, col).is_empty() {
                    grid.bold.insert((row, col));
                }
            }
        }
    }
    let mut by_name: Vec<(String, Vec<Rect>)> = Vec::new();
    for (rect, name) in std::mem::take(&mut sheet.validated) {
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some((_, ranges)) => ranges.push(rect),
            None => by_name.push((name, vec![rect])),
        }
    }
    for (name, ranges) in by_name {
        let Some(validation) = parts.validations.get(&name) else {
            continue;
        };
        let list = validation
            .list
            .as_ref()
            .map(|source| book.list_values(source, &grid.name, 0, &[], warnings));
        grid.validations.push(Validation {
            ranges,
            list,
            prompt: validation.prompt.clone(),
        });
    }
    warnings.dedup();
}

impl OdsParts {
    /// The end of a help message: it becomes its validation's prompt.
    fn end_help(&mut self) {
        let text = self.help.take().unwrap_or_default();
        let text = text.trim();
        if let Some(v) = self
            .validation
            .as_ref()
            .and_then(|n| self.validations.get_mut(n))
        {
            v.prompt = (!text.is_empty()).then(|| text.to_string());
        }
    }
}

/// Where the reader is: the current row run and column.
#[derive(Default)]
struct Position {
    row: u32,
    /// Rows the current `table-row` stands for.
    row_repeat: u32,
    col: u32,
}

impl Position {
    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeat);
        self.row_repeat = 0;
        self.col = 0;
    }
}

fn element(e: &BytesStart, empty: bool, pos: &mut Position, out: &mut OdsParts) {
    match e.local_name().as_ref() {
        "style" if !empty => {
            out.style = parts::attr_suffix(e, "family")
                .is_some_and(|f| f == "table-cell")
                .then(|| parts::attr_suffix(e, "name"))
                .flatten();
        }
        "text-properties" if is_bold(e) => {
            if let Some(style) = &out.style {
                out.bold_styles.insert(style.clone());
            }
        }
        "content-validation" => {
            if let Some(name) = parts::attr_suffix(e, "name") {
                let list = parts::attr_suffix(e, "condition").and_then(|c| list_condition(&c));
                let validation = OdsValidation { list, prompt: None };
                out.validations.insert(name.clone(), validation);
                out.validation = (!empty).then_some(name);
            }
        }
        "help-message" if !empty && out.validation.is_some() => out.help = Some(String::new()),
        // Paragraphs of a help message read as one line.
        "p" => {
            if let Some(help) = out.help.as_mut().filter(|h| !h.is_empty()) {
                help.push(' ');
            }
        }
        "table" => {
            out.sheets.push(OdsSheet {
                name: parts::attr_suffix(e, "name").unwrap_or_default(),
                ..OdsSheet::default()
            });
            *pos = Position::default();
        }
        "table-column" => {
            let n = repeated(e, "number-columns-repeated");
            if let Some(sheet) = out.sheets.last_mut() {
                if hidden(e) {
                    let end = pos.col.saturating_add(n).min(limits::MAX_COLS);
                    sheet.hidden_cols.extend(pos.col..end);
                }
            }
            pos.col = pos.col.saturating_add(n);
        }
        "table-row" => {
            pos.col = 0;
            pos.row_repeat = repeated(e, "number-rows-repeated");
            if let Some(sheet) = out.sheets.last_mut() {
                if hidden(e) {
                    let end = pos.row.saturating_add(pos.row_repeat).min(limits::MAX_ROWS);
                    sheet.hidden_rows.extend(pos.row..end);
                }
            }
            if empty {
                pos.end_row();
            }
        }
        "table-cell" | "covered-table-cell" => {
            let n = repeated(e, "number-columns-repeated");
            let bold =
                parts::attr_suffix(e, "style-name").is_some_and(|s| out.bold_styles.contains(&s));
            if let Some(sheet) = out.sheets.last_mut() {
                cell(e, pos, n, bold, sheet);
            }
            pos.col = pos.col.saturating_add(n);
        }
        _ => {}
    }
}

/// Record a cell run's validation and merge.
fn cell(e: &BytesStart, pos: &Position, n: u32, bold: bool, sheet: &mut OdsSheet) {
    if pos.row >= limits::MAX_ROWS || pos.col >= limits::MAX_COLS {
        return;
    }
    let last_row = |rows: u32| {
        pos.row
            .saturating_add(rows.max(1) - 1)
            .min(limits::MAX_ROWS - 1)
    };
    let run = Rect {
        r0: pos.row,
        c0: pos.col,
        r1: last_row(pos.row_repeat),
        c1: pos.col.saturating_add(n - 1).min(limits::MAX_COLS - 1),
    };
    if let Some(name) = parts::attr_suffix(e, "content-validation-name") {
        sheet.validated.push((run, name));
    }
    if bold {
        sheet.bold.push(run);
    }
    let cols = repeated(e, "number-columns-spanned");
    let rows = repeated(e, "number-rows-spanned");
    if cols > 1 || rows > 1 {
        sheet.merges.push(Rect {
            r0: pos.row,
            c0: pos.col,
            r1: last_row(rows),
            c1: pos.col.saturating_add(cols - 1).min(limits::MAX_COLS - 1),
        });
    }
}

/// A `number-*` attribute, at least 1.
fn repeated(e: &BytesStart, name: &str) -> u32 {
    parts::attr_suffix(e, name)
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// `fo:font-weight="bold"` (or a numeric weight of 600 and more).
fn is_bold(e: &BytesStart) -> bool {
    parts::attr_suffix(e, "font-weight")
        .is_some_and(|w| w == "bold" || w.parse::<u32>().is_ok_and(|n| n >= 600))
}

/// `table:visibility="collapse"` or `"filter"`: not shown.
fn hidden(e: &BytesStart) -> bool {
    parts::attr_suffix(e, "visibility").is_some_and(|v| v != "visible")
}

/// The allowed values of a list condition, e.g.
/// `of:cell-content-is-in-list("Yes";"No";"N/A")` or
/// `of:cell-content-is-in-list([$Lists.$A$1:.$A$3])`; `None` for other
/// conditions.
fn list_condition(condition: &str) -> Option<ListSource> {
    let start = condition.find("cell-content-is-in-list(")? + "cell-content-is-in-list(".len();
    let inner = condition[start..].trim_end().strip_suffix(')')?.trim();
    if inner.starts_with('"') {
        return Some(ListSource::Values(quoted_values(inner)));
    }
    Some(ListSource::Reference(excel_reference(inner)))
}

/// `"Yes";"No";"Say ""maybe"""` -> `Yes`, `No`, `Say "maybe"`.
fn quoted_values(list: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut current = String::new();
    let mut chars = list.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (';', false) => values.push(std::mem::take(&mut current)),
            (c, true) => current.push(c),
            _ => {}
        }
    }
    values.push(current);
    values.retain(|v| !v.is_empty());
    values
}

/// `[$Lists.$A$1:.$A$3]` (or without brackets) -> `'Lists'!$A$1:$A$3`; a
/// name is returned as it is.
fn excel_reference(reference: &str) -> String {
    let r = reference.trim_start_matches('[').trim_end_matches(']');
    let Some((sheet, first)) = r.split_once(':').map(|(a, _)| a).and_then(split_sheet) else {
        return r.to_string();
    };
    let last = r
        .split_once(':')
        .map(|(_, b)| b.rsplit_once('.').map_or(b, |(_, cell)| cell))
        .unwrap_or(first);
    format!("'{}'!{first}:{last}", sheet.replace('\'', "''"))
}

/// `$Lists.$A$1` or `$'My list'.$A$1` -> (`Lists`, `$A$1`).
fn split_sheet(cell_ref: &str) -> Option<(String, &str)> {
    let (sheet, cell) = cell_ref.rsplit_once('.')?;
    let sheet = sheet.trim_start_matches('$');
    let sheet = match sheet.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        Some(inner) => inner.replace("''", "'"),
        None => sheet.to_string(),
    };
    (!sheet.is_empty()).then_some((sheet, cell))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_lists_are_split_on_semicolons_outside_quotes() {
        assert_eq!(
            list_condition(r#"of:cell-content-is-in-list("Yes";"No";"N/A")"#),
            Some(ListSource::Values(vec![
                "Yes".into(),
                "No".into(),
                "N/A".into()
            ]))
        );
        assert_eq!(
            list_condition(r#"of:cell-content-is-in-list("a;b";"Say ""hi""")"#),
            Some(ListSource::Values(vec!["a;b".into(), "Say \"hi\"".into()]))
        );
        assert_eq!(list_condition("of:cell-content-text-length()<=10"), None);
    }

    #[test]
    fn range_lists_become_excel_references() {
        assert_eq!(
            list_condition("of:cell-content-is-in-list([$Lists.$A$1:.$A$3])"),
            Some(ListSource::Reference("'Lists'!$A$1:$A$3".into()))
        );
        assert_eq!(
            list_condition("of:cell-content-is-in-list([$'Auto Responses'.$J$3:.$J$4])"),
            Some(ListSource::Reference("'Auto Responses'!$J$3:$J$4".into()))
        );
        assert_eq!(
            list_condition("of:cell-content-is-in-list(YesNo)"),
            Some(ListSource::Reference("YesNo".into()))
        );
    }
}
