//! The review page in real headless Chromium, driven over WebDriver
//! (fantoccini + Debian's chromium-driver) against the real `vouch review`
//! binary: accept, edit through the dropdown, reject, a keyboard shortcut,
//! bulk accept, reload, export, and the exported workbook's cells.
//!
//! A browser test never passes by not running: without
//! /usr/bin/chromedriver it installs Chromium (as root) or fails with the
//! command to run.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use vouch::library::{Library, LibrarySource};
use vouch::matcher::{Confidence, Explanation, Suggestion};
use vouch::questionnaire::{AnswerSlot, Format, Location, SlotKind};
use vouch::review::{LibraryInfo, ReviewFile, ReviewItem, SourceInfo, Status};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL: &str = "apt-get install -y chromium chromium-driver";

// ------------------------------------------------------------ the fixture

/// One question row of the fixture workbook.
struct Row {
    section: &'static str,
    id: &'static str,
    band: Confidence,
}

/// Two sections on one sheet; the second has three `high` items to bulk-accept.
const ROWS: [Row; 8] = [
    Row {
        section: "Access control",
        id: "AC-01",
        band: Confidence::High,
    },
    Row {
        section: "Access control",
        id: "AC-02",
        band: Confidence::Medium,
    },
    Row {
        section: "Access control",
        id: "AC-03",
        band: Confidence::Low,
    },
    Row {
        section: "Access control",
        id: "AC-04",
        band: Confidence::High,
    },
    Row {
        section: "Data protection",
        id: "DP-01",
        band: Confidence::High,
    },
    Row {
        section: "Data protection",
        id: "DP-02",
        band: Confidence::High,
    },
    Row {
        section: "Data protection",
        id: "DP-03",
        band: Confidence::Medium,
    },
    Row {
        section: "Data protection",
        id: "DP-04",
        band: Confidence::High,
    },
];

/// Library entries the fixture's questions come from: ones whose answer a
/// Y/N/NA dropdown can hold (no `Partial`), rows first, then runners-up.
fn fixture_entries(library: &Library) -> Vec<&vouch::library::Entry> {
    let picked: Vec<_> = library
        .entries
        .iter()
        .filter(|e| e.answer != vouch::library::Answer::Partial)
        .take(2 * ROWS.len())
        .collect();
    assert_eq!(
        picked.len(),
        2 * ROWS.len(),
        "the library has enough Yes/No/N/A entries"
    );
    picked
}

/// The sheet row (1-based) of `ROWS[i]`: a header row, then one heading
/// row before each section.
fn sheet_row(i: usize) -> u32 {
    let headings = if ROWS[i].section == ROWS[0].section {
        1
    } else {
        2
    };
    1 + headings + i as u32 + 1
}

/// A small questionnaire: ID | Question | Answer (Y/N/NA dropdown) | Comments.
fn write_workbook(path: &Path, library: &Library) {
    use rust_xlsxwriter::{DataValidation, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Security").unwrap();
    for (c, h) in ["ID", "Question", "Answer", "Comments"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let entries = fixture_entries(library);
    let mut last_section = "";
    for (i, row) in ROWS.iter().enumerate() {
        let r = sheet_row(i) - 1;
        if row.section != last_section {
            sheet.write_string(r - 1, 0, row.section).unwrap();
            last_section = row.section;
        }
        sheet.write_string(r, 0, row.id).unwrap();
        sheet.write_string(r, 1, &entries[i].questions[0]).unwrap();
    }
    let dv = DataValidation::new()
        .allow_list_strings(&["Y", "N", "NA"])
        .unwrap();
    sheet
        .add_data_validation(1, 2, sheet_row(ROWS.len() - 1), 2, &dv)
        .unwrap();
    sheet.set_column_width(1, 60).unwrap();
    book.save(path).unwrap();
}

/// The review file import would write for the fixture. Built by hand so the
/// page's behaviour does not depend on the matcher's tuning: every item's
/// top suggestion is the library entry its question was taken from.
fn write_review(path: &Path, workbook: &Path, library: &Library) {
    let entries = fixture_entries(library);
    let items = ROWS
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let entry = entries[i];
            let runner = entries[i + ROWS.len()];
            let suggest = |e: &vouch::library::Entry, confidence, score| Suggestion {
                entry: e.id.clone(),
                topic: e.topic.clone(),
                score,
                confidence,
                answer: e.answer,
                text: library.render(e),
                why: Explanation {
                    matched_terms: e.questions[0]
                        .split_whitespace()
                        .take(3)
                        .map(|w| {
                            w.trim_matches(|c: char| !c.is_alphanumeric())
                                .to_lowercase()
                        })
                        .collect(),
                    matched_variant: e.questions[0].clone(),
                    coverage: 0.92,
                    margin: 0.41,
                    band_reason: format!(
                        "{} band: strong overlap with a library variant",
                        confidence_name(confidence)
                    ),
                    ..Explanation::default()
                },
            };
            let r = sheet_row(i);
            ReviewItem {
                key: i,
                id: Some(row.id.to_string()),
                question: entry.questions[0].clone(),
                section: Some(row.section.to_string()),
                location: Location {
                    sheet: "Security".into(),
                    cell: format!("B{r}"),
                    row: r,
                },
                slots: vec![
                    AnswerSlot {
                        kind: SlotKind::Choice,
                        target: format!("C{r}"),
                        header: Some("Answer".into()),
                        allowed: vec!["Y".into(), "N".into(), "NA".into()],
                        existing: None,
                        planned: false,
                    },
                    AnswerSlot {
                        kind: SlotKind::Text,
                        target: format!("D{r}"),
                        header: Some("Comments".into()),
                        allowed: vec![],
                        existing: None,
                        planned: false,
                    },
                ],
                suggestions: vec![
                    suggest(entry, row.band, 0.87),
                    suggest(runner, Confidence::Low, 0.41),
                ],
                status: Status::Suggested,
                answer: None,
                note: None,
                history: vec![],
            }
        })
        .collect();
    ReviewFile {
        version: vouch::review::REVIEW_VERSION,
        revision: 0,
        generator: "review_browser test".into(),
        source: SourceInfo {
            path: workbook.display().to_string(),
            format: Format::Xlsx,
            sha256: vouch::fsutil::sha256_file(workbook).unwrap(),
        },
        library: LibraryInfo {
            label: library.label.clone(),
            hash: library.hash.clone(),
            entries: library.entries.len(),
        },
        profile: Default::default(),
        items,
    }
    .write(path)
    .unwrap();
}

