//! The standard library: `.cvl` modules embedded into the compiler (`stdlib/` at the
//! repository root). `import std.vpc` loads `std/vpc.cvl`.

/// The text of the standard-library module `std.<name>` (file id `std/<name>.cvl`).
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Every standard-library module: its name and text, sorted by name.
pub const MODULES: &[(&str, &str)] = &[
    ("apigateway", include_str!("../../stdlib/apigateway.cvl")),
    ("aurora", include_str!("../../stdlib/aurora.cvl")),
    ("cognito", include_str!("../../stdlib/cognito.cvl")),
    ("dynamodb", include_str!("../../stdlib/dynamodb.cvl")),
    ("ecr", include_str!("../../stdlib/ecr.cvl")),
    ("ecs", include_str!("../../stdlib/ecs.cvl")),
    ("efs", include_str!("../../stdlib/efs.cvl")),
    ("monitoring", include_str!("../../stdlib/monitoring.cvl")),
    ("pipeline", include_str!("../../stdlib/pipeline.cvl")),
    ("s3", include_str!("../../stdlib/s3.cvl")),
    ("serverless", include_str!("../../stdlib/serverless.cvl")),
    ("static_site", include_str!("../../stdlib/static_site.cvl")),
    ("vpc", include_str!("../../stdlib/vpc.cvl")),
];

/// The standard library's reference (`docs/stdlib.md`), generated from the modules' doc
/// comments so that it never drifts: every module, type, component, param (type, default,
/// doc) and output.
pub fn reference_markdown() -> String {
    use crate::syntax::ast::ItemKind;
    use crate::syntax::print::{print_expr, print_type};

    let mut out = String::from(
        "# The standard library\n\n\
         Written in cvl, embedded in the compiler, imported with `import std.<module>`.\n\
         Generated from the doc comments of `stdlib/*.cvl` by\n\
         `CVL_BLESS=1 cargo test -p cvl-tests --test docs` (a test fails when it is out of date).\n\n",
    );
    out.push_str("| module | components |\n|---|---|\n");
    let parsed: Vec<(&str, crate::syntax::ast::File)> = MODULES
        .iter()
        .map(|(name, text)| (*name, crate::syntax::parse_file(name, text).0))
        .collect();
    for (name, file) in &parsed {
        let components: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Component(c) => Some(format!(
                    "[`{}`](#{}{})",
                    c.name.name,
                    name,
                    c.name.name.to_lowercase()
                )),
                _ => None,
            })
            .collect();
        out.push_str(&format!(
            "| [`std.{name}`](#std{}) | {} |\n",
            name,
            components.join(", ")
        ));
    }
    for (name, file) in &parsed {
        out.push_str(&format!("\n## std.{name}\n"));
        for item in &file.items {
            let doc = item.doc.as_deref().unwrap_or("").trim();
            match &item.kind {
                ItemKind::Type(alias) => {
                    out.push_str(&format!("\n### type `{}`\n\n", alias.name.name));
                    if !doc.is_empty() {
                        out.push_str(doc);
                        out.push_str("\n\n");
                    }
                    out.push_str(&format!(
                        "```cvl\ntype {} = {}\n```\n",
                        alias.name.name,
                        print_type(&alias.ty)
                    ));
                }
                ItemKind::Fn(decl) => {
                    out.push_str(&format!("\n### fn `{}`\n\n{doc}\n", decl.name.name));
                }
                ItemKind::Component(component) => {
                    out.push_str(&format!(
                        "\n### <a id=\"{name}{}\"></a>component `{}`\n\n",
                        component.name.name.to_lowercase(),
                        component.name.name
                    ));
                    if !doc.is_empty() {
                        out.push_str(doc);
                        out.push_str("\n\n");
                    }
                    out.push_str("| param | type | default | description |\n|---|---|---|---|\n");
                    for inner in &component.items {
                        if let ItemKind::Param(param) = &inner.kind {
                            let default = match &param.default {
                                Some(d) => format!("`{}`", print_expr(d)),
                                None => "required".to_string(),
                            };
                            out.push_str(&format!(
                                "| `{}` | `{}` | {} | {} |\n",
                                param.name.name,
                                print_type(&param.ty).replace('|', "\\|"),
                                default.replace('|', "\\|"),
                                one_line(inner.doc.as_deref())
                            ));
                        }
                    }
                    let outputs: Vec<String> = component
                        .items
                        .iter()
                        .filter_map(|inner| match &inner.kind {
                            ItemKind::Output(o) => Some(format!(
                                "| `{}` | {} |\n",
                                o.name.name,
                                one_line(inner.doc.as_deref())
                            )),
                            _ => None,
                        })
                        .collect();
                    if !outputs.is_empty() {
                        out.push_str("\n| output | description |\n|---|---|\n");
                        out.push_str(&outputs.concat());
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn one_line(doc: Option<&str>) -> String {
    doc.unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
