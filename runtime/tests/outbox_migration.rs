//! Existing outbox databases are migrated when opened: a version 1 database (made here from
//! the version 1 schema, with an endpoint the old breaker had opened) opens with the circuit
//! breaker's columns (the line's `outbox_breaker` migration run), its endpoint still probing,
//! on SQLite and PostgreSQL; opening it again changes nothing.

use crate::outbox_support::stores;

use hookwire::outbox::{EndpointId, OutboxStore};
use hookwire::postgres::PgOutbox;
use hookwire::sqlite::SqliteOutbox;

/// The version 1 schemas, as released.
const SQLITE_V1: &str = include_str!("fixtures/main-2026-12/sqlite_outbox_v1.sql");
const POSTGRES_V1: &str = include_str!("fixtures/main-2026-12/postgres_outbox_v1.sql");

/// The migrations the line records for the outbox: both applied, neither adopted (the
/// breaker's was run, since version 1 lacked it).
const APPLIED: &str = "SELECT COUNT(*) FROM hw_migrations
    WHERE name IN ('outbox', 'outbox_breaker') AND (name = 'outbox' OR applied_at > 0)";

/// One endpoint the version 1 breaker had opened (7 failures in a row), one healthy.
const ENDPOINTS: &str = "\
INSERT INTO hw_endpoint (url, secrets, all_types, allow_private, max_in_flight, description,
                         consecutive_failures, failing_since, paused_until, created_at)
VALUES ('https://a.example/', '[\"whsec_c2VjcmV0\"]', TRUE, FALSE, 16, '', 7, 1000, 2000, 900),
       ('https://b.example/', '[\"whsec_c2VjcmV0\"]', TRUE, FALSE, 16, '', 0, NULL, 0, 900)";

async fn check<S: OutboxStore>(store: &S) {
    let probing = store.endpoint(EndpointId(1)).await.unwrap().unwrap();
    assert_eq!(probing.breaker_opens, 1, "{probing:?}");
    assert_eq!(probing.paused_until, 2000);
    assert_eq!(probing.consecutive_failures, 7);
    let healthy = store.endpoint(EndpointId(2)).await.unwrap().unwrap();
    assert_eq!(healthy.breaker_opens, 0, "{healthy:?}");
}

#[tokio::test]
async fn a_version_1_sqlite_outbox_is_migrated() {
    let path = stores::temp_path("v1.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::raw_sql(SQLITE_V1).execute(&pool).await.unwrap();
        sqlx::raw_sql(ENDPOINTS).execute(&pool).await.unwrap();
        pool.close().await;
    }
    for _ in 0..2 {
        let store = SqliteOutbox::open(&url).await.unwrap();
        check(&store).await;
        let applied: i64 = sqlx::query_scalar(APPLIED)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(applied, 2);
        store.pool().close().await;
    }
}

#[tokio::test]
async fn a_version_1_postgres_outbox_is_migrated() {
    let Some(url) = stores::postgres_schema("migration").await else {
        return;
    };
    let _guard = stores::PgSchemaGuard::new(&url);
    {
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::raw_sql(POSTGRES_V1).execute(&pool).await.unwrap();
        sqlx::raw_sql(ENDPOINTS).execute(&pool).await.unwrap();
        pool.close().await;
    }
    for _ in 0..2 {
        let store = PgOutbox::open(&url).await.unwrap();
        check(&store).await;
        let applied: i64 = sqlx::query_scalar(APPLIED)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(applied, 2);
        store.pool().close().await;
    }
}
