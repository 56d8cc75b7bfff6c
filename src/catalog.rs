//! The catalog of destinations: a Jekyll `_data` file (YAML, or JSON by extension) with a
//! top-level `items:` list (a bare list is accepted too), and its slug index.
//!
//! Only the fields the generated sections use are read; every other field is skipped
//! without being built. Scalars are read leniently, as Jekyll's Liquid would see them: a
//! number label is text, and a flag that is not the boolean `true` is not true (and is
//! remembered as an [`Issue`] so that it can be reported at its line).

use crate::diagnostics::{codes, Diagnostic, Error, Location, Result};
use crate::render::slugify::slugify;
use crate::source_map::{self, Seg, YamlPath};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A catalog value of any kind: what a `defaultValue` can be.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// `null`, `~`, or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An integer too large for `i64`.
    UInt(u64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    Seq(Vec<Data>),
    /// A mapping, in file order.
    Map(Vec<(Data, Data)>),
}

impl Data {
    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Data::Null => "null",
            Data::Bool(_) => "a boolean",
            Data::Int(_) | Data::UInt(_) | Data::Float(_) => "a number",
            Data::Str(_) => "a string",
            Data::Seq(_) => "a list",
            Data::Map(_) => "a mapping",
        }
    }

    /// The value as text, the way Liquid's `{{ }}` prints a scalar; lists are joined with
    /// `", "` (flattened, as Liquid's `join` does) and mappings read `key: value, …`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out);
        out
    }

    fn write_text(&self, out: &mut String) {
        match self {
            Data::Null => {}
            Data::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Data::Int(i) => out.push_str(&i.to_string()),
            Data::UInt(u) => out.push_str(&u.to_string()),
            Data::Float(f) => out.push_str(&float_text(*f)),
            Data::Str(s) => out.push_str(s),
            Data::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_text(out);
                }
            }
            Data::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_text(out);
                    out.push_str(": ");
                    v.write_text(out);
                }
            }
        }
    }

    /// `true` for the values the seed (with its empty-collection fix) treats as "no
    /// default": null, `""`, the string `'{}'`, and an empty list or mapping.
    pub fn is_no_default(&self) -> bool {
        match self {
            Data::Null => true,
            Data::Str(s) => s.is_empty() || s == "{}",
            Data::Seq(v) => v.is_empty(),
            Data::Map(m) => m.is_empty(),
            _ => false,
        }
    }
}

