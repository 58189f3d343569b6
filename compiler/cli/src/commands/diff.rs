//! `cvl diff PATH NAME=A NAME=B`: what differs between two builds, stack by stack, resource by
//! resource, property by property. The compiler computes the differences
//! (`cvl::cfn::diff`); this renders them for a terminal (colours only on a tty) or as JSON.

use super::locate;
use crate::disk_loader::DiskLoader;
use crate::render::{Reporter, count_summary};
use crate::{DiffArgs, DiffFormat, EXIT_SOURCE_ERRORS, EXIT_USAGE};
use cvl::cfn::diff::{Diff, Status};
use std::io::IsTerminal as _;
use std::path::PathBuf;

/// The two sides of a diff: a param given twice takes its first value in build A and its second
/// in build B; a param given once is the same in both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sides {
    pub path: PathBuf,
    pub a: Vec<(String, String)>,
    pub b: Vec<(String, String)>,
}

/// Splits `PATH NAME=A NAME=B [NAME=VALUE]...` into the two builds' params.
pub fn split_sides(args: &[String]) -> Result<Sides, String> {
    let mut path: Option<PathBuf> = None;
    let mut given: Vec<(String, Vec<String>)> = Vec::new();
    for arg in args {
        match arg.split_once('=') {
            None if path.is_none() => path = Some(PathBuf::from(arg)),
            None => {
                return Err(format!(
                    "unexpected argument `{arg}`: give one PATH and then NAME=VALUE params"
                ));
            }
            Some(("", _)) => return Err(format!("`{arg}` has no param name: write NAME=VALUE")),
            Some((name, value)) => match given.iter_mut().find(|(n, _)| n == name) {
                Some((_, values)) if values.len() >= 2 => {
                    return Err(format!("the param `{name}` is given more than twice"));
                }
                Some((_, values)) => values.push(value.to_string()),
                None => given.push((name.to_string(), vec![value.to_string()])),
            },
        }
    }
    if !given.iter().any(|(_, values)| values.len() == 2) {
        return Err(
            "name the two builds by giving one param twice, such as `env=gamma env=prod`"
                .to_string(),
        );
    }
    let side = |i: usize| {
        given
            .iter()
            .map(|(n, v)| (n.clone(), v.get(i).unwrap_or(&v[0]).clone()))
            .collect()
    };
    Ok(Sides {
        path: path.unwrap_or_else(|| PathBuf::from(".")),
        a: side(0),
        b: side(1),
    })
}

