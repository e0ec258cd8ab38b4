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
    adopt: "SELECT 1",
    applied: "SELECT version, applied_at FROM hw_migrations ORDER BY version",
    record: "INSERT INTO hw_migrations (version, name, applied_at) VALUES ({version}, '{name}', {at})",
    steps: &[
        Step::new(1, "dedup", include_str!("migrations/0001_dedup.sql")),
        Step::new(2, "inbox", include_str!("migrations/0002_inbox.sql")),
    ],
};

/// Whether `hw_migrations` exists (1) or not (0).
pub(super) const EXISTS: &str =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'hw_migrations'";
