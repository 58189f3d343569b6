//! The parser: text to the syntax tree of `ast.rs`, and syntax diagnostics. The only file that
//! names pest: `grammar.pest` recognizes the text, this file builds the tree from its pairs, with
//! operator precedence applied by one Pratt parser ([`PRATT`]).
//!
//! How a file is parsed:
//! 1. A lexical pre-scan (`scan.rs`) finds brackets nested deeper than 256 levels; that text is
//!    never handed to pest (its recursion could overflow the stack): it is reported as
//!    `nesting-too-deep` and skipped.
//! 2. The file is parsed one top-level declaration at a time (`top_decl`). When one fails, the
//!    error is reported and parsing resumes at the next line whose first token is a declaration
//!    keyword or `///`, so that one broken declaration does not hide the rest. Closing brackets
//!    left over from the broken declaration are skipped silently.
//!    Each declaration is first tried on the hand-written fast path (`fast.rs`), which takes
//!    it only when it parses cleanly to exactly the tree of steps 2-3 with no diagnostic;
//!    otherwise pest parses it (pest stays the grammar and the error path).
//! 3. Each declaration's pairs become [`ast::Item`]s. Errors found here (invalid escapes,
//!    integer overflow, `${}` where a plain string is required) are reported and the declaration
//!    is kept; a tree deeper than [`MAX_TREE_DEPTH`] (long operator chains count) drops it.
//!
//! Decisions the language reference leaves open:
//! - A `-` directly followed by a digit, where an operand starts, is the sign of the literal:
//!   `-9223372036854775808` is `Int(i64::MIN)`, `a -1` is still a subtraction, and `- 5` (with a
//!   space) is `Unary(Neg, Int(5))`.
//! - Parentheses leave no node: the inner node's span grows to cover them.
//! - `"a${b}"` parts are normalized: adjacent text merged, no empty text (`""` has no parts).
//! - An `if` branch, an `else` branch and a `fn` body are braced expressions: a record
//!   (`{ cpu: 1 }`), a map comprehension, or a block (`{ x }` is a block whose value is `x`).
//! - `Name {` in an expression always starts a component instance, except in an `if`
//!   condition, a `for` iterable or a `match` subject, where the `{` opens the body.
//! - A block's lets are not separated, so `{ let a = f  (x) }` calls `f`: a block value cannot
//!   start with `(`, `[` or `-` after a let, nor with `{` after a let ending in a component name.
//! - `import "./x.cvl"` requires `as name`; `import std.vpc` binds `vpc` (span of `vpc`).
//! - Record keys, match patterns, import paths and string literal types are plain strings: a
//!   `${}` in them is reported. `T??` is written `(T?)?`; `fn(A) -> B | C` returns `B | C`.
//! - Triple-quoted strings: `\r\n` counts as `\n`, a first line holding only whitespace is
//!   dropped, lines holding only spaces and tabs become empty, and escapes are content.
//! - `tags` starts a declaration but is not reserved: the reference uses it as a name
//!   (`import std.tags`, `let tags = ...`). Module path segments may be keywords.
//! - A tree deeper than [`MAX_TREE_DEPTH`] levels, or a build that would use more than
//!   [`STACK_BUDGET`] bytes of stack, is `nesting-too-deep` too (a call `f(x)` is two levels).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::sync::LazyLock;

use pest::Parser as _;
use pest::error::{Error as PestError, ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::{
    self, BinaryOp, Comprehension, Expr, ExprKind, Ident, Item, ItemKind, MapComprehension,
    MatchArm, Pattern, RecordEntry, StrPart, TypeExpr, TypeExprKind, UnaryOp,
};
use super::fast;
use super::literal::{self, Piece};
use super::scan::{self, Scan};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

#[derive(pest_derive::Parser)]
#[grammar = "syntax/grammar.pest"]
struct Grammar;

/// How deep an expression or type tree may be: brackets and operators both count (a chain of
/// 600 `+` is a tree 600 levels deep, which later phases would walk recursively, and which
/// would overflow the stack when dropped if it were unbounded).
pub const MAX_TREE_DEPTH: usize = 512;

/// How much stack the tree builder may use (measured from where it starts): past it, the
/// declaration is reported as too deeply nested rather than risking a stack overflow. Pest's
/// recursion is bounded by the bracket pre-scan of `scan.rs` alone: pest is built without its
/// `std` feature, so without its per-rule stack probe (as on wasm, where it never had one). The
/// builder uses less stack per level than pest (see `primary`), so this is a last resort
/// (1.5 MiB: debug builds use a few KiB per level).
const STACK_BUDGET: usize = 3 << 19;

/// An address on the current stack, to measure how much stack the builder uses.
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(std::ptr::addr_of!(marker)) as usize
}

/// Operator precedence, loosest first. Every binary operator is left-associative; `..` does not
/// chain, which [`Builder::check_range_chain`] reports.
static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_coalesce, Assoc::Left))
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::infix(Rule::op_eq, Assoc::Left) | Op::infix(Rule::op_ne, Assoc::Left))
        .op(Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left))
        .op(Op::infix(Rule::op_range, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left)
            | Op::infix(Rule::op_div, Assoc::Left)
            | Op::infix(Rule::op_rem, Assoc::Left))
        .op(Op::prefix(Rule::op_neg) | Op::prefix(Rule::op_not))
        .op(Op::postfix(Rule::field_access)
            | Op::postfix(Rule::index_access)
            | Op::postfix(Rule::call_args))
});

/// Parses one file. `file` is its id, used in the diagnostics. Never panics: syntax errors are
/// diagnostics, and the declarations that did parse are kept (recovery at top-level
/// declarations).
pub fn parse_file(file: &str, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let (tree, diagnostics, _) = parse_file_with(file, text, true);
    (tree, diagnostics)
}

/// Parses one file, with the hand-written fast path of `fast.rs` tried first on each
/// declaration when `fast` (pest alone otherwise: the reference the tests compare against).
/// Also returns how many declarations the fast path left to pest.
pub(super) fn parse_file_with(
    file: &str,
    text: &str,
    fast: bool,
) -> (ast::File, Vec<Diagnostic>, usize) {
    if fast && let Some(items) = entirely_fast(text) {
        return (ast::File { items }, Vec::new(), 0);
    }
    FileParser {
        file,
        text,
        scan: Scan::new(text),
        items: Vec::new(),
        diagnostics: Vec::new(),
        had_error: false,
        fast,
        fallbacks: 0,
    }
    .run()
}

/// The declarations of `text` when the fast path reads every one of them, which a file without
/// errors almost always does; `None` as soon as it gives up on one.
///
/// No pre-scan then (a third of parsing): the pre-scan serves pest and recovery, and it would
/// find nothing. A file the fast path reads entirely nests no deeper than [`fast::MAX_RECURSION`]
/// levels (each bracket, string or interpolation is at least one), far below the
/// [`scan::MAX_NESTING`] at which the pre-scan marks text as too deep; so the file parser would
/// make the same calls to the fast path, with the same limit (the end of the text), and return
/// the same.
fn entirely_fast(text: &str) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    let mut pos = 0;
    loop {
        pos = scan::skip_trivia(text, pos);
        if pos >= text.len() {
            return Some(items);
        }
        let (item, end) = fast::parse_decl(text, pos, text.len())?;
        items.push(item);
        pos = end;
    }
}

