//! The built-in policy pack: facts about the evaluated resources that make infrastructure
//! unsafe (public buckets, open security groups, wildcard IAM, secrets in templates, data that
//! is deleted with its stack...). `db::evaluate` runs it after evaluation and before lowering,
//! so `cvl build`, `cvl check`, the language server and the playground all show its findings.
//!
//! - One file per rule family ([`s3`], [`network`], [`iam`], [`data`], [`secrets`], [`tags`]);
//!   each looks at evaluated property values and returns [`Finding`]s naming a property path.
//! - [`locate`] turns a property path into the span of that key in the resource's record
//!   literal when it is written there, and into the resource's name otherwise.
//! - [`config`] reads the project's severities from `let policy = { "code": "error" }` in the
//!   entry file (no IO: it is a declaration like any other).
//! - [`suppress`] reads `// cvl-allow: <code> <reason>` comments; a suppression needs a reason.
//!
//! Every rule has its own stable code (see `diagnostic/code.rs` and `docs/policy.md`).

mod config;
mod data;
mod iam;
pub(crate) mod locate;
mod network;
mod s3;
mod secrets;
mod suppress;
mod tags;

pub use config::Config;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::interp::Interp;
use crate::eval::value::{Deploy, ResourceIdx, Value};
use crate::syntax::ast::ItemKind;

/// The policy rules, each with its stable code. Every one is a warning unless the project's
/// `let policy` says otherwise.
pub const RULES: &[Code] = &[
    Code::S3PublicAccess,
    Code::S3Encryption,
    Code::SgOpenToWorld,
    Code::IamWildcard,
    Code::LogRetention,
    Code::StorageEncryption,
    Code::StorageBackups,
    Code::LbHttpForward,
    Code::PlainSecret,
    Code::UntaggedResource,
    Code::ProdRetain,
];

/// True when `code` is one of the policy rules (and so can be configured and suppressed).
pub fn is_rule(code: Code) -> bool {
    RULES.contains(&code)
}

/// One segment of a path into a resource's properties.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A path into the properties (`PublicAccessBlockConfiguration.BlockPublicAcls`).
    Property(Vec<Seg>),
    /// A resource option after `with` (`DeletionPolicy`).
    Option(&'static str),
    /// The resource as a whole (a property is missing).
    Resource,
}

/// What a rule found about one resource.
#[derive(Clone, Debug)]
pub struct Finding {
    pub code: Code,
    pub resource: ResourceIdx,
    pub place: Place,
    pub message: String,
    pub help: String,
}

impl Finding {
    fn new(
        code: Code,
        resource: ResourceIdx,
        place: Place,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            resource,
            place,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// An evaluated resource as the rules see it.
pub struct Res<'v> {
    pub index: ResourceIdx,
    pub stack: usize,
    pub type_name: &'v str,
    /// The name as declared (`Bucket`), for messages.
    pub name: &'v str,
    pub logical_id: &'v str,
    /// The properties record (`Null` when the resource has none).
    pub props: &'v Value,
    /// The options after `with`, when given.
    pub options: Option<&'v Value>,
}

impl Res<'_> {
    pub fn prop(&self, key: &str) -> Option<&Value> {
        get(self.props, key)
    }

    pub fn option(&self, key: &str) -> Option<&Value> {
        self.options.and_then(|o| get(o, key))
    }
}

/// What the rules look at: every resource of every stack, and facts about the build.
pub struct Context<'v> {
    pub resources: Vec<Res<'v>>,
    /// The build is for prod: the `env` param's value contains "prod".
    pub prod: bool,
    /// Per stack: its name and whether it declares `tags` (with at least one tag).
    pub stacks: Vec<(&'v str, bool)>,
}

