//! Deliveries on the tokio runtime, and graceful shutdown.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::{JoinError, JoinHandle};

use super::Sender;
use super::message::Message;
use super::report::{DeliveryReport, Outcome};

/// A message running on the tokio runtime, from [`Sender::spawn`]; await it for the
/// report.
///
/// Dropping the handle does not stop the message. The future fails only when the task was
/// cancelled by the runtime shutting down (or panicked, which the sender does not do).
///
/// ```
/// use hookwire::sender::{Message, Sender};
/// use hookwire::signature::StandardWebhooks;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let url = format!("http://{}/webhooks", listener.local_addr()?);
/// # let app = axum::Router::new().route("/webhooks", axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }));
/// # tokio::spawn(async move { axum::serve(listener, app).await });
/// let sender = Sender::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?;
/// let handle = sender.spawn(Message::new(&url, "ping", "{}")?)?;
/// println!("sending {}", handle.id());
/// assert!(handle.await?.is_delivered());
/// # Ok(())
/// # }
/// ```
#[must_use = "dropping the handle does not stop the message, but its report is lost"]
pub struct DeliveryHandle {
    id: String,
    task: JoinHandle<DeliveryReport>,
}

impl DeliveryHandle {
    /// The message's id.
    ///
    /// ```
    /// # use hookwire::sender::DeliveryHandle;
    /// fn id(handle: &DeliveryHandle) -> &str {
    ///     handle.id()
    /// }
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for DeliveryHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryHandle")
            .field("id", &self.id)
            .field("finished", &self.task.is_finished())
            .finish()
    }
}

impl Future for DeliveryHandle {
    type Output = Result<DeliveryReport, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.task).poll(cx)
    }
}

/// Why [`Sender::spawn`] did not start a message; the message is handed back.
///
/// ```
/// use hookwire::sender::{Message, Sender, SpawnError};
/// use hookwire::signature::Slack;
///
/// let sender = Sender::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?)?;
/// // Outside a tokio runtime there is nothing to spawn on.
/// let err = sender.spawn(Message::new("http://localhost/", "ping", "{}")?).unwrap_err();
/// assert!(matches!(err, SpawnError::NoRuntime(_)));
/// let message: Message = err.into_message();
/// # let _ = message;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SpawnError {
    /// The sender is shut down.
    #[error("the sender is shut down; the message was not started")]
    ShutDown(Box<Message>),
    /// Not called from within a tokio runtime.
    #[error("no tokio runtime to spawn the message on; call spawn from within one")]
    NoRuntime(Box<Message>),
}

impl SpawnError {
    /// The message that was not started.
    ///
    /// ```
    /// # use hookwire::sender::{Message, SpawnError};
    /// fn keep(err: SpawnError) -> Message {
    ///     err.into_message()
    /// }
    /// ```
    pub fn into_message(self) -> Message {
        match self {
            SpawnError::ShutDown(message) | SpawnError::NoRuntime(message) => *message,
        }
    }
}

impl Sender {
    /// Starts `message` on the current tokio runtime and returns at once.
    ///
    /// Spawned deliveries wait their turn under the bound on requests in flight. If
    /// [`shutdown`](Sender::shutdown) comes before one finishes, shutdown hands it back.
    ///
    /// # Errors
    ///
    /// [`SpawnError`] when the sender is shut down or there is no tokio runtime; the
    /// message is in the error.
    ///
    /// See [`DeliveryHandle`] for an example.
    ///
    /// ```
    /// # use hookwire::sender::{Message, Sender, SpawnError};
    /// # use hookwire::signature::Slack;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sender = Sender::new(Slack::new("8f742231b10e8888abcd99yyyzzz85a5")?)?;
    /// sender.shutdown().await;
    /// let err = sender.spawn(Message::new("http://localhost/", "ping", "{}")?).unwrap_err();
    /// assert!(matches!(err, SpawnError::ShutDown(_)));
    /// # Ok(())
    /// # }
    /// ```
    pub fn spawn(&self, message: Message) -> Result<DeliveryHandle, SpawnError> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(SpawnError::NoRuntime(Box::new(message)));
        };
        let Some(active) = self.inner.pool.enter() else {
            return Err(SpawnError::ShutDown(Box::new(message)));
        };
        let id = message.id().to_owned();
        let sender = self.clone();
        let task = runtime.spawn(async move {
            let report = sender.run(message).await;
            if report.outcome == Outcome::ShutDown {
                sender.inner.pool.hand_back(report.clone());
            }
            // Finished only once handed back, so that shutdown, waiting for every message
            // to finish, sees it.
            drop(active);
            report
        });
        Ok(DeliveryHandle { id, task })
    }

    /// Shuts the sender (and its clones) down: no new attempt starts, requests in flight
    /// finish (each within the per-attempt timeout), deliveries waiting for a retry or for a
    /// slot stop. Returns once no message is running, with the report of every spawned
    /// message that did not finish ([`Outcome::ShutDown`]): store them and send them again
    /// later, with the same ids. Deliveries awaited with [`deliver`](Sender::deliver) or
    /// [`send`](Sender::send) hand theirs back in their own report.
    ///
    /// Calling it again returns what was handed back since.
    ///
    /// ```
    /// use hookwire::sender::{Message, Outcome, Sender};
    /// use hookwire::signature::StandardWebhooks;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sender = Sender::new(StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?)?;
    /// let handle = sender.spawn(Message::new("http://127.0.0.1:9/hooks", "ping", "{}")?.with_id("evt_7")?)?;
    /// // On this single-threaded runtime the task has not started yet: it never will.
    /// let pending = sender.shutdown().await;
    /// assert_eq!(pending.len(), 1);
    /// assert_eq!(pending[0].message.id(), "evt_7");
    /// assert_eq!(pending[0].outcome, Outcome::ShutDown);
    /// assert!(pending[0].attempts.is_empty());
    /// assert_eq!(handle.await?.outcome, Outcome::ShutDown);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn shutdown(&self) -> Vec<DeliveryReport> {
        self.inner.pool.shutdown().await
    }
}
