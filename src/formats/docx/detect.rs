//! Question detection over the body of `word/document.xml`.
//!
//! The body is read as a sequence of blocks (paragraphs, tables, block
//! content controls). Questions are found in two shapes:
//!
//! - **paragraphs**: a numbered, lettered or question-like paragraph
//!   followed by its answer area (an empty paragraph, a "Response:" line, a
//!   content control, a one-cell table) and/or Yes/No checkboxes;
//! - **tables** with a question column and answer columns, named by a
//!   header row or inferred from the cells (long text on the left, empty
//!   cells on the right). Tables without that shape are read as blocks cell
//!   by cell, so forms laid out in tables still work.
//!
//! Headings (by style or outline level) set the section of what follows.

use super::content::{self, is_placeholder, plain, sdt_kind, SdtKind, Seg};
use super::locate::{self, Checkbox, DocIndex, GridCell, Locator, VMerge};
use super::styles::{self, Numbering, Styles};
use super::words::{self, HeaderRole};
use super::xml::{on_off, NodeId, Tree};
use crate::questionnaire::{AnswerSlot, ColumnRole, Item, Location, SlotKind};
use std::collections::HashMap;

pub const SHEET: &str = "document";

/// What the reader found.
#[derive(Default)]
pub struct Found {
    pub items: Vec<Item>,
    pub columns: Vec<ColumnRole>,
    pub warnings: Vec<String>,
}

pub fn detect(tree: &Tree, ix: &DocIndex, styles: &Styles, numbering: &Numbering) -> Found {
    let found = pass(tree, ix, styles, numbering, false);
    if !found.items.is_empty() {
        return found;
    }
    // Some questionnaires style each question as a heading.
    pass(tree, ix, styles, numbering, true)
}

fn pass(
    tree: &Tree,
    ix: &DocIndex,
    styles: &Styles,
    numbering: &Numbering,
    heading_questions: bool,
) -> Found {
    let mut d = Detector {
        tree,
        ix,
        styles,
        numbering: numbering.clone(),
        heading_questions,
        paras: HashMap::new(),
        section: None,
        found: Found::default(),
    };
    if let Some(body) = tree.child_w(tree.root(), "body") {
        let blocks = blocks(tree, body);
        d.scan(&blocks);
    }
    d.found
}

/// A body-level piece of content.
#[derive(Clone, Copy, Debug)]
enum Block {
    Para(NodeId),
    Table(NodeId),
    /// A block-level fillable content control.
    Field(NodeId),
}

/// The blocks directly inside `parent` (body, cell, content-control content),
/// looking through structural wrappers.
fn blocks(tree: &Tree, parent: NodeId) -> Vec<Block> {
    let mut out = Vec::new();
    for c in tree.elems(parent) {
        if tree.is_w(c, "p") {
            out.push(Block::Para(c));
        } else if tree.is_w(c, "tbl") {
            out.push(Block::Table(c));
        } else if tree.is_w(c, "customXml") {
            out.extend(blocks(tree, c));
        } else if tree.is_w(c, "sdt") {
            match sdt_kind(tree, c) {
                SdtKind::Text | SdtKind::Choice(_) => out.push(Block::Field(c)),
                SdtKind::Wrapper | SdtKind::Checkbox => {
                    if let Some(content) = tree.child_w(c, "sdtContent") {
                        out.extend(blocks(tree, content));
                    }
                }
            }
        }
    }
    out
}

/// A paragraph as the detector sees it.
#[derive(Clone)]
struct Para {
    no: usize,
    segs: Vec<Seg>,
    /// All visible text.
    text: String,
    heading: bool,
    /// The number the list shows, for auto-numbered paragraphs.
    list_label: Option<String>,
    listed: bool,
}

impl Para {
    fn has_boxes(&self) -> bool {
        self.segs.iter().any(|s| matches!(s, Seg::Checkbox(_)))
    }
    fn fields(&self) -> Vec<Locator> {
        self.segs
            .iter()
            .filter_map(|s| match s {
                Seg::Field(loc) => Some(loc.clone()),
                _ => None,
            })
            .collect()
    }
}

struct Detector<'a> {
    tree: &'a Tree,
    ix: &'a DocIndex,
    styles: &'a Styles,
    numbering: Numbering,
    /// Second pass: headings that end in "?" are questions.
    heading_questions: bool,
    paras: HashMap<NodeId, Para>,
    section: Option<String>,
    found: Found,
}

