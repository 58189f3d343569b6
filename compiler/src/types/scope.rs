//! Scopes and declarations: the arena the checker resolves names in, the references an
//! expression makes (for the dependency graph), and strongly connected components of that graph
//! (for `recursion`).

use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind, RecordEntry, StrPart, TypeExpr, TypeExprKind};
use indexmap::IndexMap;

pub(crate) type ScopeId = usize;
pub(crate) type DeclId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScopeKind {
    File,
    Stack,
    Component,
    /// The items of one branch of a declaration-level `if`.
    Branch,
    /// The items of a declaration-level `for`.
    For,
    /// A function's parameters.
    Fn,
}

pub(crate) struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// Every name visible from this scope's own level, in declaration order: its declarations,
    /// and those lifted out of its `if` and `for` blocks.
    pub names: IndexMap<String, DeclId>,
    /// The outputs declared at this level (and lifted out of its blocks). Outputs are not names
    /// in scope: they are the fields of a component's instances and members of `stack.name`
    /// (after the stack's names), so `output cluster = cluster` passes a param through.
    pub outputs: IndexMap<String, DeclId>,
}

impl Scope {
    pub fn new(kind: ScopeKind, parent: Option<ScopeId>) -> Self {
        Scope {
            kind,
            parent,
            names: IndexMap::new(),
            outputs: IndexMap::new(),
        }
    }

    /// A member as `stack.name` reads it: a name, else an output.
    pub fn member(&self, name: &str) -> Option<DeclId> {
        self.names
            .get(name)
            .or_else(|| self.outputs.get(name))
            .copied()
    }

    /// Every member: names, then outputs not shadowed by a name.
    pub fn members(&self) -> impl Iterator<Item = (&String, DeclId)> {
        let outputs = self
            .outputs
            .iter()
            .filter(|(n, _)| !self.names.contains_key(*n));
        self.names.iter().chain(outputs).map(|(n, id)| (n, *id))
    }
}

/// How a declaration inside a declaration-level `if` or `for` is seen after the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lift {
    /// `T?`, or `T` when both branches declare it with the same type (`both`).
    If { both: bool },
    /// `[T]`.
    For,
}

