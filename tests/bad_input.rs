//! Every bad input: a clear message naming the file (and line and column where there is
//! one) on stderr, exit status 1, and nothing on stdout.

mod common;
use common::*;

#[test]
fn stdin_that_is_not_the_protocol() {
    for input in [
        &b""[..],
        b"not json",
        b"{}",
        b"[1]",
        b"[{}, {}]",
        b"[{\"root\": \"/x\"}, {\"chapters\": []}]",
    ] {
        assert_fails(&run_with_stdin(input), "E001", &["stdin"]);
    }
}

#[test]
fn catalog_missing_names_the_key_and_the_resolved_path() {
    let mut tb = TestBook::new();
    tb.set(r#"catalog = "nowhere/cat.yml""#);
    tb.add(chapter("a.md", "x"));
    let err = assert_fails(&tb.run(), "E003", &["nowhere/cat.yml", "key `catalog`"]);
    assert!(
        err.contains(&tb.root().join("nowhere/cat.yml").display().to_string()),
        "{err}"
    );
}

#[test]
fn default_catalog_missing_says_it_is_the_default() {
    let mut tb = TestBook::new();
    tb.add(chapter("a.md", "x"));
    assert_fails(
        &tb.run(),
        "E003",
        &["data/catalog/destinations.yml", "default"],
    );
}

#[test]
fn catalog_that_does_not_parse_gives_line_and_column() {
    let mut tb = TestBook::new();
    tb.catalog("items:\n- slug: a\n  settings: [\n");
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E004", &["data/catalog/destinations.yml:"]);
    let mut tb = TestBook::new();
    tb.file("c.json", "{\"items\": [\n  {\"slug\": \"a\",}\n]}");
    tb.set(r#"catalog = "c.json""#);
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E004", &["c.json:2:", "JSON"]);
    let mut tb = TestBook::new();
    tb.catalog("items:\n- slug: a\n  settings: 7\n");
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E004", &["data/catalog/destinations.yml:3:"]);
    let mut tb = TestBook::new();
    tb.catalog("title: no items here\n");
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E004", &["items"]);
    let mut tb = TestBook::new();
    tb.file(
        "data/catalog/destinations.yml",
        b"items:\n- slug: \xff\n".as_slice(),
    );
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E004", &["UTF-8", "destinations.yml:2:"]);
}

#[test]
fn catalog_item_without_slug_is_located() {
    let mut tb = TestBook::new();
    tb.catalog("items:\n- slug: a\n- id: xyz\n  name: B\n");
    tb.add(chapter("a.md", "x"));
    assert_fails(
        &tb.run(),
        "E005",
        &["destinations.yml:3:3", "item #2", "xyz"],
    );
}

#[test]
fn front_matter_that_is_not_yaml() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.add(chapter(
        "x/page.md",
        "---\ntitle: A\nlist: [1, 2\n---\nbody\n",
    ));
    assert_fails(&tb.run(), "E006", &["src/x/page.md:"]);
}

#[test]
fn a_flag_that_is_not_a_boolean() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.add(chapter(
        "d/acme/index.md",
        "---\ntitle: A\nhide-settings: \"yes\"\n---\nbody\n",
    ));
    assert_fails(
        &tb.run(),
        "E007",
        &["src/d/acme/index.md:3:1", "`hide-settings`"],
    );
}

#[test]
fn config_of_the_wrong_type() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set("pages = 3");
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E002", &["book.toml", "`pages`"]);
}

#[test]
fn sync_note_missing() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"sync-note = "inc/none.md""#);
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E003", &["inc/none.md", "sync-note"]);
}

#[test]
fn strict_turns_warnings_into_a_failure() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.set("strict = true");
    tb.add(chapter("d/missing/index.md", "x"));
    let err = assert_fails(&tb.run(), "E009", &["strict"]);
    assert!(err.contains("error[W101]"), "{err}");
}

#[test]
fn a_page_without_item_is_only_a_warning() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.add(chapter("d/acmee/index.md", "---\nid: \"200\"\n---\nbody\n"));
    let out = tb.run();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("warning[W101]") && err.contains("`acmee`"),
        "{err}"
    );
    assert!(err.contains("set `slug: bolt`"), "{err}");
    assert_eq!(
        contents_of(&serde_json::from_slice(&out.stdout).unwrap()),
        vec!["body\n"]
    );
}

/// E008: the book cannot be written (here, to a full device): the message says so.
#[cfg(target_os = "linux")]
#[test]
fn a_stdout_that_cannot_be_written_is_an_error() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.add(chapter(
        "destinations/acme/index.md",
        "---\nlayout: destination\n---\n# Acme\n",
    ));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let mut child = std::process::Command::new(bin())
        .env("XDG_CACHE_HOME", test_cache_home())
        .stdin(std::process::Stdio::piped())
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(&tb.input_05())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E008]: cannot write the book to stdout"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
