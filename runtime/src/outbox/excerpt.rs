//! Text a remote party sent (a response body, an error's message), made safe to store in the
//! attempt log: valid UTF-8 with no NUL (PostgreSQL's `text` refuses NUL, SQLite's C API cuts
//! strings at it) and no control characters that a terminal would act on, at most
//! [`EXCERPT_LIMIT`] bytes.
//!
//! Nothing is dropped silently: a byte that is not UTF-8 and an ASCII control character
//! (other than tab, line feed and carriage return) become `\xNN`, another control character
//! `\u{NNNN}`. A backslash is kept as it is, so an excerpt is for people to read, not a
//! byte-exact copy. The cut falls at a character (or escape) boundary.

use std::borrow::Cow;

use crate::outbox::EXCERPT_LIMIT;

/// How `c` is stored: `None` when kept as it is.
fn escape(c: char) -> Option<String> {
    if !c.is_control() || matches!(c, '\t' | '\n' | '\r') {
        return None;
    }
    Some(if c.is_ascii() {
        format!("\\x{:02x}", c as u32)
    } else {
        format!("\\u{{{:04x}}}", c as u32)
    })
}

/// Appends `piece` when it fits under the limit; `false` (and nothing appended) when it does
/// not.
fn push(out: &mut String, piece: &str) -> bool {
    if out.len() + piece.len() > EXCERPT_LIMIT {
        return false;
    }
    out.push_str(piece);
    true
}

/// Appends `c`, escaped if need be; `false` when the excerpt is full.
fn push_char(out: &mut String, c: char) -> bool {
    match escape(c) {
        Some(escaped) => push(out, &escaped),
        None => push(out, c.encode_utf8(&mut [0; 4])),
    }
}

/// The excerpt of `bytes` (a response body): UTF-8 kept, other bytes escaped, bounded.
pub(crate) fn from_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().min(EXCERPT_LIMIT));
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if !push_char(&mut out, c) {
                return out;
            }
        }
        for byte in chunk.invalid() {
            if !push(&mut out, &format!("\\x{byte:02x}")) {
                return out;
            }
        }
    }
    out
}

/// `text` as stored: borrowed when it is already safe and short enough.
pub(crate) fn from_text(text: &str) -> Cow<'_, str> {
    if text.len() <= EXCERPT_LIMIT && text.chars().all(|c| escape(c).is_none()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(EXCERPT_LIMIT));
    for c in text.chars() {
        if !push_char(&mut out, c) {
            break;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_invalid_bytes_and_controls_are_escaped_not_dropped() {
        let body = b"oops\0\xff\xfe{\"a\":1}\n\x1b[31m\tend";
        assert_eq!(
            from_bytes(body),
            "oops\\x00\\xff\\xfe{\"a\":1}\n\\x1b[31m\tend"
        );
        assert_eq!(from_text("a\0b\u{85}"), "a\\x00b\\u{0085}");
        assert!(matches!(from_text("plain é"), Cow::Borrowed("plain é")));
    }

    #[test]
    fn bounded_at_a_character_or_escape_boundary() {
        let nuls = vec![0u8; 5000];
        let out = from_bytes(&nuls);
        assert_eq!(out.len(), EXCERPT_LIMIT / 4 * 4);
        assert!(out.ends_with("\\x00"));
        let accents = "é".repeat(1000);
        let out = from_text(&accents);
        assert!(out.len() <= EXCERPT_LIMIT && out.len() >= EXCERPT_LIMIT - 1);
        assert!(out.chars().all(|c| c == 'é'));
        let mixed: Vec<u8> = b"x".iter().chain([0xffu8; 600].iter()).copied().collect();
        let out = from_bytes(&mixed);
        assert!(out.len() <= EXCERPT_LIMIT);
        assert!(out.ends_with("\\xff"));
        assert!(!out.contains('\0'));
    }
}
