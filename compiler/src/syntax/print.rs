//! The printer: a syntax tree written back as canonical cvl source.
//!
//! Canonical form: 2-space indentation, one declaration per line (a blank line between
//! declarations of different kinds and around those that span lines), doc comments as `///`
//! lines, strings re-escaped (triple-quoted when they span lines). Records, lists and
//! `match`es stay on one line when they fit in [`WIDTH`] columns (records and matches only with
//! at most 3 entries); otherwise they are broken one entry per line with trailing commas (a
//! list of one record hugs it: `[{` ... `}]`). Parentheses are inserted where precedence
//! requires them, so that parsing the output gives back the same tree (up to spans). Plain
//! `//` comments are not part of the tree: [`print_file`] does not write them; the formatter
//! (`format.rs`) hands them to [`print_file_with_comments`], which writes each one before the
//! declaration, record field, list element, match arm or block `let` that follows it (or after
//! the one it trails on the same line), and breaks a bracket that holds one.
//!
//! [`print_expr`] and [`print_type`] write one line (for diagnostics and `cvl params`).

use super::ast::{
    BinaryOp, Comprehension, Expr, ExprKind, File, Item, ItemKind, MapComprehension, MatchArm,
    Pattern, RecordEntry, StrPart, TypeExpr, TypeExprKind, UnaryOp,
};
use super::parser::is_keyword;
use crate::source::Span;
use std::cell::RefCell;
use std::rc::Rc;

/// The column limit of canonical source.
pub const WIDTH: usize = 100;

/// How many entries a record or match may have and still stay on one line.
const MAX_INLINE_ENTRIES: usize = 3;

/// Writes a file as canonical cvl source (ending with a newline unless it is empty).
pub fn print_file(file: &File) -> String {
    let mut printer = Printer::new(false, 0);
    printer.items(&file.items);
    if !printer.out.is_empty() {
        printer.out.push('\n');
    }
    printer.out
}

/// A plain `//` comment of the source, as the formatter found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Where the `//` is.
    pub offset: usize,
    /// Where the line holding it starts.
    pub line_start: usize,
    /// The comment, `//` included, without trailing whitespace.
    pub text: String,
    /// Code precedes it on its line.
    pub trailing: bool,
    /// A blank line separates it from what precedes it.
    pub blank_before: bool,
    /// A blank line separates it from what follows it.
    pub blank_after: bool,
}

/// The comments not written yet, in source order.
#[derive(Debug, Default)]
struct Queue {
    comments: Vec<Comment>,
    next: usize,
    /// Where the source has blank lines (offsets of their starts, sorted): a blank line between
    /// two declarations is kept.
    blank_lines: Vec<usize>,
    /// Where the source's lines break (offsets of the `\n`s, sorted): a record or `match` of
    /// more than [`MAX_INLINE_ENTRIES`] entries stays on one line only if it was on one.
    line_breaks: Vec<usize>,
}

impl Queue {
    fn front(&self) -> Option<&Comment> {
        self.comments.get(self.next)
    }

    /// Takes the comments that start before `offset`.
    fn take_before(&mut self, offset: usize) -> Vec<Comment> {
        let start = self.next;
        while self.front().is_some_and(|c| c.offset < offset) {
            self.next += 1;
        }
        self.comments[start..self.next].to_vec()
    }

    /// Whether the source has a blank line between `start` and `end`.
    fn blank_between(&self, start: usize, end: usize) -> bool {
        let first = self.blank_lines.partition_point(|&offset| offset < start);
        self.blank_lines
            .get(first)
            .is_some_and(|&offset| offset < end)
    }

    /// Whether the source breaks a line between `start` and `end`.
    fn break_between(&self, start: usize, end: usize) -> bool {
        let first = self.line_breaks.partition_point(|&offset| offset < start);
        self.line_breaks
            .get(first)
            .is_some_and(|&offset| offset < end)
    }

    /// Takes the comment that trails, on the same line, something ending at `end`.
    fn take_trailing(&mut self, end: usize) -> Option<Comment> {
        let c = self
            .front()
            .filter(|c| c.trailing && c.offset >= end && c.line_start <= end)?
            .clone();
        self.next += 1;
        Some(c)
    }
}

/// Writes a file as canonical cvl source with its plain comments (see the module docs). The
/// comments must be sorted by offset; every one of them is written. `lines` tells where the
/// source had blank lines (one between two declarations is kept) and line breaks (a long
/// record on one line stays on one line when it fits).
pub fn print_file_with_comments(file: &File, comments: Vec<Comment>, lines: SourceLines) -> String {
    let mut printer = Printer::new(false, 0);
    let SourceLines {
        blank_lines,
        line_breaks,
    } = lines;
    printer.comments = Some(Rc::new(RefCell::new(Queue {
        comments,
        next: 0,
        blank_lines,
        line_breaks,
    })));
    printer.items(&file.items);
    let rest = printer.take_before(usize::MAX);
    if !rest.is_empty() {
        if !printer.out.is_empty() {
            printer.newline();
            if rest[0].blank_before {
                printer.newline();
            }
        }
        printer.own_lines(&rest, false);
        printer.out.truncate(printer.out.trim_end().len());
    }
    if !printer.out.is_empty() {
        printer.out.push('\n');
    }
    printer.out
}

