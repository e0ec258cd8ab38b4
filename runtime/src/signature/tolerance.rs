//! How far a signed timestamp may be from the receiver's clock.

use crate::Timestamp;
use crate::signature::{Skew, VerifyError};

/// The window of signed timestamps a verifier accepts around `now`, in seconds.
///
/// A window has a bound for timestamps in the past (replay protection) and an optional bound
/// for timestamps in the future (clock skew); [`Tolerance::skip`] turns the check off. Each
/// scheme's default mirrors its provider:
///
/// | scheme | default | future timestamps |
/// |---|---|---|
/// | Standard Webhooks | [`Tolerance::symmetric(300)`](Tolerance::symmetric) | up to 5 minutes ahead |
/// | Stripe | [`Tolerance::past_only(300)`](Tolerance::past_only) | any (Stripe's own libraries check only age) |
/// | Slack | [`Tolerance::symmetric(300)`](Tolerance::symmetric) | up to 5 minutes ahead |
/// | GitHub, Shopify | no timestamp is signed | - |
///
/// ```
/// use hookwire::Timestamp;
/// use hookwire::signature::{Skew, Tolerance, VerifyError};
///
/// let five_minutes = Tolerance::symmetric(300);
/// assert!(five_minutes.check(Timestamp::from_unix(1_000), Timestamp::from_unix(1_300)).is_ok());
/// assert_eq!(
///     five_minutes.check(Timestamp::from_unix(1_000), Timestamp::from_unix(1_301)),
///     Err(VerifyError::TimestampOutsideTolerance { offset: 301, direction: Skew::Past, tolerance: 300 })
/// );
/// let (epoch, far) = (Timestamp::from_unix(0), Timestamp::from_unix(i64::MAX));
/// assert!(Tolerance::skip().check(epoch, far).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tolerance {
    past: Option<u64>,
    future: Option<u64>,
}

impl Tolerance {
    /// Accepts timestamps up to `seconds` old and up to `seconds` ahead.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// let window = Tolerance::symmetric(60);
    /// assert!(window.check(Timestamp::from_unix(160), Timestamp::from_unix(100)).is_ok());
    /// assert!(window.check(Timestamp::from_unix(161), Timestamp::from_unix(100)).is_err());
    /// ```
    pub const fn symmetric(seconds: u64) -> Self {
        Self {
            past: Some(seconds),
            future: Some(seconds),
        }
    }

    /// Accepts timestamps up to `past` seconds old and up to `future` seconds ahead.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// let window = Tolerance::new(300, 30);
    /// assert!(window.check(Timestamp::from_unix(1_000), Timestamp::from_unix(1_300)).is_ok());
    /// assert!(window.check(Timestamp::from_unix(1_031), Timestamp::from_unix(1_000)).is_err());
    /// ```
    pub const fn new(past: u64, future: u64) -> Self {
        Self {
            past: Some(past),
            future: Some(future),
        }
    }

    /// Accepts timestamps up to `seconds` old and any timestamp in the future, as Stripe's
    /// official libraries do.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// let stripe = Tolerance::past_only(300);
    /// assert!(stripe.check(Timestamp::from_unix(i64::MAX), Timestamp::from_unix(0)).is_ok());
    /// assert!(stripe.check(Timestamp::from_unix(0), Timestamp::from_unix(301)).is_err());
    /// ```
    pub const fn past_only(seconds: u64) -> Self {
        Self {
            past: Some(seconds),
            future: None,
        }
    }

    /// Accepts every timestamp: the signature is still checked, its timestamp is not.
    ///
    /// Only for replaying stored deliveries or for tests: without the check, a captured request
    /// can be replayed forever.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// assert!(Tolerance::skip().is_skip());
    /// ```
    pub const fn skip() -> Self {
        Self {
            past: None,
            future: None,
        }
    }

    /// Whether this tolerance accepts every timestamp.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// assert!(!Tolerance::symmetric(300).is_skip());
    /// ```
    pub const fn is_skip(&self) -> bool {
        self.past.is_none() && self.future.is_none()
    }

    /// The bound for timestamps in the past, in seconds (`None`: unbounded).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// assert_eq!(Tolerance::new(300, 30).past(), Some(300));
    /// ```
    pub const fn past(&self) -> Option<u64> {
        self.past
    }

    /// The bound for timestamps in the future, in seconds (`None`: unbounded).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// assert_eq!(Tolerance::past_only(300).future(), None);
    /// ```
    pub const fn future(&self) -> Option<u64> {
        self.future
    }

    /// Checks a signed `timestamp` against `now`, in whole seconds.
    ///
    /// # Errors
    ///
    /// [`VerifyError::TimestampOutsideTolerance`], saying by how much and in which direction.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::Tolerance;
    /// let (signed, now) = (Timestamp::from_unix(1_700_000_000), Timestamp::from_unix(1_700_000_100));
    /// assert!(Tolerance::symmetric(300).check(signed, now).is_ok());
    /// ```
    pub fn check(&self, timestamp: Timestamp, now: Timestamp) -> Result<(), VerifyError> {
        let (timestamp, now) = (timestamp.unix_seconds(), now.unix_seconds());
        let (offset, direction, bound) = if timestamp <= now {
            (now.abs_diff(timestamp), Skew::Past, self.past)
        } else {
            (timestamp.abs_diff(now), Skew::Future, self.future)
        };
        match bound {
            Some(tolerance) if offset > tolerance => Err(VerifyError::TimestampOutsideTolerance {
                offset,
                direction,
                tolerance,
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(seconds: i64) -> Timestamp {
        Timestamp::from_unix(seconds)
    }

    #[test]
    fn extremes_do_not_overflow() {
        let window = Tolerance::symmetric(300);
        assert!(window.check(t(i64::MIN), t(i64::MAX)).is_err());
        assert!(window.check(t(i64::MAX), t(i64::MIN)).is_err());
        assert!(window.check(t(i64::MAX), t(i64::MAX)).is_ok());
        assert_eq!(
            window.check(t(0), t(i64::MAX)),
            Err(VerifyError::TimestampOutsideTolerance {
                offset: i64::MAX as u64,
                direction: Skew::Past,
                tolerance: 300,
            })
        );
    }

    #[test]
    fn future_bound() {
        let window = Tolerance::new(10, 2);
        assert_eq!(
            window.check(t(103), t(100)),
            Err(VerifyError::TimestampOutsideTolerance {
                offset: 3,
                direction: Skew::Future,
                tolerance: 2,
            })
        );
        assert!(window.check(t(102), t(100)).is_ok());
    }
}
