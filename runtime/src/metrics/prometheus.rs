//! [`Prometheus`]: a [`metrics`] recorder that keeps counters, gauges and histograms in memory
//! and renders them in the Prometheus text exposition format (version 0.0.4).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};

/// The histogram buckets, in seconds (attempt durations: 5 ms to 30 s).
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The recorder could not be installed.
///
/// ```
/// # use hookwire::metrics::MetricsError;
/// let error = MetricsError::AlreadyInstalled;
/// assert!(error.to_string().contains("already"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetricsError {
    /// A global recorder was installed before (by hookwire or another exporter).
    #[error("a metrics recorder is already installed in this process")]
    AlreadyInstalled,
}

/// A recorder of the [`metrics`] facade that renders Prometheus text. Cheap to clone: clones
/// share the same values.
///
/// ```
/// use hookwire::metrics::Prometheus;
///
/// let prometheus = Prometheus::new();
/// metrics::with_local_recorder(&prometheus, || {
///     metrics::counter!("jobs_total", "queue" => "mail").increment(2);
/// });
/// assert!(prometheus.render().contains("jobs_total{queue=\"mail\"} 2\n"));
/// ```
#[derive(Clone, Default)]
pub struct Prometheus {
    registry: Arc<Mutex<Registry>>,
}

impl std::fmt::Debug for Prometheus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prometheus").finish_non_exhaustive()
    }
}

/// A series' labels, as rendered: name and value, in the key's order.
type Labels<'a> = Vec<(&'a str, &'a str)>;

/// Every series by its key (the facade registers on each use: a lookup by the key's
/// precomputed hash, no allocation), and the descriptions by metric name.
#[derive(Default)]
struct Registry {
    series: HashMap<Key, Series>,
    help: HashMap<String, String>,
}

#[derive(Clone)]
enum Series {
    Counter(Arc<Cell>),
    Gauge(Arc<Cell>),
    Histogram(Arc<Buckets>),
}

/// A counter (a `u64`) or a gauge (an `f64`'s bits).
#[derive(Default)]
struct Cell(AtomicU64);

impl CounterFn for Cell {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }

    fn absolute(&self, value: u64) {
        self.0.fetch_max(value, Ordering::Relaxed);
    }
}

impl Cell {
    fn update(&self, change: impl Fn(f64) -> f64) {
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some(change(f64::from_bits(bits)).to_bits())
            });
    }
}

impl GaugeFn for Cell {
    fn increment(&self, value: f64) {
        self.update(|now| now + value);
    }

    fn decrement(&self, value: f64) {
        self.update(|now| now - value);
    }

    fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Buckets(Mutex<BucketCounts>);

#[derive(Default, Clone, Copy)]
struct BucketCounts {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl HistogramFn for Buckets {
    fn record(&self, value: f64) {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(i) = BUCKETS.iter().position(|&le| value <= le) {
            state.counts[i] += 1;
        }
        state.count += 1;
        state.sum += value;
    }
}

impl Prometheus {
    /// A recorder of its own, not installed: use it with [`metrics::with_local_recorder`] or
    /// [`metrics::set_global_recorder`], or call [`install`](Self::install).
    ///
    /// ```
    /// assert_eq!(hookwire::metrics::Prometheus::new().render(), "");
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Installs a new recorder as the process's global one, registers hookwire's metric
    /// descriptions, and returns a handle that renders what it records.
    ///
    /// # Errors
    ///
    /// [`MetricsError::AlreadyInstalled`] when the process has a global recorder already.
    ///
    /// ```
    /// # fn demo() -> Result<(), hookwire::metrics::MetricsError> {
    /// let metrics = hookwire::metrics::Prometheus::install()?;
    /// # let _ = metrics;
    /// # Ok(()) }
    /// ```
    pub fn install() -> Result<Self, MetricsError> {
        let prometheus = Self::new();
        metrics::set_global_recorder(prometheus.clone())
            .map_err(|_| MetricsError::AlreadyInstalled)?;
        super::describe();
        Ok(prometheus)
    }

