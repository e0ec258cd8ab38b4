//! A handler with the parser of its event, its types erased, as the [`Receiver`] stores it.
//!
//! [`Receiver`]: crate::receiver::Receiver

use std::marker::PhantomData;

use axum::http::request::Parts;

use crate::BoxFuture;
use crate::receiver::Handler;
use crate::receiver::error::{HandlerError, ReceiveError};
use crate::receiver::head::Head;
use crate::receiver::parse::DataSeed;
use crate::signature::BodyShape;

/// A handler with the parser for its event, its types erased.
pub(crate) trait Route<S>: Send + Sync + 'static {
    /// Parses the event and returns the handler's future (extractors included).
    fn start(
        &self,
        shape: BodyShape,
        head: Head,
        parts: Parts,
        state: S,
    ) -> Result<BoxFuture<'static, Result<(), HandlerError>>, ReceiveError>;
}

/// A handler and the seed that parses its event.
pub(crate) struct TypedRoute<P, H, Args> {
    handler: H,
    types: PhantomData<fn() -> (P, Args)>,
}

impl<P, H, Args> TypedRoute<P, H, Args> {
    pub(crate) fn new(handler: H) -> Self {
        TypedRoute {
            handler,
            types: PhantomData,
        }
    }
}

impl<P, H, S, Args> Route<S> for TypedRoute<P, H, Args>
where
    P: DataSeed + 'static,
    H: Handler<P::Out, S, Args>,
    Args: 'static,
{
    fn start(
        &self,
        shape: BodyShape,
        head: Head,
        parts: Parts,
        state: S,
    ) -> Result<BoxFuture<'static, Result<(), HandlerError>>, ReceiveError> {
        let delivery = head.parse::<P>(shape)?;
        Ok(self.handler.call(delivery, parts, state))
    }
}
