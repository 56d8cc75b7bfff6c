//! Hostile catalog strings, rendered safely: descriptions holding table and script tags,
//! comments, unclosed elements, pipes, blank lines, CRLF, NUL and other control
//! characters; labels that are numbers, empty, or only punctuation; invalid UTF-8 in the
//! files. The book is built by the real `mdbook` and its page read by html5ever: one
//! settings table, one row per setting, every description inside its own cell.

mod common;
mod html_check;
use common::*;
use html_check::{check_balanced, check_settings_table, fragment_text, ExpectedRow};
use mdbook_destinations::render::MarkdownOptions;
use mdbook_destinations::render::{description, html::is_forbidden_control, slugify};
use scraper::{Html, Selector};
use std::process::Command;

/// `(label YAML, description)`: each description one hostile case.
const CASES: &[(&str, &str)] = &[
    ("Closes the cell", "before </td> after"),
    ("Closes the row and table", "x </td></tr></table> y"),
    (
        "Opens a table",
        "<table><tr><td>inner</td></tr></table> tail",
    ),
    ("Script", "<script>alert('x')</script> after script"),
    ("Script unclosed", "<script>document.write(1)"),
    (
        "Comment unclosed",
        "visible <!-- never closed\n\nstill visible",
    ),
    ("Comment closed", "a <!-- hidden --> b"),
    ("Unclosed bold", "an <b>unclosed bold"),
    ("Misnested", "<b><i>x</b> y</i> </em>"),
    ("Pipe", "a | b | c\n|---|---|\n| 1 | 2 |"),
    (
        "Blank line",
        "first paragraph\n\nsecond paragraph\n\n\n\nthird",
    ),
    ("CRLF", "one\r\ntwo\r\n\r\nthree\rfour"),
    ("NUL", "nul \u{0} here"),
    (
        "Controls",
        "bell \u{7} esc \u{1b} vt \u{b} ff \u{c} del \u{7f} nel \u{85} end",
    ),
    (
        "Handlers",
        "<a href=\"javascript:alert(1)\" onclick=\"x()\">link</a> <img src=x onerror=y>",
    ),
    (
        "Style",
        "<style>td { display: none }</style><span style=\"color:red\">red</span>",
    ),
    ("Fence", "```\n</td>\n\n</table>\n```"),
    ("Block HTML", "<div>\n\n</td>\n\n</div>"),
    ("Quotes \"and\" <tags>", "a \"quoted\" & <b>bold</b>"),
];

/// Labels that are not ordinary text, with their expected `id`.
const LABELS: &[(&str, &str, Option<&str>)] = &[
    // (YAML, the label as shown, the row id)
    ("42", "42", Some("42")),
    ("3.50", "3.5", Some("3-5")),
    ("-7", "-7", Some("7")),
    ("''", "", None),
    ("", "", None),
    ("'!!!'", "!!!", None),
    ("'?'", "?", None),
    ("'<>'", "<>", None),
    ("'&&'", "&&", None),
    ("'42'", "42", Some("42-2")),
];

