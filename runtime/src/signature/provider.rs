//! [`Provider`]: what each webhook provider is, in one place, free of any HTTP framework.
//!
//! The receiver reads a provider's body shape, content types and headers from here; the CLI
//! builds a scheme from a provider and its secrets; nothing matches on a scheme's name.

use std::sync::Arc;

use crate::signature::{
    GitHub, Scheme, Secret, SecretError, Shopify, Slack, StandardWebhooks, Stripe, Tolerance,
};

/// A webhook provider hookwire speaks: its wire format and where it puts the delivery's facts.
///
/// | provider | body shape | event type | delivery id | signed timestamp | content types |
/// |---|---|---|---|---|---|
/// | Standard Webhooks | [`Envelope`](BodyShape::Envelope) | body `type` | `webhook-id` (signed) | symmetric window | JSON |
/// | Stripe | [`StripeEvent`](BodyShape::StripeEvent) | body `type` | body `id` (signed) | past only | JSON |
/// | GitHub | [`Whole`](BodyShape::Whole) | `X-GitHub-Event` (not signed) | `X-GitHub-Delivery` (not signed) | none | JSON |
/// | Shopify | [`Whole`](BodyShape::Whole) | `X-Shopify-Topic` (not signed) | `X-Shopify-Event-Id` (not signed) | none | JSON |
/// | Slack | [`SlackEvent`](BodyShape::SlackEvent) | body `type` | body `event_id` (signed) | symmetric window | JSON or form |
///
/// ```
/// use hookwire::signature::{BodyShape, GitHub, Provider, Scheme};
///
/// let github = GitHub::new("It's a Secret to Everybody")?;
/// assert_eq!(github.provider(), Provider::GitHub);
/// assert_eq!(Provider::GitHub.event_type_header(), Some("x-github-event"));
/// assert_eq!(Provider::GitHub.body_shape(), BodyShape::Whole);
/// assert!(!Provider::GitHub.signs_id());
/// assert_eq!(Provider::Slack.id_in_body(), Some("event_id"));
/// # Ok::<(), hookwire::signature::SecretError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// Standard Webhooks (and Svix): `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    StandardWebhooks,
    /// Stripe: `Stripe-Signature: t=..,v1=..`.
    Stripe,
    /// GitHub: `X-Hub-Signature-256`, `X-GitHub-Event`, `X-GitHub-Delivery`.
    GitHub,
    /// Shopify: `X-Shopify-Hmac-Sha256`, `X-Shopify-Topic`, `X-Shopify-Event-Id`.
    Shopify,
    /// Slack: `X-Slack-Signature`, `X-Slack-Request-Timestamp`.
    Slack,
}

/// Where a provider puts the event type and which part of the body is the event.
///
/// ```
/// use hookwire::signature::{BodyShape, Provider};
/// assert_eq!(Provider::Stripe.body_shape(), BodyShape::StripeEvent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BodyShape {
    /// The Standard Webhooks envelope `{"type", "timestamp", "data"}`: the event is `data`.
    Envelope,
    /// A Stripe event object `{"id", "type", "created", "data": {"object"}}`: the event is
    /// `data.object`.
    StripeEvent,
    /// The whole body is the event; its type is in a header.
    Whole,
    /// A Slack Events API callback: the whole body is the event, its type in the body's
    /// `type`, its id in `event_id`.
    SlackEvent,
}

/// How a provider bounds the signed timestamp.
///
/// ```
/// use hookwire::signature::{Provider, ToleranceShape};
/// assert_eq!(Provider::Stripe.tolerance_shape(), ToleranceShape::PastOnly);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ToleranceShape {
    /// No timestamp is signed: nothing to bound (replays are not detected by the signature).
    Unsigned,
    /// As far into the past as into the future.
    Symmetric,
    /// Bounded in the past only, as Stripe's own libraries check.
    PastOnly,
}

/// Why [`Provider::scheme`] could not build a scheme.
///
/// ```
/// use hookwire::signature::{Provider, SchemeBuildError};
///
/// let error = Provider::StandardWebhooks.scheme(["whsec_not!base64"], None).unwrap_err();
/// assert!(matches!(error, SchemeBuildError::Secret { position: 1, .. }));
/// assert!(matches!(Provider::GitHub.scheme(Vec::<String>::new(), None), Err(SchemeBuildError::NoSecret)));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum SchemeBuildError {
    /// No secret was given: a scheme needs at least one.
    NoSecret,
    /// The secret at `position` (1 for the first) is malformed.
    Secret {
        /// Which secret, counting from 1.
        position: usize,
        /// Why it is invalid (never the secret itself).
        source: SecretError,
    },
}

