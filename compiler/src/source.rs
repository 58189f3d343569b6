//! Source text and positions: byte spans inside the compiler, line and column only at the edges.

/// A byte range `start..end` inside one file's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// Line starts of a text, for turning byte offsets into positions at the edges (CLI, LSP).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

/// A zero-based position. `column` counts characters (Unicode scalar values); `utf16_column`
/// counts UTF-16 code units, as the language server protocol wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub utf16_column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    /// The position of a byte offset; offsets past the end or inside a character are clamped.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let prefix = &text[self.line_starts[line]..offset];
        Position {
            line,
            column: prefix.chars().count(),
            utf16_column: prefix.encode_utf16().count(),
        }
    }

    /// The byte offset of a zero-based line and UTF-16 column; clamped to the text.
    pub fn offset_of_utf16(&self, text: &str, line: usize, utf16_column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line) else {
            return text.len();
        };
        let end = self
            .line_starts
            .get(line + 1)
            .copied()
            .unwrap_or(text.len());
        let mut units = 0;
        for (i, ch) in text[start..end].char_indices() {
            if units >= utf16_column || ch == '\n' {
                return start + i;
            }
            units += ch.len_utf16();
        }
        end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_utf16_units() {
        let text = "ab\nxé𝄞z\n";
        let index = LineIndex::new(text);
        let z = text.find('z').unwrap();
        let pos = index.position(text, z);
        assert_eq!((pos.line, pos.column, pos.utf16_column), (1, 3, 4));
        assert_eq!(index.offset_of_utf16(text, 1, 4), z);
        assert_eq!(index.offset_of_utf16(text, 9, 0), text.len());
    }
}
