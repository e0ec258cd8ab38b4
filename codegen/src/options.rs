//! [`Options`]: what `generate` makes besides the payload types, and how strict they are.

/// What to generate besides the payload types.
///
/// ```
/// use hookwire_codegen::Options;
///
/// let options = Options::default().catalog("GitHubEvent").github(true).serialize(true);
/// assert_eq!(options.catalog_name(), "GitHubEvent");
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    pub(crate) catalog: String,
    pub(crate) serialize: bool,
    pub(crate) json_schema: bool,
    pub(crate) github: bool,
    pub(crate) events: Vec<String>,
    pub(crate) paths: bool,
    pub(crate) split: Option<usize>,
    pub(crate) strict_enums: bool,
    pub(crate) strict_fields: bool,
    pub(crate) date_time_type: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            catalog: "WebhookEvent".to_owned(),
            serialize: false,
            json_schema: false,
            github: false,
            events: Vec::new(),
            paths: false,
            split: None,
            strict_enums: false,
            strict_fields: false,
            date_time_type: DEFAULT_DATE_TIME_TYPE.to_owned(),
        }
    }
}

impl Options {
    /// The name of the catalog enum (default `WebhookEvent`).
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// assert_eq!(Options::default().catalog_name(), "WebhookEvent");
    /// ```
    pub fn catalog(mut self, name: impl Into<String>) -> Self {
        self.catalog = name.into();
        self
    }

    /// The catalog enum's name.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// assert_eq!(Options::default().catalog("Svix").catalog_name(), "Svix");
    /// ```
    pub fn catalog_name(&self) -> &str {
        &self.catalog
    }

    /// Also derive `Serialize` (to send or re-emit the payloads).
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().serialize(true);
    /// ```
    pub fn serialize(mut self, on: bool) -> Self {
        self.serialize = on;
        self
    }

    /// Also derive `JsonSchema` (and `Serialize`), keeping the schema keywords Rust types do
    /// not carry (`pattern`, `format`, `examples`, ...) so hookwire's documents re-emit them.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().json_schema(true);
    /// ```
    pub fn json_schema(mut self, on: bool) -> Self {
        self.json_schema = on;
        self
    }

    /// Emit GitHub's dispatch helpers: `github_event_type(header, body)` names a delivery
    /// `<X-GitHub-Event>.<action>` (`pull_request.opened`) or `<X-GitHub-Event>` (`push`),
    /// the names the events are generated with from octokit's payload schemas.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().github(true);
    /// ```
    pub fn github(mut self, on: bool) -> Self {
        self.github = on;
        self
    }
}

impl Options {
    /// Also generate a `#[derive(Endpoint)]` request struct per operation of an OpenAPI
    /// document's `paths`: parameters as `path`, `query` and `header` fields, the JSON body as
    /// a `body` field, the first 2xx JSON response as the `response` type.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().paths(true);
    /// ```
    pub fn paths(mut self, on: bool) -> Self {
        self.paths = on;
        self
    }

    /// Generates only these events (and the types they use) instead of every event of the
    /// input; names that are not in the input are ignored.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().github(true).events(["push", "pull_request.opened"]);
    /// ```
    pub fn events<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.events = names.into_iter().map(Into::into).collect();
        self
    }

    /// Generates a directory module instead of one file, no file longer than `max_lines`
    /// (about: an item longer than that gets a file of its own): `mod.rs` with the `mod`
    /// lines, a `pub use` of every file (the public paths are the single file's), the catalog
    /// and dispatch; the types more than one event family uses in `shared.rs`,
    /// `shared_2.rs`...; each family's payload types and the types only it uses in a file
    /// named after it (`pull_request.rs`, `pull_request_2.rs`...). [`Generated::files`](crate::Generated::files) holds
    /// them, and [`write()`](crate::write) and [`check()`](crate::check) take the directory. [`DEFAULT_SPLIT_LINES`] is a good
    /// budget.
    ///
    /// ```
    /// # use hookwire_codegen::{DEFAULT_SPLIT_LINES, Options};
    /// let options = Options::default().github(true).split(DEFAULT_SPLIT_LINES);
    /// assert_eq!(options.split_lines(), Some(400));
    /// ```
    pub fn split(mut self, max_lines: usize) -> Self {
        self.split = Some(max_lines);
        self
    }

    /// The line budget of the directory form, `None` for one file (the default).
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// assert_eq!(Options::default().split_lines(), None);
    /// ```
    pub fn split_lines(&self) -> Option<usize> {
        self.split
    }
}

