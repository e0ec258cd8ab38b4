//! Standard Webhooks (<https://www.standardwebhooks.com>): `v1` HMAC-SHA256 and `v1a` Ed25519.

use crate::Timestamp;

use base64::Engine as _;

#[cfg(feature = "v1a")]
use crate::signature::ed25519;
use crate::signature::encoding::{BASE64, base64_exact};
use crate::signature::headers::{ascii, read_timestamp};
use crate::signature::secret::tags_equal;
use crate::signature::standard_key::KeyKind;
use crate::signature::{
    HeaderLookup, Provider, Scheme, Secret, SecretError, SignError, SignedHeaders, StandardKey,
    Tolerance, Verified, VerifyError, check_id, sign_timestamp, valid_id,
};

const ID: &str = "webhook-id";
const TIMESTAMP: &str = "webhook-timestamp";
const SIGNATURE: &str = "webhook-signature";
const SVIX_ID: &str = "svix-id";
const SVIX_TIMESTAMP: &str = "svix-timestamp";
const SVIX_SIGNATURE: &str = "svix-signature";

/// The Standard Webhooks scheme, symmetric (`v1`, HMAC-SHA256) and asymmetric (`v1a`, Ed25519).
///
/// - Signed content: `{webhook-id}.{webhook-timestamp}.{body}`.
/// - Headers: `webhook-id`, `webhook-timestamp`, `webhook-signature`; the `svix-` names are
///   read when the `webhook-` ones are absent.
/// - `webhook-signature` is a space-separated list of `version,base64` entries; the request is
///   accepted when any entry verifies under any of the scheme's keys, so senders and receivers
///   can rotate keys without downtime. Unknown versions are ignored.
/// - Signing emits one entry per signing key. At most 8 `v1a` entries are checked per key,
///   bounding the Ed25519 work a forged header can cause. `v1a` (Ed25519) keys need the `v1a`
///   feature; without it the scheme holds HMAC keys only and `v1a` entries are not checked.
/// - Tolerance: 5 minutes into the past and 5 minutes into the future by default, as the
///   specification and its reference libraries; change it with
///   [`tolerance`](StandardWebhooks::tolerance).
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{Scheme, StandardWebhooks};
///
/// // The test vector of the specification's reference libraries.
/// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// let body = br#"{"test": 2432232314}"#;
/// let headers = scheme.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", Timestamp::from_unix(1_614_265_330), body)?;
/// assert_eq!(
///     headers.get("webhook-signature"),
///     Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
/// );
/// scheme.verify(&headers, body, Timestamp::from_unix(1_614_265_330))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct StandardWebhooks {
    keys: Vec<StandardKey>,
    tolerance: Tolerance,
}

impl StandardWebhooks {
    /// The default tolerance: 300 seconds both ways.
    pub const DEFAULT_TOLERANCE: Tolerance = Tolerance::symmetric(300);

