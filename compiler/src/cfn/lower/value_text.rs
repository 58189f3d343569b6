//! Evaluated values as template JSON text, written straight into the template (no serde_json
//! tree): deploy-time values become intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Sub`, an
//! `Fn::ImportValue` of an automatic export across stacks...). The text is byte-identical to
//! what `json_text` writes for the same tree.

use super::{Lowering, export_name, is_list_valued};
use crate::cfn::json_text::{Seq, write_str};
use crate::diagnostic::Code;
use crate::eval::interp::R;
use crate::eval::value::{Deploy, ResourceIdx, SubPart, Value, format_number};
use serde_json::Value as Json;
use std::fmt::Write as _;

impl Lowering<'_, '_> {
    /// Writes `value` as JSON nested `depth` levels deep. Returns false, having written nothing,
    /// for null: the property or element is left out.
    pub(super) fn write(&mut self, value: &Value, depth: usize, out: &mut String) -> R<bool> {
        self.spend(match value {
            Value::Str(s) => s.len().saturating_add(1),
            _ => 1,
        })?;
        match value {
            Value::Null => return Ok(false),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Value::Number(n) => write_number(*n, out),
            Value::Str(s) => write_str(s, out),
            Value::List(items) => self.write_items(items, depth, out)?,
            Value::Record(fields) => {
                let mut seq = Seq::object(out, depth);
                for (key, item) in fields.iter() {
                    let mark = seq.field(out, key);
                    if !self.write(item, depth + 1, out)? {
                        seq.undo(out, mark);
                    }
                }
                seq.end(out);
            }
            Value::Resource(index) => self.write_reference(*index, None, depth, out),
            Value::Deploy(deploy) => self.write_intrinsic(deploy, depth, out)?,
            Value::Instance(_) => {
                let (span, scope) = (self.span, self.scope);
                let data = self.interp.to_data(value.clone(), span, scope)?;
                return self.write(&data, depth, out);
            }
            other => {
                let kind = other.kind();
                return Err(self.error(
                    Code::TypeMismatch,
                    format!("a {kind} cannot be part of a template"),
                ));
            }
        }
        Ok(true)
    }

    /// Writes `value`, or `null` when it is null.
    fn write_or_null(&mut self, value: &Value, depth: usize, out: &mut String) -> R<()> {
        if !self.write(value, depth, out)? {
            out.push_str("null");
        }
        Ok(())
    }

    /// The elements of a list as a JSON array; null elements are left out.
    fn write_items(&mut self, items: &[Value], depth: usize, out: &mut String) -> R<()> {
        let mut seq = Seq::array(out, depth);
        for item in items {
            let mark = seq.item(out);
            if !self.write(item, depth + 1, out)? {
                seq.undo(out, mark);
            }
        }
        seq.end(out);
        Ok(())
    }

    /// A list value made of `items`, as [`Lowering::write`] writes it (it counts as a value).
    fn write_list(&mut self, items: &[Value], depth: usize, out: &mut String) -> R<()> {
        self.spend(1)?;
        self.write_items(items, depth, out)
    }

    /// `Ref` or `Fn::GetAtt` within the stack; an import of an automatic export across stacks.
    pub(super) fn write_reference(
        &mut self,
        index: ResourceIdx,
        attribute: Option<&str>,
        depth: usize,
        out: &mut String,
    ) {
        let producer = self.interp.resources[index].stack;
        if producer == self.stack {
            let logical_id = &self.interp.resources[index].logical_id;
            match attribute {
                None => write_object1(out, depth, "Ref", logical_id),
                Some(attribute) => write_get_att(out, depth, logical_id, attribute),
            }
            return;
        }
        let name = self.import_name(index, producer, attribute);
        write_object1(out, depth, "Fn::ImportValue", &name);
    }

    /// Records that the stack being lowered imports `attribute` of resource `index` from
    /// `producer`; returns the name of that export.
    fn import_name(
        &mut self,
        index: ResourceIdx,
        producer: usize,
        attribute: Option<&str>,
    ) -> String {
        self.exports.insert(super::ExportKey {
            producer,
            resource: index,
            attribute: attribute.map(String::from),
        });
        self.depends
            .entry(self.stack)
            .or_default()
            .entry(producer)
            .or_insert((self.scope, self.span));
        let stack_name = format!(
            "{}{}",
            self.export_prefix, self.interp.stacks[producer].name
        );
        export_name(
            &stack_name,
            &self.interp.resources[index].logical_id,
            attribute,
        )
    }

