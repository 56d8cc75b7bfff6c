//! The run: configuration, catalog and sync note loaded once, then every chapter's front
//! matter stripped and every destination page given its sections.

use crate::cache::{self, Cache};
use crate::catalog::Catalog;
use crate::catalog::Destination;
use crate::config::{self, Config};
use crate::diagnostics::{codes, Diagnostic, Error, Location, Result, Severity};
use crate::frontmatter::Parsed;
use crate::frontmatter::{self, FrontMatter};
use crate::markdown;
use crate::pages::{self, PageSelector};
use crate::partials::{PageInfo, Words};
use crate::protocol::{ChapterBook, ChapterRef, RawBook};
use crate::render::{MarkdownOptions, Sections};
use crate::source_map::{Seg, YamlPath};
use crate::suggest::SlugIndex;
use std::borrow::Cow;
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
    /// The words around the sections, partials and template.
    pub words: Words,
    selector: PageSelector,
    /// The catalog's slugs, indexed for suggestions (built on the first page without an item).
    slug_index: OnceLock<SlugIndex>,
    /// The catalog cache, unless `cache = false` (or there is no cache folder).
    pub cache: Option<Cache>,
    /// A hash of mdBook's whole configuration (part of the chapter cache's key).
    config_hash: [u8; 16],
}

