//! hookwire: webhooks and the API beside them, from your Rust types.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod clock;
pub mod signature;
