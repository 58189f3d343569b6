//! Go to definition: from a name, member, component argument or import to where it is declared,
//! across files and into the standard library (`std/vpc.cvl`).

use super::NavTarget;
use super::index::DefKind;
use super::resolve::{Cx, Resolved, resolve};
use crate::db::{Db, SourceFile};
use crate::source::Span;

/// Where the thing at `offset` is declared (empty when it is declared nowhere in cvl: built-ins,
/// CloudFormation properties and attributes).
pub fn goto_definition(db: &dyn Db, file: SourceFile, offset: usize) -> Vec<NavTarget> {
    let cx = Cx::new(db, file);
    let Some((span, target)) = cx.index.target_at(offset) else {
        return Vec::new();
    };
    match resolve(&cx, &target) {
        Resolved::Def(location) => {
            let def = location.get(&cx);
            // on the name an import binds: the module itself
            if def.kind == DefKind::Import
                && location.file == file
                && def.span == span
                && let Some(module) = super::resolve::import_target(db, file, &def.name)
            {
                return vec![module_start(db, module)];
            }
            vec![NavTarget {
                file: location.file.path(db).clone(),
                span: def.span,
                full: def.full,
            }]
        }
        Resolved::Module(module) => vec![module_start(db, module)],
        _ => Vec::new(),
    }
}

fn module_start(db: &dyn Db, module: SourceFile) -> NavTarget {
    NavTarget {
        file: module.path(db).clone(),
        span: Span::default(),
        full: Span::new(0, module.text(db).len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::{fixture, one, slice};

    fn goto(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let (db, file, offset) = fixture(files);
        goto_definition(&db, file, offset)
            .into_iter()
            .map(|t| {
                let target = db.file(&t.file).unwrap();
                (t.file, slice(&db, target, t.span))
            })
            .collect()
    }

    #[test]
    fn names_go_to_their_declaration() {
        let (db, file, offset) = one("let size = 1\nlet b = si$0ze + 1\n");
        let targets = goto_definition(&db, file, offset);
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].span, Span::new(4, 8));
    }

    #[test]
    fn members_go_into_the_standard_library() {
        let found = goto(&[(
            "main.cvl",
            "import std.vpc\nstack s {\n  let net = vpc.Netw$0ork { name: \"x\" }\n}\n",
        )]);
        assert_eq!(
            found,
            vec![("std/vpc.cvl".to_string(), "Network".to_string())]
        );
        let found = goto(&[(
            "main.cvl",
            "import std.vpc\nstack s {\n  let net = vpc.Network { na$0me: \"x\" }\n}\n",
        )]);
        assert_eq!(found, vec![("std/vpc.cvl".to_string(), "name".to_string())]);
        let found = goto(&[("main.cvl", "import std.v$0pc\n")]);
        assert_eq!(found, vec![("std/vpc.cvl".to_string(), String::new())]);
    }

    #[test]
    fn instance_outputs_and_stack_members_across_files() {
        let lib = "component Box {\n  param size: int = 1\n  output doubled = size * 2\n}\n";
        let main = "import \"./lib.cvl\" as lib\nstack a {\n  let b = lib.Box {}\n  output o = b.doub$0led\n}\n";
        assert_eq!(
            goto(&[("main.cvl", main), ("lib.cvl", lib)]),
            vec![("lib.cvl".to_string(), "doubled".to_string())]
        );
        let main = "stack net {\n  let cidr = \"10.0.0.0/16\"\n}\nstack app {\n  output c = net.ci$0dr\n}\n";
        assert_eq!(
            goto(&[("main.cvl", main)]),
            vec![("main.cvl".to_string(), "cidr".to_string())]
        );
    }
}