/// The line budget `hookwire generate --split` uses: under the 400 lines a Rust file of this
/// project's style keeps to.
///
/// ```
/// assert_eq!(hookwire_codegen::DEFAULT_SPLIT_LINES, 400);
/// ```
pub const DEFAULT_SPLIT_LINES: usize = 400;

/// The Rust type of `format: date-time` strings unless [`Options::date_time_type`] says
/// otherwise: hookwire's [`Timestamp`](https://docs.rs/hookwire/latest/hookwire/struct.Timestamp.html),
/// which reads and writes RFC 3339 text.
///
/// ```
/// assert_eq!(hookwire_codegen::DEFAULT_DATE_TIME_TYPE, "hookwire::Timestamp");
/// ```
pub const DEFAULT_DATE_TIME_TYPE: &str = "hookwire::Timestamp";

impl Options {
    /// Strict string enums: no `Other(String)` variant, so a value the schema does not list
    /// fails the parse of the whole payload (and the enum is `Copy`); tagged unions get no
    /// `Unknown` variant either. Off by default: providers add values without notice.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().strict_enums(true);
    /// assert!(options.is_strict_enums());
    /// ```
    pub fn strict_enums(mut self, on: bool) -> Self {
        self.strict_enums = on;
        self
    }

    /// Whether string enums are strict (see [`strict_enums`](Self::strict_enums)).
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// assert!(!Options::default().is_strict_enums());
    /// ```
    pub fn is_strict_enums(&self) -> bool {
        self.strict_enums
    }

    /// Strict objects: `#[serde(deny_unknown_fields)]` on every struct and tagged union, so a
    /// member the schema does not list fails the parse (and the `JsonSchema` says
    /// `additionalProperties: false`). Objects whose schema has an `additionalProperties`
    /// schema keep their flattened map of other members and are not made strict. Off by
    /// default: unknown members are ignored.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().strict_fields(true);
    /// assert!(options.is_strict_fields());
    /// ```
    pub fn strict_fields(mut self, on: bool) -> Self {
        self.strict_fields = on;
        self
    }

    /// Whether objects are strict (see [`strict_fields`](Self::strict_fields)).
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// assert!(!Options::default().is_strict_fields());
    /// ```
    pub fn is_strict_fields(&self) -> bool {
        self.strict_fields
    }

    /// The Rust type of `format: date-time` strings (default [`DEFAULT_DATE_TIME_TYPE`]): a
    /// path such as `chrono::DateTime<chrono::Utc>`, `jiff::Timestamp` or
    /// `time::OffsetDateTime` (with that crate's serde support reading RFC 3339 text), or
    /// `String` to keep the text as sent. [`generate`](crate::generate) fails with
    /// [`GenerateError::Option`](crate::GenerateError::Option) when it is not a Rust type.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// let options = Options::default().date_time_type("chrono::DateTime<chrono::Utc>");
    /// assert_eq!(options.date_time_type_name(), "chrono::DateTime<chrono::Utc>");
    /// ```
    pub fn date_time_type(mut self, path: impl Into<String>) -> Self {
        self.date_time_type = path.into();
        self
    }

    /// The Rust type `format: date-time` strings get.
    ///
    /// ```
    /// # use hookwire_codegen::Options;
    /// assert_eq!(Options::default().date_time_type_name(), "hookwire::Timestamp");
    /// ```
    pub fn date_time_type_name(&self) -> &str {
        &self.date_time_type
    }
}
