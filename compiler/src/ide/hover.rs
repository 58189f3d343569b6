//! Hover: what the name under the cursor is. Declarations show their kind, type and doc
//! comment; components their params with types and defaults; resources their CloudFormation
//! type's doc; property keys, attributes and resource types the CloudFormation docs from the
//! embedded schemas; built-ins their signature. Top-level `let`s and params add the value they
//! take in each env (`env_values`).

use super::env_values;
use super::index::{AWS_FIELDS, DefKind, Detail};
use super::resolve::{
    Cx, Location, RESOURCE_OPTIONS, Resolved, component_params, def_type, resolve, schema_property,
};
use crate::cfn::schema;
use crate::db::{Db, SourceFile};
use crate::source::Span;
use crate::types::Ty;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (the identifier).
    pub span: Span,
    /// Markdown: a `cvl` code block, then the docs.
    pub markdown: String,
}

pub fn hover(db: &dyn Db, file: SourceFile, offset: usize) -> Option<Hover> {
    let cx = Cx::new(db, file);
    let (span, target) = cx.index.target_at(offset)?;
    let markdown = match resolve(&cx, &target) {
        Resolved::Def(location) => {
            let mut out = describe(&cx, location);
            let def = location.get(&cx);
            if matches!(def.kind, DefKind::Let | DefKind::Param)
                && def.scope == 0
                && let Some(values) = env_values::markdown(&env_values::env_values(
                    db,
                    file,
                    location.file,
                    &def.name,
                ))
            {
                out.push_str("\n\n");
                out.push_str(&values);
            }
            out
        }
        Resolved::Module(module) => {
            let index = super::index::file_index(db, module);
            let names: Vec<String> = index.scopes[0]
                .defs
                .iter()
                .map(|&d| &index.defs[d])
                .filter(|d| {
                    matches!(
                        d.kind,
                        DefKind::Component | DefKind::Fn | DefKind::Let | DefKind::Type
                    )
                })
                .map(|d| format!("`{}`", d.name))
                .collect();
            format!(
                "```cvl\nmodule {}\n```\n\n{}",
                module.path(db),
                names.join(", ")
            )
        }
        Resolved::Property { type_name, path } => property(&type_name, &path)?,
        Resolved::Attribute { type_name, name } => attribute(&type_name, &name)?,
        Resolved::ResourceType(name) => resource_type(&name)?,
        Resolved::ResourceOption(name) => {
            let (_, ty, doc) = RESOURCE_OPTIONS.iter().find(|(n, _, _)| *n == name)?;
            format!("```cvl\n{name}: {ty}\n```\n\n{doc}")
        }
        Resolved::Builtin(name) => {
            format!("```cvl\n{}\n```\n\nBuilt-in function.", Ty::Builtin(name))
        }
        Resolved::Aws(None) => {
            let fields: Vec<String> = AWS_FIELDS
                .iter()
                .map(|(n, t, d)| format!("- `{n}: {t}`: {d}"))
                .collect();
            format!(
                "```cvl\naws\n```\n\nThe deploy-time pseudo parameters:\n\n{}",
                fields.join("\n")
            )
        }
        Resolved::Aws(Some(field)) => {
            let (n, t, d) = AWS_FIELDS.iter().find(|(n, _, _)| *n == field)?;
            format!("```cvl\naws.{n}: {t}\n```\n\n{d}")
        }
        Resolved::Unknown => return None,
    };
    Some(Hover { span, markdown })
}

/// A declaration: its signature line and doc.
pub fn describe(cx: &Cx<'_>, location: Location) -> String {
    let def = location.get(cx);
    let ty = def_type(cx, location);
    let mut code = match (&def.kind, &def.detail) {
        (DefKind::Fn, Detail::Fn { params, ret }) => {
            let params: Vec<String> = params
                .iter()
                .map(|p| match &p.default {
                    Some(d) => format!("{}: {} = {d}", p.name, p.ty),
                    None => format!("{}: {}", p.name, p.ty),
                })
                .collect();
            let ret = ret.clone().or_else(|| {
                ty.as_ref()
                    .and_then(|t| t.rsplit_once(") -> ").map(|(_, r)| r.to_string()))
            });
            format!(
                "fn {}({}){}",
                def.name,
                params.join(", "),
                ret.map(|r| format!(" -> {r}")).unwrap_or_default()
            )
        }
        (DefKind::Component, _) => {
            let mut out = format!("component {} {{", def.name);
            for param in component_params(cx, location) {
                let p = param.get(cx);
                if let Detail::Typed { ty, default } = &p.detail {
                    out.push_str(&format!(
                        "\n  param {}: {}",
                        p.name,
                        crate::syntax::print_type(ty)
                    ));
                    if let Some(d) = default {
                        out.push_str(&format!(" = {d}"));
                    }
                }
            }
            out.push_str(if out.ends_with('{') { "}" } else { "\n}" });
            out
        }
        (DefKind::Resource, Detail::Resource { type_name }) => {
            format!("resource {}: {type_name}", def.name)
        }
        (
            DefKind::Param,
            Detail::Typed {
                ty: written,
                default,
            },
        ) => {
            let mut out = format!("param {}: {}", def.name, crate::syntax::print_type(written));
            if let Some(d) = default {
                out.push_str(&format!(" = {d}"));
            }
            out
        }
        (DefKind::Import, Detail::Import { path }) => format!("import {path} as {}", def.name),
        (DefKind::Stack, _) => format!("stack {}", def.name),
        (DefKind::Type, Detail::Alias { ty }) => {
            format!("type {} = {}", def.name, crate::syntax::print_type(ty))
        }
        (kind, _) => format!(
            "{} {}: {}",
            kind.word(),
            def.name,
            ty.clone().unwrap_or_else(|| "unknown".to_string())
        ),
    };
    if def.kind == DefKind::Param
        && let Some(ty) = &ty
        && !code.contains(ty.as_str())
    {
        code.push_str(&format!("\n// type: {ty}"));
    }
    let mut out = format!("```cvl\n{code}\n```");
    if let Some(doc) = &def.doc {
        out.push_str("\n\n");
        out.push_str(doc);
    }
    if let (DefKind::Resource, Detail::Resource { type_name }) = (&def.kind, &def.detail)
        && let Some(rt) = schema::resource_type(type_name)
        && let Some(doc) = &rt.doc
    {
        out.push_str(&format!("\n\n`{type_name}`: {doc}"));
    }
    let file = location.file.path(cx.db);
    if location.file != cx.file {
        out.push_str(&format!("\n\n*{file}*"));
    }
    out
}

