//! Write answers into a copy of a CSV questionnaire.
//!
//! Each record is copied as it was (same quoting, delimiter, line ends,
//! byte-order mark); answer columns that do not exist yet are appended to
//! every record, with their header in the first. A record is re-serialized
//! only when an answer goes into one of its existing fields.
//!
//! Spreadsheet formula injection: a CSV opened in Excel runs any field that
//! starts with `=`, `+`, `-` or `@` as a formula. Every value vouch writes
//! that starts with one of those (or a tab or carriage return) is prefixed
//! with `'`, which Excel shows as text. The buyer's own fields are left as
//! they were.

use crate::formats::xlsx::write::parse_a1;
use crate::formats::{SlotWrite, WriteReport};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Write `writes` (A1 targets: row = record number, header = 1) into a copy
/// of `source` at `out`. `new_headers` names the answer columns export adds
/// (1-based column, header text).
pub fn write(
    source: &Path,
    writes: &[SlotWrite],
    new_headers: &[(u32, String)],
    out: &Path,
) -> Result<WriteReport> {
    let bytes =
        std::fs::read(source).with_context(|| format!("cannot read {}", source.display()))?;
    let mut report = WriteReport::default();
    let (patched, written) = patch(&bytes, writes, new_headers, &mut report)
        .with_context(|| format!("{}: cannot rewrite the CSV", source.display()))?;
    crate::fsutil::write_atomic(out, &patched)?;
    if let (Some(first), true) = (writes.first(), written > 0) {
        report.written.push((first.sheet.clone(), written));
    }
    Ok(report)
}

/// `value` made safe to open in a spreadsheet: a leading `= + - @`, tab or
/// carriage return gets a `'` in front.
pub fn neutralize(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// The patched CSV bytes and the number of answers written.
fn patch(
    bytes: &[u8],
    writes: &[SlotWrite],
    new_headers: &[(u32, String)],
    report: &mut WriteReport,
) -> Result<(Vec<u8>, usize)> {
    let (bom, body) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => (&b""[..], bytes),
    };
    let delimiter = detect_delimiter(body);
    let mut due = due_by_row(writes, report);
    let mut written = 0usize;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body);
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    out.extend_from_slice(bom);
    let mut record = csv::ByteRecord::new();
    let mut copied = 0usize;
    let mut row = 0u32;
    let mut width = None;
    while reader.read_byte_record(&mut record)? {
        row += 1;
        let start = record.position().map_or(copied, |p| p.byte() as usize);
        let end = reader.position().byte() as usize;
        out.extend_from_slice(&body[copied.min(start)..start]);
        let header_width = *width.get_or_insert(record.len() as u32);
        let target_width = new_headers
            .iter()
            .map(|(c, _)| *c)
            .max()
            .unwrap_or(0)
            .max(header_width);
        let mut changes = due.remove(&row).unwrap_or_default();
        if row == 1 {
            for (col, header) in new_headers {
                if *col > record.len() as u32 {
                    changes
                        .entry(*col)
                        .or_insert_with(|| (neutralize(header), false));
                }
            }
        }
        written += changes.values().filter(|(_, answer)| *answer).count();
        let (content, terminator) = split_terminator(&body[start..end]);
        let pad_to = if target_width > header_width {
            target_width
        } else {
            0
        };
        out.extend_from_slice(&render_record(
            &record, content, &changes, pad_to, delimiter,
        )?);
        out.extend_from_slice(terminator);
        copied = end;
    }
    out.extend_from_slice(&body[copied.min(body.len())..]);
    for (row, cells) in due {
        report.notes.push(format!(
            "row {row} is past the end of the CSV; {} answer(s) not written",
            cells.len()
        ));
    }
    Ok((out, written))
}

/// Writes per record number: column -> (neutralized value, is an answer).
fn due_by_row(
    writes: &[SlotWrite],
    report: &mut WriteReport,
) -> BTreeMap<u32, BTreeMap<u32, (String, bool)>> {
    let mut due: BTreeMap<u32, BTreeMap<u32, (String, bool)>> = BTreeMap::new();
    for w in writes {
        match parse_a1(&w.target) {
            Some((row, col)) => {
                due.entry(row)
                    .or_default()
                    .insert(col, (neutralize(&w.value), true));
            }
            None => report.notes.push(format!(
                "{}!{}: not a cell reference; answer not written",
                w.sheet, w.target
            )),
        }
    }
    due
}

