//! `mdbook-destinations install [BOOK_DIR]`: sets a book up for this preprocessor.
//!
//! It edits `book.toml` with `toml_edit`, so the user's comments, key order and formatting
//! survive, and adds only what is missing:
//!
//! - `[preprocessor.destinations]` with `after = ["links"]` and `catalog`;
//! - the catalog's folder, and the sync note's folder when one is configured, to
//!   `build.extra-watch-dirs`, so that `mdbook serve` rebuilds when they change;
//! - the stylesheet for the generated sections, written into the book as
//!   [`STYLESHEET_FILE`] and listed in `output.html.additional-css`.
//!
//! Running it again changes nothing. It plans every change in memory first ([`plan`]), so
//! a `book.toml` that is missing, does not parse or holds a value of an unexpected shape is
//! refused before anything is written; then it writes each file atomically (a temp file in
//! the same folder, renamed over the old one).

use crate::config::{DEFAULT_CATALOG, NAME};
use crate::diagnostics::{codes, Diagnostic, Error, Location, Result};
use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use toml_edit::{Array, DocumentMut, Item, Table, TableLike, Value};

/// The stylesheet for the generated sections (readable in mdBook's five themes; it uses
/// their CSS variables only).
pub const STYLESHEET: &str = include_str!("../assets/mdbook-destinations.css");

/// Where `install` writes the stylesheet, relative to the book root.
pub const STYLESHEET_FILE: &str = "mdbook-destinations.css";

/// What `install` was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The book's root folder (the one holding `book.toml`).
    pub book_dir: PathBuf,
    /// `--catalog PATH`: the catalog, relative to the book root. When absent, an existing
    /// `catalog` is kept, and a new table gets [`DEFAULT_CATALOG`].
    pub catalog: Option<String>,
}

/// One thing `install` changed (or, for a plan, would change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file changed.
    pub file: PathBuf,
    /// What was done to it.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.what)
    }
}

/// The edits for one book, computed without touching the disk.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `book.toml`'s new text (the old text when nothing changes).
    pub book_toml: String,
    /// Whether `book.toml` changes.
    pub book_toml_changed: bool,
    /// What changes, in the order it is written.
    pub changes: Vec<Change>,
    /// Whether the book has the stylesheet in `output.html.additional-css` (or gets it):
    /// false only for a book without HTML output.
    pub stylesheet: bool,
    /// Things the user should know: a folder not watched, a catalog not there yet.
    pub warnings: Vec<Diagnostic>,
}

/// What [`install`] did.
#[derive(Debug, Clone)]
pub struct Report {
    /// Every change written; empty when the book was already set up.
    pub changes: Vec<Change>,
    /// Warnings, as in [`Plan::warnings`].
    pub warnings: Vec<Diagnostic>,
}

/// Sets the book up: plans the edits, then writes the stylesheet and `book.toml` (in that
/// order, so `book.toml` never lists a stylesheet that is not there). Writes nothing when
/// the plan fails.
pub fn install(options: &Options) -> Result<Report> {
    let toml_path = options.book_dir.join("book.toml");
    let text = read_book_toml(&options.book_dir, &toml_path)?;
    let css_path = options.book_dir.join(STYLESHEET_FILE);
    let css_current = std::fs::read(&css_path).ok();
    let mut plan = plan(&text, &options.book_dir, options.catalog.as_deref())?;

    // book.toml's permissions, for the files written (a temp file is created 0600).
    let permissions = std::fs::metadata(&toml_path).ok().map(|m| m.permissions());
    let mut changes = Vec::new();
    if plan.stylesheet {
        match css_current.as_deref() {
            Some(bytes) if bytes == STYLESHEET.as_bytes() => {}
            current => {
                write_atomic(&css_path, STYLESHEET.as_bytes(), permissions.clone())?;
                changes.push(Change {
                    file: css_path.clone(),
                    what: if current.is_some() {
                        "replaced with this version's stylesheet".into()
                    } else {
                        "written (the stylesheet for the generated sections)".into()
                    },
                });
            }
        }
    }
    if plan.book_toml_changed {
        // Through a symlink, the file it points to is the one to replace.
        let target = std::fs::canonicalize(&toml_path).unwrap_or(toml_path.clone());
        write_atomic(&target, plan.book_toml.as_bytes(), permissions)?;
    }
    changes.append(&mut plan.changes);
    Ok(Report {
        changes,
        warnings: plan.warnings,
    })
}

