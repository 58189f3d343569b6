//! Syntax: the grammar (`grammar.pest`), the parser (the only file that names pest), the tree
//! (`ast.rs`) and the printer that writes a tree back as canonical source (`print.rs`).
//! `fast.rs` is the parser's fast path: a hand-written recursive-descent parser that takes each
//! declaration it can parse cleanly, to exactly the tree pest would give, and leaves the rest
//! (errors, diagnostics, anything unusual) to pest; `fast_tests.rs` checks the two agree.
//! `scan.rs` (the pre-scan for nesting and recovery points) and `literal.rs` (escapes and the
//! indentation rule of triple-quoted strings) are the pest-free helpers of the parser.
//! `format.rs` is the formatter: the printer's layout with the source's `//` comments kept.

pub mod ast;
mod fast;
pub mod format;
mod literal;
pub mod parser;
pub mod print;
mod scan;

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use parser::parse_file;
pub use print::{print_expr, print_file, print_type};
