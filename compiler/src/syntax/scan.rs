//! A cheap lexical pre-scan of a whole file, run before any text is handed to pest.
//!
//! It tracks brackets, strings and interpolations (outside comments) and finds:
//! - where nesting goes deeper than [`MAX_NESTING`] levels (pest recurses once per level, so
//!   such text must never reach it), and where the depth comes back to zero after that;
//! - the lines that start in code rather than inside a multi-line string (the recovery points);
//! - the closing brackets that close an opening one (to skip the leftovers of a broken
//!   declaration silently).
//!
//! The scan follows the grammar's lexical rules: plain strings end at a newline, `${` opens an
//! interpolation in a string, `"""` strings span lines, `//` comments run to the end of the line,
//! and `map<` opens a bracket level in types.

/// How deeply brackets, braces, parentheses, strings and interpolations may nest.
pub const MAX_NESTING: usize = 256;

/// What the pre-scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Nesting past the limit: the offset of the opening bracket that went too deep, and the
    /// offset where the depth came back to zero (or the end of the text).
    pub too_deep: Vec<(usize, usize)>,
    /// The offsets of the lines that start in code (not inside a multi-line string), in order.
    pub code_lines: Vec<usize>,
    /// The offsets of closing brackets that close an opening bracket, in order.
    pub matched_closers: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// `(`, `[` or `{` in code.
    Bracket,
    /// `map<` in a type.
    Angle,
    /// `${` in a string: code until the matching `}`.
    Interp,
    /// A plain string.
    Str,
    /// A triple-quoted string.
    Triple,
}

impl Scan {
    /// Scans `text`.
    pub fn new(text: &str) -> Scan {
        Scanner {
            bytes: text.as_bytes(),
            pos: 0,
            stack: Vec::new(),
            deep_since: None,
            scan: Scan::default(),
        }
        .run()
    }

    /// The offset where the too-deep region that contains `offset` ends, if it is in one.
    pub fn too_deep_end(&self, offset: usize) -> Option<usize> {
        self.too_deep
            .iter()
            .find(|(start, end)| *start <= offset && offset < *end)
            .map(|&(_, end)| end)
    }

    /// The first too-deep region that starts at or after `offset`.
    pub fn next_too_deep(&self, offset: usize) -> Option<(usize, usize)> {
        self.too_deep
            .iter()
            .copied()
            .find(|(start, _)| *start >= offset)
    }

    /// Whether the closing bracket at `offset` closes an opening bracket before it.
    pub fn is_matched_closer(&self, offset: usize) -> bool {
        self.matched_closers.binary_search(&offset).is_ok()
    }

    /// The first line after the line of `after`, starting in code, whose first token is a
    /// top-level keyword or `///` at or after `at_least`: returns that token's offset.
    pub fn recovery_point(&self, text: &str, after: usize, at_least: usize) -> Option<usize> {
        let first = self.code_lines.partition_point(|&line| line <= after);
        self.code_lines[first..].iter().find_map(|&line| {
            let token =
                line + text[line..].len() - text[line..].trim_start_matches([' ', '\t']).len();
            (token >= at_least && starts_declaration(&text[token..])).then_some(token)
        })
    }
}

/// The keywords that start a top-level declaration (recovery points).
const DECLARATION_KEYWORDS: &[&str] = &[
    "import",
    "param",
    "let",
    "type",
    "fn",
    "component",
    "resource",
    "output",
    "stack",
    "check",
    "tags",
    "if",
    "for",
];

/// Whether `rest` starts with a `///` doc comment (`////` is an ordinary comment).
fn is_doc_comment(rest: &str) -> bool {
    rest.starts_with("///") && !rest.starts_with("////")
}

