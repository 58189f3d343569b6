//! Inlay hints: the inferred type after the name of a `let` that has no written type, and the
//! CloudFormation logical IDs after the name of a resource (the name, prefixed by the instances
//! of the components it is declared in, suffixed by its position in a `for`).

use super::index::{DefKind, Detail, FileIndex, Target, file_index};
use super::resolve::{Cx, Location, Resolved, def_type, resolve};
use crate::db::{Db, SourceFile};
use crate::eval::interp::pascal_case;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlayKind {
    Type,
    /// Other information (logical IDs).
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after the name).
    pub offset: usize,
    pub label: String,
    pub kind: InlayKind,
}

/// Types longer than this are cut with `…`.
const MAX_TYPE: usize = 60;
/// At most this many logical IDs are listed per resource.
const MAX_IDS: usize = 4;

/// The hints inside `range`.
pub fn inlay_hints(db: &dyn Db, file: SourceFile, range: Span) -> Vec<InlayHint> {
    let cx = Cx::new(db, file);
    let index = cx.index;
    let mut out = Vec::new();
    for (id, def) in index.defs.iter().enumerate() {
        if !(range.start <= def.span.end && def.span.end <= range.end) {
            continue;
        }
        let location = Location { file, def: id };
        match (def.kind, &def.detail) {
            (DefKind::Let | DefKind::Local, Detail::None) => {
                if let Some(ty) = def_type(&cx, location).filter(|t| t != "unknown") {
                    let ty = if ty.chars().count() > MAX_TYPE {
                        format!("{}…", ty.chars().take(MAX_TYPE).collect::<String>())
                    } else {
                        ty
                    };
                    out.push(InlayHint {
                        offset: def.span.end,
                        label: format!(": {ty}"),
                        kind: InlayKind::Type,
                    });
                }
            }
            (DefKind::Resource, _) => {
                let ids = logical_ids(&cx, location, 0);
                if ids.is_empty() || ids == [def.name.clone()] {
                    continue;
                }
                let mut shown: Vec<String> = ids.iter().take(MAX_IDS).cloned().collect();
                if ids.len() > MAX_IDS {
                    shown.push("…".to_string());
                }
                out.push(InlayHint {
                    offset: def.span.end,
                    label: format!(" {}", shown.join(", ")),
                    kind: InlayKind::Note,
                });
            }
            _ => {}
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// The logical IDs a declaration inside a component gets: its name prefixed by every instance
/// of the component (through enclosing components, up to a depth), with `N` for `for` positions.
fn logical_ids(cx: &Cx<'_>, location: Location, depth: usize) -> Vec<String> {
    let index = cx.index_of(location.file);
    let def = &index.defs[location.def];
    let suffix = if in_for(index, def.scope) { "<n>" } else { "" };
    let name = if def.kind == DefKind::Resource {
        def.name.clone()
    } else {
        pascal_case(&def.name)
    };
    let own = format!("{name}{suffix}");
    let Some(component) = enclosing_component(index, def.scope) else {
        return vec![own];
    };
    if depth > 3 {
        return vec![format!("…{own}")];
    }
    let mut ids = Vec::new();
    for instance in instances_of(
        cx,
        Location {
            file: location.file,
            def: component,
        },
    ) {
        for prefix in logical_ids(cx, instance, depth + 1) {
            ids.push(format!("{prefix}{own}"));
            if ids.len() > MAX_IDS {
                return ids;
            }
        }
    }
    ids
}

/// Whether a scope is (inside) the body of a declaration-level `for`.
fn in_for(index: &FileIndex, scope: usize) -> bool {
    let mut current = Some(scope);
    while let Some(s) = current {
        if index.scopes[s]
            .defs
            .iter()
            .any(|&d| index.defs[d].kind == DefKind::LoopVar && index.defs[d].scope == s)
        {
            return true;
        }
        if index.defs.iter().any(|d| d.body == Some(s)) {
            return false;
        }
        current = index.scopes[s].parent;
    }
    false
}

/// The component whose body (or a block inside it) is `scope`.
fn enclosing_component(index: &FileIndex, scope: usize) -> Option<usize> {
    let mut current = Some(scope);
    while let Some(s) = current {
        if let Some(owner) = index.defs.iter().position(|d| d.body == Some(s)) {
            return (index.defs[owner].kind == DefKind::Component).then_some(owner);
        }
        current = index.scopes[s].parent;
    }
    None
}

/// The lets of the workspace that instantiate a component.
fn instances_of(cx: &Cx<'_>, component: Location) -> Vec<Location> {
    let mut out = Vec::new();
    for &file in cx.db.workspace().files(cx.db).values() {
        let index = file_index(cx.db, file);
        let fcx = Cx::new(cx.db, file);
        for (id, def) in index.defs.iter().enumerate() {
            if let Detail::Instance { component: target } = &def.detail {
                let named = match target {
                    Target::Def(d) => index.defs[*d].name == component.get(cx).name,
                    Target::Member { path, .. } => path.last() == Some(&component.get(cx).name),
                    _ => false,
                };
                if named && resolve(&fcx, target) == Resolved::Def(component) {
                    out.push(Location { file, def: id });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::one;

    #[test]
    fn let_types_and_logical_ids() {
        let text = "component Box {\n  resource Bucket: AWS::S3::Bucket {}\n}\nstack s {\n  let api = Box {}\n  let web_site = Box {}\n  let n = 1\n  let m: int = 2\n  for i in 0..2 {\n    resource Q: AWS::SQS::Queue {}\n  }\n}\n";
        let (db, file, _) = one(text);
        let hints: Vec<(String, String)> = inlay_hints(&db, file, Span::new(0, text.len()))
            .into_iter()
            .map(|h| {
                (
                    text[..h.offset]
                        .rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    h.label,
                )
            })
            .collect();
        assert!(
            hints.contains(&(
                "Bucket".to_string(),
                " ApiBucket, WebSiteBucket".to_string()
            )),
            "{hints:?}"
        );
        assert!(
            hints.contains(&("n".to_string(), ": int".to_string())),
            "{hints:?}"
        );
        assert!(
            hints.contains(&("Q".to_string(), " Q<n>".to_string())),
            "{hints:?}"
        );
        assert!(!hints.iter().any(|(n, _)| n == "m"), "{hints:?}");
    }
}