fn property(type_name: &str, path: &[String]) -> Option<String> {
    let (rt, p) = schema_property(type_name, path)?;
    let mut out = format!(
        "```cvl\n{}: {}\n```\n\n`{type_name}` property `{}`",
        path.last()?,
        p.ty.display(rt),
        path.join(".")
    );
    let mut facts = Vec::new();
    if p.required {
        facts.push("required".to_string());
    }
    if p.create_only {
        facts.push("changing it replaces the resource".to_string());
    }
    if let Some(values) = &p.enum_values {
        facts.push(format!(
            "one of {}",
            values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !facts.is_empty() {
        out.push_str(&format!(" ({})", facts.join("; ")));
    }
    if let Some(doc) = &p.doc {
        out.push_str("\n\n");
        out.push_str(doc);
    }
    Some(out)
}

fn attribute(type_name: &str, name: &str) -> Option<String> {
    let rt = schema::resource_type(type_name)?;
    let ty = rt.attribute_type(name)?;
    Some(format!(
        "```cvl\n{name}: {}\n```\n\nAttribute of `{type_name}`: `{{\"Fn::GetAtt\": [..., \"{name}\"]}}`, known at deploy time.",
        ty.display(rt)
    ))
}

fn resource_type(name: &str) -> Option<String> {
    let rt = schema::resource_type(name)?;
    let mut out = format!("```cvl\n{name}\n```");
    if let Some(doc) = &rt.doc {
        out.push_str(&format!("\n\n{doc}"));
    }
    let required: Vec<String> = rt
        .properties
        .iter()
        .filter(|(_, p)| p.required)
        .map(|(n, _)| format!("`{n}`"))
        .collect();
    if !required.is_empty() {
        out.push_str(&format!("\n\nRequired: {}", required.join(", ")));
    }
    let attributes: Vec<String> = rt.attributes.keys().map(|n| format!("`{n}`")).collect();
    if !attributes.is_empty() {
        out.push_str(&format!("\n\nAttributes: {}", attributes.join(", ")));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, one};

    fn hover_text(files: &[(&str, &str)]) -> String {
        let (db, file, offset) = fixture(files);
        hover(&db, file, offset)
            .map(|h| h.markdown)
            .unwrap_or_default()
    }

    #[test]
    fn lets_show_their_type_and_doc() {
        let text = hover_text(&[(
            "main.cvl",
            "/// The sizes.\nlet size = { cpu: 256 }\nlet c = si$0ze.cpu\n",
        )]);
        assert!(text.contains("let size: { cpu: int }"), "{text}");
        assert!(text.contains("The sizes."), "{text}");
    }

    #[test]
    fn resource_properties_show_the_cloudformation_doc() {
        let text = hover_text(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {\n    Bucket$0Name: \"x\",\n  }\n}\n",
        )]);
        assert!(text.contains("BucketName: string"), "{text}");
        assert!(text.contains("AWS::S3::Bucket` property"), "{text}");
        assert!(text.lines().count() > 3, "a doc follows: {text}");
        let text = hover_text(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Bucket {}\n  output a = B.A$0rn\n}\n",
        )]);
        assert!(text.contains("Arn: string"), "{text}");
        let text = hover_text(&[(
            "main.cvl",
            "stack s {\n  resource B: AWS::S3::Buc$0ket {}\n}\n",
        )]);
        assert!(text.contains("```cvl\nAWS::S3::Bucket\n```"), "{text}");
    }

    #[test]
    fn lets_and_params_show_their_value_per_env() {
        let main = "param env: \"beta\" | \"prod\"\nlet cpu = if env == \"prod\" { 1024 } else { 256 }\nstack s {\n  resource Q: AWS::SQS::Queue { DelaySeconds: c$0pu }\n}\n";
        let text = hover_text(&[("main.cvl", main)]);
        assert!(text.contains("let cpu: int"), "{text}");
        assert!(
            text.ends_with("Value per env:\n- `env=beta`: `256`\n- `env=prod`: `1024`"),
            "{text}"
        );
        let text = hover_text(&[(
            "main.cvl",
            &main
                .replace("c$0pu }", "cpu }")
                .replace("param e", "param $0e"),
        )]);
        assert!(text.contains("- `env=prod`: `\"prod\"`"), "{text}");
    }

    #[test]
    fn components_show_their_params_with_defaults() {
        let text = hover_text(&[(
            "main.cvl",
            "import std.vpc\nstack s {\n  let n = vpc.Net$0work { name: \"x\" }\n}\n",
        )]);
        assert!(text.contains("component Network {"), "{text}");
        assert!(text.contains("param name: string"), "{text}");
        assert!(text.contains("std/vpc.cvl"), "{text}");
        let (db, file, offset) = one("let a = le$0n([1])\n");
        assert!(
            hover(&db, file, offset)
                .unwrap()
                .markdown
                .contains("fn len(")
        );
    }
}
