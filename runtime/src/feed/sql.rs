//! The events feed on a SQL outbox, written once: [`SqlFeed`] binds a query to its backend's
//! statements ([`FeedDialect`], in `sqlite/feed.rs` and `postgres/feed.rs`) and turns the rows
//! into a [`FeedPage`]. The statements' texts differ (PostgreSQL orders by the publishing
//! transaction, SQLite by row id), and so do the cursor and the type lists they bind (two
//! numbers or one; arrays or JSON); their parameters' order, the columns they return and what
//! is made of them are the same.

use sqlx::query::Query;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type};

use crate::BoxFuture;
use crate::feed::{
    Cursor, FeedError, FeedEvent, FeedPage, FeedQuery, FeedStore, envelope, message_envelope,
};

mod sealed {
    pub trait FeedBackend {}
    #[cfg(feature = "sqlite")]
    impl FeedBackend for sqlx::Sqlite {}
    #[cfg(feature = "postgres")]
    impl FeedBackend for sqlx::Postgres {}
}

/// A database the events feed reads from: SQLite or PostgreSQL (sealed). Its two statements
/// take the same parameters in the same order (the cursor's, then, filtered, the exact
/// types, the type prefixes, the limit and the scan window; unfiltered, the limit; then the
/// application, NULL for events of none) and return the same columns: the row's cursor (text),
/// whether it matches (boolean), the event id, its type, its body (NULL when it does not
/// match), when it was published (Unix seconds), whether the body is a message's payload.
pub trait FeedDialect: Database + sealed::FeedBackend {
    /// Rows after the cursor in feed order, `limit` of them; every row matches.
    const READ: &'static str;
    /// Rows after the cursor in feed order, up to the scan window, returned up to the
    /// `limit`-th that matches.
    const READ_FILTERED: &'static str;

    /// Binds where the query reads from.
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor of another backend.
    fn bind_after<'q>(
        statement: Query<'q, Self, Self::Arguments>,
        query: &FeedQuery,
    ) -> Result<Query<'q, Self, Self::Arguments>, FeedError>;

    /// Binds a list of names (SQLite: as a JSON array; PostgreSQL: as an array).
    fn bind_names(
        statement: Query<'_, Self, Self::Arguments>,
        names: Vec<String>,
    ) -> Query<'_, Self, Self::Arguments>;
}

/// The events feed of a SQL outbox: [`SqliteFeed`](crate::sqlite::SqliteFeed) or
/// [`PgFeed`](crate::postgres::PgFeed). Cheap to clone: clones share the pool.
pub struct SqlFeed<D: FeedDialect> {
    pool: Pool<D>,
}

impl<D: FeedDialect> SqlFeed<D> {
    /// The feed over the outbox tables behind `pool` (migrated by the backend's handle).
    pub(crate) fn new(pool: Pool<D>) -> Self {
        SqlFeed { pool }
    }
}

impl<D: FeedDialect> Clone for SqlFeed<D> {
    fn clone(&self) -> Self {
        SqlFeed {
            pool: self.pool.clone(),
        }
    }
}

impl<D: FeedDialect> std::fmt::Debug for SqlFeed<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlFeed")
            .field("database", &D::NAME)
            .finish_non_exhaustive()
    }
}

impl<D> FeedStore for SqlFeed<D>
where
    D: FeedDialect,
    D::Arguments: IntoArguments<D>,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    usize: ColumnIndex<D::Row>,
    for<'r> String: Decode<'r, D> + Type<D>,
    for<'r> bool: Decode<'r, D> + Type<D>,
    for<'r> i64: Encode<'r, D> + Decode<'r, D> + Type<D>,
    for<'r> Option<i64>: Encode<'r, D>,
{
    fn read<'a>(&'a self, query: &'a FeedQuery) -> BoxFuture<'a, Result<FeedPage, FeedError>> {
        Box::pin(async move {
            let limit = i64::from(query.limit_or_default());
            let app = query.application().map(|app| app.0);
            let statement = if query.filtered() {
                let (exact, prefixes) = query.type_filters();
                let statement = D::bind_after(sqlx::query(D::READ_FILTERED), query)?;
                D::bind_names(D::bind_names(statement, exact), prefixes)
                    .bind(limit)
                    .bind(i64::from(query.scan_window()))
                    .bind(app)
            } else {
                D::bind_after(sqlx::query(D::READ), query)?
                    .bind(limit)
                    .bind(app)
            };
            let rows = statement.fetch_all(&self.pool).await.map_err(db)?;
            page(&rows, query)
        })
    }
}

/// The page the rows of a read make (columns as [`FeedDialect`] says).
fn page<R>(rows: &[R], query: &FeedQuery) -> Result<FeedPage, FeedError>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let mut data = Vec::new();
    let mut last = None;
    for row in rows {
        let cursor = Cursor::parse(&row.try_get::<String, _>(0).map_err(db)?)?;
        if row.try_get::<bool, _>(1).map_err(db)? {
            let payload: Option<String> = row.try_get(4).map_err(db)?;
            let payload =
                payload.ok_or_else(|| FeedError::Corrupt("an event without an envelope".into()))?;
            let event_type: String = row.try_get(3).map_err(db)?;
            let created_at: i64 = row.try_get(5).map_err(db)?;
            let is_message: bool = row.try_get(6).map_err(db)?;
            let body = if is_message {
                message_envelope(&event_type, created_at, &payload)?
            } else {
                payload
            };
            data.push(FeedEvent {
                cursor: cursor.clone(),
                id: row.try_get(2).map_err(db)?,
                event_type,
                created_at,
                envelope: envelope(body)?,
            });
        }
        last = Some(cursor);
    }
    Ok(FeedPage::scanned(data, last, rows.len(), query))
}

/// A database error of the feed.
pub(crate) fn db(error: sqlx::Error) -> FeedError {
    FeedError::Database(Box::new(error))
}
