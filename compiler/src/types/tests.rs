//! Tests of the type checker, written as source text: each asserts diagnostic codes and the text
//! their spans cover, never the wording.

use super::*;
use crate::syntax::parse_file;

type Imports = IndexMap<String, Option<Arc<ModuleInterface>>>;

fn run_file(file: &str, src: &str, is_entry: bool, imports: &Imports) -> CheckOutput {
    let (ast, syntax) = parse_file(file, src);
    assert!(
        syntax.is_empty(),
        "syntax errors in the test source: {syntax:#?}"
    );
    assert!(
        !ast.items.is_empty() || src.trim().is_empty(),
        "the parser returned no declarations"
    );
    check_module(CheckInput {
        file,
        ast: &ast,
        imports,
        is_entry,
    })
}

fn run(src: &str) -> CheckOutput {
    run_file("main.cvl", src, true, &Imports::new())
}

/// (code, the text the span covers) of every diagnostic, in order.
fn found(src: &str, out: &CheckOutput) -> Vec<(&'static str, String)> {
    out.diagnostics
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                src.get(d.span.start..d.span.end)
                    .unwrap_or("<bad span>")
                    .to_string(),
            )
        })
        .collect()
}

fn diags(src: &str) -> Vec<(&'static str, String)> {
    found(src, &run(src))
}

#[track_caller]
fn ok(src: &str) {
    let out = run(src);
    assert!(
        out.diagnostics.is_empty(),
        "expected no diagnostics, got {:#?}",
        out.diagnostics
    );
}

#[track_caller]
fn expect(src: &str, expected: &[(&str, &str)]) {
    let out = run(src);
    let got = found(src, &out);
    let want: Vec<(&str, String)> = expected.iter().map(|(c, s)| (*c, s.to_string())).collect();
    assert_eq!(got, want, "diagnostics: {:#?}", out.diagnostics);
}

fn symbol<'o>(out: &'o CheckOutput, name: &str) -> &'o Symbol {
    out.symbols
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no symbol `{name}`"))
}

// ---- well-typed programs

#[test]
fn the_reference_example_checks() {
    let src = r#"
/// Which account and sizing to build for.
param env: "beta" | "gamma" | "prod"

let size = match env {
  "beta" => { cpu: 256, memory: 512 },
  "gamma" => { cpu: 512, memory: 1024 },
  "prod" => { cpu: 1024, memory: 2048 },
}

stack storage {
  resource Assets: AWS::S3::Bucket {
    BucketName: "canvalo-${env}-assets-${aws.account_id}",
    VersioningConfiguration: { Status: "Enabled" },
  } with {
    DeletionPolicy: if env == "prod" { "Retain" } else { "Delete" },
  }

  output bucket_arn = Assets.Arn
}
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let env = symbol(&out, "env");
    assert_eq!(
        (env.kind, env.ty.as_str()),
        (SymbolKind::Param, r#""beta" | "gamma" | "prod""#)
    );
    assert_eq!(
        env.doc.as_deref(),
        Some("Which account and sizing to build for.")
    );
    assert_eq!(symbol(&out, "size").ty, "{ cpu: int, memory: int }");
    assert_eq!(symbol(&out, "Assets").ty, "AWS::S3::Bucket");
    assert_eq!(symbol(&out, "bucket_arn").ty, "string");
    assert_eq!(symbol(&out, "storage").kind, SymbolKind::Stack);
    assert_eq!(out.interface.params.len(), 1);
}

#[test]
fn expressions_from_the_reference_check() {
    let src = r#"
param env: "beta" | "gamma" | "prod"
param custom_port: int? = null
let defaults = { port: 80, host: "a" }
let services = [{ name: "api", cpu: 512 }, { name: "web", cpu: 256 }]
let n = 1 + 2 * 3
let ok = n >= 7 && !(n == 8)
let port = custom_port ?? 8080
let name = "api-${env}"
let azs = [for i in 0..3: "10.0.${i}.0/24"]
let big = [for s in services if s.cpu > 256: s.name]
let tag_map = { for k in ["a", "b"]: k => upper(k) }
let second = azs[1]
let merged = { ...defaults, port: 443 }
let cpu = if env == "prod" { 1024 } else { 256 }
let mem = match env { "prod" => 2048, "beta" | "gamma" => 512 }
let total = { let a = 1  let b = a + 1  a + b }
let half = 0.5 * cpu
let joined = [1] + [2, 3]
let text = "a" + "b"
let indexed = tag_map["a"]
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    for (name, ty) in [
        ("n", "int"),
        ("ok", "bool"),
        ("port", "int"),
        ("name", "string"),
        ("azs", "[string]"),
        ("big", "[string]"),
        ("tag_map", "map<string>"),
        ("second", "string"),
        ("merged", "{ port: int, host: string }"),
        ("cpu", "int"),
        ("mem", "int"),
        ("total", "int"),
        ("half", "number"),
        ("joined", "[int]"),
        ("text", "string"),
        ("indexed", "string"),
    ] {
        assert_eq!(symbol(&out, name).ty, ty, "type of `{name}`");
    }
}

#[test]
fn functions_components_and_blocks_check() {
    let src = r#"
param env: "beta" | "prod"

/// The name of a resource in this env.
fn resource_name(service: string, suffix: string = "") -> string {
  "canvalo-${env}-${service}${suffix}"
}

fn twice(f: fn(int) -> int, x: int) { f(f(x)) }
fn inc(x: int) { x + 1 }

let api_name = resource_name("api")
let four = twice(inc, 2)

/// A bucket that is private, encrypted and versioned.
component PrivateBucket {
  /// The bucket's name; CloudFormation picks one when null.
  param name: string? = null
  /// Keep the bucket when the stack is deleted. Default: false.
  param retain: bool = false

  resource Bucket: AWS::S3::Bucket {
    BucketName: name,
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    },
  } with { DeletionPolicy: if retain { "Retain" } else { "Delete" } }

  output bucket = Bucket
  output arn = Bucket.Arn
}

stack web {
  let site = PrivateBucket { name: "canvalo-site", retain: true }
  output site_arn = site.arn
  tags { Project: "canvalo", Environment: env }
}
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(symbol(&out, "four").ty, "int");
    assert_eq!(
        symbol(&out, "resource_name").ty,
        "fn(service: string, suffix: string = ..) -> string"
    );
    assert_eq!(
        symbol(&out, "site").ty,
        "{ bucket: AWS::S3::Bucket, arn: string }"
    );
    assert_eq!(
        symbol(&out, "PrivateBucket").doc.as_deref(),
        Some("A bucket that is private, encrypted and versioned.")
    );
    assert_eq!(
        out.interface.values["PrivateBucket"].kind,
        SymbolKind::Component
    );
}

