//! What a reference points at across files: module members (`vpc.Network`), stack members
//! (`network.Vpc`), instance outputs (`net.vpc_id`), component params (the keys of
//! `Comp { ... }`), resource attributes (`Bucket.Arn`), CloudFormation properties; and the
//! fields a record is expected to have (for completion and hover).

use super::index::{Def, DefId, DefKind, Detail, Expected, FileIndex, ScopeId, Target, file_index};
use crate::cfn::schema::{self, PropType, Property, ResourceType};
use crate::db::{Db, SourceFile, check_file, resolve_imports};
use crate::syntax::ast::{TypeExpr, TypeExprKind};
use crate::syntax::print_type;

/// A definition somewhere in the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: SourceFile,
    pub def: DefId,
}

impl Location {
    pub fn get<'a>(&self, cx: &Cx<'a>) -> &'a Def {
        &cx.index_of(self.file).defs[self.def]
    }
}

/// The database and the index of the file a request is about: its cached index, or for
/// completion one built from a tree repaired at the cursor (then its definitions are the ones
/// the locations of that file refer to).
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub db: &'a dyn Db,
    pub file: SourceFile,
    pub index: &'a FileIndex,
}

impl<'a> Cx<'a> {
    /// The cached index of the file.
    pub fn new(db: &'a dyn Db, file: SourceFile) -> Cx<'a> {
        Cx {
            db,
            file,
            index: file_index(db, file),
        }
    }

    pub fn index_of(&self, file: SourceFile) -> &'a FileIndex {
        if file == self.file {
            self.index
        } else {
            file_index(self.db, file)
        }
    }
}

/// What a reference points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    Def(Location),
    /// A whole file (what an import names).
    Module(SourceFile),
    /// A CloudFormation property, by the path of keys from the resource's top level.
    Property {
        type_name: String,
        path: Vec<String>,
    },
    /// A `Fn::GetAtt` attribute (dotted when nested: `Endpoint.Address`).
    Attribute {
        type_name: String,
        name: String,
    },
    ResourceOption(String),
    ResourceType(String),
    Builtin(String),
    Aws(Option<String>),
    Unknown,
}

/// How deeply members and aliases are followed (aliases may refer to each other in a cycle,
/// which the checker reports; here it only stops the walk).
const MAX_DEPTH: usize = 32;

/// Resolves a target of `file`'s index.
pub fn resolve(cx: &Cx<'_>, target: &Target) -> Resolved {
    resolve_depth(cx, cx.file, target, 0)
}

fn resolve_depth(cx: &Cx<'_>, file: SourceFile, target: &Target, depth: usize) -> Resolved {
    if depth > MAX_DEPTH {
        return Resolved::Unknown;
    }
    match target {
        Target::Def(def) => Resolved::Def(Location { file, def: *def }),
        Target::Member { base, path } => {
            let mut current = Resolved::Def(Location { file, def: *base });
            for (i, name) in path.iter().enumerate() {
                current = match current {
                    Resolved::Def(location) => member(cx, location, name, depth + 1),
                    Resolved::Attribute {
                        type_name,
                        name: attribute,
                    } if i > 0 => Resolved::Attribute {
                        type_name,
                        name: format!("{attribute}.{name}"),
                    },
                    _ => return Resolved::Unknown,
                };
            }
            current
        }
        Target::Arg { component, name } => match resolve_depth(cx, file, component, depth + 1) {
            Resolved::Def(location) => {
                component_param(cx, location, name).map_or(Resolved::Unknown, Resolved::Def)
            }
            _ => Resolved::Unknown,
        },
        Target::Property { type_name, path } => Resolved::Property {
            type_name: type_name.clone(),
            path: path.clone(),
        },
        Target::ResourceOption(name) => Resolved::ResourceOption(name.clone()),
        Target::ResourceType(name) => Resolved::ResourceType(name.clone()),
        Target::Module(def) => {
            let alias = &cx.index_of(file).defs[*def].name;
            match import_target(cx.db, file, alias) {
                Some(module) => Resolved::Module(module),
                None => Resolved::Unknown,
            }
        }
        Target::Builtin(name) => Resolved::Builtin(name.clone()),
        Target::Aws(field) => Resolved::Aws(field.clone()),
        Target::Unresolved(_) => Resolved::Unknown,
    }
}

