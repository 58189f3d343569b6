//! Syntax: the grammar (`grammar.pest`), the parser (the only file that names pest), the tree
//! (`ast.rs`) and the printer that writes a tree back as canonical source (`print.rs`).

pub mod ast;
pub mod parser;
pub mod print;

pub use parser::parse_file;
