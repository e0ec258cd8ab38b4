//! `hookwire diff OLD NEW`: the shop's catalog exported into a folder, a second version made
//! by editing its JSON (compatibly, then breakingly), and the binary run on both: exit codes,
//! lines and the `--json` shape. Also every document form, a git revision, and usage errors.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use support::run;

/// A fresh folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("hookwire-diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, relative: &str) -> String {
        self.0.join(relative).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The shop's current catalog, exported into `dir`.
fn export_shop(dir: &Path) {
    hookwire_example_shop::export()
        .unwrap()
        .write_to(dir)
        .unwrap();
}

/// Edits the JSON file `relative` under `dir` in place.
fn edit(dir: &Path, relative: &str, change: impl FnOnce(&mut Value)) {
    let path = dir.join(relative);
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    change(&mut value);
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A compatible version: a new optional field and a new enum value (a warning).
fn compatible_edit(dir: &Path) {
    edit(dir, "envelopes/order.created.json", |schema| {
        let data = &mut schema["$defs"]["OrderCreated"]["properties"];
        data["note"] = json!({"type": "string", "description": "A gift note."});
        let status = schema["$defs"]["OrderStatus"]["oneOf"]
            .as_array_mut()
            .unwrap();
        status.push(json!({"const": "returned", "type": "string"}));
    });
}

/// A breaking version: `customer.email` made optional, a required field added.
fn breaking_edit(dir: &Path) {
    edit(dir, "envelopes/order.created.json", |schema| {
        let customer = &mut schema["$defs"]["Customer"];
        customer["required"] = json!(["customer_id"]);
    });
    edit(dir, "envelopes/payment.failed.json", |schema| {
        let data = schema["properties"]["data"]["$ref"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let payment = &mut schema["$defs"][&data];
        payment["properties"]["attempt"] = json!({"type": "integer", "minimum": 1});
        payment["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("attempt"));
    });
}

#[test]
fn the_shop_catalog_against_compatible_and_breaking_versions() {
    let temp = TempDir::new("shop");
    let (old, compatible, breaking) = (
        temp.0.join("old"),
        temp.0.join("compatible"),
        temp.0.join("breaking"),
    );
    export_shop(&old);
    for dir in [&compatible, &breaking] {
        std::fs::create_dir_all(dir).unwrap();
        copy_dir(&old, dir);
    }
    compatible_edit(&compatible);
    breaking_edit(&breaking);
    let (old, compatible, breaking) = (
        temp.path("old"),
        temp.path("compatible"),
        temp.path("breaking"),
    );

    let same = run(&["diff", &old, &old]).expect(0);
    assert_eq!(same.stdout, "0 breaking, 0 warnings, 0 compatible\n");

    let ok = run(&["diff", &old, &compatible]).expect(0);
    assert_eq!(
        ok.stdout,
        "info order.created#/properties/data/properties/note property-added-optional: optional `note` added\n\
         warning order.created#/properties/data/properties/status enum-value-added (breaks receivers): \"returned\" added\n\
         0 breaking, 1 warning, 1 compatible\n"
    );

    let broken = run(&["diff", &old, &breaking]).expect(1);
    assert_eq!(
        broken.stdout,
        "breaking order.created#/properties/data/properties/customer/properties/email required-removed (breaks receivers): `email` is no longer required\n\
         breaking payment.failed#/properties/data/properties/attempt property-added-required (breaks senders): required `attempt` added\n\
         2 breaking, 0 warnings, 0 compatible\n"
    );
    // Backwards, the same edits break the other side.
    let back = run(&["diff", &breaking, &old]).expect(1);
    assert!(
        back.stdout
            .contains("email required-added (breaks senders)"),
        "{}",
        back.stdout
    );
    assert!(
        back.stdout
            .contains("attempt property-removed (breaks receivers)"),
        "{}",
        back.stdout
    );

    let json_run = run(&["diff", &old, &breaking, "--json"]).expect(1);
    let report: Value = serde_json::from_str(&json_run.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["breaking"], true);
    assert_eq!(
        report["counts"],
        json!({"breaking": 2, "warning": 0, "info": 0})
    );
    assert_eq!(
        report["changes"][1],
        json!({
            "event": "payment.failed",
            "pointer": "/properties/data/properties/attempt",
            "kind": "property-added-required",
            "level": "breaking",
            "breaks": ["senders"],
            "detail": "required `attempt` added"
        })
    );
    let json_ok = run(&["diff", &old, &compatible, "--json"]).expect(0);
    let report: Value = serde_json::from_str(&json_ok.stdout).unwrap();
    assert_eq!(report["breaking"], false);
    assert_eq!(report["changes"][0]["breaks"], json!([]));
    assert_eq!(report["changes"][1]["breaks"], json!(["receivers"]));
}

#[test]
fn every_document_form_of_one_catalog_reads_the_same() {
    let temp = TempDir::new("forms");
    export_shop(&temp.0);
    let folder = temp.path("");
    for document in ["openapi.json", "openapi-3.0.json", "asyncapi.json"] {
        let other = temp.path(document);
        let same = run(&["diff", &folder, &other]).expect(0);
        assert_eq!(
            same.stdout, "0 breaking, 0 warnings, 0 compatible\n",
            "{document}"
        );
    }
    // An event type removed from the OpenAPI document breaks both sides.
    edit(&temp.0, "openapi.json", |document| {
        document["webhooks"]
            .as_object_mut()
            .unwrap()
            .remove("order.shipped");
    });
    let removed = run(&["diff", &folder, &temp.path("openapi.json")]).expect(1);
    assert!(
        removed
            .stdout
            .contains("breaking order.shipped# event-removed (breaks receivers, senders)"),
        "{}",
        removed.stdout
    );
}

#[test]
fn yaml_documents_read_like_json() {
    let temp = TempDir::new("yaml");
    export_shop(&temp.0);
    // JSON is YAML: the shop's OpenAPI document read as YAML is the same catalog.
    std::fs::copy(temp.0.join("openapi.json"), temp.0.join("openapi.yaml")).unwrap();
    run(&["diff", &temp.path(""), &temp.path("openapi.yaml")]).expect(0);
    let yaml = "asyncapi: 3.0.0\nchannels:\n  c:\n    messages:\n      ping:\n        payload:\n          \
                type: object\n          properties:\n            n: {type: integer}\n";
    std::fs::write(temp.0.join("old.yml"), yaml).unwrap();
    let json = json!({"asyncapi": "3.0.0", "channels": {"c": {"messages": {"ping": {"payload": {
        "type": "object", "properties": {"n": {"type": "number"}}
    }}}}}});
    std::fs::write(temp.0.join("new.json"), json.to_string()).unwrap();
    let widened = run(&["diff", &temp.path("old.yml"), &temp.path("new.json")]).expect(1);
    assert_eq!(
        widened.stdout.lines().next(),
        Some("breaking ping#/properties/n type-widened (breaks receivers): type integer -> number")
    );
    std::fs::write(temp.0.join("bad.yaml"), "a: 1\na: 2\n").unwrap();
    let bad = run(&["diff", &temp.path("bad.yaml"), &temp.path("new.json")]).expect(2);
    assert!(
        bad.stderr.contains("is not valid YAML at line 2"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_git_revision_against_the_working_folder() {
    let temp = TempDir::new("git");
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(&temp.0)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    export_shop(&temp.0.join("schemas"));
    git(&["add", "schemas"]);
    git(&["commit", "-q", "-m", "schemas"]);
    breaking_edit(&temp.0.join("schemas"));
    let in_repo = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_hookwire"))
            .args(args)
            .current_dir(&temp.0)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = in_repo(&["diff", "HEAD:schemas", "schemas"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.ends_with("2 breaking, 0 warnings, 0 compatible\n"),
        "{stdout}"
    );
    let (code, stdout, stderr) =
        in_repo(&["diff", "HEAD:schemas/openapi.json", "schemas/openapi.json"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let (code, _, stderr) = in_repo(&["diff", "HEAD:nowhere", "schemas"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("HEAD:nowhere"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let temp = TempDir::new("usage");
    export_shop(&temp.0.join("ok"));
    let ok = temp.path("ok");
    std::fs::write(temp.0.join("garbage.json"), b"\xff\xfe not json").unwrap();
    std::fs::write(
        temp.0.join("swagger.json"),
        br#"{"swagger": "2.0", "paths": {}}"#,
    )
    .unwrap();
    std::fs::create_dir_all(temp.0.join("empty")).unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["diff", &ok], "NEW"),
        (
            &["diff", &ok, &temp.path("missing")],
            "no such file or folder",
        ),
        (
            &["diff", &temp.path("garbage.json"), &ok],
            "is not valid JSON",
        ),
        (
            &["diff", &ok, &temp.path("swagger.json")],
            "not an OpenAPI 3.x or AsyncAPI 3.0 document (swagger 2.0)",
        ),
        (&["diff", &ok, &temp.path("empty")], "holds no schemas"),
        (&["diff", &ok, &ok, "--yaml"], "--yaml"),
        // A revision git would read as an option.
        (
            &["diff", &ok, "--", "--output=written:schemas"],
            "a git revision cannot start with `-`",
        ),
    ];
    for (args, message) in cases {
        let failed = run(args).expect(2);
        assert!(
            failed.stderr.contains(message),
            "{args:?}: {}",
            failed.stderr
        );
        assert!(failed.stdout.is_empty(), "{args:?}: {}", failed.stdout);
    }
}
