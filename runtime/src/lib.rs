//! hookwire: webhooks and the API beside them, from your Rust types.
//!
//! Put `#[derive(Event)]` on each webhook payload and `#[derive(Events)]` on the enum that lists
//! a service's events; from them come the Standard Webhooks envelope, JSON Schemas (draft
//! 2020-12) and an OpenAPI 3.1 document with a `webhooks` entry per event, and the receiver,
//! sender and outbox below all speak that catalog.
//!
//! ```
//! use hookwire::schema::OpenApi;
//! use hookwire::{Event, Events, JsonSchema, Parsed, Timestamp, schemars};
//! use serde::{Deserialize, Serialize};
//!
//! /// An order left the warehouse.
//! #[derive(Debug, Serialize, Deserialize, JsonSchema, Event)]
//! #[hookwire(event = "order.shipped")]
//! pub struct OrderShipped {
//!     pub order_id: String,
//! }
//!
//! /// Every event the shop sends.
//! #[derive(Debug, Events)]
//! pub enum ShopEvent {
//!     OrderShipped(OrderShipped),
//! }
//!
//! let event = ShopEvent::OrderShipped(OrderShipped { order_id: "98765".into() });
//! let body = event.to_envelope(Timestamp::now())?;
//! assert!(matches!(ShopEvent::from_envelope(&body)?, Parsed::Known(_)));
//!
//! let document = OpenApi::new("Shop", "1.0.0").webhooks::<ShopEvent>().build()?;
//! assert!(document["webhooks"]["order.shipped"].is_object());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where things are
//!
//! | to | start at | feature | guide chapter |
//! |---|---|---|---|
//! | declare events and their catalog | [`Event`](trait@Event), [`Events`](trait@Events) (derives), [`Parsed`], [`Timestamp`], the name rule [`check_event_type`] | `derive` (default) | `events.md` |
//! | sign and verify (Standard Webhooks, Stripe, GitHub, Shopify, Slack) | [`signature`]: [`Scheme`](signature::Scheme), [`StandardWebhooks`](signature::StandardWebhooks) | none; `v1a` for Ed25519, `keygen` to generate secrets, `http` for `http::HeaderMap` | `signatures.md` |
//! | receive | [`receiver::Receiver`], [`WebhookConfig`](receiver::WebhookConfig), [`Delivery`](receiver::Delivery) | `axum` | `receiving.md` |
//! | send | [`sender::Sender`], one attempt: [`sender::attempt`] | `reqwest` | `sending.md` |
//! | send durably (the outbox) | [`outbox`]: [`OutboxStore`](outbox::OutboxStore), [`Worker`](outbox::Worker), [`SqliteOutbox`](sqlite::SqliteOutbox), [`PgOutbox`](postgres::PgOutbox) | `outbox` (memory), with `sqlite` or `postgres` | `outbox.md` |
//! | skip duplicates across replicas | [`dedup`]: [`DedupStore`](dedup::DedupStore), [`open::dedup`], [`MemoryDedup`](dedup::MemoryDedup) | none for memory; `sqlite`, `postgres`, `redis` for the shared stores | `several-machines.md` |
//! | acknowledge first, handle later (the inbox) | [`inbox`]: [`open::inbox`], [`Receiver::inbox`](receiver::Receiver::inbox), [`InboxWorker`](receiver::InboxWorker) | none for memory; `sqlite`, `postgres`, `redis`; the worker: `axum` | `several-machines.md` |
//! | the databases: one handle each, handing out its stores; migrations | [`sqlite::SqliteStore`], [`postgres::PgStore`], [`redis::RedisStore`] (`.dedup()`, `.inbox()`, `.migrate()`), [`Migration`], [`BackendError`], `hookwire migrate` | `sqlite`, `postgres`, `redis` (drivers only) | `several-machines.md` |
//! | metrics (attempts, outcomes, durations, pending and oldest age per endpoint), Prometheus text | [`metrics`]: [`Prometheus`](metrics::Prometheus), the [`metrics`](https://docs.rs/metrics) facade | `metrics` | `production.md` |
//! | serve and read the events feed (catching up) | [`feed`]: [`feed::router`], [`FeedClient`](feed::FeedClient), [`Receiver::catch_up`](receiver::Receiver::catch_up) | `outbox` (`axum` to serve, `reqwest` to read) | `several-machines.md` |
//! | the API: typed client | [`Endpoint`](derive@Endpoint) (derive), [`client::ApiClient`] | `schema` and `reqwest` | `api.md` |
//! | the API: server routes checked against the document, `/docs` | [`server::EndpointRouter`], [`server::docs_router`], [`problem::Problem`] | `axum` | `api.md` |
//! | webhooks as a product: the Svix-compatible operator API, portal tokens, the customer portal | [`platform`]: [`Platform`](platform::Platform), [`routes`](platform::routes), [`portal`](platform::portal) | `platform` | `server.md` |
//! | schemas, OpenAPI 3.1/3.0, AsyncAPI, export | [`schema`]: [`OpenApi`](schema::OpenApi), [`Export`](schema::Export), [`AsyncApi`](schema::AsyncApi), `JsonSchema` | `schema` | `schemas.md` |
//! | breaking changes between two versions | [`schema::diff`], or `hookwire diff` | `schema` | `schemas.md` |
//! | generate types from a provider's description | the `hookwire-codegen` crate, or `hookwire generate` | | `generate.md` |
//! | sign, verify, listen, send, run workers from a shell | the `hookwire` command (`hookwire-cli`, `cli/README.md`) | | `cli.md` |
//!
//! The guide is `docs/guide/` in the repository (its `README.md` lists the chapters); every
//! example in it runs in the workspace's tests. Time comes from a [`clock::Clock`] you can
//! replace, and URLs in errors go through [`redact_url`]. The store traits return a
//! [`BoxFuture`]; claims are fenced by a [`ClaimToken`] and settle as [`Settled`].
//!
//! # Deriving without a `schemars` dependency
//!
//! `#[derive(JsonSchema)]` writes paths that start with `schemars::`. Bring hookwire's re-export
//! into scope with `use hookwire::schemars;` (as above) and your `Cargo.toml` needs only
//! `hookwire` (with its `schema` feature) and `serde`.
//!
//! # A light build
//!
//! With its default features (`derive`) hookwire receives, parses and verifies without building
//! schemars, ed25519-dalek or `http`: documenting (`schema`), Ed25519 (`v1a`), generating
//! secrets (`keygen`) and `http::HeaderMap` conversions (`http`) are features. `axum` turns on
//! `schema` (its server routes check requests against the OpenAPI document) and `http`.
#![cfg_attr(docsrs, feature(doc_cfg))]
// The front page and module docs link to items of every feature; without all of them those
// links cannot resolve. They are checked where they are published: `--all-features` (docs.rs).
#![cfg_attr(
    not(all(
        feature = "schema",
        feature = "v1a",
        feature = "axum",
        feature = "reqwest",
        feature = "outbox",
        feature = "sqlite",
        feature = "postgres",
        feature = "redis",
        feature = "metrics",
        feature = "platform"
    )),
    allow(rustdoc::broken_intra_doc_links)
)]

