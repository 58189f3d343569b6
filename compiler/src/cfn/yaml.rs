//! A small, deterministic YAML emitter for JSON values (`cvl build --format yaml`).
//!
//! Block style, two-space indentation, keys in the value's order. A string is written plain
//! only when no YAML reader (1.1 or 1.2) could take it for anything but that string: words such
//! as `yes`, `off` or `null`, numbers, dates, strings starting with an indicator character or
//! containing `: ` or ` #` are double-quoted. Multi-line strings without control characters are
//! literal blocks (`|`, `|-`, `|+`); everything else is double-quoted with escapes. The output
//! reads back as exactly the JSON value it was made from.

use serde_json::Value;
use std::fmt::Write as _;

/// The value as a YAML document (no `---`), ending with a newline.
pub fn to_yaml_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_mapping(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => write_sequence(&mut out, items, 0, false),
        _ => {
            write_inline(&mut out, value, 2);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// `key: value` lines at `level`; the first line's indentation is already written when
/// `first_inline` (a mapping that starts right after `- `).
fn write_mapping(
    out: &mut String,
    map: &serde_json::Map<String, Value>,
    level: usize,
    first_inline: bool,
) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !first_inline {
            indent(out, level);
        }
        write_scalar_string(out, key);
        out.push(':');
        match value {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                write_mapping(out, m, level + 2, false);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_sequence(out, items, level + 2, false);
            }
            _ => {
                out.push(' ');
                write_inline(out, value, level + 2);
                out.push('\n');
            }
        }
    }
}

/// `- item` lines at `level`.
fn write_sequence(out: &mut String, items: &[Value], level: usize, first_inline: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !first_inline {
            indent(out, level);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_mapping(out, m, level + 2, true),
            Value::Array(inner) if !inner.is_empty() => write_sequence(out, inner, level + 2, true),
            _ => {
                write_inline(out, item, level + 2);
                out.push('\n');
            }
        }
    }
}

/// A scalar, an empty collection, or a literal block whose lines are indented by `level`.
fn write_inline(out: &mut String, value: &Value, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) if is_block_literal(s) => write_block_literal(out, s, level),
        Value::String(s) => write_scalar_string(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// A string as a plain or double-quoted scalar (never a block: keys use this too).
fn write_scalar_string(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else {
        write_double_quoted(out, s);
    }
}

/// Words that YAML 1.1 or 1.2 readers take for booleans or null.
const SPECIAL_WORDS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// Whether `s` can be written plain and read back as the same string by any YAML reader.
/// Deliberately conservative: printable ASCII only, starting with a letter, `_`, `/`, `$` or
/// `(`; no leading or trailing space; no `: `, ` #` or trailing `:`; not a special word.
/// Anything starting with a digit, a sign or a dot is quoted, which covers numbers in every
/// YAML dialect (`0x1F`, `1_000`, `1:30`, `.inf`, `2010-09-09`).
fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || matches!(first, '_' | '/' | '$' | '(')) {
        return false;
    }
    if !s.chars().all(|c| (' '..='~').contains(&c)) || s.ends_with(' ') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    !SPECIAL_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// Characters a literal block cannot carry (they need escapes): controls other than `\n`,
/// and the characters YAML readers treat as line breaks or byte-order marks.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// Multi-line strings that a literal block carries exactly: no escapes needed, no tabs, and a
/// first line that starts with a visible character (indentation detection needs one).
fn is_block_literal(s: &str) -> bool {
    s.contains('\n')
        && !s.chars().any(|c| needs_escape(c) || c == '\t')
        && s.chars().next().is_some_and(|c| c != ' ' && c != '\n')
}

/// `|-` (no final newline), `|` (one) or `|+` (more), then the lines indented by `level`.
fn write_block_literal(out: &mut String, s: &str, level: usize) {
    let body = s.strip_suffix('\n');
    let (indicator, body) = match body {
        None => ("|-", s),
        Some(b) if b.ends_with('\n') => ("|+", b),
        Some(b) => ("|", b),
    };
    out.push_str(indicator);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, level);
            out.push_str(line);
        }
    }
}

