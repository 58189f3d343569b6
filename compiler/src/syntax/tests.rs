//! Unit tests of the parser and the printer: one per construct, recovery, error messages in
//! words, nesting limits, spans, and canonical printing.

use super::ast::*;
use super::proptests::strip_spans;
use super::{parse_file, print_expr, print_file, print_type};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

// ---- helpers

/// Parses text that must have no diagnostics.
fn parse_ok(text: &str) -> File {
    let (file, diagnostics) = parse_file("t.cvl", text);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics for {text:?}: {diagnostics:#?}"
    );
    file
}

fn parse_errors(text: &str) -> (File, Vec<Diagnostic>) {
    let (file, diagnostics) = parse_file("t.cvl", text);
    assert!(!diagnostics.is_empty(), "expected diagnostics for {text:?}");
    (file, diagnostics)
}

fn only_item(text: &str) -> Item {
    let mut file = parse_ok(text);
    assert_eq!(file.items.len(), 1, "{text}");
    file.items.remove(0)
}

/// The value of `let x = <text>`.
fn expr(text: &str) -> Expr {
    match only_item(&format!("let x = {text}")).kind {
        ItemKind::Let(decl) => decl.value,
        other => panic!("not a let: {other:?}"),
    }
}

/// The type of `type T = <text>`.
fn ty(text: &str) -> TypeExpr {
    match only_item(&format!("type T = {text}")).kind {
        ItemKind::Type(alias) => alias.ty,
        other => panic!("not a type: {other:?}"),
    }
}

/// The tree of an expression with every operation in parentheses, to check precedence.
fn shape(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Binary { op, lhs, rhs } => {
            format!("({} {} {})", shape(lhs), op.symbol(), shape(rhs))
        }
        ExprKind::Range { start, end } => format!("({}..{})", shape(start), shape(end)),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => format!("(-{})", shape(operand)),
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => format!("(!{})", shape(operand)),
        ExprKind::Field { base, name } => format!("({}.{})", shape(base), name.name),
        ExprKind::Index { base, index } => format!("({}[{}])", shape(base), shape(index)),
        ExprKind::Call { callee, args } => {
            format!(
                "({}({}))",
                shape(callee),
                args.iter().map(shape).collect::<Vec<_>>().join(", ")
            )
        }
        _ => print_expr(e),
    }
}

fn text_at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn messages(diagnostics: &[Diagnostic]) -> Vec<(Code, &str)> {
    diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .collect()
}

fn lit(text: &str) -> Vec<StrPart> {
    vec![StrPart::Lit(text.to_string())]
}

/// Runs `test` on a thread with a large stack: debug builds of pest use several kilobytes of
/// stack per nesting level.
fn with_big_stack(test: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new().stack_size(16 << 20).spawn(test);
    assert!(thread.is_ok_and(|handle| handle.join().is_ok()));
}

// ---- declarations

