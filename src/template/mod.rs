//! Liquid partials and whole-footer templates, rendered with the `liquid` crate the way
//! Jekyll renders them.
//!
//! - The parser has Liquid's standard library, the crate's Jekyll filters and
//!   `{% include %}`, and a few overrides so that Jekyll's behaviour holds: `slugify` is
//!   this tool's (the same function that makes the table's anchors), and `split` drops
//!   trailing empty strings as Ruby does (`page.url | split: "/" | last` is the slug).
//! - Variables are lax, as in Jekyll: an unknown top-level variable is nil, and every
//!   mapping in the data has every key the sources mention, nil when it is missing
//!   (`item.deprecated` on a setting without that key). The `liquid` crate itself errors
//!   on unknown variables.
//! - An element with kramdown's `markdown="span"` attribute has its content rendered as
//!   inline markdown by [`crate::render::description`], and loses the attribute.
//! - `{% include NAME %}` reads `NAME` from the includes folder; the configured sync note
//!   is also available as `content/sync-frequency-note.md` (the seed's name for it) and
//!   under its own file name.

use crate::catalog::Data;
use crate::diagnostics::{codes, Error, Location, Result};
use crate::render::description::MarkdownOptions;
use liquid::model::Value;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

mod blocks;
mod filters;
mod lax;
mod prepare;

use blocks::{ConditionalBlock, MarkdownSpanBlock};
pub use filters::{ruby_split, slugify_mode};
use filters::{SlugifyFilterParser, SplitFilterParser};
use lax::to_value;
pub use lax::{site_value, Globals};
use prepare::{keys_read, Source, INCLUDE};

/// The name under which the seed includes the sync note.
pub const SYNC_NOTE_INCLUDE: &str = "content/sync-frequency-note.md";
/// Whether a text holds Liquid markup at all.
pub fn has_liquid(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// A compiled partial or template.
pub struct Compiled {
    source: Source,
    template: liquid::Template,
    /// Whether it reads `site` (then the whole catalog must be built).
    pub reads_site: bool,
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compiled")
            .field("file", &self.source.display)
            .finish()
    }
}

