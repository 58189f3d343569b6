//! Built-in functions and the `aws` pseudo parameters, as the interpreter runs them.
//! Their types are in `types/builtins.rs`; docs/language.md lists them.

use super::interp::{Abort, Interp, MAX_LEN, R};
use super::value::{Deploy, ScopeIdx, Value, display};
use crate::diagnostic::Code;
use crate::source::Span;
use crate::syntax::ast;
use std::rc::Rc;

/// Every built-in function's name.
pub const NAMES: &[&str] = &[
    "len",
    "keys",
    "values",
    "contains",
    "upper",
    "lower",
    "replace",
    "to_string",
    "to_json",
    "min",
    "max",
    "flatten",
    "join",
    "split",
    "select",
    "cidr",
    "base64",
    "import_value",
    "secret",
    "ssm",
];

pub fn lookup(name: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|n| *n == name)
}

/// `aws.<name>`: the pseudo parameters.
pub fn pseudo(name: &str) -> Option<Deploy> {
    Some(match name {
        "region" => Deploy::Pseudo("AWS::Region"),
        "account_id" => Deploy::Pseudo("AWS::AccountId"),
        "partition" => Deploy::Pseudo("AWS::Partition"),
        "stack_name" => Deploy::Pseudo("AWS::StackName"),
        "stack_id" => Deploy::Pseudo("AWS::StackId"),
        "url_suffix" => Deploy::Pseudo("AWS::URLSuffix"),
        "azs" => Deploy::GetAzs,
        _ => return None,
    })
}

pub fn call<'a>(
    interp: &mut Interp<'a>,
    name: &'static str,
    args: Vec<Value>,
    exprs: &'a [ast::Expr],
    span: Span,
    scope: ScopeIdx,
) -> R<Value> {
    let result = call_inner(interp, name, args, exprs, span, scope)?;
    // the built-ins that build a new string, list or record in one call pay for its size
    if matches!(
        name,
        "join"
            | "replace"
            | "upper"
            | "lower"
            | "flatten"
            | "keys"
            | "values"
            | "split"
            | "to_json"
    ) {
        let (bytes, elements) = match &result {
            Value::Str(s) => (s.len(), 0),
            Value::List(items) => (0, items.len()),
            Value::Record(fields) => (0, fields.len()),
            _ => (0, 0),
        };
        interp.charge(scope, span, bytes, elements)?;
    }
    Ok(result)
}

