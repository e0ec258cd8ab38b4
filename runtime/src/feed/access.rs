//! Who may read the feed: [`FeedToken`]s, the [`FeedConsumer`] each belongs to, and the
//! [`FeedConsumers`] a [`router`](crate::feed::router) serves (see the
//! [module docs](crate::feed#a-closed-feed) for why bearer tokens and signed items).
// Checking tokens and signing for a consumer is the router's, built with `axum`.
#![cfg_attr(not(feature = "axum"), allow(dead_code))]

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::Timestamp;
use crate::clock::{Clock, SystemClock};
use crate::signature::{Scheme, SignError, StandardWebhooks};

/// A consumer's bearer token for the events feed: 32 to 512 characters of `A-Z a-z 0-9 - . _
/// ~ + / =` (RFC 6750's `b64token`).
///
/// It never shows its content ([`Debug`](fmt::Debug) prints `[redacted]`) and is zeroed when
/// dropped. [`generate`](Self::generate) makes one with 256 random bits.
///
/// ```
/// use hookwire::feed::FeedToken;
///
/// let token = FeedToken::generate()?;
/// assert!(token.expose_secret().starts_with("hwfeed_"));
/// assert_eq!(format!("{token:?}"), "FeedToken([redacted])");
/// assert!(FeedToken::new("short").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FeedToken(Zeroizing<String>);

impl FeedToken {
    /// The fewest characters a token may have.
    pub const MIN_LEN: usize = 32;
    /// The most characters a token may have.
    pub const MAX_LEN: usize = 512;

    /// Checks a token given to you (from your secret store, an environment variable).
    ///
    /// # Errors
    /// [`AccessError::InvalidToken`]: too short, too long, or a character a bearer token
    /// cannot hold. The message never includes the token.
    ///
    /// ```
    /// # use hookwire::feed::FeedToken;
    /// assert!(FeedToken::new("hwfeed_0123456789abcdefghijklmnopqrstuv").is_ok());
    /// assert!(FeedToken::new("has spaces in it, which no bearer token may hold").is_err());
    /// ```
    pub fn new(token: impl Into<String>) -> Result<Self, AccessError> {
        let token = Zeroizing::new(token.into());
        let length = token.chars().count();
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&length) {
            return Err(AccessError::InvalidToken {
                reason: "expected 32 to 512 characters (FeedToken::generate makes one)",
            });
        }
        if !token.chars().all(allowed) {
            return Err(AccessError::InvalidToken {
                reason: "expected only letters, digits and `-._~+/=`",
            });
        }
        Ok(FeedToken(token))
    }

    /// A new random token: `hwfeed_` and 32 random bytes in URL-safe base64.
    ///
    /// # Errors
    /// The operating system has no random source.
    ///
    /// ```
    /// # use hookwire::feed::FeedToken;
    /// assert_ne!(FeedToken::generate()?.expose_secret(), FeedToken::generate()?.expose_secret());
    /// # Ok::<(), getrandom::Error>(())
    /// ```
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = Zeroizing::new([0_u8; 32]);
        getrandom::fill(bytes.as_mut_slice())?;
        let mut token = Zeroizing::new(String::from("hwfeed_"));
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_string(*bytes, &mut token);
        Ok(FeedToken(token))
    }

    /// The token's text. The name is deliberately loud: call it only to send the token or to
    /// store it in your secret store.
    ///
    /// ```
    /// # use hookwire::feed::FeedToken;
    /// let token = FeedToken::new("x".repeat(40))?;
    /// assert_eq!(token.expose_secret().len(), 40);
    /// # Ok::<(), hookwire::feed::AccessError>(())
    /// ```
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }
}

impl fmt::Debug for FeedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FeedToken([redacted])")
    }
}

/// One reader of the feed: a name (for your logs), the digest of its bearer token, and the
/// secret its items are signed with.
///
/// ```
/// use hookwire::feed::{FeedConsumer, FeedToken};
/// use hookwire::signature::StandardWebhooks;
///
/// let token = FeedToken::new("hwfeed_acme_0123456789abcdefghijklmnop")?;
/// let acme = FeedConsumer::new("acme", &token, StandardWebhooks::new("whsec_c2VjcmV0")?)?;
/// assert_eq!(acme.name(), "acme");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FeedConsumer {
    name: String,
    digests: Vec<[u8; 32]>,
    signer: StandardWebhooks,
    scope: Option<Vec<String>>,
}