fn confidence_name(c: Confidence) -> &'static str {
    c.as_str()
}

// ------------------------------------------------------------ processes

/// Kills a child process we started when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn ensure_chromium() {
    if Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists() {
        return;
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if uid.as_deref().ok() != Some("0") {
        panic!(
            "the browser tests need Chromium and chromedriver; install them with: sudo {INSTALL}"
        );
    }
    eprintln!("installing Chromium for the browser tests: {INSTALL}");
    let update = Command::new("apt-get").args(["update", "-qq"]).status();
    let install = Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    assert!(
        update.is_ok_and(|s| s.success()) && install.is_ok_and(|s| s.success()),
        "could not install Chromium; run: {INSTALL}"
    );
    assert!(
        Path::new(CHROMEDRIVER).exists(),
        "{CHROMEDRIVER} still missing after: {INSTALL}"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_chromedriver() -> (Reaped, u16) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let child = Reaped(child);
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (child, port);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("chromedriver did not listen on port {port}");
}

/// Start `vouch review --no-open` and read the URL it prints.
fn start_vouch(review: &Path) -> (Reaped, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["review", "--no-open"])
        .arg(review)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    (Reaped(child), url)
}

async fn connect_browser(driver_port: u16, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        &format!("--user-data-dir={}", profile.display()),
    ];
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": CHROMIUM, "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    ClientBuilder::rustls()
        .expect("an HTTP client for WebDriver")
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a WebDriver session with headless Chromium")
}

// ------------------------------------------------------------ page helpers

async fn wait_css(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
}

async fn wait_revision(client: &Client, revision: u64) {
    wait_css(client, &format!("body[data-revision='{revision}']")).await;
}

