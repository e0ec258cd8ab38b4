//! Generated types are tolerant by default: a string enum keeps a value its schema never
//! listed (`Other(String)`) and writes it back unchanged, a tagged union reads an unlisted kind
//! as `Unknown`, unknown members are ignored; `strict_enums`/`strict_fields` make each of
//! those a parse error. `format: date-time` members are `hookwire::Timestamp`, reading what
//! providers send (`Z`, offsets, fractions) and writing RFC 3339 back.

use crate::support;

use std::path::PathBuf;

use hookwire_codegen::{GenerateError, Options, generate};
use support::TempCrate;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tolerant")
}

/// Parses payloads with both modules and checks what each keeps, refuses and writes back.
const MAIN: &str = r#"
mod strict;
mod tolerant;

use hookwire::Timestamp;
use hookwire::serde_json::{self, Value, json};

fn parse<T: serde::de::DeserializeOwned>(payload: &Value) -> Result<T, String> {
    serde_json::from_value(payload.clone()).map_err(|e| e.to_string())
}

fn main() {
    let listed = json!({
        "status": "open", "channel": "web", "created_at": "2019-05-15T15:20:33Z",
        "shipment": {"method": "post", "tracking": "T1"}
    });
    // A status and a channel the schema never listed: parsed, kept, written back unchanged.
    let unlisted = json!({
        "status": "on_hold", "channel": "app", "created_at": "2019-05-15T15:20:33Z",
        "closed_at": "2019-05-16T08:00:00.250Z",
        "shipment": {"method": "post", "tracking": "T1"}
    });
    let order: tolerant::OrderUpdated = parse(&unlisted).unwrap();
    assert_eq!(order.status, tolerant::OrderUpdatedStatus::Other("on_hold".to_owned()));
    // `other` is a listed value here, so the fallback variant is `Unknown`.
    assert_eq!(order.channel, tolerant::OrderUpdatedChannel::Unknown("app".to_owned()));
    assert_eq!(serde_json::to_value(&order).unwrap(), unlisted);
    let other: tolerant::OrderUpdated = parse(&json!({
        "status": "closed", "channel": "other", "created_at": "2019-05-15T15:20:33Z",
        "shipment": {"method": "pickup"}
    })).unwrap();
    assert_eq!(other.status, tolerant::OrderUpdatedStatus::Closed);
    assert_eq!(other.channel, tolerant::OrderUpdatedChannel::Other);
    println!("unlisted enum values kept: {:?}, {:?}", order.status, order.channel);
    // The same through the catalog, as a receiver parses it.
    use hookwire::Events;
    let index = tolerant::WebhookEvent::index_of("order.updated").unwrap();
    let event = tolerant::WebhookEvent::from_data(index, &unlisted).unwrap();
    assert!(matches!(event, tolerant::WebhookEvent::OrderUpdated(_)));
    let index = strict::WebhookEvent::index_of("order.updated").unwrap();
    assert!(strict::WebhookEvent::from_data(index, &unlisted).is_err());

    // A shipment method the schema never listed is `Unknown`; it cannot be written back (its
    // members were not kept), and a listed method with a missing member is still an error.
    let drone = json!({
        "status": "open", "channel": "web", "created_at": "2019-05-15T15:20:33Z",
        "shipment": {"method": "drone", "eta": "soon"}
    });
    let order: tolerant::OrderUpdated = parse(&drone).unwrap();
    assert_eq!(order.shipment, tolerant::OrderUpdatedShipment::Unknown);
    assert!(serde_json::to_value(&order).is_err());
    let untracked = json!({
        "status": "open", "channel": "web", "created_at": "2019-05-15T15:20:33Z",
        "shipment": {"method": "post"}
    });
    let error = parse::<tolerant::OrderUpdated>(&untracked).unwrap_err();
    assert!(error.contains("tracking"), "{error}");

    // Members the schema does not list are ignored.
    let mut noted = listed.clone();
    noted["note"] = json!("gift");
    let order: tolerant::OrderUpdated = parse(&noted).unwrap();
    assert_eq!(serde_json::to_value(&order).unwrap(), listed);

    // date-time: providers' forms read as the same instant; RFC 3339 in UTC is written back.
    let utc: Timestamp = "2019-05-15T15:20:33.123Z".parse().unwrap();
    for sent in [
        "2019-05-15T15:20:33.123Z",
        "2019-05-15T17:20:33.123+02:00",
        "2019-05-15T08:20:33.123-07:00",
        "2019-05-15t15:20:33.123z",
        "2019-05-15 15:20:33.123+00",
        "2019-05-15T15:20:33.123000000Z",
    ] {
        let mut payload = listed.clone();
        payload["created_at"] = json!(sent);
        let order: tolerant::OrderUpdated = parse(&payload).unwrap();
        assert_eq!(order.created_at, utc, "{sent}");
        let written = serde_json::to_value(&order).unwrap();
        assert_eq!(written["created_at"], "2019-05-15T15:20:33.123Z", "{sent}");
        let again: tolerant::OrderUpdated = parse(&written).unwrap();
        assert_eq!(again, order, "{sent}");
    }
    let github: tolerant::OrderUpdated = parse(&listed).unwrap();
    assert_eq!(github.created_at.unix_seconds(), 1_557_933_633);
    assert_eq!(serde_json::to_value(&github).unwrap(), listed);
    let mut bad = listed.clone();
    bad["created_at"] = json!("yesterday");
    let error = parse::<tolerant::OrderUpdated>(&bad).unwrap_err();
    assert!(error.contains("invalid RFC 3339 timestamp"), "{error}");

    // The schemas: the documented values only, and date-time as a plain string format.
    let status = serde_json::to_value(hookwire::schemars::schema_for!(tolerant::OrderUpdatedStatus)).unwrap();
    assert_eq!(status["enum"], json!(["open", "closed"]), "{status}");
    assert_eq!(status["type"], "string", "{status}");
    println!("status schema: {status}");
    let order = serde_json::to_value(hookwire::schemars::schema_for!(tolerant::OrderUpdated)).unwrap();
    assert_eq!(
        order["properties"]["created_at"],
        json!({"type": "string", "format": "date-time", "description": "When the order was placed."}),
        "{order}"
    );
    assert_eq!(
        order["properties"]["closed_at"],
        json!({"type": ["string", "null"], "format": "date-time"}),
        "{order}"
    );
    let shipment = &order["$defs"]["OrderUpdatedShipment"]["oneOf"];
    assert_eq!(shipment.as_array().map(Vec::len), Some(2), "{order}");
    let channel = serde_json::to_value(hookwire::schemars::schema_for!(tolerant::OrderUpdatedChannel)).unwrap();
    assert_eq!(channel["enum"], json!(["web", "other"]), "{channel}");
    let strict_status = serde_json::to_value(hookwire::schemars::schema_for!(strict::OrderUpdatedStatus)).unwrap();
    assert_eq!(strict_status, status);

    // Strict: each of the above is an error.
    let strict_order: strict::OrderUpdated = parse(&listed).unwrap();
    assert_eq!(serde_json::to_value(&strict_order).unwrap(), listed);
    let error = parse::<strict::OrderUpdated>(&unlisted).unwrap_err();
    assert!(error.contains("unknown variant `app`, expected `web` or `other`"), "{error}");
    let error = parse::<strict::OrderUpdated>(&drone).unwrap_err();
    assert!(error.contains("unknown variant `drone`"), "{error}");
    let error = parse::<strict::OrderUpdated>(&noted).unwrap_err();
    assert!(error.contains("unknown field `note`"), "{error}");
    let mut extra_in_union = listed.clone();
    extra_in_union["shipment"]["eta"] = json!("soon");
    let error = parse::<strict::OrderUpdated>(&extra_in_union).unwrap_err();
    assert!(error.contains("unknown field `eta`"), "{error}");
    let strict_schema = serde_json::to_value(hookwire::schemars::schema_for!(strict::OrderUpdated)).unwrap();
    assert_eq!(strict_schema["additionalProperties"], false, "{strict_schema}");
    println!("ok");
}
"#;

