//! Layout detection: from a [`Grid`] to questions and their answer slots,
//! on layouts vouch has never seen.
//!
//! The approach, in the order it runs:
//!
//! 1. **Header rows** are rows whose short cells name at least two known
//!    roles (Question, Answer, Comments, Analyst Notes, ...). They may repeat
//!    per section (HECVAT); consecutive header rows form one group, the
//!    lower row winning (two-row headers).
//! 2. **The question column** is found by content, not by header: the
//!    column with the most question-like cells ("Do you ...?", "Describe
//!    ..."). Headers only break ties. **The ID column** is the column with
//!    the most ID-like values (`A&A-01.1`, `AIGN-01`, `A.1`) on question rows.
//! 3. **Item rows**: with an ID column, rows with an ID and question text;
//!    without one, rows whose question cell reads like a question.
//! 4. **Slots** per item row, from the header group governing the row (the
//!    nearest group above, else the first below): dropdown cells are choice
//!    slots with their allowed values; Answer/Response columns are choice
//!    slots; Comments/Explanation columns are text slots; buyer columns,
//!    reference columns, formula cells and "leave blank" cells never are.
//!    A row whose main answer cell is a formula is answered elsewhere in the
//!    workbook and is not an item.
//! 5. **Sections** come from a Domain/Section column, or from single-cell
//!    rows and the title cell of repeated header rows.

