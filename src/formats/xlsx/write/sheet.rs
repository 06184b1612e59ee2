//! Patch one worksheet part: put values into cells and leave every other
//! byte as it was.
//!
//! quick-xml reads the part as a stream of events; the patcher copies the
//! source bytes between the events it changes, so attribute order, quoting,
//! namespace prefixes, `x14ac:` row attributes, extension lists, merges,
//! validations and conditional formats come out byte for byte. Only three
//! things change: a target `<c>` is replaced, a missing `<c>` or `<row>` is
//! inserted in order, and a row's optional `spans` hint is dropped when a new
//! cell falls outside it.

use super::cell::{a1, cell_xml, clean_text, parse_a1};
use crate::questionnaire::SlotKind;
use anyhow::{bail, Context, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;

/// One value for one cell of this sheet.
#[derive(Clone, Debug)]
pub struct CellWrite {
    pub row: u32,
    pub col: u32,
    pub kind: SlotKind,
    pub value: String,
}

/// What happened to the sheet's writes.
#[derive(Debug, Default)]
pub struct SheetReport {
    pub written: usize,
    /// `Sheet!E5: truncated from N to 32,767 characters`.
    pub truncated: Vec<String>,
    /// Formula cells left alone, cells hidden by merges, conflicts.
    pub notes: Vec<String>,
}

/// Rewrite `xml` (a worksheet part) with `writes` applied.
pub fn patch(xml: &[u8], sheet: &str, writes: Vec<CellWrite>) -> Result<(Vec<u8>, SheetReport)> {
    if xml.starts_with(&[0xFF, 0xFE]) || xml.starts_with(&[0xFE, 0xFF]) {
        bail!("sheet {sheet:?} is stored as UTF-16, which vouch cannot patch");
    }
    let mut report = SheetReport::default();
    let writes = drop_hidden_by_merges(xml, sheet, writes, &mut report)?;
    let mut patcher = Patcher::new(xml, sheet, writes, report);
    patcher.run()?;
    Ok((patcher.out, patcher.report))
}

/// The row being streamed and the writes still due in it.
struct RowState {
    num: u32,
    /// Style of the row when it is custom-formatted (new cells take it).
    style: Option<String>,
    last_col: u32,
    due: BTreeMap<u32, CellWrite>,
}

struct Patcher<'x> {
    xml: &'x [u8],
    sheet: &'x str,
    out: Vec<u8>,
    /// Source bytes before this offset are already in `out`.
    copied: usize,
    /// Writes not yet placed: row -> column -> write.
    due: BTreeMap<u32, BTreeMap<u32, CellWrite>>,
    /// `<col min max style>` ranges, for new cells in unstyled rows.
    col_styles: Vec<(u32, u32, String)>,
    /// Namespace prefix of `sheetData` (`""` or `"x:"`), used for new elements.
    prefix: String,
    report: SheetReport,
}

impl<'x> Patcher<'x> {
    fn new(xml: &'x [u8], sheet: &'x str, writes: Vec<CellWrite>, report: SheetReport) -> Self {
        let mut due: BTreeMap<u32, BTreeMap<u32, CellWrite>> = BTreeMap::new();
        for w in writes {
            due.entry(w.row).or_default().insert(w.col, w);
        }
        Patcher {
            xml,
            sheet,
            out: Vec::with_capacity(xml.len() + 64 * 1024),
            copied: 0,
            due,
            col_styles: Vec::new(),
            prefix: String::new(),
            report,
        }
    }

