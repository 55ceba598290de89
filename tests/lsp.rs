//! `zeren lsp` driven as an editor drives it: a scripted client over stdio
//! asserting the server's exact replies, and bad input in process.
#![cfg(feature = "lsp")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long any one reply may take before the test fails (a hang).
const TIMEOUT: Duration = Duration::from_secs(60);

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/lsp/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A scripted editor talking to `zeren lsp` over its stdin and stdout.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next_id: i64,
    /// Notifications that arrived while waiting for a response.
    pending: VecDeque<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zeren"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("a Content-Length header")];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            rx,
            next_id: 0,
            pending: VecDeque::new(),
        }
    }

    fn send(&mut self, mut msg: Value) {
        msg["jsonrpc"] = json!("2.0");
        let body = serde_json::to_string(&msg).unwrap();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn recv(&mut self) -> Value {
        match self.rx.recv_timeout(TIMEOUT) {
            Ok(v) => v,
            Err(RecvTimeoutError::Timeout) => panic!("no reply within {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"method": method, "params": params}));
    }

    /// Sends a request and returns the whole response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"id": id, "method": method, "params": params}));
        loop {
            let msg = self.recv();
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return msg;
            }
            self.pending.push_back(msg);
        }
    }

    /// The result of a request that must succeed.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let r = self.request(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let is_it = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.pending.iter().position(is_it) {
            return self.pending.remove(i).unwrap()["params"].clone();
        }
        loop {
            let msg = self.recv();
            if is_it(&msg) {
                return msg["params"].clone();
            }
            self.pending.push_back(msg);
        }
    }

    fn initialize(&mut self, encodings: Option<Value>) -> Value {
        let mut caps = json!({});
        if let Some(e) = encodings {
            caps = json!({"general": {"positionEncodings": e}});
        }
        let r = self.call(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": caps}),
        );
        self.notify("initialized", json!({}));
        r
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "zeren", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    /// `shutdown`, `exit`, and the exit code.
    fn finish(mut self) -> i32 {
        let r = self.call("shutdown", Value::Null);
        assert_eq!(r, Value::Null);
        self.exit()
    }

    fn exit(mut self) -> i32 {
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < TIMEOUT, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The LSP position of byte `offset`, counted in `unit`s ("utf-8", "utf-16", "utf-32").
fn pos(text: &str, offset: usize, unit: &str) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let part = &text[line_start..offset];
    let character = match unit {
        "utf-8" => part.len(),
        "utf-32" => part.chars().count(),
        _ => part.encode_utf16().count(),
    };
    json!({"line": line, "character": character})
}

/// The position just after the `nth` (0-based) occurrence of `needle`.
fn after(text: &str, needle: &str, nth: usize, unit: &str) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap().0 + needle.len();
    pos(text, at, unit)
}

