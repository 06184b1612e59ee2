//! Import: layout detection on real questionnaires, on the synthetic
//! fixtures (`cargo run --example make-fixtures`), bad inputs, and the CLI.
//!
//! The real files live in `../shared/questionnaires` (licensed for local
//! testing only, never copied into the repository). Item counts vouch
//! detects on every one of them, and how each count was verified:
//!
//! | file | items | verified by |
//! |---|---|---|
//! | csa-caiq-v4.0.3-blank.xlsx | 261 | CSA states 261 questions; one per `A&A-01.1`-style ID in column A |
//! | csa-caiq-v4.0.3-completed-whitepact.xlsx | 261 | same template; SOURCES.md counts 107 Yes + 122 No + 32 NA = 261 answers, all prefilled |
//! | csa-caiq-v4.1-283q-flat-snapdocs.xlsx | 283 | SOURCES.md: 283 questions, one per row; bare list, so planned answer columns |
//! | csa-ccm-v4.0.12-with-caiq.xlsx | 261 | the `CAIQ` sheet lists the 261 CAIQ v4.0.3 questions (IDs in column E); CCM sheets hold control statements, not questions |
//! | hecvat-4.1.4-full-blank.xlsx | 331 | ID rows on the 8 vendor tabs (376) minus the 45 whose answer cell is a formula, counted with openpyxl |
//! | hecvat-4.1.2-completed-vectorsolutions-targetsolutions.xlsx | 331 | same template as 4.1.4: 376 ID rows on the vendor tabs minus 45 formula answers (openpyxl); answers kept as prefilled |
//! | hecvat-full-v3.06-blank.xlsx | 255 | SOURCES.md: 255 ID rows on `HECVAT - Full \| Vendor Response`; none has a formula answer (openpyxl) |
//! | hecvat-lite-v2.11-blank.xlsx | 74 | SOURCES.md: 74 ID rows on `HECVAT - Lite` (openpyxl agrees) |
//! | hecvat-triage-v2.10-blank.xlsx | 38 | SOURCES.md: 38 ID rows on `HECVAT - Triage` (openpyxl agrees) |
//! | sig-755q-flat-snapdocs.csv | 755 | SOURCES.md: 755 SIG questions, one per record |
//! | sig-755q-flat-snapdocs.xlsx | 755 | the same list as XLSX |
//! | cisa-ict-scrm-vendor-template-ciso-assistant-format.xlsx | 255 | SOURCES.md: 255 questions in `questionnaire_content`, one per ref_id; its `answer` column holds type codes (TXT, YNANA), so answer columns are planned |
//! | meridian-lms-crm-nist-800-53-rev5-completed.xlsx | 47 | not a questionnaire: the CRM tabs hold control statements (no question column); `App Security Controls` phrases 47 configuration settings as questions ("Does the system support proxy login?"), imported as a bare list with planned columns |
//!
//! `json-vsaq/*.json` are Google VSAQ JSON definitions, not a format vouch
//! imports; they get the "unsupported file type" error.

mod common;

use common::shared;
use std::path::{Path, PathBuf};
use vouch::formats;
use vouch::questionnaire::{Item, Questionnaire, SlotKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn read(path: &Path) -> Questionnaire {
    formats::read(path).unwrap_or_else(|e| panic!("{} failed: {e:#}", path.display()))
}

fn col(target: &str) -> String {
    target
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect()
}

fn row_of(target: &str) -> u32 {
    target
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(0)
}

fn slot<'a>(item: &'a Item, column: &str) -> Option<&'a vouch::questionnaire::AnswerSlot> {
    item.slots.iter().find(|s| col(&s.target) == column)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn count_on(q: &Questionnaire, sheet: &str) -> usize {
    q.items.iter().filter(|i| i.location.sheet == sheet).count()
}

// ---------------------------------------------------------------- CAIQ

