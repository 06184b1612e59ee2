//! What a paragraph or cell says, as the reader needs it: plain text as a
//! person sees it (runs joined; bookmarks, proofing marks and field codes
//! dropped; tracked insertions kept, deletions gone), with the places an
//! answer can go (checkboxes, content controls) marked where they occur.

use super::locate::{w14_checkbox, DocIndex, Locator};
use super::xml::{on_off, NodeId, Ns, Tree};

/// A piece of visible content, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    Text(String),
    /// A paragraph ended.
    Break,
    /// Checkbox number (1-based, see [`DocIndex`]).
    Checkbox(usize),
    /// A fillable content control (`sdt:`) or legacy text field (`fld:`).
    Field(Locator),
}

/// Elements whose content is never read as text.
const SKIPPED: &[&str] = &[
    "pPr",
    "rPr",
    "tcPr",
    "trPr",
    "tblPr",
    "tblGrid",
    "sdtPr",
    "sdtEndPr",
    "sectPr",
    "del",
    "moveFrom",
    "delText",
    "instrText",
    "delInstrText",
    "drawing",
    "pict",
    "object",
    "tbl",
    "footnoteReference",
    "endnoteReference",
    "commentReference",
];

/// The segments of `node` (a paragraph, a cell, content-control content).
/// Nested tables are left out: they are read as tables of their own.
pub fn segments(tree: &Tree, ix: &DocIndex, node: NodeId) -> Vec<Seg> {
    let mut out = Vec::new();
    walk(tree, ix, node, &mut out);
    out
}

fn walk(tree: &Tree, ix: &DocIndex, id: NodeId, out: &mut Vec<Seg>) {
    let node = tree.node(id);
    if node.ns != Ns::W {
        // mc:AlternateContent and friends: text boxes and shapes, not question text.
        return;
    }
    match node.local.as_str() {
        l if SKIPPED.contains(&l) => {}
        "t" => out.push(Seg::Text(tree.own_text(id))),
        "tab" | "br" | "cr" | "ptab" => out.push(Seg::Text(" ".into())),
        "noBreakHyphen" => out.push(Seg::Text("-".into())),
        "fldChar" => {
            if let Some(n) = tree
                .child_w(id, "ffData")
                .and_then(|ff| tree.child_w(ff, "checkBox"))
                .and_then(|cb| ix.checkbox_no(cb))
            {
                out.push(Seg::Checkbox(n));
            } else if let Some(n) = ix.form_text_no(id) {
                out.push(Seg::Field(Locator::FormText(n)));
            }
        }
        "sdt" => walk_sdt(tree, ix, id, out),
        "p" => {
            children(tree, ix, id, out);
            out.push(Seg::Break);
        }
        _ => children(tree, ix, id, out),
    }
}

fn children(tree: &Tree, ix: &DocIndex, id: NodeId, out: &mut Vec<Seg>) {
    for c in tree.elems(id) {
        walk(tree, ix, c, out);
    }
}

fn walk_sdt(tree: &Tree, ix: &DocIndex, sdt: NodeId, out: &mut Vec<Seg>) {
    match sdt_kind(tree, sdt) {
        SdtKind::Checkbox => {
            if let Some(n) = ix.checkbox_no(sdt) {
                out.push(Seg::Checkbox(n));
            }
        }
        SdtKind::Wrapper => {
            if let Some(content) = tree.child_w(sdt, "sdtContent") {
                children(tree, ix, content, out);
            }
        }
        SdtKind::Text | SdtKind::Choice(_) => {
            if let Some(n) = ix.sdt_no(sdt) {
                out.push(Seg::Field(Locator::Sdt(n)));
            }
        }
    }
}

/// What a content control is for.
#[derive(Clone, Debug, PartialEq)]
pub enum SdtKind {
    Checkbox,
    /// Plain or rich text, a date: fill with text.
    Text,
    /// Dropdown or combo box with these display values.
    Choice(Vec<String>),
    /// Structure, not an answer: table of contents, locked content,
    /// pictures, groups. Its content is read as ordinary content.
    Wrapper,
}

pub fn sdt_kind(tree: &Tree, sdt: NodeId) -> SdtKind {
    if w14_checkbox(tree, sdt).is_some() {
        return SdtKind::Checkbox;
    }
    let Some(pr) = tree.child_w(sdt, "sdtPr") else {
        return SdtKind::Text;
    };
    let locked = tree
        .child_w(pr, "lock")
        .and_then(|l| tree.attr(l, "val"))
        .is_some_and(|v| v == "sdtContentLocked" || v == "contentLocked");
    let structural = [
        "docPartObj",
        "docPartList",
        "picture",
        "group",
        "citation",
        "bibliography",
        "equation",
    ]
    .iter()
    .any(|l| tree.child_w(pr, l).is_some());
    if locked
        || structural
        || tree
            .elems(pr)
            .any(|c| tree.node(c).local == "repeatingSection")
    {
        return SdtKind::Wrapper;
    }
    for list in ["dropDownList", "comboBox"] {
        if let Some(l) = tree.child_w(pr, list) {
            let values: Vec<String> = tree
                .elems(l)
                .filter(|&i| tree.is_w(i, "listItem"))
                .filter_map(|i| tree.attr(i, "displayText").or(tree.attr(i, "value")))
                .map(normalize)
                .filter(|v| !v.is_empty() && !is_placeholder(v))
                .collect();
            return SdtKind::Choice(values);
        }
    }
    SdtKind::Text
}