/// Where the source's lines break and which are blank, for [`print_file_with_comments`].
#[derive(Debug, Default)]
pub struct SourceLines {
    /// The offsets of the lines that hold only white space. (Inside a multi-line string such a
    /// line is not blank, but the printer only asks about the gaps between declarations.)
    pub blank_lines: Vec<usize>,
    /// The offsets of the `\n`s.
    pub line_breaks: Vec<usize>,
}

impl SourceLines {
    pub fn of(text: &str) -> SourceLines {
        let mut lines = SourceLines::default();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            if line.ends_with('\n') {
                lines.line_breaks.push(start + line.len() - 1);
                if line.trim().is_empty() {
                    lines.blank_lines.push(start);
                }
            }
            start += line.len();
        }
        lines
    }
}

/// Writes an expression on one line.
pub fn print_expr(expr: &Expr) -> String {
    let mut printer = Printer {
        one_line: true,
        ..Printer::new(true, 0)
    };
    printer.expr(expr, 0);
    printer.out
}

/// Writes a type on one line: `"beta" | "gamma" | "prod"`.
pub fn print_type(ty: &TypeExpr) -> String {
    let mut printer = Printer {
        one_line: true,
        ..Printer::new(true, 0)
    };
    printer.ty(ty);
    printer.out
}

/// Binding strength, loosest first, as in the parser's Pratt table.
mod prec {
    pub const COALESCE: u8 = 1;
    pub const OR: u8 = 2;
    pub const AND: u8 = 3;
    pub const EQUALITY: u8 = 4;
    pub const COMPARISON: u8 = 5;
    pub const RANGE: u8 = 6;
    pub const SUM: u8 = 7;
    pub const PRODUCT: u8 = 8;
    pub const PREFIX: u8 = 9;
    pub const POSTFIX: u8 = 10;
    pub const ATOM: u8 = 11;
}

fn binary_prec(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Coalesce => prec::COALESCE,
        BinaryOp::Or => prec::OR,
        BinaryOp::And => prec::AND,
        BinaryOp::Eq | BinaryOp::Ne => prec::EQUALITY,
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => prec::COMPARISON,
        BinaryOp::Add | BinaryOp::Sub => prec::SUM,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => prec::PRODUCT,
    }
}

fn expr_prec(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::Binary { op, .. } => binary_prec(*op),
        ExprKind::Range { .. } => prec::RANGE,
        ExprKind::Unary { .. } => prec::PREFIX,
        ExprKind::Field { .. } | ExprKind::Index { .. } | ExprKind::Call { .. } => prec::POSTFIX,
        _ => prec::ATOM,
    }
}

/// Whether the printed expression starts with a digit (after `-`, it would read as a literal's
/// sign).
fn starts_with_digit(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Int(value) => *value >= 0,
        ExprKind::Number(text) => !text.starts_with('-'),
        ExprKind::Field { base, .. }
        | ExprKind::Index { base, .. }
        | ExprKind::Call { callee: base, .. } => {
            expr_prec(base) >= prec::POSTFIX && starts_with_digit(base)
        }
        _ => false,
    }
}

/// Whether a component instance appears at the top level of an expression (not inside
/// brackets): in an `if` condition, a `for` iterable or a `match` subject it needs parentheses.
fn has_bare_instance(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Instantiate { .. } => true,
        ExprKind::Binary { lhs, rhs, .. } => has_bare_instance(lhs) || has_bare_instance(rhs),
        ExprKind::Range { start, end } => has_bare_instance(start) || has_bare_instance(end),
        ExprKind::Unary { operand, .. } => has_bare_instance(operand),
        ExprKind::Field { base, .. }
        | ExprKind::Index { base, .. }
        | ExprKind::Call { callee: base, .. } => has_bare_instance(base),
        _ => false,
    }
}

/// Whether a name can be written bare (as a record key): an identifier that is not a keyword.
fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name)
}

/// `text` as the inside of a string literal.
fn escape_into(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next_is_brace = chars.peek() == Some(&'{');
        escape_char(out, c, next_is_brace);
    }
}

