//! Placeholder: the send benchmark is being written.
fn main() {}
