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
use vouch::matcher::Confidence;
use vouch::review::{ReviewFile, Status};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const INSTALL: &str = "apt-get install -y chromium chromium-driver";

// ------------------------------------------------------------ the fixture

/// The fixture's question rows: (section, question id). Questions come from
/// the answer library (so the matcher has something to find), except one
/// that no security library answers.
const ROWS: [(&str, &str); 8] = [
    ("Access control", "AC-01"),
    ("Access control", "AC-02"),
    ("Access control", "AC-03"),
    ("Access control", "AC-04"),
    ("Data protection", "DP-01"),
    ("Data protection", "DP-02"),
    ("Data protection", "DP-03"),
    ("Data protection", "DP-04"),
];
/// The row whose question is outside the library.
const OFF_TOPIC: usize = 6;

/// The sheet row (1-based) of `ROWS[i]`: a header row, then one heading
/// row before each section.
fn sheet_row(i: usize) -> u32 {
    let headings = if ROWS[i].0 == ROWS[0].0 { 1 } else { 2 };
    1 + headings + i as u32 + 1
}

/// The question text of each row.
fn questions(library: &Library) -> Vec<String> {
    let mut from_library = library
        .entries
        .iter()
        .filter(|e| e.answer != vouch::library::Answer::Partial)
        .map(|e| e.questions[0].clone());
    (0..ROWS.len())
        .map(|i| match i {
            OFF_TOPIC => "Which colour should the office kitchen be painted?".to_string(),
            _ => from_library.next().expect("the library has enough entries"),
        })
        .collect()
}

