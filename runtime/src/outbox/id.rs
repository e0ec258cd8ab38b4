//! Ids and fencing tokens the outboxes write, from [`random_bytes`].

use crate::plumbing::random::random_bytes;

/// A new event id: `evt_` and 32 lowercase hex digits (128 random bits).
pub(crate) fn new_event_id() -> String {
    let mut id = String::with_capacity(36);
    id.push_str("evt_");
    for byte in random_bytes::<16>() {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}

/// A new fencing token: a random positive `i64`.
pub(crate) fn new_token() -> i64 {
    (u64::from_le_bytes(random_bytes()) >> 1) as i64
}

/// A random number to shuffle claim lanes with.
pub(crate) fn new_seed() -> u64 {
    u64::from_le_bytes(random_bytes())
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
