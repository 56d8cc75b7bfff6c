//! Every diagnostic: a small book showing it, checked for its code, its place (line and
//! column) and its help, through `check --format json`; plus `check`'s summary and exit
//! statuses, and the same diagnostics in a build.

mod common;
use common::*;
use serde_json::Value;
use std::process::Command;

/// Runs `check` on the book, returning (exit status, JSON report).
fn check(tb: &TestBook, extra: &[&str]) -> (i32, Value) {
    tb.write_to_disk();
    let mut cmd = Command::new(bin());
    cmd.arg("check")
        .arg(tb.root())
        .args(["--format", "json"])
        .args(extra);
    let out = cmd.output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), json)
}

/// The diagnostics with this code.
fn with_code<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

fn one<'a>(report: &'a Value, code: &str) -> &'a Value {
    let found = with_code(report, code);
    assert_eq!(found.len(), 1, "expected one {code}: {report:#}");
    found[0]
}

fn place(d: &Value) -> (String, u64, u64) {
    let l = &d["location"];
    (
        l["path"].as_str().unwrap().to_string(),
        l["line"].as_u64().unwrap_or(0),
        l["column"].as_u64().unwrap_or(0),
    )
}

fn book(catalog: &str) -> TestBook {
    let mut tb = TestBook::new();
    tb.catalog(catalog);
    tb.set(r#"pages = ["d/*/index.md"]"#);
    tb
}

const CAT: &str = "data/catalog/destinations.yml";

#[test]
fn w101_no_item_suggests_the_slug_of_the_item_with_the_page_id() {
    let mut tb = book(CATALOG);
    tb.add(chapter(
        "d/actions-acme/index.md",
        "---\nid: \"100\"\n---\n",
    ));
    let (_, r) = check(&tb, &[]);
    let d = one(&r, "W101");
    assert_eq!(d["severity"], "warning");
    assert_eq!(place(d), ("src/d/actions-acme/index.md".into(), 0, 0));
    assert!(d["message"].as_str().unwrap().contains("`actions-acme`"));
    let help = d["help"].as_str().unwrap();
    assert!(
        help.contains("id `100` has slug `acme`: set `slug: acme`"),
        "{help}"
    );
}

#[test]
fn w101_no_item_suggests_the_nearest_slugs_otherwise() {
    let mut tb = book(CATALOG);
    tb.add(chapter("d/acmee/index.md", "x"));
    tb.add(chapter("d/zzzzzzzz/index.md", "x"));
    let (_, r) = check(&tb, &[]);
    let ds = with_code(&r, "W101");
    assert_eq!(ds.len(), 2);
    assert_eq!(ds[0]["help"], "the nearest slug in the catalog is `acme`");
    assert!(ds[1]["help"].is_null(), "nothing near: no help");
}

#[test]
fn w101_is_not_given_for_hide_boilerplate_pages() {
    let mut tb = book(CATALOG);
    tb.add(chapter(
        "d/gone/index.md",
        "---\nhide-boilerplate: true\n---\n",
    ));
    let (_, r) = check(&tb, &[]);
    assert!(with_code(&r, "W101").is_empty());
    assert_eq!(r["summary"]["hidden"], 1);
}

#[test]
fn w102_unused_items_are_listed_by_check_with_their_line() {
    let mut tb = book(CATALOG);
    tb.add(chapter("d/acme/index.md", "x"));
    let (code, r) = check(&tb, &[]);
    assert_eq!(code, 0, "warnings alone exit 0");
    let d = one(&r, "W102");
    assert_eq!(place(d), (CAT.into(), 18, 3), "the `slug: bolt` line");
    assert!(d["message"].as_str().unwrap().contains("`bolt`"));
    assert!(d["help"].as_str().unwrap().contains("slug: bolt"));
    assert_eq!(r["summary"]["items_without_page"], 1);
}

#[test]
fn w102_is_one_summary_line_in_a_build() {
    let cat = format!("{CATALOG}- slug: c1\n- slug: c2\n- slug: c3\n");
    let mut tb = book(&cat);
    tb.add(chapter("d/acme/index.md", "x"));
    let out = tb.run();
    assert!(out.status.success());
    let err = stderr(&out);
    assert_eq!(err.matches("W102").count(), 1, "{err}");
    assert!(err.contains("4 catalog items"), "{err}");
    assert!(err.contains("`bolt`, `c1`, `c2`, …"), "{err}");
    assert!(err.contains("mdbook-destinations check"), "{err}");
    // It names the catalog (with `strict` it is an error, and errors name their file).
    assert!(
        err.contains("W102]") && err.contains("--> data/catalog/destinations.yml\n"),
        "{err}"
    );
}

#[test]
fn w103_duplicate_slugs_name_both_and_the_first_wins() {
    let cat = "items:\n- slug: a\n  settings: [{label: First}]\n- slug: b\n- slug: a\n  settings: [{label: Second}]\n";
    let mut tb = book(cat);
    tb.add(chapter("d/a/index.md", "x"));
    tb.add(chapter("d/b/index.md", "x"));
    let (_, r) = check(&tb, &[]);
    let d = one(&r, "W103");
    assert_eq!(place(d), (CAT.into(), 5, 3));
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("#1 and #3") && msg.contains("first"), "{msg}");
    assert!(d["help"].as_str().unwrap().contains("item #3"));
    assert!(
        with_code(&r, "W102").is_empty(),
        "a duplicate is not also 'unused'"
    );
    // The page gets the first item.
    assert!(tb.contents()[0].contains("First") && !tb.contents()[0].contains("Second"));
}

