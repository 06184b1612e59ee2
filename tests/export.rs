//! `vouch export`: the completed workbook is the buyer's own file plus the
//! answers, and nothing else changes.
//!
//! The real questionnaires (CAIQ v4.0.3, HECVAT 4.1.4) go through the whole
//! pipeline (`vouch import`, then `vouch export --include-unreviewed`) on
//! copies in a temp dir; the checks compare the output with the source part
//! by part, cell by cell. openpyxl and LibreOffice give a second opinion.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
mod common;

use common::{run_ok, shared, soffice_convert};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

const CAIQ: &str = "csa-caiq-v4.0.3-blank.xlsx";
const HECVAT: &str = "hecvat-4.1.4-full-blank.xlsx";

// The library is called directly rather than through the `vouch` binary:
// the binary in the shared target dir can be rebuilt from another checkout
// while these tests run.

fn globals() -> vouch::cmd::Globals {
    vouch::cmd::Globals {
        library: vouch::library::LibrarySource::resolve(None),
        cache: None,
    }
}

fn import(file: &Path, review: &Path) {
    let args = vouch::cmd::import::Args {
        file: file.to_path_buf(),
        output: Some(review.to_path_buf()),
        dry_run: false,
    };
    vouch::cmd::import::run(&args, &globals())
        .unwrap_or_else(|e| panic!("import {}: {e:#}", file.display()));
}

fn export_args(review: &Path, output: Option<&Path>, flags: &[&str]) -> vouch::cmd::export::Args {
    vouch::cmd::export::Args {
        review: review.to_path_buf(),
        output: output.map(Path::to_path_buf),
        include_unreviewed: flags.contains(&"--include-unreviewed"),
        force: flags.contains(&"--force"),
    }
}

/// The export's error and hint, on one line.
fn export_err(args: &vouch::cmd::export::Args) -> String {
    let err = vouch::cmd::export::export(args).expect_err("export should refuse");
    format!(
        "{err:#} / hint: {}",
        vouch::error::find_hint(&err).unwrap_or("")
    )
}

/// A copy of a questionnaire in a temp dir, imported.
struct Case {
    _dir: tempfile::TempDir,
    source: PathBuf,
    review: PathBuf,
}

impl Case {
    fn import(name: &str) -> Case {
        Case::import_file(&shared(name))
    }

    fn import_file(original: &Path) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join(original.file_name().unwrap());
        std::fs::copy(original, &source).unwrap();
        let stem = original.file_stem().unwrap().to_str().unwrap();
        let review = dir.path().join(format!("{stem}.review.json"));
        import(&source, &review);
        Case {
            _dir: dir,
            source,
            review,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.review.parent().unwrap().join(name)
    }

    fn review_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(&self.review).unwrap()).unwrap()
    }

    fn set_review_json(&self, json: &Value) {
        std::fs::write(&self.review, serde_json::to_vec_pretty(json).unwrap()).unwrap();
    }

    /// Export with `flags` to the default output; its path and the summary.
    fn export(&self, flags: &[&str]) -> (PathBuf, String) {
        let summary = vouch::cmd::export::export(&export_args(&self.review, None, flags))
            .unwrap_or_else(|e| panic!("export {}: {e:#}", self.review.display()));
        (summary.output.clone(), summary.render())
    }
}

/// A questionnaire imported and exported with `--include-unreviewed` once
/// per test run; several tests inspect the same result.
struct Completed {
    case: Case,
    out: PathBuf,
    summary: String,
}