    /// A scheme with one key, parsed from `whsec_...`, bare base64, `whsk_...` or `whpk_...`.
    ///
    /// # Errors
    ///
    /// [`SecretError`] when the key is empty or malformed.
    ///
    /// ```
    /// # use hookwire::signature::StandardWebhooks;
    /// let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn new(secret: impl Into<Secret>) -> Result<Self, SecretError> {
        StandardKey::parse(secret).map(Self::from_key)
    }

    /// A scheme with one already-built key.
    ///
    /// ```
    /// # use hookwire::signature::{StandardKey, StandardWebhooks};
    /// let scheme = StandardWebhooks::from_key(StandardKey::hmac(*b"a secret of any length")?);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn from_key(key: StandardKey) -> Self {
        Self {
            keys: vec![key],
            tolerance: Self::DEFAULT_TOLERANCE,
        }
    }

    /// Adds another key, parsed like [`new`](StandardWebhooks::new): requests signed by any key
    /// verify, and signing emits a signature per signing key (rotation).
    ///
    /// # Errors
    ///
    /// [`SecretError`] when the key is empty or malformed.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, StandardWebhooks};
    /// let old = StandardWebhooks::new("whsec_b2xkIHNlY3JldA==")?;
    /// let both = StandardWebhooks::new("whsec_bmV3IHNlY3JldA==")?.with_secret("whsec_b2xkIHNlY3JldA==")?;
    /// let headers = old.sign("msg_1", Timestamp::from_unix(100), b"{}")?;
    /// assert!(both.verify(&headers, b"{}", Timestamp::from_unix(100)).is_ok());
    /// let two = both.sign("msg_1", Timestamp::from_unix(100), b"{}")?;
    /// assert_eq!(two.get("webhook-signature").unwrap().split(' ').count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_secret(self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
        StandardKey::parse(secret).map(|key| self.with_key(key))
    }

    /// Adds another already-built key (see [`with_secret`](StandardWebhooks::with_secret)).
    ///
    /// ```
    /// # use hookwire::signature::{StandardKey, StandardWebhooks};
    /// let scheme = StandardWebhooks::new("whsec_c2VjcmV0")?
    ///     .with_key(StandardKey::ed25519_seed([9; 32]));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn with_key(mut self, key: StandardKey) -> Self {
        self.keys.push(key);
        self
    }

    /// Sets the accepted timestamp window (default [`DEFAULT_TOLERANCE`](Self::DEFAULT_TOLERANCE)).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, StandardWebhooks, Tolerance};
    /// let scheme = StandardWebhooks::new("whsec_c2VjcmV0")?.tolerance(Tolerance::skip());
    /// let headers = scheme.sign("msg_1", Timestamp::from_unix(0), b"")?;
    /// assert!(scheme.verify(&headers, b"", Timestamp::from_unix(1_700_000_000)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    fn expected_versions(&self) -> &'static str {
        let hmac = self.keys.iter().any(|k| k.version() == "v1");
        let ed = self.keys.iter().any(|k| k.version() == "v1a");
        match (hmac, ed) {
            (true, true) => "`v1,<base64>` or `v1a,<base64>` entries",
            (false, true) => "`v1a,<base64>` entries",
            _ => "`v1,<base64>` entries",
        }
    }
}

/// The entries of a signature header: `(version, base64)` pairs, skipping empty and
/// comma-less entries as the reference libraries do.
fn entries(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header
        .split(' ')
        .filter(|entry| !entry.is_empty())
        .filter_map(|entry| entry.split_once(','))
}

/// The values of the header's entries of one version.
fn versioned<'h>(header: &'h str, version: &'h str) -> impl Iterator<Item = &'h str> {
    entries(header)
        .filter(move |(v, _)| *v == version)
        .map(|(_, value)| value)
}

fn first<'h>(
    headers: &'h dyn HeaderLookup,
    name: &'static str,
    fallback: &'static str,
) -> Result<(&'h [u8], &'static str), VerifyError> {
    headers
        .header(name)
        .map(|value| (value, name))
        .or_else(|| headers.header(fallback).map(|value| (value, fallback)))
        .ok_or(VerifyError::MissingHeader { name })
}

impl Scheme for StandardWebhooks {
    fn provider(&self) -> Provider {
        Provider::StandardWebhooks
    }