#[test]
fn declarations_in_if_and_for_blocks_are_optional_and_lists_after_them() {
    let src = r#"
param flow_logs: bool = false
param azs: int = 2

stack network {
  resource Vpc: AWS::EC2::VPC { CidrBlock: "10.0.0.0/16" }
  if flow_logs {
    resource FlowLogGroup: AWS::Logs::LogGroup { RetentionInDays: 30 }
    let both = 1
  } else {
    let both = 2
  }
  for i in 0..azs {
    resource PublicSubnet: AWS::EC2::Subnet {
      VpcId: Vpc,
      CidrBlock: select(i, cidr(Vpc.CidrBlock, 6, 8)),
      AvailabilityZone: select(i, aws.azs),
    }
  }
  output subnet_ids = [for s in PublicSubnet: s]
  output log_group = FlowLogGroup ?? "none"
  output both_out = both + 1
}
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(symbol(&out, "subnet_ids").ty, "[AWS::EC2::Subnet]");
    assert_eq!(symbol(&out, "both_out").ty, "int");
    assert_eq!(symbol(&out, "i").ty, "int");
}

#[test]
fn stacks_read_each_other_and_checks_read_properties() {
    let src = r#"
param env: "beta" | "prod"

stack network {
  resource Vpc: AWS::EC2::VPC { CidrBlock: "10.0.0.0/16" }
  let cidr_block = "10.0.0.0/16"
}

stack backend {
  resource Sg: AWS::EC2::SecurityGroup {
    GroupDescription: "api",
    VpcId: network.Vpc,
  }
  resource Logs: AWS::Logs::LogGroup { RetentionInDays: 30 }
  check Logs.RetentionInDays == 30, "logs are kept 30 days"
  check env != "prod" || network.cidr_block == "10.0.0.0/16", "prod uses the big block"
  output endpoint = "${Sg.GroupId}"
}
"#;
    ok(src);
}

