//! Limits on what a YAML text may ask for, checked on its parser events before serde_yaml
//! builds anything from it.
//!
//! serde_yaml expands aliases as it reads: an alias bomb ("billion laughs", or one large
//! value repeated by thousands of aliases) would make it allocate without bound. And
//! libyaml's scanner slows down with the depth of flow collections (`[[[[…`), so a deeply
//! nested file takes minutes before serde_yaml's own depth limit of 128 is reached. One
//! pass over saphyr-parser's events (no values built) refuses both early, at the line
//! where the limit is crossed:
//!
//! - collections nest at most [`MAX_DEPTH`] deep;
//! - the aliases of one text stand for at most [`MAX_ALIAS_NODES`] values and
//!   [`MAX_ALIAS_BYTES`] bytes of scalar text in all (each alias counts the whole node it
//!   repeats, nested aliases included), and no alias sits inside the node it names.
//!
//! JSON has no aliases, and serde_json stops at the same depth of 128 by itself.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// Deepest nesting of collections (serde_yaml's and serde_json's own limit).
pub const MAX_DEPTH: usize = 128;

/// Values (scalars and collections) that all the aliases of one text may repeat.
pub const MAX_ALIAS_NODES: u64 = 1_000_000;

/// Bytes of scalar text that all the aliases of one text may repeat (16 MiB).
pub const MAX_ALIAS_BYTES: u64 = 16 << 20;

/// A limit crossed: why, and where (1-based line, 1-based column in the text checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// What was refused, in words.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// What a node stands for once its aliases are expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    nodes: u64,
    bytes: u64,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

struct Open {
    anchor: usize,
    size: Size,
}

/// Checks the nesting depth and the aliases of every document of a YAML text. A syntax
/// error ends the check quietly (serde_yaml reports it, with its own words), except the
/// parser's own depth limit, which is reported as too deep.
pub fn check_yaml(text: &str) -> Result<(), Exceeded> {
    let mut open: Vec<Open> = Vec::new();
    // Anchors whose node is complete, by saphyr's anchor id (a reused name gets a new id).
    let mut anchors: HashMap<usize, Size> = HashMap::new();
    let mut added = Size::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let message = e.to_string();
                if message.contains("recursion limit") {
                    return Err(Exceeded {
                        message: format!("collections nest more than {MAX_DEPTH} levels deep"),
                        line: e.marker().line(),
                        column: e.marker().col() + 1,
                    });
                }
                return Ok(());
            }
        };
        let at = |message: String| Exceeded {
            message,
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let node = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() >= MAX_DEPTH {
                    return Err(at(format!(
                        "collections nest more than {MAX_DEPTH} levels deep"
                    )));
                }
                open.push(Open {
                    anchor,
                    size: Size::default(),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(done) = open.pop() else { continue };
                let size = Size {
                    nodes: done.size.nodes.saturating_add(1),
                    bytes: done.size.bytes,
                };
                if done.anchor > 0 {
                    anchors.insert(done.anchor, size);
                }
                size
            }
            Event::Scalar(value, _, anchor, _) => {
                let size = Size {
                    nodes: 1,
                    bytes: value.len() as u64,
                };
                if anchor > 0 {
                    anchors.insert(anchor, size);
                }
                size
            }
            Event::Alias(id) => {
                let Some(&size) = anchors.get(&id) else {
                    // The anchor's node is still open: the alias is inside what it names.
                    return Err(at(
                        "an alias refers to a node that contains it (a recursive structure)"
                            .to_string(),
                    ));
                };
                added.add(size);
                if added.nodes > MAX_ALIAS_NODES || added.bytes > MAX_ALIAS_BYTES {
                    return Err(at(format!(
                        "its aliases repeat more than {MAX_ALIAS_NODES} values or {} MiB of \
                         text (an alias bomb?)",
                        MAX_ALIAS_BYTES >> 20
                    )));
                }
                size
            }
            Event::DocumentEnd => {
                open.clear();
                continue;
            }
            _ => continue,
        };
        if let Some(parent) = open.last_mut() {
            parent.size.add(node);
        }
    }
    Ok(())
}

/// [`check_yaml`], for a text that [`worth_checking`] says could cross a limit; `Ok` for
/// the others (most texts, skipped in one cheap pass).
pub fn check(text: &str) -> Result<(), Exceeded> {
    if worth_checking(text) {
        check_yaml(text)
    } else {
        Ok(())
    }
}

/// Whether a text could cross a limit, by one cheap pass over its bytes: it has something
/// that looks like an anchor (`&name` where a node starts; no anchor, no alias), or its
/// brackets nest past half the depth limit (counted without regard to quotes, so quoted
/// brackets can only make it say yes). When this says no, [`check_yaml`] would pass: a
/// catalog of several megabytes skips the event pass. (Deep nesting hidden behind quoted
/// closing brackets still stops at serde_yaml's own depth limit, in linear time.)
pub fn worth_checking(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // Only the openers and `&` are visited one by one; the closers between two of them are
    // counted in one (vectorized) pass, which is the same as taking them one at a time:
    // depth never goes below zero either way.
    let mut from = 0;
    for i in memchr::memchr3_iter(b'[', b'{', b'&', bytes) {
        let closers = memchr::memchr2_iter(b']', b'}', &bytes[from..i]).count();
        depth = depth.saturating_sub(closers);
        from = i + 1;
        if bytes[i] != b'&' {
            depth += 1;
            if depth > MAX_DEPTH / 2 {
                return true;
            }
            continue;
        }
        let prev = if i == 0 { b'\n' } else { bytes[i - 1] };
        if matches!(
            prev,
            b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':' | b'?' | b'-'
        ) && bytes
            .get(i + 1)
            .is_some_and(|n| !n.is_ascii_whitespace() && !b"[]{},".contains(n))
        {
            return true;
        }
    }
    false
}

