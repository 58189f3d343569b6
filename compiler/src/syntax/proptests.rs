//! Property tests of the parser and the printer:
//! - any text parses without panicking, and every diagnostic points inside the text;
//! - a generated syntax tree, printed and parsed back, is the same tree (spans aside).
//!
//! Also the span-stripping helper that the round-trip comparison (and `tests.rs`) uses.

use proptest::prelude::*;

use super::ast::*;
use super::parser::is_keyword;
use super::{parse_file, print_expr, print_file};
use crate::source::Span;

// ------------------------------------------------------------------------------------------------
// Span stripping

/// Sets every span in the file to `Span::default()`, so trees can be compared up to spans.
pub fn strip_spans(file: &mut File) {
    file.items.iter_mut().for_each(strip_item);
}

fn strip_ident(ident: &mut Ident) {
    ident.span = Span::default();
}

fn strip_item(item: &mut Item) {
    item.span = Span::default();
    match &mut item.kind {
        ItemKind::Import(import) => {
            strip_ident(&mut import.alias);
            match &mut import.target {
                ImportTarget::Std(path) => path.iter_mut().for_each(strip_ident),
                ImportTarget::File { span, .. } => *span = Span::default(),
            }
        }
        ItemKind::Param(param) => {
            strip_ident(&mut param.name);
            strip_type(&mut param.ty);
            param.default.iter_mut().for_each(strip_expr);
            param.options.iter_mut().for_each(strip_expr);
        }
        ItemKind::Let(decl) => strip_let(decl),
        ItemKind::Type(alias) => {
            strip_ident(&mut alias.name);
            strip_type(&mut alias.ty);
        }
        ItemKind::Fn(decl) => {
            strip_ident(&mut decl.name);
            for param in &mut decl.params {
                strip_ident(&mut param.name);
                strip_type(&mut param.ty);
                param.default.iter_mut().for_each(strip_expr);
            }
            decl.ret.iter_mut().for_each(strip_type);
            strip_expr(&mut decl.body);
        }
        ItemKind::Component(Component { name, items }) | ItemKind::Stack(Stack { name, items }) => {
            strip_ident(name);
            items.iter_mut().for_each(strip_item);
        }
        ItemKind::Resource(resource) => {
            strip_ident(&mut resource.name);
            strip_ident(&mut resource.type_name);
            strip_expr(&mut resource.properties);
            resource.options.iter_mut().for_each(strip_expr);
        }
        ItemKind::Output(output) => {
            strip_ident(&mut output.name);
            strip_expr(&mut output.value);
            output.export.iter_mut().for_each(strip_expr);
        }
        ItemKind::Check(check) => {
            strip_expr(&mut check.condition);
            check.message.iter_mut().for_each(strip_expr);
        }
        ItemKind::Tags(tags) => strip_expr(tags),
        ItemKind::If(branch) => {
            strip_expr(&mut branch.condition);
            branch.then_items.iter_mut().for_each(strip_item);
            branch.else_items.iter_mut().for_each(strip_item);
        }
        ItemKind::For(each) => {
            strip_ident(&mut each.var);
            strip_expr(&mut each.iterable);
            each.items.iter_mut().for_each(strip_item);
        }
    }
}

fn strip_let(decl: &mut Let) {
    strip_ident(&mut decl.name);
    decl.ty.iter_mut().for_each(strip_type);
    strip_expr(&mut decl.value);
}

fn strip_type(ty: &mut TypeExpr) {
    ty.span = Span::default();
    match &mut ty.kind {
        TypeExprKind::Named(path) => path.iter_mut().for_each(strip_ident),
        TypeExprKind::Resource(_) | TypeExprKind::StrLit(_) => {}
        TypeExprKind::Union(members) => members.iter_mut().for_each(strip_type),
        TypeExprKind::Optional(inner) | TypeExprKind::List(inner) | TypeExprKind::Map(inner) => {
            strip_type(inner)
        }
        TypeExprKind::Record(fields) => {
            for field in fields {
                strip_ident(&mut field.name);
                strip_type(&mut field.ty);
            }
        }
        TypeExprKind::Fn(params, ret) => {
            params.iter_mut().for_each(strip_type);
            strip_type(ret);
        }
    }
}

fn strip_entries(entries: &mut [RecordEntry]) {
    for entry in entries {
        match entry {
            RecordEntry::Field { key, value } => {
                strip_ident(key);
                strip_expr(value);
            }
            RecordEntry::Spread(base) => strip_expr(base),
        }
    }
}

