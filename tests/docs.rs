//! Generated documentation stays in step with the code: `docs/diagnostics.md` lists every
//! diagnostic code with its documentation. Run with `CVL_BLESS=1` to rewrite the file.

use cvl::Code;
use cvl_tests::repo_root;

fn diagnostics_markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n\
         Every diagnostic cvl reports has a stable code. Scripts, editors and tests match on the code,\n\
         never on the wording. This page is generated from `compiler/src/diagnostic/code.rs` by\n\
         `CVL_BLESS=1 cargo test -p cvl-tests --test docs`; a test fails when it is out of date.\n\n\
         | code | meaning |\n|---|---|\n",
    );
    for code in Code::ALL {
        let doc = code.doc().split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "| `{}` | {} |\n",
            code.as_str(),
            doc.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn diagnostics_doc_lists_every_code() {
    let path = repo_root().join("docs/diagnostics.md");
    let expected = diagnostics_markdown();
    if std::env::var_os("CVL_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("docs/diagnostics.md is writable");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/diagnostics.md is out of date: run `CVL_BLESS=1 cargo test -p cvl-tests --test docs`"
    );
}

#[test]
fn stdlib_doc_is_generated_from_the_modules() {
    let path = repo_root().join("docs/stdlib.md");
    let expected = cvl::stdlib::reference_markdown();
    if std::env::var_os("CVL_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("docs/stdlib.md is writable");
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/stdlib.md is out of date: run `CVL_BLESS=1 cargo test -p cvl-tests --test docs`"
    );
}

#[test]
fn every_stdlib_module_type_checks() {
    for (name, _) in cvl::stdlib::MODULES {
        let entry = format!("import std.{name}\n");
        let result = cvl::check(
            &cvl::MemoryLoader::new().with("main.cvl", entry),
            "main.cvl",
            &[],
        );
        let errors: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{}: {} [{}]", d.file, d.message, d.code))
            .collect();
        assert!(errors.is_empty(), "std.{name}: {errors:#?}");
    }
}
