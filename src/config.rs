//! The `[preprocessor.destinations]` table of `book.toml`, as mdBook hands it over (after
//! its `MDBOOK_PREPROCESSOR__DESTINATIONS__*` environment overrides).

use crate::diagnostics::{codes, Diagnostic, Error, Result};
use serde_json::{Map, Value};
use std::path::PathBuf;

/// The catalog used when `catalog` is not set, relative to the book root.
pub const DEFAULT_CATALOG: &str = "data/catalog/destinations.yml";

/// The name of the table under `[preprocessor]`.
pub const NAME: &str = "destinations";

/// Keys mdBook itself reads from every preprocessor table.
const MDBOOK_KEYS: &[&str] = &["command", "after", "before", "renderers", "optional"];

/// Keys this preprocessor reads.
pub const KEYS: &[&str] = &[
    "catalog",
    "sync-note",
    "pages",
    "strict",
    "smart-punctuation",
    "personas-heading",
    "personas-text",
    "settings-heading",
    "settings-intro",
    "template",
    "includes",
    "cache",
    "cache-dir",
];

/// The preprocessor's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The catalog file, relative to the book root (or absolute).
    pub catalog: PathBuf,
    /// Whether `catalog` was set (for messages: "key `catalog`" vs "the default catalog").
    pub catalog_configured: bool,
    /// The partial pasted in as the sync-frequency note.
    pub sync_note: Option<PathBuf>,
    /// Globs over chapter source paths (relative to `src/`) that select destination pages.
    pub pages: Vec<String>,
    /// Every warning is an error.
    pub strict: bool,
    /// Curly quotes and dashes in descriptions, as mdBook does for the page itself.
    pub smart_punctuation: bool,
    /// The Personas section's heading (plain text).
    pub personas_heading: Option<String>,
    /// A partial (Liquid) that replaces the Personas paragraphs.
    pub personas_text: Option<PathBuf>,
    /// The Settings section's heading (plain text).
    pub settings_heading: Option<String>,
    /// The sentence under the Settings heading (markdown).
    pub settings_intro: Option<String>,
    /// A whole-footer Liquid template that replaces the built-in sections.
    pub template: Option<PathBuf>,
    /// Where `{% include %}` looks, relative to the book root.
    pub includes: PathBuf,
    /// Keep the parsed catalog (and each chapter's result) between runs.
    pub cache: bool,
    /// Where the cache lives (relative to the book root); `None`: the user's cache folder.
    pub cache_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            catalog: PathBuf::from(DEFAULT_CATALOG),
            catalog_configured: false,
            sync_note: None,
            pages: Vec::new(),
            strict: false,
            smart_punctuation: true,
            personas_heading: None,
            personas_text: None,
            settings_heading: None,
            settings_intro: None,
            template: None,
            includes: PathBuf::from("includes"),
            cache: true,
            cache_dir: None,
        }
    }
}

impl Config {
    /// Reads the settings out of mdBook's whole configuration (the `config` member of the
    /// preprocessor context, or `book.toml` as JSON). Returns warnings for unknown keys.
    pub fn from_book_config(config: &Value) -> Result<(Config, Vec<Diagnostic>)> {
        let table = config
            .get("preprocessor")
            .and_then(|p| p.get(NAME))
            .unwrap_or(&Value::Null);
        let mut cfg = Config::from_table(table)?;
        // The page's own markdown follows mdBook's setting; descriptions follow the page.
        if !table
            .get("smart-punctuation")
            .is_some_and(Value::is_boolean)
        {
            let html = config.get("output").and_then(|o| o.get("html"));
            let page_setting = html
                .and_then(|h| h.get("smart-punctuation").or_else(|| h.get("curly-quotes")))
                .and_then(Value::as_bool);
            if let Some(on) = page_setting {
                cfg.0.smart_punctuation = on;
            }
        }
        Ok(cfg)
    }