fn strip_expr(expr: &mut Expr) {
    expr.span = Span::default();
    match &mut expr.kind {
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Number(_)
        | ExprKind::Name(_) => {}
        ExprKind::Str(parts) => {
            for part in parts {
                if let StrPart::Interp(inner) = part {
                    strip_expr(inner);
                }
            }
        }
        ExprKind::List(items) => items.iter_mut().for_each(strip_expr),
        ExprKind::ListFor(c) => {
            c.index_var.iter_mut().for_each(strip_ident);
            strip_ident(&mut c.var);
            strip_expr(&mut c.iterable);
            c.condition.iter_mut().for_each(strip_expr);
            strip_expr(&mut c.body);
        }
        ExprKind::MapFor(c) => {
            c.index_var.iter_mut().for_each(strip_ident);
            strip_ident(&mut c.var);
            strip_expr(&mut c.iterable);
            c.condition.iter_mut().for_each(strip_expr);
            strip_expr(&mut c.key);
            strip_expr(&mut c.value);
        }
        ExprKind::Record(entries) => strip_entries(entries),
        ExprKind::Field { base, name } => {
            strip_expr(base);
            strip_ident(name);
        }
        ExprKind::Index { base, index } => {
            strip_expr(base);
            strip_expr(index);
        }
        ExprKind::Call { callee, args } => {
            strip_expr(callee);
            args.iter_mut().for_each(strip_expr);
        }
        ExprKind::Instantiate { component, args } => {
            strip_expr(component);
            strip_entries(args);
        }
        ExprKind::Unary { operand, .. } => strip_expr(operand),
        ExprKind::Binary { lhs, rhs, .. } => {
            strip_expr(lhs);
            strip_expr(rhs);
        }
        ExprKind::Range { start, end } => {
            strip_expr(start);
            strip_expr(end);
        }
        ExprKind::If {
            condition,
            then_branch,
            else_branch,
        } => {
            strip_expr(condition);
            strip_expr(then_branch);
            strip_expr(else_branch);
        }
        ExprKind::Match { scrutinee, arms } => {
            strip_expr(scrutinee);
            for arm in arms {
                arm.span = Span::default();
                match &mut arm.pattern {
                    Pattern::Literals(literals) => literals
                        .iter_mut()
                        .for_each(|(_, span)| *span = Span::default()),
                    Pattern::Wildcard(span) => *span = Span::default(),
                }
                strip_expr(&mut arm.body);
            }
        }
        ExprKind::Block { lets, value } => {
            lets.iter_mut().for_each(strip_let);
            strip_expr(value);
        }
    }
}

// ------------------------------------------------------------------------------------------------
// Strategies: syntax trees of small depth, in the shapes the parser produces

fn id(name: impl Into<String>) -> Ident {
    Ident {
        name: name.into(),
        span: Span::default(),
    }
}

fn ex(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn ty(kind: TypeExprKind) -> TypeExpr {
    TypeExpr {
        kind,
        span: Span::default(),
    }
}

fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,5}".prop_filter("not a keyword", |n| !is_keyword(n))
}

fn upper_name() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z0-9_]{0,5}"
}

/// String contents that exercise escaping: quotes, backslashes, `${`, newlines, tabs, control
/// and non-ASCII characters.
fn text() -> impl Strategy<Value = String> {
    "[a-z \"\\\\${}\n\t\r\u{1}é😀]{0,8}"
}

/// Normal-form string parts: adjacent text merged, no empty text.
fn normalize(parts: Vec<StrPart>) -> Vec<StrPart> {
    let mut normal = Vec::new();
    for part in parts {
        match part {
            StrPart::Lit(text) if text.is_empty() => {}
            StrPart::Lit(text) => match normal.last_mut() {
                Some(StrPart::Lit(last)) => last.push_str(&text),
                _ => normal.push(StrPart::Lit(text)),
            },
            interp => normal.push(interp),
        }
    }
    normal
}

fn leaf_expr() -> impl Strategy<Value = Expr> {
    prop_oneof![
        Just(ExprKind::Null),
        any::<bool>().prop_map(ExprKind::Bool),
        any::<i64>().prop_map(ExprKind::Int),
        "-?[0-9]{1,3}\\.[0-9]{1,3}".prop_map(ExprKind::Number),
        name().prop_map(ExprKind::Name),
        text().prop_map(|t| ExprKind::Str(normalize(vec![StrPart::Lit(t)]))),
    ]
    .prop_map(ex)
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    use BinaryOp::*;
    prop::sample::select(vec![
        Add, Sub, Mul, Div, Rem, Eq, Ne, Lt, Le, Gt, Ge, And, Or, Coalesce,
    ])
}