impl Detector<'_> {
    fn scan(&mut self, blocks: &[Block]) {
        let mut i = 0;
        while i < blocks.len() {
            match blocks[i] {
                Block::Table(t) => {
                    self.table(t);
                    i += 1;
                }
                Block::Field(_) => i += 1,
                Block::Para(p) => {
                    let para = self.para(p);
                    if para.heading && !(self.heading_questions && para.text.ends_with('?')) {
                        if !para.text.is_empty() {
                            self.section = Some(para.text.clone());
                        }
                        i += 1;
                    } else {
                        i += 1 + self
                            .paragraph_question(&para, &blocks[i + 1..])
                            .unwrap_or(0);
                    }
                }
            }
        }
    }

    /// Read a paragraph once (list counters advance on first read).
    fn para(&mut self, p: NodeId) -> Para {
        if let Some(para) = self.paras.get(&p) {
            return para.clone();
        }
        let (tree, ix) = (self.tree, self.ix);
        let segs = content::segments(tree, ix, p);
        let ppr = tree.child_w(p, "pPr");
        let style = ppr
            .and_then(|pr| tree.child_w(pr, "pStyle"))
            .and_then(|s| tree.attr(s, "val"))
            .unwrap_or("");
        let heading = ppr.and_then(|pr| styles::outline_level(tree, pr)).is_some()
            || self.styles.heading_level(style).is_some();
        let num = ppr
            .and_then(|pr| styles::num_pr(tree, pr))
            .or_else(|| self.styles.numbering(style));
        let listed = num.as_ref().is_some_and(|(id, _)| id != "0");
        let list_label = match &num {
            Some((id, level)) if listed => self.numbering.next_label(id, *level),
            _ => None,
        };
        let para = Para {
            no: ix.para_no(p).unwrap_or(0),
            text: plain(&segs),
            segs,
            heading,
            list_label,
            listed,
        };
        self.paras.insert(p, para.clone());
        para
    }

    /// If `para` is a question with an answer area (in it or in the blocks
    /// after it), record the item and return how many following blocks it
    /// used.
    fn paragraph_question(&mut self, para: &Para, rest: &[Block]) -> Option<usize> {
        let mut lead = lead_text(&para.segs);
        // "Do you ...? Answer: ____": the answer goes after the label.
        let mut inline = None;
        if let Some((start, end)) = words::find_answer_label(&lead).filter(|l| l.0 > 0) {
            let header = lead[start..end]
                .trim_end_matches([':', '：'])
                .trim()
                .to_string();
            inline = Some((header, lead[end..].trim().to_string()));
            lead.truncate(start);
        }
        let boxes = checkbox_group(self.tree, self.ix, &para.segs);
        let question_text = match &boxes {
            Some(g) if inline.is_none() => g.question.clone(),
            _ => lead.clone(),
        };
        let (number, text) = words::split_number(&question_text);
        let text = text.to_string();
        if text.is_empty() || words::answer_label(&text).is_some() {
            return None;
        }
        if !(para.listed || number.is_some() || words::looks_like_question(&text)) {
            return None;
        }
        // Numbered steps under "Instructions" are not questions.
        let preamble = self.section.as_deref().is_some_and(words::is_preamble);
        if preamble && !text.ends_with('?') {
            return None;
        }
        let mut slots = Vec::new();
        if let Some(g) = boxes {
            slots.push(g.slot(None));
        }
        let mut has_text = false;
        if let Some((header, after)) =
            inline.filter(|_| para.fields().is_empty() && !para.has_boxes())
        {
            let loc = Locator::Para(para.no);
            slots.push(text_slot(loc, SlotKind::Text, Some(header), &after));
            has_text = true;
        }
        for n in para.fields() {
            if let Some(slot) = self.field_slot(n, SlotKind::Text, None) {
                has_text |= slot.kind == SlotKind::Text;
                slots.push(slot);
            }
        }
        let mut used = 0;
        if !has_text {
            // Guidance lines ("If yes, attach ...") between a question and
            // its answer area are skipped, two at most.
            let mut guidance = 0;
            for block in rest {
                match self.answer_area(*block, slots.iter().any(|s| s.kind == SlotKind::Choice)) {
                    Area::Choice(slot) => {
                        slots.push(slot);
                        used += guidance + 1;
                        guidance = 0;
                    }
                    Area::Text(found) => {
                        slots.extend(found);
                        used += guidance + 1;
                        break;
                    }
                    Area::Guidance if guidance < 2 => guidance += 1,
                    Area::Guidance | Area::None => break,
                }
            }
        }
        if slots.is_empty() {
            return None;
        }
        let id = para.list_label.clone().or(number);
        self.push_item(id, text, Locator::Para(para.no), slots);
        Some(used)
    }

    /// What a block following a question offers as its answer area.
    fn answer_area(&mut self, block: Block, have_choice: bool) -> Area {
        match block {
            Block::Field(sdt) => {
                let n = self.ix.sdt_no(sdt).unwrap_or(0);
                match self.field_slot(Locator::Sdt(n), SlotKind::Text, None) {
                    Some(slot) => Area::Text(vec![slot]),
                    None => Area::None,
                }
            }
            Block::Table(tbl) => match self.one_cell(tbl) {
                Some(slot) => Area::Text(vec![slot]),
                None => Area::None,
            },
            Block::Para(p) => {
                let para = self.para(p);
                if para.heading {
                    return Area::None;
                }
                if para.has_boxes() && !have_choice {
                    if let Some(g) = checkbox_group(self.tree, self.ix, &para.segs) {
                        if g.question.is_empty() {
                            return Area::Choice(g.slot(None));
                        }
                    }
                    return Area::None;
                }
                let fields = para.fields();
                let lead = lead_text(&para.segs);
                if !fields.is_empty() && (lead.is_empty() || words::answer_label(&lead).is_some()) {
                    let slots: Vec<AnswerSlot> = fields
                        .into_iter()
                        .filter_map(|n| self.field_slot(n, SlotKind::Text, None))
                        .collect();
                    return if slots.is_empty() {
                        Area::None
                    } else {
                        Area::Text(slots)
                    };
                }
                if para.has_boxes() || !fields.is_empty() {
                    return Area::None;
                }
                if let Some(len) = words::answer_label(&para.text) {
                    let after = para.text[len..].trim();
                    let header = para.text[..len]
                        .trim_end_matches([':', '：'])
                        .trim()
                        .to_string();
                    return Area::Text(vec![text_slot(
                        Locator::Para(para.no),
                        SlotKind::Text,
                        Some(header),
                        after,
                    )]);
                }
                if !is_placeholder(&para.text) && is_guidance(&para) {
                    return Area::Guidance;
                }
                if is_placeholder(&para.text) || is_typed_answer(&para) {
                    let loc = Locator::Para(para.no);
                    return Area::Text(vec![text_slot(loc, SlotKind::Text, None, &para.text)]);
                }
                Area::None
            }
        }
    }

    /// A table of one row and one cell, used as an answer box.
    fn one_cell(&self, tbl: NodeId) -> Option<AnswerSlot> {
        let tree = self.tree;
        let rows = locate::table_rows(tree, tbl);
        let [row] = rows.as_slice() else { return None };
        let cells = locate::row_cells(tree, *row);
        let [cell] = cells.as_slice() else {
            return None;
        };
        if tree.find(cell.tc, &|i| tree.is_w(i, "tbl")).is_some() {
            return None;
        }
        let segs = content::segments(tree, self.ix, cell.tc);
        if segs
            .iter()
            .any(|s| matches!(s, Seg::Checkbox(_) | Seg::Field(_)))
        {
            return None;
        }
        let table = self.ix.table_no(tbl)?;
        let loc = Locator::Cell {
            table,
            row: 1,
            col: cell.col + 1,
        };
        Some(text_slot(loc, SlotKind::Text, None, &plain(&segs)))
    }

    /// A slot for content control `n`.
    fn field_slot(
        &self,
        loc: Locator,
        kind: SlotKind,
        header: Option<String>,
    ) -> Option<AnswerSlot> {
        let (kind, allowed, existing) = match loc {
            Locator::Sdt(n) => {
                let sdt = self.ix.sdt(n)?;
                let existing = content::field_value(self.tree, self.ix, sdt);
                match sdt_kind(self.tree, sdt) {
                    SdtKind::Choice(values) => (SlotKind::Choice, values, existing),
                    SdtKind::Text => (kind, Vec::new(), existing),
                    _ => return None,
                }
            }
            Locator::FormText(n) => {
                let begin = self.ix.form_text(n)?;
                content::field_runs(self.tree, begin)?;
                (
                    kind,
                    Vec::new(),
                    content::form_text_value(self.tree, self.ix, begin),
                )
            }
            _ => return None,
        };
        Some(AnswerSlot {
            kind,
            target: loc.to_string(),
            header,
            allowed,
            existing,
            planned: false,
        })
    }

    fn push_item(
        &mut self,
        id: Option<String>,
        question: String,
        at: Locator,
        slots: Vec<AnswerSlot>,
    ) {
        let row = self.found.items.len() as u32 + 1;
        self.found.items.push(Item {
            id,
            question: content::normalize(&question),
            section: self.section.clone(),
            location: Location {
                sheet: SHEET.to_string(),
                cell: at.to_string(),
                row,
            },
            slots,
        });
    }

    fn warn(&mut self, at: &str, what: &str) {
        self.found.warnings.push(format!("{SHEET} {at}: {what}"));
    }

    // ---- tables -------------------------------------------------------

    fn table(&mut self, tbl: NodeId) {
        let Some(table_no) = self.ix.table_no(tbl) else {
            return;
        };
        let grid = Grid::read(self.tree, self.ix, tbl);
        match Layout::detect(&grid) {
            Some(layout) => {
                self.record_columns(table_no, &layout);
                self.table_rows(table_no, &grid, &layout);
            }
            None => {
                for row in &grid.rows {
                    for cell in &row.cells {
                        let blocks = blocks(self.tree, cell.at.tc);
                        self.scan(&blocks);
                    }
                }
            }
        }
    }

    fn record_columns(&mut self, table: usize, layout: &Layout) {
        let mut roles = vec![(layout.question, "question", "question text")];
        if let Some(c) = layout.id {
            roles.push((c, "id", "question numbers"));
        }
        if let Some(c) = layout.section {
            roles.push((c, "section", "groups rows"));
        }
        for a in &layout.answers {
            let role = if a.kind == SlotKind::Choice {
                "choice"
            } else {
                "text"
            };
            roles.push((a.col, role, "answer column"));
        }
        for (c, _) in &layout.options {
            roles.push((*c, "choice", "one checkbox column per option"));
        }
        for c in &layout.never {
            roles.push((*c, "never-write", "meant for the buyer"));
        }
        roles.sort_by_key(|r| r.0);
        for (col, role, why) in roles {
            self.found.columns.push(ColumnRole {
                column: format!("t{table}/c{}", col + 1),
                header: layout.headers.get(&col).cloned().unwrap_or_default(),
                role: role.to_string(),
                why: if layout.header_row.is_some() {
                    format!("{why} (header)")
                } else {
                    format!("{why} (inferred from cells)")
                },
            });
        }
    }

    fn table_rows(&mut self, table: usize, grid: &Grid, layout: &Layout) {
        let mut section_col_text: Option<String> = None;
        // Answer cells merged down over several questions: column -> the
        // row and cell where the merge starts.
        let mut merged: HashMap<usize, (usize, &Cell)> = HashMap::new();
        for (r, row) in grid.rows.iter().enumerate() {
            if layout.header_row.is_some_and(|h| r <= h) || layout.repeats_header(row) {
                continue;
            }
            for answer in &layout.answers {
                match row.cell(answer.col) {
                    Some(c) if c.vmerge == VMerge::Restart => {
                        merged.insert(answer.col, (r + 1, c));
                    }
                    Some(c) if c.vmerge == VMerge::Continue => {}
                    _ => {
                        merged.remove(&answer.col);
                    }
                }
            }
            if let Some(sc) = layout.section.and_then(|c| row.cell(c)) {
                if sc.vmerge != VMerge::Continue && !sc.text.is_empty() {
                    section_col_text = Some(sc.text.clone());
                }
            }
            self.table_row(table, r + 1, row, layout, section_col_text.clone(), &merged);
            for nested in &row.nested {
                self.table(*nested);
            }
        }
    }

    fn table_row(
        &mut self,
        table: usize,
        r: usize,
        row: &Row,
        layout: &Layout,
        group: Option<String>,
        merged: &HashMap<usize, (usize, &Cell)>,
    ) {
        let Some(q) = row.cell(layout.question) else {
            return;
        };
        if q.vmerge == VMerge::Continue {
            return;
        }
        let answer_cols: Vec<usize> = layout
            .answers
            .iter()
            .map(|a| a.col)
            .chain(layout.options.iter().map(|o| o.0))
            .collect();
        let spans_answers = answer_cols
            .iter()
            .all(|&c| q.at.covers(c) || row.cell(c).is_none());
        if spans_answers || row.cells.iter().filter(|c| !c.text.is_empty()).count() == 0 {
            let title = row
                .cells
                .iter()
                .map(|c| c.text.as_str())
                .find(|t| !t.is_empty());
            if let Some(title) = title {
                self.section = Some(title.to_string());
            }
            return;
        }
        let boxes = checkbox_group(self.tree, self.ix, &q.segs);
        let lead = match &boxes {
            Some(g) => g.question.clone(),
            None => lead_text(&q.segs),
        };
        let (number, text) = words::split_number(&lead);
        if text.is_empty() {
            return;
        }
        let at = format!("t{table}/r{r}");
        let mut slots = Vec::new();
        if let Some(g) = boxes {
            slots.push(g.slot(None));
        }
        for answer in &layout.answers {
            let Some(cell) = row.cell(answer.col) else {
                continue;
            };
            if cell.at.tc == q.at.tc {
                continue;
            }
            if cell.vmerge == VMerge::Continue {
                // One answer box for several questions: they share it.
                let shared = merged.get(&answer.col).and_then(|&(start, c)| {
                    Some((start, self.cell_slot(table, start, c, answer)?))
                });
                let what = match shared {
                    Some((start, mut slot)) => {
                        slot.existing = None;
                        slots.push(slot);
                        format!("answer cell is merged with row {start}; the questions share it")
                    }
                    None => "answer cell is merged with the row above; not a slot".to_string(),
                };
                self.warn(&format!("{at}/c{}", answer.col + 1), &what);
                continue;
            }
            if let Some(slot) = self.cell_slot(table, r, cell, answer) {
                slots.push(slot);
            } else {
                self.warn(
                    &format!("{at}/c{}", answer.col + 1),
                    "answer cell holds a table; not a slot",
                );
            }
        }
        if let Some(slot) = self.option_columns(row, layout) {
            slots.push(slot);
        }
        if slots.is_empty() {
            return;
        }
        let id = layout
            .id
            .and_then(|c| row.cell(c))
            .map(|c| c.text.trim_end_matches(['.', ')']).to_string())
            .filter(|t| !t.is_empty())
            .or(number);
        let text = text.to_string();
        let saved = self.section.clone();
        if let Some(g) = group {
            self.section = Some(match &saved {
                Some(s) if *s != g => format!("{s} / {g}"),
                _ => g,
            });
        }
        let loc = Locator::Cell {
            table,
            row: r,
            col: q.at.col + 1,
        };
        self.push_item(id, text, loc, slots);
        self.section = saved;
    }

    /// The slot for an answer cell: its checkboxes, its content control, or
    /// the cell itself. None when the cell holds a nested table.
    fn cell_slot(
        &self,
        table: usize,
        r: usize,
        cell: &Cell,
        answer: &AnswerCol,
    ) -> Option<AnswerSlot> {
        let header = answer.header.clone().filter(|h| !h.is_empty());
        if let Some(g) = checkbox_group(self.tree, self.ix, &cell.segs) {
            return Some(g.slot(header));
        }
        if let Some(loc) = cell.segs.iter().find_map(|s| match s {
            Seg::Field(loc) => Some(loc.clone()),
            _ => None,
        }) {
            return self.field_slot(loc, answer.kind, header);
        }
        if cell.has_table {
            return None;
        }
        let loc = Locator::Cell {
            table,
            row: r,
            col: cell.at.col + 1,
        };
        Some(text_slot(loc, answer.kind, header, &cell.text))
    }

    /// One checkbox per option column ("Yes" | "No" | "N/A").
    fn option_columns(&self, row: &Row, layout: &Layout) -> Option<AnswerSlot> {
        let mut boxes = Vec::new();
        let mut checked = None;
        for (col, label) in &layout.options {
            let Some(cell) = row.cell(*col) else { continue };
            let Some(n) = cell.segs.iter().find_map(|s| match s {
                Seg::Checkbox(n) => Some(*n),
                _ => None,
            }) else {
                continue;
            };
            if is_checked(self.tree, self.ix, n) {
                checked = Some(label.clone());
            }
            boxes.push((n, label.clone()));
        }
        (boxes.len() >= 2).then(|| {
            Group {
                boxes,
                checked,
                question: String::new(),
            }
            .slot(None)
        })
    }
}

