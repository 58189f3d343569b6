//! The checker's types, their display, and the relations between them: assignability (`fits`),
//! unions (normalized), joins of branch types, and literal widening.

use super::ModuleInterface;
use std::fmt;
use std::sync::Arc;

/// A type. Unions are always normalized (see [`union`]): flattened, deduplicated, sorted, with
/// literals absorbed by `string` and `int` by `number`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A type that could not be determined because an error was already reported: it fits
    /// everything and everything fits it, so one mistake gives one diagnostic.
    Error,
    /// The type of no value: the elements of `[]`. Fits everything.
    Never,
    Null,
    Bool,
    Int,
    Number,
    String,
    /// A string literal type: `"beta"`. Shared, like records.
    Lit(Arc<str>),
    /// Two or more members, normalized.
    Union(Vec<Ty>),
    List(Box<Ty>),
    Map(Box<Ty>),
    /// Shared: types are cloned often (every read of a declaration's type), and a record's
    /// fields hold names, docs and nested types.
    Record(Arc<[Field]>),
    Fn(Arc<FnTy>),
    /// A built-in function (generic ones are typed by special cases at the call).
    Builtin(String),
    /// A resource of this CloudFormation type (a `Ref` where a string is expected).
    Resource(String),
    Component(Arc<ComponentTy>),
    /// An imported module.
    Module {
        name: String,
        interface: Arc<ModuleInterface>,
    },
    Stack(Arc<StackTy>),
}

/// A record field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
    /// `name?: T`: may be left out (reads `null`).
    pub optional: bool,
    pub doc: Option<String>,
}

impl Ty {
    /// A record type of `fields`.
    pub fn record(fields: Vec<Field>) -> Ty {
        Ty::Record(fields.into())
    }
}

impl Field {
    pub fn new(name: impl Into<String>, ty: Ty) -> Self {
        Field {
            name: name.into(),
            ty,
            optional: false,
            doc: None,
        }
    }

    /// The type a read of the field gives: `T`, or `T?` when optional.
    pub fn value_ty(&self) -> Ty {
        if self.optional {
            optional(self.ty.clone())
        } else {
            self.ty.clone()
        }
    }
}

/// A function's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnTy {
    pub params: Vec<ParamTy>,
    pub ret: Ty,
}

impl FnTy {
    /// How many arguments a call must pass at least.
    pub fn required(&self) -> usize {
        self.params.iter().filter(|p| !p.has_default).count()
    }
}

/// A function parameter (names only for declared functions, not for `fn(int) -> int` types).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamTy {
    pub name: Option<String>,
    pub ty: Ty,
    pub has_default: bool,
}

/// A component: its params (the fields of the record it is instantiated with) and its outputs
/// (the fields of the instance).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentTy {
    pub name: String,
    pub params: Vec<ComponentParam>,
    pub outputs: Vec<Field>,
    pub doc: Option<String>,
}

