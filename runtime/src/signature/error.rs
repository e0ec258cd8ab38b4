//! The errors of signing, verifying and reading secrets.
//!
//! Messages are lowercase, say what was expected, and never contain a secret, a signature or
//! any other value taken from the request.

use std::fmt;

/// Why a webhook failed verification.
///
/// Every variant is a reason to reject the request (a receiver answers `400` or `401`); none
/// of them carries data taken from the request other than the header names the scheme defines
/// and the timestamp arithmetic.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{GitHub, Scheme, VerifyError};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let headers: [(&str, &str); 0] = [];
/// let err = github.verify(&headers, b"Hello, World!", Timestamp::from_unix(0)).unwrap_err();
/// assert_eq!(err, VerifyError::MissingHeader { name: "x-hub-signature-256" });
/// assert_eq!(err.to_string(), "missing header `x-hub-signature-256`");
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme requires is absent.
    MissingHeader {
        /// The header's name, lowercase.
        name: &'static str,
    },
    /// A header is present but not in the scheme's format.
    MalformedHeader {
        /// The header's name, lowercase.
        name: &'static str,
        /// What was wrong and what was expected.
        reason: &'static str,
    },
    /// The signed timestamp is further from `now` than the verifier's [`Tolerance`] allows.
    ///
    /// [`Tolerance`]: crate::signature::Tolerance
    TimestampOutsideTolerance {
        /// How far the timestamp is from `now`, in seconds.
        offset: u64,
        /// Whether the timestamp is in the past or in the future.
        direction: Skew,
        /// The largest offset the verifier accepts in that direction, in seconds.
        tolerance: u64,
    },
    /// The signature header holds no signature of a version this verifier can check (for
    /// example only `v1a` entries while the verifier holds only HMAC secrets).
    NoSupportedSignature {
        /// The signature header's name, lowercase.
        name: &'static str,
        /// The signature versions this verifier checks.
        expected: &'static str,
    },
    /// No signature in the request matched the body under any of the verifier's keys: the
    /// body was altered, or the secret is not the one the sender used.
    NoMatchingSignature,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::MissingHeader { name } => write!(f, "missing header `{name}`"),
            VerifyError::MalformedHeader { name, reason } => {
                write!(f, "malformed header `{name}`: {reason}")
            }
            VerifyError::TimestampOutsideTolerance {
                offset,
                direction,
                tolerance,
            } => write!(
                f,
                "timestamp is {offset} seconds {direction}, outside the tolerance of {tolerance} \
                 seconds; check the sender's and the receiver's clocks, or reject the request as \
                 a replay"
            ),
            VerifyError::NoSupportedSignature { name, expected } => write!(
                f,
                "header `{name}` has no signature of the expected kind ({expected})"
            ),
            VerifyError::NoMatchingSignature => {
                f.write_str("no signature matched the body and the configured secrets")
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// Whether a rejected timestamp lies in the past or in the future.
///
/// ```
/// use hookwire::signature::Skew;
///
/// assert_eq!(Skew::Past.to_string(), "in the past");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Skew {
    /// The timestamp is older than `now`.
    Past,
    /// The timestamp is later than `now`.
    Future,
}

impl fmt::Display for Skew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Skew::Past => "in the past",
            Skew::Future => "in the future",
        })
    }
}

/// Why a message could not be signed.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{Scheme, SignError, StandardWebhooks};
///
/// // A public key verifies but cannot sign.
/// let verifier = StandardWebhooks::new("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")?;
/// let err = verifier.sign("msg_1", Timestamp::from_unix(1_700_000_000), b"{}").unwrap_err();
/// assert_eq!(err, SignError::NoSigningKey);
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The scheme holds only keys that verify (Ed25519 public keys), none that sign.
    NoSigningKey,
    /// The delivery id cannot be sent in a header or signed unambiguously.
    InvalidId {
        /// What was wrong and what is accepted.
        reason: &'static str,
    },
    /// The timestamp is negative; webhook formats carry seconds since 1970.
    NegativeTimestamp,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::NoSigningKey => f.write_str(
                "no signing key: this scheme holds only public keys, give it a `whsk_` or \
                 `whsec_` secret to sign",
            ),
            SignError::InvalidId { reason } => write!(f, "invalid delivery id: {reason}"),
            SignError::NegativeTimestamp => f.write_str(
                "invalid timestamp: expected seconds since the unix epoch, not a negative number",
            ),
        }
    }
}

impl std::error::Error for SignError {}

/// Why a secret or key could not be read.
///
/// The message names the expected format and never includes the secret.
///
/// ```
/// use hookwire::signature::{SecretError, StandardWebhooks};
///
/// let err = StandardWebhooks::new("whsec_not base64!").unwrap_err();
/// assert!(matches!(err, SecretError::MalformedSecret { .. }));
/// assert!(!err.to_string().contains("not base64"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret is empty (or only a prefix such as `whsec_`).
    EmptySecret {
        /// The accepted format.
        expected: &'static str,
    },
    /// The secret is not in the expected format.
    MalformedSecret {
        /// The accepted format.
        expected: &'static str,
        /// What was wrong, without any of the secret's content.
        reason: &'static str,
    },
    /// The key is of a kind this build of hookwire leaves out: an Ed25519 (`whsk_`, `whpk_`)
    /// key without the `v1a` feature.
    FeatureDisabled {
        /// What the key is, such as "an Ed25519 (`v1a`) signing key (`whsk_`)".
        kind: &'static str,
        /// The cargo feature of hookwire that reads it.
        feature: &'static str,
    },
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::EmptySecret { expected } => write!(f, "empty secret: expected {expected}"),
            SecretError::MalformedSecret { expected, reason } => {
                write!(f, "malformed secret: {reason}; expected {expected}")
            }
            SecretError::FeatureDisabled { kind, feature } => write!(
                f,
                "{kind} needs hookwire's `{feature}` feature: enable it in Cargo.toml"
            ),
        }
    }
}

impl std::error::Error for SecretError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_and_actionable() {
        let err = VerifyError::TimestampOutsideTolerance {
            offset: 400,
            direction: Skew::Past,
            tolerance: 300,
        };
        let text = err.to_string();
        assert!(text.starts_with("timestamp is 400 seconds in the past"));
        assert!(text.contains("300"));
        for text in [
            VerifyError::NoMatchingSignature.to_string(),
            SignError::NoSigningKey.to_string(),
            SecretError::EmptySecret { expected: "x" }.to_string(),
        ] {
            let first = text.chars().next().unwrap_or('a');
            assert!(first.is_lowercase(), "{text}");
        }
    }
}
