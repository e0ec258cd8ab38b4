//! Ids and fencing tokens the backends write.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// 16 random bytes: from the operating system, or (in a sandbox without `getrandom`) from
/// std's per-process random hasher keys and a counter. Ids need uniqueness, not secrecy.
fn random_16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        for half in bytes.chunks_exact_mut(8) {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
            half.copy_from_slice(&hasher.finish().to_le_bytes());
        }
    }
    bytes
}

/// A new event id: `evt_` and 32 lowercase hex digits (128 random bits).
pub(crate) fn new_event_id() -> String {
    let mut id = String::with_capacity(36);
    id.push_str("evt_");
    for byte in random_16() {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}

/// A new fencing token: a random positive `i64`.
pub(crate) fn new_token() -> i64 {
    let bytes = random_16();
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    (u64::from_le_bytes(word) >> 1) as i64
}

/// A random number to shuffle claim lanes with.
pub(crate) fn new_seed() -> u64 {
    let bytes = random_16();
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[8..]);
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_tokens_differ() {
        let a = new_event_id();
        assert_eq!(a.len(), 36);
        assert_ne!(a, new_event_id());
        assert!(new_token() >= 0);
        assert_ne!(new_token(), new_token());
    }
}
