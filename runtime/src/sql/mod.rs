//! What the SQL backends (SQLite, PostgreSQL) share: the migration runner, and the duplicate
//! store and the inbox written once over each backend's statements.

pub(crate) mod dedup;
pub(crate) mod handle;
pub(crate) mod inbox;
pub(crate) mod migrate;
pub(crate) mod sweep;
