//! Untagged resources (`untagged-resource`): once a project tags its stacks (`tags { ... }` in
//! some stack), every resource that CloudFormation can tag should end up tagged. A resource is
//! tagged when its stack declares tags that cvl applies to its type, or when it sets tags itself.

use super::{Context, Finding, Place, Seg};
use crate::cfn::{facts, schema};
use crate::diagnostic::Code;
use crate::eval::value::{FxIndexMap, Value};

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if !cx.stacks.iter().any(|(_, tagged)| *tagged) {
        return;
    }
    // per type: its tags property, and whether cvl applies a stack's tags to it (looked up in
    // the schemas once per type)
    let mut types: FxIndexMap<&str, Option<(&'static str, bool)>> = FxIndexMap::default();
    for r in &cx.resources {
        let facts = *types.entry(r.type_name).or_insert_with(|| {
            let property = schema::resource_type(r.type_name)?
                .tag_property
                .as_deref()?;
            Some((property, facts::tags_format(r.type_name).is_some()))
        });
        let Some((property, applies)) = facts else {
            continue;
        };
        let own = r.prop(property).is_some_and(|tags| match tags {
            Value::List(list) => !list.is_empty(),
            Value::Record(fields) => !fields.is_empty(),
            _ => true,
        });
        if own {
            continue;
        }
        let (stack, stack_tagged) = cx.stacks[r.stack];
        if stack_tagged && applies {
            continue;
        }
        let (message, help) = if stack_tagged {
            (
                format!(
                    "`{}` has no tags: cvl cannot apply the tags of stack `{stack}` to its `{property}` property",
                    r.name
                ),
                format!("set `{property}` on the resource itself"),
            )
        } else {
            (
                format!(
                    "`{}` has no tags: stack `{stack}` declares no `tags`, unlike other stacks of the project",
                    r.name
                ),
                format!(
                    "add `tags {{ ... }}` to stack `{stack}`, or set `{property}` on the resource"
                ),
            )
        };
        out.push(Finding::new(
            Code::UntaggedResource,
            r.index,
            Place::Property(vec![Seg::Key(property.to_string())]),
            message,
            help,
        ));
    }
}