    /// Reads the settings from the `[preprocessor.destinations]` table itself.
    pub fn from_table(table: &Value) -> Result<(Config, Vec<Diagnostic>)> {
        let mut cfg = Config::default();
        let mut warnings = Vec::new();
        let map = match table {
            Value::Null => return Ok((cfg, warnings)),
            Value::Object(map) => map,
            other => {
                return Err(bad(
                    "the table itself",
                    &format!("a table, found {}", kind(other)),
                ))
            }
        };
        if let Some(v) = string(map, "catalog")? {
            cfg.catalog = PathBuf::from(v);
            cfg.catalog_configured = true;
        }
        cfg.sync_note = string(map, "sync-note")?.map(PathBuf::from);
        cfg.pages = match map.get("pages") {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(bad(
                        "pages",
                        &format!("a list of strings, found {} in the list", kind(other)),
                    )),
                })
                .collect::<Result<_>>()?,
            Some(other) => {
                return Err(bad(
                    "pages",
                    &format!("a list of glob strings, found {}", kind(other)),
                ))
            }
        };
        if let Some(b) = boolean(map, "strict")? {
            cfg.strict = b;
        }
        if let Some(b) = boolean(map, "smart-punctuation")? {
            cfg.smart_punctuation = b;
        }
        cfg.personas_heading = text(map, "personas-heading")?;
        cfg.settings_heading = text(map, "settings-heading")?;
        cfg.settings_intro = text(map, "settings-intro")?;
        cfg.personas_text = string(map, "personas-text")?.map(PathBuf::from);
        cfg.template = string(map, "template")?.map(PathBuf::from);
        if let Some(dir) = string(map, "includes")? {
            cfg.includes = PathBuf::from(dir);
        }
        if let Some(b) = boolean(map, "cache")? {
            cfg.cache = b;
        }
        cfg.cache_dir = string(map, "cache-dir")?.map(PathBuf::from);
        for key in map.keys() {
            if KEYS.contains(&key.as_str()) || MDBOOK_KEYS.contains(&key.as_str()) {
                continue;
            }
            let mut d = Diagnostic::warning(
                codes::UNKNOWN_CONFIG_KEY,
                format!("unknown key `{key}` in [preprocessor.{NAME}] is ignored"),
            )
            .in_file("book.toml");
            if let Some(near) = nearest(key, KEYS.iter().copied()) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            warnings.push(d);
        }
        Ok((cfg, warnings))
    }
}

fn bad(key: &str, expected: &str) -> Error {
    Error::new(
        codes::BAD_CONFIG,
        format!("`{key}` in [preprocessor.{NAME}] must be {expected}"),
    )
    .in_file("book.toml")
}

fn string(map: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(Value::String(_)) => Err(bad(key, "a path, found an empty string")),
        Some(other) => Err(bad(key, &format!("a string, found {}", kind(other)))),
    }
}

/// A text (may be empty: an empty intro is a choice).
fn text(map: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad(key, &format!("a string, found {}", kind(other)))),
    }
}

fn boolean(map: &Map<String, Value>, key: &str) -> Result<Option<bool>> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        // `MDBOOK_PREPROCESSOR__DESTINATIONS__STRICT=True` arrives as a string.
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(bad(key, &format!("true or false, found {}", kind(other)))),
    }
}

