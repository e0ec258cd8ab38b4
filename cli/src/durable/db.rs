//! Opening the outbox named by `--db`, on a tokio runtime, and running a command on it.

use hookwire::outbox::ApplicationStore;

use crate::error::CliError;

/// A command that runs on whichever backend `--db` names.
pub(crate) trait OnStore {
    /// What the command returns.
    type Output;

    /// Runs the command on `store`.
    async fn run<S: ApplicationStore + 'static>(self, store: S) -> Result<Self::Output, CliError>;
}

/// The backends `--db` can name.
enum Backend {
    Sqlite,
    Postgres,
}

fn backend(url: &str) -> Result<Backend, CliError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(CliError::usage(format!(
            "--db must be sqlite://PATH or postgres://..., not `{}`",
            hookwire::redact_url(url)
        )))
    }
}

/// Opens the outbox at `url` (creating or migrating its schema) and runs `command` on it, on a
/// runtime with `threads` worker threads (0: on the current thread).
pub(crate) fn run<C: OnStore>(
    url: &str,
    threads: usize,
    command: C,
) -> Result<C::Output, CliError> {
    let backend = backend(url)?;
    let runtime = if threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .map_err(|e| CliError::failed(format!("cannot start the async runtime: {e}")))?;
    let open_failed = |e: hookwire::outbox::StoreError| {
        CliError::failed(format!(
            "cannot open the outbox at {}: {e}",
            hookwire::redact_url(url)
        ))
    };
    runtime.block_on(async {
        match backend {
            Backend::Sqlite => {
                let store = hookwire::sqlite::SqliteOutbox::open(url)
                    .await
                    .map_err(open_failed)?;
                command.run(store).await
            }
            Backend::Postgres => {
                let store = hookwire::postgres::PgOutbox::open(url)
                    .await
                    .map_err(open_failed)?;
                command.run(store).await
            }
        }
    })
}

/// A store error as the command's failure.
pub(crate) fn failed(error: hookwire::outbox::StoreError) -> CliError {
    match error {
        hookwire::outbox::StoreError::Invalid { .. }
        | hookwire::outbox::StoreError::InvalidSecret { .. } => CliError::usage(error),
        other => CliError::failed(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sqlite_and_postgres_are_outboxes() {
        assert!(backend("mysql://x").is_err());
    }
}
