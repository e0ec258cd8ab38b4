//! The webhook sender.
