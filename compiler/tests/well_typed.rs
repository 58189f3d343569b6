//! Well-typed programs, generated with the value each one must produce.
//!
//! The generator builds expressions by the type they must have (int, string, bool, list of
//! int) out of literals, operators, `if`, blocks, comprehensions, indexing, earlier lets and
//! built-ins, and computes each expression's value alongside. Every program must then:
//! - check without a diagnostic (it is well typed by construction);
//! - build, with every value equal to the one computed here (each let is written into a
//!   resource property with `to_json`);
//! - build to the same bytes after `cvl fmt`.
//!
//! A failure prints the program; the seed reproduces it.

use cvl::MemoryLoader;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Ty {
    Int,
    Str,
    Bool,
    List,
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Int(i64),
    Str(String),
    Bool(bool),
    List(Vec<i64>),
}

impl Val {
    fn json(&self) -> Json {
        match self {
            Val::Int(n) => json!(n),
            Val::Str(s) => json!(s),
            Val::Bool(b) => json!(b),
            Val::List(items) => json!(items),
        }
    }
    fn int(&self) -> i64 {
        match self {
            Val::Int(n) => *n,
            other => unreachable!("{other:?} is not an int"),
        }
    }
    fn str(&self) -> String {
        match self {
            Val::Str(s) => s.clone(),
            other => unreachable!("{other:?} is not a string"),
        }
    }
    fn bool(&self) -> bool {
        match self {
            Val::Bool(b) => *b,
            other => unreachable!("{other:?} is not a bool"),
        }
    }
    fn list(&self) -> Vec<i64> {
        match self {
            Val::List(items) => items.clone(),
            other => unreachable!("{other:?} is not a list"),
        }
    }
}

/// Expressions of a given type with their values, from a seed (xorshift).
struct Gen {
    state: u64,
    /// The lets declared so far: name, type, value.
    lets: Vec<(String, Ty, Val)>,
    /// Fresh names for block lets and comprehension variables.
    fresh: usize,
}

