//! Helpers shared by the integration tests: small books on disk, the protocol's JSON for
//! them in both mdBook shapes, and the preprocessor binary.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mdbook-destinations"))
}

/// The cache folder the tests' runs use (`$XDG_CACHE_HOME` for the binary), under
/// `target/`, so that tests never write to the user's own cache folder.
pub fn test_cache_home() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache")
}

/// Runs the preprocessor with `input` on stdin.
pub fn run_with_stdin(input: &[u8]) -> Output {
    run_args(&[], input)
}

/// Runs the binary with arguments and stdin.
pub fn run_args(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .env("XDG_CACHE_HOME", test_cache_home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        // A broken pipe is fine: the binary may stop reading early on bad input.
        let _ = stdin.write_all(input);
    }
    child.wait_with_output().expect("the binary runs")
}

/// The `mdbook` binary: `$MDBOOK`, else `mdbook` on PATH. The README's set-up command
/// installs it; `.ci/run` does too.
pub fn mdbook() -> PathBuf {
    if let Some(p) = std::env::var_os("MDBOOK") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("mdbook");
        if candidate.is_file() {
            return candidate;
        }
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo = home.join(".cargo/bin/mdbook");
    assert!(
        cargo.is_file(),
        "mdbook not found: install it with `cargo install mdbook --locked` or set MDBOOK"
    );
    cargo
}

/// A chapter of a test book.
#[derive(Clone, Debug)]
pub struct Chapter {
    pub name: String,
    /// Relative to `src/`; `None` for a draft.
    pub path: Option<String>,
    pub content: String,
    pub sub_items: Vec<Chapter>,
}

pub fn chapter(path: &str, content: &str) -> Chapter {
    Chapter {
        name: path.to_string(),
        path: Some(path.to_string()),
        content: content.to_string(),
        sub_items: Vec::new(),
    }
}

impl Chapter {
    pub fn to_json(&self, number: &[u32]) -> Value {
        let subs: Vec<Value> = self
            .sub_items
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut n = number.to_vec();
                n.push(i as u32 + 1);
                c.to_json(&n)
            })
            .collect();
        json!({"Chapter": {
            "name": self.name,
            "content": self.content,
            "number": number,
            "sub_items": subs,
            "path": self.path,
            "source_path": self.path,
            "parent_names": [],
        }})
    }
}

/// A book folder in a temp dir: `book.toml`, `src/`, and whatever files a test adds.
pub struct TestBook {
    pub dir: tempfile::TempDir,
    /// Lines of the `[preprocessor.destinations]` table.
    pub table: Vec<String>,
    pub chapters: Vec<Chapter>,
}