#[test]
fn imported_modules_expose_lets_functions_types_and_components() {
    let module = r#"
/// Sizes.
type Size = { cpu: int, memory: int }
let default_size: Size = { cpu: 256, memory: 512 }
fn label(name: string) -> string { "canvalo-${name}" }
component Queue {
  param name: string
  resource Q: AWS::SQS::Queue { QueueName: name }
  output arn = Q.Arn
}
"#;
    let lib = run_file("lib/q.cvl", module, false, &Imports::new());
    assert!(lib.diagnostics.is_empty(), "{:#?}", lib.diagnostics);
    assert!(lib.interface.types.contains_key("Size"));
    let mut imports = Imports::new();
    imports.insert("q".to_string(), Some(lib.interface.clone()));
    imports.insert("broken".to_string(), None);
    let src = r#"
import "./lib/q.cvl" as q
import "./lib/broken.cvl" as broken
let size: q.Size = q.default_size
let name = q.label("x")
let anything = broken.whatever + 1
stack s {
  let jobs = q.Queue { name: name }
  output arn = jobs.arn
}
"#;
    let out = run_file("main.cvl", src, true, &imports);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    let src = "import \"./lib/q.cvl\" as q\nlet x = q.labl(\"a\")\nlet y: q.Sise = 1\n";
    let out = run_file("main.cvl", src, true, &imports);
    assert_eq!(
        found(src, &out),
        [
            ("unresolved-name", "labl".to_string()),
            ("unresolved-name", "Sise".to_string())
        ]
    );
    assert_eq!(
        out.diagnostics[0].help.as_deref(),
        Some("did you mean `label`?")
    );
}

// ---- names and declarations

#[test]
fn unresolved_names_suggest_the_closest() {
    let src = "param env: \"a\" | \"b\"\nlet x = enw\nlet y: Sise = 1\n";
    let out = run(src);
    assert_eq!(
        found(src, &out),
        [
            ("unresolved-name", "enw".to_string()),
            ("unresolved-name", "Sise".to_string())
        ]
    );
    assert_eq!(
        out.diagnostics[0].help.as_deref(),
        Some("did you mean `env`?")
    );
    assert_eq!(out.diagnostics[0].replacement.as_deref(), Some("env"));
}

#[test]
fn types_and_values_do_not_shadow_each_other() {
    let src = r#"
type Alarm = { name: string }
component Alarms {
  param alarms: [Alarm]
  for alarm in alarms {
    resource Alarm: AWS::SNS::Topic { TopicName: alarm.name }
  }
  output topics = Alarm
}
"#;
    ok(src);
    expect(
        "type T = int
let x = T
",
        &[("type-mismatch", "T")],
    );
    expect(
        "let v = 1
let x: v = 1
",
        &[("type-mismatch", "v")],
    );
    expect(
        "type T = int
let T = 1
",
        &[("duplicate-definition", "T")],
    );
}

#[test]
fn outputs_are_fields_and_stack_members_not_names() {
    let src = r#"
component Pass {
  param cluster: string
  param n: int = 2
  output cluster = cluster
  for i in 0..n {
    output each = i
  }
}
stack a {
  let c = Pass { cluster: "x" }
  output x = c.cluster
  output count = len(c.each)
  output cidr = "10.0.0.0/16"
  let blocks = cidr("10.0.0.0/16", 2, 8)
}
stack b {
  let y = a.x
  let z = a.blocks
}
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(symbol(&out, "c").ty, "{ cluster: string, each: [int] }");
    assert_eq!(symbol(&out, "y").ty, "string");
    expect(
        "stack s {
  output o = 1
  let x = o
}
",
        &[("unresolved-name", "o")],
    );
    expect(
        "stack s {
  output o = 1
  output o = 2
}
",
        &[("duplicate-definition", "o")],
    );
}

#[test]
fn block_scopes_do_not_leak() {
    expect(
        "let a = [for x in [1]: x]\nlet b = x\n",
        &[("unresolved-name", "x")],
    );
    expect(
        "let a = { let inner = 1  inner }\nlet b = inner\n",
        &[("unresolved-name", "inner")],
    );
    expect(
        "stack s { let m = 1 }\nstack t { let n = m }\n",
        &[("unresolved-name", "m")],
    );
    expect(
        "stack s { let m = 1 }\nstack t { let n = s.mm }\n",
        &[("unresolved-name", "mm")],
    );
}

#[test]
fn duplicates_are_reported_at_the_second_declaration() {
    let src = "let a = 1\nlet a = 2\n";
    let out = run(src);
    assert_eq!(
        found(src, &out),
        [("duplicate-definition", "a".to_string())]
    );
    assert_eq!(
        out.diagnostics[0].span.start,
        src.find("a = 2").unwrap_or(0)
    );
    expect("let r = { a: 1, a: 2 }\n", &[("duplicate-definition", "a")]);
    expect(
        "let b = { let x = 1  let x = 2  x }\n",
        &[("duplicate-definition", "x")],
    );
    expect(
        "stack s { let a = 1\n if true { let a = 2 } }\n",
        &[("duplicate-definition", "a")],
    );
}

