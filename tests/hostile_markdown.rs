//! Deeply nested or pathological markdown and HTML, in descriptions and in chapters:
//! rendered in time linear in its length, with balanced HTML.

mod common;
mod html_check;
use common::*;
use html_check::check_balanced;
use mdbook_destinations::render::description::{self, MAX_RAW_DEPTH};
use mdbook_destinations::render::MarkdownOptions;
use std::time::{Duration, Instant};

const N: usize = 50_000;

fn render_timed(md: &str) -> (String, Duration) {
    let start = Instant::now();
    let html = description::render(md, MarkdownOptions::default());
    (html, start.elapsed())
}

#[test]
fn many_stray_end_tags_after_many_open_elements_are_linear() {
    // Found by a probe of deep inputs: each `</i>` looked through every open `<b>`, so
    // 50,000 of each took 112 s (debug). Open inline elements are now bounded.
    let md = "<b>".repeat(N) + &"</i>".repeat(N);
    let (html, took) = render_timed(&md);
    assert!(took < Duration::from_secs(10), "{took:?}");
    check_balanced(&html).unwrap();
    assert_eq!(html.matches("<b>").count(), MAX_RAW_DEPTH);
    assert_eq!(html.matches("</b>").count(), MAX_RAW_DEPTH);
    assert_eq!(html.matches("&lt;b&gt;").count(), N - MAX_RAW_DEPTH);
    assert_eq!(html.matches("&lt;/i&gt;").count(), N);
}

#[test]
fn nesting_up_to_the_bound_is_kept() {
    let md = "<i>".repeat(MAX_RAW_DEPTH) + "x" + &"</i>".repeat(MAX_RAW_DEPTH) + " <b>y</b>";
    let (html, _) = render_timed(&md);
    assert_eq!(
        html,
        "<i>".repeat(MAX_RAW_DEPTH) + "x" + &"</i>".repeat(MAX_RAW_DEPTH) + " <b>y</b>"
    );
}

#[test]
fn deep_markdown_in_a_description_is_linear_and_balanced() {
    let cases = [
        ">".repeat(N) + " quoted",
        "- ".repeat(N) + "item",
        "*".repeat(N) + "x" + &"*".repeat(N),
        "[".repeat(N) + "x" + &"](y)".repeat(N),
        "[a <a href=x>".repeat(N / 10),
        "`".repeat(N),
        "<".repeat(N),
        (0..2000)
            .map(|i| format!("{}- x\n", "  ".repeat(i)))
            .collect::<String>(),
        "> [a](b) ".repeat(N / 5),
        "<a>".repeat(N / 5),
        // Each unclosed `<!--` searched the rest of the text for `-->`: 19 s (debug).
        "<!--".repeat(N),
        "```\n".repeat(N),
    ];
    for md in cases {
        let (html, took) = render_timed(&md);
        assert!(
            took < Duration::from_secs(10),
            "{took:?} for {:?}…",
            &md[..20]
        );
        check_balanced(&html).unwrap_or_else(|e| panic!("{e} for {:?}…", &md[..20]));
        assert!(!html.lines().any(|l| l.trim().is_empty()));
    }
}

#[test]
fn a_deeply_nested_chapter_keeps_its_content_and_gets_its_sections() {
    for own in [
        ">".repeat(N) + " deep quote\n",
        "- ".repeat(N) + "deep list\n",
        "```\n".to_string() + &"[".repeat(N),
        "<div>\n".repeat(N),
    ] {
        let mut tb = TestBook::new();
        tb.catalog(CATALOG);
        tb.set(r#"pages = ["*/index.md"]"#);
        tb.add(chapter("acme/index.md", &own));
        let start = Instant::now();
        let contents = tb.contents();
        assert!(start.elapsed() < Duration::from_secs(20));
        assert!(contents[0].starts_with(&own));
        assert!(contents[0].contains("<table class=\"settings\">"));
    }
}
