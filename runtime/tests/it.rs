//! hookwire's integration tests, one binary (`autotests = false` in `Cargo.toml`): each file beside
//! this one is a module here, its tests named `<file>::<test>`, so the dependencies are linked
//! once, not once per file. A new file runs only once it is listed below (`tests/tests/shape.rs`
//! fails naming a file that is not); its helpers come from the shared modules (`use
//! crate::receiver_support;`), never a `mod` of its own.
//! One file: `cargo test -p hookwire --test it -- outbox_breaker::`. See docs/guide/tests.md.
//! `receiver_metrics.rs` is a binary of its own (`Cargo.toml`): it installs the metrics recorder.

// Helpers shared by several files.
mod browser;
mod outbox_conformance;
mod outbox_support {
    pub(crate) mod receiver;
    pub(crate) mod stores;
}
mod platform_support;
mod portal_support;
mod receiver_support;
mod sender_support;
mod services;

mod conformance;
mod dedup_backends;
mod feed;
mod feed_closed;
mod inbox_backends;
mod inbox_crash;
mod inbox_faults;
mod inbox_receiver;
mod outbox;
mod outbox_breaker;
mod outbox_fairness;
mod outbox_migration;
mod outbox_retention;
mod platform_api;
mod platform_attempted;
mod platform_isolation;
mod portal;
mod receive_only;
mod receiver_catch_up;
mod receiver_dedup;
mod receiver_dedup_store;
mod receiver_extract;
mod receiver_providers;
mod receiver_responses;
mod schema_diff;
mod sender_attempt;
mod sender_edges;
mod sender_pool;
mod sender_retry;
mod sender_to_receiver;
mod server_violations;
mod signature_errors;
mod signature_props;
mod signature_strict;
mod signature_vectors;
mod tls;
mod trace;
mod upgrade;
