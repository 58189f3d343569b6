//! The front door: build, check and list params of a project. Every front end calls these.

use crate::diagnostic::Diagnostic;
use crate::loader::Loader;
use indexmap::IndexMap;
use serde::Serialize;

/// One stack's template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackTemplate {
    /// The stack's name as declared (`backend`); the file is `<name>.template.json`.
    pub name: String,
    pub template: serde_json::Value,
    /// `template` as the CLI writes it ([`to_json_string`]). Lowering serializes each template
    /// anyway, to enforce CloudFormation's 1 MB limit; keeping the text spares a second pass.
    pub text: String,
}

/// What a successful build produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOutput {
    /// The stacks in deploy order.
    pub stacks: Vec<StackTemplate>,
    /// `manifest.json`: stacks in deploy order, their parameters, outputs and exports, and the
    /// values of the build's params.
    pub manifest: serde_json::Value,
    /// Where each resource of the stacks is declared (not part of any template).
    pub origins: Vec<ResourceOrigin>,
}

/// A place in a file of the project (`main.cvl`, `std/vpc.cvl`): a byte range of its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourcePlace {
    pub file: String,
    pub span: crate::source::Span,
}

/// Where a resource of the output is declared: the name in its `resource` declaration, and the
/// component instances it was declared through, outermost first (empty for a resource written
/// directly in a stack).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceOrigin {
    pub stack: String,
    pub logical_id: String,
    pub decl: SourcePlace,
    pub via: Vec<SourcePlace>,
}

/// The result of [`build`]: output only when there is no error. `sources` holds the text of
/// every file the diagnostics point into (for rendering), keyed by file id.
#[derive(Clone, Debug, Default)]
pub struct BuildResult {
    pub output: Option<BuildOutput>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: IndexMap<String, String>,
}

/// The result of [`check`].
#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: IndexMap<String, String>,
    /// The param assignments that were evaluated (every value of each unset literal-union param).
    pub assignments: Vec<Vec<(String, String)>>,
}

/// A param of a project, as `cvl params` lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamInfo {
    pub name: String,
    /// The type as written (`"beta" | "gamma" | "prod"`).
    #[serde(rename = "type")]
    pub ty: String,
    /// For a literal union, its values; empty otherwise.
    pub allowed: Vec<String>,
    /// The default, as JSON text.
    pub default: Option<String>,
    pub doc: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct ParamsResult {
    pub params: Vec<ParamInfo>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: IndexMap<String, String>,
}

/// The file id under which command-line params appear in diagnostics: its text is the
/// `NAME=VALUE` arguments joined by spaces, so a diagnostic can point at the bad one.
pub const PARAMS_FILE: &str = "<params>";

/// Builds the project whose entry file is `entry` (a loader path such as `main.cvl`) with the
/// given `NAME=VALUE` params.
pub fn build(loader: &dyn Loader, entry: &str, params: &[(String, String)]) -> BuildResult {
    crate::db::build(loader, entry, params)
}

/// Everything [`build`] checks, without output. A literal-union param left unset is checked
/// with every one of its values.
pub fn check(loader: &dyn Loader, entry: &str, params: &[(String, String)]) -> CheckResult {
    crate::db::check(loader, entry, params)
}

/// The params of a project.
pub fn params(loader: &dyn Loader, entry: &str) -> ParamsResult {
    crate::db::params(loader, entry)
}

/// A template or manifest as the CLI writes it: pretty JSON, two-space indent, final newline.
pub fn to_json_string(value: &serde_json::Value) -> String {
    let mut text = String::new();
    crate::cfn::json_text::write_pretty(value, &mut text);
    text.push('\n');
    text
}
