//! Reliability (docs/reliability.md): no input crashes cvl, and the same project gives the same
//! bytes everywhere.
//!
//! - Deep recursion through lazy lets, functions and component instances, and types grown
//!   through lets, end in a diagnostic on a 2 MiB thread (the size of a test thread and of the
//!   language server's tokio threads), in this debug build, never in a stack overflow.
//! - Templates are byte-identical across processes (each has its own hash seeds) and whatever
//!   order the project's files were created on disk in.
//! - Every input the fuzzers ever found (`fuzz/regressions/<target>/`) is replayed through the
//!   fuzz targets' own checks, and the parser and formatter checks run over every `.cvl` file
//!   of the repository.
//!
//! The limits that fit in a small file (sizes, quotas, nesting) are fixtures in
//! `tests/cases/limits/`.

#![allow(clippy::print_stderr, clippy::print_stdout)] // the tests report what they measured; the child prints its output

use cvl::{BuildResult, Loader, MemoryLoader};
use cvl_tests::repo_root;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fuzz targets' checks (the same file the libFuzzer targets use).
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod oracles;

const SMALL_STACK: usize = 2 << 20;

/// Builds `main` on a thread with a 2 MiB stack. A stack overflow aborts the whole test binary.
fn build_on_small_stack(main: String) -> BuildResult {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || cvl::build(&MemoryLoader::new().with("main.cvl", main), "main.cvl", &[]))
        .expect("a thread")
        .join()
        .expect("the build does not panic")
}

fn codes(result: &BuildResult) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.code.as_str())
        .collect();
    codes.dedup();
    codes
}

// ---------------------------------------------------------------------------------------------
// Deep recursion

/// `let a0 = a1 + 1`, `let a1 = a2 + 1`, ...: forcing `a0` forces the whole chain, one lazy
/// slot inside the other.
fn lazy_let_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("let a{i} = a{} + 1\n", i + 1));
    }
    s.push_str(&format!(
        "let a{n} = 0\nresource T: AWS::SNS::Topic {{ TopicName: \"${{a0}}\" }}\n"
    ));
    s
}

/// `fn f0(x) { f1(x) + 1 }`, ...: calls nested `n` deep.
fn function_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("fn f{i}(x: int) -> int {{ f{}(x) + 1 }}\n", i + 1));
    }
    s.push_str(&format!("fn f{n}(x: int) -> int {{ x }}\nresource T: AWS::SNS::Topic {{ TopicName: \"${{f0(1)}}\" }}\n"));
    s
}

/// Component `C0` instantiates `C1`, which instantiates `C2`, ...; each output reads the next
/// instance's output (instances and outputs are both lazy).
fn component_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "component C{i} {{\n  let c = C{} {{}}\n  output o = c.o + 1\n}}\n",
            i + 1
        ));
    }
    s.push_str(&format!(
        "component C{n} {{\n  resource T: AWS::SNS::Topic {{}}\n  output o = 0\n}}\nstack s {{\n  let c = C0 {{}}\n  output o = c.o\n}}\n"
    ));
    s
}

/// `let v1 = [[...v0...]]`, `let v2 = [[...v1...]]`, ...: each let within the parser's limits,
/// the value's type growing through the lets.
fn growing_type(lets: usize, each: usize) -> String {
    let mut s = String::from("let v0 = 1\n");
    for i in 1..=lets {
        s.push_str(&format!(
            "let v{i} = {}v{}{}\n",
            "[".repeat(each),
            i - 1,
            "]".repeat(each)
        ));
    }
    s.push_str(&format!(
        "resource T: AWS::SNS::Topic {{ TopicName: to_json(v{lets}) }}\n"
    ));
    s
}

#[test]
fn lazy_let_chains_stop_at_the_depth_limit() {
    let shallow = build_on_small_stack(lazy_let_chain(100));
    assert!(shallow.output.is_some(), "{:?}", shallow.diagnostics);
    for n in [400, 5_000, 50_000] {
        assert_eq!(
            codes(&build_on_small_stack(lazy_let_chain(n))),
            ["limit-exceeded"],
            "a chain of {n} lets"
        );
    }
}

