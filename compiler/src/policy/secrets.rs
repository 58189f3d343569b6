//! Secrets in plain strings (`plain-secret`): a property named like a password, secret or token
//! (`MasterUserPassword`, `SecretString`, `API_TOKEN` in a function's environment, or the
//! `Value` of a `{ Name: "DB_PASSWORD", Value: ... }` pair) whose value is a string known at
//! build time that is not a dynamic reference (`{{resolve:secretsmanager:...}}`,
//! `{{resolve:ssm-secure:...}}`). Such a value is written into the template.

use super::{Context, Finding, Place, Seg, as_str, get};
use crate::cfn::schema::{self, PropType, Property, ResourceType};
use crate::diagnostic::Code;
use crate::eval::value::Value;

/// Endings of names that hold secrets (lower case, without `_` and `-`).
const SECRET_ENDINGS: [&str; 11] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secretstring",
    "secretkey",
    "secretaccesskey",
    "token",
    "apikey",
    "privatekey",
    "clientsecret",
];

/// True for a name that says it holds a secret: `MasterUserPassword`, `DB_PASSWORD`,
/// `SecretString`, `api-token`. `SecretArn`, `TokenValidityUnits` or `PasswordLength` name
/// something else.
///
/// It runs on every property key of every resource, so it compares from the end without
/// allocating: the key's ASCII letters and digits, lower-cased, read backwards.
pub fn is_secret_name(name: &str) -> bool {
    // the name's ASCII letters and digits, lower-cased, read backwards
    let normal = || {
        name.bytes()
            .rev()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
    };
    // the last letter rules out most names (`Name`, `Value`, `Type`, `Image`: one ending at
    // most) before any ending is compared in full
    let Some(last) = normal().next() else {
        return false;
    };
    let mut candidates = ENDINGS_BY_LAST_BYTE[usize::from(last & 0x7f)];
    while candidates != 0 {
        let ending = SECRET_ENDINGS[candidates.trailing_zeros() as usize];
        if normal().take(ending.len()).eq(ending.bytes().rev()) {
            return true;
        }
        candidates &= candidates - 1;
    }
    false
}

/// For each ASCII byte, the endings (bits, by index in [`SECRET_ENDINGS`]) whose last byte it
/// is.
const ENDINGS_BY_LAST_BYTE: [u16; 128] = {
    let mut table = [0u16; 128];
    let mut i = 0;
    while i < SECRET_ENDINGS.len() {
        let ending = SECRET_ENDINGS[i].as_bytes();
        table[(ending[ending.len() - 1] & 0x7f) as usize] |= 1 << i;
        i += 1;
    }
    table
};

/// True for a value that would put a secret in the template.
fn is_plain(value: &Value) -> bool {
    match as_str(value) {
        Some(s) => !s.trim().is_empty() && !s.contains("{{resolve:"),
        None => false,
    }
}

pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for r in &cx.resources {
        let mut found = Vec::new();
        walk(r.props, &mut Vec::new(), &mut found, 0);
        if found.is_empty() {
            continue;
        }
        let mut found: Vec<(Vec<Seg>, String)> = found
            .into_iter()
            .map(|(path, name)| (path.iter().copied().map(Step::to_seg).collect(), name))
            .collect();
        let rt = schema::resource_type(r.type_name);
        // a property with an enum (`TokenValidityUnits.AccessToken: "hours"`) holds no secret
        found.retain(|(path, _)| {
            rt.and_then(|rt| property_at(rt, path))
                .is_none_or(|p| p.enum_values.is_none())
        });
        for (path, name) in found {
            out.push(Finding::new(
                Code::PlainSecret,
                r.index,
                Place::Property(path),
                format!("`{name}` of `{}` is a plain string: the secret would be written into the template", r.name),
                "use `secret(\"name\", \"key\")` or `ssm(\"/path\")` (a dynamic reference), a stack `param` with `NoEcho`, or let the service generate it",
            ));
        }
    }
}

