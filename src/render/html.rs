//! HTML escaping for text and attribute values.

/// Appends `text` with `&`, `<`, `>` and `"` escaped. Control characters that HTML does
/// not allow (everything below U+0020 except tab, line feed and carriage return, and
/// U+007F to U+009F) become U+FFFD, so that no byte of the catalog can upset the parser.
pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, ch) in text.char_indices() {
        let rep = match ch {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            c if is_forbidden_control(c) => "\u{fffd}",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + ch.len_utf8();
    }
    out.push_str(&text[last..]);
}

/// `text`, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

/// A control character that has no place in an HTML document.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || ('\u{7f}'..='\u{9f}').contains(&c)
}

/// Appends a URL for an `href` or `src` attribute: percent-encoded where a URL needs it
/// and HTML-escaped, as mdBook writes link targets.
pub fn escape_href_into(out: &mut String, url: &str) {
    let clean: String = url.chars().filter(|c| !is_forbidden_control(*c)).collect();
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut *out, &clean);
}

/// Whether a URL may be used as a link or image target: relative URLs and the schemes
/// `http`, `https`, `mailto`, `tel` and `ftp`. `javascript:`, `data:` and the like are not.
pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore whitespace and control characters inside the scheme.
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    match squeezed.find([':', '/', '?', '#']) {
        Some(i) if squeezed.as_bytes()[i] == b':' => {
            matches!(&squeezed[..i], "http" | "https" | "mailto" | "tel" | "ftp")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c'");
        assert_eq!(
            escape("x\u{0}y\u{7}z\u{9b}\t\n"),
            "x\u{fffd}y\u{fffd}z\u{fffd}\t\n"
        );
        assert_eq!(escape("Événement"), "Événement");
    }

    #[test]
    fn hrefs() {
        let mut s = String::new();
        escape_href_into(&mut s, "https://x.example/a b?q=\"1\"&r='2'");
        assert_eq!(s, "https://x.example/a%20b?q=%221%22&amp;r=&#x27;2&#x27;");
    }

    #[test]
    fn url_safety() {
        for ok in [
            "https://a",
            "/docs/x",
            "#frag",
            "mailto:a@b",
            "rel/path:x",
            "?q=javascript:",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
