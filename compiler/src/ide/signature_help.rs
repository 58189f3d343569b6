//! Signature help: inside the parentheses of a call, the function's parameters with the one
//! being written; inside the braces of a component instance, the component's params.

use super::completion::repaired_file;
use super::index::{DefKind, Detail, Target};
use super::resolve::{Cx, Location, Resolved, component_location, component_params, resolve};
use crate::db::{Db, SourceFile};
use crate::syntax::ast::{ExprKind, RecordEntry};
use crate::types::Ty;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// `fn name(a: int, b: string = "x") -> string` or `Name { a: int, b?: string }`.
    pub label: String,
    /// Each parameter's byte range in `label`.
    pub params: Vec<(usize, usize)>,
    pub active: Option<usize>,
    pub doc: Option<String>,
}

pub fn signature_help(db: &dyn Db, file: SourceFile, offset: usize) -> Option<SignatureHelp> {
    let fixed = repaired_file(db, file, offset.min(file.text(db).len()));
    let cx = Cx {
        db,
        file,
        index: &fixed.index,
    };
    for expr in super::index::expressions_at(&fixed.tree, offset)
        .into_iter()
        .rev()
    {
        match &expr.kind {
            ExprKind::Call { callee, args }
                if callee.span.end < offset && offset < expr.span.end =>
            {
                let active = args
                    .iter()
                    .filter(|a| a.span.end < offset && fixed.text[a.span.end..offset].contains(','))
                    .count();
                let (_, target) = cx.index.target_at(callee.span.end.saturating_sub(1))?;
                return call_signature(&cx, &target, active);
            }
            ExprKind::Instantiate { component, args }
                if component.span.end < offset && offset < expr.span.end =>
            {
                let (_, target) = cx.index.target_at(component.span.end.saturating_sub(1))?;
                let location = component_location(&cx, &target)?;
                let active_name = args.iter().find_map(|entry| match entry {
                    RecordEntry::Field { key, value }
                        if key.span.start <= offset && offset <= value.span.end =>
                    {
                        Some(key.name.clone())
                    }
                    _ => None,
                });
                return Some(instance_signature(&cx, location, active_name.as_deref()));
            }
            _ => {}
        }
    }
    None
}

fn call_signature(cx: &Cx<'_>, target: &Target, active: usize) -> Option<SignatureHelp> {
    let (label, params, doc) = match resolve(cx, target) {
        Resolved::Builtin(name) => {
            let label = Ty::Builtin(name).to_string();
            let params = split_params(&label);
            (label, params, Some("Built-in function.".to_string()))
        }
        Resolved::Def(location) => {
            let def = location.get(cx);
            let Detail::Fn { params, ret } = &def.detail else {
                return None;
            };
            let mut label = format!("fn {}(", def.name);
            let mut ranges = Vec::new();
            for (i, p) in params.iter().enumerate() {
                if i > 0 {
                    label.push_str(", ");
                }
                let start = label.len();
                label.push_str(&format!("{}: {}", p.name, p.ty));
                if let Some(d) = &p.default {
                    label.push_str(&format!(" = {d}"));
                }
                ranges.push((start, label.len()));
            }
            label.push(')');
            if let Some(ret) = ret {
                label.push_str(&format!(" -> {ret}"));
            }
            (label, ranges, def.doc.clone())
        }
        _ => return None,
    };
    let active = (active < params.len()).then_some(active);
    Some(SignatureHelp {
        label,
        params,
        active,
        doc,
    })
}

/// The parameter ranges of a displayed signature `fn name(a: T, b: U) -> R`.
fn split_params(label: &str) -> Vec<(usize, usize)> {
    let Some(open) = label.find('(') else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = open + 1;
    for (i, c) in label.char_indices().skip_while(|(i, _)| *i <= open) {
        match c {
            '(' | '[' | '<' | '{' => depth += 1,
            ')' if depth == 0 => {
                if i > start {
                    out.push((start, i));
                }
                break;
            }
            ')' | ']' | '>' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push((start, i));
                start = i + 2;
            }
            _ => {}
        }
    }
    out
}

fn instance_signature(cx: &Cx<'_>, component: Location, active: Option<&str>) -> SignatureHelp {
    let def = component.get(cx);
    let mut label = format!("{} {{ ", def.name);
    let mut ranges = Vec::new();
    let mut active_index = None;
    let mut doc = def.doc.clone();
    for (i, param) in component_params(cx, component).into_iter().enumerate() {
        let p = param.get(cx);
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.len();
        match &p.detail {
            Detail::Typed {
                ty,
                default: Some(d),
            } => label.push_str(&format!(
                "{}: {} = {d}",
                p.name,
                crate::syntax::print_type(ty)
            )),
            Detail::Typed { ty, default: None } => {
                label.push_str(&format!("{}: {}", p.name, crate::syntax::print_type(ty)))
            }
            _ => label.push_str(&p.name),
        }
        ranges.push((start, label.len()));
        if active == Some(p.name.as_str()) && p.kind == DefKind::Param {
            active_index = Some(i);
            if let Some(param_doc) = &p.doc {
                doc = Some(format!("`{}`: {param_doc}", p.name));
            }
        }
    }
    label.push_str(" }");
    SignatureHelp {
        label,
        params: ranges,
        active: active_index,
        doc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::one;

    fn help(text: &str) -> SignatureHelp {
        let (db, file, offset) = one(text);
        signature_help(&db, file, offset).expect("a signature")
    }

    #[test]
    fn calls_show_the_active_parameter() {
        let h = help(
            "fn name_of(service: string, suffix: string = \"\") -> string { service }\nlet a = name_of(\"x\", $0)\n",
        );
        assert_eq!(
            h.label,
            "fn name_of(service: string, suffix: string = \"\") -> string"
        );
        assert_eq!(h.active, Some(1));
        assert_eq!(
            &h.label[h.params[1].0..h.params[1].1],
            "suffix: string = \"\""
        );
        let h = help("let a = replace($0\n");
        assert_eq!(h.active, Some(0));
        assert_eq!(&h.label[h.params[2].0..h.params[2].1], "to: string");
    }

    #[test]
    fn component_instances_show_their_params() {
        let h = help("import std.vpc\nstack s {\n  let n = vpc.Network { azs: $0 }\n}\n");
        assert!(
            h.label.starts_with("Network { name: string = \"vpc\""),
            "{}",
            h.label
        );
        let active = h.active.expect("an active param");
        assert!(h.label[h.params[active].0..h.params[active].1].starts_with("azs: int"));
    }
}