fn entries(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Vec<RecordEntry>> {
    let key = prop_oneof![
        name(),
        text(),
        Just("if".to_string()),
        Just("a-b".to_string())
    ];
    let entry = prop_oneof![
        3 => (key, inner.clone()).prop_map(|(k, value)| RecordEntry::Field { key: id(k), value }),
        1 => inner.prop_map(RecordEntry::Spread),
    ];
    prop::collection::vec(entry, 0..5)
}

/// A block; its value cannot start with `(`, `[`, `{` or `-` after a let (it would continue
/// the let's value: see the parser's notes).
fn block(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Expr> {
    let decl =
        (name(), prop::option::of(leaf_type()), inner.clone()).prop_map(|(n, ty, value)| Let {
            name: id(n),
            ty,
            value,
        });
    (prop::collection::vec(decl, 0..3), inner).prop_map(|(lets, value)| {
        let ambiguous = !lets.is_empty() && print_expr(&value).starts_with(['(', '[', '{', '-']);
        let value = if ambiguous {
            ex(ExprKind::Name("v".into()))
        } else {
            value
        };
        ex(ExprKind::Block {
            lets,
            value: Box::new(value),
        })
    })
}

/// What an `if` branch or a `fn` body can be: a block or a record.
fn braced(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = Expr> {
    prop_oneof![
        block(inner.clone()),
        entries(inner).prop_map(|e| ex(ExprKind::Record(e)))
    ]
}

fn component_path() -> impl Strategy<Value = Expr> {
    (prop::option::of(name()), upper_name()).prop_map(|(module, component)| match module {
        None => ex(ExprKind::Name(component)),
        Some(module) => ex(ExprKind::Field {
            base: Box::new(ex(ExprKind::Name(module))),
            name: id(component),
        }),
    })
}

fn match_arm(inner: BoxedStrategy<Expr>) -> impl Strategy<Value = MatchArm> {
    let pattern = prop_oneof![
        Just(Pattern::Wildcard(Span::default())),
        prop::collection::vec(text().prop_map(|t| (t, Span::default())), 1..3)
            .prop_map(Pattern::Literals),
    ];
    (pattern, inner).prop_map(|(pattern, body)| MatchArm {
        pattern,
        body,
        span: Span::default(),
    })
}

fn for_head(
    inner: BoxedStrategy<Expr>,
) -> impl Strategy<Value = (Option<Ident>, Ident, Expr, Option<Expr>)> {
    (
        prop::option::of(name()),
        name(),
        inner.clone(),
        prop::option::of(inner),
    )
        .prop_map(|(index, var, iterable, condition)| (index.map(id), id(var), iterable, condition))
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf_expr().prop_recursive(3, 24, 3, |inner| {
        let inner = inner.boxed();
        let parts = prop::collection::vec(
            prop_oneof![
                text().prop_map(StrPart::Lit),
                inner.clone().prop_map(StrPart::Interp)
            ],
            0..3,
        );
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(ExprKind::List),
            entries(inner.clone()).prop_map(ExprKind::Record),
            parts.prop_map(|p| ExprKind::Str(normalize(p))),
            (inner.clone(), name()).prop_map(|(base, n)| ExprKind::Field {
                base: Box::new(base),
                name: id(n)
            }),
            (inner.clone(), inner.clone()).prop_map(|(base, index)| ExprKind::Index {
                base: Box::new(base),
                index: Box::new(index)
            }),
            (inner.clone(), prop::collection::vec(inner.clone(), 0..3)).prop_map(
                |(callee, args)| ExprKind::Call {
                    callee: Box::new(callee),
                    args
                }
            ),
            (component_path(), entries(inner.clone())).prop_map(|(component, args)| {
                ExprKind::Instantiate {
                    component: Box::new(component),
                    args,
                }
            }),
            (
                prop::sample::select(vec![UnaryOp::Neg, UnaryOp::Not]),
                inner.clone()
            )
                .prop_map(|(op, operand)| ExprKind::Unary {
                    op,
                    operand: Box::new(operand)
                }),
            (binary_op(), inner.clone(), inner.clone()).prop_map(|(op, lhs, rhs)| {
                ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                }
            }),
            (inner.clone(), inner.clone()).prop_map(|(start, end)| ExprKind::Range {
                start: Box::new(start),
                end: Box::new(end)
            }),
            (inner.clone(), braced(inner.clone()), braced(inner.clone())).prop_map(|(c, t, e)| {
                ExprKind::If {
                    condition: Box::new(c),
                    then_branch: Box::new(t),
                    else_branch: Box::new(e),
                }
            }),
            (
                inner.clone(),
                prop::collection::vec(match_arm(inner.clone()), 1..4)
            )
                .prop_map(|(scrutinee, arms)| ExprKind::Match {
                    scrutinee: Box::new(scrutinee),
                    arms
                }),
            block(inner.clone()).prop_map(|b| b.kind),
            (for_head(inner.clone()), inner.clone()).prop_map(
                |((index_var, var, iterable, condition), body)| {
                    ExprKind::ListFor(Box::new(Comprehension {
                        index_var,
                        var,
                        iterable,
                        condition,
                        body,
                    }))
                }
            ),
            (for_head(inner.clone()), inner.clone(), inner).prop_map(
                |((index_var, var, iterable, condition), key, value)| {
                    ExprKind::MapFor(Box::new(MapComprehension {
                        index_var,
                        var,
                        iterable,
                        condition,
                        key,
                        value,
                    }))
                }
            ),
        ]
        .prop_map(ex)
    })
}

fn leaf_type() -> impl Strategy<Value = TypeExpr> {
    let named = prop::sample::select(vec!["int", "string", "number", "bool", "null", "Size"]);
    prop_oneof![
        named.prop_map(|n| TypeExprKind::Named(vec![id(n)])),
        (name(), upper_name()).prop_map(|(m, n)| TypeExprKind::Named(vec![id(m), id(n)])),
        prop::sample::select(vec![
            "AWS::S3::Bucket",
            "Alexa::ASK::Skill",
            "AWS::EC2::VPC"
        ])
        .prop_map(|n| TypeExprKind::Resource(n.to_string())),
        text().prop_map(TypeExprKind::StrLit),
    ]
    .prop_map(ty)
}

fn doc() -> impl Strategy<Value = Option<String>> {
    prop::option::of(
        prop::collection::vec("[a-z /`]{0,8}", 1..3).prop_map(|lines| lines.join("\n")),
    )
}

fn type_expr() -> impl Strategy<Value = TypeExpr> {
    leaf_type().prop_recursive(3, 16, 3, |inner| {
        let field = (
            doc(),
            prop_oneof![name(), text()],
            any::<bool>(),
            inner.clone(),
        )
            .prop_map(|(doc, n, optional, ty)| FieldType {
                doc,
                name: id(n),
                optional,
                ty,
            });
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(TypeExprKind::Union),
            inner
                .clone()
                .prop_map(|t| TypeExprKind::Optional(Box::new(t))),
            inner.clone().prop_map(|t| TypeExprKind::List(Box::new(t))),
            inner.clone().prop_map(|t| TypeExprKind::Map(Box::new(t))),
            prop::collection::vec(field, 0..4).prop_map(TypeExprKind::Record),
            (prop::collection::vec(inner.clone(), 0..3), inner)
                .prop_map(|(params, ret)| TypeExprKind::Fn(params, Box::new(ret))),
        ]
        .prop_map(ty)
    })
}

