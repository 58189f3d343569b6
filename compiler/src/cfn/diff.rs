//! What differs between two builds (`cvl diff . env=gamma env=prod`): per stack, per resource
//! (and parameter, output, template field), property by property, with JSON paths. Plain data;
//! the CLI renders it for a terminal or as JSON.

use crate::project::BuildOutput;
use serde::Serialize;
use serde_json::Value as Json;

/// How an entry differs between the two builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only in the second build.
    Added,
    /// Only in the first build.
    Removed,
    /// In both, with different content.
    Changed,
}

/// Everything that differs, stack by stack (stacks in the first build's deploy order, then
/// those only in the second).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Diff {
    pub stacks: Vec<StackDiff>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StackDiff {
    pub name: String,
    pub status: Status,
    /// Resources, parameters, outputs and template fields that differ (empty for a stack that
    /// is only in one build: its entries are all added or removed).
    pub entries: Vec<EntryDiff>,
}

/// One resource (`Resources`), parameter (`Parameters`), output (`Outputs`), or a template
/// field (section `""`, id `Description`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntryDiff {
    pub section: String,
    pub id: String,
    /// The resource type (of the second build's resource when both have one).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    pub status: Status,
    /// For a changed entry, the values that differ, deepest first-differing path each.
    pub changes: Vec<Change>,
}

/// A value that differs at a JSON path inside an entry (`Properties.Tags[1].Value`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub path: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Json>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.stacks.is_empty()
    }

    /// Counts of entries added, removed and changed, over every stack.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut counts = (0, 0, 0);
        for stack in &self.stacks {
            for entry in &stack.entries {
                match entry.status {
                    Status::Added => counts.0 += 1,
                    Status::Removed => counts.1 += 1,
                    Status::Changed => counts.2 += 1,
                }
            }
        }
        counts
    }
}

/// The sections of a template compared entry by entry.
const SECTIONS: [&str; 5] = [
    "Parameters",
    "Conditions",
    "Mappings",
    "Resources",
    "Outputs",
];

/// What differs from build `a` to build `b`.
pub fn diff(a: &BuildOutput, b: &BuildOutput) -> Diff {
    let mut stacks = Vec::new();
    for stack in &a.stacks {
        match b.stacks.iter().find(|s| s.name == stack.name) {
            Some(other) => {
                let entries = diff_template(&stack.template(), &other.template());
                if !entries.is_empty() {
                    stacks.push(StackDiff {
                        name: stack.name.clone(),
                        status: Status::Changed,
                        entries,
                    });
                }
            }
            None => stacks.push(StackDiff {
                name: stack.name.clone(),
                status: Status::Removed,
                entries: whole(&stack.template(), Status::Removed),
            }),
        }
    }
    for stack in &b.stacks {
        if !a.stacks.iter().any(|s| s.name == stack.name) {
            stacks.push(StackDiff {
                name: stack.name.clone(),
                status: Status::Added,
                entries: whole(&stack.template(), Status::Added),
            });
        }
    }
    Diff { stacks }
}

/// Every entry of a template that is only in one build.
fn whole(template: &Json, status: Status) -> Vec<EntryDiff> {
    let mut out = Vec::new();
    for section in SECTIONS {
        if let Some(Json::Object(entries)) = template.get(section) {
            for (id, value) in entries {
                out.push(EntryDiff {
                    section: section.into(),
                    id: id.clone(),
                    type_name: type_of(section, value),
                    status,
                    changes: Vec::new(),
                });
            }
        }
    }
    out
}

fn type_of(section: &str, value: &Json) -> Option<String> {
    (section == "Resources")
        .then(|| value.get("Type").and_then(Json::as_str).map(String::from))
        .flatten()
}

