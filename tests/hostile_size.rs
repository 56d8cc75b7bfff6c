//! Large inputs are handled: a 50 MB catalog (YAML and JSON), and a book of 20,000
//! chapters, each through the binary under an address-space limit, timed.

mod common;
use common::*;
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const MB: usize = 1 << 20;

/// Runs the binary on `input` under `ulimit -v MB`, timing it.
fn run_limited(input: &[u8], limit_mb: usize) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\"", limit_mb * 1024))
        .arg(bin())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    {
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(input);
    }
    let out = child.wait_with_output().expect("the binary runs");
    (out, start.elapsed())
}

/// One catalog item of about 2.5 KB: five settings of every default kind.
fn item_yaml(i: usize, out: &mut String) {
    out.push_str(&format!(
        "- id: \"{i:024x}\"\n  slug: dest-{i}\n  display_name: Destination {i}\n  \
         platforms:\n    server: {}\n  settings:\n",
        i.is_multiple_of(2)
    ));
    for (label, kind, default) in [
        ("API Key", "string", "''"),
        ("Region", "select", "us-east"),
        ("Batch", "boolean", "true"),
        ("Events", "array", "[track, identify, page]"),
        ("Limit", "number", "100"),
    ] {
        out.push_str(&format!(
            "  - label: {label}\n    type: {kind}\n    required: false\n    defaultValue: {default}\n    \
             description: The {label} of destination {i}, from its [dashboard](https://example.com/{i}). \
             Use **this** when the *default* does not fit; see `docs` for more, and mind the \
             limits of the plan you are on.\n"
        ));
    }
}

fn big_catalog_yaml(min_bytes: usize) -> (String, usize) {
    let mut yaml = String::with_capacity(min_bytes + 4096);
    yaml.push_str("items:\n");
    let mut n = 0;
    while yaml.len() < min_bytes {
        item_yaml(n, &mut yaml);
        n += 1;
    }
    (yaml, n)
}

fn book_for_catalog(path: &str, catalog: &[u8], slugs: &[usize]) -> TestBook {
    let mut tb = TestBook::new();
    tb.file(path, catalog);
    tb.set(&format!("catalog = {path:?}"));
    tb.set(r#"pages = ["*/index.md"]"#);
    for i in slugs {
        tb.add(chapter(
            &format!("dest-{i}/index.md"),
            &format!("# Dest {i}\n"),
        ));
    }
    tb
}

fn assert_rendered(out: &Output, slugs: &[usize]) {
    let err = stderr(out);
    assert!(out.status.success(), "{err}");
    let book: Value = serde_json::from_slice(&out.stdout).unwrap();
    let contents = contents_of(&book);
    for (content, i) in contents.iter().zip(slugs) {
        assert!(
            content.contains("dashboard</a>. Use"),
            "dest-{i}: {content}"
        );
        assert!(content.contains(&format!("destination {i}, from its")));
        assert_eq!(content.matches("<tr>").count(), 6, "dest-{i}");
    }
}

#[test]
fn a_50_mb_yaml_catalog_is_handled() {
    let (yaml, n) = big_catalog_yaml(50 * MB);
    let slugs = [0, n / 2, n - 1];
    let tb = book_for_catalog("data/catalog/destinations.yml", yaml.as_bytes(), &slugs);
    let (out, took) = run_limited(&tb.input_05(), 2048);
    assert_rendered(&out, &slugs);
    eprintln!("50 MB YAML catalog ({n} items): {took:?}");
}

#[test]
fn a_50_mb_json_catalog_is_handled() {
    let (yaml, n) = big_catalog_yaml(40 * MB);
    // The same items as JSON (JSON's quoting makes them longer).
    let value: Value = serde_yaml::from_str(&yaml).unwrap();
    let json = serde_json::to_vec_pretty(&value).unwrap();
    assert!(json.len() >= 50 * MB, "{} bytes", json.len());
    let slugs = [0, n / 2, n - 1];
    let tb = book_for_catalog("catalog.json", &json, &slugs);
    let (out, took) = run_limited(&tb.input_05(), 2048);
    assert_rendered(&out, &slugs);
    eprintln!("{} MB JSON catalog ({n} items): {took:?}", json.len() / MB);
}

#[test]
fn a_book_of_20000_chapters_is_handled() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["dest/*/index.md"]"#);
    // 20,000 chapters: parts of 100, each a chapter with 3 nested levels; every 50th a
    // destination page.
    let mut items = Vec::new();
    let mut count: usize = 0;
    for part in 0..200 {
        items.push(json!({"PartTitle": format!("Part {part}")}));
        for c in 0..25 {
            let mut chain = Vec::new();
            for depth in 0..4 {
                count += 1;
                let (path, content) = if count.is_multiple_of(50) {
                    (
                        format!(
                            "dest/{}/index.md",
                            if count.is_multiple_of(100) {
                                "acme"
                            } else {
                                "bolt"
                            }
                        ),
                        format!("---\ntitle: T{count}\n---\n# Page {count}\n"),
                    )
                } else {
                    (
                        format!("p{part}/c{c}/d{depth}.md"),
                        format!("---\ntitle: T{count}\n---\n# Page {count}\n\nText.\n"),
                    )
                };
                chain.push(json!({"Chapter": {
                    "name": format!("Chapter {count}"),
                    "content": content,
                    "number": [part + 1, c + 1, depth + 1],
                    "sub_items": [],
                    "path": path,
                    "source_path": path,
                    "parent_names": [],
                }}));
            }
            // Nest: chain[0] holds chain[1] holds chain[2] holds chain[3].
            let mut nested = chain.pop().unwrap();
            while let Some(mut parent) = chain.pop() {
                parent["Chapter"]["sub_items"] = json!([nested]);
                nested = parent;
            }
            items.push(nested);
        }
        items.push(json!("Separator"));
    }
    assert_eq!(count, 20_000);
    let input = serde_json::to_vec(&json!([tb.context_json("0.5.4"), {"items": items}])).unwrap();
    let (out, took) = run_limited(&input, 1024);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let book: Value = serde_json::from_slice(&out.stdout).unwrap();
    let contents = contents_of(&book);
    assert_eq!(contents.len(), 20_000);
    let with_table = contents
        .iter()
        .filter(|c| c.contains("<table class=\"settings\">"))
        .count();
    assert_eq!(with_table, 400);
    assert!(contents.iter().all(|c| !c.starts_with("---")));
    assert!(contents[0].starts_with("# Page 1\n\nText.\n"));
    eprintln!("20,000 chapters: {took:?}");
    assert!(took < Duration::from_secs(60), "{took:?}");
}