    fn run(&mut self) -> Result<()> {
        let mut reader = Reader::from_reader(self.xml);
        let mut in_data = false;
        let mut seen_data = false;
        let mut row: Option<RowState> = None;
        let mut last_row = 0u32;
        loop {
            let start = pos(&reader);
            let event = reader
                .read_event()
                .map_err(|e| self.xml_error(&reader, e))?;
            let end = pos(&reader);
            match event {
                Event::Eof => break,
                Event::DocType(_) => {
                    bail!(
                        "sheet {:?} declares a DTD, which vouch refuses to process",
                        self.sheet
                    )
                }
                Event::Start(e) | Event::Empty(e) if !in_data && local(&e) == "col" => {
                    self.record_col_style(&e)
                }
                Event::Start(e) if local(&e) == "sheetData" => {
                    in_data = true;
                    seen_data = true;
                    self.prefix = prefix_of(&e);
                }
                Event::Empty(e) if local(&e) == "sheetData" => {
                    seen_data = true;
                    self.prefix = prefix_of(&e);
                    self.flush_to(start);
                    self.out.extend_from_slice(&open_tag(&self.xml[start..end]));
                    self.emit_rows_before(u32::MAX);
                    self.close_tag("sheetData");
                    self.copied = end;
                }
                Event::End(e) if in_data && local_end(e.name().as_ref()) == "sheetData" => {
                    self.flush_to(start);
                    self.emit_rows_before(u32::MAX);
                    in_data = false;
                }
                Event::Start(e) if in_data && row.is_none() && local(&e) == "row" => {
                    let num = row_number(&e).unwrap_or(last_row + 1);
                    last_row = num;
                    row = Some(self.start_row(&e, num, start, end, false));
                }
                Event::Empty(e) if in_data && row.is_none() && local(&e) == "row" => {
                    let num = row_number(&e).unwrap_or(last_row + 1);
                    last_row = num;
                    let mut state = self.start_row(&e, num, start, end, true);
                    if !state.due.is_empty() {
                        self.emit_due_cells(&mut state, u32::MAX);
                        self.close_tag("row");
                    }
                }
                Event::Start(e) if local(&e) == "c" => {
                    if let Some(state) = row.as_mut() {
                        let col = self.cell_column(&e, state);
                        let cell_end = if state.due.contains_key(&col) {
                            Some(skip_cell(&mut reader).map_err(|e| self.xml_error(&reader, e))?)
                        } else {
                            None
                        };
                        self.visit_cell(&e, state, col, start, cell_end.unwrap_or((end, false)));
                    }
                }
                Event::Empty(e) if local(&e) == "c" => {
                    if let Some(state) = row.as_mut() {
                        let col = self.cell_column(&e, state);
                        self.visit_cell(&e, state, col, start, (end, false));
                    }
                }
                Event::End(e) if local_end(e.name().as_ref()) == "row" => {
                    if let Some(mut state) = row.take() {
                        self.flush_to(start);
                        self.emit_due_cells(&mut state, u32::MAX);
                    }
                }
                _ => {}
            }
        }
        self.flush_to(self.xml.len());
        if !seen_data && !self.due.is_empty() {
            bail!("sheet {:?} has no <sheetData> element", self.sheet);
        }
        Ok(())
    }

    /// Copy source bytes up to `offset` into the output.
    fn flush_to(&mut self, offset: usize) {
        if offset > self.copied {
            self.out.extend_from_slice(&self.xml[self.copied..offset]);
            self.copied = offset;
        }
    }

    fn close_tag(&mut self, name: &str) {
        let tag = format!("</{}{name}>", self.prefix);
        self.out.extend_from_slice(tag.as_bytes());
    }

    fn record_col_style(&mut self, e: &BytesStart) {
        let min = attr(e, "min").and_then(|v| v.parse().ok());
        let max = attr(e, "max").and_then(|v| v.parse().ok());
        if let (Some(min), Some(max), Some(style)) = (min, max, attr(e, "style")) {
            self.col_styles.push((min, max, style));
        }
    }

    /// Begin a source row: place whole new rows due before it, then take the
    /// writes due in it. An empty `<row/>` with writes is reopened.
    fn start_row(
        &mut self,
        e: &BytesStart,
        num: u32,
        start: usize,
        end: usize,
        empty: bool,
    ) -> RowState {
        self.flush_to(start);
        self.emit_rows_before(num);
        let due = self.due.remove(&num).unwrap_or_default();
        let custom = attr(e, "customFormat").is_some_and(|v| v == "1" || v == "true");
        let style = attr(e, "s").filter(|_| custom);
        if !due.is_empty() {
            let spans = attr(e, "spans");
            let tag = &self.xml[start..end];
            let tag = match spans {
                Some(spans) if due.keys().any(|c| !in_spans(&spans, *c)) => {
                    remove_attr(tag, b"spans")
                }
                _ => tag.to_vec(),
            };
            let tag = if empty { open_tag(&tag) } else { tag };
            self.out.extend_from_slice(&tag);
            self.copied = end;
        }
        RowState {
            num,
            style,
            last_col: 0,
            due,
        }
    }

