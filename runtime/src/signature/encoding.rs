//! Hex, base64 and decimal helpers that work on stack buffers and never panic.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard base64 alphabet; emits padding, accepts input with or without it.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_encode_padding(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64 into `out` when it decodes to exactly `N` bytes.
pub(crate) fn base64_exact<const N: usize>(input: &[u8]) -> Option<[u8; N]> {
    // Anything longer than the padded encoding of N bytes cannot decode to N bytes; checking
    // first bounds the work an attacker can cause and keeps the scratch buffer small.
    if input.len() > N.div_ceil(3) * 4 {
        return None;
    }
    let mut scratch = [0u8; 96];
    let written = BASE64.decode_slice(input, &mut scratch).ok()?;
    let decoded = scratch.get(..written)?;
    <[u8; N]>::try_from(decoded).ok()
}

/// Decodes exactly `2 * N` hex digits (either case) into `N` bytes.
pub(crate) fn hex_exact<const N: usize>(input: &[u8]) -> Option<[u8; N]> {
    if input.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(input.chunks_exact(2)) {
        let &[high, low] = pair else {
            return None;
        };
        *byte = (hex_digit(high)? << 4) | hex_digit(low)?;
    }
    Some(out)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A Unix timestamp header: 1 to 18 ASCII digits (no sign, no spaces), so it always fits in
/// an `i64` and always means seconds (a 13-digit millisecond value is still accepted here and
/// then rejected by the tolerance check).
pub(crate) fn parse_timestamp(input: &[u8]) -> Option<i64> {
    if input.is_empty() || input.len() > 18 {
        return None;
    }
    let mut value: i64 = 0;
    for &c in input {
        if !c.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(c - b'0');
    }
    Some(value)
}

/// Decimal digits of a non-negative timestamp, written into a stack buffer.
pub(crate) struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    pub(crate) fn new(mut value: u64) -> Self {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            // `value % 10` is below 10, so the cast is exact.
            buf[start] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        Self { buf, start }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let bytes = [0x00, 0x7f, 0x80, 0xff];
        assert_eq!(hex_lower(&bytes), "007f80ff");
        assert_eq!(hex_exact::<4>(b"007F80ff"), Some(bytes));
        assert_eq!(hex_exact::<4>(b"007f80f"), None);
        assert_eq!(hex_exact::<4>(b"007f80fg"), None);
    }

    #[test]
    fn base64_lengths() {
        assert_eq!(base64_exact::<3>(b"AAEC"), Some([0, 1, 2]));
        assert_eq!(base64_exact::<2>(b"AAE="), Some([0, 1]));
        assert_eq!(base64_exact::<2>(b"AAE"), Some([0, 1]));
        assert_eq!(base64_exact::<2>(b"AAEC"), None);
        assert_eq!(base64_exact::<32>(&[b'A'; 200]), None);
        assert_eq!(base64_exact::<2>(b"!!!="), None);
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp(b"0"), Some(0));
        assert_eq!(parse_timestamp(b"1614265330"), Some(1_614_265_330));
        assert_eq!(
            parse_timestamp(b"999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b" 1",
            b"1.5",
            b"9999999999999999999",
        ] {
            assert_eq!(parse_timestamp(bad), None);
        }
        assert_eq!(Decimal::new(0).as_str(), "0");
        assert_eq!(Decimal::new(u64::MAX).as_str(), "18446744073709551615");
        assert_eq!(Decimal::new(1_614_265_330).as_bytes(), b"1614265330");
    }
}
