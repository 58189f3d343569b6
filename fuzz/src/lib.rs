//! What the fuzz targets check, shared by the libFuzzer targets (`fuzz_targets/`) and by the
//! regression replay in `tests/reliability.rs` (which includes this file with `#[path]`, so that
//! CI re-runs every input a fuzzer ever found without needing libFuzzer).
//!
//! Input format: the bytes are read as UTF-8 (invalid sequences replaced). A project is one or
//! more files separated by NUL bytes: the first part is `main.cvl`; after it come pairs of a
//! path and a text (`\0lib/net.cvl\0<text>`). Seeds written by `scripts/fuzz` use that layout;
//! mutations that break it just make a different project.
//!
//! The oracles: nothing panics (a panic, a stack overflow, a timeout or running out of memory is
//! a finding), every diagnostic points inside the text of its file on character boundaries,
//! a build has templates exactly when it has no error, and building twice in one process (so with
//! different hash seeds) gives the same bytes.

use cvl::MemoryLoader;
use cvl::diagnostic::Diagnostic;

/// Inputs longer than this are cut: the fuzzer should look for deep structure, not spend its
/// time on long inputs (the limits on size are tested on their own, in tests/cases/limits).
pub const MAX_INPUT: usize = 64 * 1024;

/// The text of a fuzz input.
pub fn text_of(data: &[u8]) -> String {
    let data = &data[..data.len().min(MAX_INPUT)];
    String::from_utf8_lossy(data).into_owned()
}

/// The files of a fuzz input: `main.cvl` first, then the (path, text) pairs after it.
pub fn files_of(data: &[u8]) -> Vec<(String, String)> {
    let text = text_of(data);
    let mut parts = text.split('\0');
    let mut files = vec![(
        "main.cvl".to_string(),
        parts.next().unwrap_or_default().to_string(),
    )];
    while let Some(path) = parts.next() {
        let body = parts.next().unwrap_or_default();
        let path = path.trim();
        if path.is_empty() || path == "main.cvl" {
            continue;
        }
        files.push((path.to_string(), body.to_string()));
    }
    files
}

/// The encoding [`files_of`] reads back (what the corpus builder writes).
pub fn encode_files(files: &[(String, String)]) -> Vec<u8> {
    let mut out = String::new();
    for (index, (path, text)) in files.iter().enumerate() {
        if index == 0 {
            out.push_str(text);
        } else {
            out.push('\0');
            out.push_str(path);
            out.push('\0');
            out.push_str(text);
        }
    }
    out.into_bytes()
}

fn loader_of(files: &[(String, String)]) -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    for (path, text) in files {
        loader.insert(path.clone(), text.clone());
    }
    loader
}

/// Every diagnostic (and label) points into the text of its file, on character boundaries.
pub fn assert_spans_valid<'s>(
    diagnostics: &[Diagnostic],
    source: impl Fn(&str) -> Option<&'s str>,
) {
    for d in diagnostics {
        assert!(
            !d.message.is_empty(),
            "a diagnostic without a message: {d:?}"
        );
        let mut points = vec![(&d.file, d.span)];
        points.extend(d.labels.iter().map(|l| (&l.file, l.span)));
        for (file, span) in points {
            let Some(text) = source(file.as_str()) else {
                // diagnostics about files that could not be read point at nothing in particular
                assert!(
                    span.start == 0 && span.end == 0,
                    "a span into the unknown file `{file}`: {d:?}"
                );
                continue;
            };
            assert!(span.start <= span.end, "a reversed span in `{file}`: {d:?}");
            assert!(
                span.end <= text.len(),
                "a span past the end of `{file}` ({} bytes): {d:?}",
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "a span inside a character of `{file}`: {d:?}"
            );
        }
    }
}

/// The parser: never panics, keeps its spans inside the text; a file without syntax errors
/// prints to text that parses without errors, and printing that again gives the same text.
pub fn parse(data: &[u8]) {
    let text = text_of(data);
    let (tree, diagnostics) = cvl::syntax::parse_file("main.cvl", &text);
    assert_spans_valid(&diagnostics, |file| {
        (file == "main.cvl").then_some(text.as_str())
    });
    if diagnostics.is_empty() {
        let printed = cvl::syntax::print_file(&tree);
        let (again, errors) = cvl::syntax::parse_file("main.cvl", &printed);
        assert!(
            errors.is_empty(),
            "printed text does not parse: {:?}\n--- input\n{text}\n--- printed\n{printed}",
            errors.first()
        );
        let reprinted = cvl::syntax::print_file(&again);
        assert_eq!(
            printed, reprinted,
            "printing is not idempotent\n--- input\n{text}"
        );
    }
}

/// The checker (and evaluation for every value of the literal-union params, as `cvl check`
/// does): never panics, spans inside their files.
pub fn check(data: &[u8]) {
    let files = files_of(data);
    let loader = loader_of(&files);
    let result = cvl::check(&loader, "main.cvl", &[]);
    assert_spans_valid(&result.diagnostics, |file| {
        result.sources.get(file).map(String::as_str)
    });
}

/// The whole build: never panics, spans inside their files, templates exactly when there is
/// no error, and the same bytes when built a second time.
pub fn build(data: &[u8]) {
    let files = files_of(data);
    let loader = loader_of(&files);
    let first = cvl::build(&loader, "main.cvl", &[]);
    assert_spans_valid(&first.diagnostics, |file| {
        first.sources.get(file).map(String::as_str)
    });
    let has_error = first.diagnostics.iter().any(Diagnostic::is_error);
    assert_eq!(
        first.output.is_some(),
        !has_error,
        "output and errors disagree: {:?}",
        first.diagnostics
    );
    let render = |result: &cvl::BuildResult| -> String {
        let mut out = String::new();
        if let Some(output) = &result.output {
            for stack in &output.stacks {
                out.push_str(&stack.name);
                out.push('\n');
                out.push_str(&stack.text);
                out.push_str(&cvl::cfn::yaml::to_yaml_string(&stack.template()));
            }
            out.push_str(&cvl::project::to_json_string(&output.manifest));
        }
        out
    };
    let second = cvl::build(&loader, "main.cvl", &[]);
    assert_eq!(
        render(&first),
        render(&second),
        "two builds of the same project differ"
    );
    assert_eq!(
        first.diagnostics, second.diagnostics,
        "two builds report different diagnostics"
    );
}

/// The formatter: never panics; what it formats, it formats again to the same text. With
/// `strict`, a refusal because the result would change the program (`FormatError::Changed`,
/// the formatter's own safety net) is a finding too.
pub fn format(data: &[u8], strict: bool) {
    use cvl::syntax::format::{FormatError, format_source};
    let text = text_of(data);
    match format_source("main.cvl", &text) {
        Ok(formatted) => match format_source("main.cvl", &formatted) {
            Ok(again) => assert_eq!(
                formatted, again,
                "formatting is not idempotent\n--- input\n{text}"
            ),
            Err(error) => panic!(
                "formatted text does not format again: {error}\n--- input\n{text}\n--- formatted\n{formatted}"
            ),
        },
        Err(FormatError::Changed(what)) if strict => {
            panic!("the formatter refused: {what}\n--- input\n{text}")
        }
        Err(_) => {}
    }
}
