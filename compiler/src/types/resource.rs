//! Resources: their properties against the CloudFormation schema of their type, their options
//! (`with { ... }`), and the attributes (`Fn::GetAtt`) and properties read from them.
//!
//! Rules where CloudFormation is lenient and the reference is silent:
//! - a `string` property accepts strings, resources (`Ref`), `int` and `number` (CloudFormation
//!   turns scalars into strings);
//! - an `int`/`number`/`bool` property also accepts a non-literal `string`: it may be a
//!   deploy-time value (`ssm(...)`, an imported value); a string literal is an error;
//! - string literals are checked against the property's enum; non-literal strings are not;
//! - `null` leaves a property out: accepted for every property that is not required;
//! - `json` properties (policy documents, free-form objects) accept any value;
//! - only types in the `AWS::` and `Alexa::` namespaces are checked against the schemas:
//!   `Custom::` and third-party registry types are accepted as written, their attributes read
//!   as strings.

use super::error;
use super::items::Checker;
use super::ty::{self, Field, Ty};
use crate::cfn::schema::{self, Names, PropType, Property, ResourceType};
use crate::diagnostic::Code;
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind, Ident, RecordEntry};

/// How deeply schema definitions are unfolded into record types (some are recursive).
const MAX_DEFINITION_DEPTH: usize = 8;

const OPTIONS: &[&str] = &[
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Condition",
    "Metadata",
];
const POLICIES: &[&str] = &["Delete", "Retain", "Snapshot", "RetainExceptOnDelete"];

/// Whether the schemas are the authority for a type name.
fn is_checked_namespace(name: &str) -> bool {
    name.starts_with("AWS::") || name.starts_with("Alexa::")
}

/// The schema of a type, when it is checked and known.
fn schema_of(name: &str) -> Option<&'static ResourceType> {
    if is_checked_namespace(name) {
        schema::resource_type(name)
    } else {
        None
    }
}

/// The checker's type of a schema type. Objects unfold into records (to a bounded depth); free
/// JSON is `unknown` (anything goes).
fn prop_to_ty(rt: &ResourceType, pt: &PropType, depth: usize) -> Ty {
    match pt {
        PropType::String => Ty::String,
        PropType::Integer => Ty::Int,
        PropType::Number => Ty::Number,
        PropType::Boolean => Ty::Bool,
        PropType::Json => Ty::Error,
        PropType::List(t) => Ty::List(Box::new(prop_to_ty(rt, t, depth))),
        PropType::Map(t) => Ty::Map(Box::new(prop_to_ty(rt, t, depth))),
        PropType::Object(name) => match schema::definition(rt, name) {
            Some(def) if depth < MAX_DEFINITION_DEPTH => Ty::Record(
                def.properties
                    .iter()
                    .map(|(n, p)| Field {
                        name: n.clone(),
                        ty: prop_to_ty(rt, &p.ty, depth + 1),
                        optional: !p.required,
                        doc: p.doc.clone(),
                    })
                    .collect(),
            ),
            _ => Ty::Error,
        },
        PropType::Union(ts) => ty::union(ts.iter().map(|t| prop_to_ty(rt, t, depth)).collect()),
    }
}

/// The record of the dotted attributes under `prefix` (`Endpoint` for `Endpoint.Address` and
/// `Endpoint.Port`), if there are any.
fn dotted_attributes(rt: &ResourceType, prefix: &str) -> Option<Ty> {
    let mut fields: Vec<Field> = Vec::new();
    let head = format!("{prefix}.");
    for (name, pt) in &rt.attributes {
        let Some(rest) = name.strip_prefix(&head) else {
            continue;
        };
        let first = rest.split('.').next().unwrap_or(rest);
        if fields.iter().any(|f| f.name == first) {
            continue;
        }
        let t = if first.len() == rest.len() {
            prop_to_ty(rt, pt, 0)
        } else {
            dotted_attributes(rt, &format!("{head}{first}")).unwrap_or(Ty::String)
        };
        fields.push(Field::new(first, t));
    }
    (!fields.is_empty()).then_some(Ty::record(fields))
}

/// Whether a type is a resource or a list of resources (nulls allowed: they are left out).
fn is_resource_ref(t: &Ty) -> bool {
    ty::members(t)
        .iter()
        .all(|m| matches!(m, Ty::Resource(_) | Ty::Error | Ty::Never | Ty::Null))
}

