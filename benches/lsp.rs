//! The language server re-checking a 2,000-line policy after an edit: the
//! time from a `didChange` to its published diagnostics (target: under
//! 50 ms), and hover and completion on the same policy.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use lsp_server::Message;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::time::Duration;
use zeren::lsp::Server;

/// A policy of about `lines` lines: declarations, an org of colleges with
/// their posts, assign rules, facts, trigger lists and obligations.
fn policy(lines: usize) -> String {
    let mut s = String::from(
        "policy \"细则\" { effective 2019-01-01 }\n\
         duties 主体责任 > 第一责任人 > 重要领导责任\n\
         unit kinds 党委, 学院\n\
         positions 书记 single, 班子成员\n\
         scale 后果 { 不良影响 < 严重影响 < 恶劣影响 < 严重后果 }\n\
         fact 后果 scale 后果\n\
         actions 专题研究\n\
         assign per \"第三条\" in each 党委, 学院 {\n  team bears 主体责任\n  书记 bears 第一责任人\n  班子成员 covering bears 重要领导责任\n}\n\
         org {\n  unit 校党委 kind 党委\n",
    );
    // Each college: 4 org lines; the org takes about half the policy.
    let colleges = lines / 2 / 4;
    for i in 0..colleges {
        let _ = write!(
            s,
            "  unit 学院{i} kind 学院 under 校党委\n  书记{i} holds 书记 of 学院{i} from 2019-01-01\n  成员{i} holds 班子成员 of 校党委\n  成员{i} covers 学院{i}\n"
        );
    }
    s.push_str("}\n");
    // Each fact with its trigger list and obligation: 8 lines.
    let mut i = 0;
    while s.lines().count() < lines {
        let _ = write!(
            s,
            "fact 失职{i} one of {{ 甲{i}, 乙{i} }}\ntriggers per \"第{i}条\" {{\n  (一) \"情形一\" when 失职{i} = 甲{i} and 后果 >= 严重影响\n  (二) \"情形二\" when 失职{i} = 乙{i}\n  (三) \"其他\" otherwise\n}}\nobligation per \"第{i}条(二)\" each 学院 must 专题研究 at least 1 per quarter\n\n"
        );
        i += 1;
    }
    s
}

fn msg(v: Value) -> Message {
    serde_json::from_value(v).unwrap()
}

const URI: &str = "untitled:bench.zr";

fn opened(text: &str) -> Server {
    let mut s = Server::new();
    s.handle(msg(
        json!({"id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    ));
    s.handle(msg(
        json!({"method": "textDocument/didOpen", "params": {"textDocument":
        {"uri": URI, "languageId": "zeren", "version": 1, "text": text}}}),
    ));
    let out = s.flush();
    let Message::Notification(n) = &out[0] else {
        panic!()
    };
    assert_eq!(
        n.params["diagnostics"],
        json!([]),
        "the bench policy checks"
    );
    s
}

fn bench(c: &mut Criterion) {
    let text = policy(2000);
    assert!(text.lines().count() >= 2000);
    let mut server = opened(&text);
    // The line of the first obligation: its count is edited back and forth.
    let line = text
        .lines()
        .position(|l| l.starts_with("obligation"))
        .unwrap();
    let col = text.lines().nth(line).unwrap().find("least 1").unwrap() + "least ".len();
    let col = text.lines().nth(line).unwrap()[..col]
        .encode_utf16()
        .count();
    let mut version = 1;
    let mut group = c.benchmark_group("lsp");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("didChange to diagnostics, 2,000 lines", |b| {
        b.iter(|| {
            version += 1;
            let digit = if version % 2 == 0 { "2" } else { "1" };
            server.handle(msg(json!({"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"range": {
                    "start": {"line": line, "character": col},
                    "end": {"line": line, "character": col + 1}}, "text": digit}]}})));
            let out = server.flush();
            assert_eq!(out.len(), 1);
            black_box(out)
        })
    });
    let hover_line = text
        .lines()
        .position(|l| l.contains("书记7 holds"))
        .unwrap();
    group.bench_function("hover, 2,000 lines", |b| {
        b.iter(|| {
            black_box(
                server.handle(msg(json!({"id": 2, "method": "textDocument/hover",
                "params": {"textDocument": {"uri": URI},
                           "position": {"line": hover_line, "character": 20}}}))),
            )
        })
    });
    let end = text.lines().count();
    group.bench_function("completion, 2,000 lines", |b| {
        b.iter(|| {
            black_box(
                server.handle(msg(json!({"id": 3, "method": "textDocument/completion",
                "params": {"textDocument": {"uri": URI},
                           "position": {"line": end, "character": 0}}}))),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
