//! Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`.

use crate::Timestamp;

use crate::signature::encoding::{hex_exact, hex_lower, parse_timestamp};
use crate::signature::headers::require;
use crate::signature::secret::{Keyring, tags_equal};
use crate::signature::{
    HeaderLookup, Provider, Scheme, Secret, SecretError, SignError, SignedHeaders, Tolerance,
    Verified, VerifyError, sign_timestamp,
};

const SIGNATURE: &str = "stripe-signature";
const EXPECTED: &str = "the endpoint's signing secret exactly as stripe shows it (`whsec_...`)";
const FORMAT: &str = "expected `t=<unix seconds>,v1=<hex>` with comma-separated `key=value` items";

/// Stripe webhook signatures.
///
/// - Signed content: `{t}.{body}`; HMAC-SHA256 keyed with the signing secret's bytes exactly as
///   given, the `whsec_` prefix included (it is not base64-decoded).
/// - `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`: every `v1` entry is tried, so a
///   request still verifies while Stripe signs with an old and a new secret during rotation;
///   other schemes (`v0`) and unreadable `v1` values are ignored, as Stripe's libraries do.
/// - Tolerance: 300 seconds into the past by default and **no bound into the future**, the
///   behaviour of Stripe's official libraries (stripe-node, stripe-python, stripe-go check only
///   the age of the timestamp). Use [`tolerance`](Stripe::tolerance) with
///   [`Tolerance::symmetric`] to bound the future too.
/// - The delivery id is the event id inside the body; the scheme has no id header.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{Scheme, Stripe};
///
/// let stripe = Stripe::new("whsec_test_secret")?;
/// let body = br#"{"id": "evt_test_webhook", "object": "event"}"#;
/// let headers = [("Stripe-Signature", "t=1700000000,v1=00,v1=invalid")];
/// assert!(stripe.verify(&headers, body, Timestamp::from_unix(1_700_000_000)).is_err());
///
/// let headers = stripe.sign("", Timestamp::from_unix(1_700_000_000), body)?;
/// let verified = stripe.verify(&headers, body, Timestamp::from_unix(1_700_000_100))?;
/// assert_eq!(verified.timestamp(), Some(Timestamp::from_unix(1_700_000_000)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stripe {
    keys: Keyring,
    tolerance: Tolerance,
}

impl Stripe {
    /// The default tolerance: 300 seconds into the past, unbounded into the future.
    pub const DEFAULT_TOLERANCE: Tolerance = Tolerance::past_only(300);

    /// A verifier and signer for one endpoint signing secret.
    ///
    /// # Errors
    ///
    /// [`SecretError`] when the secret is empty or contains whitespace (Stripe secrets never
    /// do; a trailing newline from a copied environment file is the usual cause).
    ///
    /// ```
    /// # use hookwire::signature::Stripe;
    /// assert!(Stripe::new("whsec_test_secret").is_ok());
    /// assert!(Stripe::new("whsec_test_secret\n").is_err());
    /// ```
    pub fn new(secret: impl Into<Secret>) -> Result<Self, SecretError> {
        let secret = checked(secret.into())?;
        Ok(Self {
            keys: Keyring::new(secret, EXPECTED)?,
            tolerance: Self::DEFAULT_TOLERANCE,
        })
    }

    /// Adds another signing secret: a request verifies when any `v1` matches any secret, and
    /// signing emits one `v1` per secret, like Stripe during a secret roll.
    ///
    /// # Errors
    ///
    /// As [`new`](Stripe::new).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Stripe};
    /// let rolled = Stripe::new("whsec_new")?.with_secret("whsec_old")?;
    /// let signed = rolled.sign("", Timestamp::from_unix(100), b"{}")?;
    /// assert_eq!(signed.get("stripe-signature").unwrap().matches("v1=").count(), 2);
    /// assert!(Stripe::new("whsec_old")?.verify(&signed, b"{}", Timestamp::from_unix(100)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_secret(mut self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
        self.keys.push(checked(secret.into())?, EXPECTED)?;
        Ok(self)
    }

    /// Sets the accepted timestamp window (default [`DEFAULT_TOLERANCE`](Self::DEFAULT_TOLERANCE)).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Stripe, Tolerance};
    /// let strict = Stripe::new("whsec_x")?.tolerance(Tolerance::symmetric(300));
    /// let headers = strict.sign("", Timestamp::from_unix(2_000), b"")?;
    /// assert!(strict.verify(&headers, b"", Timestamp::from_unix(1_000)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }
}