/// The file an import alias of `file` names.
pub fn import_target(db: &dyn Db, file: SourceFile, alias: &str) -> Option<SourceFile> {
    resolve_imports(db, file)
        .targets
        .iter()
        .find(|(a, _)| a == alias)
        .and_then(|(_, target)| *target)
}

/// What reading `.name` from a definition gives.
fn member(cx: &Cx<'_>, location: Location, name: &str, depth: usize) -> Resolved {
    match denote(cx, location, depth) {
        Denotation::Module(module) => match cx.index_of(module).top_level(name) {
            Some(def) => Resolved::Def(Location { file: module, def }),
            None => Resolved::Unknown,
        },
        Denotation::Scope(file, scope) => {
            let index = cx.index_of(file);
            match index
                .members(scope)
                .into_iter()
                .find(|&d| index.defs[d].name == name)
            {
                Some(def) => Resolved::Def(Location { file, def }),
                None => Resolved::Unknown,
            }
        }
        Denotation::Outputs(file, scope) => {
            let index = cx.index_of(file);
            let found = index.scopes[scope]
                .defs
                .iter()
                .copied()
                .find(|&d| index.defs[d].name == name && index.defs[d].kind == DefKind::Output);
            found.map_or(Resolved::Unknown, |def| {
                Resolved::Def(Location { file, def })
            })
        }
        Denotation::Resource(type_name) => Resolved::Attribute {
            type_name,
            name: name.to_string(),
        },
        Denotation::Nothing => Resolved::Unknown,
    }
}

/// What a definition stands for when a member is read from it.
pub enum Denotation {
    /// An imported module: its top-level definitions.
    Module(SourceFile),
    /// A stack: the names and outputs of its scope.
    Scope(SourceFile, ScopeId),
    /// A component instance: the outputs of the component's scope.
    Outputs(SourceFile, ScopeId),
    /// A resource of this type: its attributes.
    Resource(String),
    Nothing,
}

pub fn denote(cx: &Cx<'_>, location: Location, depth: usize) -> Denotation {
    if depth > MAX_DEPTH {
        return Denotation::Nothing;
    }
    let index = cx.index_of(location.file);
    let def = &index.defs[location.def];
    match (&def.kind, &def.detail) {
        (DefKind::Import, _) => import_target(cx.db, location.file, &def.name)
            .map_or(Denotation::Nothing, Denotation::Module),
        (DefKind::Stack, _) => def
            .body
            .map_or(Denotation::Nothing, |s| Denotation::Scope(location.file, s)),
        (DefKind::Resource, Detail::Resource { type_name }) => {
            Denotation::Resource(type_name.clone())
        }
        (_, Detail::Instance { component }) => {
            match resolve_depth(cx, location.file, component, depth + 1) {
                Resolved::Def(c) => {
                    let cdef = c.get(cx);
                    match (cdef.kind, cdef.body) {
                        (DefKind::Component, Some(body)) => Denotation::Outputs(c.file, body),
                        _ => Denotation::Nothing,
                    }
                }
                _ => Denotation::Nothing,
            }
        }
        (_, Detail::Typed { ty, .. }) => match &ty.kind {
            TypeExprKind::Resource(name) => Denotation::Resource(name.clone()),
            TypeExprKind::Optional(inner) => match &inner.kind {
                TypeExprKind::Resource(name) => Denotation::Resource(name.clone()),
                _ => Denotation::Nothing,
            },
            _ => Denotation::Nothing,
        },
        _ => Denotation::Nothing,
    }
}

/// The param `name` of the component at `component`.
pub fn component_param(cx: &Cx<'_>, component: Location, name: &str) -> Option<Location> {
    component_params(cx, component)
        .into_iter()
        .find(|l| l.get(cx).name == name)
}

/// The params of a component, in declaration order.
pub fn component_params(cx: &Cx<'_>, component: Location) -> Vec<Location> {
    let def = component.get(cx);
    let (DefKind::Component, Some(body)) = (def.kind, def.body) else {
        return Vec::new();
    };
    let index = cx.index_of(component.file);
    index.scopes[body]
        .defs
        .iter()
        .copied()
        .filter(|&d| index.defs[d].kind == DefKind::Param && index.defs[d].scope == body)
        .map(|def| Location {
            file: component.file,
            def,
        })
        .collect()
}

/// The type of a definition as the checker displays it (`None` when the checker has nothing
/// for it, e.g. in a declaration that does not parse).
pub fn def_type(cx: &Cx<'_>, location: Location) -> Option<String> {
    let def = location.get(cx);
    check_file(cx.db, location.file)
        .symbols
        .iter()
        .find(|s| s.span == def.span)
        .map(|s| s.ty.clone())
}