/// A schema type (and enum) fits a checker type, structurally. `null` inside lists and maps does
/// not fit; at the top it is handled by the caller.
fn prop_fits(rt: &ResourceType, pt: &PropType, actual: &Ty) -> bool {
    match (pt, actual) {
        (_, Ty::Error | Ty::Never) | (PropType::Json, _) => true,
        (_, Ty::Union(members)) => members.iter().all(|m| prop_fits(rt, pt, m)),
        (PropType::Union(ts), _) => ts.iter().any(|t| prop_fits(rt, t, actual)),
        (PropType::String, t) => matches!(
            t,
            Ty::String | Ty::Lit(_) | Ty::Resource(_) | Ty::Int | Ty::Number
        ),
        (PropType::Integer, t) => matches!(t, Ty::Int | Ty::String),
        (PropType::Number, t) => matches!(t, Ty::Int | Ty::Number | Ty::String),
        (PropType::Boolean, t) => matches!(t, Ty::Bool | Ty::String),
        (PropType::List(inner), Ty::List(elem)) => prop_fits(rt, inner, elem),
        (PropType::Map(inner), Ty::Map(elem)) => prop_fits(rt, inner, elem),
        (PropType::Map(inner), Ty::Record(fields)) => {
            fields.iter().all(|f| prop_fits(rt, inner, &f.ty))
        }
        (PropType::Object(name), Ty::Record(fields)) => match schema::definition(rt, name) {
            Some(def) => {
                let field_fits = |f: &Field| {
                    def.properties.get(&f.name).is_some_and(|p| {
                        let t = f.value_ty();
                        if ty::is_optional(&t) {
                            !p.required && prop_fits(rt, &p.ty, &ty::non_null(&t))
                        } else {
                            prop_fits(rt, &p.ty, &t)
                        }
                    })
                };
                fields.iter().all(field_fits)
                    && def
                        .properties
                        .iter()
                        .all(|(n, p)| !p.required || fields.iter().any(|f| &f.name == n))
            }
            None => true,
        },
        (PropType::Object(_), Ty::Map(_)) => true,
        _ => false,
    }
}

/// The literals of a type, looking into lists and maps (enums apply to each element).
fn literals(t: &Ty, out: &mut Vec<String>) {
    for m in ty::members(t) {
        match m {
            Ty::Lit(s) => out.push(s.to_string()),
            Ty::List(e) | Ty::Map(e) => literals(e, out),
            _ => {}
        }
    }
}

