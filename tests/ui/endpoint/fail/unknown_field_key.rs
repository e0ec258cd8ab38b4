use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = ())]
pub struct ListProducts {
    #[hookwire(querry)]
    pub category: String,
}

fn main() {}
