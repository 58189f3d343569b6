//! Experiments (temporary).

use cvl::{BuildResult, MemoryLoader};

const STACK: usize = 2 << 20;

fn build_on_small_stack(main: String) -> BuildResult {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || cvl::build(&MemoryLoader::new().with("main.cvl", main), "main.cvl", &[]))
        .unwrap()
        .join()
        .unwrap()
}

fn codes(result: &BuildResult) -> Vec<String> {
    result.diagnostics.iter().map(|d| format!("{}@{}..{} {}", d.code, d.span.start, d.span.end, d.message)).collect()
}

fn lazy_let_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("let a{i} = a{} + 1\n", i + 1));
    }
    s.push_str(&format!("let a{n} = 0\nresource T: AWS::SNS::Topic {{ TopicName: \"${{a0}}\" }}\n"));
    s
}

fn fn_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("fn f{i}(x: int) -> int {{ f{}(x) + 1 }}\n", i + 1));
    }
    s.push_str(&format!("fn f{n}(x: int) -> int {{ x }}\nresource T: AWS::SNS::Topic {{ TopicName: \"${{f0(1)}}\" }}\n"));
    s
}

fn component_chain(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("component C{i} {{\n  let c = C{} {{}}\n  output o = c.o + 1\n}}\n", i + 1));
    }
    s.push_str(&format!("component C{n} {{\n  resource T: AWS::SNS::Topic {{}}\n  output o = 0\n}}\nstack s {{\n  let c = C0 {{}}\n  output o = c.o\n}}\n"));
    s
}

fn deep_value(lets: usize, each: usize) -> String {
    let mut s = String::from("let v0 = 1\n");
    for i in 1..=lets {
        s.push_str(&format!("let v{i} = {}v{}{}\n", "[".repeat(each), i - 1, "]".repeat(each)));
    }
    s.push_str(&format!("resource T: AWS::SNS::Topic {{ TopicName: \"x\" }} with {{ Metadata: {{ v: v{lets} }} }}\n"));
    s
}

fn deep_value_eq(lets: usize, each: usize) -> String {
    let mut s = String::from("let v0 = 1\n");
    for i in 1..=lets {
        s.push_str(&format!("let v{i} = {}v{}{}\n", "[".repeat(each), i - 1, "]".repeat(each)));
    }
    s.push_str(&format!("check v{lets} == v{lets}\nresource T: AWS::SNS::Topic {{ TopicName: to_json(v{lets}) }}\n"));
    s
}

#[test]
fn exp_lazy_let_chain() {
    for n in [100, 340, 400, 5000, 50000] {
        let r = build_on_small_stack(lazy_let_chain(n));
        eprintln!("lets {n}: {:?}", codes(&r).iter().take(3).collect::<Vec<_>>());
    }
}

#[test]
fn exp_fn_chain() {
    for n in [100, 200, 400, 5000] {
        let r = build_on_small_stack(fn_chain(n));
        eprintln!("fns {n}: {:?}", codes(&r).iter().take(3).collect::<Vec<_>>());
    }
}

#[test]
fn exp_component_chain() {
    for n in [10, 100, 400, 2000] {
        let r = build_on_small_stack(component_chain(n));
        eprintln!("components {n}: {:?}", codes(&r).iter().take(3).collect::<Vec<_>>());
    }
}

#[test]
fn exp_deep_value() {
    for (l, e) in [(2, 200), (10, 200), (100, 200)] {
        let r = build_on_small_stack(deep_value(l, e));
        eprintln!("deep value {l}x{e}: {:?} output {}", codes(&r).iter().take(3).collect::<Vec<_>>(), r.output.is_some());
    }
}

#[test]
fn exp_deep_value_eq() {
    for (l, e) in [(2, 200), (10, 200), (100, 200)] {
        let r = build_on_small_stack(deep_value_eq(l, e));
        eprintln!("deep value eq {l}x{e}: {:?} output {}", codes(&r).iter().take(3).collect::<Vec<_>>(), r.output.is_some());
    }
}

#[test]
fn exp_deep_value_timing() {
    for l in [10, 20, 40] {
        let text = deep_value(l, 200);
        let t = std::time::Instant::now();
        let (_tree, d) = cvl::syntax::parse_file("main.cvl", &text);
        let parse = t.elapsed();
        let t = std::time::Instant::now();
        let r = build_on_small_stack(text.clone());
        eprintln!("{l}: parse {parse:?} ({} diags) build {:?} ({} diags)", d.len(), t.elapsed(), r.diagnostics.len());
    }
    for each in [50, 100, 200] {
        let text = deep_value(20, each);
        let t = std::time::Instant::now();
        let (_tree, _d) = cvl::syntax::parse_file("main.cvl", &text);
        let parse = t.elapsed();
        let t = std::time::Instant::now();
        let r = build_on_small_stack(text.clone());
        eprintln!("20x{each}: parse {parse:?} build {:?} ({} diags)", t.elapsed(), r.diagnostics.len());
    }
}

const BIG: &str = "let big = join(\"\", [for i in 0..250000: \"abcd\"])\nlet many = [for i in 0..1000000: big]\n";

fn amp(name: &str, body: &str) {
    let text = format!("{BIG}{body}\n");
    let t = std::time::Instant::now();
    let r = build_on_small_stack(text);
    eprintln!("{name}: {:?} in {:?}", codes(&r).iter().take(2).collect::<Vec<_>>(), t.elapsed());
}

#[test]
fn exp_amp_join() { amp("join", "resource T: AWS::SNS::Topic { TopicName: \"${len(join(\"\", many))}\" }"); }
#[test]
fn exp_amp_flatten() { amp("flatten", "let ints = [for i in 0..1000000: i]\nlet lots = [for i in 0..1000000: ints]\nresource T: AWS::SNS::Topic { TopicName: \"${len(flatten(lots))}\" }"); }
#[test]
fn exp_amp_to_json() { amp("to_json", "resource T: AWS::SNS::Topic { TopicName: \"${len(to_json(many))}\" }"); }
#[test]
fn exp_amp_to_string() { amp("to_string", "resource T: AWS::SNS::Topic { TopicName: \"${len(to_string(many))}\" }"); }
#[test]
fn exp_amp_interp() { amp("interp", "resource T: AWS::SNS::Topic { TopicName: \"${many}\" }"); }
#[test]
fn exp_amp_lower() { amp("lower", "resource T: AWS::SNS::Topic { TopicName: \"t\" } with { Metadata: { m: many } }"); }
#[test]
fn exp_amp_lower_output() { amp("lower_output", "output o = many"); }
#[test]
fn exp_amp_equal() { amp("equal", "let ints = [for i in 0..1000000: i]\nlet ints2 = [for i in 0..1000000: i]\nlet same = [for i in 0..1000: ints == ints2]\nresource T: AWS::SNS::Topic { TopicName: \"${len(same)}\" }"); }
#[test]
fn exp_amp_contains() { amp("contains", "let ints = [for i in 0..1000000: i]\nlet lots = [for i in 0..1000: [for j in 0..1000: ints]]\nresource T: AWS::SNS::Topic { TopicName: \"${[for l in lots: contains(l, [1])]}\" }"); }
