//! Evaluation is deterministic: the same sources give byte-identical templates, whatever the
//! order in which files were loaded and whatever the hash seeds of the process.

use cvl::{MemoryLoader, project::to_json_string};
use proptest::prelude::*;

/// A generated program: lets of lists, records and strings, resources in a loop and in
/// components, an output per let.
fn program(values: &[(String, i64)], azs: usize, tags: &[String]) -> String {
    let mut text = String::from("param env: \"dev\" | \"prod\" = \"dev\"\n");
    for (i, (name, n)) in values.iter().enumerate() {
        text.push_str(&format!(
            "let v{i} = {{ name: \"{name}\", n: {n}, items: [for k in 0..{}: k * {n}] }}\n",
            i % 4
        ));
    }
    text.push_str("component Topic {\n  param label: string\n  resource Topic: AWS::SNS::Topic { DisplayName: label }\n  output arn = Topic\n}\n");
    text.push_str("stack s {\n");
    text.push_str(&format!(
        "  tags {{ {} }}\n",
        tags.iter()
            .enumerate()
            .map(|(i, t)| format!("T{i}: \"{t}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    text.push_str(&format!("  for i in 0..{azs} {{\n    resource Queue: AWS::SQS::Queue {{ QueueName: \"q-${{env}}-${{i}}\" }}\n  }}\n"));
    for (i, _) in values.iter().enumerate() {
        text.push_str(&format!(
            "  let t{i} = Topic {{ label: \"${{v{i}.name}}-${{len(v{i}.items)}}\" }}\n"
        ));
        text.push_str(&format!("  output o{i} = t{i}.arn\n"));
    }
    text.push_str("}\n");
    text
}

fn build(loader: &MemoryLoader) -> Vec<String> {
    let result = cvl::build(loader, "main.cvl", &[("env".into(), "prod".into())]);
    let output = result
        .output
        .unwrap_or_else(|| panic!("{:?}", result.diagnostics));
    output
        .stacks
        .iter()
        .map(|s| s.text.clone())
        .chain([to_json_string(&output.manifest)])
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn building_twice_and_in_any_file_order_gives_the_same_bytes(
        values in prop::collection::vec(("[a-z]{1,8}", -1000i64..1000), 1..6),
        azs in 1usize..4,
        tags in prop::collection::vec("[a-z]{1,6}", 0..4),
    ) {
        let main = program(&values, azs, &tags);
        let helper = "fn unused(x: int) -> int { x }\n";
        let forward = MemoryLoader::new().with("main.cvl", main.clone()).with("lib.cvl", helper);
        let backward = MemoryLoader::new().with("lib.cvl", helper).with("main.cvl", main);
        let first = build(&forward);
        prop_assert_eq!(&first, &build(&forward));
        prop_assert_eq!(&first, &build(&backward));
    }
}
