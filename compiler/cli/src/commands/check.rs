//! `cvl check`: everything `build` checks, for every value of each unset literal-union param,
//! without writing.

use super::{elapsed, open_target};
use crate::disk_loader::DiskLoader;
use crate::render::{Reporter, count_summary};
use crate::{CheckArgs, EXIT_SOURCE_ERRORS};
use std::time::Instant;

pub fn run(args: CheckArgs) -> u8 {
    let started = Instant::now();
    let reporter = Reporter::new(args.message_format);
    let (target, project) = match open_target(&args.args, &reporter) {
        Ok(opened) => opened,
        Err(status) => return status,
    };
    let loader = DiskLoader::new(&project.root);
    let result = cvl::check(&loader, &project.entry, &target.params);
    reporter.diagnostics(&result.diagnostics, &result.sources);
    let checked = describe_assignments(&result.assignments);
    if result.diagnostics.iter().any(|d| d.is_error()) {
        reporter.note(&format!(
            "check failed{checked}: {}",
            count_summary(&result.diagnostics)
        ));
        return EXIT_SOURCE_ERRORS;
    }
    let warnings = if result.diagnostics.is_empty() {
        "no errors".to_string()
    } else {
        count_summary(&result.diagnostics)
    };
    reporter.note(&format!(
        "checked {}{checked} in {}: {warnings}",
        project.entry,
        elapsed(started.elapsed())
    ));
    0
}

/// ` for env=beta, env=gamma, env=prod` (empty when no params were set).
fn describe_assignments(assignments: &[Vec<(String, String)>]) -> String {
    let shown: Vec<String> = assignments
        .iter()
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    if shown.is_empty() {
        String::new()
    } else {
        format!(" for {}", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_are_listed() {
        let a = vec![
            vec![("env".to_string(), "beta".to_string())],
            vec![
                ("env".to_string(), "prod".to_string()),
                ("x".to_string(), "1".to_string()),
            ],
        ];
        assert_eq!(describe_assignments(&a), " for env=beta, env=prod x=1");
        assert_eq!(describe_assignments(&[vec![]]), "");
    }
}