fn call_inner<'a>(
    interp: &mut Interp<'a>,
    name: &'static str,
    args: Vec<Value>,
    exprs: &'a [ast::Expr],
    span: Span,
    scope: ScopeIdx,
) -> R<Value> {
    let arg_span = |i: usize| exprs.get(i).map(|e| e.span).unwrap_or(span);
    let mut args = args;
    // instances become records, so built-ins see plain data
    for (i, arg) in args.iter_mut().enumerate() {
        if matches!(arg, Value::Instance(_) | Value::List(_) | Value::Record(_)) {
            *arg = interp.to_data(arg.clone(), arg_span(i), scope)?;
        }
    }
    let bad = |interp: &mut Interp<'a>, i: usize, what: &str| -> Abort {
        interp.error(
            scope,
            Code::InvalidArgument,
            arg_span(i),
            format!("`{name}` expects {what}"),
        )
    };
    let deploy = |d: Deploy| Ok(Value::Deploy(Rc::new(d)));
    match (name, args.as_slice()) {
        ("len", [Value::List(l)]) => Ok(Value::Int(l.len() as i64)),
        ("len", [Value::Record(r)]) => Ok(Value::Int(r.len() as i64)),
        ("len", [Value::Str(s)]) => Ok(Value::Int(s.chars().count() as i64)),
        ("keys", [Value::Record(r)]) => Ok(Value::list(
            r.keys().map(|k| Value::Str(k.clone())).collect(),
        )),
        ("values", [Value::Record(r)]) => Ok(Value::list(r.values().cloned().collect())),
        ("contains", [Value::List(l), x]) => {
            for item in l.iter() {
                if interp.equal(item, x, span, scope)? {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        ("contains", [Value::Record(r), Value::Str(k)]) => Ok(Value::Bool(r.contains_key(k))),
        ("contains", [Value::Str(s), Value::Str(x)]) => Ok(Value::Bool(s.contains(&**x))),
        ("upper", [Value::Str(s)]) => Ok(Value::str(s.to_uppercase())),
        ("lower", [Value::Str(s)]) => Ok(Value::str(s.to_lowercase())),
        ("replace", [Value::Str(s), Value::Str(from), Value::Str(to)]) => {
            if from.is_empty() {
                return Err(bad(interp, 1, "a non-empty string to replace"));
            }
            // the length is known before the string is built: `replace(big, "a", big)` would
            // otherwise allocate terabytes before the check
            let count = s.matches(&**from).count();
            if (s.len() - count * from.len()).saturating_add(count.saturating_mul(to.len()))
                > MAX_LEN
            {
                return Err(interp.error(
                    scope,
                    Code::LimitExceeded,
                    span,
                    "a string grew past 1,000,000 bytes",
                ));
            }
            Ok(Value::str(s.replace(&**from, to)))
        }
        ("to_string", [v @ (Value::Resource(_) | Value::Deploy(_))]) => {
            deploy(Deploy::Sub(vec![super::value::SubPart::Value(v.clone())]))
        }
        ("to_string", [Value::Str(s)]) => Ok(Value::Str(s.clone())),
        ("to_string", [Value::Int(i)]) => Ok(Value::str(i.to_string())),
        ("to_string", [v]) => Ok(Value::str(display(v))),
        ("to_json", [v]) if !size_within(v, MAX_LEN) => Err(interp.error(
            scope,
            Code::LimitExceeded,
            span,
            "`to_json` would write more than 1,000,000 bytes",
        )),
        ("to_json", [v]) => match to_json(v) {
            Some(json) => Ok(Value::str(serde_json::to_string(&json).unwrap_or_default())),
            None => {
                // deploy-time strings inside: the JSON text becomes an `Fn::Sub`
                let mut parts = Vec::new();
                let mut text = String::new();
                if !json_parts(v, &mut text, &mut parts) {
                    return Err(bad(
                        interp,
                        0,
                        "data: strings, numbers, booleans, lists and records",
                    ));
                }
                parts.push(super::value::SubPart::Lit(text));
                deploy(Deploy::Sub(parts))
            }
        },
        ("min" | "max", [a, b]) => {
            let less = match (a, b) {
                (Value::Int(x), Value::Int(y)) => x < y,
                (x, y) => match (number(x), number(y)) {
                    (Some(x), Some(y)) => x < y,
                    _ => return Err(bad(interp, 0, "two numbers known at build time")),
                },
            };
            Ok(if (name == "min") == less {
                a.clone()
            } else {
                b.clone()
            })
        }
        ("flatten", [Value::List(l)]) => {
            let count = l.iter().fold(0usize, |n, item| {
                n.saturating_add(if let Value::List(inner) = item {
                    inner.len()
                } else {
                    1
                })
            });
            if count > MAX_LEN {
                return Err(interp.error(
                    scope,
                    Code::LimitExceeded,
                    span,
                    format!(
                        "`flatten` would make a list of {count} elements; the limit is {MAX_LEN}"
                    ),
                ));
            }
            let mut out = Vec::with_capacity(count);
            for item in l.iter() {
                match item {
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    other => out.push(other.clone()),
                }
            }
            Ok(Value::list(out))
        }
        ("join", [Value::Str(sep), Value::List(l)]) => {
            if l.iter().all(|v| matches!(v, Value::Str(_))) {
                let parts: Vec<&str> = l
                    .iter()
                    .map(|v| if let Value::Str(s) = v { &**s } else { "" })
                    .collect();
                let len = parts.iter().fold(
                    sep.len().saturating_mul(parts.len().saturating_sub(1)),
                    |n, p| n.saturating_add(p.len()),
                );
                if len > MAX_LEN {
                    return Err(interp.error(
                        scope,
                        Code::LimitExceeded,
                        span,
                        "a string grew past 1,000,000 bytes",
                    ));
                }
                Ok(Value::str(parts.join(sep)))
            } else {
                deploy(Deploy::Join(sep.clone(), l.to_vec()))
            }
        }
        ("join", [Value::Str(sep), list @ Value::Deploy(_)]) => {
            deploy(Deploy::Join(sep.clone(), vec![list.clone()]))
        }
        ("split", [Value::Str(sep), Value::Str(s)]) => {
            if sep.is_empty() {
                return Err(bad(interp, 0, "a non-empty separator"));
            }
            Ok(Value::list(s.split(&**sep).map(Value::str).collect()))
        }
        ("split", [Value::Str(sep), v @ (Value::Deploy(_) | Value::Resource(_))]) => {
            deploy(Deploy::Split(sep.clone(), v.clone()))
        }
        ("select", [Value::Int(i), Value::List(l)]) => {
            match usize::try_from(*i).ok().and_then(|i| l.get(i)) {
                Some(v) => Ok(v.clone()),
                None => Err(interp.error(
                    scope,
                    Code::IndexOutOfBounds,
                    arg_span(0),
                    format!("index {i} is outside the list of {} elements", l.len()),
                )),
            }
        }
        ("select", [Value::Int(i), v @ Value::Deploy(_)]) => deploy(Deploy::Select(*i, v.clone())),
        ("cidr", [block, Value::Int(count), Value::Int(bits)]) if is_string(block) => {
            if !(1..=256).contains(count) || !(1..=128).contains(bits) {
                return Err(bad(
                    interp,
                    1,
                    "a count from 1 to 256 and bits from 1 to 128",
                ));
            }
            deploy(Deploy::Cidr(block.clone(), *count, *bits))
        }
        ("base64", [v]) if is_string(v) => deploy(Deploy::Base64(v.clone())),
        ("import_value", [v]) if is_string(v) => deploy(Deploy::ImportValue(v.clone())),
        ("secret", [Value::Str(id), rest @ ..]) => {
            let key = match rest {
                [] | [Value::Null] => String::new(),
                [Value::Str(k)] => k.to_string(),
                _ => return Err(bad(interp, 1, "a key name known at build time")),
            };
            Ok(Value::str(format!(
                "{{{{resolve:secretsmanager:{id}:SecretString:{key}}}}}"
            )))
        }
        ("secret", [v @ (Value::Resource(_) | Value::Deploy(_)), rest @ ..]) => {
            let key = match rest {
                [] | [Value::Null] => String::new(),
                [Value::Str(k)] => k.to_string(),
                _ => return Err(bad(interp, 1, "a key name known at build time")),
            };
            deploy(Deploy::Sub(vec![
                super::value::SubPart::Lit("{{resolve:secretsmanager:".into()),
                super::value::SubPart::Value(v.clone()),
                super::value::SubPart::Lit(format!(":SecretString:{key}}}}}")),
            ]))
        }
        ("ssm", [Value::Str(path)]) => Ok(Value::str(format!("{{{{resolve:ssm:{path}}}}}"))),
        _ => {
            let kinds: Vec<&str> = args.iter().map(Value::kind).collect();
            let message = format!("`{name}` cannot take ({})", kinds.join(", "));
            let code = if args.iter().any(Value::is_deploy_time) {
                Code::DeployTimeValue
            } else {
                Code::InvalidArgument
            };
            Err(interp.error(scope, code, span, message))
        }
    }
}

fn is_string(value: &Value) -> bool {
    matches!(value, Value::Str(_) | Value::Deploy(_) | Value::Resource(_))
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// Whether `value` written out (as JSON or as a template) stays within about `limit` bytes:
/// it counts the bytes of strings and keys and one byte for every other value. Values share
/// their parts, so a list of a million references to one 1 MB string is small in memory and a
/// terabyte written out; the walk stops as soon as it is past the limit, so it visits at most
/// `limit` values.
pub fn size_within(value: &Value, limit: usize) -> bool {
    fn walk(value: &Value, left: &mut usize) -> bool {
        let cost = match value {
            Value::Str(s) => s.len().saturating_add(1),
            _ => 1,
        };
        if cost > *left {
            return false;
        }
        *left -= cost;
        match value {
            Value::List(items) => items.iter().all(|item| walk(item, left)),
            Value::Record(fields) => fields.iter().all(|(key, item)| {
                if key.len() > *left {
                    return false;
                }
                *left -= key.len();
                walk(item, left)
            }),
            Value::Deploy(deploy) => match &**deploy {
                Deploy::Sub(parts) => parts.iter().all(|part| match part {
                    super::value::SubPart::Lit(text) => {
                        if text.len() > *left {
                            return false;
                        }
                        *left -= text.len();
                        true
                    }
                    super::value::SubPart::Value(item) => walk(item, left),
                }),
                Deploy::Join(separator, items) => {
                    let separators = separator.len().saturating_mul(items.len());
                    if separators > *left {
                        return false;
                    }
                    *left -= separators;
                    items.iter().all(|item| walk(item, left))
                }
                Deploy::List(items) => items.iter().all(|item| walk(item, left)),
                Deploy::Select(_, item)
                | Deploy::Split(_, item)
                | Deploy::Cidr(item, _, _)
                | Deploy::Base64(item)
                | Deploy::ImportValue(item) => walk(item, left),
                _ => true,
            },
            _ => true,
        }
    }
    let mut left = limit;
    walk(value, &mut left)
}

/// A build-time value as JSON (`None` when part of it is known only at deploy time).
pub fn to_json(value: &Value) -> Option<serde_json::Value> {
    Some(match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::Value::from(*i),
        Value::Number(n) => serde_json::Number::from_f64(*n).map(serde_json::Value::Number)?,
        Value::Str(s) => serde_json::Value::String(s.to_string()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(to_json).collect::<Option<_>>()?)
        }
        Value::Record(fields) => {
            let mut map = serde_json::Map::new();
            for (k, v) in fields.iter() {
                map.insert(k.to_string(), to_json(v)?);
            }
            serde_json::Value::Object(map)
        }
        _ => return None,
    })
}

/// Makes an `IndexMap` record value from pairs (for tests and lowering).
pub fn record_of(pairs: Vec<(&str, Value)>) -> Value {
    Value::record(pairs.into_iter().collect::<crate::eval::value::Fields>())
}

/// Writes a value as JSON text, with deploy-time strings as `Fn::Sub` parts (inside quotes).
fn json_parts(value: &Value, text: &mut String, parts: &mut Vec<super::value::SubPart>) -> bool {
    use super::value::SubPart;
    match value {
        Value::Resource(_) | Value::Deploy(_) => {
            text.push('"');
            parts.push(SubPart::Lit(std::mem::take(text)));
            parts.push(SubPart::Value(value.clone()));
            text.push('"');
        }
        Value::List(items) => {
            text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                if !json_parts(item, text, parts) {
                    return false;
                }
            }
            text.push(']');
        }
        Value::Record(fields) => {
            text.push('{');
            for (i, (key, item)) in fields.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&serde_json::to_string(&**key).unwrap_or_default());
                text.push(':');
                if !json_parts(item, text, parts) {
                    return false;
                }
            }
            text.push('}');
        }
        other => match to_json(other) {
            Some(json) => text.push_str(&serde_json::to_string(&json).unwrap_or_default()),
            None => return false,
        },
    }
    true
}
