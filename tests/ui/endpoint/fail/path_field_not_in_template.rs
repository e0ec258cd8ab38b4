use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = ())]
pub struct GetProduct {
    #[hookwire(path)]
    pub product_id: String,
}

fn main() {}
