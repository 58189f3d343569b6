//! IDE features as protocol-free functions: a file and a byte offset in, plain structs out. The
//! language server converts positions and results at its edge (`lsp/src/convert.rs`); the
//! playground can call the same functions.
//!
//! Every feature works on the salsa database ([`crate::db::CvlDb`]) and one file of it
//! ([`crate::db::SourceFile`]); files are named by their ids (`main.cvl`, `std/vpc.cvl`).
//!
//! - `index.rs`: the names of a file (definitions, references, scopes, records with known
//!   fields), cached per file; `resolve.rs`: what a reference points at across files.
//! - one file per feature: [`diagnostics`], [`hover`], [`completion`], [`goto_definition`],
//!   [`references`], [`rename`], [`document_symbols`], [`env_values`], [`semantic_tokens`], [`inlay_hints`],
//!   [`signature_help`], [`code_actions`], [`formatting`].

pub mod code_actions;
pub mod completion;
pub mod diagnostics;
pub mod document_symbols;
pub mod env_values;
pub mod formatting;
pub mod goto_definition;
pub mod hover;
pub mod index;
pub mod inlay_hints;
pub mod references;
pub mod rename;
pub mod resolve;
pub mod semantic_tokens;
pub mod signature_help;

#[cfg(test)]
mod fixture;

use crate::source::Span;

/// Replace `span` of a file with `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub text: String,
}

/// Edits of one file, by its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdits {
    pub file: String,
    pub edits: Vec<TextEdit>,
}

/// A place in a file: the name to focus (`span`) and the whole declaration (`full`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub file: String,
    pub span: Span,
    pub full: Span,
}

/// The identifier-like word around `offset` in `text` (letters, digits, `_`): its span.
pub fn word_at(text: &str, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    Span::new(start, end)
}