use super::grid::{a1, col_name, Grid};
use super::headers::{self, Role};
use crate::questionnaire::{AnswerSlot, ColumnRole, Item, Location, SheetLayout, SlotKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What detection found on one sheet.
#[derive(Debug, Default)]
pub struct Detected {
    pub items: Vec<Item>,
    pub layout: SheetLayout,
    pub warnings: Vec<String>,
    /// The sheet has questions but no answer column: export must add one.
    pub needs_plan: bool,
    /// Column holding allowed answers as text ("Yes,No,N/A"), for planning.
    options_col: Option<u32>,
}

/// A run of consecutive header rows and the roles they give each column.
#[derive(Debug, Default)]
struct HeaderGroup {
    rows: Vec<u32>,
    /// Column -> (role, header text).
    roles: BTreeMap<u32, (Role, String)>,
}

/// The structure found before items are built.
struct Frame {
    groups: Vec<HeaderGroup>,
    header_rows: HashSet<u32>,
    question_col: u32,
    id_col: Option<u32>,
}

/// Detect questions and answer slots on one sheet.
pub fn detect(grid: &Grid) -> Detected {
    let mut out = Detected {
        layout: SheetLayout {
            sheet: grid.name.clone(),
            ..SheetLayout::default()
        },
        ..Detected::default()
    };
    let groups = header_groups(grid);
    let header_rows: HashSet<u32> = groups.iter().flat_map(|g| g.rows.iter().copied()).collect();
    out.layout.header_rows = {
        let mut rows: Vec<u32> = header_rows.iter().map(|r| r + 1).collect();
        rows.sort_unstable();
        rows
    };
    let Some(question_col) = find_question_col(grid, &header_rows, &groups) else {
        out.layout.skipped = Some("no question column found".into());
        return out;
    };
    let id_col = find_id_col(grid, &header_rows, question_col);
    let frame = Frame {
        groups,
        header_rows,
        question_col,
        id_col,
    };
    build_items(grid, &frame, &mut out);
    out.layout.columns = column_roles(grid, &frame, &out);
    out.layout.items = out.items.len();
    out
}

/// Header rows, grouped into runs of consecutive rows.
fn header_groups(grid: &Grid) -> Vec<HeaderGroup> {
    let mut groups: Vec<HeaderGroup> = Vec::new();
    for row in 0..grid.height() {
        if grid.hidden_rows.contains(&row) {
            continue;
        }
        let Some(roles) = header_roles(grid, row) else {
            continue;
        };
        match groups.last_mut() {
            Some(g)
                if row
                    .checked_sub(1)
                    .is_some_and(|above| g.rows.last() == Some(&above)) =>
            {
                g.rows.push(row);
                g.roles.extend(roles); // lower row wins
            }
            _ => groups.push(HeaderGroup {
                rows: vec![row],
                roles,
            }),
        }
    }
    // A merged group header ("Vendor Response" over Answer and Comments)
    // applies to the columns it spans when the lower row left them unnamed.
    for g in &mut groups {
        for &row in &g.rows {
            for m in grid.merges.iter().filter(|m| m.r0 == row && m.c1 > m.c0) {
                let text = grid.text(m.r0, m.c0);
                if let Some(role) = headers::role_of_header(text) {
                    for col in m.c0..=m.c1 {
                        g.roles.entry(col).or_insert((role, text.to_string()));
                    }
                }
            }
        }
    }
    groups
}

/// The roles a row names, when it is a header row.
fn header_roles(grid: &Grid, row: u32) -> Option<BTreeMap<u32, (Role, String)>> {
    let mut roles = BTreeMap::new();
    let mut strong = false;
    for (col, text) in grid.visible_cells(row) {
        // Header cells are labels: a question or a paragraph means an item
        // row whose answer happens to read like a header ("No", "Notes").
        if text.len() > 100 || (headers::is_question_like(text) && text.contains('?')) {
            return None;
        }
        if let Some(role) = headers::role_of_header(text) {
            strong |= matches!(
                role,
                Role::Question | Role::Choice | Role::Text | Role::Id | Role::Options
            );
            roles.insert(col, (role, text.to_string()));
        }
    }
    (roles.len() >= 2 && strong).then_some(roles)
}

/// The column with the most question-like cells.
fn find_question_col(
    grid: &Grid,
    header_rows: &HashSet<u32>,
    groups: &[HeaderGroup],
) -> Option<u32> {
    let mut questions: HashMap<u32, usize> = HashMap::new();
    let mut filled: HashMap<u32, usize> = HashMap::new();
    for row in 0..grid.height() {
        if header_rows.contains(&row) || grid.hidden_rows.contains(&row) {
            continue;
        }
        for (col, text) in grid.visible_cells(row) {
            *filled.entry(col).or_default() += 1;
            if headers::is_question_like(text) {
                *questions.entry(col).or_default() += 1;
            }
        }
    }
    let labelled: HashSet<u32> = groups
        .iter()
        .flat_map(|g| g.roles.iter())
        .filter(|(_, (role, _))| *role == Role::Question)
        .map(|(col, _)| *col)
        .collect();
    let best = questions
        .iter()
        .filter(|(col, n)| **n >= 2 && **n * 10 >= filled[col] * 3)
        .max_by_key(|(col, n)| (**n, labelled.contains(col), std::cmp::Reverse(**col)))
        .map(|(col, _)| *col);
    // A labelled question column with enough text wins when no column reads
    // like questions (terse lists: "Encryption at rest", "MFA for admins").
    best.or_else(|| {
        labelled
            .iter()
            .copied()
            .filter(|col| filled.get(col).copied().unwrap_or(0) >= 2)
            .min()
    })
}

/// The column with the most ID-like values on question rows, if IDs mark
/// at least half of them.
fn find_id_col(grid: &Grid, header_rows: &HashSet<u32>, question_col: u32) -> Option<u32> {
    let mut question_rows = 0usize;
    let mut ids: HashMap<u32, usize> = HashMap::new();
    for row in 0..grid.height() {
        if header_rows.contains(&row) || grid.hidden_rows.contains(&row) {
            continue;
        }
        if !headers::is_question_like(grid.text(row, question_col)) {
            continue;
        }
        question_rows += 1;
        for (col, text) in grid.visible_cells(row) {
            if col != question_col && headers::is_id(text) {
                *ids.entry(col).or_default() += 1;
            }
        }
    }
    ids.into_iter()
        .filter(|(_, n)| *n >= 2 && *n * 2 >= question_rows)
        .max_by_key(|(col, n)| (*n, std::cmp::Reverse(col.abs_diff(question_col))))
        .map(|(col, _)| col)
}

/// Index of the header group governing `row`: the nearest above, else the
/// first below.
fn group_for(groups: &[HeaderGroup], row: u32) -> Option<usize> {
    let above = groups.iter().rposition(|g| g.rows[0] < row);
    above.or_else(|| (!groups.is_empty()).then_some(0))
}

/// Is this row an item row, and if so its question text and ID.
fn item_row(grid: &Grid, frame: &Frame, row: u32) -> Option<(String, Option<String>)> {
    if frame.header_rows.contains(&row) || grid.hidden_rows.contains(&row) {
        return None;
    }
    let question = grid.text(row, frame.question_col);
    if question.is_empty() || headers::is_id(question) {
        return None;
    }
    let id = frame
        .id_col
        .map(|c| grid.text(row, c))
        .filter(|t| headers::is_id(t))
        .map(str::to_string);
    let labelled = frame.groups.iter().any(|g| {
        g.roles
            .get(&frame.question_col)
            .is_some_and(|(r, _)| *r == Role::Question)
    });
    let is_item = match (&frame.id_col, &id) {
        (Some(_), Some(_)) => true,
        (Some(_), None) => question.ends_with('?') && headers::is_question_like(question),
        (None, _) => {
            headers::is_question_like(question)
                || (labelled && question.split_whitespace().count() >= 3)
        }
    };
    is_item.then(|| (headers::squash(question), id))
}

/// Per header group, the columns whose item rows carry a dropdown: in such
/// a column a cell without one is free entry (HECVAT's "Describe ..." rows).
fn list_columns(grid: &Grid, frame: &Frame, rows: &[u32]) -> HashSet<(usize, u32)> {
    let mut out = HashSet::new();
    for &row in rows {
        let g = group_for(&frame.groups, row).unwrap_or(usize::MAX);
        for v in grid.validations.iter().filter(|v| v.list.is_some()) {
            for r in v.ranges.iter().filter(|r| r.r0 <= row && row <= r.r1) {
                for col in r.c0..=r.c1.min(grid.used_cols.max(r.c0)) {
                    out.insert((g, col));
                }
            }
        }
    }
    out
}

/// Walk the sheet top to bottom, tracking the section, and build items.
fn build_items(grid: &Grid, frame: &Frame, out: &mut Detected) {
    let bold_headings = bold_marks_headings(grid, frame);
    let heading = |r: u32| {
        bold_headings
            .then(|| bold_heading(grid, frame, r))
            .flatten()
    };
    let rows: Vec<(u32, String, Option<String>)> = (0..grid.height())
        .filter(|&r| heading(r).is_none())
        .filter_map(|r| item_row(grid, frame, r).map(|(q, id)| (r, q, id)))
        .collect();
    let item_rows: Vec<u32> = rows.iter().map(|(r, _, _)| *r).collect();
    let lists = list_columns(grid, frame, &item_rows);
    let roles = effective_roles(grid, frame, &item_rows);
    out.options_col = roles
        .iter()
        .flat_map(|m| m.iter())
        .find(|(_, (role, _))| *role == Role::Options)
        .map(|(c, _)| *c);
    let section_col = roles
        .iter()
        .flat_map(|m| m.iter())
        .find(|(c, (role, _))| *role == Role::Section && **c != frame.question_col)
        .map(|(c, _)| *c);

    let mut section: Option<String> = None;
    let mut column_section: Option<String> = None;
    let mut next = rows.iter().peekable();
    let (mut formula_rows, mut slotless) = (Vec::new(), 0usize);
    for row in 0..grid.height() {
        if let Some(col) = section_col {
            let t = grid.merged_text(row, col);
            if !t.is_empty() && !frame.header_rows.contains(&row) {
                column_section = Some(headers::squash(t));
            }
        }
        if next.peek().is_some_and(|(r, _, _)| *r == row) {
            let Some((_, question, id)) = next.next() else {
                break;
            };
            let g = group_for(&frame.groups, row);
            let role_map = g.and_then(|g| roles.get(g));
            match slots_for(grid, frame, row, g, role_map, &lists, question) {
                Slots::Formula => formula_rows.push(row + 1),
                Slots::Found(slots) => {
                    slotless += usize::from(slots.is_empty());
                    out.items.push(Item {
                        id: id.clone(),
                        question: question.clone(),
                        section: column_section.clone().or_else(|| section.clone()),
                        location: Location {
                            sheet: grid.name.clone(),
                            cell: a1(row, frame.question_col),
                            row: row + 1,
                        },
                        slots,
                    });
                }
            }
        } else if let Some(title) = heading(row).or_else(|| section_title(grid, frame, row)) {
            section = Some(title);
        }
    }
    if !formula_rows.is_empty() {
        out.warnings.push(format!(
            "sheet '{}': skipped {} rows whose answer cell is a formula (answered elsewhere in the workbook), e.g. row {}",
            grid.name,
            formula_rows.len(),
            formula_rows[0]
        ));
    }
    let has_answer_cols = roles
        .iter()
        .flat_map(|m| m.values())
        .any(|(r, _)| r.is_answer())
        || !lists.is_empty();
    if !out.items.is_empty() && !has_answer_cols {
        out.needs_plan = true;
    } else if slotless > 0 {
        out.warnings.push(format!(
            "sheet '{}': {slotless} questions have no answer cell vouch can write to",
            grid.name
        ));
    }
}

/// Header roles per group, with answer columns demoted to `Options` when
/// their item cells hold answer-type codes or option lists rather than answers.
fn effective_roles(
    grid: &Grid,
    frame: &Frame,
    item_rows: &[u32],
) -> Vec<BTreeMap<u32, (Role, String)>> {
    frame
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let rows: Vec<u32> = item_rows
                .iter()
                .copied()
                .filter(|r| group_for(&frame.groups, *r) == Some(gi))
                .collect();
            let mut roles = g.roles.clone();
            for (col, (role, _)) in roles.iter_mut() {
                if !role.is_answer() || rows.is_empty() {
                    continue;
                }
                let values: Vec<&str> = rows
                    .iter()
                    .map(|r| grid.text(*r, *col))
                    .filter(|t| !t.is_empty())
                    .collect();
                if values.len() * 10 >= rows.len() * 9
                    && headers::looks_like_options(values.into_iter())
                {
                    *role = Role::Options;
                }
            }
            roles
        })
        .collect()
}

