use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

/// A page of records.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "records.page")]
pub struct Page<T, const N: usize>
where
    T: Clone,
{
    pub records: Vec<T>,
}

#[derive(Clone, Serialize, Deserialize, JsonSchema)]
pub struct Record {
    pub id: u64,
}

fn name<E: Event>() -> &'static str {
    E::TYPE
}

fn main() {
    assert_eq!(name::<Page<Record, 10>>(), "records.page");
    assert_eq!(name::<Page<String, 1>>(), "records.page");
}
