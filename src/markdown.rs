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
///
/// Most chapters end outside any such block, and a line scan proves it far faster than a
/// full parse ([`ends_outside_open_blocks`]); only the others are parsed.
pub fn closing_for(content: &str) -> Option<String> {
    if ends_outside_open_blocks(content) {
        return None;
    }
    closing_for_parsed(content)
}

/// [`closing_for`] by a full pulldown-cmark parse.
pub fn closing_for_parsed(content: &str) -> Option<String> {
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

/// Whether a line scan proves that `content` ends outside any fenced code block or raw
/// HTML block of types 1 to 5 (`<script>`, `<pre>`, `<style>`, `<textarea>`, `<!--`,
/// `<?`, `<!X`, `<![CDATA[`) opened at its top level: then [`closing_for_parsed`] finds
/// nothing to close. `false` means "cannot tell": parse.
///
/// The scan follows pulldown-cmark's own rules for those blocks, line by line, and only as
/// long as every line that could open one is unambiguous: at the left margin (no
/// indentation, so it cannot belong to a list item) and with no line since the last blank
/// one that could have started a block the opener would be part of instead (a raw HTML
/// block of types 6–7, a table, a link reference definition or footnote). Any other
/// candidate opener gives up. Inside an open block, its end is found by the same test
/// pulldown-cmark makes (a closing fence of at most three spaces of indentation; the end
/// marker anywhere on a line).
pub fn ends_outside_open_blocks(content: &str) -> bool {
    enum State {
        Clear,
        Fence(u8, usize),
        Html(&'static str),
    }
    // Line endings other than `\n`, and characters the parser rewrites: leave to the parser.
    let bytes = content.as_bytes();
    if bytes.contains(&b'\r')
        || bytes.contains(&0)
        || bytes.contains(&0xEF) && content.contains('\u{feff}')
    {
        return false;
    }
    let mut state = State::Clear;
    // No line since the last blank one could have started a table, a raw HTML block of
    // types 6–7, or a link reference definition (or footnote).
    let mut clean = true;
    for line in content.split('\n') {
        match state {
            State::Fence(ch, n) => {
                if is_closing_fence(line, ch, n) {
                    state = State::Clear;
                    clean = true;
                }
            }
            State::Html(end) => {
                if line.contains(end) {
                    state = State::Clear;
                    clean = true;
                }
            }
            State::Clear => {
                let (columns, rest) = indentation(line);
                if rest.is_empty() {
                    clean = true;
                    continue;
                }
                if columns < 4 {
                    let fence = fence_opener(rest);
                    let html = rest.strip_prefix('<').and_then(html_block_end);
                    if fence.is_some() || html.is_some() {
                        if columns > 0 || !clean {
                            return false;
                        }
                        if let Some((ch, n)) = fence {
                            state = State::Fence(ch, n);
                        } else if let Some((opener, end)) = html {
                            if !line.contains(end) {
                                state = State::Html(end);
                            } else if !rest[1 + opener..].contains(end) {
                                // Closed on its own line by a marker that overlaps the
                                // opener (`<!-->`): leave that to `closing_for_parsed`.
                                return false;
                            }
                        }
                        continue;
                    }
                }
                if rest.starts_with(['<', '[']) || line.contains('|') {
                    clean = false;
                }
            }
        }
    }
    matches!(state, State::Clear)
}

/// Columns of indentation (tabs to the next multiple of 4) and the rest of the line.
fn indentation(line: &str) -> (usize, &str) {
    let mut columns = 0;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b' ' => columns += 1,
            b'\t' => columns += 4 - columns % 4,
            _ => return (columns, &line[i..]),
        }
    }
    (columns, "")
}

/// A fenced code block's opening line (after its indentation), as pulldown-cmark reads
/// it: three or more backticks or tildes; after backticks, no backtick on the line.
fn fence_opener(rest: &str) -> Option<(u8, usize)> {
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let n = rest.bytes().take_while(|&b| b == ch).count();
    if n < 3 || (ch == b'`' && rest[n..].contains('`')) {
        return None;
    }
    Some((ch, n))
}

