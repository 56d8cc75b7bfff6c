//! Every front matter flag on a destination page, through the binary.

mod common;
use common::*;

fn page(front: &str) -> String {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.file("note.md", "<div class=\"note\">SYNC NOTE</div>\n");
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.set(r#"sync-note = "note.md""#);
    tb.add(chapter(
        "d/acme/index.md",
        &format!("---\n{front}---\nBody.\n"),
    ));
    tb.contents().remove(0)
}

#[test]
fn no_flags_gives_everything() {
    let c = page("title: A\n");
    let personas = c.find("## Personas").unwrap();
    let note = c.find("SYNC NOTE").unwrap();
    let settings = c.find("## Settings").unwrap();
    assert!(c.starts_with("Body.\n"));
    assert!(personas < note && note < settings);
    assert!(c.contains("id=\"api-key\""));
    assert!(!c.contains("Old"), "deprecated rows are hidden");
}

#[test]
fn hide_personas_partial() {
    let c = page("hide-personas-partial: true\n");
    assert!(!c.contains("## Personas") && !c.contains("SYNC NOTE"));
    assert!(c.contains("## Settings"));
}

#[test]
fn hide_settings() {
    let c = page("hide-settings: true\n");
    assert!(c.contains("## Personas") && c.contains("SYNC NOTE"));
    assert!(!c.contains("## Settings") && !c.contains("<table"));
}

#[test]
fn show_sync_disclaimer() {
    let c = page("show-sync-disclaimer: true\n");
    assert!(c.contains("## Personas") && c.contains("## Settings"));
    assert!(!c.contains("SYNC NOTE"));
}

#[test]
fn hide_boilerplate() {
    assert_eq!(page("hide-boilerplate: true\n"), "Body.\n");
}

#[test]
fn false_flags_are_like_no_flags() {
    let all_false = page(
        "hide-boilerplate: false\nhide-personas-partial: false\nhide-settings: false\nshow-sync-disclaimer: false\n",
    );
    assert_eq!(all_false, page(""));
}

#[test]
fn slug_in_front_matter_overrides_the_path() {
    let c = page("slug: bolt\n");
    assert!(!c.contains("## Personas"));
    assert!(c.contains("id=\"region\""));
}

#[test]
fn default_sync_note_when_none_is_configured() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.add(chapter("d/acme/index.md", "Body.\n"));
    let c = tb.contents().remove(0);
    assert!(c.contains(mdbook_destinations::render::texts::DEFAULT_SYNC_NOTE.trim()));
}

#[test]
fn json_catalog_gives_the_same_page() {
    let yaml = page("");
    let data: serde_json::Value = serde_yaml::from_str(CATALOG).unwrap();
    let mut tb = TestBook::new();
    tb.file("cat.json", serde_json::to_string_pretty(&data).unwrap());
    tb.file("note.md", "<div class=\"note\">SYNC NOTE</div>\n");
    tb.set(r#"catalog = "cat.json""#);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.set(r#"sync-note = "note.md""#);
    tb.add(chapter("d/acme/index.md", "---\n---\nBody.\n"));
    assert_eq!(tb.contents().remove(0), yaml);
}

#[test]
fn a_bare_list_catalog_works_too() {
    let bare = "- slug: acme\n  platforms: {server: false}\n  settings:\n  - {label: X, type: number, defaultValue: 3}\n";
    let mut tb = TestBook::new();
    tb.catalog(bare);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.add(chapter("d/acme/index.md", "B\n"));
    let c = tb.contents().remove(0);
    assert!(c.contains("<code>number</code>, defaults to 3."), "{c}");
}

#[test]
fn an_unclosed_fence_at_the_end_of_the_page_does_not_swallow_the_sections() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb.add(chapter("d/acme/index.md", "Body.\n\n```sh\nrun it\n"));
    let c = tb.contents().remove(0);
    assert!(
        c.starts_with("Body.\n\n```sh\nrun it\n```\n\n## Personas"),
        "{c}"
    );
}
