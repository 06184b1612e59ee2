//! Answers into `word/document.xml` as byte-range edits: each slot target
//! resolves to the element the reader saw, and only that element's content
//! is replaced. New runs copy the formatting (`w:rPr`) of the runs already
//! there (minus placeholder styling and revision marks), cells keep their
//! `w:tcPr` first and at least one paragraph, content controls are filled in
//! place, checkboxes are ticked where Word keeps their state.

use super::content::{self, segments, Seg};
use super::locate::{self, Checkbox, DocIndex, Locator};
use super::words;
use super::xml::{escape_text, on_off, NodeId, Ns, Tree};
use anyhow::{bail, Result};

/// Replace `src[start..end]` with `text`.
#[derive(Debug)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Apply non-overlapping edits.
pub fn apply(src: &str, mut edits: Vec<Edit>) -> Result<String> {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out =
        String::with_capacity(src.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in &edits {
        if e.start < at {
            bail!("two answers overlap at byte {}", e.start);
        }
        out.push_str(&src[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&src[at..]);
    Ok(out)
}

/// Builds edits against one parsed document.
pub struct Patcher<'a> {
    pub src: &'a str,
    pub tree: &'a Tree,
    pub ix: &'a DocIndex,
}

/// Elements kept when content is replaced: zero-width markers whose partner
/// may sit elsewhere in the document. Tracked deletions (`w:del` in a
/// paragraph) are kept too: they are invisible and part of the history.
const MARKERS: &[&str] = &[
    "bookmarkStart",
    "bookmarkEnd",
    "commentRangeStart",
    "commentRangeEnd",
    "permStart",
    "permEnd",
];

impl Patcher<'_> {
    /// Edits that put `value` at `loc`, or why not.
    pub fn edits(&self, loc: &Locator, value: &str) -> Result<Vec<Edit>, String> {
        match loc {
            Locator::Para(n) => {
                let p = self.ix.para(*n).ok_or("no such paragraph")?;
                self.fill_paragraph(p, value).map(|e| vec![e])
            }
            Locator::Cell { table, row, col } => {
                let tc = locate::cell(self.tree, self.ix, *table, *row, *col)
                    .ok_or("no such table cell")?;
                self.fill_cell(tc, value).map(|e| vec![e])
            }
            Locator::Sdt(n) => {
                let sdt = self.ix.sdt(*n).ok_or("no such content control")?;
                self.fill_sdt(sdt, value)
            }
            Locator::FormText(n) => {
                let begin = self.ix.form_text(*n).ok_or("no such form field")?;
                self.fill_form_text(begin, value).map(|e| vec![e])
            }
            Locator::Checks(boxes) => self.tick(boxes, value),
        }
    }

    fn slice(&self, id: NodeId) -> &str {
        let n = self.tree.node(id);
        &self.src[n.start..n.end]
    }

    /// `<w:x ...>` for an element, also when it was written `<w:x .../>`.
    fn open_tag(&self, id: NodeId) -> String {
        let n = self.tree.node(id);
        let tag = &self.src[n.start..n.open_end];
        match n.empty {
            true => format!(
                "{}>",
                tag.trim_end_matches('>').trim_end_matches('/').trim_end()
            ),
            false => tag.to_string(),
        }
    }

    fn close_tag(&self, id: NodeId) -> String {
        format!("</{}>", self.tree.node(id).qname)
    }

    /// Prefix-qualified WordprocessingML name, in the document's own prefix.
    fn w(&self, like: NodeId, local: &str) -> String {
        match self.tree.prefix(like) {
            "" => local.to_string(),
            p => format!("{p}:{local}"),
        }
    }

    // ---- run formatting ----------------------------------------------

    /// Formatting for new runs inside `scope`: the first run's `w:rPr`,
    /// else the paragraph mark's, cleaned of placeholder style and
    /// revision marks. Empty when there is none.
    fn run_props(&self, scope: NodeId) -> String {
        let tree = self.tree;
        let run_pr = tree
            .find(scope, &|i| {
                tree.is_w(i, "r") && tree.child_w(i, "rPr").is_some() && !in_deleted(tree, i)
            })
            .and_then(|r| tree.child_w(r, "rPr"));
        let mark_pr = || {
            tree.find(scope, &|i| tree.is_w(i, "pPr"))
                .and_then(|ppr| tree.child_w(ppr, "rPr"))
        };
        match run_pr.or_else(mark_pr) {
            Some(rpr) => self.clean_rpr(rpr, false),
            None => String::new(),
        }
    }

    /// A copy of `rpr` without placeholder styling (Word's PlaceholderText
    /// style and the grey that comes with it), revision marks and (for
    /// answers after a label) bold.
    fn clean_rpr(&self, rpr: NodeId, drop_bold: bool) -> String {
        let tree = self.tree;
        let is_placeholder_style = |c: NodeId| {
            tree.node(c).local == "rStyle" && tree.attr(c, "val") == Some("PlaceholderText")
        };
        let placeholder_run = tree.elems(rpr).any(is_placeholder_style);
        let mut kept = String::new();
        for c in tree.elems(rpr) {
            let node = tree.node(c);
            let revision =
                ["ins", "del", "moveFrom", "moveTo", "rPrChange"].contains(&node.local.as_str());
            let placeholder = is_placeholder_style(c) || (placeholder_run && node.local == "color");
            let bold = drop_bold && (node.local == "b" || node.local == "bCs");
            if !(revision || placeholder || bold) {
                kept.push_str(self.slice(c));
            }
        }
        if kept.is_empty() {
            return String::new();
        }
        let name = &tree.node(rpr).qname;
        format!("<{name}>{kept}</{name}>")
    }

    /// One run holding `text`; line breaks become `w:br`, tabs `w:tab`.
    fn run(&self, like: NodeId, rpr: &str, text: &str) -> String {
        let (r, t, br, tab) = (
            self.w(like, "r"),
            self.w(like, "t"),
            self.w(like, "br"),
            self.w(like, "tab"),
        );
        let mut body = String::new();
        for (k, line) in text.lines().enumerate() {
            if k > 0 {
                body.push_str(&format!("<{br}/>"));
            }
            for (j, piece) in line.split('\t').enumerate() {
                if j > 0 {
                    body.push_str(&format!("<{tab}/>"));
                }
                if !piece.is_empty() {
                    body.push_str(&format!(
                        "<{t} xml:space=\"preserve\">{}</{t}>",
                        escape_text(piece)
                    ));
                }
            }
        }
        format!("<{r}>{rpr}{body}</{r}>")
    }

    /// Paragraphs for `text` (one per line) with the paragraph properties of
    /// `template` (a `w:p`, if any) and the given run formatting.
    fn paragraphs(
        &self,
        like: NodeId,
        template: Option<NodeId>,
        rpr: &str,
        text: &str,
        markers: &str,
    ) -> String {
        let p = self.w(like, "p");
        let template_ppr = template.and_then(|t| self.tree.child_w(t, "pPr"));
        let first_ppr = template_ppr
            .map(|pr| self.slice(pr).to_string())
            .unwrap_or_default();
        let more_ppr = template_ppr
            .map(|pr| self.ppr_without_revisions(pr))
            .unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let lines = if lines.is_empty() { vec![""] } else { lines };
        let mut out = String::new();
        for (k, line) in lines.iter().enumerate() {
            let (keep, ppr) = if k == 0 {
                (markers, &first_ppr)
            } else {
                ("", &more_ppr)
            };
            let run = if line.is_empty() {
                String::new()
            } else {
                self.run(like, rpr, line)
            };
            out.push_str(&format!("<{p}>{ppr}{keep}{run}</{p}>"));
        }
        out
    }

    /// A copy of paragraph properties for the added lines of an answer,
    /// without revision marks (they carry ids that must stay unique).
    fn ppr_without_revisions(&self, ppr: NodeId) -> String {
        let tree = self.tree;
        let mut kept = String::new();
        for c in tree.elems(ppr) {
            match tree.node(c).local.as_str() {
                "pPrChange" => {}
                "rPr" => kept.push_str(&self.clean_rpr(c, false)),
                _ => kept.push_str(self.slice(c)),
            }
        }
        let name = &tree.node(ppr).qname;
        format!("<{name}>{kept}</{name}>")
    }

    /// Zero-width markers (bookmarks, comment ranges) and tracked deletions
    /// among the descendants of `ids`, serialized, so replacing content
    /// neither orphans them nor loses revision history.
    fn markers(&self, ids: &[NodeId]) -> String {
        let mut out = String::new();
        for &id in ids {
            self.collect_markers(id, &mut out);
        }
        out
    }

    fn collect_markers(&self, id: NodeId, out: &mut String) {
        let node = self.tree.node(id);
        let tracked_deletion =
            node.local == "del" && node.parent.is_some_and(|p| self.tree.is_w(p, "p"));
        if node.ns == Ns::W && (MARKERS.contains(&node.local.as_str()) || tracked_deletion) {
            out.push_str(self.slice(id));
            return;
        }
        for c in self.tree.elems(id) {
            self.collect_markers(c, out);
        }
    }

    // ---- places ------------------------------------------------------

    /// Replace a cell's content after `w:tcPr` with the answer.
    fn fill_cell(&self, tc: NodeId, value: &str) -> Result<Edit, String> {
        let tree = self.tree;
        if tree.find(tc, &|i| tree.is_w(i, "tbl")).is_some() {
            return Err("the cell holds a table".into());
        }
        let node = tree.node(tc);
        let content: Vec<NodeId> = tree.elems(tc).filter(|&c| !tree.is_w(c, "tcPr")).collect();
        let first_p = tree.find(tc, &|i| tree.is_w(i, "p"));
        let rpr = self.run_props(tc);
        let body = self.paragraphs(tc, first_p, &rpr, value, &self.markers(&content));
        if node.empty {
            return Ok(Edit {
                start: node.start,
                end: node.end,
                text: format!("{}{body}{}", self.open_tag(tc), self.close_tag(tc)),
            });
        }
        let start = tree
            .child_w(tc, "tcPr")
            .map(|pr| tree.node(pr).end)
            .unwrap_or(node.open_end);
        Ok(Edit {
            start,
            end: node.close_start,
            text: body,
        })
    }

    /// Fill an answer paragraph: after its label ("Response:") when it has
    /// one, otherwise replacing its (blank or placeholder) content.
    fn fill_paragraph(&self, p: NodeId, value: &str) -> Result<Edit, String> {
        let tree = self.tree;
        let node = tree.node(p);
        let parts: Vec<NodeId> = tree.elems(p).filter(|&c| !tree.is_w(c, "pPr")).collect();
        let raw: Vec<String> = parts
            .iter()
            .map(|&c| raw_text(&segments(tree, self.ix, c)))
            .collect();
        let whole: String = raw.concat();
        let label_end = words::find_answer_label(&whole).map(|(_, end)| end);
        let start = tree
            .child_w(p, "pPr")
            .map(|pr| tree.node(pr).end)
            .unwrap_or(node.open_end);
        let (keep, label_rpr, kept) = match label_end {
            Some(end) => self.keep_label(&parts, &raw, end),
            None => (String::new(), None, Vec::new()),
        };
        let removed: Vec<NodeId> = parts
            .iter()
            .copied()
            .filter(|c| !kept.contains(c))
            .collect();
        let markers = self.markers(&removed);
        let (rpr, text) = match label_rpr {
            Some(rpr) => (rpr, format!(" {value}")),
            None => (self.run_props(p), value.to_string()),
        };
        let body = format!("{keep}{markers}{}", self.run(p, &rpr, &text));
        if node.empty {
            return Ok(Edit {
                start: node.start,
                end: node.end,
                text: format!("{}{body}{}", self.open_tag(p), self.close_tag(p)),
            });
        }
        Ok(Edit {
            start,
            end: node.close_start,
            text: body,
        })
    }

    /// The serialized children that make up the label (the child the label
    /// ends in is cut at the label's end), the run formatting for the
    /// answer after it, and the children kept whole.
    fn keep_label(
        &self,
        parts: &[NodeId],
        raw: &[String],
        label_end: usize,
    ) -> (String, Option<String>, Vec<NodeId>) {
        let tree = self.tree;
        let mut kept = Vec::new();
        let mut keep = String::new();
        let mut at = 0;
        let mut rpr = None;
        for (&c, text) in parts.iter().zip(raw) {
            if at >= label_end {
                break;
            }
            if MARKERS.contains(&tree.node(c).local.as_str()) {
                continue; // re-added with the other markers
            }
            let r = tree
                .find(c, &|i| tree.is_w(i, "r"))
                .or(tree.is_w(c, "r").then_some(c));
            let own_rpr = r.and_then(|r| tree.child_w(r, "rPr"));
            rpr = Some(
                own_rpr
                    .map(|pr| self.clean_rpr(pr, true))
                    .unwrap_or_default(),
            );
            if at + text.len() <= label_end {
                keep.push_str(self.slice(c));
                kept.push(c);
            } else {
                let cut = label_end - at;
                let head = text.get(..cut).unwrap_or(text);
                let full = own_rpr
                    .map(|pr| self.clean_rpr(pr, false))
                    .unwrap_or_default();
                keep.push_str(&self.run(c, &full, head));
            }
            at += text.len();
        }
        (keep, rpr, kept)
    }

    /// Fill a content control in place: drop its placeholder flag (and data
    /// binding) and put the answer in its content (as paragraphs or as a
    /// run, by level).
    fn fill_sdt(&self, sdt: NodeId, value: &str) -> Result<Vec<Edit>, String> {
        let tree = self.tree;
        let mut edits = Vec::new();
        let pr = tree.child_w(sdt, "sdtPr");
        // Drop the placeholder flag; and the data binding, or Word would
        // show the bound custom-XML value instead of the answer.
        for flag in ["showingPlcHdr", "dataBinding"] {
            if let Some(flag) = pr.and_then(|pr| tree.child_w(pr, flag)) {
                let n = tree.node(flag);
                edits.push(Edit {
                    start: n.start,
                    end: n.end,
                    text: String::new(),
                });
            }
        }
        let content = tree
            .child_w(sdt, "sdtContent")
            .ok_or("the content control has no content")?;
        if tree
            .elems(content)
            .any(|c| tree.is_w(c, "tc") || tree.is_w(c, "tr"))
        {
            return Err("cell-level content controls are not filled".into());
        }
        let rpr = pr
            .and_then(|pr| tree.child_w(pr, "rPr"))
            .map(|r| self.clean_rpr(r, false))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| self.run_props(content));
        let parent_is_p = tree.node(sdt).parent.is_some_and(|p| tree.is_w(p, "p"));
        let blocks = tree
            .elems(content)
            .any(|c| tree.is_w(c, "p") || tree.is_w(c, "tbl"));
        let children: Vec<NodeId> = tree.elems(content).collect();
        let markers = self.markers(&children);
        let body = if blocks || (!parent_is_p && children.is_empty()) {
            let first_p = tree.find(content, &|i| tree.is_w(i, "p"));
            self.paragraphs(content, first_p, &rpr, value, &markers)
        } else {
            format!("{markers}{}", self.run(content, &rpr, value))
        };
        let n = tree.node(content);
        edits.push(if n.empty {
            Edit {
                start: n.start,
                end: n.end,
                text: format!(
                    "{}{body}{}",
                    self.open_tag(content),
                    self.close_tag(content)
                ),
            }
        } else {
            Edit {
                start: n.open_end,
                end: n.close_start,
                text: body,
            }
        });
        Ok(edits)
    }

    /// Fill a legacy text form field: its result runs (between the
    /// `separate` and `end` marks) become one run with the answer, in the
    /// result's formatting.
    fn fill_form_text(&self, begin: NodeId, value: &str) -> Result<Edit, String> {
        let tree = self.tree;
        let runs =
            content::field_runs(tree, begin).ok_or("the form field's runs are not siblings")?;
        let rpr = runs
            .result
            .iter()
            .chain(std::iter::once(&runs.separate))
            .find_map(|&r| tree.child_w(r, "rPr"))
            .map(|pr| self.clean_rpr(pr, false))
            .unwrap_or_default();
        let markers = self.markers(&runs.result);
        Ok(Edit {
            start: tree.node(runs.separate).end,
            end: tree.node(runs.end).start,
            text: format!("{markers}{}", self.run(runs.separate, &rpr, value)),
        })
    }

    /// Tick the box whose label matches `value` and untick the others.
    fn tick(&self, boxes: &[(usize, String)], value: &str) -> Result<Vec<Edit>, String> {
        let want = value.trim();
        let Some(pick) = boxes.iter().position(|(_, label)| same_choice(label, want)) else {
            let labels: Vec<&str> = boxes.iter().map(|(_, l)| l.as_str()).collect();
            return Err(format!(
                "\"{want}\" is none of the checkboxes ({})",
                labels.join(", ")
            ));
        };
        let mut edits = Vec::new();
        for (k, (n, _)) in boxes.iter().enumerate() {
            let cb = self.ix.checkbox(*n).ok_or("no such checkbox")?;
            let on = k == pick;
            match cb {
                Checkbox::Legacy(node) => edits.extend(self.tick_legacy(node, on)),
                Checkbox::W14(sdt) => edits.extend(self.tick_w14(sdt, on)),
            }
        }
        Ok(edits)
    }

    /// Legacy FORMCHECKBOX: `w:checked` overrides `w:default`.
    fn tick_legacy(&self, cb: NodeId, on: bool) -> Option<Edit> {
        let tree = self.tree;
        let checked_tag = |on: bool| {
            let name = self.w(cb, "checked");
            let val = self.w(cb, "val");
            if on {
                format!("<{name}/>")
            } else {
                format!("<{name} {val}=\"0\"/>")
            }
        };
        if let Some(c) = tree.child_w(cb, "checked") {
            if on_off(tree.attr(c, "val")) == on {
                return None;
            }
            let n = tree.node(c);
            return Some(Edit {
                start: n.start,
                end: n.end,
                text: checked_tag(on),
            });
        }
        let default_on = tree
            .child_w(cb, "default")
            .and_then(|d| tree.attr(d, "val"))
            .is_some_and(|v| v == "1" || v == "true");
        if default_on == on {
            return None;
        }
        let node = tree.node(cb);
        if node.empty {
            return Some(Edit {
                start: node.start,
                end: node.end,
                text: format!(
                    "{}<{}/>{}{}",
                    self.open_tag(cb),
                    self.w(cb, "sizeAuto"),
                    checked_tag(on),
                    self.close_tag(cb)
                ),
            });
        }
        // Schema order: size/sizeAuto, default, checked.
        let after = ["default", "sizeAuto", "size"]
            .iter()
            .find_map(|l| tree.child_w(cb, l))
            .map(|c| tree.node(c).end)
            .unwrap_or(node.open_end);
        Some(Edit {
            start: after,
            end: after,
            text: checked_tag(on),
        })
    }

    /// `w14:checkbox` content control: set `w14:checked` and show the glyph
    /// for the new state.
    fn tick_w14(&self, sdt: NodeId, on: bool) -> Vec<Edit> {
        let tree = self.tree;
        let Some(cb) = locate::w14_checkbox(tree, sdt) else {
            return Vec::new();
        };
        let mut edits = Vec::new();
        let val = if on { "1" } else { "0" };
        let prefix = tree.prefix(cb).to_string();
        let q = |l: &str| {
            if prefix.is_empty() {
                l.to_string()
            } else {
                format!("{prefix}:{l}")
            }
        };
        let tag = format!("<{} {}=\"{val}\"/>", q("checked"), q("val"));
        match tree.elems(cb).find(|&c| tree.node(c).local == "checked") {
            Some(c) => {
                let current = tree.attr(c, "val").is_some_and(|v| v == "1" || v == "true");
                if current == on {
                    return Vec::new();
                }
                let n = tree.node(c);
                edits.push(Edit {
                    start: n.start,
                    end: n.end,
                    text: tag,
                });
            }
            None if !on => return Vec::new(),
            None => {
                let n = tree.node(cb);
                if n.empty {
                    edits.push(Edit {
                        start: n.start,
                        end: n.end,
                        text: format!("{}{tag}{}", self.open_tag(cb), self.close_tag(cb)),
                    });
                } else {
                    edits.push(Edit {
                        start: n.open_end,
                        end: n.open_end,
                        text: tag,
                    });
                }
            }
        }
        let state = if on { "checkedState" } else { "uncheckedState" };
        let glyph = tree
            .elems(cb)
            .find(|&c| tree.node(c).local == state)
            .and_then(|s| tree.attr(s, "val"))
            .and_then(|v| u32::from_str_radix(v, 16).ok())
            .and_then(char::from_u32)
            .unwrap_or(if on { '\u{2612}' } else { '\u{2610}' });
        let t = tree
            .child_w(sdt, "sdtContent")
            .and_then(|c| tree.find(c, &|i| tree.is_w(i, "t")));
        if let Some(t) = t {
            let n = tree.node(t);
            if !n.empty {
                edits.push(Edit {
                    start: n.open_end,
                    end: n.close_start,
                    text: escape_text(&glyph.to_string()),
                });
            }
        }
        edits
    }
}