fn completed(name: &'static str) -> &'static Completed {
    static CAIQ_DONE: OnceLock<Completed> = OnceLock::new();
    static HECVAT_DONE: OnceLock<Completed> = OnceLock::new();
    let cell = if name == CAIQ {
        &CAIQ_DONE
    } else {
        &HECVAT_DONE
    };
    cell.get_or_init(|| {
        let case = Case::import(name);
        let (out, summary) = case.export(&["--include-unreviewed"]);
        Completed { case, out, summary }
    })
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------- zip parts

struct Entry {
    name: String,
    raw: Vec<u8>,
    data: Vec<u8>,
}

fn zip_entries(path: &Path) -> Vec<Entry> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut raw = Vec::new();
            let name = {
                let mut e = zip.by_index_raw(i).unwrap();
                e.read_to_end(&mut raw).unwrap();
                e.name().unwrap().into_owned()
            };
            let mut data = Vec::new();
            zip.by_index(i).unwrap().read_to_end(&mut data).unwrap();
            Entry { name, raw, data }
        })
        .collect()
}

/// Sheet name -> worksheet part, from workbook.xml and its rels.
fn sheet_parts(entries: &[Entry]) -> BTreeMap<String, String> {
    let part = |name: &str| &entries.iter().find(|e| e.name == name).unwrap().data;
    let mut rels = BTreeMap::new();
    for_each(part("xl/_rels/workbook.xml.rels"), "Relationship", |a| {
        let target = a["Target"].trim_start_matches('/').to_string();
        let target = if target.starts_with("xl/") {
            target
        } else {
            format!("xl/{target}")
        };
        rels.insert(a["Id"].clone(), target);
    });
    let mut sheets = BTreeMap::new();
    for_each(part("xl/workbook.xml"), "sheet", |a| {
        sheets.insert(a["name"].clone(), rels[&a["r:id"]].clone());
    });
    sheets
}

fn for_each(xml: &[u8], local: &str, mut f: impl FnMut(&BTreeMap<String, String>)) {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let v = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap();
                        (a.key.as_ref().to_string(), v.into_owned())
                    })
                    .collect();
                f(&attrs);
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------- sheet content

/// A worksheet split for comparison: everything outside `<sheetData>` as
/// bytes, row start tags and cells (raw XML) by reference.
#[derive(Default)]
struct SheetParts {
    before: Vec<u8>,
    after: Vec<u8>,
    rows: BTreeMap<u32, String>,
    cells: BTreeMap<String, String>,
}

fn split_sheet(xml: &[u8]) -> SheetParts {
    let text = std::str::from_utf8(xml).unwrap();
    let open = text.find("<sheetData").expect("sheetData");
    let close = text
        .rfind("</sheetData>")
        .map(|i| i + "</sheetData>".len())
        .unwrap_or_else(|| open + text[open..].find("/>").unwrap() + 2);
    let mut parts = SheetParts {
        before: xml[..open].to_vec(),
        after: xml[close..].to_vec(),
        ..Default::default()
    };
    let mut reader = Reader::from_reader(&xml[..close]);
    let mut row = 0;
    loop {
        let start = reader.buffer_position() as usize;
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                let tag = text[start..reader.buffer_position() as usize].to_string();
                row = attr_of(&tag, "r").parse().unwrap();
                parts.rows.insert(row, strip_spans(&tag));
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                let raw = text[start..reader.buffer_position() as usize].to_string();
                parts.cells.insert(attr_of(&raw, "r"), raw);
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let mut depth = 1;
                while depth > 0 {
                    match reader.read_event().unwrap() {
                        Event::Start(_) => depth += 1,
                        Event::End(_) => depth -= 1,
                        _ => {}
                    }
                }
                let raw = text[start..reader.buffer_position() as usize].to_string();
                parts.cells.insert(attr_of(&raw, "r"), raw);
            }
            _ => {}
        }
    }
    assert!(row > 0, "no rows parsed");
    parts
}

fn attr_of(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let at = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    tag[at..at + tag[at..].find('"').unwrap()].to_string()
}

fn strip_spans(tag: &str) -> String {
    match tag.find(" spans=\"") {
        Some(at) => {
            let end = at + 8 + tag[at + 8..].find('"').unwrap() + 1;
            format!("{}{}", &tag[..at], &tag[end..])
        }
        None => tag.to_string(),
    }
}