/// One character of a string literal, escaped if needed (`$` only before `{`).
fn escape_char(out: &mut String, c: char, next_is_brace: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '$' if next_is_brace => out.push_str("\\$"),
        c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// A piece of a line of a triple-quoted string.
enum Segment<'a> {
    Text(&'a str),
    Interp(&'a Expr),
}

/// The lines of a string's parts (text split at newlines; adjacent text is not merged, which
/// only matters for a `$` before a `{` in the next part: parts are merged by the parser).
fn triple_lines(parts: &[StrPart]) -> Vec<Vec<Segment<'_>>> {
    let mut lines = vec![Vec::new()];
    for part in parts {
        match part {
            StrPart::Lit(text) => {
                for (i, piece) in text.split('\n').enumerate() {
                    if i > 0 {
                        lines.push(Vec::new());
                    }
                    if let (false, Some(line)) = (piece.is_empty(), lines.last_mut()) {
                        line.push(Segment::Text(piece));
                    }
                }
            }
            StrPart::Interp(expr) => {
                if let Some(line) = lines.last_mut() {
                    line.push(Segment::Interp(expr));
                }
            }
        }
    }
    lines
}

/// A line of only spaces (the parser would read it as blank).
fn only_spaces(line: &[Segment<'_>]) -> bool {
    !line.is_empty()
        && line
            .iter()
            .all(|s| matches!(s, Segment::Text(t) if t.chars().all(|c| c == ' ')))
}

fn starts_with_space(line: &[Segment<'_>]) -> bool {
    matches!(line.first(), Some(Segment::Text(t)) if t.starts_with(' '))
}

/// The span of a record entry: its key to its value, or the spread expression.
fn entry_span(entry: &RecordEntry) -> Span {
    match entry {
        RecordEntry::Field { key, value } => key.span.to(value.span),
        RecordEntry::Spread(base) => base.span,
    }
}

/// A plain string literal with its quotes.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    escape_into(&mut out, text);
    out.push('"');
    out
}

struct Printer {
    out: String,
    indent: usize,
    /// Never break lines: measuring whether something fits on one line. What cannot be on one
    /// line in canonical form (record-type docs, multi-line strings) still writes a newline, so
    /// that it does not fit.
    flat: bool,
    /// Write on one line whatever it takes (`print_expr`, `print_type`): no docs, multi-line
    /// strings with `\n` escapes.
    one_line: bool,
    /// The column where `out` starts.
    start_column: usize,
    /// The comments to write (`print_file_with_comments`), shared with the printers of the
    /// declarations; `None` for measuring and for comment-free printing.
    comments: Option<Rc<RefCell<Queue>>>,
}

impl Printer {
    fn new(flat: bool, indent: usize) -> Printer {
        Printer {
            out: String::new(),
            indent,
            flat,
            one_line: false,
            start_column: indent * 2,
            comments: None,
        }
    }

    // ---- comments

    /// Whether the source has a blank line between `start` and `end`.
    fn blank_between(&self, start: usize, end: usize) -> bool {
        self.comments
            .as_ref()
            .is_some_and(|queue| queue.borrow().blank_between(start, end))
    }

    /// Whether a record or `match` of `count` entries, from `start` to `end` in the source, may
    /// stay on one line (when it fits): short ones may; longer ones if the source has them on
    /// one line (without the source, as when measuring, short ones only).
    fn may_inline(&self, count: usize, start: usize, end: usize) -> bool {
        count <= MAX_INLINE_ENTRIES
            || self.comments.as_ref().is_some_and(|queue| {
                let queue = queue.borrow();
                !queue.line_breaks.is_empty() && !queue.break_between(start, end)
            })
    }

    /// Takes the comments that start before `offset`.
    fn take_before(&mut self, offset: usize) -> Vec<Comment> {
        match &self.comments {
            Some(queue) => queue.borrow_mut().take_before(offset),
            None => Vec::new(),
        }
    }

    /// Whether comments that start before `offset` are still to be written (then what holds
    /// them cannot be written on one line).
    fn pending_before(&self, offset: usize) -> bool {
        self.comments
            .as_ref()
            .is_some_and(|queue| queue.borrow().front().is_some_and(|c| c.offset < offset))
    }

    /// Writes comments on lines of their own, from the start of a line; each is followed by a
    /// line break (and a blank line where the source had one).
    fn own_lines(&mut self, comments: &[Comment], blank_after_last: bool) {
        for (i, comment) in comments.iter().enumerate() {
            if i > 0 && comment.blank_before {
                self.blank_line();
            }
            self.push(&comment.text);
            self.newline();
        }
        if blank_after_last && comments.last().is_some_and(|c| c.blank_after) {
            self.blank_line();
        }
    }

    /// Turns the indentation just written into an empty line and indents again.
    fn blank_line(&mut self) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.newline();
    }

    /// Writes the leading comments of something that starts a line at `start`.
    fn leading(&mut self, start: usize) {
        let comments = self.take_before(start);
        self.own_lines(&comments, true);
    }

    /// Writes the comment trailing something that ended at `end`, on its line.
    fn trailing(&mut self, end: usize) {
        let comment = self
            .comments
            .as_ref()
            .and_then(|queue| queue.borrow_mut().take_trailing(end));
        if let Some(comment) = comment {
            self.push(" ");
            self.push(&comment.text);
        }
    }

    /// Writes the comments left before `end` (the closing bracket of a broken block) on lines of
    /// their own, after the last entry.
    fn closing(&mut self, end: usize) {
        for comment in self.take_before(end) {
            if comment.blank_before {
                self.out.push('\n');
            }
            self.newline();
            self.push(&comment.text);
        }
    }

    /// Comments met in the middle of an expression: written where they are, each ending its line.
    fn inline_comments(&mut self, start: usize) {
        if !self.pending_before(start) {
            return;
        }
        for comment in self.take_before(start) {
            let line_start = self.out.rfind('\n').map_or(0, |n| n + 1);
            let blank = self.out[line_start..].trim().is_empty();
            let trimmed = self.out.trim_end_matches(' ').len();
            self.out.truncate(trimmed);
            if !blank {
                self.push(" ");
            }
            self.push(&comment.text);
            self.indent += 1;
            self.newline();
            self.indent -= 1;
        }
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn column(&self) -> usize {
        match self.out.rfind('\n') {
            Some(newline) => self.out[newline + 1..].chars().count(),
            None => self.start_column + self.out.chars().count(),
        }
    }

    /// What `write` prints on one line.
    fn flat_text(&self, write: impl FnOnce(&mut Printer)) -> String {
        let mut printer = Printer::new(true, self.indent);
        write(&mut printer);
        printer.out
    }

    /// Whether one-line text fits from the current column.
    fn fits(&self, text: &str) -> bool {
        !text.contains('\n') && self.column() + text.chars().count() <= WIDTH
    }

    /// Writes `entries` between `open` and `close`, separated by commas: on one line when
    /// `inline` allows it and it fits, else one entry per line with trailing commas.
    fn delimited<T>(
        &mut self,
        (open, close): (&str, &str),
        (entries, span_of, end): (&[T], fn(&T) -> Span, usize),
        inline: bool,
        mut write: impl FnMut(&mut Printer, &T),
    ) {
        let inline = inline && !self.pending_before(end);
        let padding = if open == "{" && !entries.is_empty() {
            " "
        } else {
            ""
        };
        let one_line = |p: &mut Printer, write: &mut dyn FnMut(&mut Printer, &T)| {
            p.push(open);
            p.push(padding);
            for (i, entry) in entries.iter().enumerate() {
                if i > 0 {
                    p.push(", ");
                }
                write(p, entry);
            }
            p.push(padding);
            p.push(close);
        };
        if self.flat || (entries.is_empty() && !self.pending_before(end)) {
            one_line(self, &mut write);
            return;
        }
        if inline {
            let text = self.flat_text(|p| one_line(p, &mut write));
            if self.fits(&text) {
                self.push(&text);
                return;
            }
        }
        self.push(open);
        self.indent += 1;
        for entry in entries {
            let span = span_of(entry);
            self.newline();
            self.leading(span.start);
            write(self, entry);
            self.push(",");
            self.trailing(span.end);
        }
        self.closing(end);
        self.indent -= 1;
        self.newline();
        self.push(close);
    }

    // ---- declarations

    /// Declarations, one per line; a blank line separates declarations of different kinds, and
    /// sets off those that span lines.
    fn items(&mut self, items: &[Item]) {
        let mut previous_multiline = false;
        let mut previous_kind = None;
        let mut previous_end = None;
        for (i, item) in items.iter().enumerate() {
            let blank_in_source =
                previous_end.is_some_and(|end| self.blank_between(end, item.span.start));
            previous_end = Some(item.span.end);
            let mut printer = Printer::new(false, self.indent);
            printer.comments = self.comments.clone();
            let comments = printer.take_before(item.span.start);
            let blank_before = comments.first().is_some_and(|c| c.blank_before);
            printer.own_lines(&comments, true);
            if let Some(doc) = &item.doc {
                printer.doc(doc);
            }
            let body = printer.out.len();
            printer.item_kind(&item.kind, item.span.end);
            printer.trailing(item.span.end);
            let multiline = printer.out[body..].contains('\n');
            let kind = std::mem::discriminant(&item.kind);
            if i > 0 {
                if multiline
                    || previous_multiline
                    || previous_kind != Some(kind)
                    || blank_before
                    || blank_in_source
                {
                    self.out.push('\n');
                }
                self.newline();
            }
            self.push(&printer.out);
            previous_multiline = multiline;
            previous_kind = Some(kind);
        }
    }

    fn doc(&mut self, doc: &str) {
        for line in doc.split('\n') {
            self.push("///");
            if !line.is_empty() {
                self.push(" ");
                self.push(line);
            }
            self.newline();
        }
    }

    /// A declaration without its doc; `end` is where it ends in the source.
    fn item_kind(&mut self, kind: &ItemKind, end: usize) {
        match kind {
            ItemKind::Import(import) => {
                self.push("import ");
                match &import.target {
                    super::ast::ImportTarget::Std(path) => {
                        self.push("std");
                        for name in path {
                            self.push(".");
                            self.push(&name.name);
                        }
                        if path
                            .last()
                            .is_none_or(|last| last.name != import.alias.name)
                        {
                            self.push(" as ");
                            self.push(&import.alias.name);
                        }
                    }
                    super::ast::ImportTarget::File { path, .. } => {
                        self.push(&quoted(path));
                        self.push(" as ");
                        self.push(&import.alias.name);
                    }
                }
            }
            ItemKind::Param(param) => {
                self.push("param ");
                self.push(&param.name.name);
                self.push(": ");
                self.ty(&param.ty);
                if let Some(default) = &param.default {
                    self.push(" = ");
                    self.expr(default, 0);
                }
                if let Some(options) = &param.options {
                    self.push(" with ");
                    self.expr(options, 0);
                }
            }
            ItemKind::Let(decl) => self.let_decl(decl),
            ItemKind::Type(alias) => {
                self.push("type ");
                self.push(&alias.name.name);
                self.push(" = ");
                self.ty(&alias.ty);
            }
            ItemKind::Fn(decl) => {
                self.push("fn ");
                self.push(&decl.name.name);
                self.push("(");
                for (i, param) in decl.params.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.push(&param.name.name);
                    self.push(": ");
                    self.ty(&param.ty);
                    if let Some(default) = &param.default {
                        self.push(" = ");
                        self.expr(default, 0);
                    }
                }
                self.push(")");
                if let Some(ret) = &decl.ret {
                    self.push(" -> ");
                    self.ty(ret);
                }
                self.push(" ");
                self.brace(&decl.body);
            }
            ItemKind::Component(component) => {
                self.push("component ");
                self.push(&component.name.name);
                self.push(" ");
                self.decl_block(&component.items, end);
            }
            ItemKind::Resource(resource) => {
                self.push("resource ");
                self.push(&resource.name.name);
                self.push(": ");
                self.push(&resource.type_name.name);
                self.push(" ");
                self.expr(&resource.properties, 0);
                if let Some(options) = &resource.options {
                    self.push(" with ");
                    self.expr(options, 0);
                }
            }
            ItemKind::Output(output) => {
                self.push("output ");
                self.push(&output.name.name);
                self.push(" = ");
                self.expr(&output.value, 0);
                if let Some(export) = &output.export {
                    self.push(" export ");
                    self.expr(export, 0);
                }
            }
            ItemKind::Stack(stack) => {
                self.push("stack ");
                self.push(&stack.name.name);
                self.push(" ");
                self.decl_block(&stack.items, end);
            }
            ItemKind::Check(check) => {
                self.push("check ");
                self.expr(&check.condition, 0);
                if let Some(message) = &check.message {
                    self.push(", ");
                    self.expr(message, 0);
                }
            }
            ItemKind::Tags(tags) => {
                self.push("tags ");
                self.expr(tags, 0);
            }
            ItemKind::If(branch) => self.if_items(branch, end),
            ItemKind::For(each) => {
                self.push("for ");
                self.push(&each.var.name);
                self.push(" in ");
                self.condition(&each.iterable);
                self.push(" ");
                self.decl_block(&each.items, end);
            }
        }
    }

    fn let_decl(&mut self, decl: &super::ast::Let) {
        self.push("let ");
        self.push(&decl.name.name);
        if let Some(ty) = &decl.ty {
            self.push(": ");
            self.ty(ty);
        }
        self.push(" = ");
        self.expr(&decl.value, 0);
    }

    /// `end`: where the declaration ends in the source (the then-branch ends where the first
    /// declaration of the else-branch starts, as far as comments go).
    fn if_items(&mut self, branch: &super::ast::IfItems, end: usize) {
        self.push("if ");
        self.condition(&branch.condition);
        self.push(" ");
        let then_end = branch
            .else_items
            .first()
            .map_or(end, |item| item.span.start);
        self.decl_block(&branch.then_items, then_end);
        match branch.else_items.as_slice() {
            [] => {}
            [
                Item {
                    doc: None,
                    kind: ItemKind::If(nested),
                    span,
                },
            ] => {
                self.push(" else ");
                self.if_items(nested, span.end.max(end));
            }
            items => {
                self.push(" else ");
                self.decl_block(items, end);
            }
        }
    }

    fn decl_block(&mut self, items: &[Item], end: usize) {
        if items.is_empty() && !self.pending_before(end) {
            self.push("{}");
            return;
        }
        self.push("{");
        self.indent += 1;
        if items.is_empty() {
            let comments = self.take_before(end);
            self.newline();
            self.own_lines(&comments, false);
            self.out.truncate(self.out.trim_end().len());
        } else {
            self.newline();
            self.items(items);
            self.closing(end);
        }
        self.indent -= 1;
        self.newline();
        self.push("}");
    }

    // ---- expressions

    /// Writes `expr`, in parentheses if it binds more loosely than `min`.
    fn expr(&mut self, expr: &Expr, min: u8) {
        self.inline_comments(expr.span.start);
        if expr_prec(expr) < min {
            self.push("(");
            self.expr(expr, 0);
            self.push(")");
            return;
        }
        match &expr.kind {
            ExprKind::Null => self.push("null"),
            ExprKind::Bool(value) => self.push(if *value { "true" } else { "false" }),
            ExprKind::Int(value) => self.push(&value.to_string()),
            ExprKind::Number(text) | ExprKind::Name(text) => self.push(text),
            ExprKind::Str(parts) => self.string(parts),
            ExprKind::List(items) => self.list(items, expr.span.end),
            ExprKind::ListFor(comprehension) => self.list_for(comprehension),
            ExprKind::Record(entries) => self.record(entries, expr.span.end),
            ExprKind::MapFor(comprehension) => self.map_for(comprehension),
            ExprKind::Field { base, name } => {
                self.expr(base, prec::POSTFIX);
                self.push(".");
                self.push(&name.name);
            }
            ExprKind::Index { base, index } => {
                self.expr(base, prec::POSTFIX);
                self.push("[");
                self.expr(index, 0);
                self.push("]");
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee, prec::POSTFIX);
                self.push("(");
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.expr(arg, 0);
                }
                self.push(")");
            }
            ExprKind::Instantiate { component, args } => {
                self.expr(component, prec::POSTFIX);
                self.push(" ");
                self.record(args, expr.span.end);
            }
            ExprKind::Unary { op, operand } => self.unary(*op, operand),
            ExprKind::Binary { op, lhs, rhs } => {
                let strength = binary_prec(*op);
                self.expr(lhs, strength);
                self.push(" ");
                self.push(op.symbol());
                self.push(" ");
                self.expr(rhs, strength + 1);
            }
            ExprKind::Range { start, end } => {
                self.expr(start, prec::RANGE + 1);
                self.push("..");
                self.expr(end, prec::RANGE + 1);
            }
            ExprKind::If {
                condition,
                then_branch,
                else_branch,
            } => {
                // on one line when it fits; else every branch on lines of its own
                let one_line = !self.flat
                    && !self.pending_before(expr.span.end)
                    && self.fits(&self.flat_text(|p| p.expr(expr, 0)));
                let broken = !self.flat && !one_line;
                self.push("if ");
                self.condition(condition);
                self.push(" ");
                self.branch(then_branch, broken);
                self.push(" else ");
                match &else_branch.kind {
                    ExprKind::If { .. } => self.expr(else_branch, 0),
                    _ => self.branch(else_branch, broken),
                }
            }
            ExprKind::Match { scrutinee, arms } => {
                self.push("match ");
                self.condition(scrutinee);
                self.push(" ");
                let first = arms.first().map_or(expr.span.end, |arm| arm.span.start);
                let inline = self.may_inline(arms.len(), first, expr.span.end);
                self.delimited(
                    ("{", "}"),
                    (arms, |arm| arm.span, expr.span.end),
                    inline,
                    |p, arm| p.match_arm(arm),
                );
            }
            ExprKind::Block { lets, value } => self.block(lets, value, expr.span.end),
        }
    }

    /// A list; a list of one record or list that does not fit hugs it: `[{` ... `}]`.
    fn list(&mut self, items: &[Expr], end: usize) {
        if let [only] = items
            && matches!(only.kind, ExprKind::Record(_) | ExprKind::List(_))
            && !self.flat
            && !self.pending_before(only.span.start)
        {
            let one_line = self.flat_text(|p| p.expr(only, 0));
            if !self.fits(&format!("[{one_line}]")) || self.pending_before(end) {
                self.push("[");
                self.expr(only, 0);
                self.push("]");
                return;
            }
        }
        self.delimited(
            ("[", "]"),
            (items, |item| item.span, end),
            true,
            |p, item| p.expr(item, 0),
        );
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr) {
        self.push(match op {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
        });
        if op == UnaryOp::Neg && expr_prec(operand) >= prec::PREFIX && starts_with_digit(operand) {
            self.push("(");
            self.expr(operand, 0);
            self.push(")");
        } else {
            self.expr(operand, prec::PREFIX);
        }
    }

    /// An `if` condition, `for` iterable or `match` subject: a bare component instance there
    /// would take the following `{`, so it gets parentheses.
    fn condition(&mut self, expr: &Expr) {
        if has_bare_instance(expr) {
            self.push("(");
            self.expr(expr, 0);
            self.push(")");
        } else {
            self.expr(expr, 0);
        }
    }

    /// A braced expression (an `if` branch, a `fn` body): a record, a map comprehension or a
    /// block; anything else is written as a block holding it.
    /// A branch of an `if`: as [`Printer::brace`], or `broken` over lines of its own.
    fn branch(&mut self, expr: &Expr, broken: bool) {
        match &expr.kind {
            ExprKind::Block { lets, value } if broken => {
                self.block_lines(lets, value, expr.span.end)
            }
            ExprKind::Record(_) | ExprKind::MapFor(_) | ExprKind::Block { .. } => {
                self.expr(expr, 0)
            }
            _ if broken => self.block_lines(&[], expr, expr.span.end),
            _ => self.block(&[], expr, expr.span.end),
        }
    }

    fn brace(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Record(_) | ExprKind::MapFor(_) | ExprKind::Block { .. } => {
                self.expr(expr, 0)
            }
            _ => self.block(&[], expr, expr.span.end),
        }
    }

    /// `end`: where the block ends in the source.
    fn block(&mut self, lets: &[super::ast::Let], value: &Expr, end: usize) {
        if self.flat {
            self.push("{ ");
            for decl in lets {
                self.let_decl(decl);
                self.push("  ");
            }
            self.expr(value, 0);
            self.push(" }");
            return;
        }
        if lets.is_empty() && !self.pending_before(end) {
            let one_line = self.flat_text(|p| p.block(&[], value, end));
            if self.fits(&one_line) {
                self.push(&one_line);
                return;
            }
        }
        self.block_lines(lets, value, end);
    }

    /// A block over lines of its own.
    fn block_lines(&mut self, lets: &[super::ast::Let], value: &Expr, end: usize) {
        self.push("{");
        self.indent += 1;
        for decl in lets {
            self.newline();
            self.leading(decl.name.span.start);
            self.let_decl(decl);
            self.trailing(decl.value.span.end);
        }
        self.newline();
        self.leading(value.span.start);
        self.expr(value, 0);
        self.trailing(value.span.end);
        self.closing(end);
        self.indent -= 1;
        self.newline();
        self.push("}");
    }

    fn record(&mut self, entries: &[RecordEntry], end: usize) {
        let first = entries.first().map_or(end, |entry| entry_span(entry).start);
        let inline = self.may_inline(entries.len(), first, end);
        self.delimited(
            ("{", "}"),
            (entries, entry_span, end),
            inline,
            |p, entry| match entry {
                RecordEntry::Field { key, value } => {
                    p.key(&key.name);
                    p.push(": ");
                    p.expr(value, 0);
                }
                RecordEntry::Spread(base) => {
                    p.push("...");
                    p.expr(base, 0);
                }
            },
        );
    }

    fn key(&mut self, name: &str) {
        if is_plain_name(name) {
            self.push(name);
        } else {
            self.push(&quoted(name));
        }
    }

    fn for_head(
        &mut self,
        index_var: Option<&str>,
        var: &str,
        iterable: &Expr,
        condition: Option<&Expr>,
    ) {
        self.push("for ");
        if let Some(index) = index_var {
            self.push(index);
            self.push(", ");
        }
        self.push(var);
        self.push(" in ");
        self.expr(iterable, 0);
        if let Some(condition) = condition {
            self.push(" if ");
            self.expr(condition, 0);
        }
        self.push(": ");
    }

    fn list_for(&mut self, c: &Comprehension) {
        self.push("[");
        let index = c.index_var.as_ref().map(|i| i.name.as_str());
        self.for_head(index, &c.var.name, &c.iterable, c.condition.as_ref());
        self.expr(&c.body, 0);
        self.push("]");
    }

    fn map_for(&mut self, c: &MapComprehension) {
        self.push("{ ");
        let index = c.index_var.as_ref().map(|i| i.name.as_str());
        self.for_head(index, &c.var.name, &c.iterable, c.condition.as_ref());
        self.expr(&c.key, 0);
        self.push(" => ");
        self.expr(&c.value, 0);
        self.push(" }");
    }

    fn match_arm(&mut self, arm: &MatchArm) {
        match &arm.pattern {
            Pattern::Wildcard(_) => self.push("_"),
            Pattern::Literals(literals) => {
                for (i, (literal, _)) in literals.iter().enumerate() {
                    if i > 0 {
                        self.push(" | ");
                    }
                    self.push(&quoted(literal));
                }
            }
        }
        self.push(" => ");
        self.expr(&arm.body, 0);
    }

    /// A string literal: triple-quoted when it spans lines (except on one line).
    fn string(&mut self, parts: &[StrPart]) {
        let multiline = parts
            .iter()
            .any(|part| matches!(part, StrPart::Lit(text) if text.contains('\n')));
        if multiline && !self.one_line {
            self.triple_string(parts);
            return;
        }
        self.push("\"");
        let mut text = String::new();
        for part in parts {
            match part {
                StrPart::Lit(lit) => text.push_str(lit),
                StrPart::Interp(expr) => {
                    escape_into(&mut self.out, &std::mem::take(&mut text));
                    self.push("${");
                    self.expr(expr, 0);
                    self.push("}");
                }
            }
        }
        escape_into(&mut self.out, &text);
        self.push("\"");
    }

    /// A triple-quoted string: each line indented one level deeper than the current line, so
    /// that the parser's indentation rule gives the text back. Tabs are escaped, so the
    /// indentation of a line is its spaces; if every line would start with a space, the first
    /// one is written `\u{20}` (escapes are content), and so is a line holding only spaces
    /// (which would read as blank).
    fn triple_string(&mut self, parts: &[StrPart]) {
        let lines = triple_lines(parts);
        let mut escape_first: Vec<bool> = lines.iter().map(|line| only_spaces(line)).collect();
        let pinned = lines
            .iter()
            .zip(&escape_first)
            .any(|(line, &escaped)| !line.is_empty() && (escaped || !starts_with_space(line)));
        if !pinned && let Some(first) = lines.iter().position(|line| !line.is_empty()) {
            escape_first[first] = true;
        }
        let prefix = "  ".repeat(self.indent + 1);
        self.push("\"\"\"");
        let last = lines.len().saturating_sub(1);
        for (index, line) in lines.iter().enumerate() {
            self.out.push('\n');
            if !line.is_empty() || index == last {
                self.out.push_str(&prefix);
            }
            let mut escape_space = escape_first[index];
            for (position, segment) in line.iter().enumerate() {
                match segment {
                    Segment::Text(text) => {
                        let mut chars = text.chars().peekable();
                        while let Some(c) = chars.next() {
                            if std::mem::take(&mut escape_space) && c == ' ' {
                                self.push("\\u{20}");
                                continue;
                            }
                            let next = chars.peek().copied();
                            let at_end =
                                next.is_none() && index == last && position + 1 == line.len();
                            if c == '"' && (next == Some('"') || at_end) {
                                self.push("\\\"");
                            } else if c == '"' {
                                self.out.push('"');
                            } else {
                                escape_char(&mut self.out, c, next == Some('{'));
                            }
                        }
                    }
                    Segment::Interp(expr) => {
                        escape_space = false;
                        self.push("${");
                        self.expr(expr, 0);
                        self.push("}");
                    }
                }
            }
        }
        self.push("\"\"\"");
    }

    // ---- types

    fn ty(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeExprKind::Named(path) => {
                for (i, name) in path.iter().enumerate() {
                    if i > 0 {
                        self.push(".");
                    }
                    self.push(&name.name);
                }
            }
            TypeExprKind::Resource(name) => self.push(name),
            TypeExprKind::StrLit(text) => self.push(&quoted(text)),
            TypeExprKind::Union(members) => {
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        self.push(" | ");
                    }
                    let grouped =
                        matches!(member.kind, TypeExprKind::Union(_) | TypeExprKind::Fn(..));
                    self.ty_grouped(member, grouped);
                }
            }
            TypeExprKind::Optional(inner) => {
                let grouped = matches!(
                    inner.kind,
                    TypeExprKind::Union(_) | TypeExprKind::Fn(..) | TypeExprKind::Optional(_)
                );
                self.ty_grouped(inner, grouped);
                self.push("?");
            }
            TypeExprKind::List(item) => {
                self.push("[");
                self.ty(item);
                self.push("]");
            }
            TypeExprKind::Map(value) => {
                self.push("map<");
                self.ty(value);
                self.push(">");
            }
            TypeExprKind::Record(fields) => {
                let inline =
                    fields.len() <= MAX_INLINE_ENTRIES && fields.iter().all(|f| f.doc.is_none());
                let span_of: fn(&super::ast::FieldType) -> Span = |f| f.name.span.to(f.ty.span);
                self.delimited(
                    ("{", "}"),
                    (fields, span_of, ty.span.end),
                    inline,
                    |p, field| {
                        if let (Some(doc), false) = (&field.doc, p.one_line) {
                            p.doc(doc);
                        }
                        p.key(&field.name.name);
                        if field.optional {
                            p.push("?");
                        }
                        p.push(": ");
                        p.ty(&field.ty);
                    },
                );
            }
            TypeExprKind::Fn(params, ret) => {
                self.push("fn(");
                for (i, param) in params.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.ty(param);
                }
                self.push(") -> ");
                self.ty(ret);
            }
        }
    }

    fn ty_grouped(&mut self, ty: &TypeExpr, grouped: bool) {
        if grouped {
            self.push("(");
            self.ty(ty);
            self.push(")");
        } else {
            self.ty(ty);
        }
    }
}
