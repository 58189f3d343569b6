//! The names of one file, for the IDE: every definition, every reference with what it points at
//! (as far as the file itself can tell), the scopes with their text ranges, and the records whose
//! fields are known from their context (resource properties, component arguments, declared
//! types). Built from a syntax tree alone; what needs another file (a module's members, a
//! component's params) is resolved when asked, by `resolve.rs`.
//!
//! [`file_index`] caches the index of a file's current text; completion builds one from a tree
//! repaired at the cursor (`completion.rs`).

use crate::db::{Db, SourceFile, parse};
use crate::source::Span;
use crate::syntax::ast::{
    self, Expr, ExprKind, ImportTarget, Item, ItemKind, RecordEntry, StrPart, TypeExpr,
    TypeExprKind,
};
use std::sync::Arc;

pub type DefId = usize;
pub type ScopeId = usize;

/// What a definition declares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefKind {
    Import,
    /// A build param (file level) or a component param.
    Param,
    Let,
    Type,
    Fn,
    /// A parameter of a function.
    FnParam,
    Component,
    Resource,
    Output,
    Stack,
    /// The variable of a declaration-level `for` or of a comprehension.
    LoopVar,
    /// A `let` inside a block expression.
    Local,
}

impl DefKind {
    /// Whether the name is visible in its scope (outputs are not names in scope: they are read
    /// as fields of instances and members of stacks).
    pub fn is_name(self) -> bool {
        self != DefKind::Output
    }

    pub fn word(self) -> &'static str {
        match self {
            DefKind::Import => "module",
            DefKind::Param => "param",
            DefKind::Let | DefKind::Local => "let",
            DefKind::Type => "type",
            DefKind::Fn => "fn",
            DefKind::FnParam => "parameter",
            DefKind::Component => "component",
            DefKind::Resource => "resource",
            DefKind::Output => "output",
            DefKind::Stack => "stack",
            DefKind::LoopVar => "loop variable",
        }
    }
}

/// A parameter of a function or component, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamText {
    pub name: String,
    pub ty: String,
    pub default: Option<String>,
    pub doc: Option<String>,
}

/// What the IDE needs beyond the name, per kind.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Detail {
    #[default]
    None,
    /// A resource: its type as written.
    Resource { type_name: String },
    /// A let whose value is a component instance: the component it instantiates.
    Instance { component: Target },
    /// A let with a written type, or a param: the type (and the param's default).
    Typed {
        ty: TypeExpr,
        default: Option<String>,
    },
    /// A type alias.
    Alias { ty: TypeExpr },
    /// A function: its parameters and return type as written.
    Fn {
        params: Vec<ParamText>,
        ret: Option<String>,
    },
    /// An import: the module path as written (`std.vpc`, `"./lib/net.cvl"`).
    Import { path: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Def {
    pub name: String,
    pub kind: DefKind,
    /// The declaring identifier.
    pub span: Span,
    /// The whole declaration (doc comment excluded).
    pub full: Span,
    pub doc: Option<String>,
    /// The scope the name is declared in.
    pub scope: ScopeId,
    /// The scope the declaration opens (a stack's, a component's, a function's).
    pub body: Option<ScopeId>,
    pub detail: Detail,
}

/// What a name or key points at, as far as its own file can tell.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A definition of this file.
    Def(DefId),
    /// `base.a.b`: the member at the end of `path`, read from a definition of this file.
    Member { base: DefId, path: Vec<String> },
    /// A key of a component instance's arguments: the component's param `name`.
    Arg {
        component: Box<Target>,
        name: String,
    },
    /// A key in a resource's properties: the property at the end of `path`.
    Property {
        type_name: String,
        path: Vec<String>,
    },
    /// A key of a resource's `with { ... }`.
    ResourceOption(String),
    /// A resource type name (`AWS::S3::Bucket`).
    ResourceType(String),
    /// The module an import names.
    Module(DefId),
    /// A built-in function.
    Builtin(String),
    /// `aws` or `aws.name`.
    Aws(Option<String>),
    /// A name that is declared nowhere (already reported by the checker).
    Unresolved(String),
}

/// A use of a name, a member or a key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The identifier (or key) as written.
    pub span: Span,
    pub target: Target,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    pub parent: Option<ScopeId>,
    /// The text the scope covers.
    pub span: Span,
    /// The names declared at this level (and lifted out of its `if`/`for` blocks).
    pub defs: Vec<DefId>,
}

/// Where the fields of a record come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expected {
    /// The properties of a resource type, at `path` (empty: the top level).
    Properties {
        type_name: String,
        path: Vec<String>,
    },
    /// A resource's `with { ... }`.
    Options,
    /// The params of a component.
    Args { component: Target },
    /// A type as written, in the scope it was written in.
    Type { ty: TypeExpr, scope: ScopeId },
    /// The type of a component's param `name`.
    ParamOf { component: Target, name: String },
    /// The field `name` of the record expected by `parent`.
    Field { parent: Box<Expected>, name: String },
}

