//! The review server's API: its guards (token, Host, Origin, body size),
//! its revision check, and that no decision is lost under concurrency or
//! when the process is killed. Servers run in-process on 127.0.0.1 (and one
//! test runs the real binary); requests are raw HTTP/1.1 so every header is
//! under the test's control.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vouch::library::{Library, LibrarySource};
use vouch::matcher::{Confidence, Explanation, Suggestion};
use vouch::questionnaire::{AnswerSlot, Format, Location, SlotKind};
use vouch::review::server::{Config, Server};
use vouch::review::{LibraryInfo, ReviewFile, ReviewItem, SourceInfo, Status};

// ------------------------------------------------------------ fixtures

fn library() -> Library {
    Library::open(&LibrarySource::Embedded).expect("the starter library loads")
}

/// A review of `n` items over two sheets, each with a choice slot limited to
/// Y/N/NA and a text slot; every third item's top suggestion is `high`.
fn review_file(library: &Library, n: usize) -> ReviewFile {
    let bands = [Confidence::High, Confidence::Medium, Confidence::Low];
    let items = (0..n)
        .map(|k| {
            let entry = &library.entries[k % library.entries.len()];
            let runner = &library.entries[(k + 1) % library.entries.len()];
            let suggestion = |e: &vouch::library::Entry, confidence, score| Suggestion {
                entry: e.id.clone(),
                topic: e.topic.clone(),
                score,
                confidence,
                answer: e.answer,
                text: library.render(e),
                why: Explanation {
                    matched_terms: vec!["access".into()],
                    matched_variant: e.questions[0].clone(),
                    coverage: 0.8,
                    margin: 0.3,
                    band_reason: "test".into(),
                    ..Explanation::default()
                },
            };
            let sheet = if k < n / 2 { "Security" } else { "Privacy" };
            let row = 2 + k as u32;
            ReviewItem {
                key: k,
                id: Some(format!("Q-{k:03}")),
                question: entry.questions[0].clone(),
                section: Some(format!("{sheet} section {}", k % 2)),
                location: Location {
                    sheet: sheet.into(),
                    cell: format!("B{row}"),
                    row,
                },
                slots: vec![
                    AnswerSlot {
                        kind: SlotKind::Choice,
                        target: format!("C{row}"),
                        header: Some("Answer".into()),
                        allowed: vec!["Y".into(), "N".into(), "NA".into()],
                        existing: None,
                        planned: false,
                    },
                    AnswerSlot {
                        kind: SlotKind::Text,
                        target: format!("D{row}"),
                        header: Some("Comments".into()),
                        allowed: vec![],
                        existing: None,
                        planned: false,
                    },
                ],
                suggestions: vec![
                    suggestion(entry, bands[k % 3], 0.9),
                    suggestion(runner, Confidence::Low, 0.4),
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
        generator: "review_api test".into(),
        source: SourceInfo {
            path: "/nonexistent/buyer.xlsx".into(),
            format: Format::Xlsx,
            sha256: "0".repeat(64),
        },
        library: LibraryInfo {
            label: library.label.clone(),
            hash: library.hash.clone(),
            entries: library.entries.len(),
        },
        profile: Default::default(),
        items,
    }
}

fn write_review(dir: &Path, n: usize) -> PathBuf {
    let path = dir.join("buyer.review.json");
    review_file(&library(), n).write(&path).unwrap();
    path
}

// ------------------------------------------------------------ server

struct TestServer {
    port: u16,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TestServer {
    fn start(review: &Path) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime
            .block_on(Server::bind(Config {
                review: review.to_path_buf(),
                port: None,
                library: Some(library()),
                library_error: None,
            }))
            .unwrap();
        let (port, token) = (server.port(), server.token().to_string());
        assert!(server.url().starts_with("http://127.0.0.1:"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(server.run(async {
            let _ = stopped.await;
        }));
        TestServer {
            port,
            token,
            stop: Some(stop),
            runtime: Some(runtime),
        }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A request as the page makes it: our Host, the token, our Origin.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Reply {
        let body = body.map(|b| b.to_string());
        send(
            self.port,
            method,
            path,
            &[
                ("Host", &self.host()),
                ("X-Vouch-Token", &self.token),
                ("Origin", &self.origin()),
            ],
            body.as_deref().map(str::as_bytes),
        )
        .expect("the server answers")
    }

    fn decide(&self, revision: u64, key: usize, decision: Value) -> Reply {
        self.call(
            "POST",
            "/api/change",
            Some(
                &json!({ "revision": revision, "kind": "item", "key": key, "decision": decision }),
            ),
        )
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(std::time::Duration::from_secs(5));
        }
    }
}

// ------------------------------------------------------------ raw HTTP

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with exactly the given headers (plus Content-Length
/// and Connection: close), read to the end.
fn send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    if let Some(b) = body {
        stream.write_all(b)?;
    }
    read_reply(stream)
}

fn read_reply(stream: TcpStream) -> std::io::Result<Reply> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = Vec::new();
    reader.read_to_end(&mut body)?;
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Ok(Reply {
        status,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(pos) = raw.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..pos]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[pos + 2..pos + 2 + size]);
        raw = &raw[pos + 4 + size..];
    }
    out
}

fn revision_on_disk(path: &Path) -> u64 {
    ReviewFile::read(path).unwrap().revision
}

// ------------------------------------------------------------ guards

#[test]
fn api_calls_need_the_session_token() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 6);
    let server = TestServer::start(&review);
    let host = server.host();

    let none = send(server.port, "GET", "/api/review", &[("Host", &host)], None).unwrap();
    assert_eq!(none.status, 401);
    let wrong = send(
        server.port,
        "GET",
        "/api/review",
        &[
            ("Host", &host),
            ("X-Vouch-Token", "0123456789abcdef0123456789abcdef"),
        ],
        None,
    )
    .unwrap();
    assert_eq!(wrong.status, 401);
    // A token in the query string is not enough for the API.
    let in_query = send(
        server.port,
        "GET",
        &format!("/api/review?token={}", server.token),
        &[("Host", &host)],
        None,
    )
    .unwrap();
    assert_eq!(in_query.status, 401);
    let write = send(
        server.port,
        "POST",
        "/api/change",
        &[("Host", &host)],
        Some(br#"{"revision":0,"kind":"item","key":0,"decision":{"action":"reject"}}"#),
    )
    .unwrap();
    assert_eq!(write.status, 401);
    assert_eq!(revision_on_disk(&review), 0);

    let ok = server.call("GET", "/api/review", None);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["items"].as_array().unwrap().len(), 6);
    assert_eq!(server.token.len(), 32, "128-bit token, hex");
}

#[test]
fn foreign_host_headers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 3);
    let server = TestServer::start(&review);
    let port = server.port;
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("[::1]:{port}"),
    ] {
        for path in ["/", "/app.js", "/api/review"] {
            let reply = send(
                port,
                "GET",
                path,
                &[("Host", &host), ("X-Vouch-Token", &server.token)],
                None,
            )
            .unwrap();
            assert_eq!(reply.status, 403, "Host {host} on {path}");
        }
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let reply = send(
            port,
            "GET",
            "/api/review",
            &[("Host", &host), ("X-Vouch-Token", &server.token)],
            None,
        )
        .unwrap();
        assert_eq!(reply.status, 200, "Host {host}");
    }
}