fn read_book_toml(book_dir: &Path, toml_path: &Path) -> Result<String> {
    match std::fs::read_to_string(toml_path) {
        Ok(text) => Ok(text),
        Err(e) => {
            let (message, help) = if !book_dir.is_dir() {
                (
                    format!("no book folder at {}", book_dir.display()),
                    "give the folder that holds the book's book.toml: `mdbook-destinations install BOOK_DIR`",
                )
            } else if e.kind() == std::io::ErrorKind::NotFound {
                (
                    format!(
                        "{} has no book.toml; nothing was changed",
                        book_dir.display()
                    ),
                    "run `mdbook init` first, or give the folder that holds book.toml",
                )
            } else {
                (
                    format!(
                        "cannot read {}: {e}; nothing was changed",
                        toml_path.display()
                    ),
                    "check the file's permissions",
                )
            };
            Err(Error::new(codes::INSTALL_NO_BOOK, message)
                .in_file(toml_path)
                .with_help(help))
        }
    }
}

/// Computes the new `book.toml` for a book whose `book.toml` reads `text`. `book_dir` is
/// used to check that the catalog and the watched folders exist (for warnings only) and
/// for the messages.
pub fn plan(text: &str, book_dir: &Path, catalog: Option<&str>) -> Result<Plan> {
    let toml_path = book_dir.join("book.toml");
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
        Error::new(
            codes::INSTALL_BAD_BOOK_TOML,
            format!(
                "book.toml is not valid TOML: {}; nothing was changed",
                e.message().trim_end()
            ),
        )
        .at(Location::at(&toml_path, line, column))
    })?;
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let change = |what: String| Change {
        file: toml_path.clone(),
        what,
    };

    // [preprocessor.destinations]
    let root = doc.as_table_mut();
    let preprocessors = child_table(root, "preprocessor", "preprocessor", true, &toml_path)?;
    let existed = preprocessors.contains_key(NAME);
    let ours = child_table(
        preprocessors,
        NAME,
        &format!("preprocessor.{NAME}"),
        false,
        &toml_path,
    )?;
    let key_path = |key: &str| format!("preprocessor.{NAME}.{key}");
    if !existed {
        let catalog = catalog.unwrap_or(DEFAULT_CATALOG);
        ours.insert(
            "after",
            Item::Value(Value::Array(Array::from_iter(["links"]))),
        );
        ours.insert("catalog", Item::Value(catalog.into()));
        changes.push(change(format!(
            "added [preprocessor.{NAME}] with after = [\"links\"] and catalog = {catalog:?}"
        )));
    } else {
        // `after`: "links" must be in it, so that {{#include}} is expanded first.
        match ours.get_mut("after") {
            None => {
                ours.insert(
                    "after",
                    Item::Value(Value::Array(Array::from_iter(["links"]))),
                );
                changes.push(change(format!("set {} = [\"links\"]", key_path("after"))));
            }
            Some(item) => {
                let array = array_mut(item, &toml_path, &key_path("after"))?;
                if !array.iter().any(|v| v.as_str() == Some("links")) {
                    push_like(array, "links");
                    changes.push(change(format!("added \"links\" to {}", key_path("after"))));
                }
            }
        }
        match (ours.get("catalog"), catalog) {
            (Some(item), _) if item.as_str().is_none() => {
                return Err(wrong_shape(
                    &toml_path,
                    &key_path("catalog"),
                    "a path",
                    item,
                ));
            }
            (Some(item), Some(wanted)) if item.as_str() != Some(wanted) => {
                let old = item.as_str().unwrap_or_default().to_string();
                set_keeping_decor(ours, "catalog", wanted);
                changes.push(change(format!(
                    "changed {} from {old:?} to {wanted:?}",
                    key_path("catalog")
                )));
            }
            (None, wanted) => {
                let wanted = wanted.unwrap_or(DEFAULT_CATALOG);
                ours.insert("catalog", Item::Value(wanted.into()));
                changes.push(change(format!("set {} = {wanted:?}", key_path("catalog"))));
            }
            _ => {}
        }
        for key in ["sync-note", "personas-text", "template", "includes"] {
            if let Some(item) = ours.get(key) {
                if item.as_str().is_none() {
                    return Err(wrong_shape(&toml_path, &key_path(key), "a path", item));
                }
            }
        }
    }
    let catalog_path = ours
        .get("catalog")
        .and_then(Item::as_str)
        .unwrap_or(DEFAULT_CATALOG)
        .to_string();
    let path_of = |key: &str| ours.get(key).and_then(Item::as_str).map(str::to_string);
    let sync_note = path_of("sync-note");
    let personas_text = path_of("personas-text");
    let template = path_of("template");
    // The includes folder is watched when a template can include from it.
    let includes = template
        .as_ref()
        .map(|_| path_of("includes").unwrap_or_else(|| "includes".into()));

    if !book_dir.join(&catalog_path).is_file() {
        warnings.push(
            Diagnostic::warning(
                codes::INSTALL_NOTE,
                format!(
                    "the catalog {catalog_path} is not there yet (the path is relative to the book root)"
                ),
            )
            .in_file(book_dir.join(&catalog_path))
            .with_help("create it before `mdbook build`, or run install again with `--catalog PATH`"),
        );
    }

    // build.extra-watch-dirs
    let src = root_str(&doc, &["book", "src"])
        .unwrap_or("src")
        .to_string();
    let mut wanted_dirs: Vec<(String, &str)> = Vec::new();
    let folders = [
        (Some(parent_folder(&catalog_path)), "catalog"),
        (sync_note.as_deref().map(parent_folder), "sync note"),
        (personas_text.as_deref().map(parent_folder), "personas text"),
        (template.as_deref().map(parent_folder), "template"),
        (
            includes.map(|d| d.trim_end_matches('/').to_string()),
            "includes",
        ),
    ];
    for (dir, what) in folders {
        let Some(dir) = dir else { continue };
        match watch_problem(&dir, &src, book_dir) {
            Watch::Add => {
                if !wanted_dirs.iter().any(|(d, _)| same_path(d, &dir)) {
                    wanted_dirs.push((dir, what));
                }
            }
            Watch::AlreadyWatched => {}
            Watch::Not(problem) => warnings.push(
                Diagnostic::warning(
                    codes::INSTALL_NOTE,
                    format!(
                        "the {what}'s folder is not added to build.extra-watch-dirs: {problem}"
                    ),
                )
                .in_file(&toml_path),
            ),
        }
    }
    if !wanted_dirs.is_empty() {
        let root = doc.as_table_mut();
        let build = child_table(root, "build", "build", false, &toml_path)?;
        let had_key = build.contains_key("extra-watch-dirs");
        let item = build
            .entry("extra-watch-dirs")
            .or_insert(Item::Value(Value::Array(Array::new())));
        let array = array_mut(item, &toml_path, "build.extra-watch-dirs")?;
        for (dir, what) in wanted_dirs {
            if array
                .iter()
                .any(|v| v.as_str().is_some_and(|s| same_path(s, &dir)))
            {
                continue;
            }
            push_like(array, &dir);
            changes.push(change(format!(
                "added {dir:?} (the {what}'s folder) to build.extra-watch-dirs{}",
                if had_key {
                    ""
                } else {
                    ", so `mdbook serve` rebuilds when it changes"
                }
            )));
            if !book_dir.join(&dir).is_dir() {
                warnings.push(
                    Diagnostic::warning(
                        codes::INSTALL_NOTE,
                        format!("the watched folder {dir} does not exist yet"),
                    )
                    .in_file(&toml_path)
                    .with_help("create it before `mdbook serve`, which stops on a watched folder that is missing"),
                );
            }
        }
    }

    // output.html.additional-css
    let root = doc.as_table_mut();
    let has_output = root.contains_key("output");
    let output = child_table(root, "output", "output", true, &toml_path)?;
    let other_renderers = output.iter().any(|(k, _)| k != "html");
    let stylesheet = !(has_output && other_renderers && !output.contains_key("html"));
    if !stylesheet {
        warnings.push(
            Diagnostic::warning(
                codes::INSTALL_NOTE,
                "the book has no HTML output ([output] lists other renderers only): no stylesheet added",
            )
            .in_file(&toml_path),
        );
    } else {
        let html = child_table(output, "html", "output.html", false, &toml_path)?;
        let item = html
            .entry("additional-css")
            .or_insert(Item::Value(Value::Array(Array::new())));
        let array = array_mut(item, &toml_path, "output.html.additional-css")?;
        if !array
            .iter()
            .any(|v| v.as_str().is_some_and(|s| same_path(s, STYLESHEET_FILE)))
        {
            push_like(array, STYLESHEET_FILE);
            changes.push(change(format!(
                "added {STYLESHEET_FILE:?} to output.html.additional-css"
            )));
        }
    }

    let book_toml = doc.to_string();
    let book_toml_changed = book_toml != text;
    Ok(Plan {
        book_toml,
        book_toml_changed,
        changes,
        stylesheet,
        warnings,
    })
}

