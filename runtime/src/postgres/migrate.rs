//! PostgreSQL's migration line: `migrations/NNNN_name.sql`, in order (see `sql::migrate`),
//! in the connection's current schema (the first of its `search_path`), under an advisory
//! lock per schema.

use crate::sql::migrate::{Line, Step};

pub(super) const LINE: Line = Line {
    backend: "PostgreSQL",
    begin: None,
    prepare: "
        SELECT pg_advisory_xact_lock(hashtext(coalesce(current_schema(), '') || '.hookwire_migrations'));
        CREATE TABLE IF NOT EXISTS hw_migrations (
            version    BIGINT PRIMARY KEY,
            name       TEXT   NOT NULL,
            applied_at BIGINT NOT NULL
        )",
    legacy: "SELECT COUNT(*)::BIGINT FROM pg_catalog.pg_tables
        WHERE schemaname = current_schema() AND tablename = 'hw_meta'",
    adopt: "INSERT INTO hw_migrations (version, name, applied_at)
        SELECT 3, 'outbox', 0 FROM hw_meta WHERE key = 'schema_version' AND value >= 1
        UNION ALL
        SELECT 4, 'outbox_breaker', 0 FROM hw_meta WHERE key = 'schema_version' AND value >= 2
        ON CONFLICT (version) DO NOTHING",
    steps: &[
        Step::new(1, "dedup", include_str!("migrations/0001_dedup.sql")),
        Step::new(2, "inbox", include_str!("migrations/0002_inbox.sql")),
        Step::new(3, "outbox", include_str!("migrations/0003_outbox.sql")),
        Step::new(4, "outbox_breaker", include_str!("migrations/0004_outbox_breaker.sql")),
        Step::new(5, "feed", include_str!("migrations/0005_feed.sql")),
        Step::new(6, "retire_hw_meta", include_str!("migrations/0006_retire_hw_meta.sql")),
        Step::new(7, "applications", include_str!("migrations/0007_applications.sql")),
        Step::new(8, "ordering", include_str!("migrations/0008_ordering.sql")),
        Step::new(9, "trace", include_str!("migrations/0009_trace.sql")),
    ],
};

/// Whether `hw_migrations` exists in the current schema (1) or not (0).
pub(super) const EXISTS: &str = "SELECT COUNT(*)::BIGINT FROM pg_catalog.pg_tables
    WHERE schemaname = current_schema() AND tablename = 'hw_migrations'";
