//! The outbox on PostgreSQL, for several workers on several machines: claims lock their
//! endpoints' lanes in id order and take deliveries with `FOR UPDATE SKIP LOCKED`; each publish
//! sends `pg_notify` (delivered at commit) so waiting workers wake at once. The tables live in
//! the connection's current schema (the first entry of `search_path`) and are created on first
//! use. The outbox's logic is shared with SQLite; this is PostgreSQL's dialect.
//!
//! ```no_run
//! use hookwire::outbox::{NewEndpoint, OutboxStore, RawEvent};
//! use hookwire::postgres::PgOutbox;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let outbox = PgOutbox::open("postgres://postgres@127.0.0.1:5432/shop").await?;
//! outbox.add_endpoint(&NewEndpoint::new("https://example.com/hooks", "whsec_c2VjcmV0")).await?;
//!
//! let mut tx = outbox.begin().await?;
//! // sqlx::query("INSERT INTO orders ...").execute(&mut *tx).await?;
//! outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({"id": 1}))?).await?;
//! tx.commit().await?;
//! # Ok(()) }
//! ```

mod listen;
mod sql;

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgQueryResult};
use sqlx::query::Query;
use sqlx::{Pool, Postgres};

use crate::BoxFuture;
use crate::outbox::record::Leased;
use crate::outbox::sql::{
    Arg, ClaimLanes, ClaimedRow, Delivered, Dialect, Exec, NewEvent, SqlOutbox, Statements, db,
};
use crate::outbox::{AttemptResult, Lease, StoreError};
use crate::trace::TraceContext;

/// The outbox on a PostgreSQL database (see the `hookwire::postgres` module documentation).
///
/// ```no_run
/// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
/// use sqlx::postgres::PgConnectOptions;
/// use hookwire::postgres::PgOutbox;
///
/// // The outbox's tables in the schema `webhooks`.
/// let options: PgConnectOptions = "postgres://postgres@127.0.0.1:5432/shop".parse()
///     .map_err(hookwire::outbox::StoreError::database)?;
/// let outbox = PgOutbox::open_with(options.options([("search_path", "webhooks")])).await?;
/// # Ok(()) }
/// ```
pub type PgOutbox = SqlOutbox<Postgres>;

/// What a PostgreSQL outbox keeps besides its pool: its `NOTIFY` channel and whether its
/// listening task runs.
#[derive(Debug, Clone)]
pub struct PgExtra {
    channel: Arc<str>,
    listening: Arc<Mutex<bool>>,
}

impl SqlOutbox<Postgres> {
    /// Connects to `url` (`postgres://...`) with a pool of 10 connections and creates or
    /// migrates the outbox tables in the connection's current schema.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::postgres::PgOutbox::open("postgres://127.0.0.1/shop").await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::invalid("url", format!("`{}`: {e}", crate::redact_url(url)))
        })?;
        Self::open_with(options).await
    }

    /// Connects with your options (set `search_path` there to choose the schema).
    ///
    /// ```no_run
    /// # async fn demo(options: sqlx::postgres::PgConnectOptions) -> Result<(), hookwire::outbox::StoreError> {
    /// let outbox = hookwire::postgres::PgOutbox::open_with(options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = crate::postgres::pool::connect(options, 10, Duration::from_secs(30))
            .await
            .map_err(db)?;
        Self::from_pool(pool).await
    }

    /// The `LISTEN` channel publishes notify: `hookwire_outbox.<schema>` (the schema hashed
    /// when the name would be longer than 63 bytes).
    ///
    /// ```no_run
    /// # fn demo(outbox: &hookwire::postgres::PgOutbox) {
    /// assert!(outbox.channel().starts_with("hookwire_outbox."));
    /// # }
    /// ```
    pub fn channel(&self) -> &str {
        &self.extra.channel
    }
}

impl Dialect for Postgres {
    type Extra = PgExtra;
    const SQL: Statements = sql::STATEMENTS;
    const WAKE_ON_PUBLISH: bool = false;

    const BEGIN: Option<&'static str> = super::migrate::LINE.begin;

