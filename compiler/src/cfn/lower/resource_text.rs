//! One resource of a template as JSON text: `Type`, its options and its `Properties`, with the
//! stack's tags merged into the properties in the type's format (the resource's own tags win).
//!
//! The key order is fixed: Type, Condition, DependsOn, Properties, DeletionPolicy,
//! UpdateReplacePolicy, Metadata. The properties are lowered first and written into a scratch
//! buffer, then copied into place, because the options before them are lowered after them.

use super::Lowering;
use super::tags_text::{tags_property, write_merged_tags};
use crate::cfn::facts::TagsFormat;
use crate::cfn::json_text::{Seq, write_str, write_value};
use crate::diagnostic::Code;
use crate::eval::interp::R;
use crate::eval::value::{ResourceIdx, Value};
use serde_json::Value as Json;
use std::ops::Range;

/// The depth of a resource's object in the template (`{ "Resources": { "Id": {`).
const RESOURCE_DEPTH: usize = 2;
/// The depth of the `Properties` object.
const PROPERTIES_DEPTH: usize = RESOURCE_DEPTH + 1;
/// The depth of the values of the properties.
const PROPERTY_DEPTH: usize = PROPERTIES_DEPTH + 1;

/// The options after `with`, in the order the resource lists them: the first two come before
/// `Properties`, the others after.
const OPTION_KEYS: [&str; 5] = [
    "Condition",
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
];

/// The text of each option after `with` that is set, by its place in [`OPTION_KEYS`].
type Options = [Option<String>; 5];

/// The top-level properties of the resource being written (a scratch kept between resources).
#[derive(Default)]
pub(super) struct Props {
    /// Each property's `"Key": value` text, one after the other.
    text: String,
    /// Where each property's text is, in the order of the properties.
    entries: Vec<Range<usize>>,
    /// The resource's own tags property, as converted, and its place in `entries` (which
    /// holds an empty range there), when the stack's tags go into it.
    own_tags: Option<(usize, Json)>,
    /// A property `HostedRotationLambda` is set.
    hosted_rotation: bool,
}

impl Lowering<'_, '_> {
    /// Writes the resource `index` into `out` (its object, at the depth of a resource).
    /// `tags` are the stack's tags, when it has any. Returns true when the resource needs the
    /// Secrets Manager transform (a rotation schedule with a hosted rotation function).
    pub(super) fn write_resource(
        &mut self,
        index: ResourceIdx,
        tags: Option<&Value>,
        out: &mut String,
    ) -> R<bool> {
        self.interp.force_resource(index)?;
        let data = &self.interp.resources[index];
        let (decl, scope) = (data.decl, data.scope);
        let properties = data.properties.clone().unwrap_or(Value::Null);
        let options = data.options.clone();
        let type_name = decl.type_name.name.as_str();
        self.scope = scope;
        self.span = decl.properties.span;
        let tags = match tags {
            Some(tags) => self.tags_format(type_name).map(|format| (tags, format)),
            None => None,
        };
        let mut props = std::mem::take(&mut self.props);
        props.text.clear();
        props.entries.clear();
        props.own_tags = None;
        props.hosted_rotation = false;
        let tags_key = tags.as_ref().map(|(_, format)| tags_property(format));
        let mut result = self.properties(&properties, &mut props, tags_key);
        if let (Ok(()), Some((tags, format))) = (&result, &tags) {
            self.span = decl.name.span;
            result = self.merge_tags(tags, format, &mut props);
        }
        let mut slots: Options = Default::default();
        if let (Ok(()), Some(options)) = (&result, &options) {
            self.span = decl.options.as_ref().map_or(decl.name.span, |o| o.span);
            result = self.options(options, &mut slots);
        }
        if result.is_ok() {
            write_object(type_name, &slots, &props, out);
        }
        let hosted = props.hosted_rotation;
        self.props = props;
        result.map(|()| hosted && type_name == "AWS::SecretsManager::RotationSchedule")
    }

    /// Lowers the properties into `props`. The tags property (`tags_key`) is kept as a tree,
    /// for the stack's tags to be merged into.
    fn properties(&mut self, value: &Value, props: &mut Props, tags_key: Option<&str>) -> R<()> {
        let fields = match value {
            Value::Record(fields) => {
                self.spend(1)?;
                fields
            }
            Value::Instance(_) => {
                self.spend(1)?;
                let (span, scope) = (self.span, self.scope);
                let data = self.interp.to_data(value.clone(), span, scope)?;
                return self.properties(&data, props, tags_key);
            }
            // not a record: whatever object it lowers to (nothing, in a checked program)
            other => {
                if let Some(Json::Object(map)) = self.json(other)? {
                    for (key, item) in map {
                        props.add_tree(&key, item, tags_key);
                    }
                }
                return Ok(());
            }
        };
        for (key, item) in fields.iter() {
            if tags_key == Some(&**key) {
                if let Some(json) = self.json(item)? {
                    props.own_tags = Some((props.entries.len(), json));
                    props.entries.push(0..0);
                }
                continue;
            }
            let start = props.text.len();
            write_str(key, &mut props.text);
            props.text.push_str(": ");
            if self.write(item, PROPERTY_DEPTH, &mut props.text)? {
                props.entries.push(start..props.text.len());
                props.hosted_rotation |= &**key == "HostedRotationLambda";
            } else {
                props.text.truncate(start);
            }
        }
        Ok(())
    }

