//! The migration runner: one versioned line of SQL files per backend
//! (`runtime/src/sqlite/migrations/`, `runtime/src/postgres/migrations/`), applied in order
//! inside one transaction that holds the database's write lock (SQLite: `BEGIN IMMEDIATE`;
//! PostgreSQL: an advisory lock per schema), each recorded in `hw_migrations`. Concurrent
//! first uses wait for each other and the second finds nothing to do; a database that records
//! a version this build does not know is refused ([`BackendError::SchemaTooNew`]).
//!
//! Databases made before the line (the outbox's `hw_meta` version 1 or 2, the inline
//! `CREATE TABLE IF NOT EXISTS` of the duplicate store and the inbox) are adopted: every
//! migration of the line is idempotent on them except the outbox's breaker columns (SQLite
//! has no `ADD COLUMN IF NOT EXISTS`), recorded as applied when `hw_meta` says version 2.

use sqlx::{ColumnIndex, Database, Decode, Executor, Pool, Row, Type};

use crate::BackendError;
use crate::plumbing::time::from_millis;

/// One migration of a backend's line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub(crate) version: u32,
    pub(crate) name: &'static str,
    pub(crate) sql: &'static str,
}

impl Step {
    pub(crate) const fn new(version: u32, name: &'static str, sql: &'static str) -> Self {
        Step { version, name, sql }
    }
}

/// A backend's migration line and the statements that run it.
pub(crate) struct Line {
    pub(crate) backend: &'static str,
    /// Begins the migration's transaction (`None`: the pool's `BEGIN`).
    pub(crate) begin: Option<&'static str>,
    /// Takes the lock (PostgreSQL) and creates `hw_migrations` if missing.
    pub(crate) prepare: &'static str,
    /// How many `hw_meta` tables the database has (0 or 1): one made before the line.
    pub(crate) legacy: &'static str,
    /// Records what a database made before the line already has (see the module's notes).
    pub(crate) adopt: &'static str,
    pub(crate) steps: &'static [Step],
}

impl Line {
    /// The newest version of the line.
    pub(crate) fn latest(&self) -> u32 {
        self.steps.last().map_or(0, |step| step.version)
    }
}

/// `version, applied_at` of every applied migration (both dialects).
const APPLIED: &str = "SELECT version, applied_at FROM hw_migrations ORDER BY version";

/// Records a migration applied now: `{version}`, `{name}` and `{at}` to fill in.
const RECORD: &str =
    "INSERT INTO hw_migrations (version, name, applied_at) VALUES ({version}, '{name}', {at})";

/// One migration of the line and whether (when) it was applied to a database.
///
/// ```
/// # #[cfg(feature = "sqlite")]
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let db = hookwire::sqlite::SqliteStore::open("sqlite::memory:").await?;
/// let line = db.migrations().await?;
/// assert!(line.iter().all(|migration| migration.applied_at.is_some()));
/// println!("{} {}", line[0].version, line[0].name);
/// # Ok::<(), hookwire::BackendError>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migration {
    /// Its version: `NNNN` in `NNNN_name.sql`.
    pub version: u32,
    /// Its name: `name` in `NNNN_name.sql`.
    pub name: &'static str,
    /// When it was applied (by the clock of the process that applied it), `None` while
    /// pending. Migrations adopted from a database made before the line say the Unix epoch.
    pub applied_at: Option<crate::Timestamp>,
    /// Its SQL, as in the file.
    pub sql: &'static str,
}

fn failed(line: &Line, step: Option<&Step>, error: sqlx::Error) -> BackendError {
    match step {
        Some(step) => BackendError::Migration {
            version: step.version,
            name: step.name,
            source: Box::new(error),
        },
        None => BackendError::unavailable(line.backend, error),
    }
}

fn now_millis() -> i64 {
    crate::plumbing::time::millis(crate::Timestamp::now())
}

