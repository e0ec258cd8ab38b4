use hookwire::Events;

#[derive(Events)]
pub struct ShopEvent {
    pub order_id: String,
}

fn main() {}