#[test]
fn unlisted_enum_values_parse_and_round_trip_and_strict_mode_refuses_them() {
    let tolerant = generate(&fixtures(), &Options::default().json_schema(true)).unwrap();
    let strict_options = Options::default()
        .json_schema(true)
        .strict_enums(true)
        .strict_fields(true);
    let strict = generate(&fixtures(), &strict_options).unwrap();
    for expected in [
        "Other(String)",
        "Unknown(String)",
        "#[serde(untagged)]",
        "#[schemars(skip)]",
        "#[serde(other, skip_serializing)]",
        "pub created_at: hookwire::Timestamp",
        "pub closed_at: Option<hookwire::Timestamp>",
    ] {
        assert!(
            tolerant.code.contains(expected),
            "`{expected}` not in:\n{}",
            tolerant.code
        );
    }
    assert!(!tolerant.code.contains("deny_unknown_fields"));
    assert!(!strict.code.contains("(String)"), "{}", strict.code);
    assert!(!strict.code.contains("#[serde(other"), "{}", strict.code);
    assert!(strict.code.contains("#[serde(deny_unknown_fields)]"));
    assert!(
        strict.code.contains("Copy"),
        "strict string enums stay Copy"
    );

    let krate = TempCrate::new(
        "hookwire-tolerant",
        &["derive", "schema"],
        &[
            ("src/main.rs", MAIN),
            ("src/tolerant.rs", &tolerant.code),
            ("src/strict.rs", &strict.code),
        ],
    );
    krate.without_warnings("build");
    let (stdout, _) = krate.cargo(&["run", "--offline", "--quiet"]);
    eprintln!("{stdout}");
    assert_eq!(stdout.lines().last(), Some("ok"), "{stdout}");
}

#[test]
fn date_time_fields_take_the_type_asked_for() {
    let as_text = generate(&fixtures(), &Options::default().date_time_type("String")).unwrap();
    assert!(
        as_text.code.contains("pub created_at: String"),
        "{}",
        as_text.code
    );
    let chrono = Options::default().date_time_type("chrono::DateTime<chrono::Utc>");
    let chrono = generate(&fixtures(), &chrono).unwrap();
    assert!(
        chrono
            .code
            .contains("pub created_at: chrono::DateTime<chrono::Utc>"),
        "{}",
        chrono.code
    );
    let error = generate(
        &fixtures(),
        &Options::default().date_time_type("not a type <"),
    )
    .unwrap_err();
    assert!(matches!(error, GenerateError::Option { .. }), "{error}");
    assert!(error.to_string().contains("not a type <"), "{error}");
}