/// The Liquid engine of one run: its parser, the includes it found, and the keys its
/// sources read.
pub struct Engine {
    parser: liquid::Parser,
    includes: BTreeMap<String, Source>,
    keys: BTreeSet<String>,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("includes", &self.includes.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Where `{% include %}` looks.
#[derive(Debug, Clone, Default)]
pub struct IncludeDirs {
    /// The includes folder (resolved) and its name for messages.
    pub dir: Option<(PathBuf, PathBuf)>,
    /// Extra names for files: (name, resolved path, display path).
    pub aliases: Vec<(String, PathBuf, PathBuf)>,
    /// Includes that are built-in texts: (name, text).
    pub texts: Vec<(String, String)>,
}

impl Engine {
    /// Prepares an engine for these sources (each: resolved path, display path), loading
    /// every include they name (recursively) from `includes`.
    pub fn new(
        sources: &[(PathBuf, PathBuf)],
        includes: &IncludeDirs,
        markdown: MarkdownOptions,
    ) -> Result<(Engine, Vec<Compiled>)> {
        let mut loaded = Vec::new();
        for (path, display) in sources {
            loaded.push(Source::new(display.clone(), read(path, display)?));
        }
        let mut found: BTreeMap<String, Source> = BTreeMap::new();
        let mut queue: Vec<(String, PathBuf)> = Vec::new();
        for s in &loaded {
            queue.extend(
                include_names(&s.original)
                    .into_iter()
                    .map(|n| (n, s.display.clone())),
            );
        }
        while let Some((name, from)) = queue.pop() {
            if found.contains_key(&name) {
                continue;
            }
            let (text, display) = match resolve_include(&name, includes) {
                Some((path, display)) => {
                    let text = read(&path, &display).map_err(|e| {
                        let d = e.diagnostic();
                        Error::new(
                            codes::UNREADABLE_FILE,
                            format!("{} (included from {})", d.message, from.display()),
                        )
                        .in_file(&display)
                    })?;
                    (text, display)
                }
                None => match includes.texts.iter().find(|(n, _)| *n == name) {
                    Some((_, text)) => (text.clone(), PathBuf::from(format!("<built-in {name}>"))),
                    // Reported when rendered, with the file that asks for it.
                    None => continue,
                },
            };
            queue.extend(
                include_names(&text)
                    .into_iter()
                    .map(|n| (n, display.clone())),
            );
            found.insert(name, Source::new(display, text));
        }
        let mut keys = BTreeSet::new();
        for s in loaded.iter().chain(found.values()) {
            keys_read(&s.original, &mut keys);
        }
        let mut partials = liquid::partials::InMemorySource::new();
        for (name, s) in &found {
            // liquid-lib's Jekyll include tag looks a quoted name up with its quotes.
            for key in [name.clone(), format!("\"{name}\""), format!("'{name}'")] {
                partials.add(key, s.prepared.clone());
            }
        }
        let parser = liquid::ParserBuilder::with_stdlib()
            .tag(liquid_lib::jekyll::IncludeTag)
            .filter(liquid_lib::jekyll::Sort)
            .filter(liquid_lib::jekyll::Push)
            .filter(liquid_lib::jekyll::Pop)
            .filter(liquid_lib::jekyll::Shift)
            .filter(liquid_lib::jekyll::Unshift)
            .filter(liquid_lib::jekyll::ArrayToSentenceString)
            .filter(SlugifyFilterParser)
            .filter(SplitFilterParser)
            .block(MarkdownSpanBlock { markdown })
            .block(ConditionalBlock { unless: false })
            .block(ConditionalBlock { unless: true })
            .partials(liquid::partials::EagerCompiler::new(partials))
            .build()
            .map_err(|e| {
                // An include that does not parse: find which one.
                let bad = found
                    .values()
                    .find(|s| parse_alone(&s.prepared, markdown).is_err());
                match bad {
                    Some(s) => liquid_error(s, &e, "does not parse"),
                    None => Error::new(codes::TEMPLATE, format!("Liquid: {e}")),
                }
            })?;
        let engine = Engine {
            parser,
            includes: found,
            keys,
        };
        let compiled = loaded
            .into_iter()
            .map(|s| engine.compile(s))
            .collect::<Result<Vec<_>>>()?;
        Ok((engine, compiled))
    }

    fn compile(&self, source: Source) -> Result<Compiled> {
        let template = self
            .parser
            .parse(&source.prepared)
            .map_err(|e| liquid_error(&source, &e, "does not parse"))?;
        let reads_site = source.original.contains("site")
            || self.includes.values().any(|s| s.original.contains("site"));
        Ok(Compiled {
            source,
            template,
            reads_site,
        })
    }

    /// Converts data to a Liquid value, with every key the sources read present in every
    /// record (nil when missing).
    pub fn value(&self, data: &Data) -> Value {
        to_value(data, &self.keys, false)
    }

    /// As [`Engine::value`], keeping in records only the keys the sources read (for
    /// `site`, which Liquid copies whenever a template names it).
    pub fn pruned_value(&self, data: &Data) -> Value {
        to_value(data, &self.keys, true)
    }

    /// Renders a compiled source with `page`, `destination` and `site` (any of which may
    /// be nil).
    pub fn render(
        &self,
        compiled: &Compiled,
        globals: &Globals<'_>,
        page_display: &Path,
    ) -> Result<String> {
        compiled.template.render(globals).map_err(|e| {
            let mut err = liquid_error(&compiled.source, &e, "failed");
            err = err.with_help(format!("while rendering it for {}", page_display.display()));
            err
        })
    }
}

fn parse_alone(text: &str, markdown: MarkdownOptions) -> std::result::Result<(), liquid::Error> {
    liquid::ParserBuilder::with_stdlib()
        .tag(liquid_lib::jekyll::IncludeTag)
        .filter(SlugifyFilterParser)
        .filter(SplitFilterParser)
        .block(MarkdownSpanBlock { markdown })
        .block(ConditionalBlock { unless: false })
        .block(ConditionalBlock { unless: true })
        .build()?
        .parse(text)
        .map(|_| ())
}

fn read(path: &Path, display: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            codes::UNREADABLE_FILE,
            format!(
                "cannot read {}: {}",
                path.display(),
                crate::catalog::io_reason(&e)
            ),
        )
        .in_file(display)
    })
}

fn include_names(text: &str) -> Vec<String> {
    INCLUDE
        .captures_iter(text)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
        .map(|m| m.as_str().to_string())
        .filter(|n| !n.contains("{{"))
        .collect()
}

fn resolve_include(name: &str, includes: &IncludeDirs) -> Option<(PathBuf, PathBuf)> {
    if let Some((dir, display)) = &includes.dir {
        let rel = Path::new(name);
        let safe = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if safe && dir.join(rel).is_file() {
            return Some((dir.join(rel), display.join(rel)));
        }
    }
    includes
        .aliases
        .iter()
        .find(|(alias, _, _)| alias == name)
        .map(|(_, path, display)| (path.clone(), display.clone()))
}

