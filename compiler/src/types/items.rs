//! The checker's driver. Four passes over a file:
//!
//! 1. collect: every declaration into the scope it is declared in (`duplicate-definition`,
//!    `misplaced-declaration`); names of `if`/`for` blocks are lifted into the enclosing scope;
//! 2. graph: the declarations each declaration reads; its cycles are `recursion`;
//! 3. type: each declaration once, dependencies first (so typing never recurses along a chain of
//!    declarations), memoized with an in-progress marker as a guard;
//! 4. check what declares nothing: resources, checks, `if` conditions, tags.

use super::error;
use super::scope::{self, Decl, DeclId, DeclKind, Lift, Ref, Scope, ScopeId, ScopeKind};
use super::ty::{self, ComponentParam, ComponentTy, Field, FnTy, ParamTy, StackTy, Ty};
use super::{CheckInput, CheckOutput, Member, ModuleInterface, ParamInterface, Symbol, SymbolKind};
use crate::diagnostic::{Code, Diagnostic, sort_and_dedup};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, Ident, Item, ItemKind, TypeExpr, TypeExprKind};
use indexmap::IndexMap;
use std::sync::Arc;

/// How deeply a declaration's type may nest (the parser's limit for written types).
const MAX_TYPE_DEPTH: usize = 256;

pub(crate) enum State {
    NotStarted,
    InProgress,
    Done(Ty),
}

pub(crate) struct Checker<'a> {
    pub file: &'a str,
    pub imports: &'a IndexMap<String, Option<Arc<ModuleInterface>>>,
    pub is_entry: bool,
    pub scopes: Vec<Scope>,
    pub decls: Vec<Decl<'a>>,
    pub states: Vec<State>,
    pub diags: Vec<Diagnostic>,
    pub symbols: Vec<Symbol>,
    /// Items that declare nothing, checked last: (the scope they are in, the item).
    pub deferred: Vec<(ScopeId, &'a Item)>,
    // ---- the context of the expression being checked
    /// The scope names resolve in (after the locals).
    pub scope: ScopeId,
    /// Comprehension variables and block lets, innermost last.
    pub locals: Vec<(String, Ty)>,
    /// Whether the expression being checked may be a component instance (set by a `let` of a
    /// stack or component for its value; every other expression clears it).
    pub instance_allowed: bool,
    /// The stack position where checking started, for the stack budget of `check`.
    pub stack_base: usize,
    /// Whether running out of stack budget was reported (once per file).
    pub stack_reported: bool,
}

pub(crate) fn run(input: CheckInput<'_>) -> CheckOutput {
    let mut c = Checker {
        file: input.file,
        imports: input.imports,
        is_entry: input.is_entry,
        scopes: vec![Scope::new(ScopeKind::File, None)],
        decls: Vec::new(),
        states: Vec::new(),
        diags: Vec::new(),
        symbols: Vec::new(),
        deferred: Vec::new(),
        scope: 0,
        locals: Vec::new(),
        instance_allowed: false,
        stack_base: {
            let marker = 0u8;
            std::hint::black_box(std::ptr::addr_of!(marker)) as usize
        },
        stack_reported: false,
    };
    c.collect(&input.ast.items, 0);
    let edges = c.graph();
    c.type_all(&edges);
    let deferred = std::mem::take(&mut c.deferred);
    for (scope, item) in deferred {
        c.check_deferred(scope, item);
    }
    c.finish()
}

impl<'a> Checker<'a> {
    // ------------------------------------------------------------------------------------------
    // diagnostics

