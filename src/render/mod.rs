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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Data, Flag};

    fn setting(label: &str, kind: &str, default: Data) -> Setting {
        Setting {
            label: label.into(),
            kind: kind.into(),
            required: Flag::Unset,
            deprecated: Flag::Unset,
            default,
            description: String::new(),
        }
    }

    fn dflt(kind: &str, default: Data) -> Option<String> {
        default_html(&setting("L", kind, default))
    }

    fn s(v: &str) -> Data {
        Data::Str(v.into())
    }

    #[test]
    fn defaults_by_type() {
        assert_eq!(dflt("string", s("abc")), Some("<code>abc</code>".into()));
        assert_eq!(
            dflt("string", s("<b>&")),
            Some("<code>&lt;b&gt;&amp;</code>".into())
        );
        assert_eq!(
            dflt("boolean", Data::Bool(true)),
            Some("<code>TRUE</code>".into())
        );
        assert_eq!(
            dflt("boolean", Data::Bool(false)),
            Some("<code>FALSE</code>".into())
        );
        assert_eq!(dflt("boolean", s("yes")), Some("<code>YES</code>".into()));
        assert_eq!(
            dflt("array", Data::Seq(vec![s("a"), s("b"), Data::Int(3)])),
            Some("a, b, 3".into())
        );
        assert_eq!(
            dflt(
                "array",
                Data::Seq(vec![s("a"), Data::Seq(vec![s("b"), s("c")])])
            ),
            Some("a, b, c".into())
        );
        assert_eq!(dflt("array", s("one")), Some("one".into()));
        assert_eq!(dflt("number", Data::Int(0)), Some("0".into()));
        assert_eq!(dflt("number", Data::Int(-12)), Some("-12".into()));
        assert_eq!(dflt("number", Data::Float(2.0)), Some("2.0".into()));
        assert_eq!(dflt("number", Data::Float(0.25)), Some("0.25".into()));
        assert_eq!(dflt("select", s("eu")), Some("eu".into()));
        assert_eq!(dflt("color", s("#1a2b3c")), Some("#1a2b3c".into()));
        assert_eq!(
            dflt(
                "map",
                Data::Map(vec![(s("k"), s("v")), (s("n"), Data::Int(1))])
            ),
            Some("k: v, n: 1".into())
        );
        assert_eq!(
            dflt("mixed", Data::Seq(vec![s("<i>")])),
            Some("&lt;i&gt;".into())
        );
    }

    #[test]
    fn no_default_cases() {
        for d in [
            Data::Null,
            s(""),
            s("{}"),
            Data::Seq(vec![]),
            Data::Map(vec![]),
        ] {
            for kind in [
                "string", "array", "map", "text-map", "mixed", "boolean", "oauth",
            ] {
                assert_eq!(dflt(kind, d.clone()), None, "{kind} {d:?}");
            }
        }
        // Not empty: these are shown.
        assert!(dflt("array", Data::Seq(vec![s("")])).is_some());
        assert!(dflt("string", s(" ")).is_some());
        assert!(dflt("string", s("[]")).is_some());
    }

    fn row(setting: &Setting) -> String {
        let mut out = String::new();
        push_row(
            &mut out,
            setting,
            &slugify(&setting.label),
            MarkdownOptions::default(),
        );
        out
    }

    #[test]
    fn row_shapes() {
        let mut st = setting("API Key", "string", s(""));
        st.required = Flag::Bool(true);
        st.description = "Find it *here*.".into();
        assert_eq!(
            row(&st),
            "<tr>\n<td class=\"def\" id=\"api-key\"><a class=\"setting-anchor\" href=\"#api-key\">API Key</a>\
             <br /><i>(required)</i></td>\n<td><code>string</code>. Find it <em>here</em>.</td>\n</tr>\n"
        );
        let mut st = setting("Mode", "boolean", Data::Bool(false));
        st.description = "Turns it on.".into();
        assert!(row(&st).contains(
            "<td><code>boolean</code>, defaults to <code>FALSE</code>.<br /><br />Turns it on.</td>"
        ));
        // No description: no trailing breaks or space.
        assert!(row(&setting("N", "number", Data::Int(2)))
            .contains("<td><code>number</code>, defaults to 2.</td>"));
        assert!(row(&setting("N", "number", Data::Null)).contains("<td><code>number</code>.</td>"));
        // Only `true` is required.
        let mut st = setting("N", "number", Data::Null);
        st.required = Flag::WrongType("a string");
        assert!(!row(&st).contains("(required)"));
    }

    #[test]
    fn labels_types_and_defaults_are_escaped_text() {
        let st = setting("<b>Bold</b> & \"q\"", "<i>t</i>", s("</td>"));
        let html = row(&st);
        assert!(
            html.contains(">&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;q&quot;</a>"),
            "{html}"
        );
        assert!(html.contains("<code>&lt;i&gt;t&lt;/i&gt;</code>"));
        assert!(html.contains("&lt;/td&gt;"));
        assert_eq!(html.matches("<td").count(), 2);
        assert_eq!(html.matches("</td>").count(), 2);
    }

    #[test]
    fn empty_label_has_no_anchor_and_newlines_do_not_leak() {
        let st = setting("", "string", s("a\n\nb"));
        let html = row(&st);
        assert!(html.starts_with("<tr>\n<td class=\"def\"></td>"), "{html}");
        assert!(html.contains("<code>a b</code>"));
        assert!(!html.lines().any(|l| l.trim().is_empty()));
    }

    #[test]
    fn table_hides_deprecated_rows_and_dedupes_anchors() {
        let mut hidden = setting("Old", "string", Data::Null);
        hidden.deprecated = Flag::Bool(true);
        let mut not_hidden = setting("Kept", "string", Data::Null);
        not_hidden.deprecated = Flag::WrongType("a string");
        let settings = vec![
            setting("Region", "string", Data::Null),
            hidden,
            setting("region?", "string", Data::Null),
            not_hidden,
            setting("REGION", "string", Data::Null),
        ];
        let html = settings_table(&settings, MarkdownOptions::default());
        assert!(html.starts_with("<table class=\"settings\">\n<thead>\n<tr>\n<th>Setting</th>\n<th>Description</th>\n</tr>\n</thead>\n<tbody>\n"));
        assert!(html.ends_with("</tbody>\n</table>\n"));
        assert!(!html.contains("Old"));
        assert!(html.contains("Kept"));
        let ids: Vec<&str> = html
            .split("id=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
            .collect();
        assert_eq!(ids, ["region", "region-2", "kept", "region-3"]);
    }

    fn dest(server: Flag) -> Destination {
        Destination {
            index: 0,
            slug: "d".into(),
            id: None,
            display_name: None,
            server,
            settings: vec![setting("A", "string", s("x"))],
            previous_names: vec![],
        }
    }

    fn front(flags: &[&str]) -> FrontMatter {
        FrontMatter {
            hide_boilerplate: flags.contains(&"hide-boilerplate"),
            hide_personas_partial: flags.contains(&"hide-personas-partial"),
            hide_settings: flags.contains(&"hide-settings"),
            show_sync_disclaimer: flags.contains(&"show-sync-disclaimer"),
            ..FrontMatter::default()
        }
    }

    #[test]
    fn sections_follow_the_flags_and_platforms_server() {
        let server = dest(Flag::Bool(true));
        let all = Sections {
            personas: true,
            sync_note: true,
            settings: true,
        };
        assert_eq!(Sections::for_page(&server, &front(&[])), all);
        assert_eq!(
            Sections::for_page(&server, &front(&["hide-personas-partial"])),
            Sections {
                personas: false,
                sync_note: false,
                settings: true
            }
        );
        assert_eq!(
            Sections::for_page(&server, &front(&["show-sync-disclaimer"])),
            Sections {
                personas: true,
                sync_note: false,
                settings: true
            }
        );
        assert_eq!(
            Sections::for_page(&server, &front(&["hide-settings"])),
            Sections {
                personas: true,
                sync_note: true,
                settings: false
            }
        );
        assert_eq!(
            Sections::for_page(&server, &front(&["hide-boilerplate"])),
            Sections::default()
        );
        for not_server in [Flag::Bool(false), Flag::Unset, Flag::WrongType("a string")] {
            assert_eq!(
                Sections::for_page(&dest(not_server), &front(&[])),
                Sections {
                    personas: false,
                    sync_note: false,
                    settings: true
                }
            );
        }
    }

    #[test]
    fn footer_layout() {
        let texts = Texts {
            sync_note: "NOTE\n",
            ..Texts::default()
        };
        let all = Sections {
            personas: true,
            sync_note: true,
            settings: true,
        };
        let out = footer(
            &dest(Flag::Bool(true)),
            all,
            &texts,
            MarkdownOptions::default(),
        );
        assert!(out.starts_with("\n## Personas\n\nYou can send computed traits"));
        let note = out.find("\nNOTE\n").unwrap();
        let settings = out
            .find("\n## Settings\n\nSegment lets you change")
            .unwrap();
        assert!(note < settings);
        assert!(out.contains("touch any code.\n\n<table class=\"settings\">"));
        let none = Sections {
            personas: true,
            sync_note: false,
            settings: false,
        };
        let out = footer(
            &dest(Flag::Bool(true)),
            none,
            &texts,
            MarkdownOptions::default(),
        );
        assert!(!out.contains("NOTE") && !out.contains("Settings"));
        assert_eq!(
            footer(
                &dest(Flag::Bool(true)),
                Sections::default(),
                &texts,
                MarkdownOptions::default()
            ),
            ""
        );
    }

    #[test]
    fn headings_are_plain_text() {
        let mut out = String::new();
        push_heading(&mut out, "A *b* <c>\n# d");
        assert_eq!(out, "\n## A \\*b\\* \\<c\\> \\# d\n");
    }
}
