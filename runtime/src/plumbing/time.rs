//! Times as the stores keep them: Unix milliseconds in a signed 64-bit integer.

use std::time::Duration;

use crate::Timestamp;

/// `at` in Unix milliseconds (saturating).
pub(crate) fn millis(at: Timestamp) -> i64 {
    at.unix_seconds()
        .saturating_mul(1_000)
        .saturating_add(i64::from(at.subsec_nanos() / 1_000_000))
}

/// The timestamp of `millis` Unix milliseconds.
pub(crate) fn from_millis(millis: i64) -> Timestamp {
    let nanos = u32::try_from(millis.rem_euclid(1_000) * 1_000_000).unwrap_or(0);
    Timestamp::from_unix_nanos(millis.div_euclid(1_000), nanos)
}

/// `duration` in milliseconds (saturating). Callers that hand it to Redis as `PX`/`PXAT`
/// keep it at least 1 (Redis refuses `PX 0`): see [`deadline`].
pub(crate) fn duration_millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// `now + duration` in milliseconds, at least 1 ms after `now`: a lease or a time to live
/// always ends after the moment it was given (and Redis, which refuses `PX 0`, agrees with the
/// SQL stores).
pub(crate) fn deadline(now: Timestamp, duration: Duration) -> i64 {
    millis(now).saturating_add(duration_millis(duration).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_milliseconds() {
        assert_eq!(millis(Timestamp::from_unix_nanos(2, 345_000_000)), 2_345);
        assert_eq!(
            from_millis(2_345),
            Timestamp::from_unix_nanos(2, 345_000_000)
        );
        assert_eq!(from_millis(-1), Timestamp::from_unix_nanos(-1, 999_000_000));
        assert_eq!(duration_millis(Duration::ZERO), 0);
        assert_eq!(duration_millis(Duration::from_secs(60)), 60_000);
        assert_eq!(duration_millis(Duration::MAX), i64::MAX);
    }

    #[test]
    fn deadlines_come_after_now() {
        let now = Timestamp::from_unix(1);
        assert_eq!(deadline(now, Duration::ZERO), 1_001);
        assert_eq!(deadline(now, Duration::from_secs(1)), 2_000);
        assert_eq!(deadline(now, Duration::MAX), i64::MAX);
    }
}
