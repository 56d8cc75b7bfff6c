//! Reading a chapter's own markdown with pulldown-cmark, as mdBook does, to append the
//! generated sections safely after it.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// mdBook's parser options (tables, footnotes, strikethrough, task lists, heading
/// attributes), as in `mdbook-markdown`.
pub fn mdbook_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// What must follow `content` so that text appended after it starts outside of any
/// block the chapter left open at its very end: the closing fence of an unclosed fenced
/// code block, or the end marker of an unclosed raw HTML block (`-->`, `</script>`, …),
/// which would otherwise swallow the appended sections. CommonMark closes such blocks
/// at the end of the document anyway, so the chapter renders as it would alone.
pub fn closing_for(content: &str) -> Option<String> {
    let mut depth = 0usize;
    let mut last: Option<(bool, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new_ext(content, mdbook_options()).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    let fenced = matches!(tag, Tag::CodeBlock(CodeBlockKind::Fenced(_)));
                    let html = matches!(tag, Tag::HtmlBlock);
                    last = (fenced || html).then(|| (fenced, range.clone()));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(_) | Event::Rule if depth == 0 => last = None,
            _ => {}
        }
    }
    let (fenced, range) = last?;
    if !content[range.end..].trim().is_empty() {
        return None;
    }
    let block = &content[range];
    if fenced {
        unclosed_fence(block)
    } else {
        unclosed_html(block)
    }
}

fn unclosed_fence(block: &str) -> Option<String> {
    let first = block.lines().next()?.trim_start();
    let ch = first.chars().next()?;
    let n = first.chars().take_while(|&c| c == ch).count();
    let mut lines = block.lines();
    lines.next();
    let closed = lines.next_back().is_some_and(|last| {
        let t = last.trim();
        t.len() >= n && t.chars().all(|c| c == ch)
    });
    (!closed).then(|| ch.to_string().repeat(n))
}

fn unclosed_html(block: &str) -> Option<String> {
    let start = block.trim_start().to_ascii_lowercase();
    let lower = block.to_ascii_lowercase();
    for tag in ["script", "pre", "style", "textarea"] {
        let open = format!("<{tag}");
        let rest = start.strip_prefix(&open);
        if rest.is_some_and(|r| r.starts_with(['>', ' ', '\t', '\n']) || r.is_empty()) {
            let close = format!("</{tag}>");
            return (!lower.contains(&close)).then_some(close);
        }
    }
    let ends = [
        ("<!--", "-->"),
        ("<?", "?>"),
        ("<![cdata[", "]]>"),
        ("<!", ">"),
    ];
    for (open, close) in ends {
        if let Some(rest) = start.strip_prefix(open) {
            return (!rest.contains(close)).then(|| close.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_or_plain_content_needs_nothing() {
        for c in [
            "",
            "# T\n\ntext\n",
            "```\ncode\n```\n",
            "~~~~rust\ncode\n~~~~~\n\n",
            "<!-- c -->\n",
            "<div>\nx\n</div>\n",
            "- a\n- b\n",
            "```\nx\n```\n\ntext after\n",
        ] {
            assert_eq!(closing_for(c), None, "{c:?}");
        }
    }

    #[test]
    fn an_unclosed_fence_gets_its_closing_fence() {
        assert_eq!(
            closing_for("text\n\n```rust\nlet x = 1;\n").as_deref(),
            Some("```")
        );
        assert_eq!(closing_for("~~~~\nx\n```\n").as_deref(), Some("~~~~"));
        assert_eq!(closing_for("````\n").as_deref(), Some("````"));
    }

    #[test]
    fn unclosed_raw_html_blocks_get_their_end() {
        assert_eq!(
            closing_for("x\n\n<!-- note\nmore\n").as_deref(),
            Some("-->")
        );
        assert_eq!(
            closing_for("<script>\nlet a;\n").as_deref(),
            Some("</script>")
        );
        assert_eq!(
            closing_for("<pre class=x>\ncode\n").as_deref(),
            Some("</pre>")
        );
        assert_eq!(closing_for("<?php echo 1;\n").as_deref(), Some("?>"));
    }
}
