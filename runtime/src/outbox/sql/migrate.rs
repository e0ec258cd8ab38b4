//! Creating and migrating the outbox's tables, for both dialects: `schema.sql` (version 1,
//! `CREATE .. IF NOT EXISTS`), then each migration newer than the version in `hw_meta`, in the
//! caller's transaction.

use super::statements as sql;
use super::{Arg, Dialect};
use crate::outbox::StoreError;

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = 2;

/// Creates or migrates the tables on `conn` (in a transaction the dialect began).
pub(crate) async fn migrate<D: Dialect>(
    conn: &mut D::Connection,
    schema: &'static str,
    migrations: &[(i64, &'static str)],
) -> Result<(), StoreError> {
    let migration = |e: sqlx::Error| StoreError::Migration(Box::new(e));
    D::execute_script(conn, schema).await.map_err(migration)?;
    let row = D::fetch_optional(conn, sql::SCHEMA_VERSION, &[]).await?;
    let found = match row {
        Some(row) => D::int(&row, 0)?,
        None => {
            return Err(StoreError::Migration(
                "hw_meta holds no schema version".into(),
            ));
        }
    };
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (version, script) in migrations {
        if found < *version {
            D::execute_script(conn, script).await.map_err(migration)?;
        }
    }
    if found < SCHEMA_VERSION {
        D::execute(conn, sql::SET_SCHEMA_VERSION, &[Arg::Int(SCHEMA_VERSION)]).await?;
    }
    Ok(())
}
