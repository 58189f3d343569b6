//! `cvl lsp`: the language server on stdio, once the lsp crate exposes one.

use crate::EXIT_USAGE;

pub fn run() -> u8 {
    eprintln!("cvl lsp is not available yet: the language server has not landed in this build");
    EXIT_USAGE
}
