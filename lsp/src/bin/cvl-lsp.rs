//! The language server on stdio (what `cvl lsp` runs), as a binary of this crate for its tests.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cvl_lsp::run())
}
