//! What a generation made and where it fell back to `serde_json::Value`.

use std::fmt;

/// A construct the generator does not support, typed as `serde_json::Value` instead.
///
/// ```
/// use hookwire_codegen::{Options, generate};
///
/// let dir = std::env::temp_dir().join(format!("hookwire-fallback-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// std::fs::write(
///     dir.join("ping.json"),
///     r#"{"type": "object", "properties": {"id": {"type": ["string", "integer"]}}}"#,
/// )?;
/// let report = generate(&dir, &Options::default())?.report;
/// assert_eq!(
///     report.fallbacks[0].to_string(),
///     "ping.json#/properties/id: `type: [string, integer]` (several types) is not supported"
/// );
/// assert_eq!(report.fully_typed(), 0);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Fallback {
    /// Where: the file (relative to the input) and the JSON pointer into it.
    pub pointer: String,
    /// What is not supported there.
    pub reason: String,
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.reason)
    }
}

/// One generated event type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventReport {
    /// The event's name (`pull_request.opened`).
    pub name: String,
    /// The Rust type generated for its payload.
    pub type_name: String,
    /// The fallbacks its payload type reaches; empty when it is fully typed.
    pub fallbacks: Vec<String>,
}

/// What [`generate`](crate::generate) made: the events, the count of types, every fallback.
///
/// Its `Display` is the summary `hookwire generate` prints.
///
/// ```
/// use hookwire_codegen::Report;
///
/// let report = Report::default();
/// assert_eq!(report.fully_typed(), 0);
/// assert!(report.to_string().starts_with("0 events"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Report {
    /// The events, in the order of the catalog.
    pub events: Vec<EventReport>,
    /// How many Rust types were generated.
    pub types: usize,
    /// Every construct that fell back to `serde_json::Value`, in input order.
    pub fallbacks: Vec<Fallback>,
}

impl Report {
    /// How many events are fully typed (no fallback reachable from their payload).
    ///
    /// ```
    /// # use hookwire_codegen::Report;
    /// assert_eq!(Report::default().fully_typed(), 0);
    /// ```
    pub fn fully_typed(&self) -> usize {
        self.events
            .iter()
            .filter(|e| e.fallbacks.is_empty())
            .count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} events ({} fully typed), {} types, {} fallbacks to serde_json::Value",
            self.events.len(),
            self.fully_typed(),
            self.types,
            self.fallbacks.len()
        )?;
        for fallback in &self.fallbacks {
            writeln!(f, "  fallback {fallback}")?;
        }
        for event in self.events.iter().filter(|e| !e.fallbacks.is_empty()) {
            writeln!(
                f,
                "  not fully typed: {} ({}), via {}",
                event.name,
                event.type_name,
                event.fallbacks.join(", ")
            )?;
        }
        Ok(())
    }
}
