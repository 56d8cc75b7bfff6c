//! The stylesheet in a real browser: `book-example/` built once per mdBook theme (light,
//! rust, coal, navy, ayu) and a destination page opened in headless Chromium with a small
//! probe script that reports computed colours and sizes. Asserts the settings table is
//! readable in every theme (WCAG contrast), that a targeted row is marked, and that the
//! table fits a phone-width window. `scripts/screenshots.sh` takes the pictures; this
//! checks what the pictures show, on every run.
//!
//! Needs Chromium: `$CHROMIUM`, else `chromium` on PATH (Debian's package; `.ci/run`
//! installs it). Fails, never skips, when there is none.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const THEMES: &[&str] = &["light", "rust", "coal", "navy", "ayu"];
/// The page probed in each theme: a required setting, a link in a description, and
/// Personas with the sync note above the table.
const PAGE: &str = "destinations/tidewater-crm/index.html";
/// A row in the middle of its table, targeted by the URL's fragment.
const TARGET: &str = "sync-contacts";
/// The page probed in a phone-width window: a long type name and a long URL default.
const WIDE_PAGE: &str = "destinations/quillpost/index.html";

/// Runs in the page once it has loaded (and the fragment has been applied) and writes what
/// it measured, as JSON, into `<pre id="probe">` for `--dump-dom`.
const PROBE_JS: &str = r#"
window.addEventListener('load', function () {
  function parse(c) {
    var m = c.match(/^rgba?\(([^)]*)\)$/);
    if (m) {
      var p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = c.match(/^color\(srgb ([^)]*)\)$/);
    if (m) {
      var q = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return [q[0] * 255, q[1] * 255, q[2] * 255, q.length > 3 ? q[3] : 1];
    }
    throw new Error('colour ' + c);
  }
  function over(top, bottom) {
    var a = top[3];
    return [0, 1, 2].map(function (i) { return top[i] * a + bottom[i] * (1 - a); }).concat([1]);
  }
  // The colour behind an element: its own and its ancestors' backgrounds, composited.
  function background(el) {
    var layers = [];
    for (var e = el; e; e = e.parentElement) {
      var c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    var acc = [255, 255, 255, 1];
    for (var i = layers.length - 1; i >= 0; i--) acc = over(layers[i], acc);
    return acc;
  }
  // The text colour as seen: its colour, faded by its own and its ancestors' opacity.
  function ink(el) {
    var c = parse(getComputedStyle(el).color);
    var alpha = c[3];
    for (var e = el; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
    return over([c[0], c[1], c[2], alpha], background(el));
  }
  function sample(name, el) {
    if (!el) return { name: name, missing: true };
    var s = getComputedStyle(el);
    return { name: name, fg: ink(el), bg: background(el),
             size: parseFloat(s.fontSize), weight: Number(s.fontWeight) };
  }
  var out;
  try {
    out = measure();
  } catch (e) {
    out = { error: String(e) };
  }
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
  function measure() {
  var table = document.querySelector('table.settings');
  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr'));
  var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var other = rows.filter(function (r) { return !r.contains(target); });
  var out = {
    theme: document.documentElement.className,
    samples: [
      sample('page text', document.querySelector('main > p')),
      sample('page link', document.querySelector('main > p a')),
      sample('header', table.querySelector('th')),
      sample('label', rows[0].querySelector('a.setting-anchor')),
      sample('required', rows[0].querySelector('td.def i')),
      sample('type', rows[0].querySelector('td:nth-child(2) > code')),
      sample('description', rows[0].querySelector('td:nth-child(2)')),
      sample('even-row description', rows[1 % rows.length].querySelector('td:nth-child(2)')),
      sample('description link', document.querySelector('table.settings td:nth-child(2) a')),
      sample('targeted label', target.querySelector('a.setting-anchor')),
      sample('targeted description', target.parentElement.querySelector('td:nth-child(2)'))
    ],
    anchors: rows.map(function (r) {
      var td = r.querySelector('td.def'), a = td.querySelector('a.setting-anchor');
      return { id: td.id, href: a.getAttribute('href') };
    }),
    targetMarker: getComputedStyle(target, '::before').content,
    otherMarker: getComputedStyle(other[0].querySelector('td.def'), '::before').content,
    targetRowBg: background(target.parentElement),
    otherRowBg: background(other[0]),
    labelDecoration: getComputedStyle(rows[0].querySelector('a.setting-anchor')).textDecorationLine,
    tableWidth: table.getBoundingClientRect().width,
    containerWidth: table.parentElement.clientWidth,
    overflowingCells: Array.prototype.slice.call(table.querySelectorAll('td, th'))
      .filter(function (c) { return c.scrollWidth > c.clientWidth + 1; })
      .map(function (c) { return c.textContent.slice(0, 40); })
  };
  return out;
  }
});
"#;

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
        .expect(
            "Chromium not found: `apt-get install chromium` (Debian; .ci/run installs it) \
             or set CHROMIUM=/path/to/chromium",
        )
}

