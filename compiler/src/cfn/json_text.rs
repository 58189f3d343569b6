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

/// `value` as pretty JSON nested `depth` levels deep (its inner lines indented past that).
pub fn write_value(value: &Json, depth: usize, out: &mut String) {
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
            let mut seq = Seq::array(out, depth);
            for item in items {
                seq.item(out);
                write_value(item, depth + 1, out);
            }
            seq.end(out);
        }
        Json::Object(map) => {
            let mut seq = Seq::object(out, depth);
            for (key, item) in map {
                seq.field(out, key);
                write_value(item, depth + 1, out);
            }
            seq.end(out);
        }
    }
}

/// An array or object being written at some depth: what goes before each member (a comma
/// after the first, a new line, the indent) and the closing bracket, `[]`/`{}` when empty.
#[derive(Debug)]
pub struct Seq {
    /// The depth of the container; its members are one deeper.
    depth: usize,
    /// Members written so far.
    count: usize,
    close: char,
}

impl Seq {
    /// Writes `[` and returns the array's writer.
    pub fn array(out: &mut String, depth: usize) -> Seq {
        out.push('[');
        Seq {
            depth,
            count: 0,
            close: ']',
        }
    }

    /// Writes `{` and returns the object's writer.
    pub fn object(out: &mut String, depth: usize) -> Seq {
        out.push('{');
        Seq {
            depth,
            count: 0,
            close: '}',
        }
    }

    /// The depth of the members (what to write their values at).
    pub fn inner(&self) -> usize {
        self.depth + 1
    }

    /// How many members were written.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no member was written.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Starts the next member (separator, new line, indent); returns where it starts in `out`,
    /// for [`Seq::undo`].
    pub fn item(&mut self, out: &mut String) -> usize {
        let mark = out.len();
        if self.count > 0 {
            out.push(',');
        }
        new_line(self.depth + 1, out);
        self.count += 1;
        mark
    }

    /// Starts the next member of an object: `"key": `. Returns its start, as [`Seq::item`].
    pub fn field(&mut self, out: &mut String, key: &str) -> usize {
        let mark = self.item(out);
        write_str(key, out);
        out.push_str(": ");
        mark
    }

    /// Takes back the member started at `mark` (its value was null, which is left out).
    pub fn undo(&mut self, out: &mut String, mark: usize) {
        out.truncate(mark);
        self.count = self.count.saturating_sub(1);
    }

    /// Closes the container.
    pub fn end(self, out: &mut String) {
        if self.count > 0 {
            new_line(self.depth, out);
        }
        out.push(self.close);
    }
}

/// A new line indented for `depth`, in one copy when it is not deep.
fn new_line(depth: usize, out: &mut String) {
    const LINE: &str = "\n                                                                ";
    match LINE.get(..1 + depth * 2) {
        Some(line) => out.push_str(line),
        None => {
            out.push('\n');
            indent(depth, out);
        }
    }
}

/// Two spaces per level.
pub fn indent(depth: usize, out: &mut String) {
    const SPACES: &str = "                                                                ";
    let mut width = depth * 2;
    while width > 0 {
        let n = width.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        width -= n;
    }
}

/// True when some byte is a control character, `"` or `\\`. Tests eight bytes at a time: a
/// byte of `x` is zero, or less than `n`, where `(x - 0x01..01 * n) & !x & 0x80..80` has its
/// high bit set (exact for the question "is there such a byte").
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_less = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGHS != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if has_less(x, 0x20) || has_less(x ^ (ONES * 0x22), 1) || has_less(x ^ (ONES * 0x5c), 1) {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A JSON string literal with serde_json's escapes: `\"`, `\\`, the short forms `\b \f \n \r \t`,
/// and `\u00XX` (lowercase hex) for the other control characters. Everything else is copied.
pub fn write_str(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Almost every string of a template needs no escape: copy it whole.
    if !needs_escape(s.as_bytes()) {
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
    use super::{needs_escape, write_pretty};
    use serde_json::json;

    /// The word-at-a-time test agrees with a byte-at-a-time one for every byte value at every
    /// place of an eight-byte word and of the tail, next to bytes that are close to the limits.
    #[test]
    fn needs_escape_matches_a_byte_test() {
        let naive = |bytes: &[u8]| bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        for filler in [b'a', 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xff] {
            for len in 1..=19 {
                for place in 0..len {
                    for byte in 0..=255u8 {
                        let mut bytes = vec![filler; len];
                        bytes[place] = byte;
                        assert_eq!(needs_escape(&bytes), naive(&bytes), "{bytes:?}");
                    }
                }
            }
        }
    }

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
