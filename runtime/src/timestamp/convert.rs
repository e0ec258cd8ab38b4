//! [`Timestamp`] to and from the time types users already have: `std::time::SystemTime`
//! always, and behind features named after their crates `jiff::Timestamp` (`jiff`),
//! `time::OffsetDateTime` and `time::UtcDateTime` (`time`), `chrono::DateTime` (`chrono`).
//!
//! Into a `Timestamp` always works: every one of these holds instants within its range (whole
//! seconds as `i64`, nanoseconds). Out of a `Timestamp` is a `TryFrom`, failing with
//! [`TimestampRangeError`] for the instants the other type cannot hold (`jiff` and `time` stop
//! at the years -9999 and 9999, `chrono` at about ±262 000 years, `SystemTime` at what the
//! platform holds).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::Timestamp;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// A [`Timestamp`] the target type cannot hold.
///
/// ```
/// # #[cfg(feature = "jiff")] {
/// use hookwire::Timestamp;
///
/// let far = Timestamp::from_unix(i64::MAX);
/// let error = jiff::Timestamp::try_from(far).unwrap_err();
/// assert!(error.to_string().contains("outside the range of jiff::Timestamp"));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimestampRangeError {
    timestamp: Timestamp,
    target: &'static str,
}

impl std::fmt::Display for TimestampRangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the instant {} s after the Unix epoch is outside the range of {}",
            self.timestamp.unix_seconds(),
            self.target
        )
    }
}

impl std::error::Error for TimestampRangeError {}

impl TimestampRangeError {
    fn new(timestamp: Timestamp, target: &'static str) -> Self {
        TimestampRangeError { timestamp, target }
    }

    /// The instant that did not fit.
    ///
    /// ```
    /// # #[cfg(feature = "jiff")] {
    /// # use hookwire::Timestamp;
    /// let far = Timestamp::from_unix(i64::MAX);
    /// let error = jiff::Timestamp::try_from(far).unwrap_err();
    /// assert_eq!(error.timestamp(), far);
    /// # }
    /// ```
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }
}

impl Timestamp {
    /// Nanoseconds since the Unix epoch (negative before it).
    fn total_nanos(self) -> i128 {
        i128::from(self.seconds) * NANOS_PER_SECOND + i128::from(self.nanos)
    }

    /// The instant `nanos` nanoseconds after the Unix epoch, saturating at `i64` seconds.
    fn from_total_nanos(nanos: i128) -> Self {
        let seconds = nanos.div_euclid(NANOS_PER_SECOND);
        let seconds =
            i64::try_from(seconds).unwrap_or(if seconds < 0 { i64::MIN } else { i64::MAX });
        // In 0..1e9 by construction.
        let subsec = u32::try_from(nanos.rem_euclid(NANOS_PER_SECOND)).unwrap_or(0);
        Timestamp::from_unix_nanos(seconds, subsec)
    }
}

/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use hookwire::Timestamp;
///
/// let t = Timestamp::from(UNIX_EPOCH + Duration::new(1_557_933_633, 250_000_000));
/// assert_eq!(t.to_string(), "2019-05-15T15:20:33.250Z");
/// assert!(Timestamp::from(SystemTime::now()) >= t);
/// ```
impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Self {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp::from_total_nanos(after.as_nanos() as i128),
            Err(before) => Timestamp::from_total_nanos(-(before.duration().as_nanos() as i128)),
        }
    }
}

/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use hookwire::Timestamp;
///
/// let t: Timestamp = "1969-12-31T23:59:59.5Z".parse()?;
/// assert_eq!(SystemTime::try_from(t)?, UNIX_EPOCH - Duration::from_millis(500));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl TryFrom<Timestamp> for SystemTime {
    type Error = TimestampRangeError;

    fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
        let nanos = timestamp.total_nanos();
        let span = nanos.unsigned_abs();
        let span = Duration::new(
            u64::try_from(span / NANOS_PER_SECOND as u128).unwrap_or(u64::MAX),
            (span % NANOS_PER_SECOND as u128) as u32,
        );
        let time = if nanos >= 0 {
            UNIX_EPOCH.checked_add(span)
        } else {
            UNIX_EPOCH.checked_sub(span)
        };
        time.ok_or_else(|| TimestampRangeError::new(timestamp, "std::time::SystemTime"))
    }
}

/// With the `jiff` feature.
///
/// ```
/// # #[cfg(feature = "jiff")] {
/// use hookwire::Timestamp;
///
/// let t: Timestamp = "2019-05-15T17:20:33.123+02:00".parse()?;
/// let j = jiff::Timestamp::try_from(t)?;
/// assert_eq!(j.as_millisecond(), 1_557_933_633_123);
/// assert_eq!(Timestamp::from(j), t);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "jiff")]
impl From<jiff::Timestamp> for Timestamp {
    fn from(timestamp: jiff::Timestamp) -> Self {
        Timestamp::from_total_nanos(timestamp.as_nanosecond())
    }
}

