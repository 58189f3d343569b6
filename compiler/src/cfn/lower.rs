//! Lowering: evaluated stacks to CloudFormation templates and the manifest.
//!
//! Deploy-time values become intrinsics. A value of one stack used in another becomes an
//! output with an `Export` in the producer and an `Fn::ImportValue` in the consumer; those
//! uses also order the stacks (producers deploy first), and a cycle among them is an error.

mod resource_text;
mod tags_text;
#[cfg(test)]
mod tests;
mod value_text;

use crate::cfn::facts;
use crate::cfn::json_text::{Seq, write_str, write_value};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::interp::{Abort, Interp, R};
use crate::eval::value::{Deploy, FxIndexMap, ResourceIdx, ScopeIdx, Value};
use crate::project::{BuildOutput, StackTemplate, TemplatePart};
use crate::source::Span;
use indexmap::{IndexMap, IndexSet};
use resource_text::Props;
use serde_json::{Map, Value as Json, json};
use std::rc::Rc;
use tags_text::StackTags;

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
    /// The tags of the stack being lowered, as text: they are the same for every resource of
    /// the stack, so they are converted once.
    stack_tags: Option<Rc<StackTags>>,
    /// How each resource type takes its tags, looked up in the schemas once per type.
    tag_formats: FxIndexMap<String, Option<Rc<facts::TagsFormat>>>,
    /// Scratch space for the properties of the resource being written.
    props: Props,
    /// Bytes per resource of the last template written, to size the next one's text.
    bytes_per_resource: usize,
}

/// A stack's template as lowering leaves it until every stack is lowered: the text up to its
/// `Resources` (included), and its outputs, to which the automatic exports are added later.
struct Lowered {
    /// The template's text so far: the object is still open. Empty once handed out
    /// (streaming, see [`lower`]).
    text: String,
    /// How many bytes of the text were handed out already.
    handed_out: usize,
    /// The writer of the template's object.
    top: Seq,
    outputs: Map<String, Json>,
    /// How many resources the template has.
    resources: usize,
    /// The names of the template's parameters.
    parameters: Vec<String>,
}

impl Lowered {
    /// The whole text, with `outputs` (those of the stack and its automatic exports).
    fn finish(self, outputs: Map<String, Json>) -> String {
        let Lowered {
            mut text, mut top, ..
        } = self;
        if !outputs.is_empty() {
            top.field(&mut text, "Outputs");
            write_value(&Json::Object(outputs), top.inner(), &mut text);
        }
        top.end(&mut text);
        text.push('\n');
        text
    }
}