enum Slots {
    /// The row's main answer cell is a formula: not an item.
    Formula,
    Found(Vec<AnswerSlot>),
}

/// The answer slots of one item row.
fn slots_for(
    grid: &Grid,
    frame: &Frame,
    row: u32,
    group: Option<usize>,
    roles: Option<&BTreeMap<u32, (Role, String)>>,
    lists: &HashSet<(usize, u32)>,
    question: &str,
) -> Slots {
    let empty = BTreeMap::new();
    let roles = roles.unwrap_or(&empty);
    let g = group.unwrap_or(usize::MAX);
    let skip = |col: u32| {
        col == frame.question_col || Some(col) == frame.id_col || grid.hidden_cols.contains(&col)
    };
    // Candidate columns: answer roles from the header, plus any cell on the
    // row with a dropdown whose column the header does not rule out.
    let mut cols: BTreeMap<u32, Option<&(Role, String)>> = BTreeMap::new();
    for (col, rh) in roles.iter().filter(|(_, (r, _))| r.is_answer()) {
        cols.insert(*col, Some(rh));
    }
    for v in grid.validations.iter().filter(|v| v.list.is_some()) {
        for r in v.ranges.iter().filter(|r| r.r0 <= row && row <= r.r1) {
            for col in r.c0..=r.c1.min(grid.used_cols.max(r.c0) + 2) {
                let ruled_out = roles.get(&col).is_some_and(|(role, _)| !role.is_answer());
                if !ruled_out {
                    cols.entry(col).or_insert(None);
                }
            }
        }
    }
    let primary = cols
        .iter()
        .filter(|(c, _)| !skip(**c))
        .find(|(c, rh)| {
            grid.list_at(row, **c).is_some() || rh.is_some_and(|(r, _)| *r == Role::Choice)
        })
        .or_else(|| cols.iter().find(|(c, _)| !skip(**c)))
        .map(|(c, _)| *c);
    if primary.is_some_and(|c| grid.has_formula(row, c)) {
        return Slots::Formula;
    }
    let mut slots = Vec::new();
    for (col, rh) in cols {
        if skip(col) || grid.has_formula(row, col) {
            continue;
        }
        if grid
            .prompt_at(row, col)
            .is_some_and(headers::says_leave_blank)
        {
            continue;
        }
        let header = rh.map(|(_, h)| headers::squash(h));
        let (kind, allowed) = match grid.list_at(row, col) {
            Some(list) => (SlotKind::Choice, list.to_vec()),
            None => match rh.map(|(r, _)| *r) {
                Some(Role::Choice) if !lists.contains(&(g, col)) => (SlotKind::Choice, Vec::new()),
                _ => (SlotKind::Text, Vec::new()),
            },
        };
        let value = grid.text(row, col);
        let existing = (!headers::is_placeholder(value, question, header.as_deref()))
            .then(|| value.to_string());
        slots.push(AnswerSlot {
            kind,
            target: a1(row, col),
            header,
            allowed,
            existing,
            planned: false,
        });
    }
    Slots::Found(slots)
}