#[test]
fn caiq_blank_has_261_items_with_three_slots() {
    let q = read(&shared("csa-caiq-v4.0.3-blank.xlsx"));
    assert_eq!(q.items.len(), 261);
    assert_eq!(q.items[0].id.as_deref(), Some("A&A-01.1"));
    assert!(q.items[0]
        .question
        .starts_with("Are audit and assurance policies"));
    let ssrm = strings(&[
        "CSP-owned",
        "CSC-owned",
        "3rd-party outsourced",
        "Shared CSP and CSC",
        "Shared CSP and 3rd-party",
    ]);
    for item in &q.items {
        let id = item.id.as_deref().unwrap_or("");
        assert!(id.contains('-') && id.contains('.'), "id {id}");
        assert_eq!(item.location.sheet, "CAIQv4.0.3");
        let c = slot(item, "C").unwrap_or_else(|| panic!("{id}: no C slot"));
        assert_eq!(c.kind, SlotKind::Choice);
        assert_eq!(c.allowed, strings(&["Yes", "No", "NA"]));
        let d = slot(item, "D").unwrap_or_else(|| panic!("{id}: no D slot"));
        assert_eq!(d.kind, SlotKind::Choice);
        assert_eq!(d.allowed, ssrm);
        let e = slot(item, "E").unwrap_or_else(|| panic!("{id}: no E slot"));
        assert_eq!(e.kind, SlotKind::Text);
        for s in &item.slots {
            assert!(
                !["I", "J", "K", "L"].contains(&col(&s.target).as_str()),
                "{id}: slot {}",
                s.target
            );
            assert_eq!(row_of(&s.target), item.location.row);
            assert!(!s.planned && s.existing.is_none());
        }
    }
}

#[test]
fn caiq_completed_keeps_existing_answers() {
    let q = read(&shared("csa-caiq-v4.0.3-completed-whitepact.xlsx"));
    assert_eq!(q.items.len(), 261);
    let answers: Vec<&str> = q
        .items
        .iter()
        .filter_map(|i| slot(i, "C").and_then(|s| s.existing.as_deref()))
        .collect();
    assert_eq!(answers.iter().filter(|a| **a == "Yes").count(), 107);
    assert_eq!(answers.iter().filter(|a| **a == "No").count(), 122);
    assert_eq!(answers.iter().filter(|a| **a == "NA").count(), 32);
    assert!(q.items.iter().all(Item::has_existing_answer));
}

// ---------------------------------------------------------------- HECVAT

const HECVAT_TABS: &[(&str, usize)] = &[
    ("START HERE", 22),
    ("Organization", 43),
    ("Product", 41),
    ("Infrastructure", 51),
    ("IT Accessibility", 18),
    ("Case-Specific", 60),
    ("AI", 31),
    ("Privacy", 65),
];

#[test]
fn hecvat_414_has_331_items_on_the_vendor_tabs() {
    let q = read(&shared("hecvat-4.1.4-full-blank.xlsx"));
    assert_eq!(q.items.len(), 331);
    for (tab, n) in HECVAT_TABS {
        assert_eq!(count_on(&q, tab), *n, "tab {tab}");
    }
    for layout in &q.layouts {
        let vendor_tab = HECVAT_TABS.iter().any(|(t, _)| *t == layout.sheet);
        assert_eq!(
            layout.skipped.is_none(),
            vendor_tab,
            "sheet {}",
            layout.sheet
        );
    }
    for skipped in [
        "Institution Evaluation",
        "High-Risk Evaluation",
        "Questions",
        "Auto Responses",
    ] {
        assert_eq!(count_on(&q, skipped), 0);
    }
    for item in &q.items {
        let id = item
            .id
            .as_deref()
            .unwrap_or_else(|| panic!("no id at {:?}", item.location));
        assert!(id.len() == 7 && id.as_bytes()[4] == b'-', "id {id}");
        assert!(!item.question.is_empty() && !item.question.starts_with('='));
        for s in &item.slots {
            let c = col(&s.target);
            assert!(
                c == "C" || c == "D",
                "{id}: slot in {c} (Guidance/Analyst Notes are E/F)"
            );
            assert_eq!(row_of(&s.target), item.location.row);
        }
    }
}

