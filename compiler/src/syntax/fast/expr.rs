//! Expressions and string literals of the fast path: operands with their prefix and postfix
//! operators, and binary operators through the precedence table of `parser.rs`'s Pratt parser.

use super::super::ast::{
    BinaryOp, Comprehension, Expr, ExprKind, Ident, Let, MapComprehension, MatchArm, Pattern,
    RecordEntry, StrPart, UnaryOp,
};
use super::super::literal::{self, Piece};
use super::{Fast, is_ident_char, is_keyword};
use crate::source::Span;

/// The parts of a comprehension head: index variable, variable, iterable, condition.
type ForHead = (Option<Ident>, Ident, Expr, Option<Expr>);

/// A binary operator of the flat operator sequence.
#[derive(Clone, Copy)]
enum Infix {
    Binary(BinaryOp),
    Range,
}

impl Infix {
    /// Its precedence: higher binds tighter (the order of `PRATT` in `parser.rs`).
    fn precedence(self) -> u8 {
        match self {
            Infix::Binary(BinaryOp::Coalesce) => 1,
            Infix::Binary(BinaryOp::Or) => 2,
            Infix::Binary(BinaryOp::And) => 3,
            Infix::Binary(BinaryOp::Eq | BinaryOp::Ne) => 4,
            Infix::Binary(BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge) => 5,
            Infix::Range => 6,
            Infix::Binary(BinaryOp::Add | BinaryOp::Sub) => 7,
            Infix::Binary(BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem) => 8,
        }
    }
}

/// The infix operators, in the order the grammar's `infix_op` tries them.
const INFIX_TOKENS: &[(&[u8], Infix)] = &[
    (b"??", Infix::Binary(BinaryOp::Coalesce)),
    (b"||", Infix::Binary(BinaryOp::Or)),
    (b"&&", Infix::Binary(BinaryOp::And)),
    (b"==", Infix::Binary(BinaryOp::Eq)),
    (b"!=", Infix::Binary(BinaryOp::Ne)),
    (b"<=", Infix::Binary(BinaryOp::Le)),
    (b"<", Infix::Binary(BinaryOp::Lt)),
    (b">=", Infix::Binary(BinaryOp::Ge)),
    (b">", Infix::Binary(BinaryOp::Gt)),
    (b"..", Infix::Range),
    (b"+", Infix::Binary(BinaryOp::Add)),
    (b"-", Infix::Binary(BinaryOp::Sub)),
    (b"*", Infix::Binary(BinaryOp::Mul)),
    (b"/", Infix::Binary(BinaryOp::Div)),
    (b"%", Infix::Binary(BinaryOp::Rem)),
];

/// Builds `lhs op rhs`, spanning both.
fn combine(lhs: Expr, op: Infix, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
    let kind = match op {
        Infix::Binary(op) => ExprKind::Binary { op, lhs, rhs },
        Infix::Range => ExprKind::Range {
            start: lhs,
            end: rhs,
        },
    };
    Expr { kind, span }
}

/// Whether the sequence chains `..` (two with no looser operator between them), which the
/// builder reports.
fn chains_ranges(operators: &[Infix]) -> bool {
    let mut in_range = false;
    for op in operators {
        match op {
            Infix::Range if in_range => return true,
            Infix::Range => in_range = true,
            op if op.precedence() < Infix::Range.precedence() => in_range = false,
            _ => {}
        }
    }
    false
}

/// Applies precedence to a flat sequence `operands[0] ops[0] operands[1] ...` (every operator
/// left-associative).
fn apply_precedence(operands: Vec<Expr>, operators: Vec<Infix>) -> Option<Expr> {
    let mut values: Vec<Expr> = Vec::with_capacity(operands.len());
    let mut pending: Vec<Infix> = Vec::with_capacity(operators.len());
    let mut operands = operands.into_iter();
    values.push(operands.next()?);
    for (op, rhs) in operators.into_iter().zip(operands) {
        while pending
            .last()
            .is_some_and(|top| top.precedence() >= op.precedence())
        {
            reduce(&mut values, &mut pending)?;
        }
        pending.push(op);
        values.push(rhs);
    }
    while !pending.is_empty() {
        reduce(&mut values, &mut pending)?;
    }
    values.pop()
}

