//! Placeholder: the receive benchmark is being written.
fn main() {}
