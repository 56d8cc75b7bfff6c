//! The words around the generated sections, as a book configures them: headings and the
//! Settings intro from `book.toml`, the Personas paragraphs and the sync note from
//! partials (plain text, or Liquid rendered for each page), or a whole-footer Liquid
//! `template` that replaces the built-in sections.

use crate::catalog::{Catalog, Data, Destination};
use crate::config::Config;
use crate::diagnostics::{codes, Error, Result};
use crate::frontmatter::FrontMatter;
use crate::render::{self, texts, MarkdownOptions, Sections, Texts};
use crate::template::{self, Compiled, Engine, Globals, IncludeDirs};
use liquid::model::Value;
use std::path::{Path, PathBuf};

/// A partial: its text, or a Liquid template to render for each page.
#[derive(Debug)]
enum Part {
    Static(String),
    Liquid(usize),
}

/// What the Liquid sources of a book need: the engine, the compiled sources, and the
/// catalog as Liquid values.
#[derive(Debug)]
struct LiquidState {
    engine: Engine,
    compiled: Vec<Compiled>,
    /// The catalog's items, every field (`destination` is one of them).
    items: Vec<Data>,
    /// `site.data.catalog.destinations.items`.
    site: Value,
}

/// The book's words and templates.
#[derive(Debug)]
pub struct Words {
    personas_heading: String,
    settings_heading: String,
    settings_intro: String,
    personas_text: Part,
    sync_note: Part,
    template: Option<usize>,
    liquid: Option<LiquidState>,
    markdown: MarkdownOptions,
}

/// The page being rendered, for Liquid's `page`.
#[derive(Debug, Clone, Copy)]
pub struct PageInfo<'a> {
    /// Its front matter.
    pub front: &'a FrontMatter,
    /// The chapter's name in SUMMARY.md (the title when front matter has none).
    pub name: &'a str,
    /// Its source path, relative to `src/`.
    pub source_path: Option<&'a str>,
    /// Its slug.
    pub slug: Option<&'a str>,
    /// Its path as messages show it.
    pub display: &'a Path,
}

impl Words {
    /// Reads the configured texts, partials and template.
    pub fn load(
        config: &Config,
        root: &Path,
        catalog: &Catalog,
        markdown: MarkdownOptions,
    ) -> Result<Words> {
        let mut liquid_sources: Vec<(PathBuf, PathBuf)> = Vec::new();
        let mut part = |path: Option<&PathBuf>, key: &str, default: &str| -> Result<Part> {
            let Some(path) = path else {
                return Ok(Part::Static(default.to_string()));
            };
            let text = std::fs::read_to_string(root.join(path)).map_err(|e| {
                Error::new(
                    codes::UNREADABLE_FILE,
                    format!(
                        "cannot read the {key} partial (key `{key}` in [preprocessor.destinations]) at {}: {}",
                        root.join(path).display(),
                        crate::catalog::io_reason(&e)
                    ),
                )
                .in_file(path)
            })?;
            if template::has_liquid(&text) {
                liquid_sources.push((root.join(path), path.clone()));
                Ok(Part::Liquid(liquid_sources.len() - 1))
            } else {
                Ok(Part::Static(text))
            }
        };
        let sync_note = part(
            config.sync_note.as_ref(),
            "sync-note",
            texts::DEFAULT_SYNC_NOTE,
        )?;
        let personas_text = part(
            config.personas_text.as_ref(),
            "personas-text",
            texts::PERSONAS_TEXT,
        )?;
        let template = config.template.as_ref().map(|path| {
            liquid_sources.push((root.join(path), path.clone()));
            liquid_sources.len() - 1
        });
        let liquid = if liquid_sources.is_empty() {
            None
        } else {
            Some(LiquidState::load(
                config,
                root,
                catalog,
                &liquid_sources,
                markdown,
            )?)
        };
        Ok(Words {
            personas_heading: config
                .personas_heading
                .clone()
                .unwrap_or_else(|| texts::PERSONAS_HEADING.into()),
            settings_heading: config
                .settings_heading
                .clone()
                .unwrap_or_else(|| texts::SETTINGS_HEADING.into()),
            settings_intro: config
                .settings_intro
                .clone()
                .unwrap_or_else(|| texts::SETTINGS_INTRO.into()),
            personas_text,
            sync_note,
            template,
            liquid,
            markdown,
        })
    }

    /// Whether a whole-footer template replaces the built-in sections.
    pub fn has_template(&self) -> bool {
        self.template.is_some()
    }

    /// A hash of every word the sections are written with, when they are all plain text;
    /// `None` when Liquid is in use (its output may depend on more than the chapter and
    /// the catalog, so chapters are not cached then).
    pub fn plain_fingerprint(&self) -> Option<u128> {
        if self.liquid.is_some() {
            return None;
        }
        let mut h = xxhash_rust::xxh3::Xxh3Default::new();
        fn part(p: &Part) -> &str {
            match p {
                Part::Static(text) => text,
                Part::Liquid(_) => "",
            }
        }
        for text in [
            self.personas_heading.as_str(),
            self.settings_heading.as_str(),
            self.settings_intro.as_str(),
            part(&self.personas_text),
            part(&self.sync_note),
        ] {
            h.update(&(text.len() as u64).to_le_bytes());
            h.update(text.as_bytes());
        }
        h.update(&[u8::from(self.markdown.smart_punctuation)]);
        Some(h.digest128())
    }

