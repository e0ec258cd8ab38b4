use hookwire::Endpoint;

#[derive(Endpoint)]
pub struct ListProducts;

fn main() {}