/// The table `key` of `parent`, created when missing (`implicit`: without a header of its
/// own, as `[preprocessor]` is when only `[preprocessor.destinations]` is written).
fn child_table<'a>(
    parent: &'a mut dyn TableLike,
    key: &str,
    dotted: &str,
    implicit: bool,
    toml_path: &Path,
) -> Result<&'a mut dyn TableLike> {
    if !parent.contains_key(key) {
        let mut table = Table::new();
        table.set_implicit(implicit);
        parent.insert(key, Item::Table(table));
    }
    let item = parent.get_mut(key).expect("just inserted");
    if item.is_table_like() {
        Ok(item.as_table_like_mut().expect("checked"))
    } else {
        Err(wrong_shape(toml_path, dotted, "a table", item))
    }
}

/// The array in `item`, or an error naming `key`.
fn array_mut<'a>(item: &'a mut Item, toml_path: &Path, key: &str) -> Result<&'a mut Array> {
    if item.is_array() {
        Ok(item.as_array_mut().expect("checked"))
    } else {
        Err(wrong_shape(toml_path, key, "a list", item))
    }
}

fn wrong_shape(toml_path: &Path, key: &str, expected: &str, found: &Item) -> Error {
    Error::new(
        codes::INSTALL_BAD_BOOK_TOML,
        format!(
            "`{key}` in book.toml should be {expected}, found {}; nothing was changed",
            found.type_name()
        ),
    )
    .in_file(toml_path)
    .with_help(format!("fix `{key}` by hand, then run install again"))
}

