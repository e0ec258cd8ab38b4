//! [`Timestamp`]: an instant in UTC, written as RFC 3339 in envelopes (`2022-11-03T20:26:10.344Z`)
//! and in the `format: date-time` fields of generated types; conversions to and from
//! `SystemTime` and, behind their features, `jiff`, `time` and `chrono` in [`convert`].
//!
//! Why hookwire keeps this small type rather than using jiff, time or chrono inside: what it
//! needs is one thing, an instant in UTC read from and written as RFC 3339, about 150 lines
//! here, with the parser checked against chrono's and jiff's RFC 3339 text by property tests
//! (`convert.rs`). Any of the three inside would be built by every user of hookwire (against
//! the goal of a light default build) and would put that crate's type in hookwire's public
//! API, tying hookwire's releases to it; and users of the other two would still need
//! conversions. So hookwire converts to and from all three, each behind a feature of its name
//! with no default features of its own.

mod convert;

pub use convert::TimestampRangeError;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const SECONDS_PER_DAY: i64 = 86_400;

/// An instant in UTC with nanosecond precision: the envelope's `timestamp`.
///
/// It prints and parses as RFC 3339 (`2022-11-03T20:26:10.344522Z`), and serde reads and writes
/// it as that text. Parsing takes what providers send: a `T`, `t` or space between date and
/// time, `Z` or `z`, offsets such as `+02:00` (and `+0200`, `+02`, which PostgreSQL-backed APIs
/// send), any number of fraction digits (kept to the nanosecond, further digits dropped); the
/// instant is normalised to UTC, so the offset itself is not kept. Printing uses `Z` and as few
/// fraction digits as represent the value exactly (none, 3, 6 or 9): a value read and written
/// back is the same instant, and the same text when it was written that way
/// (`2019-05-15T15:20:33Z`, `.344Z`).
///
/// Its `JsonSchema` is `{"type": "string", "format": "date-time"}`. It converts to and from
/// `std::time::SystemTime`, and with the features `jiff`, `time` and `chrono` to and from
/// `jiff::Timestamp`, `time::OffsetDateTime` and `chrono::DateTime` (see [`TimestampRangeError`]).
///
/// ```
/// use hookwire::Timestamp;
///
/// let t: Timestamp = "2022-11-03T22:26:10.344522+02:00".parse()?;
/// assert_eq!(t.unix_seconds(), 1_667_507_170);
/// assert_eq!(t.subsec_nanos(), 344_522_000);
/// assert_eq!(t.to_string(), "2022-11-03T20:26:10.344522Z");
/// # Ok::<(), hookwire::TimestampError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

/// Why a string is not an RFC 3339 timestamp.
///
/// ```
/// use hookwire::Timestamp;
///
/// let error = "2022-02-30T00:00:00Z".parse::<Timestamp>().unwrap_err();
/// assert_eq!(error.to_string(), "invalid RFC 3339 timestamp: day 30 does not exist in 2022-02");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    reason: Cow<'static, str>,
}

impl std::fmt::Display for TimestampError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid RFC 3339 timestamp: {}", self.reason)
    }
}

impl std::error::Error for TimestampError {}

impl TimestampError {
    fn new(reason: impl Into<Cow<'static, str>>) -> Self {
        TimestampError {
            reason: reason.into(),
        }
    }
}

impl Timestamp {
    /// The instant `seconds` after the Unix epoch.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
    /// ```
    pub const fn from_unix(seconds: i64) -> Self {
        Timestamp { seconds, nanos: 0 }
    }

    /// The instant `seconds` and `nanos` after the Unix epoch; `nanos` above 999 999 999 carries
    /// into the seconds.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// let t = Timestamp::from_unix_nanos(1, 1_500_000_000);
    /// assert_eq!((t.unix_seconds(), t.subsec_nanos()), (2, 500_000_000));
    /// ```
    pub const fn from_unix_nanos(seconds: i64, nanos: u32) -> Self {
        Timestamp {
            seconds: seconds.saturating_add((nanos / 1_000_000_000) as i64),
            nanos: nanos % 1_000_000_000,
        }
    }

    /// The current time from the operating system.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// assert!(Timestamp::now().unix_seconds() > 1_700_000_000);
    /// ```
    pub fn now() -> Self {
        use std::time::{SystemTime, UNIX_EPOCH};
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => Timestamp::from_unix_nanos(
                i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
                since.subsec_nanos(),
            ),
            Err(_) => Timestamp::from_unix(0),
        }
    }

    /// Whole seconds since the Unix epoch, rounded down.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// assert_eq!(Timestamp::from_unix(42).unix_seconds(), 42);
    /// ```
    pub const fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`unix_seconds`](Self::unix_seconds).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// assert_eq!(Timestamp::from_unix_nanos(0, 7).subsec_nanos(), 7);
    /// ```
    pub const fn subsec_nanos(self) -> u32 {
        self.nanos
    }

    /// This instant moved by `seconds` (backwards when negative), saturating at the bounds.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// let t = Timestamp::from_unix(100).saturating_add_seconds(-40);
    /// assert_eq!(t.unix_seconds(), 60);
    /// ```
    #[must_use]
    pub const fn saturating_add_seconds(self, seconds: i64) -> Self {
        Timestamp {
            seconds: self.seconds.saturating_add(seconds),
            nanos: self.nanos,
        }
    }

    /// Whole seconds from `earlier` to this instant (negative when `earlier` is later),
    /// saturating.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// let (a, b) = (Timestamp::from_unix(10), Timestamp::from_unix(25));
    /// assert_eq!(b.seconds_since(a), 15);
    /// assert_eq!(a.seconds_since(b), -15);
    /// ```
    pub const fn seconds_since(self, earlier: Timestamp) -> i64 {
        self.seconds.saturating_sub(earlier.seconds)
    }
}

