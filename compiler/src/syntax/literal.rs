//! String literals, independent of pest: escape decoding, the indentation rule of triple-quoted
//! strings, and the normal form of string parts (adjacent text merged, no empty text).

use super::ast::{Expr, StrPart};

/// Why an escape sequence is invalid: its message and help.
#[derive(Debug, PartialEq, Eq)]
pub struct BadEscape {
    pub message: String,
    pub help: &'static str,
}

/// Decodes one escape sequence as matched by the grammar (`\n`, `\u{1F600}`, ...).
pub fn decode_escape(raw: &str) -> Result<char, BadEscape> {
    let body = raw.strip_prefix('\\').unwrap_or(raw);
    match body {
        "\"" => Ok('"'),
        "\\" => Ok('\\'),
        "n" => Ok('\n'),
        "r" => Ok('\r'),
        "t" => Ok('\t'),
        "$" => Ok('$'),
        _ => match body.strip_prefix("u{").and_then(|b| b.strip_suffix('}')) {
            Some(hex) => unicode_escape(raw, hex),
            None if body.is_empty() => Err(BadEscape {
                message: "a `\\` must be followed by an escape sequence".to_string(),
                help: ESCAPES_HELP,
            }),
            None => Err(BadEscape {
                message: format!("unknown escape sequence `{raw}`"),
                help: ESCAPES_HELP,
            }),
        },
    }
}

const ESCAPES_HELP: &str =
    "the escapes are `\\\"`, `\\\\`, `\\n`, `\\r`, `\\t`, `\\$` and `\\u{...}`";

fn unicode_escape(raw: &str, hex: &str) -> Result<char, BadEscape> {
    let valid = (1..=6).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_hexdigit());
    valid
        .then(|| u32::from_str_radix(hex, 16).ok().and_then(char::from_u32))
        .flatten()
        .ok_or_else(|| BadEscape {
            message: format!("invalid unicode escape `{raw}`"),
            help: "write 1 to 6 hex digits of a unicode scalar value, like `\\u{1F600}`",
        })
}

/// A flat quoted literal (a record key), decoded.
#[derive(Debug)]
pub struct FlatString {
    pub text: String,
    /// Invalid escapes: byte offsets in the literal (quotes included) and why.
    pub errors: Vec<(usize, usize, BadEscape)>,
    /// The byte offset of a `${` in the literal, which a flat string cannot have.
    pub interpolation: Option<usize>,
}

/// Decodes a flat quoted literal (a quoted record key), quotes included in `raw`.
pub fn decode_flat(raw: &str) -> FlatString {
    let inner = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    let mut decoded = FlatString {
        text: String::new(),
        errors: Vec::new(),
        interpolation: None,
    };
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '$' && inner[i + 1..].starts_with('{') && decoded.interpolation.is_none() {
            decoded.interpolation = Some(i + 1);
        }
        if c != '\\' {
            decoded.text.push(c);
            continue;
        }
        let mut end = i + 1;
        if let Some((_, next)) = chars.next() {
            end += next.len_utf8();
            if next == 'u'
                && inner[end..].starts_with('{')
                && let Some(close) = inner[end..].find('}')
            {
                end += close + 1;
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
        }
        let escape = &inner[i..end];
        match decode_escape(escape) {
            Ok(c) => decoded.text.push(c),
            Err(bad) => {
                decoded.errors.push((i + 1, end + 1, bad));
                decoded.text.push_str(escape);
            }
        }
    }
    decoded
}

/// A piece of a string literal before the parts are built.
#[derive(Debug)]
pub enum Piece {
    /// Literal text as written (in a triple-quoted string, newlines and indentation included).
    Text(String),
    /// The character of an escape sequence (or the raw sequence, if it was invalid).
    Escaped(String),
    Interp(Expr),
}

/// The parts of a plain string.
pub fn plain_parts(pieces: Vec<Piece>) -> Vec<StrPart> {
    let mut parts = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) | Piece::Escaped(text) => push_text(&mut parts, &text),
            Piece::Interp(expr) => parts.push(StrPart::Interp(expr)),
        }
    }
    parts
}