    /// Adds the stack's tags to the tags property: it moves to the end, and (as removing a
    /// key from a serde_json map with `preserve_order` does) the last property takes its place.
    fn merge_tags(&mut self, tags: &Value, format: &TagsFormat, props: &mut Props) -> R<()> {
        let stack_tags = self.stack_tags(tags, PROPERTY_DEPTH)?;
        let own = match props.own_tags.take() {
            Some((place, json)) => {
                props.entries.swap_remove(place);
                Some(json)
            }
            None => None,
        };
        let start = props.text.len();
        write_str(tags_property(format), &mut props.text);
        props.text.push_str(": ");
        write_merged_tags(format, own, &stack_tags, PROPERTY_DEPTH, &mut props.text);
        props.entries.push(start..props.text.len());
        Ok(())
    }

    /// The options after `with`, each as text at the depth of a member of the resource.
    fn options(&mut self, options: &Value, slots: &mut Options) -> R<()> {
        let Value::Record(fields) = options else {
            return Err(self.error(
                Code::InvalidResourceOption,
                "the resource options after `with` must be a record",
            ));
        };
        for (key, value) in fields.iter() {
            let slot = OPTION_KEYS.iter().position(|k| *k == &**key);
            let text = match (&**key, value) {
                (_, Value::Null) => continue,
                ("DependsOn", value) => self.depends_on(value)?,
                ("DeletionPolicy" | "UpdateReplacePolicy", Value::Str(s)) => {
                    if !["Delete", "Retain", "Snapshot", "RetainExceptOnDelete"].contains(&&**s) {
                        return Err(self.error(
                            Code::InvalidResourceOption,
                            format!("`{key}` cannot be {:?}", &**s),
                        ));
                    }
                    Some(string_text(s))
                }
                ("Condition", Value::Str(s)) => Some(string_text(s)),
                ("Metadata", value) => {
                    let mut text = String::new();
                    self.write(value, PROPERTIES_DEPTH, &mut text)?
                        .then_some(text)
                }
                _ => {
                    return Err(self.error(
                        Code::InvalidResourceOption,
                        format!("`{key}` is not a resource option; use DependsOn, DeletionPolicy, UpdateReplacePolicy, Condition or Metadata"),
                    ));
                }
            };
            if let (Some(slot), Some(text)) = (slot, text) {
                slots[slot] = Some(text);
            }
        }
        Ok(())
    }

    /// `DependsOn`: the logical IDs of resources of the same stack; `None` when there are none.
    fn depends_on(&mut self, value: &Value) -> R<Option<String>> {
        let items: Vec<&Value> = match value {
            Value::List(items) => items.iter().filter(|v| !matches!(v, Value::Null)).collect(),
            other => vec![other],
        };
        let mut text = String::new();
        let mut seq = Seq::array(&mut text, PROPERTIES_DEPTH);
        for item in items {
            let Value::Resource(target) = item else {
                return Err(self.error(
                    Code::InvalidResourceOption,
                    "`DependsOn` takes resources of the same stack",
                ));
            };
            let target = &self.interp.resources[*target];
            if target.stack != self.stack {
                let message = format!(
                    "`DependsOn` names `{}`, which is in another stack",
                    target.logical_id
                );
                return Err(self.error(Code::InvalidResourceOption, message));
            }
            seq.item(&mut text);
            write_str(&target.logical_id, &mut text);
        }
        if seq.is_empty() {
            return Ok(None);
        }
        seq.end(&mut text);
        Ok(Some(text))
    }
}

impl Props {
    /// Adds a property that is already a tree (from properties that are not a record).
    fn add_tree(&mut self, key: &str, value: Json, tags_key: Option<&str>) {
        if tags_key == Some(key) {
            self.own_tags = Some((self.entries.len(), value));
            self.entries.push(0..0);
            return;
        }
        let start = self.text.len();
        write_str(key, &mut self.text);
        self.text.push_str(": ");
        write_value(&value, PROPERTY_DEPTH, &mut self.text);
        self.entries.push(start..self.text.len());
        self.hosted_rotation |= key == "HostedRotationLambda";
    }
}

/// A JSON string's text.
fn string_text(s: &str) -> String {
    let mut text = String::with_capacity(s.len() + 2);
    write_str(s, &mut text);
    text
}

/// Writes the resource's object: Type, the options before the properties, the properties,
/// the other options.
fn write_object(type_name: &str, slots: &Options, props: &Props, out: &mut String) {
    let mut object = Seq::object(out, RESOURCE_DEPTH);
    object.field(out, "Type");
    write_str(type_name, out);
    let option = |object: &mut Seq, out: &mut String, slot: usize| {
        if let Some(text) = &slots[slot] {
            object.field(out, OPTION_KEYS[slot]);
            out.push_str(text);
        }
    };
    option(&mut object, out, 0);
    option(&mut object, out, 1);
    if !props.entries.is_empty() {
        object.field(out, "Properties");
        let mut properties = Seq::object(out, PROPERTIES_DEPTH);
        for range in &props.entries {
            properties.item(out);
            out.push_str(&props.text[range.clone()]);
        }
        properties.end(out);
    }
    for slot in 2..OPTION_KEYS.len() {
        option(&mut object, out, slot);
    }
    object.end(out);
}
