//! DOCX questionnaires: detection on the generated fixtures
//! (`cargo run --example make-docx-fixtures`), lossless export, and the
//! errors for files that are not usable DOCX.
//!
//! Every export test re-reads the output twice: with vouch (the answers are
//! now the slots' existing values) and with python-docx (the answer text is
//! in the expected table cell or paragraph), and compares every zip entry
//! other than word/document.xml byte for byte with the source.

use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
mod common;
use common::{run_ok, soffice_convert};
use vouch::formats::docx::{read, write};
use vouch::formats::SlotWrite;
use vouch::questionnaire::{Item, Questionnaire, SlotKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/docx")
        .join(name)
}

fn questions(q: &Questionnaire) -> Vec<&str> {
    q.items.iter().map(|i| i.question.as_str()).collect()
}

fn targets(item: &Item) -> Vec<(SlotKind, &str)> {
    item.slots
        .iter()
        .map(|s| (s.kind, s.target.as_str()))
        .collect()
}

/// The text answer vouch writes for item `i` in these tests.
fn text_for(i: usize) -> String {
    format!("Answer {} & <ok>", i + 1)
}

/// A write for every slot: text slots get [`text_for`], choice slots
/// their first allowed value (or "Yes").
fn answer_everything(q: &Questionnaire) -> Vec<SlotWrite> {
    let mut writes = Vec::new();
    for (i, item) in q.items.iter().enumerate() {
        for slot in &item.slots {
            let value = match slot.kind {
                SlotKind::Choice => slot
                    .allowed
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "Yes".into()),
                SlotKind::Text => text_for(i),
            };
            writes.push(SlotWrite {
                item: i,
                sheet: "document".into(),
                target: slot.target.clone(),
                kind: slot.kind,
                value,
            });
        }
    }
    writes
}

struct Exported {
    _dir: tempfile::TempDir,
    path: PathBuf,
    report: vouch::formats::WriteReport,
}

fn export(name: &str, writes: &[SlotWrite]) -> Exported {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name.replace(".docx", ".completed.docx"));
    let report = write(&fixture(name), writes, &path).unwrap();
    assert!(report.notes.is_empty(), "notes: {:?}", report.notes);
    Exported {
        _dir: dir,
        path,
        report,
    }
}

