//! Webhook signatures: one [`Scheme`] trait, one implementation per wire format.
//!
//! | scheme | type | signed content | signature header | timestamp | delivery id |
//! |---|---|---|---|---|---|
//! | Standard Webhooks `v1` (HMAC-SHA256), `v1a` (Ed25519) | [`StandardWebhooks`] | `id.timestamp.body` | `webhook-signature` (or `svix-signature`) | `webhook-timestamp` | `webhook-id` |
//! | Stripe | [`Stripe`] | `timestamp.body` | `Stripe-Signature: t=..,v1=..` | in the signature header | in the body |
//! | GitHub | [`GitHub`] | `body` | `X-Hub-Signature-256: sha256=<hex>` | none | `X-GitHub-Delivery` |
//! | Shopify | [`Shopify`] | `body` | `X-Shopify-Hmac-Sha256: <base64>` | none | `X-Shopify-Event-Id` |
//! | Slack | [`Slack`] | `v0:timestamp:body` | `X-Slack-Signature: v0=<hex>` | `X-Slack-Request-Timestamp` | none |
//!
//! Verification works on the raw body bytes exactly as received (a non-UTF-8 body verifies like
//! any other) and returns a [`Verified`] that borrows them, so a receiver can verify now and
//! parse later. The signed content is hashed piece by piece, never concatenated; candidate
//! signatures are decoded on the stack and compared in constant time; no input can make it
//! panic. The current time is an explicit argument ([`Scheme::verify`]) or read from the system
//! clock ([`Scheme::verify_now`]).
//!
//! ```
//! # use hookwire::Timestamp;
//! use std::sync::Arc;
//! use hookwire::signature::{Scheme, StandardWebhooks};
//!
//! let scheme: Arc<dyn Scheme> = Arc::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?);
//!
//! // Sender: sign the serialized body, set the returned headers on the request.
//! let body = br#"{"type":"order.shipped"}"#;
//! let headers = scheme.sign("msg_1", Timestamp::from_unix(1_700_000_000), body)?;
//!
//! // Receiver: verify the raw bytes against the request headers, then parse `verified.body()`.
//! let verified = scheme.verify(&headers, body, Timestamp::from_unix(1_700_000_010))?;
//! assert_eq!(verified.id(), Some("msg_1"));
//! assert_eq!(verified.timestamp(), Some(Timestamp::from_unix(1_700_000_000)));
//! assert_eq!(verified.body(), body);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod body_hmac;
#[cfg(feature = "v1a")]
mod ed25519;
mod encoding;
mod error;
mod github;
mod headers;
mod provider;
mod secret;
mod shopify;
mod slack;
mod standard;
mod standard_key;
mod stripe;
mod tolerance;

use std::fmt;

pub use error::{SecretError, SignError, Skew, VerifyError};
pub use github::GitHub;
pub use headers::{HeaderLookup, SignedHeaders};
#[cfg(feature = "axum")]
pub(crate) use provider::header_title;
pub use provider::{BodyShape, Provider, SchemeBuildError, ToleranceShape};
pub use secret::Secret;
pub use shopify::Shopify;
pub use slack::Slack;
pub use standard::StandardWebhooks;
pub use standard_key::StandardKey;
pub use stripe::Stripe;
pub use tolerance::Tolerance;

use crate::Timestamp;
use crate::clock::{Clock, SystemClock};

