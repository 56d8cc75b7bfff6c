//! The protocol end to end through the binary: both mdBook shapes, fields passed through,
//! front matter stripped everywhere, sections appended to destination pages only.

mod common;
use common::*;
use serde_json::{json, Value};

fn sample() -> TestBook {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["catalog/*/index.md"]"#);
    tb.add(chapter(
        "intro.md",
        "---\ntitle: Intro\n---\n# Intro\n\nHello.\n",
    ));
    let mut parent = chapter(
        "catalog/acme/index.md",
        "---\ntitle: Acme\n---\n# Acme\n\nBody.\n",
    );
    parent.sub_items.push(chapter(
        "catalog/acme/extra.md",
        "# Extra\n\n---\n\nrule above\n",
    ));
    tb.add(parent);
    tb.add(chapter("catalog/bolt/index.md", "# Bolt"));
    tb
}

#[test]
fn mdbook_05_shape_round_trips_with_unknown_fields() {
    let tb = sample();
    let mut input: Value = serde_json::from_slice(&tb.input_05()).unwrap();
    input[1]["future_field"] = json!({"x": [1, 2]});
    input[1]["items"][0]["Chapter"]["extra"] = json!("kept");
    input[1]["items"]
        .as_array_mut()
        .unwrap()
        .push(json!("Separator"));
    input[1]["items"]
        .as_array_mut()
        .unwrap()
        .push(json!({"PartTitle": "Part"}));
    let out = run_with_stdin(&serde_json::to_vec(&input).unwrap());
    assert!(out.status.success(), "{}", stderr(&out));
    let book: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(book.get("items").is_some() && book.get("sections").is_none());
    assert_eq!(book["future_field"], json!({"x": [1, 2]}));
    assert_eq!(book["items"][0]["Chapter"]["extra"], json!("kept"));
    assert_eq!(book["items"][3], json!("Separator"));
    assert_eq!(book["items"][4], json!({"PartTitle": "Part"}));
    // Everything but the contents is unchanged.
    let mut expected = input[1].clone();
    let mut actual = book.clone();
    for v in [&mut expected, &mut actual] {
        strip_contents(v);
    }
    assert_eq!(expected, actual);
}

fn strip_contents(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("content");
            m.values_mut().for_each(strip_contents);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_contents),
        _ => {}
    }
}

#[test]
fn mdbook_04_shape_is_written_back_as_sections() {
    let tb = sample();
    let out = run_with_stdin(&tb.input_04());
    assert!(out.status.success(), "{}", stderr(&out));
    let book: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(book.get("items").is_none());
    assert!(book.get("sections").is_some());
    assert!(book.as_object().unwrap().contains_key("__non_exhaustive"));
    let c = contents_of(&book);
    assert_eq!(c[0], "# Intro\n\nHello.\n");
    assert!(c[1].contains("## Personas"));
    // No warning about the version: 0.4.52 is tested.
    assert!(!stderr(&out).contains("W001"), "{}", stderr(&out));
}

#[test]
fn same_chapters_from_both_shapes() {
    let tb = sample();
    let a: Value = serde_json::from_slice(&run_with_stdin(&tb.input_05()).stdout).unwrap();
    let b: Value = serde_json::from_slice(&run_with_stdin(&tb.input_04()).stdout).unwrap();
    assert_eq!(contents_of(&a), contents_of(&b));
}

#[test]
fn front_matter_is_stripped_from_every_chapter_and_only_destinations_grow() {
    let c = sample().contents();
    assert_eq!(c[0], "# Intro\n\nHello.\n");
    assert!(
        c[1].starts_with("# Acme\n\nBody.\n\n## Personas\n"),
        "{}",
        c[1]
    );
    assert!(c[1].contains("<table class=\"settings\">"));
    // A sub-chapter outside the glob: untouched (its rule is not front matter).
    assert_eq!(c[2], "# Extra\n\n---\n\nrule above\n");
    // bolt is not a server destination: Settings only; content without a final newline.
    assert!(c[3].starts_with("# Bolt\n\n## Settings\n"), "{}", c[3]);
    assert!(!c[3].contains("Personas"));
}

#[test]
fn stdout_is_only_the_book_and_messages_go_to_stderr() {
    let mut tb = sample();
    tb.add(chapter("catalog/nope/index.md", "x"));
    let out = tb.run();
    assert!(out.status.success());
    let _: Value = serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON value");
    let err = stderr(&out);
    assert!(err.contains("warning[W101]"), "{err}");
    assert!(err.contains("`nope`"), "{err}");
    assert!(err.contains("src/catalog/nope/index.md"), "{err}");
}

#[test]
fn an_untested_mdbook_version_is_a_warning() {
    let tb = sample();
    let mut input: Value = serde_json::from_slice(&tb.input_05()).unwrap();
    input[0]["mdbook_version"] = json!("0.7.0");
    let out = run_with_stdin(&serde_json::to_vec(&input).unwrap());
    assert!(out.status.success());
    assert!(stderr(&out).contains("warning[W001]"), "{}", stderr(&out));
    input[0]["mdbook_version"] = json!("0.5.0-beta.1");
    let out = run_with_stdin(&serde_json::to_vec(&input).unwrap());
    assert!(!stderr(&out).contains("W001"));
}

#[test]
fn supports_every_renderer() {
    for r in ["html", "markdown", "epub", "anything"] {
        let out = run_args(&["supports", r], b"");
        assert!(out.status.success(), "{r}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn draft_chapters_and_layout_selected_pages() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.add(Chapter {
        name: "Draft".into(),
        path: None,
        content: String::new(),
        sub_items: vec![],
    });
    tb.add(chapter(
        "guides/old.md",
        "---\nlayout: destination\nslug: bolt\n---\nOld name.\n",
    ));
    tb.add(chapter(
        "guides/acme.md",
        "---\nlayout: page\n---\nNot a destination.\n",
    ));
    let c = tb.contents();
    assert_eq!(c[0], "");
    assert!(c[1].starts_with("Old name.\n\n## Settings"), "{}", c[1]);
    assert_eq!(c[2], "Not a destination.\n");
}