fn at_doc(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

const SESSION: &str = "file:///zeren-lsp-test/session.zr";

#[test]
fn an_editor_session_over_stdio() {
    let mut c = Client::start();
    let mut init = c.initialize(None);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    init["serverInfo"]["version"] = json!("[version]");
    insta::assert_json_snapshot!("session_initialize", init);

    // Open a file with an error: one diagnostic, at the misspelt duty.
    let mut text = fixture("session.zr");
    let d = c.open(SESSION, &text);
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 1);
    let typo = text.find("第一责任任").unwrap();
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        json!({"line": 15, "character": 24})
    );
    assert_eq!(
        d["diagnostics"][0]["range"]["end"],
        json!({"line": 15, "character": 29})
    );
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        pos(&text, typo, "utf-16")
    );
    insta::assert_json_snapshot!("session_diagnostics_on_open", d);

    // Fix it with an incremental change of the last character (UTF-16 range).
    let last = typo + "第一责任".len();
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": SESSION, "version": 2},
            "contentChanges": [{
                "range": {"start": pos(&text, last, "utf-16"), "end": pos(&text, last + 3, "utf-16")},
                "text": "人"
            }]
        }),
    );
    text.replace_range(last..last + 3, "人");
    let d = c.diagnostics(SESSION);
    assert_eq!(d, json!({"uri": SESSION, "version": 2, "diagnostics": []}));

    // Hover with the caret right after `第一责任人` in the rule just fixed.
    let caret = after(&text, "第一责任人", 1, "utf-16");
    assert_eq!(caret, json!({"line": 15, "character": 29}));
    let h = c.call("textDocument/hover", at_doc(SESSION, caret.clone()));
    assert_eq!(h["range"]["start"], json!({"line": 15, "character": 24}));
    insta::assert_json_snapshot!("session_hover_duty", h);
    for (name, needle, nth) in [
        ("unit", "机械学院", 0),
        ("person", "王五", 0),
        ("position", "书记", 1),
        ("fact", "后果", 2),
        ("level", "恶劣影响", 2),
        ("citation", "\"第八条\"", 0),
        ("clause", "(四)", 0),
        ("action", "专题研究", 1),
    ] {
        let h = c.call(
            "textDocument/hover",
            at_doc(SESSION, after(&text, needle, nth, "utf-16")),
        );
        insta::assert_json_snapshot!(format!("session_hover_{name}"), h);
    }
    // Nothing to say about a keyword or a comment.
    let h = c.call(
        "textDocument/hover",
        at_doc(SESSION, json!({"line": 1, "character": 2})),
    );
    assert_eq!(h, Value::Null);

    // Definition: from the use in the rule to the `duties` declaration.
    let def = c.call("textDocument/definition", at_doc(SESSION, caret.clone()));
    let duties = text.find("第一责任人").unwrap();
    assert_eq!(
        def,
        json!([{"uri": SESSION, "range": {
            "start": pos(&text, duties, "utf-16"),
            "end": pos(&text, duties + "第一责任人".len(), "utf-16")}}])
    );
    let mut refs_at = at_doc(SESSION, after(&text, "校党委", 0, "utf-16"));
    refs_at["context"] = json!({"includeDeclaration": true});
    let refs = c.call("textDocument/references", refs_at);
    assert_eq!(refs.as_array().unwrap().len(), 4, "{refs}");
    insta::assert_json_snapshot!("session_references_unit", refs);

    // Completion: duties after `bears 第一`, org statements at a line start in `org`.
    let caret = after(&text, "bears 第一", 0, "utf-16");
    let items = c.call("textDocument/completion", at_doc(SESSION, caret));
    insta::assert_json_snapshot!("session_completion_after_bears", items);
    let org_line = text.find("  王五    holds").unwrap();
    let items = c.call(
        "textDocument/completion",
        at_doc(SESSION, pos(&text, org_line, "utf-16")),
    );
    insta::assert_json_snapshot!("session_completion_org_line", items);
    let caret = after(&text, "后果 >= ", 0, "utf-16");
    let items = c.call("textDocument/completion", at_doc(SESSION, caret));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["不良影响", "严重影响", "恶劣影响", "严重后果"]);

    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": SESSION}}),
    );
    insta::assert_json_snapshot!("session_document_symbols", symbols);

    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": SESSION}}),
    );
    assert_eq!(
        c.diagnostics(SESSION),
        json!({"uri": SESSION, "diagnostics": []})
    );
    assert_eq!(c.finish(), 0);
}