/// Whether bold marks headings on this sheet: some, but fewer than half,
/// of the question column's cells below the first header row are bold (a
/// sheet that sets every question in bold says nothing by it).
fn bold_marks_headings(grid: &Grid, frame: &Frame) -> bool {
    let first = frame.header_rows.iter().min().copied().unwrap_or(0);
    let (mut cells, mut bold) = (0usize, 0usize);
    for row in first + 1..grid.height() {
        if frame.header_rows.contains(&row) || grid.text(row, frame.question_col).is_empty() {
            continue;
        }
        cells += 1;
        bold += usize::from(grid.bold.contains(&(row, frame.question_col)));
    }
    bold > 0 && bold * 2 < cells
}

/// A bold, short, non-question text in the question column: a heading such
/// as "2 | Access Control", which its number would otherwise make an item.
fn bold_heading(grid: &Grid, frame: &Frame, row: u32) -> Option<String> {
    if frame.header_rows.contains(&row) || grid.hidden_rows.contains(&row) {
        return None;
    }
    let text = grid.text(row, frame.question_col);
    let heading = !text.is_empty()
        && grid.bold.contains(&(row, frame.question_col))
        && !text.ends_with('?')
        && text.len() <= 120;
    heading.then(|| headers::squash(text))
}

/// A section heading on a non-item row: the title cell of a header row, or
/// a row with a single short text (possibly merged across columns).
fn section_title(grid: &Grid, frame: &Frame, row: u32) -> Option<String> {
    if grid.hidden_rows.contains(&row) {
        return None;
    }
    let cells: Vec<(u32, &str)> = grid.visible_cells(row).collect();
    if frame.header_rows.contains(&row) {
        if frame.header_rows.contains(&(row + 1)) {
            return None; // an upper header row names column groups, not sections
        }
        // HECVAT puts the section title where the ID or question header
        // would be (" Required Questions" above the IDs).
        let title_col = |c: u32| c == frame.question_col || Some(c) == frame.id_col;
        let names_its_column = |col: u32, text: &str| {
            let role = headers::role_of_header(text);
            (col == frame.question_col && role == Some(Role::Question))
                || (Some(col) == frame.id_col && role == Some(Role::Id))
        };
        return cells
            .iter()
            .find(|(c, t)| title_col(*c) && !names_its_column(*c, t))
            .map(|(_, t)| headers::squash(t));
    }
    let (col, text) = *cells.first()?;
    let single = cells.len() == 1
        || grid
            .merge_at(row, col)
            .is_some_and(|m| cells.iter().all(|(c, _)| m.contains(row, *c)));
    let short = text.len() <= 120 && !text.ends_with('?') && !text.ends_with('.');
    (single && short && !headers::is_id(text)).then(|| headers::squash(text))
}

