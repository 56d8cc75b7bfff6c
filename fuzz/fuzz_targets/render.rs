//! The renderer of one destination: arbitrary settings (labels, types, defaults of every
//! YAML kind, descriptions of arbitrary markdown and HTML) through `render::footer`, then
//! through mdBook's markdown renderer (pulldown-cmark, mdBook's options) to the HTML of
//! the page. html5ever reads both: the table's HTML must be balanced, and the page must
//! hold one settings table with one row per visible setting, each description wholly
//! inside its own cell, and only allowed elements and attributes in the cells.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mdbook_destinations::catalog::{Data, Destination, Flag, Setting};
use mdbook_destinations::frontmatter::FrontMatter;
use mdbook_destinations::render::{self, description, slugify, MarkdownOptions, Sections, Texts};

#[path = "../../tests/html_check/mod.rs"]
mod html_check;
use html_check::{check_balanced, check_settings_table, fragment_text, ExpectedRow};

/// Pieces descriptions are made of: markdown and HTML syntax the renderer must keep
/// inside the cell, and raw text.
const PIECES: &[&str] = &[
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<em>",
    "</em>",
    "<a href=\"/x\">",
    "<a href=\"javascript:x()\">",
    "</a>",
    "<span class=c>",
    "</span>",
    "<code>",
    "</code>",
    "<br>",
    "</br>",
    "<br/>",
    "<img src=x onerror=y>",
    "<td>",
    "</td>",
    "<tr>",
    "</tr>",
    "<table>",
    "</table>",
    "<tbody>",
    "</tbody>",
    "<th>",
    "<script>",
    "</script>",
    "<style>",
    "<div>",
    "</div>",
    "<p>",
    "</p>",
    "<!--",
    "-->",
    "<!-->",
    "<![CDATA[",
    "]]>",
    "<?",
    "?>",
    "<!DOCTYPE html>",
    "<textarea>",
    "<title>",
    "<plaintext>",
    "<xmp>",
    "<iframe>",
    "<noscript>",
    "<template>",
    "<svg>",
    "<math>",
    "<select>",
    "<option>",
    "<li>",
    "<ul>",
    "*",
    "**",
    "_",
    "__",
    "`",
    "``",
    "```",
    "~~~",
    "~~",
    "[",
    "]",
    "](",
    ")",
    "](javascript:x)",
    "![",
    "<https://x.example/?a=1&b=2>",
    "<me@x.example>",
    "\\",
    "&",
    "&amp;",
    "&#0;",
    "&#x3c;",
    "&lt;",
    "&nbsp;",
    "&#10;",
    "\"",
    "'",
    "|",
    "| a | b |\n|---|---|\n",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "  \n",
    "\t",
    "    ",
    "# ",
    "## ",
    "> ",
    ">> ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "3) ",
    "---",
    "===",
    "***",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\u{85}",
    "\u{feff}",
    "\u{2028}",
    "\u{fffe}",
    "[^1]",
    "[^1]: note",
    "$x$",
    "{#id}",
    "- [ ] ",
    "<b title=\"a>b\">",
    "<a href='x' title=\"</td>\">",
    "<a\nhref=\"/y\">",
    "</B>",
    "<B>",
    "<Table>",
    "<screen_name>",
    "<This is your write key>",
    "text",
    " ",
    "é",
    "日本",
];

#[derive(Debug)]
struct Description(String);

impl<'a> Arbitrary<'a> for Description {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut s = String::new();
        let n = u.int_in_range(0..=40)?;
        for _ in 0..n {
            if u.ratio(3, 4)? {
                s.push_str(u.choose(PIECES)?);
            } else {
                s.push_str(&String::arbitrary(u)?);
            }
        }
        Ok(Description(s))
    }
}

