//! Standard Webhooks `v1a`: Ed25519 keys (`whsk_`, `whpk_`), signing and strict verification.
//! Only with the `v1a` feature; the rest of the scheme does not know about ed25519-dalek.

use base64::Engine as _;
use ed25519_dalek::ed25519::signature::{MultipartSigner, MultipartVerifier};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use zeroize::Zeroizing;

#[cfg(feature = "keygen")]
use crate::signature::Secret;
use crate::signature::encoding::{BASE64, base64_exact};
#[cfg(feature = "keygen")]
use crate::signature::standard_key::generate;
use crate::signature::standard_key::{KeyKind, decode};
use crate::signature::{SecretError, SignError, StandardKey};

const EXPECTED_SIGNING: &str = "`whsk_` followed by the base64 of a 32-byte ed25519 seed \
                                (or of 64 bytes: seed then public key)";
const EXPECTED_PUBLIC: &str = "`whpk_` followed by the base64 of a 32-byte ed25519 public key";

/// At most this many `v1a` entries are checked per key: an Ed25519 verification costs tens of
/// microseconds, and a header stuffed with bogus entries must not multiply it. Senders emit one
/// entry per active key, so real headers hold one or two.
pub(super) const MAX_ASYMMETRIC_ENTRIES: usize = 8;

impl StandardKey {
    /// An Ed25519 (`v1a`) signing key from its 32-byte seed.
    ///
    /// ```
    /// # use hookwire::signature::StandardKey;
    /// let key = StandardKey::ed25519_seed(*b"TESTSIGNINGKEYDONOTUSETHISFORANY");
    /// assert!(key.can_sign());
    /// assert_eq!(key.version(), "v1a");
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "v1a")))]
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
    #[cfg_attr(docsrs, doc(cfg(feature = "v1a")))]
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
    #[cfg(feature = "keygen")]
    #[cfg_attr(docsrs, doc(cfg(all(feature = "v1a", feature = "keygen"))))]
    pub fn generate_signing_key() -> Result<Secret, getrandom::Error> {
        generate("whsk_")
    }
}

/// The `whpk_` text of a public key.
pub(super) fn public_text(key: &VerifyingKey) -> String {
    format!("whpk_{}", BASE64.encode(key.as_bytes()))
}

/// A `whsk_` key from the base64 after its prefix: a 32-byte seed, or seed and public key.
pub(super) fn parse_signing(rest: &[u8]) -> Result<StandardKey, SecretError> {
    let bytes = decode(rest, EXPECTED_SIGNING)?;
    if let Ok(seed) = <[u8; 32]>::try_from(bytes.as_slice()) {
        return Ok(StandardKey::ed25519_seed(seed));
    }
    let pair =
        <[u8; 64]>::try_from(bytes.as_slice()).map_err(|_| SecretError::MalformedSecret {
            expected: EXPECTED_SIGNING,
            reason: "wrong length",
        })?;
    let pair = Zeroizing::new(pair);
    SigningKey::from_keypair_bytes(&pair)
        .map(|key| StandardKey(KeyKind::Signing(Box::new(key))))
        .map_err(|_| SecretError::MalformedSecret {
            expected: EXPECTED_SIGNING,
            reason: "the public half does not belong to the seed",
        })
}

/// A `whpk_` key from the base64 after its prefix.
pub(super) fn parse_public(rest: &[u8]) -> Result<StandardKey, SecretError> {
    let bytes = decode(rest, EXPECTED_PUBLIC)?;
    let key = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| SecretError::MalformedSecret {
        expected: EXPECTED_PUBLIC,
        reason: "wrong length",
    })?;
    StandardKey::ed25519_public(key)
}

/// Appends `v1a,<base64 signature>` of the signed pieces to `value`.
pub(super) fn sign(
    key: &SigningKey,
    signed: &[&[u8]],
    value: &mut String,
) -> Result<(), SignError> {
    let signature: Signature = key
        .try_multipart_sign(signed)
        .map_err(|_| SignError::NoSigningKey)?;
    value.push_str("v1a,");
    BASE64.encode_string(signature.to_bytes(), value);
    Ok(())
}

/// Whether any of the first [`MAX_ASYMMETRIC_ENTRIES`] `v1a` entries of the header verifies
/// under `key`; sets `supported` when the header has one.
pub(super) fn verify<'h, K: MultipartVerifier<Signature>>(
    key: &K,
    v1a: impl Iterator<Item = &'h str>,
    signed: &[&[u8]],
    supported: &mut bool,
) -> bool {
    for value in v1a.take(MAX_ASYMMETRIC_ENTRIES) {
        *supported = true;
        let Some(bytes) = base64_exact::<64>(value.as_bytes()) else {
            continue;
        };
        if !strict_r(&bytes) {
            continue;
        }
        let signature = Signature::from_bytes(&bytes);
        if key.multipart_verify(signed, &signature).is_ok() {
            return true;
        }
    }
    false
}

/// Strict verification (as `verify_strict`, over the signed content in pieces): the
/// signature's `R` must be a valid point of more than small order. The key's own order is
/// checked when it is parsed ([`StandardKey::ed25519_public`]). `R` is decoded as a curve
/// point through `VerifyingKey`, which knows both checks.
fn strict_r(signature: &[u8; 64]) -> bool {
    let mut r = [0u8; 32];
    r.copy_from_slice(&signature[..32]);
    VerifyingKey::from_bytes(&r).is_ok_and(|point| !point.is_weak())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
