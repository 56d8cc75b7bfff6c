//! A setting's description: markdown rendered to HTML that can live inside one table
//! cell, the way kramdown's `markdown="span"` treats it in the Jekyll include.
//!
//! - Inline markdown (links, emphasis, code, strikethrough) becomes HTML.
//! - Paragraphs are joined by `<br /><br />` (no `<p>` wrappers); lists become real lists
//!   and fenced code a `<pre><code>`: both are allowed inside a cell.
//! - Block markdown that has no place in a cell (`# heading`, `> quote`, an indented
//!   code block, a rule) stays as text, as in kramdown's span mode.
//! - Inline HTML elements from [`INLINE_ELEMENTS`] pass through with a small set of safe
//!   attributes; every other tag (block and table tags, `<script>`, and placeholders that
//!   are no HTML element at all, like `<screen_name>` or `<This is your write key>`) is
//!   shown as text. `</br>` is a line break. Complete comments are dropped.
//! - Every element opened is closed, in order, inside the cell: a description can never
//!   close or open the cell or the table around it.
//! - The result holds no blank line, so the table stays one CommonMark HTML block.

use super::html::{escape_href_into, escape_into, is_safe_url};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::sync::LazyLock;

/// Inline HTML elements a description may use. Anything else is shown as text.
pub const INLINE_ELEMENTS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "i", "img",
    "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u",
    "var", "wbr",
];

const VOID_ELEMENTS: &[&str] = &["br", "img", "wbr"];

/// Inline HTML elements a description may have open at once; deeper start tags are shown
/// as text. (Real descriptions nest two or three; the bound keeps matching each end tag to
/// its element linear in the description's length.)
pub const MAX_RAW_DEPTH: usize = 32;

/// Attributes kept on any allowed element; others are dropped.
const GLOBAL_ATTRIBUTES: &[&str] = &["class", "title", "lang", "dir"];

fn allowed_attribute(element: &str, attr: &str) -> bool {
    GLOBAL_ATTRIBUTES.contains(&attr)
        || match element {
            "a" => matches!(attr, "href" | "target" | "rel" | "hreflang"),
            "img" => matches!(attr, "src" | "alt" | "width" | "height"),
            "time" | "del" | "ins" => attr == "datetime",
            "data" => attr == "value",
            _ => false,
        }
}

/// How descriptions are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkdownOptions {
    /// Curly quotes, dashes and ellipses, as mdBook's `smart-punctuation`.
    pub smart_punctuation: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            smart_punctuation: true,
        }
    }
}

impl MarkdownOptions {
    /// pulldown-cmark's options: mdBook's, without what a cell cannot hold (tables,
    /// footnotes, heading attributes, definition lists, admonitions, task lists).
    pub fn parser_options(&self) -> Options {
        let mut opts = Options::ENABLE_STRIKETHROUGH;
        if self.smart_punctuation {
            opts |= Options::ENABLE_SMART_PUNCTUATION;
        }
        opts
    }
}

/// Renders a description to cell-safe HTML.
pub fn render(markdown: &str, options: MarkdownOptions) -> String {
    let normalized;
    let source = if markdown.contains('\r') {
        normalized = markdown.replace("\r\n", "\n").replace('\r', "\n");
        normalized.as_str()
    } else {
        markdown
    };
    let mut w = Writer::new(source);
    for (event, range) in Parser::new_ext(source, options.parser_options()).into_offset_iter() {
        w.event(event, range);
    }
    w.finish()
}

/// What was opened and must be closed.
#[derive(Debug)]
enum Frame {
    /// Opened by a markdown tag; `close` is written at its end.
    Markdown {
        close: &'static str,
        container: bool,
    },
    /// A raw HTML element that passed through.
    Raw { name: String },
}

/// The kind of the last block written in a container, to know what separates the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// Text-like: a paragraph, or block markdown shown as text.
    Text,
    /// A list or a `<pre>`: already set apart.
    Boxed,
}