/// The per-column summary for `--dry-run`.
fn column_roles(grid: &Grid, frame: &Frame, out: &Detected) -> Vec<ColumnRole> {
    let mut roles: BTreeMap<u32, ColumnRole> = BTreeMap::new();
    let header_of = |col: u32| {
        frame
            .groups
            .iter()
            .find_map(|g| g.roles.get(&col).map(|(_, h)| h.as_str()))
            .unwrap_or("")
    };
    put_role(
        &mut roles,
        frame.question_col,
        header_of(frame.question_col),
        "question",
        "most question-like cells",
    );
    if let Some(c) = frame.id_col {
        put_role(
            &mut roles,
            c,
            header_of(c),
            "id",
            "question IDs on question rows",
        );
    }
    // Slot columns: a column is "choice" when any of its cells is one.
    for item in &out.items {
        for slot in &item.slots {
            let Some((_, Some(col))) = super::grid::parse_cell(&slot.target) else {
                continue;
            };
            let (role, why) = match (slot.kind, slot.allowed.is_empty()) {
                (SlotKind::Choice, false) => ("choice", "dropdown on the answer cells"),
                (SlotKind::Choice, true) => ("choice", "answer header"),
                (SlotKind::Text, _) => ("text", "comment or free-text header"),
            };
            if role == "choice" && roles.get(&col).is_some_and(|r| r.role == "text") {
                roles.remove(&col);
            }
            put_role(
                &mut roles,
                col,
                slot.header.as_deref().unwrap_or(""),
                role,
                why,
            );
        }
    }
    for g in &frame.groups {
        for (col, (role, header)) in &g.roles {
            let why = match role {
                Role::Never => "meant for the buyer",
                Role::Reference => "reference text, not an answer",
                Role::Options => "answer options or answer type",
                Role::Ignored => "customer-side column",
                Role::Section => "section names",
                Role::Choice | Role::Text => "no writable cells on question rows",
                _ => "",
            };
            let name = if grid.hidden_cols.contains(col) || role.is_answer() {
                "ignored"
            } else {
                role.as_str()
            };
            put_role(&mut roles, *col, header, name, why);
        }
    }
    for col in &grid.hidden_cols {
        if *col < grid.used_cols {
            put_role(
                &mut roles,
                *col,
                header_of(*col),
                "ignored",
                "hidden column",
            );
        }
    }
    roles.into_values().collect()
}

