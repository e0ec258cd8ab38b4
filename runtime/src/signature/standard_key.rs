//! Standard Webhooks keys: `whsec_` (HMAC-SHA256, `v1`), `whsk_` and `whpk_` (Ed25519, `v1a`).

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use zeroize::Zeroizing;

use crate::signature::encoding::BASE64;
use crate::signature::secret::HmacKey;
use crate::signature::{Secret, SecretError};

const EXPECTED: &str = "`whsec_` followed by base64 (or bare base64) for v1, \
                        `whsk_` or `whpk_` followed by base64 for v1a";
const EXPECTED_SIGNING: &str = "`whsk_` followed by the base64 of a 32-byte ed25519 seed \
                                (or of 64 bytes: seed then public key)";
const EXPECTED_PUBLIC: &str = "`whpk_` followed by the base64 of a 32-byte ed25519 public key";

/// One Standard Webhooks key: an HMAC-SHA256 secret (`v1`), an Ed25519 signing key (`v1a`,
/// signs and verifies) or an Ed25519 public key (`v1a`, verifies only).
///
/// Parsed from the formats the specification defines: `whsec_<base64>` (or bare base64, as the
/// reference libraries accept; short keys are accepted, empty ones are not), `whsk_<base64>`
/// and `whpk_<base64>`. The key material never appears in `Debug` output; the decoded secret
/// bytes and Ed25519 signing keys are zeroized on drop (the HMAC pad state derived from a
/// `whsec_` key is not, for speed).
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
    Signing(Box<SigningKey>),
    Verifying(VerifyingKey),
}

impl StandardKey {
    /// Parses a key in one of the Standard Webhooks formats (see the type's documentation).
    ///
    /// # Errors
    ///
    /// [`SecretError::EmptySecret`] for an empty key, [`SecretError::MalformedSecret`] for
    /// anything that is not base64 of the right length after its prefix.
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
            Self::parse_signing(rest)
        } else if let Some(rest) = text.strip_prefix(b"whpk_") {
            Self::parse_public(rest)
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

    /// An Ed25519 (`v1a`) signing key from its 32-byte seed.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// let key = StandardKey::ed25519_seed(*b"TESTSIGNINGKEYDONOTUSETHISFORANY");
    /// assert!(key.can_sign());
    /// ```
    pub fn ed25519_seed(seed: [u8; 32]) -> Self {
        let seed = Zeroizing::new(seed);
        Self(KeyKind::Signing(Box::new(SigningKey::from_bytes(&seed))))
    }

    /// An Ed25519 (`v1a`) public key, which verifies but cannot sign.
    ///
    /// # Errors
    ///
    /// [`SecretError::MalformedSecret`] when the bytes are not a valid curve point, or are a
    /// weak (small-order) point, under which forged signatures verify.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// let signing = StandardKey::ed25519_seed([7; 32]);
    /// let public = signing.public_key().unwrap();
    /// let key = StandardKey::parse(public)?;
    /// assert!(!key.can_sign());
    /// # Ok::<(), hookwire::signature::SecretError>(())
    /// ```
    pub fn ed25519_public(key: [u8; 32]) -> Result<Self, SecretError> {
        let key = VerifyingKey::from_bytes(&key).map_err(|_| SecretError::MalformedSecret {
            expected: EXPECTED_PUBLIC,
            reason: "the bytes are not a valid ed25519 public key",
        })?;
        if key.is_weak() {
            // A small-order key accepts forged signatures on many messages.
            return Err(SecretError::MalformedSecret {
                expected: EXPECTED_PUBLIC,
                reason: "a weak (small-order) ed25519 public key, which would accept forged signatures",
            });
        }
        Ok(Self(KeyKind::Verifying(key)))
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
    pub fn generate_hmac_secret() -> Result<Secret, getrandom::Error> {
        generate("whsec_")
    }

    /// Generates a new random Ed25519 signing key, formatted `whsk_<base64 seed>`. Give the
    /// receiver its [`public_key`](StandardKey::public_key).
    ///
    /// # Errors
    ///
    /// When the operating system has no random source available.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// let secret = StandardKey::generate_signing_key()?;
    /// assert!(StandardKey::parse(secret)?.can_sign());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn generate_signing_key() -> Result<Secret, getrandom::Error> {
        generate("whsk_")
    }

    /// The signature version this key produces and checks: `"v1"` or `"v1a"`.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// assert_eq!(StandardKey::ed25519_seed([1; 32]).version(), "v1a");
    /// ```
    pub fn version(&self) -> &'static str {
        match self.0 {
            KeyKind::Hmac(_) => "v1",
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
        !matches!(self.0, KeyKind::Verifying(_))
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
        let public = match &self.0 {
            KeyKind::Hmac(_) => return None,
            KeyKind::Signing(key) => key.verifying_key(),
            KeyKind::Verifying(key) => *key,
        };
        Some(format!("whpk_{}", BASE64.encode(public.as_bytes())))
    }

    fn parse_signing(rest: &[u8]) -> Result<Self, SecretError> {
        let bytes = decode(rest, EXPECTED_SIGNING)?;
        if let Ok(seed) = <[u8; 32]>::try_from(bytes.as_slice()) {
            return Ok(Self::ed25519_seed(seed));
        }
        let pair =
            <[u8; 64]>::try_from(bytes.as_slice()).map_err(|_| SecretError::MalformedSecret {
                expected: EXPECTED_SIGNING,
                reason: "wrong length",
            })?;
        let pair = Zeroizing::new(pair);
        SigningKey::from_keypair_bytes(&pair)
            .map(|key| Self(KeyKind::Signing(Box::new(key))))
            .map_err(|_| SecretError::MalformedSecret {
                expected: EXPECTED_SIGNING,
                reason: "the public half does not belong to the seed",
            })
    }

    fn parse_public(rest: &[u8]) -> Result<Self, SecretError> {
        let bytes = decode(rest, EXPECTED_PUBLIC)?;
        let key =
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| SecretError::MalformedSecret {
                expected: EXPECTED_PUBLIC,
                reason: "wrong length",
            })?;
        Self::ed25519_public(key)
    }
}

fn decode(text: &[u8], expected: &'static str) -> Result<Zeroizing<Vec<u8>>, SecretError> {
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

fn generate(prefix: &str) -> Result<Secret, getrandom::Error> {
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
            KeyKind::Signing(_) => "StandardKey::Ed25519Signing([redacted])",
            KeyKind::Verifying(_) => "StandardKey::Ed25519Public",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn keypair_form() {
        let key = StandardKey::ed25519_seed([3; 32]);
        let KeyKind::Signing(inner) = &key.0 else {
            panic!("signing key expected")
        };
        let pair = format!("whsk_{}", BASE64.encode(inner.to_keypair_bytes()));
        assert!(StandardKey::parse(pair).unwrap().can_sign());
        let mut wrong = inner.to_keypair_bytes();
        wrong[40] ^= 1;
        let wrong = format!("whsk_{}", BASE64.encode(wrong));
        assert!(matches!(
            StandardKey::parse(wrong),
            Err(SecretError::MalformedSecret { .. })
        ));
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
