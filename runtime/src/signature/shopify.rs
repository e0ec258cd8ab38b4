//! Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(body)>`.

use crate::Timestamp;

use crate::signature::body_hmac::{BodyHmac, Tag};
use crate::signature::secret::Keyring;
use crate::signature::{
    HeaderLookup, Provider, Scheme, Secret, SecretError, SignError, SignedHeaders, Verified,
    VerifyError,
};

/// The id is read from the event id, else the webhook id; signing sends the event id.
const WIRE: BodyHmac = BodyHmac {
    signature: "x-shopify-hmac-sha256",
    tag: Tag::Base64,
    malformed: "expected the base64 of a 32-byte hmac-sha256",
    ids: &["x-shopify-event-id", "x-shopify-webhook-id"],
};
const EXPECTED: &str = "the app's client secret (or the webhook signing secret) from shopify";

/// Shopify webhook signatures.
///
/// - Signed content: the body; HMAC-SHA256 keyed with the app's client secret as given.
/// - `X-Shopify-Hmac-Sha256: <base64>`.
/// - No timestamp is signed, so there is no tolerance: deduplicate by id to resist replays.
///   The id is read from `X-Shopify-Event-Id`, else `X-Shopify-Webhook-Id`; it is not signed.
/// - The event type (topic) is in `X-Shopify-Topic`.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{Scheme, Shopify};
///
/// let shopify = Shopify::new("hush")?;
/// let body = br#"{"id":820982911946154508}"#;
/// let headers = shopify.sign("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", Timestamp::from_unix(0), body)?;
/// let verified = shopify.verify(&headers, body, Timestamp::from_unix(0))?;
/// assert_eq!(verified.id(), Some("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Shopify {
    keys: Keyring,
}

impl Shopify {
    /// A verifier and signer for one secret.
    ///
    /// # Errors
    ///
    /// [`SecretError::EmptySecret`] when the secret is empty.
    ///
    /// ```
    /// # use hookwire::signature::Shopify;
    /// assert!(Shopify::new("hush").is_ok());
    /// assert!(Shopify::new("").is_err());
    /// ```
    pub fn new(secret: impl Into<Secret>) -> Result<Self, SecretError> {
        Ok(Self {
            keys: Keyring::new(secret.into(), EXPECTED)?,
        })
    }

    /// Adds another secret that verifies (rotation); signing keeps using the first.
    ///
    /// # Errors
    ///
    /// As [`new`](Shopify::new).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Shopify};
    /// let both = Shopify::new("new")?.with_secret("old")?;
    /// let headers = Shopify::new("old")?.sign("", Timestamp::from_unix(0), b"{}")?;
    /// assert!(both.verify(&headers, b"{}", Timestamp::from_unix(0)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_secret(mut self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
        self.keys.push(secret.into(), EXPECTED)?;
        Ok(self)
    }
}

impl Scheme for Shopify {
    fn provider(&self) -> Provider {
        Provider::Shopify
    }

    fn verify<'b>(
        &self,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
        _now: Timestamp,
    ) -> Result<Verified<'b>, VerifyError> {
        WIRE.verify(&self.keys, headers, body)
    }

    fn sign(
        &self,
        id: &str,
        _timestamp: Timestamp,
        body: &[u8],
    ) -> Result<SignedHeaders, SignError> {
        WIRE.sign(&self.keys, id, body)
    }
}
