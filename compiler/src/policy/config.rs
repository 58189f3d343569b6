//! The project's policy severities: `let policy = { "s3-public-access": "error" }` at the top
//! level of the entry file. Each key is a policy code, each value `"error"`, `"warning"` or
//! `"off"`. Rules not named keep their default (warning). The record is an ordinary `let`, so the
//! compiler reads it without IO and editors show it like any other declaration.

use super::{RULES, is_rule};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::eval::interp::Interp;
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::ast::{ExprKind, ItemKind, RecordEntry};
use std::collections::BTreeMap;

/// The name of the top-level `let` that configures the policy pack.
pub const POLICY_LET: &str = "policy";

/// Per-rule severities; `None` turns a rule off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    overrides: BTreeMap<Code, Option<Severity>>,
}

impl Config {
    /// The severity of a rule's findings, `None` when the project turned it off.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        self.overrides
            .get(&code)
            .copied()
            .unwrap_or(Some(Severity::Warning))
    }
}

/// Reads `let policy` from the entry file, reporting malformed entries as `invalid-policy`.
pub fn read(interp: &mut Interp<'_>, diagnostics: &mut Vec<Diagnostic>) -> Config {
    let mut config = Config::default();
    let ast = interp.modules[0].ast;
    let file = interp.modules[0].file.clone();
    let Some(decl) = ast.items.iter().find_map(|item| match &item.kind {
        ItemKind::Let(decl) if decl.name.name == POLICY_LET => Some(decl),
        _ => None,
    }) else {
        return config;
    };
    let scope = interp.modules[0].scope;
    let Ok(value) = interp.lookup(scope, POLICY_LET, decl.name.span) else {
        return config;
    };
    let Value::Record(fields) = value else {
        diagnostics.push(
            Diagnostic::error(Code::InvalidPolicy, file, decl.value.span, "`policy` must be a record of policy codes to severities")
                .with_help("for example `let policy = { \"s3-public-access\": \"error\", \"untagged-resource\": \"off\" }`"),
        );
        return config;
    };
    // where each key and value is written, when the record is a literal
    let written = |key: &str| -> (Span, Span) {
        if let ExprKind::Record(entries) = &decl.value.kind {
            for entry in entries.iter().rev() {
                if let RecordEntry::Field { key: k, value } = entry
                    && k.name == key
                {
                    return (k.span, value.span);
                }
            }
        }
        (decl.value.span, decl.value.span)
    };
    for (key, value) in fields.iter() {
        let (key_span, value_span) = written(key);
        let code = Code::from_name(key).filter(|c| is_rule(*c));
        let Some(code) = code else {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidPolicy,
                file.clone(),
                key_span,
                format!("`{key}` is not a policy code"),
            )
            .with_suggestion(key, RULES.iter().map(|c| c.as_str()));
            if diagnostic.help.is_none() {
                diagnostic.help = Some(
                    "the entry file's top-level `let policy` sets the severities of the policy pack (see docs/policy.md); rename it if it is something else, such as an IAM document"
                        .into(),
                );
            }
            diagnostics.push(diagnostic);
            continue;
        };
        let severity = match value {
            Value::Str(s) if &**s == "error" => Some(Severity::Error),
            Value::Str(s) if &**s == "warning" => Some(Severity::Warning),
            Value::Str(s) if &**s == "off" => None,
            _ => {
                diagnostics.push(
                    Diagnostic::error(Code::InvalidPolicy, file.clone(), value_span, format!("the severity of `{key}` must be \"error\", \"warning\" or \"off\""))
                        .with_help(format!("`\"{key}\": \"error\"` fails the build on a finding; `\"off\"` turns the rule off")),
                );
                continue;
            }
        };
        config.overrides.insert(code, severity);
    }
    config
}
