use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products/{id}", response = ())]
pub struct GetProduct(String);

fn main() {}