#[test]
fn hecvat_414_question_text_from_cached_formulas_and_x14_dropdowns() {
    let q = read(&shared("hecvat-4.1.4-full-blank.xlsx"));
    let aign = q
        .items
        .iter()
        .find(|i| i.id.as_deref() == Some("AIGN-01"))
        .expect("AIGN-01");
    assert_eq!(aign.location.sheet, "AI");
    assert_eq!(aign.location.cell, "B23");
    assert!(
        aign.question.starts_with("Does your solution have an AI"),
        "{}",
        aign.question
    );
    let c = slot(aign, "C").expect("answer slot C");
    assert_eq!(c.kind, SlotKind::Choice);
    assert_eq!(c.allowed, strings(&["Yes", "No"]));
    assert_eq!(slot(aign, "D").map(|s| s.kind), Some(SlotKind::Text));
    // AIGN-02 has a three-value list ('Auto Responses'!$J$3:$J$5).
    let aign2 = q
        .items
        .iter()
        .find(|i| i.id.as_deref() == Some("AIGN-02"))
        .expect("AIGN-02");
    let allowed = slot(aign2, "C")
        .map(|s| s.allowed.clone())
        .unwrap_or_default();
    assert_eq!(allowed.len(), 3, "{allowed:?}");
    assert_eq!(allowed[..2], strings(&["Yes", "No"]));
    // AIGN-04 ("Please describe ...") has no dropdown: free text in C, and
    // D says "This cell should be left blank".
    let aign4 = q
        .items
        .iter()
        .find(|i| i.id.as_deref() == Some("AIGN-04"))
        .expect("AIGN-04");
    assert_eq!(aign4.slots.len(), 1);
    assert_eq!(aign4.slots[0].kind, SlotKind::Text);
    assert_eq!(aign4.section.as_deref(), Some("General AI Questions"));
    // Rows answered by formula from START HERE are not items on other tabs.
    let gnrl: Vec<&str> = q
        .items
        .iter()
        .filter(|i| i.id.as_deref().is_some_and(|id| id.starts_with("GNRL")))
        .map(|i| i.location.sheet.as_str())
        .collect();
    assert!(gnrl.iter().all(|s| *s == "START HERE"), "{gnrl:?}");
    assert_eq!(gnrl.len(), 9);
    // Most vendor questions get the dropdown.
    let with_list = q
        .items
        .iter()
        .filter(|i| slot(i, "C").is_some_and(|s| !s.allowed.is_empty()))
        .count();
    assert!(with_list > 250, "{with_list} items with dropdown values");
}

// ---------------------------------------------------------------- SIG

#[test]
fn sig_csv_has_755_items_with_planned_columns() {
    let q = read(&shared("sig-755q-flat-snapdocs.csv"));
    assert_eq!(q.items.len(), 755);
    assert_eq!(q.items[0].id.as_deref(), Some("A.1"));
    assert_eq!(q.items[0].location.row, 2);
    assert!(q
        .items
        .iter()
        .any(|i| i.section.as_deref() == Some("O. Environ, Social, Gov (ESG)")));
    for item in &q.items {
        assert_eq!(item.slots.len(), 2);
        assert!(item.slots.iter().all(|s| s.planned));
        let (choice, text) = (&item.slots[0], &item.slots[1]);
        assert_eq!((choice.kind, text.kind), (SlotKind::Choice, SlotKind::Text));
        assert_eq!(choice.target, format!("E{}", item.location.row));
        assert_eq!(text.target, format!("F{}", item.location.row));
        assert_eq!(choice.allowed, strings(&["Yes", "No", "N/A"]));
    }
}

#[test]
fn sig_xlsx_matches_the_csv() {
    let csv = read(&shared("sig-755q-flat-snapdocs.csv"));
    let xlsx = read(&shared("sig-755q-flat-snapdocs.xlsx"));
    assert_eq!(xlsx.items.len(), 755);
    for (a, b) in csv.items.iter().zip(&xlsx.items) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.question, b.question);
        assert_eq!(a.slots[0].target, b.slots[0].target);
    }
}

// ---------------------------------------------------------------- every other file

