//! IAM identity policies (`iam-wildcard`): `Allow` statements of IAM roles, users, groups and
//! policies that allow `*` actions, a whole sensitive service, or actions of a sensitive service
//! on `*` resources. Resource policies (bucket, key, topic policies) are not identity policies:
//! a key policy's `kms:*` for the account root is the documented default, so they are left out.

use super::{Context, Finding, Place, Seg, as_str, get, items};
use crate::diagnostic::Code;
use crate::eval::value::Value;

/// Services whose wildcards reach credentials, keys, secrets or data.
const SENSITIVE: [&str; 4] = ["iam", "kms", "secretsmanager", "s3"];

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for r in cx
        .resources
        .iter()
        .filter(|r| r.type_name.starts_with("AWS::IAM::"))
    {
        let mut documents = Vec::new();
        find_documents(r.props, &mut Vec::new(), &mut documents, 0);
        for (path, document) in documents {
            let Some(statements) = get(document, "Statement") else {
                continue;
            };
            let listed: Vec<(Vec<Seg>, &Value)> = match statements {
                Value::List(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (vec![Seg::Key("Statement".into()), Seg::Index(i)], s))
                    .collect(),
                other => vec![(vec![Seg::Key("Statement".into())], other)],
            };
            for (at, statement) in listed {
                if get(statement, "Effect").and_then(as_str) != Some("Allow") {
                    continue;
                }
                let mut base = path.clone();
                base.extend(at);
                if let Some(finding) = judge(statement) {
                    let mut place = base.clone();
                    place.push(Seg::Key(finding.0.into()));
                    out.push(Finding::new(
                        Code::IamWildcard,
                        r.index,
                        Place::Property(place),
                        format!("`{}` {}", r.name, finding.1),
                        finding.2,
                    ));
                }
            }
        }
    }
}

/// Every `PolicyDocument` under the properties, with its path (`Policies[0].PolicyDocument`).
/// `AssumeRolePolicyDocument` is a trust policy and not looked at.
fn find_documents<'v>(
    value: &'v Value,
    path: &mut Vec<Seg>,
    out: &mut Vec<(Vec<Seg>, &'v Value)>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    match value {
        Value::Record(fields) => {
            for (key, field) in fields.iter() {
                path.push(Seg::Key(key.to_string()));
                if &**key == "PolicyDocument" {
                    out.push((path.clone(), field));
                } else {
                    find_documents(field, path, out, depth + 1);
                }
                path.pop();
            }
        }
        Value::List(list) => {
            for (i, item) in list.iter().enumerate() {
                path.push(Seg::Index(i));
                find_documents(item, path, out, depth + 1);
                path.pop();
            }
        }
        _ => {}
    }
}

/// What is wrong with an `Allow` statement: the key to point at, the message, the help.
fn judge(statement: &Value) -> Option<(&'static str, String, &'static str)> {
    const NARROW: &str = "list the actions the workload calls and the ARNs it calls them on";
    if get(statement, "NotAction").is_some() {
        return Some((
            "NotAction",
            "allows every action but those listed (`Allow` with `NotAction`)".into(),
            NARROW,
        ));
    }
    let actions: Vec<&str> = get(statement, "Action")
        .map(items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(as_str)
        .collect();
    if actions.contains(&"*") {
        return Some((
            "Action",
            "allows every action (`\"Action\": \"*\"`)".into(),
            NARROW,
        ));
    }
    if let Some(wide) = actions.iter().find(|a| {
        SENSITIVE
            .iter()
            .any(|s| a.eq_ignore_ascii_case(&format!("{s}:*")))
    }) {
        return Some((
            "Action",
            format!("allows every action of a sensitive service (`{wide}`)"),
            NARROW,
        ));
    }
    let any_resource = get(statement, "Resource")
        .map(items)
        .unwrap_or_default()
        .into_iter()
        .any(|r| as_str(r) == Some("*"));
    if any_resource && let Some(action) = actions.iter().find(|a| needs_resource(a)) {
        return Some((
            "Resource",
            format!("allows `{action}` on every resource (`\"Resource\": \"*\"`)"),
            "name the keys, secrets, buckets or roles the workload uses; `*` reaches every one in the account",
        ));
    }
    None
}

/// True for an action of a sensitive service that can be limited to resources: `List*` actions
/// and the few that take no resource (`secretsmanager:GetRandomPassword`, `kms:CreateKey`,
/// `kms:GenerateRandom`) are not.
fn needs_resource(action: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    let service = service.to_ascii_lowercase();
    if !SENSITIVE.contains(&service.as_str()) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    !(lower.starts_with("list")
        || ["getrandompassword", "createkey", "generaterandom"].contains(&lower.as_str()))
}