impl std::fmt::Display for SchemeBuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemeBuildError::NoSecret => {
                f.write_str("no secret given: a scheme needs at least one")
            }
            SchemeBuildError::Secret { position, source } => {
                write!(f, "secret #{position} is invalid: {source}")
            }
        }
    }
}

impl std::error::Error for SchemeBuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SchemeBuildError::NoSecret => None,
            SchemeBuildError::Secret { source, .. } => Some(source),
        }
    }
}

const JSON: &[&str] = &["application/json"];
const JSON_OR_FORM: &[&str] = &["application/json", "application/x-www-form-urlencoded"];

impl Provider {
    /// Every provider, in a stable order.
    pub const ALL: [Provider; 5] = [
        Provider::StandardWebhooks,
        Provider::Stripe,
        Provider::GitHub,
        Provider::Shopify,
        Provider::Slack,
    ];

    /// The short, stable name logs, metrics and dedup keys use (`"standard-webhooks"`,
    /// `"stripe"`, `"github"`, `"shopify"`, `"slack"`).
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert_eq!(Provider::StandardWebhooks.name(), "standard-webhooks");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Provider::StandardWebhooks => "standard-webhooks",
            Provider::Stripe => "stripe",
            Provider::GitHub => "github",
            Provider::Shopify => "shopify",
            Provider::Slack => "slack",
        }
    }

    /// Where the event type is and which part of the body is the event.
    ///
    /// ```
    /// # use hookwire::signature::{BodyShape, Provider};
    /// assert_eq!(Provider::StandardWebhooks.body_shape(), BodyShape::Envelope);
    /// ```
    pub const fn body_shape(self) -> BodyShape {
        match self {
            Provider::StandardWebhooks => BodyShape::Envelope,
            Provider::Stripe => BodyShape::StripeEvent,
            Provider::GitHub | Provider::Shopify => BodyShape::Whole,
            Provider::Slack => BodyShape::SlackEvent,
        }
    }

    /// The content types the provider's senders use (essences, lowercase).
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert!(Provider::Slack.content_types().contains(&"application/x-www-form-urlencoded"));
    /// assert_eq!(Provider::GitHub.content_types(), ["application/json"]);
    /// ```
    pub const fn content_types(self) -> &'static [&'static str] {
        match self {
            Provider::Slack => JSON_OR_FORM,
            _ => JSON,
        }
    }

    /// How the signed timestamp is bounded.
    ///
    /// ```
    /// # use hookwire::signature::{Provider, ToleranceShape};
    /// assert_eq!(Provider::GitHub.tolerance_shape(), ToleranceShape::Unsigned);
    /// ```
    pub const fn tolerance_shape(self) -> ToleranceShape {
        match self {
            Provider::StandardWebhooks | Provider::Slack => ToleranceShape::Symmetric,
            Provider::Stripe => ToleranceShape::PastOnly,
            Provider::GitHub | Provider::Shopify => ToleranceShape::Unsigned,
        }
    }

    /// Whether a timestamp is signed (and so checked against a tolerance).
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert!(Provider::Slack.signs_timestamp());
    /// assert!(!Provider::Shopify.signs_timestamp());
    /// ```
    pub const fn signs_timestamp(self) -> bool {
        !matches!(self.tolerance_shape(), ToleranceShape::Unsigned)
    }

    /// The tolerance window of `seconds` in the provider's shape; `None` when no timestamp is
    /// signed.
    ///
    /// ```
    /// # use hookwire::signature::{Provider, Tolerance};
    /// assert_eq!(Provider::Stripe.tolerance(60), Some(Tolerance::past_only(60)));
    /// assert_eq!(Provider::Slack.tolerance(60), Some(Tolerance::symmetric(60)));
    /// assert_eq!(Provider::GitHub.tolerance(60), None);
    /// ```
    pub const fn tolerance(self, seconds: u64) -> Option<Tolerance> {
        match self.tolerance_shape() {
            ToleranceShape::Unsigned => None,
            ToleranceShape::Symmetric => Some(Tolerance::symmetric(seconds)),
            ToleranceShape::PastOnly => Some(Tolerance::past_only(seconds)),
        }
    }

    /// What the provider's secret looks like, for help texts and error messages.
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert!(Provider::StandardWebhooks.secret_format().contains("whsec_"));
    /// ```
    pub const fn secret_format(self) -> &'static str {
        match self {
            Provider::StandardWebhooks => {
                "`whsec_` + base64 (v1, HMAC-SHA256), `whsk_` + base64 of an Ed25519 seed (v1a, \
                 signing) or `whpk_` + base64 of an Ed25519 public key (v1a, verifying)"
            }
            Provider::Stripe => {
                "the endpoint's signing secret exactly as Stripe shows it (`whsec_...`, used as is)"
            }
            Provider::GitHub => "the webhook secret configured on GitHub (any text)",
            Provider::Shopify => "the app's client secret (or the webhook signing secret)",
            Provider::Slack => "the app's signing secret (not the verification token)",
        }
    }

    /// The header carrying the delivery id, when the provider sends one in a header.
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert_eq!(Provider::Shopify.id_header(), Some("x-shopify-event-id"));
    /// assert_eq!(Provider::Stripe.id_header(), None);
    /// ```
    pub const fn id_header(self) -> Option<&'static str> {
        match self {
            Provider::StandardWebhooks => Some("webhook-id"),
            Provider::GitHub => Some("x-github-delivery"),
            Provider::Shopify => Some("x-shopify-event-id"),
            Provider::Stripe | Provider::Slack => None,
        }
    }

    /// The top-level body field carrying the delivery id, when the provider puts it there.
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert_eq!(Provider::Stripe.id_in_body(), Some("id"));
    /// ```
    pub const fn id_in_body(self) -> Option<&'static str> {
        match self {
            Provider::Stripe => Some("id"),
            Provider::Slack => Some("event_id"),
            _ => None,
        }
    }

    /// Whether the delivery id is covered by the signature. GitHub's and Shopify's id headers
    /// are not: anyone who captured a signed body can replay it under a fresh id, so
    /// deduplication by id stops honest redeliveries, not an attacker's replays.
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert!(Provider::StandardWebhooks.signs_id());
    /// assert!(!Provider::GitHub.signs_id());
    /// ```
    pub const fn signs_id(self) -> bool {
        !matches!(self, Provider::GitHub | Provider::Shopify)
    }

    /// The header carrying the event type, for providers that send it outside the body (not
    /// covered by the signature).
    ///
    /// ```
    /// # use hookwire::signature::Provider;
    /// assert_eq!(Provider::Shopify.event_type_header(), Some("x-shopify-topic"));
    /// assert_eq!(Provider::Stripe.event_type_header(), None);
    /// ```
    pub const fn event_type_header(self) -> Option<&'static str> {
        match self {
            Provider::GitHub => Some("x-github-event"),
            Provider::Shopify => Some("x-shopify-topic"),
            _ => None,
        }
    }

    /// Builds this provider's scheme from its secrets (the first signs, every one verifies:
    /// rotation) and an optional tolerance (ignored by providers that sign no timestamp).
    ///
    /// # Errors
    ///
    /// [`SchemeBuildError::NoSecret`] without secrets, [`SchemeBuildError::Secret`] naming the
    /// position of a malformed one.
    ///
    /// ```
    /// # use hookwire::Timestamp;
    /// use hookwire::signature::{Provider, Tolerance};
    ///
    /// let slack = Provider::Slack.scheme(["new-secret", "old-secret"], Some(Tolerance::symmetric(60)))?;
    /// let headers = slack.sign("", Timestamp::from_unix(1_000), b"{}")?;
    /// assert!(slack.verify(&headers, b"{}", Timestamp::from_unix(1_060)).is_ok());
    /// assert!(slack.verify(&headers, b"{}", Timestamp::from_unix(1_061)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scheme<S: Into<Secret>>(
        self,
        secrets: impl IntoIterator<Item = S>,
        tolerance: Option<Tolerance>,
    ) -> Result<Arc<dyn Scheme>, SchemeBuildError> {
        match self {
            Provider::StandardWebhooks => build::<StandardWebhooks, S>(secrets, tolerance),
            Provider::Stripe => build::<Stripe, S>(secrets, tolerance),
            Provider::GitHub => build::<GitHub, S>(secrets, tolerance),
            Provider::Shopify => build::<Shopify, S>(secrets, tolerance),
            Provider::Slack => build::<Slack, S>(secrets, tolerance),
        }
    }
}