/// The text a cell shows: inline string or value.
fn cell_text(raw: &str) -> String {
    let inner = raw
        .split_once("<t xml:space=\"preserve\">")
        .or_else(|| raw.split_once("<v>"))
        .map(|(_, rest)| rest.split('<').next().unwrap())
        .unwrap_or("");
    quick_xml::escape::unescape(inner).unwrap().into_owned()
}

/// Slots of the review, per sheet: target -> (kind, allowed values).
fn slots_by_sheet(review: &Value) -> BTreeMap<String, BTreeMap<String, (String, Vec<String>)>> {
    let mut out: BTreeMap<String, BTreeMap<String, (String, Vec<String>)>> = BTreeMap::new();
    for item in review["items"].as_array().unwrap() {
        let sheet = item["location"]["sheet"].as_str().unwrap().to_string();
        for slot in item["slots"].as_array().unwrap() {
            let allowed = slot["allowed"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            out.entry(sheet.clone()).or_default().insert(
                slot["target"].as_str().unwrap().to_string(),
                (slot["kind"].as_str().unwrap().to_string(), allowed),
            );
        }
    }
    out
}

/// What changed between the source and the completed workbook.
struct Diff {
    /// Cells written, per sheet: target -> text.
    written: BTreeMap<String, BTreeMap<String, String>>,
}

/// The acceptance checks: parts other than answered worksheets are
/// byte-identical (compressed bytes too); in answered worksheets everything
/// outside `<sheetData>` is byte-identical and every cell that is not an
/// answer slot is unchanged; written choices are allowed values.
fn assert_lossless(source: &Path, out: &Path, review: &Value) -> Diff {
    let src = zip_entries(source);
    let dst = zip_entries(out);
    let names = |e: &[Entry]| e.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&src), names(&dst), "same parts in the same order");
    let parts = sheet_parts(&src);
    let slots = slots_by_sheet(review);
    let mut written = BTreeMap::new();
    for (a, b) in src.iter().zip(&dst) {
        if a.data == b.data {
            assert_eq!(a.raw, b.raw, "{}: copied raw, byte for byte", a.name);
            continue;
        }
        let (sheet, _) = parts
            .iter()
            .find(|(_, p)| **p == a.name)
            .unwrap_or_else(|| panic!("{} changed but is not a worksheet", a.name));
        let sheet_slots = slots
            .get(sheet)
            .unwrap_or_else(|| panic!("{sheet} changed but has no slots"));
        let cells = assert_sheet_lossless(sheet, &a.data, &b.data, sheet_slots);
        assert!(
            !cells.is_empty(),
            "{sheet} changed but no answer cell was written"
        );
        written.insert(sheet.clone(), cells);
    }
    Diff { written }
}

fn assert_sheet_lossless(
    sheet: &str,
    src: &[u8],
    dst: &[u8],
    slots: &BTreeMap<String, (String, Vec<String>)>,
) -> BTreeMap<String, String> {
    let a = split_sheet(src);
    let b = split_sheet(dst);
    assert!(
        a.before == b.before,
        "{sheet}: bytes before <sheetData> differ"
    );
    assert!(
        a.after == b.after,
        "{sheet}: bytes after </sheetData> differ (merges, validations, x14, conditional formats)"
    );
    for (row, tag) in &a.rows {
        assert_eq!(Some(tag), b.rows.get(row), "{sheet}: row {row} attributes");
    }
    let mut written = BTreeMap::new();
    let refs: BTreeSet<&String> = a.cells.keys().chain(b.cells.keys()).collect();
    for r in refs {
        let (before, after) = (a.cells.get(r), b.cells.get(r));
        if before == after {
            continue;
        }
        let (kind, allowed) = slots.get(r).unwrap_or_else(|| {
            panic!("{sheet}!{r} changed but is not an answer slot:\n{before:?}\n{after:?}")
        });
        let after = after.unwrap_or_else(|| panic!("{sheet}!{r} was removed"));
        if let Some(before) = before {
            assert!(
                !before.contains("<f>") && !before.contains("<f "),
                "{sheet}!{r}: formula overwritten"
            );
            assert_eq!(
                attr_or_none(before, "s"),
                attr_or_none(after, "s"),
                "{sheet}!{r}: style kept"
            );
        }
        let text = cell_text(after);
        assert!(!text.is_empty(), "{sheet}!{r}: empty write");
        if kind == "choice" && !allowed.is_empty() {
            assert!(
                allowed.contains(&text),
                "{sheet}!{r}: {text:?} not in {allowed:?}"
            );
        }
        written.insert(r.clone(), text);
    }
    written
}

