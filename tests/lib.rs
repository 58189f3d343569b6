//! Shared helpers for the cross-crate tests: reading fixture projects from disk into a
//! `MemoryLoader`, and the expectations fixtures state inline.

use cvl::MemoryLoader;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Every `.cvl` file under `dir`, recursively, sorted, with paths relative to `dir`.
pub fn cvl_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect(dir, dir, &mut out);
    out.sort();
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "cvl") {
            let relative = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).expect("fixture is readable");
            out.push((relative, text));
        }
    }
}

/// A loader holding every `.cvl` file of a folder.
pub fn loader_for(dir: &Path) -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    for (path, text) in cvl_files(dir) {
        loader.insert(path, text);
    }
    loader
}

/// A diagnostic a fixture expects: `// error[code]` at the end of the line that causes it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub severity: String,
    pub code: String,
}

/// The expectations written in a file: every `error[code]` or `warning[code]` inside a `//`
/// comment, on the line it is written on. `// ^ error[code]`-style comments on a line of their
/// own refer to the line above.
pub fn expectations(file: &str, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(comment_start) = line.find("//") else {
            continue;
        };
        let comment = &line[comment_start..];
        let own_line = line[..comment_start].trim().is_empty()
            && comment
                .trim_start_matches('/')
                .trim_start()
                .starts_with('^');
        let target_line = if own_line { index } else { index + 1 };
        // `params-error[code]`: a diagnostic about the command-line params
        let mut comment = comment.to_string();
        while let Some(position) = comment.find("params-error[") {
            let after = &comment[position + "params-error[".len()..];
            let Some(end) = after.find(']') else { break };
            out.push(Expected {
                file: "<params>".to_string(),
                line: 1,
                severity: "error".to_string(),
                code: after[..end].to_string(),
            });
            comment = format!("{}{}", &comment[..position], &after[end + 1..]);
        }
        for severity in ["error", "warning"] {
            let mut rest = comment.as_str();
            while let Some(position) = rest.find(&format!("{severity}[")) {
                let after = &rest[position + severity.len() + 1..];
                if let Some(end) = after.find(']') {
                    out.push(Expected {
                        file: file.to_string(),
                        line: target_line,
                        severity: severity.to_string(),
                        code: after[..end].to_string(),
                    });
                    rest = &after[end..];
                } else {
                    break;
                }
            }
        }
    }
    out
}

/// `// params: env=prod region=x` in a fixture's first lines.
pub fn fixture_params(text: &str) -> Vec<(String, String)> {
    for line in text.lines().take(10) {
        if let Some(rest) = line.trim().strip_prefix("// params:") {
            return rest
                .split_whitespace()
                .filter_map(|pair| {
                    pair.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                })
                .collect();
        }
    }
    Vec::new()
}