/// Whether `rest` starts with a declaration keyword (as a whole word) or a `///` doc comment.
fn starts_declaration(rest: &str) -> bool {
    if is_doc_comment(rest) {
        return true;
    }
    DECLARATION_KEYWORDS.iter().any(|keyword| {
        rest.strip_prefix(keyword).is_some_and(|after| {
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// Skips whitespace and `//` comments (not `///` doc comments) from `offset`.
pub fn skip_trivia(text: &str, mut offset: usize) -> usize {
    loop {
        let rest = &text[offset..];
        let trimmed = rest.trim_start_matches([' ', '\t', '\n', '\r', '\u{feff}']);
        offset += rest.len() - trimmed.len();
        if trimmed.starts_with("//") && !is_doc_comment(trimmed) {
            offset += trimmed.find(['\n', '\r']).unwrap_or(trimmed.len());
        } else {
            return offset;
        }
    }
}

/// The token at `offset`, as its span and as words for "found ...": `` `}` ``, "end of
/// file", "end of line".
pub fn token_at(text: &str, offset: usize) -> ((usize, usize), String) {
    let offset = floor_char_boundary(text, offset);
    let rest = &text[offset..];
    let Some(first) = rest.chars().next() else {
        return ((offset, offset), "end of file".to_string());
    };
    if first == '\n' || first == '\r' {
        return (
            (offset, offset + first.len_utf8()),
            "end of line".to_string(),
        );
    }
    let len = token_len(rest, first);
    ((offset, offset + len), format!("`{}`", &rest[..len]))
}

/// The length in bytes of the token that starts `rest` (whose first character is `first`).
fn token_len(rest: &str, first: char) -> usize {
    const PUNCTUATION: &[&str] = &[
        "\"\"\"", "...", "///", "::", "..", "=>", "->", "==", "!=", "<=", ">=", "&&", "||", "??",
        "${", "//",
    ];
    if first.is_ascii_alphanumeric() || first == '_' {
        return rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
    }
    PUNCTUATION
        .iter()
        .find(|p| rest.starts_with(**p))
        .map_or(first.len_utf8(), |p| p.len())
}

/// The largest char boundary at or before `offset` (clamped to the text).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

struct Scanner<'t> {
    bytes: &'t [u8],
    pos: usize,
    stack: Vec<Frame>,
    /// The opening bracket that went past the limit, while the depth has not come back to zero.
    deep_since: Option<usize>,
    scan: Scan,
}

impl Scanner<'_> {
    fn run(mut self) -> Scan {
        self.scan.code_lines.push(0);
        while self.pos < self.bytes.len() {
            match self.stack.last() {
                Some(Frame::Str) => self.in_string(),
                Some(Frame::Triple) => self.in_triple(),
                _ => self.in_code(),
            }
        }
        if let Some(start) = self.deep_since {
            self.scan.too_deep.push((start, self.bytes.len()));
        }
        self.scan
    }

    fn at(&self, offset: usize) -> u8 {
        self.bytes.get(offset).copied().unwrap_or(0)
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.bytes[self.pos..].starts_with(s)
    }

    fn push(&mut self, frame: Frame, len: usize) {
        self.stack.push(frame);
        if self.stack.len() > MAX_NESTING && self.deep_since.is_none() {
            self.deep_since = Some(self.pos);
        }
        self.pos += len;
    }

    fn pop(&mut self) {
        self.stack.pop();
        if self.stack.is_empty()
            && let Some(start) = self.deep_since.take()
        {
            self.scan.too_deep.push((start, self.pos + 1));
        }
    }

    /// A newline: the next line starts in code unless a triple-quoted string is open.
    fn newline(&mut self) {
        self.pos += 1;
        if !matches!(self.stack.last(), Some(Frame::Triple)) {
            self.scan.code_lines.push(self.pos);
        }
    }

    fn in_code(&mut self) {
        let byte = self.at(self.pos);
        match byte {
            b'\n' => self.newline(),
            b'/' if self.at(self.pos + 1) == b'/' => {
                while self.pos < self.bytes.len() && !matches!(self.at(self.pos), b'\n' | b'\r') {
                    self.pos += 1;
                }
            }
            b'"' if self.starts_with(b"\"\"\"") => self.push(Frame::Triple, 3),
            b'"' => self.push(Frame::Str, 1),
            b'(' | b'[' | b'{' => self.push(Frame::Bracket, 1),
            b')' | b']' | b'}' => self.close(),
            b'>' if self.stack.last() == Some(&Frame::Angle) => {
                self.pop();
                self.pos += 1;
            }
            b'm' if self.starts_with(b"map") && !self.is_word_byte(self.pos.wrapping_sub(1)) => {
                self.map_angle()
            }
            _ => self.pos += 1,
        }
    }

    fn is_word_byte(&self, offset: usize) -> bool {
        offset < self.bytes.len()
            && (self.bytes[offset].is_ascii_alphanumeric() || self.bytes[offset] == b'_')
    }

    /// `map` followed by `<` opens a level; otherwise it is a name.
    fn map_angle(&mut self) {
        let mut next = self.pos + 3;
        if self.is_word_byte(next) {
            self.pos = next;
            return;
        }
        while matches!(self.at(next), b' ' | b'\t' | b'\r' | b'\n') {
            next += 1;
        }
        if self.at(next) == b'<' {
            self.pos = next;
            self.push(Frame::Angle, 1);
        } else {
            self.pos += 3;
        }
    }

    fn close(&mut self) {
        while self.stack.last() == Some(&Frame::Angle) {
            self.pop();
        }
        match self.stack.last() {
            Some(Frame::Bracket) => {
                self.scan.matched_closers.push(self.pos);
                self.pop();
            }
            Some(Frame::Interp) if self.at(self.pos) == b'}' => self.pop(),
            _ => {}
        }
        self.pos += 1;
    }

    fn in_string(&mut self) {
        match self.at(self.pos) {
            b'\\' if self.at(self.pos + 1) != b'\n' => self.pos += 2,
            b'"' => {
                self.pop();
                self.pos += 1;
            }
            b'$' if self.at(self.pos + 1) == b'{' => self.push(Frame::Interp, 2),
            b'\n' => {
                // A plain string ends at the end of its line (pest reports it unterminated).
                self.pop();
                self.newline();
            }
            _ => self.pos += 1,
        }
    }

    fn in_triple(&mut self) {
        match self.at(self.pos) {
            b'\\' if self.at(self.pos + 1) != b'\n' => self.pos += 2,
            b'"' if self.starts_with(b"\"\"\"") => {
                self.pop();
                self.pos += 3;
            }
            b'$' if self.at(self.pos + 1) == b'{' => self.push(Frame::Interp, 2),
            _ => self.pos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_code_lines_outside_triple_strings() {
        let text = "let a = \"\"\"\nlet b\n\"\"\"\nlet c = 1\n";
        let scan = Scan::new(text);
        let starts: Vec<&str> = scan.code_lines.iter().map(|&l| &text[l..]).collect();
        assert!(starts[0].starts_with("let a"));
        assert!(starts.iter().any(|s| s.starts_with("let c")));
        assert!(!starts.iter().any(|s| s.starts_with("let b")));
    }

    #[test]
    fn reports_too_deep_nesting_and_where_it_ends() {
        let deep = format!("let a = {}1{}\nlet b = 2", "[".repeat(300), "]".repeat(300));
        let scan = Scan::new(&deep);
        assert_eq!(scan.too_deep.len(), 1);
        let (start, end) = scan.too_deep[0];
        assert_eq!(start, "let a = ".len() + MAX_NESTING);
        assert_eq!(&deep[end..], "\nlet b = 2");
        let ok = format!("{}1{}", "(".repeat(256), ")".repeat(256));
        assert!(Scan::new(&ok).too_deep.is_empty());
    }

    #[test]
    fn strings_and_interpolations_count_as_nesting() {
        let nested = "\"${".repeat(130) + &"}\"".repeat(130);
        assert_eq!(Scan::new(&nested).too_deep.len(), 1);
        let comment = format!("// {}\nlet a = 1", "(".repeat(400));
        assert!(Scan::new(&comment).too_deep.is_empty());
    }

    #[test]
    fn map_angles_nest() {
        let deep = format!("type T = {}int{}", "map<".repeat(300), ">".repeat(300));
        assert_eq!(Scan::new(&deep).too_deep.len(), 1);
        assert!(Scan::new("let a = map < 3").too_deep.is_empty());
    }

    #[test]
    fn recovery_points_are_declaration_lines() {
        let text = "let a = (\n  letter\n  let b = 1\n/// doc\n";
        let scan = Scan::new(text);
        let point = scan.recovery_point(text, 0, 0).map(|p| &text[p..]);
        assert_eq!(point, Some("let b = 1\n/// doc\n"));
        let after = text.find("let b").unwrap_or(0);
        assert_eq!(
            scan.recovery_point(text, after, after + 1)
                .map(|p| &text[p..]),
            Some("/// doc\n")
        );
    }

    #[test]
    fn tokens_are_described_in_words() {
        assert_eq!(token_at("a }", 2).1, "`}`");
        assert_eq!(token_at("a", 1).1, "end of file");
        assert_eq!(token_at("a\n", 1).1, "end of line");
        assert_eq!(token_at("x letter", 2).1, "`letter`");
        assert_eq!(token_at("x => y", 2).1, "`=>`");
        assert_eq!(token_at("é", 1), ((0, 2), "`é`".to_string()));
    }

    #[test]
    fn trivia_skips_comments_but_not_docs() {
        assert_eq!(skip_trivia("  // c\n  x", 0), 9);
        assert_eq!(skip_trivia("  /// d\nx", 0), 2);
        assert_eq!(skip_trivia("//// c\nx", 0), 7);
    }
}
