use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = (), errors(404, 200))]
pub struct ListProducts;

fn main() {}
