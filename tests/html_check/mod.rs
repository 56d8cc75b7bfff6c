//! Generated HTML as a browser sees it: html5ever (the HTML parser of Servo) reads the
//! output, and the checks below look at what it built, not at the text we wrote.
//!
//! Shared by the integration tests (`mod html_check;`) and the fuzz targets (included with
//! `#[path]`), so that both hold the output to the same rules:
//!
//! - [`check_balanced`]: the tokenizer's view of a fragment: every element opened is
//!   closed in order, no stray end tag, no tokenizer error, no NUL;
//! - [`check_settings_table`]: the parsed tree of a page or fragment holds one
//!   `<table class="settings">` with the expected rows, two cells each, each description
//!   entirely inside its own second cell, and nothing but the allowed elements and
//!   attributes in any cell.
#![allow(dead_code)]

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use scraper::{ElementRef, Html, Node, Selector};
use std::cell::RefCell;

/// Elements that never have content (no end tag).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements a settings table may hold: its own structure, what the renderer writes
/// (lists, code blocks, links, emphasis), and the inline elements a description may use.
const TABLE_ELEMENTS: &[&str] = &[
    // the table's own
    "table", "thead", "tbody", "tr", "th", "td", // written by the renderer
    "ul", "ol", "li", "pre", "code", "em", "strong", "del", "sup", "sub", "a", "i", "br", "img",
    // allowed from descriptions
    "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "ins", "kbd", "mark", "q", "s", "samp",
    "small", "span", "time", "u", "var", "wbr",
];

struct BalanceSink {
    stack: RefCell<Vec<String>>,
    problem: RefCell<Option<String>>,
}

impl BalanceSink {
    fn fail(&self, why: String) {
        let mut p = self.problem.borrow_mut();
        if p.is_none() {
            *p = Some(why);
        }
    }
}

impl TokenSink for BalanceSink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        if VOID.contains(&name.as_str()) || tag.self_closing {
                            return TokenSinkResult::Continue;
                        }
                        self.stack.borrow_mut().push(name.clone());
                        // The tokenizer alone does not know these switch its state.
                        use html5ever::tokenizer::states::RawKind;
                        match name.as_str() {
                            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
                            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                                return TokenSinkResult::RawData(RawKind::Rawtext)
                            }
                            "textarea" | "title" => {
                                return TokenSinkResult::RawData(RawKind::Rcdata)
                            }
                            _ => {}
                        }
                    }
                    TagKind::EndTag => {
                        let open = self.stack.borrow_mut().pop();
                        match open {
                            Some(open) if open == name => {}
                            Some(open) => {
                                self.fail(format!("line {line}: </{name}> closes <{open}>"))
                            }
                            None => self.fail(format!("line {line}: </{name}> closes nothing")),
                        }
                    }
                }
            }
            Token::ParseError(e) => self.fail(format!("line {line}: parse error: {e}")),
            Token::NullCharacterToken => self.fail(format!("line {line}: a NUL character")),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Checks with html5ever's tokenizer that the elements of an HTML fragment nest properly
/// (every non-void element closed, in order, none closed that was not open) and that the
/// tokenizer reports no error. Returns the first problem.
pub fn check_balanced(html: &str) -> Result<(), String> {
    let sink = BalanceSink {
        stack: RefCell::new(Vec::new()),
        problem: RefCell::new(None),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let sink = tokenizer.sink;
    if let Some(p) = sink.problem.into_inner() {
        return Err(p);
    }
    match sink.stack.into_inner().pop() {
        Some(open) => Err(format!("<{open}> is never closed")),
        None => Ok(()),
    }
}

/// What one row of a settings table must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedRow {
    /// The row's `id` (and its anchor's target); `None` when the label slugifies to
    /// nothing.
    pub id: Option<String>,
    /// The label's text, as written in the cell (before the browser collapses its
    /// whitespace).
    pub label: String,
    /// `(required)` follows the label.
    pub required: bool,
    /// The text the description has when it is rendered alone: the second cell's text
    /// must end with exactly this.
    pub description_text: String,
}

/// Text with every run of whitespace turned into one space, trimmed.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text a browser shows for an HTML fragment (whitespace squashed).
pub fn fragment_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    squash(&doc.root_element().text().collect::<String>())
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("a valid selector")
}

fn direct_children<'a>(el: ElementRef<'a>, name: &str) -> Vec<ElementRef<'a>> {
    el.children()
        .filter_map(ElementRef::wrap)
        .filter(|c| c.value().name() == name)
        .collect()
}

fn element_children(el: ElementRef<'_>) -> Vec<ElementRef<'_>> {
    el.children().filter_map(ElementRef::wrap).collect()
}

/// Whether a URL in `href`/`src` is one the renderer allows (no script-running scheme).
fn harmless_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    !["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| squeezed.starts_with(s))
}

/// Checks every element inside a table cell: only allowed elements, no event handler or
/// style attribute, no script URL.
fn check_cell_content(cell: ElementRef<'_>, where_: &str) -> Result<(), String> {
    for node in cell.descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name();
        if !TABLE_ELEMENTS.contains(&name) {
            return Err(format!("{where_}: element <{name}> inside a cell"));
        }
        if node.id() != cell.id()
            && matches!(name, "table" | "thead" | "tbody" | "tr" | "th" | "td")
        {
            return Err(format!("{where_}: a <{name}> nested inside a cell"));
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") || attr == "style" || attr == "srcdoc" {
                return Err(format!(
                    "{where_}: attribute {attr}=\"{value}\" on <{name}>"
                ));
            }
            if matches!(attr.as_str(), "href" | "src") && !harmless_url(value) {
                return Err(format!("{where_}: {attr}=\"{value}\" on <{name}>"));
            }
        }
    }
    Ok(())
}

