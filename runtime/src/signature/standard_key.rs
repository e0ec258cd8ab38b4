//! Standard Webhooks keys: `whsec_` (HMAC-SHA256, `v1`), `whsk_` and `whpk_` (Ed25519, `v1a`).

use std::fmt;

use base64::Engine as _;
use zeroize::Zeroizing;

#[cfg(feature = "v1a")]
use crate::signature::ed25519;
use crate::signature::encoding::BASE64;
use crate::signature::secret::HmacKey;
use crate::signature::{Secret, SecretError};

const EXPECTED: &str = "`whsec_` followed by base64 (or bare base64) for v1, \
                        `whsk_` or `whpk_` followed by base64 for v1a";

/// One Standard Webhooks key: an HMAC-SHA256 secret (`v1`), an Ed25519 signing key (`v1a`,
/// signs and verifies) or an Ed25519 public key (`v1a`, verifies only).
///
/// Parsed from the formats the specification defines: `whsec_<base64>` (or bare base64, as the
/// reference libraries accept; short keys are accepted, empty ones are not), `whsk_<base64>`
/// and `whpk_<base64>`. The key material never appears in `Debug` output; the decoded secret
/// bytes and Ed25519 signing keys are zeroized on drop (the HMAC pad state derived from a
/// `whsec_` key is not, for speed).
///
/// Ed25519 keys need hookwire's `v1a` feature; without it, parsing one is
/// [`SecretError::FeatureDisabled`].
///
/// ```
/// use hookwire::signature::StandardKey;
///
/// let hmac = StandardKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// assert_eq!(hmac.version(), "v1");
/// let signing = StandardKey::parse("whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=")?;
/// assert_eq!(signing.version(), "v1a");
/// assert_eq!(
///     signing.public_key().as_deref(),
///     Some("whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=")
/// );
/// assert_eq!(format!("{signing:?}"), "StandardKey::Ed25519Signing([redacted])");
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Clone)]
pub struct StandardKey(pub(crate) KeyKind);

#[derive(Clone)]
pub(crate) enum KeyKind {
    Hmac(HmacKey),
    #[cfg(feature = "v1a")]
    Signing(Box<ed25519_dalek::SigningKey>),
    #[cfg(feature = "v1a")]
    Verifying(ed25519_dalek::VerifyingKey),
}

impl StandardKey {
    /// Parses a key in one of the Standard Webhooks formats (see the type's documentation).
    ///
    /// # Errors
    ///
    /// [`SecretError::EmptySecret`] for an empty key, [`SecretError::MalformedSecret`] for
    /// anything that is not base64 of the right length after its prefix,
    /// [`SecretError::FeatureDisabled`] for a `whsk_` or `whpk_` key without the `v1a` feature.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// assert!(StandardKey::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
    /// assert!(StandardKey::parse("whsec_").is_err());
    /// ```
    pub fn parse(secret: impl Into<Secret>) -> Result<Self, SecretError> {
        let secret = secret.into();
        let text = secret.expose_secret();
        if let Some(rest) = text.strip_prefix(b"whsk_") {
            ed25519_key(rest, true)
        } else if let Some(rest) = text.strip_prefix(b"whpk_") {
            ed25519_key(rest, false)
        } else {
            let rest = text.strip_prefix(b"whsec_").unwrap_or(text);
            let key = decode(rest, EXPECTED)?;
            Ok(Self(KeyKind::Hmac(HmacKey::new(&key, EXPECTED)?)))
        }
    }

    /// An HMAC-SHA256 (`v1`) key from raw bytes, not base64.
    ///
    /// # Errors
    ///
    /// [`SecretError::EmptySecret`] when `key` is empty.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// let key = StandardKey::hmac(*b"0123456789abcdef0123456789abcdef")?;
    /// assert_eq!(key.version(), "v1");
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn hmac(key: impl Into<Secret>) -> Result<Self, SecretError> {
        let key = key.into();
        Ok(Self(KeyKind::Hmac(HmacKey::new(
            key.expose_secret(),
            "a non-empty hmac key",
        )?)))
    }

    /// Generates a new random HMAC secret of 32 bytes, formatted `whsec_<base64>`, from the
    /// operating system's random source.
    ///
    /// # Errors
    ///
    /// When the operating system has no random source available.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// let secret = StandardKey::generate_hmac_secret()?;
    /// assert!(secret.expose_secret().starts_with(b"whsec_"));
    /// assert_eq!(StandardKey::parse(secret)?.version(), "v1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "keygen")]
    #[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
    pub fn generate_hmac_secret() -> Result<Secret, getrandom::Error> {
        generate("whsec_")
    }