/// What happened to one chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not a destination page (front matter, if any, stripped).
    NotDestination,
    /// A destination page that asked for nothing (`hide-boilerplate`).
    Hidden {
        /// Its catalog item, if its slug has one.
        item: Option<usize>,
    },
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
        let markdown = MarkdownOptions {
            smart_punctuation: config.smart_punctuation,
        };
        let words = Words::load(&config, root, &catalog, markdown)?;
        Ok((
            Preprocessor {
                config,
                root: root.to_path_buf(),
                src_dir,
                catalog,
                words,
                selector,
                slug_index: OnceLock::new(),
                cache,
                config_hash: xxhash_rust::xxh3::xxh3_128(
                    &serde_json::to_vec(book_config).unwrap_or_default(),
                )
                .to_le_bytes(),
            },
            warnings,
        ))
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
        self.process(chapter, diagnostics)
            .map(|(outcome, _)| outcome)
    }

    /// [`Preprocessor::process_chapter`], also giving where the chapter's own content
    /// started (its front matter's length).
    fn process(
        &self,
        chapter: ChapterRef<'_>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(Outcome, usize)> {
        let display = self.chapter_display(&chapter);
        let parsed = frontmatter::parse(chapter.content, &display)?;
        let body_start = parsed.body_start();
        let (outcome, footer) = self.footer_for(
            chapter.name,
            chapter.source_path,
            &parsed,
            &display,
            diagnostics,
        )?;
        let content = chapter.content;
        if footer.is_empty() {
            if body_start > 0 {
                content.drain(..body_start);
            }
            return Ok((outcome, body_start));
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
        Ok((outcome, body_start))
    }

    fn footer_for(
        &self,
        name: &str,
        source_path: Option<&str>,
        parsed: &Parsed<'_>,
        display: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<(Outcome, String)> {
        let front = &parsed.front;
        if !self.selector.is_destination(source_path, front) {
            return Ok((Outcome::NotDestination, String::new()));
        }
        diagnostics.extend(misspelled_flags(parsed, display));
        let slug = pages::slug(source_path, front);
        let dest = slug.as_deref().and_then(|s| self.catalog.get(s));
        if front.hide_boilerplate {
            return Ok((
                Outcome::Hidden {
                    item: dest.map(|d| d.index),
                },
                String::new(),
            ));
        }
        if dest.is_none() {
            diagnostics.push(self.no_item_warning(slug.as_deref(), front, display));
        }
        let page = PageInfo {
            front,
            name,
            source_path,
            slug: slug.as_deref(),
            display,
        };
        let sections = dest
            .map(|d| Sections::for_page(d, front))
            .unwrap_or_default();
        // Without a template, a page without item gets nothing; a template decides itself.
        let footer = if dest.is_some() || self.words.has_template() {
            self.words.footer(&page, dest, sections)?
        } else {
            String::new()
        };
        let Some(dest) = dest else {
            return Ok((Outcome::NoItem { slug }, footer));
        };
        let rows = if sections.settings {
            dest.settings
                .iter()
                .filter(|s| !s.deprecated.is_true())
                .count()
        } else {
            0
        };
        Ok((
            Outcome::Rendered {
                item: dest.index,
                rows,
            },
            footer,
        ))
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
            .and_then(|id| self.catalog.get_by_id(id));
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

    /// Runs over the whole book: the catalog's own findings, then every chapter (an error
    /// in one chapter is recorded and the others are still read, so that every problem is
    /// reported at once), then the catalog items no page used.
    pub fn run(&self, book: &mut dyn ChapterBook, unused: Unused) -> Report {
        let mut report = Report {
            diagnostics: self.catalog.diagnostics(),
            stats: Stats {
                items: self.catalog.items.len(),
                ..Stats::default()
            },
        };
        let mut used = vec![false; self.catalog.items.len()];
        let mut pages = self.chapter_cache(book.keying());
        let walked = book.for_each_chapter(&mut |slot| {
            report.stats.chapters += 1;
            let key = pages.as_ref().map(|_| slot.key());
            if let (Some(pages), Some(key)) = (pages.as_mut(), key) {
                if let Some(done) = pages.take(key) {
                    if self.fits(&done) && slot.splice(done.body_start, &done.suffix) {
                        report.diagnostics.extend(done.diagnostics.iter().cloned());
                        report.stats.count(&done.outcome, &mut used);
                        pages.keep(key, done, true);
                        return Ok(());
                    }
                }
            }
            let name = slot.name().into_owned();
            let source_path = slot.source_path().map(Cow::into_owned);
            let mut content = slot.content()?.into_owned();
            let before = content.len();
            let mark = report.diagnostics.len();
            let chapter = ChapterRef {
                name: &name,
                source_path: source_path.as_deref(),
                content: &mut content,
            };
            match self.process(chapter, &mut report.diagnostics) {
                Ok((outcome, body_start)) => {
                    report.stats.count(&outcome, &mut used);
                    // What the chapter is now: its own content from `body_start` on, then
                    // what was appended.
                    let suffix = &content[before - body_start..];
                    slot.splice(body_start, suffix);
                    if let (Some(pages), Some(key)) = (pages.as_mut(), key) {
                        let done = cache::Done {
                            body_start,
                            suffix: suffix.to_string(),
                            diagnostics: report.diagnostics[mark..].to_vec(),
                            outcome,
                        };
                        pages.keep(key, done, false);
                    }
                }
                Err(e) => report.diagnostics.push(*e.0),
            }
            Ok(())
        });
        if let Err(e) = walked {
            report.diagnostics.push(*e.0);
        }
        if let Some(pages) = pages {
            pages.save();
        }
        let unused_items: Vec<&Destination> = self
            .catalog
            .items
            .iter()
            // A repeated slug is reported as such (W103), not as a missing page.
            .filter(|d| {
                !used[d.index]
                    && self
                        .catalog
                        .get(&d.slug)
                        .is_some_and(|first| first.index == d.index)
            })
            .collect();
        report.stats.unused_items = unused_items.len();
        report
            .diagnostics
            .extend(self.unused_diagnostics(&unused_items, unused));
        if self.config.strict {
            report.diagnostics = std::mem::take(&mut report.diagnostics)
                .into_iter()
                .map(Diagnostic::promoted)
                .collect();
        }
        report
    }

    /// The chapter cache of this book, when the cache is on and the sections are written
    /// from plain texts (no Liquid).
    fn chapter_cache(&self, keying: &str) -> Option<cache::Pages> {
        let cache = self.cache.as_ref()?;
        let texts = self.words.plain_fingerprint()?;
        let key = cache::book_key(&cache.catalog_key, &self.config_hash, &self.root, texts);
        Some(cache::Pages::open(cache, &self.root, keying, key))
    }

    /// Whether a stored result fits this catalog (the item it names is there).
    fn fits(&self, done: &cache::Done) -> bool {
        match &done.outcome {
            Outcome::Rendered { item, .. } | Outcome::Hidden { item: Some(item) } => {
                *item < self.catalog.items.len()
            }
            _ => true,
        }
    }

    fn unused_diagnostics(&self, unused: &[&Destination], mode: Unused) -> Vec<Diagnostic> {
        if unused.is_empty() {
            return Vec::new();
        }
        let catalog = self.catalog.display_path.display();
        match mode {
            Unused::Summary => {
                let shown: Vec<String> = unused
                    .iter()
                    .take(3)
                    .map(|d| format!("`{}`", d.slug))
                    .collect();
                let more = if unused.len() > 3 { ", …" } else { "" };
                let n = unused.len();
                vec![Diagnostic::warning(
                    codes::UNUSED_ITEM,
                    format!(
                        "{n} catalog item{} in {catalog} ha{} no destination page: {}{more}",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "s" } else { "ve" },
                        shown.join(", ")
                    ),
                )
                .in_file(&self.catalog.display_path)
                .with_help("run `mdbook-destinations check` to list them with their lines")]
            }
            Unused::List => {
                let paths: Vec<YamlPath> = unused
                    .iter()
                    .map(|d| vec![Seg::Index(d.index), Seg::Key("slug".into())])
                    .collect();
                let locations = self.catalog.locate(&paths);
                unused
                    .iter()
                    .zip(locations)
                    .map(|(d, loc)| {
                        Diagnostic::warning(
                            codes::UNUSED_ITEM,
                            format!("catalog item `{}` has no destination page", d.slug),
                        )
                        .at(loc.unwrap_or_else(|| Location::file(&self.catalog.display_path)))
                        .with_help(format!(
                            "add a page whose slug is `{}` (a folder `{}/` with an `index.md` under a `pages` glob, or `slug: {}` in a page's front matter), or remove the item",
                            d.slug, d.slug, d.slug
                        ))
                    })
                    .collect()
            }
        }
    }
}

/// How catalog items without a page are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unused {
    /// One line (builds).
    Summary,
    /// One diagnostic per item, at its line (`check`).
    List,
}