/// One record's bytes: the original content with fields appended, or
/// re-serialized when an existing field changes.
fn render_record(
    record: &csv::ByteRecord,
    content: &[u8],
    changes: &BTreeMap<u32, (String, bool)>,
    pad_to: u32,
    delimiter: u8,
) -> Result<Vec<u8>> {
    let len = record.len() as u32;
    let last = changes.keys().copied().max().unwrap_or(0).max(pad_to);
    if changes.keys().all(|c| *c > len) {
        let mut out = content.to_vec();
        for col in len + 1..=last {
            out.push(delimiter);
            if let Some((value, _)) = changes.get(&col) {
                out.extend_from_slice(&quote(value.as_bytes(), delimiter));
            }
        }
        return Ok(out);
    }
    let mut fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
    fields.resize(last.max(len) as usize, Vec::new());
    for (col, (value, _)) in changes {
        fields[*col as usize - 1] = value.as_bytes().to_vec();
    }
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    writer.write_record(&fields)?;
    let mut out = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    out.pop();
    Ok(out)
}

/// A field quoted when it must be (delimiter, quote, line break).
fn quote(field: &[u8], delimiter: u8) -> Vec<u8> {
    if !field
        .iter()
        .any(|b| *b == delimiter || matches!(b, b'"' | b'\n' | b'\r'))
    {
        return field.to_vec();
    }
    let mut out = vec![b'"'];
    for b in field {
        if *b == b'"' {
            out.push(b'"');
        }
        out.push(*b);
    }
    out.push(b'"');
    out
}

/// A record's raw bytes split into content and line end (`\r\n`, `\n`, `\r` or none).
fn split_terminator(raw: &[u8]) -> (&[u8], &[u8]) {
    let cut = if raw.ends_with(b"\r\n") {
        2
    } else if raw.ends_with(b"\n") || raw.ends_with(b"\r") {
        1
    } else {
        0
    };
    raw.split_at(raw.len() - cut)
}

/// The most frequent of `,` `;` tab `|` on the first line (outside quotes).
fn detect_delimiter(body: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in body {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(i) = candidates.iter().position(|c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..4)
        .max_by_key(|i| (counts[*i], usize::MAX - i))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::questionnaire::SlotKind;

    fn w(target: &str, value: &str) -> SlotWrite {
        SlotWrite {
            item: 0,
            sheet: "q".into(),
            target: target.into(),
            kind: SlotKind::Text,
            value: value.into(),
        }
    }

    fn run(csv: &str, writes: &[SlotWrite], headers: &[(u32, &str)]) -> String {
        let headers: Vec<(u32, String)> =
            headers.iter().map(|(c, h)| (*c, h.to_string())).collect();
        let mut report = WriteReport::default();
        let (out, _) = patch(csv.as_bytes(), writes, &headers, &mut report).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn appends_answer_columns_keeping_the_original_bytes() {
        let csv = "\u{feff}ID,\"Question\"\r\n1,\"Do you, or not?\"\r\n\r\n2,Encrypt?\r\n";
        let out = run(
            csv,
            &[w("C2", "Yes"), w("D2", "We do, \"always\"."), w("C3", "No")],
            &[(3, "Answer"), (4, "Comments")],
        );
        assert_eq!(
            out,
            "\u{feff}ID,\"Question\",Answer,Comments\r\n1,\"Do you, or not?\",Yes,\"We do, \"\"always\"\".\"\r\n\r\n2,Encrypt?,No,\r\n"
        );
    }

    #[test]
    fn fills_existing_empty_columns_and_keeps_semicolons() {
        let csv = "id;question;answer\nA;Q1;\nB;Q2;\n";
        let out = run(csv, &[w("C3", "Yes")], &[]);
        assert_eq!(out, "id;question;answer\nA;Q1;\nB;Q2;Yes\n");
    }

    #[test]
    fn formula_like_values_are_neutralized() {
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for v in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralize(v).starts_with('\''), "{v:?}");
        }
        assert_eq!(neutralize("Yes"), "Yes");
        let out = run("q\nA\n", &[w("B2", "=1+1")], &[(2, "Answer")]);
        assert_eq!(out, "q,Answer\nA,'=1+1\n");
    }

    #[test]
    fn last_line_without_newline() {
        let out = run("q,a\nQ1,", &[w("B2", "Yes")], &[]);
        assert_eq!(out, "q,a\nQ1,Yes");
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a;b;c\n1,2"), b';');
        assert_eq!(detect_delimiter(b"\"a,b\"\tc\td\n"), b'\t');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }
}
