//! Receiving webhooks with axum.
