//! Sending webhooks and calling APIs with reqwest.

mod api;
pub mod sender;

pub use api::{ApiClient, ApiError};
pub use sender::{Delivery, DeliveryReport, Outcome, RetryPolicy, Sender};