/// A plain paragraph right after a question that reads as an answer someone
/// typed there (a partially completed questionnaire, or vouch's own
/// export): not a heading, list item, numbered line, question or prompt.
fn is_typed_answer(para: &Para) -> bool {
    let text = para.text.as_str();
    !para.heading
        && !para.listed
        && words::split_number(text).0.is_none()
        && !words::looks_like_question(text)
        && !text.ends_with(':')
}

/// A note between a question and its answer area: a conditional or a
/// request ("If yes, attach ...", "Please describe ..."), or a prompt
/// ending in a colon.
fn is_guidance(para: &Para) -> bool {
    !para.heading
        && !para.listed
        && !para.has_boxes()
        && para.fields().is_empty()
        && words::split_number(&para.text).0.is_none()
        && words::is_guidance(&para.text)
}

enum Area {
    Choice(AnswerSlot),
    Text(Vec<AnswerSlot>),
    Guidance,
    None,
}

fn text_slot(loc: Locator, kind: SlotKind, header: Option<String>, existing: &str) -> AnswerSlot {
    let existing = (!is_placeholder(existing)).then(|| existing.to_string());
    AnswerSlot {
        kind,
        target: loc.to_string(),
        header,
        allowed: Vec::new(),
        existing,
        planned: false,
    }
}