/// With the `jiff` feature: fails outside the years -9999 to 9999.
///
/// ```
/// # #[cfg(feature = "jiff")] {
/// # use hookwire::Timestamp;
/// assert!(jiff::Timestamp::try_from(Timestamp::from_unix(0)).is_ok());
/// assert!(jiff::Timestamp::try_from(Timestamp::from_unix(i64::MAX)).is_err());
/// # }
/// ```
#[cfg(feature = "jiff")]
impl TryFrom<Timestamp> for jiff::Timestamp {
    type Error = TimestampRangeError;

    fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
        jiff::Timestamp::from_nanosecond(timestamp.total_nanos())
            .map_err(|_| TimestampRangeError::new(timestamp, "jiff::Timestamp"))
    }
}

/// With the `time` feature (the offset is applied: the same instant in UTC).
///
/// ```
/// # #[cfg(feature = "time")] {
/// use hookwire::Timestamp;
///
/// let t: Timestamp = "2019-05-15T15:20:33.5Z".parse()?;
/// let odt = time::OffsetDateTime::try_from(t)?;
/// assert_eq!(odt.unix_timestamp(), 1_557_933_633);
/// assert_eq!(odt.millisecond(), 500);
/// assert_eq!(Timestamp::from(odt), t);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "time")]
impl From<time::OffsetDateTime> for Timestamp {
    fn from(time: time::OffsetDateTime) -> Self {
        Timestamp::from_total_nanos(time.unix_timestamp_nanos())
    }
}

/// With the `time` feature: the instant at offset UTC; fails outside the years -9999 to 9999.
///
/// ```
/// # #[cfg(feature = "time")] {
/// # use hookwire::Timestamp;
/// let odt = time::OffsetDateTime::try_from(Timestamp::from_unix(0))?;
/// assert_eq!(odt, time::OffsetDateTime::UNIX_EPOCH);
/// assert!(time::OffsetDateTime::try_from(Timestamp::from_unix(i64::MAX)).is_err());
/// # }
/// # Ok::<(), hookwire::TimestampRangeError>(())
/// ```
#[cfg(feature = "time")]
impl TryFrom<Timestamp> for time::OffsetDateTime {
    type Error = TimestampRangeError;

    fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
        time::OffsetDateTime::from_unix_timestamp_nanos(timestamp.total_nanos())
            .map_err(|_| TimestampRangeError::new(timestamp, "time::OffsetDateTime"))
    }
}

/// With the `time` feature.
///
/// ```
/// # #[cfg(feature = "time")] {
/// # use hookwire::Timestamp;
/// let utc = time::UtcDateTime::try_from(Timestamp::from_unix(86_400))?;
/// assert_eq!(Timestamp::from(utc).unix_seconds(), 86_400);
/// # }
/// # Ok::<(), hookwire::TimestampRangeError>(())
/// ```
#[cfg(feature = "time")]
impl From<time::UtcDateTime> for Timestamp {
    fn from(time: time::UtcDateTime) -> Self {
        Timestamp::from_total_nanos(time.unix_timestamp_nanos())
    }
}

/// With the `time` feature: fails outside the years -9999 to 9999.
///
/// ```
/// # #[cfg(feature = "time")] {
/// # use hookwire::Timestamp;
/// assert!(time::UtcDateTime::try_from(Timestamp::from_unix(i64::MIN)).is_err());
/// # }
/// ```
#[cfg(feature = "time")]
impl TryFrom<Timestamp> for time::UtcDateTime {
    type Error = TimestampRangeError;

    fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
        time::UtcDateTime::from_unix_timestamp_nanos(timestamp.total_nanos())
            .map_err(|_| TimestampRangeError::new(timestamp, "time::UtcDateTime"))
    }
}

/// With the `chrono` feature, from a `DateTime` in any time zone (the same instant).
///
/// ```
/// # #[cfg(feature = "chrono")] {
/// use chrono::{DateTime, FixedOffset, Utc};
/// use hookwire::Timestamp;
///
/// let t: Timestamp = "2019-05-15T17:20:33.000001+02:00".parse()?;
/// let utc = DateTime::<Utc>::try_from(t)?;
/// assert_eq!(utc.timestamp(), 1_557_933_633);
/// assert_eq!(utc.timestamp_subsec_micros(), 1);
/// assert_eq!(Timestamp::from(utc), t);
/// let plus_two = utc.with_timezone(&FixedOffset::east_opt(7200).unwrap());
/// assert_eq!(Timestamp::from(plus_two), t);
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp {
    fn from(time: chrono::DateTime<Tz>) -> Self {
        // A leap second reads as nanoseconds past 1e9; `from_unix_nanos` carries them.
        Timestamp::from_unix_nanos(time.timestamp(), time.timestamp_subsec_nanos())
    }
}

