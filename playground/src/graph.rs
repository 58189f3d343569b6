//! The resource graph of a build for the page's picture (`cvl::cfn::graph`): stacks with their
//! resources, where each resource is declared, and the references between them.

use crate::positions::place_json;
use cvl::cfn::graph::Graph;
use serde_json::{Value, json};

/// `{"stacks": [{"name", "nodes": [{"id", "type", "decl", "via"}]}], "edges": [{"from", "to",
/// "kinds"}]}`; `decl` is a place (`{file, line, column, start, end}`) or null, `via` the places
/// of the component instances the resource was declared through, outermost first.
pub fn graph_json(graph: &Graph, text_of: &dyn Fn(&str) -> Option<String>) -> Value {
    let place = |p: &cvl::SourcePlace| place_json(&p.file, p.span, text_of(&p.file).as_deref());
    let stacks: Vec<Value> = graph
        .stacks
        .iter()
        .map(|stack| {
            let nodes: Vec<Value> = stack
                .nodes
                .iter()
                .map(|node| {
                    json!({
                        "id": node.id,
                        "type": node.type_name,
                        "decl": node.decl.as_ref().map(place),
                        "via": node.via.iter().map(place).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "name": stack.name, "nodes": nodes })
        })
        .collect();
    let edges: Vec<Value> = graph
        .edges
        .iter()
        .map(|edge| {
            json!({
                "from": { "stack": edge.from.stack, "id": edge.from.id },
                "to": { "stack": edge.to.stack, "id": edge.to.id },
                "kinds": edge.kinds.iter().map(|k| k.label()).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "stacks": stacks, "edges": edges })
}