/// Text before the first checkbox or content control.
fn lead_text(segs: &[Seg]) -> String {
    let end = segs
        .iter()
        .position(|s| matches!(s, Seg::Checkbox(_) | Seg::Field(_)))
        .unwrap_or(segs.len());
    plain(&segs[..end])
}

/// Checkboxes that together answer one question.
struct Group {
    boxes: Vec<(usize, String)>,
    checked: Option<String>,
    /// Text before the boxes (without a label that belongs to the first box).
    question: String,
}

impl Group {
    fn slot(self, header: Option<String>) -> AnswerSlot {
        let allowed = self.boxes.iter().map(|(_, l)| l.clone()).collect();
        AnswerSlot {
            kind: SlotKind::Choice,
            target: Locator::Checks(self.boxes).to_string(),
            header: header.or_else(|| Some("checkboxes".to_string())),
            allowed,
            existing: self.checked,
            planned: false,
        }
    }
}

/// The checkbox group in `segs`: labels after each box ("☐ Yes ☐ No"), or
/// before it ("Yes ☐ No ☐"). None without at least two labelled boxes.
fn checkbox_group(tree: &Tree, ix: &DocIndex, segs: &[Seg]) -> Option<Group> {
    let positions: Vec<(usize, usize)> = segs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Seg::Checkbox(n) => Some((i, *n)),
            _ => None,
        })
        .collect();
    if positions.len() < 2 {
        return None;
    }
    let text_between = |from: usize, to: usize| {
        let mut s = String::new();
        for seg in &segs[from..to] {
            match seg {
                Seg::Text(t) => s.push_str(t),
                Seg::Break => s.push('\n'),
                _ => {}
            }
        }
        s
    };
    let after: Vec<String> = positions
        .iter()
        .enumerate()
        .map(|(k, &(i, _))| {
            let end = positions.get(k + 1).map(|p| p.0).unwrap_or(segs.len());
            let chunk = text_between(i + 1, end);
            let line = chunk.trim_start().lines().next().unwrap_or("").to_string();
            words::choice_label(&content::normalize(&line))
        })
        .collect();
    let first = positions[0].0;
    let (labels, question) = if after.iter().all(|l| !l.is_empty()) {
        (after, plain(&segs[..first]))
    } else {
        let mut labels = Vec::new();
        let mut question = String::new();
        for (k, &(i, _)) in positions.iter().enumerate() {
            let start = if k == 0 { 0 } else { positions[k - 1].0 + 1 };
            let chunk = content::normalize(&text_between(start, i));
            let label = words::trailing_choice(&chunk)?;
            if k == 0 {
                // `label` is a slice of `chunk`: cut at its start.
                let at = (label.as_ptr() as usize).saturating_sub(chunk.as_ptr() as usize);
                question = chunk.get(..at).unwrap_or("").trim().to_string();
            }
            labels.push(label.to_string());
        }
        (labels, question)
    };
    let mut boxes = Vec::new();
    let mut checked = None;
    for (&(_, n), label) in positions.iter().zip(labels) {
        if is_checked(tree, ix, n) {
            checked = Some(label.clone());
        }
        boxes.push((n, locate::clean_label(&label)));
    }
    Some(Group {
        boxes,
        checked,
        question,
    })
}

