//! Pretty JSON text, byte-identical to `serde_json::to_string_pretty` (two-space indent,
//! `"key": value`, `[]` and `{}` when empty, the same string escapes and number formats).
//!
//! Why not serde_json's own writer: it goes through `io::Write` and the generic `Formatter`,
//! writing the indent one level at a time, which made serializing the templates about a fifth
//! of a large build (docs/performance.md). This writer appends to one `String`.

use serde_json::Value as Json;
use std::fmt::Write as _;

/// `value` as pretty JSON, appended to `out`, without a final newline.
pub fn write_pretty(value: &Json, out: &mut String) {
    write_value(value, 0, out);
}

fn write_value(value: &Json, depth: usize, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        // Number's Display uses the same itoa/ryu formatting as its serializer.
        Json::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Json::String(s) => write_str(s, out),
        Json::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(depth + 1, out);
                write_value(item, depth + 1, out);
            }
            out.push('\n');
            indent(depth, out);
            out.push(']');
        }
        Json::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(depth + 1, out);
                write_str(key, out);
                out.push_str(": ");
                write_value(item, depth + 1, out);
            }
            out.push('\n');
            indent(depth, out);
            out.push('}');
        }
    }
}

fn indent(depth: usize, out: &mut String) {
    const SPACES: &str = "                                                                ";
    let mut width = depth * 2;
    while width > 0 {
        let n = width.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        width -= n;
    }
}

/// A JSON string literal with serde_json's escapes: `\"`, `\\`, the short forms `\b \f \n \r \t`,
/// and `\u00XX` (lowercase hex) for the other control characters. Everything else is copied.
fn write_str(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Almost every string of a template needs no escape: copy it whole.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(byte >> 4) as usize] as char);
            out.push(HEX[(byte & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::write_pretty;
    use serde_json::json;

    fn same_as_serde(value: serde_json::Value) {
        let mut ours = String::new();
        write_pretty(&value, &mut ours);
        assert_eq!(ours, serde_json::to_string_pretty(&value).unwrap());
    }

    #[test]
    fn matches_serde_json_pretty() {
        same_as_serde(json!(null));
        same_as_serde(json!([]));
        same_as_serde(json!({}));
        same_as_serde(
            json!({ "a": [], "b": {}, "c": [1, -2, 3.5, 1e300, 0.1, true, false, null] }),
        );
        same_as_serde(json!({ "deep": { "er": { "est": [[[["x"]]], { "k": "v" }] } } }));
        same_as_serde(json!(
            "quote \" backslash \\ nl \n cr \r tab \t bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f}"
        ));
        same_as_serde(json!({ "ключ \u{1}": "é 日本 🎉 </script>", "": "" }));
        same_as_serde(json!(u64::MAX));
        same_as_serde(json!(i64::MIN));
        same_as_serde(json!(-0.0));
        let mut deep = json!("leaf");
        for _ in 0..40 {
            deep = json!([deep]);
        }
        same_as_serde(deep);
    }
}
