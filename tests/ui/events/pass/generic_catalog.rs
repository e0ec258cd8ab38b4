use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "records.page")]
pub struct Page<T> {
    pub records: Vec<T>,
}

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "records.done")]
pub struct Done {}

#[derive(Events)]
pub enum Export<T>
where
    Page<T>: Event,
{
    Page(Page<T>),
    Done(Done),
}

fn main() {
    assert_eq!(<Export<u32> as Events>::TYPES, ["records.page", "records.done"]);
}