    fn bind_ints<'q>(
        query: Query<'q, Postgres, <Postgres as sqlx::Database>::Arguments>,
        list: &[i64],
    ) -> Query<'q, Postgres, <Postgres as sqlx::Database>::Arguments> {
        query.bind(list.to_vec())
    }

    fn rows_affected(result: &PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn migrate(pool: &Pool<Postgres>) -> BoxFuture<'_, Result<PgExtra, StoreError>> {
        Box::pin(async move {
            // The schema's migration line (`runtime/src/postgres/migrations/`).
            crate::postgres::migrate_pool(pool).await?;
            let schema: Option<String> = sqlx::query_scalar(sql::CURRENT_SCHEMA)
                .fetch_one(pool)
                .await
                .map_err(|e| StoreError::Migration(Box::new(e)))?;
            let Some(schema) = schema else {
                return Err(StoreError::Migration(
                    "the connection has no current schema: create the first schema of its search_path"
                        .into(),
                ));
            };
            Ok(PgExtra {
                channel: listen::channel_name(&schema).into(),
                listening: Arc::new(Mutex::new(false)),
            })
        })
    }

    /// The event, its fan-out and the notification in one statement.
    fn insert_event<'a>(
        store: &'a SqlOutbox<Postgres>,
        conn: &'a mut PgConnection,
        event: NewEvent<'a>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let args = [
                Arg::Text(event.event_id),
                Arg::Text(event.event_type),
                Arg::Text(event.payload),
                Arg::Int(event.now),
                Arg::Text(&store.extra.channel),
                Arg::MaybeInt(event.app),
                Arg::MaybeText(event.dedupe_key),
                Arg::Flag(event.is_message),
                Arg::MaybeText(event.ordering_key),
                Arg::MaybeText(event.trace.map(TraceContext::traceparent)),
                Arg::MaybeText(event.trace.and_then(TraceContext::tracestate)),
            ];
            Postgres::execute(conn, sql::PUBLISH, &args).await?;
            Ok(())
        })
    }

    fn abandon(
        conn: &mut PgConnection,
        now: i64,
        max_attempts: i64,
    ) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(Postgres::execute(
            conn,
            sql::ABANDON,
            &[Arg::Int(now), Arg::Int(max_attempts)],
        ))
    }

    /// Every lane's share in one `UPDATE` whose per-lane picks use `FOR UPDATE SKIP LOCKED`,
    /// returning the events with the deliveries.
    fn claim_lanes<'a>(
        conn: &'a mut PgConnection,
        claim: ClaimLanes<'a>,
    ) -> BoxFuture<'a, Result<Vec<ClaimedRow>, StoreError>> {
        let endpoints: Vec<i64> = claim.takes.iter().map(|(endpoint, _)| *endpoint).collect();
        let counts: Vec<i64> = claim.takes.iter().map(|(_, take)| *take).collect();
        Box::pin(async move {
            let args = [
                Arg::Ints(&endpoints),
                Arg::Ints(&counts),
                Arg::Int(claim.now),
                Arg::Int(claim.lease_until),
                Arg::Int(claim.token),
                Arg::Int(claim.max_attempts),
                Arg::Flag(claim.hold),
            ];
            let rows = Postgres::fetch_all(conn, sql::CLAIM, &args).await?;
            rows.iter()
                .map(|row| {
                    Ok(ClaimedRow {
                        delivery: Postgres::int(row, 0)?,
                        webhook_id: Postgres::text(row, 1)?,
                        endpoint: Postgres::int(row, 2)?,
                        attempt: Postgres::int(row, 3)?,
                        event: (
                            Postgres::text(row, 4)?,
                            Postgres::text(row, 5)?,
                            Postgres::text(row, 6)?,
                        ),
                        trace: TraceContext::from_stored(
                            Postgres::maybe_text(row, 7)?,
                            Postgres::maybe_text(row, 8)?,
                        ),
                    })
                })
                .collect()
        })
    }

    /// The batch's endpoints, locked in id order before anything else, as claims lock their
    /// lanes: concurrent batches and claims then never wait for each other in a cycle.
    fn lock_for_record<'a>(
        conn: &'a mut PgConnection,
        results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let deliveries: Vec<i64> = results.iter().map(|r| r.lease.delivery.0).collect();
        Box::pin(async move {
            Postgres::execute(conn, sql::LOCK_ENDPOINTS, &[Arg::Ints(&deliveries)]).await?;
            Ok(())
        })
    }

    fn delivered<'a>(
        conn: &'a mut PgConnection,
        successes: &'a [&'a AttemptResult],
        now: i64,
    ) -> Option<Delivered<'a>> {
        Some(Box::pin(delivered(conn, successes, now)))
    }

    fn leased(
        conn: &mut PgConnection,
        lease: Lease,
    ) -> BoxFuture<'_, Result<Option<Leased>, StoreError>> {
        Box::pin(async move {
            let args = [Arg::Int(lease.delivery.0), Arg::Int(lease.token)];
            let Some(row) = Postgres::fetch_optional(conn, sql::LEASED, &args).await? else {
                return Ok(None);
            };
            let endpoint = Postgres::int(&row, 1)?;
            Ok(Some(Leased {
                attempt: u32::try_from(Postgres::int(&row, 0)?).unwrap_or(u32::MAX),
                endpoint,
                number: Postgres::int(&row, 2)?,
                health: Self::health(conn, endpoint).await?,
            }))
        })
    }

    fn listen(store: &SqlOutbox<Postgres>) {
        listen::start(store, &store.extra.listening, &store.extra.channel);
    }
}

/// Successes, all at once (`DELIVERED`): `(delivery, endpoint)` of those whose lease held.
async fn delivered(
    conn: &mut PgConnection,
    successes: &[&AttemptResult],
    now: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let pick = |f: &dyn Fn(&AttemptResult) -> i64| -> Vec<i64> {
        successes.iter().map(|r| f(r)).collect()
    };
    let excerpts: Vec<String> = successes
        .iter()
        .map(|r| crate::outbox::excerpt::from_text(&r.excerpt).into_owned())
        .collect();
    let rows = sqlx::query(sql::DELIVERED)
        .bind(pick(&|r| r.lease.delivery.0))
        .bind(pick(&|r| r.lease.token))
        .bind(pick(&|r| r.outcome.status().map_or(0, i64::from)))
        .bind(pick(&|r| {
            i64::try_from(r.duration.as_millis()).unwrap_or(i64::MAX)
        }))
        .bind(excerpts)
        .bind(now)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
    rows.iter()
        .map(|row| Ok((Postgres::int(row, 0)?, Postgres::int(row, 1)?)))
        .collect()
}
