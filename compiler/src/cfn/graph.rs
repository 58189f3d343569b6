//! The resource graph of a build (`cvl graph`): stacks as clusters, resources as nodes, and
//! references as edges: `Ref`, `Fn::GetAtt`, the variables of `Fn::Sub`, `DependsOn`, and
//! `Fn::ImportValue` of another stack's export. An edge goes from the resource that refers to
//! the one it refers to (which CloudFormation creates first). Read from the templates alone,
//! so it shows exactly what was built; each node also carries where its resource is declared
//! (from the build's origins). Rendered as Graphviz DOT or Mermaid; no IO.

use crate::project::{BuildOutput, SourcePlace};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// How one resource refers to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum EdgeKind {
    Ref,
    GetAtt,
    Sub,
    DependsOn,
    /// `Fn::ImportValue` of an export of another stack.
    Import,
}

impl EdgeKind {
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::Ref => "Ref",
            EdgeKind::GetAtt => "GetAtt",
            EdgeKind::Sub => "Sub",
            EdgeKind::DependsOn => "DependsOn",
            EdgeKind::Import => "import",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// In deploy order.
    pub stacks: Vec<GraphStack>,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GraphStack {
    pub name: String,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The logical ID.
    pub id: String,
    #[serde(rename = "type")]
    pub type_name: String,
    /// Where the resource is declared (the name in its `resource` declaration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decl: Option<SourcePlace>,
    /// The component instances it was declared through, outermost first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<SourcePlace>,
}

/// A resource, by stack index (into [`Graph::stacks`]) and logical ID.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NodeRef {
    pub stack: String,
    pub id: String,
}

/// `from` refers to `to`, in the ways listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: NodeRef,
    pub to: NodeRef,
    pub kinds: Vec<EdgeKind>,
}

/// The graph of a build's templates.
pub fn graph(output: &BuildOutput) -> Graph {
    // export name -> (stack index, the output's value)
    let mut exports: BTreeMap<String, (usize, &Json)> = BTreeMap::new();
    let templates: Vec<Json> = output.stacks.iter().map(|s| s.template()).collect();
    for (index, template) in templates.iter().enumerate() {
        if let Some(Json::Object(outputs)) = template.get("Outputs") {
            for output in outputs.values() {
                if let (Some(name), Some(value)) = (
                    output
                        .get("Export")
                        .and_then(|e| e.get("Name"))
                        .and_then(Json::as_str),
                    output.get("Value"),
                ) {
                    exports.insert(name.to_string(), (index, value));
                }
            }
        }
    }
    let origins: BTreeMap<(&str, &str), &crate::project::ResourceOrigin> = output
        .origins
        .iter()
        .map(|o| ((o.stack.as_str(), o.logical_id.as_str()), o))
        .collect();
    let mut stacks = Vec::new();
    let mut edges: BTreeMap<(usize, String, usize, String), Vec<EdgeKind>> = BTreeMap::new();
    let mut order: Vec<(usize, String, usize, String)> = Vec::new();
    for (index, stack) in output.stacks.iter().enumerate() {
        let empty = serde_json::Map::new();
        let resources = templates[index]
            .get("Resources")
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let nodes = resources
            .iter()
            .map(|(id, r)| {
                let origin = origins.get(&(stack.name.as_str(), id.as_str()));
                Node {
                    id: id.clone(),
                    type_name: r
                        .get("Type")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    decl: origin.map(|o| o.decl.clone()),
                    via: origin.map(|o| o.via.clone()).unwrap_or_default(),
                }
            })
            .collect();
        stacks.push(GraphStack {
            name: stack.name.clone(),
            nodes,
        });
        for (id, resource) in resources {
            let mut found = Vec::new();
            if let Some(properties) = resource.get("Properties") {
                references(properties, &mut found, 0);
            }
            match resource.get("DependsOn") {
                Some(Json::String(target)) => {
                    found.push((Target::Local(target.clone()), EdgeKind::DependsOn))
                }
                Some(Json::Array(targets)) => found.extend(
                    targets
                        .iter()
                        .filter_map(Json::as_str)
                        .map(|t| (Target::Local(t.to_string()), EdgeKind::DependsOn)),
                ),
                _ => {}
            }
            for (target, kind) in found {
                let to = match target {
                    Target::Local(name) if resources.contains_key(&name) && name != *id => {
                        (index, name)
                    }
                    Target::Local(_) => continue,
                    Target::Export(name) => {
                        let Some((producer, value)) = exports.get(&name) else {
                            continue;
                        };
                        let mut inner = Vec::new();
                        references(value, &mut inner, 0);
                        let Some((Target::Local(name), _)) = inner.into_iter().next() else {
                            continue;
                        };
                        (*producer, name)
                    }
                };
                let key = (index, id.clone(), to.0, to.1);
                let kinds = edges.entry(key.clone()).or_default();
                if kinds.is_empty() {
                    order.push(key);
                }
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                    kinds.sort();
                }
            }
        }
    }
    let name = |i: usize| output.stacks[i].name.clone();
    let edges = order
        .into_iter()
        .map(|key| {
            let kinds = edges.get(&key).cloned().unwrap_or_default();
            Edge {
                from: NodeRef {
                    stack: name(key.0),
                    id: key.1,
                },
                to: NodeRef {
                    stack: name(key.2),
                    id: key.3,
                },
                kinds,
            }
        })
        .collect();
    Graph { stacks, edges }
}

