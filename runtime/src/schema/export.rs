//! Writing generated schemas to a folder that is committed, and checking that folder for drift.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::Path;

use serde_json::Value;

use super::diff::{Catalog, Change, diff};
use super::{envelope_schema, event_schema};
use crate::event::{DescribeEvent, DescribeEvents, EventVisitor};

/// A set of generated JSON files, by path relative to an output folder.
///
/// Write it with [`write_to`](Export::write_to) from your binary or build script, and compare
/// it with the committed folder in a test with [`check`](Export::check), so a change to a
/// type that changes its schema cannot land unnoticed.
///
/// ```
/// use hookwire::schema::{Export, OpenApi};
/// use hookwire::{Event, Events, JsonSchema, schemars};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, JsonSchema, Event)]
/// #[hookwire(event = "order.shipped")]
/// struct OrderShipped {
///     order_id: String,
/// }
///
/// #[derive(Events)]
/// enum ShopEvent {
///     OrderShipped(OrderShipped),
/// }
///
/// let openapi = OpenApi::new("Shop", "1.0.0").webhooks::<ShopEvent>().build()?;
/// let export = Export::catalog::<ShopEvent>().with_file("openapi.json", &openapi);
/// assert_eq!(
///     export.paths().collect::<Vec<_>>(),
///     ["envelopes/order.shipped.json", "events/order.shipped.json", "openapi.json"]
/// );
///
/// let dir = std::env::temp_dir().join(format!("hookwire-doc-{}", std::process::id()));
/// export.write_to(&dir)?;
/// assert!(export.check(&dir).is_ok());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Export {
    files: BTreeMap<String, String>,
}

/// How a folder differs from an [`Export`]: files whose content changed, files missing, and
/// `.json` files the export no longer produces.
///
/// Its `Display` lists them, one per line.
///
/// ```
/// # use hookwire::schema::Export;
/// let export = Export::default().with_file("a.json", &serde_json::json!({}));
/// let drift = export.check(std::path::Path::new("/nonexistent")).unwrap_err();
/// assert_eq!(drift.missing, ["a.json"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Drift {
    /// Files whose committed content differs from the generated one.
    pub changed: Vec<String>,
    /// Generated files that are not in the folder.
    pub missing: Vec<String>,
    /// `.json` files in the folder that nothing generates any more.
    pub stale: Vec<String>,
    /// With [`CheckMode::Compatible`]: the breaking changes from the folder's schemas to the
    /// export's (the other lists stay empty in that mode).
    pub breaking: Vec<Change>,
}

/// How [`Export::check_with`] compares an export with a committed folder.
///
/// ```
/// use hookwire::schema::{CheckMode, Export};
/// let export = Export::default().with_file("events/ping.json", &serde_json::json!({"type": "object"}));
/// let dir = std::env::temp_dir().join(format!("hookwire-mode-doc-{}", std::process::id()));
/// export.write_to(&dir)?;
/// // A new optional field is compatible: the compatible check passes, the exact one fails.
/// let grown = Export::default().with_file(
///     "events/ping.json",
///     &serde_json::json!({"type": "object", "properties": {"note": {"type": "string"}}}),
/// );
/// assert!(grown.check_with(&dir, CheckMode::Compatible).is_ok());
/// assert!(grown.check_with(&dir, CheckMode::Exact).is_err());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CheckMode {
    /// The folder's files must match the export byte for byte ([`Export::check`]).
    #[default]
    Exact,
    /// The export may differ from the folder, as long as no change from the folder's schemas
    /// to the export's is breaking (see [`diff`](super::diff)); warnings and compatible
    /// changes pass. A folder that cannot be read counts as all files missing.
    Compatible,
}

impl Export {
    /// The schemas of every event of catalog `C`: `events/<type>.json` (the payload) and
    /// `envelopes/<type>.json` (the envelope around it).
    ///
    /// See [`Export`] for an example.
    pub fn catalog<C: DescribeEvents>() -> Self {
        let mut export = Export::default();
        C::visit(&mut export);
        export
    }

    /// Adds a JSON file (pretty-printed, newline-terminated) at `path`, relative to the folder.
    ///
    /// ```
    /// # use hookwire::schema::Export;
    /// let export = Export::default().with_file("openapi.json", &serde_json::json!({"openapi": "3.1.0"}));
    /// assert_eq!(export.contents("openapi.json"), Some("{\n  \"openapi\": \"3.1.0\"\n}\n"));
    /// ```
    pub fn with_file(mut self, path: impl Into<String>, json: &Value) -> Self {
        self.insert(path.into(), json);
        self
    }

