//! Document symbols: the outline of a file, declarations nested in their stacks and components
//! (the declarations of `if` and `for` blocks listed with the enclosing ones).

use crate::db::{Db, SourceFile, check_file, parse};
use crate::source::Span;
use crate::syntax::ast::{Item, ItemKind};
use crate::types::SymbolKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The type, or the resource type.
    pub detail: Option<String>,
    /// The whole declaration.
    pub span: Span,
    /// Its name.
    pub selection: Span,
    pub children: Vec<DocumentSymbol>,
}

pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<DocumentSymbol> {
    let types = &check_file(db, file).symbols;
    let type_of = |span: Span| types.iter().find(|s| s.span == span).map(|s| s.ty.clone());
    let mut out = Vec::new();
    collect(&parse(db, file).ast.items, &type_of, &mut out);
    out
}

fn collect(
    items: &[Item],
    type_of: &dyn Fn(Span) -> Option<String>,
    out: &mut Vec<DocumentSymbol>,
) {
    for item in items {
        let (name, kind, detail, children) = match &item.kind {
            ItemKind::Import(i) => (&i.alias, SymbolKind::Import, None, Vec::new()),
            ItemKind::Param(p) => (
                &p.name,
                SymbolKind::Param,
                Some(crate::syntax::print_type(&p.ty)),
                Vec::new(),
            ),
            ItemKind::Let(l) => (&l.name, SymbolKind::Let, type_of(l.name.span), Vec::new()),
            ItemKind::Type(t) => (
                &t.name,
                SymbolKind::Type,
                Some(crate::syntax::print_type(&t.ty)),
                Vec::new(),
            ),
            ItemKind::Fn(f) => (&f.name, SymbolKind::Fn, type_of(f.name.span), Vec::new()),
            ItemKind::Component(c) => {
                let mut children = Vec::new();
                collect(&c.items, type_of, &mut children);
                (&c.name, SymbolKind::Component, None, children)
            }
            ItemKind::Resource(r) => (
                &r.name,
                SymbolKind::Resource,
                Some(r.type_name.name.clone()),
                Vec::new(),
            ),
            ItemKind::Output(o) => (
                &o.name,
                SymbolKind::Output,
                type_of(o.name.span),
                Vec::new(),
            ),
            ItemKind::Stack(s) => {
                let mut children = Vec::new();
                collect(&s.items, type_of, &mut children);
                (&s.name, SymbolKind::Stack, None, children)
            }
            ItemKind::If(b) => {
                collect(&b.then_items, type_of, out);
                collect(&b.else_items, type_of, out);
                continue;
            }
            ItemKind::For(f) => {
                collect(&f.items, type_of, out);
                continue;
            }
            ItemKind::Check(_) | ItemKind::Tags(_) => continue,
        };
        out.push(DocumentSymbol {
            name: name.name.clone(),
            kind,
            detail,
            span: item.span,
            selection: name.span,
            children,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::one;

    #[test]
    fn stacks_and_components_nest_their_declarations() {
        let (db, file, _) = one(
            "param env: \"a\" | \"b\"\nstack s {\n  let n = 1\n  if true { resource B: AWS::S3::Bucket {} }\n}\n",
        );
        let symbols = document_symbols(&db, file);
        let outline: Vec<(String, Vec<String>)> = symbols
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.children
                        .iter()
                        .map(|c| format!("{}: {}", c.name, c.detail.clone().unwrap_or_default()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            outline,
            vec![
                ("env".to_string(), vec![]),
                (
                    "s".to_string(),
                    vec!["n: int".to_string(), "B: AWS::S3::Bucket".to_string()]
                )
            ]
        );
    }
}
