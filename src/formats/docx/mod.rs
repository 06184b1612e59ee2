//! DOCX questionnaires: find the questions in `word/document.xml` and write
//! answers back into a copy of the buyer's document with nothing else
//! changed.
//!
//! Both directions work on the XML text itself (quick-xml, see [`xml`]),
//! never through a Word document model, which would drop parts and
//! formatting it does not understand. The reader hands out locators (see
//! [`locate`]) as slot targets; the writer resolves them against the same
//! bytes, splices answers in as byte-range edits ([`patch`]), and copies
//! every other zip entry raw ([`package`]).

mod content;
mod detect;
mod locate;
mod package;
mod patch;
mod styles;
mod words;
mod xml;

use super::{SlotWrite, WriteReport};
use crate::error::hint;
use crate::questionnaire::{Format, Questionnaire, SheetLayout, SlotKind};
use anyhow::Result;
use locate::{DocIndex, Locator};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use xml::Tree;

pub use package::MAX_PART_BYTES;

/// What the reader looks for, for the "no questions found" error.
const SEARCHED: &str = "tables with a question column and an answer column, numbered or question-like \
paragraphs followed by an answer area (empty paragraph, \"Response:\" line, content control, one-cell \
table), and Yes/No checkboxes";

/// Read a DOCX questionnaire: every question and the places its answers go.
pub fn read(path: &Path) -> Result<Questionnaire> {
    let mut archive = package::open(path)?;
    let document = document_xml(&mut archive, path)?;
    let tree = parse(&document, path, package::DOCUMENT)?;
    let mut warnings = Vec::new();
    let mut side_part = |name: &str| -> Option<Tree> {
        let parsed = package::read_part(&mut archive, name, path)
            .and_then(|text| text.map(|t| parse(&t, path, name)).transpose());
        match parsed {
            Ok(tree) => tree,
            Err(e) => {
                warnings.push(format!("{name}: ignored ({e})"));
                None
            }
        }
    };
    let styles = styles::Styles::parse(side_part(package::STYLES).as_ref());
    let numbering = styles::Numbering::parse(side_part(package::NUMBERING).as_ref());
    let ix = DocIndex::build(&tree);
    let found = detect::detect(&tree, &ix, &styles, &numbering);
    if found.items.is_empty() {
        return Err(hint(
            format!("{}: no questions found", path.display()),
            format!("vouch looked for {SEARCHED}; if the document has questions in another layout, copy them into a two-column table (Question | Response)"),
        ));
    }
    warnings.extend(found.warnings);
    Ok(Questionnaire {
        source: path.to_path_buf(),
        format: Format::Docx,
        layouts: vec![SheetLayout {
            sheet: detect::SHEET.to_string(),
            skipped: None,
            header_rows: Vec::new(),
            columns: found.columns,
            items: found.items.len(),
        }],
        items: found.items,
        warnings,
    })
}

/// Write `writes` into a copy of `source` at `out` (patching only
/// word/document.xml). Signature fixed for the export dispatch.
pub fn write(source: &Path, writes: &[SlotWrite], out: &Path) -> Result<WriteReport> {
    if same_file(source, out) {
        return Err(hint(
            format!(
                "{}: refusing to overwrite the buyer's document",
                out.display()
            ),
            "choose another output path with -o",
        ));
    }
    let mut archive = package::open(source)?;
    let document = document_xml(&mut archive, source)?;
    let tree = parse(&document, source, package::DOCUMENT)?;
    let ix = DocIndex::build(&tree);
    let patcher = patch::Patcher {
        src: &document,
        tree: &tree,
        ix: &ix,
    };
    let mut report = WriteReport::default();
    let mut edits: Vec<patch::Edit> = Vec::new();
    let mut claimed = Claimed::default();
    let mut written = 0;
    for (target, group) in group_by_target(writes) {
        let value = combine(&group);
        if value.trim().is_empty() {
            continue;
        }
        let Some(loc) = Locator::parse(target) else {
            report.notes.push(format!(
                "{} {target}: not a DOCX location; not written",
                detect::SHEET
            ));
            continue;
        };
        match patcher.edits(&loc, &value) {
            Ok(new) if claimed.clashes(&new) => report.notes.push(format!(
                "{} {target}: overlaps another answer; not written",
                detect::SHEET
            )),
            Ok(new) => {
                claimed.claim(&new);
                edits.extend(new);
                written += 1;
            }
            Err(why) => report
                .notes
                .push(format!("{} {target}: not written: {why}", detect::SHEET)),
        }
    }
    let patched = patch::apply(&document, edits)?;
    if let Err(e) = Tree::parse(&patched) {
        anyhow::bail!(
            "internal error: the patched {} is not well-formed ({e}); nothing written",
            package::DOCUMENT
        );
    }
    package::write_patched(&mut archive, patched.as_bytes(), out)?;
    report.written.push((detect::SHEET.to_string(), written));
    Ok(report)
}

fn document_xml(archive: &mut package::Archive, path: &Path) -> Result<String> {
    package::read_part(archive, package::DOCUMENT, path)?.ok_or_else(|| {
        hint(
            format!(
                "{} has no {} (not a Word document)",
                path.display(),
                package::DOCUMENT
            ),
            "save the questionnaire from Word as .docx and import that file",
        )
    })
}