struct Writer<'a> {
    source: &'a str,
    out: String,
    frames: Vec<Frame>,
    /// The last block of each open container (the cell, list items, quotes).
    blocks: Vec<Option<Block>>,
    /// Inside an image: its alt text is being collected (nesting depth, text).
    image: Option<(usize, String, String, String)>,
    /// Inside a fenced code block.
    in_pre: bool,
    /// Setext underline to write at the end of the current heading.
    heading_tail: Option<String>,
    /// Open links (markdown or raw `<a>`) among `frames`.
    links: usize,
    /// Open raw elements among `frames` (at most [`MAX_RAW_DEPTH`]).
    raws: usize,
}

impl<'a> Writer<'a> {
    fn new(source: &'a str) -> Self {
        Writer {
            source,
            out: String::with_capacity(source.len() + source.len() / 4 + 16),
            frames: Vec::new(),
            blocks: vec![None],
            image: None,
            in_pre: false,
            heading_tail: None,
            links: 0,
            raws: 0,
        }
    }

    fn push(&mut self, frame: Frame) {
        match &frame {
            Frame::Markdown { close, .. } if *close == "</a>" => self.links += 1,
            Frame::Markdown { .. } => {}
            Frame::Raw { name } => {
                self.raws += 1;
                if name == "a" {
                    self.links += 1;
                }
            }
        }
        self.frames.push(frame);
    }

    fn pop(&mut self) -> Option<Frame> {
        let frame = self.frames.pop()?;
        match &frame {
            Frame::Markdown { close, .. } if *close == "</a>" => self.links -= 1,
            Frame::Markdown { .. } => {}
            Frame::Raw { name } => {
                self.raws -= 1;
                if name == "a" {
                    self.links -= 1;
                }
            }
        }
        Some(frame)
    }

    fn text(&mut self, s: &str) {
        escape_into(&mut self.out, s);
    }

    /// Starts a block in the current container, separating it from the previous one.
    fn begin_block(&mut self, kind: Block) {
        let last = self.blocks.last_mut().expect("the cell is always open");
        if *last == Some(Block::Text) && kind == Block::Text {
            self.out.push_str("<br /><br />");
        }
        *last = Some(kind);
    }

    fn open(&mut self, html: &str, close: &'static str, container: bool) {
        self.out.push_str(html);
        self.push(Frame::Markdown { close, container });
        if container {
            self.blocks.push(None);
        }
    }