impl Checker<'_> {
    /// Reports `unknown-resource-type` for a type name the schemas do not know.
    pub(crate) fn check_resource_type_name(&mut self, name: &str, span: Span) {
        if is_checked_namespace(name) && !schema::is_resource_type(name) {
            let message = error::unknown_resource_type(name);
            self.error_suggest(
                Code::UnknownResourceType,
                span,
                message,
                name,
                schema::resource_type_names(),
            );
        }
    }

    /// `Resource.name`: an attribute (`Fn::GetAtt`), or in checks a property's value.
    pub(crate) fn resource_field(&mut self, type_name: &str, name: &Ident) -> Ty {
        let Some(rt) = schema_of(type_name) else {
            return if is_checked_namespace(type_name) {
                Ty::Error
            } else {
                Ty::String
            };
        };
        if let Some(pt) = rt.attribute_type(&name.name) {
            return prop_to_ty(rt, &pt, 0);
        }
        if let Some(t) = dotted_attributes(rt, &name.name) {
            return t;
        }
        // `Stack.Outputs.Name`: an attribute pattern (`Outputs\..*`) under this name
        let pattern_prefix = format!("{}\\.", name.name);
        if rt
            .attribute_patterns
            .iter()
            .any(|p| p.starts_with(&pattern_prefix))
        {
            return Ty::Map(Box::new(Ty::String));
        }
        if let Some(p) = rt.properties.get(&name.name) {
            let t = prop_to_ty(rt, &p.ty, 0);
            return if p.required { t } else { ty::optional(t) };
        }
        let message = error::unknown_attribute(&name.name, type_name);
        let known = rt
            .attributes
            .keys()
            .chain(rt.properties.keys())
            .map(String::as_str);
        self.error_suggest(
            Code::UnknownAttribute,
            name.span,
            message,
            &name.name,
            known,
        );
        Ty::Error
    }

    pub(crate) fn check_resource(&mut self, r: &ast::Resource) {
        let type_name = &r.type_name.name;
        self.check_resource_type_name(type_name, r.type_name.span);
        match (schema_of(type_name), &r.properties.kind) {
            (Some(rt), ExprKind::Record(entries)) => {
                self.object(
                    rt,
                    &rt.properties,
                    &rt.read_only,
                    entries,
                    r.name.span,
                    type_name,
                );
            }
            _ => {
                self.check(&r.properties, None);
            }
        }
        if let Some(options) = &r.options {
            self.resource_options(options);
        }
    }

    // ------------------------------------------------------------------------------------------
    // properties

    /// A record literal against an object shape of the schema (the resource's properties, or a
    /// definition). Missing required properties are reported at `at`.
    fn object(
        &mut self,
        rt: &ResourceType,
        props: &Names<Property>,
        read_only: &[String],
        entries: &[RecordEntry],
        at: Span,
        owner: &str,
    ) {
        let mut present: Vec<String> = Vec::new();
        let mut complete = true;
        for entry in entries {
            match entry {
                RecordEntry::Field { key, value } => {
                    match props.get(&key.name) {
                        // `null` leaves the property out (a required one is then missing)
                        Some(_) if matches!(value.kind, ExprKind::Null) => {}
                        Some(p) => {
                            self.property(rt, &key.name, p, value);
                            present.push(key.name.clone());
                        }
                        None => {
                            self.not_a_property(props, read_only, &key.name, key.span, owner);
                            self.check(value, None);
                        }
                    }
                }
                RecordEntry::Spread(x) => {
                    let t = self.check(x, None);
                    match t {
                        Ty::Record(fields) => {
                            for f in fields.iter() {
                                match props.get(&f.name) {
                                    Some(p) => {
                                        self.property_ty(rt, &f.name, p, &f.value_ty(), x.span);
                                        present.push(f.name.clone());
                                    }
                                    None => self
                                        .not_a_property(props, read_only, &f.name, x.span, owner),
                                }
                            }
                        }
                        Ty::Error => complete = false,
                        other => {
                            self.error(
                                Code::TypeMismatch,
                                x.span,
                                error::spread_not_record(&other),
                            );
                            complete = false;
                        }
                    }
                }
            }
        }
        if complete {
            let missing: Vec<&str> = props
                .iter()
                .filter(|(n, p)| p.required && !present.contains(n))
                .map(|(n, _)| n.as_str())
                .collect();
            if !missing.is_empty() {
                let message = error::missing_required_properties(owner, &missing);
                self.error(Code::MissingRequiredProperty, at, message);
            }
        }
    }

    fn not_a_property(
        &mut self,
        props: &Names<Property>,
        read_only: &[String],
        name: &str,
        span: Span,
        owner: &str,
    ) {
        if read_only.iter().any(|r| r == name) {
            self.error(
                Code::ReadOnlyProperty,
                span,
                error::read_only_property(name, owner),
            );
        } else {
            let message = error::unknown_property(name, owner);
            self.error_suggest(
                Code::UnknownProperty,
                span,
                message,
                name,
                props.keys().map(String::as_str),
            );
        }
    }

    /// A property's value expression: literal records and lists are checked field by field and
    /// element by element (precise spans); anything else by its type.
    fn property(&mut self, rt: &ResourceType, name: &str, p: &Property, value: &Expr) {
        self.property_value(rt, name, &p.ty, p.enum_values.as_deref(), p.required, value);
    }

    fn property_value(
        &mut self,
        rt: &ResourceType,
        name: &str,
        pt: &PropType,
        enums: Option<&[String]>,
        required: bool,
        value: &Expr,
    ) {
        match (&value.kind, pt) {
            (ExprKind::Record(entries), PropType::Object(def_name)) => {
                if let Some(def) = schema::definition(rt, def_name) {
                    let owner = def_name.replace('~', ".");
                    self.object(rt, &def.properties, &[], entries, value.span, &owner);
                    return;
                }
            }
            (ExprKind::List(items), PropType::List(inner)) => {
                for item in items {
                    self.property_value(rt, name, inner, enums, true, item);
                }
                return;
            }
            (ExprKind::Record(entries), PropType::Map(inner)) => {
                for entry in entries {
                    match entry {
                        RecordEntry::Field { value, .. } => {
                            self.property_value(rt, name, inner, enums, true, value)
                        }
                        RecordEntry::Spread(x) => {
                            let t = self.check(x, None);
                            self.property_type(rt, name, pt, enums, required, &t, x.span);
                        }
                    }
                }
                return;
            }
            _ => {}
        }
        let t = self.check(value, None);
        self.property_type(rt, name, pt, enums, required, &t, value.span);
    }

    fn property_ty(&mut self, rt: &ResourceType, name: &str, p: &Property, t: &Ty, span: Span) {
        self.property_type(
            rt,
            name,
            &p.ty,
            p.enum_values.as_deref(),
            p.required,
            t,
            span,
        );
    }

    /// A property's value, by its type.
    #[allow(clippy::too_many_arguments)]
    fn property_type(
        &mut self,
        rt: &ResourceType,
        name: &str,
        pt: &PropType,
        enums: Option<&[String]>,
        required: bool,
        actual: &Ty,
        span: Span,
    ) {
        if matches!(actual, Ty::Error | Ty::Never) {
            return;
        }
        let mut t = actual.clone();
        if ty::is_optional(actual) {
            if required {
                let message = error::property_mismatch(name, &pt.display(rt), actual);
                self.error(Code::TypeMismatch, span, message);
                return;
            }
            t = ty::non_null(actual);
            if t == Ty::Never {
                return;
            }
        }
        if let Some(allowed) = enums {
            let mut lits = Vec::new();
            literals(&t, &mut lits);
            for lit in lits {
                if !allowed.contains(&lit) {
                    let message = error::invalid_enum_value(&lit, name, allowed);
                    self.error_suggest(
                        Code::InvalidEnumValue,
                        span,
                        message,
                        &lit,
                        allowed.iter().map(String::as_str),
                    );
                    return;
                }
            }
        }
        match (pt, &t) {
            (PropType::Object(def_name), Ty::Record(fields)) => {
                let Some(def) = schema::definition(rt, def_name) else {
                    return;
                };
                let owner = def_name.replace('~', ".");
                for f in fields.iter() {
                    match def.properties.get(&f.name) {
                        Some(p) => self.property_ty(rt, &f.name, p, &f.value_ty(), span),
                        None => self.not_a_property(&def.properties, &[], &f.name, span, &owner),
                    }
                }
                let missing: Vec<&str> = def
                    .properties
                    .iter()
                    .filter(|(n, p)| p.required && !fields.iter().any(|f| &f.name == *n))
                    .map(|(n, _)| n.as_str())
                    .collect();
                if !missing.is_empty() {
                    let message = error::missing_required_properties(&owner, &missing);
                    self.error(Code::MissingRequiredProperty, span, message);
                }
            }
            _ => {
                if !prop_fits(rt, pt, &t) {
                    let message = error::property_mismatch(name, &pt.display(rt), &t);
                    self.error(Code::TypeMismatch, span, message);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // options

    fn resource_options(&mut self, options: &Expr) {
        let ExprKind::Record(entries) = &options.kind else {
            let t = self.check(options, None);
            if !matches!(t, Ty::Record(_) | Ty::Error) {
                self.error(
                    Code::InvalidResourceOption,
                    options.span,
                    error::mismatch_what("a record", &t),
                );
            }
            return;
        };
        for entry in entries {
            match entry {
                RecordEntry::Field { key, value } => {
                    let t = self.check(value, None);
                    self.resource_option(&key.name, key.span, &t, value.span);
                }
                RecordEntry::Spread(x) => {
                    let t = self.check(x, None);
                    match t {
                        Ty::Record(fields) => {
                            for f in fields.iter() {
                                self.resource_option(&f.name, x.span, &f.value_ty(), x.span);
                            }
                        }
                        Ty::Error => {}
                        other => {
                            self.error(
                                Code::TypeMismatch,
                                x.span,
                                error::spread_not_record(&other),
                            );
                        }
                    }
                }
            }
        }
    }

    fn resource_option(&mut self, name: &str, key_span: Span, t: &Ty, span: Span) {
        if *t == Ty::Error {
            return;
        }
        match name {
            "DependsOn" => {
                let ok = is_resource_ref(t)
                    || ty::members(t)
                        .iter()
                        .all(|m| matches!(m, Ty::List(e) if is_resource_ref(e)));
                if !ok {
                    let message =
                        error::resource_option_type(name, "a resource or a list of resources", t);
                    self.error(Code::InvalidResourceOption, span, message);
                }
            }
            "DeletionPolicy" | "UpdateReplacePolicy" => {
                if !ty::fits(t, &Ty::String) {
                    let message = error::resource_option_type(name, "a string", t);
                    self.error(Code::InvalidResourceOption, span, message);
                    return;
                }
                for m in ty::members(t) {
                    if let Ty::Lit(value) = m
                        && !POLICIES.contains(&&**value)
                    {
                        let message = error::invalid_policy(name, value);
                        self.error_suggest(
                            Code::InvalidResourceOption,
                            span,
                            message,
                            value,
                            POLICIES.iter().copied(),
                        );
                    }
                }
            }
            "Condition" => {
                if !ty::fits(t, &Ty::String) {
                    let message = error::resource_option_type(name, "a string", t);
                    self.error(Code::InvalidResourceOption, span, message);
                }
            }
            "Metadata" => {
                if !matches!(t, Ty::Record(_) | Ty::Map(_)) {
                    let message = error::resource_option_type(name, "a record", t);
                    self.error(Code::InvalidResourceOption, span, message);
                }
            }
            _ => {
                let message = error::unknown_resource_option(name);
                self.error_suggest(
                    Code::InvalidResourceOption,
                    key_span,
                    message,
                    name,
                    OPTIONS.iter().copied(),
                );
            }
        }
    }
}
