//! Find references: every use of a definition in the workspace (the other files of the project
//! and the standard library included), optionally with the declaration itself.

use super::index::{Target, file_index};
use super::resolve::{Cx, Location, Resolved, resolve};
use crate::db::{Db, SourceFile};
use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferenceItem {
    pub file: String,
    pub span: Span,
    /// The declaring identifier.
    pub is_definition: bool,
}

/// The definition the name at `offset` points at.
pub fn definition_at(db: &dyn Db, file: SourceFile, offset: usize) -> Option<Location> {
    let cx = Cx::new(db, file);
    let (_, target) = cx.index.target_at(offset)?;
    match resolve(&cx, &target) {
        Resolved::Def(location) => Some(location),
        _ => None,
    }
}

/// Every use of what `offset` names, sorted by file and position.
pub fn find_references(
    db: &dyn Db,
    file: SourceFile,
    offset: usize,
    include_declaration: bool,
) -> Vec<ReferenceItem> {
    match definition_at(db, file, offset) {
        Some(location) => references_of(db, location, include_declaration),
        None => Vec::new(),
    }
}

/// Every use of a definition.
pub fn references_of(
    db: &dyn Db,
    location: Location,
    include_declaration: bool,
) -> Vec<ReferenceItem> {
    let cx = Cx::new(db, location.file);
    let def = location.get(&cx);
    let name = def.name.clone();
    let mut out = Vec::new();
    if include_declaration {
        out.push(ReferenceItem {
            file: location.file.path(db).clone(),
            span: def.span,
            is_definition: true,
        });
    }
    for (path, &other) in db.workspace().files(db) {
        let index = file_index(db, other);
        let cx = Cx::new(db, other);
        for reference in &index.refs {
            let named = match &reference.target {
                Target::Def(d) => index.defs[*d].name == name,
                Target::Member { path, .. } => path.last() == Some(&name),
                Target::Arg { name: arg, .. } => *arg == name,
                _ => false,
            };
            if named && resolve(&cx, &reference.target) == Resolved::Def(location) {
                out.push(ReferenceItem {
                    file: path.clone(),
                    span: reference.span,
                    is_definition: false,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.file, a.span).cmp(&(&b.file, b.span)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, slice};

    #[test]
    fn uses_across_files_are_found() {
        let lib = "/// A box.\ncomponent Box {\n  param si$0ze: int = 1\n  output doubled = size * 2\n}\n";
        let main = "import \"./lib.cvl\" as lib\nstack a {\n  let b = lib.Box { size: 3 }\n}\n";
        let (db, file, offset) = fixture(&[("main.cvl", main), ("lib.cvl", lib)]);
        let found = find_references(&db, file, offset, true);
        let described: Vec<(String, String, bool)> = found
            .iter()
            .map(|r| {
                (
                    r.file.clone(),
                    slice(&db, db.file(&r.file).unwrap(), r.span),
                    r.is_definition,
                )
            })
            .collect();
        assert_eq!(
            described,
            vec![
                ("lib.cvl".to_string(), "size".to_string(), true),
                ("lib.cvl".to_string(), "size".to_string(), false),
                ("main.cvl".to_string(), "size".to_string(), false),
            ]
        );
        assert_eq!(find_references(&db, file, offset, false).len(), 2);
    }

    #[test]
    fn shadowed_names_are_not_uses() {
        let (db, file, offset) = fixture(&[(
            "main.cvl",
            "let x$0 = 1\nlet a = [for x in [1]: x]\nlet b = x\n",
        )]);
        let found = find_references(&db, file, offset, false);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].span.start,
            "let x = 1\nlet a = [for x in [1]: x]\nlet b = ".len()
        );
    }
}
