//! Synthetic books and catalogs with the shape of Segment's real ones, and the real
//! `segment-2025` corpus given bodies of its pages' real sizes.
//!
//! Everything here is generated from a fixed seed, so two runs (and two machines) measure
//! the same bytes. The words are our own; the proportions (settings per item, the mix of
//! setting types and defaults, descriptions with links and code, pages without an item,
//! front matter flags, body sizes, the ignored `actions`/`presets` bulk that makes up most
//! of a real catalog) follow the 2025 snapshot.

use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A small, fast, deterministic generator (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, with the given weights.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.below(total as usize) as u32;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }

    /// A standard normal deviate (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    pub fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }

    pub fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }
}

const WORDS: &[&str] = &[
    "account",
    "activity",
    "address",
    "admin",
    "audience",
    "batch",
    "browser",
    "campaign",
    "channel",
    "client",
    "cohort",
    "configure",
    "connection",
    "console",
    "conversion",
    "cookie",
    "customer",
    "dashboard",
    "data",
    "default",
    "device",
    "domain",
    "enable",
    "endpoint",
    "event",
    "export",
    "field",
    "filter",
    "format",
    "group",
    "identifier",
    "import",
    "include",
    "instance",
    "integration",
    "journey",
    "key",
    "label",
    "limit",
    "list",
    "mapping",
    "member",
    "message",
    "metric",
    "mobile",
    "mode",
    "name",
    "number",
    "option",
    "order",
    "page",
    "payload",
    "platform",
    "profile",
    "project",
    "property",
    "purchase",
    "query",
    "record",
    "region",
    "request",
    "response",
    "revenue",
    "rule",
    "schema",
    "screen",
    "segment",
    "server",
    "session",
    "setting",
    "source",
    "stream",
    "subscription",
    "table",
    "tag",
    "team",
    "token",
    "track",
    "trait",
    "trigger",
    "user",
    "value",
    "version",
    "view",
    "visitor",
    "webhook",
    "workspace",
    "the",
    "a",
    "to",
    "of",
    "and",
    "in",
    "for",
    "is",
    "when",
    "this",
    "your",
    "with",
    "from",
    "be",
    "will",
    "are",
    "on",
    "if",
    "you",
    "that",
    "each",
    "by",
    "can",
    "not",
    "only",
    "set",
    "use",
    "send",
    "sent",
    "before",
    "after",
    "every",
    "which",
];

const SYLLABLES: &[&str] = &[
    "ta", "ri", "on", "vex", "lum", "qua", "zen", "bo", "kit", "mar", "nel", "sol", "pra", "dex",
    "ly", "fi", "go", "hu", "ja", "ko", "ver", "sta", "ple", "tri", "ox", "cal", "mi", "ne", "ra",
    "sen", "tu", "wa", "yo", "bel", "cor", "dra", "el", "fen", "gra", "hol",
];

const SUFFIXES: &[&str] = &[
    "",
    "",
    "",
    "",
    " Analytics",
    " CRM",
    " Cloud",
    " Ads",
    " Insights",
    " Mail",
    " Push",
    " Engage",
    " Data",
    " Audiences",
    " Conversions API",
    " Web",
    " Mobile",
];

