//! The run: configuration, catalog and sync note loaded once, then every chapter's front
//! matter stripped and every destination page given its sections.

use crate::cache::{self, Cache};
use crate::catalog::Catalog;
use crate::config::{self, Config};
use crate::diagnostics::{codes, Diagnostic, Error, Location, Result};
use crate::frontmatter::{self, FrontMatter};
use crate::pages::{self, PageSelector};
use crate::protocol::{self, Book, ChapterRef};
use crate::render::{self, MarkdownOptions, Sections, Texts};
use crate::suggest::SlugIndex;
use crate::{catalog, markdown};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Everything loaded before the chapters are read.
#[derive(Debug)]
pub struct Preprocessor {
    /// The settings.
    pub config: Config,
    /// The book root.
    pub root: PathBuf,
    /// `src`, relative to the root (chapter paths in messages start with it).
    pub src_dir: PathBuf,
    /// The catalog.
    pub catalog: Catalog,
    /// The sync-frequency note's text.
    pub sync_note: String,
    selector: PageSelector,
    markdown: MarkdownOptions,
    /// The catalog's slugs, indexed for suggestions (built on the first page without an item).
    slug_index: OnceLock<SlugIndex>,
    /// The cache, unless `cache = false` (or there is no cache folder).
    pub cache: Option<Cache>,
}

/// What happened to one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not a destination page (front matter, if any, stripped).
    NotDestination,
    /// A destination page that asked for nothing (`hide-boilerplate`).
    Hidden,
    /// A destination page whose slug has no catalog item (or that has no slug).
    NoItem {
        /// The slug looked up, if there was one.
        slug: Option<String>,
    },
    /// A destination page that got its sections (possibly none, by its flags).
    Rendered {
        /// The catalog item's position in the file.
        item: usize,
        /// Rows written to its settings table.
        rows: usize,
    },
}