enum Target {
    /// A logical ID in the same template (or a parameter or pseudo parameter, filtered later).
    Local(String),
    /// An export name.
    Export(String),
}

/// The references inside a value: intrinsics, recursively.
fn references(value: &Json, out: &mut Vec<(Target, EdgeKind)>, depth: usize) {
    if depth > 64 {
        return;
    }
    match value {
        Json::Object(map) if map.len() == 1 => {
            let (key, arg) = map.iter().next().expect("one entry");
            match (key.as_str(), arg) {
                ("Ref", Json::String(name)) => {
                    out.push((Target::Local(name.clone()), EdgeKind::Ref))
                }
                ("Fn::GetAtt", Json::Array(parts)) => {
                    if let Some(name) = parts.first().and_then(Json::as_str) {
                        out.push((Target::Local(name.to_string()), EdgeKind::GetAtt));
                    }
                }
                ("Fn::GetAtt", Json::String(dotted)) => {
                    let name = dotted.split('.').next().unwrap_or_default();
                    out.push((Target::Local(name.to_string()), EdgeKind::GetAtt));
                }
                ("Fn::Sub", Json::String(text)) => sub_variables(text, out),
                ("Fn::Sub", Json::Array(parts)) => {
                    if let Some(text) = parts.first().and_then(Json::as_str) {
                        let defined: Vec<&String> = parts
                            .get(1)
                            .and_then(Json::as_object)
                            .map(|m| m.keys().collect())
                            .unwrap_or_default();
                        let mut found = Vec::new();
                        sub_variables(text, &mut found);
                        out.extend(found.into_iter().filter(
                            |(t, _)| !matches!(t, Target::Local(n) if defined.contains(&n)),
                        ));
                    }
                    for part in parts.iter().skip(1) {
                        references(part, out, depth + 1);
                    }
                }
                ("Fn::ImportValue", Json::String(name)) => {
                    out.push((Target::Export(name.clone()), EdgeKind::Import))
                }
                _ => references(arg, out, depth + 1),
            }
        }
        Json::Object(map) => {
            for item in map.values() {
                references(item, out, depth + 1);
            }
        }
        Json::Array(items) => {
            for item in items {
                references(item, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// `${Name}` and `${Name.Attr}` in a `Fn::Sub` string (`${!literal}` and `${AWS::Region}` are
/// not references to resources).
fn sub_variables(text: &str, out: &mut Vec<(Target, EdgeKind)>) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        if !inner.starts_with('!') && !inner.contains("::") {
            let name = inner.split('.').next().unwrap_or_default().trim();
            if !name.is_empty() {
                out.push((Target::Local(name.to_string()), EdgeKind::Sub));
            }
        }
        rest = &after[end + 1..];
    }
}

impl Graph {
    /// Graphviz DOT: `dot -Tsvg graph.dot > graph.svg`.
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph cvl {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
        );
        for stack in &self.stacks {
            out.push_str(&format!(
                "  subgraph {} {{\n",
                dot_id(&format!("cluster_{}", stack.name))
            ));
            out.push_str(&format!("    label={};\n", dot_id(&stack.name)));
            for node in &stack.nodes {
                out.push_str(&format!(
                    "    {} [label={}];\n",
                    dot_id(&format!("{}/{}", stack.name, node.id)),
                    dot_id(&format!("{}\n{}", node.id, node.type_name))
                ));
            }
            out.push_str("  }\n");
        }
        for edge in &self.edges {
            let label = edge
                .kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            let style = if edge.kinds.contains(&EdgeKind::Import) {
                ", style=dashed"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {} -> {} [label={}{style}];\n",
                dot_id(&format!("{}/{}", edge.from.stack, edge.from.id)),
                dot_id(&format!("{}/{}", edge.to.stack, edge.to.id)),
                dot_id(&label)
            ));
        }
        out.push_str("}\n");
        out
    }

    /// A Mermaid flowchart (renders in GitHub markdown inside a ```` ```mermaid ```` block).
    pub fn to_mermaid(&self) -> String {
        let index: BTreeMap<&str, usize> = self
            .stacks
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let node_id = |stack: &str, id: &str| {
            format!(
                "s{}_{}",
                index.get(stack).copied().unwrap_or(0),
                mermaid_safe(id)
            )
        };
        let mut out = String::from("flowchart LR\n");
        for (i, stack) in self.stacks.iter().enumerate() {
            out.push_str(&format!(
                "  subgraph stack{i}[\"{}\"]\n",
                mermaid_text(&stack.name)
            ));
            for node in &stack.nodes {
                out.push_str(&format!(
                    "    {}[\"{}<br/><small>{}</small>\"]\n",
                    node_id(&stack.name, &node.id),
                    mermaid_text(&node.id),
                    mermaid_text(&node.type_name)
                ));
            }
            out.push_str("  end\n");
        }
        for edge in &self.edges {
            let label = edge
                .kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ");
            let arrow = if edge.kinds.contains(&EdgeKind::Import) {
                "-.->"
            } else {
                "-->"
            };
            out.push_str(&format!(
                "  {} {arrow}|{}| {}\n",
                node_id(&edge.from.stack, &edge.from.id),
                mermaid_text(&label),
                node_id(&edge.to.stack, &edge.to.id)
            ));
        }
        out
    }
}

/// A quoted DOT identifier.
fn dot_id(text: &str) -> String {
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

fn mermaid_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Text inside a quoted Mermaid label.
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryLoader;

    const PROJECT: &str = r#"
stack network {
  resource Vpc: AWS::EC2::VPC { CidrBlock: "10.0.0.0/16" }
  resource Subnet: AWS::EC2::Subnet { VpcId: Vpc, CidrBlock: "10.0.0.0/24" }
}

stack app {
  resource Sg: AWS::EC2::SecurityGroup { GroupDescription: "app", VpcId: network.Vpc }
  resource Logs: AWS::Logs::LogGroup { RetentionInDays: 7 }
  resource Topic: AWS::SNS::Topic { DisplayName: "logs in ${Logs} of ${Logs.Arn}, sg ${Sg.GroupId}" } with { DependsOn: [Sg] }
}
"#;

    fn built() -> BuildOutput {
        let loader = MemoryLoader::new().with("main.cvl", PROJECT);
        let result = crate::build(&loader, "main.cvl", &[]);
        result
            .output
            .unwrap_or_else(|| panic!("{:?}", result.diagnostics))
    }

    fn edge_list(g: &Graph) -> Vec<String> {
        g.edges
            .iter()
            .map(|e| {
                format!(
                    "{}/{} -> {}/{} {:?}",
                    e.from.stack, e.from.id, e.to.stack, e.to.id, e.kinds
                )
            })
            .collect()
    }

    #[test]
    fn edges_for_refs_subs_depends_on_and_imports() {
        let g = graph(&built());
        let stacks: Vec<(&str, Vec<&str>)> = g
            .stacks
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.nodes.iter().map(|n| n.id.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            stacks,
            [
                ("network", vec!["Vpc", "Subnet"]),
                ("app", vec!["Sg", "Logs", "Topic"])
            ]
        );
        for node in g.stacks.iter().flat_map(|s| &s.nodes) {
            let decl = node
                .decl
                .as_ref()
                .expect("every node knows its declaration");
            assert_eq!(
                (decl.file.as_str(), &PROJECT[decl.span.start..decl.span.end]),
                ("main.cvl", node.id.as_str())
            );
        }
        assert_eq!(
            edge_list(&g),
            [
                "network/Subnet -> network/Vpc [Ref]",
                "app/Sg -> network/Vpc [Import]",
                "app/Topic -> app/Logs [Sub]",
                "app/Topic -> app/Sg [Sub, DependsOn]",
            ]
        );
    }

    #[test]
    fn dot_and_mermaid() {
        let g = graph(&built());
        let dot = g.to_dot();
        assert!(dot.starts_with("digraph cvl {\n"), "{dot}");
        assert!(dot.contains("  subgraph \"cluster_network\" {\n    label=\"network\";\n    \"network/Vpc\" [label=\"Vpc\\nAWS::EC2::VPC\"];\n"), "{dot}");
        assert!(
            dot.contains("  \"app/Sg\" -> \"network/Vpc\" [label=\"import\", style=dashed];\n"),
            "{dot}"
        );
        assert!(
            dot.contains("  \"app/Topic\" -> \"app/Sg\" [label=\"Sub, DependsOn\"];\n"),
            "{dot}"
        );
        assert!(dot.ends_with("}\n"));
        let mermaid = g.to_mermaid();
        assert!(mermaid.starts_with("flowchart LR\n  subgraph stack0[\"network\"]\n    s0_Vpc[\"Vpc<br/><small>AWS::EC2::VPC</small>\"]\n"), "{mermaid}");
        assert!(
            mermaid.contains("  s1_Sg -.->|import| s0_Vpc\n"),
            "{mermaid}"
        );
        assert!(
            mermaid.contains("  s1_Topic -->|Sub, DependsOn| s1_Sg\n"),
            "{mermaid}"
        );
    }

    #[test]
    fn sub_variables_skip_literals_and_pseudo_parameters() {
        let mut out = Vec::new();
        sub_variables(
            "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Role.Arn}",
            &mut out,
        );
        let names: Vec<String> = out
            .into_iter()
            .map(|(t, _)| match t {
                Target::Local(n) | Target::Export(n) => n,
            })
            .collect();
        assert_eq!(names, ["Bucket", "Role"]);
    }
}
