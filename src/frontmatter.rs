//! Front matter: YAML between a `---` line at the very first line of a chapter and the
//! next `---` (or `...`) line, as Jekyll reads it. It is parsed, and stripped from every
//! chapter so that mdBook does not render it as a rule and a heading.

use crate::catalog::Data;
use crate::diagnostics::{codes, Error, Location, Result};
use crate::source_map::{self, Seg};
use std::path::Path;

/// The flags and keys this preprocessor reads.
pub const FLAGS: &[&str] = &[
    "hide-boilerplate",
    "hide-personas-partial",
    "hide-settings",
    "show-sync-disclaimer",
];

/// Keys this preprocessor reads, plus the ones every page has (no warning for them).
pub const KNOWN_KEYS: &[&str] = &[
    "hide-boilerplate",
    "hide-personas-partial",
    "hide-settings",
    "show-sync-disclaimer",
    "slug",
    "layout",
    "id",
    "title",
];

/// Where the front matter block is in a chapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block<'a> {
    /// The YAML between the delimiter lines.
    pub yaml: &'a str,
    /// Byte offset of the first character after the closing delimiter line.
    pub body_start: usize,
}

/// Finds the front matter block: the chapter's first line is `---` (after an optional
/// byte order mark; trailing spaces allowed) and a later line is `---` or `...`.
/// Without the closing line there is no front matter.
pub fn split(content: &str) -> Option<Block<'_>> {
    let start = if content.starts_with('\u{feff}') {
        3
    } else {
        0
    };
    let (first, mut pos) = next_line(content, start)?;
    if !is_delimiter(first, false) {
        return None;
    }
    let yaml_start = pos;
    loop {
        let line_start = pos;
        let (line, next) = next_line(content, pos)?;
        if is_delimiter(line, true) {
            return Some(Block {
                yaml: &content[yaml_start..line_start],
                body_start: next,
            });
        }
        pos = next;
    }
}

/// The line starting at `from` (without its line ending) and where the next one starts;
/// `None` at the end of the text.
fn next_line(content: &str, from: usize) -> Option<(&str, usize)> {
    if from >= content.len() {
        return None;
    }
    let rest = &content[from..];
    match rest.find('\n') {
        Some(i) => Some((
            rest[..i].strip_suffix('\r').unwrap_or(&rest[..i]),
            from + i + 1,
        )),
        None => Some((rest, content.len())),
    }
}

fn is_delimiter(line: &str, closing: bool) -> bool {
    let line = line.trim_end_matches([' ', '\t']);
    line == "---" || (closing && line == "...")
}

/// A chapter's parsed front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Every key, in file order (values of any kind).
    pub entries: Vec<(String, Data)>,
    /// `hide-boilerplate: true`: nothing is generated.
    pub hide_boilerplate: bool,
    /// `hide-personas-partial: true`: no Personas section (nor its note).
    pub hide_personas_partial: bool,
    /// `hide-settings: true`: no Settings section.
    pub hide_settings: bool,
    /// `show-sync-disclaimer: true`: the Personas section without the sync note.
    pub show_sync_disclaimer: bool,
    /// `slug:` overrides the slug taken from the chapter's path.
    pub slug: Option<String>,
    /// `layout:`; `destination` makes the chapter a destination page.
    pub layout: Option<String>,
    /// `id:`, the catalog id the page is about (used in suggestions).
    pub id: Option<String>,
}

impl FrontMatter {
    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&Data> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// A chapter split into front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<'a> {
    /// The front matter (empty when the chapter has none).
    pub front: FrontMatter,
    /// The block, when there is one.
    pub block: Option<Block<'a>>,
}

impl Parsed<'_> {
    /// Byte offset where the chapter's own content starts.
    pub fn body_start(&self) -> usize {
        self.block.map_or(0, |b| b.body_start)
    }

    /// Where a front matter key is, counted in the chapter's source file.
    pub fn key_location(&self, chapter: &Path, key: &str) -> Location {
        match self.block {
            Some(b) => match key_position(b.yaml, key) {
                Some((l, c)) => Location::at(chapter, l, c).with_source(b.yaml, 2),
                None => Location::file(chapter),
            },
            None => Location::file(chapter),
        }
    }
}

/// Line (in the chapter: the `---` line is line 1) and column of a top-level key.
fn key_position(yaml: &str, key: &str) -> Option<(usize, usize)> {
    source_map::locate(yaml, &[vec![Seg::Key(key.to_string())]])[0].map(|p| (p.line + 1, p.column))
}

