//! SQLite's migration line: `migrations/NNNN_name.sql`, in order (see `sql::migrate`).

use crate::sql::migrate::{Line, Step};

pub(super) const LINE: Line = Line {
    backend: "SQLite",
    begin: Some("BEGIN IMMEDIATE"),
    prepare: "CREATE TABLE IF NOT EXISTS hw_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT    NOT NULL,
        applied_at INTEGER NOT NULL
    )",
    legacy: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'hw_meta'",
    adopt: "INSERT OR IGNORE INTO hw_migrations (version, name, applied_at)
        SELECT 3, 'outbox', 0 FROM hw_meta WHERE key = 'schema_version' AND value >= 1
        UNION ALL
        SELECT 4, 'outbox_breaker', 0 FROM hw_meta WHERE key = 'schema_version' AND value >= 2",
    steps: &[
        Step::new(1, "dedup", include_str!("migrations/0001_dedup.sql")),
        Step::new(2, "inbox", include_str!("migrations/0002_inbox.sql")),
        Step::new(3, "outbox", include_str!("migrations/0003_outbox.sql")),
        Step::new(
            4,
            "outbox_breaker",
            include_str!("migrations/0004_outbox_breaker.sql"),
        ),
        Step::new(
            5,
            "retire_hw_meta",
            include_str!("migrations/0005_retire_hw_meta.sql"),
        ),
        Step::new(
            6,
            "applications",
            include_str!("migrations/0006_applications.sql"),
        ),
        Step::new(7, "ordering", include_str!("migrations/0007_ordering.sql")),
        Step::new(8, "trace", include_str!("migrations/0008_trace.sql")),
    ],
};

/// Whether `hw_migrations` exists (1) or not (0).
pub(super) const EXISTS: &str =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'hw_migrations'";
