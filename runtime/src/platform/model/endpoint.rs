//! Endpoints as the API reads and writes them (Svix's `EndpointIn`, `EndpointOut`,
//! `EndpointPatch`, secrets, headers, stats and recovery).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::outbox::{EndpointId, WebhookEndpoint};
use crate::platform::{
    Bounded, EventTypeName, Headers, HeadersPatch, SigningSecret, Text, Uid, endpoint_id_of,
};

/// The pattern of an endpoint's URL the API accepts: `http` or `https`, a host name whose last
/// label starts with a letter or an IPv4 address, an optional port (1 to 65535) and a path of visible ASCII (percent-encode the rest).
pub(crate) const URL_PATTERN: &str = r"^https?://(([A-Za-z0-9\-]+\.)*[A-Za-z][A-Za-z0-9\-]*|((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?(/[!-~]*)?$";

/// A new endpoint (`POST`), or an endpoint's fields (`PUT`).
///
/// ```
/// let endpoint: hookwire::platform::EndpointIn =
///     serde_json::from_str(r#"{"url": "https://example.com/hook", "filterTypes": ["invoice.paid"]}"#)?;
/// assert_eq!(endpoint.event_types.as_ref().map(Vec::len), Some(1));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointIn {
    /// Where deliveries are POSTed.
    #[schemars(length(min = 1, max = 65536), regex(pattern = URL_PATTERN))]
    pub url: String,
    /// A description for people.
    #[serde(default)]
    pub description: Text<4096>,
    /// The id of your choosing.
    #[serde(default)]
    pub uid: Option<Uid>,
    /// Whether it starts disabled.
    #[serde(default)]
    pub disabled: bool,
    /// The event types it receives (absent or `null`: all).
    #[serde(default, alias = "filterTypes")]
    pub event_types: Option<Vec<EventTypeName>>,
    /// Attempts per second at most.
    #[serde(default, alias = "rateLimit")]
    pub throttle_rate: Option<Bounded<1, 65535>>,
    /// The signing secret (`whsec_` and base64); generated when absent.
    #[serde(default)]
    pub secret: Option<SigningSecret>,
    /// Free-form metadata.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Extra headers sent with each delivery.
    #[serde(default)]
    pub headers: Headers,
    /// Svix's channels, which hookwire does not have: a list that is not empty is refused
    /// (`422`) rather than ignored, so no delivery goes where channels would not send it.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub channels: Option<Vec<String>>,
}

/// Changes to an endpoint: the fields given replace the stored ones.
///
/// ```
/// let patch: hookwire::platform::EndpointPatch = serde_json::from_str(r#"{"disabled": true}"#)?;
/// assert_eq!(patch.disabled, Some(true));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPatch {
    /// A new URL.
    #[serde(default)]
    #[schemars(length(min = 1, max = 65536), regex(pattern = URL_PATTERN))]
    pub url: Option<String>,
    /// A new description.
    #[serde(default)]
    pub description: Option<Text<4096>>,
    /// A new uid (`null` removes it).
    #[serde(default, deserialize_with = "super::double_option")]
    pub uid: Option<Option<Uid>>,
    /// Disables or enables it.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// New event types (`null`: all).
    #[serde(
        default,
        alias = "filterTypes",
        deserialize_with = "super::double_option"
    )]
    pub event_types: Option<Option<Vec<EventTypeName>>>,
    /// A new rate limit (`null` removes it).
    #[serde(
        default,
        alias = "rateLimit",
        deserialize_with = "super::double_option"
    )]
    pub throttle_rate: Option<Option<Bounded<1, 65535>>>,
    /// New metadata.
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    /// Svix's channels, which hookwire does not have: a list that is not empty is refused
    /// (`422`) rather than ignored, so no delivery goes where channels would not send it.
    #[serde(default, skip_serializing)]
    #[schemars(skip)]
    pub channels: Option<Vec<String>>,
}

/// An endpoint as the API shows it (with Svix's older field names beside the new ones).
///
/// ```
/// # fn demo(endpoint: hookwire::platform::EndpointOut) {
/// println!("{} {} disabled={}", endpoint.id, endpoint.url, endpoint.disabled);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointOut {
    /// Its id (`ep_` and 27 characters).
    pub id: String,
    /// Its uid.
    pub uid: Option<String>,
    /// Its URL.
    pub url: String,
    /// Its description.
    pub description: String,
    /// Always 1.
    pub version: u32,
    /// Whether it is disabled (by hand, after `410 Gone`, or after failing too long).
    pub disabled: bool,
    /// The event types it receives (`null`: all).
    pub event_types: Option<Vec<String>>,
    /// The same, under Svix's older name.
    pub filter_types: Option<Vec<String>>,
    /// Always `null`: hookwire has no channels.
    pub channels: Option<Vec<String>>,
    /// Attempts per second at most.
    pub throttle_rate: Option<u32>,
    /// The same, under Svix's older name.
    pub rate_limit: Option<u32>,
    /// Its metadata.
    pub metadata: BTreeMap<String, String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

