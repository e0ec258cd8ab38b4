//! The outbox's suite (`outbox_conformance/`) on memory, SQLite and PostgreSQL.

use hookwire::outbox::{MemoryOutbox, Policy};

use crate::outbox_conformance::backends::{Memory, Postgres, Sqlite};
use crate::outbox_conformance::{Backend, Case};

macro_rules! run {
    ($backend:ident, $case:ident) => {{
        let cleanup = $backend.clone();
        crate::outbox_conformance::$case(Case::new($backend, Policy::default()).await).await;
        cleanup.cleanup().await;
    }};
}

macro_rules! run_apps {
    ($backend:ident, $case:ident) => {{
        let cleanup = $backend.clone();
        crate::outbox_conformance::apps::$case(Case::new($backend, Policy::default()).await).await;
        cleanup.cleanup().await;
    }};
}

/// Applications (`ApplicationStore`), in their own module (`apps::memory::...`).
mod apps {
    #[allow(unused_imports)]
    use super::*;

    crate::conformance::per_backend!(
    run_apps,
    [
        applications_isolate_their_events,
        application_uids_and_updates,
        endpoint_uids_and_headers,
        dedupe_keys_and_messages,
        deleting_an_application_erases_it,
        keyed_records,
    ],
    {
        memory: memory,
        sqlite: sqlite,
        postgres: postgres,
    }
    );
}

/// Per-key ordering (`outbox_conformance/ordering.rs`), in its own module (`ordering::memory::...`).
mod ordering {
    #[allow(unused_imports)]
    use super::*;

    crate::conformance::per_backend!(
    run,
    [
        keys_arrive_in_publish_order,
        a_waiting_delivery_holds_its_key_only,
        a_failed_delivery_holds_or_skips_its_key,
        held_and_expired_deliveries_keep_their_order,
        bad_ordering_keys_are_refused,
    ],
    {
        memory: memory,
        sqlite: sqlite,
        postgres: postgres,
    }
    );
}

crate::conformance::per_backend!(
    run,
    [
        fan_out_and_filters,
        fencing,
        lease_expiry,
        schedule_survives_reopen,
        gone_disables,
        breaker_and_sustained_failure,
        probe_success_closes_the_breaker,
        success_heals,
        throttle_pauses_endpoint,
        fair_claims_and_limits,
        recover_and_retry,
        operator_actions_close_the_breaker,
        purge,
        stats_listing_and_endpoints,
        bounded_claims,
        concurrent_claims,
        hostile_excerpts_are_stored_escaped,
        a_failing_result_costs_the_batch_nothing,
        poison_claims_end_failed,
        purge_keeps_held_deliveries,
        secrets_are_checked_when_added,
        attempt_numbers_never_restart,
        a_result_never_stored_still_ends,
        delete_endpoint_removes_its_deliveries,
        rotated_secrets_keep_their_overlap,
    ],
    {
        memory: memory,
        sqlite: sqlite,
        postgres: postgres,
    }
);

async fn memory(_test: &str) -> Option<Memory> {
    Some(Memory(MemoryOutbox::new()))
}

async fn sqlite(test: &str) -> Option<Sqlite> {
    Some(Sqlite::new(test))
}

async fn postgres(test: &str) -> Option<Postgres> {
    Postgres::new(test).await
}