    fn cell_column(&self, e: &BytesStart, state: &RowState) -> u32 {
        attr(e, "r")
            .and_then(|r| parse_a1(&r))
            .map(|(_, col)| col)
            .unwrap_or(state.last_col + 1)
    }

    /// A source cell: place new cells due before it, and replace it when it
    /// is a target (unless it holds a formula). `(cell_end, has_formula)`
    /// covers the whole element for targets.
    fn visit_cell(
        &mut self,
        e: &BytesStart,
        state: &mut RowState,
        col: u32,
        start: usize,
        (cell_end, formula): (usize, bool),
    ) {
        state.last_col = col;
        if state.due.range(..col).next().is_some() {
            self.flush_to(start);
            self.emit_due_cells(state, col);
        }
        let Some(write) = state.due.remove(&col) else {
            return;
        };
        let reference = a1(state.num, col);
        if formula {
            self.report.notes.push(format!(
                "{}!{reference} holds a formula; left as is, the answer was not written",
                self.sheet
            ));
            return;
        }
        self.flush_to(start);
        let style = attr(e, "s");
        self.put_cell(&reference, style.as_deref(), &write);
        self.copied = cell_end;
    }

    /// Emit new cells for the writes due in this row before column `before`.
    fn emit_due_cells(&mut self, state: &mut RowState, before: u32) {
        let cols: Vec<u32> = state.due.range(..before).map(|(c, _)| *c).collect();
        for col in cols {
            let Some(write) = state.due.remove(&col) else {
                continue;
            };
            let style = state.style.clone().or_else(|| self.col_style(col));
            self.put_cell(&a1(state.num, col), style.as_deref(), &write);
        }
    }

    /// Emit whole new rows for writes due before row `before`.
    fn emit_rows_before(&mut self, before: u32) {
        let rows: Vec<u32> = self.due.range(..before).map(|(r, _)| *r).collect();
        for num in rows {
            let Some(due) = self.due.remove(&num) else {
                continue;
            };
            let open = format!(r#"<{}row r="{num}">"#, self.prefix);
            self.out.extend_from_slice(open.as_bytes());
            let mut state = RowState {
                num,
                style: None,
                last_col: 0,
                due,
            };
            self.emit_due_cells(&mut state, u32::MAX);
            self.close_tag("row");
        }
    }

    fn col_style(&self, col: u32) -> Option<String> {
        self.col_styles
            .iter()
            .find(|(min, max, _)| (*min..=*max).contains(&col))
            .map(|(_, _, s)| s.clone())
    }

    fn put_cell(&mut self, reference: &str, style: Option<&str>, write: &CellWrite) {
        let (text, cut_from) = clean_text(&write.value);
        if let Some(n) = cut_from {
            self.report.truncated.push(format!(
                "{}!{reference}: truncated from {n} to 32,767 characters",
                self.sheet
            ));
        }
        let xml = cell_xml(reference, style, &text, write.kind, &self.prefix);
        self.out.extend_from_slice(xml.as_bytes());
        self.report.written += 1;
    }

    fn xml_error(&self, reader: &Reader<&[u8]>, e: quick_xml::Error) -> anyhow::Error {
        anyhow::anyhow!(
            "sheet {:?}: malformed XML at byte {}: {e}",
            self.sheet,
            reader.error_position()
        )
    }
}

fn pos(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// Read to the end of the `<c>` just opened; its end offset and whether it
/// holds a formula (`<f>`).
fn skip_cell(reader: &mut Reader<&[u8]>) -> quick_xml::Result<(usize, bool)> {
    let mut depth = 1usize;
    let mut formula = false;
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                formula |= local(&e) == "f";
                depth += 1;
            }
            Event::Empty(e) => formula |= local(&e) == "f",
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return Ok((pos(reader), formula));
                }
            }
            Event::Eof => {
                return Err(quick_xml::Error::Syntax(
                    quick_xml::errors::SyntaxError::UnclosedTag,
                ))
            }
            _ => {}
        }
    }
}