/// Runs the policy pack over an evaluated project. `sources` are the project's files (id and
/// text), for suppression comments. Returns the findings as diagnostics, with their configured
/// severity, plus errors about malformed `policy` records and suppressions.
pub fn run(interp: &mut Interp<'_>, sources: &[(&str, &str)]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let config = config::read(interp, &mut diagnostics);
    let suppressions = suppress::parse_all(sources, &mut diagnostics);
    let prod = is_prod(interp);
    let interp: &Interp<'_> = interp;
    let mut resources = Vec::new();
    for stack in &interp.stacks {
        for &index in stack.resources.values() {
            let data = &interp.resources[index];
            let Some(props) = &data.properties else {
                continue;
            };
            if data.failed {
                continue;
            }
            resources.push(Res {
                index,
                stack: data.stack,
                type_name: &data.decl.type_name.name,
                name: &data.decl.name.name,
                logical_id: &data.logical_id,
                props,
                options: data.options.as_ref(),
            });
        }
    }
    let stacks = interp
        .stacks
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.tags.is_some()
                    && matches!(&s.tag_values, Some(Value::Record(r)) if !r.is_empty()),
            )
        })
        .collect();
    let cx = Context {
        resources,
        prod,
        stacks,
    };
    let mut findings = Vec::new();
    s3::check(&cx, &mut findings);
    network::check(&cx, &mut findings);
    iam::check(&cx, &mut findings);
    data::check(&cx, &mut findings);
    secrets::check(&cx, &mut findings);
    tags::check(&cx, &mut findings);

    let sites = locate::instance_sites(interp);
    for finding in findings {
        let Some(severity) = config.severity(finding.code) else {
            continue;
        };
        let data = &interp.resources[finding.resource];
        let file = interp.file_of(data.scope).to_string();
        let span = match &finding.place {
            Place::Property(path) => locate::key_span(&data.decl.properties, path),
            Place::Option(key) => data
                .decl
                .options
                .as_ref()
                .and_then(|o| locate::key_span(o, &[Seg::Key((*key).to_string())])),
            Place::Resource => None,
        }
        .unwrap_or(data.decl.name.span);
        let chain = locate::instance_chain(interp, finding.resource, &sites);
        let mut places = vec![(file.clone(), span), (file.clone(), data.decl.name.span)];
        places.extend(chain.iter().map(|site| (site.file.clone(), site.span)));
        if places
            .iter()
            .any(|(f, s)| suppress::covers(&suppressions, f, s.start, finding.code))
        {
            continue;
        }
        let mut diagnostic = Diagnostic::warning(finding.code, file, span, finding.message);
        diagnostic.severity = severity;
        if !finding.help.is_empty() {
            diagnostic = diagnostic.with_help(finding.help);
        }
        if let Some(outer) = chain.first() {
            let what = chain
                .iter()
                .map(|s| format!("`{}`", s.name))
                .collect::<Vec<_>>()
                .join(" → ");
            diagnostic = diagnostic.with_label_in(
                outer.file.clone(),
                outer.span,
                format!("in the instance {what} (logical ID `{}`)", data.logical_id),
            );
        }
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// The build is for prod when the entry file declares a param `env` whose value contains
/// "prod" (`prod`, `production`, `eu-prod`).
fn is_prod(interp: &mut Interp<'_>) -> bool {
    let ast = interp.modules[0].ast;
    let declared = ast.items.iter().find_map(|item| match &item.kind {
        ItemKind::Param(p) if p.name.name == "env" => Some(p.name.span),
        _ => None,
    });
    let Some(span) = declared else { return false };
    let scope = interp.modules[0].scope;
    matches!(interp.lookup(scope, "env", span), Ok(Value::Str(s)) if s.to_ascii_lowercase().contains("prod"))
}

// ---------------------------------------------------------------------------------------------
// Value helpers shared by the rules

/// A field of a record value.
pub fn get<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Record(fields) => fields.get(key).filter(|v| !matches!(v, Value::Null)),
        _ => None,
    }
}

/// A build-time string.
pub fn as_str(value: &Value) -> Option<&str> {
    match value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// A build-time boolean (CloudFormation also takes `"true"`).
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A build-time integer (CloudFormation also takes `"80"`).
pub fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Int(i) => Some(*i),
        Value::Number(n) if n.fract() == 0.0 => Some(*n as i64),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The elements of a list value (a single value counts as a list of one).
pub fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::List(items) => items.iter().filter(|v| !matches!(v, Value::Null)).collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The resource a value refers to (`Ref` or the resource itself).
pub fn referenced_resource(value: &Value) -> Option<ResourceIdx> {
    match value {
        Value::Resource(index) => Some(*index),
        Value::Deploy(deploy) => match &**deploy {
            Deploy::Ref(index) | Deploy::GetAtt(index, _) => Some(*index),
            _ => None,
        },
        _ => None,
    }
}

/// A property path from keys and indices: `path(&["A", "B"])`.
pub fn key_path(keys: &[&str]) -> Vec<Seg> {
    keys.iter().map(|k| Seg::Key((*k).to_string())).collect()
}

#[cfg(test)]
mod tests {
    use crate::MemoryLoader;
    use std::path::Path;

    fn project(dir: &Path, root: &Path, loader: &mut MemoryLoader) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                project(&path, root, loader);
            } else if path.extension().is_some_and(|e| e == "cvl")
                && let (Ok(text), Ok(relative)) =
                    (std::fs::read_to_string(&path), path.strip_prefix(root))
            {
                loader.insert(relative.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }

    /// The examples (and the standard library they use) pass the policy pack in every env.
    #[test]
    fn every_example_passes_the_policy_pack() {
        let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut dirs: Vec<_> = std::fs::read_dir(&examples)
            .expect("examples/")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("main.cvl").exists())
            .collect();
        dirs.sort();
        assert!(!dirs.is_empty());
        for dir in dirs {
            let mut loader = MemoryLoader::new();
            project(&dir, &dir, &mut loader);
            let result = crate::check(&loader, "main.cvl", &[]);
            let found: Vec<String> = result
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{}[{}] {}: {}",
                        if d.is_error() { "error" } else { "warning" },
                        d.code,
                        d.file,
                        d.message
                    )
                })
                .collect();
            assert!(found.is_empty(), "{}: {found:#?}", dir.display());
        }
    }
}
