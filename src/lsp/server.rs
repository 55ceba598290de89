//! The server's state and its answer to each message, without I/O: a
//! message goes in, the messages to send come out. [`super::run_stdio`]
//! moves them over stdio; tests and benches call [`Server`] directly.

use super::complete;
use super::index::{self, Index, Source};
use super::json::Node;
use super::outline;
use super::parse::{self, Parsed};
use super::position::{crate_offset, Encoding, LineIndex};
use crate::{Location as CrateLocation, Policy, Severity};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CompletionOptions, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentFormattingParams, DocumentSymbolParams, GotoDefinitionParams, Hover, HoverContents,
    HoverParams, HoverProviderCapability, InitializeResult, Location, MarkupContent, MarkupKind,
    NumberOrString, OneOf, Position, PublishDiagnosticsParams, Range, ReferenceParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextEdit, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::str::FromStr as _;
use std::sync::Arc;

/// Whether the server is waiting for `initialize`, running, or shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lifecycle {
    Uninitialized,
    Running,
    ShutDown,
}

/// An open document.
#[derive(Debug, Clone)]
struct Doc {
    uri: Uri,
    version: i32,
    text: String,
}

/// One file of a policy as last checked.
#[derive(Debug, Clone)]
struct Member {
    key: String,
    uri: Uri,
    /// The file's name in diagnostics: its base name.
    name: String,
    text: Arc<str>,
    lines: LineIndex,
    /// The tree, for a policy text.
    parsed: Option<Arc<Parsed>>,
    /// What could be read, for an org in JSON.
    json: Option<Arc<Node>>,
    is_json: bool,
}

/// One policy as last checked: its files and their index.
#[derive(Debug)]
struct View {
    members: Vec<Member>,
    index: Index,
}

impl View {
    fn member(&self, key: &str) -> Option<(usize, &Member)> {
        self.members.iter().enumerate().find(|(_, m)| m.key == key)
    }
}

/// A language server for zeren policies, one message at a time.
///
/// ```
/// use lsp_server::{Message, Notification, Request};
/// use serde_json::json;
///
/// let mut server = zeren::lsp::Server::new();
/// let init = Request::new(1.into(), "initialize".into(), json!({"capabilities": {}}));
/// let out = server.handle(Message::Request(init));
/// assert!(matches!(&out[0], Message::Response(r) if r.error.is_none()));
/// let open = Notification::new(
///     "textDocument/didOpen".into(),
///     json!({"textDocument": {"uri": "untitled:a.zr", "languageId": "zeren",
///            "version": 1, "text": "duties 甲 > 甲\n"}}),
/// );
/// server.handle(Message::Notification(open));
/// let published = server.flush();
/// let Message::Notification(n) = &published[0] else { unreachable!() };
/// assert_eq!(n.method, "textDocument/publishDiagnostics");
/// assert_eq!(n.params["diagnostics"][0]["code"], "duplicate");
/// ```
#[derive(Debug)]
pub struct Server {
    lifecycle: Lifecycle,
    exit: Option<i32>,
    enc: Encoding,
    /// Each file a policy of its own (initialization option
    /// `{"policy": "file"}`), rather than every file of its folder.
    per_file: bool,
    docs: HashMap<String, Doc>,
    /// Parsed policy texts and org JSON, by key, with the text they came from.
    parsed: HashMap<String, (Arc<str>, Arc<Parsed>)>,
    json: HashMap<String, (Arc<str>, Option<Arc<Node>>)>,
    /// The policy each file belongs to, as last checked.
    views: HashMap<String, Arc<View>>,
    /// Groups (folders) to check again.
    dirty: BTreeSet<String>,
    /// Per group, the files diagnostics were last published for.
    published: HashMap<String, BTreeMap<String, Uri>>,
}

impl Default for Server {
    fn default() -> Self {
        Server::new()
    }
}