// ------------------------------------------------------------------------------------------------
// Declaration by declaration, with recovery

struct FileParser<'t> {
    file: &'t str,
    text: &'t str,
    scan: Scan,
    items: Vec<Item>,
    diagnostics: Vec<Diagnostic>,
    /// A syntax error was reported: leftover closing brackets may follow.
    had_error: bool,
    /// Whether to try the fast path (`fast.rs`) before pest on each declaration.
    fast: bool,
    /// How many declarations the fast path left to pest.
    fallbacks: usize,
}

impl FileParser<'_> {
    fn run(mut self) -> (ast::File, Vec<Diagnostic>, usize) {
        for &(start, _) in &self.scan.too_deep {
            let ((from, to), _) = scan::token_at(self.text, start);
            self.diagnostics.push(Diagnostic::error(
                Code::NestingTooDeep,
                self.file,
                Span::new(from, to),
                format!(
                    "nesting is too deep: more than {} levels of brackets, strings and interpolations",
                    scan::MAX_NESTING
                ),
            ));
        }
        let mut pos = 0;
        loop {
            pos = scan::skip_trivia(self.text, pos);
            if pos >= self.text.len() {
                break;
            }
            if let Some(end) = self.scan.too_deep_end(pos) {
                pos = self.resume_after(end);
            } else if self.had_error && self.scan.is_matched_closer(pos) {
                pos += 1;
            } else {
                pos = self.declaration(pos);
            }
        }
        let tree = ast::File { items: self.items };
        (tree, self.diagnostics, self.fallbacks)
    }

    /// Parses the declaration at `start`; returns where to continue.
    fn declaration(&mut self, start: usize) -> usize {
        let limit = self
            .scan
            .next_too_deep(start)
            .map_or(self.text.len(), |(deep, _)| deep);
        if self.fast {
            if let Some((item, end)) = fast::parse_decl(self.text, start, limit) {
                self.items.push(item);
                return end;
            }
            self.fallbacks += 1;
        }
        match Grammar::parse(Rule::top_decl, &self.text[start..limit]) {
            Ok(pairs) => {
                let decl = pairs.flatten().find(|pair| pair.as_rule() == Rule::decl);
                let Some(decl) = decl else {
                    self.internal_error(start);
                    return self.recover(start, start, limit);
                };
                let end = start + decl.as_span().end();
                let builder = Builder::new(self.file, self.text, start);
                match builder.decl(decl) {
                    Ok(item) => self.items.push(item),
                    Err(diagnostic) => self.diagnostics.push(*diagnostic),
                }
                self.diagnostics.extend(builder.diagnostics.into_inner());
                // A declaration is never empty; were it so, stop rather than loop.
                if end > start { end } else { self.text.len() }
            }
            Err(error) => {
                let at = start + error_offset(&error).min(limit - start);
                let cut_by_nesting = limit < self.text.len() && at >= limit;
                if !cut_by_nesting {
                    let diagnostic = self.syntax_error(&error, at);
                    self.diagnostics.push(diagnostic);
                }
                self.had_error = true;
                self.recover(start, at, limit)
            }
        }
    }

    /// Where to resume after a declaration that started at `start` failed at `at`.
    fn recover(&self, start: usize, at: usize, limit: usize) -> usize {
        match self.scan.recovery_point(self.text, start, at) {
            Some(point) if point < limit => point,
            _ if limit < self.text.len() => {
                let end = self.scan.too_deep_end(limit).unwrap_or(self.text.len());
                self.resume_after(end)
            }
            _ => self.text.len(),
        }
    }

    /// The first recovery point after a too-deep region that ends at `end`.
    fn resume_after(&self, end: usize) -> usize {
        self.scan
            .recovery_point(self.text, end.saturating_sub(1), end)
            .unwrap_or(self.text.len())
    }

    fn internal_error(&mut self, at: usize) {
        let ((from, to), _) = scan::token_at(self.text, at);
        self.diagnostics.push(Diagnostic::error(
            Code::SyntaxError,
            self.file,
            Span::new(from, to),
            "internal parser error: the declaration could not be read",
        ));
        self.had_error = true;
    }

    /// A pest error in words: "expected an expression, found `}`".
    fn syntax_error(&self, error: &PestError<Rule>, at: usize) -> Diagnostic {
        let ((from, to), found) = scan::token_at(self.text, at);
        let span = Span::new(from, to);
        let positives = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => positives,
            ErrorVariant::CustomError { message } if message.contains("limit") => {
                return Diagnostic::error(
                    Code::NestingTooDeep,
                    self.file,
                    span,
                    "this declaration is nested too deeply for the parser",
                );
            }
            ErrorVariant::CustomError { message } => {
                return Diagnostic::error(
                    Code::SyntaxError,
                    self.file,
                    span,
                    message.to_lowercase(),
                );
            }
        };
        let expected = expected_words(positives);
        let message = if expected.is_empty() {
            format!("unexpected {found}")
        } else {
            format!("expected {}, found {found}", join_words(&expected))
        };
        let diagnostic = Diagnostic::error(Code::SyntaxError, self.file, span, message);
        match syntax_help(&expected, &self.text[from..to]) {
            Some(help) => diagnostic.with_help(help),
            None => diagnostic,
        }
    }
}

/// Where a pest error is, relative to the parsed input.
fn error_offset(error: &PestError<Rule>) -> usize {
    match error.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    }
}

// ------------------------------------------------------------------------------------------------
// Errors in words: the rule → words table

