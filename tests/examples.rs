//! Every example builds for every value of its `env` param, deterministically, and its
//! templates are snapshotted.

use cvl_tests::{loader_for, repo_root};

#[test]
fn every_example_builds_for_every_env() {
    let examples = repo_root().join("examples");
    let mut dirs: Vec<_> = std::fs::read_dir(&examples)
        .expect("examples/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("main.cvl").exists())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no examples found");
    for dir in dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let loader = loader_for(&dir);
        let params = cvl::params(&loader, "main.cvl");
        assert!(
            params.diagnostics.is_empty(),
            "{name}: {:?}",
            params.diagnostics
        );
        let envs: Vec<String> = params
            .params
            .iter()
            .find(|p| p.name == "env")
            .map(|p| p.allowed.clone())
            .unwrap_or_default();
        let assignments: Vec<Vec<(String, String)>> = if envs.is_empty() {
            vec![Vec::new()]
        } else {
            envs.iter()
                .map(|e| vec![("env".to_string(), e.clone())])
                .collect()
        };
        for assignment in assignments {
            let label = assignment
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            let first = cvl::build(&loader, "main.cvl", &assignment);
            let rendered: Vec<String> = first
                .diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{}[{}] {} {:?}: {}",
                        if d.is_error() { "error" } else { "warning" },
                        d.code,
                        d.file,
                        d.span,
                        d.message
                    )
                })
                .collect();
            let output = first
                .output
                .unwrap_or_else(|| panic!("{name} {label} failed:\n{}", rendered.join("\n")));
            assert!(
                first.diagnostics.iter().all(|d| !d.is_error()),
                "{name} {label}: {rendered:?}"
            );
            // deterministic: a second build gives byte-identical templates
            let second = cvl::build(&loader, "main.cvl", &assignment)
                .output
                .expect("builds twice");
            assert_eq!(output, second, "{name} {label}: two builds differ");
            let mut snapshot = String::new();
            for stack in &output.stacks {
                snapshot.push_str(&format!("----- {}.template.json\n", stack.name));
                // the tree read back from the text writes the same text
                assert_eq!(
                    cvl::project::to_json_string(&stack.template()),
                    stack.text,
                    "{name} {label}: {} does not read back",
                    stack.name
                );
                snapshot.push_str(&stack.text);
            }
            snapshot.push_str("----- manifest.json\n");
            snapshot.push_str(&cvl::project::to_json_string(&output.manifest));
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(repo_root().join("tests/snapshots/examples"));
            settings.set_prepend_module_to_snapshot(false);
            settings.set_description(format!(
                "cvl build examples/{name} {}",
                label.replace(',', " ")
            ));
            settings.bind(|| {
                insta::assert_snapshot!(
                    format!("{name}__{}", label.replace(['=', ','], "_")),
                    snapshot
                )
            });
        }
    }
}