/// The documented spelling of a header name (`x-github-event` -> `X-GitHub-Event`), for
/// messages: providers' own spelling for theirs, each word capitalized otherwise.
#[cfg(any(feature = "axum", test))]
pub(crate) fn header_title(name: &str) -> std::borrow::Cow<'static, str> {
    use std::borrow::Cow;
    const KNOWN: [&str; 9] = [
        "X-GitHub-Event",
        "X-GitHub-Delivery",
        "X-Hub-Signature-256",
        "X-Shopify-Topic",
        "X-Shopify-Event-Id",
        "X-Shopify-Hmac-Sha256",
        "X-Slack-Signature",
        "X-Slack-Request-Timestamp",
        "Stripe-Signature",
    ];
    if let Some(known) = KNOWN.iter().find(|known| known.eq_ignore_ascii_case(name)) {
        return Cow::Borrowed(known);
    }
    if name.starts_with("webhook-") || name.starts_with("svix-") {
        return Cow::Owned(name.to_owned());
    }
    let mut title = String::with_capacity(name.len());
    for (i, word) in name.split('-').enumerate() {
        if i > 0 {
            title.push('-');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            title.push(first.to_ascii_uppercase());
            title.push_str(chars.as_str());
        }
    }
    Cow::Owned(title)
}