    fn write_intrinsic(&mut self, deploy: &Deploy, depth: usize, out: &mut String) -> R<()> {
        match deploy {
            Deploy::Ref(index) => self.write_reference(*index, None, depth, out),
            Deploy::GetAtt(index, attribute) => {
                self.write_reference(*index, Some(attribute), depth, out)
            }
            Deploy::Pseudo(name) => write_object1(out, depth, "Ref", name),
            Deploy::Parameter { stack, logical_id } => {
                if *stack != self.stack {
                    let message = format!(
                        "`{logical_id}` is a template parameter of stack `{}`; pass it to stack `{}` as a parameter of its own",
                        self.interp.stacks[*stack].name, self.interp.stacks[self.stack].name
                    );
                    return Err(self.error(Code::TypeMismatch, message));
                }
                write_object1(out, depth, "Ref", logical_id);
            }
            Deploy::GetAzs => write_object1(out, depth, "Fn::GetAZs", ""),
            Deploy::Sub(parts) => self.write_sub(parts, depth, out)?,
            Deploy::Join(separator, items) => {
                let (object, mut array) = open_call(out, depth, "Fn::Join");
                array.item(out);
                write_str(separator, out);
                array.item(out);
                match items.as_slice() {
                    [Value::Deploy(d)] if is_list_valued(d) => {
                        self.write_intrinsic(d, array.inner(), out)?
                    }
                    _ => self.write_list(items, array.inner(), out)?,
                }
                close_call(out, array, object);
            }
            Deploy::Select(index, list) => {
                let (object, mut array) = open_call(out, depth, "Fn::Select");
                array.item(out);
                let _ = write!(out, "{index}");
                array.item(out);
                self.write_or_null(list, array.inner(), out)?;
                close_call(out, array, object);
            }
            Deploy::Split(separator, value) => {
                let (object, mut array) = open_call(out, depth, "Fn::Split");
                array.item(out);
                write_str(separator, out);
                array.item(out);
                self.write_or_null(value, array.inner(), out)?;
                close_call(out, array, object);
            }
            Deploy::Cidr(block, count, bits) => {
                let (object, mut array) = open_call(out, depth, "Fn::Cidr");
                array.item(out);
                self.write_or_null(block, array.inner(), out)?;
                array.item(out);
                let _ = write!(out, "{count}");
                array.item(out);
                let _ = write!(out, "{bits}");
                close_call(out, array, object);
            }
            Deploy::Base64(value) => self.write_call1(out, depth, "Fn::Base64", value)?,
            Deploy::ImportValue(value) => self.write_call1(out, depth, "Fn::ImportValue", value)?,
            Deploy::List(items) => self.write_list(items, depth, out)?,
        }
        Ok(())
    }

    /// `{ "<name>": <value> }`, with `null` for a null value.
    fn write_call1(&mut self, out: &mut String, depth: usize, name: &str, value: &Value) -> R<()> {
        let mut object = Seq::object(out, depth);
        object.field(out, name);
        self.write_or_null(value, object.inner(), out)?;
        object.end(out);
        Ok(())
    }

    /// `Fn::Sub`: literal text escaped (`${` is written `${!`), same-stack references and
    /// pseudo parameters inline, everything else through the variable map.
    fn write_sub(&mut self, parts: &[SubPart], depth: usize, out: &mut String) -> R<()> {
        // the variables are written where they will stand: in `[text, { ... }]` under the call
        let mut sub = Sub {
            text: String::new(),
            variables: String::new(),
            seq: None,
            depth: depth + 2,
        };
        self.sub_parts(parts, &mut sub)?;
        let mut object = Seq::object(out, depth);
        object.field(out, "Fn::Sub");
        match sub.seq {
            None => write_str(&sub.text, out),
            Some(seq) => {
                let mut array = Seq::array(out, object.inner());
                array.item(out);
                write_str(&sub.text, out);
                array.item(out);
                seq.end(&mut sub.variables);
                out.push_str(&sub.variables);
                array.end(out);
            }
        }
        object.end(out);
        Ok(())
    }