/// The example book with the probe, built in `theme` into `dest`.
fn build(book: &Path, theme: &str, dest: &Path) {
    let out = Command::new(mdbook())
        .arg("build")
        .arg(book)
        .arg("--dest-dir")
        .arg(dest)
        .env("PATH", path_with_bin())
        .env("MDBOOK_OUTPUT__HTML__DEFAULT_THEME", theme)
        .output()
        .expect("mdbook runs");
    assert!(
        out.status.success(),
        "{theme}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Opens the page (with `fragment`) in a `width`-pixel window; returns the probe's JSON.
fn probe(page: &Path, fragment: &str, width: u32, profile: &Path) -> Value {
    let url = format!("file://{}#{fragment}", page.display());
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},1200"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"probe\">").unwrap_or_else(|| {
        panic!(
            "no probe output for {url}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    }) + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let value: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert!(
        value.get("error").is_none(),
        "the probe failed on {url}: {}",
        value["error"]
    );
    value
}

fn rgb(v: &Value) -> [f64; 3] {
    let a = v.as_array().expect("a colour");
    [0, 1, 2].map(|i| a[i].as_f64().unwrap())
}

/// WCAG 2 contrast ratio of two sRGB colours (0–255).
fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    fn lum(c: [f64; 3]) -> f64 {
        let ch = |v: f64| {
            let s = v / 255.0;
            if s <= 0.039_28 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])
    }
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

fn distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    (0..3).map(|i| (a[i] - b[i]).powi(2)).sum::<f64>().sqrt()
}

#[test]
fn the_table_is_readable_and_linkable_in_every_theme() {
    let (tmp, book) = example_copy();
    // The probe rides along as the book's own script.
    let toml_path = book.join("book.toml");
    let toml_text = std::fs::read_to_string(&toml_path).unwrap();
    assert!(toml_text.contains("[output.html]\n"));
    std::fs::write(
        &toml_path,
        toml_text.replacen(
            "[output.html]\n",
            "[output.html]\nadditional-js = [\"probe.js\"]\n",
            1,
        ),
    )
    .unwrap();
    std::fs::write(book.join("probe.js"), PROBE_JS).unwrap();

    let mut report = Vec::new();
    let mut failures = Vec::new();
    for theme in THEMES {
        let dest = tmp.path().join(format!("out-{theme}"));
        build(&book, theme, &dest);
        let profile = tmp.path().join(format!("profile-{theme}"));
        let p = probe(&dest.join(PAGE), TARGET, 1280, &profile);
        assert!(
            p["theme"].as_str().unwrap().split(' ').any(|c| c == *theme),
            "the page is not in {theme}: {}",
            p["theme"]
        );
        let samples = p["samples"].as_array().unwrap();
        for s in samples {
            let name = s["name"].as_str().unwrap();
            assert!(s.get("missing").is_none(), "{theme}: no {name} on the page");
        }
        let find = |n: &str| samples.iter().find(|s| s["name"] == n).unwrap();
        let ratio = |s: &Value| contrast(rgb(&s["fg"]), rgb(&s["bg"]));
        // WCAG AA for body text (4.5), or the theme's own contrast for the same kind of
        // text outside the table where the theme itself is lower (rust's links are 3.7):
        // the table must never read worse than the page around it.
        let page_text = ratio(find("page text"));
        let page_link = ratio(find("page link"));
        let mut line = format!("{theme:>5}: page text {page_text:.1}, page link {page_link:.1}");
        for s in samples.iter().skip(2) {
            let name = s["name"].as_str().unwrap();
            let r = ratio(s);
            let floor = if name.contains("link") {
                4.5f64.min(page_link * 0.95)
            } else {
                4.5f64.min(page_text)
            };
            line.push_str(&format!(", {name} {r:.1}"));
            if r < floor {
                failures.push(format!(
                    "{theme}: {name} has contrast {r:.2} < {floor:.2}: {s}"
                ));
            }
        }
        report.push(line);
        let (label, required) = (find("label"), find("required"));
        assert!(
            required["size"].as_f64() < label["size"].as_f64()
                && contrast(rgb(&required["fg"]), rgb(&required["bg"]))
                    < contrast(rgb(&label["fg"]), rgb(&label["bg"])),
            "{theme}: (required) should be quieter than the label"
        );
        assert!(
            label["weight"].as_f64().unwrap() >= 600.0,
            "{theme}: labels stand out"
        );
        assert_eq!(
            p["labelDecoration"], "none",
            "{theme}: the label link reads as text"
        );
        // Every label links to its own row.
        for a in p["anchors"].as_array().unwrap() {
            assert_eq!(
                a["href"].as_str().unwrap(),
                format!("#{}", a["id"].as_str().unwrap()),
                "{theme}"
            );
        }
        // The targeted row is marked, the others are not.
        assert_eq!(p["targetMarker"], "\"»\"", "{theme}");
        assert_eq!(p["otherMarker"], "none", "{theme}");
        assert!(
            distance(rgb(&p["targetRowBg"]), rgb(&p["otherRowBg"])) > 8.0,
            "{theme}: the targeted row's background does not stand out: {} vs {}",
            p["targetRowBg"],
            p["otherRowBg"]
        );
        assert!(
            p["tableWidth"].as_f64().unwrap() <= p["containerWidth"].as_f64().unwrap() + 1.0,
            "{theme}: the table is wider than the page"
        );
        assert_eq!(p["overflowingCells"], Value::Array(vec![]), "{theme}");
    }

    // A phone-width window: long type names and URLs wrap; nothing sticks out.
    let narrow = probe(
        &tmp.path().join("out-light").join(WIDE_PAGE),
        "channels",
        400,
        &tmp.path().join("profile-narrow"),
    );
    assert!(
        narrow["tableWidth"].as_f64().unwrap() <= narrow["containerWidth"].as_f64().unwrap() + 1.0,
        "narrow: the table is {} px in a {} px column",
        narrow["tableWidth"],
        narrow["containerWidth"]
    );
    assert_eq!(narrow["overflowingCells"], Value::Array(vec![]), "narrow");
    eprintln!("contrast ratios:\n{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