#[test]
fn every_other_real_file_imports_with_the_documented_count() {
    let expected: &[(&str, usize)] = &[
        ("csa-caiq-v4.1-283q-flat-snapdocs.xlsx", 283),
        ("csa-ccm-v4.0.12-with-caiq.xlsx", 261),
        (
            "hecvat-4.1.2-completed-vectorsolutions-targetsolutions.xlsx",
            HECVAT_412,
        ),
        ("hecvat-full-v3.06-blank.xlsx", HECVAT_306),
        ("hecvat-lite-v2.11-blank.xlsx", HECVAT_LITE),
        ("hecvat-triage-v2.10-blank.xlsx", HECVAT_TRIAGE),
        (
            "cisa-ict-scrm-vendor-template-ciso-assistant-format.xlsx",
            CISA,
        ),
        ("meridian-lms-crm-nist-800-53-rev5-completed.xlsx", 47),
    ];
    for (name, n) in expected {
        let q = read(&shared(name));
        assert_eq!(q.items.len(), *n, "{name}");
        for item in &q.items {
            assert!(!item.question.trim().is_empty(), "{name}: empty question");
        }
    }
}

const HECVAT_412: usize = 331;
const HECVAT_306: usize = 255;
const HECVAT_LITE: usize = 74;
const HECVAT_TRIAGE: usize = 38;
const CISA: usize = 255;

// ---------------------------------------------------------------- fixtures

#[test]
fn fixture_sections_merged_titles_sections_and_prefilled_answers() {
    let q = read(&fixture("xlsx/sections.xlsx"));
    assert_eq!(q.items.len(), 8);
    let ids: Vec<&str> = q.items.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(
        ids,
        ["AC-1", "AC-2", "AC-3", "DP-1", "DP-2", "DP-3", "IR-1", "IR-2"]
    );
    assert_eq!(q.items[0].section.as_deref(), Some("Access Control"));
    assert_eq!(q.items[3].section.as_deref(), Some("Data Protection"));
    assert_eq!(q.items[7].section.as_deref(), Some("Incident Response"));
    for item in &q.items {
        assert_eq!(item.slots.len(), 2, "{:?}", item.id);
        let c = slot(item, "C").expect("C");
        assert_eq!(
            (c.kind, c.allowed.clone()),
            (SlotKind::Choice, strings(&["Yes", "No", "N/A"]))
        );
        assert_eq!(slot(item, "D").map(|s| s.kind), Some(SlotKind::Text));
        assert!(slot(item, "E").is_none(), "Reviewer Notes is the buyer's");
    }
    let prefilled: Vec<&str> = q
        .items
        .iter()
        .filter(|i| i.has_existing_answer())
        .filter_map(|i| i.id.as_deref())
        .collect();
    assert_eq!(prefilled, ["AC-1", "DP-1"]);
    assert_eq!(
        slot(&q.items[0], "C").and_then(|s| s.existing.as_deref()),
        Some("Yes")
    );
}

#[test]
fn fixture_xls_and_ods_copies_find_the_same_items() {
    let xlsx = read(&fixture("xlsx/sections.xlsx"));
    for copy in ["xlsx/sections.xls", "xlsx/sections.ods"] {
        let q = read(&fixture(copy));
        assert_eq!(q.items.len(), xlsx.items.len(), "{copy}");
        for (a, b) in xlsx.items.iter().zip(&q.items) {
            assert_eq!(
                (&a.id, &a.question, &a.section),
                (&b.id, &b.question, &b.section),
                "{copy}"
            );
            let targets = |i: &Item| {
                i.slots
                    .iter()
                    .map(|s| (s.target.clone(), s.kind))
                    .collect::<Vec<_>>()
            };
            assert_eq!(targets(a), targets(b), "{copy}");
            assert_eq!(a.has_existing_answer(), b.has_existing_answer(), "{copy}");
            // ODS keeps the dropdown lists (content.xml); XLS has none
            // calamine can read.
            if copy.ends_with(".ods") {
                let allowed = |i: &Item| {
                    i.slots
                        .iter()
                        .map(|s| s.allowed.clone())
                        .collect::<Vec<_>>()
                };
                assert_eq!(allowed(a), allowed(b), "{copy}");
            }
        }
    }
}

