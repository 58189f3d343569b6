//! The commands, and what they share: reading `PATH` and `NAME=VALUE` arguments.

pub mod build;
pub mod check;
pub mod diff;
pub mod fmt;
pub mod graph;
pub mod lsp;
pub mod params;

use crate::EXIT_USAGE;
use crate::disk_loader::Project;
use crate::render::Reporter;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// PATH and NAME=VALUE arguments, as given to `build` and `check`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The first argument without `=`, or `.`.
    pub path: PathBuf,
    /// NAME=VALUE pairs in command-line order.
    pub params: Vec<(String, String)>,
}

/// Splits positional arguments: PATH is the first one without `=`, the others are
/// `NAME=VALUE` (split at the first `=`). The error is a usage message (exit status 2).
pub fn split_args(args: &[String]) -> Result<Target, String> {
    let mut path: Option<PathBuf> = None;
    let mut params: Vec<(String, String)> = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            None if path.is_none() => path = Some(PathBuf::from(arg)),
            None => {
                return Err(format!(
                    "unexpected argument `{arg}`: give one PATH and then NAME=VALUE params (the PATH is `{}`)",
                    path.as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default()
                ));
            }
            Some((name, value)) => {
                if name.is_empty() {
                    return Err(format!("`{arg}` has no param name: write NAME=VALUE"));
                }
                if params.iter().any(|(n, _)| n == name) {
                    return Err(format!("the param `{name}` is given twice"));
                }
                params.push((name.to_string(), value.to_string()));
            }
        }
    }
    Ok(Target {
        path: path.unwrap_or_else(|| PathBuf::from(".")),
        params,
    })
}

/// Finds the project at `path`; a problem is reported and becomes the exit status (usage).
pub fn locate(path: &Path, reporter: &Reporter) -> Result<Project, u8> {
    Project::locate(path).map_err(|message| {
        reporter.io_error(&message, Some(&path.display().to_string()));
        EXIT_USAGE
    })
}

/// Reads the PATH and NAME=VALUE arguments of `build`, `check` and `graph` and finds the
/// project; a problem is reported and becomes the exit status (usage).
pub fn open_target(args: &[String], reporter: &Reporter) -> Result<(Target, Project), u8> {
    let target = split_args(args).map_err(|message| {
        reporter.io_error(&message, None);
        EXIT_USAGE
    })?;
    let project = locate(&target.path, reporter)?;
    Ok((target, project))
}

/// `12 ms`, `1.4 s`
pub fn elapsed(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn path_is_the_first_argument_without_equals() {
        let t = split_args(&args(&["env=gamma", "examples/canvalo", "branch=a=b"])).unwrap();
        assert_eq!(t.path, PathBuf::from("examples/canvalo"));
        assert_eq!(
            t.params,
            vec![
                ("env".into(), "gamma".into()),
                ("branch".into(), "a=b".into())
            ]
        );
        assert_eq!(split_args(&[]).unwrap().path, PathBuf::from("."));
        assert_eq!(
            split_args(&args(&["env="])).unwrap().params,
            vec![("env".into(), String::new())]
        );
        assert!(split_args(&args(&["a", "b"])).is_err());
        assert!(split_args(&args(&["=x"])).is_err());
        assert!(split_args(&args(&["env=a", "env=b"])).is_err());
    }
}