    fn verify<'b>(
        &self,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
        now: Timestamp,
    ) -> Result<Verified<'b>, VerifyError> {
        let (raw_id, id_name) = first(headers, ID, SVIX_ID)?;
        let id = valid_id(raw_id, id_name)?;
        let (raw_ts, ts_name) = first(headers, TIMESTAMP, SVIX_TIMESTAMP)?;
        let timestamp = read_timestamp(raw_ts, ts_name)?;
        let (raw_sig, sig_name) = first(headers, SIGNATURE, SVIX_SIGNATURE)?;
        let signatures = ascii(raw_sig, sig_name)?;
        self.tolerance.check(timestamp, now)?;

        let signed: [&[u8]; 5] = [id.as_bytes(), b".", raw_ts, b".", body];
        let mut supported = false;
        for key in &self.keys {
            let matched = match &key.0 {
                KeyKind::Hmac(hmac) => {
                    let mut tag = None;
                    let mut matched = false;
                    for value in versioned(signatures, "v1") {
                        supported = true;
                        if let Some(candidate) = base64_exact::<32>(value.as_bytes()) {
                            let tag = tag.get_or_insert_with(|| hmac.tag(&signed));
                            if tags_equal(tag, &candidate) {
                                matched = true;
                                break;
                            }
                        }
                    }
                    matched
                }
                #[cfg(feature = "v1a")]
                KeyKind::Signing(signing) => ed25519::verify(
                    &**signing,
                    versioned(signatures, "v1a"),
                    &signed,
                    &mut supported,
                ),
                #[cfg(feature = "v1a")]
                KeyKind::Verifying(public) => ed25519::verify(
                    public,
                    versioned(signatures, "v1a"),
                    &signed,
                    &mut supported,
                ),
            };
            if matched {
                return Ok(Verified::new(Some(id.to_owned()), Some(timestamp), body));
            }
        }
        if supported {
            Err(VerifyError::NoMatchingSignature)
        } else {
            Err(VerifyError::NoSupportedSignature {
                name: sig_name,
                expected: self.expected_versions(),
            })
        }
    }

    fn sign(
        &self,
        id: &str,
        timestamp: Timestamp,
        body: &[u8],
    ) -> Result<SignedHeaders, SignError> {
        check_id(id.as_bytes())?;
        let ts = sign_timestamp(timestamp)?;
        let signed: [&[u8]; 5] = [id.as_bytes(), b".", ts.as_bytes(), b".", body];
        let mut value = String::new();
        for key in self.keys.iter().filter(|key| key.can_sign()) {
            if !value.is_empty() {
                value.push(' ');
            }
            match &key.0 {
                KeyKind::Hmac(hmac) => {
                    value.push_str("v1,");
                    BASE64.encode_string(hmac.tag(&signed), &mut value);
                }
                #[cfg(feature = "v1a")]
                KeyKind::Signing(signing) => ed25519::sign(signing, &signed, &mut value)?,
                #[cfg(feature = "v1a")]
                KeyKind::Verifying(_) => {}
            }
        }
        if value.is_empty() {
            return Err(SignError::NoSigningKey);
        }
        let mut headers = SignedHeaders::new();
        headers.push(ID, id.to_owned());
        headers.push(TIMESTAMP, ts.as_str().to_owned());
        headers.push(SIGNATURE, value);
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_skip_junk() {
        let parsed: Vec<_> = entries("  v1,a  nocomma v1a,b,c v2,").collect();
        assert_eq!(parsed, [("v1", "a"), ("v1a", "b,c"), ("v2", "")]);
    }

    #[test]
    fn svix_headers_are_a_fallback() {
        let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signed = scheme
            .sign("msg_1", Timestamp::from_unix(1_000), b"{}")
            .unwrap();
        let svix: Vec<(String, String)> = signed
            .iter()
            .map(|(name, value)| (name.replace("webhook-", "svix-"), value.to_owned()))
            .collect();
        let verified = scheme
            .verify(&svix, b"{}", Timestamp::from_unix(1_000))
            .unwrap();
        assert_eq!(verified.id(), Some("msg_1"));
    }

    #[cfg(feature = "v1a")]
    #[test]
    fn bogus_v1a_entries_are_capped() {
        use crate::signature::ed25519::MAX_ASYMMETRIC_ENTRIES;
        let seed = *b"TESTSIGNINGKEYDONOTUSETHISFORANY";
        let scheme = StandardWebhooks::from_key(StandardKey::ed25519_seed(seed));
        let signed = scheme
            .sign("msg_1", Timestamp::from_unix(1_000), b"{}")
            .unwrap();
        let valid = signed.get("webhook-signature").unwrap();
        let bogus = format!("v1a,{}", "A".repeat(86));
        let within: Vec<&str> = std::iter::repeat_n(bogus.as_str(), MAX_ASYMMETRIC_ENTRIES - 1)
            .chain([valid])
            .collect();
        let beyond: Vec<&str> = std::iter::repeat_n(bogus.as_str(), MAX_ASYMMETRIC_ENTRIES)
            .chain([valid])
            .collect();
        let headers = |list: &[&str]| {
            vec![
                ("webhook-id", "msg_1".to_owned()),
                ("webhook-timestamp", "1000".to_owned()),
                ("webhook-signature", list.join(" ")),
            ]
        };
        assert!(
            scheme
                .verify(&headers(&within), b"{}", Timestamp::from_unix(1_000))
                .is_ok()
        );
        assert_eq!(
            scheme.verify(&headers(&beyond), b"{}", Timestamp::from_unix(1_000)),
            Err(VerifyError::NoMatchingSignature)
        );
    }
}
