//! The one rule for event type names, used by every check in hookwire (the sender, the outbox,
//! endpoint filters) and by the `hookwire` command; the derive holds a copy
//! (`macros/src/event_name.rs`) that the tests below compile and check against this one.

use std::fmt;

/// The longest event type name, in bytes.
pub const MAX_EVENT_TYPE_LEN: usize = 256;

/// Checks an event type name: letters, digits, `_` and `-` in non-empty segments separated by
/// single `.` or `/`, at most [`MAX_EVENT_TYPE_LEN`] bytes. That covers every provider's real
/// names (Stripe's `payment_intent.succeeded`, Shopify's `orders/create`, GitHub's
/// `pull_request`, Slack's `app_mention`, Standard Webhooks' `order.shipped`) and is safe in a
/// header, a URL path and a log line as it is.
///
/// `#[derive(Event)]` applies the same rule at compile time.
///
/// # Errors
///
/// [`EventTypeError`] saying what breaks the rule.
///
/// ```
/// use hookwire::{EventTypeError, check_event_type};
///
/// assert!(check_event_type("order.shipped").is_ok());
/// assert!(check_event_type("orders/create").is_ok());
/// assert_eq!(check_event_type("order..shipped"), Err(EventTypeError::EmptySegment));
/// assert_eq!(check_event_type("order shipped"), Err(EventTypeError::NotAllowed(' ')));
/// ```
pub fn check_event_type(name: &str) -> Result<(), EventTypeError> {
    if name.is_empty() {
        return Err(EventTypeError::Empty);
    }
    if name.len() > MAX_EVENT_TYPE_LEN {
        return Err(EventTypeError::TooLong(name.len()));
    }
    for segment in name.split(['.', '/']) {
        if segment.is_empty() {
            return Err(EventTypeError::EmptySegment);
        }
        if let Some(bad) = segment.chars().find(|c| !is_name_char(*c)) {
            return Err(EventTypeError::NotAllowed(bad));
        }
    }
    Ok(())
}

/// Whether `c` may appear in a segment of an event type name.
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Why a name is not an event type name (see [`check_event_type`]).
///
/// ```
/// let err = hookwire::check_event_type("").unwrap_err();
/// assert_eq!(err.to_string(), "it is empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventTypeError {
    /// The name is empty.
    Empty,
    /// The name is longer than [`MAX_EVENT_TYPE_LEN`] bytes (its length).
    TooLong(usize),
    /// A separator at the start or the end, or two in a row.
    EmptySegment,
    /// A character other than a letter, a digit, `_`, `-`, `.` or `/`.
    NotAllowed(char),
}

impl EventTypeError {
    /// What the rule accepts, to follow the error in a message.
    ///
    /// ```
    /// assert!(hookwire::EventTypeError::EXPECTED.contains("orders/create"));
    /// ```
    pub const EXPECTED: &'static str = "letters, digits, `_` and `-` in segments separated by \
                                        `.` or `/`, such as `order.shipped`, `orders/create` or \
                                        `pull_request`";
}

impl fmt::Display for EventTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("it is empty"),
            Self::TooLong(len) => write!(
                f,
                "it is {len} bytes long and receivers accept at most {MAX_EVENT_TYPE_LEN}"
            ),
            Self::EmptySegment => f.write_str(
                "it has an empty segment (a separator at the start or end, or two in a row)",
            ),
            Self::NotAllowed(c) => write!(f, "`{}` is not allowed", c.escape_default()),
        }
    }
}

impl std::error::Error for EventTypeError {}

#[cfg(test)]
#[path = "../../macros/src/event_name.rs"]
mod macro_copy;

#[cfg(test)]
mod tests {
    use super::{MAX_EVENT_TYPE_LEN, check_event_type, macro_copy};

    /// Names on both sides of every clause of the rule.
    fn table() -> Vec<String> {
        let mut names: Vec<String> = [
            "order.shipped",
            "orders/create",
            "pull_request",
            "app_mention",
            "a",
            "A-1_b",
            "payment_intent.succeeded",
            "v2/orders.create",
            "x.y/z",
            "",
            ".",
            "/",
            "a.",
            ".a",
            "a/",
            "/a",
            "a..b",
            "a//b",
            "a./b",
            "a b",
            "a\tb",
            "a:b",
            "a*",
            "a#b",
            "é",
            "a.é",
            "order.shipped\n",
            "\0",
            "a\u{7f}",
            "ö/x",
            "UPPER.Case",
            "-",
            "_",
            "0.9",
        ]
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
        names.push("a".repeat(MAX_EVENT_TYPE_LEN));
        names.push("a".repeat(MAX_EVENT_TYPE_LEN + 1));
        names.push(format!("{}.b", "a".repeat(MAX_EVENT_TYPE_LEN - 2)));
        names
    }

    #[test]
    fn the_derive_and_the_runtime_agree() {
        assert_eq!(macro_copy::MAX_LEN, MAX_EVENT_TYPE_LEN);
        for name in table() {
            let runtime = check_event_type(&name).map_err(|error| error.to_string());
            assert_eq!(macro_copy::check(&name), runtime, "{name:?}");
        }
    }

    #[test]
    fn provider_names_pass_and_the_rest_says_why() {
        for name in [
            "order.shipped",
            "orders/create",
            "pull_request",
            "app_mention",
        ] {
            assert_eq!(check_event_type(name), Ok(()), "{name}");
        }
        for (name, why) in [
            ("", "it is empty"),
            (
                "a..b",
                "it has an empty segment (a separator at the start or end, or two in a row)",
            ),
            ("a b", "` ` is not allowed"),
            ("a\nb", "`\\n` is not allowed"),
        ] {
            let error = check_event_type(name).expect_err(name);
            assert_eq!(error.to_string(), why, "{name:?}");
        }
        let long = "a".repeat(MAX_EVENT_TYPE_LEN + 1);
        assert_eq!(
            check_event_type(&long).expect_err("too long").to_string(),
            "it is 257 bytes long and receivers accept at most 256"
        );
    }
}
