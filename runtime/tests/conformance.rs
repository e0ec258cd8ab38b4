//! Every store contract's conformance suite against every backend that implements it, from
//! one place: one test per case and backend, named `<contract>::<backend>::<case>`.
//!
//! | contract | suite | backends |
//! |---|---|---|
//! | outbox ([`OutboxStore`](hookwire::outbox::OutboxStore)) | `outbox_conformance/` | memory, SQLite, PostgreSQL |
//! | duplicate store ([`DedupStore`](hookwire::dedup::DedupStore)) | `hookwire::dedup::conformance` | memory (unbounded and bounded), SQLite, PostgreSQL, Redis |
//! | inbox ([`InboxStore`](hookwire::inbox::InboxStore)) | `hookwire::inbox::conformance` | memory, SQLite (file and `sqlite::memory:`), PostgreSQL, Redis |
//! | events feed ([`FeedStore`](hookwire::feed::FeedStore)) | `hookwire::feed::conformance` | memory, SQLite, PostgreSQL (Redis hosts no outbox, so no feed) |
//!
//! Each test opens a fresh store of its own: a SQLite file, a PostgreSQL schema or a Redis key
//! prefix named after the test (removed when it ends), so they all run in parallel. PostgreSQL
//! and Redis cases read `HOOKWIRE_TEST_POSTGRES_URL` and `HOOKWIRE_TEST_REDIS_URL` and skip,
//! saying so, without them.
//!
//! Run one contract or one backend with a filter: `cargo test -p hookwire --features
//! sqlite,postgres,redis,axum,outbox --test it -- conformance::feed::postgres`.

mod fixtures;

mod dedup;
mod feed;
mod inbox;
mod outbox;

/// One module per backend (`$backend`), each with one test per case: it opens a fresh store
/// with `$open(test name)` (`None`: the backend's service is not configured, so it skips) and
/// runs the case with `$run!(store, case)`, the contract file's macro.
macro_rules! per_backend {
    ($run:ident, $cases:tt, { $($backend:ident: $open:path),* $(,)? }) => {
        $(
            mod $backend {
                #[allow(unused_imports)]
                use super::*;
                crate::conformance::cases!($run, $open, $cases);
            }
        )*
    };
}

/// The tests of one backend (see [`per_backend`]).
macro_rules! cases {
    ($run:ident, $open:path, [$($case:ident),* $(,)?]) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some(open) = $open(stringify!($case)).await else {
                    return;
                };
                $run!(open, $case);
            }
        )*
    };
}

pub(crate) use {cases, per_backend};
