//! Your words, your includes: the text keys, Liquid partials, a whole-footer template, and
//! the two example books that use them, built with the real mdBook.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

fn book() -> TestBook {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb
}

#[test]
fn headings_and_intro_come_from_book_toml() {
    let mut tb = book();
    tb.set(r#"personas-heading = "Engage""#);
    tb.set(r#"settings-heading = "Configuration options""#);
    tb.set(r#"settings-intro = "Change these in the *console*.""#);
    tb.add(chapter("d/acme/index.md", "Body.\n"));
    let c = tb.contents().remove(0);
    assert!(c.contains("\n## Engage\n"), "{c}");
    assert!(!c.contains("## Personas"));
    assert!(
        c.contains("\n## Configuration options\n\nChange these in the *console*.\n"),
        "{c}"
    );
    assert!(!c.contains("Segment lets you change"));
}

#[test]
fn partials_see_page_destination_and_site() {
    let mut tb = book();
    tb.file(
        "inc/personas.md",
        "{{ destination.display_name }} ({{ destination.slug }}) on {{ page.url }}, \
         titled {{ page.title }}; {{ site.data.catalog.destinations.items | size }} items; \
         id {{ page.id }}{{ page.nothing.here }}.\n",
    );
    tb.file(
        "inc/note.md",
        "Audiences reach {{page.title| replace: \"Destination\", \" \"}}within hours.\n",
    );
    tb.set(r#"personas-text = "inc/personas.md""#);
    tb.set(r#"sync-note = "inc/note.md""#);
    tb.add(chapter(
        "d/acme/index.md",
        "---\ntitle: Acme Destination\nid: \"100\"\n---\nBody.\n",
    ));
    let c = tb.contents().remove(0);
    assert!(
        c.contains("Acme (acme) on /d/acme/, titled Acme Destination; 2 items; id 100."),
        "{c}"
    );
    // As Jekyll renders it: the replaced word leaves its spaces.
    assert!(c.contains("Audiences reach Acme  within hours."), "{c}");
}

#[test]
fn a_partial_without_liquid_is_pasted_verbatim() {
    let mut tb = book();
    tb.file("inc/note.html", "<div class=\"n\">{ not liquid }</div>\n");
    tb.set(r#"sync-note = "inc/note.html""#);
    tb.add(chapter("d/acme/index.md", "Body.\n"));
    assert!(tb.contents()[0].contains("<div class=\"n\">{ not liquid }</div>"));
}

#[test]
fn a_partial_that_does_not_parse_is_an_error_at_its_line() {
    let mut tb = book();
    tb.file("inc/p.md", "fine\n{% for x in %}\n");
    tb.set(r#"personas-text = "inc/p.md""#);
    tb.add(chapter("d/acme/index.md", "Body.\n"));
    let out = tb.run();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("error[E010]") && err.contains("--> inc/p.md:2:"),
        "{err}"
    );
}

#[test]
fn an_unknown_filter_is_an_error_naming_the_filter_and_place() {
    let mut tb = book();
    tb.file("inc/n.md", "a\n  {{ page.title | shout }}\n");
    tb.set(r#"sync-note = "inc/n.md""#);
    tb.add(chapter("d/acme/index.md", "Body.\n"));
    let out = tb.run();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("unknown filter `shout`") && err.contains("--> inc/n.md:2:19"),
        "{err}"
    );
}

#[test]
fn a_template_replaces_the_sections_and_runs_for_pages_without_item() {
    let mut tb = book();
    tb.file(
        "includes/footer.liquid",
        "{% assign slug = page.url | split: \"/\" | last %}\
         {% assign item = site.data.catalog.destinations.items | where: \"slug\", slug | first %}\
         {% if item %}## For {{ item.display_name }}\n\n{% include rows.html %}\
         {% else %}No entry for {{ slug }}.{% endif %}\n",
    );
    tb.file(
        "includes/rows.html",
        "<table>{% for s in item.settings %}{% unless s.deprecated == true %}\
         <tr><td id=\"{{ s.label | slugify }}\" markdown=\"span\">{{ s.description }}</td></tr>\
         {% endunless %}{% endfor %}</table>\n",
    );
    tb.set(r#"template = "includes/footer.liquid""#);
    tb.add(chapter("d/acme/index.md", "Body.\n"));
    tb.add(chapter("d/zork/index.md", "Body.\n"));
    let out = tb.run();
    assert!(out.status.success(), "{}", stderr(&out));
    let c = contents_of(&serde_json::from_slice(&out.stdout).unwrap());
    assert_eq!(
        c[0],
        "Body.\n\n## For Acme\n\n<table><tr><td id=\"api-key\">Your <em>key</em>.</td></tr></table>\n"
    );
    assert_eq!(c[1], "Body.\n\nNo entry for zork.\n");
    assert!(stderr(&out).contains("W101"), "the page still has no item");
}

#[test]
fn the_reference_template_gives_the_built_in_sections() {
    // The seed with its two fixes, run as a template, against the built-in renderer on
    // the small catalog (the conformance kit does the same on Segment's catalogs).
    let reference = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/reference/destination-footer.liquid");
    if !reference.is_file() {
        panic!(
            "{} is missing: the conformance kit sits beside the project",
            reference.display()
        );
    }
    let mut tb = book();
    tb.file("inc/note.md", "<div class=\"note\">NOTE</div>\n");
    tb.set(r#"sync-note = "inc/note.md""#);
    tb.add(chapter("d/acme/index.md", "---\ntitle: A\n---\nBody.\n"));
    tb.add(chapter(
        "d/bolt/index.md",
        "---\nhide-settings: true\n---\nBody.\n",
    ));
    let built_in = tb.contents();
    tb.set(&format!("template = {:?}", reference.display().to_string()));
    let templated = tb.contents();
    for (b, t) in built_in.iter().zip(&templated) {
        let words = |s: &str| -> Vec<String> {
            let no_tags = regex_lite_strip(s);
            no_tags.split_whitespace().map(str::to_string).collect()
        };
        assert_eq!(words(b), words(t), "built-in:\n{b}\ntemplate:\n{t}");
    }
}

/// The text of markdown + HTML, tags and markup punctuation dropped (for comparing two
/// renderings' words).
fn regex_lite_strip(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in s.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            '#' | '*' | '`' | '[' | ']' | '(' | ')' | ',' | '.' => out.push(' '),
            _ => out.push(ch),
        }
    }
    // Links' targets are in parentheses in markdown and in href in HTML: drop URLs.
    out.split_whitespace()
        .filter(|w| !w.starts_with('/') && !w.starts_with("http"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds one of the example's Liquid books with the real mdBook; returns the HTML of a
/// page's `<main>`.
fn build_example(book: &str) -> tempfile::TempDir {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("book-example")
        .join(book);
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(mdbook())
        .arg("build")
        .arg(&dir)
        .arg("--dest-dir")
        .arg(out.path())
        .env("PATH", path_with_bin())
        .env("XDG_CACHE_HOME", test_cache_home())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{log}");
    assert!(!log.contains("WARN"), "mdBook warned: {log}");
    assert!(!log.contains("error["), "{log}");
    out
}

fn main_html(dir: &tempfile::TempDir, page: &str) -> String {
    let html = std::fs::read_to_string(dir.path().join(page)).unwrap();
    let m = main_of(&html).to_string();
    check_balanced(&m).unwrap_or_else(|e| panic!("{page}: {e}"));
    m
}

#[test]
fn example_book_with_its_own_words() {
    let out = build_example("engage");
    let t = main_html(&out, "destinations/tidewater-crm/index.html");
    assert!(
        t.contains("<h2 id=\"engage\">"),
        "the renamed heading gives the anchor: {t}"
    );
    assert!(!t.contains("id=\"personas\""));
    assert!(
        t.contains("properties on\nTidewater CRM profiles")
            || t.contains("properties on Tidewater CRM profiles"),
        "{t}"
    );
    assert!(
        t.contains("Tidewater CRM also runs in the"),
        "a Liquid condition on the item"
    );
    assert!(
        t.contains("Timing for Tidewater CRM:"),
        "the sync note's page.title"
    );
    assert!(t.contains("<h2 id=\"configuration\">"));
    assert!(t.contains("<strong>Lanternfish console</strong>"));
    assert!(t.contains("id=\"api-key\""));
    let q = main_html(&out, "destinations/quillpost/index.html");
    assert!(
        q.contains("Quillpost\nreceives audiences from our servers only")
            || q.contains("Quillpost receives audiences from our servers only"),
        "{q}"
    );
}

#[test]
fn example_book_with_a_whole_footer_template() {
    let out = build_example("template");
    let t = main_html(&out, "destinations/tidewater-crm/index.html");
    assert!(t.contains("<h2 id=\"about-tidewater-crm\">"), "{t}");
    assert!(t.contains("Also known as Tidewater CRM and Tidewater Contacts."));
    assert!(
        t.contains("can receive audiences computed by Lanternfish"),
        "the include ran"
    );
    assert!(t.contains("<h2 id=\"options\">"));
    assert!(
        t.contains("<td class=\"def\" id=\"api-key\">API Key<br /><i>(required)</i></td>")
            || t.contains("<td class=\"def\" id=\"api-key\">API Key<br><i>(required)</i></td>"),
        "{t}"
    );
    assert!(
        t.contains("<td><code>string</code> — The secret key"),
        "markdown=\"span\" rendered: {t}"
    );
    assert!(!t.contains("markdown=\"span\""));
    assert!(
        !t.contains("Legacy Endpoint"),
        "deprecated rows left out by the template"
    );
    let p = main_html(&out, "destinations/pebbleglass-widgets/index.html");
    assert!(
        !p.contains("can receive audiences"),
        "not a server destination"
    );
    assert!(p.contains("<kbd>Ctrl</kbd>"));
    assert!(p.contains("<pre><code>"), "a fenced block in a description");
}