impl Preprocessor {
    /// Loads the configuration, the catalog and the sync note for the book at `root`
    /// (`book_config`: mdBook's configuration as JSON). Returns warnings about them.
    pub fn new(root: &Path, book_config: &serde_json::Value) -> Result<(Self, Vec<Diagnostic>)> {
        let (config, warnings) = Config::from_book_config(book_config)?;
        let selector = PageSelector::new(&config.pages)?;
        let key = if config.catalog_configured {
            "key `catalog` in [preprocessor.destinations]".to_string()
        } else {
            format!(
                "`catalog` is not set; the default is `{}`",
                config::DEFAULT_CATALOG
            )
        };
        let src_dir = PathBuf::from(
            book_config
                .get("book")
                .and_then(|b| b.get("src"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or("src"),
        );
        let build_dir = book_config
            .get("build")
            .and_then(|b| b.get("build-dir"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("book");
        let cache_dir = cache::dir_for(&config, root, &src_dir, Path::new(build_dir))?;
        let (catalog, cache) = cache::load_catalog(
            &root.join(&config.catalog),
            &config.catalog,
            &key,
            cache_dir.as_deref(),
        )?;
        let sync_note = match &config.sync_note {
            Some(path) => std::fs::read_to_string(root.join(path)).map_err(|e| {
                Error::new(
                    codes::UNREADABLE_FILE,
                    format!(
                        "cannot read the sync note (key `sync-note` in [preprocessor.destinations]) at {}: {}",
                        root.join(path).display(),
                        catalog::io_reason(&e)
                    ),
                )
                .in_file(path)
            })?,
            None => render::texts::DEFAULT_SYNC_NOTE.to_string(),
        };
        let markdown = MarkdownOptions {
            smart_punctuation: config.smart_punctuation,
        };
        Ok((
            Preprocessor {
                config,
                root: root.to_path_buf(),
                src_dir,
                catalog,
                sync_note,
                selector,
                markdown,
                slug_index: OnceLock::new(),
                cache,
            },
            warnings,
        ))
    }

    /// The texts the sections are written with.
    pub fn texts(&self) -> Texts<'_> {
        Texts {
            sync_note: &self.sync_note,
            ..Texts::default()
        }
    }

    /// A chapter's path as messages show it: `src/destinations/acme/index.md`.
    pub fn chapter_display(&self, chapter: &ChapterRef<'_>) -> PathBuf {
        match chapter.source_path {
            Some(p) => self.src_dir.join(p),
            None => PathBuf::from(format!("chapter \"{}\"", chapter.name)),
        }
    }

    /// Strips the chapter's front matter and, on a destination page, appends its sections.
    pub fn process_chapter(
        &self,
        chapter: ChapterRef<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Outcome> {
        let display = self.chapter_display(&chapter);
        let parsed = frontmatter::parse(chapter.content, &display)?;
        let body_start = parsed.body_start();
        let front = parsed.front;
        let (outcome, footer) = self.footer_for(chapter.source_path, &front, &display, diagnostics);
        let content = chapter.content;
        if footer.is_empty() {
            if body_start > 0 {
                content.drain(..body_start);
            }
            return Ok(outcome);
        }
        let body = &content[body_start..];
        let mut out = String::with_capacity(body.len() + footer.len() + 8);
        out.push_str(body);
        if !out.is_empty() {
            if !out.ends_with('\n') {
                out.push('\n');
            }
            if let Some(close) = markdown::closing_for(body) {
                out.push_str(&close);
                out.push('\n');
            }
        }
        out.push_str(&footer);
        *content = out;
        Ok(outcome)
    }

    fn footer_for(
        &self,
        source_path: Option<&str>,
        front: &FrontMatter,
        display: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Outcome, String) {
        if !self.selector.is_destination(source_path, front) {
            return (Outcome::NotDestination, String::new());
        }
        if front.hide_boilerplate {
            return (Outcome::Hidden, String::new());
        }
        let slug = pages::slug(source_path, front);
        let Some(dest) = slug.as_deref().and_then(|s| self.catalog.get(s)) else {
            diagnostics.push(self.no_item_warning(slug.as_deref(), front, display));
            return (Outcome::NoItem { slug }, String::new());
        };
        let sections = Sections::for_page(dest, front);
        let footer = render::footer(dest, sections, &self.texts(), self.markdown);
        let rows = if sections.settings {
            dest.settings
                .iter()
                .filter(|s| !s.deprecated.is_true())
                .count()
        } else {
            0
        };
        (
            Outcome::Rendered {
                item: dest.index,
                rows,
            },
            footer,
        )
    }

    fn no_item_warning(
        &self,
        slug: Option<&str>,
        front: &FrontMatter,
        display: &Path,
    ) -> Diagnostic {
        let Some(slug) = slug else {
            return Diagnostic::warning(
                codes::NO_CATALOG_ITEM,
                "destination page has no slug (its path has no folder or file name to take one from)",
            )
            .in_file(display)
            .with_help("set `slug:` in its front matter to the catalog item's slug");
        };
        let d = Diagnostic::warning(
            codes::NO_CATALOG_ITEM,
            format!(
                "destination page has no catalog item for slug `{slug}` in {}; it gets no generated sections",
                self.catalog.display_path.display()
            ),
        )
        .at(Location::file(display));
        let by_id = front
            .id
            .as_deref()
            .and_then(|id| self.catalog.find_by_id(id).next());
        if let Some(item) = by_id {
            return d.with_help(format!(
                "the catalog item with this page's id `{}` has slug `{}`: set `slug: {}` in the front matter",
                item.id.as_deref().unwrap_or_default(),
                item.slug,
                item.slug
            ));
        }
        let index = self
            .slug_index
            .get_or_init(|| SlugIndex::new(self.catalog.items.iter().map(|d| d.slug.as_str())));
        let near = index.nearest(slug);
        match near.as_slice() {
            [] => d,
            [one] => d.with_help(format!("the nearest slug in the catalog is `{one}`")),
            many => d.with_help(format!(
                "the nearest slugs in the catalog are {}",
                many.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Runs over the whole book; returns the diagnostics (warnings, or errors when strict).
    /// Chapters unchanged since the last run take their result from the cache.
    pub fn run(&self, book: &mut Book) -> Result<Vec<Diagnostic>> {
        match &self.cache {
            Some(cache) => cache::run_cached(self, cache, book),
            None => self.run_uncached(book),
        }
    }

    /// [`Preprocessor::run`] without the cache: every chapter is processed.
    pub fn run_uncached(&self, book: &mut Book) -> Result<Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        book.for_each_chapter_mut(|chapter| {
            if let Some(chapter) = protocol::chapter_ref(chapter) {
                self.process_chapter(chapter, &mut diagnostics)?;
            }
            Ok(())
        })?;
        Ok(diagnostics)
    }
}

/// Up to three slugs within a small edit distance of `slug`, nearest first.
pub fn nearest_slugs<'a>(slug: &str, slugs: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (slug.chars().count() / 3).clamp(1, 6);
    let mut scored: Vec<(usize, &str)> = slugs
        .map(|s| (strsim::levenshtein(slug, s), s))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, s)| s).collect()
}

/// The result of a protocol run: the book to write back and what to tell the user.
#[derive(Debug)]
pub struct Run {
    /// The processed book.
    pub book: Book,
    /// Warnings (the run succeeded).
    pub diagnostics: Vec<Diagnostic>,
}

/// A failed run: the error, and the warnings that came before it.
#[derive(Debug)]
pub struct Failure {
    /// The warnings collected before the error (to print first).
    pub diagnostics: Vec<Diagnostic>,
    /// What stopped the run.
    pub error: Error,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            diagnostics: Vec::new(),
            error,
        }
    }
}

/// The whole preprocessor on the protocol's input bytes.
pub fn run_protocol(input: &[u8]) -> std::result::Result<Run, Failure> {
    let (context, mut book) = protocol::parse_input(input)?;
    let mut diagnostics: Vec<Diagnostic> = context.version_warning().into_iter().collect();
    // A rebuild where nothing changed: every chapter's result comes from the cache.
    let strict = if let Some(replayed) = cache::replay(&context, &mut book) {
        diagnostics.extend(replayed.diagnostics);
        replayed.strict
    } else {
        let (pre, warnings) =
            Preprocessor::new(&context.root, &context.config).map_err(|error| Failure {
                diagnostics: diagnostics.clone(),
                error,
            })?;
        diagnostics.extend(warnings);
        match pre.run(&mut book) {
            Ok(more) => diagnostics.extend(more),
            Err(error) => return Err(Failure { diagnostics, error }),
        }
        pre.config.strict
    };
    if strict && !diagnostics.is_empty() {
        let n = diagnostics.len();
        return Err(Failure {
            diagnostics: diagnostics.into_iter().map(Diagnostic::promoted).collect(),
            error: Error::new(
                codes::STRICT,
                format!(
                    "{n} warning{} with `strict = true` in [preprocessor.destinations]",
                    if n == 1 { "" } else { "s" }
                ),
            )
            .in_file("book.toml"),
        });
    }
    Ok(Run { book, diagnostics })
}
