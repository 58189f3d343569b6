//! Values of evaluation: build-time data, and deploy-time expressions that CloudFormation
//! resolves (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...).

use indexmap::IndexMap;
use std::rc::Rc;

/// An insertion-ordered map with FxHash. The interpreter's maps (record fields, scope names,
/// a stack's resources) have short string keys that the program wrote, hashed on every field
/// access; SipHash's protection against chosen collisions buys nothing there and cost about a
/// twentieth of a large build (docs/performance.md, F7). Iteration order is insertion order,
/// whatever the hasher, so output stays deterministic.
pub type FxIndexMap<K, V> = IndexMap<K, V, rustc_hash::FxBuildHasher>;

/// The fields of a record.
pub type Fields = FxIndexMap<String, Value>;

/// Index of a resource in the interpreter's resource arena.
pub type ResourceIdx = usize;
/// Index of a scope in the interpreter's scope arena.
pub type ScopeIdx = usize;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Number(f64),
    Str(Rc<str>),
    List(Rc<Vec<Value>>),
    Record(Rc<Fields>),
    /// A value known only at deploy time: a string, or a list of strings.
    Deploy(Rc<Deploy>),
    /// A resource: its `Ref` where a string is expected.
    Resource(ResourceIdx),
    /// A component instance: a record of its outputs, evaluated on first access.
    Instance(ScopeIdx),
    /// A stack: its members, by name.
    Stack(usize),
    /// An imported module.
    Module(usize),
    /// A declared function (its module and name) or a built-in.
    Fn(FnRef),
    /// A component (its module and name).
    Component {
        module: usize,
        name: Rc<str>,
    },
    /// The `aws` pseudo-parameter namespace.
    Aws,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FnRef {
    Declared { module: usize, name: Rc<str> },
    Builtin(&'static str),
}

/// A deploy-time expression. Lowering turns it into CloudFormation intrinsics, with imports
/// where it refers to another stack's resources.
#[derive(Clone, Debug)]
pub enum Deploy {
    Ref(ResourceIdx),
    GetAtt(ResourceIdx, Rc<str>),
    /// A template parameter of a stack: `{"Ref": "<LogicalId>"}`.
    Parameter {
        stack: usize,
        logical_id: Rc<str>,
    },
    /// `AWS::Region` and friends.
    Pseudo(&'static str),
    /// `Fn::GetAZs ""`: a list.
    GetAzs,
    /// A string mixing literal text and deploy-time values: `Fn::Sub`.
    Sub(Vec<SubPart>),
    Join(Rc<str>, Vec<Value>),
    /// `Fn::Select [index, list]`
    Select(i64, Value),
    /// `Fn::Split [sep, string]`: a list.
    Split(Rc<str>, Value),
    /// `Fn::Cidr [block, count, bits]`: a list.
    Cidr(Value, i64, i64),
    Base64(Value),
    ImportValue(Value),
    /// A deploy-time list with some deploy-time elements (`[Subnet1, Subnet2]` is a plain list;
    /// this is for lists that CloudFormation must build).
    List(Vec<Value>),
}

#[derive(Clone, Debug)]
pub enum SubPart {
    Lit(String),
    Value(Value),
}

impl Value {
    pub fn str(s: impl Into<Rc<str>>) -> Value {
        Value::Str(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    pub fn record(fields: Fields) -> Value {
        Value::Record(Rc::new(fields))
    }

    /// True when CloudFormation, not the build, decides the value.
    pub fn is_deploy_time(&self) -> bool {
        matches!(self, Value::Deploy(_) | Value::Resource(_) | Value::Aws)
    }

    /// A short name of the kind of value, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Number(_) => "number",
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Record(_) => "record",
            Value::Deploy(_) => "deploy-time value",
            Value::Resource(_) => "resource",
            Value::Instance(_) => "component instance",
            Value::Stack(_) => "stack",
            Value::Module(_) => "module",
            Value::Fn(_) => "function",
            Value::Component { .. } => "component",
            Value::Aws => "`aws`",
        }
    }
}

/// Writes a build-time value the way checks show it: `"gamma"`, `2`, `[1, 2]`, `{ a: 1 }`.
pub fn display(value: &Value) -> String {
    let mut out = String::new();
    write_display(value, &mut out, 0);
    out
}

fn write_display(value: &Value, out: &mut String, depth: usize) {
    if depth > 8 || out.len() > 200 {
        out.push('…');
        return;
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::Str(s) => out.push_str(&format!("{:?}", &**s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_display(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Record(fields) => {
            if fields.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                write_display(v, out, depth + 1);
            }
            out.push_str(" }");
        }
        other => {
            out.push('<');
            out.push_str(other.kind());
            out.push('>');
        }
    }
}

/// Numbers print without a trailing `.0` when integral, so `0.5` and `2` read naturally.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