    /// Everything recorded, as Prometheus text (`text/plain; version=0.0.4`), families in name
    /// order, series in label order.
    ///
    /// ```
    /// # let prometheus = hookwire::metrics::Prometheus::new();
    /// let text = prometheus.render();
    /// # let _ = text;
    /// ```
    #[must_use]
    pub fn render(&self) -> String {
        let registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        let mut families: BTreeMap<&str, Vec<(Labels<'_>, &Series)>> = BTreeMap::new();
        for (key, series) in &registry.series {
            let labels = key.labels().map(|l| (l.key(), l.value())).collect();
            families
                .entry(key.name())
                .or_default()
                .push((labels, series));
        }
        let mut out = String::new();
        for (name, mut family) in families {
            family.sort_by(|a, b| a.0.cmp(&b.0));
            if let Some(help) = registry.help.get(name) {
                let _ = writeln!(
                    out,
                    "# HELP {name} {}",
                    help.replace('\\', "\\\\").replace('\n', "\\n")
                );
            }
            let kind = match family[0].1 {
                Series::Counter(_) => "counter",
                Series::Gauge(_) => "gauge",
                Series::Histogram(_) => "histogram",
            };
            let _ = writeln!(out, "# TYPE {name} {kind}");
            for (labels, series) in &family {
                write_series(&mut out, name, labels, series);
            }
        }
        out
    }

    fn series(&self, key: &Key, make: impl FnOnce() -> Series) -> Series {
        let mut registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(series) = registry.series.get(key) {
            return series.clone();
        }
        let series = make();
        registry.series.insert(key.clone(), series.clone());
        series
    }

    fn describe(&self, key: &KeyName, unit: Option<Unit>, description: &SharedString) {
        let help = match unit {
            Some(unit) if !description.ends_with(')') && unit != Unit::Count => {
                format!("{description} ({})", unit.as_str())
            }
            _ => description.to_string(),
        };
        let mut registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        registry.help.insert(key.as_str().to_owned(), help);
    }
}

fn write_series(out: &mut String, name: &str, labels: &[(&str, &str)], series: &Series) {
    match series {
        Series::Counter(cell) => {
            let _ = writeln!(
                out,
                "{name}{} {}",
                label_text(labels, None),
                cell.0.load(Ordering::Relaxed)
            );
        }
        Series::Gauge(cell) => {
            let value = f64::from_bits(cell.0.load(Ordering::Relaxed));
            let _ = writeln!(out, "{name}{} {}", label_text(labels, None), number(value));
        }
        Series::Histogram(buckets) => {
            let state = *buckets.0.lock().unwrap_or_else(PoisonError::into_inner);
            let mut cumulative = 0;
            for (le, count) in BUCKETS.iter().zip(state.counts) {
                cumulative += count;
                let le = number(*le);
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {cumulative}",
                    label_text(labels, Some(&le))
                );
            }
            let _ = writeln!(
                out,
                "{name}_bucket{} {}",
                label_text(labels, Some("+Inf")),
                state.count
            );
            let _ = writeln!(
                out,
                "{name}_sum{} {}",
                label_text(labels, None),
                number(state.sum)
            );
            let _ = writeln!(
                out,
                "{name}_count{} {}",
                label_text(labels, None),
                state.count
            );
        }
    }
}

/// `{a="1",b="2"}` (with `le` last for a bucket), or nothing without labels.
fn label_text(labels: &[(&str, &str)], le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A sample value as Prometheus writes it.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        value.to_string()
    }
}

impl Recorder for Prometheus {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(&key, unit, &description);
    }

    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(&key, unit, &description);
    }

    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe(&key, unit, &description);
    }

    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        match self.series(key, || Series::Counter(Arc::default())) {
            Series::Counter(cell) => Counter::from_arc(cell),
            _ => Counter::noop(),
        }
    }

    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        match self.series(key, || Series::Gauge(Arc::default())) {
            Series::Gauge(cell) => Gauge::from_arc(cell),
            _ => Gauge::noop(),
        }
    }

    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        match self.series(key, || Series::Histogram(Arc::default())) {
            Series::Histogram(buckets) => Histogram::from_arc(buckets),
            _ => Histogram::noop(),
        }
    }
}

#[cfg(feature = "axum")]
impl Prometheus {
    /// An axum router serving [`render`](Self::render) at `GET /metrics`, to merge into the
    /// service's own router or serve on a port of its own.
    ///
    /// ```
    /// # fn demo(metrics: hookwire::metrics::Prometheus) {
    /// let app: axum::Router = axum::Router::new().merge(metrics.router());
    /// # let _ = app;
    /// # }
    /// ```
    pub fn router<S: Clone + Send + Sync + 'static>(&self) -> axum::Router<S> {
        let this = self.clone();
        axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let text = this.render();
                async move {
                    (
                        [(
                            http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        text,
                    )
                }
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_kind_with_help_type_and_escaped_labels() {
        let prometheus = Prometheus::new();
        metrics::with_local_recorder(&prometheus, || {
            metrics::describe_counter!("a_total", Unit::Count, "Things.\nMore");
            metrics::counter!("a_total", "k" => "quote\"back\\slash").increment(3);
            metrics::counter!("a_total").absolute(7);
            metrics::gauge!("b", "endpoint" => "1").set(2.5);
            metrics::gauge!("b", "endpoint" => "1").decrement(1.0);
            metrics::histogram!("c_seconds").record(0.02);
            metrics::histogram!("c_seconds").record(100.0);
            // A name reused with another kind records nothing.
            metrics::gauge!("a_total").set(1.0);
        });
        let text = prometheus.render();
        assert_eq!(
            text,
            "# HELP a_total Things.\\nMore\n# TYPE a_total counter\na_total 7\n\
             a_total{k=\"quote\\\"back\\\\slash\"} 3\n\
             # TYPE b gauge\nb{endpoint=\"1\"} 1.5\n\
             # TYPE c_seconds histogram\n\
             c_seconds_bucket{le=\"0.005\"} 0\nc_seconds_bucket{le=\"0.01\"} 0\n\
             c_seconds_bucket{le=\"0.025\"} 1\nc_seconds_bucket{le=\"0.05\"} 1\n\
             c_seconds_bucket{le=\"0.1\"} 1\nc_seconds_bucket{le=\"0.25\"} 1\n\
             c_seconds_bucket{le=\"0.5\"} 1\nc_seconds_bucket{le=\"1\"} 1\n\
             c_seconds_bucket{le=\"2.5\"} 1\nc_seconds_bucket{le=\"5\"} 1\n\
             c_seconds_bucket{le=\"10\"} 1\nc_seconds_bucket{le=\"30\"} 1\n\
             c_seconds_bucket{le=\"+Inf\"} 2\nc_seconds_sum 100.02\nc_seconds_count 2\n"
        );
    }
}
