//! Facts about resource types that evaluation and lowering need, answered from the schemas.

use super::schema::{self, PropType};

/// How a resource type takes its tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagsFormat {
    /// `Tags: [{ Key, Value }]` under the given property name.
    List(String),
    /// `Tags: { key: value }` under the given property name.
    Map(String),
}

/// `Some` when the type has a settable tags property, with its name and shape.
pub fn tags_format(type_name: &str) -> Option<TagsFormat> {
    let rt = schema::resource_type(type_name)?;
    let name = rt.tag_property.clone()?;
    let property = rt.properties.get(&name)?;
    match &property.ty {
        PropType::List(inner) => match &**inner {
            PropType::Object(def) => {
                let def = schema::definition(rt, def)?;
                (def.properties.contains_key("Key") && def.properties.contains_key("Value"))
                    .then_some(TagsFormat::List(name))
            }
            _ => None,
        },
        PropType::Map(_) | PropType::Json => Some(TagsFormat::Map(name)),
        _ => None,
    }
}

/// True when `name` is an input property of the type and not a `Fn::GetAtt` attribute, so
/// `r.name` reads the value the resource was given rather than asking CloudFormation.
pub fn is_property_not_attribute(type_name: &str, name: &str) -> bool {
    match schema::resource_type(type_name) {
        Some(rt) => rt.attribute_type(name).is_none() && rt.properties.contains_key(name),
        None => false,
    }
}

/// True when `name` is an input property of the type.
pub fn is_property(type_name: &str, name: &str) -> bool {
    schema::resource_type(type_name).is_some_and(|rt| rt.properties.contains_key(name))
}
