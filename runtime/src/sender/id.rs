//! Randomness for message ids and jitter: the operating system's generator, with a fallback
//! that never fails.

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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

/// Bytes fetched from the operating system at once, per thread: one system call serves
/// many ids. The pool is refilled in a forked child (another process id), which would
/// otherwise repeat its parent's ids.
const POOL: usize = 512;

struct Pool {
    bytes: [u8; POOL],
    used: usize,
    pid: u32,
}

thread_local! {
    static RANDOM: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: [0; POOL], used: POOL, pid: 0 })
    };
}

/// Random bytes from the operating system; if it cannot provide them (a sandbox without
/// `getrandom`), bytes from std's per-process random hasher keys, a counter and the time.
/// Ids need uniqueness and jitter needs spread, not secrecy, so the fallback is enough.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let served = RANDOM
        .try_with(|cell| {
            let Ok(mut state) = cell.try_borrow_mut() else {
                return false;
            };
            let pool = &mut *state;
            if N > POOL {
                return false;
            }
            let pid = std::process::id();
            if pool.used + N > POOL || pool.pid != pid {
                if getrandom::fill(&mut pool.bytes).is_err() {
                    return false;
                }
                pool.used = 0;
                pool.pid = pid;
            }
            let range = pool.used..pool.used + N;
            bytes.copy_from_slice(&pool.bytes[range.clone()]);
            // Never hand out the same bytes twice.
            pool.bytes[range].fill(0);
            pool.used += N;
            true
        })
        .unwrap_or(false);
    if !served && getrandom::fill(&mut bytes).is_err() {
        fallback(&mut bytes);
    }
    bytes
}

fn fallback(bytes: &mut [u8]) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for chunk in bytes.chunks_mut(8) {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u128(nanos);
        let word = hasher.finish().to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
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

    #[test]
    fn fallback_fills_and_varies() {
        let mut a = [0u8; 20];
        let mut b = [0u8; 20];
        fallback(&mut a);
        fallback(&mut b);
        assert_ne!(a, b);
    }
}