/// Refuses a database that records a version this build does not know.
fn check_known(line: &Line, applied: &[(u32, i64)]) -> Result<(), BackendError> {
    let found = applied.iter().map(|(v, _)| *v).max().unwrap_or(0);
    let known = |v: u32| line.steps.iter().any(|step| step.version == v);
    match applied.iter().find(|(v, _)| !known(*v)) {
        Some(_) => Err(BackendError::SchemaTooNew {
            found,
            supported: line.latest(),
        }),
        None => Ok(()),
    }
}

/// The runner of `line` on `pool`: sqlx's bounds on the database written once, for every
/// step.
pub(crate) struct Runner<'a, DB: Database> {
    pub(crate) pool: &'a Pool<DB>,
    pub(crate) line: &'a Line,
}

impl<DB> Runner<'_, DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    i64: for<'r> Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// The applied versions and when.
    async fn applied(&self, conn: &mut DB::Connection) -> Result<Vec<(u32, i64)>, BackendError> {
        let line = self.line;
        let rows = conn
            .fetch_all(sqlx::raw_sql(APPLIED))
            .await
            .map_err(|e| failed(line, None, e))?;
        rows.iter()
            .map(|row| {
                let version: i64 = row.try_get(0)?;
                let at: i64 = row.try_get(1)?;
                Ok((u32::try_from(version).unwrap_or(u32::MAX), at))
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| failed(line, None, e))
    }

    /// The one number `query` answers.
    async fn count(
        &self,
        conn: &mut DB::Connection,
        query: &'static str,
    ) -> Result<i64, BackendError> {
        conn.fetch_one(sqlx::raw_sql(query))
            .await
            .and_then(|row| row.try_get::<i64, _>(0))
            .map_err(|e| failed(self.line, None, e))
    }

    /// Brings the database to the line's latest version; returns the migrations applied now.
    pub(crate) async fn migrate(&self) -> Result<Vec<Migration>, BackendError> {
        let (pool, line) = (self.pool, self.line);
        let mut tx = crate::plumbing::begin(pool, line.begin)
            .await
            .map_err(|e| failed(line, None, e))?;
        sqlx::raw_sql(line.prepare)
            .execute(&mut *tx)
            .await
            .map_err(|e| failed(line, None, e))?;
        if self.count(&mut tx, line.legacy).await? > 0 {
            sqlx::raw_sql(line.adopt)
                .execute(&mut *tx)
                .await
                .map_err(|e| failed(line, None, e))?;
        }
        let done = self.applied(&mut tx).await?;
        check_known(line, &done)?;
        let mut now = Vec::new();
        for step in line.steps {
            if done.iter().any(|(v, _)| *v == step.version) {
                continue;
            }
            let at = now_millis();
            let record = RECORD
                .replace("{version}", &step.version.to_string())
                .replace("{name}", step.name)
                .replace("{at}", &at.to_string());
            for script in [
                sqlx::AssertSqlSafe(step.sql.to_owned()),
                sqlx::AssertSqlSafe(record),
            ] {
                sqlx::raw_sql(script)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| failed(line, Some(step), e))?;
            }
            now.push(Migration {
                version: step.version,
                name: step.name,
                applied_at: Some(from_millis(at)),
                sql: step.sql,
            });
        }
        tx.commit().await.map_err(|e| failed(line, None, e))?;
        Ok(now)
    }

    /// Every migration of the line, applied or pending, without changing the database (a
    /// database never migrated lists every migration pending); `exists` counts the
    /// `hw_migrations` tables (0 or 1).
    pub(crate) async fn status(
        &self,
        exists: &'static str,
    ) -> Result<Vec<Migration>, BackendError> {
        let (pool, line) = (self.pool, self.line);
        let mut connection = pool.acquire().await.map_err(|e| failed(line, None, e))?;
        let done = if self.count(&mut connection, exists).await? > 0 {
            self.applied(&mut connection).await?
        } else {
            Vec::new()
        };
        check_known(line, &done)?;
        Ok(line
            .steps
            .iter()
            .map(|step| Migration {
                version: step.version,
                name: step.name,
                applied_at: done
                    .iter()
                    .find(|(v, _)| *v == step.version)
                    .map(|(_, at)| from_millis(*at)),
                sql: step.sql,
            })
            .collect())
    }
}