impl From<i64> for Timestamp {
    fn from(seconds: i64) -> Self {
        Timestamp::from_unix(seconds)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(SECONDS_PER_DAY);
        let second_of_day = self.seconds.rem_euclid(SECONDS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let (hour, minute, second) = (
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
        );
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"
        )?;
        match self.nanos {
            0 => {}
            n if n % 1_000_000 == 0 => write!(f, ".{:03}", n / 1_000_000)?,
            n if n % 1_000 == 0 => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_rfc3339(text.as_bytes())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        "Timestamp".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time"
        })
    }
}

/// Reads `YYYY-MM-DD(T| )HH:MM:SS[.fraction](Z|±HH:MM|±HHMM|±HH)`.
fn parse_rfc3339(s: &[u8]) -> Result<Timestamp, TimestampError> {
    let mut at = 0;
    let year = digits(s, &mut at, 4, "year")?;
    expect(s, &mut at, b"-")?;
    let month = digits(s, &mut at, 2, "month")?;
    expect(s, &mut at, b"-")?;
    let day = digits(s, &mut at, 2, "day")?;
    expect(s, &mut at, b"Tt ")?;
    let hour = digits(s, &mut at, 2, "hour")?;
    expect(s, &mut at, b":")?;
    let minute = digits(s, &mut at, 2, "minute")?;
    expect(s, &mut at, b":")?;
    let second = digits(s, &mut at, 2, "second")?;
    let mut nanos = 0u32;
    if s.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(digit) = s.get(at).filter(|b| b.is_ascii_digit()) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(digit - b'0');
            }
            at += 1;
        }
        if at == start {
            return Err(TimestampError::new("expected digits after `.`"));
        }
        for _ in (at - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match s.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            at += 1;
            let hours = digits(s, &mut at, 2, "offset hour")?;
            let minutes = match s.get(at) {
                None => 0,
                Some(b':') => {
                    at += 1;
                    digits(s, &mut at, 2, "offset minute")?
                }
                Some(_) => digits(s, &mut at, 2, "offset minute")?,
            };
            if hours > 23 || minutes > 59 {
                return Err(TimestampError::new("offset out of range"));
            }
            sign * (hours * 3600 + minutes * 60)
        }
        _ => {
            return Err(TimestampError::new(
                "expected `Z` or an offset such as `+02:00`",
            ));
        }
    };
    if at != s.len() {
        return Err(TimestampError::new(
            "unexpected characters after the offset",
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(TimestampError::new(format!("month {month} out of range")));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(TimestampError::new(format!(
            "day {day} does not exist in {year:04}-{month:02}"
        )));
    }
    // 60 is a leap second, which RFC 3339 allows; it reads as the next minute's first second.
    if hour > 23 || minute > 59 || second > 60 {
        return Err(TimestampError::new("time of day out of range"));
    }
    let seconds =
        days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
            - offset;
    Ok(Timestamp { seconds, nanos })
}

fn digits(
    s: &[u8],
    at: &mut usize,
    count: usize,
    what: &'static str,
) -> Result<i64, TimestampError> {
    let field = s
        .get(*at..*at + count)
        .filter(|field| field.iter().all(u8::is_ascii_digit))
        .ok_or_else(|| TimestampError::new(format!("expected {count} digits of the {what}")))?;
    *at += count;
    Ok(field.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

fn expect(s: &[u8], at: &mut usize, one_of: &[u8]) -> Result<(), TimestampError> {
    match s.get(*at) {
        Some(b) if one_of.contains(b) => {
            *at += 1;
            Ok(())
        }
        _ => Err(TimestampError::new(format!(
            "expected `{}` at byte {}",
            char::from(one_of[0]),
            *at
        ))),
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses_known_instants() {
        let cases = [
            (0, 0, "1970-01-01T00:00:00Z"),
            (951_782_400, 0, "2000-02-29T00:00:00Z"),
            (1_614_265_330, 0, "2021-02-25T15:02:10Z"),
            (1_667_506_770, 344_522_000, "2022-11-03T20:19:30.344522Z"),
            (-1, 5, "1969-12-31T23:59:59.000000005Z"),
            (253_402_300_799, 100_000_000, "9999-12-31T23:59:59.100Z"),
        ];
        for (seconds, nanos, text) in cases {
            let t = Timestamp::from_unix_nanos(seconds, nanos);
            assert_eq!(t.to_string(), text);
            assert_eq!(text.parse::<Timestamp>(), Ok(t), "{text}");
        }
    }

    #[test]
    fn parses_offsets_lowercase_and_long_fractions() {
        let utc: Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
        for text in [
            "2024-01-01T01:30:00+01:30",
            "2023-12-31T23:00:00-01:00",
            "2024-01-01t00:00:00z",
            "2024-01-01 00:00:00Z",
            "2024-01-01T02:00:00+0200",
            "2024-01-01 02:00:00+02",
            "2024-01-01T00:00:00-00:00",
        ] {
            assert_eq!(text.parse::<Timestamp>(), Ok(utc), "{text}");
        }
        let long: Timestamp = "2024-01-01T00:00:00.1234567891234Z".parse().unwrap();
        assert_eq!(long.subsec_nanos(), 123_456_789);
    }

    #[test]
    fn rejects_malformed_text_without_panicking() {
        for text in [
            "",
            "2024",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+2400",
            "2024-01-01T00:00:00+02:",
            "2024-01-01T00:00:00+2",
            "2024-01-01T00:00:00+02:0",
            "2024-01-01T00:00:00Zjunk",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert!(text.parse::<Timestamp>().is_err(), "{text}");
        }
    }
}