async fn select_row(client: &Client, key: usize) {
    client
        .find(Locator::Css(&format!(".row[data-key='{key}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_css(
        client,
        &format!(".row[data-key='{key}'][aria-current='true']"),
    )
    .await;
}

async fn click(client: &Client, css: &str) {
    wait_css(client, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn row_status(client: &Client, key: usize) -> String {
    client
        .find(Locator::Css(&format!(".row[data-key='{key}']")))
        .await
        .unwrap()
        .attr("data-status")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn press(client: &Client, key: char) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    client.perform_actions(keys).await.unwrap();
}

/// Messages the browser logged at SEVERE level (console errors, failed
/// loads, CSP violations), from chromedriver's log endpoint.
fn browser_errors(driver_port: u16, session: &str) -> Vec<String> {
    let body = br#"{"type":"browser"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", driver_port)).unwrap();
    let head = format!(
        "POST /session/{session}/se/log HTTP/1.1\r\nHost: 127.0.0.1:{driver_port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    // chromedriver may keep the connection open: read by Content-Length.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap();
            }
        }
    }
    let mut raw = vec![0u8; length];
    reader.read_exact(&mut raw).unwrap();
    let value: Value = serde_json::from_slice(&raw)
        .unwrap_or_else(|e| panic!("log reply {:?}: {e}", String::from_utf8_lossy(&raw)));
    value["value"]
        .as_array()
        .unwrap_or_else(|| panic!("no log entries in {value}"))
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn artifacts_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn cell(range: &calamine::Range<calamine::Data>, a1: &str) -> String {
    let col = (a1.as_bytes()[0] - b'A') as u32;
    let row: u32 = a1[1..].parse::<u32>().unwrap() - 1;
    range
        .get_value((row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

// ------------------------------------------------------------ the scenario

/// Progress on stderr, so a failure or a hang shows where it happened.
fn step(what: &str) {
    eprintln!("review_browser: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_page_end_to_end_in_headless_chromium() {
    ensure_chromium();
    step("fixture");
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(&LibrarySource::resolve(None)).unwrap();
    let workbook = dir.path().join("buyer.xlsx");
    write_workbook(&workbook, &library);
    let original = std::fs::read(&workbook).unwrap();
    let review = dir.path().join("buyer.review.json");
    write_review(&review, &workbook, &library);

    step("start vouch review");
    let (_vouch, url) = start_vouch(&review);
    step("start chromedriver");
    let (_driver, driver_port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let client = connect_browser(driver_port, profile.path()).await;
    step("browser session");
    let session = client.session_id().await.unwrap().expect("a session id");
    let outcome = scenario(&client, &url, &review, dir.path(), &library).await;
    let errors = browser_errors(driver_port, &session);
    client.close().await.unwrap();
    outcome.unwrap_or_else(|e| panic!("{e}"));
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    assert_eq!(
        std::fs::read(&workbook).unwrap(),
        original,
        "the buyer's file is untouched"
    );
}

async fn scenario(
    client: &Client,
    url: &str,
    review: &Path,
    dir: &Path,
    library: &Library,
) -> Result<(), String> {
    client
        .set_window_size(1280, 800)
        .await
        .map_err(|e| e.to_string())?;
    client.goto(url).await.map_err(|e| e.to_string())?;
    wait_css(client, "body[data-ready='1']").await;
    let title = client
        .find(Locator::Css("#title"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "buyer.xlsx");
    assert_eq!(
        client.find_all(Locator::Css(".row")).await.unwrap().len(),
        ROWS.len()
    );
    let progress = client
        .find(Locator::Css("#progress-label"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(progress, "0 / 8 reviewed");

    step("screenshot");
    // The item view at 1280x800, before any decision: a test artifact.
    select_row(client, 0).await;
    let view_box = client
        .find(Locator::Css("#item-view"))
        .await
        .unwrap()
        .rectangle()
        .await
        .unwrap();
    let shot = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(artifacts_dir().join("review-item-1280x800.png"), &shot).unwrap();
    assert!(shot.starts_with(b"\x89PNG"));
    check_labels(client).await;

    step("accept");
    // Accept item 0 (top suggestion).
    click(client, "#accept").await;
    wait_revision(client, 1).await;
    assert_eq!(row_status(client, 0).await, "accepted");
    let after = client
        .find(Locator::Css("#item-view"))
        .await
        .unwrap()
        .rectangle()
        .await
        .unwrap();
    assert_eq!(
        view_box, after,
        "the item view does not move while reviewing"
    );

    step("edit");
    // Edit item 1: choice through the dropdown, new text.
    select_row(client, 1).await;
    click(client, "#edit").await;
    let choice = wait_css(client, "#choice").await;
    let options: Vec<String> = {
        let mut v = Vec::new();
        for o in choice.find_all(Locator::Css("option")).await.unwrap() {
            v.push(o.attr("value").await.unwrap().unwrap_or_default());
        }
        v
    };
    assert_eq!(options, ["", "Y", "N", "NA"], "only the dropdown's values");
    choice.select_by_value("N").await.unwrap();
    let text = client.find(Locator::Css("#answer-text")).await.unwrap();
    text.clear().await.unwrap();
    text.send_keys("Not yet: rollout finishes in Q3.")
        .await
        .unwrap();
    click(client, "#save-edit").await;
    wait_revision(client, 2).await;
    assert_eq!(row_status(client, 1).await, "edited");

    step("reject");
    // Reject item 2.
    select_row(client, 2).await;
    click(client, "#reject").await;
    wait_revision(client, 3).await;
    assert_eq!(row_status(client, 2).await, "rejected");

    step("keyboard");
    // Keyboard: j moves from item 2 to item 3, `a` accepts it.
    select_row(client, 2).await;
    press(client, 'j').await;
    wait_css(client, ".row[data-key='3'][aria-current='true']").await;
    press(client, 'a').await;
    wait_revision(client, 4).await;
    assert_eq!(row_status(client, 3).await, "accepted");

    step("bulk accept");
    // Bulk-accept the high-confidence items of "Data protection" (4, 5, 7).
    let bulk = r#"[data-bulk='["Security","Data protection"]']"#;
    let label = wait_css(client, bulk).await.text().await.unwrap();
    assert_eq!(label, "Accept 3 high");
    click(client, bulk).await;
    wait_revision(client, 5).await;
    for key in [4, 5, 7] {
        assert_eq!(row_status(client, key).await, "accepted", "item {key}");
    }
    assert_eq!(
        row_status(client, 6).await,
        "suggested",
        "medium stays pending"
    );

    step("reload");
    // Reload: every decision is still there (and on disk).
    client.refresh().await.unwrap();
    wait_css(client, "body[data-ready='1'][data-revision='5']").await;
    let expected = [
        "accepted",
        "edited",
        "rejected",
        "accepted",
        "accepted",
        "accepted",
        "suggested",
        "accepted",
    ];
    for (key, want) in expected.iter().enumerate() {
        assert_eq!(
            row_status(client, key).await,
            *want,
            "item {key} after reload"
        );
    }
    let progress = client
        .find(Locator::Css("#progress-label"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(progress, "7 / 8 reviewed");
    let file = ReviewFile::read(review).unwrap();
    assert_eq!(file.revision, 5);
    assert_eq!(
        file.items[1].answer.as_ref().unwrap().choice.as_deref(),
        Some("N")
    );

    step("export");
    // Export from the page and check the workbook's cells.
    click(client, "#export").await;
    click(client, "#export-run").await;
    let result = wait_css(
        client,
        "#export-result[data-done='1'], #export-result .error",
    )
    .await;
    let summary = result.text().await.unwrap();
    if result.attr("data-done").await.unwrap().is_none() {
        return Err(format!("export failed in the page: {summary}"));
    }
    let out = exported_file(dir).ok_or_else(|| {
        format!(
            "no exported workbook in {}; page said: {summary}",
            dir.display()
        )
    })?;
    check_export(&out, &file, library);
    Ok(())
}

/// Every input, select, textarea and button has an accessible name.
async fn check_labels(client: &Client) {
    let unlabeled = client
        .execute(
            r#"return [...document.querySelectorAll('input, select, textarea, button')].filter(el => {
                const id = el.id && document.querySelector(`label[for="${el.id}"]`);
                const wrapped = el.closest('label');
                const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent.trim();
                return !(id || wrapped || named);
            }).map(el => el.outerHTML.slice(0, 80));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(unlabeled, json!([]), "controls without a label");
}

fn exported_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.extension().is_some_and(|e| e == "xlsx")
                && p.file_name().is_some_and(|n| n != "buyer.xlsx")
        })
}

fn check_export(out: &Path, file: &ReviewFile, library: &Library) {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(out).unwrap();
    let sheet = book.worksheet_range("Security").unwrap();
    let entries = fixture_entries(library);
    let render = |key: usize| library.render(entries[key]);
    let choice_of = |key: usize| match entries[key].answer.as_str() {
        "Yes" => "Y",
        "No" => "N",
        "N/A" => "NA",
        other => {
            panic!("fixture entry {key} has answer {other}, which the Y/N/NA dropdown cannot hold")
        }
    };
    for key in [0, 3, 4, 5, 7] {
        let r = sheet_row(key);
        assert_eq!(
            cell(&sheet, &format!("C{r}")),
            choice_of(key),
            "choice of item {key}"
        );
        assert_eq!(
            cell(&sheet, &format!("D{r}")),
            render(key),
            "text of item {key}"
        );
    }
    let r = sheet_row(1);
    assert_eq!(cell(&sheet, &format!("C{r}")), "N");
    assert_eq!(
        cell(&sheet, &format!("D{r}")),
        "Not yet: rollout finishes in Q3."
    );
    for key in [2, 6] {
        let r = sheet_row(key);
        assert_eq!(
            cell(&sheet, &format!("C{r}")),
            "",
            "item {key} ({:?}) stays empty",
            file.items[key].status
        );
        assert_eq!(cell(&sheet, &format!("D{r}")), "");
    }
    // Questions are where they were.
    for (i, row) in ROWS.iter().enumerate() {
        assert_eq!(cell(&sheet, &format!("A{}", sheet_row(i))), row.id);
    }
}
