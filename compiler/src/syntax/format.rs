//! The formatter behind `cvl fmt` and the editor's "format document": the printer's one
//! canonical layout (`print.rs`), with the plain `//` comments of the source kept.
//!
//! 1. The file is parsed; a file with syntax errors is not formatted ([`FormatError::Syntax`]).
//! 2. A small scanner that knows strings, triple-quoted strings and interpolations collects the
//!    `//` comments with their offsets ([`comments`]); `///` doc comments are part of the tree.
//! 3. The printer writes the tree and each comment before the declaration, record field, list
//!    element, match arm or block `let` that follows it, or after the one it trails on its line
//!    (`print::print_file_with_comments`). A comment inside an expression stays where it is.
//! 4. The result is parsed again and must give the same tree (spans aside) and the same comments,
//!    in the same order; otherwise nothing is written ([`FormatError::Changed`]): the formatter
//!    never changes what a file means.
//!
//! Formatting is idempotent: formatting formatted text gives it back unchanged.

use super::parse_file;
use super::print::{Comment, SourceLines, print_file_with_comments};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// Why a file was not formatted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The file has syntax errors (these): it is left as it is.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not parse back to the same program or would lose a comment: a
    /// bug in the formatter, so the file is left as it is. The message says what differed.
    Changed(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(diagnostics) => {
                write!(
                    f,
                    "the file has syntax errors ({} found), so it is left as it is",
                    diagnostics.len()
                )
            }
            FormatError::Changed(what) => write!(
                f,
                "formatting would change the program ({what}), so the file is left as it is; this is a bug in the formatter"
            ),
        }
    }
}

/// The file `text` (with id `file`, for diagnostics) in the canonical layout, comments kept.
pub fn format_source(file: &str, text: &str) -> Result<String, FormatError> {
    let (tree, diagnostics) = parse_file(file, text);
    if !diagnostics.is_empty() {
        return Err(FormatError::Syntax(diagnostics));
    }
    let found = comments(text);
    let formatted = print_file_with_comments(&tree, found.clone(), SourceLines::of(text));
    let (again, diagnostics) = parse_file(file, &formatted);
    if let Some(first) = diagnostics.first() {
        return Err(FormatError::Changed(format!(
            "the result does not parse: {}",
            first.message
        )));
    }
    if without_spans(&tree) != without_spans(&again) {
        return Err(FormatError::Changed(
            "the result parses to a different tree".to_string(),
        ));
    }
    let texts = |cs: &[Comment]| cs.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    if texts(&found) != texts(&comments(&formatted)) {
        return Err(FormatError::Changed(
            "a comment would be lost or moved out of order".to_string(),
        ));
    }
    Ok(formatted)
}

/// The tree written out without its spans, for comparing trees up to spans. (The tree's
/// `Debug` form names every span `Span { start: .., end: .. }`; those are dropped.)
pub fn without_spans(tree: &super::ast::File) -> String {
    let text = format!("{tree:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        out.push_str("Span");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The smallest edit that turns `old` into `new`: the span of `old` to replace and the text
/// to put there (`None` when they are equal). Editors get one edit instead of the whole file.
pub fn minimal_edit(old: &str, new: &str) -> Option<(Span, String)> {
    if old == new {
        return None;
    }
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some((
        Span::new(prefix, old.len() - suffix),
        new[prefix..new.len() - suffix].to_string(),
    ))
}

/// What the scanner is inside of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    Str,
    Triple,
    /// `${` ... `}` in a string, with the depth of braces opened inside it.
    Interp(usize),
}

/// The plain `//` comments of `text`, in order (not `///` doc comments, which the tree keeps;
/// `////` is a plain comment). Strings, triple-quoted strings and interpolations are skipped as
/// the grammar reads them.
pub fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut found = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
        match stack.last().copied() {
            Some(Frame::Str) => match at(pos) {
                b'\\' if at(pos + 1) != b'\n' => pos += 2,
                b'"' | b'\n' => {
                    stack.pop();
                    pos += 1;
                }
                b'$' if at(pos + 1) == b'{' => {
                    stack.push(Frame::Interp(0));
                    pos += 2;
                }
                _ => pos += 1,
            },
            Some(Frame::Triple) => match at(pos) {
                b'\\' if at(pos + 1) != b'\n' => pos += 2,
                b'"' if bytes[pos..].starts_with(b"\"\"\"") => {
                    stack.pop();
                    pos += 3;
                }
                b'$' if at(pos + 1) == b'{' => {
                    stack.push(Frame::Interp(0));
                    pos += 2;
                }
                _ => pos += 1,
            },
            top => match at(pos) {
                b'/' if at(pos + 1) == b'/' => {
                    let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
                    let is_doc = at(pos + 2) == b'/' && at(pos + 3) != b'/';
                    if !is_doc {
                        found.push(comment_at(text, pos, end));
                    }
                    pos = end;
                }
                b'"' if bytes[pos..].starts_with(b"\"\"\"") => {
                    stack.push(Frame::Triple);
                    pos += 3;
                }
                b'"' => {
                    stack.push(Frame::Str);
                    pos += 1;
                }
                b'{' => {
                    if let Some(Frame::Interp(depth)) = stack.last_mut() {
                        *depth += 1;
                    }
                    pos += 1;
                }
                b'}' => {
                    match top {
                        Some(Frame::Interp(0)) => {
                            stack.pop();
                        }
                        Some(Frame::Interp(_)) => {
                            if let Some(Frame::Interp(depth)) = stack.last_mut() {
                                *depth -= 1;
                            }
                        }
                        _ => {}
                    }
                    pos += 1;
                }
                _ => pos += 1,
            },
        }
    }
    found
}