/// A record literal whose fields are known from its context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordSite {
    pub span: Span,
    pub expected: Expected,
    /// The keys written so far.
    pub keys: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FileIndex {
    pub defs: Vec<Def>,
    pub refs: Vec<Reference>,
    pub scopes: Vec<Scope>,
    pub records: Vec<RecordSite>,
}

/// The built-in functions: the evaluator's list.
pub use crate::eval::builtins::NAMES as BUILTINS;

/// The fields of `aws`, with their docs.
pub const AWS_FIELDS: &[(&str, &str, &str)] = &[
    (
        "region",
        "string",
        "The region the stack is deployed in (`AWS::Region`).",
    ),
    (
        "account_id",
        "string",
        "The account the stack is deployed in (`AWS::AccountId`).",
    ),
    (
        "partition",
        "string",
        "The partition: `aws`, `aws-cn`, `aws-us-gov` (`AWS::Partition`).",
    ),
    (
        "stack_name",
        "string",
        "The name of the stack (`AWS::StackName`).",
    ),
    (
        "stack_id",
        "string",
        "The ID of the stack (`AWS::StackId`).",
    ),
    (
        "url_suffix",
        "string",
        "The domain suffix: `amazonaws.com` mostly (`AWS::URLSuffix`).",
    ),
    (
        "azs",
        "[string]",
        "The availability zones of the region (`Fn::GetAZs`).",
    ),
];

/// The index of a file's current text. Cached per file; re-runs when its tree changes.
#[salsa::tracked(returns(ref))]
pub fn file_index(db: &dyn Db, file: SourceFile) -> Arc<FileIndex> {
    Arc::new(build(&parse(db, file).ast, file.text(db)))
}

/// Indexes a tree parsed from `text`.
pub fn build(tree: &ast::File, text: &str) -> FileIndex {
    let mut b = Builder {
        index: FileIndex::default(),
        text,
    };
    let file_scope = b.scope(None, Span::new(0, usize::MAX));
    b.declare_items(&tree.items, file_scope, None);
    b.walk_items(&tree.items, file_scope);
    b.index.refs.sort_by_key(|r| r.span);
    b.index
}

impl FileIndex {
    /// The reference whose identifier contains `offset` (touching its end counts).
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        self.refs
            .iter()
            .filter(|r| r.span.contains(offset))
            .min_by_key(|r| r.span.len())
    }

    /// The definition whose identifier contains `offset`.
    pub fn def_at(&self, offset: usize) -> Option<DefId> {
        self.defs.iter().position(|d| d.span.contains(offset))
    }

    /// What the name at `offset` points at: a definition's own name counts as a use of it.
    pub fn target_at(&self, offset: usize) -> Option<(Span, Target)> {
        if let Some(def) = self.def_at(offset) {
            return Some((self.defs[def].span, Target::Def(def)));
        }
        self.reference_at(offset)
            .map(|r| (r.span, r.target.clone()))
    }

    /// The innermost scope containing `offset`.
    pub fn scope_at(&self, offset: usize) -> ScopeId {
        (0..self.scopes.len())
            .filter(|&s| self.scopes[s].span.start <= offset && offset <= self.scopes[s].span.end)
            .min_by_key(|&s| self.scopes[s].span.len())
            .unwrap_or(0)
    }

    /// Looks a name up from a scope outwards.
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Option<DefId> {
        let mut current = Some(scope);
        while let Some(s) = current {
            if let Some(&def) = self.scopes[s]
                .defs
                .iter()
                .find(|&&d| self.defs[d].name == name && self.defs[d].kind.is_name())
            {
                return Some(def);
            }
            current = self.scopes[s].parent;
        }
        None
    }

    /// Every name visible from `scope`, innermost first, each name once.
    pub fn visible(&self, scope: ScopeId) -> Vec<DefId> {
        let mut out: Vec<DefId> = Vec::new();
        let mut current = Some(scope);
        while let Some(s) = current {
            for &def in &self.scopes[s].defs {
                let d = &self.defs[def];
                if d.kind.is_name() && !out.iter().any(|&o| self.defs[o].name == d.name) {
                    out.push(def);
                }
            }
            current = self.scopes[s].parent;
        }
        out
    }

    /// The members of a scope as `stack.name` or an instance reads them: names, then outputs.
    pub fn members(&self, scope: ScopeId) -> Vec<DefId> {
        let mut out: Vec<DefId> = Vec::new();
        for pass in [true, false] {
            for &def in &self.scopes[scope].defs {
                let d = &self.defs[def];
                if d.kind.is_name() == pass && !out.iter().any(|&o| self.defs[o].name == d.name) {
                    out.push(def);
                }
            }
        }
        out
    }

    /// The definition named `name` at the top level of the file (what importers see).
    pub fn top_level(&self, name: &str) -> Option<DefId> {
        self.scopes
            .first()?
            .defs
            .iter()
            .copied()
            .find(|&d| self.defs[d].name == name && self.defs[d].kind.is_name())
    }

    /// The innermost record with known fields that contains `offset` (inside its braces).
    pub fn record_at(&self, offset: usize) -> Option<&RecordSite> {
        self.records
            .iter()
            .filter(|r| r.span.start < offset && offset < r.span.end.max(r.span.start + 1))
            .min_by_key(|r| r.span.len())
    }
}

