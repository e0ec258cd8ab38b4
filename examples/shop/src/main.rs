//! The shop demo: `cargo run -p hookwire-example-shop`.
//!
//! `cargo run -p hookwire-example-shop -- export [DIR]` writes the shop's schemas and OpenAPI
//! document (to `schemas/` at the workspace root by default), the files a test checks for drift.
//!
//! `cargo run -p hookwire-example-shop -- serve --port P` serves the shop's API, `/openapi.json`
//! and `/docs` on 127.0.0.1:P until interrupted.
//!
//! `cargo run -p hookwire-example-shop -- receive --port P --secret whsec_... [--dedup URL]
//! [--inbox URL]` runs a customer's receiver for the shop's webhooks on `http://127.0.0.1:P/`
//! until interrupted, printing one JSON line per handled delivery (`{"id":...,"type":...}`) to
//! stdout; replicas given the same `--dedup` store (`sqlite://PATH`, `postgres://...`,
//! `redis://...`) handle each delivery once between them. With `--inbox` (`sqlite://PATH`,
//! `postgres://...`, `redis://...`) deliveries are stored and answered `200`, and an inbox worker runs the
//! handlers. See `hookwire_example_shop::receive`.

use std::process::ExitCode;

use hookwire::sender::Outcome;
use hookwire_example_shop::{export, schemas_dir};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("export") => write_schemas(args.get(1).map(Into::into)),
        Some("serve") => run_async(hookwire_example_shop::serve::run(&args[1..])),
        Some("receive") => run_async(hookwire_example_shop::receive::run(&args[1..])),
        None => demo(),
        Some(other) => Err(format!(
            "unknown command `{other}`; usage: shop [export [DIR] | serve [--port P] | \
             receive --port P --secret S [--dedup URL] [--inbox URL]]"
        )
        .into()),
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

/// Runs a command on a two-thread runtime.
fn run_async(command: impl std::future::Future<Output = Result>) -> Result {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(command)
}

fn demo() -> Result {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let run = runtime.block_on(hookwire_example_shop::demo::run(|line| println!("{line}")))?;
    if !matches!(run.outcome, Outcome::Delivered) || run.received.is_empty() {
        return Err("the order.shipped delivery was not handled".into());
    }
    println!(
        "\nschemas: `cargo run -p hookwire-example-shop -- export` writes schemas/ (checked for drift by the tests)"
    );
    Ok(())
}
