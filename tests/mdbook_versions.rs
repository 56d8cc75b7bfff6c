//! Both mdBook lines, for real: `book-example/` built by a real mdBook 0.5.x (`$MDBOOK` or
//! `mdbook` on PATH) and a real 0.4.x (`$MDBOOK_04`, see `common::mdbook_04`), and the
//! HTML of each checked and compared; `mdbook test` on the example book with both.

mod common;
use common::*;
use mdbook_destinations::install::STYLESHEET;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Every chapter of the example book, as built HTML.
const PAGES: &[&str] = &[
    "introduction.html",
    "destinations/tidewater-crm/index.html",
    "destinations/quillpost/index.html",
    "destinations/brambleworks-insights/index.html",
    "destinations/harborlight-ads/index.html",
    "destinations/mossgate-relay/index.html",
    "destinations/pebbleglass-widgets/index.html",
    "guides/legacy-name.html",
    "reference/front-matter.html",
];

struct Built {
    _tmp: tempfile::TempDir,
    out: PathBuf,
}

fn build_with(mdbook: &Path) -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("book");
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("book-example");
    let run = Command::new(mdbook)
        .arg("build")
        .arg(&book)
        .arg("--dest-dir")
        .arg(&out)
        .env("PATH", path_with_bin())
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", mdbook.display()));
    let log = String::from_utf8_lossy(&run.stderr);
    let version = mdbook_version(mdbook);
    assert!(run.status.success(), "{version}: build failed:\n{log}");
    assert!(!log.contains("WARN"), "{version} warned:\n{log}");
    assert!(!log.contains("warning["), "the preprocessor warned:\n{log}");
    Built { _tmp: tmp, out }
}

fn v05() -> &'static Path {
    static B: OnceLock<Built> = OnceLock::new();
    &B.get_or_init(|| build_with(&mdbook())).out
}

fn v04() -> &'static Path {
    static B: OnceLock<Built> = OnceLock::new();
    &B.get_or_init(|| build_with(&mdbook_04())).out
}

fn both() -> [(&'static str, &'static Path); 2] {
    [("0.5", v05()), ("0.4", v04())]
}

