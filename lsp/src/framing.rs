//! Checks the client's frames before tower-lsp-server reads them.
//!
//! tower-lsp-server 0.23 answers a body that is not JSON with a parse error, but its framed
//! reader ends the stream after any decoding error, and the server stops: one bad message from
//! a client would cost the editor every language feature until a restart. So the server reads
//! from a pipe that [`forward_valid_frames`] fills: it copies every frame whose body is JSON,
//! and drops (with a line on stderr, which editors show in their log) frames whose body is
//! not, whose headers carry no `Content-Length`, or whose header lines are runaway.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// A header line longer than this is not LSP: the reader skips to the next line.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// A body longer than this is skipped rather than held in memory (a whole workspace of text
/// is well under it).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Copies the frames of `input` whose body is JSON to `output`, until `input` ends or
/// `output` is closed; then drops `output`, which ends the server's input.
pub async fn forward_valid_frames<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let length = match read_headers(&mut input).await {
            Headers::End => return,
            Headers::Length(length) => length,
            Headers::Malformed(reason) => {
                report(&reason);
                continue;
            }
        };
        if length > MAX_BODY {
            report(&format!(
                "dropped a message of {length} bytes (at most {MAX_BODY})"
            ));
            if skip(&mut input, length).await.is_err() {
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() {
            return;
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            report(&format!(
                "dropped a message whose body of {length} bytes is not JSON"
            ));
            continue;
        }
        let header = format!("Content-Length: {length}\r\n\r\n");
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
            || output.flush().await.is_err()
        {
            return;
        }
    }
}

enum Headers {
    Length(usize),
    Malformed(String),
    End,
}

/// Reads header lines up to the empty line that ends them.
async fn read_headers<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> Headers {
    let mut length = None;
    let mut malformed = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut *input)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await
        {
            Ok(0) | Err(_) => return Headers::End,
            Ok(_) => {}
        }
        if line.last() != Some(&b'\n') {
            // a runaway line: skip the rest of it
            malformed = Some(format!(
                "dropped a header line longer than {MAX_HEADER_LINE} bytes"
            ));
            if skip_line(input).await.is_err() {
                return Headers::End;
            }
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_none() && malformed.is_none() {
                // blank lines between frames: keep reading
                continue;
            }
            break;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        malformed = Some(format!("dropped a message with the header `{text}`"))
                    }
                }
            }
            Some(_) => {} // Content-Type and others
            None => {
                malformed = Some(format!(
                    "dropped a header line that is not `Name: value`: `{}`",
                    shorten(text)
                ))
            }
        }
    }
    match (length, malformed) {
        (Some(length), None) => Headers::Length(length),
        (_, Some(reason)) => Headers::Malformed(reason),
        (None, None) => {
            Headers::Malformed("dropped a message without a Content-Length header".into())
        }
    }
}

async fn skip_line<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> std::io::Result<()> {
    loop {
        let buffer = input.fill_buf().await?;
        if buffer.is_empty() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            input.consume(end + 1);
            return Ok(());
        }
        let all = buffer.len();
        input.consume(all);
    }
}

async fn skip<R: AsyncRead + Unpin>(
    input: &mut BufReader<R>,
    mut length: usize,
) -> std::io::Result<()> {
    while length > 0 {
        let buffer = input.fill_buf().await?;
        if buffer.is_empty() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let n = buffer.len().min(length);
        input.consume(n);
        length -= n;
    }
    Ok(())
}

fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}

#[allow(clippy::print_stderr)] // stdout is the protocol; editors show the server's stderr in their log
fn report(reason: &str) {
    eprintln!("cvl lsp: {reason}");
}

#[cfg(test)]
mod tests {
    use super::forward_valid_frames;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    async fn forwarded(input: &str) -> String {
        let mut output = Vec::new();
        forward_valid_frames(input.as_bytes(), &mut output).await;
        String::from_utf8(output).expect("utf-8")
    }

    fn run(input: &str) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        runtime.block_on(forwarded(input))
    }

    #[test]
    fn json_frames_pass_unchanged() {
        let input = frame(r#"{"a":1}"#) + &frame("[]");
        assert_eq!(run(&input), input);
    }

    #[test]
    fn bodies_that_are_not_json_are_dropped_and_the_next_frame_passes() {
        let good = frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        let input = frame("{not json") + &good;
        assert_eq!(run(&input), good);
    }

    #[test]
    fn content_type_headers_are_accepted_and_normalized_away() {
        let input = "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(run(input), frame("{}"));
    }

    #[test]
    fn frames_without_a_length_or_with_a_bad_one_are_dropped() {
        let good = frame("{}");
        let input = format!(
            "Content-Type: x\r\n\r\nContent-Length: many\r\n\r\ngarbage line\r\n\r\n{good}"
        );
        assert_eq!(run(&input), good);
    }

    #[test]
    fn a_runaway_header_line_is_skipped() {
        let good = frame("{}");
        let input = "x".repeat(20_000) + "\r\n\r\n" + &good;
        assert_eq!(run(&input), good);
    }

    #[test]
    fn a_body_cut_short_ends_the_input() {
        assert_eq!(run("Content-Length: 10\r\n\r\n{}"), "");
    }
}