pub fn run(args: DiffArgs) -> u8 {
    let reporter = Reporter::new(args.message_format);
    let sides = match split_sides(&args.args) {
        Ok(s) => s,
        Err(message) => {
            reporter.io_error(&message, None);
            return EXIT_USAGE;
        }
    };
    let project = match locate(&sides.path, &reporter) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let loader = DiskLoader::new(&project.root);
    let mut outputs = Vec::new();
    for params in [&sides.a, &sides.b] {
        let result = cvl::build(&loader, &project.entry, params);
        let label = describe(params);
        if result.diagnostics.iter().any(|d| d.is_error()) || result.output.is_none() {
            reporter.diagnostics(&result.diagnostics, &result.sources);
            reporter.note(&format!(
                "the build with {label} failed: {}",
                count_summary(&result.diagnostics)
            ));
            return EXIT_SOURCE_ERRORS;
        }
        if !result.diagnostics.is_empty() {
            reporter.note(&format!(
                "the build with {label} has {} (`cvl check` shows them)",
                count_summary(&result.diagnostics)
            ));
        }
        outputs.extend(result.output);
    }
    let diff = cvl::cfn::diff::diff(&outputs[0], &outputs[1]);
    let text = match args.format {
        DiffFormat::Text => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render_text(&diff, &describe(&sides.a), &describe(&sides.b), colour)
        }
        DiffFormat::Json => {
            let json = serde_json::json!({ "a": pairs(&sides.a), "b": pairs(&sides.b), "stacks": diff.stacks });
            let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    print!("{text}");
    0
}

fn pairs(params: &[(String, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

/// `env=gamma branch=main`
fn describe(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// The differences for people:
///
/// ```text
/// --- env=gamma
/// +++ env=prod
/// stack backend
///   ~ Resources.Queue (AWS::SQS::Queue)
///       ~ Properties.QueueName: "orders-gamma" → "orders-prod"
///   + Resources.Dlq (AWS::SQS::Queue)
/// ```
pub fn render_text(diff: &Diff, a: &str, b: &str, colour: bool) -> String {
    let paint = |code: &str, text: String| {
        if colour {
            format!("{code}{text}{RESET}")
        } else {
            text
        }
    };
    let mark = |status: Status| match status {
        Status::Added => paint(GREEN, "+".into()),
        Status::Removed => paint(RED, "-".into()),
        Status::Changed => paint(YELLOW, "~".into()),
    };
    let mut out = format!(
        "{}\n{}\n",
        paint(RED, format!("--- {a}")),
        paint(GREEN, format!("+++ {b}"))
    );
    if diff.is_empty() {
        out.push_str("no differences\n");
        return out;
    }
    for stack in &diff.stacks {
        let status = match stack.status {
            Status::Added => format!(" ({})", paint(GREEN, "only in the second build".into())),
            Status::Removed => format!(" ({})", paint(RED, "only in the first build".into())),
            Status::Changed => String::new(),
        };
        out.push_str(&format!(
            "{}{status}\n",
            paint(BOLD, format!("stack {}", stack.name))
        ));
        for entry in &stack.entries {
            let name = if entry.section.is_empty() {
                entry.id.clone()
            } else {
                format!("{}.{}", entry.section, entry.id)
            };
            let ty = entry
                .type_name
                .as_ref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            out.push_str(&format!("  {} {name}{ty}\n", mark(entry.status)));
            for change in &entry.changes {
                let compact = |v: &Option<serde_json::Value>| {
                    v.as_ref()
                        .map(|v| serde_json::to_string(v).unwrap_or_default())
                        .unwrap_or_default()
                };
                let detail = match change.status {
                    Status::Added => paint(GREEN, compact(&change.after)),
                    Status::Removed => paint(RED, compact(&change.before)),
                    Status::Changed => format!(
                        "{} → {}",
                        paint(RED, compact(&change.before)),
                        paint(GREEN, compact(&change.after))
                    ),
                };
                let path = if change.path.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", change.path)
                };
                out.push_str(&format!("      {} {path}{detail}\n", mark(change.status)));
            }
        }
    }
    let (added, removed, changed) = diff.counts();
    out.push_str(&format!(
        "{} stack{} differ: {added} added, {removed} removed, {changed} changed\n",
        diff.stacks.len(),
        if diff.stacks.len() == 1 { "" } else { "s" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_param_given_twice_names_the_two_builds() {
        let s = split_sides(&args(&[
            "env=gamma",
            "examples/canvalo",
            "env=prod",
            "branch=dev",
        ]))
        .unwrap();
        assert_eq!(s.path, PathBuf::from("examples/canvalo"));
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(s.a, vec![pair("env", "gamma"), pair("branch", "dev")]);
        assert_eq!(s.b, vec![pair("env", "prod"), pair("branch", "dev")]);
        assert!(split_sides(&args(&["env=gamma"])).is_err());
        assert!(split_sides(&args(&["env=a", "env=b", "env=c"])).is_err());
        assert!(split_sides(&args(&["a", "b", "env=a", "env=b"])).is_err());
        assert!(split_sides(&args(&["=a", "env=a", "env=b"])).is_err());
    }

    #[test]
    fn text_without_colour() {
        let project = "param env: \"gamma\" | \"prod\"\nresource Q: AWS::SQS::Queue { QueueName: \"q-${env}\" }\nif env == \"prod\" {\n  resource D: AWS::SQS::Queue {}\n}\n";
        let loader = cvl::MemoryLoader::new().with("main.cvl", project);
        let build = |env: &str| {
            cvl::build(&loader, "main.cvl", &[("env".into(), env.into())])
                .output
                .expect("builds")
        };
        let diff = cvl::cfn::diff::diff(&build("gamma"), &build("prod"));
        let text = render_text(&diff, "env=gamma", "env=prod", false);
        assert_eq!(
            text,
            "--- env=gamma\n+++ env=prod\nstack main\n  ~ Description\n      ~ \"Stack main (env=gamma), generated by cvl\" → \"Stack main (env=prod), generated by cvl\"\n  ~ Resources.Q (AWS::SQS::Queue)\n      ~ Properties.QueueName: \"q-gamma\" → \"q-prod\"\n  + Resources.D (AWS::SQS::Queue)\n1 stack differ: 1 added, 0 removed, 2 changed\n"
        );
        assert!(render_text(&diff, "a", "b", true).contains("\x1b[32m+\x1b[0m Resources.D"));
        let same = cvl::cfn::diff::diff(&build("gamma"), &build("gamma"));
        assert_eq!(
            render_text(&same, "a", "b", false),
            "--- a\n+++ b\nno differences\n"
        );
    }
}