/// The constructors every scheme has, so [`Provider::scheme`] is written once.
trait Rotating: Scheme + Sized {
    fn first(secret: Secret) -> Result<Self, SecretError>;
    fn another(self, secret: Secret) -> Result<Self, SecretError>;
    fn window(self, tolerance: Tolerance) -> Self;
}

macro_rules! rotating {
    ($($ty:ty => $window:expr;)*) => {$(
        impl Rotating for $ty {
            fn first(secret: Secret) -> Result<Self, SecretError> {
                <$ty>::new(secret)
            }
            fn another(self, secret: Secret) -> Result<Self, SecretError> {
                self.with_secret(secret)
            }
            fn window(self, tolerance: Tolerance) -> Self {
                let window: fn(Self, Tolerance) -> Self = $window;
                window(self, tolerance)
            }
        }
    )*};
}

rotating! {
    StandardWebhooks => StandardWebhooks::tolerance;
    Stripe => Stripe::tolerance;
    Slack => Slack::tolerance;
    GitHub => |scheme, _| scheme;
    Shopify => |scheme, _| scheme;
}

fn build<R: Rotating, S: Into<Secret>>(
    secrets: impl IntoIterator<Item = S>,
    tolerance: Option<Tolerance>,
) -> Result<Arc<dyn Scheme>, SchemeBuildError> {
    let bad = |index: usize| {
        move |source| SchemeBuildError::Secret {
            position: index + 1,
            source,
        }
    };
    let mut secrets = secrets.into_iter().map(Into::into).enumerate();
    let (_, first) = secrets.next().ok_or(SchemeBuildError::NoSecret)?;
    let mut scheme = R::first(first).map_err(bad(0))?;
    for (index, secret) in secrets {
        scheme = scheme.another(secret).map_err(bad(index))?;
    }
    if let Some(tolerance) = tolerance {
        scheme = scheme.window(tolerance);
    }
    Ok(Arc::new(scheme))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timestamp;

    #[test]
    fn every_scheme_reports_its_provider_and_the_facts_agree() {
        for provider in Provider::ALL {
            let secret = match provider {
                Provider::StandardWebhooks => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                _ => "a-secret",
            };
            let scheme = provider.scheme([secret], None).unwrap();
            assert_eq!(scheme.provider(), provider);
            assert_eq!(scheme.name(), provider.name());
            assert_eq!(scheme.id_header(), provider.id_header());
            assert_eq!(scheme.event_type_header(), provider.event_type_header());
            let headers = scheme
                .sign("msg_1", Timestamp::from_unix(100), b"{}")
                .unwrap();
            let verified = scheme
                .verify(&headers, b"{}", Timestamp::from_unix(100))
                .unwrap();
            assert_eq!(
                verified.timestamp().is_some(),
                provider.signs_timestamp(),
                "{provider:?}"
            );
            assert_eq!(
                verified.id().is_some(),
                provider.id_header().is_some(),
                "{provider:?}"
            );
        }
    }

    #[test]
    fn header_titles_use_the_providers_spelling() {
        assert_eq!(header_title("x-github-event"), "X-GitHub-Event");
        assert_eq!(header_title("x-shopify-topic"), "X-Shopify-Topic");
        assert_eq!(header_title("x-event-kind"), "X-Event-Kind");
        assert_eq!(header_title("webhook-id"), "webhook-id");
    }

    #[test]
    fn tolerance_applies_only_where_a_timestamp_is_signed() {
        let window = Some(Tolerance::symmetric(10));
        for provider in Provider::ALL {
            let secret = match provider {
                Provider::StandardWebhooks => "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                _ => "a-secret",
            };
            let scheme = provider.scheme([secret], window).unwrap();
            let headers = scheme
                .sign("msg_1", Timestamp::from_unix(0), b"{}")
                .unwrap();
            let late = scheme.verify(&headers, b"{}", Timestamp::from_unix(11));
            assert_eq!(late.is_err(), provider.signs_timestamp(), "{provider:?}");
        }
    }
}
