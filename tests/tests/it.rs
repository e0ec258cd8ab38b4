//! hookwire-tests's integration tests, one binary (`autotests = false` in `Cargo.toml`): each file
//! beside this one is a module here, its tests named `<file>::<test>`, so the dependencies are
//! linked once, not once per file. A new file runs only once it is listed below
//! (`tests/tests/shape.rs` fails naming a file that is not).
//! One file: `cargo test -p hookwire-tests --test it -- shape::`. See docs/guide/tests.md.

mod api;
mod demo;
mod envelope;
mod exports;
mod schemas;
mod serde_fidelity;
mod shape;
mod shop;
