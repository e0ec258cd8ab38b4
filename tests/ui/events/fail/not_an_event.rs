use hookwire::Events;

pub struct OrderShipped {}

#[derive(Events)]
pub enum ShopEvent {
    OrderShipped(OrderShipped),
}

fn main() {}
