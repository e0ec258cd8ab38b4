//! Sending webhooks and calling APIs with reqwest.

pub mod sender;