/// Floats as YAML and Ruby write them: `2.0`, `0.5`, `1e+20`.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Data;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_unit<E>(self) -> Result<Data, E> {
                Ok(Data::Null)
            }
            fn visit_none<E>(self) -> Result<Data, E> {
                Ok(Data::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Data, D::Error> {
                Data::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Data, E> {
                Ok(Data::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Data, E> {
                Ok(Data::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Data, E> {
                Ok(i64::try_from(v).map_or(Data::UInt(v), Data::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Data, E> {
                Ok(Data::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Data, E> {
                Ok(Data::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Data, E> {
                Ok(Data::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Data, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Data::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Data::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// A yes/no field (`required`, `deprecated`, `platforms.server`). Only the boolean `true`
/// counts as true, as in the seed's `== true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flag {
    /// Absent or null.
    #[default]
    Unset,
    /// A real boolean.
    Bool(bool),
    /// Anything else (`"true"`, `yes` as a string, `1`): not true.
    WrongType(&'static str),
}

impl Flag {
    fn from_data(d: Option<Data>) -> Flag {
        match d {
            None | Some(Data::Null) => Flag::Unset,
            Some(Data::Bool(b)) => Flag::Bool(b),
            Some(other) => Flag::WrongType(other.kind()),
        }
    }

    /// `true` only for the boolean `true`.
    pub fn is_true(self) -> bool {
        self == Flag::Bool(true)
    }
}

/// One row of a destination's settings table.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// `label`: the first cell, and (slugified) the row's anchor.
    pub label: String,
    /// `type`: `string`, `boolean`, `array`, … (decides how the default is shown).
    pub kind: String,
    /// `required: true` adds "(required)".
    pub required: Flag,
    /// `deprecated: true` hides the row.
    pub deprecated: Flag,
    /// `defaultValue`, of any kind.
    pub default: Data,
    /// `description`: markdown.
    pub description: String,
}

/// One catalog item.
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    /// Position in the catalog's item list (0-based).
    pub index: usize,
    /// `slug`: what page URLs are matched against.
    pub slug: String,
    /// `id`.
    pub id: Option<String>,
    /// `display_name`, else `name`.
    pub display_name: Option<String>,
    /// `platforms.server`: the Personas section is for server destinations only.
    pub server: Flag,
    /// `settings`, in catalog order.
    pub settings: Vec<Setting>,
    /// `previous_names`.
    pub previous_names: Vec<String>,
}

/// Something worth a warning in the catalog itself: a field of the wrong type (treated
/// as Jekyll would), a repeated slug, an empty label, colliding anchors.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The diagnostic code (`W103`, `W105`, …).
    pub code: &'static str,
    /// Where, relative to the item list: `[3, "settings", 0, "required"]`.
    pub path: YamlPath,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// The loaded catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// The file, as configured (relative to the book root), for messages.
    pub display_path: PathBuf,
    /// The file, resolved.
    pub path: PathBuf,
    /// All items, in file order (`items[i].index == i`).
    pub items: Vec<Destination>,
    /// What is worth a warning in the catalog itself, in file order, each at its line and
    /// column (located once, when the catalog is parsed; the cache keeps them).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the items sit under a top-level `items:` key (else the file is a bare list).
    pub wrapped: bool,
    by_slug: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct RawItem {
    slug: Option<Data>,
    id: Option<Data>,
    display_name: Option<Data>,
    name: Option<Data>,
    platforms: Option<RawPlatforms>,
    settings: Option<Vec<RawSetting>>,
    previous_names: Option<Data>,
}

#[derive(Deserialize)]
struct RawPlatforms {
    server: Option<Data>,
}

#[derive(Deserialize)]
struct RawSetting {
    label: Option<Data>,
    #[serde(rename = "type")]
    kind: Option<Data>,
    required: Option<Data>,
    deprecated: Option<Data>,
    #[serde(rename = "defaultValue")]
    default: Option<Data>,
    description: Option<Data>,
}

/// `items: [...]` (other top-level keys skipped) or a bare list.
struct RawCatalog {
    items: Vec<RawItem>,
    wrapped: bool,
}

impl<'de> Deserialize<'de> for RawCatalog {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawCatalog;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping with an `items:` list, or a list of items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawCatalog, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(RawCatalog {
                    items,
                    wrapped: false,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCatalog, A::Error> {
                let mut items: Option<Vec<RawItem>> = None;
                while let Some(key) = map.next_key::<Data>()? {
                    if key == Data::Str("items".into()) && items.is_none() {
                        items = Some(
                            map.next_value::<Option<Vec<RawItem>>>()?
                                .unwrap_or_default(),
                        );
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                match items {
                    Some(items) => Ok(RawCatalog {
                        items,
                        wrapped: true,
                    }),
                    None => Err(de::Error::custom(
                        "the catalog has no top-level `items:` list",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// The format of a catalog file, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.json`
    Json,
    /// Anything else (`.yml`, `.yaml`): YAML, which also reads most JSON.
    Yaml,
}

impl Format {
    /// By the file's extension.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

impl Catalog {
    /// Reads and parses the catalog at `path` (resolved), naming it `display_path` in
    /// messages. `key` says where the path came from (`catalog` key or the default).
    pub fn load(path: &Path, display_path: &Path, key: &str) -> Result<Catalog> {
        let bytes = Catalog::read(path, display_path, key)?;
        Catalog::parse(&bytes, Format::of(path), path, display_path)
    }

    /// The catalog file's bytes, or the error [`Catalog::load`] gives when it cannot be read.
    pub fn read(path: &Path, display_path: &Path, key: &str) -> Result<Vec<u8>> {
        std::fs::read(path).map_err(|e| Catalog::read_error(path, display_path, key, &e))
    }

    /// The error for a catalog file that cannot be read.
    pub fn read_error(path: &Path, display_path: &Path, key: &str, e: &std::io::Error) -> Error {
        Error::new(
            codes::UNREADABLE_FILE,
            format!(
                "cannot read the catalog ({key}) at {}: {}",
                path.display(),
                io_reason(e)
            ),
        )
        .in_file(display_path)
        .with_help(
            "set `catalog = \"path/to/destinations.yml\"` under [preprocessor.destinations]; \
                 it is relative to the book root (the folder holding book.toml)",
        )
    }

    /// Parses catalog bytes.
    pub fn parse(
        bytes: &[u8],
        format: Format,
        path: &Path,
        display_path: &Path,
    ) -> Result<Catalog> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let (line, col) = line_col(bytes, e.valid_up_to());
            let shown = String::from_utf8_lossy(bytes);
            Error::new(
                codes::CATALOG_SYNTAX,
                "the catalog is not valid UTF-8 text".to_string(),
            )
            .at(Location::at(display_path, line, col).with_source(&shown, 1))
        })?;
        let raw: RawCatalog = match format {
            Format::Json => serde_json::from_str(text).map_err(|e| {
                let loc = if e.line() > 0 {
                    Location::at(display_path, e.line(), e.column().max(1)).with_source(text, 1)
                } else {
                    Location::file(display_path)
                };
                syntax_error(&e.to_string(), "JSON").at(loc)
            })?,
            Format::Yaml => {
                crate::limits::check(text).map_err(|e| {
                    Error::new(
                        codes::CATALOG_SYNTAX,
                        format!("the catalog is refused: {}", e.message),
                    )
                    .at(Location::at(display_path, e.line, e.column).with_source(text, 1))
                })?;
                serde_yaml::from_str(text).map_err(|e| {
                    let loc = match e.location() {
                        Some(l) => {
                            Location::at(display_path, l.line(), l.column()).with_source(text, 1)
                        }
                        None => Location::file(display_path),
                    };
                    syntax_error(&e.to_string(), "YAML").at(loc)
                })?
            }
        };
        let (mut catalog, findings) = Catalog::build(raw, path, display_path)?;
        catalog.diagnostics = catalog.locate_findings(text, &findings);
        Ok(catalog)
    }

    fn build(raw: RawCatalog, path: &Path, display_path: &Path) -> Result<(Catalog, Vec<Finding>)> {
        let mut findings = Vec::new();
        let mut items: Vec<Destination> = Vec::with_capacity(raw.items.len());
        // The first item of each slug, to report the repeats (the index is built below).
        let mut first_of: HashMap<String, usize> = HashMap::with_capacity(raw.items.len());
        for (index, item) in raw.items.into_iter().enumerate() {
            let slug = match item.slug {
                Some(Data::Str(s)) if !s.trim().is_empty() => s,
                Some(d @ (Data::Int(_) | Data::UInt(_) | Data::Float(_))) => d.to_text(),
                _ => {
                    return Err(missing_slug(
                        index,
                        text_of(item.id),
                        path,
                        display_path,
                        raw.wrapped,
                    ))
                }
            };
            let id = text_of(item.id);
            let display_name = text_of(item.display_name).or_else(|| text_of(item.name));
            let server = Flag::from_data(item.platforms.and_then(|p| p.server));
            if let Flag::WrongType(kind) = server {
                findings.push(wrong_flag(
                    vec![
                        Seg::Index(index),
                        Seg::Key("platforms".into()),
                        Seg::Key("server".into()),
                    ],
                    "platforms.server",
                    kind,
                ));
            }
            let settings: Vec<Setting> = item
                .settings
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(si, s)| read_setting(index, si, s, &mut findings))
                .collect();
            check_anchors(index, &slug, &settings, &mut findings);
            let previous_names = match item.previous_names {
                Some(Data::Seq(v)) => v.into_iter().map(|d| d.to_text()).collect(),
                Some(Data::Null) | None => Vec::new(),
                Some(d) => vec![d.to_text()],
            };
            match first_of.get(&slug) {
                Some(&first) => findings.push(Finding {
                    code: codes::DUPLICATE_SLUG,
                    path: vec![Seg::Index(index), Seg::Key("slug".into())],
                    message: format!(
                        "catalog items #{} and #{} both have slug `{slug}`; pages get the first, as in Jekyll",
                        first + 1,
                        index + 1
                    ),
                    help: Some(format!(
                        "give item #{} its own slug, or remove it if it repeats item #{}",
                        index + 1,
                        first + 1
                    )),
                }),
                None => {
                    first_of.insert(slug.clone(), index);
                }
            }
            items.push(Destination {
                index,
                slug,
                id,
                display_name,
                server,
                settings,
                previous_names,
            });
        }
        let catalog = Catalog::from_parts(path, display_path, items, Vec::new(), raw.wrapped);
        Ok((catalog, findings))
    }

    /// The catalog's items as generic data, every field kept (for Liquid's
    /// `site.data.catalog.destinations.items` and `destination`). Reads the file again.
    pub fn load_raw_items(&self) -> Result<Vec<Data>> {
        let bytes = std::fs::read(&self.path).map_err(|e| {
            Error::new(
                codes::UNREADABLE_FILE,
                format!(
                    "cannot read the catalog at {}: {}",
                    self.path.display(),
                    io_reason(&e)
                ),
            )
            .in_file(&self.display_path)
        })?;
        let data: Data = match Format::of(&self.path) {
            Format::Json => serde_json::from_slice(&bytes)
                .map_err(|e| syntax_error(&e.to_string(), "JSON").in_file(&self.display_path))?,
            Format::Yaml => serde_yaml::from_slice(&bytes)
                .map_err(|e| syntax_error(&e.to_string(), "YAML").in_file(&self.display_path))?,
        };
        Ok(match data {
            Data::Seq(items) => items,
            Data::Map(entries) => entries
                .into_iter()
                .find(|(k, _)| *k == Data::Str("items".into()))
                .and_then(|(_, v)| match v {
                    Data::Seq(items) => Some(items),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        })
    }

    /// A catalog from its parts, as [`Catalog::parse`] made them (the cache stores these);
    /// the lookup tables are built again.
    pub fn from_parts(
        path: &Path,
        display_path: &Path,
        items: Vec<Destination>,
        diagnostics: Vec<Diagnostic>,
        wrapped: bool,
    ) -> Catalog {
        let mut by_slug = HashMap::with_capacity(items.len());
        let mut by_id = HashMap::with_capacity(items.len());
        for (pos, item) in items.iter().enumerate() {
            by_slug.entry(item.slug.clone()).or_insert(pos);
            if let Some(id) = &item.id {
                by_id.entry(id.clone()).or_insert(pos);
            }
        }
        Catalog {
            display_path: display_path.to_path_buf(),
            path: path.to_path_buf(),
            items,
            diagnostics,
            wrapped,
            by_slug,
            by_id,
        }
    }

    /// Only the deserialization that [`Catalog::parse`] starts with (serde into the
    /// catalog's own types; no limits pass, no checks, no index): the "bare parse" the
    /// benchmark compares against. Returns the number of items.
    #[doc(hidden)]
    pub fn deserialize_only(text: &str, format: Format) -> std::result::Result<usize, String> {
        let raw: RawCatalog = match format {
            Format::Json => serde_json::from_str(text).map_err(|e| e.to_string())?,
            Format::Yaml => serde_yaml::from_str(text).map_err(|e| e.to_string())?,
        };
        Ok(raw.items.len())
    }

    /// The item for a page's slug (the first one, when several share it).
    pub fn get(&self, slug: &str) -> Option<&Destination> {
        self.by_slug.get(slug).map(|&i| &self.items[i])
    }

    /// The first item whose `id` is `id`.
    pub fn get_by_id(&self, id: &str) -> Option<&Destination> {
        self.by_id.get(id).map(|&i| &self.items[i])
    }

    /// The catalog's own warnings (duplicate slugs, fields of the wrong type, empty labels,
    /// colliding anchors), each at its line and column.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics.clone()
    }

    /// Findings as diagnostics, located in the catalog's text (one pass, only when there
    /// are findings).
    fn locate_findings(&self, text: &str, findings: &[Finding]) -> Vec<Diagnostic> {
        if findings.is_empty() {
            return Vec::new();
        }
        // Each finding's own key, and its parent for when the key is absent (a missing
        // label is reported at its setting).
        let paths: Vec<YamlPath> = findings
            .iter()
            .flat_map(|f| {
                [
                    f.path.clone(),
                    f.path[..f.path.len().saturating_sub(1)].to_vec(),
                ]
            })
            .collect();
        let located = self.locate_in(text, &paths);
        let locations = located
            .chunks(2)
            .map(|pair| pair[0].clone().or_else(|| pair[1].clone()));
        findings
            .iter()
            .zip(locations)
            .map(|(f, loc)| {
                let mut d = Diagnostic::warning(f.code, f.message.clone())
                    .at(loc.unwrap_or_else(|| Location::file(&self.display_path)));
                d.help = f.help.clone();
                d
            })
            .collect()
    }

    /// Where items or their fields are in the file: paths relative to the item list
    /// (`[Index(3), Key("slug")]`). Reads the file again; only called when there is
    /// something to report.
    pub fn locate(&self, paths: &[YamlPath]) -> Vec<Option<Location>> {
        let Ok(text) = std::fs::read_to_string(&self.path) else {
            return vec![None; paths.len()];
        };
        self.locate_in(&text, paths)
    }

    /// As [`Catalog::locate`], on the catalog's text.
    pub fn locate_in(&self, text: &str, paths: &[YamlPath]) -> Vec<Option<Location>> {
        locate_items(text, paths, self.wrapped, &self.display_path)
    }
}

fn locate_items(
    text: &str,
    paths: &[YamlPath],
    wrapped: bool,
    display_path: &Path,
) -> Vec<Option<Location>> {
    let full: Vec<YamlPath> = paths
        .iter()
        .map(|p| {
            let mut full = if wrapped {
                vec![Seg::Key("items".into())]
            } else {
                Vec::new()
            };
            full.extend_from_slice(p);
            full
        })
        .collect();
    let found = source_map::locate(text, &full);
    // The source lines, in one pass over the text (not one pass per location).
    let mut wanted: Vec<usize> = found.iter().flatten().map(|p| p.line).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut lines: HashMap<usize, &str> = HashMap::with_capacity(wanted.len());
    let mut next = wanted.iter().peekable();
    for (i, line) in text.lines().enumerate() {
        let Some(&&want) = next.peek() else { break };
        if i + 1 == want {
            lines.insert(want, line.trim_end_matches('\r'));
            next.next();
        }
    }
    found
        .into_iter()
        .map(|pos| {
            pos.map(|p| {
                let mut loc = Location::at(display_path, p.line, p.column);
                loc.source_line = lines.get(&p.line).map(|l| l.to_string());
                loc
            })
        })
        .collect()
}

fn missing_slug(
    index: usize,
    id: Option<String>,
    path: &Path,
    display_path: &Path,
    wrapped: bool,
) -> Error {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let loc = locate_items(&text, &[vec![Seg::Index(index)]], wrapped, display_path)
        .pop()
        .flatten()
        .unwrap_or_else(|| Location::file(display_path));
    let which = match id {
        Some(id) => format!("item #{} (id `{id}`)", index + 1),
        None => format!("item #{}", index + 1),
    };
    Error::new(
        codes::ITEM_WITHOUT_SLUG,
        format!("catalog {which} has no `slug`"),
    )
    .at(loc)
    .with_help("every item needs a `slug:`, the name its page is found by")
}

fn wrong_flag(path: YamlPath, key: &str, kind: &str) -> Finding {
    Finding {
        code: codes::CATALOG_TYPE,
        path,
        message: format!("`{key}` should be true or false, found {kind}: treated as not true"),
        help: Some(format!(
            "write `{}: true` or `{}: false`, without quotes",
            last_key(key),
            last_key(key)
        )),
    }
}

fn last_key(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

fn read_setting(index: usize, si: usize, s: RawSetting, findings: &mut Vec<Finding>) -> Setting {
    let at = |key: &str| {
        vec![
            Seg::Index(index),
            Seg::Key("settings".into()),
            Seg::Index(si),
            Seg::Key(key.into()),
        ]
    };
    let required = Flag::from_data(s.required);
    let deprecated = Flag::from_data(s.deprecated);
    for (flag, key) in [(required, "required"), (deprecated, "deprecated")] {
        if let Flag::WrongType(kind) = flag {
            findings.push(wrong_flag(at(key), key, kind));
        }
    }
    for (d, key) in [
        (&s.label, "label"),
        (&s.kind, "type"),
        (&s.description, "description"),
    ] {
        if let Some(d @ (Data::Seq(_) | Data::Map(_))) = d {
            findings.push(Finding {
                code: codes::CATALOG_TYPE,
                path: at(key),
                message: format!(
                    "`{key}` should be text, found {}: shown as its items",
                    d.kind()
                ),
                help: None,
            });
        }
    }
    Setting {
        label: text_of(s.label).unwrap_or_default(),
        kind: text_of(s.kind).unwrap_or_default(),
        required,
        deprecated,
        default: s.default.unwrap_or(Data::Null),
        description: text_of(s.description).unwrap_or_default(),
    }
}

/// Empty labels (no anchor) and labels whose anchors collide, among the rows a page
/// shows (deprecated settings have no row).
fn check_anchors(index: usize, slug: &str, settings: &[Setting], findings: &mut Vec<Finding>) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (si, s) in settings.iter().enumerate() {
        if s.deprecated.is_true() {
            continue;
        }
        let label_path = vec![
            Seg::Index(index),
            Seg::Key("settings".into()),
            Seg::Index(si),
            Seg::Key("label".into()),
        ];
        let anchor = slugify(&s.label);
        if anchor.is_empty() {
            let what = if s.label.trim().is_empty() {
                "an empty label"
            } else {
                "a label with no letters or digits"
            };
            findings.push(Finding {
                code: codes::EMPTY_LABEL,
                path: label_path,
                message: format!(
                    "setting #{} of `{slug}` has {what}: its row has no anchor to link to",
                    si + 1
                ),
                help: Some("give the setting a `label:` with letters or digits".into()),
            });
            continue;
        }
        if let Some(first) = seen.get(&anchor) {
            findings.push(Finding {
                code: codes::ANCHOR_COLLISION,
                path: label_path,
                message: format!(
                    "labels `{first}` and `{}` of `{slug}` both make the anchor `#{anchor}`; this row gets a numbered one",
                    s.label
                ),
                help: Some("make the labels differ in letters or digits, not only in case or punctuation".into()),
            });
        } else {
            seen.insert(anchor, &s.label);
        }
    }
}

fn text_of(d: Option<Data>) -> Option<String> {
    match d {
        None | Some(Data::Null) => None,
        Some(d) => Some(d.to_text()),
    }
}

fn syntax_error(message: &str, format: &str) -> Error {
    Error::new(
        codes::CATALOG_SYNTAX,
        format!(
            "the catalog is not valid {format}: {}",
            crate::limits::explain(strip_position(message))
        ),
    )
}

/// serde's messages end with " at line L column C"; the location is printed separately.
fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => &message[..i],
        _ => message,
    }
}

/// A short reason for an I/O error ("No such file or directory").
pub fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}