/// Lowers every stack of an evaluated project. `param_values` are the build's params as the
/// manifest lists them. Errors go into the interpreter's diagnostics.
///
/// With `stream`, the templates' texts are handed to it as they are written instead of being
/// kept in the output (whose texts are then empty): each stack's text up to its outputs as
/// soon as the stack is lowered, and the rest (its outputs, to which the automatic exports of
/// later stacks add) once every stack is. A build that then fails has handed out parts all
/// the same; the caller throws them away. Such a build computes no
/// [`BuildOutput::origins`].
pub fn lower(
    interp: &mut Interp<'_>,
    param_values: &IndexMap<String, Json>,
    mut stream: Option<&mut dyn FnMut(TemplatePart)>,
) -> Option<BuildOutput> {
    let export_prefix = export_prefix(interp.modules[0].ast, param_values);
    let mut lowering = Lowering {
        interp,
        exports: IndexSet::new(),
        depends: IndexMap::new(),
        stack: 0,
        scope: 0,
        span: Span::default(),
        export_prefix,
        budget: Some(MAX_BODY_BYTES),
        stack_tags: None,
        tag_formats: FxIndexMap::default(),
        props: Props::default(),
        bytes_per_resource: 0,
    };
    let stack_count = lowering.interp.stacks.len();
    let mut lowered: Vec<Option<Lowered>> = Vec::with_capacity(stack_count);
    let mut failed = false;
    for stack in 0..stack_count {
        match lowering.stack_template(stack, param_values) {
            Ok(mut template) => {
                if let Some(stream) = stream.as_mut().filter(|_| !failed) {
                    template.handed_out = template.text.len();
                    stream(TemplatePart {
                        stack: lowering.interp.stacks[stack].name.clone(),
                        text: std::mem::take(&mut template.text),
                        last: false,
                    });
                }
                lowered.push(Some(template));
            }
            Err(Abort) => failed = true,
        }
    }
    if failed {
        return None;
    }
    let mut outputs: Vec<Map<String, Json>> = lowered
        .iter_mut()
        .map(|l| {
            l.as_mut()
                .map(|l| std::mem::take(&mut l.outputs))
                .unwrap_or_default()
        })
        .collect();
    let export_names = lowering.add_exports(&mut outputs);
    let order = lowering.deploy_order()?;
    let depends: IndexMap<usize, Vec<usize>> = lowering
        .depends
        .iter()
        .map(|(consumer, producers)| (*consumer, producers.keys().copied().collect()))
        .collect();
    let interp = lowering.interp;
    let mut stacks = Vec::with_capacity(order.len());
    let mut manifest_stacks = Vec::with_capacity(order.len());
    for &stack in &order {
        let data = &interp.stacks[stack];
        let outputs = std::mem::take(&mut outputs[stack]);
        let Some(lowered) = lowered[stack].take() else {
            continue;
        };
        let resources = lowered.resources;
        let depends_on: Vec<&str> = depends
            .get(&stack)
            .map(|p| p.iter().map(|&s| interp.stacks[s].name.as_str()).collect())
            .unwrap_or_default();
        let exports = export_names
            .iter()
            .filter(|(k, _)| k.producer == stack)
            .map(|(_, n)| n.as_str());
        manifest_stacks.push(json!({
            "name": data.name,
            "template": format!("{}.template.json", data.name),
            "depends_on": depends_on,
            "resources": resources,
            "parameters": &lowered.parameters,
            "outputs": outputs.keys().collect::<Vec<_>>(),
            "exports": all_exports(&outputs, exports),
        }));
        let handed_out = lowered.handed_out;
        let mut text = lowered.finish(outputs);
        let body_bytes = handed_out + text.len();
        if body_bytes > MAX_BODY_BYTES {
            let file = interp.modules[data.module].file.clone();
            interp.diagnostics.push(Diagnostic::error(
                Code::TemplateQuota,
                file,
                data.span,
                format!("the template of stack `{}` is {body_bytes} bytes; CloudFormation accepts at most 1 MB", data.name),
            ));
        }
        if let Some(stream) = stream.as_mut() {
            stream(TemplatePart {
                stack: data.name.clone(),
                text: std::mem::take(&mut text),
                last: true,
            });
        }
        stacks.push(StackTemplate {
            name: data.name.clone(),
            text,
            resources,
        });
    }
    let manifest = json!({
        "cvl_manifest_version": 1,
        "params": param_values,
        "stacks": manifest_stacks,
    });
    // A build that streams its templates writes them out and shows nothing beside the
    // source: it has no use for the origins (7% of a large build).
    let origins = if stream.is_none() {
        crate::cfn::origins::origins(interp)
    } else {
        Vec::new()
    };
    Some(BuildOutput {
        stacks,
        manifest,
        origins,
    })
}

/// The prefix of automatic export names: the values of the build's literal-union params
/// (`gamma-`), so that two envs deployed to one account and region do not collide.
fn export_prefix(
    entry: &crate::syntax::ast::File,
    param_values: &IndexMap<String, Json>,
) -> String {
    let mut prefix = String::new();
    for (_, param) in crate::eval::params::declarations(entry) {
        let literal_union = matches!(
            crate::eval::params::kind_of(entry, &param.ty).0,
            crate::eval::params::ParamKind::Literals(_)
        );
        if let (true, Some(Json::String(value))) =
            (literal_union, param_values.get(&param.name.name))
        {
            prefix.push_str(value);
            prefix.push('-');
        }
    }
    prefix
}

/// `"Transform": "AWS::SecretsManager-2020-07-23"` as a member of the template after others.
fn transform_member() -> String {
    let mut text = String::from(",\n");
    crate::cfn::json_text::indent(1, &mut text);
    write_str("Transform", &mut text);
    text.push_str(": ");
    write_str("AWS::SecretsManager-2020-07-23", &mut text);
    text
}

