//! Code actions: the quick fixes that diagnostics carry (`Diagnostic::replacement`, the "did
//! you mean" of unknown names, properties and fields).

use super::TextEdit;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    /// The diagnostic it fixes.
    pub diagnostic: Diagnostic,
    /// The edit, in the diagnostic's file.
    pub edit: TextEdit,
}

/// The quick fixes of the diagnostics that touch `range`.
pub fn code_actions(diagnostics: &[Diagnostic], range: Span) -> Vec<CodeAction> {
    diagnostics
        .iter()
        .filter(|d| d.span.start <= range.end && range.start <= d.span.end)
        .filter_map(|d| {
            let replacement = d.replacement.clone()?;
            Some(CodeAction {
                title: format!("replace with `{replacement}`"),
                diagnostic: d.clone(),
                edit: TextEdit {
                    span: d.span,
                    text: replacement,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::diagnostics::{DiagnosticsOptions, file_diagnostics};
    use crate::ide::fixture::one;

    #[test]
    fn did_you_mean_becomes_a_quick_fix() {
        let (db, file, offset) =
            one("stack s {\n  resource B: AWS::S3::Bucket { Bucket$0Nam: \"x\" }\n}\n");
        let diagnostics = file_diagnostics(&db, file, &DiagnosticsOptions::default());
        let actions = code_actions(&diagnostics, Span::new(offset, offset));
        assert_eq!(actions.len(), 1, "{diagnostics:?}");
        assert_eq!(actions[0].edit.text, "BucketName");
        assert_eq!(
            &file.text(&db)[actions[0].edit.span.start..actions[0].edit.span.end],
            "BucketNam"
        );
        assert!(code_actions(&diagnostics, Span::new(0, 1)).is_empty());
    }
}
