//! hookwire-codegen's integration tests, one binary (`autotests = false` in `Cargo.toml`): each
//! file beside this one is a module here, its tests named `<file>::<test>`, so the dependencies are
//! linked once, not once per file. A new file runs only once it is listed below
//! (`tests/tests/shape.rs` fails naming a file that is not); its helpers come from `support` (`use
//! crate::support;`).
//! One file: `cargo test -p hookwire-codegen --test codegen -- corpora::`. See docs/guide/tests.md.

mod support;

mod constructs;
mod corpora;
mod examples;
mod shop_roundtrip;
mod split;
mod tolerant;
