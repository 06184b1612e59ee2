//! One cell as the patcher writes it: A1 references, the text Excel accepts,
//! and the `<c>` element itself.

use crate::questionnaire::SlotKind;

/// Excel's limit on the characters (UTF-16 units) in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
const MAX_ROW: u32 = 1_048_576;
const MAX_COL: u32 = 16_384;

/// `"C12"` (or `"$C$12"`) -> `(row 12, column 3)`, both 1-based.
pub fn parse_a1(reference: &str) -> Option<(u32, u32)> {
    let s = reference.trim().replace('$', "");
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0u32, |acc, b| {
        acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u32 = digits.parse().ok()?;
    ((1..=MAX_ROW).contains(&row) && (1..=MAX_COL).contains(&col)).then_some((row, col))
}

/// Column number (1-based) -> letters: 3 -> `"C"`, 28 -> `"AB"`.
pub fn column_letters(mut col: u32) -> String {
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

pub fn a1(row: u32, col: u32) -> String {
    format!("{}{row}", column_letters(col))
}

/// Text made safe for a cell: characters XML 1.0 forbids removed, line ends
/// as `\n` (what Excel stores), and at most [`MAX_CELL_CHARS`] UTF-16 units.
/// Returns the text and, when it was cut, the original length in characters.
pub fn clean_text(text: &str) -> (String, Option<usize>) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let clean: String = text.chars().filter(|c| xml_allowed(*c)).collect();
    let mut units = 0;
    let mut cut = None;
    for (i, c) in clean.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            cut = Some(i);
            break;
        }
    }
    match cut {
        Some(i) => (clean[..i].to_string(), Some(clean.chars().count())),
        None => (clean, None),
    }
}

fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Escape for XML text and attribute values, and protect `_xHHHH_`
/// sequences, which Excel would otherwise decode as an escaped character.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '_' if is_excel_escape(&text[i..]) => out.push_str("_x005F_"),
            _ => out.push(c),
        }
    }
    out
}

/// True when `s` starts with `_xHHHH_`.
fn is_excel_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// A choice value that Excel stores as a number (`1`, `0`, `42`).
fn as_number(value: &str, kind: SlotKind) -> Option<&str> {
    let is_int = !value.is_empty()
        && value.len() <= 15
        && value.bytes().all(|b| b.is_ascii_digit())
        && (value == "0" || !value.starts_with('0'));
    (kind == SlotKind::Choice && is_int).then_some(value)
}

/// The `<c>` element for a cell holding `value` (already cleaned), with the
/// given style and namespace prefix (`""` or `"x:"`).
pub fn cell_xml(
    reference: &str,
    style: Option<&str>,
    value: &str,
    kind: SlotKind,
    prefix: &str,
) -> String {
    let style = style
        .map(|s| format!(r#" s="{}""#, escape(s)))
        .unwrap_or_default();
    match as_number(value, kind) {
        Some(n) => {
            format!(r#"<{prefix}c r="{reference}"{style}><{prefix}v>{n}</{prefix}v></{prefix}c>"#)
        }
        None => format!(
            r#"<{prefix}c r="{reference}"{style} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">{}</{prefix}t></{prefix}is></{prefix}c>"#,
            escape(value)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trip() {
        assert_eq!(parse_a1("C12"), Some((12, 3)));
        assert_eq!(parse_a1("$AB$7"), Some((7, 28)));
        assert_eq!(parse_a1("xfd1048576"), Some((1_048_576, 16_384)));
        assert_eq!(parse_a1("XFE1"), None);
        assert_eq!(parse_a1("C0"), None);
        assert_eq!(parse_a1("12"), None);
        assert_eq!(parse_a1("C"), None);
        assert_eq!(parse_a1("C1x"), None);
        for col in [1, 26, 27, 52, 702, 703, 16_384] {
            assert_eq!(parse_a1(&a1(5, col)), Some((5, col)));
        }
        assert_eq!(column_letters(28), "AB");
    }

    #[test]
    fn forbidden_characters_are_removed_and_line_ends_normalized() {
        let (t, cut) = clean_text("a\u{0}b\u{1b}c\r\nd\re\tf\u{FFFF}");
        assert_eq!(t, "abc\nd\ne\tf");
        assert_eq!(cut, None);
    }

    #[test]
    fn long_text_is_cut_at_the_cell_limit() {
        let (t, cut) = clean_text(&"x".repeat(40_000));
        assert_eq!(t.len(), MAX_CELL_CHARS);
        assert_eq!(cut, Some(40_000));
        // Characters outside the BMP count twice, as in Excel.
        let (t, cut) = clean_text(&"😀".repeat(20_000));
        assert_eq!(t.chars().count(), MAX_CELL_CHARS / 2);
        assert_eq!(cut, Some(20_000));
    }

    #[test]
    fn escaping() {
        assert_eq!(escape(r#"a<b & "c">"#), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(escape("_x000D_ and _x1_"), "_x005F_x000D_ and _x1_");
    }

    #[test]
    fn cells() {
        assert_eq!(
            cell_xml("C3", Some("8"), "Yes & no", SlotKind::Choice, ""),
            r#"<c r="C3" s="8" t="inlineStr"><is><t xml:space="preserve">Yes &amp; no</t></is></c>"#
        );
        assert_eq!(
            cell_xml("C3", None, "1", SlotKind::Choice, "x:"),
            r#"<x:c r="C3"><x:v>1</x:v></x:c>"#
        );
        assert!(cell_xml("E3", None, "1", SlotKind::Text, "").contains("inlineStr"));
        assert!(cell_xml("C3", None, "007", SlotKind::Choice, "").contains("inlineStr"));
    }
}
