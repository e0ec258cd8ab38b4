use hookwire::Endpoint;

#[derive(Endpoint)]
#[hookwire(method = "GET", path = "products/{id}-{rev}", response = ())]
pub struct GetProduct {
    #[hookwire(path)]
    pub id: String,
}

fn main() {}