fn parse(xml: &str, path: &Path, part: &str) -> Result<Tree> {
    Tree::parse(xml).map_err(|e| {
        let text = e.to_string();
        let advice = if text.contains("DTD") {
            "Word never writes a DTD; re-save the document from Word as .docx"
        } else {
            "the document is damaged; re-save it from Word as .docx"
        };
        hint(format!("{}: {part}: {text}", path.display()), advice)
    })
}

/// Writes grouped by target, in the order targets first appear.
fn group_by_target(writes: &[SlotWrite]) -> Vec<(&str, Vec<&SlotWrite>)> {
    let mut groups: Vec<(&str, Vec<&SlotWrite>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for w in writes {
        match index.get(w.target.as_str()) {
            Some(&g) => groups[g].1.push(w),
            None => {
                index.insert(&w.target, groups.len());
                groups.push((&w.target, vec![w]));
            }
        }
    }
    groups
}

/// One value for one place. A choice and a text for the same answer area
/// become "Yes. text" (unless the text already starts with the choice).
fn combine(group: &[&SlotWrite]) -> String {
    let choice = group
        .iter()
        .find(|w| w.kind == SlotKind::Choice)
        .map(|w| w.value.trim());
    let texts: Vec<&str> = group
        .iter()
        .filter(|w| w.kind == SlotKind::Text)
        .map(|w| w.value.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let text = texts.join("\n");
    match choice {
        Some(c) if text.is_empty() => c.to_string(),
        Some(c) if c.is_empty() || starts_with_word(&text, c) => text,
        Some(c) => format!("{}. {text}", c.trim_end_matches('.')),
        None => text,
    }
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.get(..word.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(word))
        && !text[word.len()..].starts_with(|c: char| c.is_alphanumeric())
}

/// Byte ranges already given to an answer, so two answers never edit the
/// same bytes (e.g. a cell and a paragraph inside it).
#[derive(Default)]
struct Claimed(BTreeMap<usize, usize>);

impl Claimed {
    fn clashes(&self, edits: &[patch::Edit]) -> bool {
        edits.iter().any(|e| {
            self.0.contains_key(&e.start)
                || self
                    .0
                    .range(..e.start)
                    .next_back()
                    .is_some_and(|(_, &end)| end > e.start)
                || self
                    .0
                    .range(e.start + 1..)
                    .next()
                    .is_some_and(|(&start, _)| start < e.end)
        })
    }

    fn claim(&mut self, edits: &[patch::Edit]) {
        for e in edits {
            self.0.insert(e.start, e.end);
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Remove or duplicate random elements of each fixture's document.xml
    /// (staying well-formed), then detect and answer every slot: no panic,
    /// and the patched XML always parses.
    #[test]
    fn odd_structures_never_panic_and_patches_stay_well_formed() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/docx");
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as usize
        };
        let mut fixtures = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let mut archive = package::open(&path).unwrap();
            let xml = document_xml(&mut archive, &path).unwrap();
            let tree = Tree::parse(&xml).unwrap();
            fixtures += 1;
            for round in 0..120 {
                let n = tree.node(1 + next() % (tree.nodes.len() - 1));
                let mutated = if round % 2 == 0 {
                    format!("{}{}", &xml[..n.start], &xml[n.end..])
                } else {
                    format!("{}{}", &xml[..n.end], &xml[n.start..])
                };
                let tree = Tree::parse(&mutated).unwrap();
                let ix = DocIndex::build(&tree);
                let found = detect::detect(
                    &tree,
                    &ix,
                    &styles::Styles::default(),
                    &styles::Numbering::default(),
                );
                let patcher = patch::Patcher {
                    src: &mutated,
                    tree: &tree,
                    ix: &ix,
                };
                let mut edits = Vec::new();
                let mut claimed = Claimed::default();
                for slot in found.items.iter().flat_map(|i| &i.slots) {
                    let value = match slot.kind {
                        SlotKind::Choice => {
                            slot.allowed.first().map(String::as_str).unwrap_or("Yes")
                        }
                        SlotKind::Text => "Two lines\nwith <markup> & tabs\there",
                    };
                    let loc = Locator::parse(&slot.target).expect("reader targets parse");
                    if let Ok(new) = patcher.edits(&loc, value) {
                        if !claimed.clashes(&new) {
                            claimed.claim(&new);
                            edits.extend(new);
                        }
                    }
                }
                let patched = patch::apply(&mutated, edits).unwrap();
                if let Err(e) = Tree::parse(&patched) {
                    panic!(
                        "{}: round {round}: patched XML does not parse: {e}",
                        path.display()
                    );
                }
            }
        }
        assert!(fixtures >= 6);
    }

    fn w(kind: SlotKind, value: &str) -> SlotWrite {
        SlotWrite {
            item: 0,
            sheet: "document".into(),
            target: "p3".into(),
            kind,
            value: value.into(),
        }
    }

    #[test]
    fn choice_and_text_share_one_area() {
        let c = w(SlotKind::Choice, "Yes");
        let t = w(SlotKind::Text, "We encrypt at rest.");
        assert_eq!(combine(&[&c, &t]), "Yes. We encrypt at rest.");
        let t2 = w(SlotKind::Text, "Yes, with AES-256.");
        assert_eq!(combine(&[&c, &t2]), "Yes, with AES-256.");
        assert_eq!(combine(&[&c]), "Yes");
        assert_eq!(combine(&[&t]), "We encrypt at rest.");
    }
}
