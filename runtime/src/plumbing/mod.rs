//! What every store and backend shares, written once: the boxed future the store traits
//! return ([`BoxFuture`]), claim tokens ([`ClaimToken`], [`Settled`]) and their random
//! generation, times in milliseconds, URLs (which backend a URL names, the Redis `prefix`
//! parameter, [`redact_url`](crate::redact_url)) and the error of opening a backend
//! ([`BackendError`]).
//!
//! Crate-private; the public items are re-exported once, at the crate root
//! (`hookwire::BoxFuture`, `hookwire::ClaimToken`, `hookwire::Settled`,
//! `hookwire::BackendError`, `hookwire::redact_url`).

mod error;
#[cfg(feature = "reqwest")]
pub(crate) mod random;
mod redact;
#[cfg_attr(
    not(all(feature = "postgres", feature = "redis", feature = "sqlite")),
    allow(dead_code)
)]
pub(crate) mod time;
#[cfg_attr(
    not(all(feature = "postgres", feature = "redis", feature = "sqlite")),
    allow(dead_code)
)]
mod token;
pub(crate) mod url;

use std::future::Future;
use std::pin::Pin;

pub use error::BackendError;
pub use redact::redact_url;
#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
pub(crate) use token::settled;
pub use token::{ClaimToken, Settled};
// What the backends use, compiled whatever the features (each backend uses its part).
#[cfg_attr(
    not(all(feature = "postgres", feature = "redis", feature = "sqlite")),
    allow(dead_code, unused_imports)
)]
pub(crate) use token::{NoRandomness, token_i64};
// Random tokens: only the backends make them (with getrandom, which they turn on).
#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
#[cfg_attr(
    not(all(feature = "postgres", feature = "redis", feature = "sqlite")),
    allow(dead_code, unused_imports)
)]
pub(crate) use token::{random_token, random_tokens};

/// A boxed, sendable future: what the store traits' methods return, so the traits stay
/// dyn-compatible (a receiver holds an `Arc<dyn DedupStore>` or an `Arc<dyn InboxStore>`).
///
/// ```
/// use hookwire::BoxFuture;
///
/// fn answer<'a>(name: &'a str) -> BoxFuture<'a, usize> {
///     Box::pin(async move { name.len() })
/// }
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// assert_eq!(answer("hookwire").await, 8);
/// # });
/// ```
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Begins a write transaction on `pool` with `statement` (SQLite's `BEGIN IMMEDIATE`, which
/// takes the writer lock at once), or the pool's plain `BEGIN` for `None`.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) async fn begin<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    statement: Option<&'static str>,
) -> Result<sqlx::Transaction<'static, DB>, sqlx::Error> {
    match statement {
        Some(statement) => pool.begin_with(statement).await,
        None => pool.begin().await,
    }
}

/// A store trait and its forwarding implementation for `Arc<T>` (so a receiver and its workers
/// can share one store), both from the one list of signatures: every method takes `&'a self`
/// and forwards as `(**self).method(args)`.
macro_rules! shareable_store_trait {
    (
        $(#[$attr:meta])*
        pub trait $name:ident: $bound:tt $(+ $bounds:tt)* {
            $(
                $(#[$method_attr:meta])*
                fn $method:ident<$lt:lifetime>(&$self_lt:lifetime self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty
                    $(where default $default:block)?;
            )*
        }
    ) => {
        $(#[$attr])*
        pub trait $name: $bound $(+ $bounds)* {
            $(
                $crate::plumbing::store_trait_method! {
                    $(#[$method_attr])*
                    fn $method<$lt>(&$self_lt self $(, $arg: $ty)*) -> $ret; $($default)?
                }
            )*
        }

        /// A shared store is a store: `Arc<S>` forwards every call, so a receiver and its
        /// workers can hold one store between them.
        impl<T: $name + ?Sized> $name for ::std::sync::Arc<T> {
            $(
                fn $method<$lt>(&$self_lt self $(, $arg: $ty)*) -> $ret {
                    (**self).$method($($arg),*)
                }
            )*
        }
    };
}
pub(crate) use shareable_store_trait;

/// One method of a [`shareable_store_trait!`]: required, or provided with the body given after
/// `where default` (a store that can do better overrides it).
macro_rules! store_trait_method {
    ($(#[$attr:meta])* fn $method:ident<$lt:lifetime>(&$self_lt:lifetime self $(, $arg:ident: $ty:ty)*) -> $ret:ty;) => {
        $(#[$attr])*
        fn $method<$lt>(&$self_lt self $(, $arg: $ty)*) -> $ret;
    };
    ($(#[$attr:meta])* fn $method:ident<$lt:lifetime>(&$self_lt:lifetime self $(, $arg:ident: $ty:ty)*) -> $ret:ty; $default:block) => {
        $(#[$attr])*
        fn $method<$lt>(&$self_lt self $(, $arg: $ty)*) -> $ret $default
    };
}
pub(crate) use store_trait_method;