impl Gen {
    fn new(seed: u64) -> Self {
        Gen {
            state: seed | 1,
            lets: Vec::new(),
            fresh: 0,
        }
    }
    fn below(&mut self, n: u64) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state % n
    }
    fn small(&mut self) -> i64 {
        self.below(21) as i64 - 10
    }
    fn word(&mut self) -> String {
        let len = self.below(5);
        (0..len)
            .map(|_| (b'a' + self.below(6) as u8) as char)
            .collect()
    }
    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }
    fn earlier(&mut self, ty: Ty) -> Option<(String, Val)> {
        let matching: Vec<(String, Val)> = self
            .lets
            .iter()
            .filter(|(_, t, _)| *t == ty)
            .map(|(n, _, v)| (n.clone(), v.clone()))
            .collect();
        if matching.is_empty() {
            return None;
        }
        let pick = self.below(matching.len() as u64) as usize;
        matching.into_iter().nth(pick)
    }

    fn expr(&mut self, ty: Ty, depth: u32) -> (String, Val) {
        if depth == 0 {
            return self.leaf(ty);
        }
        match ty {
            Ty::Int => self.int(depth - 1),
            Ty::Str => self.string(depth - 1),
            Ty::Bool => self.boolean(depth - 1),
            Ty::List => self.list(depth - 1),
        }
    }

    fn leaf(&mut self, ty: Ty) -> (String, Val) {
        if self.below(3) == 0
            && let Some(earlier) = self.earlier(ty)
        {
            return earlier;
        }
        match ty {
            Ty::Int => {
                let n = self.small();
                (
                    if n < 0 {
                        format!("({n})")
                    } else {
                        n.to_string()
                    },
                    Val::Int(n),
                )
            }
            Ty::Str => {
                let s = self.word();
                (format!("\"{s}\""), Val::Str(s))
            }
            Ty::Bool => {
                let b = self.below(2) == 0;
                (b.to_string(), Val::Bool(b))
            }
            Ty::List => {
                let items: Vec<i64> = (0..1 + self.below(3)).map(|_| self.small()).collect();
                let text = items
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                (format!("[{text}]"), Val::List(items))
            }
        }
    }

    fn conditional(&mut self, ty: Ty, d: u32) -> (String, Val) {
        let (c, cv) = self.expr(Ty::Bool, d);
        let (a, av) = self.expr(ty, d);
        let (b, bv) = self.expr(ty, d);
        (
            format!("if {c} {{ {a} }} else {{ {b} }}"),
            if cv.bool() { av } else { bv },
        )
    }

    fn int(&mut self, d: u32) -> (String, Val) {
        match self.below(10) {
            0 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Int, d), self.expr(Ty::Int, d));
                (format!("({a} + {b})"), Val::Int(av.int() + bv.int()))
            }
            1 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Int, d), self.expr(Ty::Int, d));
                (format!("({a} - {b})"), Val::Int(av.int() - bv.int()))
            }
            2 => {
                let (a, av) = self.expr(Ty::Int, d);
                let k = self.below(4) as i64;
                (format!("({a} * {k})"), Val::Int(av.int() * k))
            }
            3 => self.conditional(Ty::Int, d),
            4 => {
                let (l, lv) = self.expr(Ty::List, d);
                (format!("len({l})"), Val::Int(lv.list().len() as i64))
            }
            5 => {
                let (s, sv) = self.expr(Ty::Str, d);
                (
                    format!("len({s})"),
                    Val::Int(sv.str().chars().count() as i64),
                )
            }
            6 => {
                let name = self.fresh("b");
                let (a, av) = self.expr(Ty::Int, d);
                let (b, bv) = self.expr(Ty::Int, d);
                (
                    format!("{{ let {name} = {a}  {name} + {b} }}"),
                    Val::Int(av.int() + bv.int()),
                )
            }
            7 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Int, d), self.expr(Ty::Int, d));
                let (f, v) = if self.below(2) == 0 {
                    ("min", av.int().min(bv.int()))
                } else {
                    ("max", av.int().max(bv.int()))
                };
                (format!("{f}({a}, {b})"), Val::Int(v))
            }
            8 => {
                // index a list that is not empty: prepend an element
                let (head, hv) = self.expr(Ty::Int, d);
                let (l, lv) = self.expr(Ty::List, d);
                let mut items = vec![hv.int()];
                items.extend(lv.list());
                let i = self.below(items.len() as u64) as usize;
                (format!("([{head}] + {l})[{i}]"), Val::Int(items[i]))
            }
            _ => self.leaf(Ty::Int),
        }
    }

    fn string(&mut self, d: u32) -> (String, Val) {
        match self.below(8) {
            0 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Str, d), self.expr(Ty::Str, d));
                (format!("({a} + {b})"), Val::Str(av.str() + &bv.str()))
            }
            1 => {
                let (n, nv) = self.expr(Ty::Int, d);
                let (s, sv) = self.expr(Ty::Str, d);
                (
                    format!("\"p${{{n}}}-${{{s}}}q\""),
                    Val::Str(format!("p{}-{}q", nv.int(), sv.str())),
                )
            }
            2 => {
                let (s, sv) = self.expr(Ty::Str, d);
                if self.below(2) == 0 {
                    (format!("upper({s})"), Val::Str(sv.str().to_uppercase()))
                } else {
                    (format!("lower({s})"), Val::Str(sv.str().to_lowercase()))
                }
            }
            3 => self.conditional(Ty::Str, d),
            4 => {
                let (n, nv) = self.expr(Ty::Int, d);
                (format!("to_string({n})"), Val::Str(nv.int().to_string()))
            }
            5 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Str, d), self.expr(Ty::Str, d));
                (
                    format!("join(\"-\", [{a}, {b}])"),
                    Val::Str(format!("{}-{}", av.str(), bv.str())),
                )
            }
            6 => {
                let (s, sv) = self.expr(Ty::Str, d);
                (
                    format!("replace({s}, \"a\", \"xy\")"),
                    Val::Str(sv.str().replace('a', "xy")),
                )
            }
            _ => self.leaf(Ty::Str),
        }
    }

    fn boolean(&mut self, d: u32) -> (String, Val) {
        match self.below(9) {
            0 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Int, d), self.expr(Ty::Int, d));
                (format!("({a} == {b})"), Val::Bool(av == bv))
            }
            1 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Int, d), self.expr(Ty::Int, d));
                (format!("({a} < {b})"), Val::Bool(av.int() < bv.int()))
            }
            2 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Str, d), self.expr(Ty::Str, d));
                // `lower` makes both sides `string`: comparing a literal union with a string
                // outside it is reported on purpose (a typo such as `env == "prdo"`)
                (
                    format!("(lower({a}) != lower({b}))"),
                    Val::Bool(av.str().to_lowercase() != bv.str().to_lowercase()),
                )
            }
            3 => {
                let (a, av) = self.expr(Ty::Bool, d);
                (format!("!({a})"), Val::Bool(!av.bool()))
            }
            4 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Bool, d), self.expr(Ty::Bool, d));
                (format!("({a} && {b})"), Val::Bool(av.bool() && bv.bool()))
            }
            5 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Bool, d), self.expr(Ty::Bool, d));
                (format!("({a} || {b})"), Val::Bool(av.bool() || bv.bool()))
            }
            6 => {
                let ((l, lv), (n, nv)) = (self.expr(Ty::List, d), self.expr(Ty::Int, d));
                (
                    format!("contains({l}, {n})"),
                    Val::Bool(lv.list().contains(&nv.int())),
                )
            }
            7 => self.conditional(Ty::Bool, d),
            _ => self.leaf(Ty::Bool),
        }
    }

    fn list(&mut self, d: u32) -> (String, Val) {
        match self.below(6) {
            0 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::List, d), self.expr(Ty::List, d));
                (
                    format!("({a} + {b})"),
                    Val::List([av.list(), bv.list()].concat()),
                )
            }
            1 => {
                let k = self.fresh("k");
                let n = self.below(5) as i64;
                let (c, cv) = self.expr(Ty::Int, d);
                let items = (0..n).map(|i| i * 2 + cv.int()).collect();
                (
                    format!("[for {k} in 0..{n}: {k} * 2 + {c}]"),
                    Val::List(items),
                )
            }
            2 => {
                let k = self.fresh("k");
                let (l, lv) = self.expr(Ty::List, d);
                let (c, cv) = self.expr(Ty::Int, d);
                let items = lv
                    .list()
                    .into_iter()
                    .filter(|x| *x > cv.int())
                    .map(|x| x + 1)
                    .collect();
                (
                    format!("[for {k} in {l} if {k} > {c}: {k} + 1]"),
                    Val::List(items),
                )
            }
            3 => self.conditional(Ty::List, d),
            4 => {
                let ((a, av), (b, bv)) = (self.expr(Ty::Int, d), self.expr(Ty::Int, d));
                (format!("[{a}, {b}]"), Val::List(vec![av.int(), bv.int()]))
            }
            _ => self.leaf(Ty::List),
        }
    }
}

