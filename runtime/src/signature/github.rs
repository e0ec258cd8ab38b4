//! GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body)>`.

use crate::Timestamp;

use crate::signature::body_hmac::{BodyHmac, Tag};
use crate::signature::secret::Keyring;
use crate::signature::{
    HeaderLookup, Provider, Scheme, Secret, SecretError, SignError, SignedHeaders, Verified,
    VerifyError,
};

const WIRE: BodyHmac = BodyHmac {
    signature: "x-hub-signature-256",
    tag: Tag::PrefixedHex("sha256="),
    malformed: "expected `sha256=` followed by 64 hex digits",
    ids: &["x-github-delivery"],
};
const EXPECTED: &str = "the webhook secret configured on github";

/// GitHub webhook signatures.
///
/// - Signed content: the body; HMAC-SHA256 keyed with the webhook secret's bytes.
/// - `X-Hub-Signature-256: sha256=<hex>` (the legacy SHA-1 `X-Hub-Signature` is not used).
/// - No timestamp is signed, so there is no tolerance: deduplicate by delivery id to resist
///   replays. The delivery id (`X-GitHub-Delivery`) is read when present; it is not signed.
/// - The event type is in `X-GitHub-Event`.
///
/// ```
/// # use hookwire::Timestamp;
/// use hookwire::signature::{GitHub, Scheme};
///
/// // GitHub's documentation example.
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// let headers = [
///     ("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
///     ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
/// ];
/// let verified = github.verify(&headers, b"Hello, World!", Timestamp::from_unix(0))?;
/// assert_eq!(verified.id(), Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct GitHub {
    keys: Keyring,
}

impl GitHub {
    /// A verifier and signer for one webhook secret.
    ///
    /// # Errors
    ///
    /// [`SecretError::EmptySecret`] when the secret is empty.
    ///
    /// ```
    /// # use hookwire::signature::GitHub;
    /// assert!(GitHub::new("It's a Secret to Everybody").is_ok());
    /// assert!(GitHub::new("").is_err());
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
    /// As [`new`](GitHub::new).
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// # use hookwire::signature::{GitHub, Scheme};
    /// let old = GitHub::new("old")?;
    /// let both = GitHub::new("new")?.with_secret("old")?;
    /// let headers = old.sign("", Timestamp::from_unix(0), b"{}")?;
    /// assert!(both.verify(&headers, b"{}", Timestamp::from_unix(0)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_secret(mut self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
        self.keys.push(secret.into(), EXPECTED)?;
        Ok(self)
    }
}

impl Scheme for GitHub {
    fn provider(&self) -> Provider {
        Provider::GitHub
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
