//! The editor's figures for `docs/performance.md` ("Editor"): it prints them and asserts no
//! time. Run on a release build:
//!
//! ```sh
//! cargo test --release -p cvl-lsp --test bench -- --ignored --nocapture
//! ```
//!
//! On the largest example (`examples/mcp-gateway`) and on a generated 1,000-resource project:
//! the time from a one-character edit (a letter of a string) to the static diagnostics and to
//! the evaluated ones (every env; the server waits [`SETTLE`] of quiet before evaluating), hover
//! and completion latency, and the server's memory (RSS) after a long editing session.

#![allow(clippy::print_stdout)]

mod common;

use common::{SETTLE, Server, position, uri_of};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// Edits timed per project (each waits for the evaluated diagnostics).
const TIMED_EDITS: i64 = 9;
/// Requests timed per kind.
const QUERIES: usize = 21;
/// The long session: one-character edits, a hover and a completion after each.
const SESSION_EDITS: i64 = 400;

#[test]
#[ignore]
fn editor_figures() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/mcp-gateway")
        .canonicalize()
        .expect("the example");
    let text = std::fs::read_to_string(example.join("main.cvl")).expect("main.cvl");
    measure(
        "examples/mcp-gateway",
        &example,
        &text,
        "resource ",
        "/database\"",
    );

    let generated = std::env::temp_dir().join(format!("cvl-lsp-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&generated);
    std::fs::create_dir_all(&generated).expect("a folder");
    let text = thousand_resources();
    std::fs::write(generated.join("main.cvl"), &text).expect("main.cvl");
    measure("1,000 resources", &generated, &text, "resource ", "queue-");
    let _ = std::fs::remove_dir_all(&generated);
}

/// A project of 1,000 resources in 4 stacks (CloudFormation allows 500 per stack), three envs,
/// that `cvl check` passes without a warning (data kept in prod, backups on).
fn thousand_resources() -> String {
    let mut out = String::from(
        "param env: \"beta\" | \"gamma\" | \"prod\"\n\nlet retention = if env == \"prod\" { 365 } else { 30 }\nlet keep = if env == \"prod\" { \"Retain\" } else { \"Delete\" }\n",
    );
    let kept = "with { DeletionPolicy: keep, UpdateReplacePolicy: keep }";
    for stack in 0..4 {
        out.push_str(&format!(
            "\nstack part{stack} {{\n  tags {{ Project: \"bench\", Environment: env }}\n"
        ));
        for i in 0..250 {
            let n = stack * 250 + i;
            out.push_str(&match n % 4 {
                0 => format!("  resource Queue{n}: AWS::SQS::Queue {{ QueueName: \"queue-${{env}}-{n}\", DelaySeconds: {} }}\n", n % 900),
                1 => format!("  resource Topic{n}: AWS::SNS::Topic {{ TopicName: \"topic-${{env}}-{n}\" }}\n"),
                2 => format!("  resource Logs{n}: AWS::Logs::LogGroup {{ LogGroupName: \"/bench/${{env}}/{n}\", RetentionInDays: retention }} {kept}\n"),
                _ => format!(
                    "  resource Table{n}: AWS::DynamoDB::Table {{\n    TableName: \"table-${{env}}-{n}\",\n    BillingMode: \"PAY_PER_REQUEST\",\n    AttributeDefinitions: [{{ AttributeName: \"id\", AttributeType: \"S\" }}],\n    KeySchema: [{{ AttributeName: \"id\", KeyType: \"HASH\" }}],\n    PointInTimeRecoverySpecification: {{ PointInTimeRecoveryEnabled: true }},\n  }} {kept}\n"
                ),
            });
        }
        out.push_str("}\n");
    }
    out
}

/// `probe`: where hover (on the name after it) and completion (before it) are asked; `edit`:
/// its first letter is the one the edits change (inside a string, so every edit stays valid).
fn measure(name: &str, root: &Path, text: &str, probe: &str, edit: &str) {
    let uri = uri_of(&root.join("main.cvl"));
    let mut server = Server::start(root);
    server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri_of(root), "capabilities": {} }),
    );
    server.notify("initialized", json!({}));
    let started = Instant::now();
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } }),
    );
    let opened = server.diagnostics(&uri, 1);
    let open_static = started.elapsed();
    let evaluated = server.diagnostics(&uri, 1);
    let open_evaluated = started.elapsed();
    println!(
        "\n{name}: {} lines, {} diagnostics on open",
        text.lines().count(),
        opened.len().max(evaluated.len())
    );
    assert!(
        opened.is_empty() && evaluated.is_empty(),
        "a clean project: {opened:?} {evaluated:?}"
    );
    println!(
        "  open: static diagnostics {}, evaluated {}",
        ms(open_static),
        ms(open_evaluated)
    );

    // a one-character edit: a letter inside a string changes
    let quote = text.find(edit).expect("the edited text");
    let (mut statics, mut evaluations) = (Vec::new(), Vec::new());
    for version in 2..2 + TIMED_EDITS {
        let letter = char::from(b'a' + (version % 26) as u8);
        let edited = format!("{}{letter}{}", &text[..quote], &text[quote + 1..]);
        let started = Instant::now();
        server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }));
        server.diagnostics(&uri, version);
        statics.push(started.elapsed());
        server.diagnostics(&uri, version);
        evaluations.push(started.elapsed());
    }
    let evaluated = median(&evaluations);
    println!(
        "  one-character edit: static diagnostics {} (median of {TIMED_EDITS}), evaluated {} ({} after the {} of settling)",
        ms(median(&statics)),
        ms(evaluated),
        ms(evaluated.saturating_sub(SETTLE)),
        ms(SETTLE)
    );

    let hover_at = position(text, probe, probe.len() + 1);
    let completion_at = position(text, probe, 0);
    let hovers = time(QUERIES, || {
        server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": hover_at }),
        )
    });
    let completions = time(QUERIES, || {
        server.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": completion_at }),
        )
    });
    let let_line = text
        .lines()
        .position(|l| l.starts_with("let "))
        .expect("a top-level let");
    let let_at = json!({ "line": let_line, "character": 5 });
    let shown = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": let_at }),
    );
    assert!(
        shown["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Value"),
        "the let's values: {shown}"
    );
    let values = time(QUERIES, || {
        server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": let_at }),
        )
    });
    println!(
        "  hover {}, hover on a top-level let (its value in each env) {}, completion {} (medians of {QUERIES})",
        ms(median(&hovers)),
        ms(median(&values)),
        ms(median(&completions))
    );
    // one line for `scripts/bench --editor`, which checks these against the targets
    let millis = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "figures {}",
        json!({
            "project": name,
            "edit_static_ms": millis(median(&statics)),
            "hover_ms": millis(median(&hovers)),
            "hover_let_ms": millis(median(&values)),
            "completion_ms": millis(median(&completions)),
        })
    );

    // a long session: edits as fast as the static diagnostics come, a hover and a completion
    // after each; evaluation runs when a pause lets it (every 50th edit waits for it)
    let rss_before = rss_kib(&server);
    let started = Instant::now();
    let mut version = 100;
    for i in 0..SESSION_EDITS {
        version += 1;
        let letter = char::from(b'a' + (i % 26) as u8);
        let edited = format!("{}{letter}{}", &text[..quote], &text[quote + 1..]);
        server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }));
        server.diagnostics(&uri, version);
        server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": hover_at }),
        );
        server.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": uri }, "position": completion_at }),
        );
        if i % 50 == 49 {
            server.diagnostics(&uri, version);
        }
    }
    println!(
        "  memory: {} MiB after opening, {} MiB after {SESSION_EDITS} edits with a hover and a completion each ({:.1} s)",
        mib(rss_before),
        mib(rss_kib(&server)),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
}

fn time(n: usize, mut f: impl FnMut() -> Value) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect()
}

fn median(durations: &[Duration]) -> Duration {
    let mut sorted = durations.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The server's resident memory (Linux: /proc/<pid>/status), in KiB; 0 elsewhere.
fn rss_kib(server: &Server) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
