//! `cvl params`: the params of a project, as a table or as JSON, on stdout.

use super::locate;
use crate::disk_loader::DiskLoader;
use crate::render::{Reporter, count_summary};
use crate::{EXIT_SOURCE_ERRORS, ParamsArgs, ParamsFormat};
use cvl::ParamInfo;

pub fn run(args: ParamsArgs) -> u8 {
    let reporter = Reporter::new(args.message_format);
    let project = match locate(&args.path, &reporter) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let loader = DiskLoader::new(&project.root);
    let result = cvl::params(&loader, &project.entry);
    reporter.diagnostics(&result.diagnostics, &result.sources);
    if result.diagnostics.iter().any(|d| d.is_error()) {
        reporter.note(&format!(
            "cannot list the params: {}",
            count_summary(&result.diagnostics)
        ));
        return EXIT_SOURCE_ERRORS;
    }
    let text = match args.format {
        ParamsFormat::Text => table(&result.params),
        ParamsFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&serde_json::json!({ "params": result.params }))
                    .unwrap_or_default();
            text.push('\n');
            text
        }
    };
    print!("{text}");
    0
}

/// A table with a header: NAME, TYPE, ALLOWED, DEFAULT, DOC. Missing values are `-`; a doc
/// comment's lines are joined with spaces.
pub fn table(params: &[ParamInfo]) -> String {
    if params.is_empty() {
        return "no params\n".to_string();
    }
    let mut rows = vec![["NAME", "TYPE", "ALLOWED", "DEFAULT", "DOC"].map(String::from)];
    for p in params {
        let or_dash = |s: Option<&str>| s.filter(|s| !s.is_empty()).unwrap_or("-").to_string();
        let allowed = p.allowed.join(", ");
        let doc = p
            .doc
            .as_deref()
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "));
        rows.push([
            p.name.clone(),
            or_dash(Some(&p.ty)),
            or_dash(Some(&allowed)),
            or_dash(p.default.as_deref()),
            or_dash(doc.as_deref()),
        ]);
    }
    let mut widths = [0usize; 5];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 2,
                ));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lines_up() {
        let params = vec![
            ParamInfo {
                name: "env".into(),
                ty: r#""beta" | "gamma""#.into(),
                allowed: vec!["beta".into(), "gamma".into()],
                default: None,
                doc: Some("Which account\nto build for.".into()),
            },
            ParamInfo {
                name: "branch".into(),
                ty: "string".into(),
                allowed: vec![],
                default: Some("\"main\"".into()),
                doc: None,
            },
        ];
        assert_eq!(
            table(&params),
            "NAME    TYPE              ALLOWED      DEFAULT  DOC\n\
             env     \"beta\" | \"gamma\"  beta, gamma  -        Which account to build for.\n\
             branch  string            -            \"main\"   -\n"
        );
        assert_eq!(table(&[]), "no params\n");
    }
}
