use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "POST", path = "/orders", response = ())]
pub struct CreateOrder {
    #[hookwire(body)]
    pub order: String,
    #[hookwire(body)]
    pub note: String,
}

fn main() {}
