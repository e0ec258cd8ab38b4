//! [`MemoryInbox`]: the inbox in one process's memory, for tests and for receivers that only
//! need the quick acknowledgement (a restart loses what it holds).

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::inbox::{
    ClaimedDelivery, DeadLetter, Failure, InboxError, InboxStats, InboxStore, NewItem, Pushed,
    gave_up,
};
use crate::plumbing::time::{duration_millis, from_millis, millis};
use crate::{BoxFuture, ClaimToken, Settled, Timestamp};

/// The in-memory [`InboxStore`]. It acknowledges quickly and retries failed handlers, but a
/// restart loses what it holds: use the SQLite, PostgreSQL or Redis inbox when a crash must
/// lose nothing.
///
/// ```
/// use hookwire::inbox::{InboxStore, MemoryInbox, NewItem};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let inbox = MemoryInbox::new();
/// inbox.push(&NewItem::new("q", "1", "t", vec![]), hookwire::Timestamp::from_unix(0)).await?;
/// assert_eq!(inbox.stats("q").await?.waiting, 1);
/// # Ok::<(), hookwire::inbox::InboxError>(())
/// # }).unwrap();
/// ```
#[derive(Default)]
pub struct MemoryInbox {
    state: Mutex<State>,
}

type Key = (String, String);

#[derive(Default)]
struct State {
    rows: HashMap<Key, Row>,
    /// Waiting and running rows by queue, then due time, then push order.
    due: BTreeSet<(String, i64, u64, String)>,
    /// Push order, and the last token handed out (neither is ever reused).
    seq: u64,
    tokens: u64,
}

struct Row {
    item: NewItem,
    stage: Stage,
    /// Milliseconds: when it is due (waiting), its lease end (running), its retention end
    /// (done) or when it was given up (dead).
    at: i64,
    seq: u64,
    token: u64,
    attempts: u32,
    error: String,
    received_at: Timestamp,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Waiting,
    Running,
    Done,
    Dead,
}

impl MemoryInbox {
    /// An empty inbox.
    ///
    /// ```
    /// # use hookwire::inbox::MemoryInbox;
    /// let inbox = MemoryInbox::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves consistent data (every update is
        // applied whole below), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryInbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryInbox")
            .field("deliveries", &self.lock().rows.len())
            .finish()
    }
}

impl State {
    fn unschedule(&mut self, key: &Key) {
        if let Some(row) = self.rows.get(key)
            && matches!(row.stage, Stage::Waiting | Stage::Running)
        {
            let entry = (key.0.clone(), row.at, row.seq, key.1.clone());
            self.due.remove(&entry);
        }
    }

    fn schedule(&mut self, key: &Key, stage: Stage, at: i64) {
        self.unschedule(key);
        if let Some(row) = self.rows.get_mut(key) {
            row.stage = stage;
            row.at = at;
            if matches!(stage, Stage::Waiting | Stage::Running) {
                self.due.insert((key.0.clone(), at, row.seq, key.1.clone()));
            }
        }
    }

    /// Makes `change` to the running row `key` when `token` is its current claim (`Applied`);
    /// `Lost`, changing nothing, otherwise.
    fn settle(&mut self, key: &Key, token: ClaimToken, change: impl FnOnce(&mut Self)) -> Settled {
        let owned = self
            .rows
            .get(key)
            .is_some_and(|row| row.stage == Stage::Running && row.token == token.get());
        if !owned {
            return Settled::Lost;
        }
        change(self);
        Settled::Applied
    }
}

fn key(queue: &str, id: &str) -> Key {
    (queue.to_owned(), id.to_owned())
}