struct Builder<'t> {
    index: FileIndex,
    text: &'t str,
}

impl Builder<'_> {
    fn scope(&mut self, parent: Option<ScopeId>, span: Span) -> ScopeId {
        self.index.scopes.push(Scope {
            parent,
            span,
            defs: Vec::new(),
        });
        self.index.scopes.len() - 1
    }

    fn def(&mut self, scope: ScopeId, def: Def) -> DefId {
        let id = self.index.defs.len();
        self.index.defs.push(def);
        self.index.scopes[scope].defs.push(id);
        id
    }

    fn refer(&mut self, span: Span, target: Target) {
        self.index.refs.push(Reference { span, target });
    }

    /// The span of `name` inside `span` (parentheses grow a name's span).
    fn name_span(&self, name: &str, span: Span) -> Span {
        match self
            .text
            .get(span.start..span.end)
            .and_then(|t| t.find(name))
        {
            Some(at) if span.len() != name.len() => {
                Span::new(span.start + at, span.start + at + name.len())
            }
            _ => span,
        }
    }

    // ---- pass 1: declarations

    /// Declares the names of `items` in `scope` (and, when `lift` is set, in that scope too: the
    /// declarations of `if`/`for` blocks are visible in the enclosing scope).
    fn declare_items(&mut self, items: &[Item], scope: ScopeId, lift: Option<ScopeId>) {
        for item in items {
            let simple = |name: &ast::Ident, kind: DefKind, detail: Detail| Def {
                name: name.name.clone(),
                kind,
                span: name.span,
                full: item.span,
                doc: item.doc.clone(),
                scope,
                body: None,
                detail,
            };
            let def = match &item.kind {
                ItemKind::Import(import) => {
                    let path = match &import.target {
                        ImportTarget::Std(segments) => {
                            format!(
                                "std.{}",
                                segments
                                    .iter()
                                    .map(|s| s.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(".")
                            )
                        }
                        ImportTarget::File { path, .. } => format!("{path:?}"),
                    };
                    Some(simple(
                        &import.alias,
                        DefKind::Import,
                        Detail::Import { path },
                    ))
                }
                ItemKind::Param(param) => Some(simple(
                    &param.name,
                    DefKind::Param,
                    Detail::Typed {
                        ty: param.ty.clone(),
                        default: param.default.as_ref().map(crate::syntax::print_expr),
                    },
                )),
                ItemKind::Let(decl) => {
                    let detail = match (&decl.value.kind, &decl.ty) {
                        (ExprKind::Instantiate { component, .. }, _) => {
                            match self.component_target(component, scope) {
                                Some(component) => Detail::Instance { component },
                                None => Detail::None,
                            }
                        }
                        (_, Some(ty)) => Detail::Typed {
                            ty: ty.clone(),
                            default: None,
                        },
                        _ => Detail::None,
                    };
                    Some(simple(&decl.name, DefKind::Let, detail))
                }
                ItemKind::Type(alias) => Some(simple(
                    &alias.name,
                    DefKind::Type,
                    Detail::Alias {
                        ty: alias.ty.clone(),
                    },
                )),
                ItemKind::Fn(decl) => {
                    let params = decl
                        .params
                        .iter()
                        .map(|p| ParamText {
                            name: p.name.name.clone(),
                            ty: crate::syntax::print_type(&p.ty),
                            default: p.default.as_ref().map(crate::syntax::print_expr),
                            doc: None,
                        })
                        .collect();
                    let ret = decl.ret.as_ref().map(crate::syntax::print_type);
                    Some(simple(&decl.name, DefKind::Fn, Detail::Fn { params, ret }))
                }
                ItemKind::Component(c) => Some(simple(&c.name, DefKind::Component, Detail::None)),
                ItemKind::Resource(r) => Some(simple(
                    &r.name,
                    DefKind::Resource,
                    Detail::Resource {
                        type_name: r.type_name.name.clone(),
                    },
                )),
                ItemKind::Output(o) => Some(simple(&o.name, DefKind::Output, Detail::None)),
                ItemKind::Stack(s) => Some(simple(&s.name, DefKind::Stack, Detail::None)),
                ItemKind::If(branch) => {
                    let then_end = branch
                        .else_items
                        .first()
                        .map_or(item.span.end, |i| i.span.start);
                    let then_scope =
                        self.scope(Some(scope), Span::new(branch.condition.span.end, then_end));
                    self.declare_items(&branch.then_items, then_scope, Some(lift.unwrap_or(scope)));
                    let else_scope = self.scope(Some(scope), Span::new(then_end, item.span.end));
                    self.declare_items(&branch.else_items, else_scope, Some(lift.unwrap_or(scope)));
                    None
                }
                ItemKind::For(each) => {
                    let body = self.scope(
                        Some(scope),
                        Span::new(each.iterable.span.end, item.span.end),
                    );
                    let var = Def {
                        name: each.var.name.clone(),
                        kind: DefKind::LoopVar,
                        span: each.var.span,
                        full: item.span,
                        doc: None,
                        scope: body,
                        body: None,
                        detail: Detail::None,
                    };
                    self.def(body, var);
                    self.declare_items(&each.items, body, Some(lift.unwrap_or(scope)));
                    None
                }
                ItemKind::Check(_) | ItemKind::Tags(_) => None,
            };
            if let Some(def) = def {
                let id = self.def(scope, def);
                if let Some(outer) = lift {
                    self.index.scopes[outer].defs.push(id);
                }
                let body = match &item.kind {
                    ItemKind::Stack(ast::Stack { items, .. })
                    | ItemKind::Component(ast::Component { items, .. }) => {
                        let body = self.scope(Some(scope), item.span);
                        self.declare_items(items, body, None);
                        Some(body)
                    }
                    ItemKind::Fn(decl) => {
                        let body = self.scope(Some(scope), item.span);
                        for p in &decl.params {
                            let detail = Detail::Typed {
                                ty: p.ty.clone(),
                                default: p.default.as_ref().map(crate::syntax::print_expr),
                            };
                            let def = Def {
                                name: p.name.name.clone(),
                                kind: DefKind::FnParam,
                                span: p.name.span,
                                full: p.name.span.to(p.ty.span),
                                doc: None,
                                scope: body,
                                body: None,
                                detail,
                            };
                            self.def(body, def);
                        }
                        Some(body)
                    }
                    _ => None,
                };
                self.index.defs[id].body = body;
            }
        }
    }

    /// The target of a component path: `Name` or `module.Name` (`None` for anything else).
    fn component_target(&self, component: &Expr, scope: ScopeId) -> Option<Target> {
        match &component.kind {
            ExprKind::Name(name) => Some(match self.index.lookup(scope, name) {
                Some(def) => Target::Def(def),
                None => Target::Unresolved(name.clone()),
            }),
            ExprKind::Field { base, name } => {
                let (root, mut path) = field_chain(base)?;
                path.push(name.name.clone());
                let base = self.index.lookup(scope, root)?;
                Some(Target::Member { base, path })
            }
            _ => None,
        }
    }

    // ---- pass 2: references

    /// The scope a declaration opened in pass 1 (found by its identifier).
    fn body_of(&self, name: &ast::Ident) -> Option<ScopeId> {
        self.index
            .defs
            .iter()
            .find(|d| d.span == name.span)
            .and_then(|d| d.body)
    }

    /// The scope of a branch or loop body declared in pass 1 (found by its text range).
    fn block_scope(&self, parent: ScopeId, start: usize) -> ScopeId {
        self.index
            .scopes
            .iter()
            .position(|s| s.parent == Some(parent) && s.span.start == start)
            .unwrap_or(parent)
    }

    fn walk_items(&mut self, items: &[Item], scope: ScopeId) {
        for item in items {
            match &item.kind {
                ItemKind::Import(import) => {
                    if let Some(def) = self
                        .index
                        .defs
                        .iter()
                        .position(|d| d.span == import.alias.span && d.kind == DefKind::Import)
                    {
                        let span = match &import.target {
                            ImportTarget::Std(segments) => segments
                                .first()
                                .map_or(item.span, |s| s.span)
                                .to(segments.last().map_or(item.span, |s| s.span)),
                            ImportTarget::File { span, .. } => *span,
                        };
                        if span != import.alias.span {
                            self.refer(span, Target::Module(def));
                        }
                    }
                }
                ItemKind::Param(param) => {
                    self.walk_type(&param.ty, scope);
                    if let Some(default) = &param.default {
                        self.walk_expr(default, scope);
                    }
                    if let Some(options) = &param.options {
                        self.walk_expr(options, scope);
                    }
                }
                ItemKind::Let(decl) => self.walk_let(decl, scope),
                ItemKind::Type(alias) => self.walk_type(&alias.ty, scope),
                ItemKind::Fn(decl) => {
                    let body = self.body_of(&decl.name).unwrap_or(scope);
                    for p in &decl.params {
                        self.walk_type(&p.ty, scope);
                        if let Some(default) = &p.default {
                            self.walk_expr(default, scope);
                        }
                    }
                    if let Some(ret) = &decl.ret {
                        self.walk_type(ret, scope);
                    }
                    self.walk_expr(&decl.body, body);
                }
                ItemKind::Component(ast::Component { name, items })
                | ItemKind::Stack(ast::Stack { name, items }) => {
                    let body = self.body_of(name).unwrap_or(scope);
                    self.walk_items(items, body);
                }
                ItemKind::Resource(r) => {
                    self.refer(
                        r.type_name.span,
                        Target::ResourceType(r.type_name.name.clone()),
                    );
                    self.walk_properties(&r.properties, &r.type_name.name, &[], scope);
                    if let Some(options) = &r.options {
                        if let ExprKind::Record(entries) = &options.kind {
                            self.site(options.span, Expected::Options, entries);
                            for entry in entries {
                                match entry {
                                    RecordEntry::Field { key, value } => {
                                        self.refer(
                                            key.span,
                                            Target::ResourceOption(key.name.clone()),
                                        );
                                        self.walk_expr(value, scope);
                                    }
                                    RecordEntry::Spread(e) => self.walk_expr(e, scope),
                                }
                            }
                        } else {
                            self.walk_expr(options, scope);
                        }
                    }
                }
                ItemKind::Output(o) => {
                    self.walk_expr(&o.value, scope);
                    if let Some(export) = &o.export {
                        self.walk_expr(export, scope);
                    }
                }
                ItemKind::Check(check) => {
                    self.walk_expr(&check.condition, scope);
                    if let Some(message) = &check.message {
                        self.walk_expr(message, scope);
                    }
                }
                ItemKind::Tags(tags) => self.walk_expr(tags, scope),
                ItemKind::If(branch) => {
                    self.walk_expr(&branch.condition, scope);
                    let then_scope = self.block_scope(scope, branch.condition.span.end);
                    self.walk_items(&branch.then_items, then_scope);
                    let then_end = branch
                        .else_items
                        .first()
                        .map_or(item.span.end, |i| i.span.start);
                    let else_scope = self.block_scope(scope, then_end);
                    self.walk_items(&branch.else_items, else_scope);
                }
                ItemKind::For(each) => {
                    self.walk_expr(&each.iterable, scope);
                    let body = self.block_scope(scope, each.iterable.span.end);
                    self.walk_items(&each.items, body);
                }
            }
        }
    }

    fn walk_let(&mut self, decl: &ast::Let, scope: ScopeId) {
        if let Some(ty) = &decl.ty {
            self.walk_type(ty, scope);
            self.walk_expected(
                &decl.value,
                Expected::Type {
                    ty: ty.clone(),
                    scope,
                },
                scope,
            );
        } else {
            self.walk_expr(&decl.value, scope);
        }
    }

    fn site(&mut self, span: Span, expected: Expected, entries: &[RecordEntry]) {
        let keys = entries
            .iter()
            .filter_map(|e| match e {
                RecordEntry::Field { key, .. } => Some(key.name.clone()),
                RecordEntry::Spread(_) => None,
            })
            .collect();
        self.index.records.push(RecordSite {
            span,
            expected,
            keys,
        });
    }

    /// A value whose record fields are known from `expected`; records nested in it get the
    /// expected type of their field.
    fn walk_expected(&mut self, value: &Expr, expected: Expected, scope: ScopeId) {
        match &value.kind {
            ExprKind::Record(entries) => {
                self.site(value.span, expected.clone(), entries);
                for entry in entries {
                    match entry {
                        RecordEntry::Field { key, value } => {
                            let inner = Expected::Field {
                                parent: Box::new(expected.clone()),
                                name: key.name.clone(),
                            };
                            self.walk_expected(value, inner, scope);
                        }
                        RecordEntry::Spread(e) => self.walk_expr(e, scope),
                    }
                }
            }
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                self.walk_expr(condition, scope);
                self.walk_expected(then_branch, expected.clone(), scope);
                self.walk_expected(else_branch, expected, scope);
            }
            ExprKind::Match { scrutinee, arms } => {
                self.walk_expr(scrutinee, scope);
                for arm in arms {
                    self.walk_expected(&arm.body, expected.clone(), scope);
                }
            }
            _ => self.walk_expr(value, scope),
        }
    }

    /// A resource's properties (or a value nested in them, at `path`).
    fn walk_properties(&mut self, value: &Expr, type_name: &str, path: &[String], scope: ScopeId) {
        match &value.kind {
            ExprKind::Record(entries) => {
                let expected = Expected::Properties {
                    type_name: type_name.to_string(),
                    path: path.to_vec(),
                };
                self.site(value.span, expected, entries);
                for entry in entries {
                    match entry {
                        RecordEntry::Field { key, value } => {
                            let mut inner = path.to_vec();
                            inner.push(key.name.clone());
                            self.refer(
                                key.span,
                                Target::Property {
                                    type_name: type_name.to_string(),
                                    path: inner.clone(),
                                },
                            );
                            self.walk_properties(value, type_name, &inner, scope);
                        }
                        RecordEntry::Spread(e) => self.walk_expr(e, scope),
                    }
                }
            }
            ExprKind::List(items) => items
                .iter()
                .for_each(|i| self.walk_properties(i, type_name, path, scope)),
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                self.walk_expr(condition, scope);
                self.walk_properties(then_branch, type_name, path, scope);
                self.walk_properties(else_branch, type_name, path, scope);
            }
            ExprKind::Block { lets, value } if lets.is_empty() => {
                self.walk_properties(value, type_name, path, scope)
            }
            ExprKind::ListFor(c) => {
                let local = self.scope(Some(scope), value.span);
                self.walk_expr(&c.iterable, scope);
                self.loop_vars(c.index_var.as_ref(), &c.var, value.span, local);
                if let Some(cond) = &c.condition {
                    self.walk_expr(cond, local);
                }
                self.walk_properties(&c.body, type_name, path, local);
            }
            _ => self.walk_expr(value, scope),
        }
    }

    fn loop_vars(
        &mut self,
        index: Option<&ast::Ident>,
        var: &ast::Ident,
        full: Span,
        scope: ScopeId,
    ) {
        for ident in index.into_iter().chain(std::iter::once(var)) {
            let def = Def {
                name: ident.name.clone(),
                kind: DefKind::LoopVar,
                span: ident.span,
                full,
                doc: None,
                scope,
                body: None,
                detail: Detail::None,
            };
            self.def(scope, def);
        }
    }

    fn walk_expr(&mut self, expr: &Expr, scope: ScopeId) {
        match &expr.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Number(_) => {}
            ExprKind::Name(name) => {
                let span = self.name_span(name, expr.span);
                let target = self.name_target(name, scope);
                self.refer(span, target);
            }
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(e) = part {
                        self.walk_expr(e, scope);
                    }
                }
            }
            ExprKind::List(items) => items.iter().for_each(|i| self.walk_expr(i, scope)),
            ExprKind::ListFor(c) => {
                self.walk_expr(&c.iterable, scope);
                let local = self.scope(Some(scope), expr.span);
                self.loop_vars(c.index_var.as_ref(), &c.var, expr.span, local);
                if let Some(cond) = &c.condition {
                    self.walk_expr(cond, local);
                }
                self.walk_expr(&c.body, local);
            }
            ExprKind::MapFor(c) => {
                self.walk_expr(&c.iterable, scope);
                let local = self.scope(Some(scope), expr.span);
                self.loop_vars(c.index_var.as_ref(), &c.var, expr.span, local);
                if let Some(cond) = &c.condition {
                    self.walk_expr(cond, local);
                }
                self.walk_expr(&c.key, local);
                self.walk_expr(&c.value, local);
            }
            ExprKind::Record(entries) => {
                for entry in entries {
                    match entry {
                        RecordEntry::Field { value, .. } => self.walk_expr(value, scope),
                        RecordEntry::Spread(e) => self.walk_expr(e, scope),
                    }
                }
            }
            ExprKind::Field { base, name } => match field_chain(base) {
                Some((root, mut path)) => {
                    let root_span = leftmost_span(base);
                    let root_span = self.name_span(root, root_span);
                    let root_target = self.name_target(root, scope);
                    self.refer(root_span, root_target.clone());
                    // every member of the chain: `a.b` (when `base` is longer) and `a.b.name`
                    let mut spans = Vec::new();
                    member_spans(base, &mut spans);
                    path.push(name.name.clone());
                    spans.push(name.span);
                    for (i, span) in spans.into_iter().enumerate() {
                        let target = match &root_target {
                            Target::Def(def) => Target::Member {
                                base: *def,
                                path: path[..=i].to_vec(),
                            },
                            Target::Builtin(b) if b == "aws" && i == 0 => {
                                Target::Aws(Some(path[0].clone()))
                            }
                            _ => continue,
                        };
                        self.refer(span, target);
                    }
                }
                None => self.walk_expr(base, scope),
            },
            ExprKind::Index { base, index } => {
                self.walk_expr(base, scope);
                self.walk_expr(index, scope);
            }
            ExprKind::Call { callee, args } => {
                self.walk_expr(callee, scope);
                args.iter().for_each(|a| self.walk_expr(a, scope));
            }
            ExprKind::Instantiate { component, args } => {
                self.walk_expr(component, scope);
                let target = self.component_target(component, scope);
                if let Some(target) = &target {
                    self.site(
                        expr.span,
                        Expected::Args {
                            component: target.clone(),
                        },
                        args,
                    );
                }
                for entry in args {
                    match entry {
                        RecordEntry::Field { key, value } => {
                            if let Some(target) = &target {
                                let arg = Target::Arg {
                                    component: Box::new(target.clone()),
                                    name: key.name.clone(),
                                };
                                self.refer(key.span, arg);
                                let expected = Expected::ParamOf {
                                    component: target.clone(),
                                    name: key.name.clone(),
                                };
                                self.walk_expected(value, expected, scope);
                            } else {
                                self.walk_expr(value, scope);
                            }
                        }
                        RecordEntry::Spread(e) => self.walk_expr(e, scope),
                    }
                }
            }
            ExprKind::Unary { operand, .. } => self.walk_expr(operand, scope),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.walk_expr(lhs, scope);
                self.walk_expr(rhs, scope);
            }
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                self.walk_expr(condition, scope);
                self.walk_expr(then_branch, scope);
                self.walk_expr(else_branch, scope);
            }
            ExprKind::Match { scrutinee, arms } => {
                self.walk_expr(scrutinee, scope);
                arms.iter().for_each(|arm| self.walk_expr(&arm.body, scope));
            }
            ExprKind::Range { start, end } => {
                self.walk_expr(start, scope);
                self.walk_expr(end, scope);
            }
            ExprKind::Block { lets, value } => {
                let local = self.scope(Some(scope), expr.span);
                for decl in lets {
                    let def = Def {
                        name: decl.name.name.clone(),
                        kind: DefKind::Local,
                        span: decl.name.span,
                        full: decl.name.span.to(decl.value.span),
                        doc: None,
                        scope: local,
                        body: None,
                        detail: match &decl.ty {
                            Some(ty) => Detail::Typed {
                                ty: ty.clone(),
                                default: None,
                            },
                            None => Detail::None,
                        },
                    };
                    self.def(local, def);
                }
                for decl in lets {
                    self.walk_let(decl, local);
                }
                self.walk_expr(value, local);
            }
        }
    }

    fn name_target(&self, name: &str, scope: ScopeId) -> Target {
        match self.index.lookup(scope, name) {
            Some(def) => Target::Def(def),
            None if name == "aws" => Target::Aws(None),
            None if BUILTINS.contains(&name) => Target::Builtin(name.to_string()),
            None => Target::Unresolved(name.to_string()),
        }
    }

    fn walk_type(&mut self, ty: &TypeExpr, scope: ScopeId) {
        match &ty.kind {
            TypeExprKind::Named(path) => {
                let Some(first) = path.first() else { return };
                if path.len() == 1
                    && matches!(
                        first.name.as_str(),
                        "int" | "string" | "number" | "bool" | "null"
                    )
                {
                    return;
                }
                let Some(def) = self.index.lookup(scope, &first.name) else {
                    self.refer(first.span, Target::Unresolved(first.name.clone()));
                    return;
                };
                self.refer(first.span, Target::Def(def));
                for i in 1..path.len() {
                    let names = path[1..=i].iter().map(|p| p.name.clone()).collect();
                    self.refer(
                        path[i].span,
                        Target::Member {
                            base: def,
                            path: names,
                        },
                    );
                }
            }
            TypeExprKind::Resource(name) => self.refer(ty.span, Target::ResourceType(name.clone())),
            TypeExprKind::StrLit(_) => {}
            TypeExprKind::Union(members) => members.iter().for_each(|m| self.walk_type(m, scope)),
            TypeExprKind::Optional(inner)
            | TypeExprKind::List(inner)
            | TypeExprKind::Map(inner) => self.walk_type(inner, scope),
            TypeExprKind::Record(fields) => {
                fields.iter().for_each(|f| self.walk_type(&f.ty, scope))
            }
            TypeExprKind::Fn(params, ret) => {
                params.iter().for_each(|p| self.walk_type(p, scope));
                self.walk_type(ret, scope);
            }
        }
    }
}