fn reduce(values: &mut Vec<Expr>, pending: &mut Vec<Infix>) -> Option<()> {
    let op = pending.pop()?;
    let rhs = values.pop()?;
    let lhs = values.pop()?;
    values.push(combine(lhs, op, rhs));
    Some(())
}

impl Fast<'_> {
    /// An `expr`, or a `cond_expr` when `cond` (no component instance among its operands).
    pub(super) fn expr(&mut self, cond: bool) -> Option<Expr> {
        self.nest(|p| p.sequence(cond))
    }

    /// Operands and binary operators; returns the expression and its operator count (the
    /// levels the builder adds for it, besides one).
    fn sequence(&mut self, cond: bool) -> Option<(Expr, usize)> {
        let (first, mut count) = self.unary(cond)?;
        let Some(mut op) = self.infix() else {
            return Some((first, count + 1));
        };
        let mut operands = vec![first];
        let mut operators = Vec::new();
        loop {
            let (rhs, ops) = self.unary(cond)?;
            count += ops + 1;
            operators.push(op);
            operands.push(rhs);
            match self.infix() {
                Some(next) => op = next,
                None => break,
            }
        }
        if chains_ranges(&operators) {
            return None;
        }
        Some((apply_precedence(operands, operators)?, count + 1))
    }

    /// An infix operator after trivia; the position is left unchanged when there is none.
    fn infix(&mut self) -> Option<Infix> {
        let before = self.pos;
        self.skip();
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        for &(token, op) in INFIX_TOKENS {
            if !rest.starts_with(token) {
                continue;
            }
            let next = rest.get(token.len()).copied();
            let refused = match op {
                Infix::Range => next == Some(b'.'),
                Infix::Binary(BinaryOp::Div) => next == Some(b'/'),
                _ => false,
            };
            if refused {
                break;
            }
            self.take(token.len());
            return Some(op);
        }
        self.pos = before;
        None
    }

    /// `prefix* operand postfix*`; returns it with its operator count.
    fn unary(&mut self, cond: bool) -> Option<(Expr, usize)> {
        let mut prefixes = Vec::new();
        loop {
            self.skip();
            let op = match self.byte(self.pos) {
                b'-' if !self.byte(self.pos + 1).is_ascii_digit() => UnaryOp::Neg,
                b'!' => UnaryOp::Not,
                _ => break,
            };
            prefixes.push((op, self.pos));
            self.take(1);
        }
        let mut expr = self.operand(cond)?;
        let mut count = prefixes.len();
        while let Some(next) = self.postfix(&mut expr)? {
            expr = next;
            count += 1;
        }
        for (op, start) in prefixes.into_iter().rev() {
            let span = Span::new(start, start + 1).to(expr.span);
            expr = Expr {
                kind: ExprKind::Unary {
                    op,
                    operand: Box::new(expr),
                },
                span,
            };
        }
        Some((expr, count))
    }

    /// A postfix operator applied to `base` (taken out of it): `Some(None)` when there is none.
    fn postfix(&mut self, base: &mut Expr) -> Option<Option<Expr>> {
        let base_start = base.span.start;
        let before = self.pos;
        self.skip();
        let kind = match self.byte(self.pos) {
            b'.' if self.byte(self.pos + 1) != b'.' => {
                self.take(1);
                let name = self.ident()?;
                ExprKind::Field {
                    base: Box::new(take_expr(base)),
                    name,
                }
            }
            b'[' if self.index_follows() => {
                self.take(1);
                let index = self.expr(false)?;
                self.expect(b']')?;
                ExprKind::Index {
                    base: Box::new(take_expr(base)),
                    index: Box::new(index),
                }
            }
            b'(' => {
                self.take(1);
                let args = self.list_of(b')')?;
                ExprKind::Call {
                    callee: Box::new(take_expr(base)),
                    args,
                }
            }
            _ => {
                self.pos = before;
                return Some(None);
            }
        };
        let span = Span::new(base_start, self.end);
        Some(Some(Expr { kind, span }))
    }

    /// Whether the `[` at the position can start an index: not when `for` or `]` follows,
    /// where pest's `index_access` fails and the `[` starts the next expression instead (a
    /// block's value after a `let`).
    fn index_follows(&mut self) -> bool {
        let before = self.pos;
        self.pos += 1;
        let refused = self.at_keyword("for") || self.byte(self.pos) == b']';
        self.pos = before;
        !refused
    }

    /// Expressions separated by commas (a trailing one allowed), up to `close`, which has been
    /// opened already.
    fn list_of(&mut self, close: u8) -> Option<Vec<Expr>> {
        let mut items = Vec::new();
        while !self.eat(close) {
            items.push(self.expr(false)?);
            if !self.eat(b',') {
                self.expect(close)?;
                break;
            }
        }
        Some(items)
    }

    /// An `operand` (a component instance or an atom), or a `cond_operand` (an atom) when
    /// `cond`.
    fn operand(&mut self, cond: bool) -> Option<Expr> {
        self.skip();
        let start = self.pos;
        let kind = match self.byte(start) {
            b'"' => {
                let (parts, span) = self.string()?;
                return Some(Expr {
                    kind: ExprKind::Str(parts),
                    span,
                });
            }
            b'[' => self.bracket()?,
            b'{' => return self.brace_expr(),
            b'(' => {
                self.take(1);
                let inner = self.expr(false)?;
                self.expect(b')')?;
                return Some(Expr {
                    span: Span::new(start, self.end),
                    ..inner
                });
            }
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return self.word_operand(start, cond),
        };
        Some(Expr {
            kind,
            span: Span::new(start, self.end),
        })
    }

    /// An int or a number literal (`-`, digits, optionally `.` and digits).
    fn number(&mut self) -> Option<ExprKind> {
        let start = self.pos;
        let mut end = start + usize::from(self.byte(start) == b'-');
        let digits = end;
        while self.byte(end).is_ascii_digit() {
            end += 1;
        }
        if end == digits {
            return None;
        }
        if self.byte(end) == b'.' && self.byte(end + 1).is_ascii_digit() {
            end += 1;
            while self.byte(end).is_ascii_digit() {
                end += 1;
            }
            self.take(end - start);
            return Some(ExprKind::Number(self.text[start..end].to_string()));
        }
        self.take(end - start);
        self.text[start..end].parse().ok().map(ExprKind::Int)
    }

    /// An operand that starts with a word: an instance, `if`, `match`, a literal keyword or a
    /// name.
    fn word_operand(&mut self, start: usize, cond: bool) -> Option<Expr> {
        if !cond && let Some(names) = self.instance_path(start) {
            return self.instance(start, names);
        }
        let word = self.word();
        let kind = match word {
            "if" => return self.if_expr(start),
            "match" => return self.match_expr(start),
            "null" => ExprKind::Null,
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "" => return None,
            word if is_keyword(word) => return None,
            word => ExprKind::Name(word.to_string()),
        };
        self.take(word.len());
        Some(Expr {
            kind,
            span: Span::new(start, self.end),
        })
    }

    /// The names of a `component_path` at `start` (`Name` or `mod.Name`, no trivia inside)
    /// when a `{` follows it (after trivia): the start of a component instance.
    fn instance_path(&mut self, start: usize) -> Option<Vec<(usize, usize)>> {
        let mut names = Vec::new();
        let mut at = start;
        while let Some(end) = self.word_end(at) {
            if is_keyword(&self.text[at..end])
                || self.byte(end) != b'.'
                || self.byte(end + 1) == b'.'
            {
                break;
            }
            names.push((at, end));
            at = end + 1;
        }
        if !self.byte(at).is_ascii_uppercase() {
            return None;
        }
        let mut end = at + 1;
        while is_ident_char(self.byte(end)) {
            end += 1;
        }
        names.push((at, end));
        let before = self.pos;
        self.pos = end;
        self.skip();
        let brace = self.byte(self.pos) == b'{';
        self.pos = before;
        brace.then_some(names)
    }

    /// `Name { args }` / `mod.Name { args }`.
    fn instance(&mut self, start: usize, names: Vec<(usize, usize)>) -> Option<Expr> {
        let mut component: Option<Expr> = None;
        for &(from, to) in &names {
            let span = Span::new(from, to);
            let name = self.text[from..to].to_string();
            component = Some(match component {
                None => Expr {
                    kind: ExprKind::Name(name),
                    span,
                },
                Some(base) => Expr {
                    span: base.span.to(span),
                    kind: ExprKind::Field {
                        base: Box::new(base),
                        name: Ident { name, span },
                    },
                },
            });
        }
        let component = Box::new(component?);
        let last = names.last()?.1;
        self.take(last - self.pos);
        let args = self.record()?;
        Some(Expr {
            kind: ExprKind::Instantiate { component, args },
            span: Span::new(start, self.end),
        })
    }

    /// `[` opens a list comprehension (`[for`) or a list.
    fn bracket(&mut self) -> Option<ExprKind> {
        self.take(1);
        if !self.eat_keyword("for") {
            return Some(ExprKind::List(self.list_of(b']')?));
        }
        let (index_var, var, iterable, condition) = self.for_head()?;
        self.expect(b':')?;
        let body = self.expr(false)?;
        self.expect(b']')?;
        Some(ExprKind::ListFor(Box::new(Comprehension {
            index_var,
            var,
            iterable,
            condition,
            body,
        })))
    }

    /// `x in xs if cond` or `i, x in xs`, after `for`.
    fn for_head(&mut self) -> Option<ForHead> {
        let first = self.ident()?;
        let (index_var, var) = if self.eat(b',') {
            (Some(first), self.ident()?)
        } else {
            (None, first)
        };
        self.expect_keyword("in")?;
        let iterable = self.expr(false)?;
        let condition = if self.eat_keyword("if") {
            Some(self.expr(false)?)
        } else {
            None
        };
        Some((index_var, var, iterable, condition))
    }

    /// A braced expression at `{`: a map comprehension, a record or a block (`brace_expr`, and
    /// the same three among atoms).
    pub(super) fn brace_expr(&mut self) -> Option<Expr> {
        self.skip();
        let start = self.pos;
        if self.byte(start) != b'{' {
            return None;
        }
        self.pos += 1;
        let is_map_for = self.at_keyword("for");
        let is_record = !is_map_for && self.at_record_entry();
        self.pos = start;
        let kind = if is_map_for {
            self.map_for()?
        } else if is_record {
            ExprKind::Record(self.record()?)
        } else {
            self.block()?
        };
        Some(Expr {
            kind,
            span: Span::new(start, self.end),
        })
    }

    /// Whether what follows a `{` makes it a record for pest: `}`, `...`, or a record key and
    /// `:`. Otherwise a record fails on its first entry. Leaves the position after trivia.
    fn at_record_entry(&mut self) -> bool {
        self.skip();
        if matches!(self.byte(self.pos), b'}') || self.starts_with(b"...") {
            return true;
        }
        let key_end = match self.byte(self.pos) {
            b'"' => self.key_string_end(),
            _ => self
                .word_end(self.pos)
                .filter(|&end| !is_keyword(&self.text[self.pos..end])),
        };
        let Some(key_end) = key_end else {
            return false;
        };
        let before = self.pos;
        self.pos = key_end;
        self.skip();
        let colon = self.byte(self.pos) == b':';
        self.pos = before;
        colon
    }

    /// A `record` (only a record: resource properties, `with` options).
    pub(super) fn record_expr(&mut self) -> Option<Expr> {
        self.skip();
        let start = self.pos;
        let entries = self.record()?;
        Some(Expr {
            kind: ExprKind::Record(entries),
            span: Span::new(start, self.end),
        })
    }

    /// `{ key: value, "key": value, ...spread }`: the entries.
    fn record(&mut self) -> Option<Vec<RecordEntry>> {
        self.expect(b'{')?;
        let mut entries = Vec::new();
        while !self.eat(b'}') {
            if self.starts_with(b"...") {
                self.take(3);
                entries.push(RecordEntry::Spread(self.expr(false)?));
            } else {
                let key = self.record_key()?;
                self.expect(b':')?;
                let value = self.expr(false)?;
                entries.push(RecordEntry::Field { key, value });
            }
            if !self.eat(b',') {
                self.expect(b'}')?;
                break;
            }
        }
        Some(entries)
    }

    /// A record key: a name or a quoted string without `${}` or invalid escapes.
    pub(super) fn record_key(&mut self) -> Option<Ident> {
        self.skip();
        if self.byte(self.pos) != b'"' {
            return self.ident();
        }
        let start = self.pos;
        let end = self.key_string_end()?;
        let decoded = literal::decode_flat(&self.text[start..end]);
        if !decoded.errors.is_empty() || decoded.interpolation.is_some() {
            return None;
        }
        self.take(end - start);
        Some(Ident {
            name: decoded.text,
            span: Span::new(start, end),
        })
    }

    /// Where the `key_string` at the position ends (quotes included). A `${` in it is refused
    /// here (the builder reports it).
    fn key_string_end(&self) -> Option<usize> {
        let mut at = self.pos + 1;
        loop {
            match self.bytes.get(at)? {
                b'"' => return Some(at + 1),
                b'\\' => {
                    at += 1;
                    if !matches!(self.byte(at), b'\n' | b'\r') && at < self.bytes.len() {
                        at += self.char_len(at);
                    }
                }
                b'$' if self.byte(at + 1) == b'{' => return None,
                b'\n' | b'\r' => return None,
                _ => at += 1,
            }
        }
    }

    /// The length of the UTF-8 character at `at` (1 past the end).
    fn char_len(&self, at: usize) -> usize {
        self.text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(1, char::len_utf8)
    }

    /// `{ for head: key => value }`
    fn map_for(&mut self) -> Option<ExprKind> {
        self.expect(b'{')?;
        self.expect_keyword("for")?;
        let (index_var, var, iterable, condition) = self.for_head()?;
        self.expect(b':')?;
        let key = self.expr(false)?;
        if !self.eat_token(b"=>") {
            return None;
        }
        let value = self.expr(false)?;
        self.expect(b'}')?;
        Some(ExprKind::MapFor(Box::new(MapComprehension {
            index_var,
            var,
            iterable,
            condition,
            key,
            value,
        })))
    }

    /// `{ let a = 1  let b = 2  a + b }`
    fn block(&mut self) -> Option<ExprKind> {
        self.expect(b'{')?;
        let mut lets: Vec<Let> = Vec::new();
        while self.eat_keyword("let") {
            lets.push(self.let_body()?);
        }
        let value = Box::new(self.expr(false)?);
        self.expect(b'}')?;
        Some(ExprKind::Block { lets, value })
    }

    /// `if c { a } else if d { b } else { c }` (the `else` is required).
    fn if_expr(&mut self, start: usize) -> Option<Expr> {
        self.nest(|p| {
            p.take(2);
            let condition = Box::new(p.expr(true)?);
            let then_branch = Box::new(p.brace_expr()?);
            let mut chain = Vec::new();
            let mut else_branch = loop {
                p.expect_keyword("else")?;
                if !p.at_keyword("if") {
                    break p.brace_expr()?;
                }
                let if_start = p.pos;
                p.take(2);
                let condition = p.expr(true)?;
                chain.push((if_start, condition, p.brace_expr()?));
            };
            let end = p.end;
            let levels = chain.len();
            for (if_start, condition, then_branch) in chain.into_iter().rev() {
                else_branch = Expr {
                    kind: ExprKind::If {
                        condition: Box::new(condition),
                        then_branch: Box::new(then_branch),
                        else_branch: Box::new(else_branch),
                    },
                    span: Span::new(if_start, end),
                };
            }
            let expr = Expr {
                kind: ExprKind::If {
                    condition,
                    then_branch,
                    else_branch: Box::new(else_branch),
                },
                span: Span::new(start, end),
            };
            Some((expr, levels))
        })
    }

    /// `match x { "a" | "b" => e, _ => e }`
    fn match_expr(&mut self, start: usize) -> Option<Expr> {
        self.take(5);
        let scrutinee = Box::new(self.expr(true)?);
        self.expect(b'{')?;
        let mut arms = Vec::new();
        while !self.eat(b'}') {
            arms.push(self.match_arm()?);
            if !self.eat(b',') {
                self.expect(b'}')?;
                break;
            }
        }
        Some(Expr {
            kind: ExprKind::Match { scrutinee, arms },
            span: Span::new(start, self.end),
        })
    }

    fn match_arm(&mut self) -> Option<MatchArm> {
        self.skip();
        let start = self.pos;
        let pattern = if self.byte(start) == b'_' && !is_ident_char(self.byte(start + 1)) {
            self.take(1);
            Pattern::Wildcard(Span::new(start, start + 1))
        } else {
            let mut literals = Vec::new();
            loop {
                self.skip();
                if self.byte(self.pos) != b'"' {
                    return None;
                }
                let (parts, span) = self.string()?;
                literals.push((literal::plain_text(&parts)?, span));
                if !self.eat_bar() {
                    break;
                }
            }
            Pattern::Literals(literals)
        };
        if !self.eat_token(b"=>") {
            return None;
        }
        let body = self.expr(false)?;
        Some(MatchArm {
            pattern,
            body,
            span: Span::new(start, self.end),
        })
    }

    // ---- strings

    /// A plain or triple-quoted string literal at `"`: its parts and span.
    pub(super) fn string(&mut self) -> Option<(Vec<StrPart>, Span)> {
        let start = self.pos;
        let parts = if self.starts_with(b"\"\"\"") {
            self.triple_string()?
        } else {
            self.plain_string()?
        };
        Some((parts, Span::new(start, self.end)))
    }

    /// `"text ${expr} \n"` on one line.
    fn plain_string(&mut self) -> Option<Vec<StrPart>> {
        self.take(1);
        let mut pieces = Vec::new();
        loop {
            match *self.bytes.get(self.pos)? {
                b'"' => break,
                b'\\' => pieces.push(self.escape()?),
                b'$' if self.byte(self.pos + 1) == b'{' => pieces.push(self.interpolation()?),
                b'\n' | b'\r' => return None,
                _ => {
                    let start = self.pos;
                    while let Some(&byte) = self.bytes.get(self.pos) {
                        let stop = matches!(byte, b'"' | b'\\' | b'\n' | b'\r')
                            || (byte == b'$' && self.byte(self.pos + 1) == b'{');
                        if stop {
                            break;
                        }
                        self.pos += 1;
                    }
                    pieces.push(Piece::Text(self.text[start..self.pos].to_string()));
                }
            }
        }
        self.take(1);
        if let [Piece::Text(_)] = pieces.as_slice()
            && let Some(Piece::Text(text)) = pieces.pop()
        {
            return Some(vec![StrPart::Lit(text)]);
        }
        Some(literal::plain_parts(pieces))
    }

    /// `"""` ... `"""`, through the indentation rule of `literal.rs`.
    fn triple_string(&mut self) -> Option<Vec<StrPart>> {
        self.take(3);
        let mut pieces = Vec::new();
        loop {
            if self.starts_with(b"\"\"\"") {
                break;
            }
            match *self.bytes.get(self.pos)? {
                b'\\' => pieces.push(self.escape()?),
                b'$' if self.byte(self.pos + 1) == b'{' => pieces.push(self.interpolation()?),
                _ => {
                    let start = self.pos;
                    while self.pos < self.bytes.len() {
                        let stop = matches!(self.byte(self.pos), b'\\')
                            || self.starts_with(b"\"\"\"")
                            || (self.byte(self.pos) == b'$' && self.byte(self.pos + 1) == b'{');
                        if stop {
                            break;
                        }
                        self.pos += 1;
                    }
                    pieces.push(Piece::Text(self.text[start..self.pos].to_string()));
                }
            }
        }
        self.take(3);
        Some(literal::triple_parts(pieces))
    }

    /// An escape at `\`: valid ones only (an invalid one is reported by the builder).
    fn escape(&mut self) -> Option<Piece> {
        let start = self.pos;
        let mut end = start + 1;
        let mut unicode = false;
        if self.byte(end) == b'u' && self.byte(end + 1) == b'{' {
            let mut close = end + 2;
            while self.byte(close).is_ascii_alphanumeric() {
                close += 1;
            }
            if self.byte(close) == b'}' {
                end = close + 1;
                unicode = true;
            }
        }
        if !unicode && end < self.bytes.len() && !matches!(self.byte(end), b'\n' | b'\r') {
            end += self.char_len(end);
        }
        let raw = self.text.get(start..end)?;
        let decoded = literal::decode_escape(raw).ok()?;
        self.take(end - start);
        Some(Piece::Escaped(decoded.to_string()))
    }

    /// `${ expr }` inside a string (trivia allowed inside).
    fn interpolation(&mut self) -> Option<Piece> {
        self.take(2);
        let expr = self.expr(false)?;
        self.expect(b'}')?;
        Some(Piece::Interp(expr))
    }
}

/// Takes an expression out of a place (leaving a cheap placeholder), to box it in a new node.
fn take_expr(place: &mut Expr) -> Expr {
    std::mem::replace(
        place,
        Expr {
            kind: ExprKind::Null,
            span: Span::default(),
        },
    )
}