impl ComponentTy {
    /// The type of an instance: the record of the outputs.
    pub fn instance(&self) -> Ty {
        Ty::Record(self.outputs.as_slice().into())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentParam {
    pub name: String,
    pub ty: Ty,
    pub has_default: bool,
    pub doc: Option<String>,
}

/// A stack: its lets, resources and outputs, as `stack.name` reads them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackTy {
    pub name: String,
    pub members: Vec<Field>,
}

// ----------------------------------------------------------------------------------------------
// construction

/// `T | null`.
pub fn optional(t: Ty) -> Ty {
    union(vec![t, Ty::Null])
}

/// The normalized union of `members`: nested unions flattened, `never` dropped, `unknown`
/// absorbing everything, literals dropped next to `string`, `int` dropped next to `number`,
/// duplicates removed, members sorted (by kind, then by display). One member is itself; none is
/// `never`.
pub fn union(members: Vec<Ty>) -> Ty {
    let mut flat = Vec::with_capacity(members.len());
    for m in members {
        match m {
            Ty::Union(inner) => flat.extend(inner),
            Ty::Never => {}
            Ty::Error => return Ty::Error,
            other => flat.push(other),
        }
    }
    let has_string = flat.contains(&Ty::String);
    let has_number = flat.contains(&Ty::Number);
    flat.retain(|m| !(has_string && matches!(m, Ty::Lit(_)) || has_number && *m == Ty::Int));
    if flat.len() <= 1 {
        // nothing to order: the sort key writes the whole type out, which for the deep types of
        // nested list literals (joined once per level) made checking cubic in the depth
        return flat.pop().unwrap_or(Ty::Never);
    }
    // by kind, then by display; a member is written out only when another shares its kind
    let mut keyed: Vec<(u8, Option<String>, Ty)> =
        flat.into_iter().map(|t| (rank(&t), None, t)).collect();
    let mut per_rank = [0usize; RANKS];
    for (rank, _, _) in &keyed {
        per_rank[usize::from(*rank)] += 1;
    }
    for (rank, display, t) in &mut keyed {
        if per_rank[usize::from(*rank)] > 1 {
            *display = Some(t.to_string());
        }
    }
    keyed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    keyed.dedup_by(|a, b| a.2 == b.2);
    let mut members: Vec<Ty> = keyed.into_iter().map(|(_, _, t)| t).collect();
    match members.len() {
        0 => Ty::Never,
        1 => members.pop().unwrap_or(Ty::Never),
        _ => Ty::Union(members),
    }
}

/// How many ranks [`rank`] gives.
const RANKS: usize = 13;

/// The order of the kinds of union members.
fn rank(t: &Ty) -> u8 {
    match t {
        Ty::Lit(_) => 0,
        Ty::Bool => 1,
        Ty::Int => 2,
        Ty::Number => 3,
        Ty::String => 4,
        Ty::Resource(_) => 5,
        Ty::List(_) => 6,
        Ty::Map(_) => 7,
        Ty::Record(_) => 8,
        Ty::Fn(_) | Ty::Builtin(_) => 9,
        Ty::Component(_) | Ty::Module { .. } | Ty::Stack(_) => 10,
        Ty::Null => 12,
        Ty::Error | Ty::Never | Ty::Union(_) => 11,
    }
}

/// The members of a type: itself, or the members of a union.
pub fn members(t: &Ty) -> &[Ty] {
    match t {
        Ty::Union(ms) => ms,
        other => std::slice::from_ref(other),
    }
}

/// Whether `null` is a value of the type.
pub fn is_optional(t: &Ty) -> bool {
    members(t).contains(&Ty::Null)
}

/// The type without `null`.
pub fn non_null(t: &Ty) -> Ty {
    match t {
        Ty::Union(ms) => union(ms.iter().filter(|m| **m != Ty::Null).cloned().collect()),
        Ty::Null => Ty::Never,
        other => other.clone(),
    }
}

/// The literals of a literal type or a union of literals only; `None` for anything else.
pub fn literal_set(t: &Ty) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    for m in members(t) {
        match m {
            Ty::Lit(s) => out.push(&**s),
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The type of a value whose literal-ness comes from inference, not a declaration: `"a"` becomes
/// `string` (deeply, through lists, maps and records).
pub fn widen(t: &Ty) -> Ty {
    match t {
        Ty::Lit(_) => Ty::String,
        Ty::Union(ms) => union(ms.iter().map(widen).collect()),
        Ty::List(e) => Ty::List(Box::new(widen(e))),
        Ty::Map(e) => Ty::Map(Box::new(widen(e))),
        Ty::Record(fields) => Ty::Record(
            fields
                .iter()
                .map(|f| Field {
                    ty: widen(&f.ty),
                    ..f.clone()
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The type of a value that is one of several branches (`if`, `match`, list elements): their
/// union, where records merge into one record (a field missing from some becomes optional),
/// lists into one list and maps into one map.
pub fn join(types: Vec<Ty>) -> Ty {
    let mut records: Vec<Arc<[Field]>> = Vec::new();
    let mut lists = Vec::new();
    let mut maps = Vec::new();
    let mut rest = Vec::new();
    // The members are moved, not cloned: a list literal joins its element types once per level
    // of nesting, and cloning every level's whole type made checking cubic in the depth.
    for t in types {
        let members = match t {
            Ty::Union(ms) => ms,
            other => vec![other],
        };
        for m in members {
            match m {
                Ty::Error => return Ty::Error,
                Ty::Record(fs) => records.push(fs),
                Ty::List(e) => lists.push(*e),
                Ty::Map(e) => maps.push(*e),
                other => rest.push(other),
            }
        }
    }
    if !records.is_empty() {
        rest.push(Ty::record(merge_records(records)));
    }
    if !lists.is_empty() {
        rest.push(Ty::List(Box::new(join(lists))));
    }
    if !maps.is_empty() {
        rest.push(Ty::Map(Box::new(join(maps))));
    }
    union(rest)
}

fn merge_records(records: Vec<Arc<[Field]>>) -> Vec<Field> {
    let count = records.len();
    let mut merged: Vec<(Field, Vec<Ty>, usize)> = Vec::new();
    for fields in records {
        for f in fields.iter().cloned() {
            if let Some(slot) = merged.iter_mut().find(|(m, _, _)| m.name == f.name) {
                slot.0.optional |= f.optional;
                slot.1.push(f.ty);
                slot.2 += 1;
            } else {
                let ty = f.ty.clone();
                merged.push((f, vec![ty], 1));
            }
        }
    }
    merged
        .into_iter()
        .map(|(f, tys, seen)| Field {
            ty: join(tys),
            optional: f.optional || seen < count,
            ..f
        })
        .collect()
}

// ----------------------------------------------------------------------------------------------
// assignability

/// Whether a value of type `actual` may be used where `expected` is expected.
pub fn fits(actual: &Ty, expected: &Ty) -> bool {
    match (actual, expected) {
        (Ty::Error, _) | (_, Ty::Error) | (Ty::Never, _) => true,
        (Ty::Union(ms), _) => ms.iter().all(|m| fits(m, expected)),
        (_, Ty::Union(es)) => es.iter().any(|e| fits(actual, e)),
        (Ty::Int, Ty::Number) | (Ty::Lit(_), Ty::String) | (Ty::Resource(_), Ty::String) => true,
        (Ty::List(a), Ty::List(e)) | (Ty::Map(a), Ty::Map(e)) => fits(a, e),
        (Ty::Record(fields), Ty::Map(e)) => fields.iter().all(|f| fits(&f.value_ty(), e)),
        (Ty::Record(a), Ty::Record(e)) => record_mismatch(a, e).is_none(),
        (Ty::Builtin(name), Ty::Fn(_)) => {
            super::builtins::fn_ty(name).is_some_and(|f| fits(&Ty::Fn(Arc::new(f)), expected))
        }
        (Ty::Fn(a), Ty::Fn(e)) => {
            let n = e.params.len();
            a.required() <= n
                && n <= a.params.len()
                && e.params
                    .iter()
                    .zip(&a.params)
                    .all(|(ep, ap)| fits(&ep.ty, &ap.ty))
                && fits(&a.ret, &e.ret)
        }
        _ => actual == expected,
    }
}

/// Why a record does not fit a record type: the first problem found.
///
/// Extra fields are not a mismatch here (width subtyping: an instance of `vpc.Network` fits a
/// record type naming only the fields a component needs). They are reported where they are
/// almost always typos: in a record literal written where a record type is expected (see
/// `check.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordMismatch {
    /// The value lacks a non-optional field.
    Missing(String),
    /// A field's value does not fit: (name, actual, expected).
    Field(String, Ty, Ty),
}

pub fn record_mismatch(actual: &[Field], expected: &[Field]) -> Option<RecordMismatch> {
    for a in actual {
        if let Some(e) = expected.iter().find(|e| e.name == a.name) {
            let (at, et) = (a.value_ty(), e.value_ty());
            if !fits(&at, &et) {
                return Some(RecordMismatch::Field(a.name.clone(), at, et));
            }
        }
    }
    expected
        .iter()
        .find(|e| !e.optional && !actual.iter().any(|a| a.name == e.name))
        .map(|e| RecordMismatch::Missing(e.name.clone()))
}

/// Whether the type is nested no deeper than `limit` (bounded work: stops at the limit).
pub fn depth_within(t: &Ty, limit: usize) -> bool {
    if limit == 0 {
        return false;
    }
    let inner = limit - 1;
    match t {
        Ty::Union(ms) => ms.iter().all(|m| depth_within(m, limit)),
        Ty::List(e) | Ty::Map(e) => depth_within(e, inner),
        Ty::Record(fs) => fs.iter().all(|f| depth_within(&f.ty, inner)),
        Ty::Fn(f) => {
            f.params.iter().all(|p| depth_within(&p.ty, inner)) && depth_within(&f.ret, inner)
        }
        Ty::Component(c) => {
            c.params.iter().all(|p| depth_within(&p.ty, inner))
                && c.outputs.iter().all(|f| depth_within(&f.ty, inner))
        }
        Ty::Stack(s) => s.members.iter().all(|f| depth_within(&f.ty, inner)),
        _ => true,
    }
}

// ----------------------------------------------------------------------------------------------
// display

/// Whether `name` can be written as a bare identifier (otherwise it is quoted).
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_field_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    if is_identifier(name) {
        f.write_str(name)
    } else {
        f.write_str(&quote(name))
    }
}

/// Writes a union member, parenthesized when it would otherwise read ambiguously.
fn write_member(f: &mut fmt::Formatter<'_>, t: &Ty) -> fmt::Result {
    if matches!(t, Ty::Fn(_)) {
        write!(f, "({t})")
    } else {
        write!(f, "{t}")
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Error => f.write_str("unknown"),
            Ty::Never => f.write_str("never"),
            Ty::Null => f.write_str("null"),
            Ty::Bool => f.write_str("bool"),
            Ty::Int => f.write_str("int"),
            Ty::Number => f.write_str("number"),
            Ty::String => f.write_str("string"),
            Ty::Lit(s) => f.write_str(&quote(s)),
            Ty::Union(ms) => {
                let rest: Vec<&Ty> = ms.iter().filter(|m| **m != Ty::Null).collect();
                if rest.len() == 1 && rest.len() < ms.len() {
                    write_member(f, rest[0])?;
                    return f.write_str("?");
                }
                for (i, m) in ms.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write_member(f, m)?;
                }
                Ok(())
            }
            Ty::List(e) => write!(f, "[{e}]"),
            Ty::Map(e) => write!(f, "map<{e}>"),
            Ty::Record(fields) => {
                if fields.is_empty() {
                    return f.write_str("{}");
                }
                f.write_str("{ ")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_field_name(f, &field.name)?;
                    write!(f, "{}: {}", if field.optional { "?" } else { "" }, field.ty)?;
                }
                f.write_str(" }")
            }
            Ty::Fn(func) => {
                f.write_str("fn(")?;
                for (i, p) in func.params.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if let Some(name) = &p.name {
                        write!(f, "{name}: ")?;
                    }
                    write!(f, "{}", p.ty)?;
                    if p.has_default {
                        f.write_str(" = ..")?;
                    }
                }
                write!(f, ") -> {}", func.ret)
            }
            Ty::Builtin(name) => f.write_str(super::builtins::signature(name)),
            Ty::Resource(name) => f.write_str(name),
            Ty::Component(c) => write!(f, "component {}", c.name),
            Ty::Module { name, .. } => write!(f, "module {name}"),
            Ty::Stack(s) => write!(f, "stack {}", s.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Ty {
        Ty::Lit(s.into())
    }

    #[test]
    fn unions_are_normalized() {
        let u = union(vec![
            lit("b"),
            Ty::Null,
            union(vec![lit("a"), lit("b")]),
            Ty::Never,
        ]);
        assert_eq!(u.to_string(), r#""a" | "b" | null"#);
        assert_eq!(union(vec![lit("a"), Ty::String]), Ty::String);
        assert_eq!(union(vec![Ty::Int, Ty::Number, Ty::Int]), Ty::Number);
        assert_eq!(optional(Ty::Int).to_string(), "int?");
        assert_eq!(union(vec![Ty::Int, Ty::Error]), Ty::Error);
        assert_eq!(union(vec![]), Ty::Never);
        assert_eq!(
            union(vec![lit("b"), lit("a")]),
            union(vec![lit("a"), lit("b")])
        );
    }

    #[test]
    fn assignability_follows_the_reference() {
        assert!(fits(&Ty::Int, &Ty::Number));
        assert!(!fits(&Ty::Number, &Ty::Int));
        assert!(fits(&lit("a"), &Ty::String));
        assert!(fits(&Ty::Resource("AWS::S3::Bucket".into()), &Ty::String));
        assert!(fits(&Ty::Null, &optional(Ty::Int)));
        assert!(!fits(&optional(Ty::Int), &Ty::Int));
        let rec = Ty::record(vec![Field::new("a", Ty::Int)]);
        assert!(fits(&rec, &Ty::Map(Box::new(Ty::Number))));
        let expected = Ty::record(vec![
            Field::new("a", Ty::Number),
            Field {
                optional: true,
                ..Field::new("b", Ty::String)
            },
        ]);
        assert!(fits(&rec, &expected));
        let wider = Ty::record(vec![
            Field::new("a", Ty::Int),
            Field::new("extra", Ty::Bool),
        ]);
        assert!(fits(&wider, &expected));
        assert!(!fits(&Ty::record(vec![]), &expected));
        assert!(fits(
            &Ty::List(Box::new(Ty::Never)),
            &Ty::List(Box::new(Ty::Int))
        ));
    }

    #[test]
    fn joins_merge_records_and_widening_drops_literals() {
        let a = Ty::record(vec![Field::new("x", Ty::Int)]);
        let b = Ty::record(vec![Field::new("x", Ty::Int), Field::new("y", lit("s"))]);
        assert_eq!(join(vec![a, b]).to_string(), r#"{ x: int, y?: "s" }"#);
        assert_eq!(join(vec![Ty::Int, Ty::Null]).to_string(), "int?");
        assert_eq!(widen(&Ty::List(Box::new(lit("a")))).to_string(), "[string]");
        let deep = (0..300).fold(Ty::Int, |t, _| Ty::List(Box::new(t)));
        assert!(!depth_within(&deep, 256));
        assert!(depth_within(&Ty::List(Box::new(Ty::Int)), 256));
    }
}