/// What a JSON value is, for messages.
pub fn kind(v: &Value) -> String {
    match v {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a table".into(),
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = fold(word);
    let len = folded.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            let limit = (c.chars().count() / 3).max(1);
            let other = fold(c);
            // The distance is at least the difference in length: skip the far ones.
            if len.abs_diff(other.chars().count()) > limit {
                return None;
            }
            let d = strsim::damerau_levenshtein(&folded, &other);
            (d <= limit).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `hide_settings`, `hideSettings` and `Hide-Settings` all read as `hide-settings`.
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    let mut prev_lower = false;
    for ch in word.chars() {
        if ch == '_' || ch == ' ' {
            out.push('-');
            prev_lower = false;
        } else if ch.is_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.extend(ch.to_lowercase());
            prev_lower = false;
        } else {
            out.push(ch);
            prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_when_the_table_is_missing() {
        let (cfg, w) = Config::from_book_config(&json!({})).unwrap();
        assert_eq!(cfg, Config::default());
        assert_eq!(cfg.catalog, PathBuf::from(DEFAULT_CATALOG));
        assert!(w.is_empty());
    }

    #[test]
    fn reads_every_key() {
        let (cfg, w) = Config::from_book_config(&json!({"preprocessor": {"destinations": {
            "command": "x", "after": ["links"],
            "catalog": "c.json", "sync-note": "n.md", "pages": ["a/*.md", "b/**"], "strict": true
        }}}))
        .unwrap();
        assert_eq!(cfg.catalog, PathBuf::from("c.json"));
        assert!(cfg.catalog_configured);
        assert_eq!(cfg.sync_note, Some(PathBuf::from("n.md")));
        assert_eq!(cfg.pages, vec!["a/*.md", "b/**"]);
        assert!(cfg.strict);
        assert!(w.is_empty());
    }

    #[test]
    fn cache_keys() {
        let (cfg, w) =
            Config::from_table(&json!({"cache": false, "cache-dir": ".cache/x"})).unwrap();
        assert!(!cfg.cache);
        assert_eq!(cfg.cache_dir, Some(PathBuf::from(".cache/x")));
        assert!(w.is_empty());
        assert!(Config::default().cache);
        let (cfg, _) = Config::from_table(&json!({"cache": "false"})).unwrap();
        assert!(!cfg.cache);
        assert!(Config::from_table(&json!({"cache": 0})).is_err());
        assert!(Config::from_table(&json!({"cache-dir": false})).is_err());
    }

    #[test]
    fn strict_from_an_environment_override_string() {
        let (cfg, _) = Config::from_table(&json!({"strict": "true"})).unwrap();
        assert!(cfg.strict);
    }

    #[test]
    fn smart_punctuation_follows_the_html_output() {
        let (cfg, _) =
            Config::from_book_config(&json!({"output": {"html": {"smart-punctuation": false}}}))
                .unwrap();
        assert!(!cfg.smart_punctuation);
        let (cfg, _) =
            Config::from_book_config(&json!({"output": {"html": {"curly-quotes": false}}}))
                .unwrap();
        assert!(!cfg.smart_punctuation);
    }

    #[test]
    fn wrong_types_are_errors_naming_the_key() {
        for (table, key) in [
            (json!({"catalog": 3}), "`catalog`"),
            (json!({"catalog": ""}), "`catalog`"),
            (json!({"pages": [1]}), "`pages`"),
            (json!({"pages": {"a": 1}}), "`pages`"),
            (json!({"strict": "yes"}), "`strict`"),
        ] {
            let err = Config::from_table(&table).unwrap_err();
            let d = err.diagnostic();
            assert_eq!(d.code, codes::BAD_CONFIG);
            assert!(d.message.contains(key), "{}", d.message);
            assert_eq!(
                d.location.as_ref().unwrap().path,
                PathBuf::from("book.toml")
            );
        }
    }

    #[test]
    fn unknown_keys_warn_with_a_suggestion() {
        let (_, w) = Config::from_table(&json!({"sync_note": "x", "zzz": 1})).unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].code, codes::UNKNOWN_CONFIG_KEY);
        assert_eq!(w[0].help.as_deref(), Some("did you mean `sync-note`?"));
        assert_eq!(w[1].help, None);
    }

    #[test]
    fn nearest_folds_case_and_separators() {
        let flags = ["hide-settings", "hide-personas-partial"];
        assert_eq!(nearest("hide_settings", flags), Some("hide-settings"));
        assert_eq!(nearest("hideSettings", flags), Some("hide-settings"));
        assert_eq!(nearest("hide-setting", flags), Some("hide-settings"));
        assert_eq!(
            nearest("hidePersonasPartial", flags),
            Some("hide-personas-partial")
        );
        assert_eq!(nearest("title", flags), None);
    }
}
