//! Message ids and jitter, from [`random_bytes`] (the operating system's generator, with a
//! fallback that never fails).

use crate::plumbing::random::random_bytes;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Base-62 digits of one 64-bit half: `62^11 > 2^64`.
const HALF_DIGITS: usize = 11;

/// A new message id: `msg_` and 22 base-62 characters from 128 random bits (two 64-bit
/// halves of 11 characters each), the shape Standard Webhooks senders use.
pub(crate) fn new_id() -> String {
    let bytes: [u8; 16] = random_bytes();
    let mut id = String::with_capacity(4 + 2 * HALF_DIGITS);
    id.push_str("msg_");
    for half in bytes.chunks_exact(8) {
        let mut value = u64::from_le_bytes(half.try_into().unwrap_or_default());
        let mut digits = [0u8; HALF_DIGITS];
        for digit in digits.iter_mut().rev() {
            *digit = ALPHABET[(value % 62) as usize];
            value /= 62;
        }
        id.extend(digits.iter().map(|&c| char::from(c)));
    }
    id
}

/// A uniformly distributed number in `[0, 1)`.
pub(crate) fn unit() -> f64 {
    let bits = u64::from_le_bytes(random_bytes());
    // The top 53 bits fill an f64 mantissa exactly.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_standard_shape_and_differ() {
        let a = new_id();
        let b = new_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 26);
        assert!(a.starts_with("msg_"));
        assert!(a[4..].bytes().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn unit_is_in_range() {
        for _ in 0..1000 {
            let x = unit();
            assert!((0.0..1.0).contains(&x));
        }
    }
}