    /// The markdown appended to a destination page: the template's output, or the
    /// built-in sections with the book's words. Empty when there is nothing to add.
    pub fn footer(
        &self,
        page: &PageInfo<'_>,
        dest: Option<&Destination>,
        sections: Sections,
    ) -> Result<String> {
        if let (Some(i), Some(state)) = (self.template, &self.liquid) {
            let out = state.render(i, page, dest)?;
            if out.trim().is_empty() {
                return Ok(String::new());
            }
            let mut footer = String::with_capacity(out.len() + 2);
            footer.push('\n');
            footer.push_str(out.trim_end());
            footer.push('\n');
            return Ok(footer);
        }
        let Some(dest) = dest else {
            return Ok(String::new());
        };
        if !sections.any() {
            return Ok(String::new());
        }
        let personas_text = if sections.personas {
            self.part(&self.personas_text, page, Some(dest))?
        } else {
            String::new()
        };
        let sync_note = if sections.sync_note {
            self.part(&self.sync_note, page, Some(dest))?
        } else {
            String::new()
        };
        let texts = Texts {
            personas_heading: &self.personas_heading,
            personas_text: &personas_text,
            sync_note: &sync_note,
            settings_heading: &self.settings_heading,
            settings_intro: &self.settings_intro,
        };
        Ok(render::footer(dest, sections, &texts, self.markdown))
    }

    fn part(&self, part: &Part, page: &PageInfo<'_>, dest: Option<&Destination>) -> Result<String> {
        match (part, &self.liquid) {
            (Part::Static(text), _) => Ok(text.clone()),
            (Part::Liquid(i), Some(state)) => state.render(*i, page, dest),
            (Part::Liquid(_), None) => Ok(String::new()),
        }
    }
}

impl LiquidState {
    fn load(
        config: &Config,
        root: &Path,
        catalog: &Catalog,
        sources: &[(PathBuf, PathBuf)],
        markdown: MarkdownOptions,
    ) -> Result<LiquidState> {
        let mut includes = IncludeDirs::default();
        let dir = root.join(&config.includes);
        if dir.is_dir() {
            includes.dir = Some((dir, config.includes.clone()));
        }
        // The sync note, under the seed's include name and its own file name.
        match &config.sync_note {
            Some(path) => {
                let resolved = root.join(path);
                includes.aliases.push((
                    template::SYNC_NOTE_INCLUDE.into(),
                    resolved.clone(),
                    path.clone(),
                ));
                if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                    includes
                        .aliases
                        .push((name.to_string(), resolved, path.clone()));
                }
            }
            None => includes.texts.push((
                template::SYNC_NOTE_INCLUDE.into(),
                texts::DEFAULT_SYNC_NOTE.into(),
            )),
        }
        let (engine, compiled) = Engine::new(sources, &includes, markdown)?;
        let items = catalog.load_raw_items()?;
        let site = if compiled.iter().any(|c| c.reads_site) {
            template::site_value(Value::Array(
                items.iter().map(|d| engine.pruned_value(d)).collect(),
            ))
        } else {
            template::site_value(Value::Array(Vec::new()))
        };
        Ok(LiquidState {
            engine,
            compiled,
            items,
            site,
        })
    }

    fn render(&self, i: usize, page: &PageInfo<'_>, dest: Option<&Destination>) -> Result<String> {
        let globals = Globals {
            page: self.engine.value(&page_data(page)),
            destination: dest
                .and_then(|d| self.items.get(d.index))
                .map_or(Value::Nil, |d| self.engine.value(d)),
            site: &self.site,
        };
        self.engine
            .render(&self.compiled[i], &globals, page.display)
    }
}

/// Liquid's `page`: the front matter, plus `title` (the chapter's name when the front
/// matter has none), `url` (as Jekyll makes it: `/dir/page/` for an `index.md`,
/// `/dir/file.html` otherwise), `path`, `name` and `slug`.
fn page_data(page: &PageInfo<'_>) -> Data {
    let mut entries: Vec<(Data, Data)> = page
        .front
        .entries
        .iter()
        .map(|(k, v)| (Data::Str(k.clone()), v.clone()))
        .collect();
    let mut add = |key: &str, value: Option<String>| {
        if page.front.get(key).is_none() {
            if let Some(v) = value {
                entries.push((Data::Str(key.into()), Data::Str(v)));
            }
        }
    };
    add("title", Some(page.name.to_string()));
    add("url", page.source_path.map(page_url));
    add("path", page.source_path.map(|p| p.replace('\\', "/")));
    add(
        "name",
        page.source_path.map(|p| {
            p.replace('\\', "/")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        }),
    );
    add("slug", page.slug.map(str::to_string));
    Data::Map(entries)
}

/// Jekyll's URL of a page: `connections/x/index.md` → `/connections/x/`,
/// `guides/old.md` → `/guides/old.html`.
pub fn page_url(source_path: &str) -> String {
    let path = source_path.replace('\\', "/");
    let (dir, file) = match path.rsplit_once('/') {
        Some((d, f)) => (format!("/{d}/"), f.to_string()),
        None => ("/".to_string(), path.clone()),
    };
    if file.eq_ignore_ascii_case("index.md") || file.eq_ignore_ascii_case("readme.md") {
        return dir;
    }
    let stem = file.strip_suffix(".md").unwrap_or(&file);
    format!("{dir}{stem}.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_as_jekyll_makes_them() {
        assert_eq!(
            page_url("connections/catalog/acme/index.md"),
            "/connections/catalog/acme/"
        );
        assert_eq!(page_url("a/README.md"), "/a/");
        assert_eq!(page_url("guides/old.md"), "/guides/old.html");
        assert_eq!(page_url("top.md"), "/top.html");
        assert_eq!(page_url("index.md"), "/");
    }
}
