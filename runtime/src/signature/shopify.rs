//! Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(body)>`.

use crate::Timestamp;

use crate::signature::body_hmac::{BodyHmac, Tag, body_hmac_scheme};
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

body_hmac_scheme!(Shopify, Shopify, WIRE, EXPECTED);