/// A webhook signature scheme: verifies incoming requests and signs outgoing ones.
///
/// The trait is dyn-compatible, so a receiver can hold an `Arc<dyn Scheme>` chosen at run
/// time. Implementations hold their secrets and tolerance; they are immutable and cheap to
/// share between threads.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{GitHub, Scheme, Slack, Stripe};
///
/// let schemes: Vec<Box<dyn Scheme>> = vec![
///     Box::new(GitHub::new("It's a Secret to Everybody")?),
///     Box::new(Stripe::new("whsec_test_secret")?),
///     Box::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?),
/// ];
/// for scheme in &schemes {
///     let headers = scheme.sign("id", Timestamp::from_unix(1_700_000_000), b"{}")?;
///     assert!(scheme.verify(&headers, b"{}", Timestamp::from_unix(1_700_000_000)).is_ok(), "{}", scheme.name());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Scheme: Send + Sync + fmt::Debug + 'static {
    /// The provider whose wire format this scheme speaks: where a receiver finds the event
    /// type and the delivery id, which content types it sends, how its timestamp is bounded.
    ///
    /// ```
    /// # use hookwire::signature::{Provider, Scheme, Shopify};
    /// assert_eq!(Shopify::new("secret")?.provider(), Provider::Shopify);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    fn provider(&self) -> Provider;

    /// A short, stable name for logs and metrics, e.g. `"standard-webhooks"`: the
    /// [provider's](Provider::name).
    ///
    /// ```
    /// # use hookwire::signature::{Scheme, Shopify};
    /// assert_eq!(Shopify::new("secret")?.name(), "shopify");
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    fn name(&self) -> &'static str {
        self.provider().name()
    }

    /// Verifies a request's `headers` and raw `body` at time `now`, returning the delivery id, the signed timestamp and the body, borrowed.
    ///
    /// # Errors
    ///
    /// A [`VerifyError`] naming the missing or malformed header, the timestamp's offset, or
    /// that no signature matched.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{GitHub, Scheme};
    /// let github = GitHub::new("It's a Secret to Everybody")?;
    /// let headers = [(
    ///     "X-Hub-Signature-256",
    ///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    /// )];
    /// let verified = github.verify(&headers, b"Hello, World!", Timestamp::from_unix(0))?;
    /// assert_eq!(verified.body(), b"Hello, World!");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn verify<'b>(
        &self,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
        now: Timestamp,
    ) -> Result<Verified<'b>, VerifyError>;

    /// [`verify`](Scheme::verify) at the current time of the system clock.
    ///
    /// # Errors
    ///
    /// As [`verify`](Scheme::verify).
    ///
    /// ```
    /// # use hookwire::signature::{Scheme, Slack};
    /// # use hookwire::clock::{Clock, SystemClock};
    /// let slack = Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?;
    /// let headers = slack.sign("", SystemClock.now(), b"token=x")?;
    /// assert!(slack.verify_now(&headers, b"token=x").is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn verify_now<'b>(
        &self,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
    ) -> Result<Verified<'b>, VerifyError> {
        self.verify(headers, body, SystemClock.now())
    }

    /// Signs `body` for delivery `id` at `timestamp` (sent in whole seconds) and returns
    /// the headers to send with it. Schemes without a signed id or timestamp ignore them, or
    /// send the id in their delivery header.
    ///
    /// # Errors
    ///
    /// A [`SignError`] when the scheme holds no signing key, or the id or timestamp cannot be
    /// sent.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Stripe};
    /// let stripe = Stripe::new("whsec_test_secret")?;
    /// let headers = stripe.sign("evt_1", Timestamp::from_unix(1_700_000_000), b"{}")?;
    /// assert!(headers.get("stripe-signature").unwrap().starts_with("t=1700000000,v1="));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn sign(&self, id: &str, timestamp: Timestamp, body: &[u8])
    -> Result<SignedHeaders, SignError>;

    /// The header carrying the delivery id, if the scheme has one (read when present).
    ///
    /// ```
    /// # use hookwire::signature::{GitHub, Scheme};
    /// assert_eq!(GitHub::new("s")?.id_header(), Some("x-github-delivery"));
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    fn id_header(&self) -> Option<&'static str> {
        self.provider().id_header()
    }

    /// The header carrying the event type, for providers that send it outside the body.
    ///
    /// ```
    /// # use hookwire::signature::{Scheme, Shopify, Stripe};
    /// assert_eq!(Shopify::new("s")?.event_type_header(), Some("x-shopify-topic"));
    /// assert_eq!(Stripe::new("s")?.event_type_header(), None);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    fn event_type_header(&self) -> Option<&'static str> {
        self.provider().event_type_header()
    }
}

/// A request that passed verification: its delivery id and signed timestamp where the scheme
/// has them, and the body bytes, borrowed and unchanged.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{Scheme, Shopify};
///
/// let shopify = Shopify::new("hush")?;
/// let body = br#"{"id":1}"#;
/// let headers = shopify.sign("evt-9", Timestamp::from_unix(0), body)?;
/// let verified = shopify.verify(&headers, body, Timestamp::from_unix(0))?;
/// assert_eq!(verified.id(), Some("evt-9"));
/// assert_eq!(verified.timestamp(), None);
/// let bytes: &[u8] = verified.into_body();
/// assert_eq!(bytes, body);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified<'b> {
    id: Option<String>,
    timestamp: Option<Timestamp>,
    body: &'b [u8],
}

