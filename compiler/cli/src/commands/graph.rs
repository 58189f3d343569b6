//! `cvl graph PATH [NAME=VALUE]... [--format dot|mermaid|json]`: the resource graph of one
//! build on stdout. The compiler draws it (`cvl::cfn::graph`); this only prints.

use super::open_target;
use crate::disk_loader::DiskLoader;
use crate::render::{Reporter, count_summary};
use crate::{EXIT_SOURCE_ERRORS, GraphArgs, GraphFormat};

pub fn run(args: GraphArgs) -> u8 {
    let reporter = Reporter::new(args.message_format);
    let (target, project) = match open_target(&args.args, &reporter) {
        Ok(opened) => opened,
        Err(status) => return status,
    };
    let loader = DiskLoader::new(&project.root);
    let result = cvl::build(&loader, &project.entry, &target.params);
    let Some(output) = result
        .output
        .filter(|_| !result.diagnostics.iter().any(|d| d.is_error()))
    else {
        reporter.diagnostics(&result.diagnostics, &result.sources);
        reporter.note(&format!(
            "the build failed: {}",
            count_summary(&result.diagnostics)
        ));
        return EXIT_SOURCE_ERRORS;
    };
    if !result.diagnostics.is_empty() {
        reporter.note(&format!(
            "the build has {} (`cvl check` shows them)",
            count_summary(&result.diagnostics)
        ));
    }
    let graph = cvl::cfn::graph::graph(&output);
    let text = match args.format {
        GraphFormat::Dot => graph.to_dot(),
        GraphFormat::Mermaid => graph.to_mermaid(),
        GraphFormat::Json => {
            let mut text = serde_json::to_string_pretty(&graph).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    print!("{text}");
    0
}