#[test]
fn writes_from_a_foreign_origin_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 3);
    let server = TestServer::start(&review);
    let body = br#"{"revision":0,"kind":"item","key":0,"decision":{"action":"reject"}}"#;
    for (name, value) in [
        ("Origin", "http://evil.example"),
        ("Origin", "null"),
        ("Origin", "http://127.0.0.1:1"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let reply = send(
            server.port,
            "POST",
            "/api/change",
            &[
                ("Host", &server.host()),
                ("X-Vouch-Token", &server.token),
                (name, value),
            ],
            Some(body),
        )
        .unwrap();
        assert_eq!(reply.status, 403, "{name}: {value}");
    }
    assert_eq!(
        revision_on_disk(&review),
        0,
        "no refused write reached the file"
    );
    // Reads from another origin are harmless (no CORS headers: the browser
    // will not hand the response to that page) but carry no CORS grant.
    let read = send(
        server.port,
        "GET",
        "/api/review",
        &[
            ("Host", &server.host()),
            ("X-Vouch-Token", &server.token),
            ("Origin", "http://evil.example"),
        ],
        None,
    )
    .unwrap();
    assert!(read
        .headers
        .iter()
        .all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-")));
    let own = server.decide(0, 0, json!({ "action": "reject" }));
    assert_eq!(own.status, 200, "{}", String::from_utf8_lossy(&own.body));
    assert_eq!(revision_on_disk(&review), 1);
}

#[test]
fn preflight_gets_no_cors_grant_and_pages_get_a_strict_csp() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 1);
    let server = TestServer::start(&review);
    let preflight = send(
        server.port,
        "OPTIONS",
        "/api/change",
        &[
            ("Host", &server.host()),
            ("Origin", "http://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        None,
    )
    .unwrap();
    assert!(
        preflight.status >= 400,
        "preflight answered {}",
        preflight.status
    );
    assert!(preflight
        .headers
        .iter()
        .all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-")));
    let page = send(server.port, "GET", "/", &[("Host", &server.host())], None).unwrap();
    assert_eq!(page.status, 200);
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resources"
    );
}

#[test]
fn a_ten_megabyte_body_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 2);
    let server = TestServer::start(&review);
    let mut big =
        br#"{"revision":0,"kind":"item","key":0,"decision":{"action":"edit","text":""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    big.extend_from_slice(br#""}}"#);
    // Write the body from another thread while this one reads the answer:
    // the server may refuse as soon as it sees the Content-Length.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "POST /api/change HTTP/1.1\r\nHost: {}\r\nX-Vouch-Token: {}\r\nOrigin: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.host(),
        server.token,
        server.origin(),
        big.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || writer.write_all(&big).is_ok());
    let reply = read_reply(stream);
    let fully_sent = sender.join().unwrap();
    match reply {
        Ok(reply) => assert_eq!(
            reply.status,
            413,
            "{}",
            String::from_utf8_lossy(&reply.body)
        ),
        // The server may also cut the connection before reading 10 MB.
        Err(e) => assert!(!fully_sent, "whole body sent and no answer: {e}"),
    }
    let file = ReviewFile::read(&review).unwrap();
    assert_eq!(file.revision, 0);
    assert_eq!(file.items[0].status, Status::Suggested);
    // The server is still fine, and a normal-sized edit goes through.
    let ok = server.decide(
        0,
        0,
        json!({ "action": "edit", "choice": "Y", "text": "short" }),
    );
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
}