impl TestBook {
    pub fn new() -> Self {
        TestBook {
            dir: tempfile::tempdir().expect("a temp dir"),
            table: Vec::new(),
            chapters: Vec::new(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the book root.
    pub fn file(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
        self
    }

    /// Writes the catalog at the default path `data/catalog/destinations.yml`.
    pub fn catalog(&self, yaml: &str) -> &Self {
        self.file("data/catalog/destinations.yml", yaml)
    }

    pub fn set(&mut self, line: &str) -> &mut Self {
        self.table.push(line.to_string());
        self
    }

    pub fn add(&mut self, ch: Chapter) -> &mut Self {
        self.chapters.push(ch);
        self
    }

    /// The `[preprocessor.destinations]` table as JSON (what mdBook would send).
    pub fn config_json(&self) -> Value {
        let toml_text = format!("[preprocessor.destinations]\n{}\n", self.table.join("\n"));
        let table: toml::Table = toml::from_str(&toml_text).expect("valid test TOML");
        let mut config = serde_json::to_value(table).unwrap();
        config["book"] = json!({"src": "src", "title": "Test"});
        config
    }

    pub fn context_json(&self, version: &str) -> Value {
        json!({
            "root": self.root(),
            "config": self.config_json(),
            "renderer": "html",
            "mdbook_version": version,
        })
    }

    /// mdBook 0.5's input.
    pub fn input_05(&self) -> Vec<u8> {
        let items: Vec<Value> = self
            .chapters
            .iter()
            .enumerate()
            .map(|(i, c)| c.to_json(&[i as u32 + 1]))
            .collect();
        serde_json::to_vec(&json!([self.context_json("0.5.4"), {"items": items}])).unwrap()
    }

    /// mdBook 0.4's input.
    pub fn input_04(&self) -> Vec<u8> {
        let sections: Vec<Value> = self
            .chapters
            .iter()
            .enumerate()
            .map(|(i, c)| c.to_json(&[i as u32 + 1]))
            .collect();
        serde_json::to_vec(&json!([
            self.context_json("0.4.52"),
            {"sections": sections, "__non_exhaustive": null}
        ]))
        .unwrap()
    }

    /// Runs the preprocessor on the 0.5 input.
    pub fn run(&self) -> Output {
        run_with_stdin(&self.input_05())
    }

    /// Runs it and returns the chapters' contents (depth first), asserting success.
    pub fn contents(&self) -> Vec<String> {
        let out = self.run();
        assert!(
            out.status.success(),
            "preprocessor failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        contents_of(&serde_json::from_slice(&out.stdout).expect("JSON on stdout"))
    }

    /// Writes `book.toml` and `src/SUMMARY.md` + chapter files, for `mdbook build` or
    /// `check`. `command` is the preprocessor command line for book.toml.
    pub fn write_to_disk(&self) {
        let mut toml_text = String::from("[book]\ntitle = \"Test\"\nsrc = \"src\"\n\n");
        toml_text.push_str("[preprocessor.destinations]\n");
        toml_text.push_str(&format!("command = {:?}\n", bin().display().to_string()));
        for line in &self.table {
            toml_text.push_str(line);
            toml_text.push('\n');
        }
        toml_text.push_str("\n[output.html.search]\nenable = false\n");
        self.file("book.toml", toml_text);
        let mut summary = String::from("# Summary\n\n");
        fn walk(tb: &TestBook, chs: &[Chapter], depth: usize, summary: &mut String) {
            for c in chs {
                let path = c.path.clone().unwrap_or_default();
                summary.push_str(&format!("{}- [{}]({})\n", "  ".repeat(depth), c.name, path));
                if let Some(p) = &c.path {
                    tb.file(&format!("src/{p}"), &c.content);
                }
                walk(tb, &c.sub_items, depth + 1, summary);
            }
        }
        walk(self, &self.chapters, 0, &mut summary);
        self.file("src/SUMMARY.md", summary);
    }
}

/// Chapter contents of a book JSON (either shape), depth first.
pub fn contents_of(book: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(items: &[Value], out: &mut Vec<String>) {
        for item in items {
            if let Some(ch) = item.get("Chapter") {
                out.push(ch["content"].as_str().unwrap_or_default().to_string());
                if let Some(Value::Array(sub)) = ch.get("sub_items") {
                    walk(sub, out);
                }
            }
        }
    }
    let items = book.get("items").or_else(|| book.get("sections"));
    if let Some(Value::Array(items)) = items {
        walk(items, &mut out);
    }
    out
}

/// A small catalog with one server destination (`acme`) and one that is not (`bolt`).
pub const CATALOG: &str = r#"items:
- id: "100"
  slug: acme
  display_name: Acme
  platforms:
    server: true
  settings:
  - label: API Key
    type: string
    required: true
    defaultValue: ''
    description: Your *key*.
  - label: Old
    type: string
    deprecated: true
    description: gone
- id: "200"
  slug: bolt
  platforms:
    server: false
  settings:
  - label: Region
    type: select
    defaultValue: eu
    description: Where.
"#;

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `<main>` element's content of an mdBook HTML page.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main>").map_or(0, |i| i + "<main>".len());
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// Checks that the elements of an HTML fragment nest properly (every non-void element
/// closed, in order); returns the first problem.
pub fn check_balanced(html: &str) -> Result<(), String> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unclosed comment")?;
            rest = &r[end + 3..];
            continue;
        }
        let end = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            return Err(format!("not a tag: <{tag}>"));
        }
        if closing {
            match stack.pop() {
                Some(open) if open == name => {}
                Some(open) => return Err(format!("</{name}> closes <{open}>")),
                None => return Err(format!("</{name}> closes nothing")),
            }
        } else if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            if name == "script" || name == "style" {
                let close = format!("</{name}>");
                let e = rest.find(&close).ok_or(format!("unclosed <{name}>"))?;
                rest = &rest[e + close.len()..];
                continue;
            }
            stack.push(name);
        }
    }
    match stack.pop() {
        Some(open) => Err(format!("<{open}> is never closed")),
        None => Ok(()),
    }
}

