//! Errors and warnings, reported in one rustc-like format on stderr:
//!
//! ```text
//! warning[W101]: destination page has no catalog item for slug `acme`
//!   --> src/destinations/acme/index.md
//!   = help: the catalog item with id `5f1e…` has slug `acme-cloud`: set `slug: acme-cloud`
//! ```
//!
//! A [`Diagnostic`] is plain data; an [`Error`] is a diagnostic of severity error that
//! stops the run.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; the build goes on (unless `strict`).
    Warning,
    /// The build stops with exit status 1.
    Error,
}

impl Severity {
    /// `error` or `warning`, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a diagnostic points: a file, and a line and column (both 1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, as the user wrote it or relative to the book root.
    pub path: PathBuf,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column (in characters).
    pub column: Option<usize>,
    /// The text of that line, to show under the message.
    pub source_line: Option<String>,
}

impl Location {
    /// A whole file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            column: None,
            source_line: None,
        }
    }

    /// A line and column in a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            source_line: None,
        }
    }

    /// Keeps the text of the location's line, taken from `text` (the whole file, or
    /// `first_line` onwards), to show it under the message.
    pub fn with_source(mut self, text: &str, first_line: usize) -> Self {
        if let Some(line) = self.line {
            self.source_line = line
                .checked_sub(first_line)
                .and_then(|i| text.lines().nth(i))
                .map(|l| l.trim_end_matches('\r').to_string());
        }
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// One message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable code (`E003`, `W101`); the README lists them all.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where, when there is a place to point at.
    pub location: Option<Location>,
    /// How to fix it, when there is something to suggest.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// A warning.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// Points the diagnostic at a place.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Points the diagnostic at a whole file.
    pub fn in_file(self, path: impl AsRef<Path>) -> Self {
        self.at(Location::file(path.as_ref()))
    }

    /// Adds a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Turns a warning into an error (`strict = true`).
    pub fn promoted(mut self) -> Self {
        self.severity = Severity::Error;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        )?;
        let Some(location) = &self.location else {
            if let Some(help) = &self.help {
                write!(f, "\n  = help: {help}")?;
            }
            return Ok(());
        };
        let gutter = location.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        write!(f, "\n{pad}--> {location}")?;
        if let (Some(line), Some(src)) = (location.line, &location.source_line) {
            if src.chars().count() <= 300 {
                let col = location.column.unwrap_or(1).max(1);
                let lead: String = src
                    .chars()
                    .take(col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let width = src
                    .chars()
                    .skip(col - 1)
                    .take_while(|c| !matches!(c, ':' | ' ' | '\t' | ',' | '}' | ']'))
                    .count()
                    .max(1);
                write!(
                    f,
                    "\n{pad} |\n{line} | {src}\n{pad} | {lead}{}",
                    "^".repeat(width)
                )?;
            }
        }
        if let Some(help) = &self.help {
            write!(f, "\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// A diagnostic that stops the run.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub Box<Diagnostic>);

impl Error {
    /// An error with a code and a message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Error(Box::new(Diagnostic::error(code, message)))
    }

    /// The diagnostic inside.
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.0
    }

    /// Points the error at a place.
    pub fn at(self, location: Location) -> Self {
        Error(Box::new(self.0.at(location)))
    }

    /// Points the error at a whole file.
    pub fn in_file(self, path: impl AsRef<Path>) -> Self {
        Error(Box::new(self.0.in_file(path)))
    }

    /// Adds a suggestion.
    pub fn with_help(self, help: impl Into<String>) -> Self {
        Error(Box::new(self.0.with_help(help)))
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error(Box::new(d))
    }
}

/// Result of anything that can stop the run.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The codes, in one place so that none is used twice.
pub mod codes {
    /// stdin is not the preprocessor protocol's `[context, book]` JSON.
    pub const BAD_INPUT: &str = "E001";
    /// `[preprocessor.destinations]` has a value of the wrong type or a bad glob.
    pub const BAD_CONFIG: &str = "E002";
    /// The catalog (or sync note, or another configured file) cannot be read.
    pub const UNREADABLE_FILE: &str = "E003";
    /// The catalog is not valid YAML / JSON of the expected shape.
    pub const CATALOG_SYNTAX: &str = "E004";
    /// A catalog item has no `slug`.
    pub const ITEM_WITHOUT_SLUG: &str = "E005";
    /// A chapter's front matter is not valid YAML or not a mapping.
    pub const FRONT_MATTER_SYNTAX: &str = "E006";
    /// A front matter flag (or `slug`/`layout`) has the wrong type.
    pub const FRONT_MATTER_TYPE: &str = "E007";
    /// stdout could not be written.
    pub const OUTPUT: &str = "E008";
    /// `strict = true` and there were warnings.
    pub const STRICT: &str = "E009";
    /// A Liquid partial or template does not parse, uses an unknown filter, or fails.
    pub const TEMPLATE: &str = "E010";

    /// `install`: the book folder or its `book.toml` is missing or unreadable.
    pub const INSTALL_NO_BOOK: &str = "E201";
    /// `install`: `book.toml` does not parse, or holds a value install cannot extend.
    pub const INSTALL_BAD_BOOK_TOML: &str = "E202";
    /// `install`: a file cannot be written.
    pub const INSTALL_WRITE: &str = "E203";
    /// `install`: something the user should finish by hand (a missing catalog, a folder
    /// not watched, a book without HTML output).
    pub const INSTALL_NOTE: &str = "W201";

    /// The calling mdBook is outside the versions this release is tested with.
    pub const MDBOOK_VERSION: &str = "W001";
    /// `[preprocessor.destinations]` has a key this version does not know.
    pub const UNKNOWN_CONFIG_KEY: &str = "W002";
    /// A destination page's slug has no catalog item.
    pub const NO_CATALOG_ITEM: &str = "W101";
    /// Catalog items that no page uses.
    pub const UNUSED_ITEM: &str = "W102";
    /// Two catalog items share a slug (the first wins, as in Jekyll).
    pub const DUPLICATE_SLUG: &str = "W103";
    /// An unknown front matter key on a destination page that looks like a known flag.
    pub const UNKNOWN_FLAG: &str = "W104";
    /// A catalog field of the wrong type (treated as Jekyll would).
    pub const CATALOG_TYPE: &str = "W105";
    /// A setting with an empty label: its row has no anchor.
    pub const EMPTY_LABEL: &str = "W106";
    /// Labels of one destination whose anchors collide.
    pub const ANCHOR_COLLISION: &str = "W107";

    /// Every code, to map a stored code back to its `&'static str`.
    pub const ALL: &[&str] = &[
        BAD_INPUT,
        BAD_CONFIG,
        UNREADABLE_FILE,
        CATALOG_SYNTAX,
        ITEM_WITHOUT_SLUG,
        FRONT_MATTER_SYNTAX,
        FRONT_MATTER_TYPE,
        OUTPUT,
        STRICT,
        TEMPLATE,
        INSTALL_NO_BOOK,
        INSTALL_BAD_BOOK_TOML,
        INSTALL_WRITE,
        INSTALL_NOTE,
        MDBOOK_VERSION,
        UNKNOWN_CONFIG_KEY,
        NO_CATALOG_ITEM,
        UNUSED_ITEM,
        DUPLICATE_SLUG,
        UNKNOWN_FLAG,
        CATALOG_TYPE,
        EMPTY_LABEL,
        ANCHOR_COLLISION,
    ];
}
