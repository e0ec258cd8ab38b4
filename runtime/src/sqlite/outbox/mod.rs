//! The outbox on SQLite: one file, no server. WAL journal with `synchronous = NORMAL`, every
//! write transaction begins with `BEGIN IMMEDIATE` (so it waits for the writer lock under the
//! busy timeout instead of failing with `SQLITE_BUSY` on upgrade), the schema is created on
//! first use. The outbox's logic is shared with PostgreSQL; this is SQLite's dialect.
//!
//! `NORMAL` in WAL mode syncs the log at checkpoints, not at every commit: a committed event,
//! claim or result survives a crash of the application, which is what the outbox promises; a
//! power loss or an OS crash may roll back the last commits, and the outbox then sends those
//! deliveries again (at least once, as after any crash). `FULL` would sync at every claim and
//! every batch of results, for no delivery the outbox would otherwise lose.
//!
//! ```
//! use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};
//! use hookwire::sqlite::SqliteOutbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = std::env::temp_dir().join(format!("hookwire-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("sqlite-mod.db");
//! # let _ = std::fs::remove_file(&path);
//! let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display())).await?;
//! outbox.add_endpoint(&NewEndpoint::new("https://example.com/hooks", "whsec_c2VjcmV0")).await?;
//!
//! // Publish in your own transaction: the event exists exactly when your change commits.
//! let mut tx = outbox.begin().await?;
//! // sqlx::query("INSERT INTO orders ...").execute(&mut *tx).await?;
//! let event_id = outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({"id": 1}))?).await?;
//! tx.commit().await?;
//! assert!(event_id.starts_with("evt_"));
//! assert_eq!(outbox.stats().await?.states.pending, 1);
//! # Ok(()) }
//! ```

mod sql;

use std::collections::HashMap;
use std::str::FromStr;

use sqlx::query::Query;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteQueryResult};
use sqlx::{Pool, Sqlite};

use crate::BoxFuture;
use crate::outbox::record::Leased;
use crate::outbox::sql::{
    Arg, ClaimLanes, ClaimedRow, Delivered, Dialect, Exec, NewEvent, SqlOutbox, Statements, db,
    health,
};
use crate::outbox::{AttemptResult, Lease, StoreError};
use crate::sqlite::pool as sqlite_pool;
use crate::trace::TraceContext;

/// The outbox on a SQLite database file (see the `hookwire::sqlite` module documentation).
///
/// ```
/// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
/// use std::sync::Arc;
/// use hookwire::clock::FixedClock;
/// use hookwire::outbox::Policy;
/// use hookwire::sqlite::SqliteOutbox;
/// use hookwire::retry::RetryPolicy;
///
/// let outbox = SqliteOutbox::open("sqlite://outbox.db")
///     .await?
///     .with_clock(Arc::new(FixedClock::new(1_700_000_000)))
///     .with_policy(Policy::default().retry(RetryPolicy::default().jitter(0.0)));
/// # Ok(()) }
/// ```
pub type SqliteOutbox = SqlOutbox<Sqlite>;

impl SqlOutbox<Sqlite> {
    /// Opens (creating it if missing) the database at `url` (`sqlite://PATH` or
    /// `sqlite:PATH`; `sqlite::memory:` for tests, kept to one connection) in WAL mode with
    /// `synchronous = NORMAL` and a 5 second busy timeout, and creates or migrates the outbox
    /// tables.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::sqlite::SqliteOutbox::open("sqlite://outbox.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::invalid("url", format!("`{}`: {e}", crate::redact_url(url))))?
            .create_if_missing(true);
        Self::open_with(options).await
    }

    /// Opens with your connection options; WAL, `synchronous = NORMAL`, foreign keys and the
    /// busy timeout (5 s) are set on top of them.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
    /// use sqlx::sqlite::SqliteConnectOptions;
    /// let options = SqliteConnectOptions::new().filename("outbox.db").create_if_missing(true);
    /// let outbox = hookwire::sqlite::SqliteOutbox::open_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = sqlite_pool::tuned(options).foreign_keys(true);
        let pool = sqlite_pool::connect(options, 8).await.map_err(db)?;
        Self::from_pool(pool).await
    }
}

/// The event's pk (the fan-out's key) per claimed delivery, before the events are read.
type Picked = (i64, ClaimedRow);

impl Dialect for Sqlite {
    type Extra = ();
    const SQL: Statements = sql::STATEMENTS;
    const WAKE_ON_PUBLISH: bool = true;

    const BEGIN: Option<&'static str> = super::migrate::LINE.begin;

