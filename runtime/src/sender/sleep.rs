//! Waiting between attempts, behind a trait so that tests never sleep for real.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// The future a [`Sleeper`] returns.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Waits for a duration: how the [`Sender`](super::Sender) pauses between attempts.
///
/// The default is [`TokioSleeper`]. Tests give the sender a sleeper that returns at once and
/// records what it was asked, so a retry schedule of hours runs in microseconds; moving a
/// [`FixedClock`](crate::clock::FixedClock) forward by the same amount keeps the signed
/// timestamps consistent.
///
/// ```
/// use std::sync::Mutex;
/// use std::time::Duration;
/// use hookwire::sender::{Sleep, Sleeper};
///
/// /// Returns at once and remembers every requested delay.
/// #[derive(Debug, Default)]
/// struct Recording(Mutex<Vec<Duration>>);
///
/// impl Sleeper for Recording {
///     fn sleep(&self, duration: Duration) -> Sleep<'_> {
///         self.0.lock().unwrap().push(duration);
///         Box::pin(async {})
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
/// let sleeper = Recording::default();
/// sleeper.sleep(Duration::from_secs(5)).await;
/// assert_eq!(*sleeper.0.lock().unwrap(), [Duration::from_secs(5)]);
/// # });
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait Sleeper: Send + Sync + fmt::Debug + 'static {
    /// A future that completes after `duration` (or sooner, for a test sleeper).
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// Sleeps on the tokio timer ([`tokio::time::sleep`]): the sender's default.
///
/// ```
/// use std::time::Duration;
/// use hookwire::sender::{Sleeper, TokioSleeper};
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build()?.block_on(async {
/// TokioSleeper.sleep(Duration::from_millis(1)).await;
/// # });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}
