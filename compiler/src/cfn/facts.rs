//! Facts about resource types that evaluation and lowering need, answered from the schemas.

/// How a resource type takes its `Tags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagsFormat {
    /// `[{ Key, Value }]`
    List,
    /// `{ key: value }`
    Map,
}

/// `Some` when the type has a `Tags` property, with its shape.
pub fn tags_format(type_name: &str) -> Option<TagsFormat> {
    let _ = type_name;
    None
}

/// True when `name` is an input property of the type and not a `Fn::GetAtt` attribute, so
/// `r.name` reads the value the resource was given rather than asking CloudFormation.
pub fn is_property_not_attribute(type_name: &str, name: &str) -> bool {
    let _ = (type_name, name);
    false
}