fn attr_or_none(tag: &str, name: &str) -> Option<String> {
    tag.split('>')
        .next()
        .unwrap()
        .contains(&format!(" {name}=\""))
        .then(|| attr_of(tag.split('>').next().unwrap(), name))
}

/// Rows (in order) of suggested items whose top suggestion answers "Yes":
/// the tests pick rows by what the library suggests, not by row number.
fn rows_answered_yes(review: &Value) -> Vec<u64> {
    review["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "suggested" && i["suggestions"][0]["answer"] == "Yes")
        .map(|i| i["location"]["row"].as_u64().unwrap())
        .collect()
}

// ------------------------------------------------------------------- tests

#[test]
fn caiq_export_is_lossless() {
    let Completed { case, out, summary } = completed(CAIQ);
    assert!(
        summary.contains(&format!("Wrote {}", out.display())),
        "{summary}"
    );
    let diff = assert_lossless(&case.source, out, &case.review_json());
    let cells = &diff.written["CAIQv4.0.3"];
    // Choice C and narrative E for (nearly) every one of the 261 questions.
    let choices = cells.keys().filter(|r| r.starts_with('C')).count();
    let texts = cells.keys().filter(|r| r.starts_with('E')).count();
    assert!(choices >= 230, "{choices} choices written");
    assert!(texts >= 250, "{texts} texts written");
    // The SSRM ownership column is not a yes/no list: left empty, reported.
    assert!(
        !cells.keys().any(|r| r.starts_with('D')),
        "SSRM column written"
    );
    assert!(
        summary.contains("not a yes/no list: CSP-owned"),
        "{summary}"
    );
    // A suggestion answered "Yes" lands in C with its narrative in E.
    let row = rows_answered_yes(&case.review_json())[0];
    assert_eq!(cells[&format!("C{row}")].as_str(), "Yes");
    assert!(cells[&format!("E{row}")].len() > 40);
    // The buyer's file is untouched.
    assert_eq!(
        std::fs::read(&case.source).unwrap(),
        std::fs::read(shared(CAIQ)).unwrap()
    );
}

#[test]
fn hecvat_export_is_lossless() {
    let Completed { case, out, summary } = completed(HECVAT);
    let diff = assert_lossless(&case.source, out, &case.review_json());
    let total: usize = diff.written.values().map(|c| c.len()).sum();
    assert!(total >= 200, "{total} cells written:\n{summary}");
    assert!(
        diff.written.len() >= 4,
        "answers on {} sheets",
        diff.written.len()
    );
    assert_eq!(
        std::fs::read(&case.source).unwrap(),
        std::fs::read(shared(HECVAT)).unwrap()
    );
}

/// openpyxl's view: same sheets, merges, validations, conditional formats;
/// every cell but the answer slots has its value and style.
const OPENPYXL_CHECK: &str = r#"
import json, sys, warnings
warnings.simplefilter("ignore")
import openpyxl
src_path, out_path, slots_path = sys.argv[1:4]
slots = json.load(open(slots_path))
a = openpyxl.load_workbook(src_path)
b = openpyxl.load_workbook(out_path)
problems, written = [], 0
if a.sheetnames != b.sheetnames:
    problems.append(f"sheets {a.sheetnames} -> {b.sheetnames}")
dv = lambda ws: sorted((str(d.sqref), d.type, d.formula1) for d in ws.data_validations.dataValidation)
cf = lambda ws: sorted(str(r.sqref) for r in ws.conditional_formatting)
merges = lambda ws: sorted(str(r) for r in ws.merged_cells.ranges)
style = lambda c: repr(getattr(c, "_style", None))
for name in a.sheetnames:
    wa, wb = a[name], b[name]
    targets = set(slots.get(name, []))
    for what, f in (("merges", merges), ("validations", dv), ("conditional formats", cf)):
        if f(wa) != f(wb):
            problems.append(f"{name}: {what} differ")
    for row in wb.iter_rows(min_row=1, max_row=max(wa.max_row, wb.max_row), max_col=max(wa.max_column, wb.max_column)):
        for cb in row:
            ca = wa[cb.coordinate]
            if cb.coordinate in targets:
                written += ca.value != cb.value
            elif ca.value != cb.value:
                problems.append(f"{name}!{cb.coordinate}: value {ca.value!r} -> {cb.value!r}")
            elif style(ca) != style(cb):
                problems.append(f"{name}!{cb.coordinate}: style changed")
print(json.dumps({"written": written, "problems": problems[:20]}))
"#;

fn openpyxl_check(done: &Completed) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("check.py");
    std::fs::write(&script, OPENPYXL_CHECK).unwrap();
    let slots: BTreeMap<String, Vec<String>> = slots_by_sheet(&done.case.review_json())
        .into_iter()
        .map(|(sheet, slots)| (sheet, slots.into_keys().collect()))
        .collect();
    let slots_file = dir.path().join("slots.json");
    std::fs::write(&slots_file, serde_json::to_vec(&slots).unwrap()).unwrap();
    let out = run_ok(
        Command::new("python3").args([
            s(&script),
            s(&done.case.source),
            s(&done.out),
            s(&slots_file),
        ]),
        "python3 with openpyxl (pip install openpyxl)",
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn openpyxl_opens_the_exports_and_sees_only_answers_changed() {
    for name in [CAIQ, HECVAT] {
        let done = completed(name);
        let result = openpyxl_check(done);
        assert_eq!(result["problems"], serde_json::json!([]), "{name}");
        assert!(
            result["written"].as_u64().unwrap() >= 200,
            "{name}: {result}"
        );
    }
}

#[test]
fn libreoffice_converts_the_exports_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let (caiq, hecvat) = (completed(CAIQ), completed(HECVAT));
    soffice_convert(dir.path(), "pdf", dir.path(), &[&caiq.out, &hecvat.out]);
    for done in [caiq, hecvat] {
        let pdf = dir
            .path()
            .join(done.out.with_extension("pdf").file_name().unwrap());
        let len = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
        assert!(len > 10_000, "{}: {len} bytes of PDF", pdf.display());
    }
}

#[test]
fn without_the_flag_only_accepted_and_edited_answers_are_written() {
    let case = Case::import(CAIQ);
    let mut review = case.review_json();
    let yes = rows_answered_yes(&review);
    let items = review["items"].as_array_mut().unwrap();
    let row = |item: &Value| item["location"]["row"].as_u64().unwrap();
    let pick = |items: &[Value], n: u64| items.iter().position(|i| row(i) == n).unwrap();
    let (r_accepted, r_edited, r_rejected) = (yes[0], yes[1], yes[2]);
    let (accepted, edited, rejected) = (
        pick(items, r_accepted),
        pick(items, r_edited),
        pick(items, r_rejected),
    );
    items[accepted]["status"] = "accepted".into();
    items[edited]["status"] = "edited".into();
    items[edited]["answer"] =
        serde_json::json!({"choice": "No", "text": "Not yet; planned for Q3."});
    items[rejected]["status"] = "rejected".into();
    case.set_review_json(&review);

    let (out, summary) = case.export(&[]);
    let diff = assert_lossless(&case.source, &out, &case.review_json());
    let cells = &diff.written["CAIQv4.0.3"];
    let refs: Vec<&str> = cells.keys().map(String::as_str).collect();
    let mut expected: Vec<String> = [r_accepted, r_edited]
        .iter()
        .flat_map(|r| [format!("C{r}"), format!("E{r}")])
        .collect();
    expected.sort();
    assert_eq!(refs, expected, "{summary}");
    assert_eq!(cells[&format!("C{r_edited}")], "No");
    assert_eq!(cells[&format!("E{r_edited}")], "Not yet; planned for Q3.");
    assert!(summary.contains("not reviewed yet"), "{summary}");
    assert!(summary.contains("rejected by the reviewer"), "{summary}");

    // With the flag, pending suggestions are written too; still not the rejected one.
    let (out, _) = case.export(&["--include-unreviewed"]);
    let diff = assert_lossless(&case.source, &out, &case.review_json());
    let cells = &diff.written["CAIQv4.0.3"];
    assert!(cells.len() > 400);
    assert!(
        !cells.contains_key(&format!("C{r_rejected}"))
            && !cells.contains_key(&format!("E{r_rejected}"))
    );
}

#[test]
fn export_refuses_to_overwrite_the_source_or_use_a_changed_one() {
    let case = Case::import(CAIQ);
    let err = export_err(&export_args(&case.review, Some(&case.source), &[]));
    assert!(err.contains("never overwrites"), "{err}");
    assert_eq!(
        std::fs::read(&case.source).unwrap(),
        std::fs::read(shared(CAIQ)).unwrap()
    );

    let err = export_err(&export_args(
        &case.review,
        Some(&case.path("answers.csv")),
        &[],
    ));
    assert!(err.contains("must end in .xlsx"), "{err}");

    // The buyer sends a new version after the import.
    std::fs::copy(
        shared("csa-caiq-v4.1-283q-flat-snapdocs.xlsx"),
        &case.source,
    )
    .unwrap();
    let err = export_err(&export_args(&case.review, None, &[]));
    assert!(
        err.contains("changed since it was imported") && err.contains("--force"),
        "{err}"
    );
    let (completed, summary) = case.export(&["--force", "--include-unreviewed"]);
    assert_eq!(completed, case.path("csa-caiq-v4.0.3-blank.completed.xlsx"));
    assert!(completed.is_file());
    assert!(summary.contains("not in the workbook"), "{summary}");
}

#[test]
fn xlsm_macro_part_survives_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let xlsm = dir.path().join("vendor.xlsm");
    make_xlsm(&xlsm, &dir.path().join("vbaProject.bin"));
    let case = Case::import_file(&xlsm);
    let (out, summary) = case.export(&["--include-unreviewed"]);
    assert!(out.extension().unwrap() == "xlsm");
    let diff = assert_lossless(&case.source, &out, &case.review_json());
    assert!(diff.written["Security"].len() >= 3, "{summary}");
    let vba = |p: &Path| {
        zip_entries(p)
            .into_iter()
            .find(|e| e.name == "xl/vbaProject.bin")
            .map(|e| (e.raw, e.data))
            .expect("vbaProject.bin")
    };
    assert_eq!(vba(&case.source), vba(&out));
}