fn title_case(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn slug_of(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn brand(rng: &mut Rng) -> String {
    let n = 2 + rng.below(2);
    let base: String = (0..n)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect();
    format!(
        "{}{}",
        title_case(&base),
        SUFFIXES[rng.below(SUFFIXES.len())]
    )
}

fn words(rng: &mut Rng, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(rng.word());
    }
    out
}

/// A sentence of about `len` bytes with the real mix of markdown in it: links, code
/// spans, the odd bit of emphasis or inline HTML.
fn sentence(rng: &mut Rng, len: usize, link: bool, code: bool, html: bool) -> String {
    let mut out = title_case(rng.word());
    let mut link = link;
    let mut code = code;
    let mut html = html;
    while out.len() < len {
        out.push(' ');
        let roll = rng.unit();
        if link && roll < 0.15 {
            link = false;
            let text = words(rng, 2);
            let _ = write!(
                out,
                "[{text}](https://docs.example.com/{}/{})",
                rng.word(),
                rng.word()
            );
        } else if code && roll < 0.3 {
            code = false;
            let _ = write!(out, "`{}_{}`", rng.word(), rng.word());
        } else if html && roll < 0.35 {
            html = false;
            let _ = write!(out, "<b>{}</b>", rng.word());
        } else if roll < 0.37 {
            let _ = write!(out, "**{}**", rng.word());
        } else {
            out.push_str(rng.word());
        }
    }
    if link {
        let _ = write!(
            out,
            " See [the guide](https://docs.example.com/{})",
            rng.word()
        );
    }
    if code {
        let _ = write!(out, " as `{}`", rng.word());
    }
    out.push('.');
    out
}

/// A YAML scalar: plain when that is unambiguous, else double-quoted (JSON is YAML).
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./-()".contains(c))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string")
    }
}