/// The comment from `start` to `end` (the end of its line).
fn comment_at(text: &str, start: usize, end: usize) -> Comment {
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    let trailing = !text[line_start..start].trim().is_empty();
    let newlines = |s: &mut dyn Iterator<Item = char>| {
        let mut count = 0;
        let mut more = false;
        for c in s {
            match c {
                '\n' => count += 1,
                ' ' | '\t' | '\r' | '\u{feff}' => {}
                _ => {
                    more = true;
                    break;
                }
            }
        }
        (count, more)
    };
    let (before, something_before) = newlines(&mut text[..line_start].chars().rev());
    let (after, something_after) = newlines(&mut text[end..].chars());
    Comment {
        offset: start,
        line_start,
        text: text[start..end].trim_end().to_string(),
        trailing,
        blank_before: !trailing && something_before && before >= 2,
        blank_after: something_after && after >= 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        match format_source("main.cvl", text) {
            Ok(out) => out,
            Err(e) => panic!("{e}\n{text}"),
        }
    }

    /// Formats, checks idempotence, returns the result.
    fn check(text: &str) -> String {
        let once = fmt(text);
        let twice = fmt(&once);
        assert_eq!(once, twice, "not idempotent:\n{once}");
        once
    }

    #[test]
    fn comment_free_output_is_the_printer_s() {
        let text = "let a={x:1}\nstack s{resource B:AWS::S3::Bucket{}}\n";
        let (tree, _) = parse_file("main.cvl", text);
        assert_eq!(check(text), super::super::print_file(&tree));
    }

    #[test]
    fn own_line_and_trailing_comments_survive() {
        let text = "// header\n\n/// doc\nlet a = 1 // one\n// before b\nlet b = 2\n\n// the end\n";
        assert_eq!(
            check(text),
            "// header\n\n/// doc\nlet a = 1 // one\n// before b\nlet b = 2\n\n// the end\n"
        );
    }

    #[test]
    fn comments_in_records_lists_and_blocks_break_them() {
        let text = "let r = { a: 1, // first\n b: 2 }\nlet l = [1, // one\n 2]\nlet e = {\n  // nothing yet\n}\n";
        let out = check(text);
        assert_eq!(
            out,
            "let r = {\n  a: 1, // first\n  b: 2,\n}\n\nlet l = [\n  1, // one\n  2,\n]\n\nlet e = {\n  // nothing yet\n}\n"
        );
    }

    #[test]
    fn comments_in_declaration_blocks_and_at_their_end() {
        let text = "stack s {\n  // the bucket\n  resource B: AWS::S3::Bucket {\n    // no props\n  }\n\n  // trailing note\n}\nstack t {\n  // empty\n}\n";
        let out = check(text);
        assert!(out.contains("  // the bucket\n  resource B"), "{out}");
        assert!(out.contains("{\n    // no props\n  }"), "{out}");
        assert!(out.contains("\n\n  // trailing note\n}"), "{out}");
        assert!(out.contains("stack t {\n  // empty\n}"), "{out}");
    }

    #[test]
    fn comments_inside_expressions_stay_put() {
        let out = check("let a = 1 + // why\n  2\nlet b = f(x, // arg\n y)\n");
        assert!(out.contains("// why"), "{out}");
        assert!(out.contains("// arg"), "{out}");
    }

    #[test]
    fn strings_are_not_comments() {
        let found = comments(
            "let a = \"http://x\" // real\nlet b = \"\"\"\n  // text\n  ${ \"//\" }\n\"\"\"\n/// doc\n//// four\n",
        );
        let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["// real", "//// four"]);
    }

    #[test]
    fn files_with_syntax_errors_are_left_alone() {
        assert!(matches!(
            format_source("main.cvl", "let a = \n"),
            Err(FormatError::Syntax(_))
        ));
    }

    #[test]
    fn minimal_edits_cover_the_difference() {
        assert_eq!(
            minimal_edit("abcxdef", "abcydef"),
            Some((Span::new(3, 4), "y".to_string()))
        );
        assert_eq!(
            minimal_edit("aa", "aaa"),
            Some((Span::new(2, 2), "a".to_string()))
        );
        assert_eq!(minimal_edit("é", "é"), None);
    }

    #[test]
    fn trees_compare_without_spans() {
        let (a, _) = parse_file("main.cvl", "let a = 1");
        let (b, _) = parse_file("main.cvl", "\n\nlet   a =\n 1");
        assert_eq!(without_spans(&a), without_spans(&b));
        assert!(!without_spans(&a).contains("start"));
    }

    // ---- every .cvl file of the repository, and property tests seeded with them

    /// Every `.cvl` file of the examples, the standard library and the fixtures: (path, text).
    fn seeds() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            paths.sort();
            for path in paths {
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "cvl")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    out.push((path.display().to_string(), text));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        for dir in ["examples", "stdlib", "tests/cases"] {
            walk(&root.join(dir), &mut out);
        }
        assert!(out.len() > 10, "the seeds are found");
        out
    }

    #[test]
    fn every_file_of_the_repository_formats_idempotently() {
        for (path, text) in seeds() {
            match format_source(&path, &text) {
                Ok(once) => {
                    let twice =
                        format_source(&path, &once).unwrap_or_else(|e| panic!("{path}: {e}"));
                    assert_eq!(once, twice, "{path}: formatting twice differs");
                }
                Err(FormatError::Syntax(_)) => {}
                Err(e) => panic!("{path}: {e}"),
            }
        }
    }

    /// A project's files with the formatted text of every file (the standard library too).
    struct Formatted(crate::MemoryLoader, bool);

    impl crate::Loader for Formatted {
        fn load(&self, path: &str) -> Result<String, String> {
            self.0.load(path)
        }
        fn load_std(&self, name: &str) -> Option<String> {
            let text = crate::stdlib::module(name)?;
            if self.1 {
                format_source(name, text).ok()
            } else {
                Some(text.to_string())
            }
        }
    }

    #[test]
    fn formatting_never_changes_what_an_example_builds_to() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut examples: Vec<_> = std::fs::read_dir(&root)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        examples.sort();
        let mut built = 0;
        for example in examples.iter().filter(|e| e.join("main.cvl").is_file()) {
            let (mut original, mut formatted) =
                (crate::MemoryLoader::new(), crate::MemoryLoader::new());
            for (path, text) in seeds()
                .into_iter()
                .filter(|(p, _)| std::path::Path::new(p).starts_with(example))
            {
                let relative = std::path::Path::new(&path)
                    .strip_prefix(example)
                    .map(|p| p.display().to_string())
                    .unwrap_or(path.clone());
                let pretty =
                    format_source(&relative, &text).unwrap_or_else(|e| panic!("{path}: {e}"));
                original.insert(relative.clone(), text);
                formatted.insert(relative, pretty);
            }
            let envs = match crate::params(&original, "main.cvl")
                .params
                .iter()
                .find(|p| p.name == "env")
            {
                Some(env) => env
                    .allowed
                    .iter()
                    .map(|v| vec![("env".to_string(), v.clone())])
                    .collect(),
                None => vec![Vec::new()],
            };
            for params in envs {
                let before = crate::build(&Formatted(original.clone(), false), "main.cvl", &params);
                let after = crate::build(&Formatted(formatted.clone(), true), "main.cvl", &params);
                let templates = |r: &crate::BuildResult| {
                    r.output
                        .as_ref()
                        .map(|o| (o.stacks.clone(), o.manifest.clone()))
                };
                // (an example being written may not build yet: then it must not build formatted)
                assert_eq!(
                    templates(&before),
                    templates(&after),
                    "{} {params:?}",
                    example.display()
                );
                built += usize::from(before.output.is_some());
            }
        }
        assert!(built >= 3, "the examples are built");
    }

    /// Where a comment or blank lines can go without changing the program: the starts of lines
    /// that begin in code (not inside a string), and the ends of lines that end in code.
    fn code_line_starts(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
        let mut starts = vec![0];
        let mut stack: Vec<Frame> = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            match stack.last().copied() {
                Some(frame @ (Frame::Str | Frame::Triple)) => match at(pos) {
                    b'\\' if at(pos + 1) != b'\n' => pos += 2,
                    b'$' if at(pos + 1) == b'{' => {
                        stack.push(Frame::Interp(0));
                        pos += 2;
                    }
                    b'"' | b'\n' if frame == Frame::Str => {
                        stack.pop();
                        pos += 1;
                        if at(pos - 1) == b'\n' && stack.is_empty() {
                            starts.push(pos);
                        }
                    }
                    b'"' if bytes[pos..].starts_with(b"\"\"\"") => {
                        stack.pop();
                        pos += 3;
                    }
                    _ => pos += 1,
                },
                top => match at(pos) {
                    b'/' if at(pos + 1) == b'/' => {
                        pos = text[pos..].find('\n').map_or(text.len(), |n| pos + n)
                    }
                    b'"' => {
                        let triple = bytes[pos..].starts_with(b"\"\"\"");
                        stack.push(if triple { Frame::Triple } else { Frame::Str });
                        pos += if triple { 3 } else { 1 };
                    }
                    b'{' if top.is_some() => {
                        if let Some(Frame::Interp(depth)) = stack.last_mut() {
                            *depth += 1;
                        }
                        pos += 1;
                    }
                    b'}' if top.is_some() => {
                        if top == Some(Frame::Interp(0)) {
                            stack.pop();
                        } else if let Some(Frame::Interp(depth)) = stack.last_mut() {
                            *depth -= 1;
                        }
                        pos += 1;
                    }
                    b'\n' if top.is_none() => {
                        pos += 1;
                        starts.push(pos);
                    }
                    _ => pos += 1,
                },
            }
        }
        starts
    }

    /// Inserts comments and blank lines at some line starts of `text`, and trailing comments at
    /// the ends of the lines before some of them (when that line has no comment yet).
    fn perturb(text: &str, edits: &[(usize, u8)]) -> String {
        let starts = code_line_starts(text);
        let mut inserts: Vec<(usize, String)> = Vec::new();
        for (n, &(pick, kind)) in edits.iter().enumerate() {
            let at = starts[pick % starts.len()];
            let insert = match kind % 4 {
                0 => format!("// own line {n}\n"),
                1 => "\n\n".to_string(),
                2 => format!("  // indented {n}\n\n"),
                _ => {
                    let line = &text[text[..at.saturating_sub(1)]
                        .rfind('\n')
                        .map_or(0, |l| l + 1)
                        ..at.saturating_sub(1)];
                    if at == 0 || line.contains("//") || line.trim().is_empty() {
                        continue;
                    }
                    inserts.push((at - 1, format!(" // trailing {n}")));
                    continue;
                }
            };
            inserts.push((at, insert));
        }
        inserts.sort_by_key(|(at, _)| *at);
        let mut out = String::new();
        let mut last = 0;
        for (at, insert) in inserts {
            out.push_str(&text[last..at]);
            out.push_str(&insert);
            last = at;
        }
        out.push_str(&text[last..]);
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Comments and blank lines added anywhere between lines: the formatted file parses to
        /// the same tree as the seed, keeps every comment in order, and formats to itself.
        #[test]
        fn formatting_keeps_the_program_and_every_comment(seed in 0usize..1000, edits in proptest::collection::vec((0usize..10_000, 0u8..4), 0..12)) {
            let seeds = seeds();
            let (path, text) = &seeds[seed % seeds.len()];
            let (tree, diagnostics) = parse_file(path, text);
            proptest::prop_assume!(diagnostics.is_empty());
            let perturbed = perturb(text, &edits);
            let once = format_source(path, &perturbed).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e}\n{perturbed}")))?;
            let (again, _) = parse_file(path, &once);
            proptest::prop_assert_eq!(without_spans(&tree), without_spans(&again));
            let texts = |t: &str| comments(t).into_iter().map(|c| c.text).collect::<Vec<_>>();
            proptest::prop_assert_eq!(texts(&perturbed), texts(&once));
            let twice = format_source(path, &once).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(once, twice);
        }
    }
}
