//! Positions between the compiler (byte offsets into UTF-8 text) and JavaScript editors (UTF-16
//! offsets, what JavaScript strings index by).

use cvl::LineIndex;
use serde_json::{Value, json};

/// The UTF-16 offset of a byte offset (clamped to the text and to a character boundary).
pub fn utf16_offset(text: &str, offset: usize) -> usize {
    text[..floor_boundary(text, offset)].encode_utf16().count()
}

/// The byte offset of a UTF-16 offset (clamped to the text; inside a surrogate pair, the
/// character's start).
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        let next = units + c.len_utf16();
        if next > utf16 {
            return at;
        }
        units = next;
    }
    text.len()
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A place in a file for the page: `{file, line, column, start, end}`, 1-based line and
/// column (characters), `start`/`end` in UTF-16. Without the file's text, only `file`.
pub fn place_json(file: &str, span: cvl::Span, text: Option<&str>) -> Value {
    let Some(text) = text else {
        return json!({ "file": file, "line": null, "column": null, "start": null, "end": null });
    };
    let at = LineIndex::new(text).position(text, span.start);
    json!({
        "file": file,
        "line": at.line + 1,
        "column": at.column + 1,
        "start": utf16_offset(text, span.start),
        "end": utf16_offset(text, span.end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_back() {
        let text = "é\n😀ab";
        assert_eq!(utf16_offset(text, 4), 2, "inside the emoji: its start");
        assert_eq!(utf16_offset(text, 1), 0);
        assert_eq!(utf16_offset(text, 7), 4);
        for byte in [0, 2, 3, 7, 8, text.len()] {
            assert_eq!(byte_offset(text, utf16_offset(text, byte)), byte);
        }
        assert_eq!(
            byte_offset(text, 3),
            3,
            "inside the surrogate pair: the character's start"
        );
        assert_eq!(byte_offset(text, 4), 7);
        assert_eq!(byte_offset(text, 999), text.len());
    }

    #[test]
    fn places() {
        let v = place_json("main.cvl", cvl::Span::new(3, 5), Some("é\nab"));
        assert_eq!(
            v,
            json!({ "file": "main.cvl", "line": 2, "column": 1, "start": 2, "end": 4 })
        );
        assert_eq!(
            place_json("x", cvl::Span::new(0, 1), None)["line"],
            Value::Null
        );
    }
}
