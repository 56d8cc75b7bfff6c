//! Catalog loading on arbitrary bytes, as YAML and as JSON (the first byte chooses): never
//! a panic; a catalog that loads finds each slug's first item and renders every item's
//! sections with balanced HTML; an error names the file, with a line inside it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_destinations::catalog::{Catalog, Format};
use mdbook_destinations::frontmatter::FrontMatter;
use mdbook_destinations::render::{self, MarkdownOptions, Sections, Texts};
use std::path::Path;
use std::sync::LazyLock;

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("a temp dir")
});

#[path = "../../tests/html_check/mod.rs"]
mod html_check;

/// Lines in a text as YAML counts them (`\r\n`, `\n` and a lone `\r` each end one),
/// plus one for a position just past the end.
fn lines(text: &[u8]) -> usize {
    let mut n = 1;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\r' if text.get(i + 1) == Some(&b'\n') => {
                n += 1;
                i += 1;
            }
            b'\r' | b'\n' => n += 1,
            _ => {}
        }
        i += 1;
    }
    n + 1
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let format = if first & 1 == 0 {
        Format::Yaml
    } else {
        Format::Json
    };
    let display = Path::new("data/catalog/destinations.yml");
    // On disk too: a missing slug is located by reading the file again.
    let path = DIR.path().join("destinations.yml");
    std::fs::write(&path, bytes).expect("a writable temp dir");
    match Catalog::parse(bytes, format, &path, display) {
        Ok(catalog) => {
            for item in &catalog.items {
                let found = catalog.get(&item.slug).expect("every slug is found");
                assert_eq!(found.slug, item.slug);
                assert!(found.index <= item.index, "the first item with a slug wins");
                let sections = Sections::for_page(item, &FrontMatter::default());
                let footer = render::footer(
                    item,
                    sections,
                    &Texts::default(),
                    MarkdownOptions::default(),
                );
                let table = render::settings_table(&item.settings, MarkdownOptions::default());
                assert!(footer.contains(&table));
                if let Err(e) = html_check::check_balanced(&table) {
                    panic!("unbalanced: {e}\n{table}");
                }
            }
            // Locating every item works on the text (diagnostics do this).
            if let Ok(text) = std::str::from_utf8(bytes) {
                let paths: Vec<_> = (0..catalog.items.len().min(64))
                    .map(|i| vec![mdbook_destinations::source_map::Seg::Index(i)])
                    .collect();
                let _ = catalog.locate_in(text, &paths);
            }
        }
        Err(e) => {
            let d = e.diagnostic();
            let loc = d.location.as_ref().expect("an error names the file");
            assert_eq!(loc.path, display);
            if let Some(line) = loc.line {
                let lines = lines(bytes);
                assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            }
            let _ = d.to_string();
        }
    }
});
