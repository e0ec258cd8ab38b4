//! What the SQL outbox needs of a database: running a statement with bound values and reading
//! the columns of its rows ([`Exec`], written once over sqlx's generic traits), and the few
//! real differences between SQLite and PostgreSQL ([`Dialect`]): how a write transaction
//! begins, how a list is bound, the statements that cannot be written the same way in both
//! (publishing, claiming, fencing a result, releasing) and the per-store state (PostgreSQL's
//! `NOTIFY` channel).

use sqlx::query::Query;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use crate::BoxFuture;
use crate::outbox::record::Leased;
use crate::outbox::sql::SqlOutbox;
use crate::outbox::{AttemptResult, Health, Lease, StoreError};

/// One value bound to a statement.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// An integer.
    Int(i64),
    /// An integer or NULL.
    MaybeInt(Option<i64>),
    /// Text.
    Text(&'a str),
    /// Text or NULL.
    MaybeText(Option<&'a str>),
    /// A boolean (an integer 0 or 1 on SQLite).
    Flag(bool),
    /// A list of integers: a JSON array read with `json_each` on SQLite, an array on
    /// PostgreSQL.
    Ints(&'a [i64]),
}

/// The statements both databases run with the same text (`$N` parameters, which SQLite reads
/// as `?N`), from `statements.rs`, and the dialect's own texts for the rest.
#[derive(Debug)]
pub struct Statements {
    /// Lanes: enabled, unpaused endpoints with a due delivery; PostgreSQL locks them.
    pub lanes: &'static str,
    /// What lanes ($1, a list) have in flight at $2: `(endpoint_id, count)`.
    pub busy: &'static str,
    /// Endpoint type filters of the endpoints $1 (a list).
    pub endpoint_types: &'static str,
    /// Gives leases ($1 ids, $2 tokens: lists) back at $3.
    pub release: &'static str,
    /// The health of endpoint $1 (PostgreSQL locks it).
    pub health: &'static str,
}

/// Successes recorded at once: `(delivery, endpoint)` of those whose lease held.
pub(crate) type Delivered<'a> = BoxFuture<'a, Result<Vec<(i64, i64)>, StoreError>>;

/// One claimed delivery, as the dialect's claim returns it.
#[derive(Debug)]
pub struct ClaimedRow {
    /// The delivery.
    pub delivery: i64,
    /// Its `webhook-id`.
    pub webhook_id: String,
    /// Its endpoint.
    pub endpoint: i64,
    /// The attempt's number.
    pub attempt: i64,
    /// The event's id, type and envelope.
    pub event: (String, String, String),
    /// The event's trace context.
    pub trace: Option<crate::trace::TraceContext>,
}

/// What one claim asks of the lanes: `takes` is `(endpoint, how many)`.
#[derive(Debug, Clone, Copy)]
pub struct ClaimLanes<'a> {
    /// `(endpoint, how many)` per lane.
    pub takes: &'a [(i64, i64)],
    /// When the leases run out.
    pub lease_until: i64,
    /// The claim's fencing token.
    pub token: i64,
    /// Now.
    pub now: i64,
    /// The policy's attempts: an expired lease that was the schedule's last is not claimed.
    pub max_attempts: i64,
    /// Whether a failed delivery holds back the later ones of its ordering key.
    pub hold: bool,
}

/// An event to store and fan out.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    /// Its id.
    pub event_id: &'a str,
    /// Its type.
    pub event_type: &'a str,
    /// Its body (the envelope, or a message's payload).
    pub payload: &'a str,
    /// Now.
    pub now: i64,
    /// Its application.
    pub app: Option<i64>,
    /// Its dedupe key.
    pub dedupe_key: Option<&'a str>,
    /// Its ordering key.
    pub ordering_key: Option<&'a str>,
    /// Whether the body is a message's payload as given.
    pub is_message: bool,
    /// The trace it continues (`traceparent` and `tracestate` columns).
    pub trace: Option<&'a crate::trace::TraceContext>,
}

mod sealed {
    pub trait Sealed {}
    #[cfg(feature = "sqlite")]
    impl Sealed for sqlx::Sqlite {}
    #[cfg(feature = "postgres")]
    impl Sealed for sqlx::Postgres {}
}

/// A database the SQL outbox runs on: SQLite or PostgreSQL (sealed).
pub trait Dialect: Exec + sealed::Sealed {
    /// What a store keeps besides its pool (PostgreSQL: the `NOTIFY` channel).
    type Extra: Clone + Send + Sync + std::fmt::Debug + 'static;
    /// The statements whose text differs.
    const SQL: Statements;
    /// Whether a publish wakes this process's workers as soon as its event is stored (SQLite:
    /// the worker then waits for the writer lock), rather than at the commit's notification.
    const WAKE_ON_PUBLISH: bool;