/// Counts for a run, as `check` prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Chapters read (drafts excluded).
    pub chapters: usize,
    /// Chapters that are destination pages.
    pub destination_pages: usize,
    /// Destination pages that got their sections.
    pub rendered: usize,
    /// Destination pages with `hide-boilerplate: true`.
    pub hidden: usize,
    /// Destination pages whose slug has no catalog item.
    pub without_item: usize,
    /// Catalog items.
    pub items: usize,
    /// Catalog items that no destination page uses.
    pub unused_items: usize,
    /// Settings rows written.
    pub rows: usize,
}

impl Stats {
    fn count(&mut self, outcome: &Outcome, used: &mut [bool]) {
        match outcome {
            Outcome::NotDestination => return,
            Outcome::Hidden { item } => {
                self.hidden += 1;
                if let Some(i) = item {
                    used[*i] = true;
                }
            }
            Outcome::NoItem { .. } => self.without_item += 1,
            Outcome::Rendered { item, rows } => {
                self.rendered += 1;
                self.rows += rows;
                used[*item] = true;
            }
        }
        self.destination_pages += 1;
    }
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every diagnostic, in order: the catalog's, the chapters', the unused items.
    pub diagnostics: Vec<Diagnostic>,
    /// The counts.
    pub stats: Stats,
}

impl Report {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// Unknown front matter keys that look like a known flag (`hide_settings`,
/// `hidePersonasPartial`, `hide-setting`), each at its line.
fn misspelled_flags(parsed: &Parsed<'_>, chapter: &Path) -> Vec<Diagnostic> {
    parsed
        .front
        .entries
        .iter()
        .filter(|(key, _)| !frontmatter::KNOWN_KEYS.contains(&key.as_str()))
        .filter_map(|(key, _)| {
            let flag = config::nearest(key, frontmatter::FLAGS.iter().copied())?;
            Some(
                Diagnostic::warning(
                    codes::UNKNOWN_FLAG,
                    format!("unknown front matter key `{key}` is ignored"),
                )
                .at(parsed.key_location(chapter, key))
                .with_help(format!("did you mean `{flag}`?")),
            )
        })
        .collect()
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
pub struct Run<'a> {
    /// The processed book (borrowing the input's text).
    pub book: RawBook<'a>,
    /// Warnings (the run succeeded).
    pub diagnostics: Vec<Diagnostic>,
}

/// A failed run: every diagnostic, errors among them, in order.
#[derive(Debug)]
pub struct Failure {
    /// What to print, in order.
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            diagnostics: vec![*error.0],
        }
    }
}

/// The whole preprocessor on the protocol's input bytes.
pub fn run_protocol(input: &[u8]) -> std::result::Result<Run<'_>, Failure> {
    let (context, mut book) = RawBook::parse(input)?;
    let mut diagnostics: Vec<Diagnostic> = context.version_warning().into_iter().collect();
    let (pre, warnings) = match Preprocessor::new(&context.root, &context.config) {
        Ok(loaded) => loaded,
        Err(error) => {
            diagnostics.push(*error.0);
            return Err(Failure { diagnostics });
        }
    };
    diagnostics.extend(warnings);
    if pre.config.strict {
        diagnostics = diagnostics.into_iter().map(Diagnostic::promoted).collect();
    }
    let report = pre.run(&mut book, Unused::Summary);
    diagnostics.extend(report.diagnostics);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors == 0 {
        return Ok(Run { book, diagnostics });
    }
    if pre.config.strict && diagnostics.iter().any(|d| d.code.starts_with('W')) {
        diagnostics.push(
            Diagnostic::error(
                codes::STRICT,
                "warnings are errors with `strict = true` in [preprocessor.destinations]",
            )
            .in_file("book.toml"),
        );
    }
    Err(Failure { diagnostics })
}