/// The schema of the property at `path`, when the path follows the schema.
fn property_at<'s>(rt: &'s ResourceType, path: &[Seg]) -> Option<&'s Property> {
    let mut properties = &rt.properties;
    let mut current: Option<&Property> = None;
    let mut ty: Option<&PropType> = None;
    for seg in path {
        match seg {
            Seg::Key(key) => {
                if let Some(t) = ty {
                    let PropType::Object(def) = object_of(t)? else {
                        return None;
                    };
                    properties = &schema::definition(rt, def)?.properties;
                }
                let property = properties.get(key)?;
                current = Some(property);
                ty = Some(&property.ty);
            }
            Seg::Index(_) => match ty.map(object_of)? {
                Some(PropType::List(inner)) => ty = Some(inner),
                _ => return None,
            },
        }
    }
    current
}

/// The object or list member of a union (or the type itself).
fn object_of(ty: &PropType) -> Option<&PropType> {
    match ty {
        PropType::Union(members) => members
            .iter()
            .find(|m| matches!(m, PropType::Object(_) | PropType::List(_))),
        other => Some(other),
    }
}

/// A step of the path being walked: borrowed, so that walking allocates nothing until it
/// finds something (it visits every property of every resource).
#[derive(Clone, Copy)]
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

impl Step<'_> {
    fn to_seg(self) -> Seg {
        match self {
            Step::Key(key) => Seg::Key(key.to_string()),
            Step::Index(i) => Seg::Index(i),
        }
    }
}

fn walk<'v>(
    value: &'v Value,
    path: &mut Vec<Step<'v>>,
    out: &mut Vec<(Vec<Step<'v>>, String)>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    match value {
        Value::Record(fields) => {
            // a name/value pair: `{ Name: "DB_PASSWORD", Value: "..." }`
            if fields.len() >= 2
                && let (Some(name), Some(v)) =
                    (get(value, "Name").and_then(as_str), get(value, "Value"))
                && is_secret_name(name)
                && is_plain(v)
            {
                path.push(Step::Key("Value"));
                out.push((path.clone(), name.to_string()));
                path.pop();
            }
            for (key, field) in fields.iter() {
                path.push(Step::Key(key));
                // the name first: its last letter rules out most keys without reading the value
                if is_secret_name(key) && is_plain(field) {
                    out.push((path.clone(), key.to_string()));
                } else {
                    walk(field, path, out, depth + 1);
                }
                path.pop();
            }
        }
        Value::List(list) => {
            for (i, item) in list.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path, out, depth + 1);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{SECRET_ENDINGS, is_secret_name};

    /// The fast test agrees with the definition: the name's ASCII letters and digits,
    /// lower-cased, end with one of the endings.
    #[test]
    fn secret_names_follow_the_definition() {
        let definition = |name: &str| {
            let normal: String = name
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            SECRET_ENDINGS.iter().any(|e| normal.ends_with(e))
        };
        let mut names: Vec<String> = ["", "a", "t", "et", "-_-", "Ä", "ÄPassword", "Passwort"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for ending in SECRET_ENDINGS {
            let upper = ending.to_ascii_uppercase();
            let split = format!("{}_{}", &ending[..2], &ending[2..]);
            for word in [
                ending,
                &upper,
                &split,
                &ending[1..],
                &ending[..ending.len() - 1],
            ] {
                for (before, after) in [("", ""), ("My_", ""), ("", "s"), ("", "_-"), ("é", "1")] {
                    names.push(format!("{before}{word}{after}"));
                }
            }
        }
        let mut secret = 0;
        for name in &names {
            assert_eq!(is_secret_name(name), definition(name), "{name}");
            secret += usize::from(definition(name));
        }
        assert!(secret > SECRET_ENDINGS.len() * 4, "{secret}");
    }

    #[test]
    fn secret_names() {
        for name in [
            "MasterUserPassword",
            "SecretString",
            "DB_PASSWORD",
            "api-token",
            "ClientSecret",
            "GITHUB_TOKEN",
            "ApiKey",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "SecretArn",
            "TokenValidityUnits",
            "PasswordLength",
            "AWS_SECRETS_NAME",
            "KmsKeyId",
            "SecretId",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
