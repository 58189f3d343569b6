//! Lowering to text against templates written by the tree-building lowering it replaced
//! (`testdata/edge-*.template.json`, from main's `cvl build testdata/edge.cvl env=a`): the
//! stack's tags merged into a resource's own tags (which then move after the properties that
//! followed them), null properties left out, `Fn::Sub` with a variable map, a cross-stack
//! import and its export, `DependsOn`, `DeletionPolicy`.

use crate::MemoryLoader;

#[test]
fn templates_are_byte_identical_to_the_tree_lowering() {
    let loader = MemoryLoader::new().with("main.cvl", include_str!("testdata/edge.cvl"));
    let params = [("env".to_string(), "a".to_string())];
    let result = crate::build(&loader, "main.cvl", &params);
    let output = result
        .output
        .unwrap_or_else(|| panic!("{:?}", result.diagnostics));
    let expected = [
        ("one", include_str!("testdata/edge-one.template.json")),
        ("two", include_str!("testdata/edge-two.template.json")),
    ];
    assert_eq!(output.stacks.len(), expected.len());
    for (stack, (name, text)) in output.stacks.iter().zip(expected) {
        assert_eq!(stack.name, name);
        assert_eq!(stack.text, text, "{name}");
        assert_eq!(stack.resources, 2, "{name}");
        // the tree read back writes the same text
        assert_eq!(crate::project::to_json_string(&stack.template()), text);
    }
}