impl FeedConsumer {
    /// A consumer reading with `token`, whose items are signed with `signer` (the consumer's
    /// webhook secret, `whsec_...`, or an Ed25519 `whsk_...` whose `whpk_...` it holds).
    ///
    /// # Errors
    /// [`AccessError::InvalidName`] for an empty name or one over 64 characters or with
    /// control characters; [`AccessError::CannotSign`] for a scheme holding only public keys.
    ///
    /// ```
    /// # use hookwire::feed::{AccessError, FeedConsumer, FeedToken};
    /// # use hookwire::signature::{StandardKey, StandardWebhooks};
    /// let token = FeedToken::generate()?;
    /// let public_only = StandardWebhooks::new(StandardKey::ed25519_seed([1; 32]).public_key().unwrap())?;
    /// assert!(matches!(FeedConsumer::new("acme", &token, public_only), Err(AccessError::CannotSign { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        token: &FeedToken,
        signer: StandardWebhooks,
    ) -> Result<Self, AccessError> {
        let name = name.into();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(AccessError::InvalidName {
                name: name.chars().take(64).filter(|c| !c.is_control()).collect(),
            });
        }
        match signer.sign("probe", Timestamp::from_unix(0), b"") {
            Ok(_) => {}
            Err(error) => return Err(AccessError::CannotSign { name, error }),
        }
        Ok(FeedConsumer {
            name,
            digests: vec![token.digest()],
            signer,
            scope: None,
        })
    }

    /// Only these event types (exact, or `prefix.*`) for this consumer: its reads are
    /// narrowed to them (a read of every type reads these; a read asking only for others is
    /// `403`). Without it, a consumer reads every type.
    ///
    /// ```
    /// # use hookwire::feed::{FeedConsumer, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let acme = FeedConsumer::new("acme", &FeedToken::generate()?, StandardWebhooks::new("whsec_c2VjcmV0")?)?
    ///     .types(["order.*", "refund.issued"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn types<T: Into<String>>(mut self, types: impl IntoIterator<Item = T>) -> Self {
        self.scope = Some(types.into_iter().map(Into::into).collect());
        self
    }

    /// Also accepts `token` (rotation: add the new token, hand it out, then drop the old one
    /// by building the consumer again without it).
    ///
    /// ```
    /// # use hookwire::feed::{FeedConsumer, FeedToken};
    /// # use hookwire::signature::StandardWebhooks;
    /// let (old, new) = (FeedToken::generate()?, FeedToken::generate()?);
    /// let acme = FeedConsumer::new("acme", &old, StandardWebhooks::new("whsec_c2VjcmV0")?)?.also_token(&new);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn also_token(mut self, token: &FeedToken) -> Self {
        self.digests.push(token.digest());
        self
    }

    /// The consumer's name.
    ///
    /// See [`FeedConsumer`] for an example.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The scheme this consumer's items are signed with.
    pub(crate) fn signer(&self) -> &StandardWebhooks {
        &self.signer
    }

    /// The types this consumer may read, if it is limited.
    pub(crate) fn scope(&self) -> Option<&[String]> {
        self.scope.as_deref()
    }
}

impl fmt::Debug for FeedConsumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedConsumer")
            .field("name", &self.name)
            .field("tokens", &self.digests.len())
            .field("types", &self.scope)
            .finish_non_exhaustive()
    }
}

/// The consumers a feed [`router`](crate::feed::router) serves. Empty, it refuses everyone.
///
/// ```
/// use hookwire::feed::{FeedConsumer, FeedConsumers, FeedToken};
/// use hookwire::signature::StandardWebhooks;
///
/// let acme = FeedToken::generate()?;
/// let globex = FeedToken::generate()?;
/// let consumers = FeedConsumers::new()
///     .with(FeedConsumer::new("acme", &acme, StandardWebhooks::new("whsec_YWNtZSBzZWNyZXQ=")?)?)?
///     .with(FeedConsumer::new("globex", &globex, StandardWebhooks::new("whsec_Z2xvYmV4IHNlY3JldA==")?)?)?;
/// assert_eq!(consumers.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct FeedConsumers {
    consumers: Vec<FeedConsumer>,
    clock: Arc<dyn Clock>,
}

impl Default for FeedConsumers {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for FeedConsumers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.consumers).finish()
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No `Authorization: Bearer` header.
    Missing,
    /// A token no consumer holds.
    Invalid,
}