fn diff_template(a: &Json, b: &Json) -> Vec<EntryDiff> {
    let empty = serde_json::Map::new();
    let a_map = a.as_object().unwrap_or(&empty);
    let b_map = b.as_object().unwrap_or(&empty);
    let mut out = Vec::new();
    // template fields other than the sections (Description, Transform...)
    let fields = a_map
        .keys()
        .chain(b_map.keys().filter(|k| !a_map.contains_key(*k)));
    for key in fields.filter(|k| !SECTIONS.contains(&k.as_str())) {
        let (before, after) = (a_map.get(key), b_map.get(key));
        if before == after {
            continue;
        }
        let status = status_of(before, after);
        let mut changes = Vec::new();
        if status == Status::Changed {
            compare(
                String::new(),
                before.unwrap_or(&Json::Null),
                after.unwrap_or(&Json::Null),
                &mut changes,
            );
        }
        out.push(EntryDiff {
            section: String::new(),
            id: key.clone(),
            type_name: None,
            status,
            changes,
        });
    }
    for section in SECTIONS {
        let a_entries = a_map
            .get(section)
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let b_entries = b_map
            .get(section)
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        for (id, before) in a_entries {
            match b_entries.get(id) {
                None => out.push(EntryDiff {
                    section: section.into(),
                    id: id.clone(),
                    type_name: type_of(section, before),
                    status: Status::Removed,
                    changes: Vec::new(),
                }),
                Some(after) if after != before => {
                    let mut changes = Vec::new();
                    compare(String::new(), before, after, &mut changes);
                    out.push(EntryDiff {
                        section: section.into(),
                        id: id.clone(),
                        type_name: type_of(section, after).or_else(|| type_of(section, before)),
                        status: Status::Changed,
                        changes,
                    });
                }
                Some(_) => {}
            }
        }
        for (id, after) in b_entries {
            if !a_entries.contains_key(id) {
                out.push(EntryDiff {
                    section: section.into(),
                    id: id.clone(),
                    type_name: type_of(section, after),
                    status: Status::Added,
                    changes: Vec::new(),
                });
            }
        }
    }
    out
}

fn status_of(before: Option<&Json>, after: Option<&Json>) -> Status {
    match (before, after) {
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
        _ => Status::Changed,
    }
}