/// True when the control shows its placeholder (nothing entered yet).
pub fn showing_placeholder(tree: &Tree, sdt: NodeId) -> bool {
    tree.child_w(sdt, "sdtPr")
        .and_then(|pr| tree.child_w(pr, "showingPlcHdr"))
        .is_some_and(|s| on_off(tree.attr(s, "val")))
}

/// Text of segments, paragraphs joined by spaces, whitespace collapsed.
pub fn plain(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Text(t) => s.push_str(t),
            Seg::Break => s.push(' '),
            _ => {}
        }
    }
    normalize(&s)
}

/// Collapse whitespace (including no-break spaces) and trim.
pub fn normalize(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text that only marks where an answer goes: blanks, underscores,
/// `[Insert response]`, Word's "Click or tap here to enter text."
pub fn is_placeholder(text: &str) -> bool {
    let t = text.trim();
    if t.chars().all(|c| c.is_whitespace() || "_.-…".contains(c)) {
        return true;
    }
    let lower = t.to_lowercase();
    let bracketed = [('[', ']'), ('<', '>'), ('{', '}'), ('(', ')')]
        .iter()
        .any(|&(a, b)| t.starts_with(a) && t.ends_with(b))
        && [
            "insert", "enter", "response", "answer", "type", "vendor", "supplier",
        ]
        .iter()
        .any(|w| lower.contains(w));
    bracketed
        || lower.starts_with("click here")
        || lower.starts_with("click or tap here")
        || lower.starts_with("tap here")
        || lower.starts_with("enter text")
        || lower.starts_with("type here")
}

/// The text of a content control's content, or None while it shows its
/// placeholder.
pub fn field_value(tree: &Tree, ix: &DocIndex, sdt: NodeId) -> Option<String> {
    if showing_placeholder(tree, sdt) {
        return None;
    }
    let content = tree.child_w(sdt, "sdtContent")?;
    let text = plain(&segments(tree, ix, content));
    (!text.is_empty() && !is_placeholder(&text)).then_some(text)
}

/// The runs of a legacy form field: the run with its `separate` mark, the
/// result runs after it (what the field shows), and the run with its `end`
/// mark. None unless all are siblings of the `begin` run.
pub struct FieldRuns {
    pub separate: NodeId,
    pub result: Vec<NodeId>,
    pub end: NodeId,
}

pub fn field_runs(tree: &Tree, begin: NodeId) -> Option<FieldRuns> {
    let begin_run = tree.node(begin).parent.filter(|&r| tree.is_w(r, "r"))?;
    let container = tree.node(begin_run).parent?;
    let siblings: Vec<NodeId> = tree.elems(container).collect();
    let at = siblings.iter().position(|&s| s == begin_run)?;
    let (mut depth, mut separate, mut result) = (0usize, None, Vec::new());
    for &s in &siblings[at + 1..] {
        let mark = tree
            .elems(s)
            .find(|&c| tree.is_w(c, "fldChar"))
            .and_then(|c| tree.attr(c, "fldCharType"));
        match mark {
            Some("begin") => depth += 1,
            Some("separate") if depth == 0 => {
                separate = Some(s);
                continue;
            }
            Some("end") if depth == 0 => {
                return Some(FieldRuns {
                    separate: separate?,
                    result,
                    end: s,
                });
            }
            Some("end") => depth -= 1,
            _ => {}
        }
        if separate.is_some() {
            result.push(s);
        }
    }
    None
}

/// What a legacy text field shows, or None while it shows its default or
/// blanks.
pub fn form_text_value(tree: &Tree, ix: &DocIndex, begin: NodeId) -> Option<String> {
    let runs = field_runs(tree, begin)?;
    let mut segs = Vec::new();
    for r in runs.result {
        segs.extend(segments(tree, ix, r));
    }
    let text = plain(&segs);
    let default = tree
        .child_w(begin, "ffData")
        .and_then(|ff| tree.child_w(ff, "textInput"))
        .and_then(|ti| tree.child_w(ti, "default"))
        .and_then(|d| tree.attr(d, "val"))
        .map(normalize);
    (!text.is_empty() && !is_placeholder(&text) && default.as_deref() != Some(&text))
        .then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "",
            "____",
            "[Insert response]",
            "Click or tap here to enter text.",
            "<Vendor answer>",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for a in ["Yes", "We use SSO.", "(see policy)"] {
            assert!(!is_placeholder(a), "{a}");
        }
    }

    #[test]
    fn normalizes_whitespace() {
        assert_eq!(normalize("  a\u{a0} b\n\tc "), "a b c");
    }
}
