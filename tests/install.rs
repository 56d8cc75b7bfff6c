//! `mdbook-destinations install`: the binary on books on disk. A fresh book is set up and
//! then builds with real mdBook; a second run changes nothing; a missing or broken
//! `book.toml` is refused with nothing changed; the example book is already set up.

mod common;
use common::*;
use mdbook_destinations::install::{STYLESHEET, STYLESHEET_FILE};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::SystemTime;

fn install(args: &[&str]) -> Output {
    let mut full = vec!["install"];
    full.extend_from_slice(args);
    run_args(&full, b"")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<String, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, SystemTime)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                let mtime = e.metadata().unwrap().modified().unwrap();
                out.insert(rel, (std::fs::read(&p).unwrap(), mtime));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// A book as `mdbook init` leaves it, with a catalog at the default path and one
/// destination page marked by its front matter.
fn fresh_book() -> TestBook {
    let tb = TestBook::new();
    tb.file(
        "book.toml",
        "# My docs\n[book]\ntitle = \"Docs\" # shown in the menu bar\nauthors = [\"A\"]\n\n[output.html.search]\nenable = false\n",
    );
    tb.file(
        "src/SUMMARY.md",
        "# Summary\n\n- [Acme](acme.md)\n- [About](about.md)\n",
    );
    tb.file(
        "src/acme.md",
        "---\nlayout: destination\n---\n# Acme\n\nText.\n",
    );
    tb.file("src/about.md", "# About\n");
    tb.catalog(CATALOG);
    tb
}