fn record_expr() -> impl Strategy<Value = Expr> {
    entries(expr().boxed()).prop_map(|e| ex(ExprKind::Record(e)))
}

fn leaf_item_kind() -> impl Strategy<Value = ItemKind> {
    let import = prop_oneof![
        (
            prop::collection::vec(name(), 1..3),
            prop::option::of(name())
        )
            .prop_map(|(path, alias)| {
                let alias = alias.or_else(|| path.last().cloned()).unwrap_or_default();
                Import {
                    target: ImportTarget::Std(path.into_iter().map(id).collect()),
                    alias: id(alias),
                }
            }),
        (text(), name()).prop_map(|(path, alias)| Import {
            target: ImportTarget::File {
                path,
                span: Span::default()
            },
            alias: id(alias),
        }),
    ];
    let fn_param =
        (name(), type_expr(), prop::option::of(expr())).prop_map(|(n, ty, default)| FnParam {
            name: id(n),
            ty,
            default,
        });
    let resource_type = prop::sample::select(vec![
        "AWS::S3::Bucket",
        "Alexa::ASK::Skill",
        "AWS::EC2::VPC",
    ]);
    prop_oneof![
        import.prop_map(ItemKind::Import),
        (name(), type_expr(), prop::option::of(expr())).prop_map(|(n, ty, default)| {
            ItemKind::Param(Param {
                name: id(n),
                ty,
                default,
                options: None,
            })
        }),
        (name(), prop::option::of(type_expr()), expr()).prop_map(|(n, ty, value)| ItemKind::Let(
            Let {
                name: id(n),
                ty,
                value
            }
        )),
        (upper_name(), type_expr())
            .prop_map(|(n, ty)| ItemKind::Type(TypeAlias { name: id(n), ty })),
        (
            name(),
            prop::collection::vec(fn_param, 0..3),
            prop::option::of(type_expr()),
            braced(expr().boxed())
        )
            .prop_map(|(n, params, ret, body)| ItemKind::Fn(FnDecl {
                name: id(n),
                params,
                ret,
                body
            })),
        (
            upper_name(),
            resource_type,
            record_expr(),
            prop::option::of(record_expr())
        )
            .prop_map(|(n, t, properties, options)| ItemKind::Resource(Resource {
                name: id(n),
                type_name: id(t),
                properties,
                options,
            })),
        (name(), expr(), prop::option::of(expr())).prop_map(|(n, value, export)| ItemKind::Output(
            Output {
                name: id(n),
                value,
                export
            }
        )),
        (expr(), prop::option::of(expr()))
            .prop_map(|(condition, message)| ItemKind::Check(Check { condition, message })),
        expr().prop_map(ItemKind::Tags),
    ]
}