#[test]
fn w104_misspelled_flags_on_destination_pages() {
    let mut tb = book(CATALOG);
    tb.add(chapter(
        "d/acme/index.md",
        "---\ntitle: A\nhide-setting: true\nhide_settings: true\nhidePersonasPartial: true\nhide-dossier: true\n---\n",
    ));
    tb.add(chapter("other.md", "---\nhide_settings: true\n---\n"));
    let (_, r) = check(&tb, &[]);
    let ds = with_code(&r, "W104");
    assert_eq!(ds.len(), 3, "{r:#}");
    let want = [
        (3, "hide-setting", "hide-settings"),
        (4, "hide_settings", "hide-settings"),
        (5, "hidePersonasPartial", "hide-personas-partial"),
    ];
    for (d, (line, key, flag)) in ds.iter().zip(want) {
        assert_eq!(place(d), ("src/d/acme/index.md".into(), line, 1));
        assert!(d["message"].as_str().unwrap().contains(&format!("`{key}`")));
        assert_eq!(d["help"], format!("did you mean `{flag}`?"));
    }
    // The misspelled flag does nothing.
    assert!(tb.contents()[0].contains("## Settings"));
}

#[test]
fn w105_catalog_fields_of_the_wrong_type_are_not_true() {
    let cat = "items:\n- slug: a\n  platforms:\n    server: \"yes\"\n  settings:\n  - label: K\n    required: \"true\"\n    deprecated: 1\n";
    let mut tb = book(cat);
    tb.add(chapter("d/a/index.md", "x"));
    let (_, r) = check(&tb, &[]);
    let ds = with_code(&r, "W105");
    assert_eq!(ds.len(), 3, "{r:#}");
    assert_eq!(place(ds[0]), (CAT.into(), 4, 5));
    assert!(ds[0]["message"]
        .as_str()
        .unwrap()
        .contains("`platforms.server`"));
    assert_eq!(
        ds[0]["help"],
        "write `server: true` or `server: false`, without quotes"
    );
    assert_eq!(place(ds[1]), (CAT.into(), 7, 5));
    assert!(ds[1]["message"].as_str().unwrap().contains("`required`"));
    assert_eq!(place(ds[2]), (CAT.into(), 8, 5));
    let page = &tb.contents()[0];
    assert!(!page.contains("Personas") && !page.contains("(required)"));
    assert!(
        page.contains(">K</a>"),
        "deprecated: 1 is not true: the row stays"
    );
}

#[test]
fn w106_empty_labels_have_no_anchor() {
    let cat = "items:\n- slug: a\n  settings:\n  - label: ''\n    type: string\n  - type: number\n  - label: '!!!'\n";
    let mut tb = book(cat);
    tb.add(chapter("d/a/index.md", "x"));
    let (_, r) = check(&tb, &[]);
    let ds = with_code(&r, "W106");
    assert_eq!(ds.len(), 3, "{r:#}");
    assert_eq!(place(ds[0]), (CAT.into(), 4, 5), "at the label");
    assert_eq!(
        place(ds[1]),
        (CAT.into(), 6, 5),
        "no label key: at the setting"
    );
    assert!(ds[2]["message"]
        .as_str()
        .unwrap()
        .contains("no letters or digits"));
    assert_eq!(
        ds[0]["help"],
        "give the setting a `label:` with letters or digits"
    );
}

#[test]
fn w107_colliding_anchors() {
    let cat = "items:\n- slug: a\n  settings:\n  - label: Region\n  - label: Old region\n    deprecated: true\n  - label: region?\n";
    let mut tb = book(cat);
    tb.add(chapter("d/a/index.md", "x"));
    let (_, r) = check(&tb, &[]);
    let d = one(&r, "W107");
    assert_eq!(place(d), (CAT.into(), 7, 5));
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.contains("`Region`") && msg.contains("`region?`") && msg.contains("#region"),
        "{msg}"
    );
    assert!(d["help"].as_str().unwrap().contains("differ"));
    assert!(tb.contents()[0].contains("id=\"region-2\""));
}

