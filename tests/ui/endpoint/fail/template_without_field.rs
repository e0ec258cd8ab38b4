use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products/{product_id}", response = ())]
pub struct GetProduct {
    #[hookwire(query)]
    pub product_id: String,
}

fn main() {}