/// Appends a string to an array, formatted like the array's last element (so a
/// one-per-line array stays one per line).
fn push_like(array: &mut Array, value: &str) {
    let mut new = Value::from(value);
    if let Some(last) = array.iter().last() {
        // A first element has no space before it; the ones after it have one.
        let prefix = match last.decor().prefix().and_then(|p| p.as_str()) {
            None | Some("") => " ",
            Some(p) => p,
        };
        new.decor_mut().set_prefix(prefix.to_string());
    }
    array.push_formatted(new);
}

/// Replaces a string value, keeping the whitespace and comment around the old one.
fn set_keeping_decor(table: &mut dyn TableLike, key: &str, value: &str) {
    let mut new = Value::from(value);
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        *new.decor_mut() = old.decor().clone();
    }
    table.insert(key, Item::Value(new));
}

fn root_str<'a>(doc: &'a DocumentMut, keys: &[&str]) -> Option<&'a str> {
    let mut item = doc.as_item();
    for key in keys {
        item = item.get(key)?;
    }
    item.as_str()
}

/// The folder of a file path as written (`data/catalog/x.yml` → `data/catalog`), `.` for
/// a file at the root. Always with `/`.
fn parent_folder(file: &str) -> String {
    let parts: Vec<String> = normal_parts(Path::new(file));
    let dir = &parts[..parts.len().saturating_sub(1)];
    if dir.is_empty() {
        ".".to_string()
    } else if Path::new(file).is_absolute() {
        Path::new(file)
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    } else {
        dir.join("/")
    }
}

