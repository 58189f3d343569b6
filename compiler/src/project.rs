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
    /// The template as the CLI writes it: pretty JSON with a final newline, as
    /// [`to_json_string`] writes its tree. Lowering writes this text directly. Empty after
    /// [`build_streaming`], which hands it out in parts instead.
    pub text: String,
    /// How many resources the template declares.
    pub resources: usize,
}

impl StackTemplate {
    /// A stack's template from its tree (for tests and tools that build one).
    pub fn from_tree(name: impl Into<String>, template: &serde_json::Value) -> StackTemplate {
        StackTemplate {
            name: name.into(),
            text: to_json_string(template),
            resources: template
                .get("Resources")
                .and_then(serde_json::Value::as_object)
                .map_or(0, serde_json::Map::len),
        }
    }

    /// The template as a tree, keys in order, parsed from [`StackTemplate::text`] (for the
    /// YAML output, diffs, graphs; a build keeps no tree).
    pub fn template(&self) -> serde_json::Value {
        parse_json(&self.text)
    }
}

/// A piece of a stack's template text, handed out while the build goes on (see
/// [`build_streaming`]). A stack's parts, in the order they come, make its template text;
/// the last one has `last` set. The parts of different stacks may come interleaved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplatePart {
    /// The stack's name (`backend`): the file is `<stack>.template.json`.
    pub stack: String,
    pub text: String,
    /// Whether this part completes the stack's template.
    pub last: bool,
}

/// What a successful build produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOutput {
    /// The stacks in deploy order.
    pub stacks: Vec<StackTemplate>,
    /// `manifest.json`: stacks in deploy order, their parameters, outputs and exports, and the
    /// values of the build's params.
    pub manifest: serde_json::Value,
    /// Where each resource of the stacks is declared (not part of any template). Empty after
    /// [`build_streaming`], whose caller writes the templates out and shows nothing beside
    /// the source.
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

/// [`build`], handing each template's text to `sink` in parts while the build goes on, so
/// that the caller can write it out meanwhile and the build never holds every template at
/// once. The output's stacks then have empty texts, and it has no origins (see
/// [`BuildOutput::origins`]). `sink` is called on this thread, and
/// only while the build has found no error; a build that fails after it was called has
/// handed out parts all the same, which the caller throws away.
pub fn build_streaming(
    loader: &dyn Loader,
    entry: &str,
    params: &[(String, String)],
    sink: &mut dyn FnMut(TemplatePart),
) -> BuildResult {
    crate::db::build_streaming(loader, entry, params, sink)
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

/// JSON text that cvl wrote, as a tree: keys in order, no limit on nesting, floats read back
/// exactly. `null` if the text is not JSON (it always is).
pub(crate) fn parse_json(text: &str) -> serde_json::Value {
    use serde::Deserialize as _;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    serde_json::Value::deserialize(&mut deserializer).unwrap_or(serde_json::Value::Null)
}

/// A template or manifest as the CLI writes it: pretty JSON, two-space indent, final newline.
pub fn to_json_string(value: &serde_json::Value) -> String {
    let mut text = String::new();
    crate::cfn::json_text::write_pretty(value, &mut text);
    text.push('\n');
    text
}
