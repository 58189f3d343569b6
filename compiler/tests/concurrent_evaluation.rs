//! A one-shot build evaluates on another thread while it type-checks (`evaluation.rs`). Its
//! outcome is the sequential one, check first and evaluate only what has no static error: the
//! same templates, manifest and diagnostics for every fixture and example, also when the
//! templates are handed out in parts as they are written (`build_streaming`), and an
//! evaluation started beside a failing check is cancelled.

use cvl::db::{
    BuildRequest, CvlDb, Overlap, build_overlapping, evaluate_uncached, evaluates_beside_the_check,
};
use cvl::evaluation::Trees;
use cvl::{Code, MemoryLoader};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

type Summary = (Vec<(String, String)>, Option<String>, Vec<String>);

fn summary(output: Option<&cvl::BuildOutput>, diagnostics: &[cvl::Diagnostic]) -> Summary {
    let stacks = output
        .iter()
        .flat_map(|o| o.stacks.iter().map(|s| (s.name.clone(), s.text.clone())))
        .collect();
    let manifest = output.map(|o| o.manifest.to_string());
    let diagnostics = diagnostics
        .iter()
        .map(|d| format!("{:?} {} {:?} {}", d.code, d.file, d.span, d.message))
        .collect();
    (stacks, manifest, diagnostics)
}

/// Checks first, then evaluates when nothing is wrong: [`evaluate_uncached`], on this thread.
fn sequential(loader: &MemoryLoader, entry: &str, params: &[(String, String)]) -> Summary {
    let mut db = CvlDb::new();
    db.load_project(loader, entry);
    let request = BuildRequest::new(&db, entry.to_string(), params.to_vec());
    let outcome = evaluate_uncached(&db, request);
    summary(outcome.output.as_ref(), &outcome.diagnostics)
}

/// Evaluates beside the check, whatever the project's size.
fn concurrent(loader: &MemoryLoader, entry: &str, params: &[(String, String)]) -> Summary {
    let result = build_overlapping(loader, entry, params, None, Overlap::Always);
    summary(result.output.as_ref(), &result.diagnostics)
}

