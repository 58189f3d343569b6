//! One test binary over every fixture in `tests/cases/`.
//!
//! A fixture is a `.cvl` file (or a folder with a `main.cvl` and other files). It states what it
//! expects on the line that causes it: `// error[unknown-property]`. A fixture without any
//! expectation must build, and its templates are snapshotted together with its source, so a
//! reviewer reads the `.snap` alone. `// params: env=prod` sets params.

use cvl::{Diagnostic, LineIndex, MemoryLoader};
use cvl_tests::{Expected, cvl_files, expectations, fixture_params, loader_for, repo_root};

fn actual(diagnostics: &[Diagnostic], sources: &indexmap_like::Sources) -> Vec<Expected> {
    let mut out: Vec<Expected> = diagnostics
        .iter()
        .map(|d| {
            let text = sources.get(&d.file).unwrap_or("");
            let line = LineIndex::new(text).position(text, d.span.start).line + 1;
            let severity = if d.is_error() { "error" } else { "warning" };
            Expected {
                file: d.file.clone(),
                line,
                severity: severity.to_string(),
                code: d.code.as_str().to_string(),
            }
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

mod indexmap_like {
    /// The sources of a build, by file id.
    pub struct Sources(pub Vec<(String, String)>);
    impl Sources {
        pub fn get(&self, file: &str) -> Option<&str> {
            self.0
                .iter()
                .find(|(f, _)| f == file)
                .map(|(_, t)| t.as_str())
        }
    }
}

/// Runs one fixture project; returns a failure message or the snapshot text.
fn run_case(
    name: &str,
    loader: &MemoryLoader,
    entry: &str,
    files: &[(String, String)],
) -> Result<Option<String>, String> {
    let entry_text = files
        .iter()
        .find(|(p, _)| p == entry)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    let params = fixture_params(&entry_text);
    let mut expected: Vec<Expected> = files
        .iter()
        .flat_map(|(path, text)| expectations(path, text))
        .collect();
    expected.sort();
    expected.dedup();
    let result = cvl::build(loader, entry, &params);
    let sources = indexmap_like::Sources(
        result
            .sources
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    );
    let mut got = actual(&result.diagnostics, &sources);
    // Warnings (the policy pack's findings) are compared only where a fixture states one, or
    // in the policy fixtures; elsewhere a fixture is about its errors and its output.
    let states_warnings =
        name.starts_with("policy__") || expected.iter().any(|e| e.severity == "warning");
    if !states_warnings {
        got.retain(|e| e.severity != "warning");
    }
    if got != expected {
        let rendered: Vec<String> = result
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "  {}[{}] {}:{:?} {}",
                    if d.is_error() { "error" } else { "warning" },
                    d.code,
                    d.file,
                    d.span,
                    d.message
                )
            })
            .collect();
        return Err(format!(
            "{name}: expected {expected:#?}\n got {got:#?}\n diagnostics:\n{}",
            rendered.join("\n")
        ));
    }
    if !expected.is_empty() {
        return Ok(None);
    }
    let Some(output) = result.output else {
        return Err(format!(
            "{name}: no diagnostics expected, but the build produced no output"
        ));
    };
    let mut snapshot = String::from("----- SOURCE\n");
    for (path, text) in files {
        if files.len() > 1 {
            snapshot.push_str(&format!("// file: {path}\n"));
        }
        snapshot.push_str(text);
        if !text.ends_with('\n') {
            snapshot.push('\n');
        }
    }
    for stack in &output.stacks {
        snapshot.push_str(&format!("----- CLOUDFORMATION {}\n", stack.name));
        snapshot.push_str(&stack.text);
    }
    snapshot.push_str("----- MANIFEST\n");
    snapshot.push_str(&cvl::project::to_json_string(&output.manifest));
    Ok(Some(snapshot))
}

#[test]
fn fixtures() {
    let cases = repo_root().join("tests/cases");
    let mut failures = Vec::new();
    let mut snapshots = Vec::new();
    let mut count = 0;
    let mut groups: Vec<_> = std::fs::read_dir(&cases)
        .expect("tests/cases exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    groups.sort();
    for group in groups.into_iter().filter(|p| p.is_dir()) {
        let group_name = group
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let mut entries: Vec<_> = std::fs::read_dir(&group)
            .expect("readable")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            let name = format!("{group_name}__{stem}");
            let outcome = if path.is_dir() && path.join("main.cvl").exists() {
                let files = cvl_files(&path);
                run_case(&name, &loader_for(&path), "main.cvl", &files)
            } else if path.extension().is_some_and(|e| e == "cvl") {
                // a single-file fixture is the entry file `main.cvl` of a project of its own
                let text = std::fs::read_to_string(&path).expect("readable");
                let files = vec![("main.cvl".to_string(), text.clone())];
                run_case(
                    &name,
                    &MemoryLoader::new().with("main.cvl", text),
                    "main.cvl",
                    &files,
                )
            } else {
                continue;
            };
            count += 1;
            match outcome {
                Ok(Some(snapshot)) => snapshots.push((name, snapshot)),
                Ok(None) => {}
                Err(message) => failures.push(message),
            }
        }
    }
    assert!(count > 0, "no fixtures found under tests/cases");
    assert!(
        failures.is_empty(),
        "{} of {count} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // snapshots last, so every expectation above is reported even when a snapshot changed
    for (name, snapshot) in snapshots {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(repo_root().join("tests/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(name, snapshot));
    }
}
