use hookwire::Endpoint;
use hookwire::endpoint::{Incoming, Outgoing};
use hookwire::{JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Product {
    pub product_id: String,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    Asc,
    Desc,
}

/// Lists products.
#[derive(Endpoint)]
#[hookwire(method = "get", path = "/shops/{shop_id}/products", response = Vec<Product>, operation_id = "listShopProducts")]
pub struct ListProducts {
    #[hookwire(path, name = "shop_id")]
    pub shop: u64,
    #[hookwire(query)]
    pub sort: Option<Sort>,
    #[hookwire(query)]
    pub tag: Vec<String>,
    #[hookwire(header)]
    pub authorization: String,
}

/// No parameters at all.
#[derive(Endpoint)]
#[hookwire(method = "DELETE", path = "/cache", response = ())]
pub struct ClearCache;

#[derive(Endpoint)]
#[hookwire(method = "PUT", path = "/products/{id}", response = Product)]
pub struct PutProduct {
    #[hookwire(path)]
    pub id: String,
    #[hookwire(body)]
    pub product: Product,
}

fn main() {
    assert_eq!(ListProducts::OPERATION_ID, "listShopProducts");
    assert_eq!(ListProducts::METHOD.as_str(), "GET");
    assert_eq!(ClearCache::OPERATION_ID, "clearCache");
    let outgoing = Outgoing::of(&ListProducts {
        shop: 7,
        sort: Some(Sort::Desc),
        tag: vec!["a".into()],
        authorization: "Bearer x".into(),
    })
    .unwrap();
    assert_eq!(outgoing.path_and_query(), "/shops/7/products?sort=desc&tag=a");
    let read = PutProduct::read_request(
        &Incoming::new()
            .with_path_param("id", "9")
            .with_body(br#"{"product_id":"9"}"#),
    )
    .unwrap();
    assert_eq!(read.product.product_id, "9");
    assert!(ClearCache::read_request(&Incoming::new()).is_ok());
}
