//! Tests of the fast path (`fast.rs`): it must never change what the parser returns.
//!
//! Every test goes through [`same_as_pest`], which parses a text with pest alone and with the
//! fast path, and requires the same tree (spans included) and the same diagnostics. Over every
//! `.cvl` file of the repository (broken fixtures included), over printed random programs and
//! mutations of them, and over targeted cases. [`fallbacks`] also counts the declarations the
//! fast path left to pest, which must be none on the examples and the standard library (or the
//! speed-up would silently disappear).

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::parser::parse_file_with;
use super::print_file;
use super::proptests::{file, token_soup};

/// Parses `text` both ways and asserts the same result; returns how many declarations the fast
/// path left to pest.
fn same_as_pest(text: &str) -> usize {
    let (pest_tree, pest_diagnostics, _) = parse_file_with("t.cvl", text, false);
    let (fast_tree, fast_diagnostics, fallbacks) = parse_file_with("t.cvl", text, true);
    assert_eq!(fast_tree, pest_tree, "trees differ for {text:?}");
    assert_eq!(
        fast_diagnostics, pest_diagnostics,
        "diagnostics differ for {text:?}"
    );
    fallbacks
}

/// Like [`same_as_pest`], and the fast path must have parsed every declaration.
fn fast_and_same(text: &str) {
    assert_eq!(same_as_pest(text), 0, "the fast path gave up on {text:?}");
}

/// Like [`same_as_pest`], and the fast path must have given up (pest reports something).
fn left_to_pest(text: &str) {
    assert!(same_as_pest(text) > 0, "the fast path took {text:?}");
}

/// The repository root (the parent of the `compiler` crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}

/// The files under `dir` (recursively) whose name ends with `suffix`, sorted.
fn files_under(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every `.cvl` file of a folder of the repository, with its text.
fn cvl_files(folder: &str) -> Vec<(PathBuf, String)> {
    files_under(&root().join(folder), ".cvl")
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path, text))
        })
        .collect()
}

// ------------------------------------------------------------------------------------------------
// The repository's sources

#[test]
fn examples_and_stdlib_parse_entirely_on_the_fast_path() {
    let mut declarations = 0;
    for folder in ["examples", "stdlib"] {
        let files = cvl_files(folder);
        assert!(!files.is_empty(), "no .cvl files under {folder}");
        for (path, text) in files {
            let fallbacks = same_as_pest(&text);
            assert_eq!(
                fallbacks,
                0,
                "{} declaration(s) of {} fell back to pest",
                fallbacks,
                path.display()
            );
            declarations += parse_file_with("t.cvl", &text, true).0.items.len();
        }
    }
    assert!(declarations > 100, "only {declarations} declarations");
}

/// Files with Windows line endings take the fast path too (the language server sees them).
#[test]
fn crlf_sources_parse_on_the_fast_path() {
    for (path, text) in cvl_files("examples").into_iter().chain(cvl_files("stdlib")) {
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(same_as_pest(&crlf), 0, "{} with CRLF", path.display());
    }
}

#[test]
fn every_cvl_file_and_fuzz_input_parses_the_same() {
    let mut count = 0;
    for folder in ["tests", "playground", "fuzz", "docs"] {
        for (_, text) in cvl_files(folder) {
            same_as_pest(&text);
            count += 1;
        }
    }
    assert!(count > 50, "only {count} files");
    // Fuzz corpora and regressions, whatever their names, when present.
    for folder in ["fuzz/corpus", "fuzz/regressions", "fuzz/artifacts"] {
        for path in files_under(&root().join(folder), "") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                same_as_pest(&text);
            }
        }
    }
}

