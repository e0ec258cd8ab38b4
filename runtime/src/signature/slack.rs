//! Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256("v0:" ts ":" body)>`.

use crate::Timestamp;

use crate::signature::body_hmac::Tag;
use crate::signature::headers::{read_timestamp, require};
use crate::signature::secret::Keyring;
use crate::signature::{
    HeaderLookup, Provider, Scheme, Secret, SecretError, SignError, SignedHeaders, Tolerance,
    Verified, VerifyError, sign_timestamp,
};

const SIGNATURE: &str = "x-slack-signature";
const TIMESTAMP: &str = "x-slack-request-timestamp";
const TAG: Tag = Tag::PrefixedHex("v0=");
const EXPECTED: &str = "the app's signing secret from slack (not the verification token)";

/// Slack request signatures.
///
/// - Signed content: `v0:{X-Slack-Request-Timestamp}:{body}`; HMAC-SHA256 keyed with the app's
///   signing secret as given.
/// - `X-Slack-Signature: v0=<hex>`.
/// - Tolerance: 5 minutes into the past and 5 minutes into the future by default, as Slack's
///   documentation and SDKs (which compare the absolute difference).
/// - Slack sends no delivery id.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{Scheme, Slack};
///
/// // The example of Slack's "Verifying requests from Slack" documentation.
/// let slack = Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?;
/// let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
/// let headers = [
///     ("X-Slack-Request-Timestamp", "1531420618"),
///     ("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
/// ];
/// let verified = slack.verify(&headers, body, Timestamp::from_unix(1_531_420_618))?;
/// assert_eq!(verified.timestamp(), Some(Timestamp::from_unix(1_531_420_618)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Slack {
    keys: Keyring,
    tolerance: Tolerance,
}

impl Slack {
    /// The default tolerance: 300 seconds both ways.
    pub const DEFAULT_TOLERANCE: Tolerance = Tolerance::symmetric(300);

    /// A verifier and signer for one signing secret.
    ///
    /// # Errors
    ///
    /// [`SecretError::EmptySecret`] when the secret is empty.
    ///
    /// ```
    /// # use hookwire::signature::Slack;
    /// assert!(Slack::new("8f742231b10e8888abcd99yyyzzz85a5").is_ok());
    /// assert!(Slack::new("").is_err());
    /// ```
    pub fn new(secret: impl Into<Secret>) -> Result<Self, SecretError> {
        Ok(Self {
            keys: Keyring::new(secret.into(), EXPECTED)?,
            tolerance: Self::DEFAULT_TOLERANCE,
        })
    }

    /// Adds another secret that verifies (rotation); signing keeps using the first.
    ///
    /// # Errors
    ///
    /// As [`new`](Slack::new).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Slack};
    /// let both = Slack::new("new")?.with_secret("old")?;
    /// let headers = Slack::new("old")?.sign("", Timestamp::from_unix(100), b"a=1")?;
    /// assert!(both.verify(&headers, b"a=1", Timestamp::from_unix(100)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_secret(mut self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
        self.keys.push(secret.into(), EXPECTED)?;
        Ok(self)
    }

    /// Sets the accepted timestamp window (default [`DEFAULT_TOLERANCE`](Self::DEFAULT_TOLERANCE)).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{Scheme, Slack, Tolerance};
    /// let slack = Slack::new("s")?.tolerance(Tolerance::symmetric(60));
    /// let headers = slack.sign("", Timestamp::from_unix(1_000), b"")?;
    /// assert!(slack.verify(&headers, b"", Timestamp::from_unix(1_061)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }
}

impl Scheme for Slack {
    fn provider(&self) -> Provider {
        Provider::Slack
    }

    fn verify<'b>(
        &self,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
        now: Timestamp,
    ) -> Result<Verified<'b>, VerifyError> {
        let raw_ts = require(headers, TIMESTAMP)?;
        let ts = read_timestamp(raw_ts.as_bytes(), TIMESTAMP)?;
        let header = require(headers, SIGNATURE)?;
        let candidate = TAG.decode(header).ok_or(VerifyError::MalformedHeader {
            name: SIGNATURE,
            reason: "expected `v0=` followed by 64 hex digits",
        })?;
        self.tolerance.check(ts, now)?;
        if self
            .keys
            .matches(&[b"v0:", raw_ts.as_bytes(), b":", body], &candidate)
        {
            Ok(Verified::new(None, Some(ts), body))
        } else {
            Err(VerifyError::NoMatchingSignature)
        }
    }

    fn sign(
        &self,
        _id: &str,
        timestamp: Timestamp,
        body: &[u8],
    ) -> Result<SignedHeaders, SignError> {
        let ts = sign_timestamp(timestamp)?;
        let mut headers = SignedHeaders::new();
        headers.push(TIMESTAMP, ts.as_str().to_owned());
        if let Some(key) = self.keys.keys().first() {
            let tag = key.tag(&[b"v0:", ts.as_bytes(), b":", body]);
            headers.push(SIGNATURE, TAG.encode(&tag));
        }
        Ok(headers)
    }
}