/// Every zip entry except word/document.xml is byte-identical (same
/// compressed bytes, CRC, method) and in the same order.
fn assert_other_parts_identical(source: &Path, output: &Path) {
    let raw_entries = |p: &Path| {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut e = zip.by_index_raw(i).unwrap();
                let name = e.name().unwrap().to_string();
                let meta = (e.crc32(), e.compression(), e.size());
                let mut bytes = Vec::new();
                e.read_to_end(&mut bytes).unwrap();
                (name, meta, bytes)
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (raw_entries(source), raw_entries(output));
    let names = |v: &[(String, _, _)]| v.iter().map(|e| e.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "entry order");
    let mut compared = 0;
    for (x, y) in a.iter().zip(&b) {
        if x.0 == "word/document.xml" {
            assert_ne!(x.2, y.2, "document.xml should carry the answers");
            continue;
        }
        assert_eq!(x.1, y.1, "{}: crc/method/size", x.0);
        assert!(x.2 == y.2, "{}: raw bytes differ", x.0);
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} parts compared");
}

fn document_xml(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// Every `w:tc` starts with `w:tcPr` (when it has one) and holds a `w:p`.
fn assert_cells_well_formed(xml: &str) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    // Per open element: (name, children seen, has paragraph).
    let mut stack: Vec<(String, Vec<String>)> = Vec::new();
    let mut cells = 0;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                if let Some(top) = stack.last_mut() {
                    top.1.push(name.clone());
                }
                stack.push((name, Vec::new()));
            }
            Event::Empty(e) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push(e.name().as_ref().to_string());
                }
            }
            Event::End(_) => {
                let (name, children) = stack.pop().unwrap();
                if name == "w:tc" {
                    cells += 1;
                    if let Some(k) = children.iter().position(|c| c == "w:tcPr") {
                        assert_eq!(k, 0, "w:tcPr not first: {children:?}");
                    }
                    assert!(
                        children.iter().any(|c| c == "w:p"),
                        "cell without w:p: {children:?}"
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(cells > 0);
}

/// python-docx's view: `tables` (every table, nested ones too, as rows of
/// cell texts by grid column) and `paragraphs` (body paragraph texts).
fn python_docx(path: &Path) -> Value {
    const SCRIPT: &str = r#"
import docx, json, sys
d = docx.Document(sys.argv[1])
tables = []
def walk(t):
    tables.append([[c.text for c in r.cells] for r in t.rows])
    for r in t.rows:
        for c in r.cells:
            for n in c.tables:
                walk(n)
for t in d.tables:
    walk(t)
print(json.dumps({"tables": tables, "paragraphs": [p.text for p in d.paragraphs]}))
"#;
    let out = run_ok(
        Command::new("python3").args(["-c", SCRIPT]).arg(path),
        "python3 with python-docx (CI installs python3-docx)",
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The row (in any table) whose cells include `question`, as texts.
fn row_of(view: &Value, question: &str) -> Vec<String> {
    for table in view["tables"].as_array().unwrap() {
        for row in table.as_array().unwrap() {
            let cells: Vec<String> = row
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            if cells.iter().any(|c| c.contains(question)) {
                return cells;
            }
        }
    }
    panic!("no row with {question:?}");
}

/// The body paragraph after the one containing `question`.
fn paragraph_after(view: &Value, question: &str) -> String {
    let paras: Vec<&str> = view["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let at = paras
        .iter()
        .position(|p| p.contains(question))
        .unwrap_or_else(|| panic!("no paragraph {question:?}"));
    paras[at + 1].to_string()
}

/// Re-read the export with vouch: same questions, and every slot now holds
/// what was written.
fn assert_reread(source: &Questionnaire, out: &Path, writes: &[SlotWrite]) -> Questionnaire {
    let again = read(out).unwrap();
    assert_eq!(questions(&again), questions(source));
    let expected: HashMap<&str, &str> = writes
        .iter()
        .map(|w| (w.target.as_str(), w.value.as_str()))
        .collect();
    for item in &again.items {
        for slot in &item.slots {
            if let Some(value) = expected.get(slot.target.as_str()) {
                assert_eq!(
                    slot.existing.as_deref(),
                    Some(*value),
                    "{} {}",
                    item.question,
                    slot.target
                );
            }
        }
    }
    again
}

// ---- fixtures -----------------------------------------------------------

#[test]
fn table_with_header_row_id_column_merges_and_sections() {
    let q = read(&fixture("table-header.docx")).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Is multi-factor authentication enforced for all workforce accounts?",
            "Are user access rights reviewed at least quarterly?",
            "Is customer data encrypted at rest?",
            "Is data in transit protected with TLS 1.2 or higher?",
            "Do you have a documented key management process?",
        ]
    );
    let ids: Vec<_> = q.items.iter().map(|i| i.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["1.1", "1.2", "2.1", "2.2", "2.3"]);
    assert_eq!(
        q.items[1].section.as_deref(),
        Some("Access Control / Identity")
    );
    assert_eq!(
        q.items[4].section.as_deref(),
        Some("Data Protection / Encryption")
    );
    // Response is the choice column, Comments the text column; Assessor Notes is never a slot.
    assert_eq!(q.items[0].location.cell, "t1/r2/c3");
    assert_eq!(
        targets(&q.items[0]),
        [(SlotKind::Choice, "t1/r2/c4"), (SlotKind::Text, "t1/r2/c5")]
    );
    assert_eq!(
        targets(&q.items[2]),
        [(SlotKind::Choice, "t1/r5/c4"), (SlotKind::Text, "t1/r5/c5")]
    );
    assert_eq!(q.items[2].slots[0].existing.as_deref(), Some("Yes"));
    assert!(q.layouts[0]
        .columns
        .iter()
        .any(|c| c.header == "Assessor Notes" && c.role == "never-write"));

    let writes = answer_everything(&q);
    let out = export("table-header.docx", &writes);
    assert_eq!(out.report.written, [("document".to_string(), 10)]);
    assert_other_parts_identical(&fixture("table-header.docx"), &out.path);
    assert_cells_well_formed(&document_xml(&out.path));
    assert_reread(&q, &out.path, &writes);
    let view = python_docx(&out.path);
    let row = row_of(&view, "Are user access rights reviewed");
    assert_eq!(
        row,
        [
            "1.2",
            "Identity",
            "Are user access rights reviewed at least quarterly?",
            "Yes",
            "Answer 2 & <ok>",
            ""
        ]
    );
    let row = row_of(&view, "TLS 1.2");
    assert_eq!(row[3..], ["Yes", "Answer 4 & <ok>", "Reviewed by buyer"]);
    let section = row_of(&view, "Data Protection");
    assert!(
        section.iter().all(|c| c == "Data Protection"),
        "{section:?}"
    );
}

#[test]
fn tables_without_header_gridspan_ids_and_nested_tables() {
    let q = read(&fixture("table-plain.docx")).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Does your organisation maintain an information security policy approved by management?",
            "Describe how security incidents are reported and escalated.",
            "Are employees required to accept an acceptable use policy?",
            "Are firewalls configured to deny all inbound traffic by default?",
            "Is network traffic between environments segmented?",
            "Are security logs retained for at least 12 months?",
        ]
    );
    let ids: Vec<_> = q.items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(
        ids[..3],
        [
            Some("A.1".to_string()),
            Some("A.2".into()),
            Some("A.3".into())
        ]
    );
    // The id cell spans grid columns 1-2, so the question is grid column 3 but cell 2.
    assert_eq!(q.items[0].location.cell, "t1/r1/c3");
    assert_eq!(targets(&q.items[0]), [(SlotKind::Text, "t1/r1/c4")]);
    // Nested tables count in document order: t2 is the outer layout table.
    assert_eq!(targets(&q.items[3]), [(SlotKind::Text, "t3/r1/c2")]);
    assert_eq!(targets(&q.items[5]), [(SlotKind::Text, "t4/r1/c2")]);
    assert_eq!(q.items[4].section.as_deref(), Some("Perimeter"));
    assert_eq!(q.items[5].section.as_deref(), Some("Monitoring"));

    let writes = answer_everything(&q);
    let out = export("table-plain.docx", &writes);
    assert_other_parts_identical(&fixture("table-plain.docx"), &out.path);
    assert_cells_well_formed(&document_xml(&out.path));
    assert_reread(&q, &out.path, &writes);
    let view = python_docx(&out.path);
    assert_eq!(
        row_of(&view, "acceptable use policy")[2..],
        [
            "Are employees required to accept an acceptable use policy?",
            "Answer 3 & <ok>"
        ]
    );
    assert_eq!(row_of(&view, "segmented")[1], "Answer 5 & <ok>");
    assert_eq!(row_of(&view, "12 months")[1], "Answer 6 & <ok>");
}

#[test]
fn numbered_paragraphs_with_every_kind_of_answer_area() {
    let q = read(&fixture("paragraphs.docx")).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Do you have a designated security officer?",
            "Describe your security awareness training programme.",
            "Is a background check performed for new employees?",
            "List the cloud providers that host customer data.",
            "Are backups tested at least annually?",
            "How quickly are critical vulnerabilities patched?",
            "Is there a tested disaster recovery plan?",
            "Do you use a SIEM?",
            "Are backups encrypted?",
        ]
    );
    // The numbered step under "Instructions for submission" is not a question.
    let ids: Vec<_> = q.items.iter().map(|i| i.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "a", "b", "c", "d", "e"]);
    let sections: Vec<_> = q
        .items
        .iter()
        .map(|i| i.section.as_deref().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "Governance",
            "Governance",
            "Governance",
            "Operations",
            "Operations",
            "Operations",
            "Operations",
            "Operations",
            "Operations"
        ]
    );
    let kinds: Vec<_> = q.items.iter().map(|i| targets(i)[0]).collect();
    assert_eq!(
        kinds,
        [
            (SlotKind::Text, "p4"),       // empty paragraph
            (SlotKind::Text, "p6"),       // "Response:" line
            (SlotKind::Text, "sdt:1"),    // block content control
            (SlotKind::Text, "t1/r1/c1"), // one-cell table
            (SlotKind::Text, "p13"),      // "Answer: ____"
            (SlotKind::Text, "sdt:2"),    // inline content control
            (SlotKind::Choice, "sdt:3"),  // dropdown
            (SlotKind::Text, "p17"),      // "...? Answer: ____" on the question's line
            (SlotKind::Text, "p20"),      // after the guidance line "If yes, ..."
        ]
    );
    assert_eq!(q.items[6].slots[0].allowed, ["Yes", "No", "N/A"]);
    assert!(q
        .items
        .iter()
        .all(|i| i.slots.iter().all(|s| s.existing.is_none())));

    let writes = answer_everything(&q);
    let out = export("paragraphs.docx", &writes);
    assert_other_parts_identical(&fixture("paragraphs.docx"), &out.path);
    let xml = document_xml(&out.path);
    assert!(
        !xml.contains("showingPlcHdr"),
        "filled controls still show their placeholder"
    );
    assert!(
        !xml.contains("PlaceholderText"),
        "answers must not keep the placeholder style"
    );
    assert_cells_well_formed(&xml);
    assert_reread(&q, &out.path, &writes);
    let view = python_docx(&out.path);
    assert_eq!(
        paragraph_after(&view, "designated security officer"),
        "Answer 1 & <ok>"
    );
    assert_eq!(
        paragraph_after(&view, "awareness training"),
        "Response: Answer 2 & <ok>"
    );
    assert_eq!(
        paragraph_after(&view, "backups tested"),
        "Answer: Answer 5 & <ok>"
    );
    let paras = view["paragraphs"].as_array().unwrap();
    assert!(
        paras
            .iter()
            .any(|p| p == "d) Do you use a SIEM? Answer: Answer 8 & <ok>"),
        "{paras:?}"
    );
    assert_eq!(
        paragraph_after(&view, "state the algorithm"),
        "Answer 9 & <ok>"
    );
    assert_eq!(row_of(&view, "Answer 4"), ["Answer 4 & <ok>"]);
    // The label stays bold; the answer after it is not.
    let label_at = xml.find("Response:").unwrap();
    let answer_run = &xml[label_at..label_at + xml[label_at..].find("Answer 2").unwrap()];
    assert!(
        answer_run.matches("<w:b ").count() + answer_run.matches("<w:b/>").count() <= 1,
        "{answer_run}"
    );
}

