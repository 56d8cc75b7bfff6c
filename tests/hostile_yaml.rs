//! Hostile YAML and JSON in the catalog and in front matter: alias bombs ("billion
//! laughs", and the quadratic kind that repeats one large value) and deep nesting are
//! refused quickly, with an error that names the file and says why, in bounded memory
//! (the binary runs under an address-space limit, so an input that made it allocate
//! without bound would kill it instead of producing the error).

mod common;
use common::*;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The address space the binary may use (it needs about 20 MB on ordinary input).
const MEMORY_LIMIT_MB: u64 = 512;

/// Every hostile input is refused within this time (in a debug build).
const QUICK: Duration = Duration::from_secs(10);

/// Runs the preprocessor on the book under `ulimit -v`, timing it.
fn run_limited(tb: &TestBook) -> (Output, Duration) {
    use std::io::Write;
    let input = tb.input_05();
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {} && exec \"$0\"",
            MEMORY_LIMIT_MB * 1024
        ))
        .arg(bin())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    {
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(&input);
    }
    let out = child.wait_with_output().expect("the binary runs");
    (out, start.elapsed())
}

/// Asserts a clean refusal: exit status 1, nothing on stdout, the code and each needle on
/// stderr, no panic, within [`QUICK`].
fn assert_refused(tb: &TestBook, code: &str, needles: &[&str]) -> String {
    let (out, took) = run_limited(tb);
    let err = assert_fails(&out, code, needles);
    assert!(took < QUICK, "took {took:?}");
    err
}

fn book_with_catalog(catalog: &[u8]) -> TestBook {
    let mut tb = TestBook::new();
    tb.catalog("");
    tb.file("data/catalog/destinations.yml", catalog);
    tb.set(r#"pages = ["*/index.md"]"#);
    tb.add(chapter("acme/index.md", "# Acme\n"));
    tb
}

fn book_with_chapter(content: &str) -> TestBook {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.add(chapter("guide.md", content));
    tb
}

/// The classic: nine levels of nine aliases (9^9 copies of a string), in a field that is
/// read (a setting's default).
fn billion_laughs(indent: &str) -> String {
    let mut s = String::new();
    s.push_str(&format!("{indent}l0: &l0 \"lol\"\n"));
    for i in 1..=9 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        s.push_str(&format!("{indent}l{i}: &l{i} [{refs}]\n"));
    }
    s
}

#[test]
fn billion_laughs_in_the_catalog_is_refused() {
    let mut yaml = String::from("bombs:\n");
    yaml.push_str(&billion_laughs("  "));
    yaml.push_str("items:\n- slug: acme\n  settings:\n  - label: X\n    defaultValue: *l9\n");
    let tb = book_with_catalog(yaml.as_bytes());
    assert_refused(&tb, "E004", &["data/catalog/destinations.yml:", "alias"]);
}

#[test]
fn billion_laughs_in_a_read_label_and_in_an_ignored_field() {
    // In a label (read as text): refused.
    let mut yaml = String::from("bombs:\n");
    yaml.push_str(&billion_laughs("  "));
    yaml.push_str("items:\n- slug: acme\n  settings:\n  - label: *l9\n");
    assert_refused(&book_with_catalog(yaml.as_bytes()), "E004", &["alias"]);
    // In a field nobody reads, the aliases are never expanded, but the file is still
    // refused: the limit is on what the file's aliases stand for, not on what is read.
    let mut yaml = String::from("bombs:\n");
    yaml.push_str(&billion_laughs("  "));
    yaml.push_str("items:\n- slug: acme\n  unused: *l9\n");
    assert_refused(&book_with_catalog(yaml.as_bytes()), "E004", &["alias"]);
}

#[test]
fn one_large_value_repeated_by_aliases_is_refused() {
    // 1 MiB once, then 20,000 aliases to it: a 1 MB file that stands for 20 GB of text.
    let big = "x".repeat(1 << 20);
    let mut yaml = format!("shared: &big \"{big}\"\nitems:\n- slug: acme\n  settings:\n");
    for _ in 0..20_000 {
        yaml.push_str("  - description: *big\n");
    }
    let err = assert_refused(&book_with_catalog(yaml.as_bytes()), "E004", &["alias"]);
    // The error points at the alias that crossed the limit of 16 MiB: the 17th, on line
    // 5 + 16, where `*big` starts in column 18.
    assert!(err.contains("data/catalog/destinations.yml:21:18"), "{err}");
}