/// Records the differences between two values under `path`: objects key by key, lists of the
/// same length element by element, anything else as one change.
fn compare(path: String, a: &Json, b: &Json, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for (key, before) in x {
                let at = join(&path, key);
                match y.get(key) {
                    Some(after) => compare(at, before, after, out),
                    None => out.push(Change {
                        path: at,
                        status: Status::Removed,
                        before: Some(before.clone()),
                        after: None,
                    }),
                }
            }
            for (key, after) in y {
                if !x.contains_key(key) {
                    out.push(Change {
                        path: join(&path, key),
                        status: Status::Added,
                        before: None,
                        after: Some(after.clone()),
                    });
                }
            }
        }
        (Json::Array(x), Json::Array(y)) => {
            let common = x.len().min(y.len());
            for i in 0..common {
                compare(format!("{path}[{i}]"), &x[i], &y[i], out);
            }
            for (i, before) in x.iter().enumerate().skip(common) {
                out.push(Change {
                    path: format!("{path}[{i}]"),
                    status: Status::Removed,
                    before: Some(before.clone()),
                    after: None,
                });
            }
            for (i, after) in y.iter().enumerate().skip(common) {
                out.push(Change {
                    path: format!("{path}[{i}]"),
                    status: Status::Added,
                    before: None,
                    after: Some(after.clone()),
                });
            }
        }
        _ => out.push(Change {
            path,
            status: Status::Changed,
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

/// `Properties.Tags`, `Metadata["aws:cdk:path"]`: dotted for identifier-like keys, bracketed
/// and quoted otherwise.
fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", Json::String(key.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryLoader;

    const PROJECT: &str = r#"
param env: "gamma" | "prod"
let prod = env == "prod"

stack app {
  tags { Environment: env }
  resource Queue: AWS::SQS::Queue {
    QueueName: "orders-${env}",
    MessageRetentionPeriod: if prod { 1209600 } else { 345600 },
    "VisibilityTimeout": 30,
  }
  if prod {
    resource Dlq: AWS::SQS::Queue { QueueName: "orders-dlq" }
  }
  output queue = Queue
}

if !prod {
  resource Scratch: AWS::SNS::Topic {}
}
"#;

    fn build(env: &str) -> BuildOutput {
        let loader = MemoryLoader::new().with("main.cvl", PROJECT);
        let result = crate::build(&loader, "main.cvl", &[("env".into(), env.into())]);
        result
            .output
            .unwrap_or_else(|| panic!("{:?}", result.diagnostics))
    }

    #[test]
    fn the_same_build_has_no_differences() {
        assert!(diff(&build("gamma"), &build("gamma")).is_empty());
    }

    #[test]
    fn differences_by_stack_resource_and_path() {
        let d = diff(&build("gamma"), &build("prod"));
        let names: Vec<(&str, Status)> = d
            .stacks
            .iter()
            .map(|s| (s.name.as_str(), s.status))
            .collect();
        assert_eq!(names, [("app", Status::Changed), ("main", Status::Changed)]);
        let app = &d.stacks[0];
        let entries: Vec<(&str, &str, Status)> = app
            .entries
            .iter()
            .map(|e| (e.section.as_str(), e.id.as_str(), e.status))
            .collect();
        assert_eq!(
            entries,
            [
                ("", "Description", Status::Changed),
                ("Resources", "Queue", Status::Changed),
                ("Resources", "Dlq", Status::Added)
            ]
        );
        let queue = &app.entries[1];
        assert_eq!(queue.type_name.as_deref(), Some("AWS::SQS::Queue"));
        let changes: Vec<(&str, Status, Option<&Json>, Option<&Json>)> = queue
            .changes
            .iter()
            .map(|c| {
                (
                    c.path.as_str(),
                    c.status,
                    c.before.as_ref(),
                    c.after.as_ref(),
                )
            })
            .collect();
        assert_eq!(
            changes,
            [
                (
                    "Properties.QueueName",
                    Status::Changed,
                    Some(&Json::from("orders-gamma")),
                    Some(&Json::from("orders-prod"))
                ),
                (
                    "Properties.MessageRetentionPeriod",
                    Status::Changed,
                    Some(&Json::from(345600)),
                    Some(&Json::from(1209600))
                ),
                (
                    "Properties.Tags[0].Value",
                    Status::Changed,
                    Some(&Json::from("gamma")),
                    Some(&Json::from("prod"))
                ),
            ]
        );
        let main = &d.stacks[1];
        let entries: Vec<(&str, Status)> = main
            .entries
            .iter()
            .map(|e| (e.id.as_str(), e.status))
            .collect();
        assert_eq!(
            entries,
            [
                ("Description", Status::Changed),
                ("Scratch", Status::Removed)
            ]
        );
        assert_eq!(d.counts(), (1, 1, 3));
        // the JSON form names statuses in lower case
        let json = serde_json::to_value(&d).expect("serializes");
        assert_eq!(json["stacks"][0]["entries"][2]["status"], "added");
        assert_eq!(
            json["stacks"][0]["entries"][1]["changes"][0]["path"],
            "Properties.QueueName"
        );
    }

    #[test]
    fn stacks_only_in_one_build_list_their_entries() {
        let stack =
            |name: &str, template: Json| crate::project::StackTemplate::from_tree(name, &template);
        let a = BuildOutput {
            stacks: vec![stack(
                "old",
                serde_json::json!({ "Resources": { "T": { "Type": "AWS::SNS::Topic" } } }),
            )],
            manifest: Json::Null,
            origins: Vec::new(),
        };
        let b = BuildOutput {
            stacks: vec![stack(
                "new",
                serde_json::json!({ "Outputs": { "O": { "Value": "x" } } }),
            )],
            manifest: Json::Null,
            origins: Vec::new(),
        };
        let d = diff(&a, &b);
        type Entry<'a> = (&'a str, &'a str, Option<&'a str>);
        let got: Vec<(&str, Status, Vec<Entry>)> = d
            .stacks
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.status,
                    s.entries
                        .iter()
                        .map(|e| (e.section.as_str(), e.id.as_str(), e.type_name.as_deref()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "old",
                    Status::Removed,
                    vec![("Resources", "T", Some("AWS::SNS::Topic"))]
                ),
                ("new", Status::Added, vec![("Outputs", "O", None)]),
            ]
        );
    }

    #[test]
    fn paths_quote_keys_that_are_not_names() {
        assert_eq!(join("", "Properties"), "Properties");
        assert_eq!(
            join("Metadata", "aws:cdk:path"),
            "Metadata[\"aws:cdk:path\"]"
        );
        let mut out = Vec::new();
        compare(
            String::new(),
            &serde_json::json!({ "a": [1, 2], "b": 1 }),
            &serde_json::json!({ "a": [1], "c": 2 }),
            &mut out,
        );
        let paths: Vec<(&str, Status)> = out.iter().map(|c| (c.path.as_str(), c.status)).collect();
        assert_eq!(
            paths,
            [
                ("a[1]", Status::Removed),
                ("b", Status::Removed),
                ("c", Status::Added)
            ]
        );
    }
}