    /// Closes raw elements left open inside the markdown element that ends, then it.
    fn close_markdown(&mut self) {
        while let Some(frame) = self.pop() {
            match frame {
                Frame::Raw { name } => {
                    self.out.push_str("</");
                    self.out.push_str(&name);
                    self.out.push('>');
                }
                Frame::Markdown { close, container } => {
                    self.out.push_str(close);
                    if container {
                        self.blocks.pop();
                    }
                    return;
                }
            }
        }
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        if let Some((depth, alt, _, _)) = &mut self.image {
            match &event {
                Event::Start(_) => *depth += 1,
                Event::End(_) if *depth > 0 => *depth -= 1,
                Event::End(_) => {
                    let (_, alt, src, title) = self.image.take().expect("in an image");
                    self.out.push_str("<img src=\"");
                    self.out.push_str(&src);
                    self.out.push_str("\" alt=\"");
                    escape_into(&mut self.out, &alt);
                    self.out.push('"');
                    if !title.is_empty() {
                        self.out.push_str(" title=\"");
                        escape_into(&mut self.out, &title);
                        self.out.push('"');
                    }
                    self.out.push_str(" />");
                    return;
                }
                Event::Text(t) | Event::Code(t) => alt.push_str(t),
                Event::SoftBreak | Event::HardBreak => alt.push(' '),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if self.in_pre {
                    // One line: a blank line inside would end the table's HTML block.
                    for (i, line) in t.split('\n').enumerate() {
                        if i > 0 {
                            self.out.push_str("&#10;");
                        }
                        self.text(line);
                    }
                } else {
                    self.text(&t);
                }
            }
            Event::Code(t) => {
                self.out.push_str("<code>");
                self.text(&t);
                self.out.push_str("</code>");
            }
            Event::SoftBreak => self.out.push('\n'),
            Event::HardBreak => self.out.push_str("<br />\n"),
            Event::Rule => {
                self.begin_block(Block::Text);
                let src = self.source[range].trim();
                self.text(src);
            }
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(&html),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::FootnoteReference(t) => {
                self.text("[^");
                self.text(&t);
                self.text("]");
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: std::ops::Range<usize>) {
        match tag {
            Tag::Paragraph => {
                self.begin_block(Block::Text);
                self.push(Frame::Markdown {
                    close: "",
                    container: false,
                });
            }
            Tag::Heading { level, .. } => {
                // Shown as text: `## Title`, or a setext underline after the title.
                self.begin_block(Block::Text);
                let src = &self.source[range];
                if src.trim_start().starts_with('#') {
                    let hashes = "#".repeat(heading_level(level));
                    self.text(&hashes);
                    self.out.push(' ');
                } else {
                    let underline = src.trim_end().rsplit('\n').next().unwrap_or("").trim();
                    self.heading_tail = Some(underline.to_string());
                }
                self.push(Frame::Markdown {
                    close: "",
                    container: false,
                });
            }
            Tag::BlockQuote(_) => {
                // Shown as text: `> ` then the quote's content, which continues the line.
                self.begin_block(Block::Text);
                self.open("&gt; ", "", true);
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                self.begin_block(Block::Boxed);
                self.out.push_str("<pre><code");
                let lang = info.split([' ', '\t', ',', '{']).next().unwrap_or("");
                if !lang.is_empty() {
                    self.out.push_str(" class=\"language-");
                    escape_into(&mut self.out, lang);
                    self.out.push('"');
                }
                self.out.push('>');
                self.in_pre = true;
                self.push(Frame::Markdown {
                    close: "</code></pre>",
                    container: false,
                });
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => {
                self.begin_block(Block::Text);
                self.push(Frame::Markdown {
                    close: "",
                    container: false,
                });
            }
            Tag::HtmlBlock => {
                self.begin_block(Block::Text);
                self.push(Frame::Markdown {
                    close: "",
                    container: false,
                });
            }
            Tag::List(start) => {
                self.begin_block(Block::Boxed);
                match start {
                    Some(1) => self.open("<ol>", "</ol>", false),
                    Some(n) => self.open(&format!("<ol start=\"{n}\">"), "</ol>", false),
                    None => self.open("<ul>", "</ul>", false),
                }
            }
            Tag::Item => self.open("<li>", "</li>", true),
            Tag::Emphasis => self.open("<em>", "</em>", false),
            Tag::Strong => self.open("<strong>", "</strong>", false),
            Tag::Strikethrough => self.open("<del>", "</del>", false),
            Tag::Superscript => self.open("<sup>", "</sup>", false),
            Tag::Subscript => self.open("<sub>", "</sub>", false),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                if self.inside_link() {
                    // A link inside a link is not HTML: keep only its text.
                    self.push(Frame::Markdown {
                        close: "",
                        container: false,
                    });
                    return;
                }
                let mut html = String::from("<a");
                let url = if link_type == LinkType::Email {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                if is_safe_url(&url) {
                    html.push_str(" href=\"");
                    escape_href_into(&mut html, &url);
                    html.push('"');
                }
                if !title.is_empty() {
                    html.push_str(" title=\"");
                    escape_into(&mut html, &title);
                    html.push('"');
                }
                html.push('>');
                self.open(&html, "</a>", false);
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let mut src = String::new();
                if is_safe_url(&dest_url) {
                    escape_href_into(&mut src, &dest_url);
                }
                self.image = Some((0, String::new(), src, title.to_string()));
            }
            // Not enabled for descriptions; kept balanced if they ever appear.
            _ => self.push(Frame::Markdown {
                close: "",
                container: false,
            }),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::CodeBlock if self.in_pre => {
                // The fence's last line ends with a newline that is not content.
                if self.out.ends_with("&#10;") {
                    self.out.truncate(self.out.len() - "&#10;".len());
                }
                self.in_pre = false;
            }
            TagEnd::Heading(_) => {
                if let Some(underline) = self.heading_tail.take() {
                    self.out.push('\n');
                    self.text(&underline);
                }
            }
            _ => {}
        }
        self.close_markdown();
    }

    fn inside_link(&self) -> bool {
        self.links > 0
    }

    /// Raw HTML from the description: allowed inline elements pass (rebuilt from their
    /// parsed name and attributes), complete comments are dropped, anything else is text.
    fn raw_html(&mut self, html: &str) {
        let mut rest = html;
        // Once no `-->` follows, none follows later either: not searched again.
        let mut comments_close = true;
        while !rest.is_empty() {
            let Some(lt) = rest.find('<') else {
                self.raw_text(rest);
                break;
            };
            self.raw_text(&rest[..lt]);
            rest = &rest[lt..];
            let consumed = if let Some(len) = comment_len(rest, &mut comments_close) {
                len
            } else if let Some(tag) = parse_tag(rest) {
                self.raw_tag(&tag, &rest[..tag.len]);
                tag.len
            } else {
                self.text("<");
                1
            };
            rest = &rest[consumed..];
        }
    }

    /// Text inside raw HTML: escaped (it may hold anything).
    fn raw_text(&mut self, s: &str) {
        self.text(s);
    }

    fn raw_tag(&mut self, tag: &TagToken<'_>, source: &str) {
        let name = tag.name.to_ascii_lowercase();
        if name == "br" {
            // `<br>`, `<br/>` and `</br>` are all line breaks.
            self.out.push_str("<br />");
            return;
        }
        let allowed = INLINE_ELEMENTS.contains(&name.as_str());
        if tag.closing {
            // Close it if it is open above the innermost markdown element; else show it.
            let found = self
                .frames
                .iter()
                .rev()
                .take_while(|f| matches!(f, Frame::Raw { .. }))
                .position(|f| matches!(f, Frame::Raw { name: n } if *n == name));
            match found {
                Some(depth) if allowed => {
                    for _ in 0..=depth {
                        if let Some(Frame::Raw { name }) = self.pop() {
                            self.out.push_str("</");
                            self.out.push_str(&name);
                            self.out.push('>');
                        }
                    }
                }
                _ => self.text(source),
            }
            return;
        }
        let too_deep = self.raws >= MAX_RAW_DEPTH && !VOID_ELEMENTS.contains(&name.as_str());
        if !allowed || too_deep || (name == "a" && self.inside_link()) {
            self.text(source);
            return;
        }
        self.out.push('<');
        self.out.push_str(&name);
        let mut seen: Vec<String> = Vec::new();
        for (attr, value) in &tag.attributes {
            let attr = attr.to_ascii_lowercase();
            if !allowed_attribute(&name, &attr) || seen.contains(&attr) {
                continue;
            }
            let value = value.unwrap_or("");
            let is_url = matches!(attr.as_str(), "href" | "src");
            if is_url && !is_safe_url(&decode_entities(value)) {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(&attr);
            self.out.push_str("=\"");
            attribute_value_into(&mut self.out, value);
            self.out.push('"');
            seen.push(attr);
        }
        if VOID_ELEMENTS.contains(&name.as_str()) {
            self.out.push_str(" />");
        } else {
            self.out.push('>');
            self.push(Frame::Raw { name });
        }
    }

    fn finish(mut self) -> String {
        while !self.frames.is_empty() {
            self.close_markdown();
        }
        if let Some((_, alt, _, _)) = self.image.take() {
            self.text(&alt);
        }
        // Soft breaks and block edges are whitespace: trim them, and drop any line that is
        // blank (a blank line would end the table's HTML block in the page's markdown).
        let trimmed = self.out.trim();
        if !trimmed.contains('\n') {
            return trimmed.to_string();
        }
        let mut out = String::with_capacity(trimmed.len());
        for line in trimmed.split('\n') {
            if line.trim().is_empty() {
                continue;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    }
}

fn heading_level(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Length of a complete HTML comment at the start of `s` (`<!-- … -->`, `<!-->`, `<!--->`).
/// `closes` is false once a search for `-->` has failed: the rest of the text holds none,
/// and searching it again for every `<!--` would take quadratic time.
fn comment_len(s: &str, closes: &mut bool) -> Option<usize> {
    let body = s.strip_prefix("<!--")?;
    if body.starts_with('>') {
        return Some(5);
    }
    if body.starts_with("->") {
        return Some(6);
    }
    if !*closes {
        return None;
    }
    let found = body.find("-->").map(|i| 4 + i + 3);
    *closes = found.is_some();
    found
}

/// A start or end tag, parsed.
struct TagToken<'a> {
    name: &'a str,
    closing: bool,
    attributes: Vec<(&'a str, Option<&'a str>)>,
    len: usize,
}

static START_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^<([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:[^"'=<>`\s]+|'[^']*'|"[^"]*"))?)*)\s*/?>"#,
    )
    .expect("a valid regex")
});

static END_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^</([A-Za-z][A-Za-z0-9-]*)\s*>").expect("a valid regex"));

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z_:][A-Za-z0-9_.:-]*)(?:\s*=\s*(?:([^"'=<>`\s]+)|'([^']*)'|"([^"]*)"))?"#)
        .expect("a valid regex")
});

/// Parses the tag at the start of `s`, with CommonMark's grammar for raw HTML tags.
fn parse_tag(s: &str) -> Option<TagToken<'_>> {
    if let Some(c) = END_TAG.captures(s) {
        return Some(TagToken {
            name: c.get(1)?.as_str(),
            closing: true,
            attributes: Vec::new(),
            len: c.get(0)?.end(),
        });
    }
    let c = START_TAG.captures(s)?;
    let attributes = ATTRIBUTE
        .captures_iter(c.get(2).map_or("", |m| m.as_str()))
        .filter_map(|a| {
            let name = a.get(1)?.as_str();
            let value = a
                .get(2)
                .or_else(|| a.get(3))
                .or_else(|| a.get(4))
                .map(|m| m.as_str());
            Some((name, value))
        })
        .collect();
    Some(TagToken {
        name: c.get(1)?.as_str(),
        closing: false,
        attributes,
        len: c.get(0)?.end(),
    })
}

/// An attribute value from raw HTML, written between double quotes: its character
/// references are kept, every other `&`, `<`, `>` and `"` is escaped.
fn attribute_value_into(out: &mut String, value: &str) {
    let mut rest = value;
    while let Some(i) = rest.find(['&', '<', '>', '"']) {
        escape_into(out, &rest[..i]);
        let c = rest.as_bytes()[i];
        rest = &rest[i..];
        if c == b'&' {
            if let Some(len) = char_ref_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        escape_into(out, &rest[..1]);
        rest = &rest[1..];
    }
    escape_into(out, rest);
}

static CHAR_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
        .expect("a valid regex")
});

fn char_ref_len(s: &str) -> Option<usize> {
    CHAR_REF.find(s).map(|m| m.end())
}

/// Numeric and a few named character references decoded, enough to see through a
/// `jav&#x61;script:` URL.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let semi = rest.find(';').filter(|&j| j <= 12);
        let decoded = semi.and_then(|j| {
            let body = &rest[1..j];
            let ch = if let Some(num) = body.strip_prefix('#') {
                if let Some(hex) = num.strip_prefix(['x', 'X']) {
                    u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                } else {
                    num.parse::<u32>().ok().and_then(char::from_u32)
                }
            } else {
                match body {
                    "colon" => Some(':'),
                    "Tab" => Some('\t'),
                    "NewLine" => Some('\n'),
                    "amp" => Some('&'),
                    _ => None,
                }
            };
            ch.map(|c| (c, j + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(md: &str) -> String {
        render(md, MarkdownOptions::default())
    }

    fn plain(md: &str) -> String {
        render(
            md,
            MarkdownOptions {
                smart_punctuation: false,
            },
        )
    }

    #[test]
    fn inline_markdown_without_paragraph_wrappers() {
        assert_eq!(r("Plain text."), "Plain text.");
        assert_eq!(
            r("A [link](https://example.com/a?b=1&c=2 \"T\"), *em*, **strong**, `code <x>` and ~~gone~~."),
            "A <a href=\"https://example.com/a?b=1&amp;c=2\" title=\"T\">link</a>, <em>em</em>, \
             <strong>strong</strong>, <code>code &lt;x&gt;</code> and <del>gone</del>."
        );
        assert_eq!(
            r("<https://example.com>"),
            "<a href=\"https://example.com\">https://example.com</a>"
        );
        assert_eq!(
            r("<me@example.com>"),
            "<a href=\"mailto:me@example.com\">me@example.com</a>"
        );
        assert_eq!(r(""), "");
        assert_eq!(r("   \n\n  "), "");
    }

    #[test]
    fn smart_punctuation_follows_the_option() {
        assert_eq!(r("it's \"x\" -- y..."), "it’s “x” – y…");
        assert_eq!(plain("it's \"x\""), "it's &quot;x&quot;");
    }

    #[test]
    fn paragraphs_are_joined_by_two_breaks_and_soft_breaks_stay_lines() {
        assert_eq!(r("One\ntwo.\n\nThree."), "One\ntwo.<br /><br />Three.");
        assert_eq!(r("a  \nb"), "a<br />\nb");
        assert_eq!(r("a\\\nb"), "a<br />\nb");
    }

    #[test]
    fn lists_are_real_lists() {
        assert_eq!(
            r("Pick:\n\n- a\n- b"),
            "Pick:<ul>\n<li>a</li>\n<li>b</li>\n</ul>".replace('\n', "")
        );
        assert_eq!(r("1. x\n2. y"), "<ol><li>x</li><li>y</li></ol>");
        assert_eq!(r("3. x\n4. y"), "<ol start=\"3\"><li>x</li><li>y</li></ol>");
        assert_eq!(
            r("- a\n\n  more\n- b"),
            "<ul><li>a<br /><br />more</li><li>b</li></ul>"
        );
        assert_eq!(r("- a\n\ntext after"), "<ul><li>a</li></ul>text after");
    }

    #[test]
    fn fenced_code_is_a_pre_on_one_line() {
        assert_eq!(
            r("Use:\n\n```yaml\na: 1\n\nb: <2>\n```\nafter"),
            "Use:<pre><code class=\"language-yaml\">a: 1&#10;&#10;b: &lt;2&gt;</code></pre>after"
        );
        assert_eq!(r("```\n```"), "<pre><code></code></pre>");
    }

    #[test]
    fn block_markdown_without_a_place_in_a_cell_stays_text() {
        assert_eq!(r("# Title"), "# Title");
        assert_eq!(r("### Three *x*"), "### Three <em>x</em>");
        assert_eq!(r("Title\n====="), "Title\n=====");
        assert_eq!(r("> quoted *text*"), "&gt; quoted <em>text</em>");
        assert_eq!(r("    indented <code>"), "indented &lt;code&gt;");
        assert_eq!(r("a\n\n***\n\nb"), "a<br /><br />***<br /><br />b");
        assert_eq!(
            plain("| a | b |\n|---|---|\n| 1 | 2 |"),
            "| a | b |\n|---|---|\n| 1 | 2 |"
        );
    }

    #[test]
    fn inline_html_elements_pass_with_safe_attributes_only() {
        assert_eq!(r("Press <kbd>Ctrl</kbd>."), "Press <kbd>Ctrl</kbd>.");
        assert_eq!(
            r("See <a href=\"http://x.example/a?b=1&amp;c\" onclick=\"evil()\" target=_blank>here</a>."),
            "See <a href=\"http://x.example/a?b=1&amp;c\" target=\"_blank\">here</a>."
        );
        assert_eq!(
            r("<span style=\"position:fixed\" class=c>x</span>"),
            "<span class=\"c\">x</span>"
        );
        assert_eq!(r("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
        assert_eq!(r("<a href=\"jav&#x61;script:alert(1)\">x</a>"), "<a>x</a>");
        assert_eq!(r("[x](javascript:alert(1))"), "<a>x</a>");
        assert_eq!(
            r("<img src=\"/i.png\" alt=\"I\" onerror=\"x()\">"),
            "<img src=\"/i.png\" alt=\"I\" />"
        );
        assert_eq!(
            r("![alt *text*](/i.png \"t\")"),
            "<img src=\"/i.png\" alt=\"alt text\" title=\"t\" />"
        );
    }

    #[test]
    fn other_tags_and_placeholders_are_text() {
        assert_eq!(r("Name: <screen_name>_x"), "Name: &lt;screen_name&gt;_x");
        assert_eq!(
            r("Key: <This is your write key>"),
            "Key: &lt;This is your write key&gt;"
        );
        assert_eq!(
            r("Host <subdomain>.example.com"),
            "Host &lt;subdomain&gt;.example.com"
        );
        assert_eq!(
            r("inside <script> tags, more"),
            "inside &lt;script&gt; tags, more"
        );
        assert_eq!(
            r("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            r("x </td></tr></table> y"),
            "x &lt;/td&gt;&lt;/tr&gt;&lt;/table&gt; y"
        );
        assert_eq!(
            r("<table><tr><td>x</td></tr></table>"),
            "&lt;table&gt;&lt;tr&gt;&lt;td&gt;x&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;"
        );
        assert_eq!(
            r("<div>\nblock\n</div>"),
            "&lt;div&gt;\nblock\n&lt;/div&gt;"
        );
    }

    #[test]
    fn br_in_every_spelling_is_a_line_break() {
        assert_eq!(
            r("a</br>b<br>c<br/>d<BR />e"),
            "a<br />b<br />c<br />d<br />e"
        );
    }

    #[test]
    fn comments_are_dropped_when_complete_and_text_when_not() {
        assert_eq!(r("a <!-- hidden --> b"), "a  b");
        assert_eq!(plain("a <!-- never closed"), "a &lt;!-- never closed");
        assert_eq!(
            plain("<!-- block\nnever closed"),
            "&lt;!-- block\nnever closed"
        );
    }

    #[test]
    fn everything_opened_is_closed_inside_the_cell() {
        assert_eq!(r("an <b>unclosed bold"), "an <b>unclosed bold</b>");
        assert_eq!(r("<b><i>x</b> y</i>"), "<b><i>x</i></b> y&lt;/i&gt;");
        assert_eq!(r("*a <b>b* c</b>"), "<em>a <b>b</b></em> c&lt;/b&gt;");
        assert_eq!(r("</em> stray"), "&lt;/em&gt; stray");
        assert_eq!(
            r("[a <a href=\"/x\">b</a>](/y)"),
            "<a href=\"/y\">a &lt;a href=&quot;/x&quot;&gt;b&lt;/a&gt;</a>"
        );
    }

    #[test]
    fn no_blank_line_ever() {
        for md in [
            "a\n\n\n\nb",
            "```\n\n\n```",
            "- a\n\n\n- b",
            "<b>\n\n</b>",
            "x\n   \n\ty",
            "a\r\n\r\nb\r\rc",
        ] {
            let html = r(md);
            assert!(
                !html.lines().any(|l| l.trim().is_empty()),
                "{md:?} -> {html:?}"
            );
        }
    }

    #[test]
    fn control_characters_and_crlf() {
        assert_eq!(r("a\u{0}b\u{1}c"), "a\u{fffd}b\u{fffd}c");
        assert_eq!(r("a\r\nb"), "a\nb");
    }
}