#[test]
fn a_list_repeated_by_aliases_is_refused() {
    // The quadratic kind: 10,000 entries, each an alias to a list of 10,000 entries.
    let mut yaml = String::from("shared: &l [");
    yaml.push_str(&vec!["1"; 10_000].join(","));
    yaml.push_str("]\nitems:\n- slug: acme\n  settings:\n  - defaultValue: [");
    yaml.push_str(&vec!["*l"; 10_000].join(","));
    yaml.push_str("]\n");
    assert_refused(&book_with_catalog(yaml.as_bytes()), "E004", &["alias"]);
}

#[test]
fn a_few_aliases_are_fine() {
    let yaml = "shared:\n  help: &help Where your data goes.\n  regions: &regions [us, eu]\n\
                items:\n- slug: acme\n  settings:\n  - label: Region\n    type: array\n    \
                defaultValue: *regions\n    description: *help\n  - label: Backup region\n    \
                type: array\n    defaultValue: *regions\n    description: *help\n";
    let tb = book_with_catalog(yaml.as_bytes());
    let (out, _) = run_limited(&tb);
    assert!(out.status.success(), "{}", stderr(&out));
    let book: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let page = &contents_of(&book)[0];
    assert_eq!(page.matches("defaults to us, eu.").count(), 2, "{page}");
    assert_eq!(page.matches("Where your data goes.").count(), 2, "{page}");
}

fn nested_flow(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn nested_block(depth: usize) -> String {
    let mut s = String::new();
    for i in 0..depth {
        s.push_str(&" ".repeat(i * 2));
        s.push_str("-\n");
    }
    s
}

#[test]
fn deep_nesting_in_the_catalog_is_refused() {
    for (what, nested) in [
        ("flow", nested_flow(100_000)),
        ("block", nested_block(2_000)),
    ] {
        let yaml = format!(
            "items:\n- slug: acme\n  settings:\n  - label: X\n    defaultValue:\n      {}\n",
            nested.replace('\n', "\n      ")
        );
        let err = assert_refused(
            &book_with_catalog(yaml.as_bytes()),
            "E004",
            &["data/catalog/destinations.yml:", "nest"],
        );
        assert!(err.contains("128"), "{what}: {err}");
    }
}

#[test]
fn deep_nesting_in_a_json_catalog_is_refused() {
    let json = format!(
        "{{\"items\": [{{\"slug\": \"acme\", \"settings\": [{{\"defaultValue\": {}}}]}}]}}",
        nested_flow(100_000)
    );
    let mut tb = TestBook::new();
    tb.file("c.json", &json);
    tb.set(r#"catalog = "c.json""#);
    tb.set(r#"pages = ["*/index.md"]"#);
    tb.add(chapter("acme/index.md", "# Acme\n"));
    assert_refused(
        &tb,
        "E004",
        &["c.json:1:", "JSON", "nest more than 128 levels"],
    );
}

#[test]
fn deep_nesting_in_an_ignored_catalog_field_is_refused_too() {
    let yaml = format!("items:\n- slug: acme\n  unused: {}\n", nested_flow(100_000));
    assert_refused(&book_with_catalog(yaml.as_bytes()), "E004", &["nest"]);
}

#[test]
fn billion_laughs_in_front_matter_is_refused() {
    let content = format!("---\n{}---\n# Guide\n", billion_laughs(""));
    let err = assert_refused(
        &book_with_chapter(&content),
        "E006",
        &["src/guide.md:", "alias"],
    );
    assert!(!err.contains("lol"), "{err}");
}

#[test]
fn a_large_value_repeated_in_front_matter_is_refused() {
    let big = "y".repeat(1 << 20);
    let mut content = format!("---\nbig: &big \"{big}\"\nall:\n");
    for _ in 0..20_000 {
        content.push_str("- *big\n");
    }
    content.push_str("---\nbody\n");
    assert_refused(
        &book_with_chapter(&content),
        "E006",
        &["src/guide.md:", "alias"],
    );
}

#[test]
fn deep_nesting_in_front_matter_is_refused() {
    for nested in [nested_flow(100_000), nested_block(2_000)] {
        let content = format!(
            "---\ntitle:\n  {}\n---\nbody\n",
            nested.replace('\n', "\n  ")
        );
        assert_refused(
            &book_with_chapter(&content),
            "E006",
            &["src/guide.md:", "nest"],
        );
    }
}

#[test]
fn deep_nesting_on_stdin_is_refused() {
    let input = format!("[{}, {{\"items\": []}}]", nested_flow(100_000));
    let out = run_with_stdin(input.as_bytes());
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("error[E001]") && err.contains("recursion"),
        "{err}"
    );
}