/// Splits and parses a chapter's front matter. `chapter` names the file in messages.
pub fn parse<'a>(content: &'a str, chapter: &Path) -> Result<Parsed<'a>> {
    let Some(block) = split(content) else {
        return Ok(Parsed {
            front: FrontMatter::default(),
            block: None,
        });
    };
    // The YAML starts on the chapter's second line (after `---`).
    crate::limits::check(block.yaml).map_err(|e| {
        Error::new(
            codes::FRONT_MATTER_SYNTAX,
            format!("the front matter is refused: {}", e.message),
        )
        .at(Location::at(chapter, e.line + 1, e.column))
    })?;
    let data: Data = serde_yaml::from_str(block.yaml).map_err(|e| {
        let loc = match e.location() {
            Some(l) => Location::at(chapter, l.line() + 1, l.column()).with_source(block.yaml, 2),
            None => Location::at(chapter, 1, 1),
        };
        let msg = e.to_string();
        let msg = match msg.rfind(" at line ") {
            Some(i) => crate::limits::explain(&msg[..i]),
            None => msg,
        };
        Error::new(
            codes::FRONT_MATTER_SYNTAX,
            format!("the front matter is not valid YAML: {msg}"),
        )
        .at(loc)
    })?;
    let entries = match data {
        Data::Null => Vec::new(),
        Data::Map(entries) => entries.into_iter().map(|(k, v)| (k.to_text(), v)).collect(),
        other => {
            return Err(Error::new(
                codes::FRONT_MATTER_SYNTAX,
                format!(
                    "the front matter must be a mapping of keys to values, found {}",
                    other.kind()
                ),
            )
            .at(Location::at(chapter, 2, 1))
            .with_help("write one `key: value` per line between the `---` lines"))
        }
    };
    let mut parsed = Parsed {
        front: FrontMatter {
            entries,
            ..FrontMatter::default()
        },
        block: Some(block),
    };
    let wrong = |parsed: &Parsed<'_>, key: &str, want: &str, found: &Data| {
        Error::new(
            codes::FRONT_MATTER_TYPE,
            format!(
                "front matter `{key}` must be {want}, found {}",
                describe(found)
            ),
        )
        .at(parsed.key_location(chapter, key))
    };
    for key in FLAGS {
        let value = match parsed.front.get(key) {
            None | Some(Data::Null) => false,
            Some(Data::Bool(b)) => *b,
            Some(other) => {
                let hint = match other {
                    Data::Str(s) if is_one_of(s, &["true", "yes", "on"]) => {
                        format!("write `{key}: true` without quotes")
                    }
                    Data::Str(s) if is_one_of(s, &["false", "no", "off"]) => {
                        format!("write `{key}: false` without quotes")
                    }
                    _ => format!("write `{key}: true` or `{key}: false`"),
                };
                return Err(wrong(&parsed, key, "true or false", other).with_help(hint));
            }
        };
        let front = &mut parsed.front;
        match *key {
            "hide-boilerplate" => front.hide_boilerplate = value,
            "hide-personas-partial" => front.hide_personas_partial = value,
            "hide-settings" => front.hide_settings = value,
            _ => front.show_sync_disclaimer = value,
        }
    }
    for key in ["slug", "layout", "id"] {
        let value = match parsed.front.get(key) {
            None | Some(Data::Null) => None,
            Some(d @ (Data::Seq(_) | Data::Map(_))) => {
                return Err(wrong(&parsed, key, "text", d));
            }
            Some(d) => Some(d.to_text()),
        };
        match key {
            "slug" => parsed.front.slug = value,
            "layout" => parsed.front.layout = value,
            _ => parsed.front.id = value,
        }
    }
    Ok(parsed)
}

fn is_one_of(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.eq_ignore_ascii_case(w))
}