// ------------------------------------------------------------ revisions

#[test]
fn a_stale_revision_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 4);
    let server = TestServer::start(&review);
    let first = server.decide(0, 0, json!({ "action": "accept" }));
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["revision"], 1);
    // A second tab still looking at revision 0.
    let stale = server.decide(0, 0, json!({ "action": "reject" }));
    assert_eq!(stale.status, 409);
    assert_eq!(
        stale.json()["revision"],
        1,
        "the refusal names the current revision"
    );
    let file = ReviewFile::read(&review).unwrap();
    assert_eq!(file.revision, 1);
    assert_eq!(file.items[0].status, Status::Accepted, "not overwritten");
}

#[test]
fn a_change_by_another_process_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 4);
    let server = TestServer::start(&review);
    // Another server (or a person) records a decision directly in the file.
    let mut file = ReviewFile::read(&review).unwrap();
    file.items[1].status = Status::Rejected;
    file.revision += 1;
    file.write(&review).unwrap();
    let page_at_zero = server.decide(0, 2, json!({ "action": "accept" }));
    assert_eq!(page_at_zero.status, 409);
    let reloaded = server.call("GET", "/api/review", None).json();
    assert_eq!(reloaded["revision"], 1);
    assert_eq!(reloaded["items"][1]["status"], "rejected");
    let again = server.decide(1, 2, json!({ "action": "accept" }));
    assert_eq!(again.status, 200);
    let file = ReviewFile::read(&review).unwrap();
    assert_eq!(
        file.items[1].status,
        Status::Rejected,
        "the other decision survived"
    );
    assert_eq!(file.items[2].status, Status::Accepted);
}

