//! STUB: replaced by the type checker.
use crate::diagnostic::Diagnostic;
use crate::syntax::ast;
use indexmap::IndexMap;
use std::sync::Arc;

/// What a module offers to its importers: the types of its lets, functions, type aliases and
/// components.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ModuleInterface {}

/// What the checker needs to know about one file.
pub struct CheckInput<'a> {
    /// The file id, used in diagnostics.
    pub file: &'a str,
    pub ast: &'a ast::File,
    /// Each import alias of this file, with the interface of the module it names, or `None`
    /// when the import could not be resolved (already reported: uses of it report nothing).
    pub imports: &'a IndexMap<String, Option<Arc<ModuleInterface>>>,
    /// The entry file may declare params and stacks; modules may not.
    pub is_entry: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CheckOutput {
    pub interface: Arc<ModuleInterface>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Type-checks one file against the interfaces of its imports.
pub fn check_module(input: CheckInput<'_>) -> CheckOutput {
    let _ = input;
    CheckOutput::default()
}