#[test]
fn fixture_hidden_column_question_not_first_list_on_hidden_sheet() {
    let q = read(&fixture("xlsx/hidden-column.xlsx"));
    let ids: Vec<&str> = q.items.iter().filter_map(|i| i.id.as_deref()).collect();
    // Q-05 sits in a hidden row; Q-07 is answered by a formula.
    assert_eq!(ids, ["Q-01", "Q-02", "Q-03", "Q-04", "Q-06"]);
    for item in &q.items {
        assert_eq!(col(&item.location.cell), "D");
        let e = slot(item, "E").expect("E");
        assert_eq!(e.allowed, strings(&["Yes", "No", "Not Applicable"]));
        assert_eq!(slot(item, "F").map(|s| s.kind), Some(SlotKind::Text));
        assert!(slot(item, "B").is_none(), "hidden column");
    }
    assert_eq!(q.items[0].section.as_deref(), Some("Governance"));
    assert_eq!(q.items[4].section.as_deref(), Some("Operations"));
    assert!(q.warnings.iter().any(|w| w.contains("formula")));
    let skipped: Vec<&str> = q
        .layouts
        .iter()
        .filter(|l| l.skipped.is_some())
        .map(|l| l.sheet.as_str())
        .collect();
    assert_eq!(skipped, ["Profile", "Lists"]);
}

#[test]
fn fixture_two_header_rows_and_defined_name_list() {
    let q = read(&fixture("xlsx/two-headers.xlsx"));
    assert_eq!(q.items.len(), 5);
    let layout = q
        .layouts
        .iter()
        .find(|l| l.sheet == "Assessment")
        .expect("layout");
    assert_eq!(layout.header_rows, [1, 2]);
    assert_eq!(
        q.layouts[0].skipped.as_deref(),
        Some("instructions or front matter")
    );
    for item in &q.items {
        assert_eq!(item.section, None);
        assert_eq!(
            slot(item, "C").map(|s| s.allowed.clone()),
            Some(strings(&["Y", "N"]))
        );
        assert_eq!(slot(item, "D").map(|s| s.kind), Some(SlotKind::Text));
        assert!(slot(item, "E").is_none() && slot(item, "F").is_none());
    }
    assert_eq!(q.items[2].id.as_deref(), Some("1.3"));
}

/// Numbered headings ("2 | Access Control") look like items by their
/// number; only their bold font says they are section titles.
#[test]
fn fixture_bold_numbered_headings_are_sections_not_items() {
    let q = read(&fixture("xlsx/numbered-headings.xlsx"));
    let ids: Vec<&str> = q.items.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, ["1.1", "1.2", "2.1", "2.2", "3.1"]);
    let sections: Vec<&str> = q
        .items
        .iter()
        .filter_map(|i| i.section.as_deref())
        .collect();
    assert_eq!(
        sections,
        [
            "Governance",
            "Governance",
            "Access Control",
            "Access Control",
            "Incident Response"
        ]
    );
    // Statements without a question mark are still items.
    assert_eq!(
        q.items[0].question,
        "Information security policy is documented and approved"
    );
    for item in &q.items {
        assert_eq!(slot(item, "C").map(|s| s.kind), Some(SlotKind::Choice));
    }
}

#[test]
fn fixture_answers_left_of_questions() {
    let q = read(&fixture("xlsx/answers-left.xlsx"));
    assert_eq!(q.items.len(), 4);
    for item in &q.items {
        assert_eq!(col(&item.location.cell), "D");
        let a = slot(item, "A").expect("A");
        assert_eq!(a.allowed[0], "Compliant");
        assert_eq!(a.allowed.len(), 4);
        assert_eq!(slot(item, "B").map(|s| s.kind), Some(SlotKind::Text));
    }
}

