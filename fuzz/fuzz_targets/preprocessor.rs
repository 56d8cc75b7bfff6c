//! The whole preprocessor on arbitrary stdin bytes, in a real book folder (the example
//! book's catalog and sync note). `@ROOT@` in the input stands for that folder, so the
//! seeds (protocol input for the example book) reach the chapters. Never a panic; a run
//! that succeeds writes JSON with as many chapters as it read; an error names a file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mdbook_destinations::preprocessor::run_protocol;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

static BOOK: LazyLock<(tempfile::TempDir, Vec<u8>)> = LazyLock::new(|| {
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("a temp dir");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let copy = |from: &str, to: &str| {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo.join(from), to).expect("the example book's files");
    };
    copy(
        "data/catalog/destinations.yml",
        "data/catalog/destinations.yml",
    );
    copy(
        "book-example/includes/sync-frequency-note.md",
        "includes/sync-frequency-note.md",
    );
    let root = serde_json::to_string(&dir.path().display().to_string()).unwrap();
    let root = root.trim_matches('"').as_bytes().to_vec();
    (dir, root)
});

fn chapters(v: &Value) -> usize {
    let items = v.get("items").or_else(|| v.get("sections"));
    fn walk(items: &[Value]) -> usize {
        items
            .iter()
            .filter_map(|i| i.get("Chapter"))
            .map(|c| {
                1 + match c.get("sub_items") {
                    Some(Value::Array(s)) => walk(s),
                    _ => 0,
                }
            })
            .sum()
    }
    match items {
        Some(Value::Array(items)) => walk(items),
        _ => 0,
    }
}

fn replace_root(data: &[u8], root: &[u8]) -> Vec<u8> {
    let needle = b"@ROOT@";
    let mut out = Vec::with_capacity(data.len() + root.len());
    let mut i = 0;
    while i < data.len() {
        if data[i..].starts_with(needle) {
            out.extend_from_slice(root);
            i += needle.len();
        } else {
            out.push(data[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let input = replace_root(data, &BOOK.1);
    match run_protocol(&input) {
        Ok(run) => {
            let mut out = Vec::new();
            run.book.write_to(&mut out).expect("the book is written");
            let back: Value = serde_json::from_slice(&out).expect("the output is JSON");
            let before: Value =
                serde_json::from_slice::<Value>(&input).expect("the input was JSON")[1].clone();
            assert_eq!(
                chapters(&back),
                chapters(&before),
                "as many chapters out as in"
            );
            for d in &run.diagnostics {
                let _ = d.to_string();
            }
        }
        Err(failure) => {
            let errors: Vec<_> = failure
                .diagnostics
                .iter()
                .filter(|d| d.severity == mdbook_destinations::Severity::Error)
                .collect();
            assert!(!errors.is_empty(), "a failed run reports an error");
            for d in errors {
                // The one diagnostic without a file: the calling mdBook's version (W001,
                // an error with `strict`).
                assert!(
                    d.location.is_some() || d.code == "W001",
                    "an error names a file: {d}"
                );
                let _ = d.to_string();
            }
        }
    }
});