impl From<&WebhookEndpoint> for EndpointOut {
    fn from(endpoint: &WebhookEndpoint) -> Self {
        let types = (!endpoint.types.is_empty()).then(|| {
            endpoint
                .types
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        });
        EndpointOut {
            id: endpoint_id_of(endpoint.id),
            uid: endpoint.uid.clone(),
            url: endpoint.url.clone(),
            description: endpoint.description.clone(),
            version: 1,
            disabled: endpoint.disabled.is_some(),
            event_types: types.clone(),
            filter_types: types,
            channels: None,
            throttle_rate: endpoint.rate_per_second,
            rate_limit: endpoint.rate_per_second,
            metadata: endpoint.metadata.clone(),
            created_at: Timestamp::from_unix(endpoint.created_at),
            updated_at: Timestamp::from_unix(endpoint.updated_at),
        }
    }
}

/// An endpoint's current signing secret.
///
/// ```
/// let secret = hookwire::platform::EndpointSecretOut { key: "whsec_c2VjcmV0".into() };
/// assert_eq!(serde_json::to_value(&secret)?["key"], "whsec_c2VjcmV0");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointSecretOut {
    /// The secret deliveries are signed with (the newest).
    pub key: String,
}

/// A rotation: the new secret (generated when absent) and how long the previous one keeps
/// signing.
///
/// ```
/// let rotate: hookwire::platform::EndpointSecretRotateIn = serde_json::from_str("{}")?;
/// assert!(rotate.key.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSecretRotateIn {
    /// The new secret.
    #[serde(default)]
    pub key: Option<SigningSecret>,
    /// Seconds the previous secret keeps signing (0 to 7 days; default 24 hours).
    #[serde(default)]
    pub grace_period_seconds: Option<Bounded<0, 604800>>,
}

/// An endpoint's extra headers, to set.
///
/// ```
/// let headers: hookwire::platform::EndpointHeadersIn = serde_json::from_str(r#"{"headers": {"x-tenant": "acme"}}"#)?;
/// assert_eq!(headers.headers["x-tenant"], "acme");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointHeadersIn {
    /// Header names and values.
    pub headers: Headers,
}

/// Changes to an endpoint's headers: `null` or `deleteHeaders` remove one.
///
/// ```
/// let patch: hookwire::platform::EndpointHeadersPatchIn = serde_json::from_str(r#"{"headers": {"x-a": null}}"#)?;
/// assert_eq!(patch.headers["x-a"], None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EndpointHeadersPatchIn {
    /// Headers to set (a value) or remove (`null`).
    pub headers: HeadersPatch,
    /// Headers to remove.
    #[serde(default)]
    pub delete_headers: Vec<String>,
}

/// An endpoint's extra headers.
///
/// ```
/// let out = hookwire::platform::EndpointHeadersOut { headers: Default::default(), sensitive: vec![] };
/// assert_eq!(serde_json::to_string(&out)?, r#"{"headers":{},"sensitive":[]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EndpointHeadersOut {
    /// Header names and values.
    pub headers: BTreeMap<String, String>,
    /// Headers whose values are hidden (none: hookwire shows every value to whoever may
    /// read the endpoint).
    pub sensitive: Vec<String>,
}

/// An endpoint's deliveries by state (Svix's `EndpointStats`).
///
/// ```
/// let stats = hookwire::platform::EndpointStatsOut::default();
/// assert_eq!(serde_json::to_value(&stats)?["success"], 0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "EndpointStats")]
pub struct EndpointStatsOut {
    /// Delivered.
    pub success: u64,
    /// Waiting for an attempt (or held for a disabled endpoint).
    pub pending: u64,
    /// Being attempted.
    pub sending: u64,
    /// Failed for good.
    pub fail: u64,
    /// Always 0.
    pub canceled: u64,
}

/// What to recover: the endpoint's failed deliveries since a time.
///
/// ```
/// let recover: hookwire::platform::RecoverIn = serde_json::from_str(r#"{"since": "2026-01-01T00:00:00Z"}"#)?;
/// assert_eq!(recover.since.unix_seconds(), 1_767_225_600);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecoverIn {
    /// Failed deliveries created at or after this time are sent again.
    pub since: Timestamp,
    /// Ignored: every failed delivery since `since` is recovered.
    #[serde(default)]
    pub until: Option<Timestamp>,
}

/// The recovery, done at once (Svix answers with a background task).
///
/// ```
/// # fn demo(out: hookwire::platform::RecoverOut) {
/// assert_eq!(out.status, "finished");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecoverOut {
    /// The task's id.
    pub id: String,
    /// `finished`.
    pub status: String,
    /// `endpoint.recover`.
    pub task: String,
    /// When it finished.
    pub updated_at: Timestamp,
}

impl RecoverOut {
    pub(crate) fn finished(endpoint: EndpointId, now: i64) -> Self {
        RecoverOut {
            id: crate::platform::ids::task_id_of(endpoint, now),
            status: "finished".to_owned(),
            task: "endpoint.recover".to_owned(),
            updated_at: Timestamp::from_unix(now),
        }
    }
}

/// An empty JSON object: the answer of `resend`.
///
/// ```
/// assert_eq!(serde_json::to_string(&hookwire::platform::EmptyResponse {})?, "{}");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct EmptyResponse {}
