//! A Liquid source prepared for the `liquid` crate: Jekyll's bare include names quoted,
//! kramdown's `markdown="span"` turned into a `{% markdown_span %}` block, and the keys
//! the source reads from its data.

use regex::Regex;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::LazyLock;

/// A Liquid source file, prepared for parsing.
#[derive(Debug, Clone)]
pub(super) struct Source {
    /// The file, for messages.
    pub(super) display: PathBuf,
    /// Its text as written.
    pub(super) original: String,
    /// Its text with `markdown="span"` turned into `{% markdown_span %}` blocks.
    pub(super) prepared: String,
    /// Where text was inserted: (byte offset in `prepared`, inserted length), in order.
    insertions: Vec<(usize, usize)>,
}

impl Source {
    pub(super) fn new(display: PathBuf, original: String) -> Self {
        let (prepared, insertions) = prepare_markdown_span(&original);
        Source {
            display,
            original,
            prepared,
            insertions,
        }
    }

    /// Line and column in the original text of a (line, column) in the prepared text.
    pub(super) fn original_position(&self, line: usize, column: usize) -> (usize, usize) {
        let offset = offset_of(&self.prepared, line, column);
        let shift: usize = self
            .insertions
            .iter()
            .filter(|(at, _)| *at < offset)
            .map(|(at, len)| (*len).min(offset - at))
            .sum();
        let (l, c) = crate::catalog::line_col(self.original.as_bytes(), offset - shift);
        (l, c)
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

static SPAN_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"<([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)\s+markdown\s*=\s*(?:"span"|'span'|span)((?:[^>"']|"[^"]*"|'[^']*')*)>"#,
    )
    .expect("a valid regex")
});

/// Quotes Jekyll's bare include names, and wraps the content of every element carrying
/// `markdown="span"` in a `{% markdown_span %}` block and removes the attribute. Works on the template's own
/// text, so the element's extent is the author's, whatever the data holds. Returns the
/// new text and where text was inserted (offset in the new text, length).
fn prepare_markdown_span(text: &str) -> (String, Vec<(usize, usize)>) {
    const OPEN: &str = "{% markdown_span %}";
    const CLOSE: &str = "{% endmarkdown_span %}";
    // (offset in `text`, what to insert there, bytes of `text` it replaces)
    let mut edits: Vec<(usize, String, usize)> = Vec::new();
    // Jekyll's `{% include path/to/file.md %}` names a file without quotes; the liquid
    // crate reads a bare name as a variable: quote it.
    for c in BARE_INCLUDE.captures_iter(text) {
        let name = c.get(1).expect("name");
        edits.push((name.start(), "\"".into(), 0));
        edits.push((name.end(), "\"".into(), 0));
    }
    for m in SPAN_START.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let name = m.get(1).expect("name").as_str().to_ascii_lowercase();
        let Some(close) = matching_close(text, whole.end(), &name) else {
            continue;
        };
        let start_tag = format!(
            "<{}{}{}>",
            m.get(1).expect("name").as_str(),
            m.get(2).map_or("", |g| g.as_str()),
            m.get(3).map_or("", |g| g.as_str())
        );
        edits.push((whole.start(), format!("{start_tag}{OPEN}"), whole.len()));
        edits.push((close, CLOSE.to_string(), 0));
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len() + edits.len() * 24);
    let mut insertions = Vec::new();
    let mut at = 0;
    for (offset, insert, replaces) in edits {
        out.push_str(&text[at..offset]);
        let added = insert.len().saturating_sub(replaces);
        out.push_str(&insert);
        insertions.push((out.len() - added, added));
        at = offset + replaces;
    }
    out.push_str(&text[at..]);
    (out, insertions)
}

/// The offset of the `</name>` that closes an element whose start tag ends at `from`.
fn matching_close(text: &str, from: usize, name: &str) -> Option<usize> {
    let lower = text[from..].to_ascii_lowercase();
    let open = format!("<{name}");
    let close = format!("</{name}");
    let mut depth = 0usize;
    let mut i = 0;
    while i < lower.len() {
        let rest = &lower[i..];
        if rest.starts_with(&close)
            && rest[close.len()..].starts_with(|c: char| c == '>' || c.is_whitespace())
        {
            if depth == 0 {
                return Some(from + i);
            }
            depth -= 1;
            i += close.len();
        } else if rest.starts_with(&open)
            && rest[open.len()..].starts_with(|c: char| c == '>' || c == '/' || c.is_whitespace())
        {
            depth += 1;
            i += open.len();
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

static BARE_INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{%-?\s*include\s+([^\s"'%{}][^\s%}]*)"#).expect("a valid regex")
});

pub(super) static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\{%-?\s*include\s+(?:"([^"]+)"|'([^']+)'|([^\s%}]+))"#).expect("a valid regex")
});

static NAME_AFTER_DOT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\.([A-Za-z_][A-Za-z0-9_-]*)"#).expect("a valid regex"));

static LIQUID_MARKUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("a valid regex"));

static STRING_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""[^"]*"|'[^']*'"#).expect("a valid regex"));

static BRACKET_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\[\s*(?:"([^"]*)"|'([^']*)')\s*\]"#).expect("a valid regex"));

/// Keys a source reads from its data (`item.deprecated`, `page["hide-settings"]`).
fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub(super) fn keys_read(text: &str, into: &mut BTreeSet<String>) {
    for markup in LIQUID_MARKUP.find_iter(text) {
        let markup = markup.as_str();
        for c in BRACKET_KEY.captures_iter(markup) {
            if let Some(k) = c.get(1).or_else(|| c.get(2)) {
                into.insert(k.as_str().to_string());
            }
        }
        // Quoted names are keys too: `where: "slug", x`, `map: "name"`.
        for lit in STRING_LITERAL.find_iter(markup) {
            let inner = &lit.as_str()[1..lit.as_str().len() - 1];
            if is_name(inner) {
                into.insert(inner.to_string());
            }
        }
        let code = STRING_LITERAL.replace_all(markup, "\"\"");
        for c in NAME_AFTER_DOT.captures_iter(&code) {
            // Liquid's own properties are answered by Liquid, not looked up.
            if !matches!(&c[1], "size" | "first" | "last") {
                into.insert(c[1].to_string());
            }
        }
    }
}