#[test]
fn order_does_not_matter_but_cycles_are_recursion() {
    ok("let a = b + 1\nlet b = 2\n");
    expect("let a = b\nlet b = a\n", &[("recursion", "a")]);
    expect("let a = a + 1\n", &[("recursion", "a")]);
    expect(
        "fn f(x: int) -> int { g(x) }\nfn g(x: int) -> int { f(x) }\n",
        &[("recursion", "f")],
    );
    expect("type A = B\ntype B = A\n", &[("recursion", "A")]);
    expect(
        "type Tree = { children: [Tree] }\n",
        &[("recursion", "Tree")],
    );
    expect(
        "let x = { let p = q  let q = p  p }\n",
        &[("recursion", "p")],
    );
    // a cycle through a component and its instance
    expect("component C { let inner = C {} }\n", &[("recursion", "C")]);
    // a lifted name used in its own condition
    expect(
        "stack s {\n if x == null { let x = 1 }\n}\n",
        &[("recursion", "x")],
    );
}

#[test]
fn long_chains_of_lets_do_not_overflow() {
    let mut src = String::new();
    for i in 0..3000 {
        src.push_str(&format!("let a{i} = a{}\n", i + 1));
    }
    src.push_str("let a3000 = 1\n");
    let out = run(&src);
    assert!(out.diagnostics.is_empty());
    assert_eq!(symbol(&out, "a0").ty, "int");
}

#[test]
fn declarations_out_of_place_are_misplaced() {
    let module =
        "param p: int\nstack s { }\nresource R: AWS::S3::Bucket {}\noutput o = 1\nlet fine = 1\n";
    let out = run_file("lib.cvl", module, false, &Imports::new());
    assert_eq!(
        found(module, &out),
        [
            ("misplaced-declaration", "p".to_string()),
            ("misplaced-declaration", "s".to_string()),
            ("misplaced-declaration", "R".to_string()),
            ("misplaced-declaration", "o".to_string()),
        ]
    );
    expect(
        "stack s { stack t { } }\n",
        &[("misplaced-declaration", "t")],
    );
    expect(
        "stack s { fn f() { 1 } }\n",
        &[("misplaced-declaration", "f")],
    );
    // a param in a stack is a template parameter; options belong to those only
    expect("stack s { param p: int with { MinValue: 1 } }\n", &[]);
    expect(
        "component C { param p: int with { MinValue: 1 } }\n",
        &[("misplaced-declaration", "{ MinValue: 1 }")],
    );
    expect(
        "component C { type T = int }\n",
        &[("misplaced-declaration", "T")],
    );
}

// ---- types

#[test]
fn mismatches_point_at_the_value() {
    expect("let x: int = \"a\"\n", &[("type-mismatch", "\"a\"")]);
    expect(
        "let x: number = 1\nlet y: int = 1.5\n",
        &[("type-mismatch", "1.5")],
    );
    expect(
        "let x: [int] = [1, \"b\", 3]\n",
        &[("type-mismatch", "\"b\"")],
    );
    expect("let x = if 1 { 2 } else { 3 }\n", &[("type-mismatch", "1")]);
    expect("let x = 1 + \"a\"\n", &[("type-mismatch", "1 + \"a\"")]);
    expect("let x = !1\n", &[("type-mismatch", "1")]);
    expect("let x = [for i in 5: i]\n", &[("type-mismatch", "5")]);
    expect("let x = \"${[1]}\"\n", &[("type-mismatch", "[1]")]);
    expect("let x = { ...1 }\n", &[("type-mismatch", "1")]);
    expect("check 1, \"m\"\n", &[("type-mismatch", "1")]);
    expect("let a = 1\nlet b = a ?? 2\n", &[("type-mismatch", "a")]);
    expect("let x = 1 < \"a\"\n", &[("type-mismatch", "1 < \"a\"")]);
    expect("let x = 0..\"a\"\n", &[("type-mismatch", "\"a\"")]);
}

#[test]
fn literals_widen_unless_declared() {
    let out = run("param p: \"a\" | \"b\"\nlet w = \"a\"\nlet d: \"a\" | \"b\" = \"a\"\n");
    assert_eq!(symbol(&out, "w").ty, "string");
    assert_eq!(symbol(&out, "d").ty, "\"a\" | \"b\"");
    expect(
        "let d: \"a\" | \"b\" = \"c\"\n",
        &[("type-mismatch", "\"c\"")],
    );
    expect(
        "param env: \"beta\" | \"prod\"\nlet x = env == \"prd\"\n",
        &[("type-mismatch", "\"prd\"")],
    );
}

