//! A hand-written recursive-descent parser for one top-level declaration: the fast path of
//! `parser.rs`.
//!
//! `grammar.pest` stays the definition of the syntax and pest stays the error path. This parser
//! follows the grammar rule by rule and returns a declaration only when it parsed cleanly, to
//! exactly the tree that pest and the tree builder of `parser.rs` would build (same nodes, same
//! spans, same doc text, same string literals through `literal.rs`) with no diagnostic. On
//! anything else (a syntax error, an invalid escape, a `${}` where a plain string is required,
//! an integer that does not fit, a chained `..`, a tree deeper than [`MAX_HEIGHT`] levels,
//! recursion deeper than [`MAX_RECURSION`]) it returns `None` and the caller parses the
//! declaration with pest. So a gap here costs time, never a different result; the differential
//! tests of `fast_tests.rs` check that the two paths agree.
//!
//! How it mirrors pest:
//! - Trivia (whitespace, `//` comments but not `///` doc comments) is skipped before every
//!   token of a non-atomic rule, and never inside atomic ones (names, numbers, strings, the
//!   `Name`/`mod.Name` path of an instance, resource types).
//! - An ordered choice is decided by the first token(s), after checking that the alternatives
//!   pest tries first fail on them (`{` is a map comprehension before `for`, a record before
//!   `}`, `...` or a key and `:`, a block otherwise).
//! - When an optional part or a repetition starts but does not complete, pest would backtrack;
//!   this parser gives up instead (`None`), which is always safe.

mod expr;

use super::ast::{self, Ident, Item, ItemKind, TypeExpr, TypeExprKind};
use crate::source::Span;

/// How many tree levels (as the tree builder counts them: declarations, expressions with their
/// operators, types, `else if` chains, function type heads) a declaration may have here. Far
/// below the builder's `MAX_TREE_DEPTH`, so that the builder would never reject a tree this
/// parser accepts, nor run out of its stack budget building it.
const MAX_HEIGHT: usize = 128;

/// How deeply the parser's own functions may recurse (one level per expression, type or
/// declaration); deeper input is left to pest and its limits.
pub(super) const MAX_RECURSION: usize = 96;

/// Parses the declaration that starts at `start` (after trivia) in `text[..limit]`. Returns it
/// with the offset where the file parser continues, or `None` when pest must parse it.
pub(super) fn parse_decl(text: &str, start: usize, limit: usize) -> Option<(Item, usize)> {
    let text = text.get(..limit)?;
    let mut parser = Fast {
        text,
        bytes: text.as_bytes(),
        pos: start,
        end: start,
        depth: 0,
        peak: 0,
    };
    let item = parser.decl()?;
    if parser.peak > MAX_HEIGHT {
        return None;
    }
    let last = parser.end;
    parser.skip();
    if !parser.at_decl_follower() || has_lone_cr(&parser.bytes[last..parser.pos]) {
        return None;
    }
    Some((item, parser.pos))
}

/// Whether trivia holds a `\r` that is not followed by `\n` (old Mac line endings): rare enough
/// to leave to pest, which is what the fast path is checked against. (`scan::skip_trivia` used
/// to run a `//` comment past a lone `\r`, where pest ends it.)
fn has_lone_cr(trivia: &[u8]) -> bool {
    trivia
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && trivia.get(i + 1) != Some(&b'\n'))
}

/// The parser's state.
struct Fast<'t> {
    /// The input, cut at the parse limit (pest's end of input).
    text: &'t str,
    bytes: &'t [u8],
    /// The next byte to read.
    pos: usize,
    /// Where the last token consumed ends: nodes end there (pest pairs can end after trailing
    /// trivia; the builder's spans, and these, end at their last token).
    end: usize,
    /// The current recursion depth (see [`MAX_RECURSION`]).
    depth: usize,
    /// The greatest tree height (see [`MAX_HEIGHT`]) among the nodes finished at the current
    /// level: [`Fast::nest`] turns it into the height of the enclosing node.
    peak: usize,
}