    fn bind_ints<'q>(
        query: Query<'q, Sqlite, <Sqlite as sqlx::Database>::Arguments>,
        list: &[i64],
    ) -> Query<'q, Sqlite, <Sqlite as sqlx::Database>::Arguments> {
        let items: Vec<String> = list.iter().map(i64::to_string).collect();
        query.bind(format!("[{}]", items.join(",")))
    }

    fn rows_affected(result: &SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn migrate(pool: &Pool<Sqlite>) -> BoxFuture<'_, Result<(), StoreError>> {
        // The database's migration line (`runtime/src/sqlite/migrations/`).
        Box::pin(async move {
            crate::sqlite::migrate_pool(pool)
                .await
                .map(drop)
                .map_err(StoreError::from)
        })
    }

    /// The event and its fan-out are two statements: one transaction of their own (a
    /// savepoint inside the caller's), so a failure or a crash between them cannot leave an
    /// event without its deliveries when the caller publishes outside a transaction.
    fn insert_event<'a>(
        _store: &'a SqlOutbox<Sqlite>,
        conn: &'a mut SqliteConnection,
        event: NewEvent<'a>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(db)?;
            let args = [
                Arg::Text(event.event_id),
                Arg::Text(event.event_type),
                Arg::Text(event.payload),
                Arg::Int(event.now),
                Arg::MaybeInt(event.app),
                Arg::MaybeText(event.dedupe_key),
                Arg::Flag(event.is_message),
                Arg::MaybeText(event.ordering_key),
                Arg::MaybeText(event.trace.map(TraceContext::traceparent)),
                Arg::MaybeText(event.trace.and_then(TraceContext::tracestate)),
            ];
            let Some(row) = Sqlite::fetch_optional(&mut tx, sql::INSERT_EVENT, &args).await? else {
                return Err(db(sqlx::Error::RowNotFound));
            };
            let pk = Sqlite::int(&row, 0)?;
            let args = [
                Arg::Int(pk),
                Arg::Int(event.now),
                Arg::Text(event.event_type),
                Arg::MaybeInt(event.app),
                Arg::MaybeText(event.ordering_key),
            ];
            Sqlite::execute(&mut tx, sql::FAN_OUT, &args).await?;
            tx.commit().await.map_err(db)
        })
    }

    fn abandon(
        conn: &mut SqliteConnection,
        now: i64,
        max_attempts: i64,
    ) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move {
            let args = [Arg::Int(now), Arg::Int(max_attempts)];
            Sqlite::execute(conn, sql::ABANDON_LOG, &args).await?;
            Sqlite::execute(conn, sql::ABANDON, &args).await
        })
    }

    /// One `UPDATE .. RETURNING` per lane (SQLite has one writer at a time, so no row locks
    /// are needed), then the claimed deliveries' events in one read.
    fn claim_lanes<'a>(
        conn: &'a mut SqliteConnection,
        claim: ClaimLanes<'a>,
    ) -> BoxFuture<'a, Result<Vec<ClaimedRow>, StoreError>> {
        Box::pin(async move {
            let mut picked: Vec<Picked> = Vec::new();
            for &(endpoint, take) in claim.takes {
                let args = [
                    Arg::Int(claim.lease_until),
                    Arg::Int(claim.token),
                    Arg::Int(claim.now),
                    Arg::Int(endpoint),
                    Arg::Int(take),
                    Arg::Int(claim.max_attempts),
                    Arg::Flag(claim.hold),
                ];
                for row in Sqlite::fetch_all(conn, sql::CLAIM_LANE, &args).await? {
                    let delivery = ClaimedRow {
                        delivery: Sqlite::int(&row, 0)?,
                        webhook_id: Sqlite::text(&row, 1)?,
                        endpoint,
                        attempt: Sqlite::int(&row, 3)?,
                        event: Default::default(),
                        trace: None,
                    };
                    picked.push((Sqlite::int(&row, 2)?, delivery));
                }
            }
            if picked.is_empty() {
                return Ok(Vec::new());
            }
            let mut pks: Vec<i64> = picked.iter().map(|(pk, _)| *pk).collect();
            pks.sort_unstable();
            pks.dedup();
            let mut events = HashMap::with_capacity(pks.len());
            for row in Sqlite::fetch_all(conn, sql::CLAIMED_EVENTS, &[Arg::Ints(&pks)]).await? {
                let event = (
                    Sqlite::text(&row, 1)?,
                    Sqlite::text(&row, 2)?,
                    Sqlite::text(&row, 3)?,
                );
                let trace = TraceContext::from_stored(
                    Sqlite::maybe_text(&row, 4)?,
                    Sqlite::maybe_text(&row, 5)?,
                );
                events.insert(Sqlite::int(&row, 0)?, (event, trace));
            }
            picked
                .into_iter()
                .map(|(pk, mut delivery)| {
                    let Some(event) = events.get(&pk) else {
                        return Err(StoreError::Corrupt {
                            table: "hw_delivery",
                            reason: format!(
                                "delivery {} refers to a missing event",
                                delivery.delivery
                            ),
                        });
                    };
                    delivery.event = event.0.clone();
                    delivery.trace = event.1.clone();
                    Ok(delivery)
                })
                .collect()
        })
    }

    fn lock_for_record<'a>(
        _conn: &'a mut SqliteConnection,
        _results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        // `BEGIN IMMEDIATE` already holds the only writer lock.
        Box::pin(async { Ok(()) })
    }

    fn delivered<'a>(
        _conn: &'a mut SqliteConnection,
        _successes: &'a [&'a AttemptResult],
        _now: i64,
    ) -> Option<Delivered<'a>> {
        None
    }

    fn leased(
        conn: &mut SqliteConnection,
        lease: Lease,
    ) -> BoxFuture<'_, Result<Option<Leased>, StoreError>> {
        Box::pin(async move {
            let args = [Arg::Int(lease.delivery.0), Arg::Int(lease.token)];
            let Some(row) = Sqlite::fetch_optional(conn, sql::LEASED, &args).await? else {
                return Ok(None);
            };
            Ok(Some(Leased {
                attempt: u32::try_from(Sqlite::int(&row, 0)?).unwrap_or(u32::MAX),
                endpoint: Sqlite::int(&row, 1)?,
                number: Sqlite::int(&row, 9)?,
                health: health::<Sqlite>(&row, 2)?,
            }))
        })
    }
}