#[test]
fn bundled_example_has_40_questions_in_four_sections() {
    let q = read(&fixture("example/ai-vendor-questionnaire.xlsx"));
    assert_eq!(q.items.len(), 40);
    for (section, n) in [("Company", 8), ("Security", 10), ("Data", 9), ("AI", 13)] {
        let count = q
            .items
            .iter()
            .filter(|i| i.section.as_deref() == Some(section))
            .count();
        assert_eq!(count, n, "{section}");
    }
    assert!(q
        .items
        .iter()
        .all(|i| slot(i, "C").is_some_and(|s| s.allowed == strings(&["Yes", "No", "N/A"]))));
}

// ---------------------------------------------------------------- bad input

/// A minimal XLSX with one sheet whose XML is `sheet`.
fn workbook_with_sheet(path: &Path, sheet: &[u8]) {
    use std::io::Write;
    let file = std::fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, &[u8]); 4] = [
        ("[Content_Types].xml", br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Big" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, opts).expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts)
        .expect("entry");
    zip.write_all(sheet).expect("write");
    zip.finish().expect("finish");
}

/// The error for `path`: one line, naming the file.
fn error_for(path: &Path) -> String {
    let err = formats::read(path).expect_err("must fail");
    let text = format!("{err:#}");
    assert!(!text.contains('\n'), "one line: {text}");
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert!(text.contains(name), "names the file: {text}");
    assert!(
        vouch::error::find_hint(&err).is_some(),
        "has a hint: {text}"
    );
    text
}

#[test]
fn minimal_workbook_reads() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("ok.xlsx");
    workbook_with_sheet(&path, br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Question</t></is></c><c r="B1" t="inlineStr"><is><t>Answer</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Do you encrypt backups?</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>Do you rotate keys?</t></is></c></row></sheetData></worksheet>"#);
    let q = read(&path);
    assert_eq!(q.items.len(), 2);
    assert_eq!(q.items[1].slots[0].target, "B3");
}

#[test]
fn encrypted_workbook_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("locked.xlsx");
    // An OLE compound file with the EncryptedPackage stream Office writes
    // for password-protected workbooks.
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(1024, 0);
    for name in ["EncryptionInfo", "EncryptedPackage"] {
        bytes.extend(name.encode_utf16().flat_map(|u| u.to_le_bytes()));
        bytes.resize(bytes.len() + 64, 0);
    }
    std::fs::write(&path, bytes).expect("write");
    assert!(error_for(&path).contains("password-protected"));
}

#[test]
fn corrupt_zip_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("broken.xlsx");
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend((0..4000u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&path, bytes).expect("write");
    assert!(error_for(&path).contains("corrupt zip"));
    // A real workbook cut in half.
    let real = std::fs::read(fixture("xlsx/sections.xlsx")).expect("fixture");
    let cut = dir.path().join("cut.xlsx");
    std::fs::write(&cut, &real[..real.len() / 2]).expect("write");
    error_for(&cut);
}

#[test]
fn not_a_spreadsheet_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = dir.path().join("notes.xlsx");
    std::fs::write(&text, "Question,Answer\nDo you?,Yes\n").expect("write");
    assert!(error_for(&text).contains("not a spreadsheet"));
    let pdf = dir.path().join("scan.xls");
    std::fs::write(&pdf, b"%PDF-1.7\n...").expect("write");
    assert!(error_for(&pdf).contains("PDF"));
    let binary = dir.path().join("data.csv");
    std::fs::write(&binary, [0u8, 1, 2, 3, 0, 9]).expect("write");
    assert!(error_for(&binary).contains("not a CSV"));
    let json = shared("json-vsaq/google-vsaq-webapp.json");
    if json.is_file() {
        assert!(error_for(&json).contains("unsupported file type"));
    }
}

