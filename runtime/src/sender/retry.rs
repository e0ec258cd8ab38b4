//! Reading `Retry-After` (the schedule itself is [`crate::retry::RetryPolicy`]).

use std::time::{Duration, UNIX_EPOCH};

use crate::timestamp::Timestamp;

/// Reads a `Retry-After` value: delay-seconds or an HTTP date (IMF-fixdate, RFC 850 or
/// asctime), relative to `now`. A date in the past means no wait. Anything else is ignored.
pub(crate) fn parse_retry_after(value: &[u8], now: Timestamp) -> Option<Duration> {
    let text = std::str::from_utf8(value).ok()?.trim();
    if !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit()) {
        // Overlong digit strings saturate rather than being ignored.
        return Some(Duration::from_secs(text.parse().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    let at = date.duration_since(UNIX_EPOCH).ok()?.as_secs();
    let now = u64::try_from(now.unix_seconds()).unwrap_or(0);
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Seconds since the Unix epoch of an HTTP date, for tests.
#[cfg(test)]
fn http_date(secs: u64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_formats() {
        let now = Timestamp::from_unix(1_700_000_000);
        let secs = |s| Some(Duration::from_secs(s));
        assert_eq!(parse_retry_after(b"120", now), secs(120));
        assert_eq!(parse_retry_after(b" 0 ", now), secs(0));
        assert_eq!(
            parse_retry_after(b"99999999999999999999999", now),
            secs(u64::MAX)
        );
        let date = http_date(1_700_000_090);
        assert_eq!(parse_retry_after(date.as_bytes(), now), secs(90));
        let past = http_date(1_600_000_000);
        assert_eq!(parse_retry_after(past.as_bytes(), now), secs(0));
        assert_eq!(
            parse_retry_after(b"Sunday, 06-Nov-94 08:49:37 GMT", now),
            secs(0)
        );
        assert_eq!(parse_retry_after(b"Sun Nov  6 08:49:37 1994", now), secs(0));
        for bad in [&b""[..], b"-5", b"1.5", b"soon", b"\xff\xfe", b"12 s"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }
}
