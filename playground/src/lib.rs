//! The playground's WebAssembly glue: JSON text in, JSON text out, over the compiler's front
//! door. Templates are the exact text `cvl build` writes (`cvl::project::to_json_string`), so
//! the playground's output is byte-identical to the CLI's.
//!
//! - `compile(files_json, entry, params_json)`: `files_json` is `{"main.cvl": "...", ...}`
//!   (project-relative `/`-separated paths), `params_json` is `{"env": "gamma"}` (or empty).
//!   Returns `{"stacks": [{"name", "template"}], "manifest": "<text>" | null, "graph": {...} |
//!   null, "diagnostics": [...]}`; `graph` is the resource graph with where each resource is
//!   declared ([`graph::graph_json`]). Compiles share one database (`cvl::Session`): a compile
//!   after an edit parses and checks again only the files whose text changed.
//! - `params(files_json, entry)`: `{"params": [{"name", "type", "allowed", "default", "doc"}],
//!   "diagnostics": [...]}`.
//! - `to_yaml(json_text)`: a template as YAML, as `cvl build --format yaml` writes it.
//! - `hover(files_json, file, offset)`: `{"text": "<markdown>", "start", "end"}` or `null`, and
//!   `complete(files_json, file, offset)`: `[{label, kind, detail, doc, insert, sort, start,
//!   end}]`: the compiler's IDE functions ([`ide`]); offsets are UTF-16.
//! - `format(file, text)`: `{"text": "<canonical source>" | null, "diagnostics": [...]}`, the
//!   file as the compiler's printer writes it (`cvl::syntax::print_file`); `text` is null when
//!   the file does not parse (the syntax errors are the diagnostics).
//!
//! A diagnostic is `{code, severity, message, file, line, column, end_line, end_column, help}`
//! as in `cvl --message-format json` (1-based, columns in characters), plus `start`/`end`
//! (UTF-16 offsets into the file's text, for editors) and `replacement` (a quick fix).

mod graph;
mod ide;
mod positions;

use std::cell::RefCell;

use cvl::{Diagnostic, LineIndex, MemoryLoader};
use positions::utf16_offset;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

/// The entry file of a project the page sends.
pub const ENTRY: &str = "main.cvl";

thread_local! {
    /// The compiler's database, kept from compile to compile: a compile after an edit parses
    /// and checks again only the files whose text changed (the standard library is parsed
    /// once). Every result equals a fresh build's (`cvl::Session`).
    static SESSION: RefCell<cvl::Session> = RefCell::new(cvl::Session::new());
}

/// File id to text, as the compiler's results carry them.
type Sources<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Compiles a project held in memory. See the crate docs for the shapes.
#[wasm_bindgen]
pub fn compile(files_json: &str, entry: &str, params_json: &str) -> String {
    let (loader, params) = match (read_files(files_json), read_params(params_json)) {
        (Ok(l), Ok(p)) => (l, p),
        (Err(e), _) | (_, Err(e)) => {
            return json!({ "stacks": [], "manifest": null, "graph": null, "diagnostics": [input_error(&e)] })
                .to_string();
        }
    };
    let result = SESSION.with(|session| session.borrow_mut().build(&loader, entry, &params));
    let sources = |file: &str| result.sources.get(file).cloned();
    let diagnostics: Vec<Value> = result
        .diagnostics
        .iter()
        .map(|d| diagnostic_json(d, &sources))
        .collect();
    let failed = result.diagnostics.iter().any(|d| d.is_error());
    let (stacks, manifest, graph) = match &result.output {
        Some(output) if !failed => (
            output
                .stacks
                .iter()
                .map(|s| json!({ "name": s.name, "template": s.text }))
                .collect(),
            Value::String(cvl::project::to_json_string(&output.manifest)),
            graph::graph_json(&cvl::cfn::graph::graph(output), &sources),
        ),
        _ => (Vec::new(), Value::Null, Value::Null),
    };
    json!({ "stacks": stacks, "manifest": manifest, "graph": graph, "diagnostics": diagnostics })
        .to_string()
}

