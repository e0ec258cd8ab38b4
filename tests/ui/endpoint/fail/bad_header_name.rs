use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = ())]
pub struct ListProducts {
    #[hookwire(header = "X Request Id")]
    pub request_id: String,
}

fn main() {}
