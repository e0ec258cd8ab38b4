//! The events feed on a SQL outbox, written once: [`SqlFeed`] reads the rows its backend's
//! statements return ([`FeedDialect`], in `sqlite/feed.rs` and `postgres/feed.rs`) and turns
//! them into a [`FeedPage`]. The statements differ (PostgreSQL orders by the publishing
//! transaction, SQLite by row id; the type lists are bound as arrays or as JSON); the columns
//! they return and what is made of them are the same.

use sqlx::{ColumnIndex, Database, Decode, Pool, Row, Type};

use crate::BoxFuture;
use crate::feed::{Cursor, FeedError, FeedEvent, FeedPage, FeedQuery, FeedStore, envelope};

mod sealed {
    pub trait FeedBackend {}
    #[cfg(feature = "sqlite")]
    impl FeedBackend for sqlx::Sqlite {}
    #[cfg(feature = "postgres")]
    impl FeedBackend for sqlx::Postgres {}
}

/// A database the events feed reads from: SQLite or PostgreSQL (sealed).
pub trait FeedDialect: Database + sealed::FeedBackend {
    /// The rows of one page after the query's cursor, in feed order, up to the `limit`-th
    /// that matches the query's types within its scan window. Columns: the row's cursor
    /// (text), whether it matches (boolean), the event id, its type, its envelope (NULL when
    /// it does not match), when it was published (Unix seconds).
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor of another backend, or a database error.
    fn rows<'a>(
        pool: &'a Pool<Self>,
        query: &'a FeedQuery,
    ) -> BoxFuture<'a, Result<Vec<Self::Row>, FeedError>>;
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
    usize: ColumnIndex<D::Row>,
    for<'r> String: Decode<'r, D> + Type<D>,
    for<'r> bool: Decode<'r, D> + Type<D>,
    for<'r> i64: Decode<'r, D> + Type<D>,
{
    fn read<'a>(&'a self, query: &'a FeedQuery) -> BoxFuture<'a, Result<FeedPage, FeedError>> {
        Box::pin(async move {
            let rows = D::rows(&self.pool, query).await?;
            page(&rows, query)
        })
    }
}

/// The page the rows of a read make (columns as [`FeedDialect::rows`] returns them).
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
            data.push(FeedEvent {
                cursor: cursor.clone(),
                id: row.try_get(2).map_err(db)?,
                event_type: row.try_get(3).map_err(db)?,
                created_at: row.try_get(5).map_err(db)?,
                envelope: envelope(payload)?,
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
