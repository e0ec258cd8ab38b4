//! What the SQL handles (SQLite's and PostgreSQL's) do alike, written once: [`sql_handle!`].
//! The backends invoke it; nothing here names a backend, so the dependency runs one way.

/// The methods both SQL handles have alike: `from_pool`, `pool`, `migrate`, `migrations`,
/// `dedup`, `inbox` and (feature `outbox`) `outbox` and `feed`, and `unavailable` (an error of
/// the database named `BACKEND`). `$handle` is a struct with a sqlx `pool`; the invoking module
/// has `BACKEND` and `migrate::{LINE, EXISTS}`; `$url` is an example URL for the docs, which
/// name the handle by its module's path.
macro_rules! sql_handle {
    ($handle:ident, $pool:ty, $dedup:ident, $inbox:ident, $outbox:ident, $feed:ident, $url:literal) => {
        fn unavailable(error: sqlx::Error) -> $crate::BackendError {
            $crate::BackendError::unavailable(BACKEND, error)
        }

        impl ::std::fmt::Debug for $handle {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($handle)).finish_non_exhaustive()
            }
        }

        /// Brings the database behind `pool` to this build's migrations: what every store on
        /// it (the outbox's and the feed's included) runs before its first use.
        pub(crate) async fn migrate_pool(
            pool: &$pool,
        ) -> Result<Vec<$crate::Migration>, $crate::BackendError> {
            $crate::sql::migrate::Runner {
                pool,
                line: &migrate::LINE,
            }
            .migrate()
            .await
        }

        impl $handle {
            /// Uses an existing pool (an application's own), migrating the database.
            ///
            /// # Errors
            /// The database cannot be written, or its schema is newer than this build's.
            ///
            /// ```no_run
            #[doc = concat!("# async fn demo(pool: hookwire::sqlx::", stringify!($pool), ") -> Result<(), hookwire::BackendError> {")]
            #[doc = concat!("let db = ", module_path!(), "::", stringify!($handle), "::from_pool(pool).await?;")]
            /// # Ok(()) }
            /// ```
            pub async fn from_pool(pool: $pool) -> Result<Self, $crate::BackendError> {
                let store = $handle { pool };
                store.migrate().await?;
                Ok(store)
            }

            /// The pool, shared with the duplicate store and the inbox handed out: for statements of
            /// your own.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), hookwire::BackendError> {
            #[doc = concat!("let db = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?;")]
            /// let one: i64 = hookwire::sqlx::query_scalar("SELECT 1").fetch_one(db.pool()).await.unwrap();
            /// # Ok(()) }
            /// ```
            pub fn pool(&self) -> &$pool {
                &self.pool
            }

            /// Applies the migrations this database lacks (its line of `NNNN_name.sql` files,
            /// in order, in one transaction holding the database's write lock, recorded in
            /// `hw_migrations`); returns them. Every constructor runs it: call it to migrate
            /// ahead of a deployment (or run `hookwire migrate --db URL`). Concurrent runs wait
            /// for each other.
            ///
            /// # Errors
            /// A migration failed (the transaction is rolled back), or the database records a
            /// version this build does not know ([`BackendError::SchemaTooNew`](crate::BackendError::SchemaTooNew)).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), hookwire::BackendError> {
            #[doc = concat!("let db = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?;")]
            /// assert!(db.migrate().await?.is_empty(), "open applied them all");
            /// # Ok(()) }
            /// ```
            pub async fn migrate(&self) -> Result<Vec<$crate::Migration>, $crate::BackendError> {
                migrate_pool(&self.pool).await
            }

            /// Every migration of this build's line, with when it was applied to this
            /// database (`None`: pending). Changes nothing.
            ///
            /// # Errors
            /// The database is unavailable, or records a version this build does not know.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), hookwire::BackendError> {
            #[doc = concat!("let db = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?;")]
            /// assert_eq!(db.migrations().await?[0].name, "dedup");
            /// # Ok(()) }
            /// ```
            pub async fn migrations(
                &self,
            ) -> Result<Vec<$crate::Migration>, $crate::BackendError> {
                $crate::sql::migrate::Runner {
                    pool: &self.pool,
                    line: &migrate::LINE,
                }
                .status(migrate::EXISTS)
                .await
            }

            /// The duplicate store in this database.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), hookwire::BackendError> {
            #[doc = concat!("let dedup = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?.dedup();")]
            /// # Ok(()) }
            /// ```
            pub fn dedup(&self) -> $dedup {
                $dedup::new(self.pool.clone())
            }

            /// The inbox in this database.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), hookwire::BackendError> {
            #[doc = concat!("let inbox = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?.inbox();")]
            /// # Ok(()) }
            /// ```
            pub fn inbox(&self) -> $inbox {
                $inbox::new(self.pool.clone())
            }

            /// The outbox in this database (its tables are created or migrated on first use),
            /// so events are published in the same transactions as your changes
            /// ([`begin`](Self::begin)). PostgreSQL shares the handle's pool; on a SQLite file
            /// the outbox has a pool of its own whose commits do not wait for a sync
            /// (`synchronous = NORMAL`, see `hookwire::sqlite`).
            ///
            /// # Errors
            /// The database is unavailable, or its schema is newer than this build's.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            #[doc = concat!("let store = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?;")]
            /// let outbox = store.outbox().await?;
            /// # Ok(()) }
            /// ```
            #[cfg(feature = "outbox")]
            #[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
            pub async fn outbox(&self) -> Result<$outbox, $crate::outbox::StoreError> {
                $outbox::from_pool(self.outbox_pool().await?).await
            }

            /// The events feed of this database's outbox
            /// ([`FeedStore`](crate::feed::FeedStore)): its published events in order, from a
            /// cursor, for [`feed::router`](crate::feed::router) to serve. The handle migrated
            /// the outbox's tables, so it is ready at once.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use hookwire::feed::{FeedQuery, FeedStore};
            #[doc = concat!("let store = ", module_path!(), "::", stringify!($handle), "::open(\"", $url, "\").await?;")]
            /// let page = store.feed().read(&FeedQuery::from_start().types(["order.*"])).await?;
            /// # Ok(()) }
            /// ```
            #[cfg(feature = "outbox")]
            #[cfg_attr(docsrs, doc(cfg(feature = "outbox")))]
            pub fn feed(&self) -> $feed {
                $feed::new(self.pool.clone())
            }
        }
    };
}

pub(crate) use sql_handle;
