use hookwire::{Event, JsonSchema, schemars};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, JsonSchema, Event)]
#[serde(rename = "Shipment", rename_all = "camelCase", deny_unknown_fields)]
#[hookwire(event = "shipment-v2.created_at-warehouse")]
pub struct ShipmentCreated {
    #[serde(rename = "ID")]
    pub shipment_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_name: Option<String>,
}

fn main() {
    assert_eq!(ShipmentCreated::TYPE, "shipment-v2.created_at-warehouse");
    let schema = hookwire::schema::event_schema::<ShipmentCreated>();
    assert_eq!(schema.get("title").unwrap(), "Shipment");
    assert!(schema.pointer("/properties/ID").is_some());
    assert!(schema.pointer("/properties/carrierName").is_some());
}