pub mod clock;
pub mod dedup;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod endpoint;
mod envelope;
mod event;
mod event_name;
pub mod inbox;
pub mod open;
#[cfg(feature = "platform")]
#[cfg_attr(docsrs, doc(cfg(feature = "platform")))]
pub mod platform;
mod plumbing;
pub mod problem;
pub mod retry;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub mod schema;
pub mod signature;
mod timestamp;
pub mod trace;

#[doc(hidden)]
#[path = "__private.rs"]
pub mod __private;

#[cfg(feature = "schema")]
pub use endpoint::Endpoint;
pub use envelope::{Envelope, EnvelopeError, Parsed, UnknownEvent};
#[cfg(feature = "schema")]
pub use event::{DescribeEvent, DescribeEvents, EventVisitor};
pub use event::{Event, Events, SendEvents};
pub use event_name::{EventTypeError, MAX_EVENT_TYPE_LEN, check_event_type};
pub use plumbing::url::UrlError;
pub use plumbing::{BackendError, BoxFuture, ClaimToken, Settled, redact_url};
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use sql::migrate::Migration;
pub use timestamp::{Timestamp, TimestampError, TimestampRangeError};

/// Re-export of [schemars](https://docs.rs/schemars) 1.x, which hookwire generates schemas with.
///
/// `use hookwire::schemars;` lets `#[derive(JsonSchema)]` work without a direct dependency.
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub use schemars;
#[cfg(feature = "schema")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema")))]
pub use schemars::JsonSchema;

/// Re-export of [serde_json](https://docs.rs/serde_json), whose `Value` and `RawValue` appear in
/// hookwire's API.
pub use serde_json;