/// The text of the `<td>` cells of the first `<table class="settings">`, row by row
/// (tags kept), splitting at the cell tags themselves.
pub fn settings_rows(html: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find("<table class=\"settings\">") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</table>")
        .map_or(html.len(), |i| start + i);
    let table = &html[start..end];
    table
        .split("<tr>")
        .skip(1)
        .filter(|r| r.contains("<td"))
        .map(|r| {
            r.split("<td")
                .skip(1)
                .map(|c| {
                    let body = &c[c.find('>').unwrap() + 1..];
                    body[..body.find("</td>").unwrap_or(body.len())].to_string()
                })
                .collect()
        })
        .collect()
}

/// The mdBook 0.4.x binary for the tests that build with both mdBook lines: `$MDBOOK_04`,
/// else where `.ci/run` installs it (`$HOME/.cache/mdbook-destinations-tools/mdbook-0.4/bin`).
/// Panics with the command that installs it when there is none: these tests never skip.
pub fn mdbook_04() -> PathBuf {
    let cached = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache/mdbook-destinations-tools/mdbook-0.4/bin/mdbook"));
    let path = match std::env::var_os("MDBOOK_04") {
        Some(p) => PathBuf::from(p),
        None => match cached {
            Some(c) if c.is_file() => c,
            _ => panic!(
                "MDBOOK_04 is not set and no mdBook 0.4 is cached: install one with \
                 `cargo install mdbook --version '~0.4' --locked --root ~/.cache/mdbook-destinations-tools/mdbook-0.4` \
                 (.ci/run does this) or set MDBOOK_04=/path/to/mdbook-0.4"
            ),
        },
    };
    assert!(
        path.is_file(),
        "MDBOOK_04={} is not a file: point it at an mdBook 0.4.x binary",
        path.display()
    );
    path
}

/// `mdbook --version` of a binary, e.g. `mdbook v0.5.4`.
pub fn mdbook_version(mdbook: &Path) -> String {
    let out = Command::new(mdbook)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", mdbook.display()));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `PATH` with the binary under test first, so a book.toml without `command` finds it.
pub fn path_with_bin() -> std::ffi::OsString {
    let bin_dir = bin().parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&rest))).unwrap()
}

/// Copies a folder tree (files and folders only), skipping top-level names in `skip`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target, &[]);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `book-example/` and `data/` copied into a temp dir side by side, as in the repository
/// (the book's catalog is `../data/…`); returns the temp dir and the book's folder in it.
pub fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &repo.join("book-example"),
        &tmp.path().join("book-example"),
        &["book"],
    );
    copy_tree(&repo.join("data"), &tmp.path().join("data"), &[]);
    let book = tmp.path().join("book-example");
    (tmp, book)
}

/// A failed run as every bad input must fail: exit status 1, nothing on stdout, an
/// `error[CODE]` on stderr with each of `needles`, and no panic. Returns stderr.
pub fn assert_fails(out: &Output, code: &str, needles: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(out.stdout.is_empty(), "stdout must be empty on errors");
    assert!(
        err.contains(&format!("error[{code}]")),
        "expected {code} in: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}
