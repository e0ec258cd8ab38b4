//! The schemes that sign the raw body alone with HMAC-SHA256 and no timestamp (GitHub,
//! Shopify): they differ only in header names and in how the tag is written. [`Tag`] also
//! writes Slack's `v0=<hex>`.

use base64::Engine as _;

use crate::signature::encoding::{BASE64, base64_exact, hex_exact, hex_lower};
use crate::signature::headers::require;
use crate::signature::secret::Keyring;
use crate::signature::{
    HeaderLookup, SignError, SignedHeaders, Verified, VerifyError, check_id, read_id,
};

/// How the 32-byte tag is written in the signature header.
pub(crate) enum Tag {
    /// `prefix` then 64 hex digits (read in either case, written in lowercase); the header is
    /// not trimmed.
    PrefixedHex(&'static str),
    /// Standard base64, padded when written; surrounding whitespace is trimmed when read.
    Base64,
}

impl Tag {
    /// The tag in a signature header's value, if it is written this way.
    pub(crate) fn decode(&self, header: &str) -> Option<[u8; 32]> {
        match *self {
            Tag::PrefixedHex(prefix) => header
                .strip_prefix(prefix)
                .and_then(|hex| hex_exact::<32>(hex.as_bytes())),
            Tag::Base64 => base64_exact::<32>(header.trim().as_bytes()),
        }
    }

    /// The signature header's value for `tag`.
    pub(crate) fn encode(&self, tag: &[u8; 32]) -> String {
        match *self {
            Tag::PrefixedHex(prefix) => format!("{prefix}{}", hex_lower(tag)),
            Tag::Base64 => BASE64.encode(tag),
        }
    }
}

/// One body-HMAC wire format: its headers and its tag encoding.
pub(crate) struct BodyHmac {
    /// The header carrying the tag.
    pub(crate) signature: &'static str,
    pub(crate) tag: Tag,
    /// The reason given when the signature header does not decode.
    pub(crate) malformed: &'static str,
    /// The delivery id headers, read in this order; signing sends the first.
    pub(crate) ids: &'static [&'static str],
}

impl BodyHmac {
    /// The header a signed delivery id is sent in.
    pub(crate) fn id_header(&self) -> Option<&'static str> {
        self.ids.first().copied()
    }

    /// Checks the signature header against `body` with every key; reads the delivery id.
    pub(crate) fn verify<'b>(
        &self,
        keys: &Keyring,
        headers: &dyn HeaderLookup,
        body: &'b [u8],
    ) -> Result<Verified<'b>, VerifyError> {
        let header = require(headers, self.signature)?;
        let candidate = self
            .tag
            .decode(header)
            .ok_or(VerifyError::MalformedHeader {
                name: self.signature,
                reason: self.malformed,
            })?;
        let id = read_id(headers, self.ids)?;
        if keys.matches(&[body], &candidate) {
            Ok(Verified::new(id, None, body))
        } else {
            Err(VerifyError::NoMatchingSignature)
        }
    }

    /// The signature header with the first key, and the id header when `id` is not empty.
    pub(crate) fn sign(
        &self,
        keys: &Keyring,
        id: &str,
        body: &[u8],
    ) -> Result<SignedHeaders, SignError> {
        let mut headers = SignedHeaders::new();
        if let Some(key) = keys.keys().first() {
            headers.push(self.signature, self.tag.encode(&key.tag(&[body])));
        }
        if !id.is_empty() {
            check_id(id.as_bytes())?;
            if let Some(name) = self.id_header() {
                headers.push(name, id.to_owned());
            }
        }
        Ok(headers)
    }
}
