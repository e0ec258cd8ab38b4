//! Reading bodies (files or standard input, as raw bytes) and `Name: value` headers.

use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// A header as given on the command line or in a file: a checked name and the raw value.
pub(crate) type Header = (String, Vec<u8>);

/// Reads the body from `file`, or from standard input for `-` or no file, as raw bytes (a
/// non-UTF-8 body is read like any other).
pub(crate) fn read_body(file: Option<&Path>) -> Result<Vec<u8>, CliError> {
    match file {
        // Waiting for a body typed at a terminal is never what was meant without `-`.
        None if std::io::stdin().is_terminal() => Err(CliError::usage(
            "no body: give a FILE, pipe the body in, or pass `-` to type it",
        )),
        None => read_stdin(),
        Some(path) if path.as_os_str() == "-" => read_stdin(),
        Some(path) => std::fs::read(path)
            .map_err(|err| CliError::usage(format!("cannot read `{}`: {err}", path.display()))),
    }
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut body = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut body)
        .map_err(|err| CliError::usage(format!("cannot read standard input: {err}")))?;
    Ok(body)
}

/// Parses `Name: value` (`Name:value` too); the value keeps inner spaces and loses the
/// surrounding ones, as HTTP does.
pub(crate) fn parse_header(line: &[u8]) -> Result<Header, &'static str> {
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or("expected `Name: value`, with a colon after the name")?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() {
        return Err("the header name is empty; expected `Name: value`");
    }
    if !name.iter().all(|&b| is_token(b)) {
        return Err(
            "the header name may hold only letters, digits and !#$%&'*+-.^_`|~ \
                    (no spaces before the colon)",
        );
    }
    let value = value.trim_ascii();
    if value.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
        return Err("the header value contains a line break or NUL");
    }
    let name = String::from_utf8(name.to_vec()).map_err(|_| "the header name is not ascii")?;
    Ok((name, value.to_vec()))
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The `--header` values, then the lines of the `--headers` file. A first line that is an HTTP
/// request or status line (`POST /hook HTTP/1.1`, `HTTP/1.1 200 OK`) and blank lines are
/// skipped, so a header dump can be passed as is.
pub(crate) fn collect_headers(
    flags: &[String],
    file: Option<&PathBuf>,
) -> Result<Vec<Header>, CliError> {
    let mut headers = Vec::with_capacity(flags.len());
    for flag in flags {
        let header = parse_header(flag.as_bytes())
            .map_err(|why| CliError::usage(format!("invalid --header: {why}")))?;
        headers.push(header);
    }
    if let Some(path) = file {
        let text = std::fs::read(path)
            .map_err(|err| CliError::usage(format!("cannot read `{}`: {err}", path.display())))?;
        for (index, line) in text.split(|&b| b == b'\n').enumerate() {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.trim_ascii().is_empty() || (index == 0 && is_start_line(line)) {
                continue;
            }
            let header = parse_header(line).map_err(|why| {
                CliError::usage(format!("`{}` line {}: {why}", path.display(), index + 1))
            })?;
            headers.push(header);
        }
    }
    Ok(headers)
}

fn is_start_line(line: &[u8]) -> bool {
    line.starts_with(b"HTTP/") || line.windows(6).any(|w| w == b" HTTP/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(
            parse_header(b"Webhook-Id:  msg_1 ").unwrap(),
            ("Webhook-Id".to_owned(), b"msg_1".to_vec())
        );
        assert_eq!(
            parse_header(b"a:b:c").unwrap(),
            ("a".to_owned(), b"b:c".to_vec())
        );
        assert_eq!(parse_header(b"x:").unwrap().1, b"");
        for bad in [&b"no colon"[..], b": v", b"bad name: v", b"n: a\rb"] {
            assert!(parse_header(bad).is_err(), "{bad:?}");
        }
        assert!(is_start_line(b"POST /hooks HTTP/1.1"));
        assert!(is_start_line(b"HTTP/1.1 200 OK"));
        assert!(!is_start_line(b"webhook-id: msg_1"));
    }
}