#[test]
fn optional_values_need_a_default_before_use() {
    let src = "param p: { a: int }? = null\nlet x = p.a\nlet y = (p ?? { a: 1 }).a\nlet z: { a: int } = p\n";
    let out = run(src);
    assert_eq!(
        found(src, &out),
        [
            ("type-mismatch", "a".to_string()),
            ("type-mismatch", "p".to_string())
        ]
    );
    assert!(out.diagnostics.iter().all(|d| d.help.is_some()));
}

#[test]
fn records_report_unknown_and_missing_fields() {
    let src = "type Size = { cpu: int, memory: int, note?: string }\nlet s: Size = { cpu: 1, memroy: 2 }\n";
    let out = run(src);
    assert_eq!(
        found(src, &out),
        [
            ("missing-field", "{ cpu: 1, memroy: 2 }".to_string()),
            ("unknown-field", "memroy".to_string())
        ]
    );
    assert_eq!(
        out.diagnostics[1].help.as_deref(),
        Some("did you mean `memory`?")
    );
    expect("let r = { a: 1 }\nlet x = r.b\n", &[("unknown-field", "b")]);
    // extra fields are typos in a literal, not in a record value from elsewhere
    ok("type T = { a: int }\nlet r = { a: 1, b: 2 }\nlet t: T = r\nlet u: T = { ...r }\n");
    expect(
        "type T = { a: int }\nlet r = { a: \"x\" }\nlet t: T = r\n",
        &[("type-mismatch", "r")],
    );
    expect(
        "type T = { a: int }\nlet r = {}\nlet t: T = r\n",
        &[("missing-field", "r")],
    );
    ok(
        "type T = { a: int, b?: string }\nlet t: T = { a: 1 }\nlet m: map<number> = { x: 1, y: 2.5 }\n",
    );
    expect(
        "let m: map<int> = { x: 1, y: \"z\" }\n",
        &[("type-mismatch", "\"z\"")],
    );
}

#[test]
fn match_must_be_exhaustive_and_reachable() {
    let head = "param env: \"beta\" | \"gamma\" | \"prod\"\n";
    let src = format!("{head}let x = match env {{ \"beta\" => 1, \"prod\" => 2 }}\n");
    let out = run(&src);
    assert_eq!(
        found(&src, &out),
        [("non-exhaustive-match", "env".to_string())]
    );
    assert!(out.diagnostics[0].message.contains("gamma"));
    let src = format!("{head}let x = match env {{ \"beta\" => 1, \"prd\" => 2, _ => 3 }}\n");
    assert_eq!(diags(&src), [("unreachable-arm", "\"prd\"".to_string())]);
    let src = format!("{head}let x = match env {{ \"beta\" | \"beta\" => 1, _ => 3 }}\n");
    assert_eq!(diags(&src), [("unreachable-arm", "\"beta\"".to_string())]);
    let src =
        format!("{head}let x = match env {{ \"beta\" | \"gamma\" | \"prod\" => 1, _ => 3 }}\n");
    assert_eq!(diags(&src), [("unreachable-arm", "_".to_string())]);
    let src = format!("{head}let x = match env {{ _ => 1, \"beta\" => 3 }}\n");
    assert_eq!(diags(&src), [("unreachable-arm", "\"beta\"".to_string())]);
    expect(
        "let s = \"a\"\nlet x = match s { \"a\" => 1, _ => 2 }\n",
        &[("type-mismatch", "s")],
    );
}

#[test]
fn calls_check_arity_and_arguments() {
    let f = "fn f(a: int, b: string = \"x\") -> int { a }\n";
    ok(&format!("{f}let x = f(1)\nlet y = f(1, \"y\")\n"));
    let src = format!("{f}let x = f()\n");
    assert_eq!(diags(&src), [("wrong-argument-count", "f()".to_string())]);
    let src = format!("{f}let x = f(1, \"a\", 3)\n");
    assert_eq!(
        diags(&src),
        [("wrong-argument-count", "f(1, \"a\", 3)".to_string())]
    );
    let src = format!("{f}let x = f(\"1\")\n");
    assert_eq!(diags(&src), [("type-mismatch", "\"1\"".to_string())]);
    expect("let n = 1\nlet x = n(2)\n", &[("not-callable", "n")]);
    expect(
        "let x = len(1, 2)\n",
        &[("wrong-argument-count", "len(1, 2)")],
    );
    expect("let x = upper(1)\n", &[("type-mismatch", "1")]);
}