/// A path's components with `.` dropped and `x/..` folded where `x` is a name.
fn normal_parts(path: &Path) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if out.last().is_some_and(|l| l != "..") => {
                out.pop();
            }
            other => out.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    out
}

fn same_path(a: &str, b: &str) -> bool {
    normal_parts(Path::new(a)) == normal_parts(Path::new(b))
}

/// Whether a folder goes into `build.extra-watch-dirs`.
#[derive(Debug, PartialEq, Eq)]
enum Watch {
    /// Yes.
    Add,
    /// No need: it is inside `src/`, which mdBook watches.
    AlreadyWatched,
    /// No, and the user should know why.
    Not(String),
}

/// Watching the book root (or a folder above it) would see every build's own output and
/// rebuild forever, so such a folder is not added.
fn watch_problem(dir: &str, src: &str, book_dir: &Path) -> Watch {
    let parts = normal_parts(Path::new(dir));
    let src_parts = normal_parts(Path::new(src));
    if parts.starts_with(&src_parts) && !Path::new(dir).is_absolute() {
        return Watch::AlreadyWatched;
    }
    let abs_dir = std::fs::canonicalize(book_dir.join(dir)).ok();
    let abs_root = std::fs::canonicalize(book_dir).ok();
    let covers_root = match (abs_dir, abs_root) {
        (Some(d), Some(r)) => r.starts_with(d),
        // Not there (yet): judge by the path as written.
        _ => parts.is_empty() || parts.iter().all(|p| p == ".."),
    };
    if covers_root {
        return Watch::Not(format!(
            "`{dir}` holds the book itself, and watching it would rebuild on every build's own output; \
             move the file into a folder of its own to get rebuilds on change"
        ));
    }
    Watch::Add
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Writes a file atomically: a temp file in the same folder, synced, then renamed over
/// `path`. `permissions` are set on the temp file first (it is created private).
fn write_atomic(
    path: &Path,
    contents: &[u8],
    permissions: Option<std::fs::Permissions>,
) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::new(
            codes::INSTALL_WRITE,
            format!("cannot write {}: {e}", path.display()),
        )
        .in_file(path)
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".mdbook-destinations-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_in(text: &str, catalog: Option<&str>) -> Plan {
        plan(text, Path::new("/nonexistent-book"), catalog).expect("plans")
    }

    #[test]
    fn empty_book_toml_gets_everything() {
        let p = plan_in("[book]\ntitle = \"T\"\n", None);
        let t = &p.book_toml;
        assert!(t.starts_with("[book]\ntitle = \"T\"\n"), "{t}");
        let parsed: toml::Table = toml::from_str(t).unwrap();
        let ours = &parsed["preprocessor"]["destinations"];
        assert_eq!(ours["after"].as_array().unwrap()[0].as_str(), Some("links"));
        assert_eq!(ours["catalog"].as_str(), Some(DEFAULT_CATALOG));
        assert_eq!(
            parsed["build"]["extra-watch-dirs"].as_array().unwrap(),
            &vec![toml::Value::from("data/catalog")]
        );
        assert_eq!(
            parsed["output"]["html"]["additional-css"]
                .as_array()
                .unwrap(),
            &vec![toml::Value::from(STYLESHEET_FILE)]
        );
        assert!(
            !t.contains("[preprocessor]\n"),
            "no empty parent header: {t}"
        );
        assert!(!t.contains("[output]\n"), "no empty parent header: {t}");
        assert_eq!(p.changes.len(), 3, "{:?}", p.changes);
        assert!(p.book_toml_changed);
    }

    #[test]
    fn second_plan_changes_nothing() {
        let first = plan_in("[book]\ntitle = \"T\"\n", Some("catalog/dest.json"));
        let second = plan_in(&first.book_toml, None);
        assert!(!second.book_toml_changed, "{}", second.book_toml);
        assert!(second.changes.is_empty(), "{:?}", second.changes);
        assert_eq!(second.book_toml, first.book_toml);
        let again = plan_in(&first.book_toml, Some("catalog/dest.json"));
        assert!(again.changes.is_empty(), "{:?}", again.changes);
    }

    #[test]
    fn comments_and_order_survive() {
        let text = "# my book\n[book]\ntitle = \"T\" # the title\n\n[output.html]\n# theme\ndefault-theme = \"ayu\"\nadditional-css = [\n    \"custom.css\",\n]\n";
        let p = plan_in(text, None);
        let t = &p.book_toml;
        assert!(
            t.starts_with("# my book\n[book]\ntitle = \"T\" # the title\n"),
            "{t}"
        );
        assert!(t.contains("# theme\ndefault-theme = \"ayu\"\n"), "{t}");
        assert!(
            t.contains(
                "additional-css = [\n    \"custom.css\",\n    \"mdbook-destinations.css\",\n]"
            ),
            "one per line stays one per line: {t}"
        );
    }

    #[test]
    fn existing_table_is_completed_not_replaced() {
        let text = "[preprocessor.destinations]\n# mine\ncatalog = \"x/y.yml\" # keep\nsync-note = \"notes/n.md\"\nafter = [\"other\"]\n";
        let p = plan_in(text, None);
        let t = &p.book_toml;
        assert!(t.contains("catalog = \"x/y.yml\" # keep"), "{t}");
        assert!(t.contains("after = [\"other\", \"links\"]"), "{t}");
        assert!(t.contains("extra-watch-dirs = [\"x\", \"notes\"]"), "{t}");
        let p2 = plan_in(text, Some("x/z.yml"));
        assert!(
            p2.book_toml.contains("catalog = \"x/z.yml\" # keep"),
            "{}",
            p2.book_toml
        );
        assert!(p2
            .changes
            .iter()
            .any(|c| c.what.contains("from \"x/y.yml\" to \"x/z.yml\"")));
    }

    #[test]
    fn watch_dirs_are_not_repeated_and_src_and_root_are_skipped() {
        let text = "[book]\nsrc = \"pages\"\n[build]\nextra-watch-dirs = [\"./data/catalog/\"]\n[preprocessor.destinations]\nafter = [\"links\"]\ncatalog = \"data/catalog/d.yml\"\nsync-note = \"pages/inc/note.md\"\n";
        let p = plan_in(text, None);
        assert!(
            p.book_toml
                .contains("extra-watch-dirs = [\"./data/catalog/\"]"),
            "{}",
            p.book_toml
        );
        assert!(
            !p.warnings
                .iter()
                .any(|w| w.message.contains("extra-watch-dirs")),
            "a sync note inside src/ is watched already, silently: {:?}",
            p.warnings
        );
        let root = plan_in("[preprocessor.destinations]\ncatalog = \"d.yml\"\n", None);
        assert!(
            !root.book_toml.contains("extra-watch-dirs"),
            "{}",
            root.book_toml
        );
        assert!(root
            .warnings
            .iter()
            .any(|w| w.message.contains("holds the book itself")));
        let above = plan_in(
            "[preprocessor.destinations]\ncatalog = \"../d.yml\"\n",
            None,
        );
        assert!(
            !above.book_toml.contains("extra-watch-dirs"),
            "{}",
            above.book_toml
        );
        let sibling = plan_in(
            "[preprocessor.destinations]\ncatalog = \"../data/d.yml\"\n",
            None,
        );
        assert!(
            sibling
                .book_toml
                .contains("extra-watch-dirs = [\"../data\"]"),
            "{}",
            sibling.book_toml
        );
    }

    #[test]
    fn no_html_output_means_no_stylesheet() {
        let p = plan_in("[output.markdown]\n", None);
        assert!(!p.book_toml.contains("additional-css"), "{}", p.book_toml);
        assert!(!p.book_toml.contains("[output.html]"), "{}", p.book_toml);
        assert!(!p.stylesheet);
        let q = plan_in("[output.markdown]\n[output.html]\n", None);
        assert!(q
            .book_toml
            .contains("additional-css = [\"mdbook-destinations.css\"]"));
        assert!(q.stylesheet);
    }

    #[test]
    fn refuses_bad_toml_with_line_and_column() {
        let e = plan("[book]\ntitle = \n", Path::new("b"), None).unwrap_err();
        let d = e.diagnostic();
        assert_eq!(d.code, codes::INSTALL_BAD_BOOK_TOML);
        let loc = d.location.as_ref().unwrap();
        assert_eq!(loc.path, Path::new("b/book.toml"));
        assert_eq!(loc.line, Some(2), "{d}");
    }

    #[test]
    fn refuses_values_of_the_wrong_shape() {
        for (text, key) in [
            ("preprocessor = 1\n", "`preprocessor`"),
            (
                "[preprocessor]\ndestinations = \"x\"\n",
                "`preprocessor.destinations`",
            ),
            (
                "[preprocessor.destinations]\nafter = \"links\"\n",
                "`preprocessor.destinations.after`",
            ),
            (
                "[preprocessor.destinations]\ncatalog = 3\n",
                "`preprocessor.destinations.catalog`",
            ),
            (
                "[build]\nextra-watch-dirs = \"data\"\n",
                "`build.extra-watch-dirs`",
            ),
            (
                "[output.html]\nadditional-css = \"a.css\"\n",
                "`output.html.additional-css`",
            ),
        ] {
            let e = plan(text, Path::new("b"), None).unwrap_err();
            assert!(e.to_string().contains(key), "{text}: {e}");
            assert!(e.to_string().contains("nothing was changed"), "{e}");
        }
    }

    #[test]
    fn dotted_and_inline_tables_are_extended_in_place() {
        let p = plan_in("output.html = { default-theme = \"navy\" }\n", None);
        assert!(
            p.book_toml.starts_with("output.html = {"),
            "{}",
            p.book_toml
        );
        let parsed: toml::Table = toml::from_str(&p.book_toml).unwrap();
        assert_eq!(
            parsed["output"]["html"]["default-theme"].as_str(),
            Some("navy")
        );
        assert_eq!(
            parsed["output"]["html"]["additional-css"]
                .as_array()
                .unwrap(),
            &vec![toml::Value::from(STYLESHEET_FILE)]
        );
        let q = plan_in("[preprocessor]\ndestinations.catalog = \"c/d.yml\"\n", None);
        let parsed: toml::Table = toml::from_str(&q.book_toml).unwrap();
        assert_eq!(
            parsed["preprocessor"]["destinations"]["after"]
                .as_array()
                .unwrap(),
            &vec![toml::Value::from("links")]
        );
        assert_eq!(
            parsed["preprocessor"]["destinations"]["catalog"].as_str(),
            Some("c/d.yml")
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("x", 0), (1, 1));
    }
}