/// What an expected rule reads as.
enum Expect {
    Words(&'static str),
    /// An operator that could continue an expression: said only when nothing else is expected.
    Operator,
    /// The end of the input: said only when nothing else is expected.
    End,
}

/// The words for a rule that pest expected (`None`: not worth saying).
fn rule_words(rule: Rule) -> Option<Expect> {
    use Expect::{End, Operator, Words};
    Some(match rule {
        Rule::EOI => End,
        Rule::top_decl
        | Rule::decl_start
        | Rule::item_keyword
        | Rule::decl
        | Rule::doc
        | Rule::doc_line => Words("a declaration"),
        Rule::item | Rule::import_decl | Rule::param_decl | Rule::type_decl | Rule::fn_decl => {
            Words("a declaration")
        }
        Rule::component_decl | Rule::resource_decl | Rule::output_decl | Rule::stack_decl => {
            Words("a declaration")
        }
        Rule::check_decl | Rule::tags_decl | Rule::if_decl | Rule::for_decl => {
            Words("a declaration")
        }
        Rule::let_decl | Rule::kw_let => Words("`let`"),
        Rule::std_import | Rule::std_path | Rule::kw_std => Words("a module path like `std.vpc`"),
        Rule::module_name => Words("a module name"),
        Rule::file_import => Words("a file path string"),
        Rule::fn_param => Words("a parameter"),
        Rule::decl_block | Rule::lbrace => Words("`{`"),
        Rule::else_if_decl | Rule::else_if_expr | Rule::kw_else => Words("`else`"),
        Rule::resource_type => Words("a resource type like `AWS::S3::Bucket`"),
        Rule::expr | Rule::cond_expr | Rule::operand | Rule::cond_operand => Words("an expression"),
        Rule::op_neg | Rule::op_not | Rule::instance | Rule::component_path => {
            Words("an expression")
        }
        Rule::upper_ident => Words("a name"),
        Rule::if_expr
        | Rule::match_expr
        | Rule::list_for
        | Rule::list
        | Rule::map_for
        | Rule::block => Words("an expression"),
        Rule::paren | Rule::number | Rule::int | Rule::kw_null | Rule::kw_true | Rule::kw_false => {
            Words("an expression")
        }
        Rule::record => Words("`{`"),
        Rule::op_coalesce
        | Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le => Operator,
        Rule::op_lt | Rule::op_ge | Rule::op_gt | Rule::op_range | Rule::op_add | Rule::op_sub => {
            Operator
        }
        Rule::op_mul | Rule::op_div | Rule::op_rem | Rule::field_access | Rule::index_access => {
            Operator
        }
        Rule::call_args => Operator,
        Rule::match_arm => Words("a match arm"),
        Rule::pattern | Rule::wildcard => Words("a pattern (a string or `_`)"),
        Rule::for_head | Rule::ident => Words("a name"),
        Rule::spread => Words("`...`"),
        Rule::record_field | Rule::field_type => Words("a field"),
        Rule::record_key | Rule::key_string => Words("a field name"),
        Rule::plain_string | Rule::triple_string => Words("a string"),
        Rule::str_end => Words("the closing `\"`"),
        Rule::triple_end => Words("the closing `\"\"\"`"),
        Rule::type_expr | Rule::type_member | Rule::fn_type | Rule::fn_head | Rule::list_type => {
            Words("a type")
        }
        Rule::map_type
        | Rule::record_type
        | Rule::paren_type
        | Rule::str_type
        | Rule::null_type => Words("a type"),
        Rule::named_type | Rule::kw_map => Words("a type"),
        Rule::question => Words("`?`"),
        Rule::rbrace => Words("`}`"),
        Rule::lbracket => Words("`[`"),
        Rule::rbracket => Words("`]`"),
        Rule::lparen => Words("`(`"),
        Rule::rparen => Words("`)`"),
        Rule::comma => Words("`,`"),
        Rule::colon => Words("`:`"),
        Rule::assign => Words("`=`"),
        Rule::arrow => Words("`->`"),
        Rule::fat_arrow => Words("`=>`"),
        Rule::bar => Words("`|`"),
        Rule::langle => Words("`<`"),
        Rule::rangle => Words("`>`"),
        Rule::dot => Words("`.`"),
        Rule::kw_as => Words("`as`"),
        Rule::kw_check => Words("`check`"),
        Rule::kw_component => Words("`component`"),
        Rule::kw_export => Words("`export`"),
        Rule::kw_fn => Words("`fn`"),
        Rule::kw_for => Words("`for`"),
        Rule::kw_if => Words("`if`"),
        Rule::kw_import => Words("`import`"),
        Rule::kw_in => Words("`in`"),
        Rule::kw_match => Words("`match`"),
        Rule::kw_output => Words("`output`"),
        Rule::kw_param => Words("`param`"),
        Rule::kw_resource => Words("`resource`"),
        Rule::kw_stack => Words("`stack`"),
        Rule::kw_tags => Words("`tags`"),
        Rule::kw_type => Words("`type`"),
        Rule::kw_with => Words("`with`"),
        Rule::str_text | Rule::triple_text | Rule::escape | Rule::interp => return None,
        // Silent rules: pest never reports them.
        Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::type_segment
        | Rule::infix_op
        | Rule::prefix_op => {
            return None;
        }
        Rule::postfix_op
        | Rule::brace_expr
        | Rule::record_entry
        | Rule::string
        | Rule::type_atom => {
            return None;
        }
        Rule::ident_char | Rule::keyword | Rule::unary | Rule::cond_unary | Rule::atom => {
            return None;
        }
    })
}

/// The distinct words for the expected rules, in the order pest tried them. Operators and the
/// end of the input are said only when nothing else was expected.
fn expected_words(positives: &[Rule]) -> Vec<&'static str> {
    let mut words = Vec::new();
    let (mut operator, mut end) = (false, false);
    for &rule in positives {
        match rule_words(rule) {
            Some(Expect::Words(w)) if !words.contains(&w) => words.push(w),
            Some(Expect::Operator) => operator = true,
            Some(Expect::End) => end = true,
            _ => {}
        }
    }
    if words.is_empty() && operator {
        words.push("an operator");
    }
    if words.is_empty() && end {
        words.push("end of file");
    }
    words
}

/// `a`, `a or b`, `a, b or c`.
fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Help for common mistakes.
fn syntax_help(expected: &[&str], found: &str) -> Option<String> {
    if expected == ["`else`"] {
        return Some("an `if` expression needs an `else` branch".to_string());
    }
    if expected.contains(&"a name") && is_keyword(found) {
        return Some(format!(
            "`{found}` is a keyword and cannot be used as a name"
        ));
    }
    None
}

/// The reserved words of the language. `tags` starts a declaration but is not reserved: the
/// reference also uses it as a name (`import std.tags`, `let tags = ...`).
pub const KEYWORDS: &[&str] = &[
    "as",
    "check",
    "component",
    "else",
    "export",
    "false",
    "fn",
    "for",
    "if",
    "import",
    "in",
    "let",
    "match",
    "null",
    "output",
    "param",
    "resource",
    "stack",
    "true",
    "type",
    "with",
];

/// Whether a word is reserved.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

// ------------------------------------------------------------------------------------------------
// Pairs to tree

/// Results carry boxed diagnostics: small results keep the recursive frames small.
type Res<T> = Result<T, Box<Diagnostic>>;

/// Builds the tree of one declaration. Methods take `&self` so that the Pratt parser's closures
/// can share it; soft errors (the declaration is kept) go to `diagnostics`.
struct Builder<'f> {
    file: &'f str,
    text: &'f str,
    /// Where the parsed input starts in the file: pest offsets are relative to it.
    base: usize,
    diagnostics: RefCell<Vec<Diagnostic>>,
    /// The depth of the tree being built (see [`MAX_TREE_DEPTH`]).
    depth: Cell<usize>,
    /// Where the stack was when the builder started (see [`STACK_BUDGET`]).
    stack_base: usize,
}

