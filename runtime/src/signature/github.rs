//! GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body)>`.

use crate::Timestamp;

use crate::signature::body_hmac::{BodyHmac, Tag, body_hmac_scheme};
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

body_hmac_scheme!(GitHub, GitHub, WIRE, EXPECTED);