    fn sub_parts(&mut self, parts: &[SubPart], sub: &mut Sub) -> R<()> {
        for part in parts {
            let value = match part {
                SubPart::Lit(s) => {
                    self.spend(s.len())?;
                    push_escaped(&mut sub.text, s);
                    continue;
                }
                SubPart::Value(value) => value,
            };
            match value {
                Value::Str(s) => {
                    self.spend(s.len())?;
                    push_escaped(&mut sub.text, s);
                }
                Value::Deploy(d) if matches!(&**d, Deploy::Sub(_)) => {
                    if let Deploy::Sub(inner) = &**d {
                        self.sub_parts(inner, sub)?;
                    }
                }
                _ => match self.inline_name(value) {
                    Some(name) => {
                        sub.text.push_str("${");
                        sub.text.push_str(&name);
                        sub.text.push('}');
                    }
                    None => self.sub_variable(value, sub)?,
                },
            }
        }
        Ok(())
    }

    /// What `Fn::Sub` can name inline: a resource of this stack (`${Bucket}`), one of its
    /// attributes (`${Bucket.Arn}`), a pseudo parameter or a template parameter of this stack.
    fn inline_name(&self, value: &Value) -> Option<String> {
        let here = |index: &ResourceIdx| self.interp.resources[*index].stack == self.stack;
        match value {
            Value::Resource(index) if here(index) => {
                Some(self.interp.resources[*index].logical_id.clone())
            }
            Value::Deploy(d) => match &**d {
                Deploy::Ref(index) if here(index) => {
                    Some(self.interp.resources[*index].logical_id.clone())
                }
                Deploy::GetAtt(index, attribute) if here(index) => Some(format!(
                    "{}.{}",
                    self.interp.resources[*index].logical_id, attribute
                )),
                Deploy::Pseudo(name) => Some(name.to_string()),
                Deploy::Parameter { stack, logical_id } if *stack == self.stack => {
                    Some(logical_id.to_string())
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A value `Fn::Sub` takes through its variable map: `${Var1}` in the text.
    fn sub_variable(&mut self, value: &Value, sub: &mut Sub) -> R<()> {
        let seq = sub
            .seq
            .get_or_insert_with(|| Seq::object(&mut sub.variables, sub.depth));
        let name = format!("Var{}", seq.len() + 1);
        seq.field(&mut sub.variables, &name);
        let inner = seq.inner();
        self.write_or_null(value, inner, &mut sub.variables)?;
        sub.text.push_str("${");
        sub.text.push_str(&name);
        sub.text.push('}');
        Ok(())
    }
}

/// An `Fn::Sub` being written: its text, and its variable map (opened at the first variable).
struct Sub {
    text: String,
    variables: String,
    seq: Option<Seq>,
    /// The depth of the variable map.
    depth: usize,
}

/// Literal text of `Fn::Sub`, where `${` would start a variable: it is written `${!`.
fn push_escaped(text: &mut String, s: &str) {
    if s.contains("${") {
        text.push_str(&s.replace("${", "${!"));
    } else {
        text.push_str(s);
    }
}

/// A number as lowering writes it: a fraction as a float, anything else as an integer.
pub(super) fn write_number(n: f64, out: &mut String) {
    match serde_json::Number::from_f64(n) {
        Some(number) if n.fract() != 0.0 => {
            let _ = write!(out, "{}", Json::Number(number));
        }
        _ => {
            let _ = write!(out, "{}", format_number(n).parse::<i64>().unwrap_or(0));
        }
    }
}

/// `{ "<key>": "<value>" }`.
fn write_object1(out: &mut String, depth: usize, key: &str, value: &str) {
    let mut object = Seq::object(out, depth);
    object.field(out, key);
    write_str(value, out);
    object.end(out);
}

/// `{ "Fn::GetAtt": ["<logical id>", "<attribute>"] }`.
fn write_get_att(out: &mut String, depth: usize, logical_id: &str, attribute: &str) {
    let (object, mut array) = open_call(out, depth, "Fn::GetAtt");
    array.item(out);
    write_str(logical_id, out);
    array.item(out);
    write_str(attribute, out);
    close_call(out, array, object);
}

/// Opens `{ "<name>": [` and returns the object's and the array's writers.
fn open_call(out: &mut String, depth: usize, name: &str) -> (Seq, Seq) {
    let mut object = Seq::object(out, depth);
    object.field(out, name);
    let array = Seq::array(out, object.inner());
    (object, array)
}

/// Closes what [`open_call`] opened.
fn close_call(out: &mut String, array: Seq, object: Seq) {
    array.end(out);
    object.end(out);
}