#[test]
fn positions_follow_the_negotiated_encoding() {
    let text = fixture("session.zr").replace("第一责任任", "第一责任人");
    for unit in ["utf-8", "utf-32", "utf-16"] {
        let mut c = Client::start();
        // The client's first supported preference wins.
        let init = c.initialize(Some(json!(["latin-1", unit, "utf-16"])));
        assert_eq!(init["capabilities"]["positionEncoding"], unit);
        let d = c.open(SESSION, &text);
        assert_eq!(d["diagnostics"], json!([]));
        let caret = after(&text, "第一责任人", 1, unit);
        let h = c.call("textDocument/hover", at_doc(SESSION, caret.clone()));
        let start = text.match_indices("第一责任人").nth(1).unwrap().0;
        assert_eq!(h["range"]["start"], pos(&text, start, unit), "{unit}");
        assert_eq!(h["range"]["end"], caret, "{unit}");
        let expected_end = match unit {
            "utf-8" => 43,
            _ => 29,
        };
        assert_eq!(h["range"]["end"]["character"], expected_end, "{unit}");
        // An error column in characters lands on the same character.
        let broken = text.replace(
            "team              bears 主体责任",
            "team              bears 主休责任",
        );
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": SESSION, "version": 2},
                   "contentChanges": [{"text": broken}]}),
        );
        let d = c.diagnostics(SESSION);
        let bad = broken.find("主休责任").unwrap();
        assert_eq!(
            d["diagnostics"][0]["range"]["start"],
            pos(&broken, bad, unit),
            "{unit}"
        );
        assert_eq!(
            d["diagnostics"][0]["range"]["end"],
            pos(&broken, bad + "主休责任".len(), unit),
            "{unit}"
        );
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn several_syntax_errors_are_all_reported() {
    let mut c = Client::start();
    c.initialize(None);
    let uri = "file:///zeren-lsp-test/syntax-errors.zr";
    let d = c.open(uri, &fixture("syntax-errors.zr"));
    assert_eq!(d["diagnostics"].as_array().unwrap().len(), 5, "{d}");
    insta::assert_json_snapshot!("syntax_errors", d);
    // The declarations that parse are still indexed and outlined.
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["positions"]);
    assert_eq!(c.finish(), 0);
}

#[test]
fn related_places_and_warnings() {
    let mut c = Client::start();
    c.initialize(None);
    let dup = "untitled:duplicates";
    let d = c.open(dup, "duties 主体责任\nunit kinds 党委, 学院, 党委\n");
    insta::assert_json_snapshot!("duplicate_with_related_place", d);
    let warn = "untitled:warning";
    let d = c.open(
        warn,
        "duties 主体责任 > 监督责任\nunit kinds 党委\nassign per \"第三条\" in each 党委 { team bears 主体责任 }\n",
    );
    assert_eq!(d["diagnostics"][0]["severity"], 2, "{d}");
    insta::assert_json_snapshot!("unassigned_duty_warning", d);
    assert_eq!(c.finish(), 0);
}

