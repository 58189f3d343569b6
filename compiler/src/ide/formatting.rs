//! Formatting: the whole document, or the top-level declarations a range touches, in the
//! canonical layout with comments kept (`syntax::format`). A file with syntax errors is not
//! formatted, nor one whose formatted text would not parse back to the same program: [`refusal`]
//! is the `format-refused` diagnostic that says so.

use super::TextEdit;
use crate::db::{Db, SourceFile};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::format::{FormatError, format_source, minimal_edit};

/// The edit that formats the file (none when it is formatted already).
pub fn format_document(db: &dyn Db, file: SourceFile) -> Result<Vec<TextEdit>, FormatError> {
    let text = file.text(db);
    let formatted = format_source(file.path(db), text)?;
    Ok(minimal_edit(text, &formatted)
        .map(|(span, text)| TextEdit { span, text })
        .into_iter()
        .collect())
}

/// The edit that formats the top-level declarations `range` touches (with the comments above
/// them): they are replaced by their formatted text.
pub fn format_range(
    db: &dyn Db,
    file: SourceFile,
    range: Span,
) -> Result<Vec<TextEdit>, FormatError> {
    let text = file.text(db);
    let formatted = format_source(file.path(db), text)?;
    let (before, _) = crate::syntax::parse_file(file.path(db), text);
    let (after, _) = crate::syntax::parse_file(file.path(db), &formatted);
    let touched: Vec<usize> = (0..before.items.len())
        .filter(|&i| {
            before.items[i].span.start <= range.end && range.start <= before.items[i].span.end
        })
        .collect();
    let (Some(&first), Some(&last)) = (touched.first(), touched.last()) else {
        return Ok(Vec::new());
    };
    if after.items.len() != before.items.len() {
        return format_document(db, file);
    }
    // from the end of the declaration before (or the start) to the end of the last one
    let start_of = |items: &[crate::syntax::ast::Item], i: usize| {
        if i == 0 { 0 } else { items[i - 1].span.end }
    };
    let old = Span::new(start_of(&before.items, first), before.items[last].span.end);
    let new = Span::new(start_of(&after.items, first), after.items[last].span.end);
    let (old_text, new_text) = (&text[old.start..old.end], &formatted[new.start..new.end]);
    Ok(minimal_edit(old_text, new_text)
        .map(|(span, text)| TextEdit {
            span: Span::new(old.start + span.start, old.start + span.end),
            text,
        })
        .into_iter()
        .collect())
}

/// The `format-refused` warning for a refused formatting: at the first syntax error (whose
/// message is the help), or at the start of the file when the formatter itself failed.
pub fn refusal(db: &dyn Db, file: SourceFile, error: &FormatError) -> Diagnostic {
    let path = file.path(db).clone();
    let first = match error {
        FormatError::Syntax(diagnostics) => diagnostics.first(),
        FormatError::Changed(_) => None,
    };
    let span = first.map_or(Span::new(0, 0), |d| d.span);
    let diagnostic = Diagnostic::warning(
        Code::FormatRefused,
        path,
        span,
        format!("not formatted: {error}"),
    );
    match first {
        Some(syntax) => diagnostic.with_help(format!("first syntax error: {}", syntax.message)),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::one;

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let mut out = text.to_string();
        for e in edits.iter().rev() {
            out.replace_range(e.span.start..e.span.end, &e.text);
        }
        out
    }

    #[test]
    fn documents_and_ranges() {
        let text = "let a={x:1}\n// b's comment\nlet   b =  2 // two\nlet c=3\n";
        let (db, file, _) = one(text);
        let whole = apply(text, &format_document(&db, file).unwrap());
        assert_eq!(
            whole,
            "let a = { x: 1 }\n// b's comment\nlet b = 2 // two\nlet c = 3\n"
        );
        let at_b = text.find("let   b").unwrap();
        let ranged = apply(
            text,
            &format_range(&db, file, Span::new(at_b, at_b + 3)).unwrap(),
        );
        assert_eq!(
            ranged,
            "let a={x:1}\n// b's comment\nlet b = 2 // two\nlet c=3\n"
        );
        let (db, file, _) = one("let a = \n");
        assert!(format_document(&db, file).is_err());
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused_with_a_diagnostic_at_its_first_error() {
        let text = "let a = 1\nlet b = {\nlet c = 3\n";
        let (db, file, _) = one(text);
        let error = format_document(&db, file).unwrap_err();
        assert!(format_range(&db, file, Span::new(0, 3)).is_err());
        let diagnostic = refusal(&db, file, &error);
        assert_eq!(diagnostic.code, Code::FormatRefused);
        assert!(
            !diagnostic.is_error(),
            "a warning: the syntax error itself is the error"
        );
        assert!(
            diagnostic.span.start >= text.find("{").unwrap(),
            "{diagnostic:?}"
        );
        assert!(
            diagnostic.message.contains("syntax errors"),
            "{}",
            diagnostic.message
        );
        assert!(
            diagnostic
                .help
                .unwrap_or_default()
                .starts_with("first syntax error: ")
        );
        let changed = refusal(&db, file, &FormatError::Changed("a comment".into()));
        assert_eq!((changed.span, changed.help), (Span::new(0, 0), None));
    }
}