#[test]
fn imports() {
    let text =
        "import std.vpc\nimport std.ecs as containers\nimport \"./lib/naming.cvl\" as naming";
    let file = parse_ok(text);
    let imports: Vec<&Import> = file
        .items
        .iter()
        .map(|item| match &item.kind {
            ItemKind::Import(import) => import,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        matches!(&imports[0].target, ImportTarget::Std(path) if path.len() == 1 && path[0].name == "vpc")
    );
    assert_eq!(imports[0].alias.name, "vpc");
    assert_eq!(text_at(text, imports[0].alias.span), "vpc");
    assert_eq!(imports[0].alias.span, Span::new(11, 14));
    assert_eq!(imports[1].alias.name, "containers");
    let ImportTarget::File { path, span } = &imports[2].target else {
        panic!("{:?}", imports[2])
    };
    assert_eq!(path, "./lib/naming.cvl");
    assert_eq!(text_at(text, *span), "\"./lib/naming.cvl\"");
    assert_eq!(imports[2].alias.name, "naming");
}

#[test]
fn params_lets_and_types() {
    let file = parse_ok(
        "param env: \"beta\" | \"prod\" = \"beta\"\nparam n: int\nlet a = 1\nlet b: Size = a\ntype Size = { cpu: int }",
    );
    let kinds: Vec<&ItemKind> = file.items.iter().map(|item| &item.kind).collect();
    let ItemKind::Param(env) = kinds[0] else {
        panic!()
    };
    assert_eq!(print_type(&env.ty), "\"beta\" | \"prod\"");
    assert!(
        matches!(&env.default, Some(Expr { kind: ExprKind::Str(parts), .. }) if *parts == lit("beta"))
    );
    assert!(matches!(
        kinds[1],
        ItemKind::Param(Param { default: None, .. })
    ));
    assert!(matches!(kinds[2], ItemKind::Let(Let { ty: None, .. })));
    assert!(matches!(kinds[3], ItemKind::Let(Let { ty: Some(_), .. })));
    assert!(matches!(kinds[4], ItemKind::Type(TypeAlias { name, .. }) if name.name == "Size"));
}

#[test]
fn functions() {
    let item = only_item(
        "fn name(a: int, b: string = \"x\",) -> string {\n  let c = a\n  \"${b}${c}\"\n}",
    );
    let ItemKind::Fn(decl) = item.kind else {
        panic!()
    };
    assert_eq!(decl.params.len(), 2);
    assert!(decl.params[1].default.is_some());
    assert_eq!(decl.ret.map(|t| print_type(&t)).as_deref(), Some("string"));
    assert!(matches!(decl.body.kind, ExprKind::Block { ref lets, .. } if lets.len() == 1));
    let ItemKind::Fn(record_body) = only_item("fn size() -> Size { cpu: 1 }").kind else {
        panic!()
    };
    assert!(matches!(record_body.body.kind, ExprKind::Record(_)));
    assert!(matches!(
        only_item("fn f() { 1 }").kind,
        ItemKind::Fn(FnDecl { ret: None, .. })
    ));
}

#[test]
fn resources() {
    let text = "resource Logs: AWS::Logs::LogGroup {\n  RetentionInDays: 30,\n} with { DeletionPolicy: \"Retain\" }";
    let ItemKind::Resource(resource) = only_item(text).kind else {
        panic!()
    };
    assert_eq!(resource.name.name, "Logs");
    assert_eq!(resource.type_name.name, "AWS::Logs::LogGroup");
    assert_eq!(
        text_at(text, resource.type_name.span),
        "AWS::Logs::LogGroup"
    );
    assert!(matches!(resource.properties.kind, ExprKind::Record(ref fields) if fields.len() == 1));
    assert!(matches!(
        resource.options,
        Some(Expr {
            kind: ExprKind::Record(_),
            ..
        })
    ));
    let ItemKind::Resource(skill) = only_item("resource S: Alexa::ASK::Skill {}").kind else {
        panic!()
    };
    assert_eq!(skill.type_name.name, "Alexa::ASK::Skill");
    assert!(skill.options.is_none());
    let (_, errors) = parse_errors("resource S: A::B::C::D::E {}");
    assert!(
        errors[0]
            .message
            .starts_with("expected a resource type like `AWS::S3::Bucket`"),
        "{errors:?}"
    );
    parse_errors("resource S: Bucket {}");
}

#[test]
fn outputs_checks_and_tags() {
    let file = parse_ok(
        "output url = \"http://${Alb.DNSName}\"\noutput name = Assets export \"canvalo-assets\"\ncheck a, \"message\"\ncheck b\ntags { Project: \"canvalo\" }",
    );
    let kinds: Vec<&ItemKind> = file.items.iter().map(|item| &item.kind).collect();
    assert!(matches!(
        kinds[0],
        ItemKind::Output(Output { export: None, .. })
    ));
    assert!(matches!(
        kinds[1],
        ItemKind::Output(Output {
            export: Some(_),
            ..
        })
    ));
    assert!(matches!(
        kinds[2],
        ItemKind::Check(Check {
            message: Some(_),
            ..
        })
    ));
    assert!(matches!(
        kinds[3],
        ItemKind::Check(Check { message: None, .. })
    ));
    assert!(matches!(
        kinds[4],
        ItemKind::Tags(Expr {
            kind: ExprKind::Record(_),
            ..
        })
    ));
}

#[test]
fn stacks_components_and_nested_declarations() {
    let text = "stack web {\n  let site = PrivateBucket { name: \"s\" }\n  output arn = site.arn\n}\n\
                component PrivateBucket {\n  /// The name.\n  param name: string? = null\n  resource Bucket: AWS::S3::Bucket {}\n}";
    let file = parse_ok(text);
    let ItemKind::Stack(stack) = &file.items[0].kind else {
        panic!()
    };
    assert_eq!(stack.items.len(), 2);
    let ItemKind::Let(site) = &stack.items[0].kind else {
        panic!()
    };
    assert!(
        matches!(&site.value.kind, ExprKind::Instantiate { component, args }
        if matches!(&component.kind, ExprKind::Name(n) if n == "PrivateBucket") && args.len() == 1)
    );
    let ItemKind::Component(component) = &file.items[1].kind else {
        panic!()
    };
    assert_eq!(component.items[0].doc.as_deref(), Some("The name."));
    assert_eq!(
        text_at(text, component.items[0].span),
        "param name: string? = null"
    );
}

#[test]
fn if_and_for_among_declarations() {
    let text = "if a {\n  let x = 1\n} else if b {\n  let x = 2\n} else {\n  let x = 3\n}\nfor i in 0..azs { resource S: AWS::EC2::Subnet {} }\nif Flag {}";
    let file = parse_ok(text);
    let ItemKind::If(first) = &file.items[0].kind else {
        panic!()
    };
    assert_eq!(first.then_items.len(), 1);
    assert_eq!(first.else_items.len(), 1);
    let nested = &first.else_items[0];
    assert!(text_at(text, nested.span).starts_with("if b {"));
    assert!(text_at(text, nested.span).ends_with("let x = 3\n}"));
    let ItemKind::If(second) = &nested.kind else {
        panic!()
    };
    assert_eq!(second.else_items.len(), 1);
    assert!(matches!(&second.else_items[0].kind, ItemKind::Let(_)));
    let ItemKind::For(each) = &file.items[1].kind else {
        panic!()
    };
    assert_eq!(each.var.name, "i");
    assert!(matches!(each.iterable.kind, ExprKind::Range { .. }));
    let ItemKind::If(flag) = &file.items[2].kind else {
        panic!()
    };
    assert!(matches!(&flag.condition.kind, ExprKind::Name(n) if n == "Flag"));
}

#[test]
fn doc_comments_attach_to_the_next_declaration() {
    let text = "/// Which account.\n///\n///   indented\n// not a doc\n//// not a doc either\nparam env: string";
    let item = only_item(text);
    assert_eq!(item.doc.as_deref(), Some("Which account.\n\n  indented"));
    assert_eq!(text_at(text, item.span), "param env: string");
    let crlf = only_item("/// a\r\n/// b\r\nlet x = 1\r\n");
    assert_eq!(crlf.doc.as_deref(), Some("a\nb"));
    assert!(only_item("// c\nlet x = 1 // trailing\n").doc.is_none());
}

// ---- expressions

#[test]
fn precedence_and_associativity() {
    assert_eq!(shape(&expr("1 + 2 * 3")), "(1 + (2 * 3))");
    assert_eq!(shape(&expr("a - b - c")), "((a - b) - c)");
    assert_eq!(
        shape(&expr("a ?? b || c && d == e < f")),
        "(a ?? (b || (c && (d == (e < f)))))"
    );
    assert_eq!(
        shape(&expr("a < b + 1 .. c * 2")),
        "(a < ((b + 1)..(c * 2)))"
    );
    assert_eq!(shape(&expr("-a.b[c](d) % 2")), "((-(((a.b)[c])(d))) % 2)");
    assert_eq!(shape(&expr("!x == y")), "((!x) == y)");
    assert_eq!(shape(&expr("(a + b) * c")), "((a + b) * c)");
    assert_eq!(shape(&expr("a != b != c")), "((a != b) != c)");
    assert_eq!(shape(&expr("x / y // comment")), "(x / y)");
}

#[test]
fn negative_literals() {
    assert_eq!(expr("-9223372036854775808").kind, ExprKind::Int(i64::MIN));
    assert_eq!(expr("-7").kind, ExprKind::Int(-7));
    assert_eq!(expr("-0.5").kind, ExprKind::Number("-0.5".into()));
    assert_eq!(shape(&expr("a -1")), "(a - 1)");
    assert_eq!(shape(&expr("a - -1")), "(a - -1)");
    assert_eq!(shape(&expr("- 5")), "(-5)");
    assert_eq!(shape(&expr("--x")), "(-(-x))");
    let (file, errors) = parse_errors("let x = 9223372036854775808\nlet y = - 9223372036854775808");
    assert_eq!(file.items.len(), 2);
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|e| e.code == Code::IntegerOverflow));
    assert_eq!(
        errors[0].message,
        "integer `9223372036854775808` does not fit in 64 bits"
    );
}

