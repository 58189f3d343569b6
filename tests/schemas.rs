//! The schema checks accept what CloudFormation accepts: a resource written with all its
//! required properties (nested required properties too, and enum values from the schema)
//! checks clean, for a sample of 100 resource types spread over the whole alphabet.

use cvl::cfn::schema::{self, PropType, ResourceType};

/// A cvl expression of the given schema type, filling required properties of objects.
fn value(
    rt: &ResourceType,
    ty: &PropType,
    enum_values: Option<&Vec<String>>,
    depth: usize,
) -> Option<String> {
    if depth > 6 {
        return None;
    }
    if let Some(first) = enum_values.and_then(|e| e.first()) {
        return Some(match ty {
            PropType::Integer | PropType::Number => first.clone(),
            PropType::Boolean => first.clone(),
            PropType::List(_) => format!("[{first:?}]"),
            _ => format!("{first:?}"),
        });
    }
    Some(match ty {
        PropType::String => "\"x\"".to_string(),
        PropType::Integer => "1".to_string(),
        PropType::Number => "1".to_string(),
        PropType::Boolean => "true".to_string(),
        PropType::Json => "{}".to_string(),
        PropType::List(inner) => format!("[{}]", value(rt, inner, None, depth + 1)?),
        PropType::Map(inner) => format!("{{ key: {} }}", value(rt, inner, None, depth + 1)?),
        PropType::Union(members) => value(rt, members.first()?, None, depth + 1)?,
        PropType::Object(name) => {
            let definition = schema::definition(rt, name)?;
            let mut fields = Vec::new();
            for (key, property) in &definition.properties {
                if property.required {
                    fields.push(format!(
                        "{key:?}: {}",
                        value(rt, &property.ty, property.enum_values.as_ref(), depth + 1)?
                    ));
                }
            }
            format!("{{ {} }}", fields.join(", "))
        }
    })
}

fn resource(rt: &ResourceType) -> Option<String> {
    let mut fields = Vec::new();
    for (key, property) in &rt.properties {
        if property.required {
            fields.push(format!(
                "  {key:?}: {},\n",
                value(rt, &property.ty, property.enum_values.as_ref(), 0)?
            ));
        }
    }
    Some(format!(
        "resource R: {} {{\n{}}}\n",
        rt.name,
        fields.concat()
    ))
}

#[test]
fn a_resource_with_its_required_properties_checks_clean_for_100_types() {
    let names: Vec<&str> = schema::resource_type_names().collect();
    assert!(names.len() > 1800, "every resource type is embedded");
    let step = names.len() / 100;
    let mut checked = Vec::new();
    let mut failures = Vec::new();
    for name in names.iter().step_by(step).take(100) {
        let rt = schema::resource_type(name).expect("every listed type decodes");
        let Some(source) = resource(rt) else { continue };
        let result = cvl::check(
            &cvl::MemoryLoader::new().with("main.cvl", source.clone()),
            "main.cvl",
            &[],
        );
        let errors: Vec<String> = result
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} [{}]", d.message, d.code))
            .collect();
        if errors.is_empty() {
            checked.push(*name);
        } else {
            failures.push(format!("{name}:\n{source}{errors:#?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} types did not check clean:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked.len() >= 95,
        "only {} types could be written from their schemas",
        checked.len()
    );
}
