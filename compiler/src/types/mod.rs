//! The static type checker: every expression of a file is typed once, for every branch, before
//! anything is evaluated (docs/language.md, "Types").
//!
//! - `ty.rs`: the types, their display, assignability, unions and joins;
//! - `scope.rs`: scopes and declarations, the references of an expression, cycle detection;
//! - `items.rs`: the checker's driver: declarations collected into scopes, a dependency graph
//!   (its cycles are `recursion`), each declaration typed once in dependency order;
//! - `check.rs`: expressions; `builtins.rs`: built-in functions and `aws`;
//! - `resource.rs`: resources against the CloudFormation schemas, resource options, attributes;
//! - `error.rs`: every message.
//!
//! Rules chosen where the reference is silent are documented where they are implemented, and
//! summarized here:
//! - Declarations of one scope share one namespace (lets, params, types, functions, components,
//!   resources, stacks, imports); a second declaration of a name is `duplicate-definition`.
//!   Outputs are not names in scope (as in the evaluator): they have a namespace of their own and
//!   are read as the fields of an instance or as `stack.name` (after the stack's names), so
//!   `output cluster = cluster` passes a param through. Declarations of `if`/`for` blocks are
//!   visible in the whole enclosing scope (order never matters in a scope), as `T?`/`T`/`[T]`.
//! - Function parameter defaults are read in the file scope (they cannot see other parameters);
//!   component param defaults are read in the component scope (they can).
//! - Interpolation accepts strings, literals, numbers, booleans and resources; not `null` (use
//!   `??`), lists, maps or records.
//! - `??` requires an optional left side.
//! - Resource properties: a `string` property accepts strings, resources, `int` and `number`; an
//!   `int`/`number`/`bool` property also accepts a non-literal `string` (it may be a deploy-time
//!   value); literals are checked against enums, non-literal strings are not. `DeletionPolicy`
//!   and `UpdateReplacePolicy` likewise accept any `string` but check literals.

mod builtins;
mod check;
mod error;
mod items;
mod narrow;
mod resource;
mod scope;
pub mod ty;

#[cfg(test)]
mod tests;

use crate::diagnostic::Diagnostic;
use crate::source::Span;
use crate::syntax::ast;
use indexmap::IndexMap;
use std::sync::Arc;

pub use ty::Ty;

/// What a module offers to its importers: the types of its lets, functions, type aliases and
/// components (and, for the entry file, its params).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ModuleInterface {
    /// Top-level lets, functions and components, by name, in declaration order.
    pub values: IndexMap<String, Member>,
    /// Top-level type aliases.
    pub types: IndexMap<String, Member>,
    /// The build params (entry file only), in declaration order.
    pub params: Vec<ParamInterface>,
}

/// A member of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub kind: SymbolKind,
    pub ty: Ty,
    pub doc: Option<String>,
}

/// A build param, as the entry file declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamInterface {
    pub name: String,
    pub ty: Ty,
    pub has_default: bool,
    pub doc: Option<String>,
    pub span: Span,
}

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
    /// Every declaration of the file with its type, sorted by position (hover, outline).
    pub symbols: Vec<Symbol>,
}

/// A declaration, for the IDE: what it is, where it is named, its type and its doc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The declaring identifier.
    pub span: Span,
    /// The type, displayed.
    pub ty: String,
    pub doc: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Let,
    Param,
    Fn,
    Component,
    Resource,
    Output,
    Type,
    Stack,
    Import,
}

impl SymbolKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SymbolKind::Let => "let",
            SymbolKind::Param => "param",
            SymbolKind::Fn => "fn",
            SymbolKind::Component => "component",
            SymbolKind::Resource => "resource",
            SymbolKind::Output => "output",
            SymbolKind::Type => "type",
            SymbolKind::Stack => "stack",
            SymbolKind::Import => "import",
        }
    }
}

/// Type-checks one file against the interfaces of its imports.
pub fn check_module(input: CheckInput<'_>) -> CheckOutput {
    items::run(input)
}