#[test]
fn every_action_round_trips_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 9);
    let server = TestServer::start(&review);
    let mut rev = 0;
    let mut ok = |key: usize, decision: Value| {
        let reply = server.decide(rev, key, decision);
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        rev = reply.json()["revision"].as_u64().unwrap();
        reply.json()
    };
    ok(0, json!({ "action": "accept" }));
    let runner = ok(
        1,
        json!({ "action": "accept", "pick": { "from": "suggestion", "index": 1 } }),
    );
    assert_eq!(runner["items"][0]["changed"], true);
    let entry = library().entries[5].id.clone();
    ok(
        2,
        json!({ "action": "accept", "pick": { "from": "entry", "id": entry } }),
    );
    let edited = ok(
        3,
        json!({ "action": "edit", "choice": "n", "text": "We do not." }),
    );
    assert_eq!(
        edited["items"][0]["answer"]["choice"], "N",
        "normalized to the dropdown's spelling"
    );
    ok(4, json!({ "action": "reject" }));
    ok(5, json!({ "action": "needs-input", "note": "Ask legal" }));
    ok(5, json!({ "action": "accept" }));
    let undone = ok(5, json!({ "action": "undo" }));
    assert_eq!(undone["items"][0]["status"], "needs-input");

    let refused = server.decide(
        rev,
        6,
        json!({ "action": "edit", "choice": "Maybe", "text": "x" }),
    );
    assert_eq!(refused.status, 422, "choice outside the dropdown");
    let refused = server.decide(rev, 6, json!({ "action": "needs-input", "note": "  " }));
    assert_eq!(refused.status, 422, "empty note");
    let refused = server.decide(rev, 99, json!({ "action": "accept" }));
    assert_eq!(refused.status, 404);
    let refused = server.decide(rev, 6, json!({ "action": "undo" }));
    assert_eq!(refused.status, 422, "nothing to undo");

    let file = ReviewFile::read(&review).unwrap();
    assert_eq!(file.revision, rev);
    let lib = library();
    let status: Vec<Status> = file.items.iter().map(|i| i.status).collect();
    assert_eq!(
        &status[..6],
        &[
            Status::Accepted,
            Status::Accepted,
            Status::Accepted,
            Status::Edited,
            Status::Rejected,
            Status::NeedsInput
        ]
    );
    assert_eq!(
        file.items[1].answer.as_ref().unwrap().entry.as_deref(),
        Some(file.items[1].suggestions[1].entry.as_str())
    );
    let picked = file.items[2].answer.as_ref().unwrap();
    assert_eq!(picked.entry.as_deref(), Some(entry.as_str()));
    assert_eq!(picked.text, lib.render(lib.entry(&entry).unwrap()));
    assert_eq!(file.items[3].answer.as_ref().unwrap().text, "We do not.");
    assert!(file.items[4].answer.is_none());
    assert_eq!(file.items[5].note.as_deref(), Some("Ask legal"));
}

#[test]
fn bulk_accept_takes_only_pending_high_items_of_one_section() {
    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("buyer.review.json");
    let mut file = review_file(&library(), 12);
    // Items 0-5 are on "Security", 6-11 on "Privacy"; 0, 1, 3, 6, 9 are high.
    for item in &mut file.items {
        item.section = Some("Section A".into());
    }
    file.items[1].suggestions[0].confidence = Confidence::High;
    file.items[5].section = Some("Section B".into());
    file.items[5].suggestions[0].confidence = Confidence::High;
    file.write(&review).unwrap();
    let server = TestServer::start(&review);
    // Item 0 is high and pending in Security / Section A; reject it first.
    assert_eq!(
        server.decide(0, 0, json!({ "action": "reject" })).status,
        200
    );
    let reply = server.call(
        "POST",
        "/api/change",
        Some(&json!({ "revision": 1, "kind": "bulk-accept", "sheet": "Security", "section": "Section A" })),
    );
    assert_eq!(reply.status, 200);
    let file = ReviewFile::read(&review).unwrap();
    let expected: Vec<usize> = file
        .items
        .iter()
        .filter(|i| {
            i.key != 0
                && i.location.sheet == "Security"
                && i.section.as_deref() == Some("Section A")
                && i.suggestions[0].confidence == Confidence::High
        })
        .map(|i| i.key)
        .collect();
    assert_eq!(expected, [1, 3]);
    let accepted: Vec<usize> = file
        .items
        .iter()
        .filter(|i| i.status == Status::Accepted)
        .map(|i| i.key)
        .collect();
    assert_eq!(accepted, expected);
    assert_eq!(reply.json()["changed"], expected.len());
    assert_eq!(
        file.items[0].status,
        Status::Rejected,
        "a decided item is left alone"
    );
}

