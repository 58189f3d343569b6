//! Where a finding points: the span of a property's key when it is written in the resource's
//! record literal, and the component instances (`let api = ecs.Service { ... }`) a resource was
//! declared through, so that a finding inside a library component also shows the caller.

use super::Seg;
use crate::eval::interp::{Interp, pascal_case};
use crate::eval::value::ResourceIdx;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Item, ItemKind, RecordEntry};

/// The span of the deepest key of `path` written literally in `expr` (a record literal), or
/// `None` when not even the first key is written there (it comes from a spread, a variable...).
pub fn key_span(expr: &ast::Expr, path: &[Seg]) -> Option<Span> {
    let mut best = None;
    walk(expr, path, &mut best, 0);
    best
}

fn walk(expr: &ast::Expr, path: &[Seg], best: &mut Option<Span>, depth: usize) {
    let Some(first) = path.first() else { return };
    if depth > 64 {
        return;
    }
    match (first, &expr.kind) {
        (Seg::Key(key), ExprKind::Record(entries)) => {
            let found = entries.iter().rev().find_map(|entry| match entry {
                RecordEntry::Field { key: k, value } if k.name == *key => Some((k.span, value)),
                _ => None,
            });
            if let Some((span, value)) = found {
                *best = Some(span);
                walk(value, &path[1..], best, depth + 1);
            }
        }
        (Seg::Index(index), ExprKind::List(items)) => {
            if let Some(item) = items.get(*index) {
                walk(item, &path[1..], best, depth + 1);
            }
        }
        (_, ExprKind::Block { value, .. }) => walk(value, path, best, depth + 1),
        _ => {}
    }
}

/// A `let` that instantiates a component: `let api = ecs.FargateService { ... }`.
#[derive(Clone, Debug)]
pub struct Site {
    pub file: String,
    /// The let's name (`api`), for messages.
    pub name: String,
    /// The let's name as written.
    pub span: Span,
    /// The let's name in PascalCase (`Api`), as it starts the logical IDs of the resources
    /// declared through it.
    pascal: String,
    /// The module and name of the instantiated component, when they can be told from the text.
    component: Option<(usize, String)>,
    container: Container,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Container {
    Stack(String),
    Component(usize, String),
}

/// Every component instantiation written in the project.
pub fn instance_sites(interp: &Interp<'_>) -> Vec<Site> {
    let mut out = Vec::new();
    for (module, data) in interp.modules.iter().enumerate() {
        for item in &data.ast.items {
            match &item.kind {
                ItemKind::Stack(stack) if module == 0 => {
                    collect(
                        interp,
                        module,
                        &stack.items,
                        &Container::Stack(stack.name.name.clone()),
                        &mut out,
                    );
                }
                ItemKind::Component(component) => {
                    collect(
                        interp,
                        module,
                        &component.items,
                        &Container::Component(module, component.name.name.clone()),
                        &mut out,
                    );
                }
                _ => {}
            }
        }
        if module == 0 {
            // top-level declarations of the entry file form the stack `main`
            collect(
                interp,
                module,
                &data.ast.items,
                &Container::Stack("main".into()),
                &mut out,
            );
        }
    }
    out
}

fn collect(
    interp: &Interp<'_>,
    module: usize,
    items: &[Item],
    container: &Container,
    out: &mut Vec<Site>,
) {
    for item in items {
        match &item.kind {
            ItemKind::Let(decl) => {
                if let ExprKind::Instantiate { component, .. } = &decl.value.kind {
                    let target = match &component.kind {
                        ExprKind::Name(name) => Some((module, name.clone())),
                        ExprKind::Field { base, name } => match &base.kind {
                            ExprKind::Name(alias) => interp.modules[module]
                                .imports
                                .get(alias)
                                .copied()
                                .flatten()
                                .map(|m| (m, name.name.clone())),
                            _ => None,
                        },
                        _ => None,
                    };
                    out.push(Site {
                        file: interp.modules[module].file.clone(),
                        pascal: pascal_case(&decl.name.name),
                        name: decl.name.name.clone(),
                        span: decl.name.span,
                        component: target,
                        container: container.clone(),
                    });
                }
            }
            ItemKind::If(block) => {
                collect(interp, module, &block.then_items, container, out);
                collect(interp, module, &block.else_items, container, out);
            }
            ItemKind::For(block) => collect(interp, module, &block.items, container, out),
            _ => {}
        }
    }
}

/// The instantiations a resource was declared through, outermost first (empty for a resource
/// declared directly in a stack). Found from the resource's logical-ID prefix, which is the
/// PascalCase names of the instances (with loop positions), and from the declarations.
pub fn instance_chain(interp: &Interp<'_>, resource: ResourceIdx, sites: &[Site]) -> Vec<Site> {
    instance_chain_places(interp, resource, sites)
        .into_iter()
        .map(|place| sites[place].clone())
        .collect()
}

/// [`instance_chain`] as places in `sites`.
pub fn instance_chain_places(
    interp: &Interp<'_>,
    resource: ResourceIdx,
    sites: &[Site],
) -> Vec<usize> {
    let data = &interp.resources[resource];
    let Some(ctx) = &interp.scopes[data.scope].decl else {
        return Vec::new();
    };
    if ctx.prefix.is_empty() {
        return Vec::new();
    }
    let module = interp.scopes[data.scope].module;
    let Some(component) =
        interp.modules[module]
            .ast
            .items
            .iter()
            .find_map(|item| match &item.kind {
                ItemKind::Component(c) if contains_resource(&c.items, data.decl) => {
                    Some(c.name.name.as_str())
                }
                _ => None,
            })
    else {
        return Vec::new();
    };
    let stack = interp.stacks[data.stack].name.as_str();
    chain(&ctx.prefix, (module, component), stack, sites, 0).unwrap_or_default()
}

fn contains_resource(items: &[Item], decl: &ast::Resource) -> bool {
    items.iter().any(|item| match &item.kind {
        ItemKind::Resource(r) => std::ptr::eq(r, decl),
        ItemKind::If(block) => {
            contains_resource(&block.then_items, decl) || contains_resource(&block.else_items, decl)
        }
        ItemKind::For(block) => contains_resource(&block.items, decl),
        _ => false,
    })
}

/// The sites (places in `sites`) of the instances whose PascalCase names make up `prefix`,
/// outermost first, the innermost being an instance of `component`.
fn chain(
    prefix: &str,
    component: (usize, &str),
    stack: &str,
    sites: &[Site],
    depth: usize,
) -> Option<Vec<usize>> {
    if depth > 32 {
        return None;
    }
    // prefix = outer prefix + Name + outer loop positions (digits)
    let digits = prefix.len() - prefix.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    for (place, site) in sites.iter().enumerate() {
        if !site
            .component
            .as_ref()
            .is_some_and(|(m, c)| *m == component.0 && c == component.1)
        {
            continue;
        }
        for strip in 0..=digits {
            let head = &prefix[..prefix.len() - strip];
            let Some(outer) = head.strip_suffix(site.pascal.as_str()) else {
                continue;
            };
            match &site.container {
                Container::Stack(s) if outer.is_empty() && s == stack => {
                    return Some(vec![place]);
                }
                Container::Component(m, c) if !outer.is_empty() => {
                    if let Some(mut found) = chain(outer, (*m, c), stack, sites, depth + 1) {
                        found.push(place);
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
    }
    None
}
