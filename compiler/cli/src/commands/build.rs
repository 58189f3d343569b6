//! `cvl build`: templates and manifest, written all at once or not at all.

use super::{elapsed, open_target};
use crate::disk_loader::{DiskLoader, io_reason};
use crate::render::{Reporter, count_summary};
use crate::{BuildArgs, EXIT_SOURCE_ERRORS, EXIT_USAGE, TemplateFormat};
use std::io::Write as _;
use std::path::{Path, PathBuf};
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
    let result = cvl::build(&loader, &project.entry, &target.params);
    reporter.diagnostics(&result.diagnostics, &result.sources);
    if result.diagnostics.iter().any(|d| d.is_error()) {
        reporter.note(&format!(
            "build failed: {}; nothing was written",
            count_summary(&result.diagnostics)
        ));
        return EXIT_SOURCE_ERRORS;
    }
    let Some(mut output) = result.output else {
        reporter.io_error("the compiler returned neither templates nor errors (a bug in cvl); nothing was written", None);
        return EXIT_SOURCE_ERRORS;
    };

    let mut files = Vec::with_capacity(output.stacks.len() + 1);
    let mut resources = 0;
    for stack in &mut output.stacks {
        if !is_file_name_safe(&stack.name) {
            reporter.io_error(
                &format!("cannot name a file after the stack `{}`", stack.name),
                None,
            );
            return EXIT_USAGE;
        }
        resources += stack.resources;
        let (extension, text) = match args.format {
            // lowering already wrote the JSON text
            TemplateFormat::Json => ("json", std::mem::take(&mut stack.text)),
            TemplateFormat::Yaml => ("yaml", cvl::cfn::yaml::to_yaml_string(&stack.template())),
        };
        files.push((format!("{}.template.{extension}", stack.name), text));
    }
    let mut manifest = output.manifest.clone();
    if args.format == TemplateFormat::Yaml {
        name_yaml_templates(&mut manifest);
    }
    files.push((
        "manifest.json".to_string(),
        cvl::project::to_json_string(&manifest),
    ));

    if let Err(message) = write_atomically(&args.out, &files) {
        reporter.io_error(&message, Some(&args.out.display().to_string()));
        return EXIT_USAGE;
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut shown = args.out.display().to_string();
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
    std::mem::forget(files);
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

/// Writes `files` (name, text) as the whole content of the folder `out`: into a fresh sibling
/// folder `<out>.tmp-<pid>` first, which then takes the place of `out` by renames (the old
/// folder is moved aside to `<out>.old-<pid>` and removed). A failure at any point leaves the
/// previous `out` as it was. An existing `out` is replaced only when it is empty or holds a
/// `manifest.json` (that is, when cvl wrote it): a mistyped `--out src` never deletes sources.
pub fn write_atomically(out: &Path, files: &[(String, String)]) -> Result<(), String> {
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        format!(
            "`--out {}` must name a folder (such as `out`)",
            out.display()
        )
    })?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let shown = out.display();
    std::fs::create_dir_all(&parent)
        .map_err(|e| format!("cannot create `{}`: {}", parent.display(), io_reason(&e)))?;
    let exists = match std::fs::symlink_metadata(out) {
        Ok(meta) if meta.is_dir() => true,
        Ok(_) => return Err(format!("`{shown}` exists and is not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(format!("cannot read `{shown}`: {}", io_reason(&e))),
    };
    if exists && !out.join("manifest.json").is_file() {
        let empty = std::fs::read_dir(out)
            .map_err(|e| format!("cannot read `{shown}`: {}", io_reason(&e)))?
            .next()
            .is_none();
        if !empty {
            return Err(format!(
                "refusing to replace `{shown}`: it is not empty and has no manifest.json, so cvl did not write it; \
                 remove it or choose another --out"
            ));
        }
    }

    let pid = std::process::id();
    let tmp = parent.join(format!("{name}.tmp-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let fail = |message: String| {
        let _ = std::fs::remove_dir_all(&tmp);
        message
    };
    std::fs::create_dir(&tmp).map_err(|e| {
        fail(format!(
            "cannot create `{}`: {}",
            tmp.display(),
            io_reason(&e)
        ))
    })?;
    for (file, text) in files {
        let path = tmp.join(file);
        write_file(&path, text).map_err(|e| {
            fail(format!(
                "cannot write `{}`: {}",
                path.display(),
                io_reason(&e)
            ))
        })?;
    }

    if !exists {
        return std::fs::rename(&tmp, out)
            .map_err(|e| fail(format!("cannot create `{shown}`: {}", io_reason(&e))));
    }
    let old = parent.join(format!("{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&old);
    std::fs::rename(out, &old)
        .map_err(|e| fail(format!("cannot replace `{shown}`: {}", io_reason(&e))))?;
    if let Err(e) = std::fs::rename(&tmp, out) {
        let _ = std::fs::rename(&old, out);
        return Err(fail(format!("cannot replace `{shown}`: {}", io_reason(&e))));
    }
    // The new output is in place; a leftover old folder is only clutter.
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Writes one file of the temporary output folder. No `fsync`: atomicity comes from writing
/// into a fresh folder and renaming it into place, which an interrupted build cannot
/// half-do; syncing every file cost more than the whole build (docs/performance.md, F1).
/// Tidies up after builds that were killed midway (`<out>.tmp-<pid>` and `<out>.old-<pid>`
/// folders of processes that no longer run). A build killed between its two renames leaves
/// `out` missing and the previous output in `<out>.old-<pid>`: that folder is put back, so the
/// previous output is in place again even if this build then fails. The others are removed.
/// Runs before anything is compiled; errors are ignored (the folders are only clutter).
pub fn recover_output(out: &Path) {
    let Some(name) = out.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(entries) = std::fs::read_dir(&parent) else {
        return;
    };
    let mut found: Vec<(bool, PathBuf)> = Vec::new();
    for entry in entries.flatten() {
        let Ok(file_name) = entry.file_name().into_string() else {
            continue;
        };
        let Some(rest) = file_name.strip_prefix(name) else {
            continue;
        };
        let (old, pid) = match (rest.strip_prefix(".old-"), rest.strip_prefix(".tmp-")) {
            (Some(pid), _) => (true, pid),
            (_, Some(pid)) => (false, pid),
            _ => continue,
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && !is_running(pid) {
            found.push((old, entry.path()));
        }
    }
    found.sort();
    for (old, path) in found {
        if old && !out.exists() {
            let _ = std::fs::rename(&path, out);
        } else {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Whether a process runs. Linux lists running processes in `/proc`; where there is no such
/// list, every process counts as running, so the folders of another build are never touched.
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(n: &str) -> Vec<(String, String)> {
        vec![
            ("a.template.json".into(), format!("{n}\n")),
            ("manifest.json".into(), "{}\n".into()),
        ]
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_whole_folder_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("nested/out");
        write_atomically(&out, &files("1")).unwrap();
        std::fs::write(out.join("stale.template.json"), "old").unwrap();
        write_atomically(&out, &files("2")).unwrap();
        assert_eq!(listing(&out), ["a.template.json", "manifest.json"]);
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "2\n"
        );
        assert_eq!(listing(&dir.path().join("nested")), ["out"]);
    }

    #[test]
    fn never_replaces_a_folder_cvl_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("main.cvl"), "keep").unwrap();
        let err = write_atomically(&src, &files("1")).unwrap_err();
        assert!(err.contains("refusing to replace"), "{err}");
        assert_eq!(listing(&src), ["main.cvl"]);
        assert_eq!(listing(dir.path()), ["src"]);
        // an empty folder is fine
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        write_atomically(&empty, &files("1")).unwrap();
        // a file is not
        std::fs::write(dir.path().join("file"), "").unwrap();
        assert!(write_atomically(&dir.path().join("file"), &files("1")).is_err());
        assert!(write_atomically(Path::new(".."), &files("1")).is_err());
    }

    #[test]
    fn a_failed_write_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_atomically(&out, &files("1")).unwrap();
        let bad = vec![
            ("a.template.json".to_string(), "2".to_string()),
            ("no/such/dir.json".to_string(), String::new()),
        ];
        assert!(write_atomically(&out, &bad).is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("a.template.json")).unwrap(),
            "1\n"
        );
        assert_eq!(listing(dir.path()), ["out"]);
    }

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