#[test]
fn search_ranks_library_entries() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 1);
    let server = TestServer::start(&review);
    let reply = server.call(
        "GET",
        "/api/search?q=multi-factor%20authentication&n=5",
        None,
    );
    assert_eq!(reply.status, 200);
    let results = reply.json()["results"].as_array().unwrap().clone();
    assert!(!results.is_empty() && results.len() <= 5);
    assert!(results[0]["entry"].is_string() && results[0]["text"].is_string());
    assert!(results[0]["stale"].is_boolean());
}

// ------------------------------------------------------------ concurrency

#[test]
fn twenty_parallel_clients_lose_no_decision() {
    const CLIENTS: usize = 20;
    const EACH: usize = 5;
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), CLIENTS * EACH);
    let server = Arc::new(TestServer::start(&review));
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                let mut refusals = 0;
                for i in 0..EACH {
                    let key = c * EACH + i;
                    let note = format!("client {c} item {key}");
                    // On 409, decide again at the revision the refusal names.
                    let mut done = false;
                    let mut rev = server.call("GET", "/api/review", None).json()["revision"]
                        .as_u64()
                        .unwrap();
                    for _attempt in 0..1000 {
                        let reply = server.decide(
                            rev,
                            key,
                            json!({ "action": "needs-input", "note": note }),
                        );
                        match reply.status {
                            200 => {
                                done = true;
                                break;
                            }
                            409 => {
                                refusals += 1;
                                rev = reply.json()["revision"].as_u64().unwrap();
                            }
                            other => panic!(
                                "unexpected {other}: {}",
                                String::from_utf8_lossy(&reply.body)
                            ),
                        }
                    }
                    assert!(done, "client {c} gave up on item {key}");
                }
                refusals
            })
        })
        .collect();
    let refusals: usize = threads.into_iter().map(|t| t.join().unwrap()).sum();
    let file = ReviewFile::read(&review).unwrap();
    assert_eq!(
        file.revision,
        (CLIENTS * EACH) as u64,
        "one revision per decision"
    );
    for item in &file.items {
        assert_eq!(item.status, Status::NeedsInput, "item {}", item.key);
        let c = item.key / EACH;
        assert_eq!(
            item.note.as_deref(),
            Some(format!("client {c} item {}", item.key).as_str())
        );
    }
    println!(
        "{} decisions from {CLIENTS} clients, {refusals} stale refusals retried",
        CLIENTS * EACH
    );
}

// ------------------------------------------------------------ the binary

/// Start `vouch review --no-open` and read the URL it prints.
fn spawn_binary(review: &Path) -> (std::process::Child, u16, String) {
    spawn_binary_on(review, "2026-06-01")
}

/// The same, with `today` as the date staleness is judged against.
fn spawn_binary_on(review: &Path, today: &str) -> (std::process::Child, u16, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vouch"))
        .args(["review", "--no-open"])
        .arg(review)
        .env("VOUCH_TODAY", today)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    let port: u16 = url["http://127.0.0.1:".len()..]
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let token = url.split("token=").nth(1).unwrap().to_string();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, port, token)
}