/// The params of a project held in memory.
#[wasm_bindgen]
pub fn params(files_json: &str, entry: &str) -> String {
    let loader = match read_files(files_json) {
        Ok(l) => l,
        Err(e) => return json!({ "params": [], "diagnostics": [input_error(&e)] }).to_string(),
    };
    let result = cvl::params(&loader, entry);
    let sources = |file: &str| result.sources.get(file).cloned();
    let diagnostics: Vec<Value> = result
        .diagnostics
        .iter()
        .map(|d| diagnostic_json(d, &sources))
        .collect();
    json!({ "params": result.params, "diagnostics": diagnostics }).to_string()
}

/// A template's JSON text as YAML; the empty string when the text is not JSON.
#[wasm_bindgen]
pub fn to_yaml(json_text: &str) -> String {
    serde_json::from_str::<Value>(json_text)
        .map(|v| cvl::cfn::yaml::to_yaml_string(&v))
        .unwrap_or_default()
}

/// What the name at `offset` (UTF-16) of `file` is. See the crate docs for the shape.
#[wasm_bindgen]
pub fn hover(files_json: &str, file: &str, offset: usize) -> String {
    match read_files(files_json) {
        Ok(loader) => ide::hover(&loader, file, offset).to_string(),
        Err(_) => Value::Null.to_string(),
    }
}

/// The completions at `offset` (UTF-16) of `file`. See the crate docs for the shape.
#[wasm_bindgen]
pub fn complete(files_json: &str, file: &str, offset: usize) -> String {
    match read_files(files_json) {
        Ok(loader) => ide::complete(&loader, file, offset).to_string(),
        Err(_) => "[]".to_string(),
    }
}

/// One file in the canonical layout. See the crate docs for the shape.
#[wasm_bindgen]
pub fn format(file: &str, text: &str) -> String {
    let (tree, diagnostics) = cvl::syntax::parse_file(file, text);
    let sources = |_: &str| Some(text.to_string());
    let failed = diagnostics.iter().any(|d| d.is_error());
    let diagnostics: Vec<Value> = diagnostics
        .iter()
        .map(|d| diagnostic_json(d, &sources))
        .collect();
    let formatted = if failed {
        Value::Null
    } else {
        Value::String(cvl::syntax::print_file(&tree))
    };
    json!({ "text": formatted, "diagnostics": diagnostics }).to_string()
}