impl<'b> Verified<'b> {
    pub(crate) fn new(id: Option<String>, timestamp: Option<Timestamp>, body: &'b [u8]) -> Self {
        Self {
            id,
            timestamp,
            body,
        }
    }

    /// The delivery id (`webhook-id`, `X-GitHub-Delivery`, `X-Shopify-Event-Id`), if any.
    /// Only Standard Webhooks signs it; for GitHub and Shopify it is informational.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, StandardWebhooks};
    /// # let scheme = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// # let headers = scheme.sign("msg_1", Timestamp::from_unix(10), b"")?;
    /// assert_eq!(scheme.verify(&headers, b"", Timestamp::from_unix(10))?.id(), Some("msg_1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The signed timestamp (whole seconds), if the scheme has one.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Stripe};
    /// # let scheme = Stripe::new("whsec_x")?;
    /// # let headers = scheme.sign("", Timestamp::from_unix(10), b"")?;
    /// assert_eq!(scheme.verify(&headers, b"", Timestamp::from_unix(10))?.timestamp(), Some(Timestamp::from_unix(10)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn timestamp(&self) -> Option<Timestamp> {
        self.timestamp
    }

    /// The verified body, exactly as received.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, GitHub};
    /// # let scheme = GitHub::new("s")?;
    /// # let headers = scheme.sign("", Timestamp::from_unix(0), b"\xff")?;
    /// assert_eq!(scheme.verify(&headers, b"\xff", Timestamp::from_unix(0))?.body(), b"\xff");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn body(&self) -> &'b [u8] {
        self.body
    }

    /// The verified body, consuming the value.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, GitHub};
    /// # let scheme = GitHub::new("s")?;
    /// # let headers = scheme.sign("", Timestamp::from_unix(0), b"{}")?;
    /// let body: &[u8] = scheme.verify(&headers, b"{}", Timestamp::from_unix(0))?.into_body();
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_body(self) -> &'b [u8] {
        self.body
    }

    /// The delivery id, consuming the value.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, GitHub};
    /// # let scheme = GitHub::new("s")?;
    /// # let headers = scheme.sign("d-1", Timestamp::from_unix(0), b"{}")?;
    /// assert_eq!(scheme.verify(&headers, b"{}", Timestamp::from_unix(0))?.into_id().as_deref(), Some("d-1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn into_id(self) -> Option<String> {
        self.id
    }
}

/// Reads an optional delivery id from the first of `names` present: visible ASCII only.
pub(crate) fn read_id(
    headers: &dyn HeaderLookup,
    names: &[&'static str],
) -> Result<Option<String>, VerifyError> {
    for &name in names {
        if let Some(raw) = headers.header(name) {
            return valid_id(raw, name).map(|id| Some(id.to_owned()));
        }
    }
    Ok(None)
}

/// A delivery id as received: 1 to 256 visible ASCII characters.
pub(crate) fn valid_id<'h>(raw: &'h [u8], name: &'static str) -> Result<&'h str, VerifyError> {
    if check_id(raw).is_err() {
        return Err(VerifyError::MalformedHeader {
            name,
            reason: "expected 1 to 256 visible ascii characters",
        });
    }
    headers::ascii(raw, name)
}

/// The rule for ids, shared by signing and verifying.
pub(crate) fn check_id(id: &[u8]) -> Result<(), SignError> {
    if id.is_empty() || id.len() > 256 {
        return Err(SignError::InvalidId {
            reason: "expected 1 to 256 visible ascii characters",
        });
    }
    if !id.iter().all(|c| c.is_ascii_graphic()) {
        return Err(SignError::InvalidId {
            reason: "only visible ascii characters (no spaces or control characters) are allowed",
        });
    }
    Ok(())
}

/// The decimal digits of a timestamp to sign, rejecting negative ones.
pub(crate) fn sign_timestamp(timestamp: Timestamp) -> Result<encoding::Decimal, SignError> {
    u64::try_from(timestamp.unix_seconds())
        .map(encoding::Decimal::new)
        .map_err(|_| SignError::NegativeTimestamp)
}