/// A small questionnaire: ID | Question | Answer (Y/N/NA dropdown) | Comments,
/// with a heading row before each section.
fn write_workbook(path: &Path, library: &Library) {
    use rust_xlsxwriter::{DataValidation, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Security").unwrap();
    for (c, h) in ["ID", "Question", "Answer", "Comments"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let questions = questions(library);
    let mut last_section = "";
    for (i, (section, id)) in ROWS.iter().enumerate() {
        let r = sheet_row(i) - 1;
        if *section != last_section {
            sheet.write_string(r - 1, 0, *section).unwrap();
            last_section = section;
        }
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, &questions[i]).unwrap();
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

/// `vouch import` the fixture, as a user would, and check what it found.
fn import(workbook: &Path, review: &Path) -> ReviewFile {
    let out = Command::new(env!("CARGO_BIN_EXE_vouch"))
        .arg("import")
        .arg(workbook)
        .arg("-o")
        .arg(review)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "vouch import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = ReviewFile::read(review).unwrap();
    assert_eq!(file.items.len(), ROWS.len(), "one item per question row");
    for (item, (section, id)) in file.items.iter().zip(ROWS) {
        assert_eq!(item.id.as_deref(), Some(id));
        assert_eq!(item.section.as_deref(), Some(section), "section of {id}");
        let choice = item
            .slots
            .iter()
            .find(|s| s.kind == vouch::questionnaire::SlotKind::Choice);
        assert_eq!(
            choice.map(|s| s.allowed.clone()),
            Some(vec!["Y".to_string(), "N".into(), "NA".into()]),
            "dropdown of {id}"
        );
    }
    file
}

/// The items bulk accept should take in a section: pending, top suggestion `high`.
fn bulk_candidates(file: &ReviewFile, section: &str) -> Vec<usize> {
    file.items
        .iter()
        .filter(|i| {
            i.section.as_deref() == Some(section)
                && i.status == Status::Suggested
                && i.suggestions
                    .first()
                    .is_some_and(|s| s.confidence == Confidence::High)
        })
        .map(|i| i.key)
        .collect()
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
    step("fixture and import");
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(&LibrarySource::resolve(None)).unwrap();
    let workbook = dir.path().join("buyer.xlsx");
    write_workbook(&workbook, &library);
    let original = std::fs::read(&workbook).unwrap();
    let review = dir.path().join("buyer.review.json");
    let imported = import(&workbook, &review);

    step("start vouch review");
    let (_vouch, url) = start_vouch(&review);
    step("start chromedriver");
    let (_driver, driver_port) = start_chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let client = connect_browser(driver_port, profile.path()).await;
    step("browser session");
    let session = client.session_id().await.unwrap().expect("a session id");
    let outcome = scenario(&client, &url, &review, &imported, dir.path()).await;
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
    imported: &ReviewFile,
    dir: &Path,
) -> Result<(), String> {
    step("open the page at 1280x800");
    set_viewport(client, 1280, 800).await;
    client.goto(url).await.map_err(|e| e.to_string())?;
    wait_css(client, "body[data-ready='1']").await;
    assert_eq!(text_of(client, "#title").await, "buyer.xlsx");
    assert_eq!(
        client.find_all(Locator::Css(".row")).await.unwrap().len(),
        ROWS.len()
    );
    assert_eq!(text_of(client, "#progress-label").await, "0 / 8 reviewed");

    step("screenshot of the item view");
    select_row(client, 0).await;
    let view_box = rect(client, "#item-view").await;
    let shot = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(artifacts_dir().join("review-item-1280x800.png"), &shot).unwrap();
    assert!(shot.starts_with(b"\x89PNG"));
    let size = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    assert_eq!(size, json!([1280, 800]), "viewport");
    check_labels(client).await;
    let question = text_of(client, "#question").await;
    assert_eq!(question, imported.items[0].question);

    step("accept");
    click(client, "#accept").await;
    wait_revision(client, 1).await;
    assert_eq!(row_status(client, 0).await, "accepted");
    assert_eq!(rect(client, "#item-view").await, view_box, "no layout jump");

    step("edit: choice through the dropdown, new text");
    select_row(client, 1).await;
    click(client, "#edit").await;
    let choice = wait_css(client, "#choice").await;
    let mut options = Vec::new();
    for o in choice.find_all(Locator::Css("option")).await.unwrap() {
        options.push(o.attr("value").await.unwrap().unwrap_or_default());
    }
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
    select_row(client, 2).await;
    click(client, "#reject").await;
    wait_revision(client, 3).await;
    assert_eq!(row_status(client, 2).await, "rejected");

    step("keyboard: j, then a");
    select_row(client, 2).await;
    press(client, 'j').await;
    wait_css(client, ".row[data-key='3'][aria-current='true']").await;
    press(client, 'a').await;
    wait_revision(client, 4).await;
    assert_eq!(row_status(client, 3).await, "accepted");

    step("bulk accept a section");
    let expected_bulk = bulk_candidates(imported, "Data protection");
    assert!(
        !expected_bulk.is_empty(),
        "the fixture has high-confidence items to bulk-accept"
    );
    assert!(
        !expected_bulk.contains(&OFF_TOPIC),
        "the off-topic question is not high"
    );
    let bulk = r#"[data-bulk='["Security","Data protection"]']"#;
    let label = wait_css(client, bulk).await.text().await.unwrap();
    assert_eq!(label, format!("Accept {} high", expected_bulk.len()));
    click(client, bulk).await;
    wait_revision(client, 5).await;
    for key in 4..8 {
        let want = if expected_bulk.contains(&key) {
            "accepted"
        } else {
            status_name(imported.items[key].status)
        };
        assert_eq!(row_status(client, key).await, want, "item {key}");
    }

    step("search the library for another entry");
    select_row(client, OFF_TOPIC).await;
    let search = wait_css(client, "#library-search").await;
    search
        .send_keys("encryption of customer data at rest")
        .await
        .unwrap();
    press(client, '\u{E007}').await; // Enter
    let first = wait_css(client, "#search-results .result").await;
    let picked = first
        .attr("data-entry")
        .await
        .unwrap()
        .expect("a result names its entry");
    let shot = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(artifacts_dir().join("review-search-1280x800.png"), &shot).unwrap();
    first
        .find(Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_revision(client, 6).await;
    assert_eq!(row_status(client, OFF_TOPIC).await, "accepted");

    step("reload");
    client.refresh().await.unwrap();
    wait_css(client, "body[data-ready='1'][data-revision='6']").await;
    let file = ReviewFile::read(review).unwrap();
    assert_eq!(file.revision, 6);
    let off_topic = file.items[OFF_TOPIC].answer.as_ref().unwrap();
    assert_eq!(
        off_topic.entry.as_deref(),
        Some(picked.as_str()),
        "the searched entry"
    );
    for item in &file.items {
        assert_eq!(
            row_status(client, item.key).await,
            status_name(item.status),
            "item {} after reload",
            item.key
        );
    }
    let decided = 5 + expected_bulk.len();
    assert_eq!(
        text_of(client, "#progress-label").await,
        format!("{decided} / 8 reviewed")
    );
    assert_eq!(
        file.items[1].answer.as_ref().unwrap().choice.as_deref(),
        Some("N")
    );

    step("narrow window");
    set_viewport(client, 420, 800).await;
    select_row(client, 1).await;
    let overflow = client
        .execute(
            "const d = document.documentElement; return d.scrollWidth - d.clientWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, json!(0), "no sideways scrolling at 420px");
    let shot = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(artifacts_dir().join("review-item-420x800.png"), &shot).unwrap();
    set_viewport(client, 1280, 800).await;

    step("export");
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
    let out = PathBuf::from(text_of(client, "#export-path").await);
    assert_eq!(out.parent(), Some(dir), "written next to the review file");
    // Every reviewed item but the rejected one is written.
    let cells = text_of(client, "#export-counts").await;
    assert!(
        cells.contains(&format!("for {} questions", decided - 1)),
        "summary: {cells}"
    );
    check_export(&out, &file);
    Ok(())
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Suggested => "suggested",
        Status::Accepted => "accepted",
        Status::Edited => "edited",
        Status::Rejected => "rejected",
        Status::NeedsInput => "needs-input",
        Status::NoMatch => "no-match",
        Status::Prefilled => "prefilled",
    }
}

async fn text_of(client: &Client, css: &str) -> String {
    wait_css(client, css).await.text().await.unwrap()
}

async fn rect(client: &Client, css: &str) -> (f64, f64, f64, f64) {
    wait_css(client, css).await.rectangle().await.unwrap()
}

/// Size the window so the page itself (not the window) is `width` x `height`.
async fn set_viewport(client: &Client, width: u32, height: u32) {
    client.set_window_size(width, height).await.unwrap();
    let inner = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    let dw = width as i64 - inner[0].as_i64().unwrap_or(width as i64);
    let dh = height as i64 - inner[1].as_i64().unwrap_or(height as i64);
    if dw != 0 || dh != 0 {
        client
            .set_window_size((width as i64 + dw) as u32, (height as i64 + dh) as u32)
            .await
            .unwrap();
    }
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

/// The workbook holds exactly the decided answers: accepted and edited
/// items in their Answer (mapped onto Y/N/NA) and Comments cells, nothing
/// for the others, and the questions where they were.
fn check_export(out: &Path, file: &ReviewFile) {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(out).unwrap();
    let sheet = book.worksheet_range("Security").unwrap();
    for item in &file.items {
        let r = sheet_row(item.key);
        let (choice, text) = match (item.status, &item.answer) {
            (Status::Accepted | Status::Edited, Some(answer)) => {
                let choice = match answer.choice.as_deref() {
                    Some("Yes" | "Y") => "Y",
                    Some("No" | "N") => "N",
                    Some("N/A" | "NA") => "NA",
                    _ => "",
                };
                (choice, answer.text.as_str())
            }
            _ => ("", ""),
        };
        assert_eq!(
            cell(&sheet, &format!("C{r}")),
            choice,
            "Answer of item {}",
            item.key
        );
        assert_eq!(
            cell(&sheet, &format!("D{r}")),
            text,
            "Comments of item {}",
            item.key
        );
        assert_eq!(cell(&sheet, &format!("A{r}")), ROWS[item.key].1);
        assert_eq!(cell(&sheet, &format!("B{r}")), item.question);
    }
    let r = sheet_row(1);
    assert_eq!(cell(&sheet, &format!("C{r}")), "N");
    assert_eq!(
        cell(&sheet, &format!("D{r}")),
        "Not yet: rollout finishes in Q3."
    );
    let r = sheet_row(2);
    assert_eq!(cell(&sheet, &format!("C{r}")), "", "rejected stays empty");
}