fn describe(d: &Data) -> String {
    match d {
        Data::Str(s) => format!("the string {s:?}"),
        Data::Int(_) | Data::UInt(_) | Data::Float(_) => format!("the number {}", d.to_text()),
        other => other.kind().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(content: &str) -> Result<Parsed<'_>> {
        parse(content, Path::new("src/x.md"))
    }

    #[test]
    fn split_basic_and_crlf_and_bom() {
        let b = split("---\ntitle: A\n---\nbody\n").unwrap();
        assert_eq!(b.yaml, "title: A\n");
        assert_eq!(b.body_start, 17);
        let c = "---\r\ntitle: A\r\n---\r\nbody";
        let b = split(c).unwrap();
        assert_eq!(b.yaml, "title: A\r\n");
        assert_eq!(&c[b.body_start..], "body");
        let c = "\u{feff}---\ntitle: A\n---\n";
        assert_eq!(split(c).unwrap().yaml, "title: A\n");
        assert_eq!(split(c).unwrap().body_start, c.len());
    }

    #[test]
    fn split_requires_the_very_first_line_and_a_closing_line() {
        assert_eq!(split("\n---\na: 1\n---\n"), None);
        assert_eq!(split(" ---\na: 1\n---\n"), None);
        assert_eq!(split("---\na: 1\n"), None);
        assert_eq!(split("----\na: 1\n----\n"), None);
        assert_eq!(split("--- \na: 1\n---  \nx").unwrap().yaml, "a: 1\n");
        assert_eq!(split("---\na: 1\n...\nx").unwrap().yaml, "a: 1\n");
        // `...` opens nothing
        assert_eq!(split("...\na: 1\n---\n"), None);
        // empty front matter, and closing at the end of the text without a newline
        assert_eq!(split("---\n---").unwrap().yaml, "");
        assert_eq!(split("---\n---").unwrap().body_start, 7);
        // a zero-width space makes the line something else than a delimiter
        assert_eq!(split("---\na: 1\n---\u{200b}\n"), None);
    }

    #[test]
    fn flags_and_keys() {
        let parsed = p("---\ntitle: T\nhide-settings: true\nhide-boilerplate: false\nslug: s\nlayout: destination\nid: 42\n---\nB").unwrap();
        let f = &parsed.front;
        assert!(f.hide_settings && !f.hide_boilerplate && !f.hide_personas_partial);
        assert!(!f.show_sync_disclaimer);
        assert_eq!(f.slug.as_deref(), Some("s"));
        assert_eq!(f.layout.as_deref(), Some("destination"));
        assert_eq!(f.id.as_deref(), Some("42"));
        assert_eq!(f.get("title"), Some(&Data::Str("T".into())));
        assert_eq!(parsed.body_start(), parsed.block.unwrap().body_start);
        let all = p("---\nhide-personas-partial: true\nshow-sync-disclaimer: true\nhide-boilerplate: true\n---\n").unwrap();
        assert!(
            all.front.hide_personas_partial
                && all.front.show_sync_disclaimer
                && all.front.hide_boilerplate
        );
    }

    #[test]
    fn no_front_matter_and_empty_front_matter() {
        let none = p("# Title\n").unwrap();
        assert_eq!(none.block, None);
        assert_eq!(none.body_start(), 0);
        let empty = p("---\n---\n# T\n").unwrap();
        assert!(empty.front.entries.is_empty());
        assert_eq!(empty.body_start(), 8);
    }

    #[test]
    fn invalid_yaml_names_the_chapter_and_line() {
        let err = p("---\ntitle: A\nbad: [1, 2\n---\n").unwrap_err();
        let d = err.diagnostic();
        assert_eq!(d.code, codes::FRONT_MATTER_SYNTAX);
        let loc = d.location.as_ref().unwrap();
        assert_eq!(loc.path, Path::new("src/x.md"));
        assert!(loc.line.unwrap() >= 3, "{loc}");
    }

    #[test]
    fn not_a_mapping_is_an_error() {
        let err = p("---\n- a\n- b\n---\n").unwrap_err();
        assert_eq!(err.diagnostic().code, codes::FRONT_MATTER_SYNTAX);
        assert!(err.diagnostic().message.contains("mapping"));
    }

    #[test]
    fn a_flag_that_is_not_a_boolean_is_an_error_at_its_line() {
        let err = p("---\ntitle: A\nhide-settings: \"true\"\n---\n").unwrap_err();
        let d = err.diagnostic();
        assert_eq!(d.code, codes::FRONT_MATTER_TYPE);
        assert_eq!(
            d.location,
            Some(Location::at("src/x.md", 3, 1).with_source("hide-settings: \"true\"", 3))
        );
        assert!(d.message.contains("`hide-settings`"), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains("without quotes"));
        // YAML 1.2: `yes` is a string, not a boolean
        let err = p("---\nhide-boilerplate: yes\n---\n").unwrap_err();
        assert_eq!(
            err.diagnostic().location,
            Some(Location::at("src/x.md", 2, 1).with_source("hide-boilerplate: yes", 2))
        );
        let err = p("---\nshow-sync-disclaimer: 1\n---\n").unwrap_err();
        assert!(err.diagnostic().message.contains("the number 1"));
    }

    #[test]
    fn slug_must_be_text() {
        let err = p("---\nslug: [a]\n---\n").unwrap_err();
        assert_eq!(err.diagnostic().code, codes::FRONT_MATTER_TYPE);
        assert_eq!(
            p("---\nslug: 12\n---\n").unwrap().front.slug.as_deref(),
            Some("12")
        );
    }
}
