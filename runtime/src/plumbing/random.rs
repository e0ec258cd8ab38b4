//! Random bytes for ids, fencing tokens and jitter: the operating system's generator, drawn
//! from a per-thread pool, with a fallback that never fails. Ids and tokens need uniqueness
//! and jitter needs spread, not secrecy. (Claim tokens, which may fail instead, are made
//! by `token::random_token`.)

use std::cell::RefCell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

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
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
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
    fn draws_differ() {
        assert_ne!(random_bytes::<16>(), random_bytes::<16>());
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