/// Numbers as serde_json writes them, except that an exponent form gets a dot and a signed
/// exponent (`1e20` becomes `1.0e+20`): YAML 1.1 readers take `1e20` for a string.
fn write_number(out: &mut String, n: &serde_json::Number) {
    let text = n.to_string();
    match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            out.push_str(mantissa);
            if !mantissa.contains('.') {
                out.push_str(".0");
            }
            out.push('e');
            if !exponent.starts_with(['+', '-']) {
                out.push('+');
            }
            out.push_str(exponent);
        }
        None => out.push_str(&text),
    }
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_template_in_block_style() {
        let template = json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {
                "Assets": {
                    "Type": "AWS::S3::Bucket",
                    "DeletionPolicy": "Retain",
                    "Properties": {
                        "BucketName": { "Fn::Sub": "canvalo-gamma-assets-${AWS::AccountId}" },
                        "VersioningConfiguration": { "Status": "Enabled" },
                        "Tags": [{ "Key": "env", "Value": "on" }, { "Key": "n", "Value": "12" }],
                        "Empty": {},
                        "None": [],
                        "Nested": [[1, 2], ["a"]],
                        "Arn": { "Fn::GetAtt": ["Assets", "Arn"] }
                    }
                }
            },
            "Outputs": { "Flag": { "Value": true }, "Ratio": { "Value": 0.5 }, "Nothing": { "Value": null } }
        });
        let expected = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Assets:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      BucketName:
        Fn::Sub: canvalo-gamma-assets-${AWS::AccountId}
      VersioningConfiguration:
        Status: Enabled
      Tags:
        - Key: env
          Value: "on"
        - Key: "n"
          Value: "12"
      Empty: {}
      None: []
      Nested:
        - - 1
          - 2
        - - a
      Arn:
        Fn::GetAtt:
          - Assets
          - Arn
Outputs:
  Flag:
    Value: true
  Ratio:
    Value: 0.5
  Nothing:
    Value: null
"#;
        assert_eq!(to_yaml_string(&template), expected);
    }

    #[test]
    fn strings_yaml_would_misread_are_quoted() {
        let quoted = [
            "",
            "true",
            "False",
            "YES",
            "no",
            "on",
            "Off",
            "y",
            "N",
            "null",
            "NULL",
            "~",
            "12",
            "-3",
            "+1",
            "0.5",
            ".inf",
            ".NaN",
            "0x1F",
            "1_000",
            "1:30",
            "2010-09-09",
            "10.0.0.0/16",
            "a: b",
            "a #b",
            "key:",
            " lead",
            "trail ",
            "-",
            "- item",
            "? q",
            "!tag",
            "&anchor",
            "*alias",
            "%dir",
            "@at",
            "`tick",
            "'single'",
            "\"double\"",
            "[list]",
            "{map}",
            "#comment",
            "|",
            ">",
            ",",
            "<<",
            "é",
            "tab\there",
            "a\rb",
        ];
        for s in quoted {
            let out = to_yaml_string(&json!(s));
            assert!(out.starts_with('"'), "{s:?} gave {out:?}");
        }
        let plain = [
            "Enabled",
            "AWS::S3::Bucket",
            "Fn::Sub",
            "/canvalo/gamma/api",
            "${AWS::Region}",
            "arn:aws:s3:::b/*",
            "a#b",
            "x-y_z",
            "(a)",
            "http://x.y/z",
            "aws:cdk:path",
        ];
        for s in plain {
            assert_eq!(to_yaml_string(&json!(s)), format!("{s}\n"));
        }
    }

    #[test]
    fn escapes_and_blocks() {
        assert_eq!(
            to_yaml_string(&json!("a\"b\\c\u{1}\u{2028}")),
            "\"a\\\"b\\\\c\\u0001\\u2028\"\n"
        );
        assert_eq!(
            to_yaml_string(&json!({ "S": "#!/bin/bash\necho hi\n" })),
            "S: |\n  #!/bin/bash\n  echo hi\n"
        );
        assert_eq!(
            to_yaml_string(&json!({ "S": "a\n\n  b" })),
            "S: |-\n  a\n\n    b\n"
        );
        assert_eq!(to_yaml_string(&json!(["a\nb\n\n"])), "- |+\n  a\n  b\n\n");
        // a first line starting with a space, or a tab anywhere: quoted instead
        assert_eq!(to_yaml_string(&json!(" a\nb")), "\" a\\nb\"\n");
        assert_eq!(to_yaml_string(&json!("a\n\tb")), "\"a\\n\\tb\"\n");
        assert_eq!(
            to_yaml_string(&json!({ "k: v": 1, "": 2 })),
            "\"k: v\": 1\n\"\": 2\n"
        );
        assert_eq!(to_yaml_string(&json!({})), "{}\n");
        assert_eq!(
            to_yaml_string(&json!([1e20, 1.5e-7, -2.5, 7])),
            "- 1.0e+20\n- 1.5e-7\n- -2.5\n- 7\n"
        );
        assert_eq!(to_yaml_string(&json!(null)), "null\n");
    }

    #[test]
    fn the_same_value_gives_the_same_text() {
        let v = json!({ "b": [1, { "c": "x\ny" }], "a": "on" });
        assert_eq!(to_yaml_string(&v), to_yaml_string(&v.clone()));
        assert_eq!(
            to_yaml_string(&v),
            "b:\n  - 1\n  - c: |-\n      x\n      y\na: \"on\"\n"
        );
    }
}