#[test]
fn builtins_that_are_not_generic_are_function_values() {
    let src = "fn apply(f: fn(string) -> string, s: string) -> string { f(s) }\nlet a = apply(upper, \"x\")\nlet g = len\nlet n = g([1])\n";
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    assert_eq!(symbol(&out, "n").ty, "int");
    expect(
        "fn apply(f: fn(string) -> string) -> string { f(\"s\") }\nlet a = apply(len)\n",
        &[("type-mismatch", "len")],
    );
}

#[test]
fn branches_join_their_types() {
    let src = r#"
param c: bool
let r = if c { { a: 1 } } else { { a: 2, b: "x" } }
let n = if c { 1 } else { 2.5 }
let o = if c { 1 } else { null }
let l = if c { [] } else { [1] }
stack s {
  if c { let v = 1 } else { let v = "a" }
  output vv = v
  resource A: AWS::S3::Bucket {}
  resource B: AWS::SQS::Queue {}
  let either = if c { A } else { B }
  output arn = either.Arn
}
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    for (name, ty) in [
        ("r", "{ a: int, b?: string }"),
        ("n", "number"),
        ("o", "int?"),
        ("l", "[int]"),
        ("vv", "int | string"),
        ("arn", "string"),
    ] {
        assert_eq!(symbol(&out, name).ty, ty, "type of `{name}`");
    }
}

#[test]
fn builtins_are_typed() {
    let src = r#"
let xs = ["a", "b"]
let n = len(xs)
let k = keys({ a: 1 })
let v = values({ a: 1, b: 2 })
let c = contains(xs, "a")
let r = replace("abc", "b", "c")
let s = to_string(1)
let j = to_json({ a: [1] })
let lo = min(1, 2)
let hi = max(1, 2.5)
let flat = flatten([[1], [2, 3]])
let joined = join(",", xs)
let parts = split(",", "a,b")
let first = select(0, xs)
let blocks = cidr("10.0.0.0/16", 4, 8)
let b64 = base64("x")
let imported = import_value("export")
let pw = secret("arn", "password")
let pw2 = secret("arn")
let from_ssm = ssm("/path")
let region = aws.region
let zones = aws.azs
"#;
    let out = run(src);
    assert!(out.diagnostics.is_empty(), "{:#?}", out.diagnostics);
    for (name, ty) in [
        ("n", "int"),
        ("k", "[string]"),
        ("v", "[int]"),
        ("c", "bool"),
        ("lo", "int"),
        ("hi", "number"),
        ("flat", "[int]"),
        ("parts", "[string]"),
        ("first", "string"),
        ("blocks", "[string]"),
        ("zones", "[string]"),
    ] {
        assert_eq!(symbol(&out, name).ty, ty, "type of `{name}`");
    }
    expect("let x = aws.regoin\n", &[("unknown-field", "regoin")]);
}

#[test]
fn instances_are_checked_against_params_and_placed_in_lets() {
    let comp =
        "component C {\n  param name: string\n  param size: int = 1\n  output out = name\n}\n";
    ok(&format!(
        "{comp}stack s {{ let c = C {{ name: \"a\" }}\n output o = c.out }}\n"
    ));
    let src = format!("{comp}stack s {{ let c = C {{ size: 2 }} }}\n");
    assert_eq!(diags(&src), [("missing-field", "C".to_string())]);
    let src = format!("{comp}stack s {{ let c = C {{ name: \"a\", nmae: \"b\" }} }}\n");
    assert_eq!(diags(&src), [("unknown-field", "nmae".to_string())]);
    let src = format!("{comp}stack s {{ let c = C {{ name: 1 }} }}\n");
    assert_eq!(diags(&src), [("type-mismatch", "1".to_string())]);
    let src = format!("{comp}let c = C {{ name: \"a\" }}\n");
    assert_eq!(
        diags(&src),
        [("misplaced-instance", "C { name: \"a\" }".to_string())]
    );
    let src = format!("{comp}stack s {{ output c = C {{ name: \"a\" }} }}\n");
    assert_eq!(
        diags(&src),
        [("misplaced-instance", "C { name: \"a\" }".to_string())]
    );
    let src = format!("{comp}stack s {{ let c = C(1) }}\n");
    assert_eq!(diags(&src), [("not-callable", "C".to_string())]);
    let src = "fn F() { 1 }\nstack s { let c = F { } }\n";
    assert_eq!(diags(src), [("not-callable", "F".to_string())]);
}