/// serde's "recursion limit exceeded" says what happened but not what to do: this says
/// it in the words of [`check_yaml`].
pub fn explain(message: &str) -> String {
    if message.starts_with("recursion limit exceeded") {
        format!("collections nest more than {MAX_DEPTH} levels deep")
    } else {
        message.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheap_pass_says_yes_to_anchors_and_deep_brackets_only() {
        assert!(!worth_checking(
            "a: [1, {b: c}]\nd: 'R&D, Q & A, x&y'\nurl: http://a?b=1&c=2\n"
        ));
        assert!(!worth_checking(
            "description: see [this](http://x) and [that]\n"
        ));
        assert!(worth_checking("x: &x [1, 2]\ny: *x\n"));
        assert!(worth_checking("- &a x\n"));
        assert!(worth_checking(&"[".repeat(MAX_DEPTH / 2 + 1)));
        assert!(!worth_checking(&"[]".repeat(10_000)));
        // Whatever it says no to, the full check passes too.
        for text in ["a: b", "[[[]]]", "x: '&'", "k: v & w"] {
            assert!(!worth_checking(text));
            assert_eq!(check_yaml(text), Ok(()));
        }
    }

    /// The byte-at-a-time reading of the rule [`worth_checking`] implements with memchr.
    fn worth_checking_slowly(bytes: &[u8]) -> bool {
        let mut depth = 0usize;
        let mut prev = b'\n';
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH / 2 {
                        return true;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'&' if b" \t\n\r[{,:?-".contains(&prev)
                    && bytes
                        .get(i + 1)
                        .is_some_and(|n| !n.is_ascii_whitespace() && !b"[]{},".contains(n)) =>
                {
                    return true
                }
                _ => {}
            }
            prev = b;
        }
        false
    }

    proptest::proptest! {
        #[test]
        fn the_fast_pass_agrees_with_the_byte_by_byte_rule(
            text in proptest::string::string_regex(r"[\[\]{}& :,a\n-]{0,300}").unwrap(),
            deep in 0usize..80,
        ) {
            let text = format!("{}{text}", "[".repeat(deep));
            proptest::prop_assert_eq!(
                worth_checking(&text),
                worth_checking_slowly(text.as_bytes()),
                "{:?}", text
            );
        }
    }

    #[test]
    fn ordinary_yaml_passes() {
        assert_eq!(check_yaml("a: [1, {b: c}]\nd:\n- e\n"), Ok(()));
        assert_eq!(check_yaml(""), Ok(()));
        let shared = "x: &x [1, 2]\ny: *x\nz: *x\n";
        assert_eq!(check_yaml(shared), Ok(()));
        // A syntax error is serde_yaml's to report.
        assert_eq!(check_yaml("a: [1, 2\n"), Ok(()));
    }

    #[test]
    fn depth_is_counted_in_both_styles() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(check_yaml(&ok), Ok(()));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = check_yaml(&deep).unwrap_err();
        assert!(e.message.contains("128"), "{e:?}");
        assert_eq!((e.line, e.column), (1, MAX_DEPTH + 1));
        let mut block = String::new();
        for i in 0..=MAX_DEPTH {
            block.push_str(&" ".repeat(i * 2));
            block.push_str("- \n");
        }
        let e = check_yaml(&block).unwrap_err();
        assert_eq!(e.line, MAX_DEPTH + 1);
    }

    #[test]
    fn aliases_are_counted_with_what_they_repeat() {
        // 3 scalars of 4 bytes, in a list: 4 nodes, 12 bytes per alias.
        let mut text = String::from("a: &a [abcd, abcd, abcd]\nb:\n");
        let per_alias = MAX_ALIAS_NODES / 4;
        for _ in 0..per_alias {
            text.push_str("- *a\n");
        }
        assert_eq!(check_yaml(&text), Ok(()));
        text.push_str("- *a\n");
        let e = check_yaml(&text).unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
        assert_eq!(e.line, 3 + per_alias as usize);
        assert_eq!(e.column, 3);
    }

    #[test]
    fn nested_aliases_multiply() {
        let mut text = String::from("l0: &l0 x\n");
        for i in 1..=9 {
            text.push_str(&format!(
                "l{i}: &l{i} [{}]\n",
                vec![format!("*l{}", i - 1); 9].join(", ")
            ));
        }
        let e = check_yaml(&text).unwrap_err();
        assert!(e.message.contains("alias bomb"), "{e:?}");
    }

    #[test]
    fn an_alias_inside_its_own_anchor_is_refused() {
        let e = check_yaml("a: &a [1, *a]\n").unwrap_err();
        assert!(e.message.contains("recursive"), "{e:?}");
        assert_eq!((e.line, e.column), (1, 11));
    }
}
