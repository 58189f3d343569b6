//! The language server from the outside: the `cvl-lsp` binary spoken to over stdio, as an editor
//! does (the harness is `common/mod.rs`).

#![allow(clippy::print_stderr)]

mod common;

use common::{SETTLE, Server, at, position, scratch, uri_of};
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

const BROKEN: &str = "import std.vpc\n\nstack app {\n  resource Queue: AWS::SQS::Queue {\n    QueueNam: \"jobs\",\n  }\n  let net = vpc.Network { name: \"app\" }\n  output vpc_id = net.vpc\n}\n";

#[test]
fn an_editing_session() {
    let root = scratch("session");
    let main = root.join("main.cvl");
    std::fs::write(&main, BROKEN).expect("write main.cvl");
    let uri = uri_of(&main);
    let mut server = Server::start(&root);

    let init = server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri_of(&root), "capabilities": {} }),
    );
    let capabilities = &init["capabilities"];
    for capability in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "renameProvider",
        "documentFormattingProvider",
        "semanticTokensProvider",
    ] {
        assert!(
            !capabilities[capability].is_null(),
            "{capability} in {capabilities}"
        );
    }
    server.notify("initialized", json!({}));

    // an error while typing: published with its code and range
    let started = Instant::now();
    server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": BROKEN } }));
    let diagnostics = server.diagnostics(&uri, 1);
    eprintln!("diagnostics after open: {:?}", started.elapsed());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], json!("unknown-property"));
    assert_eq!(
        diagnostics[0]["range"]["start"],
        position(BROKEN, "QueueNam", 0)
    );
    assert_eq!(
        diagnostics[0]["range"]["end"],
        position(BROKEN, "QueueNam", 8)
    );

    // the "did you mean" as a quick fix
    let range = diagnostics[0]["range"].clone();
    let actions = server.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }),
    );
    assert_eq!(
        actions[0]["title"],
        json!("replace with `QueueName`"),
        "{actions}"
    );

    // fixed: the diagnostics are cleared
    let fixed = BROKEN.replace("QueueNam:", "QueueName:");
    let started = Instant::now();
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": fixed }] }));
    let diagnostics = server.diagnostics(&uri, 2);
    eprintln!("diagnostics after an edit: {:?}", started.elapsed());
    assert_eq!(diagnostics, Vec::<Value>::new());

    // hover on a property: the CloudFormation doc
    let hover = server.request("textDocument/hover", at(&uri, &fixed, "QueueName", 2));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.contains("QueueName: string") && markdown.contains("AWS::SQS::Queue` property"),
        "{markdown}"
    );

    // go to definition into the standard library
    let definition = server.request("textDocument/definition", at(&uri, &fixed, "Network", 1));
    let target = definition[0]["uri"].as_str().unwrap_or_default();
    assert!(target.ends_with("/std/vpc.cvl"), "{definition}");
    let std_text = std::fs::read_to_string(target.trim_start_matches("file://"))
        .expect("the std module is on disk");
    assert_eq!(
        definition[0]["range"]["start"],
        position(&std_text, "Network", 0)
    );

    // rename a let and its use
    let edit = server.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": position(&fixed, "net =", 0), "newName": "network" }));
    let edits = edit["changes"][&uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edits.len(), 2, "{edit}");
    assert!(edits.iter().all(|e| e["newText"] == json!("network")));

    // completion inside a resource body: the required properties first
    let typing = fixed.replace(
        "  let net",
        "  resource Sg: AWS::EC2::SecurityGroup {\n    \n  }\n  let   net",
    );
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": typing }] }));
    let started = Instant::now();
    let completion = server.request(
        "textDocument/completion",
        at(&uri, &typing, "SecurityGroup {\n    ", 20),
    );
    eprintln!("completion: {:?}", started.elapsed());
    let mut items = completion.as_array().cloned().unwrap_or_default();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or_default().to_string());
    assert_eq!(items[0]["label"], json!("GroupDescription"), "{items:?}");
    assert!(
        items[0]["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("required")
    );
    let diagnostics = server.diagnostics(&uri, 3);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == json!("missing-required-property")),
        "{diagnostics:?}"
    );

    // formatting
    let formatted = server.request("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let edits = formatted.as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1, "{formatted}");
    assert!(
        !edits[0]["newText"]
            .as_str()
            .unwrap_or_default()
            .contains("let   ")
    );

    // shutdown and exit: the process ends by itself
    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn evaluation_diagnostics_follow_once_typing_settles() {
    let root = scratch("evaluation");
    let main = root.join("main.cvl");
    let text = "param env: \"beta\" | \"prod\"\n\nstack app {\n  check env != \"prod\", \"not in prod\"\n  resource Queue: AWS::SQS::Queue {}\n}\n";
    std::fs::write(&main, text).expect("write main.cvl");
    let uri = uri_of(&main);
    let mut server = Server::start(&root);
    server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri_of(&root), "capabilities": {} }),
    );
    server.notify("initialized", json!({}));
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } }),
    );
    // first the static diagnostics (none), then those of evaluating every env
    assert_eq!(server.diagnostics(&uri, 1), Vec::<Value>::new());
    let evaluated = server.diagnostics(&uri, 1);
    assert_eq!(evaluated.len(), 1, "{evaluated:?}");
    assert_eq!(evaluated[0]["code"], json!("check-failed"));
    assert!(
        evaluated[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("env=prod"),
        "{evaluated:?}"
    );
    assert_eq!(evaluated[0]["range"]["start"], position(text, "env !=", 0));
    // hover on the param: the value it takes in each env
    let hover = server.request("textDocument/hover", at(&uri, text, "env !=", 1));
    let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        markdown.ends_with("Value per env:\n- `env=beta`: `\"beta\"`\n- `env=prod`: `\"prod\"`"),
        "{markdown}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Latency on an example (`CVL_EXAMPLE`, default canvalo; run with `--ignored --nocapture`):
/// diagnostics after an edit that changes the tree (everything checked and evaluated again for
/// every env), hover and completion.
#[test]
#[ignore]
fn latency_on_an_example() {
    let name = std::env::var("CVL_EXAMPLE").unwrap_or_else(|_| "canvalo".to_string());
    let example = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
        .canonicalize()
        .expect("the example");
    let main = example.join("main.cvl");
    let text = std::fs::read_to_string(&main).expect("main.cvl");
    let uri = uri_of(&main);
    let mut server = Server::start(&example);
    server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri_of(&example), "capabilities": {} }),
    );
    server.notify("initialized", json!({}));
    let started = Instant::now();
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } }),
    );
    let diagnostics = server.diagnostics(&uri, 1);
    eprintln!(
        "open, static diagnostics: {:?} ({} found)",
        started.elapsed(),
        diagnostics.len()
    );
    let diagnostics = server.diagnostics(&uri, 1);
    eprintln!(
        "open, evaluated (after {:?} of settling): {:?} ({} found)",
        SETTLE,
        started.elapsed(),
        diagnostics.len()
    );
    for version in 2..6 {
        // a change of the tree: everything is checked and evaluated again
        let edited = format!("{text}\nlet latency_probe = {version}\n");
        let started = Instant::now();
        server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }));
        let diagnostics = server.diagnostics(&uri, version);
        eprintln!(
            "edit {version}: static diagnostics {:?} ({} found)",
            started.elapsed(),
            diagnostics.len()
        );
        let diagnostics = server.diagnostics(&uri, version);
        eprintln!(
            "edit {version}: evaluated {:?} ({} found, {SETTLE:?} of it settling)",
            started.elapsed(),
            diagnostics.len()
        );
        let started = Instant::now();
        let hover = server.request("textDocument/hover", at(&uri, &edited, "resource ", 10));
        eprintln!("hover: {:?} ({})", started.elapsed(), !hover.is_null());
        let started = Instant::now();
        let completion =
            server.request("textDocument/completion", at(&uri, &edited, "resource ", 0));
        eprintln!(
            "completion: {:?} ({} items)",
            started.elapsed(),
            completion.as_array().map_or(0, Vec::len)
        );
    }
}