fn binary_decide(port: u16, token: &str, rev: u64, key: usize) -> std::io::Result<Reply> {
    let body =
        json!({ "revision": rev, "kind": "item", "key": key, "decision": { "action": "accept" } })
            .to_string();
    send(
        port,
        "POST",
        "/api/change",
        &[
            ("Host", &format!("127.0.0.1:{port}")),
            ("X-Vouch-Token", token),
        ],
        Some(body.as_bytes()),
    )
}

#[test]
fn killing_the_server_mid_stream_keeps_the_file_whole() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 400);
    let (mut child, port, token) = spawn_binary(&review);
    // One thread decides as fast as it can; this one kills the server with
    // SIGKILL once 30 decisions are acknowledged, while requests still flow.
    let acknowledged = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&acknowledged);
    let decider = std::thread::spawn(move || {
        for key in 0..400 {
            let rev = counter.load(Ordering::SeqCst);
            match binary_decide(port, &token, rev, key) {
                Ok(reply) if reply.status == 200 => counter.fetch_add(1, Ordering::SeqCst),
                Ok(reply) => panic!(
                    "unexpected {}: {}",
                    reply.status,
                    String::from_utf8_lossy(&reply.body)
                ),
                Err(_) => break,
            };
        }
    });
    while acknowledged.load(Ordering::SeqCst) < 30 && !decider.is_finished() {
        std::thread::yield_now();
    }
    child.kill().unwrap();
    let _ = child.wait();
    decider.join().unwrap();
    let acknowledged = acknowledged.load(Ordering::SeqCst);
    assert!(
        (30..400).contains(&acknowledged),
        "killed mid-stream ({acknowledged})"
    );
    let file = ReviewFile::read(&review).expect("the review file is still valid JSON");
    assert!(
        file.revision == acknowledged || file.revision == acknowledged + 1,
        "file at revision {}, {acknowledged} acknowledged",
        file.revision
    );
    let accepted = file
        .items
        .iter()
        .filter(|i| i.status == Status::Accepted)
        .count() as u64;
    assert_eq!(
        accepted, file.revision,
        "every saved revision is one accepted item"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "buyer.review.json")
        .collect();
    assert!(
        leftovers.len() <= 1,
        "at most the in-flight temp file: {leftovers:?}"
    );
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 5);
    let (mut child, port, token) = spawn_binary(&review);
    let reply = binary_decide(port, &token, 0, 0).unwrap();
    assert_eq!(reply.status, 200);
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful stop exits 0, got {exit:?}");
    assert_eq!(revision_on_disk(&review), 1);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port released"
    );
}

#[test]
fn entries_past_their_review_date_are_marked_stale() {
    let dir = tempfile::tempdir().unwrap();
    let review = write_review(dir.path(), 3);
    for (today, stale) in [("2000-01-01", false), ("2099-01-01", true)] {
        let (mut child, port, token) = spawn_binary_on(&review, today);
        let reply = send(
            port,
            "GET",
            "/api/review",
            &[
                ("Host", &format!("127.0.0.1:{port}")),
                ("X-Vouch-Token", &token),
            ],
            None,
        )
        .unwrap();
        child.kill().unwrap();
        let _ = child.wait();
        let items = reply.json()["items"].as_array().unwrap().clone();
        for item in &items {
            for s in item["suggestions"].as_array().unwrap() {
                assert_eq!(s["stale"], stale, "on {today}: {}", s["entry"]);
                assert!(s["reviewed"].is_string());
            }
        }
    }
}

#[test]
fn a_changed_library_is_announced() {
    let dir = tempfile::tempdir().unwrap();
    let review = dir.path().join("buyer.review.json");
    let mut file = review_file(&library(), 2);
    file.library.hash = "f".repeat(64);
    file.write(&review).unwrap();
    let server = TestServer::start(&review);
    let warnings = server.call("GET", "/api/review", None).json()["warnings"].clone();
    let warnings = warnings.as_array().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0]
        .as_str()
        .unwrap()
        .contains("changed since this questionnaire was imported"));

    let same = write_review(dir.path(), 2);
    let server = TestServer::start(&same);
    let warnings = server.call("GET", "/api/review", None).json()["warnings"].clone();
    assert_eq!(warnings, json!([]));
}
