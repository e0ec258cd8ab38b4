//! [`SqliteDedup`]: the duplicate store in a SQLite file, shared by the processes of one
//! machine (several receivers, or a receiver and its restarts).
//!
//! The same table and statements as [`PgDedup`](crate::postgres::PgDedup) (when that backend
//! is compiled): a claim is one upsert that inserts the key or takes over a row whose deadline
//! has passed; `complete` and `abandon` act only on the row holding the caller's token. The
//! file is opened in WAL mode with a 5 second busy timeout; each statement is its own write
//! transaction, so none upgrades a read lock. Expired keys are purged by the store itself, a
//! bounded batch every 500 claims (see [`SqliteDedup::purge_every`]).

use sqlx::sqlite::SqlitePool;

/// One sweep (`dedup::sweep`): at most ?2 of the keys expired at ?1.
const SWEEP: &str = "
DELETE FROM hw_dedup WHERE (namespace, id) IN
    (SELECT namespace, id FROM hw_dedup WHERE expires_at <= ?1 LIMIT ?2)";

crate::sql::dedup::sql_dedup_store! {
    /// The duplicate store in a SQLite file (feature `sqlite`). Cheap to clone: clones share the
    /// pool.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookwire::Timestamp;
    /// use hookwire::dedup::{Claim, DedupKey, DedupStore};
    /// use hookwire::sqlite::SqliteStore;
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let store = SqliteStore::open("sqlite::memory:").await?.dedup();
    /// let key = DedupKey::new("standard:/hooks", "msg_1");
    /// let now = Timestamp::from_unix(1_700_000_000);
    /// let Claim::New(token) = store.claim(&key, now, Duration::from_secs(60)).await? else { panic!() };
    /// store.complete(&key, token, now, Duration::from_secs(3_600)).await?;
    /// assert_eq!(store.claim(&key, now, Duration::from_secs(60)).await?, Claim::Done);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub struct SqliteDedup {
        pool: SqlitePool,
    }
    database: "SQLite",
    handle: "hookwire::sqlite::SqliteStore",
}