/// The closing fence of an open fenced code block: at most three spaces, at least `n`
/// of the fence character, then only spaces.
fn is_closing_fence(line: &str, ch: u8, n: usize) -> bool {
    let bytes = line.as_bytes();
    let spaces = bytes.iter().take_while(|&&b| b == b' ').count();
    if spaces > 3 {
        return false;
    }
    let run = bytes[spaces..].iter().take_while(|&&b| b == ch).count();
    run >= n && bytes[spaces + run..].iter().all(|&b| b == b' ')
}

/// For a line starting `<` + `after`: the length of the opener after `<` and the end
/// marker of the raw HTML block of type 1 to 5 it opens, as pulldown-cmark decides it;
/// `None` when it opens no such block.
fn html_block_end(after: &str) -> Option<(usize, &'static str)> {
    let bytes = after.as_bytes();
    for (tag, end) in [
        ("pre", "</pre>"),
        ("style", "</style>"),
        ("script", "</script>"),
        ("textarea", "</textarea>"),
    ] {
        if bytes.len() >= tag.len() && bytes[..tag.len()].eq_ignore_ascii_case(tag.as_bytes()) {
            match bytes.get(tag.len()) {
                None => return Some((tag.len(), end)),
                Some(&b) if b == b'>' || b == b' ' || (0x09..=0x0d).contains(&b) => {
                    return Some((tag.len(), end))
                }
                _ => {}
            }
        }
    }
    for (start, end) in [("!--", "-->"), ("?", "?>"), ("![CDATA[", "]]>")] {
        if after.starts_with(start) {
            return Some((start.len(), end));
        }
    }
    match bytes {
        [b'!', c, ..] if c.is_ascii_alphabetic() => Some((1, ">")),
        _ => None,
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

    /// Lines that open, close, contain or disguise the blocks the scan follows.
    const LINES: &[&str] = &[
        "```",
        "```js",
        "````",
        "``` a ` b",
        "~~~",
        "~~~~ x",
        "  ```",
        "   ~~~",
        "    ```",
        "\t```",
        "``` ",
        "```  ",
        "<!-- note",
        "<!-- a -->",
        "-->",
        "<!-->",
        "<script>",
        "<SCRIPT>",
        "</script>",
        "<pre class=x>",
        "</pre>",
        "</PRE>",
        "<?php",
        "?>",
        "<!DOCTYPE html>",
        "<![CDATA[",
        "]]>",
        "<div>",
        "</div>",
        "<span>x</span>",
        "text",
        "more text with `code`",
        "",
        " ",
        "\t",
        "- item",
        "  - nested",
        "1. first",
        "> quote",
        "> ```",
        "| a | b |",
        "| - | - |",
        "[ref]: /url",
        "[ref]: /url \"title",
        "\"",
        "[^1]: note",
        "    indented",
        "# Heading",
        "---",
        "===",
        "<style",
        "<textarea x",
        "<prefix>",
        "`` ` ``",
    ];

    #[test]
    fn the_line_scan_never_contradicts_the_parser() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut proven = 0;
        for _ in 0..60_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let n = 1 + (state % 9) as usize;
            let mut doc = String::new();
            let mut s = state;
            for _ in 0..n {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                doc.push_str(LINES[(s >> 33) as usize % LINES.len()]);
                doc.push('\n');
            }
            if state.is_multiple_of(5) {
                doc.pop();
            }
            if ends_outside_open_blocks(&doc) {
                proven += 1;
                assert_eq!(closing_for_parsed(&doc), None, "{doc:?}");
            }
        }
        // The scan must decide most of them, or it saves nothing.
        assert!(proven > 12_000, "only {proven} decided");
    }

    #[test]
    fn the_line_scan_decides_ordinary_pages() {
        let page = "# Setup\n\nText with `code` and a [link](x).\n\n```js\nlet a = 1;\n```\n\n\
                    - one\n- two\n\n<!-- a comment -->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
                    ~~~\nraw\n~~~\n\nThe end.\n";
        assert!(ends_outside_open_blocks(page));
        assert!(!ends_outside_open_blocks("text\n\n```\ncode\n"));
        assert!(!ends_outside_open_blocks("<!-- open\nstill\n"));
        // Ambiguous openers are left to the parser.
        assert!(!ends_outside_open_blocks("- item\n  ```\n  code\n  ```\n"));
        assert!(!ends_outside_open_blocks("<div>\n```\n</div>\n"));
        assert!(!ends_outside_open_blocks("line\r\n"));
    }

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