#[test]
fn w002_unknown_config_key() {
    let mut tb = book(CATALOG);
    tb.set(r#"sync_note = "x""#);
    tb.add(chapter("d/acme/index.md", "x"));
    let (_, r) = check(&tb, &[]);
    let d = one(&r, "W002");
    assert_eq!(d["location"]["path"], "book.toml");
    assert_eq!(d["help"], "did you mean `sync-note`?");
}

#[test]
fn front_matter_errors_point_at_the_key_and_every_chapter_is_reported() {
    let mut tb = book(CATALOG);
    tb.add(chapter(
        "d/acme/index.md",
        "---\ntitle: A\nhide-settings: 'no'\n---\n",
    ));
    tb.add(chapter("d/bolt/index.md", "---\ntitle: [\n---\n"));
    let (code, r) = check(&tb, &[]);
    assert_eq!(code, 1);
    let d = one(&r, "E007");
    assert_eq!(place(d), ("src/d/acme/index.md".into(), 3, 1));
    assert_eq!(d["help"], "write `hide-settings: false` without quotes");
    let d = one(&r, "E006");
    assert_eq!(place(d).0, "src/d/bolt/index.md");
    assert!(place(d).1 >= 2);
    assert_eq!(r["summary"]["errors"], 2);
}

#[test]
fn summary_counts_and_exit_statuses() {
    let mut tb = book(CATALOG);
    tb.add(chapter("d/acme/index.md", "x"));
    tb.add(chapter(
        "d/bolt/index.md",
        "---\nhide-settings: true\n---\n",
    ));
    tb.add(chapter("d/nope/index.md", "x"));
    tb.add(chapter(
        "d/off/index.md",
        "---\nhide-boilerplate: true\n---\n",
    ));
    tb.add(chapter("notes.md", "x"));
    let (code, r) = check(&tb, &[]);
    assert_eq!(code, 0);
    let s = &r["summary"];
    assert_eq!(s["destination_pages"], 4);
    assert_eq!(s["rendered"], 2);
    assert_eq!(s["hidden"], 1);
    assert_eq!(s["pages_without_item"], 1);
    assert_eq!(s["items"], 2);
    assert_eq!(s["items_without_page"], 0);
    assert_eq!(
        s["rows"], 1,
        "acme's one visible row; bolt hides its settings"
    );
    assert_eq!(s["warnings"], 1);
    assert_eq!(s["errors"], 0);
    let (code, _) = check(&tb, &["--deny-warnings"]);
    assert_eq!(code, 2);
}

#[test]
fn a_clean_book_exits_0_even_with_deny_warnings_and_human_output_has_a_summary_line() {
    let mut tb = book(CATALOG);
    tb.add(chapter("d/acme/index.md", "x"));
    tb.add(chapter("d/bolt/index.md", "x"));
    let (code, r) = check(&tb, &["--deny-warnings"]);
    assert_eq!(code, 0, "{r:#}");
    let out = Command::new(bin())
        .arg("check")
        .arg(tb.root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2 destination pages (2 with sections, 0 hidden by hide-boilerplate, 0 without catalog item), 2 catalog items (0 without page), 2 settings rows; 0 warnings, 0 errors"),
        "{text}"
    );
}

#[test]
fn strict_in_book_toml_or_from_the_environment_makes_warnings_errors() {
    let mut tb = book(CATALOG);
    tb.add(chapter("d/nope/index.md", "x"));
    let (code, _) = check(&tb, &[]);
    assert_eq!(code, 0);
    tb.write_to_disk();
    let out = Command::new(bin())
        .args(["check", "--format", "json"])
        .arg(tb.root())
        .env("MDBOOK_PREPROCESSOR__DESTINATIONS__STRICT", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one(&r, "W101")["severity"], "error");
    tb.set("strict = true");
    let (code, r) = check(&tb, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        r["summary"]["errors"], 3,
        "W101 and two W102, all errors: {r:#}"
    );
}

#[test]
fn check_on_a_folder_without_book_toml() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(bin())
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("error[E003]") && text.contains("book.toml"),
        "{text}"
    );
}

#[test]
fn human_output_shows_the_source_line_under_the_place() {
    let cat = "items:\n- slug: a\n  settings:\n  - label: K\n    required: \"true\"\n";
    let mut tb = book(cat);
    tb.add(chapter("d/a/index.md", "x"));
    tb.write_to_disk();
    let out = Command::new(bin())
        .arg("check")
        .arg(tb.root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let expected = "warning[W105]: `required` should be true or false, found a string: treated as not true\n \
                    --> data/catalog/destinations.yml:5:5\n  |\n5 |     required: \"true\"\n  |     ^^^^^^^^\n  \
                    = help: write `required: true` or `required: false`, without quotes\n";
    assert!(text.contains(expected), "{text}");
}
