//! Diagnostics are data until the edge: the CLI renders them with miette, the language server
//! converts them in one function, the playground serializes them.

mod code;
mod did_you_mean;

pub use code::Code;
pub use did_you_mean::{closest, did_you_mean};

use crate::source::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location with a message of its own.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The file it points into (defaults to the diagnostic's file when built with `label`).
    pub file: String,
    pub span: Span,
    pub message: String,
}

/// One finding: always a code, a file and a span.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Lower case, no trailing period; names in backticks.
    pub message: String,
    /// The file id (`main.cvl`, `lib/net.cvl`, `std/vpc.cvl`).
    pub file: String,
    pub span: Span,
    pub labels: Vec<Label>,
    /// What to do about it ("did you mean `BucketName`?").
    pub help: Option<String>,
    /// A machine-applicable fix: replace `span` with this text (quick fixes for "did you mean").
    pub replacement: Option<String>,
}

impl Diagnostic {
    pub fn error(
        code: Code,
        file: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: file.into(),
            span,
            labels: Vec::new(),
            help: None,
            replacement: None,
        }
    }

    pub fn warning(
        code: Code,
        file: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A label in the same file.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        let file = self.file.clone();
        self.labels.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_label_in(
        mut self,
        file: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file: file.into(),
            span,
            message: message.into(),
        });
        self
    }

    /// "did you mean `x`?" from the known names, with the replacement as a quick fix.
    pub fn with_suggestion<'a>(
        mut self,
        wrong: &str,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        if let Some(best) = closest(wrong, known) {
            self.help = Some(format!("did you mean `{best}`?"));
            self.replacement = Some(best.to_string());
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, then position, then code, and drops exact duplicates, so that
/// every front end shows them in the same order.
pub fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.span, a.code, &a.message).cmp(&(&b.file, b.span, b.code, &b.message))
    });
    diagnostics.dedup();
}