/// A small macro-enabled questionnaire: a question list with a Yes/No/N/A
/// dropdown and a comments column, and a (synthetic) VBA project part.
fn make_xlsm(path: &Path, vba: &Path) {
    use rust_xlsxwriter::{DataValidation, Workbook};
    let mut bin = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    bin.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(vba, bin).unwrap();
    let mut book = Workbook::new();
    book.add_vba_project(vba).unwrap();
    let sheet = book.add_worksheet().set_name("Security").unwrap();
    for (col, header) in ["ID", "Question", "Answer", "Comments"].iter().enumerate() {
        sheet.write_string(0, col as u16, *header).unwrap();
    }
    let questions = [
        "Is multi-factor authentication enforced for all workforce accounts?",
        "Is customer data encrypted at rest?",
        "Do you perform annual penetration tests by a third party?",
        "Do you have a documented incident response plan?",
    ];
    for (i, q) in questions.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, format!("SEC-{row:02}")).unwrap();
        sheet.write_string(row, 1, *q).unwrap();
    }
    let list = DataValidation::new()
        .allow_list_strings(&["Yes", "No", "N/A"])
        .unwrap();
    sheet.add_data_validation(1, 2, 4, 2, &list).unwrap();
    book.save(path).unwrap();
}

#[test]
fn csv_export_appends_answer_columns_and_neutralizes_formulas() {
    let case = Case::import("sig-755q-flat-snapdocs.csv");
    let (out, summary) = case.export(&["--include-unreviewed"]);
    let source = std::fs::read_to_string(&case.source).unwrap();
    let completed = std::fs::read_to_string(&out).unwrap();
    let src: Vec<Vec<String>> = records(&source);
    let dst: Vec<Vec<String>> = records(&completed);
    assert_eq!(src.len(), dst.len());
    let width = src[0].len();
    assert!(dst[0].len() > width, "answer columns added: {:?}", dst[0]);
    let mut answered = 0;
    for (a, b) in src.iter().zip(&dst) {
        assert_eq!(a[..], b[..width], "original fields unchanged");
        let added = &b[width..];
        answered += usize::from(added.iter().any(|v| !v.is_empty()));
        for v in added {
            assert!(
                !v.starts_with(['=', '+', '-', '@']),
                "formula-like value {v:?}"
            );
        }
    }
    assert!(answered > 300, "{answered} rows answered\n{summary}");
    // Each untouched original line is still there byte for byte.
    let first_line = source.lines().nth(1).unwrap();
    assert!(completed.lines().nth(1).unwrap().starts_with(first_line));
}

