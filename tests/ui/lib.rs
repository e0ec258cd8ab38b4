//! The UI tests of hookwire's derives live in `tests/ui.rs`; the fixtures are `event/`,
//! `events/` and `endpoint/`, each with `pass/` and `fail/` (one error condition per file).
//! This crate depends on hookwire with its default features only: trybuild builds every
//! dev-dependency again for its fixtures, so a small list keeps that build short.