    /// The statement that begins a write transaction (SQLite: `BEGIN IMMEDIATE`, the one its
    /// migration line runs in); `None`: the pool's `BEGIN`.
    const BEGIN: Option<&'static str>;

    /// Binds a list (see [`Arg::Ints`]).
    fn bind_ints<'q>(
        query: Query<'q, Self, Self::Arguments>,
        list: &[i64],
    ) -> Query<'q, Self, Self::Arguments>;

    /// Rows a write changed.
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// Creates or migrates the outbox's tables; returns the store's extra state.
    fn migrate(pool: &Pool<Self>) -> BoxFuture<'_, Result<Self::Extra, StoreError>>;

    /// Stores an event and fans it out, all or nothing, on `conn`.
    fn insert_event<'a>(
        store: &'a SqlOutbox<Self>,
        conn: &'a mut Self::Connection,
        event: NewEvent<'a>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Fails the deliveries whose last lease ran out (poison work); how many.
    fn abandon(
        conn: &mut Self::Connection,
        now: i64,
        max_attempts: i64,
    ) -> BoxFuture<'_, Result<u64, StoreError>>;

    /// Claims each lane's share.
    fn claim_lanes<'a>(
        conn: &'a mut Self::Connection,
        claim: ClaimLanes<'a>,
    ) -> BoxFuture<'a, Result<Vec<ClaimedRow>, StoreError>>;

    /// Locks what recording `results` writes, before anything else (PostgreSQL: their
    /// endpoints in id order, as claims lock their lanes).
    fn lock_for_record<'a>(
        conn: &'a mut Self::Connection,
        results: &'a [AttemptResult],
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Records `successes` at once when the dialect can (PostgreSQL): `(delivery, endpoint)`
    /// of those whose lease held; `None` to record them one by one.
    fn delivered<'a>(
        conn: &'a mut Self::Connection,
        successes: &'a [&'a AttemptResult],
        now: i64,
    ) -> Option<Delivered<'a>>;

    /// The leased delivery of `lease` (locked on PostgreSQL) and its endpoint's health, or
    /// `None` when the lease is stale.
    fn leased(
        conn: &mut Self::Connection,
        lease: Lease,
    ) -> BoxFuture<'_, Result<Option<Leased>, StoreError>>;

    /// The endpoint's health (locked on PostgreSQL).
    fn health(
        conn: &mut Self::Connection,
        endpoint: i64,
    ) -> BoxFuture<'_, Result<Health, StoreError>> {
        Box::pin(async move {
            match Self::fetch_optional(conn, Self::SQL.health, &[Arg::Int(endpoint)]).await? {
                Some(row) => health::<Self>(&row, 0),
                None => Err(db(sqlx::Error::RowNotFound)),
            }
        })
    }

    /// Makes sure the database's notifications of other processes' publishes reach `store`'s
    /// wake-ups (PostgreSQL: its listening task runs); a dialect without them has nothing to do.
    fn listen(_store: &SqlOutbox<Self>) {}
}

/// Running statements and reading rows, for any database sqlx supports with the types the
/// outbox binds and reads; the sqlx bounds are written here once, in the one implementation.
pub trait Exec: Database {
    /// Runs a write; the rows it changed.
    fn execute<'a>(
        conn: &'a mut Self::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
    /// Every row of a read.
    fn fetch_all<'a>(
        conn: &'a mut Self::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> BoxFuture<'a, Result<Vec<Self::Row>, StoreError>>;
    /// The row of a read, if any.
    fn fetch_optional<'a>(
        conn: &'a mut Self::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> BoxFuture<'a, Result<Option<Self::Row>, StoreError>>;
    /// Runs a script of several statements (a schema, a migration).
    fn execute_script<'a>(
        conn: &'a mut Self::Connection,
        sql: &'static str,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>>;
    /// Column `i` as an integer.
    fn int(row: &Self::Row, i: usize) -> Result<i64, StoreError>;
    /// Column `i` as an integer or NULL.
    fn maybe_int(row: &Self::Row, i: usize) -> Result<Option<i64>, StoreError>;
    /// Column `i` as text.
    fn text(row: &Self::Row, i: usize) -> Result<String, StoreError>;
    /// Column `i` as text or NULL.
    fn maybe_text(row: &Self::Row, i: usize) -> Result<Option<String>, StoreError>;
    /// Column `i` as a boolean.
    fn flag(row: &Self::Row, i: usize) -> Result<bool, StoreError>;
}

