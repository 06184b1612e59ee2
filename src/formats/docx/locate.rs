//! Stable locators for places in `word/document.xml`, shared by the reader
//! (which hands them out as slot targets) and the writer (which resolves
//! them against the same bytes). Every count is in document order over the
//! whole XML, 1-based, so a locator means the same element as long as the
//! source file is unchanged (export checks its hash):
//!
//! - `p41`: the 41st `w:p`;
//! - `t2/r5/c3`: table 2 (nested tables count too), its 5th row, the cell
//!   covering grid column 3 (gridSpan and gridBefore taken into account);
//! - `sdt:7`: the 7th content control (`w:sdt`);
//! - `fld:2`: the 2nd legacy text form field (FORMTEXT);
//! - `chk:3=Yes;4=No`: checkboxes 3 and 4 (legacy form fields and
//!   `w14:checkbox` controls share one count) and the answer each means.

use super::xml::{Node, NodeId, Ns, Tree};
use std::collections::HashMap;

/// A parsed slot target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Locator {
    Para(usize),
    Cell {
        table: usize,
        row: usize,
        col: usize,
    },
    Sdt(usize),
    FormText(usize),
    Checks(Vec<(usize, String)>),
}

impl Locator {
    pub fn parse(s: &str) -> Option<Locator> {
        if let Some(rest) = s.strip_prefix("sdt:") {
            return rest.parse().ok().filter(|&n| n > 0).map(Locator::Sdt);
        }
        if let Some(rest) = s.strip_prefix("fld:") {
            return rest.parse().ok().filter(|&n| n > 0).map(Locator::FormText);
        }
        if let Some(rest) = s.strip_prefix("chk:") {
            let mut boxes = Vec::new();
            for part in rest.split(';') {
                let (n, label) = part.split_once('=')?;
                boxes.push((n.parse().ok().filter(|&n| n > 0)?, label.to_string()));
            }
            return (!boxes.is_empty()).then_some(Locator::Checks(boxes));
        }
        if let Some(rest) = s.strip_prefix('t') {
            let mut parts = rest.split('/');
            let table = parts.next()?.parse().ok()?;
            let row = parts.next()?.strip_prefix('r')?.parse().ok()?;
            let col = parts.next()?.strip_prefix('c')?.parse().ok()?;
            if parts.next().is_some() || table == 0 || row == 0 || col == 0 {
                return None;
            }
            return Some(Locator::Cell { table, row, col });
        }
        let n = s.strip_prefix('p')?.parse().ok().filter(|&n| n > 0)?;
        Some(Locator::Para(n))
    }
}

impl std::fmt::Display for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Locator::Para(n) => write!(f, "p{n}"),
            Locator::Cell { table, row, col } => write!(f, "t{table}/r{row}/c{col}"),
            Locator::Sdt(n) => write!(f, "sdt:{n}"),
            Locator::FormText(n) => write!(f, "fld:{n}"),
            Locator::Checks(boxes) => {
                let parts: Vec<String> = boxes
                    .iter()
                    .map(|(n, label)| format!("{n}={}", clean_label(label)))
                    .collect();
                write!(f, "chk:{}", parts.join(";"))
            }
        }
    }
}

/// A checkbox label safe to embed in a `chk:` locator.
pub fn clean_label(label: &str) -> String {
    label.chars().filter(|c| !matches!(c, ';' | '=')).collect()
}

/// A checkbox and where its state lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkbox {
    /// `w:ffData/w:checkBox` of a FORMCHECKBOX field (the `checkBox` node).
    Legacy(NodeId),
    /// A `w:sdt` whose `w:sdtPr` holds `w14:checkbox` (the `sdt` node).
    W14(NodeId),
}

