//! Params from the command line: `NAME=VALUE` read by the param's declared type.
//!
//! Diagnostics about the arguments point into a virtual file, [`PARAMS_FILE`], whose text is
//! the arguments joined by spaces; diagnostics about declarations point at the declaration.

use super::value::Value;
use crate::diagnostic::{Code, Diagnostic};
use crate::project::{PARAMS_FILE, ParamInfo};
use crate::source::Span;
use crate::syntax::ast::{self, ItemKind, TypeExprKind};
use crate::syntax::print::{print_expr, print_type};
use indexmap::IndexMap;

/// How a command-line value is read for a param.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    Literals(Vec<String>),
    Str,
    Int,
    Number,
    Bool,
    /// Any other type: not settable from the command line.
    Other,
}

/// The text of the virtual params file and each argument's span in it.
pub fn params_text(params: &[(String, String)]) -> (String, Vec<Span>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    for (name, value) in params {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(name);
        text.push('=');
        text.push_str(value);
        spans.push(Span::new(start, text.len()));
    }
    (text, spans)
}

/// The param declarations of the entry file.
pub fn declarations(file: &ast::File) -> Vec<(&ast::Item, &ast::Param)> {
    file.items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Param(p) => Some((item, p)),
            _ => None,
        })
        .collect()
}

/// What kind of values a param type accepts, following type aliases of the file.
pub fn kind_of(file: &ast::File, ty: &ast::TypeExpr) -> (ParamKind, bool) {
    kind_of_depth(file, ty, 0)
}

fn kind_of_depth(file: &ast::File, ty: &ast::TypeExpr, depth: usize) -> (ParamKind, bool) {
    if depth > 32 {
        return (ParamKind::Other, false);
    }
    match &ty.kind {
        TypeExprKind::Optional(inner) => (kind_of_depth(file, inner, depth + 1).0, true),
        TypeExprKind::StrLit(s) => (ParamKind::Literals(vec![s.clone()]), false),
        TypeExprKind::Union(members) => {
            let mut literals = Vec::new();
            let mut optional = false;
            for member in members {
                match kind_of_depth(file, member, depth + 1) {
                    (ParamKind::Literals(l), o) => {
                        literals.extend(l);
                        optional |= o;
                    }
                    (_, _) if matches!(&member.kind, TypeExprKind::Named(n) if n.len() == 1 && n[0].name == "null") => {
                        optional = true
                    }
                    _ => return (ParamKind::Other, false),
                }
            }
            (ParamKind::Literals(literals), optional)
        }
        TypeExprKind::Named(path) if path.len() == 1 => match path[0].name.as_str() {
            "string" => (ParamKind::Str, false),
            "int" => (ParamKind::Int, false),
            "number" => (ParamKind::Number, false),
            "bool" => (ParamKind::Bool, false),
            alias => {
                let target = file.items.iter().find_map(|item| match &item.kind {
                    ItemKind::Type(t) if t.name.name == alias => Some(&t.ty),
                    _ => None,
                });
                match target {
                    Some(t) => kind_of_depth(file, t, depth + 1),
                    None => (ParamKind::Other, false),
                }
            }
        },
        _ => (ParamKind::Other, false),
    }
}

/// Reads the command-line params against the entry file's declarations. Params that are not
/// given are left out of the map (their defaults are evaluated by the interpreter).
pub fn read(
    file_id: &str,
    file: &ast::File,
    given: &[(String, String)],
) -> (IndexMap<String, Value>, Vec<Diagnostic>) {
    let (_, spans) = params_text(given);
    let declared = declarations(file);
    let mut values = IndexMap::new();
    let mut diagnostics = Vec::new();
    for ((name, text), span) in given.iter().zip(spans) {
        let Some((_, param)) = declared.iter().find(|(_, p)| p.name.name == *name) else {
            let names: Vec<&str> = declared.iter().map(|(_, p)| p.name.name.as_str()).collect();
            let known = if names.is_empty() {
                "the project declares no params".to_string()
            } else {
                format!("the params are {}", backticked(&names))
            };
            let mut d = Diagnostic::error(
                Code::UnknownParam,
                PARAMS_FILE,
                Span::new(span.start, span.start + name.len()),
                format!("unknown param `{name}`"),
            )
            .with_suggestion(name, names.iter().copied());
            if d.help.is_none() {
                d.help = Some(known);
            }
            diagnostics.push(d);
            continue;
        };
        let (kind, optional) = kind_of(file, &param.ty);
        let value_span = Span::new(span.start + name.len() + 1, span.end);
        match parse_value(&kind, optional, text) {
            Some(value) => {
                values.insert(name.clone(), value);
            }
            None => {
                let ty = print_type(&param.ty);
                let mut d = Diagnostic::error(
                    Code::InvalidParamValue,
                    PARAMS_FILE,
                    value_span,
                    format!("`{text}` is not a value of param `{name}`, whose type is `{ty}`"),
                )
                .with_label_in(file_id, param.ty.span, "declared here");
                if let ParamKind::Literals(allowed) = &kind {
                    d = d.with_suggestion(text, allowed.iter().map(String::as_str));
                    let list = allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    d.help = Some(match d.help.take() {
                        Some(h) => format!("{h} the allowed values are {list}"),
                        None => format!("the allowed values are {list}"),
                    });
                }
                diagnostics.push(d);
            }
        }
    }
    for (_, param) in &declared {
        if param.default.is_none()
            && !values.contains_key(&param.name.name)
            && !given.iter().any(|(n, _)| *n == param.name.name)
        {
            let (kind, _) = kind_of(file, &param.ty);
            let help = match &kind {
                ParamKind::Literals(allowed) => format!(
                    "set it with `{}=VALUE`, one of {}",
                    param.name.name,
                    allowed
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => format!("set it with `{}=VALUE`", param.name.name),
            };
            diagnostics.push(
                Diagnostic::error(
                    Code::MissingParam,
                    file_id,
                    param.name.span,
                    format!(
                        "param `{}` has no default and was not given",
                        param.name.name
                    ),
                )
                .with_help(help),
            );
        }
    }
    (values, diagnostics)
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_value(kind: &ParamKind, optional: bool, text: &str) -> Option<Value> {
    if optional && text == "null" {
        return Some(Value::Null);
    }
    match kind {
        ParamKind::Literals(allowed) => allowed.iter().any(|a| a == text).then(|| Value::str(text)),
        ParamKind::Str => Some(Value::str(text)),
        ParamKind::Int => text.parse::<i64>().ok().map(Value::Int),
        ParamKind::Number => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::Number),
        ParamKind::Bool => match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ParamKind::Other => None,
    }
}

/// The params as `cvl params` lists them.
pub fn infos(file: &ast::File) -> Vec<ParamInfo> {
    declarations(file)
        .into_iter()
        .map(|(item, param)| {
            let (kind, _) = kind_of(file, &param.ty);
            ParamInfo {
                name: param.name.name.clone(),
                ty: print_type(&param.ty),
                allowed: match kind {
                    ParamKind::Literals(l) => l,
                    _ => Vec::new(),
                },
                default: param.default.as_ref().map(print_expr),
                doc: item.doc.clone(),
            }
        })
        .collect()
}
