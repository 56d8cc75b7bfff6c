//! `mdbook-destinations check [BOOK_DIR]`: reads `book.toml`, `SUMMARY.md`, the chapters
//! and the catalog as a build would — the book is loaded the way mdBook loads it and then
//! goes through the same [`Preprocessor::run`] — without building, and reports.

use crate::diagnostics::{codes, Diagnostic, Error, Location, Result, Severity};
use crate::preprocessor::{Preprocessor, Report, Stats, Unused};
use crate::protocol::Book;
use mdbook_preprocessor::book::{Book as MdBook, BookItem, Chapter};
use mdbook_summary::{Link, SummaryItem};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Checks the book at `dir`. Problems that stop the check early (no `book.toml`, an
/// unreadable catalog) come back as the report's only diagnostic.
pub fn check(dir: &Path) -> Report {
    match load_and_run(dir) {
        Ok(report) => report,
        Err(e) => Report {
            diagnostics: vec![*e.0],
            stats: Stats::default(),
        },
    }
}

fn load_and_run(dir: &Path) -> Result<Report> {
    let config = read_config(dir)?;
    let (pre, mut warnings) = Preprocessor::new(dir, &config)?;
    if pre.config.strict {
        warnings = warnings.into_iter().map(Diagnostic::promoted).collect();
    }
    let mut book = load_book(dir, &pre.src_dir)?;
    let mut report = pre.run(&mut book, Unused::List);
    warnings.append(&mut report.diagnostics);
    report.diagnostics = warnings;
    Ok(report)
}

/// `book.toml` as mdBook 0.5 reads it (with its `MDBOOK_*` environment overrides), as
/// JSON; a book.toml that only older mdBooks accept is read as plain TOML.
pub fn read_config(dir: &Path) -> Result<Value> {
    let file = dir.join("book.toml");
    let text = std::fs::read_to_string(&file).map_err(|e| {
        Error::new(
            codes::UNREADABLE_FILE,
            format!(
                "cannot read {}: {}",
                file.display(),
                crate::catalog::io_reason(&e)
            ),
        )
        .in_file(&file)
        .with_help("run `check` on a book folder: the one holding book.toml")
    })?;
    let parsed: Result<Value, String> = text
        .parse::<mdbook_preprocessor::config::Config>()
        .map_err(|e| format!("{e:#}"))
        .and_then(|mut c| {
            c.update_from_env().map_err(|e| format!("{e:#}"))?;
            serde_json::to_value(c).map_err(|e| e.to_string())
        });
    match parsed {
        Ok(v) => Ok(v),
        Err(mdbook_error) => {
            let table: toml::Table = toml::from_str(&text).map_err(|e| {
                let loc = e
                    .span()
                    .map(|s| {
                        let (l, c) = crate::catalog::line_col(text.as_bytes(), s.start);
                        Location::at(&file, l, c)
                    })
                    .unwrap_or_else(|| Location::file(&file));
                Error::new(
                    codes::BAD_CONFIG,
                    format!("book.toml is not valid TOML: {}", e.message()),
                )
                .at(loc)
            })?;
            let _ = mdbook_error;
            serde_json::to_value(table)
                .map_err(|e| Error::new(codes::BAD_CONFIG, e.to_string()).in_file(&file))
        }
    }
}

/// Reads `SUMMARY.md` and the chapters it lists, as mdBook does, into the protocol's
/// book JSON (mdBook 0.5 shape).
pub fn load_book(dir: &Path, src_dir: &Path) -> Result<Book> {
    let src = dir.join(src_dir);
    let summary_path = src.join("SUMMARY.md");
    let display_summary = src_dir.join("SUMMARY.md");
    let text = std::fs::read_to_string(&summary_path).map_err(|e| {
        Error::new(
            codes::UNREADABLE_FILE,
            format!(
                "cannot read {}: {}",
                summary_path.display(),
                crate::catalog::io_reason(&e)
            ),
        )
        .in_file(&display_summary)
    })?;
    let summary = mdbook_summary::parse_summary(&text).map_err(|e| {
        Error::new(
            codes::BAD_INPUT,
            format!("SUMMARY.md does not parse: {e:#}"),
        )
        .in_file(&display_summary)
    })?;
    let mut items = Vec::new();
    for item in summary
        .prefix_chapters
        .iter()
        .chain(&summary.numbered_chapters)
        .chain(&summary.suffix_chapters)
    {
        items.push(load_item(item, &src, src_dir, &[])?);
    }
    let mut book = MdBook::new();
    book.items = items;
    let value =
        serde_json::to_value(&book).map_err(|e| Error::new(codes::BAD_INPUT, e.to_string()))?;
    Ok(Book { value })
}

fn load_item(
    item: &SummaryItem,
    src: &Path,
    src_dir: &Path,
    parents: &[String],
) -> Result<BookItem> {
    Ok(match item {
        SummaryItem::Link(link) => BookItem::Chapter(load_chapter(link, src, src_dir, parents)?),
        SummaryItem::Separator => BookItem::Separator,
        SummaryItem::PartTitle(t) => BookItem::PartTitle(t.clone()),
        _ => BookItem::Separator,
    })
}

fn load_chapter(link: &Link, src: &Path, src_dir: &Path, parents: &[String]) -> Result<Chapter> {
    let mut chapter = match &link.location {
        Some(location) => {
            let file = src.join(location);
            let mut content = std::fs::read_to_string(&file).map_err(|e| {
                Error::new(
                    codes::UNREADABLE_FILE,
                    format!(
                        "cannot read chapter `{}` listed in SUMMARY.md: {}",
                        link.name,
                        crate::catalog::io_reason(&e)
                    ),
                )
                .in_file(src_dir.join(location))
            })?;
            if content.starts_with('\u{feff}') {
                content.drain(..3);
            }
            Chapter::new(&link.name, content, location, parents.to_vec())
        }
        None => Chapter::new_draft(&link.name, parents.to_vec()),
    };
    chapter.number = link.number.clone();
    let mut names = parents.to_vec();
    names.push(link.name.clone());
    for sub in &link.nested_items {
        chapter
            .sub_items
            .push(load_item(sub, src, src_dir, &names)?);
    }
    Ok(chapter)
}

/// The exit status for a report: 1 on errors, 2 on warnings when they are denied, else 0.
pub fn exit_code(report: &Report, deny_warnings: bool) -> u8 {
    if report.errors() > 0 {
        1
    } else if deny_warnings && report.warnings() > 0 {
        2
    } else {
        0
    }
}

/// The report as text: every diagnostic, then one summary line.
pub fn render_human(report: &Report, dir: &Path) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    let s = &report.stats;
    out.push_str(&format!(
        "checked {}: {} destination page{} ({} with sections, {} hidden by hide-boilerplate, {} without catalog item), \
         {} catalog item{} ({} without page), {} settings row{}; {} warning{}, {} error{}\n",
        dir.display(),
        s.destination_pages,
        plural(s.destination_pages),
        s.rendered,
        s.hidden,
        s.without_item,
        s.items,
        plural(s.items),
        s.unused_items,
        s.rows,
        plural(s.rows),
        report.warnings(),
        plural(report.warnings()),
        report.errors(),
        plural(report.errors()),
    ));
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The report as one JSON document.
pub fn render_json(report: &Report, dir: &Path) -> String {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "code": d.code,
                "message": d.message,
                "location": d.location.as_ref().map(|l| serde_json::json!({
                    "path": l.path.display().to_string(),
                    "line": l.line,
                    "column": l.column,
                })),
                "help": d.help,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "book": PathBuf::from(dir).display().to_string(),
        "summary": {
            "destination_pages": report.stats.destination_pages,
            "rendered": report.stats.rendered,
            "hidden": report.stats.hidden,
            "pages_without_item": report.stats.without_item,
            "items": report.stats.items,
            "items_without_page": report.stats.unused_items,
            "rows": report.stats.rows,
            "chapters": report.stats.chapters,
            "warnings": report.warnings(),
            "errors": report.errors(),
        },
        "diagnostics": diagnostics,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    s.push('\n');
    s
}