/// Whether checkbox `n` is ticked in the source.
fn is_checked(tree: &Tree, ix: &DocIndex, n: usize) -> bool {
    match ix.checkbox(n) {
        Some(Checkbox::Legacy(cb)) => match tree.child_w(cb, "checked") {
            Some(c) => on_off(tree.attr(c, "val")),
            None => tree
                .child_w(cb, "default")
                .and_then(|d| tree.attr(d, "val"))
                .is_some_and(|v| v == "1" || v == "true"),
        },
        Some(Checkbox::W14(sdt)) => locate::w14_checkbox(tree, sdt)
            .and_then(|cb| tree.elems(cb).find(|&c| tree.node(c).local == "checked"))
            .and_then(|c| tree.attr(c, "val"))
            .is_some_and(|v| v == "1" || v == "true"),
        None => false,
    }
}

// ---- table grid and layout ----------------------------------------------

struct Cell {
    at: GridCell,
    segs: Vec<Seg>,
    text: String,
    vmerge: VMerge,
    has_table: bool,
}

struct Row {
    cells: Vec<Cell>,
    /// Tables nested in this row's cells, in document order.
    nested: Vec<NodeId>,
}

impl Row {
    fn cell(&self, col: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| c.at.covers(col))
    }
}

struct Grid {
    rows: Vec<Row>,
    width: usize,
}

