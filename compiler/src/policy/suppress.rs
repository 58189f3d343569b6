//! Suppressions: `// cvl-allow: <code>[, <code>...] <reason>` on the line before a resource, a
//! property, or the `let` that instantiates the component declaring the resource. The reason is
//! required: a suppression without one is an `invalid-suppression` error, as is one naming a
//! code that is not a policy rule. Several comment lines may stand between the suppression and
//! the line it covers (a doc comment, a second suppression); a blank line may not.

use super::{RULES, is_rule};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

/// The marker that starts a suppression inside a `//` comment.
pub const MARKER: &str = "cvl-allow:";

/// A valid suppression: in `file`, it covers the byte range of line `covers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    pub file: String,
    pub codes: Vec<Code>,
    /// The covered line's byte range (from its start to its end).
    pub covers: (usize, usize),
}

/// The suppressions of every file; malformed ones become diagnostics.
pub fn parse_all(sources: &[(&str, &str)], diagnostics: &mut Vec<Diagnostic>) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (file, text) in sources {
        parse(file, text, &mut out, diagnostics);
    }
    out
}

/// True when a suppression of `code` covers the line holding `offset` in `file`.
pub fn covers(suppressions: &[Suppression], file: &str, offset: usize, code: Code) -> bool {
    suppressions.iter().any(|s| {
        s.file == file && s.covers.0 <= offset && offset <= s.covers.1 && s.codes.contains(&code)
    })
}

fn parse(file: &str, text: &str, out: &mut Vec<Suppression>, diagnostics: &mut Vec<Diagnostic>) {
    if !text.contains(MARKER) {
        return;
    }
    // (start, end, text) of every line, without the newline
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        lines.push((start, start + body.len(), body));
        start += line.len();
    }
    for (index, &(line_start, line_end, line)) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("//") {
            continue;
        }
        let comment = trimmed.trim_start_matches('/').trim_start();
        let Some(rest) = comment.strip_prefix(MARKER) else {
            continue;
        };
        let comment_start = line_start + (line.len() - trimmed.len());
        let span = Span::new(comment_start, line_end);
        match parse_body(rest) {
            Err(diagnostic) => diagnostics.push(diagnostic(file, span)),
            Ok(codes) => {
                // the first line after the comment block that is not a comment
                let target = lines[index + 1..]
                    .iter()
                    .find(|(_, _, l)| !l.trim_start().starts_with("//"));
                match target {
                    Some(&(s, e, l)) if !l.trim().is_empty() => out.push(Suppression { file: file.to_string(), codes, covers: (s, e) }),
                    _ => diagnostics.push(
                        Diagnostic::error(Code::InvalidSuppression, file, span, "this suppression is not followed by the line it covers")
                            .with_help("write it directly above the resource, property or instance it is about, without a blank line"),
                    ),
                }
            }
        }
    }
}

type MakeDiagnostic = Box<dyn Fn(&str, Span) -> Diagnostic>;

/// `code[, code...] reason` to the codes, or a function making the diagnostic.
fn parse_body(rest: &str) -> Result<Vec<Code>, MakeDiagnostic> {
    let mut codes = Vec::new();
    let mut rest = rest.trim_start();
    loop {
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ',')
            .unwrap_or(rest.len());
        let word = &rest[..end];
        if word.is_empty() {
            return Err(Box::new(|file, span| {
                Diagnostic::error(Code::InvalidSuppression, file, span, "this suppression names no policy code")
                    .with_help("write `// cvl-allow: <code> <reason>`, such as `// cvl-allow: sg-open-to-world the bastion is reached by SSH`")
            }));
        }
        match Code::from_name(word).filter(|c| is_rule(*c)) {
            Some(code) => codes.push(code),
            None => {
                let word = word.to_string();
                return Err(Box::new(move |file, span| {
                    Diagnostic::error(
                        Code::InvalidSuppression,
                        file,
                        span,
                        format!("`{word}` is not a policy code"),
                    )
                    .with_suggestion(&word, RULES.iter().map(|c| c.as_str()))
                }));
            }
        }
        rest = rest[end..].trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    let reason = rest.trim();
    let reason = reason
        .strip_prefix("because")
        .map(str::trim)
        .unwrap_or(reason);
    let reason = reason.trim_start_matches([':', '-', '—']).trim();
    if reason.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
        let names = codes
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Box::new(move |file, span| {
            Diagnostic::error(
                Code::InvalidSuppression,
                file,
                span,
                "a suppression must give its reason",
            )
            .with_help(format!(
                "say why the finding does not apply: `// cvl-allow: {names} because ...`"
            ))
        }));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<Suppression>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut out = Vec::new();
        parse("main.cvl", text, &mut out, &mut diagnostics);
        (out, diagnostics)
    }

    #[test]
    fn a_suppression_covers_the_next_code_line() {
        let text = "// cvl-allow: sg-open-to-world, plain-secret because the bastion is public\n/// doc\nresource A: X {}\n";
        let (s, d) = run(text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].codes, vec![Code::SgOpenToWorld, Code::PlainSecret]);
        let line = text.find("resource").unwrap();
        assert!(covers(&s, "main.cvl", line + 3, Code::SgOpenToWorld));
        assert!(!covers(&s, "main.cvl", line + 3, Code::S3Encryption));
        assert!(!covers(&s, "other.cvl", line + 3, Code::SgOpenToWorld));
    }

    #[test]
    fn malformed_suppressions_are_errors() {
        for text in [
            "// cvl-allow: sg-open-to-world\nresource A: X {}\n",
            "// cvl-allow: sg-open-to-world because\nresource A: X {}\n",
            "// cvl-allow: sg-open-to-wrld the bastion\nresource A: X {}\n",
            "// cvl-allow: unknown-property it is fine\nresource A: X {}\n",
            "// cvl-allow:\nresource A: X {}\n",
            "// cvl-allow: log-retention kept forever on purpose\n\nresource A: X {}\n",
        ] {
            let (s, d) = run(text);
            assert!(s.is_empty(), "{text}");
            assert_eq!(d.len(), 1, "{text}");
            assert_eq!(d[0].code, Code::InvalidSuppression);
            assert_eq!(d[0].span.start, 0);
        }
        let (_, d) = run("// cvl-allow: sg-open-to-wrld the bastion\nx\n");
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean `sg-open-to-world`?")
        );
    }
}
