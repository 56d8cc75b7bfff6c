//! The preprocessor protocol: mdBook writes `[context, book]` as JSON on stdin and reads
//! the book back on stdout.
//!
//! mdBook 0.5 sends the book as `{"items": [...]}`, 0.4 (0.4.40 and later) as
//! `{"sections": [...], "__non_exhaustive": null}`. The book is kept as JSON, so the
//! shape it came in is the shape it goes out in, and every field this tool does not
//! understand passes through untouched. Only chapters' `content` is changed.

use crate::diagnostics::{codes, Diagnostic, Error, Result};
use serde_json::{Map, Value};
use std::io::Write;
use std::path::PathBuf;

/// mdBook versions this release is tested with (0.4.40 and later, and 0.5).
pub const SUPPORTED_MDBOOK: &str = ">=0.4.40, <0.6.0";

/// The parts of the preprocessor context this tool reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// The book's root folder (where `book.toml` is).
    pub root: PathBuf,
    /// The renderer the book is being prepared for (`html`, `markdown`, …).
    pub renderer: String,
    /// The calling mdBook's version.
    pub mdbook_version: String,
    /// mdBook's whole configuration, as JSON.
    pub config: Value,
}

impl Context {
    /// The book's `src` folder, relative to the root.
    pub fn src_dir(&self) -> PathBuf {
        PathBuf::from(
            self.config
                .get("book")
                .and_then(|b| b.get("src"))
                .and_then(Value::as_str)
                .unwrap_or("src"),
        )
    }

    /// A warning when the calling mdBook is outside the tested range.
    pub fn version_warning(&self) -> Option<Diagnostic> {
        let range = semver::VersionReq::parse(SUPPORTED_MDBOOK).expect("a valid range");
        let tested = match semver::Version::parse(self.mdbook_version.trim_start_matches('v')) {
            Ok(v) => {
                // A pre-release (0.5.0-beta.1) counts as its release for this check.
                let release = semver::Version::new(v.major, v.minor, v.patch);
                range.matches(&release)
            }
            Err(_) => false,
        };
        (!tested).then(|| {
            Diagnostic::warning(
                codes::MDBOOK_VERSION,
                format!(
                    "mdbook-destinations {} is tested with mdBook {SUPPORTED_MDBOOK}, \
                     but is being run by mdBook {:?}",
                    env!("CARGO_PKG_VERSION"),
                    self.mdbook_version
                ),
            )
            .with_help("if the book comes out wrong, use a tested mdBook version")
        })
    }
}

/// The book, as mdBook sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// The whole book object, untouched but for chapter contents.
    pub value: Value,
}

impl Book {
    /// `items` (0.5) or `sections` (0.4).
    pub fn shape(&self) -> &'static str {
        if self.value.get("items").is_some() {
            "items"
        } else {
            "sections"
        }
    }

    /// Visits every chapter (depth first, in book order) with its JSON object.
    pub fn for_each_chapter_mut<F>(&mut self, mut f: F) -> Result<()>
    where
        F: FnMut(&mut Map<String, Value>) -> Result<()>,
    {
        let key = self.shape();
        if let Some(Value::Array(items)) = self.value.get_mut(key) {
            visit(items, &mut f)?;
        }
        Ok(())
    }

    /// Writes the book back as JSON.
    pub fn write_to(&self, out: impl Write) -> Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        serde_json::to_writer(&mut out, &self.value)
            .map_err(|e| e.to_string())
            .and_then(|()| out.flush().map_err(|e| e.to_string()))
            .map_err(|e| {
                Error::new(
                    codes::OUTPUT,
                    format!("cannot write the book to stdout: {e}"),
                )
            })
    }
}

/// Standard output for the book: on Unix, the file descriptor itself, because the
/// standard library's `Stdout` is line-buffered and would scan every byte of the book for
/// a newline on its way out ([`Book::write_to`] buffers anyway).
pub fn stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}

fn visit<F>(items: &mut [Value], f: &mut F) -> Result<()>
where
    F: FnMut(&mut Map<String, Value>) -> Result<()>,
{
    for item in items {
        if let Some(Value::Object(chapter)) = item.get_mut("Chapter") {
            f(chapter)?;
            if let Some(Value::Array(sub)) = chapter.get_mut("sub_items") {
                visit(sub, f)?;
            }
        }
    }
    Ok(())
}

/// A chapter's fields, borrowed from its JSON object.
#[derive(Debug)]
pub struct ChapterRef<'a> {
    /// `name`.
    pub name: &'a str,
    /// `source_path`, else `path` (relative to `src/`); `None` for drafts.
    pub source_path: Option<&'a str>,
    /// `content`, to be changed in place.
    pub content: &'a mut String,
}

/// The fields of a chapter object, when it has content.
pub fn chapter_ref(chapter: &mut Map<String, Value>) -> Option<ChapterRef<'_>> {
    let mut name = None;
    let mut source_path = None;
    let mut path = None;
    let mut content = None;
    for (k, v) in chapter.iter_mut() {
        match (k.as_str(), v) {
            ("name", Value::String(s)) => name = Some(s.as_str()),
            ("source_path", Value::String(s)) => source_path = Some(s.as_str()),
            ("path", Value::String(s)) => path = Some(s.as_str()),
            ("content", Value::String(s)) => content = Some(s),
            _ => {}
        }
    }
    Some(ChapterRef {
        name: name.unwrap_or(""),
        source_path: source_path.or(path),
        content: content?,
    })
}

/// Parses the protocol's input: a JSON array `[context, book]`.
pub fn parse_input(input: &[u8]) -> Result<(Context, Book)> {
    let bad = |why: String| {
        Error::new(
            codes::BAD_INPUT,
            format!("stdin is not mdBook's preprocessor input: {why}"),
        )
        .in_file("<stdin>")
        .with_help(
            "mdBook runs this command with `[context, book]` JSON on stdin; \
             to check a book by hand, run `mdbook-destinations check BOOK_DIR`",
        )
    };
    let value: Value = serde_json::from_slice(input).map_err(|e| {
        if input.iter().all(u8::is_ascii_whitespace) {
            bad("it is empty".into())
        } else {
            bad(format!("invalid JSON ({e})"))
        }
    })?;
    let Value::Array(mut pair) = value else {
        return Err(bad("expected a JSON array `[context, book]`".into()));
    };
    if pair.len() != 2 {
        return Err(bad(format!(
            "expected a JSON array of 2 elements `[context, book]`, found {}",
            pair.len()
        )));
    }
    let book = pair.pop().expect("two elements");
    let context = pair.pop().expect("two elements");
    let Value::Object(mut ctx) = context else {
        return Err(bad("the context (first element) is not an object".into()));
    };
    let root = match ctx.get("root") {
        Some(Value::String(s)) => PathBuf::from(s),
        _ => return Err(bad("the context has no `root` path".into())),
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let context = Context {
        root,
        renderer: text(ctx.get("renderer")),
        mdbook_version: text(ctx.get("mdbook_version")),
        config: ctx.remove("config").unwrap_or(Value::Null),
    };
    match &book {
        Value::Object(b)
            if matches!(b.get("items"), Some(Value::Array(_)))
                || matches!(b.get("sections"), Some(Value::Array(_))) => {}
        _ => {
            return Err(bad(
                "the book (second element) has neither `items` (mdBook 0.5) nor `sections` (0.4)"
                    .into(),
            ))
        }
    }
    Ok((context, Book { value: book }))
}
