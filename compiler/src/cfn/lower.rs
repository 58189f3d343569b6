//! Lowering: evaluated stacks to CloudFormation templates and the manifest.
//!
//! Deploy-time values become intrinsics. A value of one stack used in another becomes an
//! output with an `Export` in the producer and an `Fn::ImportValue` in the consumer; those
//! uses also order the stacks (producers deploy first), and a cycle among them is an error.

use crate::cfn::facts;
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::interp::{Abort, Interp, R};
use crate::eval::value::{
    Deploy, FxIndexMap, ResourceIdx, ScopeIdx, SubPart, Value, format_number,
};
use crate::project::{BuildOutput, StackTemplate};
use crate::source::Span;
use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value as Json, json};

/// CloudFormation's quotas per template.
const MAX_RESOURCES: usize = 500;
const MAX_OUTPUTS: usize = 200;
const MAX_PARAMETERS: usize = 200;
const MAX_BODY_BYTES: usize = 1_000_000;

/// An export that a consumer stack needs from a producer.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ExportKey {
    producer: usize,
    resource: ResourceIdx,
    attribute: Option<String>,
}

struct Lowering<'i, 'a> {
    interp: &'i mut Interp<'a>,
    /// The exports, in the order they were first needed.
    exports: IndexSet<ExportKey>,
    /// consumer stack -> producer stacks, with where the first use was.
    depends: IndexMap<usize, IndexMap<usize, (ScopeIdx, Span)>>,
    /// The stack being lowered and where the current value comes from (for errors).
    stack: usize,
    scope: ScopeIdx,
    span: Span,
    /// Prefixed to automatic export names: the values of the build's literal-union params
    /// (`gamma-`), so that two envs deployed to one account and region do not collide.
    export_prefix: String,
    /// What the template of the stack being lowered may still take, in bytes of strings and
    /// values (see [`Lowering::spend`]); `None` once it is spent and reported.
    budget: Option<usize>,
    /// The tags of the stack being lowered as JSON, and what converting them spent of the
    /// budget: they are the same for every resource of the stack, so they are converted once.
    stack_tags: Option<(Map<String, Json>, usize)>,
    /// How each resource type takes its tags, looked up in the schemas once per type.
    tag_formats: FxIndexMap<String, Option<facts::TagsFormat>>,
}

