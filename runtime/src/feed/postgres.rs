//! [`PgFeed`]: the events feed on the PostgreSQL outbox.

use sqlx::Row;
use sqlx::postgres::PgPool;

use crate::feed::{Cursor, FeedError, FeedEvent, FeedPage, FeedQuery, db, envelope};

/// Rows after the cursor in (transaction, id) order, only of transactions older than every
/// transaction still running: a later commit always has a larger transaction id than the
/// snapshot's xmin, so it sorts after everything already served. Every row read matches (no
/// type filter).
const READ: &str = "
SELECT id, xid::text, true, event_id, event_type, payload, created_at
FROM hw_event
WHERE (xid, id) > ($1::text::xid8, $2)
  AND xid < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY xid, id
LIMIT $3";

/// With a type filter, the same rows, looking at up to `$6` of them (the scan window) and
/// returning them up to the `$5`-th that matches, the payload only for matches: one
/// statement, so the rows and the end of the scan come from one snapshot.
const READ_FILTERED: &str = "
WITH scanned AS (
  SELECT id, xid,
         (event_type = ANY($3)
          OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS p (prefix)
                     WHERE starts_with(event_type, p.prefix))) AS hit
  FROM hw_event
  WHERE (xid, id) > ($1::text::xid8, $2)
    AND xid < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY xid, id
  LIMIT $6
), counted AS (
  SELECT id, xid, hit,
         sum(CASE WHEN hit THEN 1 ELSE 0 END) OVER (ORDER BY xid, id ROWS UNBOUNDED PRECEDING) AS hits
  FROM scanned
)
SELECT c.id, c.xid::text, c.hit, e.event_id, e.event_type,
       CASE WHEN c.hit THEN e.payload END, e.created_at
FROM counted AS c JOIN hw_event AS e ON e.id = c.id
WHERE c.hits < $5 OR (c.hits = $5 AND c.hit)
ORDER BY c.xid, c.id";

/// The events feed of a PostgreSQL outbox (feature `postgres`). Cheap to clone.
///
/// ```no_run
/// use hookwire::feed::{FeedQuery, PgFeed};
/// use hookwire::postgres::PgOutbox;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let outbox = PgOutbox::open("postgres://postgres@127.0.0.1:5432/shop").await?;
/// let feed = PgFeed::new(outbox.pool().clone()).await?;
/// let page = feed.read(&FeedQuery::from_start().limit(50)).await?;
/// for event in &page.data {
///     println!("{} {}", event.id, event.event_type);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PgFeed {
    pool: PgPool,
}

impl PgFeed {
    /// The feed over the outbox tables in the pool's current schema (create the outbox
    /// first). Migrates the schema (the publishing transaction's id on `hw_event` is
    /// migration 5) if it is behind.
    ///
    /// # Errors
    /// The database failed, or the outbox's `hw_event` table does not exist.
    ///
    /// ```no_run
    /// # async fn demo(pool: sqlx::PgPool) -> Result<(), hookwire::feed::FeedError> {
    /// let feed = hookwire::feed::PgFeed::new(pool).await?;
    /// # Ok(()) }
    /// ```
    pub async fn new(pool: PgPool) -> Result<Self, FeedError> {
        // The publishing transaction's id on `hw_event`: migration 5 of the line.
        crate::postgres::migrate_pool(&pool)
            .await
            .map_err(|e| FeedError::Database(Box::new(e)))?;
        Ok(PgFeed { pool })
    }

    /// One page of events after the query's cursor.
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor of another backend, or a database error.
    ///
    /// ```no_run
    /// # async fn demo(feed: hookwire::feed::PgFeed) -> Result<(), hookwire::feed::FeedError> {
    /// use hookwire::feed::FeedQuery;
    /// let mut query = FeedQuery::from_start();
    /// loop {
    ///     let page = feed.read(&query).await?;
    ///     // handle page.data ...
    ///     if page.done { break; }
    ///     query = FeedQuery::after(page.next.expect("a full page has a cursor"));
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn read(&self, query: &FeedQuery) -> Result<FeedPage, FeedError> {
        let (xid, id) = match query.cursor() {
            None => (0, 0),
            Some(cursor) => match cursor.parts()? {
                (xid, Some(id)) => (xid, id),
                (_, None) => return Err(FeedError::InvalidCursor(cursor.to_string())),
            },
        };
        let id = i64::try_from(id).map_err(|_| FeedError::InvalidCursor(id.to_string()))?;
        let limit = i64::from(query.limit_or_default());
        let statement = if query.filtered() {
            let (exact, prefixes) = query.type_filters();
            sqlx::query(READ_FILTERED)
                .bind(xid.to_string())
                .bind(id)
                .bind(exact)
                .bind(prefixes)
                .bind(limit)
                .bind(i64::from(query.scan_window()))
        } else {
            sqlx::query(READ).bind(xid.to_string()).bind(id).bind(limit)
        };
        let rows = statement.fetch_all(&self.pool).await.map_err(db)?;
        let scanned = rows.len();
        let mut data = Vec::new();
        let mut last = None;
        for row in rows {
            let id: i64 = row.try_get(0).map_err(db)?;
            let xid: String = row.try_get(1).map_err(db)?;
            let cursor = Cursor::parse(&format!("{xid}-{id}"))?;
            if row.try_get::<bool, _>(2).map_err(db)? {
                let payload: String = row.try_get(5).map_err(db)?;
                data.push(FeedEvent {
                    cursor: cursor.clone(),
                    id: row.try_get(3).map_err(db)?,
                    event_type: row.try_get(4).map_err(db)?,
                    created_at: row.try_get(6).map_err(db)?,
                    envelope: envelope(payload)?,
                });
            }
            last = Some(cursor);
        }
        Ok(FeedPage::scanned(data, last, scanned, query))
    }
}