pub(crate) fn db(error: sqlx::Error) -> StoreError {
    StoreError::database(error)
}

fn query<DB: Dialect>(sql: &'static str, args: &[Arg<'_>]) -> Query<'static, DB, DB::Arguments>
where
    for<'t> i64: Encode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Encode<'t, DB> + Type<DB>,
    for<'t> &'t str: Encode<'t, DB> + Type<DB>,
    for<'t> Option<&'t str>: Encode<'t, DB> + Type<DB>,
    for<'t> bool: Encode<'t, DB> + Type<DB>,
{
    let mut query = sqlx::query::<DB>(sql);
    for arg in args {
        query = match *arg {
            Arg::Int(value) => query.bind(value),
            Arg::MaybeInt(value) => query.bind(value),
            Arg::Text(value) => query.bind(value),
            Arg::MaybeText(value) => query.bind(value),
            Arg::Flag(value) => query.bind(value),
            Arg::Ints(list) => DB::bind_ints(query, list),
        };
    }
    query
}

impl<DB> Exec for DB
where
    DB: Dialect,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'t> i64: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> Option<i64>: Encode<'t, DB> + Type<DB>,
    for<'t> &'t str: Encode<'t, DB> + Type<DB>,
    for<'t> Option<&'t str>: Encode<'t, DB> + Type<DB>,
    for<'t> bool: Encode<'t, DB> + Decode<'t, DB> + Type<DB>,
    for<'t> String: Decode<'t, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    fn execute<'a>(
        conn: &'a mut DB::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        let query = query::<DB>(sql, args);
        Box::pin(async move {
            let done = query.execute(conn).await.map_err(db)?;
            Ok(DB::rows_affected(&done))
        })
    }

    fn fetch_all<'a>(
        conn: &'a mut DB::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> BoxFuture<'a, Result<Vec<DB::Row>, StoreError>> {
        let query = query::<DB>(sql, args);
        Box::pin(async move { query.fetch_all(conn).await.map_err(db) })
    }

    fn fetch_optional<'a>(
        conn: &'a mut DB::Connection,
        sql: &'static str,
        args: &[Arg<'_>],
    ) -> BoxFuture<'a, Result<Option<DB::Row>, StoreError>> {
        let query = query::<DB>(sql, args);
        Box::pin(async move { query.fetch_optional(conn).await.map_err(db) })
    }

    fn execute_script<'a>(
        conn: &'a mut DB::Connection,
        sql: &'static str,
    ) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            sqlx::raw_sql(sql).execute(conn).await?;
            Ok(())
        })
    }

    fn int(row: &DB::Row, i: usize) -> Result<i64, StoreError> {
        row.try_get(i).map_err(db)
    }

    fn maybe_int(row: &DB::Row, i: usize) -> Result<Option<i64>, StoreError> {
        row.try_get(i).map_err(db)
    }

    fn text(row: &DB::Row, i: usize) -> Result<String, StoreError> {
        row.try_get(i).map_err(db)
    }

    fn maybe_text(row: &DB::Row, i: usize) -> Result<Option<String>, StoreError> {
        row.try_get(i).map_err(db)
    }

    fn flag(row: &DB::Row, i: usize) -> Result<bool, StoreError> {
        row.try_get(i).map_err(db)
    }
}

/// Column `i` as a count (negative: 0, too large: `u32::MAX`).
pub(crate) fn count<DB: Exec>(row: &DB::Row, i: usize) -> Result<u32, StoreError> {
    Ok(u32::try_from(DB::int(row, i)?.max(0)).unwrap_or(u32::MAX))
}

/// The endpoint's health from 7 columns starting at `first`: consecutive failures, failing
/// since, paused until, window start, window attempts, window failures, breaker opens.
pub(crate) fn health<DB: Exec>(row: &DB::Row, first: usize) -> Result<Health, StoreError> {
    Ok(Health {
        consecutive_failures: count::<DB>(row, first)?,
        failing_since: DB::maybe_int(row, first + 1)?,
        paused_until: DB::int(row, first + 2)?,
        window_start: DB::int(row, first + 3)?,
        window_attempts: count::<DB>(row, first + 4)?,
        window_failures: count::<DB>(row, first + 5)?,
        breaker_opens: count::<DB>(row, first + 6)?,
    })
}
