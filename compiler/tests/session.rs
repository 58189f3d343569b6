//! A build session keeps its database from build to build: the result of every build equals a
//! fresh build's, and a build after an edit parses and checks again only what changed.

use cvl::{BuildResult, MemoryLoader, Session};

const MAIN: &str = r#"import std.vpc
import "./naming.cvl" as naming

param env: "dev" | "prod" = "dev"

stack network {
  let net = vpc.Network { name: naming.name("net"), nat: "none" }
  output cidr = net.cidr
}
"#;

const NAMING: &str = "fn name(x: string) -> string { \"canvalo-${x}\" }\n";

fn loader(files: &[(&str, &str)]) -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    for (path, text) in files {
        loader.insert(*path, *text);
    }
    loader
}

/// What a build produced, comparable: templates, manifest and diagnostics.
fn summary(result: &BuildResult) -> (Vec<(String, String)>, Option<String>, Vec<String>) {
    let stacks = result
        .output
        .iter()
        .flat_map(|o| o.stacks.iter().map(|s| (s.name.clone(), s.text.clone())))
        .collect();
    let manifest = result.output.as_ref().map(|o| o.manifest.to_string());
    let diagnostics = result
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {} {:?} {}", d.code, d.file, d.span, d.message))
        .collect();
    (stacks, manifest, diagnostics)
}

fn count(log: &[String], query: &str) -> usize {
    log.iter()
        .filter(|q| q.starts_with(&format!("{query}(")))
        .count()
}

#[test]
fn every_build_of_a_session_equals_a_fresh_build() {
    let params = [("env".to_string(), "prod".to_string())];
    let first = loader(&[("main.cvl", MAIN), ("naming.cvl", NAMING)]);
    let edited_main = MAIN.replace("\"net\"", "\"network\"");
    let edited = loader(&[("main.cvl", &edited_main), ("naming.cvl", NAMING)]);
    let without_naming = loader(&[("main.cvl", MAIN)]);

    let mut session = Session::new();
    for project in [&first, &edited, &first, &without_naming, &first] {
        let fresh = cvl::build(project, "main.cvl", &params);
        let kept = session.build(project, "main.cvl", &params);
        assert_eq!(summary(&kept), summary(&fresh));
    }
    let fresh = summary(&cvl::build(&first, "main.cvl", &params));
    assert!(fresh.0.len() == 1 && fresh.2.is_empty(), "{fresh:?}");
    let missing = summary(&cvl::build(&without_naming, "main.cvl", &params));
    assert!(
        missing.2.iter().any(|d| d.contains("naming.cvl")),
        "a file the loader no longer has is gone: {missing:?}"
    );
}

#[test]
fn a_build_after_an_edit_parses_only_the_edited_file() {
    let params = [("env".to_string(), "dev".to_string())];
    let mut session = Session::new();
    let first = session.build(
        &loader(&[("main.cvl", MAIN), ("naming.cvl", NAMING)]),
        "main.cvl",
        &params,
    );
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
    let log = session.take_executed();
    assert_eq!(count(&log, "parse"), 3, "main, naming and std/vpc: {log:?}");

    let edited_main = MAIN.replace("\"net\"", "\"network\"");
    let second = session.build(
        &loader(&[("main.cvl", &edited_main), ("naming.cvl", NAMING)]),
        "main.cvl",
        &params,
    );
    assert!(second.diagnostics.is_empty(), "{:?}", second.diagnostics);
    let log = session.take_executed();
    assert_eq!(count(&log, "parse"), 1, "only main.cvl: {log:?}");
    assert_eq!(count(&log, "check_file"), 1, "only main.cvl: {log:?}");
    assert_ne!(
        summary(&first).0,
        summary(&second).0,
        "the edit reaches the templates"
    );
}