    pub(crate) fn error(&mut self, code: Code, span: Span, message: String) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, self.file, span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// Reports an error with a "did you mean" over `known`.
    pub(crate) fn error_suggest<'k>(
        &mut self,
        code: Code,
        span: Span,
        message: String,
        wrong: &str,
        known: impl IntoIterator<Item = &'k str>,
    ) {
        let d = Diagnostic::error(code, self.file, span, message).with_suggestion(wrong, known);
        self.diags.push(d);
    }

    // ------------------------------------------------------------------------------------------
    // pass 1: collect

    fn new_scope(&mut self, kind: ScopeKind, parent: ScopeId) -> ScopeId {
        self.scopes.push(Scope::new(kind, Some(parent)));
        self.scopes.len() - 1
    }

    fn declare(
        &mut self,
        ident: &Ident,
        doc: Option<&'a str>,
        kind: DeclKind<'a>,
        scope: ScopeId,
    ) -> DeclId {
        let id = self.decls.len();
        self.decls.push(Decl {
            name: ident.name.clone(),
            span: ident.span,
            doc,
            kind,
            scope,
        });
        self.states.push(State::NotStarted);
        self.bind(scope, id);
        id
    }

    fn bind(&mut self, scope: ScopeId, id: DeclId) {
        let name = self.decls[id].name.clone();
        let is_output = matches!(self.origin(id), DeclKind::Output(_));
        fn namespace(s: &mut Scope, is_output: bool) -> &mut IndexMap<String, DeclId> {
            if is_output {
                &mut s.outputs
            } else {
                &mut s.names
            }
        }
        if let Some(&first) = namespace(&mut self.scopes[scope], is_output).get(&name) {
            let (span, first_span) = (self.decls[id].span, self.decls[first].span);
            let d = Diagnostic::error(
                Code::DuplicateDefinition,
                self.file,
                span,
                error::duplicate_definition(&name),
            )
            .with_label(first_span, error::FIRST_DECLARED_HERE);
            self.diags.push(d);
        } else {
            namespace(&mut self.scopes[scope], is_output).insert(name, id);
        }
    }

    /// The stack, component or file a scope belongs to.
    pub(crate) fn container(&self, mut scope: ScopeId) -> ScopeKind {
        loop {
            let s = &self.scopes[scope];
            match (s.kind, s.parent) {
                (ScopeKind::Branch | ScopeKind::For, Some(parent)) => scope = parent,
                (kind, _) => return kind,
            }
        }
    }

    fn misplaced(&mut self, span: Span, what: &str, rule: &str) {
        self.error(
            Code::MisplacedDeclaration,
            span,
            error::misplaced(what, rule),
        );
    }

    fn collect(&mut self, items: &'a [Item], scope: ScopeId) {
        for item in items {
            self.collect_item(item, scope);
        }
    }

    fn collect_item(&mut self, item: &'a Item, scope: ScopeId) {
        let kind = self.scopes[scope].kind;
        let top = kind == ScopeKind::File;
        // resources, outputs, checks, `if` and `for` belong to stacks and components, and to
        // the entry file's top level (its `main` stack); in a module's top level they are
        // misplaced (reported once, at the outermost item).
        let stack_item_misplaced = top && !self.is_entry;
        let doc = item.doc.as_deref();
        match &item.kind {
            ItemKind::Import(i) => {
                if !top {
                    self.misplaced(i.alias.span, "an `import`", error::RULE_TOP_LEVEL);
                }
                self.declare(&i.alias, doc, DeclKind::Import(i), scope);
            }
            ItemKind::Param(p) => {
                if top && !self.is_entry {
                    self.misplaced(p.name.span, "a `param`", error::RULE_PARAM_MODULE);
                } else if !top && kind != ScopeKind::Component && kind != ScopeKind::Stack {
                    self.misplaced(p.name.span, "a `param`", error::RULE_PARAM);
                }
                if let Some(options) = &p.options
                    && kind != ScopeKind::Stack
                {
                    self.misplaced(options.span, "`with` options", error::RULE_PARAM_OPTIONS);
                }
                self.declare(&p.name, doc, DeclKind::Param(p), scope);
            }
            ItemKind::Let(l) => {
                self.declare(&l.name, doc, DeclKind::Let(l), scope);
            }
            ItemKind::Type(t) => {
                if !top {
                    self.misplaced(t.name.span, "a `type`", error::RULE_TOP_LEVEL);
                }
                self.declare(&t.name, doc, DeclKind::Type(t), scope);
            }
            ItemKind::Fn(f) => {
                if !top {
                    self.misplaced(f.name.span, "a `fn`", error::RULE_TOP_LEVEL);
                }
                let fn_scope = self.new_scope(ScopeKind::Fn, scope);
                for p in &f.params {
                    self.declare(&p.name, None, DeclKind::FnParam(p), fn_scope);
                }
                self.declare(
                    &f.name,
                    doc,
                    DeclKind::Fn {
                        decl: f,
                        scope: fn_scope,
                    },
                    scope,
                );
            }
            ItemKind::Component(c) => {
                if !top {
                    self.misplaced(c.name.span, "a `component`", error::RULE_TOP_LEVEL);
                }
                let inner = self.new_scope(ScopeKind::Component, scope);
                self.collect(&c.items, inner);
                self.declare(
                    &c.name,
                    doc,
                    DeclKind::Component {
                        decl: c,
                        scope: inner,
                    },
                    scope,
                );
            }
            ItemKind::Stack(s) => {
                if !(top && self.is_entry) {
                    self.misplaced(s.name.span, "a `stack`", error::RULE_STACK);
                }
                let inner = self.new_scope(ScopeKind::Stack, scope);
                self.collect(&s.items, inner);
                self.declare(
                    &s.name,
                    doc,
                    DeclKind::Stack {
                        decl: s,
                        scope: inner,
                    },
                    scope,
                );
            }
            ItemKind::Resource(r) => {
                if stack_item_misplaced {
                    self.misplaced(r.name.span, "a `resource`", error::RULE_MODULE_RESOURCES);
                }
                self.declare(&r.name, doc, DeclKind::Resource(r), scope);
                self.deferred.push((scope, item));
            }
            ItemKind::Output(o) => {
                if stack_item_misplaced {
                    self.misplaced(o.name.span, "an `output`", error::RULE_MODULE_RESOURCES);
                }
                self.declare(&o.name, doc, DeclKind::Output(o), scope);
            }
            ItemKind::Check(c) => {
                if stack_item_misplaced {
                    self.misplaced(c.condition.span, "a `check`", error::RULE_MODULE_RESOURCES);
                }
                self.deferred.push((scope, item));
            }
            ItemKind::If(i) => {
                if stack_item_misplaced {
                    self.misplaced(
                        i.condition.span,
                        "an `if` block",
                        error::RULE_MODULE_RESOURCES,
                    );
                }
                let then_scope = self.new_scope(ScopeKind::Branch, scope);
                self.collect(&i.then_items, then_scope);
                let else_scope = self.new_scope(ScopeKind::Branch, scope);
                self.collect(&i.else_items, else_scope);
                self.lift_if(then_scope, else_scope, scope, &i.condition);
                self.deferred.push((scope, item));
            }
            ItemKind::For(f) => {
                if stack_item_misplaced {
                    self.misplaced(f.var.span, "a `for` block", error::RULE_MODULE_RESOURCES);
                }
                let body = self.new_scope(ScopeKind::For, scope);
                self.declare(
                    &f.var,
                    None,
                    DeclKind::LoopVar {
                        iterable: &f.iterable,
                    },
                    body,
                );
                self.collect(&f.items, body);
                self.lift_for(body, scope);
            }
            ItemKind::Tags(value) => {
                if stack_item_misplaced {
                    self.misplaced(value.span, "a `tags` block", error::RULE_MODULE_RESOURCES);
                }
                self.deferred.push((scope, item));
            }
        }
    }

    fn lift_if(
        &mut self,
        then_scope: ScopeId,
        else_scope: ScopeId,
        parent: ScopeId,
        cond: &'a Expr,
    ) {
        // keyed by (is an output, name): names and outputs are separate namespaces
        let mut merged: IndexMap<(bool, String), (Option<DeclId>, Option<DeclId>)> =
            IndexMap::new();
        for (i, scope) in [then_scope, else_scope].into_iter().enumerate() {
            let s = &self.scopes[scope];
            let all = s.names.iter().map(|(n, id)| ((false, n.clone()), *id));
            for (key, id) in all.chain(s.outputs.iter().map(|(n, id)| ((true, n.clone()), *id))) {
                let slot = merged.entry(key).or_default();
                if i == 0 {
                    slot.0 = Some(id)
                } else {
                    slot.1 = Some(id)
                }
            }
        }
        for (_, (a, b)) in merged {
            let sources: Vec<DeclId> = a.into_iter().chain(b).collect();
            let lift = Lift::If {
                both: sources.len() == 2,
            };
            self.lift(sources, lift, Some(cond), parent);
        }
    }

    fn lift_for(&mut self, body: ScopeId, parent: ScopeId) {
        let s = &self.scopes[body];
        let ids: Vec<DeclId> = s
            .names
            .values()
            .chain(s.outputs.values())
            .copied()
            .collect();
        for id in ids {
            if !matches!(self.decls[id].kind, DeclKind::LoopVar { .. }) {
                self.lift(vec![id], Lift::For, None, parent);
            }
        }
    }

    fn lift(&mut self, sources: Vec<DeclId>, lift: Lift, cond: Option<&'a Expr>, parent: ScopeId) {
        let first = &self.decls[sources[0]];
        let decl = Decl {
            name: first.name.clone(),
            span: first.span,
            doc: first.doc,
            kind: DeclKind::Lifted {
                sources,
                lift,
                cond,
            },
            scope: parent,
        };
        let id = self.decls.len();
        self.decls.push(decl);
        self.states.push(State::NotStarted);
        self.bind(parent, id);
    }

    // ------------------------------------------------------------------------------------------
    // pass 2: the dependency graph

    /// The declaration `name` resolves to from `scope` (inner to outer), in type position
    /// (`types`: type aliases only) or in value position (everything but type aliases). A type
    /// and a value of one name in one scope are a duplicate; in nested scopes they do not shadow
    /// each other (`type Alarm` at the top, `resource Alarm` in a component).
    pub(crate) fn lookup_in(&self, mut scope: ScopeId, name: &str, types: bool) -> Option<DeclId> {
        loop {
            if let Some(&id) = self.scopes[scope].names.get(name)
                && matches!(self.decls[id].kind, DeclKind::Type(_)) == types
            {
                return Some(id);
            }
            scope = self.scopes[scope].parent?;
        }
    }

    /// A value: a let, param, function, component, resource, stack, import...
    pub(crate) fn lookup(&self, scope: ScopeId, name: &str) -> Option<DeclId> {
        self.lookup_in(scope, name, false)
    }

    /// A type alias.
    pub(crate) fn lookup_type(&self, scope: ScopeId, name: &str) -> Option<DeclId> {
        self.lookup_in(scope, name, true)
    }

    fn resolve_ref(&self, scope: ScopeId, r: &Ref<'_>) -> Option<DeclId> {
        let id = self.lookup_in(scope, r.name, r.is_type)?;
        match (&self.decls[id].kind, r.field) {
            (DeclKind::Stack { scope: inner, .. }, Some(field)) if !r.is_type => {
                self.scopes[*inner].member(field)
            }
            _ => Some(id),
        }
    }

    fn graph(&self) -> Vec<Vec<DeclId>> {
        let mut edges = Vec::with_capacity(self.decls.len());
        for decl in &self.decls {
            let mut refs: Vec<(ScopeId, Ref<'_>)> = Vec::new();
            let mut direct: Vec<DeclId> = Vec::new();
            let s = decl.scope;
            match &decl.kind {
                DeclKind::Import(_) | DeclKind::Resource(_) => {}
                DeclKind::Param(p) => {
                    add_type(&mut refs, s, &p.ty);
                    if let Some(d) = &p.default {
                        add_expr(&mut refs, s, d);
                    }
                }
                DeclKind::Let(l) => {
                    if let Some(t) = &l.ty {
                        add_type(&mut refs, s, t);
                    }
                    add_expr(&mut refs, s, &l.value);
                }
                DeclKind::Type(t) => add_type(&mut refs, s, &t.ty),
                DeclKind::Fn { decl: f, scope: fs } => {
                    direct.extend(self.scopes[*fs].names.values().copied());
                    if let Some(r) = &f.ret {
                        add_type(&mut refs, *fs, r);
                    }
                    add_expr(&mut refs, *fs, &f.body);
                }
                DeclKind::FnParam(p) => {
                    let outer = self.scopes[s].parent.unwrap_or(0);
                    add_type(&mut refs, outer, &p.ty);
                    if let Some(d) = &p.default {
                        add_expr(&mut refs, outer, d);
                    }
                }
                DeclKind::Component { scope: inner, .. } | DeclKind::Stack { scope: inner, .. } => {
                    let inner = &self.scopes[*inner];
                    direct.extend(inner.names.values().chain(inner.outputs.values()).copied());
                }
                DeclKind::Output(o) => {
                    add_expr(&mut refs, s, &o.value);
                    if let Some(x) = &o.export {
                        add_expr(&mut refs, s, x);
                    }
                }
                DeclKind::LoopVar { iterable } => {
                    let outer = self.scopes[s].parent.unwrap_or(0);
                    add_expr(&mut refs, outer, iterable);
                }
                DeclKind::Lifted { sources, cond, .. } => {
                    direct.extend(sources.iter().copied());
                    if let Some(c) = cond {
                        add_expr(&mut refs, s, c);
                    }
                }
            }
            direct.extend(
                refs.iter()
                    .filter_map(|(scope, r)| self.resolve_ref(*scope, r)),
            );
            direct.sort_unstable();
            direct.dedup();
            edges.push(direct);
        }
        edges
    }

    // ------------------------------------------------------------------------------------------
    // pass 3: types of declarations

    fn type_all(&mut self, edges: &[Vec<DeclId>]) {
        for component in scope::sccs(edges) {
            if scope::is_cycle(&component, edges) {
                self.report_cycle(&component);
                for &id in &component {
                    self.states[id] = State::Done(Ty::Error);
                }
                // Still check the declarations (for their other errors); their uses of each
                // other read `unknown`.
                for &id in &component {
                    self.in_decl_context(|c| c.compute_decl(id));
                }
            } else {
                for &id in &component {
                    self.decl_ty(id);
                }
            }
        }
    }

    fn report_cycle(&mut self, component: &[DeclId]) {
        let mut named: Vec<DeclId> = component
            .iter()
            .copied()
            .filter(|&id| self.decls[id].is_nameable())
            .collect();
        if named.is_empty() {
            // only lifted names (an `if` whose condition reads what the block declares)
            named = component.to_vec();
        }
        named.sort_by_key(|&id| (self.decls[id].span, id));
        named.dedup_by_key(|id| self.decls[*id].span);
        let Some((&first, rest)) = named.split_first() else {
            return;
        };
        let through: Vec<String> = rest.iter().map(|&id| self.decls[id].name.clone()).collect();
        let mut d = Diagnostic::error(
            Code::Recursion,
            self.file,
            self.decls[first].span,
            error::recursion(&self.decls[first].name, &through),
        );
        for &id in rest {
            d = d.with_label(self.decls[id].span, error::PART_OF_THE_CYCLE);
        }
        self.diags.push(d);
    }

    /// Runs `f` with a fresh expression context, restoring the current one after.
    fn in_decl_context<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        let scope = self.scope;
        let locals = std::mem::take(&mut self.locals);
        let instance_allowed = std::mem::replace(&mut self.instance_allowed, false);
        let out = f(self);
        self.scope = scope;
        self.locals = locals;
        self.instance_allowed = instance_allowed;
        out
    }

    /// The type of a declaration, computed once. A declaration met again while it is being
    /// computed is part of a cycle (already reported by the graph): `unknown`.
    pub(crate) fn decl_ty(&mut self, id: DeclId) -> Ty {
        match &self.states[id] {
            State::Done(t) => return t.clone(),
            State::InProgress => return Ty::Error,
            State::NotStarted => {}
        }
        self.states[id] = State::InProgress;
        let mut t = self.in_decl_context(|c| c.compute_decl(id));
        if !ty::depth_within(&t, MAX_TYPE_DEPTH) {
            let (span, name) = (self.decls[id].span, self.decls[id].name.clone());
            self.error(Code::NestingTooDeep, span, error::nesting_too_deep(&name));
            t = Ty::Error;
        }
        self.states[id] = State::Done(t.clone());
        t
    }

    fn compute_decl(&mut self, id: DeclId) -> Ty {
        let scope = self.decls[id].scope;
        self.scope = scope;
        match &self.decls[id].kind {
            DeclKind::Import(i) => {
                let name = i.alias.name.clone();
                self.import_ty(&name)
            }
            DeclKind::Param(p) => {
                let p: &'a ast::Param = p;
                let t = self.resolve_type(&p.ty);
                if let Some(d) = &p.default {
                    self.check(d, Some(&t));
                }
                if let Some(options) = &p.options {
                    // options of a stack's template parameter (`with { NoEcho: true }`)
                    self.check(options, Some(&template_parameter_options()));
                }
                t
            }
            DeclKind::Let(l) => {
                let l: &'a ast::Let = l;
                let allowed = matches!(
                    self.container(scope),
                    ScopeKind::Stack | ScopeKind::Component
                );
                self.let_ty(l, allowed)
            }
            DeclKind::Type(t) => {
                let t: &'a ast::TypeAlias = t;
                self.resolve_type(&t.ty)
            }
            DeclKind::Fn { decl, scope: fs } => {
                let (f, fs): (&'a ast::FnDecl, ScopeId) = (*decl, *fs);
                self.fn_ty(f, fs)
            }
            DeclKind::FnParam(p) => {
                let p: &'a ast::FnParam = p;
                self.scope = self.scopes[scope].parent.unwrap_or(0);
                let t = self.resolve_type(&p.ty);
                if let Some(d) = &p.default {
                    self.check(d, Some(&t));
                }
                t
            }
            DeclKind::Component { decl, scope: inner } => {
                let (c, inner): (&'a ast::Component, ScopeId) = (*decl, *inner);
                let doc = self.decls[id].doc.map(str::to_string);
                self.component_ty(c, inner, doc)
            }
            DeclKind::Resource(r) => Ty::Resource(r.type_name.name.clone()),
            DeclKind::Output(o) => {
                let o: &'a ast::Output = o;
                let t = ty::widen(&self.check(&o.value, None));
                if let Some(x) = &o.export {
                    self.check(x, Some(&Ty::String));
                }
                t
            }
            DeclKind::Stack { decl, scope: inner } => {
                let (name, inner) = (decl.name.name.clone(), *inner);
                let members = self.members_of(inner, |k| {
                    !matches!(
                        k,
                        DeclKind::Type(_)
                            | DeclKind::Fn { .. }
                            | DeclKind::Component { .. }
                            | DeclKind::Import(_)
                    )
                });
                Ty::Stack(Arc::new(StackTy { name, members }))
            }
            DeclKind::LoopVar { iterable } => {
                let iterable: &'a Expr = iterable;
                self.scope = self.scopes[scope].parent.unwrap_or(0);
                self.iter_elem(iterable)
            }
            DeclKind::Lifted { sources, lift, .. } => {
                let (sources, lift) = (sources.clone(), *lift);
                let tys: Vec<Ty> = sources.iter().map(|&s| self.decl_ty(s)).collect();
                match lift {
                    Lift::For => Ty::List(Box::new(tys.into_iter().next().unwrap_or(Ty::Error))),
                    Lift::If { both: true } if tys.first() == tys.get(1) => tys[0].clone(),
                    Lift::If { both: true } => ty::union(tys),
                    Lift::If { both: false } => {
                        ty::optional(tys.into_iter().next().unwrap_or(Ty::Error))
                    }
                }
            }
        }
    }

    /// The members of a scope whose kind `keep` accepts, as fields (stack members, outputs).
    fn members_of(&mut self, scope: ScopeId, keep: impl Fn(&DeclKind<'_>) -> bool) -> Vec<Field> {
        let ids: Vec<(String, DeclId)> = self.scopes[scope]
            .members()
            .filter(|(_, id)| keep(&self.decls[*id].kind))
            .map(|(n, id)| (n.clone(), id))
            .collect();
        ids.into_iter()
            .map(|(name, id)| Field {
                ty: self.decl_ty(id),
                doc: self.decls[id].doc.map(str::to_string),
                ..Field::new(name, Ty::Error)
            })
            .collect()
    }

    /// What a declaration is, looking through `if`/`for` lifting.
    pub(crate) fn origin(&self, mut id: DeclId) -> &DeclKind<'a> {
        loop {
            match &self.decls[id].kind {
                DeclKind::Lifted { sources, .. } => id = sources[0],
                kind => return kind,
            }
        }
    }

    fn import_ty(&mut self, alias: &str) -> Ty {
        match self.imports.get(alias) {
            Some(Some(interface)) => Ty::Module {
                name: alias.to_string(),
                interface: interface.clone(),
            },
            _ => Ty::Error,
        }
    }

    pub(crate) fn let_ty(&mut self, l: &ast::Let, instance_allowed: bool) -> Ty {
        let annotation = l.ty.as_ref().map(|t| self.resolve_type(t));
        self.instance_allowed = instance_allowed;
        let t = self.check(&l.value, annotation.as_ref());
        annotation.unwrap_or_else(|| ty::widen(&t))
    }

    fn fn_ty(&mut self, f: &'a ast::FnDecl, fn_scope: ScopeId) -> Ty {
        let mut params = Vec::with_capacity(f.params.len());
        for p in &f.params {
            let t = match self.scopes[fn_scope].names.get(&p.name.name) {
                Some(&pid) => self.decl_ty(pid),
                None => Ty::Error,
            };
            params.push(ParamTy {
                name: Some(p.name.name.clone()),
                ty: t,
                has_default: p.default.is_some(),
            });
        }
        self.scope = fn_scope;
        let ret = f.ret.as_ref().map(|r| self.resolve_type(r));
        let body = self.check(&f.body, ret.as_ref());
        let ret = ret.unwrap_or_else(|| ty::widen(&body));
        Ty::Fn(Arc::new(FnTy { params, ret }))
    }

    fn component_ty(&mut self, c: &'a ast::Component, inner: ScopeId, doc: Option<String>) -> Ty {
        let ids: Vec<DeclId> = self.scopes[inner].names.values().copied().collect();
        let mut params = Vec::new();
        for id in ids {
            if let DeclKind::Param(p) = &self.decls[id].kind {
                let has_default = p.default.is_some();
                let (name, doc) = (p.name.name.clone(), self.decls[id].doc.map(str::to_string));
                params.push(ComponentParam {
                    name,
                    ty: self.decl_ty(id),
                    has_default,
                    doc,
                });
            }
        }
        let ids: Vec<DeclId> = self.scopes[inner].outputs.values().copied().collect();
        let mut outputs = Vec::new();
        for id in ids {
            let ty = self.decl_ty(id);
            let doc = self.decls[id].doc.map(str::to_string);
            outputs.push(Field {
                doc,
                ..Field::new(self.decls[id].name.clone(), ty)
            });
        }
        Ty::Component(Arc::new(ComponentTy {
            name: c.name.name.clone(),
            params,
            outputs,
            doc,
        }))
    }

    // ------------------------------------------------------------------------------------------
    // types as written

    /// The names of the types visible from the current scope, for "did you mean".
    fn visible_type_names(&self) -> Vec<String> {
        let mut names: Vec<String> = ["int", "number", "string", "bool", "null"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut scope = Some(self.scope);
        while let Some(s) = scope {
            for (name, &id) in &self.scopes[s].names {
                if matches!(self.decls[id].kind, DeclKind::Type(_) | DeclKind::Import(_)) {
                    names.push(name.clone());
                }
            }
            scope = self.scopes[s].parent;
        }
        names
    }

    pub(crate) fn resolve_type(&mut self, t: &TypeExpr) -> Ty {
        match &t.kind {
            TypeExprKind::Named(path) => match path.as_slice() {
                [single] => match single.name.as_str() {
                    "int" => Ty::Int,
                    "number" => Ty::Number,
                    "string" => Ty::String,
                    "bool" => Ty::Bool,
                    "null" => Ty::Null,
                    name => match self.lookup_type(self.scope, name) {
                        Some(id) => self.decl_ty(id),
                        None if self.lookup(self.scope, name).is_some() => {
                            self.error(Code::TypeMismatch, single.span, error::not_a_type(name));
                            Ty::Error
                        }
                        None => {
                            let known = self.visible_type_names();
                            let message = error::unresolved_type(name);
                            self.error_suggest(
                                Code::UnresolvedName,
                                single.span,
                                message,
                                name,
                                known.iter().map(String::as_str),
                            );
                            Ty::Error
                        }
                    },
                },
                [module, name] => self.module_type(module, name),
                _ => {
                    let written: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
                    self.error(
                        Code::UnresolvedName,
                        t.span,
                        error::unresolved_type(&written.join(".")),
                    );
                    Ty::Error
                }
            },
            TypeExprKind::Resource(name) => {
                self.check_resource_type_name(name, t.span);
                Ty::Resource(name.clone())
            }
            TypeExprKind::StrLit(s) => Ty::Lit(s.as_str().into()),
            TypeExprKind::Union(ts) => {
                let members = ts.iter().map(|t| self.resolve_type(t)).collect();
                ty::union(members)
            }
            TypeExprKind::Optional(inner) => {
                let t = self.resolve_type(inner);
                ty::optional(t)
            }
            TypeExprKind::List(inner) => Ty::List(Box::new(self.resolve_type(inner))),
            TypeExprKind::Map(inner) => Ty::Map(Box::new(self.resolve_type(inner))),
            TypeExprKind::Record(fields) => {
                let mut out: Vec<Field> = Vec::with_capacity(fields.len());
                for f in fields {
                    let t = self.resolve_type(&f.ty);
                    if out.iter().any(|o| o.name == f.name.name) {
                        self.error(
                            Code::DuplicateDefinition,
                            f.name.span,
                            error::duplicate_field(&f.name.name),
                        );
                        continue;
                    }
                    out.push(Field {
                        name: f.name.name.clone(),
                        ty: t,
                        optional: f.optional,
                        doc: f.doc.clone(),
                    });
                }
                Ty::record(out)
            }
            TypeExprKind::Fn(params, ret) => {
                let params = params
                    .iter()
                    .map(|p| ParamTy {
                        name: None,
                        ty: self.resolve_type(p),
                        has_default: false,
                    })
                    .collect();
                let ret = self.resolve_type(ret);
                Ty::Fn(Arc::new(FnTy { params, ret }))
            }
        }
    }

    fn module_type(&mut self, module: &Ident, name: &Ident) -> Ty {
        let interface = match self.imports.get(&module.name) {
            Some(Some(interface)) => interface.clone(),
            Some(None) => return Ty::Error,
            None => {
                let imports: Vec<&str> = self.imports.keys().map(String::as_str).collect();
                let message = error::not_a_module(&module.name);
                self.error_suggest(
                    Code::UnresolvedName,
                    module.span,
                    message,
                    &module.name,
                    imports,
                );
                return Ty::Error;
            }
        };
        match interface.types.get(&name.name) {
            Some(member) => member.ty.clone(),
            None => {
                let message = error::module_has_no_type(&module.name, &name.name);
                let known = interface.types.keys().map(String::as_str);
                self.error_suggest(Code::UnresolvedName, name.span, message, &name.name, known);
                Ty::Error
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // pass 4: items that declare nothing

    fn check_deferred(&mut self, scope: ScopeId, item: &'a Item) {
        self.scope = scope;
        self.locals.clear();
        self.instance_allowed = false;
        match &item.kind {
            ItemKind::Resource(r) => self.check_resource(r),
            ItemKind::Check(c) => {
                self.check(&c.condition, Some(&Ty::Bool));
                if let Some(m) = &c.message {
                    self.check(m, Some(&Ty::String));
                }
            }
            ItemKind::If(i) => {
                self.check(&i.condition, Some(&Ty::Bool));
            }
            ItemKind::Tags(value) => {
                self.check(value, Some(&Ty::Map(Box::new(Ty::String))));
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------------------------------
    // results

    fn finish(mut self) -> CheckOutput {
        let mut interface = ModuleInterface::default();
        let file_names: Vec<(String, DeclId)> = self.scopes[0]
            .names
            .iter()
            .map(|(n, id)| (n.clone(), *id))
            .collect();
        for (name, id) in file_names {
            let t = self.decl_ty(id);
            let doc = self.decls[id].doc.map(str::to_string);
            match &self.decls[id].kind {
                DeclKind::Let(_) => {
                    interface.values.insert(
                        name,
                        Member {
                            kind: SymbolKind::Let,
                            ty: t,
                            doc,
                        },
                    );
                }
                DeclKind::Fn { .. } => {
                    interface.values.insert(
                        name,
                        Member {
                            kind: SymbolKind::Fn,
                            ty: t,
                            doc,
                        },
                    );
                }
                DeclKind::Component { .. } => {
                    interface.values.insert(
                        name,
                        Member {
                            kind: SymbolKind::Component,
                            ty: t,
                            doc,
                        },
                    );
                }
                DeclKind::Type(_) => {
                    interface.types.insert(
                        name,
                        Member {
                            kind: SymbolKind::Type,
                            ty: t,
                            doc,
                        },
                    );
                }
                DeclKind::Param(p) if self.is_entry => {
                    let has_default = p.default.is_some();
                    let span = self.decls[id].span;
                    interface.params.push(ParamInterface {
                        name,
                        ty: t,
                        has_default,
                        doc,
                        span,
                    });
                }
                _ => {}
            }
        }
        for id in 0..self.decls.len() {
            let kind = match &self.decls[id].kind {
                DeclKind::Import(_) => SymbolKind::Import,
                DeclKind::Param(_) | DeclKind::FnParam(_) => SymbolKind::Param,
                DeclKind::Let(_) | DeclKind::LoopVar { .. } => SymbolKind::Let,
                DeclKind::Type(_) => SymbolKind::Type,
                DeclKind::Fn { .. } => SymbolKind::Fn,
                DeclKind::Component { .. } => SymbolKind::Component,
                DeclKind::Resource(_) => SymbolKind::Resource,
                DeclKind::Output(_) => SymbolKind::Output,
                DeclKind::Stack { .. } => SymbolKind::Stack,
                DeclKind::Lifted { .. } => continue,
            };
            let t = self.decl_ty(id);
            let d = &self.decls[id];
            self.symbols.push(Symbol {
                name: d.name.clone(),
                kind,
                span: d.span,
                ty: t.to_string(),
                doc: d.doc.map(str::to_string),
            });
        }
        self.symbols.sort_by_key(|s| (s.span, s.kind.as_str()));
        sort_and_dedup(&mut self.diags);
        CheckOutput {
            interface: Arc::new(interface),
            diagnostics: self.diags,
            symbols: self.symbols,
        }
    }
}

fn add_expr<'e>(refs: &mut Vec<(ScopeId, Ref<'e>)>, scope: ScopeId, e: &'e Expr) {
    let mut out = Vec::new();
    scope::expr_refs(e, &mut Vec::new(), &mut out);
    refs.extend(out.into_iter().map(|r| (scope, r)));
}

fn add_type<'e>(refs: &mut Vec<(ScopeId, Ref<'e>)>, scope: ScopeId, t: &'e TypeExpr) {
    let mut out = Vec::new();
    scope::type_refs(t, &mut out);
    refs.extend(out.into_iter().map(|r| (scope, r)));
}

/// The options a stack param (a CloudFormation template parameter) may set after `with`.
fn template_parameter_options() -> Ty {
    let field = |name: &str, ty: Ty| super::ty::Field {
        name: name.to_string(),
        ty,
        optional: true,
        doc: None,
    };
    Ty::record(vec![
        field("NoEcho", Ty::Bool),
        field("Description", Ty::String),
        field("AllowedPattern", Ty::String),
        field("ConstraintDescription", Ty::String),
        field("MinLength", Ty::Int),
        field("MaxLength", Ty::Int),
        field("MinValue", Ty::Number),
        field("MaxValue", Ty::Number),
    ])
}