fn item_of(kind: impl Strategy<Value = ItemKind>) -> impl Strategy<Value = Item> {
    (doc(), kind).prop_map(|(doc, kind)| Item {
        doc,
        kind,
        span: Span::default(),
    })
}

fn item() -> impl Strategy<Value = Item> {
    item_of(leaf_item_kind()).prop_recursive(2, 12, 3, |inner| {
        let items = prop::collection::vec(inner, 0..3);
        item_of(prop_oneof![
            (upper_name(), items.clone())
                .prop_map(|(n, items)| ItemKind::Component(Component { name: id(n), items })),
            (name(), items.clone())
                .prop_map(|(n, items)| ItemKind::Stack(Stack { name: id(n), items })),
            (expr(), items.clone(), items.clone()).prop_map(
                |(condition, then_items, else_items)| {
                    ItemKind::If(IfItems {
                        condition,
                        then_items,
                        else_items,
                    })
                }
            ),
            (name(), expr(), items).prop_map(|(n, iterable, items)| ItemKind::For(ForItems {
                var: id(n),
                iterable,
                items,
            })),
        ])
    })
}

pub(super) fn file() -> impl Strategy<Value = File> {
    prop::collection::vec(item(), 0..5).prop_map(|items| File { items })
}

/// Text made of cvl tokens, so that it gets further into the grammar than random characters.
pub(super) fn token_soup() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "let",
        "param",
        "stack",
        "resource",
        "component",
        "fn",
        "if",
        "else",
        "for",
        "in",
        "match",
        "output",
        "export",
        "check",
        "tags",
        "import",
        "std",
        ".",
        "as",
        "type",
        "with",
        "x",
        "Foo",
        "AWS::S3::Bucket",
        "1",
        "-2",
        "0.5",
        "9999999999999999999999",
        "\"a\"",
        "\"${",
        "\"\"\"",
        "\\q",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        ",",
        ":",
        "=",
        "=>",
        "->",
        "..",
        "...",
        "+",
        "-",
        "*",
        "!",
        "==",
        "&&",
        "??",
        "|",
        "?",
        "///",
        "// c",
        "\n",
        "map<",
        ">",
        "_",
        "é",
    ]);
    prop::collection::vec((token, prop::sample::select(vec!["", " ", "\n"])), 0..60).prop_map(
        |tokens| {
            tokens
                .into_iter()
                .map(|(t, space)| format!("{t}{space}"))
                .collect()
        },
    )
}

/// Every diagnostic and declaration span lies in the text, at character boundaries.
fn assert_spans_in(text: &str) -> Result<(), TestCaseError> {
    let (file, diagnostics) = parse_file("t.cvl", text);
    let spans = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)));
    for span in spans.chain(file.items.iter().map(|item| item.span)) {
        prop_assert!(
            span.start <= span.end && span.end <= text.len(),
            "{span:?} out of {text:?}"
        );
        prop_assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{span:?} in {text:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_parses_without_panicking(text in "\\PC{0,200}") {
        assert_spans_in(&text)?;
    }

    #[test]
    fn token_soup_parses_without_panicking(text in token_soup()) {
        assert_spans_in(&text)?;
    }

    #[test]
    fn printed_trees_parse_back_to_the_same_tree(file in file()) {
        let text = print_file(&file);
        let (mut parsed, diagnostics) = parse_file("t.cvl", &text);
        prop_assert!(diagnostics.is_empty(), "{diagnostics:?}\n{text}");
        strip_spans(&mut parsed);
        prop_assert_eq!(&parsed, &file, "printed as:\n{}", text);
        prop_assert_eq!(print_file(&parsed), text);
    }
}
