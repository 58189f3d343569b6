//! The diagnostics of one file, as an editor shows them: the static ones (syntax, imports,
//! types, schemas) of every project the file belongs to, then what evaluating those projects
//! finds (failing checks, logical ID collisions...) for the chosen params. By default every
//! value of each literal-union param is tried, as `cvl check` does.

use crate::db::{
    BuildRequest, Db, SourceFile, evaluate, parse, project_files, resolve_imports,
    static_diagnostics,
};
use crate::diagnostic::{Diagnostic, sort_and_dedup};
use crate::eval::params::{ParamKind, declarations, kind_of};

/// At most this many param assignments are evaluated per project (as `cvl check`).
const MAX_ASSIGNMENTS: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiagnosticsOptions {
    /// Skip evaluation (static diagnostics only).
    pub static_only: bool,
    /// Params set for every evaluation; literal-union params left out are tried with each value.
    pub params: Vec<(String, String)>,
}

/// The entry files (files no other file imports) whose projects contain `file`; the file itself
/// when none does.
pub fn entries_of(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    let files = db.workspace().files(db);
    let imported = |f: SourceFile| {
        files.values().any(|other| {
            *other != f
                && resolve_imports(db, *other)
                    .targets
                    .iter()
                    .any(|(_, t)| *t == Some(f))
        })
    };
    let entries: Vec<SourceFile> = files
        .values()
        .copied()
        .filter(|&entry| {
            !entry.path(db).starts_with("std/")
                && !imported(entry)
                && project_files(db, entry).contains(&file)
        })
        .collect();
    if entries.is_empty() {
        vec![file]
    } else {
        entries
    }
}

/// Every diagnostic about `file`, sorted.
pub fn file_diagnostics(
    db: &dyn Db,
    file: SourceFile,
    options: &DiagnosticsOptions,
) -> Vec<Diagnostic> {
    let path = file.path(db).clone();
    let mut out: Vec<Diagnostic> = Vec::new();
    for entry in entries_of(db, file) {
        let statics = static_diagnostics(db, entry);
        let has_errors = statics.iter().any(Diagnostic::is_error);
        out.extend(statics.into_iter().filter(|d| d.file == path));
        if has_errors
            || options.static_only
            || entry.path(db).starts_with("std/")
            || !is_entry_file(db, entry)
        {
            continue;
        }
        for assignment in assignments(db, entry, &options.params) {
            let request = BuildRequest::new(db, entry.path(db).clone(), assignment.clone());
            let outcome = evaluate(db, request);
            let extra: Vec<String> = assignment
                .iter()
                .filter(|a| !options.params.contains(a))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            for diagnostic in outcome.diagnostics.iter().filter(|d| d.file == path) {
                if out.iter().any(|d| {
                    d.code == diagnostic.code
                        && d.span == diagnostic.span
                        && d.message == diagnostic.message
                }) {
                    continue;
                }
                let mut diagnostic = diagnostic.clone();
                if !extra.is_empty() {
                    let when = format!("found with {}", extra.join(" "));
                    diagnostic.help = Some(match diagnostic.help.take() {
                        Some(help) => format!("{help} ({when})"),
                        None => when,
                    });
                }
                out.push(diagnostic);
            }
        }
    }
    sort_and_dedup(&mut out);
    out
}

/// A project entry declares stacks (or resources): modules only declare what entries use.
pub(crate) fn is_entry_file(db: &dyn Db, file: SourceFile) -> bool {
    use crate::syntax::ast::ItemKind;
    parse(db, file).ast.items.iter().any(|i| {
        matches!(
            i.kind,
            ItemKind::Stack(_) | ItemKind::Resource(_) | ItemKind::Param(_) | ItemKind::Output(_)
        )
    })
}

/// The given params plus every combination of the literal-union params left unset.
pub fn assignments(
    db: &dyn Db,
    entry: SourceFile,
    params: &[(String, String)],
) -> Vec<Vec<(String, String)>> {
    let ast = parse(db, entry).ast.clone();
    let mut assignments = vec![params.to_vec()];
    for (_, param) in declarations(&ast) {
        if params.iter().any(|(name, _)| *name == param.name.name) {
            continue;
        }
        if let (ParamKind::Literals(values), _) = kind_of(&ast, &param.ty) {
            if values.is_empty() || assignments.len() * values.len() > MAX_ASSIGNMENTS {
                continue;
            }
            assignments = assignments
                .into_iter()
                .flat_map(|assignment| {
                    values.iter().map(move |value| {
                        let mut next = assignment.clone();
                        next.push((param.name.name.clone(), value.clone()));
                        next
                    })
                })
                .collect();
        }
    }
    assignments
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    fn codes(files: &[(&str, &str)], file: &str) -> Vec<(String, Option<String>)> {
        let (db, _, _) = fixture(files);
        let file = db.file(file).unwrap();
        file_diagnostics(&db, file, &DiagnosticsOptions::default())
            .into_iter()
            .map(|d| (d.code.as_str().to_string(), d.help))
            .collect()
    }

    #[test]
    fn static_errors_of_the_file() {
        let found = codes(
            &[(
                "main.cvl",
                "stack s {\n  resource B: AWS::S3::Bucket { BucketNam: \"x\" }\n}\n",
            )],
            "main.cvl",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "unknown-property");
    }

    #[test]
    fn failing_checks_for_each_env() {
        let main = "param env: \"beta\" | \"prod\"\nstack s {\n  let n = if env == \"prod\" { 1 } else { 2 }\n  check n == 2, \"two\"\n  resource Q: AWS::SQS::Queue {}\n}\n";
        let found = codes(&[("main.cvl", main)], "main.cvl");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "check-failed");
        assert!(
            found[0]
                .1
                .as_deref()
                .unwrap_or_default()
                .contains("env=prod"),
            "{found:?}"
        );
    }

    #[test]
    fn a_module_gets_the_diagnostics_its_importers_find() {
        let lib = "let n: int = \"x\"\n";
        let main = "import \"./lib.cvl\" as lib\nstack s {\n  resource Q: AWS::SQS::Queue {}\n}\n";
        let found = codes(&[("main.cvl", main), ("lib.cvl", lib)], "lib.cvl");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(codes(&[("main.cvl", main), ("lib.cvl", lib)], "main.cvl").is_empty());
    }
}