/// Punctuation and keyword pairs, which carry no information once the text has parsed.
fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::EOI
            | Rule::lbrace
            | Rule::rbrace
            | Rule::lbracket
            | Rule::rbracket
            | Rule::lparen
            | Rule::rparen
            | Rule::comma
            | Rule::colon
            | Rule::assign
            | Rule::arrow
            | Rule::fat_arrow
            | Rule::bar
            | Rule::langle
            | Rule::rangle
            | Rule::dot
            | Rule::str_end
            | Rule::triple_end
            | Rule::kw_as
            | Rule::kw_check
            | Rule::kw_component
            | Rule::kw_else
            | Rule::kw_export
            | Rule::kw_fn
            | Rule::kw_for
            | Rule::kw_if
            | Rule::kw_import
            | Rule::kw_in
            | Rule::kw_let
            | Rule::kw_match
            | Rule::kw_output
            | Rule::kw_param
            | Rule::kw_resource
            | Rule::kw_stack
            | Rule::kw_tags
            | Rule::kw_type
            | Rule::kw_with
            | Rule::kw_std
            | Rule::kw_map
    )
}

/// The meaningful children of a pair, in order.
struct Kids<'i> {
    pairs: VecDeque<Pair<'i, Rule>>,
    /// The parent's span, for internal errors.
    span: Span,
}

impl<'i> Kids<'i> {
    fn peek(&self) -> Option<Rule> {
        self.pairs.front().map(|pair| pair.as_rule())
    }

    fn next_if(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.peek() == Some(rule) {
            self.pairs.pop_front()
        } else {
            None
        }
    }

    /// The next child; its absence is an internal error (the grammar guarantees it).
    fn next(&mut self, builder: &Builder<'_>) -> Res<Pair<'i, Rule>> {
        self.pairs
            .pop_front()
            .ok_or_else(|| builder.internal(self.span, "end of a syntax node"))
    }

    /// The remaining children.
    fn rest(self) -> impl Iterator<Item = Pair<'i, Rule>> {
        self.pairs.into_iter()
    }
}

impl<'f> Builder<'f> {
    fn new(file: &'f str, text: &'f str, base: usize) -> Self {
        Builder {
            file,
            text,
            base,
            diagnostics: RefCell::new(Vec::new()),
            depth: Cell::new(0),
            stack_base: stack_position(),
        }
    }

