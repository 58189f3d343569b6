//! The language server from the outside: the `cvl-lsp` binary spoken to over stdio, as an editor
//! does. Every wait is bounded.

#![allow(clippy::print_stderr)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long any one answer may take (a debug build evaluates every env of the project).
const TIMEOUT: Duration = Duration::from_secs(60);

/// The server's quiet time before it evaluates (`server::SETTLE`).
const SETTLE: Duration = Duration::from_millis(250);

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read while waiting for another one.
    stash: Vec<Value>,
    next_id: i64,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cvl-lsp"))
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap_or(0)];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if let Ok(message) = serde_json::from_slice(&body)
                    && sender.send(message).is_err()
                {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        Server { child, stdin, messages, stash: Vec::new(), next_id: 1 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (answering the server's own requests).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let message = self.wait(method, |m| m["id"] == json!(id) && m.get("method").is_none());
        assert!(message.get("error").is_none(), "{method} failed: {message}");
        message["result"].clone()
    }

    /// The first message (read before or now) that satisfies `accept`; the others are kept.
    fn wait(&mut self, waiting_for: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.stash.iter().position(&accept) {
            return self.stash.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next(deadline, waiting_for);
            if accept(&message) {
                return message;
            }
            self.stash.push(message);
        }
    }

    /// The next `method` notification whose params satisfy `accept`.
    fn notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        self.wait(method, |m| m["method"] == json!(method) && accept(&m["params"]))["params"].clone()
    }

    fn next(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = self.messages.recv_timeout(left).unwrap_or_else(|_| panic!("no answer to `{waiting_for}` in time"));
        // the server's requests (none expected, but answer them so that it never waits)
        if message.get("method").is_some()
            && let Some(id) = message.get("id")
        {
            let id = id.clone();
            self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
        }
        message
    }

    /// Waits for the diagnostics of `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| p["uri"] == json!(uri) && p["version"] == json!(version));
        params["diagnostics"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh folder for a project.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cvl-lsp-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir.canonicalize().expect("canonical")
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The zero-based position of the first `needle` (ASCII text), plus `shift` columns.
fn position(text: &str, needle: &str, shift: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` in the text"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + shift;
    json!({ "line": line, "character": column })
}

fn at(uri: &str, text: &str, needle: &str, shift: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position(text, needle, shift) })
}

const BROKEN: &str = "import std.vpc\n\nstack app {\n  resource Queue: AWS::SQS::Queue {\n    QueueNam: \"jobs\",\n  }\n  let net = vpc.Network { name: \"app\" }\n  output vpc_id = net.vpc\n}\n";

#[test]
fn an_editing_session() {
    let root = scratch("session");
    let main = root.join("main.cvl");
    std::fs::write(&main, BROKEN).expect("write main.cvl");
    let uri = uri_of(&main);
    let mut server = Server::start(&root);

    let init = server.request("initialize", json!({ "processId": null, "rootUri": uri_of(&root), "capabilities": {} }));
    let capabilities = &init["capabilities"];
    for capability in ["hoverProvider", "completionProvider", "definitionProvider", "renameProvider", "documentFormattingProvider", "semanticTokensProvider"] {
        assert!(!capabilities[capability].is_null(), "{capability} in {capabilities}");
    }
    server.notify("initialized", json!({}));

    // an error while typing: published with its code and range
    let started = Instant::now();
    server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": BROKEN } }));
    let diagnostics = server.diagnostics(&uri, 1);
    eprintln!("diagnostics after open: {:?}", started.elapsed());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], json!("unknown-property"));
    assert_eq!(diagnostics[0]["range"]["start"], position(BROKEN, "QueueNam", 0));
    assert_eq!(diagnostics[0]["range"]["end"], position(BROKEN, "QueueNam", 8));

    // the "did you mean" as a quick fix
    let range = diagnostics[0]["range"].clone();
    let actions = server.request("textDocument/codeAction", json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }));
    assert_eq!(actions[0]["title"], json!("replace with `QueueName`"), "{actions}");

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
    assert!(markdown.contains("QueueName: string") && markdown.contains("AWS::SQS::Queue` property"), "{markdown}");

    // go to definition into the standard library
    let definition = server.request("textDocument/definition", at(&uri, &fixed, "Network", 1));
    let target = definition[0]["uri"].as_str().unwrap_or_default();
    assert!(target.ends_with("/std/vpc.cvl"), "{definition}");
    let std_text = std::fs::read_to_string(target.trim_start_matches("file://")).expect("the std module is on disk");
    assert_eq!(definition[0]["range"]["start"], position(&std_text, "Network", 0));

    // rename a let and its use
    let edit = server.request("textDocument/rename", json!({ "textDocument": { "uri": uri }, "position": position(&fixed, "net =", 0), "newName": "network" }));
    let edits = edit["changes"][&uri].as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 2, "{edit}");
    assert!(edits.iter().all(|e| e["newText"] == json!("network")));

    // completion inside a resource body: the required properties first
    let typing = fixed.replace("  let net", "  resource Sg: AWS::EC2::SecurityGroup {\n    \n  }\n  let   net");
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": typing }] }));
    let started = Instant::now();
    let completion = server.request("textDocument/completion", at(&uri, &typing, "SecurityGroup {\n    ", 20));
    eprintln!("completion: {:?}", started.elapsed());
    let mut items = completion.as_array().cloned().unwrap_or_default();
    items.sort_by_key(|i| i["sortText"].as_str().unwrap_or_default().to_string());
    assert_eq!(items[0]["label"], json!("GroupDescription"), "{items:?}");
    assert!(items[0]["detail"].as_str().unwrap_or_default().contains("required"));
    let diagnostics = server.diagnostics(&uri, 3);
    assert!(diagnostics.iter().any(|d| d["code"] == json!("missing-required-property")), "{diagnostics:?}");

    // formatting
    let formatted = server.request("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }));
    let edits = formatted.as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 1, "{formatted}");
    assert!(!edits[0]["newText"].as_str().unwrap_or_default().contains("let   "));

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
    server.request("initialize", json!({ "processId": null, "rootUri": uri_of(&root), "capabilities": {} }));
    server.notify("initialized", json!({}));
    server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } }));
    // first the static diagnostics (none), then those of evaluating every env
    assert_eq!(server.diagnostics(&uri, 1), Vec::<Value>::new());
    let evaluated = server.diagnostics(&uri, 1);
    assert_eq!(evaluated.len(), 1, "{evaluated:?}");
    assert_eq!(evaluated[0]["code"], json!("check-failed"));
    assert!(evaluated[0]["message"].as_str().unwrap_or_default().contains("env=prod"), "{evaluated:?}");
    assert_eq!(evaluated[0]["range"]["start"], position(text, "env !=", 0));
    let _ = std::fs::remove_dir_all(&root);
}