fn local<'a>(e: &'a BytesStart) -> &'a str {
    local_end(e.name().into_inner())
}

/// The part of a qualified name after the prefix: `x:row` -> `row`.
fn local_end(name: &str) -> &str {
    name.split_once(':').map_or(name, |(_, local)| local)
}

fn prefix_of(e: &BytesStart) -> String {
    let name = e.name();
    match name.as_ref().split_once(':') {
        Some((prefix, _)) => format!("{prefix}:"),
        None => String::new(),
    }
}

/// An attribute's unescaped value, matched by local name.
fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        (local_end(key) == name && !key.starts_with("xmlns"))
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

fn row_number(e: &BytesStart) -> Option<u32> {
    attr(e, "r").and_then(|r| r.trim().parse().ok())
}

/// `spans="1:12"` (space-separated ranges) covers column `col`?
fn in_spans(spans: &str, col: u32) -> bool {
    spans.split_whitespace().any(|range| {
        let mut ends = range.split(':').map(|n| n.trim().parse::<u32>().ok());
        match (ends.next().flatten(), ends.next().flatten()) {
            (Some(a), Some(b)) => (a..=b).contains(&col),
            _ => true,
        }
    })
}

/// `<row .../>` -> `<row ...>`.
fn open_tag(empty_tag: &[u8]) -> Vec<u8> {
    let body = empty_tag.strip_suffix(b"/>").unwrap_or(empty_tag);
    let mut tag = body.to_vec();
    tag.push(b'>');
    tag
}