/// Document-order numbering of the elements locators refer to.
#[derive(Default)]
pub struct DocIndex {
    pub paras: Vec<NodeId>,
    pub tables: Vec<NodeId>,
    pub sdts: Vec<NodeId>,
    pub checkboxes: Vec<Checkbox>,
    /// `w:fldChar` (begin) of each FORMTEXT field.
    pub form_texts: Vec<NodeId>,
    form_text_no: HashMap<NodeId, usize>,
    para_no: HashMap<NodeId, usize>,
    table_no: HashMap<NodeId, usize>,
    sdt_no: HashMap<NodeId, usize>,
    checkbox_no: HashMap<NodeId, usize>,
}

impl DocIndex {
    pub fn build(tree: &Tree) -> DocIndex {
        let mut ix = DocIndex::default();
        for (id, node) in tree.nodes.iter().enumerate() {
            if node.ns != Ns::W {
                continue;
            }
            match node.local.as_str() {
                "p" => push(&mut ix.paras, &mut ix.para_no, id),
                "tbl" => push(&mut ix.tables, &mut ix.table_no, id),
                "sdt" => {
                    push(&mut ix.sdts, &mut ix.sdt_no, id);
                    if w14_checkbox(tree, id).is_some() {
                        ix.checkbox_no.insert(id, ix.checkboxes.len() + 1);
                        ix.checkboxes.push(Checkbox::W14(id));
                    }
                }
                "checkBox" if in_ff_data(tree, node) => {
                    ix.checkbox_no.insert(id, ix.checkboxes.len() + 1);
                    ix.checkboxes.push(Checkbox::Legacy(id));
                }
                "textInput" if in_ff_data(tree, node) => {
                    let fld_char = node.parent.and_then(|ff| tree.node(ff).parent);
                    if let Some(fc) = fld_char.filter(|&fc| tree.is_w(fc, "fldChar")) {
                        push(&mut ix.form_texts, &mut ix.form_text_no, fc);
                    }
                }
                _ => {}
            }
        }
        ix
    }

    /// 1-based number of a `w:p`.
    pub fn para_no(&self, id: NodeId) -> Option<usize> {
        self.para_no.get(&id).copied()
    }
    pub fn table_no(&self, id: NodeId) -> Option<usize> {
        self.table_no.get(&id).copied()
    }
    pub fn sdt_no(&self, id: NodeId) -> Option<usize> {
        self.sdt_no.get(&id).copied()
    }
    /// 1-based checkbox number of a `w:sdt` (w14) or `w:checkBox` (legacy).
    pub fn checkbox_no(&self, id: NodeId) -> Option<usize> {
        self.checkbox_no.get(&id).copied()
    }

    /// 1-based number of a FORMTEXT field by its begin `w:fldChar`.
    pub fn form_text_no(&self, fld_char: NodeId) -> Option<usize> {
        self.form_text_no.get(&fld_char).copied()
    }
    pub fn form_text(&self, n: usize) -> Option<NodeId> {
        n.checked_sub(1)
            .and_then(|i| self.form_texts.get(i))
            .copied()
    }

    pub fn para(&self, n: usize) -> Option<NodeId> {
        n.checked_sub(1).and_then(|i| self.paras.get(i)).copied()
    }
    pub fn table(&self, n: usize) -> Option<NodeId> {
        n.checked_sub(1).and_then(|i| self.tables.get(i)).copied()
    }
    pub fn sdt(&self, n: usize) -> Option<NodeId> {
        n.checked_sub(1).and_then(|i| self.sdts.get(i)).copied()
    }
    pub fn checkbox(&self, n: usize) -> Option<Checkbox> {
        n.checked_sub(1)
            .and_then(|i| self.checkboxes.get(i))
            .copied()
    }
}

fn push(list: &mut Vec<NodeId>, map: &mut HashMap<NodeId, usize>, id: NodeId) {
    list.push(id);
    map.insert(id, list.len());
}

fn in_ff_data(tree: &Tree, node: &Node) -> bool {
    node.parent.is_some_and(|p| tree.is_w(p, "ffData"))
}