/// A program of `lets` lets, each of a random type and written into an SSM parameter's value.
fn program(seed: u64, lets: usize, depth: u32) -> (String, Vec<Val>) {
    let mut generator = Gen::new(seed);
    let mut text = String::new();
    let mut values = Vec::new();
    for i in 0..lets {
        let ty = [Ty::Int, Ty::Str, Ty::Bool, Ty::List][generator.below(4) as usize];
        let (expr, value) = generator.expr(ty, depth);
        let name = format!("v{i}");
        text.push_str(&format!("let {name} = {expr}\n"));
        generator.lets.push((name, ty, value.clone()));
        values.push(value);
    }
    for i in 0..lets {
        text.push_str(&format!(
            "resource P{i}: AWS::SSM::Parameter {{ Type: \"String\", Value: to_json(v{i}) }}\n"
        ));
    }
    (text, values)
}

fn templates(text: &str) -> Result<Vec<String>, String> {
    let loader = MemoryLoader::new().with("main.cvl", text);
    let result = cvl::build(&loader, "main.cvl", &[]);
    match result.output {
        Some(output) if result.diagnostics.is_empty() => {
            Ok(output.stacks.iter().map(|s| s.text.clone()).collect())
        }
        _ => Err(format!("{:#?}", result.diagnostics)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn well_typed_programs_check_build_to_their_values_and_survive_formatting(
        seed in any::<u64>(),
        lets in 1usize..6,
        depth in 0u32..5,
    ) {
        let (text, values) = program(seed, lets, depth);

        let loader = MemoryLoader::new().with("main.cvl", text.as_str());
        let checked = cvl::check(&loader, "main.cvl", &[]);
        prop_assert!(checked.diagnostics.is_empty(), "check:\n{text}\n{:#?}", checked.diagnostics);

        let built = templates(&text).map_err(|e| TestCaseError::fail(format!("build:\n{text}\n{e}")))?;
        let template: Json = serde_json::from_str(&built[0]).expect("a template is JSON");
        for (i, expected) in values.iter().enumerate() {
            let written = template["Resources"][format!("P{i}")]["Properties"]["Value"].as_str().unwrap_or_default();
            let got: Json = serde_json::from_str(written).unwrap_or(Json::Null);
            prop_assert_eq!(&got, &expected.json(), "v{} in\n{}", i, text);
        }

        let formatted = cvl::syntax::format::format_source("main.cvl", &text)
            .map_err(|e| TestCaseError::fail(format!("format:\n{text}\n{e:?}")))?;
        let rebuilt = templates(&formatted).map_err(|e| TestCaseError::fail(format!("formatted build:\n{formatted}\n{e}")))?;
        prop_assert_eq!(built, rebuilt, "formatting changed what\n{}\nbuilds to", text);
    }
}