/// A long text as the real catalog writes it: folded (`>-`) when it is one paragraph,
/// literal (`|-`) when it has line breaks, plain or quoted when short.
fn block_text(out: &mut String, indent: usize, key: &str, text: &str) {
    let pad = " ".repeat(indent);
    if text.contains('\n') {
        let _ = writeln!(out, "{pad}{key}: |-");
        for line in text.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "{pad}  {line}");
            }
        }
    } else if text.len() > 70 {
        let _ = writeln!(out, "{pad}{key}: >-");
        let mut line = String::new();
        for word in text.split(' ') {
            if !line.is_empty() && line.len() + word.len() > 76 {
                let _ = writeln!(out, "{pad}  {line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = writeln!(out, "{pad}  {line}");
    } else {
        let _ = writeln!(out, "{pad}{key}: {}", scalar(text));
    }
}

/// Setting types and how often the 2025 catalog uses each.
const TYPES: &[(&str, u32)] = &[
    ("string", 801),
    ("boolean", 336),
    ("select", 72),
    ("password", 72),
    ("array", 43),
    ("text-map", 40),
    ("number", 25),
    ("mixed", 22),
    ("map", 18),
    ("color", 6),
];

/// Settings per item: median 2, mean about 2.85, a long tail (the 2025 catalog's shape).
const SETTING_COUNTS: &[(usize, u32)] = &[
    (0, 12),
    (1, 27),
    (2, 22),
    (3, 13),
    (4, 8),
    (5, 6),
    (6, 4),
    (8, 3),
    (10, 2),
    (14, 2),
    (20, 1),
];

fn setting(rng: &mut Rng, out: &mut String) {
    let kind = *rng.weighted(TYPES);
    let label_words = 1 + rng.below(3);
    let label: String = (0..label_words)
        .map(|_| title_case(rng.word()))
        .collect::<Vec<_>>()
        .join(" ");
    let name = slug_of(&label).replace('-', "_");
    let _ = writeln!(out, "  - name: {name}");
    let _ = writeln!(out, "    type: {kind}");
    match kind {
        "boolean" => {
            let _ = writeln!(out, "    defaultValue: {}", rng.chance(0.4));
        }
        "number" => {
            let _ = writeln!(out, "    defaultValue: {}", rng.below(5000));
        }
        "array" if rng.chance(0.4) => {
            let _ = writeln!(out, "    defaultValue:");
            for _ in 0..1 + rng.below(3) {
                let _ = writeln!(out, "    - {}", rng.word());
            }
        }
        "array" => {
            let _ = writeln!(out, "    defaultValue: []");
        }
        "map" | "text-map" | "mixed" if rng.chance(0.3) => {
            let _ = writeln!(out, "    defaultValue:");
            for _ in 0..1 + rng.below(3) {
                let _ = writeln!(out, "      {}: {}", rng.word(), rng.word());
            }
        }
        "map" | "text-map" | "mixed" => {
            let _ = writeln!(out, "    defaultValue: {{}}");
        }
        _ if rng.chance(0.2) => {
            let _ = writeln!(out, "    defaultValue: {}", scalar(rng.word()));
        }
        _ => {
            let _ = writeln!(out, "    defaultValue: ''");
        }
    }
    let len = 40 + rng.below(200);
    let (link, code, html) = (rng.chance(0.15), rng.chance(0.19), rng.chance(0.01));
    let mut desc = sentence(rng, len, link, code, html);
    if rng.chance(0.02) {
        desc.push_str("\n\n");
        desc.push_str(&sentence(rng, 60, false, true, false));
    }
    block_text(out, 4, "description", &desc);
    let _ = writeln!(out, "    required: {}", rng.chance(0.47));
    if rng.chance(0.005) {
        let _ = writeln!(out, "    deprecated: true");
    }
    let _ = writeln!(out, "    label: {}", scalar(&label));
}

/// The `actions` entries: ignored by the preprocessor, but most of a real catalog's bytes.
fn actions(rng: &mut Rng, out: &mut String, n: usize) {
    if n == 0 {
        let _ = writeln!(out, "  actions: []");
        return;
    }
    let _ = writeln!(out, "  actions:");
    for _ in 0..n {
        let name = format!("{} {}", title_case(rng.word()), title_case(rng.word()));
        let _ = writeln!(out, "  - id: {}", rng.hex(22));
        let _ = writeln!(out, "    name: {}", scalar(&name));
        let _ = writeln!(out, "    slug: {}", slug_of(&name).replace('-', ""));
        let len = 30 + rng.below(60);
        let desc = sentence(rng, len, false, false, false);
        block_text(out, 4, "description", &desc);
        let _ = writeln!(out, "    platform: CLOUD");
        let _ = writeln!(out, "    hidden: false");
        let _ = writeln!(out, "    defaultTrigger: 'type = \"track\"'");
        let _ = writeln!(out, "    fields:");
        for sort in 0..3 + rng.below(12) {
            let label = format!("{} {}", title_case(rng.word()), title_case(rng.word()));
            let key = slug_of(&label).replace('-', "_");
            let _ = writeln!(out, "    - id: {}", rng.hex(22));
            let _ = writeln!(out, "      sortOrder: {sort}");
            let _ = writeln!(out, "      fieldKey: {key}");
            let _ = writeln!(out, "      label: {}", scalar(&label));
            let _ = writeln!(
                out,
                "      type: {}",
                rng.pick(&["STRING", "OBJECT", "INTEGER", "BOOLEAN", "DATETIME"])
            );
            let len = 40 + rng.below(110);
            let desc = sentence(rng, len, false, false, false);
            block_text(out, 6, "description", &desc);
            let _ = writeln!(out, "      placeholder: ''");
            let _ = writeln!(out, "      defaultValue:");
            let _ = writeln!(out, "        '@path': $.properties.{key}");
            let _ = writeln!(out, "      required: {}", rng.chance(0.3));
            let _ = writeln!(out, "      multiple: false");
            if rng.chance(0.05) {
                let _ = writeln!(out, "      choices:");
                for v in 0..2 + rng.below(4) {
                    let _ = writeln!(out, "      - label: {}", scalar(&words(rng, 3)));
                    let _ = writeln!(out, "        value: '{v}'");
                }
            } else {
                let _ = writeln!(out, "      choices: null");
            }
            let _ = writeln!(out, "      dynamic: false");
            let _ = writeln!(out, "      allowNull: false");
        }
    }
}

fn presets(rng: &mut Rng, out: &mut String, n: usize) {
    if n == 0 {
        let _ = writeln!(out, "  presets: []");
        return;
    }
    let _ = writeln!(out, "  presets:");
    for _ in 0..n {
        let _ = writeln!(out, "  - actionId: {}", rng.hex(22));
        let _ = writeln!(out, "    name: {}", title_case(rng.word()));
        let _ = writeln!(out, "    fields:");
        for _ in 0..2 + rng.below(4) {
            let key = rng.word();
            let _ = writeln!(out, "      {key}:");
            let _ = writeln!(out, "        '@path': $.{key}");
        }
        let _ = writeln!(out, "    trigger: type = \"track\"");
    }
}

/// One synthetic catalog item.
pub struct Item {
    pub id: String,
    pub name: String,
    pub slug: String,
}

fn item(rng: &mut Rng, out: &mut String, it: &Item) {
    let action_destination = it.slug.starts_with("actions-");
    let _ = writeln!(out, "- id: {}", scalar(&it.id));
    let _ = writeln!(out, "  display_name: {}", scalar(&it.name));
    let _ = writeln!(out, "  name: {}", scalar(&it.name));
    let _ = writeln!(out, "  slug: {}", it.slug);
    let _ = writeln!(out, "  hidden: false");
    let _ = writeln!(out, "  endpoints:\n  - US\n  - EU");
    let _ = writeln!(out, "  regions:\n  - us-west-2\n  - eu-west-1");
    let _ = writeln!(out, "  url: connections/destinations/catalog/{}", it.slug);
    let _ = writeln!(out, "  previous_names:\n  - {}", scalar(&it.name));
    let _ = writeln!(out, "  website: https://www.example.com/{}", it.slug);
    let _ = writeln!(
        out,
        "  status: {}",
        rng.pick(&["PUBLIC", "PUBLIC", "PUBLIC_BETA"])
    );
    let _ = writeln!(out, "  categories:\n  - {}", title_case(rng.word()));
    let _ = writeln!(
        out,
        "  logo:\n    url: https://cdn.example.com/{}.svg",
        rng.hex(32)
    );
    let _ = writeln!(
        out,
        "  mark:\n    url: https://cdn.example.com/{}.svg",
        rng.hex(32)
    );
    let _ = writeln!(out, "  methods:");
    for m in ["track", "identify", "group", "alias", "screen", "page"] {
        let _ = writeln!(out, "    {m}: {}", rng.chance(0.6));
    }
    let _ = writeln!(out, "  platforms:");
    let _ = writeln!(out, "    browser: {}", rng.chance(0.5));
    let _ = writeln!(out, "    mobile: {}", rng.chance(0.4));
    let _ = writeln!(out, "    server: {}", rng.chance(0.76));
    for p in ["warehouse", "cloudAppObject", "linkedAudiences"] {
        let _ = writeln!(out, "    {p}: false");
    }
    let _ = writeln!(out, "  components: []");
    let _ = writeln!(out, "  browserUnbundlingSupported: false");
    let _ = writeln!(out, "  browserUnbundlingPublic: false");
    let _ = writeln!(out, "  replay: false");
    let _ = writeln!(out, "  connection_modes:");
    for mode in ["device", "cloud"] {
        let _ = writeln!(out, "    {mode}:");
        for p in ["web", "mobile", "server"] {
            let _ = writeln!(out, "      {p}: {}", rng.chance(0.5));
        }
    }
    let n = *rng.weighted(SETTING_COUNTS);
    if n == 0 {
        let _ = writeln!(out, "  settings: []");
    } else {
        let _ = writeln!(out, "  settings:");
        for _ in 0..n {
            setting(rng, out);
        }
    }
    let n_actions = if action_destination {
        1 + rng.below(7)
    } else {
        0
    };
    actions(rng, out, n_actions);
    let n_presets = if action_destination {
        rng.below(n_actions + 1) * 2
    } else {
        0
    };
    presets(rng, out, n_presets);
    let _ = writeln!(out, "  partnerOwned: {}", rng.chance(0.3));
}

/// A synthetic page: where it lives, its front matter and its body size.
pub struct Page {
    pub slug: String,
    pub front: String,
    pub body_size: usize,
}

/// Body sizes like the real pages': log-normal around a 2.7 KB median, 4.3 KB mean.
fn body_size(rng: &mut Rng) -> usize {
    if rng.chance(0.01) {
        return 0;
    }
    let size = 2700.0 * (0.95 * rng.normal()).exp();
    (size as usize).clamp(150, 50_000)
}

/// The synthetic corpus at scale `n`: 503·n items, 645·n pages (about 155·n of them
/// without an item, as in the real book).
pub fn synthetic(n: usize) -> (String, Vec<Page>) {
    let mut rng = Rng::new(0x5eed_0000 + n as u64);
    let mut items: Vec<Item> = Vec::with_capacity(503 * n);
    let mut taken = std::collections::HashSet::new();
    while items.len() < 503 * n {
        let mut name = brand(&mut rng);
        if rng.chance(0.3) {
            name = format!("{name} (Actions)");
        }
        let mut slug = slug_of(&name);
        if slug.ends_with("-actions") {
            slug = format!("actions-{}", slug.trim_end_matches("-actions"));
        }
        if !taken.insert(slug.clone()) {
            continue;
        }
        items.push(Item {
            id: rng.hex(24),
            name,
            slug,
        });
    }
    let mut yaml = String::with_capacity(8200 * items.len());
    yaml.push_str("# Synthetic catalog for mdbook-destinations benchmarks.\nitems:\n");
    for it in &items {
        item(&mut rng, &mut yaml, it);
    }

    let mut pages = Vec::with_capacity(645 * n);
    // 490 of every 503 items have a page.
    for (i, it) in items.iter().enumerate() {
        if i % 39 == 38 {
            continue;
        }
        pages.push(front_matter(
            &mut rng,
            it.slug.clone(),
            &it.name,
            Some(&it.id),
        ));
    }
    // Pages without an item: renamed or retired destinations, a third still carrying the
    // id of the item they are about.
    while pages.len() < 645 * n {
        let base = &items[rng.below(items.len())];
        let (slug, id) = match rng.below(3) {
            0 => (format!("{}-legacy", base.slug), Some(base.id.clone())),
            1 => (
                format!("{}-{}", base.slug, rng.pick(&["web", "ios", "server"])),
                None,
            ),
            _ => (slug_of(&brand(&mut rng)), None),
        };
        if !taken.insert(slug.clone()) {
            continue;
        }
        let name = base.name.clone();
        pages.push(front_matter(&mut rng, slug, &name, id.as_deref()));
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    (yaml, pages)
}

fn front_matter(rng: &mut Rng, slug: String, name: &str, id: Option<&str>) -> Page {
    let mut f = String::from("---\n");
    let _ = writeln!(f, "title: {}", scalar(&format!("{name} Destination")));
    if let Some(id) = id {
        if rng.chance(0.9) {
            let _ = writeln!(f, "id: {id}");
        }
    }
    if rng.chance(0.35) {
        f.push_str("rewrite: true\n");
    }
    if rng.chance(0.2) {
        f.push_str("hidden: true\n");
    }
    if rng.chance(0.14) {
        f.push_str("hide-boilerplate: true\nhide-dossier: true\n");
    }
    if rng.chance(0.06) {
        f.push_str("hide-personas-partial: true\n");
    }
    if rng.chance(0.006) {
        f.push_str("hide-settings: true\n");
    }
    if rng.chance(0.1) {
        let _ = writeln!(
            f,
            "redirect_from:\n  - '/connections/destinations/catalog/{slug}-old'"
        );
    }
    if rng.chance(0.07) {
        f.push_str("published: false\n");
    }
    if rng.chance(0.05) {
        f.push_str("strat: adobe\n");
    }
    f.push_str("---\n");
    let body_size = body_size(rng);
    Page {
        slug,
        front: f,
        body_size,
    }
}

/// Synthetic markdown of exactly `size` bytes (ASCII): headings, paragraphs with links,
/// code spans and emphasis, lists, fenced code, tables, notes and images, as a
/// destination page's own text has.
pub fn body(rng: &mut Rng, size: usize) -> String {
    let mut out = String::with_capacity(size + 16);
    if size == 0 {
        return out;
    }
    out.push('\n');
    while out.len() + 300 < size {
        match rng.below(12) {
            0 | 1 => {
                let _ = write!(out, "## {}\n\n", title_case(&words(rng, 3)));
            }
            2 => {
                for _ in 0..3 + rng.below(4) {
                    let len = 30 + rng.below(60);
                    let _ = writeln!(out, "- {}", sentence(rng, len, true, true, false));
                }
                out.push('\n');
            }
            3 => {
                for i in 1..4 + rng.below(3) {
                    let len = 30 + rng.below(60);
                    let _ = writeln!(out, "{i}. {}", sentence(rng, len, true, false, false));
                }
                out.push('\n');
            }
            4 => {
                out.push_str("```js\n");
                for _ in 0..3 + rng.below(8) {
                    let _ = writeln!(
                        out,
                        "analytics.{}('{}', {{ {}: '{}' }});",
                        rng.pick(&["track", "identify", "page", "group"]),
                        rng.word(),
                        rng.word(),
                        rng.word()
                    );
                }
                out.push_str("```\n\n");
            }
            5 => {
                out.push_str("| Segment | Destination | Notes |\n| --- | --- | --- |\n");
                for _ in 0..2 + rng.below(5) {
                    let _ = writeln!(
                        out,
                        "| `{}` | {} | {} |",
                        rng.word(),
                        title_case(rng.word()),
                        words(rng, 5)
                    );
                }
                out.push('\n');
            }
            6 => {
                let _ = write!(
                    out,
                    "> info \"\"\n> {}\n\n",
                    sentence(rng, 80, true, true, false)
                );
            }
            7 => {
                let _ = write!(out, "![{}](images/{}.png)\n\n", words(rng, 3), rng.word());
            }
            _ => {
                for i in 0..2 + rng.below(4) {
                    if i > 0 {
                        out.push(' ');
                    }
                    let len = 50 + rng.below(120);
                    let (link, code, html) = (rng.chance(0.3), rng.chance(0.3), rng.chance(0.03));
                    out.push_str(&sentence(rng, len, link, code, html));
                }
                out.push_str("\n\n");
            }
        }
    }
    // A last paragraph to reach the size exactly.
    let mut last = String::new();
    while out.len() + last.len() + 1 < size {
        if !last.is_empty() {
            last.push(' ');
        }
        last.push_str(rng.word());
    }
    last.truncate(size.saturating_sub(out.len() + 1));
    out.push_str(&last);
    out.push('\n');
    if out.len() > size {
        // A body smaller than its leading blank line.
        out.truncate(size);
    }
    out
}

/// A book ready to benchmark: its folder (`book.toml`, `src/`), and the preprocessor
/// stdin mdBook would send for it.
pub struct Dataset {
    pub name: String,
    pub root: PathBuf,
    pub catalog: PathBuf,
    pub catalog_bytes: u64,
    pub stdin: Vec<u8>,
    pub pages: usize,
    /// `book.toml` with the preprocessor, without it, and with the no-op.
    pub toml_with: String,
    pub toml_without: String,
}

pub struct BookSpec<'a> {
    pub name: &'a str,
    pub dir: &'a Path,
    /// The catalog: written into the book (synthetic) or an absolute path (real).
    pub catalog: CatalogSource,
    pub sync_note: Option<PathBuf>,
    pub pages: Vec<(String, String)>,
    pub command: &'a Path,
    pub cache_dir: &'a Path,
}

pub enum CatalogSource {
    Text(String),
    File(PathBuf),
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string")
}

/// Writes the book to disk and builds the stdin JSON for it.
pub fn write_book(spec: BookSpec<'_>) -> std::io::Result<Dataset> {
    let root = spec.dir.to_path_buf();
    if root.exists() {
        std::fs::remove_dir_all(&root)?;
    }
    std::fs::create_dir_all(root.join("src"))?;
    let catalog = match spec.catalog {
        CatalogSource::Text(text) => {
            let p = root.join("data/catalog.yml");
            std::fs::create_dir_all(p.parent().unwrap())?;
            std::fs::write(&p, text)?;
            p
        }
        CatalogSource::File(p) => p,
    };
    let catalog_bytes = std::fs::metadata(&catalog)?.len();
    let mut summary = String::from("# Summary\n\n");
    let mut chapters = Vec::with_capacity(spec.pages.len());
    for (i, (slug, content)) in spec.pages.iter().enumerate() {
        let rel = format!("connections/destinations/catalog/{slug}/index.md");
        let path = root.join("src").join(&rel);
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, content)?;
        let _ = writeln!(summary, "- [{slug}]({rel})");
        chapters.push(json!({"Chapter": {
            "name": slug,
            "content": content,
            "number": [i + 1],
            "sub_items": [],
            "path": rel,
            "source_path": rel,
            "parent_names": [],
        }}));
    }
    std::fs::write(root.join("src/SUMMARY.md"), summary)?;

    let mut table = String::new();
    let _ = writeln!(table, "[preprocessor.destinations]");
    let _ = writeln!(
        table,
        "command = {}",
        toml_str(&spec.command.display().to_string())
    );
    let _ = writeln!(table, "after = [\"links\"]");
    let _ = writeln!(
        table,
        "catalog = {}",
        toml_str(&catalog.display().to_string())
    );
    if let Some(note) = &spec.sync_note {
        let _ = writeln!(
            table,
            "sync-note = {}",
            toml_str(&note.display().to_string())
        );
    }
    let _ = writeln!(
        table,
        "pages = [\"connections/destinations/catalog/*/index.md\"]"
    );
    let _ = writeln!(
        table,
        "cache-dir = {}",
        toml_str(&spec.cache_dir.display().to_string())
    );
    let head = format!("[book]\ntitle = {}\nsrc = \"src\"\n\n", toml_str(spec.name));
    let toml_with = format!("{head}{table}");
    let toml_without = head.clone();
    std::fs::write(root.join("book.toml"), &toml_with)?;

    let config: toml::Table = toml::from_str(&toml_with).expect("valid TOML");
    let stdin = serde_json::to_vec(&json!([
        {
            "root": root,
            "config": serde_json::to_value(config).expect("TOML as JSON"),
            "renderer": "html",
            "mdbook_version": "0.5.4",
        },
        {"items": Value::Array(chapters)},
    ]))
    .expect("JSON");
    // Kept beside the book, to profile a single run by hand (see the README).
    std::fs::write(root.join("stdin.json"), &stdin)?;
    Ok(Dataset {
        name: spec.name.to_string(),
        root,
        catalog,
        catalog_bytes,
        stdin,
        pages: spec.pages.len(),
        toml_with,
        toml_without,
    })
}

/// The synthetic book at scale `n`.
pub fn synthetic_book(
    n: usize,
    dir: &Path,
    command: &Path,
    cache_dir: &Path,
) -> std::io::Result<Dataset> {
    let (yaml, pages) = synthetic(n);
    let mut rng = Rng::new(0xb0d1e5 + n as u64);
    let pages = pages
        .into_iter()
        .map(|p| {
            let body = body(&mut rng, p.body_size);
            (p.slug, format!("{}{}", p.front, body))
        })
        .collect();
    write_book(BookSpec {
        name: &format!("synthetic ×{n}"),
        dir,
        catalog: CatalogSource::Text(yaml),
        sync_note: None,
        pages,
        command,
        cache_dir,
    })
}

/// `segment-2025` (front matter only) with bodies of each page's real size.
pub fn segment_book(
    corpus: &Path,
    dir: &Path,
    command: &Path,
    cache_dir: &Path,
) -> std::io::Result<Dataset> {
    let sizes: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(corpus.join("body-sizes.json"))?)
            .map_err(std::io::Error::other)?;
    let mut slugs: Vec<String> = std::fs::read_dir(corpus.join("pages"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".md").map(str::to_string)
        })
        .collect();
    slugs.sort();
    let mut rng = Rng::new(0x2025);
    let mut pages = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let front = std::fs::read_to_string(corpus.join("pages").join(format!("{slug}.md")))?;
        let size = sizes.get(&slug).and_then(Value::as_u64).unwrap_or(0) as usize;
        let body = body(&mut rng, size);
        pages.push((slug, format!("{front}{body}")));
    }
    write_book(BookSpec {
        name: "segment-2025",
        dir,
        catalog: CatalogSource::File(corpus.join("catalog.yml")),
        sync_note: Some(corpus.join("sync-frequency-note.md")),
        pages,
        command,
        cache_dir,
    })
}
