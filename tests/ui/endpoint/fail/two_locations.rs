use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = ())]
pub struct ListProducts {
    #[hookwire(query, header)]
    pub category: String,
}

fn main() {}