/// A build that streams its templates ([`cvl::build_streaming`]), evaluating beside the
/// check as `overlap` says, with each stack's parts put back together in place of the
/// output's texts (which must be empty). Each stack's parts must come as one or more parts
/// and then its last one, which completes it.
fn streamed(
    loader: &MemoryLoader,
    entry: &str,
    params: &[(String, String)],
    overlap: Overlap,
) -> Summary {
    let mut parts: Vec<(String, String, bool)> = Vec::new();
    let mut sink =
        |part: cvl::TemplatePart| match parts.iter_mut().find(|(stack, ..)| *stack == part.stack) {
            Some((stack, text, last)) => {
                assert!(!*last, "a part of `{stack}` after its last one");
                text.push_str(&part.text);
                *last = part.last;
            }
            None => {
                assert!(!part.last, "the first part of `{}` is its last", part.stack);
                parts.push((part.stack, part.text, false));
            }
        };
    let result = build_overlapping(loader, entry, params, Some(&mut sink), overlap);
    let mut output = result.output;
    if let Some(output) = &mut output {
        assert_eq!(parts.len(), output.stacks.len(), "one text per stack");
        assert!(
            output.origins.is_empty(),
            "a streaming build computes no origins"
        );
        for stack in &mut output.stacks {
            assert_eq!(stack.text, "", "`{}` kept its text", stack.name);
            let (_, text, last) = parts
                .iter()
                .find(|(name, ..)| *name == stack.name)
                .unwrap_or_else(|| panic!("no part of `{}`", stack.name));
            assert!(last, "`{}` was not completed", stack.name);
            stack.text = text.clone();
        }
    }
    summary(output.as_ref(), &result.diagnostics)
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.cvl` file under `dir`, with its path relative to `dir`.
fn cvl_files(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if path.is_dir() {
            cvl_files(&path, &format!("{prefix}{name}/"), out);
        } else if name.ends_with(".cvl")
            && let Ok(text) = std::fs::read_to_string(&path)
        {
            out.push((format!("{prefix}{name}"), text));
        }
    }
}

#[test]
fn every_fixture_builds_as_it_would_sequentially() {
    let mut cases = Vec::new();
    cvl_files(&repository().join("tests/cases"), "", &mut cases);
    assert!(cases.len() > 50, "found only {} fixtures", cases.len());
    let mut with_errors = 0;
    for (path, text) in &cases {
        let mut loader = MemoryLoader::new();
        loader.insert("main.cvl", text.as_str());
        for params in [vec![], vec![("env".to_string(), "prod".to_string())]] {
            let expected = sequential(&loader, "main.cvl", &params);
            assert_eq!(concurrent(&loader, "main.cvl", &params), expected, "{path}");
            for overlap in [Overlap::Always, Overlap::BySize] {
                let streamed = streamed(&loader, "main.cvl", &params, overlap);
                assert_eq!(streamed, expected, "{path} {overlap:?}");
            }
            with_errors += usize::from(expected.1.is_none());
        }
    }
    // the fixtures cover failing builds as well as passing ones
    assert!(
        with_errors > 50 && with_errors < cases.len() * 2,
        "{with_errors}"
    );
}

/// A one-shot build evaluates beside the check only from [`OVERLAP_FROM_BYTES`] of source
/// (counting what the project imports): a one-resource file is evaluated after its check, on
/// the calling thread; the examples, with the standard library, beside it.
#[test]
fn only_projects_of_some_size_evaluate_beside_the_check() {
    let beside = |loader: &MemoryLoader, overlap| {
        let mut db = CvlDb::new();
        db.load_project(loader, "main.cvl");
        let entry = db.file("main.cvl").expect("loaded");
        evaluates_beside_the_check(&db, entry, overlap)
    };
    let mut small = MemoryLoader::new();
    small.insert(
        "main.cvl",
        "resource Logs: AWS::Logs::LogGroup { RetentionInDays: 30 }\n",
    );
    assert!(!beside(&small, Overlap::BySize));
    assert!(beside(&small, Overlap::Always));
    // a small entry that imports a large enough part of the standard library
    let mut importing = MemoryLoader::new();
    importing.insert(
        "main.cvl",
        "import std.vpc\nstack net {\n  let network = vpc.Network { name: \"n\" }\n}\n",
    );
    assert!(beside(&importing, Overlap::BySize));
    for example in ["canvalo", "flowops", "mcp-gateway", "platform"] {
        let mut files = Vec::new();
        cvl_files(&repository().join("examples").join(example), "", &mut files);
        let mut loader = MemoryLoader::new();
        for (path, text) in &files {
            loader.insert(path.as_str(), text.as_str());
        }
        assert!(beside(&loader, Overlap::BySize), "{example}");
    }
}

#[test]
fn every_example_env_builds_as_it_would_sequentially() {
    for (example, envs) in [
        ("canvalo", &["beta", "gamma", "prod"][..]),
        ("flowops", &["dev", "staging", "prod"]),
        ("mcp-gateway", &[]),
        ("platform", &["dev", "staging", "production"]),
    ] {
        let mut files = Vec::new();
        cvl_files(&repository().join("examples").join(example), "", &mut files);
        let mut loader = MemoryLoader::new();
        for (path, text) in &files {
            loader.insert(path.as_str(), text.as_str());
        }
        let builds: Vec<Vec<(String, String)>> = match envs {
            [] => vec![vec![]],
            envs => envs
                .iter()
                .map(|env| vec![("env".to_string(), env.to_string())])
                .collect(),
        };
        for params in builds {
            let expected = sequential(&loader, "main.cvl", &params);
            assert!(
                expected.1.is_some(),
                "{example} {params:?}: {:?}",
                expected.2
            );
            assert_eq!(
                concurrent(&loader, "main.cvl", &params),
                expected,
                "{example} {params:?}"
            );
            assert_eq!(
                streamed(&loader, "main.cvl", &params, Overlap::BySize),
                expected,
                "{example} {params:?}, streamed"
            );
        }
    }
}

/// A type error beside an evaluation that would spend the whole step budget: the build reports
/// the type error alone, as a sequential build does; and a cancelled evaluation stops long
/// before the budget, with no output.
#[test]
fn a_failing_check_cancels_the_evaluation() {
    let text = "let big = [for i in 0..100000: len([for j in 0..1000: j])]\n\
                let wrong: int = \"text\"\n\
                resource T: AWS::SNS::Topic { TopicName: \"${len(big)}\" }\n";
    let mut loader = MemoryLoader::new();
    loader.insert("main.cvl", text);
    let built = concurrent(&loader, "main.cvl", &[]);
    assert_eq!(built, sequential(&loader, "main.cvl", &[]));
    let mut parts = 0;
    let mut count = |_| parts += 1;
    let streaming = build_overlapping(&loader, "main.cvl", &[], Some(&mut count), Overlap::Always);
    assert!(streaming.output.is_none());
    assert_eq!(parts, 0, "a build with a type error hands out no template");
    assert!(built.1.is_none());
    assert!(
        built.2.iter().all(|d| !d.starts_with("StepBudgetExceeded")),
        "{:?}",
        built.2
    );

    let mut db = CvlDb::new();
    db.load_project(&loader, "main.cvl");
    let entry = db.file("main.cvl").expect("loaded");
    let trees = Trees::of(&db, entry);
    let uncancelled = trees.evaluate(&[], None);
    assert!(
        uncancelled
            .diagnostics
            .iter()
            .any(|d| d.code == Code::StepBudgetExceeded),
        "without cancelling, the evaluation spends its budget"
    );
    let cancel = AtomicBool::new(true);
    let cancelled = trees.evaluate(&[], Some(&cancel));
    assert!(cancelled.output.is_none());
    assert!(
        cancelled
            .diagnostics
            .iter()
            .all(|d| d.code != Code::StepBudgetExceeded),
        "{:?}",
        cancelled.diagnostics
    );
}