/// Record a column's role unless an earlier, stronger fact already did.
fn put_role(roles: &mut BTreeMap<u32, ColumnRole>, col: u32, header: &str, role: &str, why: &str) {
    roles.entry(col).or_insert_with(|| ColumnRole {
        column: col_name(col),
        header: headers::squash(header),
        role: role.to_string(),
        why: why.to_string(),
    });
}

/// Add planned answer columns (a choice column and a comments column) after
/// the last used column, for a sheet that is a bare question list.
pub fn plan_columns(grid: &Grid, detected: &mut Detected) {
    let choice_col = grid.used_cols;
    let text_col = choice_col + 1;
    for item in &mut detected.items {
        let row = item.location.row - 1;
        let allowed = detected
            .options_col
            .map(|c| grid.text(row, c))
            .filter(|t| t.contains(',') || t.contains('\n'))
            .map(headers::split_options)
            .unwrap_or_default();
        item.slots = vec![
            planned(SlotKind::Choice, a1(row, choice_col), "Answer", allowed),
            planned(SlotKind::Text, a1(row, text_col), "Comments", Vec::new()),
        ];
    }
    detected.needs_plan = false;
    for (col, header, role) in [
        (choice_col, "Answer", "choice"),
        (text_col, "Comments", "text"),
    ] {
        detected.layout.columns.push(ColumnRole {
            column: col_name(col),
            header: header.into(),
            role: role.into(),
            why: "planned: the file has no answer column; export adds this one".into(),
        });
    }
    detected.warnings.push(format!(
        "sheet '{}': no answer column found; export will add '{}' (Answer) and '{}' (Comments)",
        grid.name,
        col_name(choice_col),
        col_name(text_col)
    ));
}