static LIQUID_POSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-->\s*(\d+):(\d+)").expect("a valid regex"));

static UNKNOWN_FILTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"requested filter=(\S+)").expect("a valid regex"));

static FROM_TRACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"from: (\{[%{].*?[%}]\})").expect("a valid regex"));

/// A Liquid error as a diagnostic at the file, line and column it is about.
fn liquid_error(source: &Source, e: &liquid::Error, what: &str) -> Error {
    let text = e.to_string();
    let first = text
        .lines()
        .map(|l| l.trim_start_matches("liquid:").trim())
        .find(|l| !l.is_empty() && !l.starts_with("-->"))
        .unwrap_or("error")
        .to_string();
    let mut message = first.clone();
    let position = if let Some(c) = LIQUID_POSITION.captures(&text) {
        let line: usize = c[1].parse().unwrap_or(1);
        let col: usize = c[2].parse().unwrap_or(1);
        // pest's "expected …" is on a later line.
        if let Some(expected) = text.lines().find(|l| l.trim_start().starts_with("= ")) {
            message = expected.trim_start().trim_start_matches("= ").to_string();
        }
        Some(source.original_position(line, col))
    } else if let Some(c) = UNKNOWN_FILTER.captures(&text) {
        message = format!("unknown filter `{}`", &c[1]);
        let re = Regex::new(&format!(r"\|\s*{}\b", regex::escape(&c[1]))).expect("escaped");
        re.find(&source.original)
            .map(|m| crate::catalog::line_col(source.original.as_bytes(), m.start() + 1))
    } else if let Some(c) = FROM_TRACE.captures(&text) {
        let detail: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.trim_start().starts_with("requested") || l.trim_start().starts_with("variable=")
            })
            .map(str::trim)
            .collect();
        if !detail.is_empty() {
            message = format!("{first} ({})", detail.join(", "));
        }
        find_markup(&source.original, &c[1])
    } else {
        None
    };
    let loc = match position {
        Some((l, c)) => Location::at(&source.display, l, c).with_source(&source.original, 1),
        None => Location::file(&source.display),
    };
    Error::new(
        codes::TEMPLATE,
        format!("Liquid template {what}: {message}"),
    )
    .at(loc)
}

/// Finds a tag liquid printed in a trace (`{% if page["x"] == true %}`) in the source,
/// by its first word after the tag name.
fn find_markup(source: &str, trace: &str) -> Option<(usize, usize)> {
    let inner = trace
        .trim_start_matches(['{', '%', ' '])
        .trim_end_matches(['}', '%', ' ']);
    let words: Vec<&str> = inner.split_whitespace().take(2).collect();
    let pattern = format!(
        r"\{{[{{%]-?\s*{}",
        words
            .iter()
            .map(|w| regex::escape(&w.split('[').next().unwrap_or(w).replace('"', "")))
            .collect::<Vec<_>>()
            .join(r"\s+")
    );
    let re = Regex::new(&pattern).ok()?;
    re.find(source)
        .map(|m| crate::catalog::line_col(source.as_bytes(), m.start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_for(
        template: &str,
        includes: &[(&str, &str)],
    ) -> (Engine, Vec<Compiled>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.liquid"), template).unwrap();
        let inc = dir.path().join("includes");
        for (name, text) in includes {
            let p = inc.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let dirs = IncludeDirs {
            dir: Some((inc, PathBuf::from("includes"))),
            ..IncludeDirs::default()
        };
        let (e, c) = Engine::new(
            &[(dir.path().join("t.liquid"), PathBuf::from("t.liquid"))],
            &dirs,
            MarkdownOptions::default(),
        )
        .unwrap();
        (e, c, dir)
    }

    fn render(template: &str, includes: &[(&str, &str)], page: Data) -> String {
        let (e, c, _dir) = engine_for(template, includes);
        let site = site_value(Value::Array(vec![]));
        let globals = Globals {
            page: e.value(&page),
            destination: Value::Nil,
            site: &site,
        };
        e.render(&c[0], &globals, Path::new("p.md")).unwrap()
    }

    fn page(entries: &[(&str, Data)]) -> Data {
        Data::Map(
            entries
                .iter()
                .map(|(k, v)| (Data::Str((*k).into()), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn bare_include_names_and_nested_includes() {
        let out = render(
            "A{% include content/note.md %}B",
            &[
                ("content/note.md", "[{% include inner %}]"),
                ("inner", "in {{ page.title }}"),
            ],
            page(&[("title", Data::Str("T".into()))]),
        );
        assert_eq!(out, "A[in T]B");
    }
}