impl FeedConsumers {
    /// No consumers yet (every request is refused).
    ///
    /// ```
    /// # use hookwire::feed::FeedConsumers;
    /// assert!(FeedConsumers::new().is_empty());
    /// ```
    pub fn new() -> Self {
        FeedConsumers {
            consumers: Vec::new(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Adds a consumer.
    ///
    /// # Errors
    /// [`AccessError::Duplicate`] when its name or one of its tokens is another consumer's.
    ///
    /// See [`FeedConsumers`] for an example.
    pub fn with(mut self, consumer: FeedConsumer) -> Result<Self, AccessError> {
        for other in &self.consumers {
            let shared = consumer
                .digests
                .iter()
                .any(|digest| other.digests.contains(digest));
            if other.name == consumer.name || shared {
                return Err(AccessError::Duplicate {
                    name: consumer.name,
                    other: other.name.clone(),
                });
            }
        }
        self.consumers.push(consumer);
        Ok(self)
    }

    /// The clock items are signed by (default: the system's).
    ///
    /// ```
    /// # use hookwire::feed::FeedConsumers;
    /// let consumers = FeedConsumers::new().clock(hookwire::clock::FixedClock::new(1_700_000_000));
    /// ```
    #[must_use]
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How many consumers there are.
    ///
    /// See [`FeedConsumers`] for an example.
    pub fn len(&self) -> usize {
        self.consumers.len()
    }

    /// Whether there are none.
    ///
    /// See [`FeedConsumers::new`] for an example.
    pub fn is_empty(&self) -> bool {
        self.consumers.is_empty()
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The consumer holding the bearer token in `authorization` (an `Authorization` header's
    /// value). The presented token is hashed and compared with every digest in constant time,
    /// without stopping at a match, so timing tells nothing about the tokens.
    pub(crate) fn authenticate(
        &self,
        authorization: Option<&[u8]>,
    ) -> Result<&FeedConsumer, Refusal> {
        let token = authorization.and_then(bearer).ok_or(Refusal::Missing)?;
        let presented: [u8; 32] = Sha256::digest(token).into();
        let mut found = None;
        for consumer in &self.consumers {
            for digest in &consumer.digests {
                if bool::from(digest.ct_eq(&presented)) {
                    found = Some(consumer);
                }
            }
        }
        found.ok_or(Refusal::Invalid)
    }
}

/// The token of `Bearer <token>` (the scheme name in any case, RFC 7235).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, token) = value.split_at_checked(7)?;
    let token = token.trim_ascii();
    (scheme.eq_ignore_ascii_case(b"bearer ") && !token.is_empty()).then_some(token)
}

/// A feed consumer or token could not be set up. No message includes a token or secret.
///
/// ```
/// use hookwire::feed::AccessError;
/// let error = AccessError::Duplicate { name: "acme".into(), other: "acme".into() };
/// assert!(error.to_string().contains("acme"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// The token cannot be a bearer token.
    #[error("invalid feed token: {reason}")]
    InvalidToken {
        /// What is wrong, and what is accepted.
        reason: &'static str,
    },
    /// The consumer's name is empty, too long or holds control characters.
    #[error(
        "invalid feed consumer name `{name}`: expected 1 to 64 characters, none a control character"
    )]
    InvalidName {
        /// The name (shortened, control characters removed).
        name: String,
    },
    /// The consumer's scheme cannot sign items.
    #[error("feed consumer `{name}` cannot be served: {error}")]
    CannotSign {
        /// The consumer.
        name: String,
        /// Why its scheme cannot sign.
        #[source]
        error: SignError,
    },
    /// Two consumers share a name or a token.
    #[error(
        "feed consumer `{name}` has the name or a token of consumer `{other}`: give each its own"
    )]
    Duplicate {
        /// The consumer being added.
        name: String,
        /// The one already there.
        other: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumers() -> (FeedConsumers, FeedToken, FeedToken) {
        let (a, b) = (
            FeedToken::generate().unwrap(),
            FeedToken::generate().unwrap(),
        );
        let scheme = StandardWebhooks::new("whsec_c2VjcmV0").unwrap();
        let consumers = FeedConsumers::new()
            .with(FeedConsumer::new("a", &a, scheme.clone()).unwrap())
            .unwrap()
            .with(FeedConsumer::new("b", &b, scheme).unwrap())
            .unwrap();
        (consumers, a, b)
    }

    #[test]
    fn tokens_select_their_consumer() {
        let (consumers, a, b) = consumers();
        let header = |t: &FeedToken| format!("Bearer {}", t.expose_secret());
        let found = |h: &str| consumers.authenticate(Some(h.as_bytes())).map(|c| c.name());
        assert_eq!(found(&header(&a)), Ok("a"));
        assert_eq!(found(&header(&b)), Ok("b"));
        assert_eq!(found(&format!("bearer  {} ", b.expose_secret())), Ok("b"));
        assert_eq!(found("Bearer hwfeed_wrong"), Err(Refusal::Invalid));
        assert_eq!(found("Basic dXNlcjpwYXNz"), Err(Refusal::Missing));
        assert_eq!(found("Bearer "), Err(Refusal::Missing));
        assert_eq!(consumers.authenticate(None).err(), Some(Refusal::Missing));
    }

    #[test]
    fn a_shared_token_or_name_is_refused() {
        let (consumers, a, _) = consumers();
        let scheme = StandardWebhooks::new("whsec_c2VjcmV0").unwrap();
        let again = FeedConsumer::new("c", &a, scheme.clone()).unwrap();
        assert!(matches!(
            consumers.clone().with(again),
            Err(AccessError::Duplicate { .. })
        ));
        let named = FeedConsumer::new("a", &FeedToken::generate().unwrap(), scheme).unwrap();
        assert!(matches!(
            consumers.with(named),
            Err(AccessError::Duplicate { .. })
        ));
    }

    #[test]
    fn nothing_shows_a_token() {
        let (consumers, a, _) = consumers();
        let shown = format!("{consumers:?} {a:?}");
        assert!(!shown.contains(a.expose_secret()), "{shown}");
        let error = FeedToken::new(format!("{} with a space", a.expose_secret())).unwrap_err();
        assert!(!error.to_string().contains(a.expose_secret()));
    }
}