fn read_files(files_json: &str) -> Result<MemoryLoader, String> {
    let value: Value =
        serde_json::from_str(files_json).map_err(|e| format!("files are not JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("files must be a JSON object of path to text".to_string());
    };
    let mut loader = MemoryLoader::new();
    for (path, text) in map {
        let Value::String(text) = text else {
            return Err(format!("the text of `{path}` is not a string"));
        };
        loader.insert(path, text);
    }
    Ok(loader)
}

fn read_params(params_json: &str) -> Result<Vec<(String, String)>, String> {
    if params_json.trim().is_empty() {
        return Ok(Vec::new());
    }
    let value: Value =
        serde_json::from_str(params_json).map_err(|e| format!("params are not JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("params must be a JSON object of name to value".to_string());
    };
    Ok(map
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(name, v)| match v {
            Value::String(s) => (name, s),
            other => (name, other.to_string()),
        })
        .collect())
}

/// A problem with the glue's own input (not with the sources).
fn input_error(message: &str) -> Value {
    json!({
        "code": cvl::Code::IoError.as_str(), "severity": "error", "message": message, "file": null,
        "line": null, "column": null, "end_line": null, "end_column": null, "help": null,
        "start": null, "end": null, "replacement": null,
    })
}

fn diagnostic_json(d: &Diagnostic, sources: &Sources<'_>) -> Value {
    let text = sources(&d.file);
    let (mut line, mut column, mut end_line, mut end_column, mut start, mut end) =
        (None, None, None, None, None, None);
    if let Some(text) = &text {
        let index = LineIndex::new(text);
        let s = index.position(text, d.span.start);
        let e = index.position(text, d.span.end);
        (line, column, end_line, end_column) = (
            Some(s.line + 1),
            Some(s.column + 1),
            Some(e.line + 1),
            Some(e.column + 1),
        );
        start = Some(utf16_offset(text, d.span.start));
        end = Some(utf16_offset(text, d.span.end));
    }
    json!({
        "code": d.code.as_str(),
        "severity": d.severity,
        "message": d.message,
        "file": d.file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "help": d.help,
        "start": start,
        "end": end,
        "replacement": d.replacement,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_a_diagnostic_not_a_panic() {
        let out: Value = serde_json::from_str(&compile("not json", "main.cvl", "")).unwrap();
        assert_eq!(out["diagnostics"][0]["code"], "io-error");
        assert_eq!(out["stacks"], json!([]));
        let out: Value = serde_json::from_str(&compile("{}", "main.cvl", "[1]")).unwrap();
        assert_eq!(out["diagnostics"][0]["code"], "io-error");
        let out: Value = serde_json::from_str(&params("{\"main.cvl\": 1}", "main.cvl")).unwrap();
        assert_eq!(out["diagnostics"][0]["code"], "io-error");
    }

    #[test]
    fn params_values_are_strings() {
        assert_eq!(
            read_params(r#"{"env": "gamma", "n": 2, "b": true, "skip": null}"#).unwrap(),
            vec![
                ("env".into(), "gamma".into()),
                ("n".into(), "2".into()),
                ("b".into(), "true".into())
            ]
        );
        assert_eq!(read_params("  ").unwrap(), vec![]);
    }

    #[test]
    fn positions_for_editors() {
        let text = "é\nab";
        let d = Diagnostic::error(
            cvl::Code::SyntaxError,
            "main.cvl",
            cvl::Span::new(3, 4),
            "x",
        );
        let v = diagnostic_json(&d, &|_| Some(text.to_string()));
        assert_eq!(
            (v["line"].clone(), v["column"].clone(), v["start"].clone()),
            (json!(2), json!(1), json!(2))
        );
    }

    #[test]
    fn the_graph_points_at_declarations() {
        let main = "stack app {\n  resource Logs: AWS::Logs::LogGroup { RetentionInDays: 7 }\n  resource Topic: AWS::SNS::Topic { DisplayName: \"${Logs}\" }\n}\n";
        let files = json!({ "main.cvl": main }).to_string();
        let out: Value = serde_json::from_str(&compile(&files, "main.cvl", "")).unwrap();
        let nodes = &out["graph"]["stacks"][0]["nodes"];
        assert_eq!(nodes[1]["id"], "Topic");
        assert_eq!(nodes[1]["decl"]["line"], 3);
        let start = nodes[1]["decl"]["start"].as_u64().unwrap() as usize;
        assert_eq!(&main[start..start + 5], "Topic");
        assert_eq!(out["graph"]["edges"][0]["from"]["id"], "Topic");
        assert_eq!(out["graph"]["edges"][0]["kinds"], json!(["Sub"]));
        let broken: Value =
            serde_json::from_str(&compile(r#"{"main.cvl": "stack {"}"#, "main.cvl", "")).unwrap();
        assert_eq!(broken["graph"], Value::Null);
    }

    #[test]
    fn yaml_of_a_template() {
        assert_eq!(
            to_yaml(r#"{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}"#),
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n"
        );
        assert_eq!(to_yaml("nope"), "");
    }

    #[test]
    fn format_a_file() {
        let out: Value = serde_json::from_str(&format("main.cvl", "let   x =  1\n")).unwrap();
        assert_eq!(out["text"], "let x = 1\n");
        assert_eq!(out["diagnostics"], json!([]));
        let out: Value = serde_json::from_str(&format("main.cvl", "let x = \n")).unwrap();
        assert_eq!(out["text"], Value::Null);
        assert_eq!(out["diagnostics"][0]["code"], "syntax-error");
        assert_eq!(out["diagnostics"][0]["file"], "main.cvl");
    }
}