/// The parts of a triple-quoted string: `\r\n` becomes `\n`, a first line holding only
/// whitespace is dropped with its newline, and the indentation common to the non-blank lines is
/// removed (lines holding only spaces and tabs become empty). Escapes and interpolations count
/// as content: an escaped `\t` is not indentation, and a line holding one is not blank.
pub fn triple_parts(pieces: Vec<Piece>) -> Vec<StrPart> {
    let mut lines = split_lines(pieces);
    if let Some(first) = lines.first()
        && lines.len() > 1
        && is_blank(first)
    {
        lines.remove(0);
    }
    let common = lines
        .iter()
        .filter(|line| !is_blank(line))
        .map(|line| indentation(line))
        .min()
        .unwrap_or(0);
    let mut parts = Vec::new();
    let count = lines.len();
    for (index, line) in lines.into_iter().enumerate() {
        if !is_blank(&line) {
            let mut skip = common;
            for piece in line {
                match piece {
                    Piece::Text(text) if skip > 0 => {
                        let cut = text.char_indices().nth(skip).map_or(text.len(), |(i, _)| i);
                        skip -= text[..cut].chars().count();
                        push_text(&mut parts, &text[cut..]);
                    }
                    Piece::Text(text) | Piece::Escaped(text) => {
                        skip = 0;
                        push_text(&mut parts, &text);
                    }
                    Piece::Interp(expr) => {
                        skip = 0;
                        parts.push(StrPart::Interp(expr));
                    }
                }
            }
        }
        if index + 1 < count {
            push_text(&mut parts, "\n");
        }
    }
    parts
}

/// Splits the pieces at the newlines of their literal text.
fn split_lines(pieces: Vec<Piece>) -> Vec<Vec<Piece>> {
    let mut lines = vec![Vec::new()];
    for piece in pieces {
        let Piece::Text(text) = piece else {
            if let Some(line) = lines.last_mut() {
                line.push(piece);
            }
            continue;
        };
        let text = text.replace("\r\n", "\n");
        for (i, segment) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if !segment.is_empty()
                && let Some(line) = lines.last_mut()
            {
                line.push(Piece::Text(segment.to_string()));
            }
        }
    }
    lines
}

/// A line that holds only spaces and tabs (or nothing).
fn is_blank(line: &[Piece]) -> bool {
    line.iter()
        .all(|piece| matches!(piece, Piece::Text(t) if t.chars().all(|c| c == ' ' || c == '\t')))
}

/// The number of leading spaces and tabs of a line's literal text.
fn indentation(line: &[Piece]) -> usize {
    let mut count = 0;
    for piece in line {
        let Piece::Text(text) = piece else { break };
        let leading = text.chars().take_while(|&c| c == ' ' || c == '\t').count();
        count += leading;
        if leading < text.chars().count() {
            break;
        }
    }
    count
}

/// Appends text to the parts, merging it into a preceding text part; empty text is dropped.
pub fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if text.is_empty() {
        return;
    }
    match parts.last_mut() {
        Some(StrPart::Lit(last)) => last.push_str(text),
        _ => parts.push(StrPart::Lit(text.to_string())),
    }
}

/// The text of parts that have no interpolation.
pub fn plain_text(parts: &[StrPart]) -> Option<String> {
    parts
        .iter()
        .map(|part| match part {
            StrPart::Lit(text) => Some(text.as_str()),
            StrPart::Interp(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(parts: &[StrPart]) -> String {
        plain_text(parts).unwrap_or_default()
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(decode_escape("\\n"), Ok('\n'));
        assert_eq!(decode_escape("\\$"), Ok('$'));
        assert_eq!(decode_escape("\\u{1F600}"), Ok('😀'));
        assert!(decode_escape("\\q").is_err());
        assert!(decode_escape("\\u{D800}").is_err());
        assert!(decode_escape("\\u{1234567}").is_err());
        assert!(decode_escape("\\u{}").is_err());
        assert!(decode_escape("\\").is_err());
    }

    #[test]
    fn decodes_flat_keys() {
        assert_eq!(decode_flat(r#""a\"b\u{41}""#).text, "a\"bA");
        let decoded = decode_flat(r#""a\qb""#);
        assert_eq!(decoded.text, "a\\qb");
        assert_eq!((decoded.errors[0].0, decoded.errors[0].1), (2, 4));
        assert_eq!(decode_flat(r#""a${b}""#).interpolation, Some(2));
        assert_eq!(decode_flat(r#""a\${b}""#).interpolation, None);
    }

    #[test]
    fn triple_strings_drop_the_first_newline_and_common_indentation() {
        let parts = triple_parts(vec![Piece::Text("\n    a\n      b\n\n    c\n    ".into())]);
        assert_eq!(lit(&parts), "a\n  b\n\nc\n");
        let parts = triple_parts(vec![Piece::Text("one line".into())]);
        assert_eq!(lit(&parts), "one line");
        let parts = triple_parts(vec![Piece::Text("  \r\n  x\r\n  y".into())]);
        assert_eq!(lit(&parts), "x\ny");
    }

    #[test]
    fn escapes_are_content_not_indentation() {
        let pieces = vec![
            Piece::Text("\n  a\n".into()),
            Piece::Escaped("\t".into()),
            Piece::Text("b\n  ".into()),
        ];
        assert_eq!(lit(&triple_parts(pieces)), "  a\n\tb\n");
    }
}
