//! The cvl language server: a thin [tower-lsp-server] layer over the compiler's IDE functions
//! (`cvl::ide`). `server.rs` holds the handlers, which call `cvl::ide` under one lock;
//! `convert.rs` is the only place that converts between protocol positions (UTF-16) and byte
//! offsets, URIs and file ids, and compiler results and LSP types.
//!
//! `cvl lsp` calls [`run`]; editors start it on stdio (see `docs/editors.md`).
//!
//! [tower-lsp-server]: https://docs.rs/tower-lsp-server

mod convert;
mod server;

pub use server::Backend;

/// Serves the protocol on stdin/stdout until the client sends `exit` or closes stdin.
pub fn run() -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(_) => return 2,
    };
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    0
}

/// Serves the protocol on any pair of streams.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = tower_lsp_server::LspService::new(Backend::new);
    tower_lsp_server::Server::new(input, output, socket).serve(service).await;
}