/// Whether a byte may continue a name.
fn is_ident_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The reserved words (`ident` excludes them).
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "check"
            | "component"
            | "else"
            | "export"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "import"
            | "in"
            | "let"
            | "match"
            | "null"
            | "output"
            | "param"
            | "resource"
            | "stack"
            | "true"
            | "type"
            | "with"
    )
}

/// The words that start a declaration (`item_keyword`).
fn is_item_keyword(word: &str) -> bool {
    matches!(
        word,
        "import"
            | "param"
            | "let"
            | "type"
            | "fn"
            | "component"
            | "resource"
            | "output"
            | "stack"
            | "check"
            | "tags"
            | "if"
            | "for"
    )
}

// ------------------------------------------------------------------------------------------------
// Tokens

impl<'t> Fast<'t> {
    /// The byte at `at`, or 0 past the end (0 is never the start of a token).
    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    fn starts_with(&self, prefix: &[u8]) -> bool {
        self.bytes
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(prefix))
    }

    /// Skips whitespace (incl. `\r` and a byte-order mark) and `//` comments, as pest's implicit
    /// `WHITESPACE | COMMENT` does; stops at a `///` doc comment.
    fn skip(&mut self) {
        loop {
            match self.byte(self.pos) {
                b' ' | b'\n' | b'\t' | b'\r' => self.pos += 1,
                0xEF if self.starts_with("\u{FEFF}".as_bytes()) => self.pos += 3,
                b'/' if self.byte(self.pos + 1) == b'/' && !self.at_doc_line() => {
                    self.pos += 2;
                    while !matches!(self.byte(self.pos), b'\n' | b'\r')
                        && self.pos < self.bytes.len()
                    {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// Whether a `///` doc line starts here (exactly three slashes).
    fn at_doc_line(&self) -> bool {
        self.starts_with(b"///") && self.byte(self.pos + 3) != b'/'
    }

    /// Consumes `len` bytes of a token.
    fn take(&mut self, len: usize) {
        self.pos += len;
        self.end = self.pos;
    }

    /// Skips trivia, then consumes the byte `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip();
        let found = self.byte(self.pos) == byte;
        if found {
            self.take(1);
        }
        found
    }

    /// Like [`Fast::eat`], as an `Option` for `?`.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Skips trivia, then consumes `token` if it is next.
    fn eat_token(&mut self, token: &[u8]) -> bool {
        self.skip();
        let found = self.starts_with(token);
        if found {
            self.take(token.len());
        }
        found
    }

    /// Where the word (a letter or `_`, then letters, digits and `_`) at `at` ends.
    fn word_end(&self, at: usize) -> Option<usize> {
        let first = self.byte(at);
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let mut end = at + 1;
        while is_ident_char(self.byte(end)) {
            end += 1;
        }
        Some(end)
    }

    /// The word at the current position (no trivia skipped), or "".
    fn word(&self) -> &'t str {
        match self.word_end(self.pos) {
            Some(end) => &self.text[self.pos..end],
            None => "",
        }
    }

    /// Whether the keyword `word` is next (after trivia, which is skipped).
    fn at_keyword(&mut self, word: &str) -> bool {
        self.skip();
        self.word() == word
    }

    /// Skips trivia, then consumes the keyword `word` if it is next.
    fn eat_keyword(&mut self, word: &str) -> bool {
        let found = self.at_keyword(word);
        if found {
            self.take(word.len());
        }
        found
    }

    fn expect_keyword(&mut self, word: &str) -> Option<()> {
        self.eat_keyword(word).then_some(())
    }

    /// An `ident`: a word that is not a keyword.
    fn ident(&mut self) -> Option<Ident> {
        self.skip();
        let start = self.pos;
        let end = self.word_end(start)?;
        let name = &self.text[start..end];
        if is_keyword(name) {
            return None;
        }
        self.take(end - start);
        Some(Ident {
            name: name.to_string(),
            span: Span::new(start, end),
        })
    }

    /// `=` (not `==` or `=>`).
    fn eat_assign(&mut self) -> bool {
        self.skip();
        let found = self.byte(self.pos) == b'=' && !matches!(self.byte(self.pos + 1), b'=' | b'>');
        if found {
            self.take(1);
        }
        found
    }

    /// `|` (not `||`).
    fn eat_bar(&mut self) -> bool {
        self.skip();
        let found = self.byte(self.pos) == b'|' && self.byte(self.pos + 1) != b'|';
        if found {
            self.take(1);
        }
        found
    }

    /// What may follow a top-level declaration (`&(decl_start | "}" | EOI)`), after trivia.
    fn at_decl_follower(&self) -> bool {
        self.pos >= self.bytes.len()
            || self.byte(self.pos) == b'}'
            || self.at_doc_line()
            || is_item_keyword(self.word())
    }

    /// Runs `parse` one recursion level deeper, as a node of the tree that adds the levels it
    /// returns to the height of what it contains.
    fn nest<T>(&mut self, parse: impl FnOnce(&mut Self) -> Option<(T, usize)>) -> Option<T> {
        self.depth += 1;
        if self.depth > MAX_RECURSION {
            return None;
        }
        let outer = std::mem::take(&mut self.peak);
        let (node, levels) = parse(self)?;
        self.peak = outer.max(self.peak + levels);
        self.depth -= 1;
        Some(node)
    }
}

// ------------------------------------------------------------------------------------------------
// Declarations

impl Fast<'_> {
    /// `decl`: an optional doc comment, then a declaration.
    fn decl(&mut self) -> Option<Item> {
        self.skip();
        let doc = if self.at_doc_line() {
            Some(self.doc())
        } else {
            None
        };
        let mut item = self.item()?;
        item.doc = doc;
        Some(item)
    }

    /// `doc`: `///` lines (trivia between them), as the builder joins them.
    fn doc(&mut self) -> String {
        let mut text = String::new();
        let mut first = true;
        while self.at_doc_line() {
            let start = self.pos + 3;
            let mut end = start;
            while !matches!(self.byte(end), b'\n' | b'\r') && end < self.bytes.len() {
                end += 1;
            }
            let line = &self.text[start..end];
            if !first {
                text.push('\n');
            }
            first = false;
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            self.take(end - self.pos);
            self.skip();
        }
        text
    }

    /// `item`: one declaration, dispatched on its keyword.
    fn item(&mut self) -> Option<Item> {
        self.skip();
        let start = self.pos;
        let keyword = self.word();
        let kind = self.nest(|p| {
            p.take(keyword.len());
            let kind = match keyword {
                "import" => ItemKind::Import(p.import()?),
                "param" => ItemKind::Param(p.param()?),
                "let" => ItemKind::Let(p.let_body()?),
                "type" => {
                    let name = p.ident()?;
                    if !p.eat_assign() {
                        return None;
                    }
                    ItemKind::Type(ast::TypeAlias {
                        name,
                        ty: p.type_expr()?,
                    })
                }
                "fn" => ItemKind::Fn(p.fn_decl()?),
                "component" => {
                    let name = p.ident()?;
                    let items = p.decl_block()?;
                    ItemKind::Component(ast::Component { name, items })
                }
                "resource" => ItemKind::Resource(p.resource()?),
                "output" => ItemKind::Output(p.output()?),
                "stack" => {
                    let name = p.ident()?;
                    let items = p.decl_block()?;
                    ItemKind::Stack(ast::Stack { name, items })
                }
                "check" => {
                    let condition = p.expr(false)?;
                    let message = if p.eat(b',') {
                        Some(p.expr(false)?)
                    } else {
                        None
                    };
                    ItemKind::Check(ast::Check { condition, message })
                }
                "tags" => ItemKind::Tags(p.expr(false)?),
                "if" => return p.if_decl().map(|(kind, levels)| (kind, levels + 1)),
                "for" => {
                    let var = p.ident()?;
                    p.expect_keyword("in")?;
                    let iterable = p.expr(true)?;
                    let items = p.decl_block()?;
                    ItemKind::For(ast::ForItems {
                        var,
                        iterable,
                        items,
                    })
                }
                _ => return None,
            };
            Some((kind, 1))
        })?;
        Some(Item {
            doc: None,
            kind,
            span: Span::new(start, self.end),
        })
    }

    /// `{ decl* }`
    fn decl_block(&mut self) -> Option<Vec<Item>> {
        self.expect(b'{')?;
        let mut items = Vec::new();
        while !self.eat(b'}') {
            items.push(self.decl()?);
        }
        Some(items)
    }

    /// After `import`: `std.a.b (as x)?` or `"path" as x`.
    fn import(&mut self) -> Option<ast::Import> {
        self.skip();
        if self.byte(self.pos) == b'"' {
            let (parts, span) = self.string()?;
            let path = super::literal::plain_text(&parts)?;
            self.expect_keyword("as")?;
            let alias = self.ident()?;
            return Some(ast::Import {
                target: ast::ImportTarget::File { path, span },
                alias,
            });
        }
        self.expect_keyword("std")?;
        let mut path = Vec::new();
        loop {
            let before = self.pos;
            self.skip();
            if self.byte(self.pos) != b'.' {
                self.pos = before;
                break;
            }
            self.pos += 1;
            self.skip();
            let Some(end) = self.word_end(self.pos) else {
                self.pos = before;
                break;
            };
            let start = self.pos;
            self.take(end - start);
            path.push(Ident {
                name: self.text[start..end].to_string(),
                span: Span::new(start, end),
            });
        }
        if path.is_empty() {
            return None;
        }
        let alias = if self.eat_keyword("as") {
            self.ident()?
        } else {
            path.last()?.clone()
        };
        Some(ast::Import {
            target: ast::ImportTarget::Std(path),
            alias,
        })
    }

    /// After `param`: `name: T (= default)? (with { options })?`.
    fn param(&mut self) -> Option<ast::Param> {
        let name = self.ident()?;
        self.expect(b':')?;
        let ty = self.type_expr()?;
        let default = if self.eat_assign() {
            Some(self.expr(false)?)
        } else {
            None
        };
        let options = if self.eat_keyword("with") {
            Some(self.record_expr()?)
        } else {
            None
        };
        Some(ast::Param {
            name,
            ty,
            default,
            options,
        })
    }

    /// After `let`: `name (: T)? = value`.
    fn let_body(&mut self) -> Option<ast::Let> {
        let name = self.ident()?;
        let ty = if self.eat(b':') {
            Some(self.type_expr()?)
        } else {
            None
        };
        if !self.eat_assign() {
            return None;
        }
        let value = self.expr(false)?;
        Some(ast::Let { name, ty, value })
    }

    /// After `fn`: `name(params) (-> T)? { body }`.
    fn fn_decl(&mut self) -> Option<ast::FnDecl> {
        let name = self.ident()?;
        self.expect(b'(')?;
        let mut params = Vec::new();
        while !self.eat(b')') {
            let name = self.ident()?;
            self.expect(b':')?;
            let ty = self.type_expr()?;
            let default = if self.eat_assign() {
                Some(self.expr(false)?)
            } else {
                None
            };
            params.push(ast::FnParam { name, ty, default });
            if !self.eat(b',') {
                self.expect(b')')?;
                break;
            }
        }
        let ret = if self.eat_token(b"->") {
            Some(self.type_expr()?)
        } else {
            None
        };
        let body = self.brace_expr()?;
        Some(ast::FnDecl {
            name,
            params,
            ret,
            body,
        })
    }

    /// After `resource`: `Name: AWS::S3::Bucket { properties } (with { options })?`.
    fn resource(&mut self) -> Option<ast::Resource> {
        let name = self.ident()?;
        self.expect(b':')?;
        self.skip();
        let start = self.pos;
        let end = self.resource_type_end(start)?;
        self.take(end - start);
        let type_name = Ident {
            name: self.text[start..end].to_string(),
            span: Span::new(start, end),
        };
        let properties = self.record_expr()?;
        let options = if self.eat_keyword("with") {
            Some(self.record_expr()?)
        } else {
            None
        };
        Some(ast::Resource {
            name,
            type_name,
            properties,
            options,
        })
    }

    /// After `output`: `name = value (export name)?`.
    fn output(&mut self) -> Option<ast::Output> {
        let name = self.ident()?;
        if !self.eat_assign() {
            return None;
        }
        let value = self.expr(false)?;
        let export = if self.eat_keyword("export") {
            Some(self.expr(false)?)
        } else {
            None
        };
        Some(ast::Output {
            name,
            value,
            export,
        })
    }

    /// After `if` among declarations: the condition, the items, `else if` chain and `else`.
    /// Returns the levels the chain adds (as the builder counts them).
    fn if_decl(&mut self) -> Option<(ItemKind, usize)> {
        let condition = self.expr(true)?;
        let then_items = self.decl_block()?;
        let mut chain = Vec::new();
        let mut else_items = Vec::new();
        while self.eat_keyword("else") {
            if self.at_keyword("if") {
                let start = self.pos;
                self.take(2);
                let condition = self.expr(true)?;
                chain.push((start, condition, self.decl_block()?));
            } else {
                else_items = self.decl_block()?;
                break;
            }
        }
        let levels = chain.len();
        let else_items = ast::nest_else_ifs(chain, else_items, self.end);
        let kind = ItemKind::If(ast::IfItems {
            condition,
            then_items,
            else_items,
        });
        Some((kind, levels))
    }

    /// Where the resource type (`AWS::S3::Bucket`: two to four segments of letters and digits,
    /// not followed by `::`) at `at` ends.
    fn resource_type_end(&self, at: usize) -> Option<usize> {
        let segment = |from: usize| {
            if !self.byte(from).is_ascii_alphabetic() {
                return None;
            }
            let mut end = from + 1;
            while self.byte(end).is_ascii_alphanumeric() {
                end += 1;
            }
            Some(end)
        };
        let is_colons = |from: usize| self.byte(from) == b':' && self.byte(from + 1) == b':';
        let mut end = segment(at)?;
        let mut more = 0;
        while more < 3 && is_colons(end) {
            let Some(next) = segment(end + 2) else { break };
            end = next;
            more += 1;
        }
        (more > 0 && !is_colons(end)).then_some(end)
    }
}

// ------------------------------------------------------------------------------------------------
// Types

impl Fast<'_> {
    /// `type_expr`: members separated by `|`; one member is itself, more are a union.
    fn type_expr(&mut self) -> Option<TypeExpr> {
        self.nest(|p| {
            let first = p.type_member()?;
            if !p.eat_bar() {
                return Some((first, 1));
            }
            let start = first.span.start;
            let mut members = vec![first];
            loop {
                members.push(p.type_member()?);
                if !p.eat_bar() {
                    break;
                }
            }
            let ty = TypeExpr {
                kind: TypeExprKind::Union(members),
                span: Span::new(start, p.end),
            };
            Some((ty, 1))
        })
    }

    /// `type_member`: a type atom, optionally `?`.
    fn type_member(&mut self) -> Option<TypeExpr> {
        let atom = self.type_atom()?;
        if !self.eat(b'?') {
            return Some(atom);
        }
        let span = Span::new(atom.span.start, self.end);
        Some(TypeExpr {
            kind: TypeExprKind::Optional(Box::new(atom)),
            span,
        })
    }

    /// `type_atom`, tried in the grammar's order where alternatives share a first token.
    fn type_atom(&mut self) -> Option<TypeExpr> {
        self.skip();
        let start = self.pos;
        let kind = match self.byte(start) {
            b'[' => {
                self.take(1);
                let inner = self.type_expr()?;
                self.expect(b']')?;
                TypeExprKind::List(Box::new(inner))
            }
            b'{' => TypeExprKind::Record(self.record_type()?),
            b'(' => {
                self.take(1);
                let inner = self.type_expr()?;
                self.expect(b')')?;
                return Some(TypeExpr {
                    span: Span::new(start, self.end),
                    ..inner
                });
            }
            b'"' => {
                let (parts, _) = self.string()?;
                TypeExprKind::StrLit(super::literal::plain_text(&parts)?)
            }
            _ => return self.word_type(start),
        };
        Some(TypeExpr {
            kind,
            span: Span::new(start, self.end),
        })
    }

    /// A type atom that starts with a word: `fn(...) -> T`, `map<T>`, a resource type, `null`
    /// or a named type.
    fn word_type(&mut self, start: usize) -> Option<TypeExpr> {
        let word = self.word();
        let bracket = if word == "fn" { b'(' } else { b'<' };
        if (word == "fn" || word == "map") && self.followed_by(start + word.len(), bracket) {
            return if word == "fn" {
                self.fn_type()
            } else {
                self.take(3);
                self.expect(b'<')?;
                let inner = self.type_expr()?;
                self.expect(b'>')?;
                Some(TypeExpr {
                    kind: TypeExprKind::Map(Box::new(inner)),
                    span: Span::new(start, self.end),
                })
            };
        }
        if let Some(end) = self.resource_type_end(start) {
            self.take(end - start);
            return Some(TypeExpr {
                kind: TypeExprKind::Resource(self.text[start..end].to_string()),
                span: Span::new(start, end),
            });
        }
        if word == "null" {
            self.take(4);
            let span = Span::new(start, self.end);
            let null = Ident {
                name: "null".to_string(),
                span,
            };
            return Some(TypeExpr {
                kind: TypeExprKind::Named(vec![null]),
                span,
            });
        }
        let mut names = vec![self.ident()?];
        loop {
            let before = self.pos;
            if !self.eat(b'.') {
                self.pos = before;
                break;
            }
            match self.ident() {
                Some(name) => names.push(name),
                None => {
                    self.pos = before;
                    break;
                }
            }
        }
        let end = names.last().map_or(start, |name| name.span.end);
        self.end = end;
        Some(TypeExpr {
            kind: TypeExprKind::Named(names),
            span: Span::new(start, end),
        })
    }

    /// Whether the `fn` or `map` keyword ending at `at` is followed (after trivia) by
    /// `bracket`, which starts a function or map type (`(` or `<`).
    fn followed_by(&mut self, at: usize, bracket: u8) -> bool {
        let before = self.pos;
        self.pos = at;
        self.skip();
        let found = self.byte(self.pos) == bracket;
        self.pos = before;
        found
    }

    /// `fn(A) -> fn(B) -> C`: heads, then the result type, nested from the right.
    fn fn_type(&mut self) -> Option<TypeExpr> {
        self.nest(|p| {
            let mut heads = Vec::new();
            while p.at_keyword("fn") && p.followed_by(p.pos + 2, b'(') {
                let start = p.pos;
                p.take(2);
                p.expect(b'(')?;
                let mut params = Vec::new();
                while !p.eat(b')') {
                    params.push(p.type_expr()?);
                    if !p.eat(b',') {
                        p.expect(b')')?;
                        break;
                    }
                }
                if !p.eat_token(b"->") {
                    return None;
                }
                heads.push((start, params));
            }
            let mut ty = p.type_expr()?;
            let end = p.end;
            let levels = heads.len();
            for (start, params) in heads.into_iter().rev() {
                ty = TypeExpr {
                    kind: TypeExprKind::Fn(params, Box::new(ty)),
                    span: Span::new(start, end),
                };
            }
            Some((ty, levels))
        })
    }

    /// `{ field: T, port?: int }`
    fn record_type(&mut self) -> Option<Vec<ast::FieldType>> {
        self.expect(b'{')?;
        let mut fields = Vec::new();
        while !self.eat(b'}') {
            self.skip();
            let doc = if self.at_doc_line() {
                Some(self.doc())
            } else {
                None
            };
            let name = self.record_key()?;
            let optional = self.eat(b'?');
            self.expect(b':')?;
            let ty = self.type_expr()?;
            fields.push(ast::FieldType {
                doc,
                name,
                optional,
                ty,
            });
            if !self.eat(b',') {
                self.expect(b'}')?;
                break;
            }
        }
        Some(fields)
    }
}
