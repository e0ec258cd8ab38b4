use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = (), errors(NOT_FOUND))]
pub struct ListProducts;

fn main() {}
