//! `cvl lsp`: the language server on stdin/stdout (the `cvl-lsp` crate), for editors. It runs
//! until the client sends `exit` or closes stdin; stdout carries only the protocol.

pub fn run() -> u8 {
    cvl_lsp::run()
}
