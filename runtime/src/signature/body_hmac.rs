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

/// The constructors and the [`Scheme`](crate::signature::Scheme) impl of a scheme that signs
/// the body alone: a struct `$ty { keys: Keyring }` speaking the wire format `$wire`, whose
/// secret `$expected` describes. GitHub and Shopify are the same scheme but for those.
macro_rules! body_hmac_scheme {
    ($ty:ident, $provider:ident, $wire:path, $expected:path) => {
        impl $ty {
            #[doc = concat!(
                "A verifier and signer for one secret.\n\n# Errors\n\n",
                "[`SecretError::EmptySecret`] when the secret is empty.\n\n```\n",
                "# use hookwire::signature::", stringify!($ty), ";\n",
                "assert!(", stringify!($ty), "::new(\"hush\").is_ok());\n",
                "assert!(", stringify!($ty), "::new(\"\").is_err());\n```"
            )]
            pub fn new(secret: impl Into<Secret>) -> Result<Self, SecretError> {
                Ok(Self {
                    keys: Keyring::new(secret.into(), $expected)?,
                })
            }

            #[doc = concat!(
                "Adds another secret that verifies (rotation); signing keeps using the first.\n\n",
                "# Errors\n\nAs [`new`](", stringify!($ty), "::new).\n\n```\n",
                "# use hookwire::Timestamp;\n",
                "# use hookwire::signature::{Scheme, ", stringify!($ty), "};\n",
                "let both = ", stringify!($ty), "::new(\"new\")?.with_secret(\"old\")?;\n",
                "let headers = ", stringify!($ty), "::new(\"old\")?.sign(\"\", Timestamp::from_unix(0), b\"{}\")?;\n",
                "assert!(both.verify(&headers, b\"{}\", Timestamp::from_unix(0)).is_ok());\n",
                "# Ok::<(), Box<dyn std::error::Error>>(())\n```"
            )]
            pub fn with_secret(mut self, secret: impl Into<Secret>) -> Result<Self, SecretError> {
                self.keys.push(secret.into(), $expected)?;
                Ok(self)
            }
        }

        impl Scheme for $ty {
            fn provider(&self) -> Provider {
                Provider::$provider
            }

            fn verify<'b>(
                &self,
                headers: &dyn HeaderLookup,
                body: &'b [u8],
                _now: Timestamp,
            ) -> Result<Verified<'b>, VerifyError> {
                $wire.verify(&self.keys, headers, body)
            }

            fn sign(
                &self,
                id: &str,
                _timestamp: Timestamp,
                body: &[u8],
            ) -> Result<SignedHeaders, SignError> {
                $wire.sign(&self.keys, id, body)
            }
        }
    };
}

pub(crate) use body_hmac_scheme;