/// A URI for a path on disk, as an editor would send it.
fn file_uri(path: &str) -> String {
    let mut s = String::from("file://");
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[test]
fn a_folder_is_one_policy_with_its_org_json() {
    let dir = format!("{}/tests/fixtures/lsp/folder", env!("CARGO_MANIFEST_DIR"));
    let rules = file_uri(&format!("{dir}/rules.zr"));
    let org = file_uri(&format!("{dir}/org.json"));
    let text = std::fs::read_to_string(format!("{dir}/rules.zr")).unwrap();
    let org_text = std::fs::read_to_string(format!("{dir}/org.json")).unwrap();
    let mut c = Client::start();
    c.initialize(None);
    // Only the rules are open; the org beside them is read from disk.
    let d = c.open(&rules, &text);
    assert_eq!(d["diagnostics"], json!([]));
    let d = c.diagnostics(&org);
    let bad = org_text.find("\"校党委部\"").unwrap();
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        pos(&org_text, bad, "utf-16")
    );
    let redacted = serde_json::to_string(&d)
        .unwrap()
        .replace(&file_uri(&dir), "file:///[folder]");
    let d: Value = serde_json::from_str(&redacted).unwrap();
    insta::assert_json_snapshot!("folder_org_json_diagnostics", d);

    // A unit used in the rules is declared in the org JSON.
    let def = c.call(
        "textDocument/definition",
        at_doc(&rules, after(&text, "in 校党委", 0, "utf-16")),
    );
    let name = org_text.find("\"校党委\"").unwrap();
    assert_eq!(
        def,
        json!([{"uri": org, "range": {
            "start": pos(&org_text, name, "utf-16"),
            "end": pos(&org_text, name + "\"校党委\"".len(), "utf-16")}}])
    );
    let h = c.call(
        "textDocument/hover",
        at_doc(&rules, after(&text, "in 校党委", 0, "utf-16")),
    );
    let hover = h["contents"]["value"].as_str().unwrap();
    assert!(hover.contains("`书记`: 张明远 from 2019-07-01"), "{hover}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn the_example_policies_open_clean_each_on_its_own() {
    let dir = format!("{}/examples/policies", env!("CARGO_MANIFEST_DIR"));
    let mut c = Client::start();
    c.initialize(None);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths.iter().take(3) {
        let uri = file_uri(path.to_str().unwrap());
        let d = c.open(&uri, &std::fs::read_to_string(path).unwrap());
        // Each file is its own policy (the folder holds many headers):
        // warnings at most (an effective date not stated in the source).
        for diag in d["diagnostics"].as_array().unwrap() {
            assert_eq!(diag["severity"], 2, "{}: {diag}", path.display());
        }
    }
    assert_eq!(c.finish(), 0);
}

#[test]
fn bad_messages_get_answers_not_crashes() {
    let mut c = Client::start();
    // Before `initialize`.
    let r = c.request(
        "textDocument/hover",
        at_doc(SESSION, json!({"line": 0, "character": 0})),
    );
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.initialize(None);
    // An unknown request.
    let r = c.request("zeren/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    insta::assert_json_snapshot!("unknown_request", r);
    // Parameters that are not what the method takes.
    let r = c.request("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // An unknown notification, and a change to a document never opened.
    c.notify("zeren/unknown", json!({}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nowhere/x.zr", "version": 2},
               "contentChanges": [{"text": "duties 甲"}]}),
    );
    // A change whose range lies past the end of the document: clamped.
    let text = "duties 主体责任\n";
    c.open(SESSION, text);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": SESSION, "version": 2},
        "contentChanges": [{
            "range": {"start": {"line": 0, "character": 400}, "end": {"line": 99, "character": 7}},
            "text": " > 第一责任人 > >"
        }]}),
    );
    let d = c.diagnostics(SESSION);
    insta::assert_json_snapshot!("out_of_range_change", d);
    let symbols = c.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": SESSION}}),
    );
    assert_eq!(symbols, json!([]));
    // Hover past the end of the document, and on a document not open.
    let h = c.call(
        "textDocument/hover",
        at_doc(SESSION, json!({"line": 40, "character": 3})),
    );
    assert_eq!(h, Value::Null);
    let h = c.call(
        "textDocument/hover",
        at_doc("file:///nowhere/y.zr", json!({"line": 0, "character": 0})),
    );
    assert_eq!(h, Value::Null);
    // A document closed twice.
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": SESSION}}),
    );
    assert_eq!(c.diagnostics(SESSION)["diagnostics"], json!([]));
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": SESSION}}),
    );
    // Still answering.
    let r = c.request("zeren/unknown", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    // After shutdown, requests are refused; `exit` then ends with 0.
    assert_eq!(c.call("shutdown", Value::Null), Value::Null);
    let r = c.request(
        "textDocument/hover",
        at_doc(SESSION, json!({"line": 0, "character": 0})),
    );
    assert_eq!(r["error"]["code"], -32600, "{r}");
    assert_eq!(c.exit(), 0);
}