/// With the `chrono` feature: fails outside chrono's range (about ±262 000 years).
///
/// ```
/// # #[cfg(feature = "chrono")] {
/// # use hookwire::Timestamp;
/// use chrono::{DateTime, Utc};
/// assert_eq!(DateTime::<Utc>::try_from(Timestamp::from_unix(0))?, DateTime::UNIX_EPOCH);
/// assert!(DateTime::<Utc>::try_from(Timestamp::from_unix(i64::MAX)).is_err());
/// # }
/// # Ok::<(), hookwire::TimestampRangeError>(())
/// ```
#[cfg(feature = "chrono")]
impl TryFrom<Timestamp> for chrono::DateTime<chrono::Utc> {
    type Error = TimestampRangeError;

    fn try_from(timestamp: Timestamp) -> Result<Self, Self::Error> {
        chrono::DateTime::from_timestamp(timestamp.seconds, timestamp.nanos)
            .ok_or_else(|| TimestampRangeError::new(timestamp, "chrono::DateTime<Utc>"))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Instants RFC 3339 can write (years 0000 to 9999), inside every converted type's range.
    fn instants() -> impl Strategy<Value = Timestamp> {
        (-62_167_219_200i64..253_402_300_799, 0u32..1_000_000_000)
            .prop_map(|(seconds, nanos)| Timestamp::from_unix_nanos(seconds, nanos))
    }

    #[test]
    fn system_time_round_trips_around_the_epoch() {
        for (seconds, nanos) in [(0, 0), (1_557_933_633, 1), (-1, 500_000_000), (-86_401, 7)] {
            let t = Timestamp::from_unix_nanos(seconds, nanos);
            let system = SystemTime::try_from(t).unwrap();
            assert_eq!(Timestamp::from(system), t, "{t}");
        }
        let before = UNIX_EPOCH - Duration::new(1, 250_000_000);
        assert_eq!(
            Timestamp::from(before).to_string(),
            "1969-12-31T23:59:58.750Z"
        );
    }

    proptest! {
        #[test]
        fn system_time_round_trips(t in instants()) {
            prop_assert_eq!(Timestamp::from(SystemTime::try_from(t).unwrap()), t);
        }

        #[cfg(feature = "jiff")]
        #[test]
        fn jiff_round_trips_and_agrees_on_the_text(t in instants()) {
            let j = jiff::Timestamp::try_from(t).unwrap();
            prop_assert_eq!(Timestamp::from(j), t);
            // jiff counts the nanoseconds before the epoch as negative; the total agrees.
            prop_assert_eq!(j.as_nanosecond(), t.total_nanos());
            // jiff's own RFC 3339 parser reads what Timestamp writes as the same instant.
            prop_assert_eq!(t.to_string().parse::<jiff::Timestamp>().unwrap(), j);
        }

        #[cfg(feature = "time")]
        #[test]
        fn time_round_trips(t in instants()) {
            let odt = time::OffsetDateTime::try_from(t).unwrap();
            prop_assert_eq!(Timestamp::from(odt), t);
            let utc = time::UtcDateTime::try_from(t).unwrap();
            prop_assert_eq!(Timestamp::from(utc), t);
            prop_assert_eq!(odt.unix_timestamp(), t.unix_seconds());
        }

        #[cfg(feature = "chrono")]
        #[test]
        fn chrono_round_trips_and_its_rfc3339_text_parses_the_same(
            t in instants(),
            offset in -86_340i32..86_340,
        ) {
            let utc = chrono::DateTime::<chrono::Utc>::try_from(t).unwrap();
            prop_assert_eq!(Timestamp::from(utc), t);
            // chrono writes the instant at a whole-minute offset, with as many fraction
            // digits as it needs: Timestamp's hand-written parser reads the same instant.
            let zone = chrono::FixedOffset::east_opt(offset / 60 * 60).unwrap();
            let text = utc.with_timezone(&zone).to_rfc3339();
            prop_assert_eq!(text.parse::<Timestamp>().unwrap(), t, "{}", text);
        }
    }

    #[cfg(feature = "jiff")]
    #[test]
    fn jiff_refuses_what_it_cannot_hold() {
        let error = jiff::Timestamp::try_from(Timestamp::from_unix(i64::MAX)).unwrap_err();
        assert!(error.to_string().contains("jiff::Timestamp"), "{error}");
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_refuses_what_it_cannot_hold() {
        let error = time::OffsetDateTime::try_from(Timestamp::from_unix(i64::MIN)).unwrap_err();
        assert!(
            error.to_string().contains("time::OffsetDateTime"),
            "{error}"
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_reads_a_leap_second_as_the_next_second() {
        use chrono::{TimeZone, Timelike};
        let leap = chrono::Utc
            .with_ymd_and_hms(2016, 12, 31, 23, 59, 59)
            .unwrap()
            .with_nanosecond(1_500_000_000)
            .unwrap();
        let t = Timestamp::from(leap);
        assert_eq!(t.to_string(), "2017-01-01T00:00:00.500Z");
    }
}
