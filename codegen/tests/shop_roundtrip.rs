//! hookwire's own shop closes the loop: `schemas/openapi.json` -> `hookwire generate --paths
//! --json-schema` -> Rust types -> hookwire's OpenAPI builder -> the same document (the order
//! of `required` lists aside).

use crate::support;

use hookwire::serde_json::{self, Value};
use hookwire_codegen::{Options, generate};
use support::TempCrate;

/// `value` with every `required` list sorted: member order is not part of the contract.
fn normalized(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, member)| {
                    let member = match (key.as_str(), member) {
                        ("required", Value::Array(names)) => {
                            let mut names = names.clone();
                            names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                            Value::Array(names)
                        }
                        _ => normalized(member),
                    };
                    (key.clone(), member)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

/// The JSON pointers where `a` and `b` differ.
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => differences(u, v, &here, out),
                    (Some(_), None) => out.push(format!("{here}: missing")),
                    _ => out.push(format!("{here}: extra")),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (index, (u, v)) in x.iter().zip(y).enumerate() {
                differences(u, v, &format!("{at}/{index}"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: {a} != {b}")),
        _ => {}
    }
}

#[test]
fn the_shop_document_survives_generate_and_reexport() {
    let path = support::repo().join("schemas/openapi.json");
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the shop's document"))
            .expect("JSON");
    let options = Options::default().paths(true).json_schema(true);
    let generated = generate(&path, &options).expect("the shop's document generates");
    assert_eq!(
        generated.report.fully_typed(),
        generated.report.events.len()
    );

    let mut endpoints = String::new();
    for item in original["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("a path item").values() {
            let id = operation["operationId"].as_str().expect("an operationId");
            let name = id[..1].to_ascii_uppercase() + &id[1..];
            endpoints.push_str(&format!("        .endpoint::<shop::{name}>()\n"));
        }
    }
    let main = format!(
        "mod shop;\n\nfn main() {{\n    let document = hookwire::schema::OpenApi::new({title:?}, {version:?})\n        \
         .description({description:?})\n{endpoints}        .webhooks::<shop::WebhookEvent>()\n        \
         .build()\n        .unwrap();\n    println!(\"{{}}\", hookwire::serde_json::to_string(&document).unwrap());\n}}\n",
        title = original["info"]["title"].as_str().expect("a title"),
        version = original["info"]["version"].as_str().expect("a version"),
        description = original["info"]["description"]
            .as_str()
            .expect("a description"),
    );
    let krate = TempCrate::new(
        "hookwire-shop-roundtrip",
        &["derive", "schema"],
        &[("src/main.rs", &main), ("src/shop.rs", &generated.code)],
    );
    krate.without_warnings("build");
    let (stdout, _) = krate.cargo(&["run", "--offline", "--quiet"]);
    let rebuilt: Value = serde_json::from_str(&stdout).expect("the re-exported document");
    let mut found = Vec::new();
    differences(
        &normalized(&original),
        &normalized(&rebuilt),
        "",
        &mut found,
    );
    assert!(
        found.is_empty(),
        "the re-exported document differs from schemas/openapi.json:\n{}",
        found.join("\n")
    );
}