/// Each line of each example, and each prefix of a few, cut at every declaration keyword:
/// broken declarations of real code.
#[test]
fn truncated_examples_parse_the_same() {
    for (_, text) in cvl_files("examples").into_iter().take(2) {
        let mut cut = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            cut += line.len();
            if i % 7 == 3 {
                same_as_pest(&text[..cut - line.len() / 2]);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Random programs and mutations

/// A mutation of a text: delete, insert or duplicate a character or a token.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Insert(usize, &'static str),
    Duplicate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = prop::sample::select(vec![
        " ", "\n", "\r", "\r\n", "{", "}", "(", ")", "[", "]", ",", ":", ".", "..", "...", "-",
        "!", "\"", "\"\"\"", "\\", "\\q", "${", "//", "///", "/", "=", "=>", "|", "?", "<", ">",
        "let", "if", "else", "for", "in", "match", "Foo", "x", "_", "1", "-1", "0.5", "\u{FEFF}",
        "é", "import", "std", "tags", "map", "fn", "null",
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        (any::<usize>(), token).prop_map(|(at, t)| Mutation::Insert(at, t)),
        any::<usize>().prop_map(Mutation::Duplicate),
    ]
}

/// Applies a mutation (offsets taken modulo the text's character count).
fn mutate(text: &str, mutation: &Mutation) -> String {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = |n: usize| boundaries[n % boundaries.len()];
    let char_end = |start: usize| {
        text[start..]
            .chars()
            .next()
            .map_or(start, |c| start + c.len_utf8())
    };
    match mutation {
        Mutation::Delete(n) => {
            let start = at(*n);
            format!("{}{}", &text[..start], &text[char_end(start)..])
        }
        Mutation::Insert(n, token) => {
            let start = at(*n);
            format!("{}{token}{}", &text[..start], &text[start..])
        }
        Mutation::Duplicate(n) => {
            let start = at(*n);
            let end = char_end(start);
            format!("{}{}", &text[..end], &text[start..])
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn printed_programs_parse_the_same(file in file()) {
        let text = print_file(&file);
        prop_assert_eq!(same_as_pest(&text), 0, "fell back on:\n{}", text);
    }

    #[test]
    fn mutated_programs_parse_the_same(
        file in file(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut text = print_file(&file);
        for mutation in &mutations {
            text = mutate(&text, mutation);
        }
        same_as_pest(&text);
    }

    #[test]
    fn token_soup_parses_the_same(text in token_soup()) {
        same_as_pest(&text);
    }
}

// ------------------------------------------------------------------------------------------------
// Targeted cases

#[test]
fn keywords_and_names() {
    fast_and_same("let tags = 1\nlet std = 2\nlet map = 3\nlet iffy = 4\nlet _x = 5\nlet _ = 6");
    fast_and_same("import std.tags\nimport std.if.for as x\nimport \"./a.cvl\" as b");
    fast_and_same("tags { Project: \"p\" }");
    fast_and_same("let a = nulls\nlet b = true_\nlet c = format(x)");
    left_to_pest("let if = 1");
    left_to_pest("let a = { type: 1 }");
    left_to_pest("import std");
    left_to_pest("import \"./${x}.cvl\" as y");
}

#[test]
fn instances_and_conditions() {
    fast_and_same("let a = Foo { x: 1 }\nlet b = m.Foo {}\nlet c = a.b.Foo { ...d }");
    fast_and_same("if Flag { let a = 1 }\nfor x in Xs { let b = x }");
    fast_and_same("let a = if Flag { 1 } else { 2 }\nlet b = match Foo { _ => 1 }");
    fast_and_same("let a = if f(Foo {}) { 1 } else if [Bar { }] { 2 } else { 3 }");
    fast_and_same("let a = Foo\nlet b = a . B");
    same_as_pest("let b = a . B {}\nlet c = a.B.c {}");
    same_as_pest("let a = foo {}\nlet b = _Foo {}");
    fast_and_same("let a = Foo.bar\nlet b = Foo..Bar\nlet c = a.B.C { }");
    left_to_pest("let a = Foo { x }");
    left_to_pest("let a = if x { 1 }");
}

#[test]
fn negative_numbers_and_prefix_operators() {
    fast_and_same("let a = -1\nlet b = - 1\nlet c = --1\nlet d = a -1\nlet e = a - -1");
    fast_and_same("let a = -x.y\nlet b = !f(x)[0]\nlet c = -!-x\nlet d = -1.5\nlet e = 1.5.x");
    fast_and_same("let a = -9223372036854775808\nlet b = 007");
    left_to_pest("let a = 9223372036854775808");
    left_to_pest("let a = 1.");
}

#[test]
fn operators_and_precedence() {
    fast_and_same("let a = a ?? b || c && d == e != f < g <= h > i >= j .. k + l - m * n / o % p");
    fast_and_same("let a = a * b + c * d - e / f\nlet b = a + b + c + d\nlet c = (a + b) * c");
    fast_and_same("let a = 1..3\nlet b = a..b + 1 == c..d\nlet c = (1..2)..3");
    fast_and_same("let a = b\n  .c\n  (d)\n  [e]\nlet f = x // not division\nlet g = x ////y");
    left_to_pest("let a = 1..2..3");
    left_to_pest("let a = 1..2 + 3..4");
    left_to_pest("let a = b...c");
    left_to_pest("let a = b /// doc");
}

#[test]
fn comments_whitespace_and_docs() {
    fast_and_same("\u{FEFF}let a = 1\r\nlet b = 2\r\n");
    fast_and_same(
        "let a = [ // c\n 1, /* */ ]"
            .replace("/* */", "// x\n")
            .as_str(),
    );
    fast_and_same("/// one\n///two\n// skipped\n/// three\nlet a = 1");
    fast_and_same("//// not a doc\nlet a = 1 //// nor this\n");
    fast_and_same("type T = {\n  /// the name\n  name: string,\n  \"quoted-key\"?: int,\n}");
    fast_and_same("stack s {\n  /// d\n  resource R: AWS::S3::Bucket {} with { DependsOn: [] }\n}");
    same_as_pest("let a = 1\t\r\n\t// c\r\n}");
    same_as_pest("let a = 1 // c\r let b = 2");
    same_as_pest("let a = 1\rlet b = 2 // x\rlet c = 3");
    left_to_pest("/// doc\n");
}

#[test]
fn strings() {
    fast_and_same(r#"let a = "x ${y} \n \u{1F600} \$ \" \\ é""#);
    fast_and_same(r#"let a = "${ f( "${ 1 }" ) }" + "" + """x""""#);
    fast_and_same("let a = \"\"\"\n    one\n      two\n\n    ${x}\n    \"\"\"");
    fast_and_same("let a = \"\"\"x\"y\"\"z\"\"\"\nlet b = \"\"\"\"\"\"");
    fast_and_same("let a = \"\"\"  \r\n  \\t  x\r\n  \"\"\"");
    fast_and_same(r#"let a = { "k\"ey": 1, "\u{41}": 2, key: 3 }"#);
    fast_and_same(r#"let a = match x { "a" | "b" => 1, """c""" => 2, _ => 3, }"#);
    left_to_pest(r#"let a = "\q""#);
    left_to_pest(r#"let a = "\u{D800}""#);
    left_to_pest(r#"let a = { "k${x}": 1 }"#);
    left_to_pest(r#"let a = { "\q": 1 }"#);
    left_to_pest(r#"let a = match x { "${x}" => 1 }"#);
    left_to_pest("type T = \"${x}\"");
    left_to_pest("let a = \"unterminated\nlet b = 1");
}

#[test]
fn braces() {
    fast_and_same("let a = {}\nlet b = { x }\nlet c = { let y = 1  y }\nlet d = { x: 1, }");
    fast_and_same("let a = { for k in ks if k != \"\": k => 1 }\nlet b = { ...c, d: 1 }");
    fast_and_same("let a = [for i, x in xs: x]\nlet b = [for x in xs if x: x]\nlet c = [ ]");
    fast_and_same("let a = { \"text\" }\nlet b = { \"k\": 1 }\nlet c = { (x) }");
    fast_and_same("fn f(a: int, b: string = \"x\",) -> int { a }\nfn g() { x: 1 }");
    left_to_pest("let a = { let f = g  (x) }");
    fast_and_same("let a = { let f = g\n  [for x in y: x] }\nlet b = { let c = d\n [] }");
    left_to_pest("let a = { let b = 1 }");
    left_to_pest("let a = { a: 1, b }");
    left_to_pest("let a = { , }");
    left_to_pest("let a = [,]");
}

#[test]
fn types() {
    fast_and_same("type T = fn(int, string,) -> fn(bool) -> int | null\ntype U = (int?)?");
    fast_and_same("type T = map<[string]>\ntype U = map\ntype V = a.b.C | \"lit\" | null");
    fast_and_same("type T = AWS::S3::Bucket\ntype U = A::B::C::D\ntype V = { a?: int, }");
    fast_and_same("param p: string | int = 1 with { NoEcho: true }\nparam q: int");
    fast_and_same("type T = fn::X\ntype U = map::Y\ntype V = null::Z");
    left_to_pest("type T = A::B::C::D::E");
    left_to_pest("type T = map < int");
    left_to_pest("type T = fn(int)");
}

#[test]
fn declarations_and_lookahead() {
    fast_and_same(
        "if a { let x = 1 } else if b { let y = 2 } else if c { } else { let z = 3 }\n\
         for x in xs { output o = x export \"n\" }\n\
         check a, \"m\"\ncheck b\ncomponent C { param p: int }",
    );
    same_as_pest("let a = 1 }");
    left_to_pest("let a = 1 let");
    left_to_pest("let a = 1 2");
    left_to_pest("let a = 1 else");
    left_to_pest("if a { } else");
    left_to_pest("resource R: AWS::S3 { } with");
}

#[test]
fn deep_nesting_is_left_to_pest() {
    let deep = format!("let a = {}1{}", "[".repeat(200), "]".repeat(200));
    left_to_pest(&deep);
    let chain = format!("let a = 1{}", " + 1".repeat(600));
    left_to_pest(&chain);
    let prefixes = format!("let a = {}x", "!".repeat(300));
    left_to_pest(&prefixes);
    let shallow = format!("let a = {}1{}", "[".repeat(20), "]".repeat(20));
    fast_and_same(&shallow);
    let too_deep = format!("let a = {}1{}\nlet b = 2", "(".repeat(300), ")".repeat(300));
    same_as_pest(&too_deep);
}

/// Nesting past the pre-scan's limit, of every kind: pest reports it, and the fast path, which
/// skips the pre-scan when it reads a whole file, must give up on it first.
#[test]
fn nesting_past_the_pre_scan_limit_is_left_to_pest() {
    let n = super::scan::MAX_NESTING + 10;
    let deep = [
        format!("let x = {}1{}", "(".repeat(n), ")".repeat(n)),
        format!("let x = {}1{}", "[".repeat(n), "]".repeat(n)),
        format!("let x = {}1{}", "{ a: ".repeat(n), " }".repeat(n)),
        format!("let x = {}1{}", "\"${".repeat(n), "}\"".repeat(n)),
        format!("let x = {}1{}", "f(".repeat(n), ")".repeat(n)),
        format!(
            "let x = {}1{}",
            "if true { ".repeat(n),
            " } else { 2 }".repeat(n)
        ),
        format!(
            "stack s {{\n{}{}}}",
            "if true {\n".repeat(n),
            "}\n".repeat(n)
        ),
        format!(
            "stack s {{\n{}{}}}",
            "for i in 0..1 {\n".repeat(n),
            "}\n".repeat(n)
        ),
        format!(
            "component C {{\n{}{}}}",
            "if true {\n".repeat(n),
            "}\n".repeat(n)
        ),
    ];
    for text in &deep {
        let text = format!("let before = 1\n{text}\nlet after = 2\n");
        left_to_pest(&text);
        let (_, diagnostics) = super::parse_file("t.cvl", &text);
        assert!(!diagnostics.is_empty(), "{text:.60}");
    }
}
