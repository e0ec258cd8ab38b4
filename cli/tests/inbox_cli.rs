//! `hookwire inbox stats|dead|retry` on a SQLite inbox a receiver left dead letters in: the
//! output shapes scripts read, and the exit codes.

use crate::support;

use std::time::Duration;

use hookwire::Timestamp;
use hookwire::inbox::{Failure, InboxStore, NewItem};
use support::run;

fn temp_inbox() -> (std::path::PathBuf, String) {
    use std::hash::{BuildHasher as _, RandomState};
    let dir = std::env::temp_dir().join(format!(
        "hookwire-cli-inbox-{}-{:x}",
        std::process::id(),
        RandomState::new().hash_one(std::time::SystemTime::now())
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("inbox.db").display());
    (dir, url)
}

/// Three deliveries in queue `shop`: one done, two dead; and one waiting in queue `other`.
fn seed(url: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = hookwire::open::inbox(url).await.unwrap();
        let now = Timestamp::from_unix(1_700_000_000);
        for id in ["msg_done", "msg_dead1", "msg_dead2"] {
            let item = NewItem::new("shop", id, "order.created", b"{}".to_vec());
            store.push(&item, now).await.unwrap();
        }
        let other = NewItem::new("other", "msg_x", "order.created", b"{}".to_vec());
        store.push(&other, now).await.unwrap();
        for claimed in store
            .claim("shop", now, Duration::from_secs(60), 10, 8)
            .await
            .unwrap()
        {
            let id = claimed.item.id.as_str();
            if id == "msg_done" {
                let keep = Duration::from_secs(86_400);
                store
                    .complete("shop", id, claimed.token, now, keep)
                    .await
                    .unwrap();
            } else {
                let dead = Failure::Dead {
                    error: format!("{id}: the database is down"),
                };
                store
                    .fail("shop", id, claimed.token, &dead, now)
                    .await
                    .unwrap();
            }
        }
    });
}

#[test]
fn stats_dead_and_retry_print_what_scripts_read() {
    let (dir, url) = temp_inbox();
    seed(&url);
    let target = ["--inbox", url.as_str(), "--queue", "shop"];
    let args = |command: &[&'static str], extra: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = ["inbox"]
            .iter()
            .chain(command)
            .map(|s| s.to_string())
            .collect();
        all.extend(target.iter().map(|s| s.to_string()));
        all.extend(extra.iter().map(|s| s.to_string()));
        all
    };
    let call = |argv: Vec<String>| {
        let refs: Vec<&str> = argv.iter().map(String::as_str).collect();
        run(&refs)
    };

    let stats = call(args(&["stats"], &["--json"])).expect(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(
        stats,
        serde_json::json!({"waiting": 0, "running": 0, "done": 1, "dead": 2})
    );

    let dead = call(args(&["dead"], &["--json"])).expect(0);
    let lines: Vec<serde_json::Value> = dead
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", dead.stdout);
    let mut ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["msg_dead1", "msg_dead2"]);
    for line in &lines {
        assert_eq!(line["type"], "order.created");
        assert_eq!(line["attempts"], 1);
        assert!(
            line["error"]
                .as_str()
                .unwrap()
                .ends_with("the database is down")
        );
        assert_eq!(line["failed_at"], "2023-11-14T22:13:20Z");
    }
    let table = call(args(&["dead"], &[])).expect(0);
    assert!(
        table.stdout.contains("msg_dead1") && table.stdout.contains("1 attempts"),
        "{}",
        table.stdout
    );

    // One named id back; an id that is not a dead letter fails the command (exit 1).
    let retried = call(args(&["retry"], &["msg_dead1"])).expect(0);
    assert_eq!(retried.stdout, "msg_dead1\n");
    let missing = call(args(&["retry"], &["msg_done", "msg_nope"])).expect(1);
    assert!(
        missing.mentions("msg_done") && missing.mentions("msg_nope"),
        "{}",
        missing.stderr
    );
    let all = call(args(&["retry"], &["--all"])).expect(0);
    assert_eq!(all.stdout, "msg_dead2\n");
    let stats = call(args(&["stats"], &["--json"])).expect(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(stats["waiting"], 2);
    assert_eq!(stats["dead"], 0);
    let none = call(args(&["dead"], &[])).expect(0);
    assert_eq!(none.stdout, "no dead letters\n");

    // Usage errors: no ids and no --all, an unknown inbox URL.
    call(args(&["retry"], &[])).expect(2);
    let unknown = run(&[
        "inbox",
        "stats",
        "--inbox",
        "mysql://db/x",
        "--queue",
        "shop",
    ])
    .expect(2);
    assert!(unknown.mentions("unknown store URL"), "{}", unknown.stderr);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A delivery whose runs never recorded a result (its worker crashed every time) is given up
/// by the claim after its last allowed run: `inbox dead` shows it with the reason, `inbox
/// stats` counts it.
#[test]
fn poison_deliveries_show_with_their_reason() {
    let (dir, url) = temp_inbox();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = hookwire::open::inbox(&url).await.unwrap();
        let now = Timestamp::from_unix(1_700_000_000);
        let lease = Duration::from_secs(60);
        let item = NewItem::new("poison", "msg_p", "order.created", b"{}".to_vec());
        store.push(&item, now).await.unwrap();
        for (minute, want) in [(0, 1), (1, 1), (2, 0)] {
            let at = now.saturating_add_seconds(61 * minute);
            let claimed = store.claim("poison", at, lease, 10, 2).await.unwrap();
            assert_eq!(claimed.len(), want, "claim {minute}");
        }
    });
    let target = ["--inbox", url.as_str(), "--queue", "poison"];
    let mut argv = vec!["inbox", "dead", "--json"];
    argv.extend(target);
    let dead = run(&argv).expect(0);
    let letter: serde_json::Value = serde_json::from_str(dead.stdout.trim()).unwrap();
    assert_eq!(letter["id"], "msg_p");
    assert_eq!(letter["attempts"], 2);
    assert_eq!(
        letter["error"],
        hookwire::inbox::gave_up(2, true, ""),
        "{}",
        dead.stdout
    );
    let mut argv = vec!["inbox", "stats", "--json"];
    argv.extend(target);
    let stats = run(&argv).expect(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).unwrap();
    assert_eq!(
        stats,
        serde_json::json!({"waiting": 0, "running": 0, "done": 0, "dead": 1})
    );
    let _ = std::fs::remove_dir_all(dir);
}