impl InboxStore for MemoryInbox {
    fn push<'a>(
        &'a self,
        item: &'a NewItem,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<Pushed, InboxError>> {
        let mut state = self.lock();
        let key = key(&item.queue, &item.id);
        let pushed = if state.rows.contains_key(&key) {
            Pushed::Duplicate
        } else {
            state.seq += 1;
            let row = Row {
                item: item.clone(),
                stage: Stage::Waiting,
                at: millis(now),
                seq: state.seq,
                token: 0,
                attempts: 0,
                error: String::new(),
                received_at: now,
            };
            state.rows.insert(key.clone(), row);
            state.schedule(&key, Stage::Waiting, millis(now));
            Pushed::New
        };
        Box::pin(async move { Ok(pushed) })
    }

    fn claim<'a>(
        &'a self,
        queue: &'a str,
        now: Timestamp,
        lease: Duration,
        limit: usize,
        max_attempts: u32,
    ) -> BoxFuture<'a, Result<Vec<ClaimedDelivery>, InboxError>> {
        let mut state = self.lock();
        let now_ms = millis(now);
        let due: Vec<Key> = state
            .due
            .range((queue.to_owned(), i64::MIN, 0, String::new())..)
            .take_while(|(q, at, _, _)| q == queue && *at <= now_ms)
            .take(limit)
            .map(|(q, _, _, id)| (q.clone(), id.clone()))
            .collect();
        let until = now_ms.saturating_add(duration_millis(lease));
        let mut claimed = Vec::with_capacity(due.len());
        let mut recovered_one = false;
        for key in due {
            let Some((attempts, recovered)) = state
                .rows
                .get(&key)
                .map(|row| (row.attempts, row.stage == Stage::Running))
            else {
                continue;
            };
            if attempts >= max_attempts {
                state.schedule(&key, Stage::Dead, now_ms);
                if let Some(row) = state.rows.get_mut(&key) {
                    row.error = gave_up(attempts, recovered, &row.error);
                }
                continue;
            }
            if recovered && std::mem::replace(&mut recovered_one, true) {
                continue;
            }
            state.tokens += 1;
            let token = state.tokens;
            state.schedule(&key, Stage::Running, until);
            if let Some(row) = state.rows.get_mut(&key) {
                row.token = token;
                row.attempts = row.attempts.saturating_add(1);
                claimed.push(ClaimedDelivery {
                    item: row.item.clone(),
                    token: ClaimToken::new(token),
                    attempt: row.attempts,
                    received_at: row.received_at,
                    recovered,
                });
            }
        }
        Box::pin(async move { Ok(claimed) })
    }

    fn complete<'a>(
        &'a self,
        queue: &'a str,
        id: &'a str,
        token: ClaimToken,
        now: Timestamp,
        keep: Duration,
    ) -> BoxFuture<'a, Result<Settled, InboxError>> {
        let mut state = self.lock();
        let key = key(queue, id);
        let settled = state.settle(&key, token, |state| {
            let until = millis(now).saturating_add(duration_millis(keep));
            state.schedule(&key, Stage::Done, until);
        });
        Box::pin(async move { Ok(settled) })
    }

    fn fail<'a>(
        &'a self,
        queue: &'a str,
        id: &'a str,
        token: ClaimToken,
        failure: &'a Failure,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<Settled, InboxError>> {
        let mut state = self.lock();
        let key = key(queue, id);
        let settled = state.settle(&key, token, |state| {
            let (stage, at, error) = match failure {
                Failure::RetryAt { at, error } => (Stage::Waiting, millis(*at), error),
                Failure::Dead { error } => (Stage::Dead, millis(now), error),
            };
            state.schedule(&key, stage, at);
            if let Some(row) = state.rows.get_mut(&key) {
                row.error.clone_from(error);
            }
        });
        Box::pin(async move { Ok(settled) })
    }

    fn dead<'a>(
        &'a self,
        queue: &'a str,
        limit: usize,
    ) -> BoxFuture<'a, Result<Vec<DeadLetter>, InboxError>> {
        let state = self.lock();
        let mut dead: Vec<(i64, u64, DeadLetter)> = state
            .rows
            .iter()
            .filter(|((q, _), row)| q == queue && row.stage == Stage::Dead)
            .map(|((_, id), row)| {
                let letter = DeadLetter {
                    id: id.clone(),
                    event_type: row.item.event_type.clone(),
                    attempts: row.attempts,
                    error: row.error.clone(),
                    received_at: row.received_at,
                    failed_at: from_millis(row.at),
                };
                (row.at, row.seq, letter)
            })
            .collect();
        dead.sort_by_key(|(at, seq, _)| (*at, *seq));
        let dead = dead.into_iter().take(limit).map(|(_, _, l)| l).collect();
        Box::pin(async move { Ok(dead) })
    }

    fn revive<'a>(
        &'a self,
        queue: &'a str,
        id: &'a str,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<bool, InboxError>> {
        let mut state = self.lock();
        let key = key(queue, id);
        let revived = match state.rows.get_mut(&key) {
            Some(row) if row.stage == Stage::Dead => {
                row.attempts = 0;
                true
            }
            _ => false,
        };
        if revived {
            state.schedule(&key, Stage::Waiting, millis(now));
        }
        Box::pin(async move { Ok(revived) })
    }

    fn stats<'a>(&'a self, queue: &'a str) -> BoxFuture<'a, Result<InboxStats, InboxError>> {
        let state = self.lock();
        let mut stats = InboxStats::default();
        for row in state
            .rows
            .iter()
            .filter(|((q, _), _)| q == queue)
            .map(|(_, row)| row)
        {
            match row.stage {
                Stage::Waiting => stats.waiting += 1,
                Stage::Running => stats.running += 1,
                Stage::Done => stats.done += 1,
                Stage::Dead => stats.dead += 1,
            }
        }
        Box::pin(async move { Ok(stats) })
    }

    fn purge<'a>(&'a self, now: Timestamp) -> BoxFuture<'a, Result<u64, InboxError>> {
        let mut state = self.lock();
        let now_ms = millis(now);
        let before = state.rows.len();
        state
            .rows
            .retain(|_, row| !(row.stage == Stage::Done && row.at <= now_ms));
        let purged = (before - state.rows.len()) as u64;
        Box::pin(async move { Ok(purged) })
    }
}