#[test]
fn deep_alias_types_are_bounded() {
    let mut src = String::new();
    for i in 0..300 {
        src.push_str(&format!("type T{i} = [T{}]\n", i + 1));
    }
    src.push_str("type T300 = int\n");
    let out = run(&src);
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == crate::Code::NestingTooDeep)
    );
}

// ---- resources

#[test]
fn resource_properties_are_checked_against_the_schema() {
    expect(
        "resource B: AWS::S3::Bucket { BucketNam: \"x\" }\n",
        &[("unknown-property", "BucketNam")],
    );
    let src = "resource B: AWS::S3::Bucket { BucketNam: \"x\" }\n";
    assert_eq!(
        run(src).diagnostics[0].help.as_deref(),
        Some("did you mean `BucketName`?")
    );
    expect(
        "resource B: AWS::S3::Bucket { Arn: \"x\" }\n",
        &[("read-only-property", "Arn")],
    );
    expect(
        "resource S: AWS::EC2::Subnet { CidrBlock: \"10.0.0.0/24\" }\n",
        &[("missing-required-property", "S")],
    );
    expect(
        "resource S: AWS::EC2::Subnet { VpcId: null }\n",
        &[("missing-required-property", "S")],
    );
    expect(
        "param v: string? = null\nresource S: AWS::EC2::Subnet { VpcId: v }\n",
        &[("type-mismatch", "v")],
    );
    expect(
        "resource B: AWS::S3::Bucket { VersioningConfiguration: {} }\n",
        &[("missing-required-property", "{}")],
    );
    expect(
        "resource B: AWS::S3::Bucket { VersioningConfiguration: { Status: \"Enabeld\" } }\n",
        &[("invalid-enum-value", "\"Enabeld\"")],
    );
    expect(
        "resource B: AWS::S3::Bucket { ObjectLockEnabled: \"yes\" }\n",
        &[("type-mismatch", "\"yes\"")],
    );
    expect(
        "resource L: AWS::Logs::LogGroup { RetentionInDays: [1] }\n",
        &[("type-mismatch", "[1]")],
    );
    expect(
        "resource B: AWS::S3::Bucket { Tags: [{ Key: \"a\", Value: \"b\" }, { Key: \"c\" }] }\n",
        &[("missing-required-property", "{ Key: \"c\" }")],
    );
    expect(
        "resource B: AWS::S3::Bucket { Tags: [{ Key: \"a\", Valeu: \"b\" }] }\n",
        &[
            ("missing-required-property", "{ Key: \"a\", Valeu: \"b\" }"),
            ("unknown-property", "Valeu"),
        ],
    );
    expect(
        "resource B: AWS::S3::Buckett {}\n",
        &[("unknown-resource-type", "AWS::S3::Buckett")],
    );
    ok("resource C: Custom::Thing { Anything: 1 }\noutput o = C.Whatever\n");
}

#[test]
fn resource_values_coerce_like_cloudformation() {
    let src = r#"
param encrypt: bool = false
param name: string? = null
resource Key: AWS::KMS::Key { }
resource Q: AWS::SQS::Queue {
  QueueName: name,
  DelaySeconds: ssm("/delay"),
  KmsMasterKeyId: if encrypt { Key.Arn } else { null },
  RedrivePolicy: { deadLetterTargetArn: "x", maxReceiveCount: 5 },
  VisibilityTimeout: 30,
  MessageRetentionPeriod: null,
  Tags: [{ Key: "Port", Value: 80 }],
}
let db_port = D.Endpoint.Port
resource D: AWS::RDS::DBInstance { DBInstanceClass: "db.t3.micro", AllocatedStorage: 20 }
"#;
    ok(src);
}

#[test]
fn resource_attributes_are_checked() {
    expect(
        "resource B: AWS::S3::Bucket {}\noutput o = B.Ann\n",
        &[("unknown-attribute", "Ann")],
    );
    let src = "resource B: AWS::S3::Bucket {}\noutput o = B.Ann\n";
    assert_eq!(
        run(src).diagnostics[0].help.as_deref(),
        Some("did you mean `Arn`?")
    );
    ok(
        "resource B: AWS::S3::Bucket { BucketName: \"b\" }\noutput o = B.DomainName\ncheck B.BucketName == \"b\", \"name\"\n",
    );
}

