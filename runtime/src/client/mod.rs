//! The typed API client: calls [`Endpoint`](crate::Endpoint)s with reqwest.
//!
//! Sending webhooks is [`hookwire::sender`](crate::sender)'s job.

mod api;

pub use api::{ApiClient, ApiError};
