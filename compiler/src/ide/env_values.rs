//! The value a name takes in each env: a top-level `let` or `param` of a project's file,
//! evaluated once for each combination of the project's literal-union params (`env=beta`,
//! `env=prod`...), the way `cvl check` tries them. Hover shows them.

use super::diagnostics::{assignments, entries_of, is_entry_file};
use crate::db::{Db, SourceFile, with_interp};
use crate::eval::value::{Value, display};
use crate::source::Span;

/// At most this many assignments are evaluated for one name (each is a lazy evaluation of the
/// project, forcing only what the name needs).
const MAX_ENVS: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvValue {
    /// The params of this evaluation, `env=beta` (empty: the project has no literal-union param).
    pub params: String,
    /// The value as checks print it (`{ cpu: 256 }`, `"beta"`), shortened when long; `None`
    /// when evaluating it failed in this env.
    pub value: Option<String>,
}

/// The values of the top-level `let` or `param` `name` of `file` in the project that `context`
/// (the file being edited) belongs to, one per assignment of its literal-union params. Empty
/// when the project does not evaluate (static errors) or the name is not a plain value (a
/// function, a component, a module, a stack).
pub fn env_values(db: &dyn Db, context: SourceFile, file: SourceFile, name: &str) -> Vec<EnvValue> {
    let Some(entry) = entries_of(db, context)
        .into_iter()
        .find(|&e| !e.path(db).starts_with("std/") && is_entry_file(db, e))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for assignment in assignments(db, entry, &[]).into_iter().take(MAX_ENVS) {
        let value = with_interp(db, entry, &assignment, |interp, files| {
            let module = files.iter().position(|&f| f == file)?;
            let scope = interp.modules[module].scope;
            if !interp.scopes[scope].names.contains_key(name) {
                return None;
            }
            match interp.lookup(scope, name, Span::default()) {
                Ok(Value::Fn(_) | Value::Component { .. } | Value::Module(_) | Value::Stack(_)) => {
                    None
                }
                Ok(value) => Some(Some(display(&value))),
                Err(_) => Some(None),
            }
        });
        let Some(Some(value)) = value else {
            return Vec::new();
        };
        let params = assignment
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ");
        out.push(EnvValue { params, value });
    }
    out
}

/// Markdown for hover: one line per env, or one line when every env agrees.
pub fn markdown(values: &[EnvValue]) -> Option<String> {
    let first = values.first()?;
    let shown = |v: &Option<String>| {
        v.as_ref()
            .map_or_else(|| "(fails to evaluate)".to_string(), |v| format!("`{v}`"))
    };
    if values.iter().all(|v| v.value == first.value) {
        let every = if values.len() > 1 {
            " in every env"
        } else {
            ""
        };
        return Some(format!("Value{every}: {}", shown(&first.value)));
    }
    let lines: Vec<String> = values
        .iter()
        .map(|v| format!("- `{}`: {}", v.params, shown(&v.value)))
        .collect();
    Some(format!("Value per env:\n{}", lines.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::fixture;

    const MAIN: &str = "param env: \"beta\" | \"prod\"\nimport \"./lib.cvl\" as lib\nlet size = if env == \"prod\" { { cpu: 1024 } } else { { cpu: 256 } }\nlet region = \"eu\"\nfn twice(x: int) -> int { x * 2 }\nstack s {\n  resource Q: AWS::SQS::Queue { DelaySeconds: lib.delay }\n}\n";
    const LIB: &str = "let delay = 5\n";

    fn values_of(file: &str, name: &str) -> Vec<EnvValue> {
        let (db, _, _) = fixture(&[("main.cvl", MAIN), ("lib.cvl", LIB)]);
        let main = db.file("main.cvl").unwrap();
        env_values(&db, main, db.file(file).unwrap(), name)
    }

    #[test]
    fn a_let_per_env() {
        let values = values_of("main.cvl", "size");
        assert_eq!(
            values,
            vec![
                EnvValue {
                    params: "env=beta".into(),
                    value: Some("{ cpu: 256 }".into())
                },
                EnvValue {
                    params: "env=prod".into(),
                    value: Some("{ cpu: 1024 }".into())
                },
            ]
        );
        assert_eq!(
            markdown(&values).unwrap(),
            "Value per env:\n- `env=beta`: `{ cpu: 256 }`\n- `env=prod`: `{ cpu: 1024 }`"
        );
        let env = values_of("main.cvl", "env");
        assert_eq!(env[1].value.as_deref(), Some("\"prod\""));
    }

    #[test]
    fn the_same_in_every_env_and_in_an_imported_file() {
        assert_eq!(
            markdown(&values_of("main.cvl", "region")).unwrap(),
            "Value in every env: `\"eu\"`"
        );
        assert_eq!(
            markdown(&values_of("lib.cvl", "delay")).unwrap(),
            "Value in every env: `5`"
        );
    }

    #[test]
    fn functions_unknown_names_and_broken_projects_show_nothing() {
        assert!(values_of("main.cvl", "twice").is_empty());
        assert!(values_of("main.cvl", "nope").is_empty());
        let (db, file, _) = fixture(&[(
            "main.cvl",
            "param env: \"a\" | \"b\"\nlet x: int = \"s\"\nstack s {}\n",
        )]);
        assert!(env_values(&db, file, file, "x").is_empty());
        assert_eq!(markdown(&[]), None);
    }
}
