use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/search", response = ())]
pub struct Search {
    #[hookwire(body)]
    pub query: String,
}

fn main() {}
