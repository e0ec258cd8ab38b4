//! [`SqliteFeed`]: the events feed on the SQLite outbox, SQLite's statements for
//! [`SqlFeed`](crate::feed::sql::SqlFeed).

use sqlx::Sqlite;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;

use crate::feed::sql::{FeedDialect, SqlFeed};
use crate::feed::{FeedError, FeedQuery};

/// The events feed of a SQLite database's outbox (features `sqlite` and `outbox`), from
/// [`SqliteStore::feed`](crate::sqlite::SqliteStore::feed). Cheap to clone. Its cursors are
/// row ids (one number).
///
/// ```
/// use hookwire::feed::{FeedQuery, FeedStore};
/// use hookwire::outbox::{OutboxStore, RawEvent};
/// use hookwire::sqlite::SqliteStore;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let db = SqliteStore::open("sqlite::memory:").await?;
/// let outbox = db.outbox().await?;
/// outbox.publish_raw(&[RawEvent::new("order.created", serde_json::json!({"id": 1}))?]).await?;
///
/// let feed = db.feed();
/// let page = feed.read(&FeedQuery::from_start()).await?;
/// assert_eq!(page.data[0].event_type, "order.created");
/// assert!(page.done);
/// # Ok(()) }
/// ```
pub type SqliteFeed = SqlFeed<Sqlite>;

impl FeedDialect for Sqlite {
    /// SQLite runs one write transaction at a time, so row ids (`AUTOINCREMENT`, never reused)
    /// commit in order and `id > cursor` skips nothing. Every row read matches (no type filter).
    /// Only the application's events (`?3`; NULL: events of none), by index `hw_event_app`.
    const READ: &'static str = "
SELECT CAST(id AS TEXT), 1, event_id, event_type, payload, created_at, is_message
FROM hw_event
WHERE app_id IS ?3 AND id > ?1
ORDER BY id
LIMIT ?2";

    /// With a type filter, the read looks at up to `?5` rows (the scan window) and returns them
    /// up to the `?4`-th that matches, the payload only for matches: one statement, so the rows
    /// and the end of the scan come from one snapshot.
    const READ_FILTERED: &'static str = "
WITH scanned AS (
  SELECT id,
         (event_type IN (SELECT value FROM json_each(?2))
          OR EXISTS (SELECT 1 FROM json_each(?3) AS p
                     WHERE substr(event_type, 1, length(p.value)) = p.value)) AS hit
  FROM hw_event
  WHERE app_id IS ?6 AND id > ?1
  ORDER BY id
  LIMIT ?5
), counted AS (
  SELECT id, hit, sum(hit) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS hits FROM scanned
)
SELECT CAST(c.id AS TEXT), c.hit, e.event_id, e.event_type,
       CASE WHEN c.hit THEN e.payload END, e.created_at, e.is_message
FROM counted AS c JOIN hw_event AS e ON e.id = c.id
WHERE c.hits < ?4 OR (c.hits = ?4 AND c.hit)
ORDER BY c.id";

    fn bind_after<'q>(
        statement: Query<'q, Sqlite, SqliteArguments>,
        query: &FeedQuery,
    ) -> Result<Query<'q, Sqlite, SqliteArguments>, FeedError> {
        Ok(statement.bind(query.after_row()?))
    }

    fn bind_names(
        statement: Query<'_, Sqlite, SqliteArguments>,
        names: Vec<String>,
    ) -> Query<'_, Sqlite, SqliteArguments> {
        statement.bind(serde_json::Value::from(names).to_string())
    }
}