/// Parses `html` (a whole page when `document`, else a fragment) and checks that it holds
/// exactly one `<table class="settings">` whose rows are `rows`, each description wholly
/// inside its own cell. `parse_errors_allowed`: tree-builder errors are reported unless
/// this is set (mdBook's page template has a few of its own).
pub fn check_settings_table(
    html: &str,
    document: bool,
    rows: &[ExpectedRow],
    parse_errors_allowed: bool,
) -> Result<(), String> {
    let doc = if document {
        Html::parse_document(html)
    } else {
        Html::parse_fragment(html)
    };
    if !parse_errors_allowed && !doc.errors.is_empty() {
        return Err(format!("HTML parse errors: {:?}", doc.errors));
    }
    if doc
        .select(&sel("script, style, iframe, object, embed, form, textarea"))
        .any(|e| {
            // mdBook's own page has scripts; only those inside <main> are the content's.
            !document
                || e.ancestors()
                    .filter_map(ElementRef::wrap)
                    .any(|a| a.value().name() == "main")
        })
    {
        return Err("a script-like element in the content".into());
    }
    let tables: Vec<ElementRef<'_>> = doc.select(&sel("table")).collect();
    let settings: Vec<&ElementRef<'_>> = tables
        .iter()
        .filter(|t| t.value().attr("class") == Some("settings"))
        .collect();
    if settings.len() != 1 || tables.len() != 1 {
        return Err(format!(
            "expected exactly one table, the settings table; found {} tables, {} settings tables",
            tables.len(),
            settings.len()
        ));
    }
    let table = *settings[0];
    let parts: Vec<String> = element_children(table)
        .iter()
        .map(|e| e.value().name().to_string())
        .collect();
    if parts != ["thead", "tbody"] {
        return Err(format!("the table's children are {parts:?}"));
    }
    let thead = direct_children(table, "thead")[0];
    let head_rows = direct_children(thead, "tr");
    let heads: Vec<String> = head_rows
        .iter()
        .flat_map(|r| element_children(*r))
        .map(|th| {
            format!(
                "{}:{}",
                th.value().name(),
                squash(&th.text().collect::<String>())
            )
        })
        .collect();
    if head_rows.len() != 1 || heads != ["th:Setting", "th:Description"] {
        return Err(format!("the header is {heads:?}"));
    }
    let tbody = direct_children(table, "tbody")[0];
    let body_children = element_children(tbody);
    if body_children.iter().any(|c| c.value().name() != "tr") {
        return Err("the body holds something else than rows".into());
    }
    // Text directly in the table structure (outside cells) would be foster-parented out
    // of the table by a browser: html5ever does the same, so the body text check below
    // and this one catch any of it.
    if body_children.len() != rows.len() {
        return Err(format!(
            "expected {} rows, found {}",
            rows.len(),
            body_children.len()
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for (i, (tr, want)) in body_children.iter().zip(rows).enumerate() {
        let where_ = format!("row {}", i + 1);
        let cells = element_children(*tr);
        if cells.len() != 2 || cells.iter().any(|c| c.value().name() != "td") {
            return Err(format!(
                "{where_}: expected two <td>, found {:?}",
                cells.iter().map(|c| c.value().name()).collect::<Vec<_>>()
            ));
        }
        for cell in &cells {
            check_cell_content(*cell, &where_)?;
        }
        let def = cells[0];
        if def.value().attr("class") != Some("def") {
            return Err(format!("{where_}: the first cell is not class=\"def\""));
        }
        let id = def.value().attr("id").map(str::to_string);
        if id != want.id {
            return Err(format!("{where_}: id {id:?}, expected {:?}", want.id));
        }
        if let Some(id) = &id {
            if id.is_empty() || !ids.insert(id.clone()) {
                return Err(format!("{where_}: id {id:?} is empty or repeated"));
            }
            let anchor = direct_children(def, "a");
            let href = anchor.first().and_then(|a| a.value().attr("href"));
            if href != Some(format!("#{id}").as_str()) {
                return Err(format!("{where_}: the label links to {href:?}"));
            }
        }
        let label = if want.required {
            squash(&format!("{}(required)", want.label))
        } else {
            squash(&want.label)
        };
        let got = squash(&def.text().collect::<String>());
        if got != label {
            return Err(format!("{where_}: label cell {got:?}, expected {label:?}"));
        }
        let text = squash(&cells[1].text().collect::<String>());
        if !text.ends_with(&want.description_text) {
            return Err(format!(
                "{where_}: the description left its cell: cell text {text:?} does not end with {:?}",
                want.description_text
            ));
        }
    }
    Ok(())
}