/// `a.b.c` as its root name and the names after it (`("a", ["b", "c"])`); `None` when the chain
/// does not start with a name.
pub fn field_chain(expr: &Expr) -> Option<(&str, Vec<String>)> {
    match &expr.kind {
        ExprKind::Name(name) => Some((name, Vec::new())),
        ExprKind::Field { base, name } => {
            let (root, mut path) = field_chain(base)?;
            path.push(name.name.clone());
            Some((root, path))
        }
        _ => None,
    }
}

/// The span of the root name of a field chain.
fn leftmost_span(expr: &Expr) -> Span {
    match &expr.kind {
        ExprKind::Field { base, .. } => leftmost_span(base),
        _ => expr.span,
    }
}

/// The spans of the member names of a chain, in order (`b`, `c` of `a.b.c`).
fn member_spans(expr: &Expr, out: &mut Vec<Span>) {
    if let ExprKind::Field { base, name } = &expr.kind {
        member_spans(base, out);
        out.push(name.span);
    }
}

// ---------------------------------------------------------------------------------------------
// the expressions around an offset

/// The expressions containing `offset`, outermost first (for signature help and completion).
pub fn expressions_at(tree: &ast::File, offset: usize) -> Vec<&Expr> {
    let mut out = Vec::new();
    items_at(&tree.items, offset, &mut out);
    out
}

