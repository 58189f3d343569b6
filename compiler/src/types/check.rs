//! Expressions. `check(e, expected)` types `e` once; with an expected type it reports what does
//! not fit at the most precise place it can (a record literal's field, a list element, an `if`
//! branch) rather than at the whole expression.

use super::builtins;
use super::error;
use super::items::Checker;
use super::narrow;
use super::scope::{self, DeclKind};
use super::ty::{self, ComponentTy, Field, RecordMismatch, Ty};
use super::{Symbol, SymbolKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{
    BinaryOp, Comprehension, Expr, ExprKind, Ident, Let, MapComprehension, MatchArm, Pattern,
    RecordEntry, StrPart, UnaryOp,
};
use std::sync::Arc;

/// How much stack the checker may use below where it started, in bytes (the parser has the same
/// budget). Far more than the deepest tree the parser accepts needs in an optimized build.
const STACK_BUDGET: usize = 1 << 20;

fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as usize
}

/// The one member of `expected` (ignoring `null`) that `keep` accepts, if there is exactly one.
fn pick(expected: &Ty, keep: impl Fn(&Ty) -> bool) -> Option<&Ty> {
    let mut found = None;
    for m in ty::members(expected) {
        if keep(m) {
            if found.is_some() {
                return None;
            }
            found = Some(m);
        }
    }
    found
}

fn is_record_like(t: &Ty) -> bool {
    matches!(t, Ty::Record(_) | Ty::Map(_))
}

fn is_list(t: &Ty) -> bool {
    matches!(t, Ty::List(_))
}

/// Whether a value of this type can be interpolated into a string.
fn interpolable(t: &Ty) -> bool {
    ty::members(t).iter().all(|m| {
        matches!(
            m,
            Ty::String
                | Ty::Lit(_)
                | Ty::Int
                | Ty::Number
                | Ty::Bool
                | Ty::Resource(_)
                | Ty::Error
                | Ty::Never
        )
    })
}

/// Sets a field of a record being built (a later field replaces an earlier one).
fn set_field(fields: &mut Vec<Field>, field: Field) {
    match fields.iter_mut().find(|f| f.name == field.name) {
        Some(slot) => *slot = field,
        None => fields.push(field),
    }
}