fn planned(kind: SlotKind, target: String, header: &str, allowed: Vec<String>) -> AnswerSlot {
    AnswerSlot {
        kind,
        target,
        header: Some(header.into()),
        allowed,
        existing: None,
        planned: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::xlsx::grid::{Rect, Validation};

    fn grid(rows: &[&[&str]]) -> Grid {
        let mut g = Grid::new("Sheet1");
        for (r, cells) in rows.iter().enumerate() {
            for (c, t) in cells.iter().enumerate() {
                g.set(r as u32, c as u32, t.to_string());
            }
        }
        g
    }

    #[test]
    fn simple_list_with_answer_and_comments() {
        let g = grid(&[
            &["ID", "Question", "Answer", "Comments", "Analyst Notes"],
            &["1.1", "Do you encrypt data at rest?", "", "", ""],
            &["1.2", "Do you enforce MFA?", "Yes", "", ""],
        ]);
        let d = detect(&g);
        assert_eq!(d.items.len(), 2);
        let slots = &d.items[1].slots;
        assert_eq!(slots.len(), 2);
        assert_eq!(slots[0].target, "C3");
        assert_eq!(slots[0].kind, SlotKind::Choice);
        assert_eq!(slots[0].existing.as_deref(), Some("Yes"));
        assert_eq!(slots[1].kind, SlotKind::Text);
        assert_eq!(d.items[0].id.as_deref(), Some("1.1"));
    }

    #[test]
    fn dropdown_without_header_is_a_choice_slot() {
        let mut g = grid(&[
            &["Do you encrypt data at rest?", ""],
            &["Do you enforce MFA for admins?", ""],
        ]);
        g.validations.push(Validation {
            ranges: vec![Rect {
                r0: 0,
                c0: 1,
                r1: 1,
                c1: 1,
            }],
            list: Some(vec!["Y".into(), "N".into()]),
            prompt: None,
        });
        let d = detect(&g);
        assert_eq!(d.items.len(), 2);
        assert_eq!(d.items[0].slots[0].allowed, ["Y", "N"]);
    }

    #[test]
    fn bare_list_needs_plan() {
        let g = grid(&[
            &["Question ID", "Question Text", "Question Type"],
            &["A.1", "Is there a risk policy?", "Yes,No,N/A"],
            &["A.2", "Is it reviewed yearly?", "Yes,No,N/A"],
        ]);
        let mut d = detect(&g);
        assert!(d.needs_plan);
        plan_columns(&g, &mut d);
        assert_eq!(d.items[0].slots[0].target, "D2");
        assert!(d.items[0].slots[0].planned);
        assert_eq!(d.items[0].slots[0].allowed, ["Yes", "No", "N/A"]);
        assert_eq!(d.items[1].slots[1].target, "E3");
    }

    #[test]
    fn formula_answer_rows_are_not_items() {
        let mut g = grid(&[
            &["ID", "Question", "Answer", "Comments"],
            &["GN-01", "Do you have a name for the product?", "Acme", ""],
            &["GN-02", "Do you encrypt data at rest?", "", ""],
        ]);
        g.formulas.insert((1, 2));
        let d = detect(&g);
        assert_eq!(d.items.len(), 1);
        assert_eq!(d.items[0].id.as_deref(), Some("GN-02"));
    }
}
