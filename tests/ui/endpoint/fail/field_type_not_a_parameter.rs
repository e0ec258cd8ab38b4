use hookwire::Endpoint;

pub struct Opaque;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "/products", response = ())]
pub struct ListProducts {
    #[hookwire(query)]
    pub filter: Opaque,
}

fn main() {}
