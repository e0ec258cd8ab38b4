//! `hookwire migrate`: a database made before the migration line (the outbox's version 1
//! schema) lists its pending migrations with `--status` (exit 1, nothing changed), is
//! migrated, then lists every migration applied (exit 0), as text and JSON.

use crate::support;

use support::run;

const SQLITE_V1: &str =
    include_str!("../../runtime/tests/fixtures/main-2026-12/sqlite_outbox_v1.sql");

fn temp_db() -> String {
    use std::hash::{BuildHasher as _, RandomState};
    let dir = std::env::temp_dir().join(format!(
        "hookwire-cli-migrate-{}-{:x}",
        std::process::id(),
        RandomState::new().hash_one(std::time::SystemTime::now())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}?mode=rwc", dir.join("app.db").display())
}

fn seed(url: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = hookwire::sqlx::SqlitePool::connect(url).await.unwrap();
        hookwire::sqlx::raw_sql(SQLITE_V1)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
}

#[test]
fn status_then_migrate_then_status() {
    let url = temp_db();
    seed(&url);
    let status = run(&["migrate", "--db", &url, "--status"]);
    assert_eq!(status.code, 1, "pending: {}", status.stderr);
    assert!(
        status.stdout.contains("0001 dedup            pending"),
        "{}",
        status.stdout
    );
    assert!(status.stdout.contains("0003 outbox"), "{}", status.stdout);

    let migrated = run(&["migrate", "--db", &url]);
    assert_eq!(migrated.code, 0, "{}", migrated.stderr);
    assert!(
        migrated
            .stdout
            .contains("0004 outbox_breaker   applied now"),
        "{}",
        migrated.stdout
    );
    assert!(
        migrated
            .stdout
            .contains("0003 outbox           applied (1970-01-01T00:00:00Z)"),
        "adopted: {}",
        migrated.stdout
    );

    let json = run(&["migrate", "--db", &url, "--status", "--json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let lines: Vec<serde_json::Value> = json
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(lines.len() >= 5, "{lines:?}");
    assert_eq!(lines[0]["version"], 1);
    assert_eq!(lines[0]["name"], "dedup");
    assert!(
        lines
            .iter()
            .all(|l| l["state"] == "applied" && l["applied_at"].is_string())
    );
}

#[test]
fn other_urls_are_refused() {
    let refused = run(&["migrate", "--db", "redis://u:hunter2@127.0.0.1:6379"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("--db must be"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("hunter2"), "{}", refused.stderr);
}