/// Lowers every stack of an evaluated project. `param_values` are the build's params as the
/// manifest lists them. Errors go into the interpreter's diagnostics.
pub fn lower(
    interp: &mut Interp<'_>,
    param_values: &IndexMap<String, Json>,
) -> Option<BuildOutput> {
    let mut lowering = Lowering {
        interp,
        exports: IndexSet::new(),
        depends: IndexMap::new(),
        stack: 0,
        scope: 0,
        span: Span::default(),
        export_prefix: String::new(),
        budget: Some(MAX_BODY_BYTES),
        stack_tags: None,
        tag_formats: FxIndexMap::default(),
    };
    let entry = lowering.interp.modules[0].ast;
    for (_, param) in crate::eval::params::declarations(entry) {
        let literal_union = matches!(
            crate::eval::params::kind_of(entry, &param.ty).0,
            crate::eval::params::ParamKind::Literals(_)
        );
        if let (true, Some(Json::String(value))) =
            (literal_union, param_values.get(&param.name.name))
        {
            lowering.export_prefix.push_str(value);
            lowering.export_prefix.push('-');
        }
    }
    let stack_count = lowering.interp.stacks.len();
    let mut templates: Vec<Map<String, Json>> = Vec::new();
    let mut failed = false;
    for stack in 0..stack_count {
        match lowering.stack_template(stack, param_values) {
            Ok(template) => templates.push(template),
            Err(Abort) => {
                failed = true;
                templates.push(Map::new());
            }
        }
    }
    if failed {
        return None;
    }
    let export_names = lowering.add_exports(&mut templates);
    let order = lowering.deploy_order()?;
    let depends: IndexMap<usize, Vec<usize>> = lowering
        .depends
        .iter()
        .map(|(consumer, producers)| (*consumer, producers.keys().copied().collect()))
        .collect();
    let interp = lowering.interp;
    let mut stacks = Vec::new();
    let mut manifest_stacks = Vec::new();
    for &stack in &order {
        let data = &interp.stacks[stack];
        let outputs: Vec<String> = templates[stack]
            .get("Outputs")
            .and_then(Json::as_object)
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        let depends_on: Vec<&str> = depends
            .get(&stack)
            .map(|p| p.iter().map(|&s| interp.stacks[s].name.as_str()).collect())
            .unwrap_or_default();
        let exports: Vec<&str> = export_names
            .iter()
            .filter(|(k, _)| k.producer == stack)
            .map(|(_, n)| n.as_str())
            .collect();
        let mut all_exports: Vec<String> = templates[stack]
            .get("Outputs")
            .and_then(Json::as_object)
            .map(|o| {
                o.values()
                    .filter_map(|v| v.get("Export")?.get("Name")?.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        for e in exports {
            if !all_exports.iter().any(|x| x == e) {
                all_exports.push(e.to_string());
            }
        }
        manifest_stacks.push(json!({
            "name": data.name,
            "template": format!("{}.template.json", data.name),
            "depends_on": depends_on,
            "resources": templates[stack].get("Resources").and_then(Json::as_object).map(|r| r.len()).unwrap_or(0),
            "parameters": templates[stack].get("Parameters").and_then(Json::as_object).map(|p| p.keys().cloned().collect::<Vec<_>>()).unwrap_or_default(),
            "outputs": outputs,
            "exports": all_exports,
        }));
        let template = Json::Object(std::mem::take(&mut templates[stack]));
        let text = crate::project::to_json_string(&template);
        let body_bytes = text.len();
        if body_bytes > MAX_BODY_BYTES {
            let file = interp.modules[data.module].file.clone();
            interp.diagnostics.push(Diagnostic::error(
                Code::TemplateQuota,
                file,
                data.span,
                format!("the template of stack `{}` is {body_bytes} bytes; CloudFormation accepts at most 1 MB", data.name),
            ));
        }
        stacks.push(StackTemplate {
            name: data.name.clone(),
            template,
            text,
        });
    }
    let manifest = json!({
        "cvl_manifest_version": 1,
        "params": param_values,
        "stacks": manifest_stacks,
    });
    let origins = crate::cfn::origins::origins(interp);
    Some(BuildOutput {
        stacks,
        manifest,
        origins,
    })
}

impl<'i, 'a> Lowering<'i, 'a> {
    fn error(&mut self, code: Code, message: impl Into<String>) -> Abort {
        let (scope, span) = (self.scope, self.span);
        self.interp.error(scope, code, span, message)
    }

    fn stack_template(
        &mut self,
        stack: usize,
        param_values: &IndexMap<String, Json>,
    ) -> R<Map<String, Json>> {
        self.stack = stack;
        self.budget = Some(MAX_BODY_BYTES);
        self.stack_tags = None;
        let name = self.interp.stacks[stack].name.clone();
        let params_text: Vec<String> = param_values
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                )
            })
            .collect();
        let description = if params_text.is_empty() {
            format!("Stack {name}, generated by cvl")
        } else {
            format!(
                "Stack {name} ({}), generated by cvl",
                params_text.join(", ")
            )
        };
        let mut template = Map::new();
        template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
        template.insert("Description".into(), json!(description));
        let resource_ids: Vec<(String, ResourceIdx)> = self.interp.stacks[stack]
            .resources
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        if resource_ids.len() > MAX_RESOURCES {
            let data = &self.interp.stacks[stack];
            let (module, span) = (data.module, data.span);
            let file = self.interp.modules[module].file.clone();
            self.interp.diagnostics.push(Diagnostic::error(
                Code::TemplateQuota,
                file,
                span,
                format!("stack `{name}` has {} resources; CloudFormation allows at most {MAX_RESOURCES}", resource_ids.len()),
            ));
            return Err(Abort);
        }
        let parameters = self.parameters(stack)?;
        if parameters.len() > MAX_PARAMETERS {
            let data = &self.interp.stacks[stack];
            let (module, span) = (data.module, data.span);
            let file = self.interp.modules[module].file.clone();
            self.interp.diagnostics.push(Diagnostic::error(
                Code::TemplateQuota,
                file,
                span,
                format!("stack `{name}` has {} parameters; CloudFormation allows at most {MAX_PARAMETERS}", parameters.len()),
            ));
            return Err(Abort);
        }
        if !parameters.is_empty() {
            template.insert("Parameters".into(), Json::Object(parameters));
        }
        let tags = self.interp.stacks[stack].tag_values.clone();
        let mut resources = Map::with_capacity(resource_ids.len());
        let mut failed = false;
        for (logical_id, index) in resource_ids {
            match self.resource(index, tags.as_ref()) {
                Ok(json) => {
                    resources.insert(logical_id, json);
                }
                Err(Abort) => failed = true,
            }
        }
        // Secrets Manager's hosted rotation functions are created by a macro the template
        // must name; add it when a rotation schedule uses one.
        let needs_rotation_transform = resources.values().any(|r| {
            r.get("Type").and_then(Json::as_str) == Some("AWS::SecretsManager::RotationSchedule")
                && r.get("Properties")
                    .and_then(|p| p.get("HostedRotationLambda"))
                    .is_some()
        });
        if needs_rotation_transform {
            template.insert("Transform".into(), json!("AWS::SecretsManager-2020-07-23"));
        }
        template.insert("Resources".into(), Json::Object(resources));
        let mut outputs = Map::new();
        for index in 0..self.interp.stacks[stack].outputs.len() {
            match self.output(stack, index) {
                Ok(Some((id, json))) => {
                    outputs.insert(id, json);
                }
                Ok(None) => {}
                Err(Abort) => failed = true,
            }
        }
        if outputs.len() > MAX_OUTPUTS {
            let data = &self.interp.stacks[stack];
            let file = self.interp.modules[data.module].file.clone();
            let span = data.span;
            self.interp.diagnostics.push(Diagnostic::error(
                Code::TemplateQuota,
                file,
                span,
                format!(
                    "stack `{name}` has {} outputs; CloudFormation allows at most {MAX_OUTPUTS}",
                    outputs.len()
                ),
            ));
            failed = true;
        }
        if !outputs.is_empty() {
            template.insert("Outputs".into(), Json::Object(outputs));
        }
        if failed { Err(Abort) } else { Ok(template) }
    }

    /// The template parameters of a stack (its `param`s).
    fn parameters(&mut self, stack: usize) -> R<Map<String, Json>> {
        let mut out = Map::new();
        for index in 0..self.interp.stacks[stack].parameters.len() {
            let data = &self.interp.stacks[stack].parameters[index];
            let (logical_id, decl, doc, scope) = (
                data.logical_id.clone(),
                data.decl,
                data.doc.clone(),
                data.scope,
            );
            self.scope = scope;
            self.span = decl.ty.span;
            let entry_file = self.interp.modules[0].ast;
            let (kind, _) = crate::eval::params::kind_of(entry_file, &decl.ty);
            let mut parameter = Map::new();
            let (type_name, allowed) = match &kind {
                crate::eval::params::ParamKind::Literals(values) => {
                    ("String", Some(values.clone()))
                }
                crate::eval::params::ParamKind::Str => ("String", None),
                crate::eval::params::ParamKind::Int | crate::eval::params::ParamKind::Number => {
                    ("Number", None)
                }
                crate::eval::params::ParamKind::Bool => (
                    "String",
                    Some(vec!["true".to_string(), "false".to_string()]),
                ),
                crate::eval::params::ParamKind::Other => match &decl.ty.kind {
                    crate::syntax::ast::TypeExprKind::List(_) => ("CommaDelimitedList", None),
                    _ => {
                        return Err(self.error(
                            Code::TypeMismatch,
                            "a template parameter is a string, a number, a boolean, a literal union or a list of strings",
                        ));
                    }
                },
            };
            parameter.insert("Type".into(), json!(type_name));
            if let Some(doc) = doc {
                parameter.insert(
                    "Description".into(),
                    json!(doc.lines().next().unwrap_or_default()),
                );
            }
            if let Some(default) = &decl.default {
                let value = self.interp.eval(default, scope)?;
                let json = match &value {
                    Value::List(items) => {
                        let parts: Option<Vec<String>> = items
                            .iter()
                            .map(|v| crate::eval::builtins::to_json(v).map(|j| scalar_text(&j)))
                            .collect();
                        parts.map(|p| json!(p.join(",")))
                    }
                    other => crate::eval::builtins::to_json(other).map(|j| {
                        if type_name == "Number" {
                            j
                        } else {
                            json!(scalar_text(&j))
                        }
                    }),
                };
                match json {
                    Some(json) => {
                        parameter.insert("Default".into(), json);
                    }
                    None => {
                        return Err(self.error(
                            Code::DeployTimeValue,
                            "a template parameter's default must be known at build time",
                        ));
                    }
                }
            }
            if let Some(allowed) = allowed {
                parameter.insert("AllowedValues".into(), json!(allowed));
            }
            if let Some(options) = &decl.options {
                self.span = options.span;
                if let Value::Record(fields) = self.interp.eval(options, scope)? {
                    for (key, value) in fields.iter() {
                        if let Some(json) = self.json(value)? {
                            parameter.insert(key.to_string(), json);
                        }
                    }
                }
            }
            out.insert(logical_id, Json::Object(parameter));
        }
        Ok(out)
    }

    fn resource(&mut self, index: ResourceIdx, tags: Option<&Value>) -> R<Json> {
        self.interp.force_resource(index)?;
        let data = &self.interp.resources[index];
        let (decl, scope) = (data.decl, data.scope);
        let type_name = decl.type_name.name.clone();
        let properties = data.properties.clone().unwrap_or(Value::Null);
        let options = data.options.clone();
        self.scope = scope;
        self.span = decl.properties.span;
        let mut properties = match self.json(&properties)? {
            Some(Json::Object(map)) => map,
            _ => Map::new(),
        };
        if let Some(tags) = tags {
            self.span = decl.name.span;
            self.apply_tags(&type_name, &mut properties, tags)?;
        }
        let mut options_json = Map::new();
        if let Some(options) = options {
            self.span = decl
                .options
                .as_ref()
                .map(|o| o.span)
                .unwrap_or(decl.name.span);
            self.options(&options, &mut options_json)?;
        }
        // a stable key order: Type, Condition, DependsOn, Properties, policies, Metadata
        let mut resource = Map::new();
        resource.insert("Type".into(), json!(type_name));
        for key in ["Condition", "DependsOn"] {
            if let Some(v) = options_json.remove(key) {
                resource.insert(key.into(), v);
            }
        }
        if !properties.is_empty() {
            resource.insert("Properties".into(), Json::Object(properties));
        }
        for key in ["DeletionPolicy", "UpdateReplacePolicy", "Metadata"] {
            if let Some(v) = options_json.remove(key) {
                resource.insert(key.into(), v);
            }
        }
        Ok(Json::Object(resource))
    }

    fn options(&mut self, options: &Value, resource: &mut Map<String, Json>) -> R<()> {
        let Value::Record(fields) = options else {
            return Err(self.error(
                Code::InvalidResourceOption,
                "the resource options after `with` must be a record",
            ));
        };
        for (key, value) in fields.iter() {
            match (&**key, value) {
                (_, Value::Null) => {}
                ("DependsOn", value) => {
                    let items: Vec<Value> = match value {
                        Value::List(items) => items
                            .iter()
                            .filter(|v| !matches!(v, Value::Null))
                            .cloned()
                            .collect(),
                        other => vec![other.clone()],
                    };
                    let mut ids = Vec::new();
                    for item in items {
                        let Value::Resource(target) = item else {
                            return Err(self.error(
                                Code::InvalidResourceOption,
                                "`DependsOn` takes resources of the same stack",
                            ));
                        };
                        if self.interp.resources[target].stack != self.stack {
                            return Err(self.error(
                                Code::InvalidResourceOption,
                                format!(
                                    "`DependsOn` names `{}`, which is in another stack",
                                    self.interp.resources[target].logical_id
                                ),
                            ));
                        }
                        ids.push(json!(self.interp.resources[target].logical_id));
                    }
                    if !ids.is_empty() {
                        resource.insert("DependsOn".into(), Json::Array(ids));
                    }
                }
                ("DeletionPolicy" | "UpdateReplacePolicy", Value::Str(s)) => {
                    if !["Delete", "Retain", "Snapshot", "RetainExceptOnDelete"].contains(&&**s) {
                        return Err(self.error(
                            Code::InvalidResourceOption,
                            format!("`{key}` cannot be {:?}", &**s),
                        ));
                    }
                    resource.insert(key.to_string(), json!(&**s));
                }
                ("Condition", Value::Str(s)) => {
                    resource.insert(key.to_string(), json!(&**s));
                }
                ("Metadata", value) => {
                    if let Some(json) = self.json(value)? {
                        resource.insert(key.to_string(), json);
                    }
                }
                _ => {
                    return Err(self.error(
                        Code::InvalidResourceOption,
                        format!("`{key}` is not a resource option; use DependsOn, DeletionPolicy, UpdateReplacePolicy, Condition or Metadata"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Adds the stack's standard tags to a taggable resource; the resource's own tags win.
    fn apply_tags(
        &mut self,
        type_name: &str,
        properties: &mut Map<String, Json>,
        tags: &Value,
    ) -> R<()> {
        let format = match self.tag_formats.get(type_name) {
            Some(format) => format.clone(),
            None => {
                let format = facts::tags_format(type_name);
                self.tag_formats
                    .insert(type_name.to_string(), format.clone());
                format
            }
        };
        let Some(format) = format else {
            return Ok(());
        };
        let (tags, cost) = match self.stack_tags.take() {
            // converted for an earlier resource: spend what converting spent, as before
            Some((tags, cost)) => {
                self.spend(cost)?;
                (tags, cost)
            }
            None => {
                let before = self.budget.unwrap_or(0);
                let Some(Json::Object(tags)) = self.json(tags)? else {
                    return Err(
                        self.error(Code::TypeMismatch, "`tags` must be a record of strings")
                    );
                };
                (tags, before - self.budget.unwrap_or(0))
            }
        };
        merge_tags(format, properties, &tags);
        self.stack_tags = Some((tags, cost));
        Ok(())
    }

    fn output(&mut self, stack: usize, index: usize) -> R<Option<(String, Json)>> {
        let output = &self.interp.stacks[stack].outputs[index];
        let (logical_id, decl, scope) = (output.logical_id.clone(), output.decl, output.scope);
        let (value, export) = (output.value.clone(), output.export.clone());
        self.scope = scope;
        self.span = decl.value.span;
        let Some(value) = value else {
            return Err(Abort);
        };
        let value = self.interp.to_data(value, decl.value.span, scope)?;
        let json_value = match &value {
            Value::Null => return Ok(None),
            Value::List(items) => {
                let items =
                    Value::Deploy(std::rc::Rc::new(Deploy::Join(",".into(), items.to_vec())));
                self.json(&items)?
            }
            Value::Record(_) => {
                return Err(self.error(
                    Code::TypeMismatch,
                    "an output must be a string, a number, a boolean or a list, not a record",
                ));
            }
            Value::Int(_) | Value::Number(_) | Value::Bool(_) => {
                self.json(&value)?.map(|j| json!(scalar_text(&j)))
            }
            other => self.json(other)?,
        };
        let mut out = Map::new();
        out.insert("Value".into(), json_value.unwrap_or(Json::Null));
        if let Some(export) = export {
            self.span = decl
                .export
                .as_ref()
                .map(|e| e.span)
                .unwrap_or(decl.value.span);
            if let Some(name) = self.json(&export)? {
                out.insert("Export".into(), json!({ "Name": name }));
            }
        }
        Ok(Some((logical_id, Json::Object(out))))
    }

    /// Takes `bytes` from the template's budget. Values share their parts (a list of a million
    /// references to one 1 MB string is small in memory), so a template could grow to terabytes
    /// before the 1 MB check on its text: it stops here instead, at the value that went past.
    /// Only the strings and one byte per value count, so whatever passes the budget can still be
    /// measured exactly afterwards.
    fn spend(&mut self, bytes: usize) -> R<()> {
        let Some(budget) = self.budget else {
            return Err(Abort);
        };
        if bytes <= budget {
            self.budget = Some(budget - bytes);
            return Ok(());
        }
        self.budget = None;
        let name = self.interp.stacks[self.stack].name.clone();
        Err(self.error(Code::TemplateQuota, format!("the template of stack `{name}` would be larger than 1 MB; CloudFormation accepts at most 1 MB")))
    }

    /// A value as template JSON; `None` for null (the property is left out).
    fn json(&mut self, value: &Value) -> R<Option<Json>> {
        self.spend(match value {
            Value::Str(s) => s.len().saturating_add(1),
            _ => 1,
        })?;
        Ok(Some(match value {
            Value::Null => return Ok(None),
            Value::Bool(b) => json!(b),
            Value::Int(i) => json!(i),
            Value::Number(n) => match serde_json::Number::from_f64(*n) {
                Some(number) if n.fract() != 0.0 => Json::Number(number),
                _ => json!(format_number(*n).parse::<i64>().unwrap_or(0)),
            },
            Value::Str(s) => json!(&**s),
            Value::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    if let Some(json) = self.json(item)? {
                        out.push(json);
                    }
                }
                Json::Array(out)
            }
            Value::Record(fields) => {
                // sized once: growing a map reallocates and re-indexes it
                let mut out = Map::with_capacity(fields.len());
                for (key, item) in fields.iter() {
                    if let Some(json) = self.json(item)? {
                        out.insert(key.to_string(), json);
                    }
                }
                Json::Object(out)
            }
            Value::Resource(index) => self.reference(*index, None),
            Value::Deploy(deploy) => self.intrinsic(deploy)?,
            Value::Instance(_) => {
                let (span, scope) = (self.span, self.scope);
                let data = self.interp.to_data(value.clone(), span, scope)?;
                return self.json(&data);
            }
            other => {
                let kind = other.kind();
                return Err(self.error(
                    Code::TypeMismatch,
                    format!("a {kind} cannot be part of a template"),
                ));
            }
        }))
    }

    /// `Ref` or `Fn::GetAtt` within the stack; an import of an automatic export across stacks.
    fn reference(&mut self, index: ResourceIdx, attribute: Option<&str>) -> Json {
        let producer = self.interp.resources[index].stack;
        let logical_id = self.interp.resources[index].logical_id.clone();
        if producer == self.stack {
            return match attribute {
                None => json!({ "Ref": logical_id }),
                Some(attribute) => json!({ "Fn::GetAtt": [logical_id, attribute] }),
            };
        }
        let key = ExportKey {
            producer,
            resource: index,
            attribute: attribute.map(String::from),
        };
        self.exports.insert(key);
        self.depends
            .entry(self.stack)
            .or_default()
            .entry(producer)
            .or_insert((self.scope, self.span));
        let stack_name = format!(
            "{}{}",
            self.export_prefix, self.interp.stacks[producer].name
        );
        json!({ "Fn::ImportValue": export_name(&stack_name, &logical_id, attribute) })
    }

    fn intrinsic(&mut self, deploy: &Deploy) -> R<Json> {
        Ok(match deploy {
            Deploy::Ref(index) => self.reference(*index, None),
            Deploy::GetAtt(index, attribute) => self.reference(*index, Some(attribute)),
            Deploy::Pseudo(name) => json!({ "Ref": name }),
            Deploy::Parameter { stack, logical_id } => {
                if *stack != self.stack {
                    let message = format!(
                        "`{logical_id}` is a template parameter of stack `{}`; pass it to stack `{}` as a parameter of its own",
                        self.interp.stacks[*stack].name, self.interp.stacks[self.stack].name
                    );
                    return Err(self.error(Code::TypeMismatch, message));
                }
                json!({ "Ref": &**logical_id })
            }
            Deploy::GetAzs => json!({ "Fn::GetAZs": "" }),
            Deploy::Sub(parts) => self.sub(parts)?,
            Deploy::Join(separator, items) => {
                let list = match items.as_slice() {
                    [Value::Deploy(d)] if is_list_valued(d) => self.intrinsic(d)?,
                    _ => self
                        .json(&Value::list(items.clone()))?
                        .unwrap_or(Json::Array(Vec::new())),
                };
                json!({ "Fn::Join": [&**separator, list] })
            }
            Deploy::Select(index, list) => json!({ "Fn::Select": [index, self.json(list)?] }),
            Deploy::Split(separator, value) => {
                json!({ "Fn::Split": [&**separator, self.json(value)?] })
            }
            Deploy::Cidr(block, count, bits) => {
                json!({ "Fn::Cidr": [self.json(block)?, count, bits] })
            }
            Deploy::Base64(value) => json!({ "Fn::Base64": self.json(value)? }),
            Deploy::ImportValue(value) => json!({ "Fn::ImportValue": self.json(value)? }),
            Deploy::List(items) => self
                .json(&Value::list(items.clone()))?
                .unwrap_or(Json::Array(Vec::new())),
        })
    }

    /// `Fn::Sub`: literal text escaped (`${` is written `${!`), same-stack references and
    /// pseudo parameters inline, everything else through the variable map.
    fn sub(&mut self, parts: &[SubPart]) -> R<Json> {
        let mut text = String::new();
        let mut variables = Map::new();
        self.sub_parts(parts, &mut text, &mut variables)?;
        Ok(if variables.is_empty() {
            json!({ "Fn::Sub": text })
        } else {
            json!({ "Fn::Sub": [text, variables] })
        })
    }

    fn sub_parts(
        &mut self,
        parts: &[SubPart],
        text: &mut String,
        variables: &mut Map<String, Json>,
    ) -> R<()> {
        for part in parts {
            let value = match part {
                SubPart::Lit(s) => {
                    self.spend(s.len())?;
                    text.push_str(&s.replace("${", "${!"));
                    continue;
                }
                SubPart::Value(value) => value,
            };
            let inline = match value {
                Value::Str(s) => {
                    self.spend(s.len())?;
                    text.push_str(&s.replace("${", "${!"));
                    continue;
                }
                Value::Resource(index) if self.interp.resources[*index].stack == self.stack => {
                    Some(self.interp.resources[*index].logical_id.clone())
                }
                Value::Deploy(d) => match &**d {
                    Deploy::Sub(inner) => {
                        let inner = inner.clone();
                        self.sub_parts(&inner, text, variables)?;
                        continue;
                    }
                    Deploy::Ref(index) if self.interp.resources[*index].stack == self.stack => {
                        Some(self.interp.resources[*index].logical_id.clone())
                    }
                    Deploy::GetAtt(index, attribute)
                        if self.interp.resources[*index].stack == self.stack =>
                    {
                        Some(format!(
                            "{}.{}",
                            self.interp.resources[*index].logical_id, attribute
                        ))
                    }
                    Deploy::Pseudo(name) => Some(name.to_string()),
                    Deploy::Parameter { stack, logical_id } if *stack == self.stack => {
                        Some(logical_id.to_string())
                    }
                    _ => None,
                },
                _ => None,
            };
            match inline {
                Some(name) => {
                    text.push_str("${");
                    text.push_str(&name);
                    text.push('}');
                }
                None => {
                    let name = format!("Var{}", variables.len() + 1);
                    let json = self.json(value)?.unwrap_or(Json::Null);
                    text.push_str(&format!("${{{name}}}"));
                    variables.insert(name, json);
                }
            }
        }
        Ok(())
    }

    /// Adds the automatic exports to the producers' templates; returns their names.
    fn add_exports(&mut self, templates: &mut [Map<String, Json>]) -> IndexMap<ExportKey, String> {
        let mut names = IndexMap::new();
        for key in self.exports.clone() {
            let producer = &self.interp.stacks[key.producer];
            let logical_id = self.interp.resources[key.resource].logical_id.clone();
            let name = export_name(
                &format!("{}{}", self.export_prefix, producer.name),
                &logical_id,
                key.attribute.as_deref(),
            );
            let output_id: String = format!(
                "Export{}{}",
                logical_id,
                key.attribute.as_deref().unwrap_or("")
            )
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
            let value = match &key.attribute {
                None => json!({ "Ref": logical_id }),
                Some(attribute) => json!({ "Fn::GetAtt": [logical_id, attribute] }),
            };
            let outputs = templates[key.producer]
                .entry("Outputs")
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(outputs) = outputs {
                outputs.insert(
                    output_id,
                    json!({ "Value": value, "Export": { "Name": name } }),
                );
            }
            names.insert(key, name);
        }
        names
    }

    /// Stacks in deploy order: declaration order, producers before their consumers.
    fn deploy_order(&mut self) -> Option<Vec<usize>> {
        let count = self.interp.stacks.len();
        let mut order = Vec::with_capacity(count);
        let mut state = vec![0u8; count]; // 0 new, 1 visiting, 2 done
        for start in 0..count {
            let mut path = Vec::new();
            if !self.visit(start, &mut state, &mut order, &mut path) {
                return None;
            }
        }
        Some(order)
    }

    fn visit(
        &mut self,
        stack: usize,
        state: &mut [u8],
        order: &mut Vec<usize>,
        path: &mut Vec<usize>,
    ) -> bool {
        match state[stack] {
            2 => return true,
            1 => {
                let start = path.iter().position(|&s| s == stack).unwrap_or(0);
                let mut names: Vec<String> = path[start..]
                    .iter()
                    .map(|&s| format!("`{}`", self.interp.stacks[s].name))
                    .collect();
                names.push(format!("`{}`", self.interp.stacks[stack].name));
                let consumer = *path.last().unwrap_or(&stack);
                let (scope, span) = self
                    .depends
                    .get(&consumer)
                    .and_then(|d| d.get(&stack))
                    .copied()
                    .unwrap_or((0, Span::default()));
                self.interp.error(
                    scope,
                    Code::StackCycle,
                    span,
                    format!(
                        "stacks refer to each other in a cycle: {}",
                        names.join(" → ")
                    ),
                );
                return false;
            }
            _ => {}
        }
        state[stack] = 1;
        path.push(stack);
        let producers: Vec<usize> = self
            .depends
            .get(&stack)
            .map(|d| d.keys().copied().collect())
            .unwrap_or_default();
        for producer in producers {
            if !self.visit(producer, state, order, path) {
                return false;
            }
        }
        path.pop();
        state[stack] = 2;
        order.push(stack);
        true
    }
}

fn is_list_valued(deploy: &Deploy) -> bool {
    matches!(
        deploy,
        Deploy::GetAzs | Deploy::Split(..) | Deploy::Cidr(..)
    )
}

fn scalar_text(json: &Json) -> String {
    match json {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The name of an automatic export: `<stack>-<LogicalId>[-<Attribute>]`, where `stack` is
/// already prefixed with the build's literal-union param values (`gamma-backend`).
pub fn export_name(stack: &str, logical_id: &str, attribute: Option<&str>) -> String {
    let name = match attribute {
        None => format!("{stack}-{logical_id}"),
        Some(attribute) => format!("{stack}-{logical_id}-{}", attribute.replace('.', "-")),
    };
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == ':' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Adds the stack's tags to a resource's properties in the type's format; the resource's own
/// tags win.
fn merge_tags(
    format: facts::TagsFormat,
    properties: &mut Map<String, Json>,
    tags: &Map<String, Json>,
) {
    match format {
        facts::TagsFormat::List(property) => {
            let mut list: Vec<Json> = match properties.remove(&property) {
                Some(Json::Array(items)) => items,
                _ => Vec::new(),
            };
            let own: Vec<String> = list
                .iter()
                .filter_map(|t| t.get("Key")?.as_str().map(String::from))
                .collect();
            for (key, value) in tags {
                if !own.contains(key) {
                    let mut tag = Map::new();
                    tag.insert("Key".into(), Json::String(key.clone()));
                    tag.insert("Value".into(), value.clone());
                    list.push(Json::Object(tag));
                }
            }
            properties.insert(property, Json::Array(list));
        }
        facts::TagsFormat::Map(property) => {
            let mut map = match properties.remove(&property) {
                Some(Json::Object(map)) => map,
                _ => Map::new(),
            };
            for (key, value) in tags {
                map.entry(key.clone()).or_insert_with(|| value.clone());
            }
            properties.insert(property, Json::Object(map));
        }
    }
}
