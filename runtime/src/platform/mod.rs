//! Webhooks as a product for your customers: the Svix-compatible operator API and the customer
//! portal, served by axum routers you mount into your own service.
//!
//! - [`portal`]: the page your customers use to manage their endpoints and see their
//!   deliveries, reached through the link `POST /api/v1/auth/app-portal-access/{app_id}`
//!   returns and embeddable in your own page in an iframe.
pub mod portal;
