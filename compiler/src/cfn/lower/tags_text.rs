//! A stack's tags in a resource's tags property, as JSON text: appended to the resource's own
//! tags (a `[{ Key, Value }]` list or a `{ key: value }` map), whose keys win.

use super::Lowering;
use crate::cfn::facts::TagsFormat;
use crate::cfn::json_text::{Seq, write_str, write_value};
use crate::diagnostic::Code;
use crate::eval::interp::R;
use crate::eval::value::Value;
use serde_json::Value as Json;
use std::rc::Rc;

/// The stack's tags, converted once per stack, each written as it stands in a resource's
/// tags property whose value is at `depth`.
pub(super) struct StackTags {
    /// What converting the tags spent of the template's budget: every resource that takes
    /// them spends it again, as if it converted them itself.
    pub cost: usize,
    /// In the stack's order.
    pub tags: Vec<Tag>,
}

/// One tag of a stack.
pub(super) struct Tag {
    pub key: String,
    /// `{ "Key": key, "Value": value }`, an element of a tags list.
    pub list_item: String,
    /// The value, as a member of a tags map.
    pub map_value: String,
}

impl StackTags {
    /// The tags of a record (as JSON) for a tags property whose value is at `depth`.
    fn new(tags: serde_json::Map<String, Json>, cost: usize, depth: usize) -> StackTags {
        let tags = tags
            .into_iter()
            .map(|(key, value)| {
                let mut list_item = String::new();
                let mut item = Seq::object(&mut list_item, depth + 1);
                item.field(&mut list_item, "Key");
                write_str(&key, &mut list_item);
                item.field(&mut list_item, "Value");
                write_value(&value, depth + 2, &mut list_item);
                item.end(&mut list_item);
                let mut map_value = String::new();
                write_value(&value, depth + 1, &mut map_value);
                Tag {
                    key,
                    list_item,
                    map_value,
                }
            })
            .collect();
        StackTags { cost, tags }
    }
}

impl Lowering<'_, '_> {
    /// The tags of the stack being lowered (`tags` is their value), for a tags property whose
    /// value is at `depth`. Converted for the first resource that takes them; each later one
    /// spends what that cost.
    pub(super) fn stack_tags(&mut self, tags: &Value, depth: usize) -> R<Rc<StackTags>> {
        if let Some(converted) = self.stack_tags.take() {
            self.spend(converted.cost)?;
            self.stack_tags = Some(Rc::clone(&converted));
            return Ok(converted);
        }
        let before = self.budget.unwrap_or(0);
        let Some(Json::Object(map)) = self.json(tags)? else {
            return Err(self.error(Code::TypeMismatch, "`tags` must be a record of strings"));
        };
        let cost = before - self.budget.unwrap_or(0);
        let converted = Rc::new(StackTags::new(map, cost, depth));
        self.stack_tags = Some(Rc::clone(&converted));
        Ok(converted)
    }

    /// How a resource type takes its tags, looked up in the schemas once per type.
    pub(super) fn tags_format(&mut self, type_name: &str) -> Option<Rc<TagsFormat>> {
        if let Some(format) = self.tag_formats.get(type_name) {
            return format.clone();
        }
        let format = crate::cfn::facts::tags_format(type_name).map(Rc::new);
        self.tag_formats
            .insert(type_name.to_string(), format.clone());
        format
    }
}

/// Writes the tags property's value at `depth`: the resource's own tags (`own`, as converted;
/// anything but a list or a map counts as none) followed by the stack's tags whose keys they
/// do not have.
pub(super) fn write_merged_tags(
    format: &TagsFormat,
    own: Option<Json>,
    stack: &StackTags,
    depth: usize,
    out: &mut String,
) {
    match format {
        TagsFormat::List(_) => {
            let items = match own {
                Some(Json::Array(items)) => items,
                _ => Vec::new(),
            };
            let own_keys: Vec<&str> = items
                .iter()
                .filter_map(|t| t.get("Key")?.as_str())
                .collect();
            let mut seq = Seq::array(out, depth);
            for item in &items {
                seq.item(out);
                write_value(item, seq.inner(), out);
            }
            for tag in &stack.tags {
                if !own_keys.contains(&tag.key.as_str()) {
                    seq.item(out);
                    out.push_str(&tag.list_item);
                }
            }
            seq.end(out);
        }
        TagsFormat::Map(_) => {
            let map = match own {
                Some(Json::Object(map)) => map,
                _ => serde_json::Map::new(),
            };
            let mut seq = Seq::object(out, depth);
            for (key, value) in &map {
                seq.field(out, key);
                write_value(value, seq.inner(), out);
            }
            for tag in &stack.tags {
                if !map.contains_key(&tag.key) {
                    seq.field(out, &tag.key);
                    out.push_str(&tag.map_value);
                }
            }
            seq.end(out);
        }
    }
}

/// The property that takes the tags.
pub(super) fn tags_property(format: &TagsFormat) -> &str {
    match format {
        TagsFormat::List(property) | TagsFormat::Map(property) => property,
    }
}
