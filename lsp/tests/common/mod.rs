//! The test harness of the language server's integration tests: the `cvl-lsp` binary spoken to
//! over stdio, as an editor does. Every wait is bounded.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long any one answer may take (a debug build evaluates every env of the project).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The server's quiet time before it evaluates (`server::SETTLE`).
pub const SETTLE: Duration = Duration::from_millis(250);

pub struct Server {
    pub child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages read while waiting for another one.
    stash: Vec<Value>,
    next_id: i64,
}

impl Server {
    pub fn start(root: &Path) -> Server {
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
        Server {
            child,
            stdin,
            messages,
            stash: Vec::new(),
            next_id: 1,
        }
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (answering the server's own requests).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let message = self.wait(method, |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        });
        assert!(message.get("error").is_none(), "{method} failed: {message}");
        message["result"].clone()
    }

    /// The first message (read before or now) that satisfies `accept`; the others are kept.
    pub fn wait(&mut self, waiting_for: &str, accept: impl Fn(&Value) -> bool) -> Value {
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
    pub fn notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        self.wait(method, |m| {
            m["method"] == json!(method) && accept(&m["params"])
        })["params"]
            .clone()
    }

    pub fn next(&mut self, deadline: Instant, waiting_for: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = self
            .messages
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no answer to `{waiting_for}` in time"));
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
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == json!(uri) && p["version"] == json!(version)
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
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
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cvl-lsp-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir.canonicalize().expect("canonical")
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The zero-based position of the first `needle` (ASCII text), plus `shift` columns.
pub fn position(text: &str, needle: &str, shift: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"));
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + shift;
    json!({ "line": line, "character": column })
}

pub fn at(uri: &str, text: &str, needle: &str, shift: usize) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position(text, needle, shift) })
}
