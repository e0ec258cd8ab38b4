//! A handler with the parser of its event, its types erased, as the [`Receiver`] stores it.
//!
//! [`Receiver`]: crate::receiver::Receiver

use std::marker::PhantomData;

use bytes::Bytes;

use crate::Timestamp;
use crate::receiver::dedup::BoxFuture;
use crate::receiver::format::PayloadFormat;
use crate::receiver::parse::{self, DataSeed};
use crate::receiver::problem::{HandlerError, ReceiveError};
use crate::receiver::{Delivery, Handler};

/// What is known of a delivery before its event is parsed.
pub(crate) struct Meta {
    pub(crate) id: Option<String>,
    pub(crate) event_type: String,
    pub(crate) signed_at: Option<Timestamp>,
}

/// A handler with the parser for its event, its types erased.
pub(crate) trait Route: Send + Sync + 'static {
    /// Parses the event and returns the handler's future.
    fn start(
        &self,
        format: &PayloadFormat,
        meta: Meta,
        body: Bytes,
    ) -> Result<BoxFuture<'static, Result<(), HandlerError>>, ReceiveError>;
}

/// A handler and the seed that parses its event.
pub(crate) struct TypedRoute<P, H> {
    handler: H,
    seed: PhantomData<fn() -> P>,
}

impl<P, H> TypedRoute<P, H> {
    pub(crate) fn new(handler: H) -> Self {
        TypedRoute {
            handler,
            seed: PhantomData,
        }
    }
}

impl<P, H> Route for TypedRoute<P, H>
where
    P: DataSeed + 'static,
    H: Handler<P::Out>,
{
    fn start(
        &self,
        format: &PayloadFormat,
        meta: Meta,
        body: Bytes,
    ) -> Result<BoxFuture<'static, Result<(), HandlerError>>, ReceiveError> {
        let (timestamp, event) = parse::parse::<P>(format, &body, &meta.event_type)?;
        let delivery = Delivery {
            id: meta.id,
            event_type: meta.event_type,
            timestamp: timestamp.or(meta.signed_at),
            body,
            event,
        };
        Ok(self.handler.call(delivery))
    }
}
