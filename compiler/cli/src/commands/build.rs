//! `cvl build`: templates and manifest, written all at once or not at all.

use super::{elapsed, open_target};
use crate::disk_loader::DiskLoader;
use crate::render::{Reporter, count_summary};
use crate::staging::{Staging, recover_output};
use crate::{BuildArgs, EXIT_SOURCE_ERRORS, EXIT_USAGE, TemplateFormat};
use std::time::Instant;

pub fn run(args: BuildArgs) -> u8 {
    let started = Instant::now();
    let reporter = Reporter::new(args.message_format);
    recover_output(&args.out);
    let (target, project) = match open_target(&args.args, &reporter) {
        Ok(opened) => opened,
        Err(status) => return status,
    };
    let loader = DiskLoader::new(&project.root);
    let mut staging = Staging::new(&args.out);
    // JSON templates are written into the staging folder while the build goes on (one
    // template's text at a time in memory, the writing beside the evaluation); the first
    // failure to write, and a stack whose name cannot be a file's, are reported once the
    // build is done.
    let mut write_error: Option<String> = None;
    let result = match args.format {
        TemplateFormat::Json => {
            cvl::build_streaming(&loader, &project.entry, &target.params, &mut |part| {
                if write_error.is_some() || !is_file_name_safe(&part.stack) {
                    return;
                }
                let file = format!("{}.template.json", part.stack);
                let written = if part.last {
                    staging.append(&file, &part.text)
                } else {
                    staging.write(&file, &part.text)
                };
                write_error = written.err();
            })
        }
        TemplateFormat::Yaml => cvl::build(&loader, &project.entry, &target.params),
    };
    reporter.diagnostics(&result.diagnostics, &result.sources);
    if result.diagnostics.iter().any(|d| d.is_error()) {
        reporter.note(&format!(
            "build failed: {}; nothing was written",
            count_summary(&result.diagnostics)
        ));
        return EXIT_SOURCE_ERRORS;
    }
    let Some(output) = result.output else {
        reporter.io_error("the compiler returned neither templates nor errors (a bug in cvl); nothing was written", None);
        return EXIT_SOURCE_ERRORS;
    };

    let shown_out = args.out.display().to_string();
    let mut resources = 0;
    for stack in &output.stacks {
        if !is_file_name_safe(&stack.name) {
            reporter.io_error(
                &format!("cannot name a file after the stack `{}`", stack.name),
                None,
            );
            return EXIT_USAGE;
        }
        resources += stack.resources;
        if args.format == TemplateFormat::Yaml && write_error.is_none() {
            let text = cvl::cfn::yaml::to_yaml_string(&stack.template());
            write_error = staging
                .write(&format!("{}.template.yaml", stack.name), &text)
                .err();
        }
    }
    let mut manifest = output.manifest.clone();
    if args.format == TemplateFormat::Yaml {
        name_yaml_templates(&mut manifest);
    }
    let manifest = cvl::project::to_json_string(&manifest);
    let written = match write_error {
        Some(message) => Err(message),
        None => staging
            .write("manifest.json", &manifest)
            .and_then(|()| staging.commit()),
    };
    if let Err(message) = written {
        reporter.io_error(&message, Some(&shown_out));
        return EXIT_USAGE;
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut shown = shown_out;
    if !shown.ends_with('/') {
        shown.push('/');
    }
    reporter.note(&format!(
        "built {} ({}) into {shown} in {}",
        plural(output.stacks.len(), "stack"),
        plural(resources, "resource"),
        elapsed(started.elapsed())
    ));
    // The process ends now: freeing the templates' trees and texts one node at a time cost
    // about a tenth of a large build (docs/performance.md, F5), and the OS takes it all back.
    std::mem::forget(output);
    std::mem::forget(result.sources);
    0
}

/// The manifest names each stack's template file (`"template": "backend.template.json"`);
/// with `--format yaml` the files are `.template.yaml`.
fn name_yaml_templates(manifest: &mut serde_json::Value) {
    let stacks = manifest.get_mut("stacks").and_then(|s| s.as_array_mut());
    for stack in stacks.into_iter().flatten() {
        if let Some(serde_json::Value::String(file)) = stack.get_mut("template")
            && let Some(base) = file.strip_suffix(".template.json")
        {
            *file = format!("{base}.template.yaml");
        }
    }
}

/// Stack names come from identifiers; this keeps a file name from ever leaving the folder.
fn is_file_name_safe(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yaml_build_names_yaml_files_in_the_manifest() {
        let mut m = serde_json::json!({ "stacks": [{ "name": "a", "template": "a.template.json" }, { "name": "b" }] });
        name_yaml_templates(&mut m);
        assert_eq!(m["stacks"][0]["template"], "a.template.yaml");
        let mut odd = serde_json::json!({ "stacks": 3 });
        name_yaml_templates(&mut odd);
    }

    #[test]
    fn stack_file_names_are_plain() {
        assert!(is_file_name_safe("backend"));
        assert!(is_file_name_safe("api-v2"));
        assert!(!is_file_name_safe("../x"));
        assert!(!is_file_name_safe("a/b"));
        assert!(!is_file_name_safe(""));
    }
}
