//! Where things are in a YAML (or JSON) text: the line and column of a mapping key or a
//! sequence entry, found by walking the parser's events.
//!
//! serde_yaml reads the data but keeps no positions, so a diagnostic about a catalog entry
//! or a front matter key asks this module for them, only when there is something to say.
//! JSON is YAML's flow style, so catalogs in JSON are located the same way.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// The value of a mapping key.
    Key(String),
    /// An entry of a sequence (0-based).
    Index(usize),
}

/// A path from the document root, e.g. `items[3].settings[0].label`.
pub type YamlPath = Vec<Seg>;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Renders a path the way users read it: `items[3].settings[0].label`.
pub fn display_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

enum Frame {
    Seq { index: usize },
    Map { key: Option<String>, want_key: bool },
}

/// The positions of the nodes at `wanted` paths in the first document of `text`. A path
/// that ends with a key gives the position of the key itself (the line a user would edit);
/// a path that ends with an index gives the start of that entry. Paths not found (or past
/// a syntax error) give `None`.
pub fn locate(text: &str, wanted: &[YamlPath]) -> Vec<Option<Pos>> {
    let mut found = vec![None; wanted.len()];
    if wanted.is_empty() {
        return found;
    }
    let lookup: HashMap<&[Seg], usize> = wanted
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_slice(), i))
        .collect();
    let max_depth = wanted.iter().map(Vec::len).max().unwrap_or(0);
    let mut remaining = lookup.len();
    let mut frames: Vec<Frame> = Vec::new();
    let mut path: YamlPath = Vec::new();
    let record =
        |path: &YamlPath, pos: Pos, found: &mut Vec<Option<Pos>>, remaining: &mut usize| {
            if let Some(&i) = lookup.get(path.as_slice()) {
                if found[i].is_none() {
                    found[i] = Some(pos);
                    *remaining -= 1;
                }
            }
        };

    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { break };
        let pos = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
        };
        let starts_container = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
        match event {
            Event::Scalar(..)
            | Event::Alias(..)
            | Event::SequenceStart(..)
            | Event::MappingStart(..) => {
                // Where does this node sit?
                match frames.last_mut() {
                    Some(Frame::Map { key, want_key }) if *want_key => {
                        *key = match &event {
                            Event::Scalar(s, ..) => Some(s.to_string()),
                            _ => None,
                        };
                        if let Some(k) = key {
                            if path.len() < max_depth {
                                path.push(Seg::Key(k.clone()));
                                record(&path, pos, &mut found, &mut remaining);
                                path.pop();
                            }
                        }
                    }
                    Some(Frame::Seq { index }) if path.len() < max_depth => {
                        path.push(Seg::Index(*index));
                        record(&path, pos, &mut found, &mut remaining);
                        path.pop();
                    }
                    _ => {}
                }
                if remaining == 0 {
                    break;
                }
                if starts_container {
                    // Descend: the path gains this node's own step. A key that is itself a
                    // container, or the value under such a key, has no path a user could
                    // ask for: it gets a step no wanted path holds.
                    if let Some(parent) = frames.last() {
                        path.push(match parent {
                            Frame::Map {
                                key: Some(k),
                                want_key: false,
                            } => Seg::Key(k.clone()),
                            Frame::Seq { index } => Seg::Index(*index),
                            Frame::Map { .. } => Seg::Key("\u{0}".into()),
                        });
                    }
                    frames.push(if matches!(event, Event::SequenceStart(..)) {
                        Frame::Seq { index: 0 }
                    } else {
                        Frame::Map {
                            key: None,
                            want_key: true,
                        }
                    });
                } else {
                    advance(&mut frames);
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                frames.pop();
                if !frames.is_empty() {
                    path.pop();
                }
                advance(&mut frames);
            }
            Event::DocumentEnd => break,
            _ => {}
        }
    }
    found
}

/// A node just ended inside the top frame: move to the next key, value or entry.
fn advance(frames: &mut [Frame]) {
    match frames.last_mut() {
        Some(Frame::Seq { index }) => *index += 1,
        Some(Frame::Map { want_key, .. }) => *want_key = !*want_key,
        None => {}
    }
}

/// Shorthand for building paths: `path!["items", 3, "slug"]`.
#[macro_export]
macro_rules! yaml_path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::source_map::IntoSeg::into_seg($seg)),*]
    };
}

/// Anything that can be a path step: a key (`&str`, `String`) or an index (`usize`).
pub trait IntoSeg {
    /// The step.
    fn into_seg(self) -> Seg;
}

impl IntoSeg for &str {
    fn into_seg(self) -> Seg {
        Seg::Key(self.to_string())
    }
}

impl IntoSeg for String {
    fn into_seg(self) -> Seg {
        Seg::Key(self)
    }
}

impl IntoSeg for usize {
    fn into_seg(self) -> Seg {
        Seg::Index(self)
    }
}

impl IntoSeg for Seg {
    fn into_seg(self) -> Seg {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str, path: YamlPath) -> Option<(usize, usize)> {
        locate(text, &[path])[0].map(|p| (p.line, p.column))
    }

    #[test]
    fn keys_and_entries_in_block_style() {
        let text =
            "items:\n- slug: a\n  settings:\n  - label: X\n    required: \"true\"\n- id: b\n";
        assert_eq!(one(text, yaml_path!["items"]), Some((1, 1)));
        assert_eq!(one(text, yaml_path!["items", 0usize]), Some((2, 3)));
        assert_eq!(one(text, yaml_path!["items", 0usize, "slug"]), Some((2, 3)));
        assert_eq!(
            one(
                text,
                yaml_path!["items", 0usize, "settings", 0usize, "required"]
            ),
            Some((5, 5))
        );
        assert_eq!(one(text, yaml_path!["items", 1usize]), Some((6, 3)));
        assert_eq!(one(text, yaml_path!["items", 2usize]), None);
        assert_eq!(one(text, yaml_path!["nope"]), None);
    }

    #[test]
    fn json_is_located_too() {
        let text = "{\n  \"items\": [\n    {\"id\": \"x\"},\n    {\"slug\": \"b\",\n     \"id\": 2}\n  ]\n}\n";
        assert_eq!(one(text, yaml_path!["items", 1usize, "id"]), Some((5, 6)));
        assert_eq!(one(text, yaml_path!["items", 0usize]), Some((3, 5)));
    }

    #[test]
    fn nested_values_do_not_shift_the_count() {
        let text = "a: [1, [2, 3], {b: 4}]\nc:\n  d: {e: [5]}\n  f: 6\n";
        assert_eq!(one(text, yaml_path!["c", "f"]), Some((4, 3)));
        assert_eq!(one(text, yaml_path!["a", 2usize, "b"]), Some((1, 17)));
    }

    #[test]
    fn several_at_once_and_a_syntax_error_stops_quietly() {
        let text = "x: 1\ny: 2\nz: [\n";
        let got = locate(text, &[yaml_path!["y"], yaml_path!["x"], yaml_path!["w"]]);
        assert_eq!(got[0].map(|p| p.line), Some(2));
        assert_eq!(got[1].map(|p| p.line), Some(1));
        assert_eq!(got[2], None);
    }

    #[test]
    fn display() {
        let path: YamlPath = yaml_path!["items", 3usize, "settings", 0usize, "label"];
        assert_eq!(display_path(&path), "items[3].settings[0].label");
    }
}