fn yaml_quote(s: &str) -> String {
    // A double-quoted YAML scalar: every character that needs it escaped.
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{85}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn catalog() -> String {
    let mut yaml = String::from("items:\n- slug: hostile\n  settings:\n");
    for (label, desc) in CASES {
        yaml.push_str(&format!(
            "  - label: {}\n    type: string\n    description: {}\n",
            yaml_quote(label),
            yaml_quote(desc)
        ));
    }
    for (label, _, _) in LABELS {
        yaml.push_str(&format!(
            "  - label: {label}\n    type: number\n    required: true\n    description: label case\n"
        ));
    }
    yaml
}

/// The label as its cell shows it: lines joined, forbidden controls replaced.
fn shown(label: &str) -> String {
    let joined = if label.contains(['\n', '\r']) {
        label
            .split(['\n', '\r'])
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        label.to_string()
    };
    joined
        .chars()
        .map(|c| {
            if is_forbidden_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fn expected_rows() -> Vec<ExpectedRow> {
    let md = MarkdownOptions {
        smart_punctuation: true,
    };
    let mut ids = slugify::UniqueIds::default();
    let mut rows: Vec<ExpectedRow> = CASES
        .iter()
        .map(|(label, desc)| {
            let id = ids.claim(slugify::slugify(label));
            ExpectedRow {
                id: (!id.is_empty()).then_some(id),
                label: shown(label),
                required: false,
                description_text: fragment_text(&description::render(desc, md)),
            }
        })
        .collect();
    for (_, text, id) in LABELS {
        let claimed = ids.claim(slugify::slugify(text));
        assert_eq!(claimed.as_str(), id.unwrap_or(""), "label {text:?}");
        rows.push(ExpectedRow {
            id: id.map(str::to_string),
            label: text.to_string(),
            required: true,
            description_text: "label case".into(),
        });
    }
    rows
}

/// Builds the book with the real mdBook; returns the destination page's HTML.
fn build_page() -> String {
    let mut tb = TestBook::new();
    tb.catalog(&catalog());
    tb.set(r#"pages = ["*/index.md"]"#);
    tb.set("smart-punctuation = true");
    tb.add(chapter(
        "hostile/index.md",
        "# Hostile\n\nThe page's own text.\n",
    ));
    tb.write_to_disk();
    let out = Command::new(mdbook())
        .arg("build")
        .arg(tb.root())
        .output()
        .expect("mdbook runs");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "mdbook build failed:\n{log}");
    // mdBook's own HTML reader must not complain (unbalanced tags would show here); the
    // preprocessor's warnings about the hostile labels (W106, W107) are expected.
    assert!(!log.contains("WARN"), "mdBook warned:\n{log}");
    assert!(log.contains("warning[W106]"), "{log}");
    std::fs::read_to_string(tb.root().join("book/hostile/index.html")).expect("the page")
}

#[test]
fn hostile_descriptions_and_labels_stay_in_their_cells_on_the_real_page() {
    let html = build_page();
    let main = main_of(&html);
    check_balanced(main).unwrap_or_else(|e| panic!("{e}\n{main}"));
    // The tree builder reports no error for the content (mdBook's template is checked
    // with it: the page as a whole parses cleanly too).
    let rows = expected_rows();
    check_settings_table(&html, true, &rows, false).unwrap_or_else(|e| panic!("{e}\n{main}"));
    check_settings_table(main, false, &rows, false).unwrap_or_else(|e| panic!("{e}\n{main}"));

    // Case by case, what the reader sees in the description cell.
    let doc = Html::parse_document(&html);
    let cells: Vec<_> = doc
        .select(&Selector::parse("table.settings > tbody > tr > td:nth-child(2)").unwrap())
        .collect();
    let text = |i: usize| html_check::squash(&cells[i].text().collect::<String>());
    let inner = |i: usize| cells[i].inner_html();
    assert_eq!(text(0), "string. before </td> after");
    assert_eq!(text(1), "string. x </td></tr></table> y");
    assert_eq!(
        text(2),
        "string. <table><tr><td>inner</td></tr></table> tail"
    );
    assert_eq!(text(3), "string. <script>alert('x')</script> after script");
    assert_eq!(text(4), "string. <script>document.write(1)");
    // An unclosed comment is text (smart punctuation makes its `--` a dash).
    assert!(
        inner(5).ends_with("visible &lt;!– never closed<br><br>still visible"),
        "{}",
        inner(5)
    );
    assert_eq!(text(6), "string. a b");
    assert!(
        inner(7).ends_with("an <b>unclosed bold</b>"),
        "{}",
        inner(7)
    );
    assert!(
        inner(8).contains("<b><i>x</i></b> y&lt;/i&gt; &lt;/em&gt;"),
        "{}",
        inner(8)
    );
    assert_eq!(text(9), "string. a | b | c |—|—| | 1 | 2 |");
    assert_eq!(
        inner(10),
        "<code>string</code>. first paragraph<br><br>second paragraph<br><br>third"
    );
    assert_eq!(
        inner(11),
        "<code>string</code>. one\ntwo<br><br>three\nfour"
    );
    assert_eq!(text(12), "string. nul \u{fffd} here");
    assert_eq!(
        text(13),
        "string. bell \u{fffd} esc \u{fffd} vt \u{fffd} ff \u{fffd} del \u{fffd} nel \u{fffd} end"
    );
    assert_eq!(inner(14).matches("<a>link</a>").count(), 1, "{}", inner(14));
    assert!(inner(14).contains("<img src=\"x\">"), "{}", inner(14));
    assert_eq!(text(15), "string. <style>td { display: none }</style>red");
    assert!(inner(15).contains("<span>red</span>"), "{}", inner(15));
    assert!(
        inner(16).contains("<pre><code>&lt;/td&gt;\n\n&lt;/table&gt;</code></pre>"),
        "{}",
        inner(16)
    );
    assert_eq!(text(17), "string. <div> </td> </div>");
    // Labels are text: quotes and tags shown, not interpreted.
    let labels: Vec<String> = doc
        .select(&Selector::parse("table.settings td.def").unwrap())
        .map(|td| html_check::squash(&td.text().collect::<String>()))
        .collect();
    assert_eq!(labels[18], "Quotes \"and\" <tags>");
    // Nothing of the catalog outside the table: the page's text ends with the last row.
    let after = &main[main.rfind("</table>").unwrap() + "</table>".len()..];
    assert_eq!(fragment_text(after), "", "after the table: {after}");
}

#[test]
fn invalid_utf8_in_the_catalog_is_an_error_at_its_line_and_column() {
    let mut tb = TestBook::new();
    tb.file(
        "data/catalog/destinations.yml",
        b"items:\n- slug: a\n  settings:\n  - label: caf\xe9\n".as_slice(),
    );
    tb.add(chapter("a.md", "x"));
    assert_fails(
        &tb.run(),
        "E004",
        &["UTF-8", "data/catalog/destinations.yml:4:15"],
    );
}

#[test]
fn invalid_utf8_in_the_sync_note_is_an_error_naming_it() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.file("note.md", b"Syncs \xff hourly.".as_slice());
    tb.set(r#"sync-note = "note.md""#);
    tb.add(chapter("a.md", "x"));
    assert_fails(&tb.run(), "E003", &["note.md", "UTF-8"]);
}

#[test]
fn invalid_utf8_and_lone_surrogates_in_chapter_content_are_refused() {
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.add(chapter("a.md", "PLACEHOLDER"));
    let input = String::from_utf8(tb.input_05()).unwrap();
    for bad in [&b"caf\xe9"[..], b"\\ud800", b"\\udc00x"] {
        let mut bytes = Vec::new();
        let (before, after) = input.split_once("PLACEHOLDER").unwrap();
        bytes.extend_from_slice(before.as_bytes());
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(after.as_bytes());
        assert_fails(&run_with_stdin(&bytes), "E001", &["<stdin>"]);
    }
}

#[test]
fn chapter_content_with_control_characters_passes_through() {
    // Chapter text is the author's: NUL and controls are kept as they are (mdBook
    // renders them), the front matter is still found and stripped.
    let mut tb = TestBook::new();
    tb.catalog(CATALOG);
    tb.set(r#"pages = ["*/index.md"]"#);
    let body = "# T\r\n\u{0}\u{1}\u{7f} text | pipe </td>\r\n";
    tb.add(chapter(
        "other.md",
        &format!("---\r\ntitle: x\r\n---\r\n{body}"),
    ));
    tb.add(chapter(
        "acme/index.md",
        &format!("---\r\nslug: acme\r\n---\r\n{body}"),
    ));
    let contents = tb.contents();
    assert_eq!(contents[0], body);
    assert!(contents[1].starts_with(body), "{:?}", contents[1]);
    assert!(contents[1].contains("<table class=\"settings\">"));
}

#[test]
fn the_checker_sees_a_description_that_leaves_its_cell() {
    // The same checks on HTML a broken renderer could write: each must fail.
    let row = |desc: &str| {
        format!(
            "<table class=\"settings\">\n<thead>\n<tr>\n<th>Setting</th>\n<th>Description</th>\n</tr>\n</thead>\n<tbody>\n\
             <tr>\n<td class=\"def\" id=\"a\"><a class=\"setting-anchor\" href=\"#a\">A</a></td>\n<td><code>string</code>. {desc}</td>\n</tr>\n</tbody>\n</table>\n"
        )
    };
    let want = |text: &str| {
        vec![ExpectedRow {
            id: Some("a".into()),
            label: "A".into(),
            required: false,
            description_text: text.into(),
        }]
    };
    assert_eq!(
        check_settings_table(&row("ok"), false, &want("ok"), false),
        Ok(())
    );
    for (desc, text) in [
        ("x</td><td>y", "x y"),
        ("x</td></tr><tr><td>y", "x y"),
        ("x</table>y", "xy"),
        ("<script>y</script>", ""),
        ("<b onclick=x>y</b>", "y"),
        ("<a href=\"javascript:x\">y</a>", "y"),
        ("<div>y</div>", "y"),
        ("<b>y", "y"),
    ] {
        let html = row(desc);
        let balanced = check_balanced(&html);
        let parsed = check_settings_table(&html, false, &want(text), false);
        assert!(
            balanced.is_err() || parsed.is_err(),
            "{desc:?} was not caught"
        );
    }
    assert!(check_balanced("<b><i>x</b></i>").is_err());
    assert!(check_balanced("x</td>").is_err());
    assert!(check_balanced("<span>").is_err());
    assert_eq!(check_balanced("<b>x<br /><img src=a></b>"), Ok(()));
}