fn items_at<'t>(items: &'t [Item], offset: usize, out: &mut Vec<&'t Expr>) {
    for item in items
        .iter()
        .filter(|i| i.span.start <= offset && offset <= i.span.end)
    {
        let roots: Vec<&Expr> = match &item.kind {
            ItemKind::Param(p) => p.default.iter().chain(p.options.iter()).collect(),
            ItemKind::Let(l) => vec![&l.value],
            ItemKind::Fn(f) => f
                .params
                .iter()
                .filter_map(|p| p.default.as_ref())
                .chain(std::iter::once(&f.body))
                .collect(),
            ItemKind::Resource(r) => std::iter::once(&r.properties)
                .chain(r.options.iter())
                .collect(),
            ItemKind::Output(o) => std::iter::once(&o.value).chain(o.export.iter()).collect(),
            ItemKind::Check(c) => std::iter::once(&c.condition)
                .chain(c.message.iter())
                .collect(),
            ItemKind::Tags(t) => vec![t],
            ItemKind::If(b) => {
                items_at(&b.then_items, offset, out);
                items_at(&b.else_items, offset, out);
                vec![&b.condition]
            }
            ItemKind::For(f) => {
                items_at(&f.items, offset, out);
                vec![&f.iterable]
            }
            ItemKind::Component(ast::Component { items, .. })
            | ItemKind::Stack(ast::Stack { items, .. }) => {
                items_at(items, offset, out);
                Vec::new()
            }
            ItemKind::Import(_) | ItemKind::Type(_) => Vec::new(),
        };
        for root in roots {
            expr_at(root, offset, out);
        }
    }
}

