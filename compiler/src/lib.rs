//! The cvl compiler: `.cvl` sources in, CloudFormation templates and diagnostics out. No IO.
//!
//! The pipeline, one salsa query per phase (see `db.rs`):
//!
//! 1. `syntax::parse`: text to a syntax tree, recovering at top-level declarations;
//! 2. `types::resolve`: imports found and loaded through a [`Loader`], names bound;
//! 3. `types::check`: every expression typed, every branch, every env, before evaluation;
//! 4. `eval::evaluate`: the params' values in, stacks of resources and outputs out, checks run;
//! 5. `cfn::lower`: resources to templates, cross-stack references to exports and imports.
//!
//! The front door is [`build`], [`check`] and [`params`]; the CLI, the language server and the
//! playground are thin shells over these and over the IDE functions in [`ide`].

pub mod cfn;
pub mod db;
pub mod diagnostic;
pub mod eval;
pub mod evaluation;
pub mod ide;
pub mod loader;
pub mod policy;
pub mod project;
pub mod session;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod types;

pub use diagnostic::{Code, Diagnostic, Severity};
pub use loader::{Loader, MemoryLoader};
pub use project::{
    BuildOutput, BuildResult, CheckResult, ParamInfo, ParamsResult, ResourceOrigin, SourcePlace,
    StackTemplate, TemplatePart, build, build_streaming, check, params,
};
pub use session::Session;
pub use source::{LineIndex, Span};