    /// The span of a pair without the whitespace and comments that pest leaves at its end
    /// (when a trailing optional or repetition did not match): it ends where its last token
    /// ends.
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let mut last = pair.clone();
        while let Some(child) = last.clone().into_inner().next_back() {
            last = child;
        }
        Span::new(
            self.base + pair.as_span().start(),
            self.base + last.as_span().end(),
        )
    }

    fn kids<'i>(&self, pair: Pair<'i, Rule>) -> Kids<'i> {
        let span = self.span(&pair);
        Kids {
            pairs: pair
                .into_inner()
                .filter(|p| !is_token(p.as_rule()))
                .collect(),
            span,
        }
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn internal(&self, span: Span, what: &str) -> Box<Diagnostic> {
        Box::new(Diagnostic::error(
            Code::SyntaxError,
            self.file,
            span,
            format!("internal parser error: unexpected {what}"),
        ))
    }

    fn unexpected(&self, pair: &Pair<'_, Rule>) -> Box<Diagnostic> {
        self.internal(self.span(pair), &format!("`{:?}`", pair.as_rule()))
    }

    /// A soft error: reported, and the declaration is kept.
    fn report(&self, diagnostic: Diagnostic) {
        self.diagnostics.borrow_mut().push(diagnostic);
    }

    /// Goes `levels` tree levels deeper (undone by [`Builder::leave`]); a tree deeper than
    /// [`MAX_TREE_DEPTH`] is an error that drops the declaration.
    fn enter(&self, levels: usize, at: usize) -> Res<()> {
        let depth = self.depth.get() + levels;
        if depth > MAX_TREE_DEPTH || self.stack_base.abs_diff(stack_position()) > STACK_BUDGET {
            let ((from, to), _) = scan::token_at(self.text, at);
            let message = "this expression is nested too deeply";
            let help = format!(
                "more than {MAX_TREE_DEPTH} levels of brackets and chained operators; split it with `let`s"
            );
            return Err(Box::new(
                Diagnostic::error(
                    Code::NestingTooDeep,
                    self.file,
                    Span::new(from, to),
                    message,
                )
                .with_help(help),
            ));
        }
        self.depth.set(depth);
        Ok(())
    }

    fn leave(&self, levels: usize) {
        self.depth.set(self.depth.get().saturating_sub(levels));
    }

    // ---- declarations

    fn decl(&self, pair: Pair<'_, Rule>) -> Res<Item> {
        let mut kids = self.kids(pair);
        let doc = kids.next_if(Rule::doc).map(|doc| doc_text(&doc));
        let mut item = self.item(kids.next(self)?)?;
        item.doc = doc;
        Ok(item)
    }

    fn item(&self, pair: Pair<'_, Rule>) -> Res<Item> {
        let span = self.span(&pair);
        let inner = self.kids(pair).next(self)?;
        self.enter(1, span.start)?;
        let kind = self.item_kind(inner);
        self.leave(1);
        Ok(Item {
            doc: None,
            kind: kind?,
            span,
        })
    }

    fn item_kind(&self, pair: Pair<'_, Rule>) -> Res<ItemKind> {
        Ok(match pair.as_rule() {
            Rule::import_decl => ItemKind::Import(self.import(pair)?),
            Rule::param_decl => {
                let mut kids = self.kids(pair);
                let name = self.ident(&kids.next(self)?);
                let ty = self.type_expr(kids.next(self)?)?;
                let mut rest: Vec<Pair<'_, Rule>> = kids.rest().collect();
                let options = match rest.last() {
                    Some(last) if last.as_rule() == Rule::record => {
                        rest.pop().map(|r| self.primary(r)).transpose()?
                    }
                    _ => None,
                };
                let default = rest.into_iter().next().map(|e| self.expr(e)).transpose()?;
                ItemKind::Param(ast::Param {
                    name,
                    ty,
                    default,
                    options,
                })
            }
            Rule::let_decl => ItemKind::Let(self.let_decl(pair)?),
            Rule::type_decl => {
                let mut kids = self.kids(pair);
                let name = self.ident(&kids.next(self)?);
                ItemKind::Type(ast::TypeAlias {
                    name,
                    ty: self.type_expr(kids.next(self)?)?,
                })
            }
            Rule::fn_decl => ItemKind::Fn(self.fn_decl(pair)?),
            Rule::component_decl => {
                let mut kids = self.kids(pair);
                let name = self.ident(&kids.next(self)?);
                ItemKind::Component(ast::Component {
                    name,
                    items: self.decl_block(kids.next(self)?)?,
                })
            }
            Rule::stack_decl => {
                let mut kids = self.kids(pair);
                let name = self.ident(&kids.next(self)?);
                ItemKind::Stack(ast::Stack {
                    name,
                    items: self.decl_block(kids.next(self)?)?,
                })
            }
            Rule::resource_decl => ItemKind::Resource(self.resource(pair)?),
            Rule::output_decl => {
                let mut kids = self.kids(pair);
                let name = self.ident(&kids.next(self)?);
                let value = self.expr(kids.next(self)?)?;
                let export = kids.rest().next().map(|e| self.expr(e)).transpose()?;
                ItemKind::Output(ast::Output {
                    name,
                    value,
                    export,
                })
            }
            Rule::check_decl => {
                let mut kids = self.kids(pair);
                let condition = self.expr(kids.next(self)?)?;
                let message = kids.rest().next().map(|e| self.expr(e)).transpose()?;
                ItemKind::Check(ast::Check { condition, message })
            }
            Rule::tags_decl => ItemKind::Tags(self.expr(self.kids(pair).next(self)?)?),
            Rule::if_decl => ItemKind::If(self.if_decl(pair)?),
            Rule::for_decl => {
                let mut kids = self.kids(pair);
                let var = self.ident(&kids.next(self)?);
                let iterable = self.expr(kids.next(self)?)?;
                ItemKind::For(ast::ForItems {
                    var,
                    iterable,
                    items: self.decl_block(kids.next(self)?)?,
                })
            }
            _ => return Err(self.unexpected(&pair)),
        })
    }

    fn import(&self, pair: Pair<'_, Rule>) -> Res<ast::Import> {
        let inner = self.kids(pair).next(self)?;
        let mut kids = self.kids(inner.clone());
        if inner.as_rule() == Rule::file_import {
            let string = kids.next(self)?;
            let span = self.span(&string);
            let path = self.plain_string(string, "an import path")?;
            let alias = self.ident(&kids.next(self)?);
            return Ok(ast::Import {
                target: ast::ImportTarget::File { path, span },
                alias,
            });
        }
        let path_pair = kids.next(self)?;
        let path_span = self.span(&path_pair);
        let path: Vec<Ident> = self
            .kids(path_pair)
            .rest()
            .map(|p| self.ident(&p))
            .collect();
        let alias = match kids.rest().next() {
            Some(alias) => self.ident(&alias),
            None => path
                .last()
                .cloned()
                .ok_or_else(|| self.internal(path_span, "empty module path"))?,
        };
        Ok(ast::Import {
            target: ast::ImportTarget::Std(path),
            alias,
        })
    }

    fn let_decl(&self, pair: Pair<'_, Rule>) -> Res<ast::Let> {
        let mut kids = self.kids(pair);
        let name = self.ident(&kids.next(self)?);
        let ty = kids
            .next_if(Rule::type_expr)
            .map(|t| self.type_expr(t))
            .transpose()?;
        let value = self.expr(kids.next(self)?)?;
        Ok(ast::Let { name, ty, value })
    }

    fn fn_decl(&self, pair: Pair<'_, Rule>) -> Res<ast::FnDecl> {
        let mut kids = self.kids(pair);
        let name = self.ident(&kids.next(self)?);
        let mut params = Vec::new();
        while let Some(param) = kids.next_if(Rule::fn_param) {
            let mut parts = self.kids(param);
            let name = self.ident(&parts.next(self)?);
            let ty = self.type_expr(parts.next(self)?)?;
            let default = parts.rest().next().map(|e| self.expr(e)).transpose()?;
            params.push(ast::FnParam { name, ty, default });
        }
        let ret = kids
            .next_if(Rule::type_expr)
            .map(|t| self.type_expr(t))
            .transpose()?;
        let body = self.primary(kids.next(self)?)?;
        Ok(ast::FnDecl {
            name,
            params,
            ret,
            body,
        })
    }

    fn resource(&self, pair: Pair<'_, Rule>) -> Res<ast::Resource> {
        let mut kids = self.kids(pair);
        let name = self.ident(&kids.next(self)?);
        let type_name = self.ident(&kids.next(self)?);
        let properties = self.primary(kids.next(self)?)?;
        let options = kids.rest().next().map(|r| self.primary(r)).transpose()?;
        Ok(ast::Resource {
            name,
            type_name,
            properties,
            options,
        })
    }

    fn if_decl(&self, pair: Pair<'_, Rule>) -> Res<ast::IfItems> {
        let end = self.span(&pair).end;
        let mut kids = self.kids(pair);
        let condition = self.expr(kids.next(self)?)?;
        let then_items = self.decl_block(kids.next(self)?)?;
        let mut chain = Vec::new();
        while let Some(else_if) = kids.next_if(Rule::else_if_decl) {
            chain.push(else_if);
        }
        let levels = chain.len();
        self.enter(levels, kids.span.start)?;
        let else_items = self.else_if_decls(chain, kids.rest().next(), end);
        self.leave(levels);
        Ok(ast::IfItems {
            condition,
            then_items,
            else_items: else_items?,
        })
    }

    /// The `else if` chain and `else` block of an `if` among declarations, as else items.
    fn else_if_decls(
        &self,
        chain: Vec<Pair<'_, Rule>>,
        last: Option<Pair<'_, Rule>>,
        end: usize,
    ) -> Res<Vec<Item>> {
        let mut branches = Vec::new();
        for else_if in chain {
            let start = self.if_keyword_start(&else_if);
            let mut parts = self.kids(else_if);
            let condition = self.expr(parts.next(self)?)?;
            branches.push((start, condition, self.decl_block(parts.next(self)?)?));
        }
        let else_items = last
            .map(|block| self.decl_block(block))
            .transpose()?
            .unwrap_or_default();
        Ok(ast::nest_else_ifs(branches, else_items, end))
    }

    /// Where the `if` of an `else if` starts.
    fn if_keyword_start(&self, else_if: &Pair<'_, Rule>) -> usize {
        else_if
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::kw_if)
            .map_or(self.span(else_if).start, |p| self.span(&p).start)
    }

    fn decl_block(&self, pair: Pair<'_, Rule>) -> Res<Vec<Item>> {
        all(self.kids(pair).rest(), |decl| self.decl(decl))
    }

    // ---- expressions

    /// An `expr` or `cond_expr`. An operand alone is converted directly (the common case, and
    /// the recursive path of nested brackets); with operators, see [`Builder::operations`].
    fn expr(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let mut inner = pair.clone().into_inner();
        let first = inner.next();
        if inner.next().is_some() {
            return self.operations(pair);
        }
        let Some(operand) = first.filter(|p| is_primary(p.as_rule())) else {
            return Err(self.internal(self.span(&pair), "expression"));
        };
        self.enter(1, self.base + operand.as_span().start())?;
        let result = self.operand(operand);
        self.leave(1);
        result
    }

    /// An expression with operators: its flat sequence through [`PRATT`].
    fn operations(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let sequence: Vec<_> = pair.into_inner().collect();
        if !well_formed(&sequence) {
            return Err(self.internal(span, "operator sequence"));
        }
        self.check_range_chain(&sequence);
        let operators = sequence.iter().filter(|p| !is_primary(p.as_rule())).count();
        self.enter(operators + 1, span.start)?;
        let result = PRATT
            .map_primary(|operand| self.operand(operand))
            .map_prefix(|op, operand| self.prefix(&op, operand?))
            .map_postfix(|base, op| self.postfix(base?, op))
            .map_infix(|lhs, op, rhs| self.infix(lhs?, &op, rhs?))
            .parse(sequence.into_iter());
        self.leave(operators + 1);
        result
    }

    /// Reports `a..b..c`: two `..` with no looser operator between them.
    fn check_range_chain(&self, sequence: &[Pair<'_, Rule>]) {
        let mut in_range = false;
        for pair in sequence {
            match pair.as_rule() {
                Rule::op_range if in_range => self.report(
                    Diagnostic::error(
                        Code::SyntaxError,
                        self.file,
                        self.span(pair),
                        "`..` does not chain",
                    )
                    .with_help("put one of the ranges in parentheses"),
                ),
                Rule::op_range => in_range = true,
                rule if is_looser_than_range(rule) => in_range = false,
                _ => {}
            }
        }
    }

    fn prefix(&self, op: &Pair<'_, Rule>, operand: Expr) -> Res<Expr> {
        let op_kind = if op.as_rule() == Rule::op_neg {
            UnaryOp::Neg
        } else {
            UnaryOp::Not
        };
        let span = self.span(op).to(operand.span);
        Ok(Expr {
            kind: ExprKind::Unary {
                op: op_kind,
                operand: Box::new(operand),
            },
            span,
        })
    }

    fn postfix(&self, base: Expr, op: Pair<'_, Rule>) -> Res<Expr> {
        let span = base.span.to(self.span(&op));
        let base = Box::new(base);
        let kind = match op.as_rule() {
            Rule::field_access => ExprKind::Field {
                base,
                name: self.ident(&self.kids(op).next(self)?),
            },
            Rule::index_access => ExprKind::Index {
                base,
                index: Box::new(self.expr(self.kids(op).next(self)?)?),
            },
            Rule::call_args => {
                let mut args = Vec::new();
                for arg in self.kids(op).rest() {
                    args.push(self.expr(arg)?);
                }
                ExprKind::Call { callee: base, args }
            }
            _ => return Err(self.unexpected(&op)),
        };
        Ok(Expr { kind, span })
    }

    fn infix(&self, lhs: Expr, op: &Pair<'_, Rule>, rhs: Expr) -> Res<Expr> {
        let span = lhs.span.to(rhs.span);
        let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
        let kind = match binary_op(op.as_rule()) {
            Some(op) => ExprKind::Binary { op, lhs, rhs },
            None if op.as_rule() == Rule::op_range => ExprKind::Range {
                start: lhs,
                end: rhs,
            },
            None => return Err(self.unexpected(op)),
        };
        Ok(Expr { kind, span })
    }

    /// An `operand` or `cond_operand`.
    fn operand(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let inner = pair
            .into_inner()
            .next()
            .ok_or_else(|| self.internal(span, "empty operand"))?;
        self.primary(inner)
    }

    /// A literal, a name, or a bracketed or keyword-led expression.
    ///
    /// This and the functions it calls are on the recursive path of nested brackets, so they
    /// are written to keep stack frames small (debug builds use a lot of stack per frame):
    /// tail calls, plain loops rather than iterator adapters, few temporaries.
    fn primary(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        match pair.as_rule() {
            Rule::paren => self.paren(pair),
            Rule::if_expr => self.if_expr(pair),
            Rule::list => self.list(pair),
            Rule::record => self.record(pair),
            Rule::block => self.block(pair),
            Rule::instance => self.instance(pair),
            Rule::match_expr => self.match_expr(pair),
            Rule::list_for => self.list_for(pair),
            Rule::map_for => self.map_for(pair),
            Rule::plain_string | Rule::triple_string => self.string_expr(pair),
            _ => self.literal(&pair),
        }
    }

    fn literal(&self, pair: &Pair<'_, Rule>) -> Res<Expr> {
        let kind = match pair.as_rule() {
            Rule::kw_null => ExprKind::Null,
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::int => ExprKind::Int(self.int(pair)),
            Rule::number => ExprKind::Number(pair.as_str().to_string()),
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            _ => return Err(self.unexpected(pair)),
        };
        Ok(Expr {
            kind,
            span: self.span(pair),
        })
    }

    /// An integer literal; one that does not fit in 64 bits is reported and read as 0.
    fn int(&self, pair: &Pair<'_, Rule>) -> i64 {
        pair.as_str().parse().unwrap_or_else(|_| {
            self.report(
                Diagnostic::error(
                    Code::IntegerOverflow,
                    self.file,
                    self.span(pair),
                    format!("integer `{}` does not fit in 64 bits", pair.as_str()),
                )
                .with_help(format!(
                    "integers are between {} and {}",
                    i64::MIN,
                    i64::MAX
                )),
            );
            0
        })
    }

    /// `(e)`: `e`, its span grown to cover the parentheses.
    fn paren(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut inner = self.expr(self.kids(pair).next(self)?)?;
        inner.span = span;
        Ok(inner)
    }

    fn list(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut items = Vec::new();
        for item in self.kids(pair).rest() {
            items.push(self.expr(item)?);
        }
        Ok(Expr {
            kind: ExprKind::List(items),
            span,
        })
    }

    fn record(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let entries = self.record_entries(pair)?;
        Ok(Expr {
            kind: ExprKind::Record(entries),
            span,
        })
    }

    fn record_entries(&self, pair: Pair<'_, Rule>) -> Res<Vec<RecordEntry>> {
        let mut entries = Vec::new();
        for entry in self.kids(pair).rest() {
            entries.push(self.record_entry(entry)?);
        }
        Ok(entries)
    }

    fn record_entry(&self, pair: Pair<'_, Rule>) -> Res<RecordEntry> {
        let spread = pair.as_rule() == Rule::spread;
        let mut kids = self.kids(pair);
        let first = kids.next(self)?;
        if spread {
            return self.expr(first).map(RecordEntry::Spread);
        }
        let key = self.record_key(first)?;
        let value = self.expr(kids.next(self)?)?;
        Ok(RecordEntry::Field { key, value })
    }

    /// A record key (in a record or a record type): a name, or a flat quoted string.
    fn record_key(&self, pair: Pair<'_, Rule>) -> Res<Ident> {
        let inner = self.kids(pair).next(self)?;
        if inner.as_rule() == Rule::ident {
            return Ok(self.ident(&inner));
        }
        let span = self.span(&inner);
        let decoded = literal::decode_flat(inner.as_str());
        for (from, to, bad) in decoded.errors {
            let at = Span::new(span.start + from, span.start + to);
            self.report(
                Diagnostic::error(Code::InvalidEscape, self.file, at, bad.message)
                    .with_help(bad.help),
            );
        }
        if let Some(offset) = decoded.interpolation {
            let at = Span::new(span.start + offset, span.start + offset + 2);
            self.report(Diagnostic::error(
                Code::SyntaxError,
                self.file,
                at,
                "a record key cannot contain `${}`",
            ));
        }
        Ok(Ident {
            name: decoded.text,
            span,
        })
    }

    fn block(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let mut lets = Vec::new();
        while let Some(decl) = kids.next_if(Rule::let_decl) {
            lets.push(self.let_decl(decl)?);
        }
        let value = Box::new(self.expr(kids.next(self)?)?);
        Ok(Expr {
            kind: ExprKind::Block { lets, value },
            span,
        })
    }

    fn instance(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let component = Box::new(self.component_path(kids.next(self)?)?);
        let args = self.record_entries(kids.next(self)?)?;
        Ok(Expr {
            kind: ExprKind::Instantiate { component, args },
            span,
        })
    }

    /// `Name` or `module.Name` as a name and field accesses.
    fn component_path(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut names = self.kids(pair).rest().map(|name| self.ident(&name));
        let first = names
            .next()
            .ok_or_else(|| self.internal(span, "empty component path"))?;
        let mut component = Expr {
            span: first.span,
            kind: ExprKind::Name(first.name),
        };
        for name in names {
            let span = component.span.to(name.span);
            component = Expr {
                kind: ExprKind::Field {
                    base: Box::new(component),
                    name,
                },
                span,
            };
        }
        Ok(component)
    }

    fn if_expr(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let condition = Box::new(self.expr(kids.next(self)?)?);
        let then_branch = Box::new(self.primary(kids.next(self)?)?);
        let mut chain = Vec::new();
        while let Some(else_if) = kids.next_if(Rule::else_if_expr) {
            chain.push(else_if);
        }
        let levels = chain.len();
        self.enter(levels, span.start)?;
        let else_branch = self.else_if_exprs(chain, kids.next(self)?, span.end);
        self.leave(levels);
        Ok(Expr {
            kind: ExprKind::If {
                condition,
                then_branch,
                else_branch: Box::new(else_branch?),
            },
            span,
        })
    }

    /// The `else if` chain and `else` branch of an `if` expression, as its else branch.
    fn else_if_exprs(
        &self,
        chain: Vec<Pair<'_, Rule>>,
        last: Pair<'_, Rule>,
        end: usize,
    ) -> Res<Expr> {
        let mut branches = Vec::new();
        for else_if in chain {
            let start = self.if_keyword_start(&else_if);
            let mut parts = self.kids(else_if);
            let condition = self.expr(parts.next(self)?)?;
            branches.push((start, condition, self.primary(parts.next(self)?)?));
        }
        let mut else_branch = self.primary(last)?;
        for (start, condition, then_branch) in branches.into_iter().rev() {
            let kind = ExprKind::If {
                condition: Box::new(condition),
                then_branch: Box::new(then_branch),
                else_branch: Box::new(else_branch),
            };
            else_branch = Expr {
                kind,
                span: Span::new(start, end),
            };
        }
        Ok(else_branch)
    }

    fn match_expr(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let scrutinee = Box::new(self.expr(kids.next(self)?)?);
        let mut arms = Vec::new();
        for arm in kids.rest() {
            arms.push(self.match_arm(arm)?);
        }
        Ok(Expr {
            kind: ExprKind::Match { scrutinee, arms },
            span,
        })
    }

    fn match_arm(&self, pair: Pair<'_, Rule>) -> Res<MatchArm> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let pattern = self.pattern(kids.next(self)?)?;
        let body = self.expr(kids.next(self)?)?;
        Ok(MatchArm {
            pattern,
            body,
            span,
        })
    }

    fn pattern(&self, pair: Pair<'_, Rule>) -> Res<Pattern> {
        let mut literals = Vec::new();
        for literal in self.kids(pair).rest() {
            let span = self.span(&literal);
            if literal.as_rule() == Rule::wildcard {
                return Ok(Pattern::Wildcard(span));
            }
            literals.push((self.plain_string(literal, "a match pattern")?, span));
        }
        Ok(Pattern::Literals(literals))
    }

    /// The parts of a `for_head`: index variable, variable, iterable, condition.
    fn for_head(&self, pair: Pair<'_, Rule>) -> Res<(Option<Ident>, Ident, Expr, Option<Expr>)> {
        let mut kids = self.kids(pair);
        let first = self.ident(&kids.next(self)?);
        let (index_var, var) = match kids.next_if(Rule::ident) {
            Some(second) => (Some(first), self.ident(&second)),
            None => (None, first),
        };
        let iterable = self.expr(kids.next(self)?)?;
        let condition = match kids.rest().next() {
            Some(condition) => Some(self.expr(condition)?),
            None => None,
        };
        Ok((index_var, var, iterable, condition))
    }

    fn list_for(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let (index_var, var, iterable, condition) = self.for_head(kids.next(self)?)?;
        let body = self.expr(kids.next(self)?)?;
        let comprehension = Box::new(Comprehension {
            index_var,
            var,
            iterable,
            condition,
            body,
        });
        Ok(Expr {
            kind: ExprKind::ListFor(comprehension),
            span,
        })
    }

    fn map_for(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let (index_var, var, iterable, condition) = self.for_head(kids.next(self)?)?;
        let key = self.expr(kids.next(self)?)?;
        let value = self.expr(kids.next(self)?)?;
        let comprehension = Box::new(MapComprehension {
            index_var,
            var,
            iterable,
            condition,
            key,
            value,
        });
        Ok(Expr {
            kind: ExprKind::MapFor(comprehension),
            span,
        })
    }

    // ---- strings

    fn string_expr(&self, pair: Pair<'_, Rule>) -> Res<Expr> {
        let span = self.span(&pair);
        let parts = self.string(pair)?;
        Ok(Expr {
            kind: ExprKind::Str(parts),
            span,
        })
    }

    /// The parts of a plain or triple-quoted string literal.
    fn string(&self, pair: Pair<'_, Rule>) -> Res<Vec<StrPart>> {
        let triple = pair.as_rule() == Rule::triple_string;
        let mut pieces = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::str_text | Rule::triple_text => {
                    pieces.push(Piece::Text(child.as_str().to_string()))
                }
                Rule::escape => pieces.push(Piece::Escaped(self.escape(&child))),
                Rule::interp => {
                    pieces.push(Piece::Interp(self.expr(self.kids(child).next(self)?)?))
                }
                _ => {}
            }
        }
        Ok(if triple {
            literal::triple_parts(pieces)
        } else {
            literal::plain_parts(pieces)
        })
    }

    /// An escape's character; an invalid one is reported and kept as written.
    fn escape(&self, pair: &Pair<'_, Rule>) -> String {
        match literal::decode_escape(pair.as_str()) {
            Ok(c) => c.to_string(),
            Err(bad) => {
                self.report(
                    Diagnostic::error(Code::InvalidEscape, self.file, self.span(pair), bad.message)
                        .with_help(bad.help),
                );
                pair.as_str().to_string()
            }
        }
    }

    /// A string literal that must not interpolate (`what` names it in the error).
    fn plain_string(&self, pair: Pair<'_, Rule>, what: &str) -> Res<String> {
        let span = self.span(&pair);
        let parts = self.string(pair)?;
        Ok(literal::plain_text(&parts).unwrap_or_else(|| {
            self.report(Diagnostic::error(
                Code::SyntaxError,
                self.file,
                span,
                format!("{what} cannot contain `${{}}`"),
            ));
            parts
                .iter()
                .filter_map(|p| {
                    if let StrPart::Lit(t) = p {
                        Some(t.as_str())
                    } else {
                        None
                    }
                })
                .collect()
        }))
    }

    // ---- types

    fn type_expr(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        let span = self.span(&pair);
        self.enter(1, span.start)?;
        let members = all(self.kids(pair).rest(), |m| self.type_member(m));
        self.leave(1);
        let mut members = members?;
        if members.len() == 1
            && let Some(only) = members.pop()
        {
            return Ok(only);
        }
        Ok(TypeExpr {
            kind: TypeExprKind::Union(members),
            span,
        })
    }

    fn type_member(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        let span = self.span(&pair);
        let mut kids = self.kids(pair);
        let atom = self.type_atom(kids.next(self)?)?;
        Ok(match kids.next_if(Rule::question) {
            Some(_) => TypeExpr {
                kind: TypeExprKind::Optional(Box::new(atom)),
                span,
            },
            None => atom,
        })
    }

    fn type_atom(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::fn_type => return self.fn_type(pair),
            Rule::paren_type => {
                return Ok(TypeExpr {
                    span,
                    ..self.type_expr(self.kids(pair).next(self)?)?
                });
            }
            Rule::list_type => {
                TypeExprKind::List(Box::new(self.type_expr(self.kids(pair).next(self)?)?))
            }
            Rule::map_type => {
                TypeExprKind::Map(Box::new(self.type_expr(self.kids(pair).next(self)?)?))
            }
            Rule::record_type => {
                TypeExprKind::Record(all(self.kids(pair).rest(), |f| self.field_type(f))?)
            }
            Rule::str_type => TypeExprKind::StrLit(
                self.plain_string(self.kids(pair).next(self)?, "a string literal type")?,
            ),
            Rule::resource_type => TypeExprKind::Resource(pair.as_str().to_string()),
            Rule::null_type => TypeExprKind::Named(vec![Ident {
                name: "null".to_string(),
                span,
            }]),
            Rule::named_type => TypeExprKind::Named(
                self.kids(pair)
                    .rest()
                    .map(|name| self.ident(&name))
                    .collect(),
            ),
            _ => return Err(self.unexpected(&pair)),
        };
        Ok(TypeExpr { kind, span })
    }

    /// `fn(A) -> fn(B) -> C`: heads, then the result type, nested from the right.
    fn fn_type(&self, pair: Pair<'_, Rule>) -> Res<TypeExpr> {
        let end = self.span(&pair).end;
        let mut kids = self.kids(pair);
        let mut heads = Vec::new();
        while let Some(head) = kids.next_if(Rule::fn_head) {
            heads.push(head);
        }
        let levels = heads.len();
        self.enter(levels, kids.span.start)?;
        let ty = self.fn_signatures(heads, kids.next(self)?, end);
        self.leave(levels);
        ty
    }

    fn fn_signatures(
        &self,
        heads: Vec<Pair<'_, Rule>>,
        result: Pair<'_, Rule>,
        end: usize,
    ) -> Res<TypeExpr> {
        let mut signatures = Vec::new();
        for head in heads {
            let start = self.span(&head).start;
            let params = all(self.kids(head).rest(), |t| self.type_expr(t))?;
            signatures.push((start, params));
        }
        let mut ty = self.type_expr(result)?;
        for (start, params) in signatures.into_iter().rev() {
            ty = TypeExpr {
                kind: TypeExprKind::Fn(params, Box::new(ty)),
                span: Span::new(start, end),
            };
        }
        Ok(ty)
    }

    fn field_type(&self, pair: Pair<'_, Rule>) -> Res<ast::FieldType> {
        let mut kids = self.kids(pair);
        let doc = kids.next_if(Rule::doc).map(|doc| doc_text(&doc));
        let name = self.record_key(kids.next(self)?)?;
        let optional = kids.next_if(Rule::question).is_some();
        let ty = self.type_expr(kids.next(self)?)?;
        Ok(ast::FieldType {
            doc,
            name,
            optional,
            ty,
        })
    }
}