fn html(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn main_html(out: &Path, rel: &str) -> String {
    let h = html(out, rel);
    let m = main_of(&h).to_string();
    check_balanced(&m).unwrap_or_else(|e| panic!("{}: {rel}: {e}", out.display()));
    m
}

/// The ids of the `<h2>`s.
fn h2_ids(main: &str) -> Vec<String> {
    main.match_indices("<h2 id=\"")
        .map(|(i, _)| {
            let s = &main[i + 8..];
            s[..s.find('"').unwrap()].to_string()
        })
        .collect()
}

/// Cells normalised so that 0.5's re-serialised HTML and 0.4's verbatim copy of ours
/// compare equal when they render the same: `<br>` spelled one way, the `&#10;` we write
/// for a newline in a code block decoded (0.5 does), whitespace runs collapsed, and the
/// whitespace next to a block tag (which renders as nothing) dropped.
fn rows(main: &str) -> Vec<Vec<String>> {
    const BLOCK_TAGS: &[&str] = &[
        "<pre>", "</pre>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>",
    ];
    settings_rows(main)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    let mut c = c
                        .replace("<br />", "<br>")
                        .replace("&#10;", "\n")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    for tag in BLOCK_TAGS {
                        c = c
                            .replace(&format!(" {tag}"), tag)
                            .replace(&format!("{tag} "), tag);
                    }
                    c
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_binaries_are_the_two_lines() {
    let v5 = mdbook_version(&mdbook());
    let v4 = mdbook_version(&mdbook_04());
    assert!(v5.starts_with("mdbook v0.5."), "MDBOOK / mdbook is {v5}");
    assert!(v4.starts_with("mdbook v0.4."), "MDBOOK_04 is {v4}");
    let minor: u32 = v4["mdbook v0.4.".len()..].parse().unwrap();
    assert!(
        minor >= 40,
        "the preprocessor supports 0.4.40 and later, got {v4}"
    );
}

#[test]
fn both_lines_generate_the_same_sections_on_every_page() {
    let mut total_rows = 0;
    for rel in PAGES {
        let m5 = main_html(v05(), rel);
        let m4 = main_html(v04(), rel);
        assert_eq!(h2_ids(&m5), h2_ids(&m4), "{rel}: headings differ");
        let (r5, r4) = (rows(&m5), rows(&m4));
        assert_eq!(r5, r4, "{rel}: settings rows differ");
        total_rows += r5.len();
        for m in [&m5, &m4] {
            assert!(!m.contains("id: "), "{rel}: front matter left on the page");
            assert_eq!(
                m.matches("<table class=\"settings\">").count(),
                usize::from(!r5.is_empty()),
                "{rel}"
            );
        }
    }
    // Tidewater 4, Quillpost 5, Brambleworks 0 (hide-settings), Harborlight 5, Mossgate 0
    // (hide-boilerplate), Pebbleglass 4, Kestrel 3: not a comparison of nothing.
    assert_eq!(total_rows, 21);
}

#[test]
fn each_line_writes_the_expected_html() {
    for (version, out) in both() {
        let t = main_html(out, "destinations/tidewater-crm/index.html");
        assert_eq!(
            h2_ids(&t),
            ["getting-started", "personas", "settings"],
            "{version}"
        );
        assert!(t.contains("destinations-note"), "{version}: sync note");
        let r = rows(&t);
        assert_eq!(
            r[0][0],
            "<a class=\"setting-anchor\" href=\"#api-key\">API Key</a><br><i>(required)</i>",
            "{version}"
        );
        assert!(t.contains("<td class=\"def\" id=\"api-key\">"), "{version}");
        assert!(
            r[2][1].starts_with("<code>boolean</code>, defaults to <code>TRUE</code>.<br><br>When enabled, <em>every</em>"),
            "{version}: {}",
            r[2][1]
        );

        let q = main_html(out, "destinations/quillpost/index.html");
        assert!(!h2_ids(&q).contains(&"personas".to_string()), "{version}");
        let r = rows(&q);
        assert_eq!(r.len(), 5, "{version}");
        assert!(r[1][1].contains("defaults to email, push."), "{version}");
        assert!(
            r[3][1].contains("<pre><code class=\"language-yaml\">"),
            "{version}: {}",
            r[3][1]
        );
        assert!(
            r[4][1].starts_with("<code>signed_webhook_url_template</code>, defaults to https://hooks.quillpost.example.com/"),
            "{version}: {}",
            r[4][1]
        );

        let p = main_html(out, "destinations/pebbleglass-widgets/index.html");
        assert!(p.contains("<kbd>Ctrl</kbd>"), "{version}");
        assert!(
            p.contains("<pre><code>path starts-with /help"),
            "{version}: a bare fence stays a code block in its cell"
        );

        let k = main_html(out, "guides/legacy-name.html");
        assert!(k.contains("id=\"data-center-override\""), "{version}");

        let none = main_html(out, "destinations/mossgate-relay/index.html");
        assert!(!none.contains("<table"), "{version}: hide-boilerplate");
    }
}

#[test]
fn both_lines_link_and_copy_the_stylesheet() {
    for (version, out) in both() {
        let page = "destinations/quillpost/index.html";
        let h = html(out, page);
        // 0.5 adds a content hash to the file name, 0.4 does not.
        let href = h
            .match_indices("<link rel=\"stylesheet\" href=\"")
            .map(|(i, m)| {
                let s = &h[i + m.len()..];
                &s[..s.find('"').unwrap()]
            })
            .find(|href| href.contains("mdbook-destinations"))
            .unwrap_or_else(|| panic!("{version}: the stylesheet is not linked"));
        assert!(href.ends_with(".css"), "{version}: {href}");
        let file = out.join("destinations/quillpost").join(href);
        let css = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{version}: {} : {e}", file.display()));
        assert_eq!(
            css, STYLESHEET,
            "{version}: the copied stylesheet is not install's"
        );
    }
}

#[test]
fn mdbook_test_passes_with_both() {
    let (_tmp, book) = example_copy();
    for mdbook in [mdbook(), mdbook_04()] {
        let version = mdbook_version(&mdbook);
        let run = Command::new(&mdbook)
            .arg("test")
            .arg(&book)
            .env("PATH", path_with_bin())
            .output()
            .expect("mdbook runs");
        let log = String::from_utf8_lossy(&run.stderr);
        assert!(
            run.status.success(),
            "{version}: mdbook test failed:\n{log}"
        );
        // Every chapter went through the preprocessor and rustdoc; Pebbleglass's catalog
        // holds a fence without a language, which rustdoc would compile as Rust (and fail
        // on) if it leaked out of its cell into the markdown.
        for chapter in ["Tidewater CRM", "Pebbleglass Widgets", "Front matter flags"] {
            assert!(
                log.contains(&format!("Testing chapter '{chapter}'")),
                "{version}: {chapter} not tested:\n{log}"
            );
        }
        assert!(!log.contains("warning["), "{version}:\n{log}");
    }
}
