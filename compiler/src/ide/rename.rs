//! Rename: a definition and every use of it, across the workspace. The standard library is read
//! only; an import that binds its module's own name (`import std.vpc`) gets an `as`.

use super::index::{DefKind, file_index};
use super::references::{definition_at, references_of};
use super::resolve::Cx;
use super::{FileEdits, TextEdit};
use crate::db::{Db, SourceFile};
use crate::source::Span;
use crate::syntax::parser::is_keyword;

/// Whether a rename can start at `offset`: the identifier to rename, or why not.
pub fn prepare_rename(db: &dyn Db, file: SourceFile, offset: usize) -> Result<Span, String> {
    let index = file_index(db, file);
    let (span, _) = index
        .target_at(offset)
        .ok_or_else(|| "there is nothing to rename here".to_string())?;
    let location = definition_at(db, file, offset)
        .ok_or_else(|| "only names declared in cvl can be renamed".to_string())?;
    if location.file.path(db).starts_with("std/") {
        return Err("the standard library is read only".to_string());
    }
    Ok(span)
}

/// The edits that rename what `offset` names to `new_name`, grouped by file.
pub fn rename(
    db: &dyn Db,
    file: SourceFile,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileEdits>, String> {
    prepare_rename(db, file, offset)?;
    if !is_identifier(new_name) || is_keyword(new_name) {
        return Err(format!(
            "`{new_name}` is not a name: letters, digits and `_`, not starting with a digit, not a keyword"
        ));
    }
    let location = definition_at(db, file, offset)
        .ok_or_else(|| "only names declared in cvl can be renamed".to_string())?;
    let cx = Cx::new(db, location.file);
    let def = location.get(&cx);
    let mut edits: Vec<FileEdits> = Vec::new();
    for reference in references_of(db, location, true) {
        let text = if reference.is_definition
            && def.kind == DefKind::Import
            && binds_module_name(db, location.file, def.full)
        {
            format!("{} as {new_name}", def.name)
        } else {
            new_name.to_string()
        };
        let edit = TextEdit {
            span: reference.span,
            text,
        };
        match edits.iter_mut().find(|f| f.file == reference.file) {
            Some(f) => f.edits.push(edit),
            None => edits.push(FileEdits {
                file: reference.file,
                edits: vec![edit],
            }),
        }
    }
    Ok(edits)
}

/// `import std.vpc` (no `as`): the alias is the module's own name.
fn binds_module_name(db: &dyn Db, file: SourceFile, full: Span) -> bool {
    let text = file.text(db).get(full.start..full.end).unwrap_or_default();
    !text.split_whitespace().any(|w| w == "as")
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, one};

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let mut edits = edits.to_vec();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = text.to_string();
        for e in edits {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        out
    }

    #[test]
    fn renames_every_use() {
        let (db, file, offset) = one("let si$0ze = 1\nlet b = size + size\n");
        let edits = rename(&db, file, offset, "count").unwrap();
        assert_eq!(edits.len(), 1);
        assert_eq!(
            apply(file.text(&db), &edits[0].edits),
            "let count = 1\nlet b = count + count\n"
        );
    }

    #[test]
    fn imports_get_an_alias_and_the_standard_library_is_read_only() {
        let (db, file, offset) =
            one("import std.vpc\nstack s {\n  let n = v$0pc.Network { name: \"x\" }\n}\n");
        let edits = rename(&db, file, offset, "net").unwrap();
        let text = apply(file.text(&db), &edits[0].edits);
        assert!(text.starts_with("import std.vpc as net\n"), "{text}");
        assert!(text.contains("net.Network"), "{text}");
        let (db, file, offset) =
            one("import std.vpc\nstack s {\n  let n = vpc.Netw$0ork { name: \"x\" }\n}\n");
        assert!(rename(&db, file, offset, "Net").is_err());
        let (db, file, offset) = fixture(&[("main.cvl", "let a$0 = 1\n")]);
        assert!(rename(&db, file, offset, "let").is_err());
        assert!(rename(&db, file, offset, "9a").is_err());
    }
}
