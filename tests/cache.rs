//! The catalog and chapter cache, through the binary: hits, misses on changed content,
//! corrupt entries, concurrent builds, `cache = false`, and that the cache never changes
//! what is written.

mod common;
use common::*;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A book with front matter, flags, a page without an item, a draft and nested chapters,
/// whose cache lives in `cache` (or is off).
fn book(cache: Option<&Path>) -> TestBook {
    let mut b = TestBook::new();
    b.catalog(CATALOG);
    b.set(r#"pages = ["dest/*.md"]"#);
    match cache {
        Some(dir) => b.set(&format!("cache-dir = {:?}", dir.display().to_string())),
        None => b.set("cache = false"),
    };
    let mut parent = chapter("intro.md", "---\ntitle: Intro\n---\n# Intro\n");
    parent.sub_items.push(chapter(
        "dest/acme.md",
        "---\nid: \"100\"\nhide-settings: false\n---\n# Acme\n\n```js\nlet a = 1;\n",
    ));
    parent.sub_items.push(chapter("dest/bolt.md", "# Bolt\n"));
    b.add(parent);
    b.add(chapter(
        "dest/acme-legacy.md",
        "---\nid: \"100\"\n---\nOld page.\n",
    ));
    b.add(chapter("dest/acmee.md", "Typo page.\n"));
    let mut draft = chapter("draft", "---\nlayout: destination\nslug: bolt\n---\n");
    draft.path = None;
    b.add(draft);
    b
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "failed: {}", stderr(&out));
    out
}

/// The cache files (name → inode), temporary files included.
fn entries(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    (name, e.metadata().unwrap().ino())
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn cache_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    (tmp, dir)
}

#[test]
fn cached_and_uncached_runs_write_the_same_bytes() {
    let (_tmp, dir) = cache_dir();
    let uncached = book(None);
    let cached = book(Some(&dir));
    // The same chapters in both books (only the table differs), so compare each run with
    // the uncached run of the same input.
    let reference = ok(uncached.run());
    assert!(entries(&dir).is_empty());
    for round in 0..3 {
        let out = ok(cached.run());
        assert_eq!(out.stdout, reference.stdout, "stdout, round {round}");
        assert_eq!(
            stderr(&out).replace(&cached.root().display().to_string(), "ROOT"),
            stderr(&reference).replace(&uncached.root().display().to_string(), "ROOT"),
            "stderr, round {round}"
        );
    }
    let err = stderr(&reference);
    assert!(
        err.contains("W101") && err.contains("acme-legacy") && err.contains("acmee"),
        "{err}"
    );
    let names: Vec<String> = entries(&dir).into_iter().map(|e| e.0).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].starts_with("catalog-") && names[1].starts_with("pages-"),
        "{names:?}"
    );
    // Both mdBook shapes go through the cache alike.
    assert_eq!(
        ok(run_with_stdin(&cached.input_04())).stdout,
        ok(run_with_stdin(&uncached.input_04())).stdout
    );
}

#[test]
fn an_unchanged_book_is_a_hit_and_writes_nothing() {
    let (_tmp, dir) = cache_dir();
    let b = book(Some(&dir));
    let first = ok(b.run());
    let after_first = entries(&dir);
    let second = ok(b.run());
    // Nothing was rewritten: same files, same inodes (a write renames a new file in).
    assert_eq!(entries(&dir), after_first);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn a_changed_catalog_is_a_miss_even_with_the_same_size_and_time() {
    let (_tmp, dir) = cache_dir();
    let b = book(Some(&dir));
    let before = contents_of(&serde_json::from_slice(&ok(b.run()).stdout).unwrap());
    assert!(before.iter().any(|c| c.contains("Your <em>key</em>.")));
    let path = b.root().join("data/catalog/destinations.yml");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let changed = CATALOG.replace("Your *key*.", "Your *pin*.");
    assert_eq!(changed.len(), CATALOG.len());
    std::fs::write(&path, &changed).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let after = contents_of(&serde_json::from_slice(&ok(b.run()).stdout).unwrap());
    assert!(
        after.iter().any(|c| c.contains("Your <em>pin</em>.")),
        "{after:?}"
    );
    assert!(!after.iter().any(|c| c.contains("Your <em>key</em>.")));
    // And the result is what an uncached run of the new catalog gives.
    let mut fresh = book(None);
    fresh.catalog(&changed);
    fresh.table.retain(|l| !l.starts_with("cache"));
    fresh.set("cache = false");
    assert_eq!(
        after,
        contents_of(&serde_json::from_slice(&ok(fresh.run()).stdout).unwrap())
    );
}

#[test]
fn an_edited_chapter_gives_what_an_uncached_run_gives() {
    let (_tmp, dir) = cache_dir();
    let mut b = book(Some(&dir));
    ok(b.run());
    b.chapters[1].content = "---\nid: \"100\"\n---\nNew text.\n".into();
    let cached = ok(b.run());
    b.table.retain(|l| !l.starts_with("cache"));
    b.set("cache = false");
    let uncached = ok(b.run());
    assert_eq!(cached.stdout, uncached.stdout);
    assert_eq!(stderr(&cached), stderr(&uncached));
    let out = contents_of(&serde_json::from_slice(&cached.stdout).unwrap());
    assert!(out.iter().any(|c| c == "New text.\n"), "{out:?}");
}

#[test]
fn corrupt_entries_are_ignored_and_replaced() {
    let (_tmp, dir) = cache_dir();
    let b = book(Some(&dir));
    let reference = ok(b.run());
    let files: Vec<PathBuf> = entries(&dir).iter().map(|e| dir.join(&e.0)).collect();
    let originals: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    type Damage = dyn Fn(&mut Vec<u8>);
    let damages: [&Damage; 5] = [
        &|b| b.truncate(b.len() / 2),
        &|b| b.clear(),
        &|b| {
            let n = b.len();
            b[n - 10] ^= 0xff
        },
        &|b| b[3] = b'X',
        &|b| b.iter_mut().for_each(|x| *x = 0xA5),
    ];
    for (i, damage) in damages.iter().enumerate() {
        for (f, orig) in files.iter().zip(&originals) {
            let mut bytes = orig.clone();
            damage(&mut bytes);
            std::fs::write(f, bytes).unwrap();
        }
        let out = ok(b.run());
        assert_eq!(out.stdout, reference.stdout, "damage {i}");
        assert_eq!(stderr(&out), stderr(&reference), "damage {i}");
        // Replaced by good entries.
        for (f, orig) in files.iter().zip(&originals) {
            assert_eq!(
                &std::fs::read(f).unwrap(),
                orig,
                "damage {i}: {}",
                f.display()
            );
        }
    }
}

#[test]
fn concurrent_builds_all_succeed_and_leave_whole_entries() {
    let (_tmp, dir) = cache_dir();
    let b = book(Some(&dir));
    let input = b.input_05();
    let reference = ok(book(None).run());
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&dir);
        let outs: Vec<Output> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8).map(|_| s.spawn(|| run_with_stdin(&input))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for out in outs {
            let out = ok(out);
            assert_eq!(out.stdout, reference.stdout);
        }
        let names: Vec<String> = entries(&dir).into_iter().map(|e| e.0).collect();
        assert_eq!(names.len(), 2, "no temporary file is left: {names:?}");
        // Whatever won, the entries are whole: the next run takes them as they are.
        let settled = entries(&dir);
        assert_eq!(ok(b.run()).stdout, reference.stdout);
        assert_eq!(entries(&dir), settled);
    }
}

