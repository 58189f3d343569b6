//! Diagnostics on stderr: rendered by miette with source snippets (`--message-format human`), or
//! one JSON object per line (`--message-format json`).

use crate::MessageFormat;
use cvl::{Diagnostic, LineIndex, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::io::{IsTerminal as _, Write as _};

/// Looks up the text of a file that diagnostics point into, by file id.
pub type Sources<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// Prints diagnostics to stderr in the chosen format.
pub struct Reporter {
    format: MessageFormat,
    handler: GraphicalReportHandler,
}

impl Reporter {
    pub fn new(format: MessageFormat) -> Self {
        let stderr = std::io::stderr();
        let colour = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let theme = if colour {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let mut handler = GraphicalReportHandler::new_themed(theme).with_links(false);
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stderr) {
            handler = handler.with_width(usize::from(w).max(40));
        } else {
            handler = handler.with_width(100);
        }
        Reporter { format, handler }
    }

    /// Prints every diagnostic, sources looked up by file id.
    pub fn diagnostics(
        &self,
        diagnostics: &[Diagnostic],
        sources: &indexmap::IndexMap<String, String>,
    ) {
        let lookup = |file: &str| sources.get(file).cloned();
        let mut err = std::io::stderr().lock();
        for d in diagnostics {
            let text = match self.format {
                MessageFormat::Json => format!("{}\n", json_line(d, &lookup)),
                MessageFormat::Human => self.render(d, &lookup),
            };
            let _ = err.write_all(text.as_bytes());
        }
    }

    /// Renders one diagnostic with miette.
    pub fn render(&self, d: &Diagnostic, sources: &Sources<'_>) -> String {
        let report = Report::new(d, sources);
        let mut out = String::new();
        if self.handler.render_report(&mut out, &report).is_err() {
            out = format!("{}[{}]: {}\n", severity_word(d.severity), d.code, d.message);
        }
        out
    }

    /// An IO or usage problem that is no diagnostic of the sources (code `io-error`).
    pub fn io_error(&self, message: &str, file: Option<&str>) {
        let text = match self.format {
            MessageFormat::Json => format!(
                "{}\n",
                serde_json::json!({
                    "code": cvl::Code::IoError.as_str(),
                    "severity": "error",
                    "message": message,
                    "file": file,
                    "line": null,
                    "column": null,
                    "end_line": null,
                    "end_column": null,
                    "help": null,
                })
            ),
            MessageFormat::Human => {
                let mut d =
                    Diagnostic::error(cvl::Code::IoError, "", cvl::Span::default(), message);
                d.file = String::new();
                self.render(&d, &|_| None)
            }
        };
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }

    /// A line for people (summaries): printed in human mode only, so that a JSON consumer of
    /// stderr sees nothing but JSON objects.
    pub fn note(&self, line: &str) {
        if self.format == MessageFormat::Human {
            eprintln!("{line}");
        }
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `2 errors, 1 warning`
pub fn count_summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if warnings == 0 {
        plural(errors, "error")
    } else {
        format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

/// One diagnostic as a JSON object: code, severity, message, file, line, column, end_line,
/// end_column, help. Lines and columns are 1-based, columns count characters; they are null
/// when the file's text is unknown.
pub fn json_line(d: &Diagnostic, sources: &Sources<'_>) -> serde_json::Value {
    let (start, end) = match sources(&d.file) {
        Some(text) => {
            let index = LineIndex::new(&text);
            let s = index.position(&text, d.span.start);
            let e = index.position(&text, d.span.end);
            (
                Some((s.line + 1, s.column + 1)),
                Some((e.line + 1, e.column + 1)),
            )
        }
        None => (None, None),
    };
    serde_json::json!({
        "code": d.code.as_str(),
        "severity": severity_word(d.severity),
        "message": d.message,
        "file": d.file,
        "line": start.map(|p| p.0),
        "column": start.map(|p| p.1),
        "end_line": end.map(|p| p.0),
        "end_column": end.map(|p| p.1),
        "help": d.help,
    })
}

/// A diagnostic in miette's shape. Labels in other files become related reports, each with
/// its own source.
#[derive(Debug)]
struct Report {
    header: Option<String>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<NamedSource<String>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &Sources<'_>) -> Report {
        let text = sources(&d.file);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(text) = &text {
            labels.push(LabeledSpan::new_primary_with_span(
                None,
                span_in(text, d.span),
            ));
        }
        for label in &d.labels {
            if label.file == d.file {
                if let Some(text) = &text {
                    labels.push(LabeledSpan::new_with_span(
                        Some(label.message.clone()),
                        span_in(text, label.span),
                    ));
                }
                continue;
            }
            let other = sources(&label.file);
            related.push(Report {
                header: None,
                severity: miette::Severity::Advice,
                message: label.message.clone(),
                help: None,
                labels: other
                    .iter()
                    .map(|t| LabeledSpan::new_primary_with_span(None, span_in(t, label.span)))
                    .collect(),
                source: other.map(|t| NamedSource::new(label.file.clone(), t)),
                related: Vec::new(),
            });
        }
        Report {
            header: Some(format!("{}[{}]", severity_word(d.severity), d.code)),
            severity: match d.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            },
            message: d.message.clone(),
            help: d.help.clone(),
            source: text.map(|t| NamedSource::new(d.file.clone(), t)),
            labels,
            related,
        }
    }
}

/// A span clamped to the text (a miette span past the end would fail to render).
fn span_in(text: &str, span: cvl::Span) -> SourceSpan {
    let start = span.start.min(text.len());
    let end = span.end.clamp(start, text.len());
    SourceSpan::new(start.into(), end - start)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.header
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cvl::{Code, Span};

    fn sources(file: &str) -> Option<String> {
        match file {
            "main.cvl" => Some("let a = 1\nlet bé = nope\n".to_string()),
            "lib/x.cvl" => Some("let x = 2\n".to_string()),
            _ => None,
        }
    }

    #[test]
    fn json_lines_have_one_based_positions() {
        let text = sources("main.cvl").unwrap();
        let start = text.find("nope").unwrap();
        let d = Diagnostic::error(
            Code::UnresolvedName,
            "main.cvl",
            Span::new(start, start + 4),
            "unknown name `nope`",
        )
        .with_help("did you mean `note`?");
        let v = json_line(&d, &sources);
        assert_eq!(
            v.to_string(),
            r#"{"code":"unresolved-name","severity":"error","message":"unknown name `nope`","file":"main.cvl","line":2,"column":10,"end_line":2,"end_column":14,"help":"did you mean `note`?"}"#
        );
        let d = Diagnostic::error(Code::IoError, "gone.cvl", Span::new(0, 1), "x");
        assert_eq!(json_line(&d, &sources)["line"], serde_json::Value::Null);
    }

    #[test]
    fn human_rendering_shows_code_snippet_labels_and_help() {
        let reporter = Reporter {
            format: MessageFormat::Human,
            handler: GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()),
        };
        let text = sources("main.cvl").unwrap();
        let start = text.find("nope").unwrap();
        let d = Diagnostic::error(
            Code::UnresolvedName,
            "main.cvl",
            Span::new(start, start + 4),
            "unknown name `nope`",
        )
        .with_help("did you mean `note`?")
        .with_label(Span::new(0, 3), "declared here")
        .with_label_in("lib/x.cvl", Span::new(4, 5), "and here")
        .with_label_in("missing.cvl", Span::new(4, 5), "and nowhere");
        let out = reporter.render(&d, &sources);
        for needle in [
            "error[unresolved-name]",
            "unknown name `nope`",
            "main.cvl:2:",
            "let bé = nope",
            "declared here",
            "did you mean `note`?",
            "lib/x.cvl",
            "and here",
            "and nowhere",
        ] {
            assert!(out.contains(needle), "{needle} missing from:\n{out}");
        }
        // spans past the end of the text are clamped, never a failure
        let d = Diagnostic::error(
            Code::SyntaxError,
            "main.cvl",
            Span::new(500, 900),
            "unexpected end",
        );
        assert!(reporter.render(&d, &sources).contains("unexpected end"));
        let d = Diagnostic::warning(
            Code::CheckFailed,
            "unknown.cvl",
            Span::new(0, 1),
            "no source",
        );
        assert!(
            reporter
                .render(&d, &sources)
                .contains("warning[check-failed]")
        );
    }

    #[test]
    fn counts() {
        let e = Diagnostic::error(Code::SyntaxError, "a", Span::default(), "x");
        let w = Diagnostic::warning(Code::SyntaxError, "a", Span::default(), "x");
        assert_eq!(count_summary(std::slice::from_ref(&e)), "1 error");
        assert_eq!(count_summary(&[e.clone(), e, w]), "2 errors, 1 warning");
    }
}
