//! Svix's official Python client (PyPI `svix`, pinned by `scripts/ci-setup.sh`) drives
//! `hookwire server` unchanged (`svix/client_check.py`): two applications with an endpoint
//! each, messages to each, every delivery checked with the package's own `Webhook.verify`;
//! each endpoint receives exactly its own messages, once; a repeated `eventId` is refused
//! (409) and not delivered; attempts are listed; a portal token of one application cannot
//! list the other's endpoints; after a secret rotation a delivery verifies with the new
//! secret and with the old one. On SQLite, and on PostgreSQL when `HOOKWIRE_TEST_POSTGRES_URL`
//! is set.

use crate::support;

use crate::outbox_stores as stores;

use std::process::Command;

use support::Server;

const TOKEN: &str = "operator-token-for-the-svix-client";

/// The virtualenv's Python with `svix`, or `None` (a skip, except under CI).
fn python() -> Option<String> {
    match std::env::var("HOOKWIRE_PYTHON") {
        Ok(python) if !python.is_empty() => Some(python),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("HOOKWIRE_PYTHON is not set: run `bash scripts/ci-setup.sh` (CI must not skip)")
        }
        _ => None,
    }
}

fn drive(python: &str, db: &str) {
    let server = Server::start(db, TOKEN, &["--workers", "2", "--allow-private-endpoints"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/svix/client_check.py");
    let output = Command::new(python)
        .args([script, &server.base, TOKEN])
        .output()
        .expect("run the Python client");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "client_check.py failed:\n{stdout}\n{stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("not the script's JSON report ({e}): {stdout}"));
    assert_eq!(report["delivered_a"], 3, "{report}");
    assert_eq!(report["delivered_b"], 3, "{report}");
    assert_eq!(report["repeated_event_id_status"], 409, "{report}");
    assert_eq!(report["cross_application_status"], 404, "{report}");
    assert_eq!(
        report["rotation_verified_with"],
        serde_json::json!(["new", "old"])
    );
    assert!(report["attempts_listed"].as_u64() >= Some(1), "{report}");
}

#[test]
fn svix_python_client_drives_the_server_on_sqlite() {
    let Some(python) = python() else {
        eprintln!("skipped: HOOKWIRE_PYTHON is not set (`bash scripts/ci-setup.sh` installs it)");
        return;
    };
    let (_dir, db) = support::temp_db("svix-client");
    drive(&python, &db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn svix_python_client_drives_the_server_on_postgres() {
    let Some(python) = python() else {
        eprintln!("skipped: HOOKWIRE_PYTHON is not set (`bash scripts/ci-setup.sh` installs it)");
        return;
    };
    let Some(db) = stores::postgres_schema("svix_client").await else {
        return;
    };
    let _schema = stores::PgSchemaGuard::new(&db);
    tokio::task::spawn_blocking(move || drive(&python, &db))
        .await
        .unwrap();
}
