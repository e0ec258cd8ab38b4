//! The API's JSON types, named and shaped as Svix's.

mod app;
mod endpoint;
mod event_type;
mod message;

pub(crate) use app::rate;
pub use app::{ApplicationIn, ApplicationOut, ApplicationPatch};
pub use endpoint::{
    EmptyResponse, EndpointHeadersIn, EndpointHeadersOut, EndpointHeadersPatchIn, EndpointIn,
    EndpointOut, EndpointPatch, EndpointSecretOut, EndpointSecretRotateIn, EndpointStatsOut,
    RecoverIn, RecoverOut,
};
pub use event_type::{EventTypeIn, EventTypeOut, EventTypePatch, EventTypeUpdate};
pub use message::{
    AppPortalAccessIn, AppPortalAccessOut, EndpointMessageOut, MessageAttemptOut, MessageIn,
    MessageOut,
};

use serde::{Deserialize, Deserializer};

/// Reads a field that may be absent (`None`), `null` (`Some(None)`) or a value.
pub(crate) fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}