/// Visible text of segments without normalization (for label offsets).
fn raw_text(segs: &[Seg]) -> String {
    segs.iter()
        .filter_map(|s| match s {
            Seg::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

fn in_deleted(tree: &Tree, id: NodeId) -> bool {
    tree.ancestors(id)
        .any(|a| tree.is_w(a, "del") || tree.is_w(a, "moveFrom"))
}

/// A choice value matches a checkbox label ("Yes" ~ "Y", "N/A" ~ "NA").
fn same_choice(label: &str, value: &str) -> bool {
    let canon = |s: &str| {
        let s = content::normalize(s).to_lowercase();
        match s.trim_end_matches('.') {
            "y" | "yes" | "true" => "yes".to_string(),
            "n" | "no" | "false" => "no".to_string(),
            "n/a" | "na" | "not applicable" => "n/a".to_string(),
            "partial" | "partially" => "partial".to_string(),
            other => other.to_string(),
        }
    };
    canon(label) == canon(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_refuse_overlaps() {
        let e = |s, e, t: &str| Edit {
            start: s,
            end: e,
            text: t.into(),
        };
        assert_eq!(
            apply("abcdef", vec![e(4, 5, "X"), e(1, 2, "YY")]).unwrap(),
            "aYYcdXf"
        );
        assert!(apply("abcdef", vec![e(1, 4, ""), e(2, 3, "")]).is_err());
    }

    #[test]
    fn choices_match_loosely() {
        assert!(same_choice("Yes", "Y"));
        assert!(same_choice("N/A", "Not Applicable"));
        assert!(!same_choice("Yes", "No"));
    }
}