fn checked(secret: Secret) -> Result<Secret, SecretError> {
    if secret.expose_secret().iter().any(u8::is_ascii_whitespace) {
        return Err(SecretError::MalformedSecret {
            expected: EXPECTED,
            reason: "the secret contains whitespace (a stray space or newline from copying?)",
        });
    }
    Ok(secret)
}

/// The `key=value` items of the header; `None` for an item without `=`.
fn items(header: &str) -> impl Iterator<Item = Option<(&str, &str)>> {
    header.split(',').map(|item| item.trim().split_once('='))
}

/// The header's single `t` value, validated.
fn timestamp(header: &str) -> Result<(&str, Timestamp), VerifyError> {
    let malformed = |reason| VerifyError::MalformedHeader {
        name: SIGNATURE,
        reason,
    };
    let mut found = None;
    for item in items(header) {
        let (key, value) = item.ok_or(malformed(FORMAT))?;
        if key == "t" {
            if found.is_some() {
                return Err(malformed("more than one `t=` timestamp"));
            }
            let seconds = parse_timestamp(value.as_bytes())
                .ok_or(malformed("`t=` is not a unix timestamp in seconds"))?;
            found = Some((value, Timestamp::from_unix(seconds)));
        }
    }
    found.ok_or(malformed("no `t=` timestamp"))
}

impl Scheme for Stripe {
    fn provider(&self) -> Provider {
        Provider::Stripe
    }

    fn verify<'b>(
        &self,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
        now: Timestamp,
    ) -> Result<Verified<'b>, VerifyError> {
        let header = require(headers, SIGNATURE)?;
        let (raw_ts, ts) = timestamp(header)?;
        let candidates = || {
            items(header)
                .flatten()
                .filter(|(key, _)| *key == "v1")
                .map(|(_, value)| hex_exact::<32>(value.as_bytes()))
        };
        if candidates().next().is_none() {
            return Err(VerifyError::NoSupportedSignature {
                name: SIGNATURE,
                expected: "`v1=<hex>` entries",
            });
        }
        self.tolerance.check(ts, now)?;

        let signed: [&[u8]; 3] = [raw_ts.as_bytes(), b".", body];
        for key in self.keys.keys() {
            let tag = key.tag(&signed);
            if candidates()
                .flatten()
                .any(|candidate| tags_equal(&tag, &candidate))
            {
                return Ok(Verified::new(None, Some(ts), body));
            }
        }
        Err(VerifyError::NoMatchingSignature)
    }

    fn sign(
        &self,
        _id: &str,
        timestamp: Timestamp,
        body: &[u8],
    ) -> Result<SignedHeaders, SignError> {
        let ts = sign_timestamp(timestamp)?;
        let signed: [&[u8]; 3] = [ts.as_bytes(), b".", body];
        let mut value = format!("t={}", ts.as_str());
        for key in self.keys.keys() {
            value.push_str(",v1=");
            value.push_str(&hex_lower(&key.tag(&signed)));
        }
        let mut headers = SignedHeaders::new();
        headers.push(SIGNATURE, value);
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_item() {
        assert_eq!(
            timestamp("t=12,v1=ab").unwrap(),
            ("12", Timestamp::from_unix(12))
        );
        assert_eq!(
            timestamp(" v0=x, t=5").unwrap(),
            ("5", Timestamp::from_unix(5))
        );
        for bad in [
            "",
            "t=",
            "v1,t=1",
            "t=1,t=1",
            "t=-1",
            "v1=ab",
            "t=1,garbage",
        ] {
            assert!(
                matches!(timestamp(bad), Err(VerifyError::MalformedHeader { .. })),
                "{bad}"
            );
        }
    }
}
