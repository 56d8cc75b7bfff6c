//! Which chapters are destination pages, and the slug each one is looked up by.
//!
//! A chapter is a destination page when its source path (relative to `src/`) matches one
//! of the `pages` globs, or its front matter says `layout: destination`. Its slug is the
//! front matter's `slug:` when set, else the last segment of its URL, as Jekyll's
//! `page.url | split: "/" | last`: the folder's name for `index.md` / `README.md`, else the
//! file's stem.

use crate::diagnostics::{codes, Error, Result};
use crate::frontmatter::FrontMatter;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// The `pages` globs, compiled once.
#[derive(Debug, Clone)]
pub struct PageSelector {
    set: GlobSet,
}

impl PageSelector {
    /// Compiles the globs. `*` stays within one folder; `**` crosses folders.
    pub fn new(patterns: &[String]) -> Result<Self> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| {
                    Error::new(
                        codes::BAD_CONFIG,
                        format!("`pages` in [preprocessor.destinations] has a bad glob: {e}"),
                    )
                    .in_file("book.toml")
                })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| {
            Error::new(codes::BAD_CONFIG, format!("`pages` globs: {e}")).in_file("book.toml")
        })?;
        Ok(PageSelector { set })
    }

    /// Whether a chapter source path (relative to `src/`, any separator) matches.
    pub fn matches(&self, source_path: &str) -> bool {
        !self.set.is_empty() && self.set.is_match(normalize(source_path).as_ref())
    }

    /// Whether the chapter is a destination page.
    pub fn is_destination(&self, source_path: Option<&str>, front: &FrontMatter) -> bool {
        front.layout.as_deref() == Some("destination")
            || source_path.is_some_and(|p| self.matches(p))
    }
}

fn normalize(path: &str) -> std::borrow::Cow<'_, str> {
    if path.contains('\\') {
        path.replace('\\', "/").into()
    } else {
        path.into()
    }
}

/// The slug a destination page is looked up by, if it has one.
pub fn slug(source_path: Option<&str>, front: &FrontMatter) -> Option<String> {
    if let Some(s) = &front.slug {
        let s = s.trim();
        return (!s.is_empty()).then(|| s.to_string());
    }
    let path = normalize(source_path?);
    let mut segments = path.split('/').filter(|s| !s.is_empty() && *s != ".");
    let file = segments.next_back()?;
    let is_index = file.eq_ignore_ascii_case("index.md") || file.eq_ignore_ascii_case("readme.md");
    if is_index {
        return segments.next_back().map(str::to_string);
    }
    let stem = match file.rfind('.') {
        Some(i) if i > 0 => &file[..i],
        _ => file,
    };
    Some(stem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn front(slug: Option<&str>, layout: Option<&str>) -> FrontMatter {
        FrontMatter {
            slug: slug.map(String::from),
            layout: layout.map(String::from),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn globs_keep_star_within_a_folder() {
        let sel =
            PageSelector::new(&["connections/destinations/catalog/*/index.md".into()]).unwrap();
        assert!(sel.matches("connections/destinations/catalog/acme/index.md"));
        assert!(sel.matches("connections\\destinations\\catalog\\acme\\index.md"));
        assert!(!sel.matches("connections/destinations/catalog/a/b/index.md"));
        assert!(!sel.matches("connections/destinations/catalog/acme/setup.md"));
        let deep = PageSelector::new(&["dest/**/*.md".into()]).unwrap();
        assert!(deep.matches("dest/a/b/c.md"));
        assert!(deep.matches("dest/c.md"));
        let dot = PageSelector::new(&["./x/*.md".into()]).unwrap();
        assert!(dot.matches("x/y.md"));
    }

    #[test]
    fn no_globs_match_nothing_but_layout_still_selects() {
        let sel = PageSelector::new(&[]).unwrap();
        assert!(!sel.matches("anything.md"));
        assert!(!sel.is_destination(Some("a.md"), &front(None, None)));
        assert!(sel.is_destination(Some("a.md"), &front(None, Some("destination"))));
        assert!(sel.is_destination(None, &front(None, Some("destination"))));
        assert!(!sel.is_destination(Some("a.md"), &front(None, Some("page"))));
    }

    #[test]
    fn a_bad_glob_is_a_config_error() {
        let err = PageSelector::new(&["a/[b.md".into()]).unwrap_err();
        assert_eq!(err.diagnostic().code, codes::BAD_CONFIG);
    }

    #[test]
    fn slugs() {
        let none = front(None, None);
        assert_eq!(
            slug(Some("catalog/acme/index.md"), &none).as_deref(),
            Some("acme")
        );
        assert_eq!(
            slug(Some("catalog/acme/README.md"), &none).as_deref(),
            Some("acme")
        );
        assert_eq!(
            slug(Some("catalog\\acme\\index.md"), &none).as_deref(),
            Some("acme")
        );
        assert_eq!(
            slug(Some("catalog/acme-cloud.md"), &none).as_deref(),
            Some("acme-cloud")
        );
        assert_eq!(
            slug(Some("v1.2/acme.v2.md"), &none).as_deref(),
            Some("acme.v2")
        );
        assert_eq!(slug(Some("index.md"), &none), None);
        assert_eq!(slug(None, &none), None);
        assert_eq!(
            slug(Some("x/index.md"), &front(Some("other"), None)).as_deref(),
            Some("other")
        );
        assert_eq!(slug(None, &front(Some(" s "), None)).as_deref(), Some("s"));
        assert_eq!(slug(Some("a/b.md"), &front(Some(""), None)), None);
    }
}