fn expr_at<'t>(expr: &'t Expr, offset: usize, out: &mut Vec<&'t Expr>) {
    if !(expr.span.start <= offset && offset <= expr.span.end) {
        return;
    }
    out.push(expr);
    let mut visit = |e: &'t Expr| expr_at(e, offset, out);
    match &expr.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Number(_)
        | ExprKind::Name(_) => {}
        ExprKind::Str(parts) => parts.iter().for_each(|p| {
            if let StrPart::Interp(e) = p {
                visit(e)
            }
        }),
        ExprKind::List(items) => items.iter().for_each(visit),
        ExprKind::ListFor(c) => {
            visit(&c.iterable);
            c.condition.iter().for_each(&mut visit);
            visit(&c.body);
        }
        ExprKind::MapFor(c) => {
            visit(&c.iterable);
            c.condition.iter().for_each(&mut visit);
            visit(&c.key);
            visit(&c.value);
        }
        ExprKind::Record(entries) | ExprKind::Instantiate { args: entries, .. } => {
            if let ExprKind::Instantiate { component, .. } = &expr.kind {
                visit(component);
            }
            for entry in entries {
                match entry {
                    RecordEntry::Field { value, .. } => visit(value),
                    RecordEntry::Spread(e) => visit(e),
                }
            }
        }
        ExprKind::Field { base, .. } => visit(base),
        ExprKind::Index { base, index } => {
            visit(base);
            visit(index);
        }
        ExprKind::Call { callee, args } => {
            visit(callee);
            args.iter().for_each(visit);
        }
        ExprKind::Unary { operand, .. } => visit(operand),
        ExprKind::Binary { lhs, rhs, .. }
        | ExprKind::Range {
            start: lhs,
            end: rhs,
        } => {
            visit(lhs);
            visit(rhs);
        }
        ExprKind::If {
            condition,
            then_branch,
            else_branch,
        } => {
            visit(condition);
            visit(then_branch);
            visit(else_branch);
        }
        ExprKind::Match { scrutinee, arms } => {
            visit(scrutinee);
            arms.iter().for_each(|a| visit(&a.body));
        }
        ExprKind::Block { lets, value } => {
            lets.iter().for_each(|l| visit(&l.value));
            visit(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> FileIndex {
        let (tree, diagnostics) = crate::syntax::parse_file("main.cvl", text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        build(&tree, text)
    }

    #[test]
    fn names_resolve_through_scopes_and_blocks() {
        let text = "let a = 1\nstack s {\n  let b = a\n  if true { let c = b }\n  output o = c\n}\nfn f(x: int) -> int { let y = x  y + a }\n";
        let idx = index(text);
        let name_of = |r: &Reference| match &r.target {
            Target::Def(d) => idx.defs[*d].name.clone(),
            other => format!("{other:?}"),
        };
        let refs: Vec<(String, String)> = idx
            .refs
            .iter()
            .map(|r| (text[r.span.start..r.span.end].to_string(), name_of(r)))
            .collect();
        for (written, target) in &refs {
            assert_eq!(written, target, "{refs:?}");
        }
        assert_eq!(refs.len(), 6);
    }

    #[test]
    fn members_args_and_properties_are_recorded() {
        let text = "import std.vpc as vpc\nstack s {\n  let net = vpc.Network { name: \"x\" }\n  resource B: AWS::S3::Bucket { BucketName: net.vpc_id }\n  output arn = B.Arn\n}\n";
        let idx = index(text);
        let at = |needle: &str| {
            idx.reference_at(text.find(needle).unwrap())
                .map(|r| r.target.clone())
        };
        assert!(matches!(at("Network"), Some(Target::Member { path, .. }) if path == ["Network"]));
        assert!(matches!(at("name:"), Some(Target::Arg { name, .. }) if name == "name"));
        assert!(
            matches!(at("BucketName"), Some(Target::Property { path, .. }) if path == ["BucketName"])
        );
        assert!(matches!(at("vpc_id"), Some(Target::Member { path, .. }) if path == ["vpc_id"]));
        assert!(matches!(at("Arn"), Some(Target::Member { path, .. }) if path == ["Arn"]));
        assert!(matches!(at("vpc as"), Some(Target::Module(_))));
        let net = idx.defs.iter().find(|d| d.name == "net").unwrap();
        assert!(matches!(net.detail, Detail::Instance { .. }));
        assert_eq!(idx.records.len(), 2);
    }
}