#[test]
fn cache_false_writes_nothing() {
    let (_tmp, dir) = cache_dir();
    let mut b = book(Some(&dir));
    b.set("cache = false");
    let out = ok(b.run());
    assert!(!dir.exists());
    assert_eq!(out.stdout, ok(book(None).run()).stdout);
    assert!(
        !stderr(&out).contains("W002"),
        "cache keys are known: {}",
        stderr(&out)
    );
}

#[test]
fn the_default_folder_is_the_user_cache_folder() {
    let b = book(None);
    let mut b2 = TestBook::new();
    b2.catalog(CATALOG);
    b2.chapters = b.chapters.clone();
    b2.set(r#"pages = ["dest/*.md"]"#);
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin())
        .env("XDG_CACHE_HOME", home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&b2.input_05())?;
            child.wait_with_output()
        })
        .unwrap();
    let out = ok(out);
    assert_eq!(out.stdout, ok(b.run()).stdout);
    assert_eq!(entries(&home.path().join("mdbook-destinations")).len(), 2);
    // Nothing in the book itself.
    assert!(!b2.root().join("src").exists());
}

#[test]
fn a_cache_dir_inside_src_is_refused() {
    let mut b = TestBook::new();
    b.catalog(CATALOG);
    b.set(r#"cache-dir = "src/.cache""#);
    b.add(chapter("a.md", "x\n"));
    let out = b.run();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("error[E002]") && err.contains("cache-dir"),
        "{err}"
    );
}

#[test]
fn strict_fails_alike_from_the_cache() {
    let (_tmp, dir) = cache_dir();
    let mut b = book(Some(&dir));
    b.set("strict = true");
    let first = b.run();
    let second = b.run();
    assert!(!first.status.success() && !second.status.success());
    assert!(first.stdout.is_empty() && second.stdout.is_empty());
    assert!(stderr(&first).contains("error[E009]"), "{}", stderr(&first));
    assert_eq!(stderr(&second), stderr(&first));
}

/// What a cached run gives after `change`, against an uncached run of the same book.
fn after_change(change: impl Fn(&mut TestBook)) -> (Output, Output) {
    let (_tmp, dir) = cache_dir();
    let mut b = book(Some(&dir));
    b.file("note.md", "First note.\n");
    b.set(r#"sync-note = "note.md""#);
    ok(b.run());
    ok(b.run());
    change(&mut b);
    let cached = ok(b.run());
    b.table.retain(|l| !l.starts_with("cache"));
    b.set("cache = false");
    let uncached = ok(b.run());
    (cached, uncached)
}

#[test]
fn a_changed_sync_note_is_never_served_stale() {
    let (cached, uncached) = after_change(|b| {
        b.file("note.md", "Second note.\n");
    });
    assert_eq!(cached.stdout, uncached.stdout);
    assert!(String::from_utf8_lossy(&cached.stdout).contains("Second note."));
}

#[test]
fn a_changed_text_or_glob_in_book_toml_is_never_served_stale() {
    let (cached, uncached) = after_change(|b| {
        b.set(r#"settings-intro = "Changed intro.""#);
    });
    assert_eq!(cached.stdout, uncached.stdout);
    assert!(String::from_utf8_lossy(&cached.stdout).contains("Changed intro."));
    let (cached, uncached) = after_change(|b| {
        b.table.retain(|l| !l.starts_with("pages"));
        b.set(r#"pages = ["nothing/*.md"]"#);
    });
    assert_eq!(cached.stdout, uncached.stdout);
}

#[test]
fn liquid_partials_are_not_cached_by_chapter() {
    let (_tmp, dir) = cache_dir();
    let mut b = book(Some(&dir));
    b.file("note.md", "Note for {{ page.title }}.\n");
    b.set(r#"sync-note = "note.md""#);
    ok(b.run());
    let names: Vec<String> = entries(&dir).into_iter().map(|e| e.0).collect();
    assert!(names.iter().all(|n| !n.starts_with("pages-")), "{names:?}");
}
