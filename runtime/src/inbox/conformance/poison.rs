//! The rules for work that never succeeds: a delivery whose handler keeps crashing ends dead
//! after its runs, and recovered work is handed out one delivery at a time.

use super::*;

/// A delivery claimed `max_attempts` times is not handed out again: a claim makes it a dead
/// letter at `now`, its error in the words of [`gave_up`](crate::inbox::gave_up) (no result
/// recorded for its last run, or the last recorded error), listed, counted, still a duplicate,
/// and revived as a first attempt. The deliveries beside it are claimed as usual.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::poison_work_ends(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn poison_work_ends(store: &dyn InboxStore, prefix: &str) {
    use crate::inbox::gave_up;
    let q = queue(prefix, "poison");
    let (poison, fine) = (item(&q, "p"), item(&q, "n"));
    push(store, &poison, at(0), Pushed::New).await;
    push(store, &fine, at(0), Pushed::New).await;
    let first = claim_at_most(store, &q, at(0), 10, 2).await;
    assert_eq!(ids(&first), ["p", "n"]);
    let retry = Failure::RetryAt {
        at: at(10),
        error: "busy".into(),
    };
    let settled = store.fail(&q, "n", first[1].token, &retry, at(1)).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "fail: {settled:?}");
    // p's run never recorded a result; n's did.
    let second = claim_at_most(store, &q, at(60), 10, 2).await;
    assert_eq!(ids(&second), ["n", "p"], "both due, n first (due at 10)");
    assert_eq!((second[0].attempt, second[1].attempt), (2, 2));
    assert_eq!((second[0].recovered, second[1].recovered), (false, true));
    let done = store.complete(&q, "n", second[0].token, at(61), KEEP).await;
    assert!(matches!(done, Ok(Settled::Applied)), "complete: {done:?}");
    assert!(
        claim_at_most(store, &q, at(120), 10, 2).await.is_empty(),
        "claimed twice of two: given up, not handed out"
    );
    assert_eq!(
        stats(store, &q).await,
        InboxStats {
            done: 1,
            dead: 1,
            ..InboxStats::default()
        }
    );
    let letters = store.dead(&q, 10).await.expect("dead letters");
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!((letters[0].id.as_str(), letters[0].attempts), ("p", 2));
    assert_eq!(letters[0].error, gave_up(2, true, ""));
    assert_eq!(letters[0].failed_at, at(120));
    let late = store
        .complete(&q, "p", second[1].token, at(121), KEEP)
        .await;
    assert!(
        matches!(late, Ok(Settled::Lost)),
        "a given-up claim records nothing: {late:?}"
    );
    push(store, &poison, at(122), Pushed::Duplicate).await;

    // Revived, it starts over; a recorded failure past the limit keeps its error.
    assert!(store.revive(&q, "p", at(130)).await.expect("revive"));
    let revived = claim_at_most(store, &q, at(130), 10, 2).await;
    assert_eq!(ids(&revived), ["p"]);
    assert_eq!((revived[0].attempt, revived[0].recovered), (1, false));
    let flaky = Failure::RetryAt {
        at: at(140),
        error: "flaky".into(),
    };
    let settled = store.fail(&q, "p", revived[0].token, &flaky, at(131)).await;
    assert!(matches!(settled, Ok(Settled::Applied)), "fail: {settled:?}");
    assert!(
        claim_at_most(store, &q, at(140), 10, 1).await.is_empty(),
        "one run allowed now: given up"
    );
    let letters = store.dead(&q, 10).await.expect("dead letters");
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].error, gave_up(1, false, "flaky"));
}

/// Of the deliveries whose lease ended, a claim hands out one (the oldest), so a worker can run
/// it alone in case it is what crashed its predecessor; deliveries waiting for their first run
/// or a retry come with it as usual.
///
/// ```
/// # use hookwire::inbox::{MemoryInbox, conformance};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// conformance::recovered_one_at_a_time(&MemoryInbox::new(), "t").await;
/// # });
/// ```
pub async fn recovered_one_at_a_time(store: &dyn InboxStore, prefix: &str) {
    let q = queue(prefix, "recovered");
    for id in ["a", "b", "c"] {
        push(store, &item(&q, id), at(0), Pushed::New).await;
    }
    assert_eq!(claim(store, &q, at(0), 10).await.len(), 3);
    let first = claim(store, &q, at(60), 10).await;
    assert_eq!(ids(&first), ["a"], "one recovered delivery per claim");
    assert!(first[0].recovered);
    let second = claim(store, &q, at(60), 10).await;
    assert_eq!(ids(&second), ["b"]);
    push(store, &item(&q, "d"), at(60), Pushed::New).await;
    let third = claim(store, &q, at(61), 10).await;
    assert_eq!(ids(&third), ["c", "d"], "a recovered one and a new one");
    assert_eq!((third[0].recovered, third[1].recovered), (true, false));
    assert_eq!(stats(store, &q).await.running, 4);
}