/// Converts each pair, stopping at the first error. A plain loop: this is on the recursive path
/// of nested brackets, where iterator adapters cost stack frames in debug builds.
fn all<'i, T>(
    pairs: impl Iterator<Item = Pair<'i, Rule>>,
    mut convert: impl FnMut(Pair<'i, Rule>) -> Res<T>,
) -> Res<Vec<T>> {
    let mut converted = Vec::new();
    for pair in pairs {
        converted.push(convert(pair)?);
    }
    Ok(converted)
}

/// The text of a doc comment: its lines without `///` and one following space, joined by `\n`.
fn doc_text(doc: &Pair<'_, Rule>) -> String {
    let lines: Vec<&str> = doc
        .clone()
        .into_inner()
        .map(|line| {
            let text = line.as_str().trim_start_matches("///");
            let text = text.strip_prefix(' ').unwrap_or(text);
            text.strip_suffix('\r').unwrap_or(text)
        })
        .collect();
    lines.join("\n")
}

fn is_primary(rule: Rule) -> bool {
    matches!(rule, Rule::operand | Rule::cond_operand)
}

fn is_prefix(rule: Rule) -> bool {
    matches!(rule, Rule::op_neg | Rule::op_not)
}

fn is_postfix(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::field_access | Rule::index_access | Rule::call_args
    )
}

fn is_infix(rule: Rule) -> bool {
    rule == Rule::op_range || binary_op(rule).is_some()
}

/// Whether an operator binds more loosely than `..` (it ends a range chain).
fn is_looser_than_range(rule: Rule) -> bool {
    binary_op(rule).is_some_and(|op| {
        !matches!(
            op,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem
        )
    })
}

/// Whether the sequence is `prefix* operand postfix* (infix prefix* operand postfix*)*`, the
/// only shape the Pratt parser accepts (the grammar guarantees it; this keeps it from
/// panicking if that were ever not so).
fn well_formed(sequence: &[Pair<'_, Rule>]) -> bool {
    let mut want_operand = true;
    for pair in sequence {
        let rule = pair.as_rule();
        want_operand = match (want_operand, rule) {
            (true, rule) if is_prefix(rule) => true,
            (true, rule) if is_primary(rule) => false,
            (false, rule) if is_postfix(rule) => false,
            (false, rule) if is_infix(rule) => true,
            _ => return false,
        };
    }
    !want_operand
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_coalesce => BinaryOp::Coalesce,
        Rule::op_or => BinaryOp::Or,
        Rule::op_and => BinaryOp::And,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        Rule::op_rem => BinaryOp::Rem,
        _ => return None,
    })
}