/// Latency on an example (`CVL_EXAMPLE`, default canvalo; run with `--ignored --nocapture`):
/// diagnostics after an edit that changes the tree (everything checked and evaluated again for
/// every env), hover and completion.
#[test]
#[ignore]
fn latency_on_an_example() {
    let name = std::env::var("CVL_EXAMPLE").unwrap_or_else(|_| "canvalo".to_string());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(name).canonicalize().expect("the example");
    let main = example.join("main.cvl");
    let text = std::fs::read_to_string(&main).expect("main.cvl");
    let uri = uri_of(&main);
    let mut server = Server::start(&example);
    server.request("initialize", json!({ "processId": null, "rootUri": uri_of(&example), "capabilities": {} }));
    server.notify("initialized", json!({}));
    let started = Instant::now();
    server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } }));
    let diagnostics = server.diagnostics(&uri, 1);
    eprintln!("open, static diagnostics: {:?} ({} found)", started.elapsed(), diagnostics.len());
    let diagnostics = server.diagnostics(&uri, 1);
    eprintln!("open, evaluated (after {:?} of settling): {:?} ({} found)", SETTLE, started.elapsed(), diagnostics.len());
    for version in 2..6 {
        // a change of the tree: everything is checked and evaluated again
        let edited = format!("{text}\nlet latency_probe = {version}\n");
        let started = Instant::now();
        server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }));
        let diagnostics = server.diagnostics(&uri, version);
        eprintln!("edit {version}: static diagnostics {:?} ({} found)", started.elapsed(), diagnostics.len());
        let diagnostics = server.diagnostics(&uri, version);
        eprintln!("edit {version}: evaluated {:?} ({} found, {SETTLE:?} of it settling)", started.elapsed(), diagnostics.len());
        let started = Instant::now();
        let hover = server.request("textDocument/hover", at(&uri, &edited, "resource ", 10));
        eprintln!("hover: {:?} ({})", started.elapsed(), !hover.is_null());
        let started = Instant::now();
        let completion = server.request("textDocument/completion", at(&uri, &edited, "resource ", 0));
        eprintln!("completion: {:?} ({} items)", started.elapsed(), completion.as_array().map_or(0, Vec::len));
    }
}
