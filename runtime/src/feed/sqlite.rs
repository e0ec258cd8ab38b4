//! [`SqliteFeed`]: the events feed on the SQLite outbox.

use sqlx::Row;
use sqlx::sqlite::SqlitePool;

use crate::feed::{Cursor, FeedError, FeedEvent, FeedPage, FeedQuery, db, envelope};

/// SQLite runs one write transaction at a time, so row ids (`AUTOINCREMENT`, never reused)
/// commit in order and `id > cursor` skips nothing. Every row read matches (no type filter).
const READ: &str = "
SELECT id, 1, event_id, event_type, payload, created_at
FROM hw_event
WHERE id > ?1
ORDER BY id
LIMIT ?2";

/// With a type filter, the read looks at up to `?5` rows (the scan window) and returns them
/// up to the `?4`-th that matches, the payload only for matches: one statement, so the rows
/// and the end of the scan come from one snapshot.
const READ_FILTERED: &str = "
WITH scanned AS (
  SELECT id,
         (event_type IN (SELECT value FROM json_each(?2))
          OR EXISTS (SELECT 1 FROM json_each(?3) AS p
                     WHERE substr(event_type, 1, length(p.value)) = p.value)) AS hit
  FROM hw_event
  WHERE id > ?1
  ORDER BY id
  LIMIT ?5
), counted AS (
  SELECT id, hit, sum(hit) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS hits FROM scanned
)
SELECT c.id, c.hit, e.event_id, e.event_type, CASE WHEN c.hit THEN e.payload END, e.created_at
FROM counted AS c JOIN hw_event AS e ON e.id = c.id
WHERE c.hits < ?4 OR (c.hits = ?4 AND c.hit)
ORDER BY c.id";

/// The events feed of a SQLite outbox (feature `sqlite`). Cheap to clone.
///
/// ```
/// use hookwire::feed::{FeedQuery, SqliteFeed};
/// use hookwire::outbox::RawEvent;
/// use hookwire::sqlite::SqliteOutbox;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let path = std::env::temp_dir().join(format!("hookwire-feed-doc-{}.db", std::process::id()));
/// # let _ = std::fs::remove_file(&path);
/// let outbox = SqliteOutbox::open(&format!("sqlite://{}", path.display())).await?;
/// let mut tx = outbox.begin().await?;
/// outbox.publish_raw_in(&mut tx, &RawEvent::new("order.created", serde_json::json!({"id": 1}))?).await?;
/// tx.commit().await?;
///
/// let feed = SqliteFeed::new(outbox.pool().clone());
/// let page = feed.read(&FeedQuery::from_start()).await?;
/// assert_eq!(page.data[0].event_type, "order.created");
/// assert!(page.done);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SqliteFeed {
    pool: SqlitePool,
}

impl SqliteFeed {
    /// The feed over the outbox tables of `pool` (create the outbox first).
    ///
    /// ```no_run
    /// # fn demo(pool: sqlx::SqlitePool) {
    /// let feed = hookwire::feed::SqliteFeed::new(pool);
    /// # }
    /// ```
    pub fn new(pool: SqlitePool) -> Self {
        SqliteFeed { pool }
    }

    /// One page of events after the query's cursor.
    ///
    /// # Errors
    /// [`FeedError::InvalidCursor`] for a cursor of another backend, or a database error.
    ///
    /// ```no_run
    /// # async fn demo(feed: hookwire::feed::SqliteFeed) -> Result<(), hookwire::feed::FeedError> {
    /// let page = feed.read(&hookwire::feed::FeedQuery::from_start().types(["order.*"])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn read(&self, query: &FeedQuery) -> Result<FeedPage, FeedError> {
        let after = match query.cursor() {
            None => 0,
            Some(cursor) => match cursor.parts()? {
                (id, None) => id,
                (_, Some(_)) => return Err(FeedError::InvalidCursor(cursor.to_string())),
            },
        };
        let after =
            i64::try_from(after).map_err(|_| FeedError::InvalidCursor(after.to_string()))?;
        let limit = i64::from(query.limit_or_default());
        let statement = if query.filtered() {
            let (exact, prefixes) = query.type_filters();
            let json = |list: Vec<String>| serde_json::Value::from(list).to_string();
            sqlx::query(READ_FILTERED)
                .bind(after)
                .bind(json(exact))
                .bind(json(prefixes))
                .bind(limit)
                .bind(i64::from(query.scan_window()))
        } else {
            sqlx::query(READ).bind(after).bind(limit)
        };
        let rows = statement.fetch_all(&self.pool).await.map_err(db)?;
        let scanned = rows.len();
        let mut data = Vec::new();
        let mut last = None;
        for row in rows {
            let id: i64 = row.try_get(0).map_err(db)?;
            let cursor = Cursor::parse(&id.to_string())?;
            if row.try_get::<bool, _>(1).map_err(db)? {
                let payload: String = row.try_get(4).map_err(db)?;
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
        Ok(FeedPage::scanned(data, last, scanned, query))
    }
}