/// The `w14:checkbox` element of a checkbox content control.
pub fn w14_checkbox(tree: &Tree, sdt: NodeId) -> Option<NodeId> {
    let pr = tree.child_w(sdt, "sdtPr")?;
    tree.child(pr, Ns::W14, "checkbox")
}

/// One cell of a table row with its position on the table grid.
#[derive(Clone, Copy, Debug)]
pub struct GridCell {
    pub tc: NodeId,
    /// 0-based first grid column covered.
    pub col: usize,
    /// Grid columns covered (gridSpan).
    pub span: usize,
}

impl GridCell {
    pub fn covers(&self, col: usize) -> bool {
        col >= self.col && col < self.col + self.span
    }
}

/// The rows of a table, excluding rows of nested tables (rows wrapped in
/// content controls or custom XML count).
pub fn table_rows(tree: &Tree, tbl: NodeId) -> Vec<NodeId> {
    let mut rows = Vec::new();
    collect_through_wrappers(tree, tbl, "tr", &mut rows);
    rows
}

/// The cells of a row on the grid.
pub fn row_cells(tree: &Tree, tr: NodeId) -> Vec<GridCell> {
    let mut tcs = Vec::new();
    collect_through_wrappers(tree, tr, "tc", &mut tcs);
    let mut col = tree
        .child_w(tr, "trPr")
        .and_then(|pr| tree.child_w(pr, "gridBefore"))
        .and_then(|g| tree.attr(g, "val"))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1000);
    let mut cells = Vec::with_capacity(tcs.len());
    for tc in tcs {
        let span = tree
            .child_w(tc, "tcPr")
            .and_then(|pr| tree.child_w(pr, "gridSpan"))
            .and_then(|g| tree.attr(g, "val"))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, 1000);
        cells.push(GridCell { tc, col, span });
        col += span;
    }
    cells
}

/// Vertical merge state of a cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VMerge {
    None,
    Restart,
    Continue,
}

pub fn vmerge(tree: &Tree, tc: NodeId) -> VMerge {
    let Some(vm) = tree
        .child_w(tc, "tcPr")
        .and_then(|pr| tree.child_w(pr, "vMerge"))
    else {
        return VMerge::None;
    };
    match tree.attr(vm, "val") {
        Some("restart") => VMerge::Restart,
        _ => VMerge::Continue,
    }
}

/// Children named `w:local` of `parent`, looking through `w:sdt`/`w:sdtContent`
/// and `w:customXml` wrappers but not into other elements.
fn collect_through_wrappers(tree: &Tree, parent: NodeId, local: &str, out: &mut Vec<NodeId>) {
    for c in tree.elems(parent) {
        if tree.is_w(c, local) {
            out.push(c);
        } else if tree.is_w(c, "sdt") {
            if let Some(content) = tree.child_w(c, "sdtContent") {
                collect_through_wrappers(tree, content, local, out);
            }
        } else if tree.is_w(c, "customXml") {
            collect_through_wrappers(tree, c, local, out);
        }
    }
}

/// Resolve a cell locator to its `w:tc`.
pub fn cell(tree: &Tree, ix: &DocIndex, table: usize, row: usize, col: usize) -> Option<NodeId> {
    let tbl = ix.table(table)?;
    let tr = *table_rows(tree, tbl).get(row.checked_sub(1)?)?;
    let col = col.checked_sub(1)?;
    row_cells(tree, tr)
        .into_iter()
        .find(|c| c.covers(col))
        .map(|c| c.tc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_round_trip() {
        for s in ["p41", "t2/r5/c3", "sdt:7", "fld:2", "chk:3=Yes;4=No"] {
            assert_eq!(Locator::parse(s).unwrap().to_string(), s);
        }
        for bad in ["p0", "t1/r1", "chk:", "chk:3", "x", "t1/r1/c1/d"] {
            assert!(Locator::parse(bad).is_none(), "{bad}");
        }
    }
}