#[test]
fn exit_without_shutdown_exits_1_and_closed_input_ends_the_server() {
    let mut c = Client::start();
    c.initialize(None);
    assert_eq!(c.exit(), 1);
    // The client goes away without a word.
    let mut c = Client::start();
    c.initialize(None);
    drop(c.stdin.take());
    let start = Instant::now();
    while c.child.try_wait().unwrap().is_none() {
        assert!(start.elapsed() < TIMEOUT, "the server did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
}

mod in_process {
    use super::*;
    use lsp_server::Message;
    use zeren::lsp::Server;

    fn msg(v: Value) -> Message {
        serde_json::from_value(v).unwrap()
    }

    fn started() -> Server {
        let mut s = Server::new();
        let out = s.handle(msg(
            json!({"id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        ));
        assert_eq!(out.len(), 1);
        s
    }

    /// Every range lies inside the text (UTF-16 positions).
    fn check_range(text: &str, r: &Value, what: &str) {
        let lines: Vec<&str> = text.split('\n').collect();
        for end in ["start", "end"] {
            let line = r[end]["line"].as_u64().unwrap() as usize;
            let ch = r[end]["character"].as_u64().unwrap() as usize;
            assert!(line < lines.len(), "{what}: line {line} of {}", lines.len());
            let len = lines[line].trim_end_matches('\r').encode_utf16().count();
            assert!(ch <= len, "{what}: character {ch} past {len}");
        }
    }

    /// Half-typed files: every prefix of the first bytes and then every
    /// few bytes, of four example policies. Each gets diagnostics
    /// (some when the library rejects the text, none when it accepts it),
    /// every range in the document, and answers to outline, hover and
    /// completion at the caret — never a panic or a hang.
    #[test]
    fn every_prefix_of_two_examples_gets_diagnostics() {
        // Every prefix of the first 4,000 bytes of two small examples and
        // every 5th byte after …
        for example in ["003-3-school.zr", "003-4-bureau.zr"] {
            prefixes_get_diagnostics(example, |full| {
                let mut cuts: Vec<usize> = (0..4000.min(full.len())).collect();
                cuts.extend((4000..full.len()).step_by(5));
                cuts.push(full.len());
                cuts
            });
        }
        // … and of two large ones, the first 300 bytes and every 97th after.
        for example in ["002-sues.zr", "004-province.zr"] {
            prefixes_get_diagnostics(example, |full| {
                let mut cuts: Vec<usize> = (0..300.min(full.len())).collect();
                cuts.extend((300..full.len()).step_by(97));
                cuts.push(full.len());
                cuts
            });
        }
    }

    /// Opens each prefix (at a character boundary) of an example, as a
    /// half-typed file: each gets diagnostics that agree with the library,
    /// within the document, and every request answers.
    fn prefixes_get_diagnostics(example: &str, cuts_of: impl Fn(&str) -> Vec<usize>) {
        let uri = "untitled:prefix.zr";
        {
            let full = std::fs::read_to_string(format!(
                "{}/examples/policies/{example}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            let mut cuts = cuts_of(&full);
            cuts.retain(|&c| full.is_char_boundary(c));
            let mut s = started();
            s.handle(msg(
                json!({"method": "textDocument/didOpen", "params": {"textDocument":
                {"uri": uri, "languageId": "zeren", "version": 0, "text": ""}}}),
            ));
            s.flush();
            for (n, &cut) in cuts.iter().enumerate() {
                let text = &full[..cut];
                let start = Instant::now();
                s.handle(msg(json!({"method": "textDocument/didChange", "params": {
                    "textDocument": {"uri": uri, "version": n + 1},
                    "contentChanges": [{"text": text}]}})));
                let out = s.flush();
                assert_eq!(out.len(), 1, "{example} at {cut}");
                let Message::Notification(d) = &out[0] else {
                    panic!()
                };
                let list = d.params["diagnostics"].as_array().unwrap();
                let rejected = zeren::Policy::parse("prefix.zr", text).is_err();
                let errors = list.iter().filter(|d| d["severity"] == 1).count();
                assert_eq!(errors > 0, rejected, "{example} at {cut}: {list:?}");
                for diag in list {
                    check_range(text, &diag["range"], &format!("{example} at {cut}"));
                }
                let end = {
                    let line = text.matches('\n').count();
                    let col = text.rsplit('\n').next().unwrap().encode_utf16().count();
                    json!({"line": line, "character": col})
                };
                for (i, method) in [
                    "textDocument/documentSymbol",
                    "textDocument/hover",
                    "textDocument/completion",
                    "textDocument/definition",
                ]
                .iter()
                .enumerate()
                {
                    let out = s.handle(msg(json!({"id": 10 + i, "method": method, "params": {
                        "textDocument": {"uri": uri}, "position": end}})));
                    let Message::Response(r) = &out[0] else {
                        panic!()
                    };
                    assert!(r.error.is_none(), "{method} {example} at {cut}: {r:?}");
                    if *method == "textDocument/documentSymbol" {
                        for sym in r.result.as_ref().unwrap().as_array().unwrap() {
                            check_range(text, &sym["range"], method);
                        }
                    }
                }
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "{example} at {cut}"
                );
            }
        }
    }

    #[test]
    fn hover_and_definition_work_in_every_example() {
        let mut checked = 0;
        for entry in
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/policies")).unwrap()
        {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let mut s = started();
            let uri = "untitled:example.zr";
            s.handle(msg(
                json!({"method": "textDocument/didOpen", "params": {"textDocument":
                {"uri": uri, "languageId": "zeren", "version": 1, "text": text}}}),
            ));
            let out = s.flush();
            let Message::Notification(d) = &out[0] else {
                panic!()
            };
            for diag in d.params["diagnostics"].as_array().unwrap() {
                assert_eq!(diag["severity"], 2, "{}: {diag}", path.display());
            }
            // Every duty a rule gives goes to its declaration.
            for (i, (at, _)) in text.match_indices(" bears ").enumerate() {
                let off = at + " bears ".len();
                let line = text[..off].matches('\n').count();
                let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
                if text[line_start..off].contains('#') {
                    continue; // in a comment
                }
                let ch = text[line_start..off].encode_utf16().count();
                let out = s.handle(msg(json!({"id": 100 + i, "method": "textDocument/definition",
                    "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": ch}}})));
                let Message::Response(r) = &out[0] else {
                    panic!()
                };
                let result = r.result.clone().unwrap();
                assert!(
                    result.is_array(),
                    "{}: {}",
                    path.display(),
                    &text[line_start..]
                );
                let target = &result[0]["range"]["start"];
                let target_line = text
                    .split('\n')
                    .nth(target["line"].as_u64().unwrap() as usize)
                    .unwrap();
                assert!(
                    target_line.starts_with("duties") || target_line.trim_start().starts_with('>'),
                    "{}: {target_line}",
                    path.display()
                );
                let out = s.handle(msg(json!({"id": 100 + i, "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": ch}}})));
                let Message::Response(r) = &out[0] else {
                    panic!()
                };
                let hover = r.result.as_ref().unwrap()["contents"]["value"]
                    .as_str()
                    .unwrap();
                assert!(hover.starts_with("**duty**"), "{}: {hover}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked}");
    }
}

#[test]
fn formatting_gives_the_layout_of_zeren_fmt() {
    let mut c = Client::start();
    let init = c.initialize(None);
    assert_eq!(init["capabilities"]["documentFormattingProvider"], true);
    let uri = "file:///zeren-lsp-fmt/messy.zr";
    let messy = "duties   主体责任 > 第一责任人\nunit kinds 党委\npositions 书记\nassign per \"第三条\" in each 党委 {\n team bears 主体责任\n    书记 bears   第一责任人\n}\n";
    c.open(uri, messy);
    let edits = c.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let want = zeren::format(messy).unwrap();
    assert_ne!(want, messy);
    assert_eq!(edits[0]["newText"], json!(want));
    assert_eq!(
        edits[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 7, "character": 0}));
    // Already formatted: no edit. With a syntax error: no edit either.
    let tidy = "file:///zeren-lsp-fmt/tidy.zr";
    c.open(tidy, &want);
    let none = c.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": tidy}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none, json!([]));
    let broken = "file:///zeren-lsp-fmt/broken.zr";
    c.open(broken, "duties 主体责任 >\n");
    let none = c.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": broken}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(none, json!([]));
    assert_eq!(c.finish(), 0);
}
