//! The generated sections, as pure functions: a catalog item, the page's flags and the
//! texts in; markdown (with the settings table as one raw HTML block) out.

pub mod description;
pub mod html;
pub mod slugify;
pub mod texts;

use crate::catalog::{Destination, Setting};
use crate::frontmatter::FrontMatter;
pub use description::MarkdownOptions;
use html::{escape, escape_into};
use slugify::{slugify, UniqueIds};

/// The words around the generated content (markdown, except the headings, which are
/// plain text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts<'a> {
    /// `## Personas`.
    pub personas_heading: &'a str,
    /// The paragraphs under it.
    pub personas_text: &'a str,
    /// The sync-frequency note, pasted verbatim after them.
    pub sync_note: &'a str,
    /// `## Settings`.
    pub settings_heading: &'a str,
    /// The sentence under it.
    pub settings_intro: &'a str,
}

impl Default for Texts<'static> {
    fn default() -> Self {
        Texts {
            personas_heading: texts::PERSONAS_HEADING,
            personas_text: texts::PERSONAS_TEXT,
            sync_note: texts::DEFAULT_SYNC_NOTE,
            settings_heading: texts::SETTINGS_HEADING,
            settings_intro: texts::SETTINGS_INTRO,
        }
    }
}

/// Which sections a page gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sections {
    /// `## Personas` and its paragraphs.
    pub personas: bool,
    /// The sync note after them.
    pub sync_note: bool,
    /// `## Settings` and the table.
    pub settings: bool,
}

impl Sections {
    /// What the seed writes for this item and these flags: Personas for server
    /// destinations unless `hide-personas-partial`, the note unless
    /// `show-sync-disclaimer`, Settings unless `hide-settings`; nothing at all with
    /// `hide-boilerplate`.
    pub fn for_page(dest: &Destination, front: &FrontMatter) -> Sections {
        if front.hide_boilerplate {
            return Sections::default();
        }
        let personas = dest.server.is_true() && !front.hide_personas_partial;
        Sections {
            personas,
            sync_note: personas && !front.show_sync_disclaimer,
            settings: !front.hide_settings,
        }
    }

    /// Whether anything is written.
    pub fn any(&self) -> bool {
        self.personas || self.settings
    }
}

/// The sections appended to a destination page, as markdown: empty when `sections` asks
/// for none. Starts with a blank line.
pub fn footer(
    dest: &Destination,
    sections: Sections,
    texts: &Texts<'_>,
    md: MarkdownOptions,
) -> String {
    let mut out = String::new();
    if sections.personas {
        push_heading(&mut out, texts.personas_heading);
        push_block(&mut out, texts.personas_text);
        if sections.sync_note {
            push_block(&mut out, texts.sync_note);
        }
    }
    if sections.settings {
        push_heading(&mut out, texts.settings_heading);
        push_block(&mut out, texts.settings_intro);
        out.push('\n');
        out.push_str(&settings_table(&dest.settings, md));
    }
    out
}

fn push_heading(out: &mut String, heading: &str) {
    out.push_str("\n## ");
    // One line of plain text: markdown punctuation is escaped, not interpreted.
    for ch in heading.chars() {
        match ch {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '&' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    out.push('\n');
}

fn push_block(out: &mut String, markdown: &str) {
    out.push('\n');
    out.push_str(markdown.trim_matches('\n'));
    out.push('\n');
}

/// The `<table class="settings">`: one row per setting that is not deprecated, in
/// catalog order. One raw HTML block without blank lines, ending with a newline.
pub fn settings_table(settings: &[Setting], md: MarkdownOptions) -> String {
    let mut out = String::with_capacity(256 + settings.len() * 256);
    out.push_str(
        "<table class=\"settings\">\n<thead>\n<tr>\n<th>Setting</th>\n<th>Description</th>\n</tr>\n</thead>\n<tbody>\n",
    );
    let mut ids = UniqueIds::default();
    for setting in settings.iter().filter(|s| !s.deprecated.is_true()) {
        let id = ids.claim(slugify(&setting.label));
        push_row(&mut out, setting, &id, md);
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// One row: the label cell (with its anchor) and the type/default/description cell.
pub fn push_row(out: &mut String, setting: &Setting, id: &str, md: MarkdownOptions) {
    out.push_str("<tr>\n<td class=\"def\"");
    if !id.is_empty() {
        out.push_str(" id=\"");
        escape_into(out, id);
        out.push_str("\"><a class=\"setting-anchor\" href=\"#");
        escape_into(out, id);
        out.push_str("\">");
        escape_into(out, &one_line(&setting.label));
        out.push_str("</a>");
    } else {
        out.push('>');
        escape_into(out, &one_line(&setting.label));
    }
    if setting.required.is_true() {
        out.push_str("<br /><i>(required)</i>");
    }
    out.push_str("</td>\n<td><code>");
    escape_into(out, &one_line(&setting.kind));
    out.push_str("</code>");
    let description = description::render(&setting.description, md);
    match default_html(setting) {
        Some(default) => {
            out.push_str(", defaults to ");
            out.push_str(&default);
            out.push('.');
            if !description.is_empty() {
                out.push_str("<br /><br />");
            }
        }
        None => {
            out.push('.');
            if !description.is_empty() {
                out.push(' ');
            }
        }
    }
    out.push_str(&description);
    out.push_str("</td>\n</tr>\n");
}

/// The default value as the seed formats it by type, escaped; `None` when there is none.
pub fn default_html(setting: &Setting) -> Option<String> {
    if setting.default.is_no_default() {
        return None;
    }
    let raw = setting.default.to_text();
    let text = one_line(&raw);
    Some(match setting.kind.as_str() {
        "string" => format!("<code>{}</code>", escape(&text)),
        "boolean" => format!("<code>{}</code>", escape(&text.to_uppercase())),
        // "array" (joined with ", ") and every other type: as written.
        _ => escape(&text),
    })
}

/// Newlines in a label, type or default would leave a blank line or a stray line in the
/// table: they read as spaces.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        text.split(['\n', '\r'])
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .into()
    } else {
        text.into()
    }
}