/// Re-export of [sqlx](https://docs.rs/sqlx), whose pools, options and transactions appear in
/// the SQL backends' API: `use hookwire::sqlx;` takes the version hookwire was built with
/// (two versions of sqlx in one build do not link).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use sqlx;

/// Derives [`Event`](trait@Event) for a webhook payload struct or enum.
///
/// `#[hookwire(event = "order.shipped")]` names the event type (required: letters, digits,
/// `_` and `-` in segments separated by `.` or `/`, at most 256 bytes, such as `order.shipped`,
/// Stripe's `payment_intent.succeeded`, Shopify's `orders/create`, GitHub's `pull_request` or
/// Slack's `app_mention`); `version = "2"` sets [`Event::VERSION`]; the doc comment becomes
/// [`Event::DESCRIPTION`]; `#[deprecated]` sets [`Event::DEPRECATED`]; `crate = "path"` names
/// the hookwire crate when it is renamed or re-exported.
///
/// The type must be `Deserialize`. Add `Serialize` to send it and `JsonSchema` to document it;
/// a type you only receive needs neither:
///
/// ```
/// use hookwire::Event;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, Event)]
/// #[hookwire(event = "orders/create")]
/// struct OrderCreate {
///     id: u64,
/// }
/// assert_eq!(OrderCreate::TYPE, "orders/create");
/// ```
///
/// ```
/// use hookwire::{Event, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// /// A payment went through.
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "payment.succeeded", crate = "hookwire")]
/// struct PaymentSucceeded {
///     payment_id: String,
/// }
/// assert_eq!(PaymentSucceeded::TYPE, "payment.succeeded");
/// ```
#[cfg(feature = "derive")]
pub use hookwire_macros::Event;

/// Derives [`Events`](trait@Events) for the enum that lists a service's events, one variant per
/// event, each holding its payload: `OrderShipped(OrderShipped)`.
///
/// `#[hookwire(crate = "path")]` names the hookwire crate when it is renamed. Two variants
/// whose events share a type name do not compile.
///
/// Besides [`Events`](trait@Events) (reading envelopes, the receiver), it implements
/// [`SendEvents`] when every event is `Serialize` and [`DescribeEvents`] when every event is
/// `JsonSchema`, so a catalog of events you only receive needs neither.
///
/// ```
/// use hookwire::{Event, Events, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.created")]
/// struct OrderCreated {}
///
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped")]
/// struct OrderShipped {}
///
/// #[derive(Events)]
/// enum ShopEvent {
///     OrderCreated(OrderCreated),
///     OrderShipped(OrderShipped),
/// }
/// assert_eq!(ShopEvent::TYPES, ["order.created", "order.shipped"]);
/// ```
#[cfg(feature = "derive")]
pub use hookwire_macros::Events;

/// Derives [`Endpoint`](trait@Endpoint) for an API request struct.
///
/// On the struct: `method = "GET"`, `path = "/products/{product_id}"`, `response = Type`
/// (required), `operation_id = "..."` and `crate = "path"` (optional); the doc comment becomes
/// the description. On each field, where it travels: `path`, `query`, `header = "X-Name"` (or
/// `header` to use the field's name) or `body` (at most one), and `name = "..."` to rename it.
/// A template `{name}` without its path field, a path field missing from the template, an
/// unknown method and two body fields are compile errors.
///
/// ```
/// use hookwire::{Endpoint, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, JsonSchema)]
/// pub struct Product {
///     pub product_id: String,
/// }
///
/// /// Fetches one product.
/// #[derive(Endpoint)]
/// #[hookwire(method = "GET", path = "/products/{product_id}", response = Product)]
/// pub struct GetProduct {
///     #[hookwire(path)]
///     pub product_id: String,
/// }
/// assert_eq!(GetProduct::METHOD, http::Method::GET);
/// ```
#[cfg(all(feature = "derive", feature = "schema"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "derive", feature = "schema"))))]
pub use hookwire_macros::Endpoint;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod receiver;

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod server;

#[cfg(all(feature = "reqwest", feature = "schema"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "reqwest", feature = "schema"))))]
pub mod client;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod sender;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod ssrf;

#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres;

#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;

#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub mod feed;

#[cfg(feature = "metrics")]
#[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
pub mod metrics;

#[cfg(feature = "outbox")]
#[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
pub mod outbox;
