//! End to end: `book-example/` built by the real `mdbook` with this preprocessor, and the
//! generated HTML checked page by page.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the example book once per test run; returns the output folder.
fn built() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out_dir = tmp.path().join("book");
        let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("book-example");
        let out = Command::new(mdbook())
            .arg("build")
            .arg(&book)
            .arg("--dest-dir")
            .arg(&out_dir)
            .env("PATH", path_with_bin())
            .env("XDG_CACHE_HOME", test_cache_home())
            .output()
            .expect("mdbook runs");
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "mdbook build failed:\n{log}");
        assert!(!log.contains("WARN"), "mdbook warned:\n{log}");
        assert!(!log.contains("warning["), "the preprocessor warned:\n{log}");
        (tmp, out_dir)
    })
    .1
}

fn page(rel: &str) -> String {
    let html = std::fs::read_to_string(built().join(rel)).unwrap();
    let main = main_of(&html).to_string();
    check_balanced(&main).unwrap_or_else(|e| panic!("{rel}: {e}"));
    main
}

fn h2s(main: &str) -> Vec<&str> {
    main.match_indices("<h2 id=\"")
        .map(|(i, _)| {
            let s = &main[i + 8..];
            &s[..s.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn no_flags_page_has_personas_note_and_settings() {
    let m = page("destinations/tidewater-crm/index.html");
    assert_eq!(h2s(&m), ["getting-started", "personas", "settings"]);
    assert!(
        m.contains("destinations-note"),
        "the configured sync note is pasted in"
    );
    let rows = settings_rows(&m);
    let labels: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert!(labels[0].contains(">API Key</a>"), "{}", labels[0]);
    assert!(labels[0].ends_with("<i>(required)</i>"), "{}", labels[0]);
    assert!(!labels[1].contains("(required)"));
    assert!(!m.contains("Legacy Endpoint"), "deprecated rows are hidden");
    assert!(m.contains("id=\"api-key\""));
    assert!(m.contains("<code>string</code>, defaults to <code>api.tidewater.example.com</code>."));
    assert!(m.contains("<code>boolean</code>, defaults to <code>TRUE</code>."));
    assert!(
        m.contains("<code>map</code>. Pairs of"),
        "an empty map is no default"
    );
    assert!(
        m.contains("<a href=\"https://example.com/tidewater/settings/api\">API access page</a>")
    );
    // No front matter left on the page.
    assert!(!m.contains("id: e219de79b8c3e8b90ff519dd"));
}

#[test]
fn hide_personas_partial_page() {
    let m = page("destinations/quillpost/index.html");
    assert!(!h2s(&m).contains(&"personas"));
    assert!(h2s(&m).contains(&"settings"));
    assert!(!m.contains("destinations-note"));
    assert!(
        m.contains("defaults to email, push."),
        "array defaults are joined"
    );
    assert!(m.contains("defaults to <code>FALSE</code>"));
    assert!(
        m.contains("<pre><code class=\"language-yaml\">"),
        "fenced code in a cell"
    );
}

#[test]
fn hide_settings_page() {
    let m = page("destinations/brambleworks-insights/index.html");
    assert!(h2s(&m).contains(&"personas"));
    assert!(!h2s(&m).contains(&"settings"));
    assert!(!m.contains("<table"));
}

#[test]
fn show_sync_disclaimer_page() {
    let m = page("destinations/harborlight-ads/index.html");
    assert!(h2s(&m).contains(&"personas"));
    assert!(!m.contains("destinations-note"));
    assert!(m.contains("defaults to 0."), "zero is a default");
    assert!(
        m.contains("<code>array</code>."),
        "an empty list is no default"
    );
    assert!(m.contains("&lt;account_id&gt;"), "placeholders are text");
    assert!(m.contains("<ul>"), "lists are lists");
}

#[test]
fn hide_boilerplate_page() {
    let m = page("destinations/mossgate-relay/index.html");
    assert!(!h2s(&m).contains(&"personas") && !h2s(&m).contains(&"settings"));
    assert!(!m.contains("<table"));
}

#[test]
fn non_server_page_has_settings_only() {
    let m = page("destinations/pebbleglass-widgets/index.html");
    assert_eq!(h2s(&m).iter().filter(|h| **h == "personas").count(), 0);
    assert!(h2s(&m).contains(&"settings"));
    assert!(m.contains("<kbd>Ctrl</kbd>"));
    assert!(m.contains("id=\"c-f-client-token\""));
    assert!(m.contains("defaults to #1a2b3c."));
}

#[test]
fn layout_and_slug_select_a_page_outside_the_glob() {
    let m = page("guides/legacy-name.html");
    assert!(h2s(&m).contains(&"settings"));
    assert!(m.contains("id=\"clé-de-sondage\""), "{m}");
    assert!(m.contains("id=\"data-center\"") && m.contains("id=\"data-center-override\""));
}

#[test]
fn a_readme_page_takes_its_slug_from_its_folder() {
    let m = page("destinations/fernhollow-chat/index.html");
    assert!(m.contains("id=\"room-id\""));
    assert!(m.contains("id=\"greet-returning-visitors\""));
}

#[test]
fn non_destination_pages_only_lose_their_front_matter() {
    let m = page("introduction.html");
    assert!(!m.contains("title: Introduction"));
    assert!(!m.contains("<hr"));
    assert!(!m.contains("<table class=\"settings\">"));
    let r = page("reference/front-matter.html");
    assert!(!r.contains("settings\">"));
}