impl Checker<'_> {
    /// Types `e`; when `expected` is given, reports where the value does not fit it.
    ///
    /// This function and [`Checker::infer`] recurse once per tree level (the parser bounds the
    /// depth): they keep their frames small by leaving the work of each kind of expression to a
    /// function of its own, and stop at a stack budget (`nesting-too-deep`) rather than overflow.
    pub(crate) fn check(&mut self, e: &Expr, expected: Option<&Ty>) -> Ty {
        let instance_allowed = std::mem::replace(&mut self.instance_allowed, false);
        if self.out_of_stack(e.span) {
            return Ty::Error;
        }
        match expected {
            Some(exp) if *exp != Ty::Error => {
                if matches!(
                    e.kind,
                    ExprKind::Record(_)
                        | ExprKind::List(_)
                        | ExprKind::ListFor(_)
                        | ExprKind::If { .. }
                        | ExprKind::Match { .. }
                        | ExprKind::Block { .. }
                ) {
                    self.check_against(e, exp)
                } else {
                    let t = self.infer(e, instance_allowed);
                    self.expect(&t, exp, e.span);
                    t
                }
            }
            _ => self.infer(e, instance_allowed),
        }
    }

    /// `check` of the kinds of expressions that pass what is expected of them inward.
    #[inline(never)]
    fn check_against(&mut self, e: &Expr, exp: &Ty) -> Ty {
        match &e.kind {
            ExprKind::Record(entries) => {
                if let Some(target) = pick(exp, is_record_like) {
                    let target = target.clone();
                    return self.record_against(e, entries, &target);
                }
            }
            ExprKind::List(items) => {
                if let Some(Ty::List(elem)) = pick(exp, is_list) {
                    let elem = (**elem).clone();
                    return self.list(items, Some(&elem));
                }
            }
            ExprKind::ListFor(c) => {
                if let Some(Ty::List(elem)) = pick(exp, is_list) {
                    let elem = (**elem).clone();
                    return self.list_for(c, Some(&elem));
                }
            }
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                return self.if_expr(condition, then_branch, else_branch, Some(exp));
            }
            ExprKind::Match { scrutinee, arms } => {
                return self.match_expr(scrutinee, arms, Some(exp));
            }
            ExprKind::Block { lets, value } => return self.block(lets, value, Some(exp)),
            _ => {}
        }
        let t = self.infer(e, false);
        self.expect(&t, exp, e.span);
        t
    }

    /// Whether the checker has used its stack budget; reported once per file.
    fn out_of_stack(&mut self, span: Span) -> bool {
        if self.stack_base.abs_diff(stack_position()) <= STACK_BUDGET {
            return false;
        }
        if !self.stack_reported {
            self.stack_reported = true;
            self.error(
                Code::NestingTooDeep,
                span,
                error::EXPRESSION_TOO_DEEP.to_string(),
            );
        }
        true
    }

    /// Reports that a value of type `actual` (at `span`) does not fit `expected`, if it does not.
    pub(crate) fn expect(&mut self, actual: &Ty, expected: &Ty, span: Span) -> bool {
        if ty::fits(actual, expected) {
            return true;
        }
        if let (Ty::Record(a), Some(Ty::Record(e))) = (actual, pick(expected, is_record_like)) {
            match ty::record_mismatch(a, e) {
                Some(RecordMismatch::Missing(name)) => {
                    self.error(
                        Code::MissingField,
                        span,
                        error::missing_field(&name, expected),
                    );
                    return false;
                }
                Some(RecordMismatch::Field(name, found, wanted)) => {
                    self.error(
                        Code::TypeMismatch,
                        span,
                        error::field_mismatch(&name, &wanted, &found),
                    );
                    return false;
                }
                None => {}
            }
        }
        let d = self.error(Code::TypeMismatch, span, error::mismatch(expected, actual));
        if ty::is_optional(actual) && ty::fits(&ty::non_null(actual), expected) {
            d.help = Some(error::HELP_COALESCE.to_string());
        }
        false
    }

    fn infer(&mut self, e: &Expr, instance_allowed: bool) -> Ty {
        match &e.kind {
            ExprKind::Null => Ty::Null,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Int(_) => Ty::Int,
            ExprKind::Number(_) => Ty::Number,
            ExprKind::Str(parts) => self.string(parts),
            ExprKind::Name(name) => self.name(name, e.span),
            ExprKind::List(items) => self.list(items, None),
            ExprKind::ListFor(c) => self.list_for(c, None),
            ExprKind::Record(entries) => self.record(entries),
            ExprKind::MapFor(c) => self.map_for(c),
            ExprKind::Field { base, name } => self.field(base, name),
            ExprKind::Index { base, index } => self.index(base, index),
            ExprKind::Call { callee, args } => self.call(e, callee, args),
            ExprKind::Instantiate { component, args } => {
                self.instantiate(e, component, args, instance_allowed)
            }
            ExprKind::Unary { op, operand } => self.unary(*op, operand, e.span),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span),
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => self.if_expr(condition, then_branch, else_branch, None),
            ExprKind::Match { scrutinee, arms } => self.match_expr(scrutinee, arms, None),
            ExprKind::Range { start, end } => self.range(start, end),
            ExprKind::Block { lets, value } => self.block(lets, value, None),
        }
    }

    fn list(&mut self, items: &[Expr], elem: Option<&Ty>) -> Ty {
        let tys = items.iter().map(|x| self.check(x, elem)).collect();
        Ty::List(Box::new(ty::join(tys)))
    }

    fn if_expr(
        &mut self,
        condition: &Expr,
        then_branch: &Expr,
        else_branch: &Expr,
        expected: Option<&Ty>,
    ) -> Ty {
        self.check(condition, Some(&Ty::Bool));
        let facts = narrow::facts(condition);
        let a = self.with_non_null(&facts.when_true, |c| c.check(then_branch, expected));
        let b = self.with_non_null(&facts.when_false, |c| c.check(else_branch, expected));
        ty::join(vec![a, b])
    }

    /// Runs `f` with `names` of optional type seen as not null (see `narrow.rs`).
    fn with_non_null<T>(&mut self, names: &[&str], f: impl FnOnce(&mut Self) -> T) -> T {
        let mark = self.locals.len();
        for name in names {
            let current = match self.local(name) {
                Some(t) => Some(t.clone()),
                None => self.lookup(self.scope, name).map(|id| self.decl_ty(id)),
            };
            if let Some(t) = current.filter(ty::is_optional) {
                self.locals.push(((*name).to_string(), ty::non_null(&t)));
            }
        }
        let result = f(self);
        self.locals.truncate(mark);
        result
    }

    fn range(&mut self, start: &Expr, end: &Expr) -> Ty {
        self.check(start, Some(&Ty::Int));
        self.check(end, Some(&Ty::Int));
        Ty::List(Box::new(Ty::Int))
    }

    // ------------------------------------------------------------------------------------------
    // names

    fn local(&self, name: &str) -> Option<&Ty> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t)
    }

    /// Every name visible here, for "did you mean".
    fn visible_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.locals.iter().map(|(n, _)| n.clone()).collect();
        let mut scope = Some(self.scope);
        while let Some(s) = scope {
            names.extend(self.scopes[s].names.keys().cloned());
            scope = self.scopes[s].parent;
        }
        names.extend(builtins::FUNCTIONS.iter().map(|(n, _)| n.to_string()));
        names.push("aws".to_string());
        names
    }

    fn name(&mut self, name: &str, span: Span) -> Ty {
        if let Some(t) = self.local(name) {
            return t.clone();
        }
        if let Some(id) = self.lookup(self.scope, name) {
            return self.decl_ty(id);
        }
        if self.lookup_type(self.scope, name).is_some() {
            self.error(Code::TypeMismatch, span, error::not_a_value(name));
            return Ty::Error;
        }
        if builtins::is_function(name) {
            return Ty::Builtin(name.to_string());
        }
        if name == "aws" {
            return builtins::aws_type();
        }
        let known = self.visible_names();
        let message = error::unresolved_name(name);
        self.error_suggest(
            Code::UnresolvedName,
            span,
            message,
            name,
            known.iter().map(String::as_str),
        );
        Ty::Error
    }

    // ------------------------------------------------------------------------------------------
    // strings, records, comprehensions

    fn string(&mut self, parts: &[StrPart]) -> Ty {
        let mut text = String::new();
        let mut literal = true;
        for part in parts {
            match part {
                StrPart::Lit(s) => text.push_str(s),
                StrPart::Interp(x) => {
                    literal = false;
                    let t = self.check(x, None);
                    if !interpolable(&t) {
                        self.error(Code::TypeMismatch, x.span, error::cannot_interpolate(&t));
                    }
                }
            }
        }
        if literal {
            Ty::Lit(text.into())
        } else {
            Ty::String
        }
    }

    fn duplicate_key(&mut self, seen: &mut Vec<String>, key: &Ident) {
        if seen.contains(&key.name) {
            self.error(
                Code::DuplicateDefinition,
                key.span,
                error::duplicate_field(&key.name),
            );
        } else {
            seen.push(key.name.clone());
        }
    }

    /// The fields a spread brings, or `None` when they are unknown (an error, already reported
    /// or reported here).
    fn spread(&mut self, x: &Expr) -> Option<Arc<[Field]>> {
        let t = self.check(x, None);
        match t {
            Ty::Record(fields) => Some(fields),
            Ty::Error => None,
            other => {
                self.error(Code::TypeMismatch, x.span, error::spread_not_record(&other));
                None
            }
        }
    }

    /// A record literal with nothing expected of it.
    fn record(&mut self, entries: &[RecordEntry]) -> Ty {
        let mut fields: Vec<Field> = Vec::new();
        let mut seen = Vec::new();
        let mut known = true;
        for entry in entries {
            match entry {
                RecordEntry::Field { key, value } => {
                    self.duplicate_key(&mut seen, key);
                    let t = self.check(value, None);
                    set_field(&mut fields, Field::new(key.name.clone(), t));
                }
                RecordEntry::Spread(x) => match self.spread(x) {
                    Some(spread) => spread
                        .iter()
                        .for_each(|f| set_field(&mut fields, f.clone())),
                    None => known = false,
                },
            }
        }
        if known { Ty::record(fields) } else { Ty::Error }
    }

    /// A record literal where a record or map type (`target`) is expected.
    fn record_against(&mut self, e: &Expr, entries: &[RecordEntry], target: &Ty) -> Ty {
        let mut fields: Vec<Field> = Vec::new();
        let mut seen = Vec::new();
        let mut known = true;
        match target {
            Ty::Record(expected) => {
                let names: Vec<String> = expected.iter().map(|f| f.name.clone()).collect();
                for entry in entries {
                    match entry {
                        RecordEntry::Field { key, value } => {
                            self.duplicate_key(&mut seen, key);
                            let t = match expected.iter().find(|f| f.name == key.name) {
                                Some(f) => self.check(value, Some(&f.value_ty())),
                                None => {
                                    let message = error::unknown_field(&key.name, target);
                                    let known_names = names.iter().map(String::as_str);
                                    self.error_suggest(
                                        Code::UnknownField,
                                        key.span,
                                        message,
                                        &key.name,
                                        known_names,
                                    );
                                    self.check(value, None)
                                }
                            };
                            set_field(&mut fields, Field::new(key.name.clone(), t));
                        }
                        // A spread brings a record value: its extra fields are not typos
                        // written here, so they are allowed (as for any record value).
                        RecordEntry::Spread(x) => match self.spread(x) {
                            Some(spread) => {
                                for f in spread.iter().cloned() {
                                    if let Some(e) = expected.iter().find(|e| e.name == f.name) {
                                        let (found, wanted) = (f.value_ty(), e.value_ty());
                                        if !ty::fits(&found, &wanted) {
                                            let message =
                                                error::field_mismatch(&f.name, &wanted, &found);
                                            self.error(Code::TypeMismatch, x.span, message);
                                        }
                                    }
                                    set_field(&mut fields, f);
                                }
                            }
                            None => known = false,
                        },
                    }
                }
                if known {
                    for f in expected.iter().filter(|f| !f.optional) {
                        if !fields.iter().any(|g| g.name == f.name) {
                            self.error(
                                Code::MissingField,
                                e.span,
                                error::missing_field(&f.name, target),
                            );
                        }
                    }
                }
            }
            Ty::Map(elem) => {
                for entry in entries {
                    match entry {
                        RecordEntry::Field { key, value } => {
                            self.duplicate_key(&mut seen, key);
                            let t = self.check(value, Some(elem));
                            set_field(&mut fields, Field::new(key.name.clone(), t));
                        }
                        RecordEntry::Spread(x) => match self.spread(x) {
                            Some(spread) => {
                                let t = Ty::Record(spread.clone());
                                self.expect(&t, target, x.span);
                                spread
                                    .iter()
                                    .for_each(|f| set_field(&mut fields, f.clone()));
                            }
                            None => known = false,
                        },
                    }
                }
            }
            _ => return self.record(entries),
        }
        if known { Ty::record(fields) } else { Ty::Error }
    }

    /// The element type of an iterable (a list or a range).
    pub(crate) fn iter_elem(&mut self, iterable: &Expr) -> Ty {
        let t = self.check(iterable, None);
        match t {
            Ty::List(elem) => *elem,
            Ty::Error => Ty::Error,
            other => {
                self.error(
                    Code::TypeMismatch,
                    iterable.span,
                    error::not_iterable(&other),
                );
                Ty::Error
            }
        }
    }

    fn bind_loop(&mut self, index_var: &Option<Ident>, var: &Ident, elem: Ty) {
        if let Some(i) = index_var {
            self.push_local(i, Ty::Int);
        }
        self.push_local(var, elem);
    }

    fn push_local(&mut self, ident: &Ident, t: Ty) {
        self.symbols.push(Symbol {
            name: ident.name.clone(),
            kind: SymbolKind::Let,
            span: ident.span,
            ty: t.to_string(),
            doc: None,
        });
        self.locals.push((ident.name.clone(), t));
    }

    fn list_for(&mut self, c: &Comprehension, expected: Option<&Ty>) -> Ty {
        let elem = self.iter_elem(&c.iterable);
        let mark = self.locals.len();
        self.bind_loop(&c.index_var, &c.var, elem);
        if let Some(cond) = &c.condition {
            self.check(cond, Some(&Ty::Bool));
        }
        let body = self.check(&c.body, expected);
        self.locals.truncate(mark);
        Ty::List(Box::new(body))
    }

    fn map_for(&mut self, c: &MapComprehension) -> Ty {
        let elem = self.iter_elem(&c.iterable);
        let mark = self.locals.len();
        self.bind_loop(&c.index_var, &c.var, elem);
        if let Some(cond) = &c.condition {
            self.check(cond, Some(&Ty::Bool));
        }
        self.check(&c.key, Some(&Ty::String));
        let value = self.check(&c.value, None);
        self.locals.truncate(mark);
        Ty::Map(Box::new(value))
    }

    /// `{ let a = ..  let b = ..  value }`: the lets see each other in any order; a cycle among
    /// them is `recursion`. They are typed in dependency order, each exactly once.
    fn block(&mut self, lets: &[Let], value: &Expr, expected: Option<&Ty>) -> Ty {
        let mark = self.locals.len();
        let mut first: Vec<usize> = Vec::with_capacity(lets.len());
        for (i, l) in lets.iter().enumerate() {
            match lets[..i].iter().position(|o| o.name.name == l.name.name) {
                Some(j) => {
                    let d = Diagnostic::error(
                        Code::DuplicateDefinition,
                        self.file,
                        l.name.span,
                        error::duplicate_definition(&l.name.name),
                    )
                    .with_label(lets[j].name.span, error::FIRST_DECLARED_HERE);
                    self.diags.push(d);
                    first.push(j);
                }
                None => first.push(i),
            }
        }
        let edges: Vec<Vec<usize>> = lets
            .iter()
            .map(|l| {
                let mut refs = Vec::new();
                scope::expr_refs(&l.value, &mut Vec::new(), &mut refs);
                let mut out: Vec<usize> = refs
                    .iter()
                    .filter(|r| !r.is_type)
                    .filter_map(|r| {
                        lets.iter()
                            .position(|o| o.name.name == r.name)
                            .map(|j| first[j])
                    })
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();
        for component in scope::sccs(&edges) {
            if scope::is_cycle(&component, &edges) {
                let names: Vec<String> = component[1..]
                    .iter()
                    .map(|&i| lets[i].name.name.clone())
                    .collect();
                let head = &lets[component[0]].name;
                let mut d = Diagnostic::error(
                    Code::Recursion,
                    self.file,
                    head.span,
                    error::recursion(&head.name, &names),
                );
                for &i in &component[1..] {
                    d = d.with_label(lets[i].name.span, error::PART_OF_THE_CYCLE);
                }
                self.diags.push(d);
                for &i in &component {
                    self.locals.push((lets[i].name.name.clone(), Ty::Error));
                }
                for &i in &component {
                    self.let_ty(&lets[i], false);
                }
            } else {
                for &i in &component {
                    let t = self.let_ty(&lets[i], false);
                    self.push_local(&lets[i].name, t);
                }
            }
        }
        let t = self.check(value, expected);
        self.locals.truncate(mark);
        t
    }

    // ------------------------------------------------------------------------------------------
    // field access and indexing

    fn field(&mut self, base: &Expr, name: &Ident) -> Ty {
        // `stack.member` reads the member alone (the graph depends on it alone).
        if let ExprKind::Name(n) = &base.kind
            && self.local(n).is_none()
            && let Some(id) = self.lookup(self.scope, n)
            && let DeclKind::Stack { scope: inner, .. } = &self.decls[id].kind
        {
            let inner = *inner;
            let member = self.scopes[inner].member(&name.name);
            return match member {
                Some(m) if !matches!(self.decls[m].kind, DeclKind::Type(_)) => self.decl_ty(m),
                _ => {
                    let message = error::stack_has_no_member(n, &name.name);
                    let known: Vec<String> = self.scopes[inner]
                        .members()
                        .map(|(n, _)| n.clone())
                        .collect();
                    self.error_suggest(
                        Code::UnresolvedName,
                        name.span,
                        message,
                        &name.name,
                        known.iter().map(String::as_str),
                    );
                    Ty::Error
                }
            };
        }
        let t = self.check(base, None);
        self.field_of(&t, name)
    }

    pub(crate) fn field_of(&mut self, t: &Ty, name: &Ident) -> Ty {
        match t {
            Ty::Error | Ty::Never => Ty::Error,
            Ty::Record(fields) => match fields.iter().find(|f| f.name == name.name) {
                Some(f) => f.value_ty(),
                None => {
                    let message = error::no_field(&name.name, t);
                    let known = fields.iter().map(|f| f.name.as_str());
                    self.error_suggest(Code::UnknownField, name.span, message, &name.name, known);
                    Ty::Error
                }
            },
            Ty::Map(elem) => (**elem).clone(),
            Ty::Resource(type_name) => self.resource_field(type_name, name),
            Ty::Module {
                name: module,
                interface,
            } => match interface.values.get(&name.name) {
                Some(member) => member.ty.clone(),
                None if interface.types.contains_key(&name.name) => {
                    self.error(
                        Code::TypeMismatch,
                        name.span,
                        error::not_a_value(&name.name),
                    );
                    Ty::Error
                }
                None => {
                    let message = error::module_has_no_member(module, &name.name);
                    let known = interface.values.keys().map(String::as_str);
                    self.error_suggest(Code::UnresolvedName, name.span, message, &name.name, known);
                    Ty::Error
                }
            },
            Ty::Stack(stack) => match stack.members.iter().find(|f| f.name == name.name) {
                Some(f) => f.ty.clone(),
                None => {
                    let message = error::stack_has_no_member(&stack.name, &name.name);
                    let known = stack.members.iter().map(|f| f.name.as_str());
                    self.error_suggest(Code::UnresolvedName, name.span, message, &name.name, known);
                    Ty::Error
                }
            },
            Ty::Union(_) if ty::is_optional(t) => {
                let d = self.error(
                    Code::TypeMismatch,
                    name.span,
                    error::optional_field_access(&name.name, t),
                );
                d.help = Some(error::HELP_COALESCE.to_string());
                Ty::Error
            }
            Ty::Union(members) if members.iter().all(|m| matches!(m, Ty::Resource(_))) => {
                let tys = members.iter().map(|m| self.field_of(m, name)).collect();
                ty::join(tys)
            }
            Ty::Union(members) if members.iter().all(|m| matches!(m, Ty::Record(_))) => {
                let mut tys = Vec::new();
                for m in members {
                    let Ty::Record(fields) = m else { continue };
                    match fields.iter().find(|f| f.name == name.name) {
                        Some(f) => tys.push(f.value_ty()),
                        None => {
                            self.error(
                                Code::UnknownField,
                                name.span,
                                error::no_field(&name.name, t),
                            );
                            return Ty::Error;
                        }
                    }
                }
                ty::join(tys)
            }
            other => {
                self.error(
                    Code::TypeMismatch,
                    name.span,
                    error::cannot_read_field(&name.name, other),
                );
                Ty::Error
            }
        }
    }

    fn index(&mut self, base: &Expr, index: &Expr) -> Ty {
        let t = self.check(base, None);
        match &t {
            Ty::List(elem) => {
                self.check(index, Some(&Ty::Int));
                (**elem).clone()
            }
            Ty::Map(elem) => {
                self.check(index, Some(&Ty::String));
                (**elem).clone()
            }
            Ty::Record(fields) => {
                let it = self.check(index, Some(&Ty::String));
                match it {
                    Ty::Lit(key) => match fields.iter().find(|f| f.name.as_str() == key.as_ref()) {
                        Some(f) => f.value_ty(),
                        None => {
                            let message = error::no_field(&key, &t);
                            let known = fields.iter().map(|f| f.name.as_str());
                            self.error_suggest(
                                Code::UnknownField,
                                index.span,
                                message,
                                &key,
                                known,
                            );
                            Ty::Error
                        }
                    },
                    _ => ty::join(fields.iter().map(Field::value_ty).collect()),
                }
            }
            Ty::Error => {
                self.check(index, None);
                Ty::Error
            }
            other => {
                let d = self.error(Code::TypeMismatch, base.span, error::cannot_index(other));
                if ty::is_optional(other) {
                    d.help = Some(error::HELP_COALESCE.to_string());
                }
                self.check(index, None);
                Ty::Error
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // calls and instances

    fn call(&mut self, e: &Expr, callee: &Expr, args: &[Expr]) -> Ty {
        let t = self.check(callee, None);
        let callee_name = match &callee.kind {
            ExprKind::Name(n) => n.clone(),
            ExprKind::Field { name, .. } => name.name.clone(),
            _ => "function".to_string(),
        };
        match t {
            Ty::Builtin(name) => self.call_builtin(&name, e.span, args),
            Ty::Fn(f) => {
                let (min, max) = (f.required(), f.params.len());
                if args.len() < min || args.len() > max {
                    let message = error::wrong_argument_count(&callee_name, min, max, args.len());
                    self.error(Code::WrongArgumentCount, e.span, message);
                }
                for (i, arg) in args.iter().enumerate() {
                    let expected = f.params.get(i).map(|p| p.ty.clone());
                    self.check(arg, expected.as_ref());
                }
                f.ret.clone()
            }
            Ty::Error => {
                args.iter().for_each(|a| {
                    self.check(a, None);
                });
                Ty::Error
            }
            other => {
                let message = match &other {
                    Ty::Component(c) => error::component_called(&c.name),
                    _ => error::not_callable(&other),
                };
                self.error(Code::NotCallable, callee.span, message);
                args.iter().for_each(|a| {
                    self.check(a, None);
                });
                Ty::Error
            }
        }
    }

    fn instantiate(
        &mut self,
        e: &Expr,
        component: &Expr,
        args: &[RecordEntry],
        allowed: bool,
    ) -> Ty {
        if !allowed {
            self.error(
                Code::MisplacedInstance,
                e.span,
                error::MISPLACED_INSTANCE.to_string(),
            );
        }
        let t = self.check(component, None);
        match t {
            Ty::Component(c) => {
                self.instance_args(component.span, &c, args);
                c.instance()
            }
            other => {
                match &other {
                    Ty::Error => {}
                    Ty::Fn(_) | Ty::Builtin(_) => {
                        self.error(
                            Code::NotCallable,
                            component.span,
                            error::fn_instantiated(&other),
                        );
                    }
                    _ => {
                        self.error(
                            Code::NotCallable,
                            component.span,
                            error::not_a_component(&other),
                        );
                    }
                }
                self.record(args);
                Ty::Error
            }
        }
    }

    /// The record a component is instantiated with, against its params.
    fn instance_args(&mut self, name_span: Span, c: &Arc<ComponentTy>, args: &[RecordEntry]) {
        let names: Vec<&str> = c.params.iter().map(|p| p.name.as_str()).collect();
        let mut given: Vec<String> = Vec::new();
        let mut known = true;
        for entry in args {
            match entry {
                RecordEntry::Field { key, value } => {
                    if given.contains(&key.name) {
                        self.error(
                            Code::DuplicateDefinition,
                            key.span,
                            error::duplicate_field(&key.name),
                        );
                    }
                    given.push(key.name.clone());
                    match c.params.iter().find(|p| p.name == key.name) {
                        Some(p) => {
                            self.check(value, Some(&p.ty));
                        }
                        None => {
                            let message = error::unknown_component_param(&c.name, &key.name);
                            self.error_suggest(
                                Code::UnknownField,
                                key.span,
                                message,
                                &key.name,
                                names.iter().copied(),
                            );
                            self.check(value, None);
                        }
                    }
                }
                RecordEntry::Spread(x) => match self.spread(x) {
                    Some(fields) => {
                        for f in fields.iter() {
                            match c.params.iter().find(|p| p.name == f.name) {
                                Some(p) => {
                                    if !ty::fits(&f.value_ty(), &p.ty) {
                                        let message =
                                            error::field_mismatch(&f.name, &p.ty, &f.value_ty());
                                        self.error(Code::TypeMismatch, x.span, message);
                                    }
                                }
                                None => {
                                    let message = error::unknown_component_param(&c.name, &f.name);
                                    self.error_suggest(
                                        Code::UnknownField,
                                        x.span,
                                        message,
                                        &f.name,
                                        names.iter().copied(),
                                    );
                                }
                            }
                            given.push(f.name.clone());
                        }
                    }
                    None => known = false,
                },
            }
        }
        if known {
            let missing: Vec<&str> = c
                .params
                .iter()
                .filter(|p| !p.has_default && !given.contains(&p.name))
                .map(|p| p.name.as_str())
                .collect();
            if !missing.is_empty() {
                self.error(
                    Code::MissingField,
                    name_span,
                    error::missing_component_param(&c.name, &missing),
                );
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // operators

    fn unary(&mut self, op: UnaryOp, operand: &Expr, span: Span) -> Ty {
        match op {
            UnaryOp::Not => {
                self.check(operand, Some(&Ty::Bool));
                Ty::Bool
            }
            UnaryOp::Neg => {
                let t = self.check(operand, None);
                if t == Ty::Error {
                    Ty::Error
                } else if ty::fits(&t, &Ty::Int) {
                    Ty::Int
                } else if ty::fits(&t, &Ty::Number) {
                    Ty::Number
                } else {
                    self.error(Code::TypeMismatch, span, error::unary("-", &t));
                    Ty::Error
                }
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Ty {
        match op {
            BinaryOp::And | BinaryOp::Or => self.logic(op, lhs, rhs),
            BinaryOp::Coalesce => self.coalesce(lhs, rhs),
            BinaryOp::Eq | BinaryOp::Ne => self.equality(lhs, rhs),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                self.comparison(op, lhs, rhs, span)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                self.arithmetic(op, lhs, rhs, span)
            }
        }
    }

    fn logic(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Ty {
        self.check(lhs, Some(&Ty::Bool));
        // `a != null && a > 1`: the right side runs only when the left one held (or failed)
        let facts = narrow::facts(lhs);
        let proven = if op == BinaryOp::And {
            facts.when_true
        } else {
            facts.when_false
        };
        self.with_non_null(&proven, |c| c.check(rhs, Some(&Ty::Bool)));
        Ty::Bool
    }

    fn coalesce(&mut self, lhs: &Expr, rhs: &Expr) -> Ty {
        let l = self.check(lhs, None);
        let r = self.check(rhs, None);
        if l == Ty::Error {
            return ty::join(vec![r, Ty::Error]);
        }
        if !ty::is_optional(&l) {
            self.error(Code::TypeMismatch, lhs.span, error::never_null(&l));
        }
        ty::join(vec![ty::non_null(&l), r])
    }

    fn equality(&mut self, lhs: &Expr, rhs: &Expr) -> Ty {
        let l = self.check(lhs, None);
        let r = self.check(rhs, None);
        self.literal_comparison(&l, &r, rhs.span);
        self.literal_comparison(&r, &l, lhs.span);
        Ty::Bool
    }

    fn comparison(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Ty {
        let l = self.check(lhs, None);
        let r = self.check(rhs, None);
        let numbers = ty::fits(&l, &Ty::Number) && ty::fits(&r, &Ty::Number);
        let strings = ty::fits(&l, &Ty::String) && ty::fits(&r, &Ty::String);
        if !numbers && !strings {
            self.error(Code::TypeMismatch, span, error::binary(op.symbol(), &l, &r));
        }
        Ty::Bool
    }

    /// `+ - * / %` on numbers; `+` also joins strings and lists.
    fn arithmetic(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Ty {
        let l = self.check(lhs, None);
        let r = self.check(rhs, None);
        if l == Ty::Error || r == Ty::Error {
            return Ty::Error;
        }
        if ty::fits(&l, &Ty::Int) && ty::fits(&r, &Ty::Int) {
            return Ty::Int;
        }
        if ty::fits(&l, &Ty::Number) && ty::fits(&r, &Ty::Number) {
            return Ty::Number;
        }
        if op == BinaryOp::Add {
            if ty::fits(&l, &Ty::String) && ty::fits(&r, &Ty::String) {
                return Ty::String;
            }
            if let (Ty::List(a), Ty::List(b)) = (&l, &r) {
                return Ty::List(Box::new(ty::join(vec![(**a).clone(), (**b).clone()])));
            }
        }
        self.error(Code::TypeMismatch, span, error::binary(op.symbol(), &l, &r));
        Ty::Error
    }

    /// `env == "prd"` where `env: "beta" | "prod"`: the comparison can never hold, almost always
    /// a typo.
    fn literal_comparison(&mut self, union: &Ty, other: &Ty, span: Span) {
        if let (Some(set), Ty::Lit(value)) = (ty::literal_set(union), other)
            && set.len() > 1
            && !set.contains(&&**value)
        {
            let message = error::not_a_literal_of(value, union);
            self.error_suggest(Code::TypeMismatch, span, message, value, set);
        }
    }

    // ------------------------------------------------------------------------------------------
    // match

    fn match_expr(&mut self, scrutinee: &Expr, arms: &[MatchArm], expected: Option<&Ty>) -> Ty {
        let st = self.check(scrutinee, None);
        let literals: Option<Vec<String>> = match ty::literal_set(&st) {
            Some(set) => Some(set.into_iter().map(str::to_string).collect()),
            None => {
                if st != Ty::Error {
                    self.error(
                        Code::TypeMismatch,
                        scrutinee.span,
                        error::mismatch_what(error::EXPECTED_LITERAL_UNION, &st),
                    );
                }
                None
            }
        };
        let mut covered: Vec<String> = Vec::new();
        let mut wildcard = false;
        let mut tys = Vec::with_capacity(arms.len());
        for arm in arms {
            match &arm.pattern {
                Pattern::Literals(lits) => {
                    for (lit, span) in lits {
                        if wildcard {
                            self.error(
                                Code::UnreachableArm,
                                *span,
                                error::ARM_AFTER_WILDCARD.to_string(),
                            );
                            continue;
                        }
                        let Some(all) = &literals else { continue };
                        if !all.contains(lit) {
                            let message = error::arm_not_in_union(lit, &st);
                            let known = all.iter().map(String::as_str);
                            self.error_suggest(Code::UnreachableArm, *span, message, lit, known);
                        } else if covered.contains(lit) {
                            self.error(
                                Code::UnreachableArm,
                                *span,
                                error::arm_already_covered(lit),
                            );
                        } else {
                            covered.push(lit.clone());
                        }
                    }
                }
                Pattern::Wildcard(span) => {
                    if wildcard {
                        self.error(
                            Code::UnreachableArm,
                            *span,
                            error::ARM_AFTER_WILDCARD.to_string(),
                        );
                    } else if literals
                        .as_ref()
                        .is_some_and(|all| all.len() == covered.len())
                    {
                        self.error(
                            Code::UnreachableArm,
                            *span,
                            error::WILDCARD_COVERS_NOTHING.to_string(),
                        );
                    }
                    wildcard = true;
                }
            }
            tys.push(self.check(&arm.body, expected));
        }
        if let Some(all) = &literals
            && !wildcard
        {
            let missing: Vec<&str> = all
                .iter()
                .filter(|l| !covered.contains(l))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                self.error(
                    Code::NonExhaustiveMatch,
                    scrutinee.span,
                    error::non_exhaustive(&missing),
                );
            }
        }
        ty::join(tys)
    }
}
