//! Nothing lost, for arbitrary books: chapters that are not destination pages come out
//! byte for byte as they went in, less their front matter; the tree (parts, separators,
//! drafts, nesting, numbering, every other field) is unchanged in both mdBook shapes; and a
//! destination page's own content is kept verbatim before the sections appended to it.

mod common;
use common::CATALOG;
use mdbook_destinations::preprocessor::run_protocol;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;

/// The book root: the catalog (`acme`, a server destination; `bolt`, not one).
fn root() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cat = dir.path().join("data/catalog/destinations.yml");
        std::fs::create_dir_all(cat.parent().unwrap()).unwrap();
        std::fs::write(cat, CATALOG).unwrap();
        dir
    })
    .path()
}

/// Which kind of page a chapter is.
#[derive(Debug, Clone)]
enum Page {
    /// An ordinary chapter at `guide/N.md`.
    Plain,
    /// `dest/SLUG/index.md`, matched by the `pages` glob.
    ByPath(&'static str),
    /// `other/N.md` with `layout: destination` and `slug: SLUG` in its front matter.
    ByLayout(&'static str),
    /// A draft (no path).
    Draft,
}

#[derive(Debug, Clone, Default)]
struct Flags {
    hide_boilerplate: bool,
    hide_personas: bool,
    hide_settings: bool,
    show_sync_disclaimer: bool,
}

#[derive(Debug, Clone)]
struct Chap {
    name: String,
    page: Page,
    /// Front matter lines of our own (`title: …`), when the chapter has a block.
    front: Option<(String, Flags)>,
    /// `---` or `...` closes the block; CRLF line endings in it.
    dots: bool,
    crlf: bool,
    body: String,
    number: Option<Vec<u32>>,
    extra: Option<String>,
    subs: Vec<Item>,
}

#[derive(Debug, Clone)]
enum Item {
    Chapter(Box<Chap>),
    Separator,
    Part(String),
}

/// Pieces of chapter text: markdown that could confuse a reader of the chapter (rules,
/// fences, HTML blocks, tables), line endings, and arbitrary text.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("---\n".to_string()),
        Just("...\n".to_string()),
        Just("```rust\n".to_string()),
        Just("~~~\n".to_string()),
        Just("<!-- c\n".to_string()),
        Just("<script>\n".to_string()),
        Just("<div>\n".to_string()),
        Just("| a | b |\n|---|---|\n".to_string()),
        Just("# Heading\n".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("{{#include x.md}}\n".to_string()),
        Just("title: x\n".to_string()),
        "[a-z ]{0,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

fn flags() -> impl Strategy<Value = Flags> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d)| Flags {
        hide_boilerplate: a && b && c, // rarer
        hide_personas: b,
        hide_settings: c,
        show_sync_disclaimer: d,
    })
}

fn page() -> impl Strategy<Value = Page> {
    prop_oneof![
        4 => Just(Page::Plain),
        2 => prop::sample::select(vec!["acme", "bolt", "nowhere"]).prop_map(Page::ByPath),
        1 => prop::sample::select(vec!["acme", "bolt"]).prop_map(Page::ByLayout),
        1 => Just(Page::Draft),
    ]
}

fn chap(subs: impl Strategy<Value = Vec<Item>>) -> impl Strategy<Value = Item> {
    (
        "[A-Za-z][A-Za-z0-9 ]{0,10}",
        page(),
        prop::option::of(("[A-Za-z0-9 ]{0,10}", flags())),
        any::<bool>(),
        any::<bool>(),
        body(),
        prop::option::of(prop::collection::vec(1u32..20, 1..4)),
        prop::option::of("[a-z]{1,6}"),
        subs,
    )
        .prop_map(
            |(name, page, front, dots, crlf, body, number, extra, subs)| {
                Item::Chapter(Box::new(Chap {
                    name,
                    page,
                    front,
                    dots,
                    crlf,
                    body,
                    number,
                    extra,
                    subs,
                }))
            },
        )
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    let leaf = prop_oneof![
        6 => chap(Just(Vec::new())),
        1 => Just(Item::Separator),
        1 => "[A-Za-z ]{1,10}".prop_map(Item::Part),
    ];
    let tree = leaf.prop_recursive(3, 40, 5, |inner| {
        prop_oneof![
            4 => chap(prop::collection::vec(inner, 0..4)),
            1 => Just(Item::Separator),
        ]
    });
    prop::collection::vec(tree, 0..8)
}

impl Chap {
    fn path(&self, n: usize) -> Option<String> {
        match self.page {
            Page::Plain => Some(format!("guide/{n}.md")),
            Page::ByPath(slug) => Some(format!("dest/{slug}/index.md")),
            Page::ByLayout(_) => Some(format!("other/{n}.md")),
            Page::Draft => None,
        }
    }

