//! `cvl fmt [PATH]... [--check]`: every `.cvl` file in the one canonical layout, comments kept
//! (`cvl::syntax::format`).
//!
//! A file with syntax errors is reported and left as it is; so is a file whose formatted text
//! would not parse back to the same program (a formatter bug, refused rather than written).
//! Files are replaced in one rename, never half-written. With `--check` nothing is written:
//! the files that would change are named on stdout, and the exit status is 1 if there are any.
//!
//! Exit status: 0 every file is (now) formatted; 1 syntax errors, refused files, or (with
//! `--check`) files that would change; 2 a path that cannot be read or written.

use crate::render::Reporter;
use crate::{EXIT_SOURCE_ERRORS, EXIT_USAGE, FmtArgs, MessageFormat};
use cvl::syntax::format::{FormatError, format_source};
use std::path::{Path, PathBuf};

/// What happened to one file.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Unchanged,
    /// Formatted (written, or with `--check` named).
    Changed,
    /// Syntax errors or a refusal: reported, left as it is.
    Refused,
    /// Could not be read or written: reported.
    Io,
}

pub fn run(args: FmtArgs) -> u8 {
    let reporter = Reporter::new(MessageFormat::Human);
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    let mut io_failed = false;
    for path in &paths {
        match cvl_files(path) {
            Ok(found) => files.extend(found),
            Err(message) => {
                reporter.io_error(&message, Some(&path.display().to_string()));
                io_failed = true;
            }
        }
    }
    let mut changed = 0;
    let mut refused = 0;
    for file in &files {
        match format_file(file, args.check, &reporter) {
            Outcome::Unchanged => {}
            Outcome::Changed => {
                changed += 1;
                if args.check {
                    println!("{}", file.display());
                }
            }
            Outcome::Refused => refused += 1,
            Outcome::Io => io_failed = true,
        }
    }
    let plural = |n: usize| if n == 1 { "file" } else { "files" };
    if args.check && changed > 0 {
        reporter.note(&format!(
            "{changed} {} would be reformatted (run `cvl fmt` to format)",
            plural(changed)
        ));
    } else if !args.check && changed > 0 {
        reporter.note(&format!("formatted {changed} {}", plural(changed)));
    }
    if refused > 0 {
        reporter.note(&format!(
            "{refused} {} left as {} (see above)",
            plural(refused),
            if refused == 1 { "it was" } else { "they were" }
        ));
    }
    if io_failed {
        EXIT_USAGE
    } else if refused > 0 || (args.check && changed > 0) {
        EXIT_SOURCE_ERRORS
    } else {
        0
    }
}

/// The `.cvl` files a PATH names: the file itself, or every `.cvl` file under a folder (hidden
/// folders skipped), sorted.
fn cvl_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("cannot read `{}`: {e}", folder.display()))?;
        for entry in entries.flatten() {
            let entry_path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            match entry.file_type() {
                Ok(kind) if kind.is_dir() && !hidden => folders.push(entry_path),
                Ok(kind)
                    if kind.is_file() && entry_path.extension().is_some_and(|e| e == "cvl") =>
                {
                    out.push(entry_path)
                }
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

fn format_file(file: &Path, check: bool, reporter: &Reporter) -> Outcome {
    let name = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            reporter.io_error(&format!("cannot read `{name}`: {e}"), Some(&name));
            return Outcome::Io;
        }
    };
    match format_source(&name, &text) {
        Ok(formatted) if formatted == text => Outcome::Unchanged,
        Ok(_) if check => Outcome::Changed,
        Ok(formatted) => match write_atomically(file, &formatted) {
            Ok(()) => Outcome::Changed,
            Err(e) => {
                reporter.io_error(&format!("cannot write `{name}`: {e}"), Some(&name));
                Outcome::Io
            }
        },
        Err(FormatError::Syntax(diagnostics)) => {
            let sources = indexmap::IndexMap::from([(name.clone(), text)]);
            reporter.diagnostics(&diagnostics, &sources);
            reporter.note(&format!("`{name}` has syntax errors: not formatted"));
            Outcome::Refused
        }
        Err(refusal @ FormatError::Changed(_)) => {
            let diagnostic = cvl::Diagnostic::error(
                cvl::Code::FormatRefused,
                name.clone(),
                cvl::Span::new(0, 0),
                format!("not formatted: {refusal}"),
            )
            .with_help("the formatter would change what this file means, a bug in cvl: please report it with the file");
            let sources = indexmap::IndexMap::from([(name.clone(), text)]);
            reporter.diagnostics(&[diagnostic], &sources);
            Outcome::Refused
        }
    }
}

/// Writes `text` into a temporary file beside `file`, then renames it over `file`.
fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = file.with_file_name(format!(".{name}.cvl-fmt-{}", std::process::id()));
    std::fs::write(&temp, text)?;
    if let Ok(meta) = std::fs::metadata(file) {
        let _ = std::fs::set_permissions(&temp, meta.permissions());
    }
    std::fs::rename(&temp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(paths: &[&Path], check: bool) -> FmtArgs {
        FmtArgs {
            paths: paths.iter().map(|p| p.to_path_buf()).collect(),
            check,
        }
    }

    #[test]
    fn formats_folders_in_place_and_check_names_what_would_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("lib")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        let messy = "// keep me\nlet a={x:1} // and me\n";
        std::fs::write(root.join("main.cvl"), messy).unwrap();
        std::fs::write(root.join("lib/net.cvl"), "let b = 2\n").unwrap();
        std::fs::write(root.join(".hidden/x.cvl"), "let   c=3").unwrap();
        std::fs::write(root.join("notes.txt"), "let   d=3").unwrap();

        assert_eq!(
            cvl_files(root).unwrap(),
            vec![root.join("lib/net.cvl"), root.join("main.cvl")]
        );
        assert_eq!(run(args(&[root], true)), EXIT_SOURCE_ERRORS);
        assert_eq!(
            std::fs::read_to_string(root.join("main.cvl")).unwrap(),
            messy,
            "--check writes nothing"
        );

        assert_eq!(run(args(&[root], false)), 0);
        assert_eq!(
            std::fs::read_to_string(root.join("main.cvl")).unwrap(),
            "// keep me\nlet a = { x: 1 } // and me\n"
        );
        assert_eq!(
            std::fs::read_to_string(root.join(".hidden/x.cvl")).unwrap(),
            "let   c=3"
        );
        assert_eq!(run(args(&[root], true)), 0, "formatted files pass --check");
    }

    #[test]
    fn syntax_errors_are_reported_and_the_file_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("broken.cvl");
        std::fs::write(&file, "let a = {\n").unwrap();
        assert_eq!(run(args(&[&file], false)), EXIT_SOURCE_ERRORS);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "let a = {\n");
        assert_eq!(
            run(args(&[&dir.path().join("missing.cvl")], false)),
            EXIT_USAGE
        );
    }
}