/// The key of a document: its path for `file:` URIs (so the client's and
/// the server's spellings of one file agree), else the URI.
fn key_of(uri: &Uri) -> String {
    match uri.as_str().strip_prefix("file://") {
        Some(rest) => {
            let path = percent_decode(rest);
            // `file:///c:/x` → `c:/x` on Windows.
            match path.strip_prefix('/') {
                Some(p) if p.get(1..2) == Some(":") => p.to_string(),
                _ => path,
            }
        }
        None => uri.as_str().to_string(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `file:` URI for a path, percent-encoding all but unreserved
/// characters and `/`.
fn file_uri(path: &str) -> Option<Uri> {
    let mut s = String::from("file://");
    if !path.starts_with('/') {
        s.push('/');
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).ok()
}

/// The base name of a key.
fn base_name(key: &str) -> String {
    key.rsplit(['/', '\\']).next().unwrap_or(key).to_string()
}

fn is_json(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with(".json")
}

/// Whether a file is on disk (its key is a path).
fn on_disk(uri: &Uri) -> bool {
    uri.as_str().starts_with("file://")
}

/// Whether parsed JSON looks like an org: an object with an org section.
fn is_org(root: Option<&Node>) -> bool {
    root.is_some_and(|r| {
        ["units", "holdings", "covers", "matters", "routes"]
            .iter()
            .any(|k| r.get(k).is_some())
    })
}

fn notification<P: serde::Serialize>(method: &str, params: P) -> Message {
    Message::Notification(Notification::new(method.to_string(), params))
}

fn error(id: RequestId, code: ErrorCode, message: impl Into<String>) -> Message {
    Message::Response(Response::new_err(id, code as i32, message.into()))
}

fn extract<P: DeserializeOwned>(params: Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))
}

impl Server {
    /// A server waiting for `initialize`.
    pub fn new() -> Server {
        Server {
            lifecycle: Lifecycle::Uninitialized,
            exit: None,
            enc: Encoding::Utf16,
            per_file: false,
            docs: HashMap::new(),
            parsed: HashMap::new(),
            json: HashMap::new(),
            views: HashMap::new(),
            dirty: BTreeSet::new(),
            published: HashMap::new(),
        }
    }

    /// After `exit`: the process's exit code (0 when `shutdown` came first).
    pub fn exit_code(&self) -> Option<i32> {
        self.exit
    }

    /// The position encoding agreed with the client.
    pub fn encoding(&self) -> Encoding {
        self.enc
    }

    /// Answers one message. Changes to documents are checked by
    /// [`Server::flush`] (and before any request), so a burst of changes is
    /// checked once.
    pub fn handle(&mut self, msg: Message) -> Vec<Message> {
        match msg {
            Message::Request(req) => self.request(req),
            Message::Notification(n) => {
                self.notification(n);
                Vec::new()
            }
            // The server sends no requests, so expects no responses.
            Message::Response(_) => Vec::new(),
        }
    }

    /// Checks every policy changed since the last call, and returns its
    /// diagnostics (`textDocument/publishDiagnostics`, one per file).
    pub fn flush(&mut self) -> Vec<Message> {
        let mut out = Vec::new();
        for group in std::mem::take(&mut self.dirty) {
            self.check_group(&group, &mut out);
        }
        out
    }

    fn request(&mut self, req: Request) -> Vec<Message> {
        let Request { id, method, params } = req;
        match self.lifecycle {
            Lifecycle::Uninitialized if method != "initialize" => {
                return vec![error(
                    id,
                    ErrorCode::ServerNotInitialized,
                    "the server is not initialized",
                )]
            }
            Lifecycle::ShutDown => {
                return vec![error(
                    id,
                    ErrorCode::InvalidRequest,
                    "the server is shut down",
                )]
            }
            Lifecycle::Running if method == "initialize" => {
                return vec![error(
                    id,
                    ErrorCode::InvalidRequest,
                    "the server is already initialized",
                )]
            }
            _ => {}
        }
        // Answers reflect every change received so far.
        let mut out = self.flush();
        let result: Result<Value, String> = match method.as_str() {
            "initialize" => Ok(self.initialize(&params)),
            "shutdown" => {
                self.lifecycle = Lifecycle::ShutDown;
                Ok(Value::Null)
            }
            "textDocument/hover" => extract(params).map(|p| self.hover(&p)),
            "textDocument/definition" => extract(params).map(|p| self.definition(&p)),
            "textDocument/references" => extract(params).map(|p| self.references(&p)),
            "textDocument/completion" => extract(params).map(|p| self.completion(&p)),
            "textDocument/documentSymbol" => extract(params).map(|p| self.symbols(&p)),
            "textDocument/formatting" => extract(params).map(|p| self.formatting(&p)),
            _ => {
                out.push(error(
                    id,
                    ErrorCode::MethodNotFound,
                    format!("unknown request `{method}`"),
                ));
                return out;
            }
        };
        out.push(match result {
            Ok(v) => Message::Response(Response::new_ok(id, v)),
            Err(e) => error(id, ErrorCode::InvalidParams, e),
        });
        out
    }

    fn initialize(&mut self, params: &Value) -> Value {
        let offered: Option<Vec<lsp_types::PositionEncodingKind>> = params
            .pointer("/capabilities/general/positionEncodings")
            .and_then(|v| serde_json::from_value(v.clone()).ok());
        self.enc = Encoding::negotiate(offered.as_deref());
        self.per_file = params
            .pointer("/initializationOptions/policy")
            .and_then(Value::as_str)
            == Some("file");
        self.lifecycle = Lifecycle::Running;
        let capabilities = ServerCapabilities {
            position_encoding: Some(self.enc.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            document_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions::default()),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "zeren".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        serde_json::to_value(result).unwrap_or(Value::Null)
    }

    fn notification(&mut self, n: Notification) {
        if n.method == "exit" {
            self.exit = Some(if self.lifecycle == Lifecycle::ShutDown {
                0
            } else {
                1
            });
            return;
        }
        if self.lifecycle != Lifecycle::Running {
            return;
        }
        // Notifications get no answer: malformed ones are ignored.
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = extract::<DidOpenTextDocumentParams>(n.params) {
                    let key = key_of(&p.text_document.uri);
                    self.dirty.insert(self.group_of(&key, &p.text_document.uri));
                    self.docs.insert(
                        key,
                        Doc {
                            uri: p.text_document.uri,
                            version: p.text_document.version,
                            text: p.text_document.text,
                        },
                    );
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = extract::<DidChangeTextDocumentParams>(n.params) {
                    let key = key_of(&p.text_document.uri);
                    let enc = self.enc;
                    let Some(doc) = self.docs.get_mut(&key) else {
                        return;
                    };
                    for change in p.content_changes {
                        match change.range {
                            None => doc.text = change.text,
                            Some(range) => {
                                let lines = LineIndex::new(&doc.text);
                                let a = lines.offset(&doc.text, range.start, enc);
                                let b = lines.offset(&doc.text, range.end, enc);
                                let (a, b) = (a.min(b), a.max(b));
                                doc.text.replace_range(a..b, &change.text);
                            }
                        }
                    }
                    doc.version = p.text_document.version;
                    let uri = doc.uri.clone();
                    self.dirty.insert(self.group_of(&key, &uri));
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = extract::<DidCloseTextDocumentParams>(n.params) {
                    let key = key_of(&p.text_document.uri);
                    // A document closed twice, or never opened: nothing to do.
                    if self.docs.remove(&key).is_some() {
                        self.dirty.insert(self.group_of(&key, &p.text_document.uri));
                    }
                }
            }
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => {
                // Files beside the open ones may have changed on disk.
                let groups: Vec<String> = self
                    .docs
                    .iter()
                    .map(|(k, d)| self.group_of(k, &d.uri))
                    .collect();
                self.dirty.extend(groups);
            }
            _ => {}
        }
    }

    /// The group a file is checked in: its folder, or itself alone.
    fn group_of(&self, key: &str, uri: &Uri) -> String {
        if self.per_file || !on_disk(uri) {
            return format!("file:{key}");
        }
        match key.rfind('/') {
            Some(i) => format!("dir:{}", key.get(..i).unwrap_or("")),
            None => format!("file:{key}"),
        }
    }

    /// The files of a group: its open documents, and the policy files and
    /// org JSON in its folder on disk.
    fn members(&mut self, group: &str) -> Vec<Member> {
        let mut files: BTreeMap<String, (Uri, Arc<str>)> = BTreeMap::new();
        for (key, doc) in &self.docs {
            if self.group_of(key, &doc.uri) == group {
                files.insert(key.clone(), (doc.uri.clone(), Arc::from(doc.text.as_str())));
            }
        }
        if let Some(dir) = group.strip_prefix("dir:") {
            let entries = std::fs::read_dir(if dir.is_empty() { "/" } else { dir });
            for entry in entries.into_iter().flatten().flatten() {
                let path = entry.path();
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
                if !matches!(ext, "zr" | "json") {
                    continue;
                }
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                let key = format!("{dir}/{name}");
                if files.contains_key(&key) || !small_file(&path) {
                    continue;
                }
                let (Ok(text), Some(uri)) = (std::fs::read_to_string(&path), file_uri(&key)) else {
                    continue;
                };
                files.insert(key, (uri, Arc::from(text.as_str())));
            }
        }
        let mut out = Vec::new();
        for (key, (uri, text)) in files {
            let json = is_json(&key);
            let mut m = Member {
                name: base_name(&key),
                lines: LineIndex::new(&text),
                parsed: None,
                json: None,
                is_json: json,
                key,
                uri,
                text,
            };
            if json {
                m.json = self.json_of(&m.key, &m.text);
                if !is_org(m.json.as_deref()) {
                    continue;
                }
            } else {
                m.parsed = Some(self.parsed_of(&m.key, &m.name, &m.text));
            }
            out.push(m);
        }
        out
    }

    fn parsed_of(&mut self, key: &str, name: &str, text: &Arc<str>) -> Arc<Parsed> {
        if let Some((t, p)) = self.parsed.get(key) {
            if **t == **text {
                return Arc::clone(p);
            }
        }
        let p = Arc::new(parse::parse(name, text));
        self.parsed
            .insert(key.to_string(), (Arc::clone(text), Arc::clone(&p)));
        p
    }

    fn json_of(&mut self, key: &str, text: &Arc<str>) -> Option<Arc<Node>> {
        if let Some((t, j)) = self.json.get(key) {
            if **t == **text {
                return j.clone();
            }
        }
        let j = index::parse_json(text).map(Arc::new);
        self.json
            .insert(key.to_string(), (Arc::clone(text), j.clone()));
        j
    }

    /// Checks the policies of a group and publishes every file's diagnostics.
    fn check_group(&mut self, group: &str, out: &mut Vec<Message>) {
        let has_open = self
            .docs
            .iter()
            .any(|(k, d)| self.group_of(k, &d.uri) == group);
        let members = if has_open {
            self.members(group)
        } else {
            Vec::new()
        };
        // Several `policy` headers in a folder: each file is a policy.
        let headers = members
            .iter()
            .filter(|m| {
                !m.is_json
                    && parse::declaration_starts(&m.text)
                        .iter()
                        .any(|(_, w)| *w == "policy")
            })
            .count();
        let policies: Vec<Vec<Member>> = if headers >= 2 {
            members
                .into_iter()
                .filter(|m| !m.is_json)
                .map(|m| vec![m])
                .collect()
        } else if members.is_empty() {
            Vec::new()
        } else {
            vec![members]
        };
        let stale: Vec<String> = self
            .views
            .iter()
            .filter(|(_, v)| {
                v.members
                    .first()
                    .is_some_and(|m| self.group_of_member(m) == group)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            self.views.remove(&k);
        }
        let mut now: BTreeMap<String, Uri> = BTreeMap::new();
        for members in policies {
            let diagnostics = self.diagnose(&members);
            let sources: Vec<(String, Source<'_>)> = members
                .iter()
                .map(|m| {
                    let source = match (&m.parsed, m.is_json) {
                        (Some(p), false) => Source::Policy(&p.text, &p.items),
                        _ => Source::Json(&m.text, m.json.as_deref()),
                    };
                    (m.name.clone(), source)
                })
                .collect();
            let index = index::build(&sources);
            drop(sources);
            for (i, m) in members.iter().enumerate() {
                let list = diagnostics.get(&i).cloned().unwrap_or_default();
                let version = self.docs.get(&m.key).map(|d| d.version);
                out.push(notification(
                    "textDocument/publishDiagnostics",
                    PublishDiagnosticsParams {
                        uri: m.uri.clone(),
                        diagnostics: list,
                        version,
                    },
                ));
                now.insert(m.key.clone(), m.uri.clone());
            }
            let view = Arc::new(View { members, index });
            for m in &view.members {
                self.views.insert(m.key.clone(), Arc::clone(&view));
            }
        }
        // Files no longer checked: their diagnostics are cleared.
        let before = self.published.remove(group).unwrap_or_default();
        for (key, uri) in before {
            if !now.contains_key(&key) {
                out.push(notification(
                    "textDocument/publishDiagnostics",
                    PublishDiagnosticsParams {
                        uri,
                        diagnostics: Vec::new(),
                        version: None,
                    },
                ));
            }
        }
        if !now.is_empty() {
            self.published.insert(group.to_string(), now);
        }
    }

    fn group_of_member(&self, m: &Member) -> String {
        self.group_of(&m.key, &m.uri)
    }

    /// Builds the policy and places each problem in its file.
    fn diagnose(&self, members: &[Member]) -> HashMap<usize, Vec<Diagnostic>> {
        let builder = members.iter().fold(Policy::builder(), |b, m| {
            if m.is_json {
                b.org_json(&m.name, &m.text)
            } else {
                b.source(&m.name, &m.text)
            }
        });
        let problems = match builder.build() {
            Ok(policy) => policy.warnings().0.clone(),
            Err(errors) => errors.0,
        };
        // Problems of the policy as a whole go to the first open file.
        let fallback = members
            .iter()
            .position(|m| self.docs.contains_key(&m.key))
            .unwrap_or(0);
        let mut out: HashMap<usize, Vec<Diagnostic>> = HashMap::new();
        for d in &problems {
            let mut labels = d.labels.iter();
            let Some(first) = labels.next() else { continue };
            let (file, range) = self.locate(members, &first.location, fallback);
            let mut message = d.message.clone();
            if !first.text.is_empty() {
                message.push_str(&format!(" ({})", first.text));
            }
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let related: Vec<DiagnosticRelatedInformation> = labels
                .map(|l| {
                    let (f, range) = self.locate(members, &l.location, fallback);
                    let uri = members.get(f).map(|m| m.uri.clone());
                    (uri, range, l)
                })
                .filter_map(|(uri, range, l)| {
                    Some(DiagnosticRelatedInformation {
                        location: Location { uri: uri?, range },
                        message: if l.text.is_empty() {
                            "related".into()
                        } else {
                            l.text.clone()
                        },
                    })
                })
                .collect();
            out.entry(file).or_default().push(Diagnostic {
                range,
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.kind.as_str().into())),
                source: Some("zeren".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            });
        }
        out
    }

    /// The file and range of a location in a diagnostic.
    fn locate(&self, members: &[Member], loc: &CrateLocation, fallback: usize) -> (usize, Range) {
        let file = members
            .iter()
            .position(|m| m.name == loc.file())
            .unwrap_or(fallback);
        let Some(m) = members.get(file) else {
            return (file, Range::default());
        };
        let text: &str = &m.text;
        let (start, end) = match loc {
            CrateLocation::Text {
                line,
                column,
                excerpt,
                ..
            } => {
                // Org JSON is read without its byte-order mark.
                let column = if m.is_json && *line == 1 && text.starts_with('\u{FEFF}') {
                    column + 1
                } else {
                    *column
                };
                let start = crate_offset(text, *line, column);
                let marked = excerpt
                    .text
                    .get(excerpt.range.0..excerpt.range.1)
                    .map_or(0, |s| s.chars().count());
                let rest = text.get(start..).unwrap_or("");
                let line_rest = rest
                    .find(['\n', '\r'])
                    .map_or(rest, |i| rest.get(..i).unwrap_or(""));
                // An empty mark shows the character at it, as the CLI does.
                let len = line_rest
                    .char_indices()
                    .nth(marked.max(1))
                    .map_or(line_rest.len(), |(i, _)| i);
                (start, start + len)
            }
            CrateLocation::Data { path, .. } => m.json.as_ref().map_or((0, 0), |j| j.find(path)),
            _ => (0, 0),
        };
        (file, m.lines.range(text, start, end, self.enc))
    }

    fn view(&self, uri: &Uri) -> Option<(Arc<View>, usize)> {
        let key = key_of(uri);
        let view = self.views.get(&key)?;
        let (i, _) = view.member(&key)?;
        Some((Arc::clone(view), i))
    }

    fn location(&self, view: &View, p: index::Place) -> Option<Location> {
        let m = view.members.get(p.file)?;
        Some(Location {
            uri: m.uri.clone(),
            range: m.lines.range(&m.text, p.start, p.end, self.enc),
        })
    }

    /// The symbol at a position, with the view it is in.
    fn at(&self, uri: &Uri, pos: Position) -> Option<(Arc<View>, usize, index::Occ)> {
        let (view, f) = self.view(uri)?;
        let m = view.members.get(f)?;
        let offset = m.lines.offset(&m.text, pos, self.enc);
        let occ = view.index.at(f, offset)?;
        Some((view, f, occ))
    }

    fn hover(&self, p: &HoverParams) -> Value {
        let tdp = &p.text_document_position_params;
        let Some((view, f, occ)) = self.at(&tdp.text_document.uri, tdp.position) else {
            return Value::Null;
        };
        let Some((text, m)) = view.index.hover(occ.sym).zip(view.members.get(f)) else {
            return Value::Null;
        };
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(m.lines.range(&m.text, occ.start, occ.end, self.enc)),
        };
        serde_json::to_value(hover).unwrap_or(Value::Null)
    }

    fn definition(&self, p: &GotoDefinitionParams) -> Value {
        let tdp = &p.text_document_position_params;
        let Some((view, _, occ)) = self.at(&tdp.text_document.uri, tdp.position) else {
            return Value::Null;
        };
        let Some(info) = view.index.info.get(occ.sym) else {
            return Value::Null;
        };
        let locations: Vec<Location> = info
            .decls
            .iter()
            .filter_map(|d| self.location(&view, *d))
            .collect();
        if locations.is_empty() {
            return Value::Null;
        }
        serde_json::to_value(locations).unwrap_or(Value::Null)
    }

    fn references(&self, p: &ReferenceParams) -> Value {
        let tdp = &p.text_document_position;
        let Some((view, _, occ)) = self.at(&tdp.text_document.uri, tdp.position) else {
            return Value::Null;
        };
        let Some(info) = view.index.info.get(occ.sym) else {
            return Value::Null;
        };
        let mut places: Vec<index::Place> = info.refs.clone();
        if p.context.include_declaration {
            places.extend(info.decls.iter().copied());
        }
        places.sort_by_key(|p| (p.file, p.start));
        places.dedup();
        let locations: Vec<Location> = places
            .iter()
            .filter_map(|d| self.location(&view, *d))
            .collect();
        serde_json::to_value(locations).unwrap_or(Value::Null)
    }

    fn completion(&self, p: &lsp_types::CompletionParams) -> Value {
        let tdp = &p.text_document_position;
        let key = key_of(&tdp.text_document.uri);
        let Some(doc) = self.docs.get(&key) else {
            return Value::Null;
        };
        let lines = LineIndex::new(&doc.text);
        let offset = lines.offset(&doc.text, tdp.position, self.enc);
        let view = self.views.get(&key);
        let items = complete::complete(view.map(|v| &v.index), &doc.text, offset, &lines, self.enc);
        serde_json::to_value(items).unwrap_or(Value::Null)
    }

    /// The canonical layout of `zeren fmt`, as one edit of the whole
    /// document; nothing when it is already formatted or has syntax errors
    /// (its diagnostics say which).
    fn formatting(&self, p: &DocumentFormattingParams) -> Value {
        let edit = self.view(&p.text_document.uri).and_then(|(view, f)| {
            let m = view.members.get(f)?;
            let out = crate::fmt::format(&m.text).ok()?;
            (out.as_str() != &*m.text).then(|| TextEdit {
                range: m.lines.range(&m.text, 0, m.text.len(), self.enc),
                new_text: out,
            })
        });
        match edit {
            Some(e) => serde_json::to_value(vec![e]).unwrap_or(Value::Null),
            None => Value::Array(Vec::new()),
        }
    }

    fn symbols(&self, p: &DocumentSymbolParams) -> Value {
        let symbols = self
            .view(&p.text_document.uri)
            .and_then(|(view, f)| {
                let m = view.members.get(f)?;
                let parsed = m.parsed.as_ref()?;
                Some(outline::symbols(parsed, &m.lines, self.enc))
            })
            .unwrap_or_default();
        serde_json::to_value(symbols).unwrap_or(Value::Null)
    }
}

/// Whether a file on disk is small enough to read at every check.
fn small_file(path: &Path) -> bool {
    std::fs::metadata(path)
        .is_ok_and(|m| m.is_file() && m.len() <= crate::limits::MAX_SOURCE_BYTES as u64)
}
