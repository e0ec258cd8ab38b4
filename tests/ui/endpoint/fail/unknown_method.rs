use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "FETCH", path = "/products", response = ())]
pub struct ListProducts;

fn main() {}