#[test]
fn function_chains_stop_at_the_depth_limit() {
    let shallow = build_on_small_stack(function_chain(100));
    assert!(shallow.output.is_some(), "{:?}", shallow.diagnostics);
    for n in [400, 5_000] {
        assert_eq!(
            codes(&build_on_small_stack(function_chain(n))),
            ["limit-exceeded"],
            "a chain of {n} functions"
        );
    }
}

#[test]
fn component_chains_stop_at_the_depth_limit() {
    let shallow = build_on_small_stack(component_chain(100));
    assert!(shallow.output.is_some(), "{:?}", shallow.diagnostics);
    for n in [400, 2_000] {
        let result = build_on_small_stack(component_chain(n));
        assert!(
            codes(&result).contains(&"limit-exceeded"),
            "a chain of {n} components: {:?}",
            codes(&result)
        );
    }
}

#[test]
fn types_grown_through_lets_stop_at_the_type_depth_limit_quickly() {
    // each let nests its value 200 levels deeper; the checker stops every other let at 256
    // levels. Checking used to be cubic in the depth (a minute for this file in a debug build).
    let started = std::time::Instant::now();
    let result = build_on_small_stack(growing_type(40, 200));
    assert_eq!(codes(&result), ["nesting-too-deep"]);
    assert_eq!(result.diagnostics.len(), 20, "every other let is too deep");
    assert!(
        started.elapsed().as_secs() < 30,
        "checking took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// The same bytes everywhere

/// A loader over a folder on disk (what the CLI's disk loader does, for the child process).
struct Disk(PathBuf);

impl Loader for Disk {
    fn load(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Copies `from` to `to`, creating the files (and folders) in the given order.
fn copy_in_order(from: &Path, to: &Path, files: &[PathBuf]) {
    for rel in files {
        let target = to.join(rel);
        std::fs::create_dir_all(target.parent().expect("a parent")).expect("creatable");
        std::fs::copy(from.join(rel), &target).expect("copyable");
    }
}

/// The child process: builds the project named by `CVL_RELIABILITY_PROJECT` for every value of
/// its `env` param and prints every template (JSON and YAML) and manifest.
#[test]
fn child_process_build() {
    let Some(dir) = std::env::var_os("CVL_RELIABILITY_PROJECT") else {
        return;
    };
    let loader = Disk(PathBuf::from(dir));
    let params = cvl::params(&loader, "main.cvl");
    let envs: Vec<String> = params
        .params
        .iter()
        .find(|p| p.name == "env")
        .map(|p| p.allowed.clone())
        .unwrap_or_default();
    let assignments: Vec<Vec<(String, String)>> = if envs.is_empty() {
        vec![Vec::new()]
    } else {
        envs.iter()
            .map(|e| vec![("env".to_string(), e.clone())])
            .collect()
    };
    let mut out = String::new();
    for assignment in assignments {
        let result = cvl::build(&loader, "main.cvl", &assignment);
        let output = result
            .output
            .unwrap_or_else(|| panic!("{assignment:?} failed: {:?}", result.diagnostics));
        out.push_str(&format!("===== {assignment:?}\n"));
        for stack in &output.stacks {
            out.push_str(&stack.text);
            out.push_str(&cvl::cfn::yaml::to_yaml_string(&stack.template()));
        }
        out.push_str(&cvl::project::to_json_string(&output.manifest));
        for d in &result.diagnostics {
            out.push_str(&format!(
                "{} {} {:?} {}\n",
                d.code, d.file, d.span, d.message
            ));
        }
    }
    println!("<<<OUTPUT\n{out}OUTPUT>>>");
}

/// Runs [`child_process_build`] in a new process of this test binary.
fn build_in_child(project: &Path) -> String {
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "child_process_build",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CVL_RELIABILITY_PROJECT", project)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let start = stdout
        .find("<<<OUTPUT\n")
        .expect("the child printed its output")
        + "<<<OUTPUT\n".len();
    let end = stdout
        .rfind("OUTPUT>>>")
        .expect("the child printed all of its output");
    stdout[start..end].to_string()
}

/// The CLI next to this test binary (`target/debug/cvl`), when `cargo test --workspace` built it.
fn cli_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let cli = exe
        .parent()?
        .parent()?
        .join(if cfg!(windows) { "cvl.exe" } else { "cvl" });
    cli.is_file().then_some(cli)
}

fn folder_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|rel| {
            (
                rel.clone(),
                std::fs::read(dir.join(&rel)).expect("readable"),
            )
        })
        .collect()
}

#[test]
fn templates_are_byte_identical_across_processes_and_file_orders() {
    let examples = repo_root().join("examples");
    let mut projects: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("main.cvl").is_file())
        .collect();
    projects.sort();
    assert!(!projects.is_empty());
    let scratch = std::env::temp_dir().join(format!("cvl-reliability-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let cli = cli_binary();
    for project in projects {
        let name = project
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .to_string();
        let files = files_under(&project);
        let forward = scratch.join(format!("{name}-forward"));
        let backward = scratch.join(format!("{name}-backward"));
        copy_in_order(&project, &forward, &files);
        let reversed: Vec<PathBuf> = files.iter().rev().cloned().collect();
        copy_in_order(&project, &backward, &reversed);
        let first = build_in_child(&forward);
        let second = build_in_child(&backward);
        assert!(
            first.contains("AWSTemplateFormatVersion"),
            "{name}: no template in the output"
        );
        assert!(
            first == second,
            "{name}: two processes (files created in opposite orders) built different bytes"
        );
        if let Some(cli) = &cli {
            let params = cvl::params(&Disk(forward.clone()), "main.cvl");
            let env: Vec<String> = params
                .params
                .iter()
                .find(|p| p.name == "env")
                .and_then(|p| p.allowed.first())
                .map(|e| format!("env={e}"))
                .into_iter()
                .collect();
            for (dir, out) in [(&forward, "out-forward"), (&backward, "out-backward")] {
                let status = Command::new(cli)
                    .arg("build")
                    .arg(dir)
                    .args(&env)
                    .arg("--out")
                    .arg(scratch.join(format!("{name}-{out}")))
                    .output()
                    .expect("cvl runs");
                assert!(
                    status.status.success(),
                    "{name}: {}",
                    String::from_utf8_lossy(&status.stderr)
                );
            }
            let a = folder_bytes(&scratch.join(format!("{name}-out-forward")));
            let b = folder_bytes(&scratch.join(format!("{name}-out-backward")));
            assert!(
                !a.is_empty() && a == b,
                "{name}: `cvl build` wrote different files from the two copies"
            );
        }
    }
    if cli.is_none() {
        eprintln!(
            "note: no cvl binary next to the test binary; the library was compared, the CLI was not"
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

// ---------------------------------------------------------------------------------------------
// Fuzz regressions

#[test]
fn fuzz_regressions_replay() {
    let root = repo_root().join("fuzz/regressions");
    let mut replayed = 0;
    for (target, check) in [
        ("parse", oracles::parse as fn(&[u8])),
        ("check", oracles::check),
        ("build_project", oracles::build),
        ("format", |data: &[u8]| oracles::format(data, false)),
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).expect("readable");
            let result = std::thread::Builder::new()
                .stack_size(SMALL_STACK)
                .spawn(move || check(&data))
                .expect("a thread")
                .join();
            assert!(result.is_ok(), "{target}: {} fails again", path.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} fuzz regressions");
}

/// The parser's and the formatter's fuzz checks over every `.cvl` file of the repository (the
/// fuzzers' seeds).
#[test]
fn fuzz_checks_hold_for_every_cvl_file() {
    let root = repo_root();
    let mut count = 0;
    for dir in ["examples", "tests/cases", "stdlib"] {
        for rel in files_under(&root.join(dir)) {
            if rel.extension().is_some_and(|e| e == "cvl") {
                let data = std::fs::read(root.join(dir).join(&rel)).expect("readable");
                oracles::parse(&data);
                oracles::format(&data, false);
                count += 1;
            }
        }
    }
    assert!(count > 50, "only {count} files");
}

// ---------------------------------------------------------------------------------------------
// The language server under abuse

/// A tiny deterministic random source (xorshift), so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// The server's resident memory in KiB (Linux), or `None`.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn the_language_server_survives_thousands_of_random_edits_and_requests() {
    abuse_language_server(false);
}

/// A body that is not JSON used to end the session: tower-lsp-server 0.23's framed reader ends
/// the stream after any decoding error. `cvl_lsp::serve` now drops such frames before it reads
/// them (`lsp/src/framing.rs`).
#[test]
fn the_language_server_survives_bodies_that_are_not_json() {
    abuse_language_server(true);
}

/// Replays 3000 random operations: edits at invalid UTF-16 positions and past the end, edits of
/// unknown and closed documents, requests of every kind (and unknown ones) at random positions,
/// requests with params of the wrong shape, and with `malformed_json` bodies that are not JSON.
/// Every request must be answered, the memory must stop growing, and `exit` must end the server.
fn abuse_language_server(malformed_json: bool) {
    use serde_json::{Value, json};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;
    use std::sync::mpsc::channel;
    use std::time::{Duration, Instant};

    let Some(cli) = cli_binary() else {
        eprintln!(
            "note: no cvl binary next to the test binary (run `cargo test --workspace`); the language server was not tested"
        );
        return;
    };
    let scratch = std::env::temp_dir().join(format!("cvl-lsp-abuse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("lib")).expect("a scratch folder");
    let main_text = "/// Which env.\nparam env: \"beta\" | \"prod\" = \"beta\"\nimport \"./lib/names.cvl\" as names\n\nstack app {\n  resource Topic: AWS::SNS::Topic { TopicName: names.name(\"topic\", env) }\n  output arn = Topic\n}\n";
    let lib_text = "/// A name with its env.\nfn name(base: string, env: string) -> string { \"${base}-${env}-𝄞é\" }\n";
    std::fs::write(scratch.join("main.cvl"), main_text).expect("writable");
    std::fs::write(scratch.join("lib/names.cvl"), lib_text).expect("writable");
    let root_uri = format!("file://{}", scratch.display());
    let main_uri = format!("{root_uri}/main.cvl");
    let lib_uri = format!("{root_uri}/lib/names.cvl");

    let mut child = Command::new(cli)
        .arg("lsp")
        .current_dir(&scratch)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(
            std::fs::File::create(scratch.join("server.log"))
                .map(Stdio::from)
                .unwrap_or_else(|_| Stdio::null()),
        )
        .spawn()
        .expect("`cvl lsp` starts");
    let pid = child.id();
    let stdout = child.stdout.take().expect("stdout");
    let (sender, messages) = channel::<Value>();
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
            if let Ok(message) = serde_json::from_slice::<Value>(&body)
                && sender.send(message).is_err()
            {
                return;
            }
        }
    });
    let mut stdin = child.stdin.take().expect("stdin");
    let mut send_raw = |body: &str| {
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("flush");
    };
    let mut outstanding: std::collections::BTreeSet<i64> = std::collections::BTreeSet::new();
    let mut next_id = 0i64;
    let mut request = |send_raw: &mut dyn FnMut(&str),
                       method: &str,
                       params: Value,
                       outstanding: &mut std::collections::BTreeSet<i64>| {
        next_id += 1;
        outstanding.insert(next_id);
        send_raw(
            &json!({ "jsonrpc": "2.0", "id": next_id, "method": method, "params": params })
                .to_string(),
        );
    };
    // waits until every request has its answer; counts the answers with a result
    let results = std::cell::Cell::new(0usize);
    let errors = std::cell::Cell::new(0usize);
    let drain = |outstanding: &mut std::collections::BTreeSet<i64>, what: &str| {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !outstanding.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match messages.recv_timeout(left) {
                Ok(message) => {
                    if let Some(id) = message.get("id").and_then(Value::as_i64)
                        && message.get("method").is_none()
                        && outstanding.remove(&id)
                    {
                        if message.get("result").is_some_and(|r| !r.is_null()) {
                            results.set(results.get() + 1);
                        } else if message.get("error").is_some() {
                            errors.set(errors.get() + 1);
                        }
                    }
                }
                Err(_) => panic!(
                    "{what}: no answer to requests {outstanding:?} (the server hung or died); its stderr:\n{}",
                    std::fs::read_to_string(scratch.join("server.log")).unwrap_or_default()
                ),
            }
        }
    };

    request(
        &mut send_raw,
        "initialize",
        json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }),
        &mut outstanding,
    );
    drain(&mut outstanding, "initialize");
    send_raw(&json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }).to_string());
    let open = |send_raw: &mut dyn FnMut(&str), uri: &str, text: &str| {
        send_raw(
            &json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "cvl", "version": 1, "text": text } } })
            .to_string(),
        );
    };
    open(&mut send_raw, &main_uri, main_text);
    open(&mut send_raw, &lib_uri, lib_text);

    let pieces = [
        "",
        "x",
        "\n",
        "let a = 1\n",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "\"",
        "${",
        "\"\"\"",
        "𝄞",
        "é",
        "\r\n",
        "// c\n",
        "resource B: AWS::S3::Bucket {}\n",
        "stack s {\n",
        "names.",
        "env",
        "fn f() -> int { 1 }\n",
        "component C {}\n",
        "map<",
        "..",
        "??",
        "import std.vpc\n",
        &"[".repeat(300),
        "\u{0}",
        "\t",
    ];
    let uris = [
        main_uri.as_str(),
        lib_uri.as_str(),
        "file:///nowhere/x.cvl",
        "untitled:1",
        "not a uri",
    ];
    let methods = [
        "textDocument/hover",
        "textDocument/completion",
        "textDocument/signatureHelp",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/documentSymbol",
        "textDocument/semanticTokens/full",
        "textDocument/inlayHint",
        "textDocument/codeAction",
        "textDocument/formatting",
        "textDocument/rename",
        "textDocument/prepareRename",
        "textDocument/rangeFormatting",
        "cvl/unknownMethod",
    ];
    let docs = [main_uri.clone(), lib_uri.clone()];
    let texts = [main_text, lib_text];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut versions = [1i64, 1];
    let mut samples = Vec::new();
    let started = Instant::now();
    let operations = 3000;
    for op in 0..operations {
        let position = |rng: &mut Rng| {
            // past the end, inside surrogate pairs, huge numbers
            let big = [0u64, 1, 5, 40, 1000, u32::MAX as u64];
            json!({ "line": if rng.below(4) == 0 { big[rng.below(6) as usize] } else { rng.below(12) },
                    "character": if rng.below(4) == 0 { big[rng.below(6) as usize] } else { rng.below(60) } })
        };
        let uri = if rng.below(5) == 0 {
            rng.pick(&uris)
        } else {
            docs[rng.below(2) as usize].as_str()
        };
        match rng.below(20) {
            0..=8 => {
                let doc = rng.below(2) as usize;
                versions[doc] += 1;
                let start = position(&mut rng);
                let end = if rng.below(3) == 0 {
                    position(&mut rng)
                } else {
                    start.clone()
                };
                let text: String = (0..rng.below(4)).map(|_| rng.pick(&pieces)).collect();
                let target = if rng.below(10) == 0 {
                    rng.pick(&uris)
                } else {
                    docs[doc].as_str()
                };
                let change = if rng.below(15) == 0 {
                    json!({ "text": text })
                } else {
                    json!({ "range": { "start": start, "end": end }, "text": text })
                };
                send_raw(&json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": target, "version": versions[doc] }, "contentChanges": [change] } }).to_string());
            }
            9..=16 => {
                let method = rng.pick(&methods);
                let at = position(&mut rng);
                let params = json!({
                    "textDocument": { "uri": uri }, "position": at.clone(),
                    "range": { "start": at.clone(), "end": position(&mut rng) },
                    "context": { "includeDeclaration": true, "diagnostics": [] },
                    "options": { "tabSize": 2, "insertSpaces": true }, "newName": "renamed",
                });
                request(&mut send_raw, method, params, &mut outstanding);
            }
            17 => {
                // malformed: not JSON, a request with params of the wrong shape, a batch
                match rng.below(3) {
                    0 if malformed_json => send_raw("{ this is not json"),
                    0 => request(
                        &mut send_raw,
                        "textDocument/hover",
                        json!({ "position": "nowhere" }),
                        &mut outstanding,
                    ),
                    1 => request(
                        &mut send_raw,
                        "textDocument/hover",
                        json!([1, 2, 3]),
                        &mut outstanding,
                    ),
                    _ => request(
                        &mut send_raw,
                        "textDocument/completion",
                        json!({ "textDocument": 7 }),
                        &mut outstanding,
                    ),
                }
            }
            18 => {
                let doc = rng.below(2) as usize;
                send_raw(
                    &json!({ "jsonrpc": "2.0", "method": "textDocument/didClose", "params": {
                    "textDocument": { "uri": (docs[doc].as_str()) } } })
                    .to_string(),
                );
                // requests for the closed document, then open it again (sometimes never)
                request(
                    &mut send_raw,
                    "textDocument/hover",
                    json!({ "textDocument": { "uri": (docs[doc].as_str()) }, "position": { "line": 0, "character": 0 } }),
                    &mut outstanding,
                );
                if rng.below(4) != 0 {
                    versions[doc] = 1;
                    open(&mut send_raw, docs[doc].as_str(), texts[doc]);
                }
            }
            _ => {
                // a document reset to a valid text, so that edits keep reaching the checker
                let doc = rng.below(2) as usize;
                versions[doc] += 1;
                send_raw(
                    &json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                    "textDocument": { "uri": (docs[doc].as_str()), "version": versions[doc] },
                    "contentChanges": [{ "text": (texts[doc]) }] } })
                    .to_string(),
                );
            }
        }
        if op % 100 == 99 {
            drain(&mut outstanding, &format!("after {} operations", op + 1));
            if let Some(rss) = rss_kib(pid) {
                samples.push(rss);
            }
        }
    }
    drain(&mut outstanding, "at the end");
    eprintln!(
        "{operations} operations in {:?}: {} answers with a result, {} errors; the server's memory (KiB) every 100: {samples:?}",
        started.elapsed(),
        results.get(),
        errors.get()
    );
    assert!(results.get() > 100, "too few requests were really served");
    // memory stops growing: the last third is not above the middle third by much
    if samples.len() >= 9 {
        let third = samples.len() / 3;
        let middle = samples[third..2 * third].iter().copied().max().unwrap_or(0);
        let last = samples[2 * third..].iter().copied().max().unwrap_or(0);
        assert!(
            last <= middle + middle / 2 + 32 * 1024,
            "the server's memory keeps growing: {samples:?}"
        );
    }
    request(&mut send_raw, "shutdown", Value::Null, &mut outstanding);
    drain(&mut outstanding, "shutdown");
    send_raw(&json!({ "jsonrpc": "2.0", "method": "exit" }).to_string());
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().expect("waitable") {
            assert!(status.success(), "the server exited with {status}");
            break;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("the server did not exit after `exit`");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(&scratch);
}