pub(crate) enum DeclKind<'a> {
    Import(&'a ast::Import),
    /// A build param (file level) or a component param.
    Param(&'a ast::Param),
    Let(&'a ast::Let),
    Type(&'a ast::TypeAlias),
    /// `scope` holds the function's parameters.
    Fn {
        decl: &'a ast::FnDecl,
        scope: ScopeId,
    },
    FnParam(&'a ast::FnParam),
    Component {
        decl: &'a ast::Component,
        scope: ScopeId,
    },
    Resource(&'a ast::Resource),
    Output(&'a ast::Output),
    Stack {
        decl: &'a ast::Stack,
        scope: ScopeId,
    },
    /// The variable of a declaration-level `for`: declared in the body's scope, its iterable is
    /// read in the enclosing one.
    LoopVar {
        iterable: &'a Expr,
    },
    /// A declaration of an `if`/`for` block, as seen from the enclosing scope. `cond` is the
    /// `if` condition (a dependency: the block exists only when it holds).
    Lifted {
        sources: Vec<DeclId>,
        lift: Lift,
        cond: Option<&'a Expr>,
    },
}

pub(crate) struct Decl<'a> {
    pub name: String,
    /// The declaring identifier.
    pub span: Span,
    pub doc: Option<&'a str>,
    pub kind: DeclKind<'a>,
    /// The scope the name is declared in.
    pub scope: ScopeId,
}

impl Decl<'_> {
    /// Whether a cycle through this declaration is worth naming (not a synthesized one).
    pub fn is_nameable(&self) -> bool {
        !matches!(self.kind, DeclKind::Lifted { .. })
    }
}

// ----------------------------------------------------------------------------------------------
// references

/// A name an expression (or type) reads, with the field read from it when it is `name.field`
/// (so that `stack.member` depends on the member, not on the whole stack).
#[derive(Clone, Debug)]
pub(crate) struct Ref<'e> {
    pub name: &'e str,
    pub field: Option<&'e str>,
    pub is_type: bool,
}

/// The free names of `e`: names not bound inside it by a comprehension or a block.
pub(crate) fn expr_refs<'e>(e: &'e Expr, bound: &mut Vec<&'e str>, out: &mut Vec<Ref<'e>>) {
    match &e.kind {
        ExprKind::Null | ExprKind::Bool(_) | ExprKind::Int(_) | ExprKind::Number(_) => {}
        ExprKind::Name(n) => {
            if !bound.contains(&n.as_str()) {
                out.push(Ref {
                    name: n,
                    field: None,
                    is_type: false,
                });
            }
        }
        ExprKind::Str(parts) => {
            for part in parts {
                if let StrPart::Interp(x) = part {
                    expr_refs(x, bound, out);
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|x| expr_refs(x, bound, out)),
        ExprKind::ListFor(c) => {
            expr_refs(&c.iterable, bound, out);
            let mark = bound.len();
            bound.extend(c.index_var.iter().map(|i| i.name.as_str()));
            bound.push(&c.var.name);
            if let Some(cond) = &c.condition {
                expr_refs(cond, bound, out);
            }
            expr_refs(&c.body, bound, out);
            bound.truncate(mark);
        }
        ExprKind::MapFor(c) => {
            expr_refs(&c.iterable, bound, out);
            let mark = bound.len();
            bound.extend(c.index_var.iter().map(|i| i.name.as_str()));
            bound.push(&c.var.name);
            if let Some(cond) = &c.condition {
                expr_refs(cond, bound, out);
            }
            expr_refs(&c.key, bound, out);
            expr_refs(&c.value, bound, out);
            bound.truncate(mark);
        }
        ExprKind::Record(entries) => entries_refs(entries, bound, out),
        ExprKind::Field { base, name } => match &base.kind {
            ExprKind::Name(n) if !bound.contains(&n.as_str()) => {
                out.push(Ref {
                    name: n,
                    field: Some(&name.name),
                    is_type: false,
                });
            }
            _ => expr_refs(base, bound, out),
        },
        ExprKind::Index { base, index } => {
            expr_refs(base, bound, out);
            expr_refs(index, bound, out);
        }
        ExprKind::Call { callee, args } => {
            expr_refs(callee, bound, out);
            args.iter().for_each(|x| expr_refs(x, bound, out));
        }
        ExprKind::Instantiate { component, args } => {
            expr_refs(component, bound, out);
            entries_refs(args, bound, out);
        }
        ExprKind::Unary { operand, .. } => expr_refs(operand, bound, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_refs(lhs, bound, out);
            expr_refs(rhs, bound, out);
        }
        ExprKind::If {
            condition,
            then_branch,
            else_branch,
        } => {
            expr_refs(condition, bound, out);
            expr_refs(then_branch, bound, out);
            expr_refs(else_branch, bound, out);
        }
        ExprKind::Match { scrutinee, arms } => {
            expr_refs(scrutinee, bound, out);
            arms.iter().for_each(|a| expr_refs(&a.body, bound, out));
        }
        ExprKind::Range { start, end } => {
            expr_refs(start, bound, out);
            expr_refs(end, bound, out);
        }
        ExprKind::Block { lets, value } => {
            let mark = bound.len();
            bound.extend(lets.iter().map(|l| l.name.name.as_str()));
            for l in lets {
                if let Some(t) = &l.ty {
                    type_refs(t, out);
                }
                expr_refs(&l.value, bound, out);
            }
            expr_refs(value, bound, out);
            bound.truncate(mark);
        }
    }
}

fn entries_refs<'e>(entries: &'e [RecordEntry], bound: &mut Vec<&'e str>, out: &mut Vec<Ref<'e>>) {
    for entry in entries {
        match entry {
            RecordEntry::Field { value, .. } => expr_refs(value, bound, out),
            RecordEntry::Spread(x) => expr_refs(x, bound, out),
        }
    }
}

/// The type aliases a type expression names (single names only: `mod.T` reads an import).
pub(crate) fn type_refs<'e>(t: &'e TypeExpr, out: &mut Vec<Ref<'e>>) {
    match &t.kind {
        TypeExprKind::Named(path) => {
            if let [single] = path.as_slice() {
                out.push(Ref {
                    name: &single.name,
                    field: None,
                    is_type: true,
                });
            }
        }
        TypeExprKind::Resource(_) | TypeExprKind::StrLit(_) => {}
        TypeExprKind::Union(ts) => ts.iter().for_each(|t| type_refs(t, out)),
        TypeExprKind::Optional(t) | TypeExprKind::List(t) | TypeExprKind::Map(t) => {
            type_refs(t, out)
        }
        TypeExprKind::Record(fields) => fields.iter().for_each(|f| type_refs(&f.ty, out)),
        TypeExprKind::Fn(params, ret) => {
            params.iter().for_each(|t| type_refs(t, out));
            type_refs(ret, out);
        }
    }
}

// ----------------------------------------------------------------------------------------------
// strongly connected components

/// The strongly connected components of a graph, dependencies first (each component comes after
/// every component it has an edge to). Iterative Tarjan: no recursion, whatever the graph.
pub(crate) fn sccs(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNVISITED: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    // (node, position in its edge list)
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if *pos == 0 && index[v] == UNVISITED {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*pos) {
                *pos += 1;
                if index[w] == UNVISITED {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                component.reverse();
                out.push(component);
            }
        }
    }
    out
}

/// Whether a component is a cycle: more than one node, or one node with an edge to itself.
pub(crate) fn is_cycle(component: &[usize], edges: &[Vec<usize>]) -> bool {
    match component {
        [single] => edges[*single].contains(single),
        _ => component.len() > 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_come_dependencies_first() {
        // 0 -> 1 -> 2 -> 1, 3 -> 3
        let edges = vec![vec![1], vec![2], vec![1], vec![3]];
        let comps = sccs(&edges);
        assert_eq!(comps, vec![vec![1, 2], vec![0], vec![3]]);
        assert!(is_cycle(&comps[0], &edges));
        assert!(!is_cycle(&comps[1], &edges));
        assert!(is_cycle(&comps[2], &edges));
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let comps = sccs(&edges);
        assert_eq!(comps.len(), n);
        assert_eq!(comps[0], vec![n - 1]);
    }
}