#[test]
fn literals() {
    assert_eq!(expr("null").kind, ExprKind::Null);
    assert_eq!(expr("true").kind, ExprKind::Bool(true));
    assert_eq!(expr("false").kind, ExprKind::Bool(false));
    assert_eq!(expr("0.50").kind, ExprKind::Number("0.50".into()));
    assert_eq!(expr("42").kind, ExprKind::Int(42));
    assert_eq!(expr("nullable").kind, ExprKind::Name("nullable".into()));
}

#[test]
fn ranges_do_not_chain() {
    assert!(matches!(expr("0..3").kind, ExprKind::Range { .. }));
    assert!(matches!(expr("(0..1)..2").kind, ExprKind::Range { .. }));
    let (_, errors) = parse_errors("let x = 1..2..3");
    assert_eq!(
        messages(&errors),
        vec![(Code::SyntaxError, "`..` does not chain")]
    );
    assert_eq!(errors[0].span, Span::new(12, 14));
    parse_ok("let x = 1..2 == 3..4");
}

#[test]
fn strings_escapes_and_interpolation() {
    assert_eq!(
        expr(r#""a\"b\\c\nd\re\tf\$g\u{1F600}""#).kind,
        ExprKind::Str(lit("a\"b\\c\nd\re\tf$g😀"))
    );
    assert_eq!(expr(r#""""#).kind, ExprKind::Str(vec![]));
    assert_eq!(
        expr(r#""cost: $5 {}""#).kind,
        ExprKind::Str(lit("cost: $5 {}"))
    );
    let ExprKind::Str(parts) = expr(r#""a-${env}-${ "x${1 + 2}" }-b""#).kind else {
        panic!()
    };
    assert_eq!(parts.len(), 5);
    assert_eq!(parts[0], StrPart::Lit("a-".into()));
    assert!(
        matches!(&parts[1], StrPart::Interp(Expr { kind: ExprKind::Name(n), .. }) if n == "env")
    );
    let StrPart::Interp(Expr {
        kind: ExprKind::Str(inner),
        ..
    }) = &parts[3]
    else {
        panic!("{parts:?}")
    };
    assert!(matches!(
        &inner[1],
        StrPart::Interp(Expr {
            kind: ExprKind::Binary { .. },
            ..
        })
    ));
    assert_eq!(parts[4], StrPart::Lit("-b".into()));
}

#[test]
fn invalid_escapes_are_reported_and_kept() {
    let text = r#"let x = "a\qb\u{zz}c""#;
    let (file, errors) = parse_errors(text);
    assert_eq!(file.items.len(), 1);
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|e| e.code == Code::InvalidEscape));
    assert_eq!(text_at(text, errors[0].span), "\\q");
    assert_eq!(errors[0].message, "unknown escape sequence `\\q`");
    assert_eq!(text_at(text, errors[1].span), "\\u{zz}");
    let ItemKind::Let(decl) = &file.items[0].kind else {
        panic!()
    };
    assert_eq!(decl.value.kind, ExprKind::Str(lit("a\\qb\\u{zz}c")));
}

#[test]
fn triple_quoted_strings() {
    let text = "let p = \"\"\"\n    {\n      \"Version\": \"${version}\",\n    }\n    \"\"\"";
    let ExprKind::Str(parts) = expr(&text["let p = ".len()..]).kind else {
        panic!()
    };
    assert_eq!(parts[0], StrPart::Lit("{\n  \"Version\": \"".into()));
    assert!(matches!(&parts[1], StrPart::Interp(_)));
    assert_eq!(parts[2], StrPart::Lit("\",\n}\n".into()));
    assert_eq!(
        expr("\"\"\"one \"quoted\" line\"\"\"").kind,
        ExprKind::Str(lit("one \"quoted\" line"))
    );
    assert_eq!(
        expr("\"\"\"\n  a\n\n    b\n  \"\"\"").kind,
        ExprKind::Str(lit("a\n\n  b\n"))
    );
    assert_eq!(
        expr("\"\"\"\n\ta\\n\n\tb\"\"\"").kind,
        ExprKind::Str(lit("a\n\nb"))
    );
}

#[test]
fn records_blocks_and_map_comprehensions() {
    assert_eq!(expr("{}").kind, ExprKind::Record(vec![]));
    let ExprKind::Record(entries) = expr("{ a: 1, \"b-c\": 2, ...base, }").kind else {
        panic!()
    };
    assert!(matches!(&entries[1], RecordEntry::Field { key, .. } if key.name == "b-c"));
    assert!(matches!(&entries[2], RecordEntry::Spread(_)));
    assert!(matches!(expr("{ x }").kind, ExprKind::Block { ref lets, .. } if lets.is_empty()));
    assert!(matches!(expr("{ \"x\" }").kind, ExprKind::Block { .. }));
    assert!(
        matches!(expr("{ let a = 1  let b: int = 2  a + b }").kind, ExprKind::Block { ref lets, .. } if lets.len() == 2)
    );
    let ExprKind::MapFor(map) = expr("{ for i, k in [\"a\"] if k != \"b\": k => upper(k) }").kind
    else {
        panic!()
    };
    assert_eq!(map.index_var.map(|i| i.name).as_deref(), Some("i"));
    assert!(map.condition.is_some());
}

#[test]
fn lists_and_comprehensions() {
    assert!(matches!(expr("[]").kind, ExprKind::List(ref items) if items.is_empty()));
    assert!(matches!(expr("[1, 2,]").kind, ExprKind::List(ref items) if items.len() == 2));
    let ExprKind::ListFor(c) = expr("[for s in services if s.cpu > 256: s.name]").kind else {
        panic!()
    };
    assert!(c.index_var.is_none() && c.condition.is_some());
    let ExprKind::ListFor(c) = expr("[for i, x in xs: \"${i}\"]").kind else {
        panic!()
    };
    assert_eq!(
        (c.index_var.map(|i| i.name), c.var.name),
        (Some("i".into()), "x".into())
    );
}

#[test]
fn if_expressions_need_else() {
    let ExprKind::If {
        then_branch,
        else_branch,
        ..
    } = expr("if a { 1 } else if b { 2 } else { cpu: 3 }").kind
    else {
        panic!()
    };
    assert!(matches!(then_branch.kind, ExprKind::Block { .. }));
    let ExprKind::If {
        else_branch: last, ..
    } = else_branch.kind
    else {
        panic!()
    };
    assert!(matches!(last.kind, ExprKind::Record(_)));
    let (_, errors) = parse_errors("let x = if a { 1 }\nlet y = 2");
    assert_eq!(
        messages(&errors),
        vec![(Code::SyntaxError, "expected `else`, found `let`")]
    );
    assert_eq!(
        errors[0].help.as_deref(),
        Some("an `if` expression needs an `else` branch")
    );
}

#[test]
fn match_expressions() {
    let text = "let x = match env { \"prod\" => 2048, \"beta\" | \"gamma\" => 512, _ => 0, }";
    let ItemKind::Let(decl) = only_item(text).kind else {
        panic!()
    };
    let ExprKind::Match { arms, .. } = decl.value.kind else {
        panic!()
    };
    assert_eq!(arms.len(), 3);
    let Pattern::Literals(literals) = &arms[1].pattern else {
        panic!()
    };
    assert_eq!(
        literals.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(),
        ["beta", "gamma"]
    );
    assert_eq!(text_at(text, literals[1].1), "\"gamma\"");
    assert!(matches!(arms[2].pattern, Pattern::Wildcard(span) if text_at(text, span) == "_"));
    assert_eq!(text_at(text, arms[0].span), "\"prod\" => 2048");
    let (_, errors) = parse_errors("let x = match a { \"${b}\" => 1 }");
    assert_eq!(errors[0].message, "a match pattern cannot contain `${}`");
}

#[test]
fn component_instances_and_blocks() {
    let ExprKind::Instantiate { component, args } = expr("vpc.Network { azs: 2, ...base }").kind
    else {
        panic!()
    };
    assert_eq!(print_expr(&component), "vpc.Network");
    assert_eq!(args.len(), 2);
    assert!(matches!(expr("Foo {}").kind, ExprKind::Instantiate { .. }));
    assert!(matches!(expr("Foo {}.out").kind, ExprKind::Field { .. }));
    assert!(matches!(expr("foo").kind, ExprKind::Name(_)));
    assert!(matches!(
        expr("if Flag { 1 } else { 2 }").kind,
        ExprKind::If { .. }
    ));
    assert!(matches!(
        expr("if m.Flag {} else { a: 1 }").kind,
        ExprKind::If { .. }
    ));
    assert!(matches!(
        expr("match Env { _ => 1 }").kind,
        ExprKind::Match { .. }
    ));
    assert!(matches!(
        expr("if (Foo {}).ok { 1 } else { 2 }").kind,
        ExprKind::If { .. }
    ));
    assert!(matches!(
        expr("[for x in Things: x]").kind,
        ExprKind::ListFor(_)
    ));
}

#[test]
fn calls_index_and_fields() {
    let ExprKind::Call { callee, args } = expr("select(0, cidr(Vpc.CidrBlock, 6, 8),)").kind else {
        panic!()
    };
    assert_eq!(print_expr(&callee), "select");
    assert_eq!(args.len(), 2);
    assert!(matches!(expr("azs[1]").kind, ExprKind::Index { .. }));
    assert!(matches!(expr("f()").kind, ExprKind::Call { ref args, .. } if args.is_empty()));
}

// ---- types

#[test]
fn types() {
    assert_eq!(
        ty("int").kind,
        TypeExprKind::Named(vec![Ident {
            name: "int".into(),
            span: Span::new(9, 12)
        }])
    );
    assert!(matches!(ty("null").kind, TypeExprKind::Named(ref p) if p[0].name == "null"));
    assert!(matches!(ty("mod.Size").kind, TypeExprKind::Named(ref p) if p.len() == 2));
    assert_eq!(
        ty("AWS::EC2::VPC").kind,
        TypeExprKind::Resource("AWS::EC2::VPC".into())
    );
    assert_eq!(ty("\"beta\"").kind, TypeExprKind::StrLit("beta".into()));
    assert!(matches!(ty("int | string | null").kind, TypeExprKind::Union(ref m) if m.len() == 3));
    assert!(matches!(ty("string?").kind, TypeExprKind::Optional(_)));
    assert!(
        matches!(ty("(int | string)?").kind, TypeExprKind::Optional(ref inner) if matches!(inner.kind, TypeExprKind::Union(_)))
    );
    assert!(matches!(ty("[int]").kind, TypeExprKind::List(_)));
    assert!(matches!(ty("map<[int]>").kind, TypeExprKind::Map(_)));
    assert!(matches!(ty("map").kind, TypeExprKind::Named(_)));
    let TypeExprKind::Fn(params, ret) = ty("fn(int, string) -> fn(bool) -> int | null").kind else {
        panic!()
    };
    assert_eq!(params.len(), 2);
    assert!(
        matches!(&ret.kind, TypeExprKind::Fn(p, inner) if p.len() == 1 && matches!(inner.kind, TypeExprKind::Union(_)))
    );
    let TypeExprKind::Record(fields) =
        ty("{\n  /// The name.\n  name: string,\n  port?: int,\n  \"a-b\": bool }").kind
    else {
        panic!()
    };
    assert_eq!(fields[0].doc.as_deref(), Some("The name."));
    assert!(!fields[0].optional && fields[1].optional);
    assert_eq!(fields[2].name.name, "a-b");
    parse_errors("type T = int??");
}

// ---- spans

#[test]
fn spans_cover_exactly_their_text() {
    let text = "/// doc\nlet total = (a + b) * f(c)[0].d";
    let item = only_item(text);
    assert_eq!(text_at(text, item.span), "let total = (a + b) * f(c)[0].d");
    let ItemKind::Let(decl) = item.kind else {
        panic!()
    };
    assert_eq!(text_at(text, decl.name.span), "total");
    assert_eq!(text_at(text, decl.value.span), "(a + b) * f(c)[0].d");
    let ExprKind::Binary { lhs, rhs, .. } = decl.value.kind else {
        panic!()
    };
    assert_eq!(text_at(text, lhs.span), "(a + b)");
    assert_eq!(text_at(text, rhs.span), "f(c)[0].d");
    let ExprKind::Field { base, name } = rhs.kind else {
        panic!()
    };
    assert_eq!(text_at(text, base.span), "f(c)[0]");
    assert_eq!(text_at(text, name.span), "d");
}

// ---- errors and recovery

#[test]
fn errors_are_in_words() {
    let cases = [
        ("let x = }", "expected an expression, found `}`"),
        ("let x =", "expected an expression, found end of file"),
        ("let x = { a: 1 b: 2 }", "expected `}` or `,`, found `b`"),
        ("let x = f(1 2)", "expected `)` or `,`, found `2`"),
        ("let x = 1 )", "expected a declaration, found `)`"),
        (
            "stack a { let x = 1 ) }",
            "expected a declaration or `}`, found `)`",
        ),
        (
            "import foo",
            "expected a file path string or a module path like `std.vpc`, found `foo`",
        ),
        (
            "let s = \"abc",
            "expected the closing `\"`, found end of file",
        ),
        (
            "let s = \"abc\nlet y = 1",
            "expected the closing `\"`, found end of line",
        ),
        (
            "resource X: AWS::S3::Bucket foo",
            "expected `{`, found `foo`",
        ),
        ("param p = 1", "expected `:`, found `=`"),
        ("x = 1", "expected a declaration, found `x`"),
        ("let x = [1, 2", "expected `]` or `,`, found end of file"),
    ];
    for (text, message) in cases {
        let (_, errors) = parse_errors(text);
        assert_eq!(
            messages(&errors),
            vec![(Code::SyntaxError, message)],
            "{text}"
        );
        let error = &errors[0];
        assert!(
            error
                .message
                .chars()
                .next()
                .is_some_and(|c| c.is_lowercase())
                && !error.message.ends_with('.')
        );
    }
    let (_, errors) = parse_errors("let type = 3");
    assert_eq!(errors[0].message, "expected a name, found `type`");
    assert_eq!(
        errors[0].help.as_deref(),
        Some("`type` is a keyword and cannot be used as a name")
    );
    assert_eq!(errors[0].span, Span::new(4, 8));
}

#[test]
fn a_broken_declaration_does_not_hide_the_others() {
    let text =
        "let a = 1\nlet b = (2 +\nparam c: int\n/// doc\nlet d = }\n  output e = 5\nlet f = 6";
    let (file, errors) = parse_errors(text);
    let names: Vec<&str> = file
        .items
        .iter()
        .map(|item| match &item.kind {
            ItemKind::Let(decl) => decl.name.name.as_str(),
            ItemKind::Param(param) => param.name.name.as_str(),
            ItemKind::Output(output) => output.name.name.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["a", "c", "e", "f"]);
    assert_eq!(
        messages(&errors),
        vec![
            (Code::SyntaxError, "expected an expression, found `param`"),
            (Code::SyntaxError, "expected an expression, found `}`"),
        ]
    );
}

#[test]
fn recovery_inside_a_broken_block_skips_its_leftover_braces() {
    let text = "stack s {\n  resource R: AWS::S3::Bucket {\n    A: ,\n  }\n  output o = R\n}\nlet after = 1";
    let (file, errors) = parse_errors(text);
    assert_eq!(
        messages(&errors),
        vec![(Code::SyntaxError, "expected an expression, found `,`")]
    );
    assert!(
        matches!(file.items.last().map(|i| &i.kind), Some(ItemKind::Let(decl)) if decl.name.name == "after")
    );
    let (_, unmatched) = parse_errors("let a = 1\n}\nlet b = 2");
    assert_eq!(
        messages(&unmatched),
        vec![(Code::SyntaxError, "expected a declaration, found `}`")]
    );
}

#[test]
fn plain_strings_where_interpolation_is_not_allowed() {
    let (_, errors) = parse_errors("let x = { \"a${b}\": 1 }");
    assert_eq!(errors[0].message, "a record key cannot contain `${}`");
    let (_, errors) = parse_errors("import \"${x}.cvl\" as x");
    assert_eq!(errors[0].message, "an import path cannot contain `${}`");
    let (_, errors) = parse_errors("type T = \"${x}\"");
    assert_eq!(
        errors[0].message,
        "a string literal type cannot contain `${}`"
    );
    let (_, errors) = parse_errors("let x = { \"a\\qb\": 1 }");
    assert_eq!(errors[0].code, Code::InvalidEscape);
}

// ---- nesting limits

#[test]
fn nesting_up_to_the_limit_parses() {
    with_big_stack(|| {
        // A string and its interpolation are two levels.
        for (open, close, levels) in [
            ("[", "]", 256),
            ("(", ")", 256),
            ("{ a: ", " }", 256),
            ("\"${", "}\"", 128),
        ] {
            let text = format!("let x = {}1{}", open.repeat(levels), close.repeat(levels));
            let file = parse_ok(&text);
            assert!(!print_file(&file).is_empty());
        }
        // A call is two tree levels (the call and its argument), and so is an `if` (the `if`
        // and its block): 256 nested calls make a tree deeper than 512 levels.
        parse_ok(&format!("let x = {}1{}", "f(".repeat(250), ")".repeat(250)));
        parse_ok(&format!(
            "let x = {}1{}",
            "if a { ".repeat(250),
            " } else { 2 }".repeat(250)
        ));
        let (_, errors) =
            parse_errors(&format!("let x = {}1{}", "f(".repeat(256), ")".repeat(256)));
        assert_eq!(errors[0].code, Code::NestingTooDeep);
        parse_ok(&format!(
            "type T = {}int{}",
            "map<".repeat(256),
            ">".repeat(256)
        ));
    });
}

#[test]
fn nesting_past_the_limit_is_reported_and_the_rest_still_parses() {
    for (open, close) in [("[", "]"), ("(", ")"), ("\"${", "}\""), ("map<", ">")] {
        let text = format!(
            "let before = 1\ntype X = {}int{}\nlet after = 2",
            open.repeat(300),
            close.repeat(300)
        );
        let (file, errors) = parse_errors(&text);
        assert_eq!(errors.len(), 1, "{open}: {errors:?}");
        assert_eq!(errors[0].code, Code::NestingTooDeep);
        assert_eq!(file.items.len(), 2, "{open}");
    }
    let unclosed = format!("let a = 1\nlet x = {}", "(".repeat(100_000));
    let (file, errors) = parse_errors(&unclosed);
    assert_eq!(
        (file.items.len(), errors[0].code),
        (1, Code::NestingTooDeep)
    );
}

#[test]
fn deep_trees_without_brackets_are_reported() {
    for text in [
        format!("let x = {}1", "!".repeat(600)),
        format!("let x = 1{}", " + 1".repeat(600)),
        format!("let x = {}{{ 1 }}", "if a { 1 } else ".repeat(600)),
        format!("type T = {}int", "fn() -> ".repeat(600)),
        format!("if a {{}}{}", " else if a {}".repeat(600)),
    ] {
        let (file, errors) = parse_errors(&text);
        assert!(file.items.is_empty());
        assert_eq!(
            errors.iter().map(|e| e.code).collect::<Vec<_>>(),
            vec![Code::NestingTooDeep],
            "{}",
            &text[..20]
        );
    }
    parse_ok(&format!("let x = 1{}", " + 1".repeat(400)));
}

#[test]
fn broken_nested_input_fails_fast() {
    let start = std::time::Instant::now();
    for k in [30, 60] {
        parse_errors(&format!(
            "let x = {}ERR{}",
            "{ let a = Foo { a: ".repeat(k),
            "} }".repeat(k)
        ));
        parse_errors(&format!(
            "let x = {}1 +{}",
            "{ \"${ ".repeat(k),
            " }\" }".repeat(k)
        ));
        parse_errors(&format!(
            "let x = {}1 +{}",
            "[{ a: ".repeat(k),
            "}]".repeat(k)
        ));
    }
    assert!(start.elapsed().as_secs() < 5, "took {:?}", start.elapsed());
}

// ---- the reference's examples

#[test]
fn the_language_reference_examples_parse() {
    let reference = include_str!("../../../docs/language.md");
    let mut blocks = 0;
    for block in reference.split("```cvl\n").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        let (_, diagnostics) = parse_file("language.md", code);
        assert!(diagnostics.is_empty(), "{code}\n{diagnostics:#?}");
        blocks += 1;
    }
    assert!(blocks >= 10);
}

// ---- printing

#[test]
fn prints_canonical_source() {
    let text = "/// Env.\nparam env: \"beta\"|\"prod\"\nimport std.vpc as vpc\nlet a={x:1,y:[1,2],z:\"q\\\"${env}\"}\n\
                let big = {a: 1, b: 2, c: 3, d: 4}\nstack s { resource B: AWS::S3::Bucket { Name: \"b\" } with { DeletionPolicy: \"Retain\" }\n output o = B.Arn }";
    let expected = "/// Env.\nparam env: \"beta\" | \"prod\"\n\nimport std.vpc\n\nlet a = { x: 1, y: [1, 2], z: \"q\\\"${env}\" }\n\n\
                    let big = {\n  a: 1,\n  b: 2,\n  c: 3,\n  d: 4,\n}\n\n\
                    stack s {\n  resource B: AWS::S3::Bucket { Name: \"b\" } with { DeletionPolicy: \"Retain\" }\n\n  output o = B.Arn\n}\n";
    assert_eq!(print_file(&parse_ok(text)), expected);
}

#[test]
fn prints_parentheses_where_precedence_needs_them() {
    for source in [
        "(a + b) * c",
        "a - (b - c)",
        "-(5)",
        "-x",
        "!(a && b)",
        "(-x).y",
        "(a..b)..c",
        "(a ?? b).c",
        "f(x)[0].y",
        "if (Foo {}.ok) { 1 } else { 2 }",
        "a - -1",
        "\"$${x}\\${y}\"",
    ] {
        let printed = print_expr(&expr(source));
        assert_eq!(printed, source);
    }
}

#[test]
fn breaks_long_records_and_lists() {
    let long = format!("let x = [\"{}\", \"{}\"]", "a".repeat(50), "b".repeat(50));
    let printed = print_file(&parse_ok(&long));
    assert_eq!(
        printed,
        format!(
            "let x = [\n  \"{}\",\n  \"{}\",\n]\n",
            "a".repeat(50),
            "b".repeat(50)
        )
    );
    let text = "type T = { /// d\n a: int }\nlet b = { let x = 1  x }\nlet m = match e { \"a\" => 1, \"b\" => 2, \"c\" => 3, _ => 4 }";
    let printed = print_file(&parse_ok(text));
    assert_eq!(
        printed,
        "type T = {\n  /// d\n  a: int,\n}\n\nlet b = {\n  let x = 1\n  x\n}\n\n\
         let m = match e {\n  \"a\" => 1,\n  \"b\" => 2,\n  \"c\" => 3,\n  _ => 4,\n}\n"
    );
}

#[test]
fn printed_source_parses_back() {
    let text = include_str!("../../../docs/language.md")
        .split("```cvl\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .collect::<Vec<_>>()
        .join("\n");
    let mut original = parse_ok(&text);
    let printed = print_file(&original);
    let mut reparsed = parse_ok(&printed);
    strip_spans(&mut original);
    strip_spans(&mut reparsed);
    assert_eq!(original, reparsed);
    assert_eq!(print_file(&reparsed), printed);
}

#[test]
fn prints_types_on_one_line() {
    assert_eq!(
        print_type(&ty("\"beta\" | \"gamma\" | \"prod\"")),
        "\"beta\" | \"gamma\" | \"prod\""
    );
    assert_eq!(
        print_type(&ty("(fn(int) -> int)? | [map<A::B::C>]")),
        "(fn(int) -> int)? | [map<A::B::C>]"
    );
    assert_eq!(
        print_type(&ty("{ /// d\n a: int, b?: x.Y, c: int, d: int }")),
        "{ a: int, b?: x.Y, c: int, d: int }"
    );
    assert_eq!(print_type(&ty("(int?)?")), "(int?)?");
}

#[test]
fn prints_multi_line_strings_triple_quoted() {
    let text = "let policy = \"\"\"\n  {\n    \"Version\": \"${version}\",\n  }\n  \"\"\"\n";
    assert_eq!(print_file(&parse_ok(text)), text);
    let tricky = "stack s {\n  let a = \"\"\"\n     lead\n\n    \\tno\\\"\\\"\" end\\\"\"\"\"\n}\n";
    let file = parse_ok(tricky);
    assert_eq!(print_file(&file), tricky);
    let ItemKind::Stack(stack) = &file.items[0].kind else {
        panic!()
    };
    let ItemKind::Let(decl) = &stack.items[0].kind else {
        panic!()
    };
    assert_eq!(
        decl.value.kind,
        ExprKind::Str(lit(" lead\n\n\tno\"\"\" end\""))
    );
    assert_eq!(
        print_expr(&decl.value),
        "\" lead\\n\\n\\tno\\\"\\\"\\\" end\\\"\""
    );
    let indented = print_file(&parse_ok("let b = \"  x\\n  y\\n   \\n\""));
    assert_eq!(
        indented,
        "let b = \"\"\"\n    x\n    y\n  \\u{20}  \n  \"\"\"\n"
    );
    let pinned = print_file(&parse_ok("let b = \"  x\\n  y\""));
    assert_eq!(pinned, "let b = \"\"\"\n  \\u{20} x\n    y\"\"\"\n");
}

#[test]
fn a_comment_ends_at_a_lone_carriage_return() {
    // Old Mac line endings: pest's NEWLINE is `\n`, `\r\n` or `\r`, and so is the file loop's.
    let file = parse_ok("// one\rlet a = 1\r// two\rlet b = 2\r");
    let names: Vec<&str> = file
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Let(l) => Some(l.name.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn resource_type_names_at_every_depth_in_text_order() {
    let file = parse_ok(
        "resource A: AWS::S3::Bucket {}\n\
         component C {\n  resource B: AWS::SNS::Topic {}\n}\n\
         stack s {\n\
           if true { resource D: AWS::SQS::Queue {} } else if false { resource E: AWS::IAM::Role {} } else { resource F: AWS::S3::Bucket {} }\n\
           for i in 0..2 { resource G: AWS::Logs::LogGroup {} }\n\
         }\n",
    );
    assert_eq!(
        file.resource_type_names(),
        [
            "AWS::S3::Bucket",
            "AWS::SNS::Topic",
            "AWS::SQS::Queue",
            "AWS::IAM::Role",
            "AWS::S3::Bucket",
            "AWS::Logs::LogGroup"
        ]
    );
}