#[test]
fn resource_options_are_checked() {
    ok(r#"
resource A: AWS::S3::Bucket {}
resource B: AWS::S3::Bucket {} with {
  DependsOn: [A],
  DeletionPolicy: "Retain",
  UpdateReplacePolicy: "Snapshot",
  Condition: "IsProd",
  Metadata: { owner: "platform" },
}
resource C: AWS::S3::Bucket {} with { DependsOn: A }
"#);
    expect(
        "resource B: AWS::S3::Bucket {} with { DeletionPolicy: \"Retian\" }\n",
        &[("invalid-resource-option", "\"Retian\"")],
    );
    expect(
        "resource B: AWS::S3::Bucket {} with { DependOn: [] }\n",
        &[("invalid-resource-option", "DependOn")],
    );
    expect(
        "resource B: AWS::S3::Bucket {} with { DependsOn: [\"A\"] }\n",
        &[("invalid-resource-option", "[\"A\"]")],
    );
    expect(
        "resource B: AWS::S3::Bucket {} with { Metadata: 1 }\n",
        &[("invalid-resource-option", "1")],
    );
}

#[test]
fn tags_are_string_maps() {
    ok("stack s { tags { Project: \"canvalo\" } }\n");
    expect(
        "stack s { tags { Project: [1] } }\n",
        &[("type-mismatch", "[1]")],
    );
}

#[test]
fn the_deepest_trees_the_parser_accepts_are_checked_in_a_small_stack() {
    let shapes = [
        format!("let x = {}1\n", "1 + ".repeat(500)),
        format!(
            "param b: bool\nlet x = {}{{ 1 }}\n",
            "if b { 1 } else ".repeat(250)
        ),
        format!("let x = {}1{}\n", "[".repeat(250), "]".repeat(250)),
        format!("let x = {}1{}\n", "{ a: ".repeat(160), " }".repeat(160)),
        format!("let x = {}true\n", "!".repeat(500)),
        format!("let r = {{ a: 1 }}\nlet x = r{}\n", ".a".repeat(500)),
        format!("let x = {}1{}\n", "to_string(".repeat(160), ")".repeat(160)),
        format!(
            "let x = {}1{}\n",
            "{ let a = ".repeat(120),
            " a }".repeat(120)
        ),
    ];
    for src in shapes {
        let (ast, syntax) = parse_file("main.cvl", &src);
        assert!(syntax.is_empty() && !ast.items.is_empty(), "{syntax:#?}");
        // 2 MiB: the default stack of a spawned thread
        let codes = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let imports = Imports::new();
                let out = check_module(CheckInput {
                    file: "main.cvl",
                    ast: &ast,
                    imports: &imports,
                    is_entry: true,
                });
                out.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
            })
            .map(|handle| handle.join());
        let codes = codes.expect("spawn").expect("the checker panicked");
        assert!(
            codes.iter().all(|c| matches!(
                c,
                crate::Code::UnknownField | crate::Code::TypeMismatch | crate::Code::NestingTooDeep
            )),
            "{codes:?}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    /// Whatever the parser keeps of random declarations, the checker types it without panicking.
    #[test]
    fn random_programs_never_panic(tokens in proptest::collection::vec(0usize..TOKENS.len(), 0..80)) {
        let src: Vec<&str> = tokens.iter().map(|&i| TOKENS[i]).collect();
        let src = src.join(" ");
        let (ast, _) = parse_file("main.cvl", &src);
        for is_entry in [true, false] {
            let imports = Imports::new();
            let out = check_module(CheckInput { file: "main.cvl", ast: &ast, imports: &imports, is_entry });
            for d in &out.diagnostics {
                proptest::prop_assert!(d.span.end <= src.len());
            }
        }
    }
}

const TOKENS: &[&str] = &[
    "let",
    "a",
    "b",
    "C",
    "=",
    "1",
    "2.5",
    "\"s\"",
    "\"x${a}\"",
    "+",
    "-",
    "*",
    "==",
    "&&",
    "??",
    "..",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ".",
    "?",
    "|",
    "if",
    "else",
    "match",
    "=>",
    "_",
    "for",
    "in",
    "fn",
    "->",
    "param",
    "int",
    "string",
    "bool",
    "type",
    "component",
    "stack",
    "resource",
    "AWS::S3::Bucket",
    "with",
    "output",
    "check",
    "tags",
    "true",
    "null",
    "...",
    "len",
    "select",
    "aws",
    "\n",
    "let a = b",
    "let b = a",
    "stack s {",
    "component C {",
    "param p: int",
    "resource R: AWS::S3::Bucket {",
    "BucketName:",
    "DependsOn:",
    "R",
    "R.Arn",
    "s.a",
    "C { }",
    "x",
    "[for x in [1]: x]",
];