impl Grid {
    fn read(tree: &Tree, ix: &DocIndex, tbl: NodeId) -> Grid {
        let mut rows = Vec::new();
        let mut width = 0;
        for tr in locate::table_rows(tree, tbl) {
            let mut nested = Vec::new();
            let mut cells = Vec::new();
            for at in locate::row_cells(tree, tr) {
                let tables = direct_tables(tree, at.tc);
                let segs = content::segments(tree, ix, at.tc);
                width = width.max(at.col + at.span);
                cells.push(Cell {
                    text: plain(&segs),
                    segs,
                    vmerge: locate::vmerge(tree, at.tc),
                    has_table: !tables.is_empty(),
                    at,
                });
                nested.extend(tables);
            }
            rows.push(Row { cells, nested });
        }
        Grid { rows, width }
    }
}

/// Tables directly in a cell (through wrappers), not deeper ones.
fn direct_tables(tree: &Tree, tc: NodeId) -> Vec<NodeId> {
    blocks(tree, tc)
        .into_iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

struct AnswerCol {
    col: usize,
    kind: SlotKind,
    header: Option<String>,
}

/// Which grid column does what.
struct Layout {
    header_row: Option<usize>,
    question: usize,
    id: Option<usize>,
    section: Option<usize>,
    answers: Vec<AnswerCol>,
    /// Option columns: (grid column, option label).
    options: Vec<(usize, String)>,
    never: Vec<usize>,
    headers: HashMap<usize, String>,
}

impl Layout {
    fn detect(grid: &Grid) -> Option<Layout> {
        if grid.width < 2 {
            return None;
        }
        for (r, row) in grid.rows.iter().enumerate().take(4) {
            if let Some(layout) = Layout::from_header(r, row) {
                return Some(layout);
            }
        }
        Layout::infer(grid)
    }

    fn from_header(r: usize, row: &Row) -> Option<Layout> {
        // Headers are short labels, not questions or answers.
        if row
            .cells
            .iter()
            .any(|c| c.text.chars().count() > 60 || c.text.ends_with('?'))
        {
            return None;
        }
        let mut layout = Layout {
            header_row: Some(r),
            question: usize::MAX,
            id: None,
            section: None,
            answers: Vec::new(),
            options: Vec::new(),
            never: Vec::new(),
            headers: HashMap::new(),
        };
        let mut answer_like = Vec::new();
        let mut unnamed = Vec::new();
        // "No" names the option column next to "Yes", not a number column.
        let options_row = row
            .cells
            .iter()
            .any(|c| ["yes", "y"].contains(&c.text.to_lowercase().as_str()));
        for cell in &row.cells {
            let col = cell.at.col;
            layout.headers.insert(col, cell.text.clone());
            let role = match words::header_role(&cell.text) {
                Some(HeaderRole::Id)
                    if options_row && ["no", "n"].contains(&cell.text.to_lowercase().as_str()) =>
                {
                    Some(HeaderRole::Option(cell.text.clone()))
                }
                role => role,
            };
            match role {
                Some(HeaderRole::Question) if layout.question == usize::MAX => {
                    layout.question = col
                }
                Some(HeaderRole::Id) if layout.id.is_none() => layout.id = Some(col),
                Some(HeaderRole::Section) if layout.section.is_none() => layout.section = Some(col),
                Some(HeaderRole::Never) => layout.never.push(col),
                Some(HeaderRole::Option(label)) => layout.options.push((col, label)),
                Some(role @ (HeaderRole::Choice | HeaderRole::Text | HeaderRole::Answer)) => {
                    answer_like.push((col, role, cell.text.clone()))
                }
                None if !cell.text.is_empty() => unnamed.push(col),
                _ => {}
            }
        }
        if answer_like.is_empty() && layout.options.len() < 2 {
            return None;
        }
        if layout.question == usize::MAX {
            // "# | Security area | Response": the one unnamed column left of the answers.
            let first_answer = answer_like
                .iter()
                .map(|a| a.0)
                .chain(layout.options.iter().map(|o| o.0))
                .min()?;
            match unnamed
                .iter()
                .filter(|&&c| c < first_answer)
                .collect::<Vec<_>>()
                .as_slice()
            {
                [only] => layout.question = **only,
                _ => return None,
            }
        }
        let has_text = answer_like.iter().any(|a| a.1 == HeaderRole::Text);
        for (col, role, header) in answer_like {
            if col <= layout.question {
                continue;
            }
            let kind = match role {
                HeaderRole::Choice => SlotKind::Choice,
                HeaderRole::Answer if has_text => SlotKind::Choice,
                _ => SlotKind::Text,
            };
            layout.answers.push(AnswerCol {
                col,
                kind,
                header: Some(header),
            });
        }
        layout.options.retain(|o| o.0 > layout.question);
        (!layout.answers.is_empty() || layout.options.len() >= 2).then_some(layout)
    }

    /// No header row: the question column is the one with the most
    /// question-like text; answer columns are those to its right that are
    /// mostly empty (or hold checkboxes or content controls).
    fn infer(grid: &Grid) -> Option<Layout> {
        let width = grid.width.min(64);
        // Questions score 3 (a "?" or a request), other long text 1, so long
        // typed answers do not outscore the questions next to them.
        let mut score = vec![0usize; width];
        let mut asks = vec![0usize; width];
        for row in &grid.rows {
            for cell in row
                .cells
                .iter()
                .filter(|c| c.at.col < width && c.vmerge != VMerge::Continue)
            {
                let t = &cell.text;
                if t.ends_with('?') || words::looks_like_question(t) {
                    score[cell.at.col] += 3;
                    asks[cell.at.col] += 1;
                } else if t.chars().count() >= 25 {
                    score[cell.at.col] += 1;
                }
            }
        }
        let (question, &best) = score
            .iter()
            .enumerate()
            .max_by_key(|(c, n)| (**n, usize::MAX - c))?;
        if best == 0 {
            return None;
        }
        let q_rows: Vec<&Row> = grid
            .rows
            .iter()
            .filter(|r| {
                r.cell(question)
                    .is_some_and(|c| !c.text.is_empty() && c.at.col == question)
            })
            .collect();
        let asking = asks[question] * 2 >= q_rows.len();
        let mut answer_cols = Vec::new();
        for col in question + 1..width {
            let (mut open, mut answered, mut seen) = (0, 0, 0);
            for row in &q_rows {
                let Some(cell) = row.cell(col) else { continue };
                if cell.at.col != col || cell.at.covers(question) {
                    continue;
                }
                seen += 1;
                let fillable = cell
                    .segs
                    .iter()
                    .any(|s| matches!(s, Seg::Checkbox(_) | Seg::Field(_)));
                if fillable || is_placeholder(&cell.text) {
                    open += 1;
                } else if !cell.text.ends_with('?') {
                    answered += 1;
                }
            }
            // Mostly open cells; or, next to real questions, cells that
            // read as answers (a completed questionnaire).
            let mostly = |n: usize| seen > 0 && n * 5 >= seen * 3;
            if mostly(open) || (asking && mostly(open + answered)) {
                answer_cols.push(col);
            }
        }
        if answer_cols.is_empty() || q_rows.is_empty() {
            return None;
        }
        let id = (0..question).rev().find(|&col| {
            let texts: Vec<&str> = q_rows
                .iter()
                .filter_map(|r| r.cell(col).filter(|c| c.at.col == col))
                .map(|c| c.text.as_str())
                .filter(|t| !t.is_empty())
                .collect();
            !texts.is_empty() && texts.iter().all(|t| words::number_token(t).is_some())
        });
        let several = answer_cols.len() > 1;
        let answers = answer_cols
            .iter()
            .enumerate()
            .map(|(k, &col)| AnswerCol {
                col,
                kind: if several && k == 0 {
                    SlotKind::Choice
                } else {
                    SlotKind::Text
                },
                header: None,
            })
            .collect();
        Some(Layout {
            header_row: None,
            question,
            id,
            section: None,
            answers,
            options: Vec::new(),
            never: Vec::new(),
            headers: HashMap::new(),
        })
    }

    /// A header row repeated further down the table (page breaks, sections).
    fn repeats_header(&self, row: &Row) -> bool {
        let Some(_) = self.header_row else {
            return false;
        };
        let Some(q) = row.cell(self.question) else {
            return false;
        };
        self.headers
            .get(&self.question)
            .is_some_and(|h| !h.is_empty() && *h == q.text)
            && self.answers.iter().all(|a| {
                row.cell(a.col)
                    .is_some_and(|c| Some(&c.text) == self.headers.get(&a.col))
            })
    }
}
