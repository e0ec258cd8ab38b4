//! hookwire-cli's integration tests, one binary (`autotests = false` in `Cargo.toml`): each file
//! beside this one is a module here, its tests named `<file>::<test>`, so the dependencies are
//! linked once, not once per file. A new file runs only once it is listed below
//! (`tests/tests/shape.rs` fails naming a file that is not); its helpers come from `support` (`use
//! crate::support;`).
//! One file: `cargo test -p hookwire-cli --test it -- tls::`. See docs/guide/tests.md.

mod support;
// The runtime's outbox helpers: a loopback receiver, stores on SQLite and PostgreSQL.
#[path = "../../runtime/tests/outbox_support/receiver.rs"]
mod outbox_receiver;
#[path = "../../runtime/tests/outbox_support/stores.rs"]
mod outbox_stores;

mod apps_cli;
mod closed_stdout;
mod diff;
mod endpoint_manage;
mod errors;
mod example_trigger;
mod export_recipe;
mod generate;
mod inbox_cli;
mod migrate_cli;
mod ordering_cli;
mod outbox_breaker_cli;
mod outbox_cli;
mod outbox_crash;
mod send_listen;
mod send_retry;
mod server_cli;
mod server_schemathesis;
mod sign_roundtrip;
mod svix_client;
mod tls;
mod vectors;
mod worker_metrics;