#[test]
fn yes_no_checkboxes_legacy_and_content_controls() {
    let q = read(&fixture("checkboxes.docx")).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Do you hold a current ISO 27001 certification?",
            "Have you completed a SOC 2 Type II audit in the last 12 months?",
            "Do you process personal data on behalf of customers?",
            "Is a data protection officer appointed?",
            "Do you sell personal data to third parties?",
            "Is there a public bug bounty programme?",
            "Who is your security contact?",
        ]
    );
    assert_eq!(
        targets(&q.items[0]),
        [(SlotKind::Choice, "chk:1=Yes;2=No"), (SlotKind::Text, "p3")]
    );
    assert_eq!(
        targets(&q.items[1]),
        [(SlotKind::Choice, "chk:3=Yes;4=No"), (SlotKind::Text, "p6")]
    );
    assert_eq!(
        targets(&q.items[2]),
        [(SlotKind::Choice, "chk:5=Yes;6=No;7=N/A")]
    );
    assert_eq!(
        q.items[3].slots[0].existing.as_deref(),
        Some("No"),
        "pre-ticked w14 box"
    );
    assert_eq!(
        targets(&q.items[4]),
        [
            (SlotKind::Choice, "chk:11=Yes;12=No"),
            (SlotKind::Text, "t2/r2/c3")
        ]
    );
    // "...? Answer: [ ] Yes [ ] No" on one line: the boxes, not the label, answer it.
    assert_eq!(
        targets(&q.items[5]),
        [(SlotKind::Choice, "chk:13=Yes;14=No")]
    );
    assert_eq!(q.items[5].id.as_deref(), Some("3"));
    // A legacy text form field (FORMTEXT) after the question.
    assert_eq!(targets(&q.items[6]), [(SlotKind::Text, "fld:1")]);
    for item in &q.items[..6] {
        assert_eq!(item.slots[0].allowed[..2], ["Yes", "No"]);
    }

    // Answer Yes everywhere except item 4, which flips from No to N/A.
    let mut writes = answer_everything(&q);
    for w in writes.iter_mut().filter(|w| w.item == 3) {
        w.value = "N/A".into();
    }
    let out = export("checkboxes.docx", &writes);
    assert_other_parts_identical(&fixture("checkboxes.docx"), &out.path);
    let again = assert_reread(&q, &out.path, &writes);
    let chosen: Vec<_> = again
        .items
        .iter()
        .map(|i| i.slots[0].existing.as_deref().unwrap())
        .collect();
    assert_eq!(
        chosen,
        ["Yes", "Yes", "Yes", "N/A", "Yes", "Yes", "Answer 7 & <ok>"]
    );
    let xml = document_xml(&out.path);
    // Legacy boxes 1, 3 and 13 ticked with w:checked; w14 boxes show the checked glyph.
    assert_eq!(xml.matches("<w:checked/>").count(), 3);
    assert_eq!(xml.matches(r#"<w14:checked w14:val="1"/>"#).count(), 3);
    assert_eq!(
        xml.matches('\u{2612}').count(),
        3,
        "one ☒ per ticked w14 box"
    );
    let view = python_docx(&out.path);
    assert_eq!(
        paragraph_after(&view, "ISO 27001"),
        "Comments: Answer 1 & <ok>"
    );
    assert_eq!(row_of(&view, "sell personal data")[2], "Answer 5 & <ok>");
    let paras = view["paragraphs"].as_array().unwrap();
    assert!(
        paras
            .iter()
            .any(|p| p == "4. Who is your security contact? Answer 7 & <ok>"),
        "{paras:?}"
    );
}

#[test]
fn tracked_changes_bookmarks_and_fields_read_as_plain_text_and_survive_export() {
    let source = fixture("tracked-changes.docx");
    let q = read(&source).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Do you regularly perform penetration tests?",
            "Is anti-malware deployed on all endpoints?",
            "Does Acme Corp rotate encryption keys?",
            "Is the Platform monitored 24/7?",
            "Do you keep an inventory of information assets?",
        ]
    );
    // The only text in the fourth answer cell is a tracked deletion: not an answer.
    assert_eq!(q.items[3].slots[0].existing, None);
    assert_eq!(targets(&q.items[4]), [(SlotKind::Text, "p14")]);

    let writes = answer_everything(&q);
    let out = export("tracked-changes.docx", &writes);
    assert_other_parts_identical(&source, &out.path);
    assert_reread(&q, &out.path, &writes);
    let (before, after) = (document_xml(&source), document_xml(&out.path));
    for revision in [
        "<w:ins ",
        "<w:del ",
        "<w:bookmarkStart ",
        "<w:bookmarkEnd ",
        "<w:proofErr ",
        "<w:fldSimple ",
        "<w:instrText ",
    ] {
        assert_eq!(
            before.matches(revision).count(),
            after.matches(revision).count(),
            "{revision}"
        );
    }
    assert!(
        after.contains("We do not."),
        "the tracked deletion in the answer cell is kept"
    );
    // python-docx skips runs inside w:ins, so find the answer line itself.
    let view = python_docx(&out.path);
    assert!(view["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "Response: Answer 5 & <ok>"));
}

#[test]
fn header_footer_and_images_export_without_loss() {
    let source = fixture("header-footer-images.docx");
    let q = read(&source).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Do you have a vulnerability management program?",
            "Are third-party vendors assessed for security risk?",
            "Is there a documented incident response plan?",
        ]
    );
    let ids: Vec<_> = q.items.iter().map(|i| i.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(targets(&q.items[2]), [(SlotKind::Text, "t1/r4/c3")]);

    let writes = answer_everything(&q);
    let out = export("header-footer-images.docx", &writes);
    assert_other_parts_identical(&source, &out.path);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out.path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    assert!(
        names.iter().any(|n| n.starts_with("word/header")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("word/footer")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("word/media/")),
        "{names:?}"
    );
    let mut header = String::new();
    let header_name = names
        .iter()
        .find(|n| n.starts_with("word/header"))
        .unwrap()
        .clone();
    zip.by_name(&header_name)
        .unwrap()
        .read_to_string(&mut header)
        .unwrap();
    assert!(header.contains("Acme Buyer Inc."));
    // The images' references in the body are untouched.
    let (before, after) = (document_xml(&source), document_xml(&out.path));
    assert_eq!(
        before.matches("r:embed=").count(),
        after.matches("r:embed=").count()
    );
    // Answers replace the "[Insert response]" placeholders and take their look.
    assert_eq!(before.matches("[Insert response]").count(), 3);
    assert!(!after.contains("[Insert response]"));
    for i in 1..=3 {
        let at = after.find(&format!("Answer {i} &amp;")).unwrap();
        let run = &after[after[..at].rfind("<w:r>").unwrap()..at];
        assert!(
            run.contains(r#"w:ascii="Arial""#)
                && run.contains("1F4E79")
                && run.contains(r#"<w:sz w:val="18""#),
            "{run}"
        );
    }
    let view = python_docx(&out.path);
    assert_eq!(
        row_of(&view, "incident response plan"),
        [
            "3",
            "Is there a documented incident response plan?",
            "Answer 3 & <ok>"
        ]
    );
}

// ---- writer details -------------------------------------------------------

fn one_write(target: &str, kind: SlotKind, value: &str) -> SlotWrite {
    SlotWrite {
        item: 0,
        sheet: "document".into(),
        target: target.into(),
        kind,
        value: value.into(),
    }
}

#[test]
fn a_choice_and_a_text_for_one_answer_area_become_one_answer() {
    let writes = [
        one_write("t1/r2/c3", SlotKind::Choice, "Yes"),
        one_write(
            "t1/r2/c3",
            SlotKind::Text,
            "Scanned weekly\nwith an authenticated scanner.\u{1}",
        ),
    ];
    let out = export("header-footer-images.docx", &writes);
    assert_eq!(out.report.written, [("document".to_string(), 1)]);
    let view = python_docx(&out.path);
    // Two lines become two paragraphs in the cell; the control character is dropped.
    assert_eq!(
        row_of(&view, "vulnerability management")[2],
        "Yes. Scanned weekly\nwith an authenticated scanner."
    );
    assert_cells_well_formed(&document_xml(&out.path));
}

#[test]
fn writes_that_cannot_apply_are_reported_not_fatal() {
    let writes = [
        one_write("chk:1=Yes;2=No", SlotKind::Choice, "Partial"),
        one_write("t9/r1/c1", SlotKind::Text, "x"),
        one_write("A1", SlotKind::Text, "x"),
        one_write("p6", SlotKind::Text, "Fine"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.docx");
    let report = write(&fixture("checkboxes.docx"), &writes, &out).unwrap();
    assert_eq!(report.written, [("document".to_string(), 1)]);
    assert_eq!(report.notes.len(), 3, "{:?}", report.notes);
    assert!(report.notes[0].contains("Partial"), "{:?}", report.notes);
    let again = read(&out).unwrap();
    assert_eq!(again.items[1].slots[1].existing.as_deref(), Some("Fine"));
}

#[test]
fn refuses_to_overwrite_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("q.docx");
    std::fs::copy(fixture("table-header.docx"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let err = write(
        &copy,
        &[one_write("t1/r2/c4", SlotKind::Choice, "Yes")],
        &copy,
    )
    .unwrap_err();
    assert!(err.to_string().contains("refusing to overwrite"), "{err}");
    assert_eq!(std::fs::read(&copy).unwrap(), before);
}

// ---- errors -------------------------------------------------------------

/// A zip with the given entries.
fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn read_error(name: &str, bytes: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let err = vouch::formats::read(&path).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(name),
        "error should name the file: {message}"
    );
    assert!(!message.contains('\n'), "one line: {message}");
    let hint = vouch::error::find_hint(&err).expect("a hint").to_string();
    (message, hint)
}

const OLE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn ole_file(stream: &str) -> Vec<u8> {
    let mut bytes = OLE.to_vec();
    bytes.resize(512, 0);
    bytes.extend(stream.encode_utf16().flat_map(|u| u.to_le_bytes()));
    bytes.resize(2048, 0);
    bytes
}

#[test]
fn encrypted_document() {
    let (message, hint) = read_error("secret.docx", &ole_file("EncryptedPackage"));
    assert!(message.contains("password-protected"), "{message}");
    assert!(hint.contains("remove the password"), "{hint}");
}

#[test]
fn old_binary_word_document() {
    let (message, hint) = read_error("legacy.docx", &ole_file("WordDocument"));
    assert!(message.contains(".doc"), "{message}");
    assert!(hint.contains("save it as .docx"), "{hint}");
    let (message, hint) = read_error("legacy.doc", &ole_file("WordDocument"));
    assert!(message.contains("old binary Word document"), "{message}");
    assert!(hint.contains(".docx"), "{hint}");
}

#[test]
fn corrupt_zip() {
    let whole = std::fs::read(fixture("table-header.docx")).unwrap();
    let (message, hint) = read_error("truncated.docx", &whole[..whole.len() / 2]);
    assert!(message.contains("corrupt zip"), "{message}");
    assert!(hint.contains("re-save"), "{hint}");
    let (message, _) = read_error("text.docx", b"just some text");
    assert!(message.contains("not a DOCX"), "{message}");
    let (message, _) = read_error(
        "empty-zip.docx",
        &zip_with(&[("[Content_Types].xml", b"<Types/>")]),
    );
    assert!(message.contains("no word/document.xml"), "{message}");
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

#[test]
fn no_questions_found_says_what_was_searched_for() {
    let xml = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>Dear vendor, thank you.</w:t></w:r></w:p><w:p/></w:body></w:document>"#
    );
    let (message, hint) = read_error(
        "letter.docx",
        &zip_with(&[("word/document.xml", xml.as_bytes())]),
    );
    assert!(message.contains("no questions found"), "{message}");
    for searched in [
        "question column",
        "numbered",
        "Response:",
        "content control",
        "one-cell table",
        "checkboxes",
    ] {
        assert!(hint.contains(searched), "hint lacks {searched}: {hint}");
    }
}

#[test]
fn dtd_is_refused() {
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY lol "lol">]><w:document {W}><w:body><w:p><w:r><w:t>&lol;?</w:t></w:r></w:p></w:body></w:document>"#
    );
    let (message, hint) = read_error(
        "dtd.docx",
        &zip_with(&[("word/document.xml", xml.as_bytes())]),
    );
    assert!(message.contains("DTD"), "{message}");
    assert!(hint.contains("re-save"), "{hint}");
}

#[test]
fn zip_bomb_is_refused() {
    let mut xml = format!(r#"<?xml version="1.0"?><w:document {W}><w:body>"#).into_bytes();
    xml.resize(vouch::formats::docx::MAX_PART_BYTES as usize + 16, b' ');
    let bomb = zip_with(&[("word/document.xml", &xml)]);
    assert!(
        bomb.len() < 1024 * 1024,
        "the bomb is small: {}",
        bomb.len()
    );
    let (message, hint) = read_error("bomb.docx", &bomb);
    assert!(message.contains("unpacks to more than 64 MiB"), "{message}");
    assert!(hint.contains("zip bomb"), "{hint}");
}

// ---- LibreOffice ------------------------------------------------------------

/// Every fixture, fully answered, opens in LibreOffice Writer: it converts
/// to PDF, and its text export shows every text answer.
#[test]
fn exports_open_in_libreoffice() {
    const FIXTURES: [&str; 6] = [
        "table-header.docx",
        "table-plain.docx",
        "paragraphs.docx",
        "checkboxes.docx",
        "tracked-changes.docx",
        "header-footer-images.docx",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    let mut expected = Vec::new();
    for name in FIXTURES {
        let q = read(&fixture(name)).unwrap();
        let writes = answer_everything(&q);
        let out = dir.path().join(name);
        let report = write(&fixture(name), &writes, &out).unwrap();
        assert!(report.notes.is_empty(), "{name}: {:?}", report.notes);
        let texts: Vec<String> = writes
            .iter()
            .filter(|w| w.kind == SlotKind::Text)
            .map(|w| w.value.clone())
            .collect();
        expected.push((name, texts));
        outputs.push(out);
    }
    let outputs: Vec<&Path> = outputs.iter().map(PathBuf::as_path).collect();
    let soffice =
        |format: &str, outdir: &Path| soffice_convert(dir.path(), format, outdir, &outputs);
    let pdf_dir = dir.path().join("pdf");
    soffice("pdf", &pdf_dir);
    let txt_dir = dir.path().join("txt");
    soffice("txt:Text", &txt_dir);
    for (name, texts) in expected {
        let pdf = std::fs::read(pdf_dir.join(name.replace(".docx", ".pdf"))).unwrap_or_default();
        assert!(
            pdf.starts_with(b"%PDF") && pdf.len() > 1000,
            "{name}: no PDF from LibreOffice"
        );
        let txt = std::fs::read_to_string(txt_dir.join(name.replace(".docx", ".txt")))
            .unwrap_or_default();
        assert!(!texts.is_empty(), "{name}");
        for text in texts {
            assert!(
                txt.contains(&text),
                "{name}: LibreOffice does not show {text:?}:\n{txt}"
            );
        }
    }
}

/// Hand-written XML in shapes docx-rs never produces: self-closing answer
/// paragraphs and content, a cell with no paragraph, a foreign prefix.
#[test]
fn degenerate_answer_areas_are_filled_validly() {
    let xml = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body>"#,
        r#"<x:p><x:r><x:rPr><x:i/></x:rPr><x:t>1. Do you rotate keys?</x:t></x:r></x:p><x:p/>"#,
        r#"<x:tbl><x:tr><x:tc><x:p><x:r><x:t>Is MFA enforced for administrators?</x:t></x:r></x:p></x:tc>"#,
        r#"<x:tc><x:tcPr><x:tcW x:w="100" x:type="dxa"/></x:tcPr></x:tc></x:tr></x:tbl>"#,
        r#"<x:p><x:r><x:t xml:space="preserve">2. Do you log access? </x:t></x:r>"#,
        r#"<x:sdt><x:sdtPr><x:showingPlcHdr/><x:dataBinding x:xpath="/r/a" x:storeItemID="{1}"/></x:sdtPr><x:sdtContent/></x:sdt></x:p>"#,
        r#"</x:body></x:document>"#
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("odd.docx");
    std::fs::write(&src, zip_with(&[("word/document.xml", xml.as_bytes())])).unwrap();
    let q = read(&src).unwrap();
    assert_eq!(
        questions(&q),
        [
            "Do you rotate keys?",
            "Is MFA enforced for administrators?",
            "Do you log access?"
        ]
    );
    assert_eq!(targets(&q.items[0]), [(SlotKind::Text, "p2")]);
    assert_eq!(targets(&q.items[1]), [(SlotKind::Text, "t1/r1/c2")]);
    assert_eq!(targets(&q.items[2]), [(SlotKind::Text, "sdt:1")]);

    let writes: Vec<SlotWrite> = q
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| one_write(&item.slots[0].target, SlotKind::Text, &format!("Yes <{i}>")))
        .collect();
    let out = dir.path().join("odd.completed.docx");
    let report = write(&src, &writes, &out).unwrap();
    assert_eq!(report.written, [("document".to_string(), 3)]);
    let patched = document_xml(&out);
    // The empty paragraph has no formatting of its own: its style applies
    // (the question's italics are not copied into the answer).
    assert!(
        patched.contains(r#"<x:p><x:r><x:t xml:space="preserve">Yes &lt;0&gt;</x:t></x:r></x:p>"#),
        "{patched}"
    );
    assert!(patched.contains(r#"<x:tcPr><x:tcW x:w="100" x:type="dxa"/></x:tcPr><x:p><x:r><x:t xml:space="preserve">Yes &lt;1&gt;</x:t></x:r></x:p></x:tc>"#), "{patched}");
    assert!(!patched.contains("showingPlcHdr"));
    assert!(
        !patched.contains("dataBinding"),
        "a bound control would show the bound value"
    );
    let again = read(&out).unwrap();
    let existing: Vec<_> = again
        .items
        .iter()
        .map(|i| i.slots[0].existing.as_deref().unwrap())
        .collect();
    assert_eq!(existing, ["Yes <0>", "Yes <1>", "Yes <2>"]);
}

// ---- end to end through the CLI -------------------------------------------

/// `vouch import x.docx && vouch export x.review.json --include-unreviewed`
/// on every fixture: the completed copy carries answers, keeps every other
/// part byte-identical, leaves the source untouched, and opens in
/// LibreOffice.
#[test]
fn cli_import_then_export_every_fixture() {
    let vouch = env!("CARGO_BIN_EXE_vouch");
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        run_ok(
            Command::new(vouch).args(args).current_dir(dir.path()),
            "vouch",
        );
    };
    let filled = |q: &Questionnaire| {
        q.items
            .iter()
            .flat_map(|i| &i.slots)
            .filter(|s| s.existing.is_some())
            .count()
    };
    let mut completed = Vec::new();
    for name in [
        "table-header.docx",
        "table-plain.docx",
        "paragraphs.docx",
        "checkboxes.docx",
        "tracked-changes.docx",
        "header-footer-images.docx",
    ] {
        let source = dir.path().join(name);
        std::fs::copy(fixture(name), &source).unwrap();
        let original = std::fs::read(&source).unwrap();
        run(&["import", name]);
        let review = name.replace(".docx", ".review.json");
        assert!(dir.path().join(&review).is_file(), "{review}");
        run(&["export", &review, "--include-unreviewed"]);
        let out = dir.path().join(name.replace(".docx", ".completed.docx"));
        assert_eq!(
            std::fs::read(&source).unwrap(),
            original,
            "{name}: the source was modified"
        );
        assert_other_parts_identical(&source, &out);
        let (before, after) = (read(&source).unwrap(), read(&out).unwrap());
        assert_eq!(questions(&before), questions(&after), "{name}");
        assert!(
            filled(&after) > filled(&before),
            "{name}: no answers written"
        );
        completed.push(out);
    }
    let completed: Vec<&Path> = completed.iter().map(PathBuf::as_path).collect();
    soffice_convert(dir.path(), "pdf", &dir.path().join("pdf"), &completed);
    for out in &completed {
        let pdf = dir
            .path()
            .join("pdf")
            .join(out.file_name().unwrap())
            .with_extension("pdf");
        assert!(
            std::fs::read(&pdf).unwrap_or_default().starts_with(b"%PDF"),
            "{}",
            pdf.display()
        );
    }
}

/// One answer box merged down (vMerge) over two questions: both questions
/// get it as their slot, and both answers land in it.
#[test]
fn questions_sharing_a_merged_answer_cell() {
    let cell = |text: &str, merge: &str| {
        format!(r#"<w:tc><w:tcPr>{merge}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"#)
    };
    let restart = r#"<w:vMerge w:val="restart"/>"#;
    let rows = [
        format!(
            "<w:tr>{}{}</w:tr>",
            cell("Question", ""),
            cell("Response", "")
        ),
        format!(
            "<w:tr>{}{}</w:tr>",
            cell("Are logs centralised?", ""),
            cell("", restart)
        ),
        format!(
            "<w:tr>{}{}</w:tr>",
            cell("Are logs reviewed daily?", ""),
            cell("", "<w:vMerge/>")
        ),
        format!(
            "<w:tr>{}{}</w:tr>",
            cell("Are alerts triaged?", ""),
            cell("", "")
        ),
    ];
    let xml = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body><w:tbl>{}</w:tbl></w:body></w:document>"#,
        rows.concat()
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("merged.docx");
    std::fs::write(&src, zip_with(&[("word/document.xml", xml.as_bytes())])).unwrap();
    let q = read(&src).unwrap();
    let slots: Vec<_> = q.items.iter().map(|i| targets(i)[0].1).collect();
    assert_eq!(slots, ["t1/r2/c2", "t1/r2/c2", "t1/r4/c2"]);
    assert!(
        q.warnings
            .iter()
            .any(|w| w.contains("t1/r3/c2") && w.contains("row 2")),
        "{:?}",
        q.warnings
    );
    let writes = answer_everything(&q);
    let out = dir.path().join("merged.completed.docx");
    let report = write(&src, &writes, &out).unwrap();
    assert_eq!(report.written, [("document".to_string(), 2)]);
    let again = read(&out).unwrap();
    assert_eq!(
        again.items[0].slots[0].existing.as_deref(),
        Some("Answer 1 & <ok> Answer 2 & <ok>")
    );
    assert_eq!(
        again.items[2].slots[0].existing.as_deref(),
        Some("Answer 3 & <ok>")
    );
}

/// A questionnaire that styles each question as a heading: found on the
/// second pass, which reads headings ending in "?" as questions.
#[test]
fn questions_styled_as_headings() {
    let heading = |text: &str| {
        format!(
            r#"<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    };
    let xml = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body>{}{}<w:p/>{}<w:p/></w:body></w:document>"#,
        heading("Encryption"),
        heading("Is data encrypted at rest?"),
        heading("Are keys rotated yearly?"),
    );
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("headings.docx");
    std::fs::write(&src, zip_with(&[("word/document.xml", xml.as_bytes())])).unwrap();
    let q = read(&src).unwrap();
    assert_eq!(
        questions(&q),
        ["Is data encrypted at rest?", "Are keys rotated yearly?"]
    );
    assert_eq!(q.items[1].section.as_deref(), Some("Encryption"));
    assert_eq!(targets(&q.items[1]), [(SlotKind::Text, "p5")]);
}