/// The export names of a stack for the manifest: those its outputs declare, then its
/// automatic exports (`automatic`) that are not among them.
fn all_exports<'n>(
    outputs: &Map<String, Json>,
    automatic: impl Iterator<Item = &'n str>,
) -> Vec<String> {
    let mut names: Vec<String> = outputs
        .values()
        .filter_map(|v| v.get("Export")?.get("Name")?.as_str().map(String::from))
        .collect();
    for name in automatic {
        if !names.iter().any(|x| x == name) {
            names.push(name.to_string());
        }
    }
    names
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
    ) -> R<Lowered> {
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
        let resource_count = self.interp.stacks[stack].resources.len();
        if resource_count > MAX_RESOURCES {
            let data = &self.interp.stacks[stack];
            let (module, span) = (data.module, data.span);
            let file = self.interp.modules[module].file.clone();
            self.interp.diagnostics.push(Diagnostic::error(
                Code::TemplateQuota,
                file,
                span,
                format!("stack `{name}` has {resource_count} resources; CloudFormation allows at most {MAX_RESOURCES}"),
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
        let mut text = String::with_capacity(self.text_size_hint(resource_count));
        let mut top = Seq::object(&mut text, 0);
        top.field(&mut text, "AWSTemplateFormatVersion");
        write_str("2010-09-09", &mut text);
        top.field(&mut text, "Description");
        write_str(&description, &mut text);
        let parameter_names: Vec<String> = parameters.keys().cloned().collect();
        if !parameters.is_empty() {
            top.field(&mut text, "Parameters");
            write_value(&Json::Object(parameters), top.inner(), &mut text);
        }
        let transform_at = text.len();
        top.field(&mut text, "Resources");
        let (needs_rotation_transform, mut failed) = self.write_resources(stack, &mut text);
        // Secrets Manager's hosted rotation functions are created by a macro the template
        // must name; add it when a rotation schedule uses one.
        if needs_rotation_transform {
            text.insert_str(transform_at, &transform_member());
        }
        self.learn_text_size(resource_count, text.len());
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
        if failed {
            return Err(Abort);
        }
        Ok(Lowered {
            text,
            handed_out: 0,
            top,
            outputs,
            resources: resource_count,
            parameters: parameter_names,
        })
    }

    /// What to reserve for the text of a template of `resources` resources: as many bytes
    /// per resource as the templates lowered so far took, so that the text is not copied as
    /// it grows.
    fn text_size_hint(&self, resources: usize) -> usize {
        resources
            .saturating_mul(self.bytes_per_resource.max(256))
            .saturating_add(1024)
            .min(2 * MAX_BODY_BYTES)
    }

    /// Remembers how many bytes per resource a template took.
    fn learn_text_size(&mut self, resources: usize, bytes: usize) {
        if let Some(per_resource) = bytes.checked_div(resources) {
            self.bytes_per_resource = per_resource + 1;
        }
    }

    /// Writes the stack's `Resources` object (at depth 1) into `text`. Returns whether a
    /// resource needs the Secrets Manager transform, and whether any resource failed (each
    /// failure is reported).
    fn write_resources(&mut self, stack: usize, text: &mut String) -> (bool, bool) {
        let tags = self.interp.stacks[stack].tag_values.clone();
        let mut seq = Seq::object(text, 1);
        let (mut needs_transform, mut failed) = (false, false);
        for place in 0..self.interp.stacks[stack].resources.len() {
            let Some((logical_id, &index)) = self.interp.stacks[stack].resources.get_index(place)
            else {
                break;
            };
            seq.field(text, logical_id);
            match self.write_resource(index, tags.as_ref(), text) {
                Ok(needs) => needs_transform |= needs,
                Err(Abort) => failed = true,
            }
        }
        seq.end(text);
        (needs_transform, failed)
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

    /// A value as a serde_json tree, for the small parts of a template kept as trees (the
    /// parameters, the outputs, the stack's tags); `None` for null. Written as text and parsed
    /// back, so that there is one way of lowering a value.
    fn json(&mut self, value: &Value) -> R<Option<Json>> {
        let mut text = String::new();
        if !self.write(value, 0, &mut text)? {
            return Ok(None);
        }
        Ok(Some(crate::project::parse_json(&text)))
    }

    /// Adds the automatic exports to the producers' outputs; returns their names.
    fn add_exports(&mut self, outputs: &mut [Map<String, Json>]) -> IndexMap<ExportKey, String> {
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
            outputs[key.producer].insert(
                output_id,
                json!({ "Value": value, "Export": { "Name": name } }),
            );
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
