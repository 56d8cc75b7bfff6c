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
        // Each include must parse on its own: its errors are its own, at its lines.
        for source in found.values() {
            if let Err(e) = parse_alone(&source.prepared, markdown) {
                return Err(liquid_error(source, &e, "does not parse"));
            }
        }
        let mut partials = liquid::partials::InMemorySource::new();
        for (name, s) in &found {
            // liquid-lib's Jekyll include tag looks a quoted name up with its quotes.
            for key in [name.clone(), format!("\"{name}\""), format!("'{name}'")] {
                partials.add(key, s.prepared.clone());
            }
        }
        let parser = builder(markdown)
            .partials(liquid::partials::EagerCompiler::new(partials))
            .build()
            .map_err(|e| Error::new(codes::TEMPLATE, format!("Liquid: {e}")))?;
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
    builder(markdown).build()?.parse(text).map(|_| ())
}

/// The parser: Liquid's standard library, Jekyll's filters and include tag, and this
/// module's blocks and filters in place of the ones Jekyll does differently.
fn builder(markdown: MarkdownOptions) -> liquid::ParserBuilder {
    let mut b = liquid::ParserBuilder::with_stdlib()
        .tag(liquid_lib::jekyll::IncludeTag)
        .filter(liquid_lib::jekyll::Sort)
        .filter(liquid_lib::jekyll::Push)
        .filter(liquid_lib::jekyll::Pop)
        .filter(liquid_lib::jekyll::Shift)
        .filter(liquid_lib::jekyll::Unshift)
        .filter(liquid_lib::jekyll::ArrayToSentenceString)
        .block(MarkdownSpanBlock { markdown })
        .block(ConditionalBlock { unless: false })
        .block(ConditionalBlock { unless: true });
    for filter in filters::all() {
        b = b.filter(filter);
    }
    b
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
        let re = Regex::new(&format!(r"\|\s*({})\b", regex::escape(&c[1]))).expect("escaped");
        re.captures(&source.original)
            .and_then(|m| m.get(1))
            .map(|m| crate::catalog::line_col(source.original.as_bytes(), m.start()))
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

    fn r(template: &str) -> String {
        render(
            template,
            &[],
            page(&[("title", Data::Str("Acme Destination".into()))]),
        )
    }

    fn err(template: &str, includes: &[(&str, &str)]) -> crate::Diagnostic {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.liquid"), template).unwrap();
        let inc = dir.path().join("includes");
        for (name, text) in includes {
            std::fs::create_dir_all(inc.join(name).parent().unwrap()).unwrap();
            std::fs::write(inc.join(name), text).unwrap();
        }
        let dirs = IncludeDirs {
            dir: Some((inc, PathBuf::from("includes"))),
            ..IncludeDirs::default()
        };
        let built = Engine::new(
            &[(dir.path().join("t.liquid"), PathBuf::from("t.liquid"))],
            &dirs,
            MarkdownOptions::default(),
        );
        let e = match built {
            Err(e) => return *e.0,
            Ok((e, c)) => {
                let site = site_value(Value::Array(vec![]));
                let g = Globals {
                    page: Value::Nil,
                    destination: Value::Nil,
                    site: &site,
                };
                e.render(&c[0], &g, Path::new("p.md")).unwrap_err()
            }
        };
        *e.0
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

    #[test]
    fn jekyll_semantics_the_crate_lacks() {
        // Ruby's split drops trailing empty strings: the slug of a page URL.
        assert_eq!(r(r#"{{ "/a/b/acme/" | split: "/" | last }}"#), "acme");
        // Missing variables and keys are nil, at any depth.
        assert_eq!(
            r("[{{ nothing }}{{ page.missing }}{{ page.missing.deeper }}{{ site.x.y.z }}]"),
            "[]"
        );
        assert_eq!(
            r("{% if page.missing == true %}y{% else %}n{% endif %}"),
            "n"
        );
        assert_eq!(
            r("{% unless show-sync-disclaimer == true %}shown{% endunless %}"),
            "shown"
        );
        // Ruby's ==: false is not nil, 0 is not false, "" is not nil.
        assert_eq!(
            r("{% assign f = false %}{% if f != null %}set{% endif %}"),
            "set"
        );
        assert_eq!(r("{% if 0 == false %}y{% else %}n{% endif %}"), "n");
        assert_eq!(r(r#"{% if "" == nil %}y{% else %}n{% endif %}"#), "n");
        assert_eq!(r("{% if 1 == 1.0 %}y{% endif %}"), "y");
        // empty: only strings, lists and mappings are empty.
        assert_eq!(
            r(
                r#"{% assign a = "" | split: "," %}{% if a == empty %}e{% endif %}{% if nil == empty %}N{% endif %}{% if 0 == empty %}Z{% endif %}"#
            ),
            "e"
        );
        // Comparing values of different kinds is false (Jekyll raises).
        assert_eq!(r("{% if nil > 1 %}y{% else %}n{% endif %}"), "n");
        // and/or group from the right, as Liquid does.
        assert_eq!(
            r("{% if true or false and false %}y{% else %}n{% endif %}"),
            "y"
        );
        assert_eq!(
            r("{% if false and false or true %}y{% else %}n{% endif %}"),
            "n"
        );
        // elsif inside unless, as Ruby Liquid allows.
        assert_eq!(
            r("{% unless true %}a{% elsif true %}b{% else %}c{% endunless %}"),
            "b"
        );
        // contains
        assert_eq!(r(r#"{% if page.title contains "Dest" %}y{% endif %}"#), "y");
        // Jekyll's default slugify (the table's anchors) and its other modes.
        assert_eq!(
            r(
                r#"{{ "Événement ID" | slugify }} {{ "C++ / C#" | slugify }} {{ "a.b c" | slugify: "pretty" }}"#
            ),
            "événement-id c-c a.b-c"
        );
        // replace keeps the spaces it makes (the 2022 sync note's title trick).
        assert_eq!(
            r(r#"to {{page.title| replace: "Destination", " "}} may"#),
            "to Acme   may"
        );
    }

    #[test]
    fn where_compares_as_ruby_does() {
        let out = r(r#"{% assign xs = '[{"k":1,"f":false},{"k":2},{"k":3,"f":true}]' %}"#);
        assert_eq!(out, "");
        let template = "{% for i in page.items %}{% endfor %}\
            {{ page.items | where: \"f\", false | map: \"k\" | join: \",\" }}|\
            {{ page.items | where: \"f\" | map: \"k\" | join: \",\" }}|\
            {{ page.items | where: \"k\", 2 | size }}";
        let items = Data::Seq(vec![
            page(&[("k", Data::Int(1)), ("f", Data::Bool(false))]),
            page(&[("k", Data::Int(2))]),
            page(&[("k", Data::Int(3)), ("f", Data::Bool(true))]),
        ]);
        assert_eq!(render(template, &[], page(&[("items", items)])), "1|3|1");
    }

    #[test]
    fn filters_jekyll_has() {
        assert_eq!(
            r(r#"{{ "a b" | jsonify }}"#),
            "&quot;a b&quot;".replace("&quot;", "\"")
        );
        assert_eq!(
            r(r#"{{ "<a & 'b'>" | xml_escape }}"#),
            "&lt;a &amp; &#39;b&#39;&gt;"
        );
        assert_eq!(
            r(r#"{{ "a b&c" | cgi_escape }} {{ "a b/c" | uri_escape }}"#),
            "a+b%26c a%20b/c"
        );
        assert_eq!(r("{{ \"  a \t\n b \" | normalize_whitespace }}|{{ \"one two  three\" | number_of_words }}"), "a b|3");
        assert_eq!(r(r#"{{ "x/y" | relative_url }}"#), "/x/y");
    }

    #[test]
    fn markdown_span_renders_inline_markdown_and_drops_the_attribute() {
        let out = r("<td class=\"x\" markdown=\"span\">`code` and *em* <script></td>");
        assert_eq!(
            out,
            "<td class=\"x\"><code>code</code> and <em>em</em> &lt;script&gt;</td>"
        );
        // Nested elements of the same name; the extent is the template's.
        let out = r("<div markdown=\"span\">a <div>b</div> **c**</div>|");
        assert_eq!(
            out,
            "<div>a &lt;div&gt;b&lt;/div&gt; <strong>c</strong></div>|"
        );
        // Data cannot end the element early: it is interpolated inside the block.
        let out = render(
            "<td markdown=\"span\">{{ page.d }}</td>",
            &[],
            page(&[("d", Data::Str("x</td><td>y".into()))]),
        );
        assert_eq!(out, "<td>x&lt;/td&gt;&lt;td&gt;y</td>");
    }

    #[test]
    fn records_keep_the_keys_the_sources_read() {
        let keys: BTreeSet<String> = ["deprecated", "label"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let data = Data::Seq(vec![
            page(&[("label", Data::Str("A".into())), ("other", Data::Int(1))]),
            Data::Map(vec![]),
            page(&[("free", Data::Int(2))]),
        ]);
        let v = to_value(&data, &keys, false);
        let Value::Array(items) = v else { panic!() };
        let Value::Object(rec) = &items[0] else {
            panic!()
        };
        assert!(rec.contains_key("deprecated") && rec.contains_key("other"));
        assert_eq!(
            items[1],
            Value::Object(liquid::Object::new()),
            "an empty mapping stays empty"
        );
        let Value::Object(user) = &items[2] else {
            panic!()
        };
        assert!(
            !user.contains_key("deprecated"),
            "not a record: kept as written"
        );
        let Value::Array(pruned) = to_value(&data, &keys, true) else {
            panic!()
        };
        let Value::Object(rec) = &pruned[0] else {
            panic!()
        };
        assert!(!rec.contains_key("other"), "pruned for site");
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let d = err("line one\n{% if %}\n", &[]);
        assert_eq!(d.code, crate::diagnostics::codes::TEMPLATE);
        let loc = d.location.unwrap();
        assert_eq!(loc.path, PathBuf::from("t.liquid"));
        assert_eq!(loc.line, Some(2));
        let d = err("a\nb {{ page.title | no_such_filter }}", &[]);
        assert!(
            d.message.contains("unknown filter `no_such_filter`"),
            "{}",
            d.message
        );
        assert_eq!(
            (
                d.location.as_ref().unwrap().line,
                d.location.as_ref().unwrap().column
            ),
            (Some(2), Some(19))
        );
        // An error in an include names the include.
        let d = err("{% include bad.md %}", &[("bad.md", "x\n{{ 'a' | nope }}")]);
        assert!(d.location.unwrap().path.ends_with("bad.md"));
        // A missing include is reported at the include tag.
        let d = err("\n\n{% include nowhere.md %}", &[]);
        assert!(d.message.contains("nowhere.md"), "{}", d.message);
        assert_eq!(d.location.unwrap().line, Some(3));
        // Columns are the author's, also after the markdown="span" rewrite on the line.
        let d = err("<td markdown=\"span\">x</td> {{ 'a' | nope }}", &[]);
        assert_eq!(d.location.unwrap().column, Some(37));
        let d = err("<td markdown=\"span\">x {% if %}</td>", &[]);
        assert_eq!(d.location.unwrap().column, Some(23));
    }

    #[test]
    fn differences_that_remain() {
        // Floats print as the crate prints them: 2.0 is "2" (Jekyll: "2.0").
        assert_eq!(r("{{ 2.0 }}"), "2");
        // `case` compares with the crate's ==, where false equals nil (Jekyll: no match).
        assert_eq!(
            r("{% case false %}{% when nil %}nil{% else %}other{% endcase %}"),
            "nil"
        );
        // A record shows the keys its sources read: its size counts them.
        let out = render(
            "{{ page.r.size }}|{{ page.r.wanted }}",
            &[],
            page(&[("r", page(&[("wanted", Data::Int(1))]))]),
        );
        assert_eq!(out, "2|1", "`size` and `r` are both keys the source reads");
    }
}
