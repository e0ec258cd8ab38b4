//! The duplicate store conformance suite, run on the in-memory store (the shared backends
//! run the same functions against their servers).

use hookwire::dedup::{MemoryDedup, conformance};

#[tokio::test]
async fn memory_store_passes_the_suite() {
    conformance::all(&MemoryDedup::new(), "memory").await;
}

#[tokio::test]
async fn a_bounded_memory_store_passes_the_suite_too() {
    // Room for exactly what the suite holds at once: nothing is evicted to make room.
    conformance::all(&MemoryDedup::new().capacity(8), "bounded").await;
}