/// Remove one attribute (` name="..."`) from a raw start tag.
fn remove_attr(tag: &[u8], name: &[u8]) -> Vec<u8> {
    let mut i = 0;
    while let Some(found) = find(&tag[i..], name) {
        let at = i + found;
        let before_ok = at > 0 && tag[at - 1].is_ascii_whitespace();
        let mut j = at + name.len();
        while j < tag.len() && tag[j].is_ascii_whitespace() {
            j += 1;
        }
        if before_ok && tag.get(j) == Some(&b'=') {
            j += 1;
            while j < tag.len() && tag[j].is_ascii_whitespace() {
                j += 1;
            }
            if let Some(&quote) = tag.get(j).filter(|q| **q == b'"' || **q == b'\'') {
                if let Some(close) = tag[j + 1..].iter().position(|b| *b == quote) {
                    let mut out = tag[..at - 1].to_vec();
                    out.extend_from_slice(&tag[j + 1 + close + 1..]);
                    return out;
                }
            }
        }
        i = at + 1;
    }
    tag.to_vec()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A merged range, 1-based inclusive: (row0, col0, row1, col1).
type Merge = (u32, u32, u32, u32);

/// Writes aimed inside a merged range but not at its first cell are
/// dropped and reported: Excel shows only the first cell, and that cell
/// usually holds the buyer's own text (a title, a question), which must not
/// be overwritten. Two writes to one cell keep the first.
fn drop_hidden_by_merges(
    xml: &[u8],
    sheet: &str,
    writes: Vec<CellWrite>,
    report: &mut SheetReport,
) -> Result<Vec<CellWrite>> {
    let merges =
        merged_ranges(xml).with_context(|| format!("sheet {sheet:?}: cannot read merged cells"))?;
    let mut taken = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(writes.len());
    for w in writes {
        let hidden_by = merges.iter().find(|(r0, c0, r1, c1)| {
            (*r0..=*r1).contains(&w.row)
                && (*c0..=*c1).contains(&w.col)
                && (w.row, w.col) != (*r0, *c0)
        });
        if let Some(&(r0, c0, r1, c1)) = hidden_by {
            report.notes.push(format!(
                "{sheet}!{} is hidden inside the merged cells {}:{}; answer not written",
                a1(w.row, w.col),
                a1(r0, c0),
                a1(r1, c1)
            ));
            continue;
        }
        if !taken.insert((w.row, w.col)) {
            report.notes.push(format!(
                "{sheet}!{}: two answers for one cell; kept the first",
                a1(w.row, w.col)
            ));
            continue;
        }
        out.push(w);
    }
    Ok(out)
}

/// Offset of the `<mergeCells` (or `<x:mergeCells`) start tag. It follows
/// `sheetData`, so reading from there skips the bulk of the part; text
/// cannot fake it because `<` is always escaped in text.
fn merge_cells_tag(xml: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(found) = find(&xml[i..], b"mergeCells") {
        let at = i + found;
        let lt = xml[..at].iter().rposition(|b| *b == b'<')?;
        let prefix = &xml[lt + 1..at];
        let is_tag = prefix.is_empty()
            || (prefix.ends_with(b":")
                && prefix[..prefix.len() - 1]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' || *b == b'.'));
        if is_tag {
            return Some(lt);
        }
        i = at + 1;
    }
    None
}

fn merged_ranges(xml: &[u8]) -> Result<Vec<Merge>> {
    let mut merges = Vec::new();
    let Some(from) = merge_cells_tag(xml) else {
        return Ok(merges);
    };
    let mut reader = Reader::from_reader(&xml[from..]);
    // Reading starts mid-document: end tags of elements opened earlier are expected.
    reader.config_mut().check_end_names = false;
    loop {
        match reader.read_event()? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if local(&e) == "mergeCell" => {
                let Some(r) = attr(&e, "ref") else { continue };
                let mut ends = r.split(':').map(parse_a1);
                if let (Some(Some((r0, c0))), Some(Some((r1, c1)))) = (ends.next(), ends.next()) {
                    merges.push((r0.min(r1), c0.min(c1), r0.max(r1), c0.max(c1)));
                }
            }
            Event::End(e) if local_end(e.name().as_ref()) == "mergeCells" => break,
            _ => {}
        }
    }
    Ok(merges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(reference: &str, value: &str) -> CellWrite {
        let (row, col) = parse_a1(reference).unwrap();
        CellWrite {
            row,
            col,
            kind: SlotKind::Text,
            value: value.into(),
        }
    }

    fn patched(xml: &str, writes: Vec<CellWrite>) -> (String, SheetReport) {
        let (out, report) = patch(xml.as_bytes(), "S", writes).unwrap();
        (String::from_utf8(out).unwrap(), report)
    }

    const HEAD: &str = r#"<?xml version="1.0"?><worksheet xmlns="main"><cols><col min="4" max="5" style="9"/></cols>"#;
    const TAIL: &str = r#"<mergeCells count="1"><mergeCell ref='F2:G3'/></mergeCells><extLst><ext uri="{x}"><x14:dataValidations/></ext></extLst></worksheet>"#;

    fn sheet(data: &str) -> String {
        format!("{HEAD}{data}{TAIL}")
    }

    #[test]
    fn no_writes_is_byte_identical() {
        let xml = sheet(r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#);
        assert_eq!(patched(&xml, vec![]).0, xml);
    }

    #[test]
    fn replaces_existing_cell_keeping_its_style() {
        let xml = sheet(
            r#"<sheetData><row r="3" spans="1:5"><c r="B3" s="2" t="s"><v>4</v></c><c r="C3" s="8"/><c r="E3" s="8" t="s"><v>1</v></c></row></sheetData>"#,
        );
        let (out, report) = patched(&xml, vec![w("C3", "Yes"), w("E3", "Text <b>")]);
        assert_eq!(
            out,
            sheet(
                r#"<sheetData><row r="3" spans="1:5"><c r="B3" s="2" t="s"><v>4</v></c><c r="C3" s="8" t="inlineStr"><is><t xml:space="preserve">Yes</t></is></c><c r="E3" s="8" t="inlineStr"><is><t xml:space="preserve">Text &lt;b&gt;</t></is></c></row></sheetData>"#
            )
        );
        assert_eq!(report.written, 2);
    }

    #[test]
    fn creates_cells_and_rows_in_order_with_row_or_column_style() {
        let xml = sheet(
            r#"<sheetData><row r="2" s="5" customFormat="1"><c r="B2"/></row><row r="4" spans="1:2"><c r="A4"/><c r="F4"/></row><row r="6"/></sheetData>"#,
        );
        let (out, report) = patched(
            &xml,
            vec![
                w("A2", "a"),
                w("C2", "c"),
                w("D4", "d"),
                w("A3", "n"),
                w("E6", "e"),
                w("B9", "z"),
            ],
        );
        let cell = |r: &str, s: &str, v: &str| {
            format!(r#"<c r="{r}"{s} t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>"#)
        };
        let expected = format!(
            r#"<sheetData><row r="2" s="5" customFormat="1">{}<c r="B2"/>{}</row><row r="3">{}</row><row r="4"><c r="A4"/>{}<c r="F4"/></row><row r="6">{}</row><row r="9">{}</row></sheetData>"#,
            cell("A2", r#" s="5""#, "a"),
            cell("C2", r#" s="5""#, "c"),
            cell("A3", "", "n"),
            cell("D4", r#" s="9""#, "d"),
            cell("E6", r#" s="9""#, "e"),
            cell("B9", "", "z"),
        );
        assert_eq!(out, sheet(&expected));
        assert_eq!(report.written, 6);
    }

    #[test]
    fn never_writes_into_formula_cells() {
        let xml = sheet(
            r#"<sheetData><row r="1"><c r="A1" t="str"><f>1+1</f><v>2</v></c></row></sheetData>"#,
        );
        let (out, report) = patched(&xml, vec![w("A1", "x")]);
        assert_eq!(out, xml);
        assert_eq!(report.written, 0);
        assert!(report.notes[0].contains("S!A1 holds a formula"));
    }

    #[test]
    fn namespace_prefixes_are_kept_and_used() {
        let xml = r#"<x:worksheet xmlns:x="main"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"#;
        let (out, _) = patched(xml, vec![w("A1", "a"), w("B1", "b"), w("A2", "c")]);
        assert_eq!(
            out,
            r#"<x:worksheet xmlns:x="main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t xml:space="preserve">a</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t xml:space="preserve">b</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t xml:space="preserve">c</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#
        );
    }

    #[test]
    fn empty_sheet_data_is_opened() {
        let (out, _) = patched("<worksheet><sheetData/></worksheet>", vec![w("B2", "b")]);
        assert_eq!(
            out,
            r#"<worksheet><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t xml:space="preserve">b</t></is></c></row></sheetData></worksheet>"#
        );
    }

    #[test]
    fn rows_and_cells_without_references_are_counted() {
        let xml = "<worksheet><sheetData><row><c/><c><v>1</v></c></row><row><c/></row></sheetData></worksheet>";
        let (out, _) = patched(xml, vec![w("B2", "b")]);
        assert_eq!(
            out,
            r#"<worksheet><sheetData><row><c/><c><v>1</v></c></row><row><c/><c r="B2" t="inlineStr"><is><t xml:space="preserve">b</t></is></c></row></sheetData></worksheet>"#
        );
    }

    #[test]
    fn cells_hidden_by_merges_are_not_written() {
        let xml =
            sheet(r#"<sheetData><row r="2"><c r="F2" s="3" t="s"><v>7</v></c></row></sheetData>"#);
        let (out, report) = patched(&xml, vec![w("G3", "m"), w("A1", "a"), w("A1", "b")]);
        assert!(out.contains(r#"<c r="F2" s="3" t="s"><v>7</v></c>"#));
        assert!(!out.contains(">m<"));
        assert!(out.contains(">a<") && !out.contains(">b<"));
        assert!(report.notes[0].contains("S!G3 is hidden inside the merged cells F2:G3"));
        assert!(report.notes[1].contains("two answers"));
    }

    #[test]
    fn spans_dropped_only_when_a_new_cell_falls_outside() {
        assert_eq!(
            remove_attr(br#"<row r="1" spans="1:3" ht="2">"#, b"spans"),
            br#"<row r="1" ht="2">"#
        );
        assert_eq!(
            remove_attr(b"<row r='1' spans = '1:3'>", b"spans"),
            b"<row r='1'>"
        );
        assert!(in_spans("1:3 5:9", 7));
        assert!(!in_spans("1:3", 4));
    }

    #[test]
    fn dtd_and_broken_xml_are_errors_not_panics() {
        let dtd = r#"<!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData/></worksheet>"#;
        assert!(patch(dtd.as_bytes(), "S", vec![w("A1", "x")]).is_err());
        let broken =
            "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"></row></sheetData></worksheet>";
        assert!(patch(broken.as_bytes(), "S", vec![w("A1", "x")]).is_err());
    }
}