#[test]
fn million_row_sheet_is_refused_by_the_row_limit() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("huge.xlsx");
    let mut sheet = String::with_capacity(40_000_000);
    sheet.push_str(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    for r in 1..=1_000_000u32 {
        sheet.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    sheet.push_str("</sheetData></worksheet>");
    workbook_with_sheet(&path, sheet.as_bytes());
    let err = error_for(&path);
    assert!(err.contains("sheet 'Big'") && err.contains("rows"), "{err}");
}

#[test]
fn zip_bomb_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bomb.xlsx");
    let mut sheet = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>"#.to_vec();
    sheet.resize(sheet.len() + 50 * 1024 * 1024, b' ');
    sheet.extend_from_slice(b"</worksheet>");
    workbook_with_sheet(&path, &sheet);
    assert!(error_for(&path).contains("zip bomb"));
}

#[test]
fn xml_with_a_dtd_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("entities.xlsx");
    workbook_with_sheet(&path, br#"<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>"#);
    let err = error_for(&path);
    assert!(
        err.contains("DTD") && err.contains("xl/worksheets/sheet1.xml"),
        "{err}"
    );
}

#[test]
fn csv_with_bom_semicolons_and_quoted_newlines() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("eu.csv");
    let text = "\u{feff}ID;Question;Answer;Comments\n1;\"Do you encrypt data at rest;\nand in transit?\";Yes;\n2;\"Do you run \"\"red team\"\" exercises?\";;\n";
    std::fs::write(&path, text).expect("write");
    let q = read(&path);
    assert_eq!(q.items.len(), 2);
    assert_eq!(q.items[0].id.as_deref(), Some("1"));
    assert_eq!(
        q.items[0].question,
        "Do you encrypt data at rest; and in transit?"
    );
    assert_eq!(q.items[1].question, "Do you run \"red team\" exercises?");
    assert_eq!(q.items[1].location.row, 3);
    assert_eq!(
        slot(&q.items[0], "C").and_then(|s| s.existing.as_deref()),
        Some("Yes")
    );
    assert_eq!(slot(&q.items[1], "D").map(|s| s.kind), Some(SlotKind::Text));
}

// ---------------------------------------------------------------- CLI

fn vouch(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vouch")
}

#[test]
fn cli_import_writes_the_review_file_next_to_the_questionnaire() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("buyer.xlsx");
    std::fs::copy(fixture("xlsx/sections.xlsx"), &file).expect("copy");
    let before = std::fs::read(&file).expect("read");
    let out = vouch(&["import", file.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Vendor Questionnaire"), "{stdout}");
    assert_eq!(
        std::fs::read(&file).expect("read"),
        before,
        "the buyer's file is never modified"
    );
    let review: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("buyer.review.json")).expect("review file"),
    )
    .expect("json");
    assert_eq!(review["version"], 1);
    let items = review["items"].as_array().expect("items");
    assert_eq!(items.len(), 8);
    for (k, item) in items.iter().enumerate() {
        assert_eq!(item["key"], k);
        let status = item["status"].as_str().expect("status");
        let has_suggestions = !item["suggestions"]
            .as_array()
            .expect("suggestions")
            .is_empty();
        match item["id"].as_str() {
            Some("AC-1") | Some("DP-1") => assert_eq!(status, "prefilled"),
            _ if has_suggestions => {
                assert_eq!(status, "suggested");
                assert_eq!(item["answer"]["entry"], item["suggestions"][0]["entry"]);
            }
            _ => assert_eq!(status, "no-match"),
        }
    }
    assert_eq!(items[0]["location"]["cell"], "B6");
    assert_eq!(items[0]["slots"][0]["allowed"][2], "N/A");
}

#[test]
fn cli_dry_run_prints_the_layout_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("buyer.xlsx");
    std::fs::copy(fixture("xlsx/two-headers.xlsx"), &file).expect("copy");
    let out = vouch(&["import", "--dry-run", file.to_str().expect("utf-8")]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("header rows: 1, 2"), "{stdout}");
    assert!(stdout.contains("C  choice"), "{stdout}");
    assert!(stdout.contains("F  never-write"), "{stdout}");
    assert!(stdout.contains("skipped (hidden sheet)"), "{stdout}");
    let files: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert_eq!(files.len(), 1, "dry run wrote nothing");
}