#[test]
fn a_fresh_book_is_set_up_and_builds() {
    let tb = fresh_book();
    let root = tb.root().to_str().unwrap();
    let out = install(&[root]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no warnings for a complete book");
    let report = stdout(&out);
    assert_eq!(report.lines().count(), 4, "{report}");
    assert!(
        report.contains("book.toml: added [preprocessor.destinations]"),
        "{report}"
    );
    assert!(
        report.contains(&format!("{STYLESHEET_FILE}: written")),
        "{report}"
    );

    let toml_text = std::fs::read_to_string(tb.root().join("book.toml")).unwrap();
    assert!(
        toml_text.starts_with("# My docs\n[book]\ntitle = \"Docs\" # shown in the menu bar\n"),
        "comments and order kept:\n{toml_text}"
    );
    let parsed: toml::Table = toml::from_str(&toml_text).unwrap();
    assert_eq!(
        parsed["preprocessor"]["destinations"]["catalog"].as_str(),
        Some("data/catalog/destinations.yml")
    );
    assert_eq!(
        parsed["build"]["extra-watch-dirs"].as_array().unwrap(),
        &vec![toml::Value::from("data/catalog")]
    );
    assert_eq!(
        parsed["output"]["html"]["search"]["enable"].as_bool(),
        Some(false),
        "the existing [output.html.search] is kept"
    );
    assert_eq!(
        std::fs::read_to_string(tb.root().join(STYLESHEET_FILE)).unwrap(),
        STYLESHEET
    );

    // The book now builds with real mdBook, the preprocessor found on PATH.
    let dest = tb.root().join("out");
    let build = Command::new(mdbook())
        .arg("build")
        .arg(tb.root())
        .arg("--dest-dir")
        .arg(&dest)
        .env("PATH", path_with_bin())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let html = std::fs::read_to_string(dest.join("acme.html")).unwrap();
    let rows = settings_rows(main_of(&html));
    assert_eq!(rows.len(), 1, "{html}");
    assert!(rows[0][0].contains(">API Key</a>"), "{:?}", rows[0]);
    assert!(
        html.contains("mdbook-destinations") && html.contains(".css\">"),
        "the stylesheet is linked"
    );
}

#[test]
fn a_second_run_changes_nothing() {
    let tb = fresh_book();
    let root = tb.root().to_str().unwrap();
    assert!(install(&[root]).status.success());
    let before = snapshot(tb.root());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = install(&[root]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("nothing changed"), "{}", stdout(&out));
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert_eq!(snapshot(tb.root()), before, "files or their mtimes changed");
}

#[test]
fn catalog_option_sets_the_path_and_watches_its_folder() {
    let tb = fresh_book();
    tb.file("catalogs/dest.json", "[]");
    let root = tb.root().to_str().unwrap();
    let out = install(&["--catalog", "catalogs/dest.json", root]);
    assert!(out.status.success(), "{}", stderr(&out));
    let parsed: toml::Table =
        toml::from_str(&std::fs::read_to_string(tb.root().join("book.toml")).unwrap()).unwrap();
    assert_eq!(
        parsed["preprocessor"]["destinations"]["catalog"].as_str(),
        Some("catalogs/dest.json")
    );
    assert_eq!(
        parsed["build"]["extra-watch-dirs"].as_array().unwrap(),
        &vec![toml::Value::from("catalogs")]
    );
    let again = install(&["--catalog", "catalogs/dest.json", root]);
    assert!(stdout(&again).contains("nothing changed"));

    // A catalog that is not there yet is set all the same, with a warning naming it.
    let other = install(&["--catalog", "missing/x.yml", root]);
    assert!(other.status.success());
    let err = stderr(&other);
    assert!(
        err.contains("warning[W201]") && err.contains("missing/x.yml"),
        "{err}"
    );
    assert!(stdout(&other).contains("from \"catalogs/dest.json\" to \"missing/x.yml\""));
}

#[test]
fn refuses_a_folder_without_book_toml_and_changes_nothing() {
    let tb = TestBook::new();
    tb.file("notes.txt", "x");
    let before = snapshot(tb.root());
    let out = install(&[tb.root().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.starts_with("error[E201]:"), "{err}");
    assert!(
        err.contains(&tb.root().join("book.toml").display().to_string()),
        "names the file: {err}"
    );
    assert_eq!(snapshot(tb.root()), before);

    let gone = install(&[tb.root().join("nope").to_str().unwrap()]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        stderr(&gone).contains("no book folder"),
        "{}",
        stderr(&gone)
    );
}

#[test]
fn refuses_a_book_toml_that_does_not_parse_and_changes_nothing() {
    let tb = fresh_book();
    tb.file("book.toml", "[book]\ntitle = \"Docs\"\n[output.html\n");
    let before = snapshot(tb.root());
    let out = install(&[tb.root().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with("error[E202]: book.toml is not valid TOML"),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    let place = format!("{}:3:", tb.root().join("book.toml").display());
    assert!(err.contains(&place), "names the file and line: {err}");
    assert_eq!(snapshot(tb.root()), before, "no stylesheet, no temp file");
}

#[test]
fn refuses_a_value_of_the_wrong_shape_and_changes_nothing() {
    let tb = fresh_book();
    tb.file(
        "book.toml",
        "[book]\ntitle = \"Docs\"\n[build]\nextra-watch-dirs = \"data\"\n",
    );
    let before = snapshot(tb.root());
    let out = install(&[tb.root().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("`build.extra-watch-dirs` in book.toml should be a list"),
        "{err}"
    );
    assert_eq!(snapshot(tb.root()), before);
}

#[cfg(unix)]
#[test]
fn keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let tb = fresh_book();
    let real = tb.root().join("config/book.toml");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::rename(tb.root().join("book.toml"), &real).unwrap();
    std::os::unix::fs::symlink(&real, tb.root().join("book.toml")).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();

    let out = install(&[tb.root().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = std::fs::symlink_metadata(tb.root().join("book.toml")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "book.toml is still a symlink"
    );
    assert!(std::fs::read_to_string(&real)
        .unwrap()
        .contains("[preprocessor.destinations]"));
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "book.toml keeps its mode");
}

#[test]
fn the_example_book_is_already_set_up() {
    // Keeps the committed book-example/book.toml and stylesheet in step with `install`.
    let (_tmp, book) = example_copy();
    let before = snapshot(&book);
    let out = install(&[book.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing changed"),
        "run `mdbook-destinations install book-example`: {}",
        stdout(&out)
    );
    assert_eq!(snapshot(&book), before);
}

/// E203: a file that cannot be written (here the stylesheet's path is a folder) stops
/// `install` with its path, and `book.toml` is left as it was.
#[test]
fn a_file_that_cannot_be_written_is_an_error_and_book_toml_is_kept() {
    let tb = fresh_book();
    std::fs::create_dir(tb.root().join(STYLESHEET_FILE)).unwrap();
    let before = std::fs::read(tb.root().join("book.toml")).unwrap();
    let out = install(&[tb.root().to_str().unwrap()]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.starts_with("error[E203]: cannot write"), "{err}");
    assert!(err.contains(STYLESHEET_FILE), "{err}");
    assert_eq!(std::fs::read(tb.root().join("book.toml")).unwrap(), before);
}
