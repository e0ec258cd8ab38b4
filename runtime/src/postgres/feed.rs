//! [`PgFeed`]: the events feed on the PostgreSQL outbox, PostgreSQL's statements for
//! [`SqlFeed`](crate::feed::sql::SqlFeed).

use sqlx::Postgres;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;

use crate::feed::sql::{FeedDialect, SqlFeed};
use crate::feed::{FeedError, FeedQuery};

/// The events feed of a PostgreSQL database's outbox (features `postgres` and `outbox`), from
/// [`PgStore::feed`](crate::postgres::PgStore::feed). Cheap to clone.
///
/// An event's row id is taken before its transaction commits, so `id > cursor` would pass
/// over a row that commits after a higher one was read. The feed orders by the publishing
/// transaction's id (`xid8`, recorded with each event) and then the row id, and serves only
/// rows of transactions below `pg_snapshot_xmin(pg_current_snapshot())`, which every later
/// transaction's id exceeds: its cursors are two numbers (`xid-id`). A row appears once every
/// earlier transaction has finished, so a long open transaction anywhere in the cluster holds
/// the feed back (it never loses events).
///
/// ```no_run
/// use hookwire::feed::{FeedQuery, FeedStore};
/// use hookwire::postgres::PgStore;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let db = PgStore::open("postgres://postgres@127.0.0.1:5432/shop").await?;
/// let feed = db.feed();
/// let mut query = FeedQuery::from_start().limit(50);
/// loop {
///     let page = feed.read(&query).await?;
///     for event in &page.data {
///         println!("{} {}", event.id, event.event_type);
///     }
///     let (Some(next), false) = (page.next, page.done) else { break };
///     query = FeedQuery::after(next).limit(50);
/// }
/// # Ok(()) }
/// ```
pub type PgFeed = SqlFeed<Postgres>;

impl FeedDialect for Postgres {
    /// Rows after the cursor in (transaction, id) order, only of transactions older than every
    /// transaction still running: a later commit always has a larger transaction id than the
    /// snapshot's xmin, so it sorts after everything already served. Every row read matches (no
    /// type filter).
    const READ: &'static str = "
SELECT xid::text || '-' || id::text, true, event_id, event_type, payload, created_at, is_message
FROM hw_event
WHERE (xid, id) > ($1::text::xid8, $2)
  AND xid < pg_snapshot_xmin(pg_current_snapshot())
  AND app_id IS NOT DISTINCT FROM $4::bigint
ORDER BY xid, id
LIMIT $3";

    /// With a type filter, the same rows, looking at up to `$6` of them (the scan window) and
    /// returning them up to the `$5`-th that matches, the payload only for matches: one
    /// statement, so the rows and the end of the scan come from one snapshot.
    const READ_FILTERED: &'static str = "
WITH scanned AS (
  SELECT id, xid,
         (event_type = ANY($3)
          OR EXISTS (SELECT 1 FROM unnest($4::text[]) AS p (prefix)
                     WHERE starts_with(event_type, p.prefix))) AS hit
  FROM hw_event
  WHERE (xid, id) > ($1::text::xid8, $2)
    AND xid < pg_snapshot_xmin(pg_current_snapshot())
    AND app_id IS NOT DISTINCT FROM $7::bigint
  ORDER BY xid, id
  LIMIT $6
), counted AS (
  SELECT id, xid, hit,
         sum(CASE WHEN hit THEN 1 ELSE 0 END) OVER (ORDER BY xid, id ROWS UNBOUNDED PRECEDING) AS hits
  FROM scanned
)
SELECT c.xid::text || '-' || c.id::text, c.hit, e.event_id, e.event_type,
       CASE WHEN c.hit THEN e.payload END, e.created_at, e.is_message
FROM counted AS c JOIN hw_event AS e ON e.id = c.id
WHERE c.hits < $5 OR (c.hits = $5 AND c.hit)
ORDER BY c.xid, c.id";

    fn bind_after<'q>(
        statement: Query<'q, Postgres, PgArguments>,
        query: &FeedQuery,
    ) -> Result<Query<'q, Postgres, PgArguments>, FeedError> {
        let (transaction, row) = query.after_transaction_row()?;
        Ok(statement.bind(transaction.to_string()).bind(row))
    }

    fn bind_names(
        statement: Query<'_, Postgres, PgArguments>,
        names: Vec<String>,
    ) -> Query<'_, Postgres, PgArguments> {
        statement.bind(names)
    }
}
