//! The cvl language server: a thin [tower-lsp-server] layer over the compiler's IDE functions
//! (`cvl::ide`). `server.rs` holds the handlers, which call `cvl::ide` under one lock;
//! `convert.rs` is the only place that converts between protocol positions (UTF-16) and byte
//! offsets, URIs and file ids, and compiler results and LSP types.
//!
//! `cvl lsp` calls [`run`]; editors start it on stdio (see `docs/editors.md`).
//!
//! [tower-lsp-server]: https://docs.rs/tower-lsp-server

mod convert;
mod framing;
mod server;

pub use server::Backend;

/// Serves the protocol on stdin/stdout until the client sends `exit` or closes stdin.
pub fn run() -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(_) => return 2,
    };
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // a read of stdin may still be waiting on a blocking thread (the client keeps stdin open
    // after `exit`): do not wait for it
    runtime.shutdown_background();
    0
}

/// Serves the protocol on any pair of streams.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    // the server reads checked frames from a pipe (see `framing.rs`)
    let (checked, server_input) = tokio::io::duplex(64 * 1024);
    let forward = async {
        framing::forward_valid_frames(input, checked).await;
        // the pipe is closed: the server ends once it has read what is left
        std::future::pending::<()>().await;
    };
    let (service, socket) = tower_lsp_server::LspService::new(Backend::new);
    let server = tower_lsp_server::Server::new(server_input, output, socket).serve(service);
    tokio::select! {
        () = server => {}
        () = forward => {}
    }
}
