//! The export recipe of cli/README.md ("Exporting your schemas and OpenAPI document"): a user's
//! binary writes its schemas and OpenAPI document with one call, and a test checks for drift.
//! Keep this in sync with the README.

use std::path::Path;

use hookwire::schema::{Export, OpenApi};
use hookwire::{Event, Events, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

/// An order left the warehouse.
#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[hookwire(event = "order.shipped")]
struct OrderShipped {
    order_id: String,
}

/// Every event the shop sends.
#[derive(Events)]
enum ShopEvent {
    OrderShipped(OrderShipped),
}

fn export(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let openapi = OpenApi::new("Shop", "1.0.0")
        .webhooks::<ShopEvent>()
        .build()?;
    Export::catalog::<ShopEvent>() // events/<type>.json and envelopes/<type>.json
        .with_file("openapi.json", &openapi)
        .write_to(dir)?;
    Ok(())
}

#[test]
fn one_call_exports_and_check_catches_drift() {
    let dir = std::env::temp_dir().join(format!("hookwire-cli-export-{}", std::process::id()));
    export(&dir).unwrap();
    for file in [
        "openapi.json",
        "events/order.shipped.json",
        "envelopes/order.shipped.json",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let openapi = OpenApi::new("Shop", "1.0.0")
        .webhooks::<ShopEvent>()
        .build()
        .unwrap();
    let expected = Export::catalog::<ShopEvent>().with_file("openapi.json", &openapi);
    assert!(expected.check(&dir).is_ok());
    std::fs::write(dir.join("events/order.shipped.json"), "{}").unwrap();
    let drift = expected.check(&dir).unwrap_err();
    assert!(drift.to_string().contains("order.shipped"), "{drift}");
    std::fs::remove_dir_all(&dir).unwrap();
}