#[test]
fn cli_error_is_one_line_with_a_hint() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("broken.xlsx");
    std::fs::write(&file, b"PK\x03\x04 definitely not a zip").expect("write");
    let out = vouch(&["import", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("broken.xlsx"),
        "{stderr}"
    );
    assert!(lines[1].starts_with("hint: "), "{stderr}");
    assert!(!dir.path().join("broken.review.json").exists());
}

// ------------------------------------------ LibreOffice's ODS and XLS copies

/// What a reviewer would see of a questionnaire: per item its sheet, cell,
/// ID, section and slots (target, kind, allowed values).
type ItemView = (
    String,
    String,
    Option<String>,
    Option<String>,
    Vec<(String, SlotKind, Vec<String>)>,
);

fn view(q: &Questionnaire) -> Vec<ItemView> {
    q.items
        .iter()
        .map(|i| {
            let slots = i
                .slots
                .iter()
                .map(|s| (s.target.clone(), s.kind, s.allowed.clone()))
                .collect();
            (
                i.location.sheet.clone(),
                i.location.cell.clone(),
                i.id.clone(),
                i.section.clone(),
                slots,
            )
        })
        .collect()
}

/// `source` converted by LibreOffice to each of `formats`, read back.
fn libreoffice_copies(source: &Path, formats: &[&str]) -> Vec<(String, Questionnaire)> {
    let dir = tempfile::tempdir().unwrap();
    let stem = source.file_stem().unwrap().to_str().unwrap();
    formats
        .iter()
        .map(|ext| {
            common::soffice_convert(dir.path(), ext, dir.path(), &[source]);
            let copy = dir.path().join(format!("{stem}.{ext}"));
            (ext.to_string(), read(&copy))
        })
        .collect()
}

/// A hidden row, a hidden column and a dropdown whose values sit on a
/// hidden sheet: read from content.xml (ODS) and the BIFF records (XLS)
/// as from the XLSX original.
#[test]
fn copies_keep_hidden_rows_columns_and_range_dropdowns() {
    let source = fixture("xlsx/hidden-column.xlsx");
    let xlsx = read(&source);
    for (ext, copy) in libreoffice_copies(&source, &["ods", "xls"]) {
        assert_eq!(view(&copy), view(&xlsx), "{ext}");
        let ids: Vec<&str> = copy.items.iter().filter_map(|i| i.id.as_deref()).collect();
        assert!(!ids.contains(&"Q-05"), "{ext}: Q-05 is on a hidden row");
        assert_eq!(
            slot(&copy.items[0], "E").map(|s| s.allowed.clone()),
            Some(strings(&["Yes", "No", "Not Applicable"])),
            "{ext}"
        );
    }
}

/// Bold numbered headings are sections in the copies too (ODS automatic
/// cell styles, XLS FONT/XF records).
#[test]
fn copies_read_bold_numbered_headings_as_sections() {
    let source = fixture("xlsx/numbered-headings.xlsx");
    let xlsx = read(&source);
    for (ext, copy) in libreoffice_copies(&source, &["ods", "xls"]) {
        assert_eq!(view(&copy), view(&xlsx), "{ext}");
    }
}

/// The real questionnaires: LibreOffice's ODS copy of HECVAT 4.1.4 (lists
/// on the hidden Auto Responses sheet, "leave this cell blank" help
/// messages, hidden rows) and XLS copy of CAIQ 4.0.3 read exactly like the
/// originals. (LibreOffice's XLS export stores no cached text for formula
/// cells, and HECVAT's questions are formulas, so its XLS copy has no
/// question text to compare.)
#[test]
fn copies_of_hecvat_and_caiq_read_like_the_xlsx() {
    for (name, formats) in [
        ("hecvat-4.1.4-full-blank.xlsx", ["ods"].as_slice()),
        ("csa-caiq-v4.0.3-blank.xlsx", ["ods", "xls"].as_slice()),
    ] {
        let source = shared(name);
        let xlsx = read(&source);
        assert!(xlsx.items.len() > 250, "{name}");
        for (ext, copy) in libreoffice_copies(&source, formats) {
            assert_eq!(view(&copy), view(&xlsx), "{name} as {ext}");
        }
    }
}