    /// The relative paths of the files, sorted.
    ///
    /// See [`Export`] for an example.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The contents of one file.
    ///
    /// See [`with_file`](Export::with_file) for an example.
    pub fn contents(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Writes every file under `dir`, creating folders as needed, and removes `.json` files
    /// under `dir` that the export no longer produces.
    ///
    /// # Errors
    /// Any I/O error while creating, writing or removing files.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        for stale in self.stale_files(dir)? {
            std::fs::remove_file(dir.join(stale))?;
        }
        for (path, contents) in &self.files {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, contents)?;
        }
        Ok(())
    }

    /// Compares the export with the files under `dir`.
    ///
    /// # Errors
    /// A [`Drift`] listing every difference; an unreadable folder counts as all files missing.
    pub fn check(&self, dir: &Path) -> Result<(), Drift> {
        let mut drift = Drift::default();
        for (path, contents) in &self.files {
            match std::fs::read_to_string(dir.join(path)) {
                Ok(existing) if existing == *contents => {}
                Ok(_) => drift.changed.push(path.clone()),
                Err(_) => drift.missing.push(path.clone()),
            }
        }
        drift.stale = self.stale_files(dir).unwrap_or_default();
        if drift.changed.is_empty() && drift.missing.is_empty() && drift.stale.is_empty() {
            Ok(())
        } else {
            Err(drift)
        }
    }

    /// Compares the export with the files under `dir`, exactly or for compatibility.
    ///
    /// See [`CheckMode`] for an example.
    ///
    /// # Errors
    /// A [`Drift`]: with [`CheckMode::Exact`] as [`check`](Export::check); with
    /// [`CheckMode::Compatible`] its `breaking` changes, or its `missing` files when `dir`
    /// holds no readable schemas.
    pub fn check_with(&self, dir: &Path, mode: CheckMode) -> Result<(), Drift> {
        match mode {
            CheckMode::Exact => self.check(dir),
            CheckMode::Compatible => {
                let committed = Catalog::from_dir(dir).map_err(|_| Drift {
                    missing: self.files.keys().cloned().collect(),
                    ..Drift::default()
                })?;
                let report = diff(&committed, &self.as_catalog());
                let breaking: Vec<Change> = report.breaking().cloned().collect();
                if breaking.is_empty() {
                    Ok(())
                } else {
                    Err(Drift {
                        breaking,
                        ..Drift::default()
                    })
                }
            }
        }
    }

    /// The export's schemas as a [`Catalog`] (an empty one when they hold no schema).
    fn as_catalog(&self) -> Catalog {
        let files = self.files.iter().filter(|(path, _)| Catalog::reads(path));
        let parsed = files.filter_map(|(path, text)| {
            let value = serde_json::from_str(text).ok()?;
            Some((path.clone(), value))
        });
        Catalog::from_files(parsed).unwrap_or_default()
    }

    fn insert(&mut self, path: String, json: &Value) {
        // Serializing a `Value` cannot fail: its map keys are strings.
        let mut text = serde_json::to_string_pretty(json).unwrap_or_default();
        text.push('\n');
        self.files.insert(path, text);
    }

    /// `.json` files under `dir` (recursively) that the export does not produce.
    fn stale_files(&self, dir: &Path) -> io::Result<Vec<String>> {
        let mut stale = Vec::new();
        let mut pending = vec![String::new()];
        while let Some(relative) = pending.pop() {
            let entries = match std::fs::read_dir(dir.join(&relative)) {
                Ok(entries) => entries,
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(error),
            };
            for entry in entries {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = if relative.is_empty() {
                    name
                } else {
                    format!("{relative}/{name}")
                };
                if entry.file_type()?.is_dir() {
                    pending.push(path);
                } else if path.ends_with(".json") && !self.files.contains_key(&path) {
                    stale.push(path);
                }
            }
        }
        stale.sort();
        Ok(stale)
    }
}

impl EventVisitor for Export {
    fn visit<E: DescribeEvent>(&mut self) {
        self.insert(
            format!("events/{}.json", E::TYPE),
            event_schema::<E>().as_value(),
        );
        self.insert(
            format!("envelopes/{}.json", E::TYPE),
            envelope_schema::<E>().as_value(),
        );
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for path in &self.changed {
            writeln!(f, "changed: {path}")?;
        }
        for path in &self.missing {
            writeln!(f, "missing: {path}")?;
        }
        for path in &self.stale {
            writeln!(f, "stale:   {path}")?;
        }
        for change in &self.breaking {
            writeln!(f, "{change}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Drift {}
