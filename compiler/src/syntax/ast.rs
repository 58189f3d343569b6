//! The syntax tree of one `.cvl` file.
//!
//! The parser (`parser.rs`, the only file that names pest) builds it; the resolver, the checker
//! and the interpreter read it. Every node that a diagnostic can point at carries a [`Span`]
//! (byte offsets into its own file). The tree is plain data: `Clone + Eq + Hash` so that salsa
//! can cache and compare it, and so that a printed-then-parsed tree can be compared with the
//! original in the round-trip property test.

use crate::source::Span;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A parsed file: its declarations in source order. Declarations that failed to parse are
/// left out (their diagnostics travel beside the tree, see `parser::parse_file`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct File {
    pub items: Vec<Item>,
}

impl File {
    /// The type names of the file's resource declarations (`AWS::S3::Bucket`), in the order of
    /// the text, at every depth (stacks, components, `if`, `for`), repeats included.
    pub fn resource_type_names(&self) -> Vec<&str> {
        fn collect<'a>(items: &'a [Item], out: &mut Vec<&'a str>) {
            for item in items {
                match &item.kind {
                    ItemKind::Resource(r) => out.push(&r.type_name.name),
                    ItemKind::Stack(s) => collect(&s.items, out),
                    ItemKind::Component(c) => collect(&c.items, out),
                    ItemKind::For(f) => collect(&f.items, out),
                    ItemKind::If(i) => {
                        collect(&i.then_items, out);
                        collect(&i.else_items, out);
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        collect(&self.items, &mut out);
        out
    }
}

/// A declaration, with its `///` doc comment (lines joined with `\n`, the `/// ` stripped).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub doc: Option<String>,
    pub kind: ItemKind,
    /// The whole declaration, doc comment excluded.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// `import std.vpc` or `import "./net.cvl" as net`
    Import(Import),
    /// `param env: "beta" | "prod" = "beta"`: a build input at top level, a component
    /// parameter inside a component.
    Param(Param),
    /// `let name: T = expr`
    Let(Let),
    /// `type Size = { cpu: int }`
    Type(TypeAlias),
    /// `fn name(a: int, b: string = "x") -> string { ... }`
    Fn(FnDecl),
    /// `component Name { items }`
    Component(Component),
    /// `resource Name: AWS::S3::Bucket { props } with { DeletionPolicy: "Retain" }`
    Resource(Resource),
    /// `output name = expr` or `output name = expr export "name"`
    Output(Output),
    /// `stack name { items }`
    Stack(Stack),
    /// `check cond, "message"`
    Check(Check),
    /// `if cond { items } else { items }` among declarations
    If(IfItems),
    /// `for x in expr { items }` among declarations
    For(ForItems),
    /// `tags { Project: "canvalo" }` inside a stack: tags applied to every resource of the stack
    /// whose type has a `Tags` property (a resource's own tags win).
    Tags(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    pub target: ImportTarget,
    /// The name the module is bound to: `vpc` for `import std.vpc`, the `as` name otherwise.
    pub alias: Ident,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImportTarget {
    /// `std.vpc`: a standard-library module, by its dotted path (here `["vpc"]`).
    Std(Vec<Ident>),
    /// `"./net.cvl"`: a file relative to the importing file.
    File { path: String, span: Span },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    /// `with { NoEcho: true }`: options of a stack's template parameter (an
    /// [`ExprKind::Record`]); only stack params have them.
    pub options: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Let {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeAlias {
    pub name: Ident,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<FnParam>,
    pub ret: Option<TypeExpr>,
    /// Usually an [`ExprKind::Block`].
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FnParam {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Component {
    pub name: Ident,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Resource {
    /// The logical name; the logical ID is derived from it and from where it is declared.
    pub name: Ident,
    /// `AWS::S3::Bucket`, as written.
    pub type_name: Ident,
    /// The properties: always an [`ExprKind::Record`] (may be empty).
    pub properties: Expr,
    /// The resource attributes after `with`: DependsOn, DeletionPolicy, UpdateReplacePolicy,
    /// Condition, Metadata. An [`ExprKind::Record`] when present.
    pub options: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Output {
    pub name: Ident,
    pub value: Expr,
    /// `export "name"`: export the output under this name. (Values used by another stack are
    /// exported automatically; this is for consumers outside the project.)
    pub export: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Stack {
    pub name: Ident,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Check {
    pub condition: Expr,
    pub message: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IfItems {
    pub condition: Expr,
    pub then_items: Vec<Item>,
    /// `else { ... }`; an `else if` is a single nested [`ItemKind::If`].
    pub else_items: Vec<Item>,
}

/// An `else if` of an `if` among declarations: where its `if` starts, its condition, its items.
pub type ElseIf = (usize, Expr, Vec<Item>);

/// The `else` items of an `if` among declarations: each `else if` of `chain` becomes an `if` item
/// nested in the `else` of the one before, the innermost holding `else_items`; the nested items
/// end at `end`. Both parsers (pest's builder and the fast path) build the chain with it.
pub fn nest_else_ifs(chain: Vec<ElseIf>, else_items: Vec<Item>, end: usize) -> Vec<Item> {
    chain
        .into_iter()
        .rev()
        .fold(else_items, |else_items, (start, condition, then_items)| {
            vec![Item {
                doc: None,
                kind: ItemKind::If(IfItems {
                    condition,
                    then_items,
                    else_items,
                }),
                span: Span::new(start, end),
            }]
        })
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ForItems {
    pub var: Ident,
    pub iterable: Expr,
    pub items: Vec<Item>,
}

// ----------------------------------------------------------------------------------------------
// Types as written

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeExprKind {
    /// `int`, `string`, `number`, `bool`, `null`, an alias `Size`, or `mod.Size`.
    Named(Vec<Ident>),
    /// `AWS::EC2::VPC`: a reference to a resource of that CloudFormation type.
    Resource(String),
    /// `"beta"`: a string literal type.
    StrLit(String),
    /// `A | B | C`
    Union(Vec<TypeExpr>),
    /// `T?`: `T` or null.
    Optional(Box<TypeExpr>),
    /// `[T]`
    List(Box<TypeExpr>),
    /// `map<T>`: string keys.
    Map(Box<TypeExpr>),
    /// `{ name: string, port?: int }`
    Record(Vec<FieldType>),
    /// `fn(int, string) -> bool`
    Fn(Vec<TypeExpr>, Box<TypeExpr>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub doc: Option<String>,
    pub name: Ident,
    /// `name?: T`: the field may be left out (reads as null).
    pub optional: bool,
    pub ty: TypeExpr,
}

// ----------------------------------------------------------------------------------------------
// Expressions

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    /// A number literal as written (`0.5`), kept as text so the tree stays `Eq + Hash`.
    Number(String),
    /// A string; `"a${b}c"` is `[Lit("a"), Interp(b), Lit("c")]`. Escapes are already decoded.
    Str(Vec<StrPart>),
    /// A name: a local, a let, a param, a function, a module, a resource, a component or a stack.
    Name(String),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `[for x in xs if cond: body]` (also `for i, x in xs` with the index first)
    ListFor(Box<Comprehension>),
    /// `{ a: 1, "b-c": 2, ...base }`
    Record(Vec<RecordEntry>),
    /// `{ for x in xs if cond: key => value }`
    MapFor(Box<MapComprehension>),
    /// `base.name`
    Field {
        base: Box<Expr>,
        name: Ident,
    },
    /// `base[index]`
    Index {
        base: Box<Expr>,
        index: Box<Expr>,
    },
    /// `callee(args)`
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `vpc.Network { azs: 2 }`: a component instance. `component` is a `Name` or a `Field`
    /// whose last name starts with an upper-case letter; `args` is the record of parameters.
    Instantiate {
        component: Box<Expr>,
        args: Vec<RecordEntry>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `if c { a } else { b }`; `else` is required in expressions.
    If {
        condition: Box<Expr>,
        then_branch: Box<Expr>,
        else_branch: Box<Expr>,
    },
    /// `match x { "a" | "b" => e, _ => e }`
    Match {
        scrutinee: Box<Expr>,
        arms: Vec<MatchArm>,
    },
    /// `a..b`: the integers from a up to, not including, b.
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
    },
    /// `{ let x = 1  let y = 2  x + y }`: lets, then the value.
    Block {
        lets: Vec<Let>,
        value: Box<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StrPart {
    Lit(String),
    Interp(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordEntry {
    /// `key: value`; `key` is an identifier or a quoted string (its text either way).
    Field { key: Ident, value: Expr },
    /// `...base`
    Spread(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Comprehension {
    /// `for i, x in xs`: the index variable.
    pub index_var: Option<Ident>,
    pub var: Ident,
    pub iterable: Expr,
    pub condition: Option<Expr>,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MapComprehension {
    pub index_var: Option<Ident>,
    pub var: Ident,
    pub iterable: Expr,
    pub condition: Option<Expr>,
    pub key: Expr,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// `"a" | "b"`: one or more string literals, each with its span.
    Literals(Vec<(String, Span)>),
    /// `_`
    Wildcard(Span),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `!x`
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `a ?? b`: `a` unless it is null, then `b`.
    Coalesce,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Coalesce => "??",
        }
    }
}