// ---------------------------------------------------------------------------------------------
// expected fields

/// A field a record may have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: String,
    /// The type, as written or as the schema says it (`string`, `list of Tag`).
    pub ty: String,
    pub required: bool,
    pub doc: Option<String>,
    /// The allowed values, when the schema lists them.
    pub values: Vec<String>,
    /// Where it is declared (component params, record type fields).
    pub location: Option<Location>,
}

/// Where a record's fields are described.
#[derive(Clone, Debug)]
enum Shape {
    Schema {
        type_name: String,
        path: Vec<String>,
    },
    Options,
    /// A component's params.
    Params(Location),
    /// A type written in a file, in a scope of its index.
    Type {
        file: SourceFile,
        scope: ScopeId,
        ty: TypeExpr,
    },
}

/// The fields a record site expects (empty when unknown).
pub fn expected_fields(cx: &Cx<'_>, expected: &Expected) -> Vec<FieldInfo> {
    match shape(cx, expected, 0) {
        Some(shape) => fields(cx, &shape, 0).into_iter().map(|(f, _)| f).collect(),
        None => Vec::new(),
    }
}

fn shape(cx: &Cx<'_>, expected: &Expected, depth: usize) -> Option<Shape> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match expected {
        Expected::Properties { type_name, path } => Shape::Schema {
            type_name: type_name.clone(),
            path: path.clone(),
        },
        Expected::Options => Shape::Options,
        Expected::Args { component } => Shape::Params(component_location(cx, component)?),
        Expected::Type { ty, scope } => Shape::Type {
            file: cx.file,
            scope: *scope,
            ty: ty.clone(),
        },
        Expected::ParamOf { component, name } => {
            let param = component_param(cx, component_location(cx, component)?, name)?;
            let def = param.get(cx);
            let Detail::Typed { ty, .. } = &def.detail else {
                return None;
            };
            Shape::Type {
                file: param.file,
                scope: def.scope,
                ty: ty.clone(),
            }
        }
        Expected::Field { parent, name } => {
            let parent = shape(cx, parent, depth + 1)?;
            fields(cx, &parent, depth + 1)
                .into_iter()
                .find(|(f, _)| f.name == *name)?
                .1?
        }
    })
}

/// A component target resolved to the component's definition.
pub fn component_location(cx: &Cx<'_>, component: &Target) -> Option<Location> {
    match resolve(cx, component) {
        Resolved::Def(location) if location.get(cx).kind == DefKind::Component => Some(location),
        _ => None,
    }
}

/// The fields of a shape, each with the shape of its value when that is a record.
fn fields(cx: &Cx<'_>, shape: &Shape, depth: usize) -> Vec<(FieldInfo, Option<Shape>)> {
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    match shape {
        Shape::Schema { type_name, path } => {
            let Some((rt, properties)) = schema_properties(type_name, path) else {
                return Vec::new();
            };
            properties
                .iter()
                .map(|(name, p)| {
                    let mut inner = path.clone();
                    inner.push(name.clone());
                    let child = object_name(&p.ty).map(|_| Shape::Schema {
                        type_name: type_name.clone(),
                        path: inner,
                    });
                    (property_info(rt, name, p), child)
                })
                .collect()
        }
        Shape::Options => RESOURCE_OPTIONS
            .iter()
            .map(|(name, ty, doc)| {
                let info = FieldInfo {
                    name: name.to_string(),
                    ty: ty.to_string(),
                    required: false,
                    doc: Some(doc.to_string()),
                    values: Vec::new(),
                    location: None,
                };
                (info, None)
            })
            .collect(),
        Shape::Params(component) => component_params(cx, *component)
            .into_iter()
            .map(|param| {
                let def = param.get(cx);
                let (ty, required, child) = match &def.detail {
                    Detail::Typed { ty, default } => {
                        let optional = matches!(ty.kind, TypeExprKind::Optional(_));
                        let child = Shape::Type {
                            file: param.file,
                            scope: def.scope,
                            ty: ty.clone(),
                        };
                        (print_type(ty), default.is_none() && !optional, Some(child))
                    }
                    _ => (String::new(), false, None),
                };
                let info = FieldInfo {
                    name: def.name.clone(),
                    ty,
                    required,
                    doc: def.doc.clone(),
                    values: Vec::new(),
                    location: Some(param),
                };
                (info, child)
            })
            .collect(),
        Shape::Type { file, scope, ty } => {
            let Some((file, scope, ty)) = record_type(cx, *file, *scope, ty, depth) else {
                return Vec::new();
            };
            let TypeExprKind::Record(record) = &ty.kind else {
                return Vec::new();
            };
            record
                .iter()
                .map(|f| {
                    let info = FieldInfo {
                        name: f.name.name.clone(),
                        ty: print_type(&f.ty),
                        required: !f.optional && !matches!(f.ty.kind, TypeExprKind::Optional(_)),
                        doc: f.doc.clone(),
                        values: Vec::new(),
                        location: None,
                    };
                    (
                        info,
                        Some(Shape::Type {
                            file,
                            scope,
                            ty: f.ty.clone(),
                        }),
                    )
                })
                .collect()
        }
    }
}