fn records(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn xls_and_ods_sources_become_a_new_xlsx_with_the_same_values() {
    use calamine::{open_workbook_auto, Data, Reader};
    let dir = tempfile::tempdir().unwrap();
    for ext in ["ods", "xls"] {
        soffice_convert(dir.path(), ext, dir.path(), &[&shared(CAIQ)]);
        let converted = dir.path().join(format!("csa-caiq-v4.0.3-blank.{ext}"));
        let case = Case::import_file(&converted);
        let (out, summary) = case.export(&["--include-unreviewed"]);
        assert_eq!(out.extension().unwrap(), "xlsx");
        assert!(summary.contains("new XLSX workbook"), "{summary}");

        let slots = slots_by_sheet(&case.review_json());
        let mut src = open_workbook_auto(&case.source).unwrap();
        let mut dst = open_workbook_auto(&out).unwrap();
        assert_eq!(src.sheet_names(), dst.sheet_names());
        let mut answers = 0;
        for name in src.sheet_names() {
            let (a, b) = (
                src.worksheet_range(&name).unwrap(),
                dst.worksheet_range(&name).unwrap(),
            );
            let sheet_slots = slots.get(&name).cloned().unwrap_or_default();
            for (r, c, value) in b.used_cells() {
                let (row, col) = (
                    r as u32 + b.start().unwrap().0,
                    c as u32 + b.start().unwrap().1,
                );
                let reference = format!(
                    "{}{}",
                    vouch::formats::xlsx::write::column_letters(col + 1),
                    row + 1
                );
                if let Some((kind, allowed)) = sheet_slots.get(&reference) {
                    answers += 1;
                    if kind == "choice" && !allowed.is_empty() {
                        assert!(allowed.contains(&value.to_string()), "{reference}: {value}");
                    }
                    continue;
                }
                let before = a.get_value((row, col)).cloned().unwrap_or(Data::Empty);
                assert_eq!(
                    before.to_string(),
                    value.to_string(),
                    "{ext} {name}!{reference}"
                );
            }
            for (r, c, value) in a.used_cells() {
                let (row, col) = (
                    r as u32 + a.start().unwrap().0,
                    c as u32 + a.start().unwrap().1,
                );
                let after = b.get_value((row, col)).map(|v| v.to_string());
                assert_eq!(
                    Some(value.to_string()),
                    after,
                    "{ext} {name}: ({row}, {col}) dropped"
                );
            }
        }
        assert!(answers >= 400, "{ext}: {answers} answers\n{summary}");
    }
}