#[derive(Debug, Arbitrary)]
enum Kind {
    String,
    Boolean,
    Array,
    Number,
    Select,
    Map,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum ArbFlag {
    Unset,
    Bool(bool),
    WrongType,
}

impl ArbFlag {
    fn flag(&self) -> Flag {
        match self {
            ArbFlag::Unset => Flag::Unset,
            ArbFlag::Bool(b) => Flag::Bool(*b),
            ArbFlag::WrongType => Flag::WrongType("a string"),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum ArbData {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Piece(Description),
    Seq(Vec<ArbData>),
    Map(Vec<(ArbData, ArbData)>),
}

impl ArbData {
    fn data(&self) -> Data {
        match self {
            ArbData::Null => Data::Null,
            ArbData::Bool(b) => Data::Bool(*b),
            ArbData::Int(i) => Data::Int(*i),
            ArbData::UInt(u) => Data::UInt(*u),
            ArbData::Float(f) => Data::Float(*f),
            ArbData::Str(s) => Data::Str(s.clone()),
            ArbData::Piece(d) => Data::Str(d.0.clone()),
            ArbData::Seq(v) => Data::Seq(v.iter().map(ArbData::data).collect()),
            ArbData::Map(m) => Data::Map(m.iter().map(|(k, v)| (k.data(), v.data())).collect()),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Label {
    Text(String),
    Pieces(Description),
    Number(i64),
    Empty,
    Punctuation(u8),
}

#[derive(Debug, Arbitrary)]
struct ArbSetting {
    label: Label,
    kind: Kind,
    required: ArbFlag,
    deprecated: ArbFlag,
    default: ArbData,
    description: Description,
}

#[derive(Debug, Arbitrary)]
struct Input {
    server: ArbFlag,
    smart_punctuation: bool,
    hide_personas: bool,
    show_sync_disclaimer: bool,
    settings: Vec<ArbSetting>,
}

fn setting(s: &ArbSetting) -> Setting {
    Setting {
        label: match &s.label {
            Label::Text(t) => t.clone(),
            Label::Pieces(d) => d.0.clone(),
            Label::Number(n) => n.to_string(),
            Label::Empty => String::new(),
            Label::Punctuation(n) => "!?-_.:/#&<>\"'".repeat(usize::from(*n % 4) + 1),
        },
        kind: match &s.kind {
            Kind::String => "string".into(),
            Kind::Boolean => "boolean".into(),
            Kind::Array => "array".into(),
            Kind::Number => "number".into(),
            Kind::Select => "select".into(),
            Kind::Map => "map".into(),
            Kind::Other(o) => o.clone(),
        },
        required: s.required.flag(),
        deprecated: s.deprecated.flag(),
        default: s.default.data(),
        description: s.description.0.clone(),
    }
}

/// The label's text in its cell: its non-blank lines joined by spaces, forbidden control
/// characters replaced.
fn label_text(label: &str) -> String {
    let joined = if label.contains(['\n', '\r']) {
        label
            .split(['\n', '\r'])
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        label.to_string()
    };
    joined
        .chars()
        .map(|c| {
            if mdbook_destinations::render::html::is_forbidden_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

fuzz_target!(|input: Input| {
    let settings: Vec<Setting> = input.settings.iter().map(setting).collect();
    let dest = Destination {
        index: 0,
        slug: "fuzz".into(),
        id: None,
        display_name: None,
        server: input.server.flag(),
        settings,
        previous_names: Vec::new(),
    };
    let md = MarkdownOptions {
        smart_punctuation: input.smart_punctuation,
    };
    let front = FrontMatter {
        hide_personas_partial: input.hide_personas,
        show_sync_disclaimer: input.show_sync_disclaimer,
        ..FrontMatter::default()
    };
    let sections = Sections::for_page(&dest, &front);
    let footer = render::footer(&dest, sections, &Texts::default(), md);

    // The table on its own: balanced, and no blank line (which would end the HTML block).
    let table = render::settings_table(&dest.settings, md);
    if let Err(e) = check_balanced(&table) {
        panic!("unbalanced table HTML: {e}\n{table}");
    }
    assert!(
        !table.lines().any(|l| l.trim().is_empty()),
        "a blank line in the table:\n{table}"
    );
    assert!(footer.contains(&table), "the footer holds the table");

    // What each row must show.
    let mut ids = slugify::UniqueIds::default();
    let rows: Vec<ExpectedRow> = dest
        .settings
        .iter()
        .filter(|s| !s.deprecated.is_true())
        .map(|s| {
            let id = ids.claim(slugify::slugify(&s.label));
            ExpectedRow {
                id: (!id.is_empty()).then_some(id),
                label: label_text(&s.label),
                required: s.required.is_true(),
                description_text: fragment_text(&description::render(&s.description, md)),
            }
        })
        .collect();
    if let Err(e) = check_settings_table(&table, false, &rows, false) {
        panic!("the table as parsed: {e}\n{table}");
    }

    // The page mdBook would write: the footer's markdown rendered with mdBook's options.
    let opts = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_FOOTNOTES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_TASKLISTS
        | pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES
        | pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION;
    let mut page = String::new();
    pulldown_cmark::html::push_html(&mut page, pulldown_cmark::Parser::new_ext(&footer, opts));
    if let Err(e) = check_settings_table(&page, false, &rows, false) {
        panic!("the page as parsed: {e}\n{page}");
    }
});
