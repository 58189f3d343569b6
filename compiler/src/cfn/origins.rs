//! Where each resource of a build is declared: the `resource` declaration's name, and the
//! component instances (`let api = ecs.Service { ... }`) it was declared through, so that a
//! front end can show a resource of the output in the source (the playground's graph, a click
//! on a node). Read from the evaluator after evaluation; the templates do not change.

use crate::eval::interp::Interp;
use crate::eval::value::ScopeIdx;
use crate::policy::locate::{instance_chain_places, instance_sites};
use crate::project::{ResourceOrigin, SourcePlace};
use rustc_hash::FxHashMap;

/// The origin of every resource that made it into a stack, in stack then declaration order.
pub fn origins(interp: &Interp<'_>) -> Vec<ResourceOrigin> {
    let sites = instance_sites(interp);
    // The resources of one scope (one instance of a component) share their chain of instances:
    // it comes from the scope's logical-ID prefix, its component and its stack.
    let mut chains: FxHashMap<(ScopeIdx, usize), Vec<usize>> = FxHashMap::default();
    let mut out = Vec::with_capacity(interp.resources.len());
    for stack in &interp.stacks {
        for (logical_id, &index) in &stack.resources {
            let data = &interp.resources[index];
            if data.failed {
                continue;
            }
            let chain = chains
                .entry((data.scope, data.stack))
                .or_insert_with(|| instance_chain_places(interp, index, &sites));
            let via = chain
                .iter()
                .map(|&place| SourcePlace {
                    file: sites[place].file.clone(),
                    span: sites[place].span,
                })
                .collect();
            out.push(ResourceOrigin {
                stack: stack.name.clone(),
                logical_id: logical_id.clone(),
                decl: SourcePlace {
                    file: interp.file_of(data.scope).to_string(),
                    span: data.decl.name.span,
                },
                via,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::MemoryLoader;

    #[test]
    fn resources_point_at_their_declaration_and_the_instances_around_them() {
        let main = "import std.vpc\nstack net {\n  let network = vpc.Network { name: \"n\" }\n  resource Topic: AWS::SNS::Topic {}\n}\n";
        let result = crate::build(&MemoryLoader::new().with("main.cvl", main), "main.cvl", &[]);
        let output = result
            .output
            .unwrap_or_else(|| panic!("{:?}", result.diagnostics));
        let topic = output
            .origins
            .iter()
            .find(|o| o.logical_id == "Topic")
            .expect("the topic has an origin");
        assert_eq!(
            (topic.stack.as_str(), topic.decl.file.as_str()),
            ("net", "main.cvl")
        );
        assert_eq!(&main[topic.decl.span.start..topic.decl.span.end], "Topic");
        assert!(topic.via.is_empty());
        let from_vpc: Vec<_> = output
            .origins
            .iter()
            .filter(|o| o.decl.file == "std/vpc.cvl")
            .collect();
        assert!(!from_vpc.is_empty(), "{:?}", output.origins);
        for origin in from_vpc {
            assert_eq!(origin.via.len(), 1, "{origin:?}");
            assert_eq!(origin.via[0].file, "main.cvl");
            assert_eq!(
                &main[origin.via[0].span.start..origin.via[0].span.end],
                "network"
            );
        }
        // every resource of every template has exactly one origin
        let ids: usize = output
            .stacks
            .iter()
            .map(|s| s.template()["Resources"].as_object().map_or(0, |r| r.len()))
            .sum();
        assert_eq!(output.origins.len(), ids);
    }
}
