//! The preprocessor protocol: mdBook writes `[context, book]` as JSON on stdin and reads
//! the book back on stdout.
//!
//! mdBook 0.5 sends the book as `{"items": [...]}`, 0.4 (0.4.40 and later) as
//! `{"sections": [...], "__non_exhaustive": null}`. The book is kept as JSON, so the
//! shape it came in is the shape it goes out in, and every field this tool does not
//! understand passes through untouched. Only chapters' `content` is changed.
//!
//! Two ways to hold it: [`RawBook`] (the run: every value but the tree of items is kept as
//! the JSON text it came in, so that a chapter whose result is cached is copied through
//! without being decoded or encoded again) and [`Book`] (a `serde_json::Value`, for
//! `check`, which makes its book itself). A run visits either through [`ChapterBook`].

use crate::diagnostics::{codes, Diagnostic, Error, Result};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

pub mod raw;

pub use raw::RawBook;

/// A chapter with content, as a run reads and changes it, whichever way the book is held.
pub trait ChapterSlot {
    /// `name`.
    fn name(&self) -> Cow<'_, str>;
    /// `source_path`, else `path` (relative to `src/`); `None` for drafts.
    fn source_path(&self) -> Option<Cow<'_, str>>;
    /// The key of its result in the chapter cache: its name, path and content.
    fn key(&self) -> u128;
    /// Its content, decoded.
    fn content(&self) -> Result<Cow<'_, str>>;
    /// Sets its content to what it was from byte `body_start` on (its front matter cut
    /// off), then `suffix`. False, and nothing changed, when `body_start` is not a
    /// character boundary of the content.
    fn splice(&mut self, body_start: usize, suffix: &str) -> bool;
}

/// A book whose chapters a run can visit.
pub trait ChapterBook {
    /// The name of the way its chapters are keyed (chapter cache entries of books held
    /// one way are never read for books held the other).
    fn keying(&self) -> &'static str;
    /// Visits every chapter that has content (depth first, in book order).
    fn for_each_chapter(
        &mut self,
        f: &mut dyn FnMut(&mut dyn ChapterSlot) -> Result<()>,
    ) -> Result<()>;
}

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
            .map_err(|e| output_error(&e))
    }
}

impl ChapterBook for Book {
    fn keying(&self) -> &'static str {
        "decoded"
    }

    fn for_each_chapter(
        &mut self,
        f: &mut dyn FnMut(&mut dyn ChapterSlot) -> Result<()>,
    ) -> Result<()> {
        self.for_each_chapter_mut(|chapter| match chapter_ref(chapter) {
            Some(mut chapter) => f(&mut chapter),
            None => Ok(()),
        })
    }
}

impl ChapterSlot for ChapterRef<'_> {
    fn name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.name)
    }

    fn source_path(&self) -> Option<Cow<'_, str>> {
        self.source_path.map(Cow::Borrowed)
    }

    fn key(&self) -> u128 {
        crate::cache::chapter_key(self.name, self.source_path, self.content)
    }

    fn content(&self) -> Result<Cow<'_, str>> {
        Ok(Cow::Borrowed(self.content.as_str()))
    }

    fn splice(&mut self, body_start: usize, suffix: &str) -> bool {
        let Some(body) = self.content.get(body_start..) else {
            return false;
        };
        // One allocation for the chapter as it goes out.
        let mut out = String::with_capacity(body.len() + suffix.len());
        out.push_str(body);
        out.push_str(suffix);
        *self.content = out;
        true
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

/// The error for stdin that is not the protocol's input.
pub(crate) fn bad_input(why: String) -> Error {
    Error::new(
        codes::BAD_INPUT,
        format!("stdin is not mdBook's preprocessor input: {why}"),
    )
    .in_file("<stdin>")
    .with_help(
        "mdBook runs this command with `[context, book]` JSON on stdin; \
         to check a book by hand, run `mdbook-destinations check BOOK_DIR`",
    )
}

pub(crate) fn output_error(why: &str) -> Error {
    Error::new(
        codes::OUTPUT,
        format!("cannot write the book to stdout: {why}"),
    )
}

/// The context (the first element of the input).
pub(crate) fn context(context: Value) -> Result<Context> {
    let Value::Object(mut ctx) = context else {
        return Err(bad_input(
            "the context (first element) is not an object".into(),
        ));
    };
    let root = match ctx.get("root") {
        Some(Value::String(s)) => PathBuf::from(s),
        _ => return Err(bad_input("the context has no `root` path".into())),
    };
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(Context {
        root,
        renderer: text(ctx.get("renderer")),
        mdbook_version: text(ctx.get("mdbook_version")),
        config: ctx.remove("config").unwrap_or(Value::Null),
    })
}

/// Parses the protocol's input, a JSON array `[context, book]`, into values.
pub fn parse_input(input: &[u8]) -> Result<(Context, Book)> {
    let value: Value = serde_json::from_slice(input).map_err(|e| {
        if input.iter().all(u8::is_ascii_whitespace) {
            bad_input("it is empty".into())
        } else {
            bad_input(format!("invalid JSON ({e})"))
        }
    })?;
    let Value::Array(mut pair) = value else {
        return Err(bad_input("expected a JSON array `[context, book]`".into()));
    };
    if pair.len() != 2 {
        return Err(bad_input(format!(
            "expected a JSON array of 2 elements `[context, book]`, found {}",
            pair.len()
        )));
    }
    let book = pair.pop().expect("two elements");
    let context = context(pair.pop().expect("two elements"))?;
    match &book {
        Value::Object(b)
            if matches!(b.get("items"), Some(Value::Array(_)))
                || matches!(b.get("sections"), Some(Value::Array(_))) => {}
        _ => {
            return Err(bad_input(
                "the book (second element) has neither `items` (mdBook 0.5) nor `sections` (0.4)"
                    .into(),
            ))
        }
    }
    Ok((context, Book { value: book }))
}
