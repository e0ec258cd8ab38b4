//! [`PgDedup`]: the duplicate store on PostgreSQL, shared by every replica of a receiver.
//!
//! One row per key in `hw_dedup` (in the connection's current schema, see `PgStore`):
//! a claim is one upsert that inserts the key or takes over a row whose deadline has passed
//! (`ON CONFLICT DO UPDATE ... WHERE expires_at <= now`), with a fresh random token;
//! `complete` and `abandon` act only on the row holding the caller's token. The pool checks
//! each connection before use, so after `pg_terminate_backend` or a server restart the next
//! call runs on a new connection. Expired keys are purged by the store itself, a bounded batch
//! every 500 claims (see [`PgDedup::purge_every`]).

use sqlx::postgres::PgPool;

/// One sweep (`dedup::sweep`): at most $2 of the keys expired at $1, skipping rows a claim
/// holds (so it never waits).
const SWEEP: &str = "
DELETE FROM hw_dedup d USING (
    SELECT namespace, id FROM hw_dedup WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED
) x
WHERE d.namespace = x.namespace AND d.id = x.id AND d.expires_at <= $1";

crate::sql::dedup::sql_dedup_store! {
    /// The duplicate store on PostgreSQL (feature `postgres`). Cheap to clone: clones share the
    /// pool.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use hookwire::Timestamp;
    /// use hookwire::dedup::{Claim, DedupKey, DedupStore};
    /// use hookwire::postgres::PgStore;
    ///
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let store = PgStore::open("postgres://postgres@127.0.0.1:5432/shop").await?.dedup();
    /// let key = DedupKey::new("standard:/hooks", "msg_1");
    /// assert!(matches!(store.claim(&key, Timestamp::now(), Duration::from_secs(60)).await?, Claim::New(_)));
    /// # Ok(()) }
    /// ```
    pub struct PgDedup {
        pool: PgPool,
    }
    database: "PostgreSQL",
    handle: "hookwire::postgres::PgStore",
}