    /// The chapter's own content: the body, made not to open a front matter block when
    /// the chapter has none (a body that starts with `---` and later holds a `---` line
    /// would be one).
    fn own(&self) -> String {
        let starts_block = {
            let b = self.body.strip_prefix('\u{feff}').unwrap_or(&self.body);
            b.starts_with("---")
        };
        if self.front.is_none() && !matches!(self.page, Page::ByLayout(_)) && starts_block {
            format!("x{}", self.body)
        } else {
            self.body.clone()
        }
    }

    /// The content sent: front matter (when there is one) and the chapter's own content.
    fn content(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        let mut flags = Flags::default();
        if let Some((title, f)) = &self.front {
            lines.push(format!("title: {title:?}"));
            flags = f.clone();
        }
        if let Page::ByLayout(slug) = self.page {
            lines.push("layout: destination".into());
            lines.push(format!("slug: {slug}"));
        }
        if lines.is_empty() {
            return self.own();
        }
        for (key, on) in [
            ("hide-boilerplate", flags.hide_boilerplate),
            ("hide-personas-partial", flags.hide_personas),
            ("hide-settings", flags.hide_settings),
            ("show-sync-disclaimer", flags.show_sync_disclaimer),
        ] {
            if on {
                lines.push(format!("{key}: true"));
            }
        }
        let nl = if self.crlf { "\r\n" } else { "\n" };
        let close = if self.dots { "..." } else { "---" };
        let mut out = format!("---{nl}");
        for l in lines {
            out.push_str(&l);
            out.push_str(nl);
        }
        out.push_str(close);
        out.push_str(nl);
        out.push_str(&self.own());
        out
    }

    /// Whether sections are appended: a destination page whose slug has an item, and
    /// whose flags leave something to write.
    fn gets_sections(&self) -> bool {
        let slug = match self.page {
            Page::ByPath(s) | Page::ByLayout(s) => s,
            _ => return false,
        };
        let f = self
            .front
            .as_ref()
            .map(|(_, f)| f.clone())
            .unwrap_or_default();
        let server = slug == "acme";
        slug != "nowhere"
            && !f.hide_boilerplate
            && (!f.hide_settings || (server && !f.hide_personas))
    }
}

/// The book's JSON, and each chapter's (own content, gets sections) in depth-first order.
fn to_json(items: &[Item], counter: &mut usize, expect: &mut Vec<(String, bool)>) -> Vec<Value> {
    items
        .iter()
        .map(|item| match item {
            Item::Separator => json!("Separator"),
            Item::Part(t) => json!({ "PartTitle": t }),
            Item::Chapter(c) => {
                *counter += 1;
                let path = c.path(*counter);
                expect.push((c.own(), c.gets_sections()));
                let subs = to_json(&c.subs, counter, expect);
                let mut obj = json!({
                    "name": c.name,
                    "content": c.content(),
                    "number": c.number,
                    "sub_items": subs,
                    "path": path,
                    "source_path": path,
                    "parent_names": ["A parent"],
                });
                if let Some(extra) = &c.extra {
                    obj["a_future_field"] = json!({ "x": extra });
                }
                json!({ "Chapter": obj })
            }
        })
        .collect()
}

/// The book with every `content` taken out: its shape.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| k.as_str() != "content")
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn nothing_is_lost(items in items(), old_shape in any::<bool>()) {
        let mut expect = Vec::new();
        let json_items = to_json(&items, &mut 0, &mut expect);
        let book = if old_shape {
            json!({ "sections": json_items, "__non_exhaustive": null })
        } else {
            json!({ "items": json_items })
        };
        let context = json!({
            "root": root(),
            "config": {
                "book": { "src": "src" },
                "preprocessor": { "destinations": { "pages": ["dest/*/index.md"] } },
            },
            "renderer": "html",
            "mdbook_version": if old_shape { "0.4.52" } else { "0.5.4" },
        });
        let input = serde_json::to_vec(&json!([context, book])).unwrap();
        let run = match run_protocol(&input) {
            Ok(run) => run,
            Err(f) => panic!("the run failed: {:?}", f.diagnostics),
        };
        let mut out = Vec::new();
        run.book.write_to(&mut out).unwrap();
        let out: Value = serde_json::from_slice(&out).unwrap();

        // The tree: identical but for contents, in the shape it came in.
        prop_assert_eq!(shape(&out), shape(&book));

        // Each chapter: its own content, whole; sections only after it.
        let contents = common::contents_of(&out);
        prop_assert_eq!(contents.len(), expect.len());
        for (got, (own, sections)) in contents.iter().zip(&expect) {
            if *sections {
                prop_assert!(got.starts_with(own.as_str()), "own content not kept: {:?} -> {:?}", own, got);
                let appended = &got[own.len()..];
                prop_assert!(
                    appended.contains("\n## Settings\n") || appended.contains("\n## Personas\n"),
                    "nothing appended: {:?}", appended
                );
            } else {
                prop_assert_eq!(got, own);
            }
        }
    }
}
