//! The W101 warning's suggestions, through the binary: by the page's `id`, else the
//! nearest slugs (found through the slug index).

mod common;
use common::*;

fn book_with(pages: &[(&str, &str)]) -> TestBook {
    book_with_items(pages, "")
}

fn book_with_items(pages: &[(&str, &str)], more_items: &str) -> TestBook {
    let mut b = TestBook::new();
    b.catalog(&format!(
        "{CATALOG}- id: \"300\"\n  slug: acme-cloud\n- id: \"100\"\n  slug: acme-again\n{more_items}"
    ));
    b.set(r#"pages = ["dest/*.md"]"#);
    for (path, content) in pages {
        b.add(chapter(path, content));
    }
    b
}

#[test]
fn the_page_id_names_the_item_to_point_at() {
    let b = book_with(&[("dest/acme-old.md", "---\nid: \"100\"\n---\nbody\n")]);
    let out = b.run();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("warning[W101]"), "{err}");
    assert!(err.contains("no catalog item for slug `acme-old`"), "{err}");
    // The first item with that id (in file order), not the later one.
    assert!(
        err.contains(
            "the catalog item with this page's id `100` has slug `acme`: set `slug: acme`"
        ),
        "{err}"
    );
}

#[test]
fn without_an_id_the_nearest_slugs_are_suggested() {
    let b = book_with(&[
        ("dest/acme-clouds.md", "text\n"),
        ("dest/bolts.md", "text\n"),
        ("dest/zzzzzzzzzzzz.md", "text\n"),
    ]);
    let out = b.run();
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("for slug `acme-clouds`")
            && err.contains("the nearest slug in the catalog is `acme-cloud`"),
        "{err}"
    );
    assert!(
        err.contains("the nearest slug in the catalog is `bolt`"),
        "{err}"
    );
    let far = err
        .split("warning[")
        .find(|w| w.contains("`zzzzzzzzzzzz`"))
        .expect("a warning for the far slug");
    assert!(!far.contains("help"), "{far}");
}

#[test]
fn several_near_slugs_are_listed_nearest_first() {
    let b = book_with_items(
        &[("dest/acme-clowds.md", "text\n")],
        "- slug: acme-crowd\n- slug: acme-crowds\n",
    );
    let err = stderr(&b.run());
    assert!(
        err.contains(
            "the nearest slugs in the catalog are `acme-crowds`, `acme-cloud`, `acme-crowd`"
        ),
        "{err}"
    );
}