    /// The signature version this key produces and checks: `"v1"` or `"v1a"`.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// assert_eq!(StandardKey::parse("whsec_c2VjcmV0")?.version(), "v1");
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn version(&self) -> &'static str {
        match self.0 {
            KeyKind::Hmac(_) => "v1",
            #[cfg(feature = "v1a")]
            KeyKind::Signing(_) | KeyKind::Verifying(_) => "v1a",
        }
    }

    /// Whether this key can sign (every key can verify).
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// assert!(StandardKey::parse("whsec_c2VjcmV0")?.can_sign());
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn can_sign(&self) -> bool {
        match self.0 {
            KeyKind::Hmac(_) => true,
            #[cfg(feature = "v1a")]
            KeyKind::Signing(_) => true,
            #[cfg(feature = "v1a")]
            KeyKind::Verifying(_) => false,
        }
    }

    /// The `whpk_` public key of an Ed25519 key, to give to receivers; `None` for HMAC keys,
    /// which have no public part.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// assert_eq!(StandardKey::parse("whsec_c2VjcmV0")?.public_key(), None);
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn public_key(&self) -> Option<String> {
        match &self.0 {
            KeyKind::Hmac(_) => None,
            #[cfg(feature = "v1a")]
            KeyKind::Signing(key) => Some(ed25519::public_text(&key.verifying_key())),
            #[cfg(feature = "v1a")]
            KeyKind::Verifying(key) => Some(ed25519::public_text(key)),
        }
    }
}

/// A `whsk_` (`signing`) or `whpk_` key, from the base64 after its prefix.
#[cfg(feature = "v1a")]
fn ed25519_key(rest: &[u8], signing: bool) -> Result<StandardKey, SecretError> {
    if signing {
        ed25519::parse_signing(rest)
    } else {
        ed25519::parse_public(rest)
    }
}

/// Without the `v1a` feature, an Ed25519 key is a typed error naming the feature.
#[cfg(not(feature = "v1a"))]
fn ed25519_key(_: &[u8], signing: bool) -> Result<StandardKey, SecretError> {
    Err(SecretError::FeatureDisabled {
        kind: if signing {
            "an Ed25519 (`v1a`) signing key (`whsk_`)"
        } else {
            "an Ed25519 (`v1a`) public key (`whpk_`)"
        },
        feature: "v1a",
    })
}

pub(super) fn decode(
    text: &[u8],
    expected: &'static str,
) -> Result<Zeroizing<Vec<u8>>, SecretError> {
    if text.is_empty() {
        return Err(SecretError::EmptySecret { expected });
    }
    let bytes = BASE64
        .decode(text)
        .map_err(|_| SecretError::MalformedSecret {
            expected,
            reason: "not valid base64",
        })?;
    let bytes = Zeroizing::new(bytes);
    if bytes.is_empty() {
        return Err(SecretError::EmptySecret { expected });
    }
    Ok(bytes)
}

#[cfg(feature = "keygen")]
pub(super) fn generate(prefix: &str) -> Result<Secret, getrandom::Error> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::fill(bytes.as_mut_slice())?;
    let mut text = Zeroizing::new(String::with_capacity(prefix.len() + 44));
    text.push_str(prefix);
    BASE64.encode_string(bytes.as_slice(), &mut text);
    Ok(Secret::from(text.as_str()))
}

impl fmt::Debug for StandardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            KeyKind::Hmac(_) => "StandardKey::Hmac([redacted])",
            #[cfg(feature = "v1a")]
            KeyKind::Signing(_) => "StandardKey::Ed25519Signing([redacted])",
            #[cfg(feature = "v1a")]
            KeyKind::Verifying(_) => "StandardKey::Ed25519Public",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "v1a")]
    #[test]
    fn formats() {
        for (text, version, signs) in [
            ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "v1", true),
            ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "v1", true),
            ("whsec_AA", "v1", true),
            (
                "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=",
                "v1a",
                true,
            ),
            (
                "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=",
                "v1a",
                false,
            ),
        ] {
            let key = StandardKey::parse(text).unwrap();
            assert_eq!((key.version(), key.can_sign()), (version, signs), "{text}");
        }
    }

    #[test]
    fn errors_never_echo_the_secret() {
        for text in [
            "",
            "whsec_",
            "whsk_",
            "whpk_",
            "whsec_%%%%",
            "whsk_AAAA",
            "whpk_AAAA",
        ] {
            let err = StandardKey::parse(text).unwrap_err();
            let message = err.to_string();
            assert!(
                !message.contains("%%%%") && !message.contains("AAAA"),
                "{message}"
            );
        }
        assert!(matches!(
            StandardKey::parse("whsec_"),
            Err(SecretError::EmptySecret { .. })
        ));
        assert!(matches!(
            StandardKey::parse("whsec_===="),
            Err(SecretError::MalformedSecret { .. })
        ));
    }
}
