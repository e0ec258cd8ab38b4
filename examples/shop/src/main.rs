//! The shop demo: `cargo run -p hookwire-example-shop`.
//!
//! `cargo run -p hookwire-example-shop -- export [DIR]` only writes the schemas (to `schemas/`
//! at the workspace root by default).

use std::process::ExitCode;

use hookwire::{Events, Parsed, Timestamp};
use hookwire_example_shop::{OrderShipped, ShopEvent, export, schemas_dir};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("export") => write_schemas(args.get(1).map(Into::into)),
        None => demo(),
        Some(other) => Err(format!("unknown command `{other}`; usage: shop [export [DIR]]").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

fn write_schemas(dir: Option<std::path::PathBuf>) -> Result {
    let dir = dir.unwrap_or_else(schemas_dir);
    let export = export()?;
    export.write_to(&dir)?;
    println!(
        "wrote {} files to {}",
        export.paths().count(),
        dir.display()
    );
    Ok(())
}

fn demo() -> Result {
    println!("== hookwire shop demo ==");
    let document = hookwire_example_shop::openapi()?;
    println!(
        "OpenAPI {} document `{}` with {} webhooks:",
        document["openapi"].as_str().unwrap_or_default(),
        document["info"]["title"].as_str().unwrap_or_default(),
        ShopEvent::TYPES.len()
    );
    for info in hookwire::schema::events::<ShopEvent>() {
        println!(
            "  POST {:<18} {}",
            info.event_type,
            info.description.unwrap_or_default()
        );
    }
    let schemas = document["components"]["schemas"]
        .as_object()
        .map(|schemas| schemas.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    println!("  components.schemas: {schemas}");

    let event = ShopEvent::OrderShipped(OrderShipped::example());
    let body = event.to_envelope(Timestamp::now())?;
    println!(
        "\nenvelope of order.shipped ({} bytes):\n  {}",
        body.len(),
        String::from_utf8_lossy(&body)
    );
    match ShopEvent::from_envelope(&body)? {
        Parsed::Known(envelope) if envelope.data == event => {
            println!("  parsed back into ShopEvent::OrderShipped: equal to what was sent");
        }
        _ => return Err("the envelope did not parse back into the event sent".into()),
    }

    println!();
    write_schemas(None)
}