/// Follows aliases (and `T?`) to a record type: the file and scope it is written in, and it.
fn record_type(
    cx: &Cx<'_>,
    file: SourceFile,
    scope: ScopeId,
    ty: &TypeExpr,
    depth: usize,
) -> Option<(SourceFile, ScopeId, TypeExpr)> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &ty.kind {
        TypeExprKind::Record(_) => Some((file, scope, ty.clone())),
        TypeExprKind::Optional(inner) => record_type(cx, file, scope, inner, depth + 1),
        TypeExprKind::Union(members) => members
            .iter()
            .find_map(|m| record_type(cx, file, scope, m, depth + 1)),
        TypeExprKind::Named(path) => {
            let index = cx.index_of(file);
            let first = index.lookup(scope, &path.first()?.name)?;
            let location = if path.len() == 1 {
                Location { file, def: first }
            } else {
                let module = import_target(cx.db, file, &index.defs[first].name)?;
                Location {
                    file: module,
                    def: cx.index_of(module).top_level(&path.last()?.name)?,
                }
            };
            let def = location.get(cx);
            let Detail::Alias { ty } = &def.detail else {
                return None;
            };
            record_type(cx, location.file, def.scope, ty, depth + 1)
        }
        _ => None,
    }
}

/// The resource options of `with { ... }`, their types and docs.
pub const RESOURCE_OPTIONS: &[(&str, &str, &str)] = &[
    (
        "DependsOn",
        "[resource]",
        "Resources to create before this one.",
    ),
    (
        "DeletionPolicy",
        "\"Delete\" | \"Retain\" | \"Snapshot\" | \"RetainExceptOnDelete\"",
        "What happens to the resource when it is removed from the stack or the stack is deleted.",
    ),
    (
        "UpdateReplacePolicy",
        "\"Delete\" | \"Retain\" | \"Snapshot\"",
        "What happens to the old resource when an update replaces it.",
    ),
    (
        "Condition",
        "string",
        "The name of a template condition that must hold for the resource to be created.",
    ),
    (
        "Metadata",
        "map<json>",
        "Metadata attached to the resource in the template.",
    ),
];

/// The properties of a resource type at `path` (top level when empty), with the type.
pub fn schema_properties(
    type_name: &str,
    path: &[String],
) -> Option<(
    &'static ResourceType,
    &'static crate::cfn::schema::Names<Property>,
)> {
    let rt = schema::resource_type(type_name)?;
    let mut properties = &rt.properties;
    for key in path {
        let p = properties.get(key)?;
        let def = object_name(&p.ty)?;
        properties = &schema::definition(rt, def)?.properties;
    }
    Some((rt, properties))
}

/// The property at `path`.
pub fn schema_property(
    type_name: &str,
    path: &[String],
) -> Option<(&'static ResourceType, &'static Property)> {
    let (last, parent) = path.split_last()?;
    let (rt, properties) = schema_properties(type_name, parent)?;
    Some((rt, properties.get(last)?))
}

/// The object definition a property's values are (through lists and maps).
fn object_name(ty: &PropType) -> Option<&str> {
    match ty {
        PropType::Object(name) => Some(name),
        PropType::List(inner) | PropType::Map(inner) => object_name(inner),
        PropType::Union(members) => members.iter().find_map(object_name),
        _ => None,
    }
}

fn property_info(rt: &ResourceType, name: &str, p: &Property) -> FieldInfo {
    FieldInfo {
        name: name.to_string(),
        ty: p.ty.display(rt),
        required: p.required,
        doc: p.doc.clone(),
        values: p.enum_values.clone().unwrap_or_default(),
        location: None,
    }
}
