//! The book as the JSON text mdBook sent, for the run itself.
//!
//! Only the tree of items (`items` or `sections`, each chapter's `sub_items`) is read into
//! structure; every other value — the chapters' `content`, `name`, `number`… and whatever
//! this tool does not know — is kept as the exact JSON text it came in
//! ([`RawValue`], borrowed from the input). A chapter whose result is known (the chapter
//! cache) is written back by copying its content's text, its front matter cut off, and
//! appending the sections: no content is decoded or re-encoded. A chapter that is processed
//! is decoded on its own.

use super::{bad_input, ChapterBook, ChapterSlot};
use crate::diagnostics::Result;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;
use std::io::Write;

/// The book, as JSON text and the structure of its items.
#[derive(Debug)]
pub struct RawBook<'a> {
    members: Vec<(Cow<'a, str>, Member<'a>)>,
}

#[derive(Debug)]
enum Member<'a> {
    Items(Items<'a>),
    Raw(&'a RawValue),
}

/// A list of items, or whatever else stands where one was expected (kept as it is).
#[derive(Debug)]
enum Items<'a> {
    List(Vec<Item<'a>>),
    Other(Value),
}

/// One book item: `{"Chapter": {...}}`, or anything else (`"Separator"`,
/// `{"PartTitle": "..."}`), kept as it is.
#[derive(Debug)]
enum Item<'a> {
    Map(Vec<(Cow<'a, str>, Entry<'a>)>),
    Other(Value),
}

#[derive(Debug)]
enum Entry<'a> {
    Chapter(RawChapter<'a>),
    Raw(&'a RawValue),
    Other(Value),
}

/// A chapter's fields, in the order they came.
#[derive(Debug)]
pub struct RawChapter<'a> {
    fields: Vec<(Cow<'a, str>, Field<'a>)>,
    /// How its content goes out, when it changed.
    edit: Option<Edit>,
}

#[derive(Debug)]
enum Field<'a> {
    Raw(&'a RawValue),
    SubItems(Items<'a>),
}

/// A chapter's new content: its JSON text from `from` (a byte offset in the text between
/// the quotes) and then `suffix`.
#[derive(Debug)]
struct Edit {
    from: usize,
    suffix: String,
}

impl<'a> RawBook<'a> {
    /// Parses the protocol's input: `[context, book]`, with the same checks (and messages)
    /// as [`super::parse_input`].
    pub fn parse(input: &'a [u8]) -> Result<(super::Context, RawBook<'a>)> {
        if input.iter().all(u8::is_ascii_whitespace) {
            return Err(bad_input("it is empty".into()));
        }
        let text = std::str::from_utf8(input)
            .map_err(|e| bad_input(format!("invalid JSON (not UTF-8 text: {e})")))?;
        let mut de = serde_json::Deserializer::from_str(text);
        let (context, book) = de
            .deserialize_seq(PairVisitor)
            .and_then(|pair| de.end().map(|()| pair))
            .map_err(|e| bad_input(format!("invalid JSON ({e})")))?;
        let (Some(context), Some(book)) = (context, book) else {
            return Err(bad_input(
                "expected a JSON array of 2 elements `[context, book]`".into(),
            ));
        };
        let context = super::context(context)?;
        let has_items = book.members.iter().any(|(k, m)| {
            (k == "items" || k == "sections") && matches!(m, Member::Items(Items::List(_)))
        });
        if !has_items {
            return Err(bad_input(
                "the book (second element) has neither `items` (mdBook 0.5) nor `sections` (0.4)"
                    .into(),
            ));
        }
        Ok((context, book))
    }

    /// `items` (0.5) or `sections` (0.4).
    pub fn shape(&self) -> &'static str {
        if self.members.iter().any(|(k, _)| k == "items") {
            "items"
        } else {
            "sections"
        }
    }

    /// Writes the book back as JSON.
    pub fn write_to(&self, out: impl Write) -> Result<()> {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        self.write(&mut out)
            .and_then(|()| out.flush())
            .map_err(|e| super::output_error(&e.to_string()))
    }

    fn write(&self, w: &mut impl Write) -> std::io::Result<()> {
        w.write_all(b"{")?;
        for (i, (key, member)) in self.members.iter().enumerate() {
            write_key(w, i, key)?;
            match member {
                Member::Items(items) => write_items(w, items)?,
                Member::Raw(raw) => w.write_all(raw.get().as_bytes())?,
            }
        }
        w.write_all(b"}")
    }
}

impl ChapterBook for RawBook<'_> {
    fn keying(&self) -> &'static str {
        "raw"
    }

    fn for_each_chapter(
        &mut self,
        f: &mut dyn FnMut(&mut dyn ChapterSlot) -> Result<()>,
    ) -> Result<()> {
        let key = self.shape();
        for (k, member) in &mut self.members {
            if let (true, Member::Items(items)) = (k == key, member) {
                visit(items, f)?;
            }
        }
        Ok(())
    }
}

fn visit(
    items: &mut Items<'_>,
    f: &mut dyn FnMut(&mut dyn ChapterSlot) -> Result<()>,
) -> Result<()> {
    let Items::List(list) = items else {
        return Ok(());
    };
    for item in list {
        let Item::Map(entries) = item else { continue };
        for (key, entry) in entries {
            if let (true, Entry::Chapter(chapter)) = (key == "Chapter", entry) {
                if chapter.content_text().is_some() {
                    f(chapter)?;
                }
                for (k, field) in &mut chapter.fields {
                    if let (true, Field::SubItems(sub)) = (k == "sub_items", field) {
                        visit(sub, f)?;
                    }
                }
            }
        }
    }
    Ok(())
}

impl<'a> RawChapter<'a> {
    fn raw(&self, name: &str) -> Option<&'a RawValue> {
        self.fields.iter().find_map(|(k, v)| match v {
            Field::Raw(raw) if k == name => Some(*raw),
            _ => None,
        })
    }

    /// A field that is a JSON string, as its text between the quotes.
    fn string_text(&self, name: &str) -> Option<&'a str> {
        let text = self.raw(name)?.get();
        text.strip_prefix('"')?.strip_suffix('"')
    }

    /// The content's JSON text, between its quotes.
    fn content_text(&self) -> Option<&'a str> {
        self.string_text("content")
    }

    fn decoded(&self, name: &str) -> Option<Cow<'a, str>> {
        self.raw(name)
            .filter(|raw| raw.get().starts_with('"'))
            .and_then(|raw| serde_json::from_str::<Cow<'a, str>>(raw.get()).ok())
    }
}

impl ChapterSlot for RawChapter<'_> {
    fn name(&self) -> Cow<'_, str> {
        self.decoded("name").unwrap_or_default()
    }

    fn source_path(&self) -> Option<Cow<'_, str>> {
        self.decoded("source_path").or_else(|| self.decoded("path"))
    }

    fn key(&self) -> u128 {
        // The JSON texts of every field the result depends on: a hit needs nothing decoded.
        let text = |name: &str| self.raw(name).map_or("", |r| r.get());
        let paths = format!("{}\0{}", text("source_path"), text("path"));
        crate::cache::chapter_key(text("name"), Some(&paths), text("content"))
    }

    fn content(&self) -> Result<Cow<'_, str>> {
        let raw = self.raw("content").map_or("\"\"", |r| r.get());
        serde_json::from_str::<Cow<'_, str>>(raw)
            .map_err(|e| bad_input(format!("a chapter's content is not valid JSON text ({e})")))
    }

    fn splice(&mut self, body_start: usize, suffix: &str) -> bool {
        let Some(from) = self
            .content_text()
            .and_then(|text| offset_in_json(text, body_start))
        else {
            return false;
        };
        self.edit = Some(Edit {
            from,
            suffix: suffix.to_string(),
        });
        true
    }
}

/// The byte offset in a JSON string's text (between its quotes) where the string's first
/// `decoded` bytes end; `None` when that is not a character boundary of the decoded string
/// or past its end.
pub fn offset_in_json(text: &str, decoded: usize) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut n) = (0, 0);
    let hex = |at: usize| -> Option<u32> {
        let digits = std::str::from_utf8(b.get(at..at + 4)?).ok()?;
        u32::from_str_radix(digits, 16).ok()
    };
    while n < decoded {
        let &c = b.get(i)?;
        if c != b'\\' {
            // A byte of the text is a byte of the string; a character boundary of one is
            // one of the other.
            if n + 1 == decoded && !text.is_char_boundary(i + 1) {
                return None;
            }
            n += 1;
            i += 1;
            continue;
        }
        if b.get(i + 1) != Some(&b'u') {
            n += 1;
            i += 2;
            continue;
        }
        let unit = hex(i + 2)?;
        if (0xD800..0xDC00).contains(&unit) && b.get(i + 6..i + 8) == Some(b"\\u") {
            let low = hex(i + 8)?;
            if (0xDC00..0xE000).contains(&low) {
                n += 4;
                i += 12;
                continue;
            }
        }
        n += char::from_u32(unit)?.len_utf8();
        i += 6;
    }
    (n == decoded).then_some(i)
}

fn write_key(w: &mut impl Write, i: usize, key: &str) -> std::io::Result<()> {
    if i > 0 {
        w.write_all(b",")?;
    }
    serde_json::to_writer(&mut *w, key)?;
    w.write_all(b":")
}

fn write_items(w: &mut impl Write, items: &Items<'_>) -> std::io::Result<()> {
    let list = match items {
        Items::List(list) => list,
        Items::Other(value) => return Ok(serde_json::to_writer(w, value)?),
    };
    w.write_all(b"[")?;
    for (i, item) in list.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        match item {
            Item::Other(value) => serde_json::to_writer(&mut *w, value)?,
            Item::Map(entries) => {
                w.write_all(b"{")?;
                for (j, (key, entry)) in entries.iter().enumerate() {
                    write_key(w, j, key)?;
                    match entry {
                        Entry::Raw(raw) => w.write_all(raw.get().as_bytes())?,
                        Entry::Other(value) => serde_json::to_writer(&mut *w, value)?,
                        Entry::Chapter(chapter) => write_chapter(w, chapter)?,
                    }
                }
                w.write_all(b"}")?;
            }
        }
    }
    w.write_all(b"]")
}

fn write_chapter(w: &mut impl Write, chapter: &RawChapter<'_>) -> std::io::Result<()> {
    w.write_all(b"{")?;
    for (i, (key, field)) in chapter.fields.iter().enumerate() {
        write_key(w, i, key)?;
        match (field, &chapter.edit) {
            (Field::Raw(_), Some(edit)) if key == "content" => {
                let text = chapter.content_text().unwrap_or_default();
                w.write_all(b"\"")?;
                w.write_all(&text.as_bytes()[edit.from..])?;
                let suffix = serde_json::to_string(&edit.suffix)?;
                w.write_all(&suffix.as_bytes()[1..suffix.len() - 1])?;
                w.write_all(b"\"")?;
            }
            (Field::Raw(raw), _) => w.write_all(raw.get().as_bytes())?,
            (Field::SubItems(items), _) => write_items(w, items)?,
        }
    }
    w.write_all(b"}")
}

// ---------------------------------------------------------------------------------------
// Reading: serde visitors that keep values as their JSON text. Where the book holds
// something other than what mdBook writes (a `sub_items` that is not a list…), it is kept
// as a `Value` and written back as it was.

/// The `visit_*` methods that turn any other JSON value into `$wrap(Value)`.
macro_rules! other_values {
    ($wrap:path) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok($wrap(Value::Bool(v)))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok($wrap(Value::from(v)))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok($wrap(Value::from(v)))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok($wrap(Value::from(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok($wrap(Value::String(v.to_string())))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrap(Value::Null))
        }
    };
}

macro_rules! other_seq {
    ($wrap:path) => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map($wrap)
        }
    };
}

macro_rules! other_map {
    ($wrap:path) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Value::deserialize(de::value::MapAccessDeserializer::new(map)).map($wrap)
        }
    };
}

/// A JSON object's members in order, each value read by `value` (told whether its key is
/// `special`: the one member read into structure rather than kept as text).
fn members<'de, M: MapAccess<'de>, T>(
    map: &mut M,
    special: &[&str],
    mut value: impl FnMut(&mut M, bool) -> Result<T, M::Error>,
) -> Result<Vec<(Cow<'de, str>, T)>, M::Error> {
    let mut out = Vec::new();
    while let Some(key) = map.next_key::<Cow<'de, str>>()? {
        let v = value(map, special.contains(&key.as_ref()))?;
        out.push((key, v));
    }
    Ok(out)
}

struct PairVisitor;

impl<'de> Visitor<'de> for PairVisitor {
    type Value = (Option<Value>, Option<RawBook<'de>>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array `[context, book]`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let context: Option<Value> = seq.next_element()?;
        let book: Option<RawBook<'de>> = match context {
            Some(_) => seq.next_element()?,
            None => None,
        };
        let mut more = 0usize;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            more += 1;
        }
        if more > 0 {
            return Err(de::Error::custom(format!(
                "expected a JSON array of 2 elements `[context, book]`, found {}",
                2 + more
            )));
        }
        Ok((context, book))
    }
}

impl<'de> Deserialize<'de> for RawBook<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawBook<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the book (second element) as an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let members = members(&mut map, &["items", "sections"], |map, items| {
                    Ok(match items {
                        true => Member::Items(map.next_value()?),
                        false => Member::Raw(map.next_value()?),
                    })
                })?;
                Ok(RawBook { members })
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Items<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of book items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element()? {
                    list.push(item);
                }
                Ok(Items::List(list))
            }
            other_values!(Items::Other);
            other_map!(Items::Other);
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Item<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a book item")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let entries = members(&mut map, &["Chapter"], |map, chapter| {
                    Ok(match chapter {
                        true => map.next_value()?,
                        false => Entry::Raw(map.next_value()?),
                    })
                })?;
                Ok(Item::Map(entries))
            }
            other_values!(Item::Other);
            other_seq!(Item::Other);
        }
        d.deserialize_any(V)
    }
}

/// The value of a `Chapter` key: a chapter object, or anything else (kept as it is).
impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a chapter object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let fields = members(&mut map, &["sub_items"], |map, sub_items| {
                    Ok(match sub_items {
                        true => Field::SubItems(map.next_value()?),
                        false => Field::Raw(map.next_value()?),
                    })
                })?;
                Ok(Entry::Chapter(RawChapter { fields, edit: None }))
            }
            other_values!(Entry::Other);
            other_seq!(Entry::Other);
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Every character as a `\u` escape (surrogate pairs beyond the BMP): JSON that mdBook
    /// would not write, but valid.
    fn all_escaped(s: &str) -> String {
        let mut out = String::new();
        for unit in s.encode_utf16() {
            out.push_str(&format!("\\u{unit:04x}"));
        }
        out
    }

    fn decode(text: &str) -> String {
        serde_json::from_str(&format!("\"{text}\"")).unwrap()
    }

    proptest! {
        #[test]
        fn offsets_in_json_text_match_the_decoded_string(s in "\\PC{0,40}|[\"\\\\\n\t\u{1}é😀a]{0,20}") {
            let plain = serde_json::to_string(&s).unwrap();
            let plain = &plain[1..plain.len() - 1];
            for text in [plain.to_string(), all_escaped(&s)] {
                for k in 0..=s.len() + 1 {
                    match offset_in_json(&text, k) {
                        Some(i) => {
                            prop_assert!(s.is_char_boundary(k), "{k} in {s:?}");
                            prop_assert_eq!(decode(&text[i..]), &s[k..]);
                        }
                        None => prop_assert!(k > s.len() || !s.is_char_boundary(k), "{k} in {s:?}"),
                    }
                }
            }
        }
    }

    fn round_trip(input: &serde_json::Value) -> serde_json::Value {
        let bytes = serde_json::to_vec(input).unwrap();
        let (_, book) = RawBook::parse(&bytes).unwrap();
        let mut out = Vec::new();
        book.write_to(&mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn what_is_not_a_chapter_passes_through_as_it_came() {
        let book = json!({
            "items": [
                "Separator",
                {"PartTitle": "Part \"one\" é"},
                {"Chapter": {"name": "A", "content": "x", "number": [1, 2], "sub_items": null,
                             "path": null, "source_path": null, "parent_names": [], "new": {"k": 1.5}}},
                {"Chapter": "not an object"},
                {"Other": {"deep": [true, null]}},
                7,
                [1],
            ],
            "__non_exhaustive": null,
            "extra\u{1}key": {"a": "b"},
        });
        let input = json!([{"root": "/r"}, book]);
        assert_eq!(round_trip(&input), book);
    }

    #[test]
    fn a_spliced_chapter_keeps_its_text_and_escapes_what_is_added() {
        let content = "---\nslug: x\n---\nBody é \u{1} \"q\" \\ 😀\n";
        let input = json!([{"root": "/r"}, {"sections": [{"Chapter": {
            "name": "N", "content": content, "sub_items": [{"Chapter": {"name": "S", "content": "s"}}]
        }}]}]);
        // The same book, the content written with every character escaped.
        let text = serde_json::to_string(&input).unwrap();
        let plain = serde_json::to_string(content).unwrap();
        let escaped = format!("\"{}\"", all_escaped(content));
        for text in [text.clone(), text.replace(&plain, &escaped)] {
            let (_, mut book) = RawBook::parse(text.as_bytes()).unwrap();
            let mut seen = Vec::new();
            book.for_each_chapter(&mut |slot| {
                seen.push(slot.name().into_owned());
                if slot.name() == "N" {
                    assert_eq!(slot.content().unwrap(), content);
                    assert!(!slot.splice(content.find('é').unwrap() + 1, "no"));
                    assert!(
                        slot.splice(content.find("Body").unwrap(), "\n<td a=\"b\">\u{7}</td>\n")
                    );
                }
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, ["N", "S"]);
            let mut out = Vec::new();
            book.write_to(&mut out).unwrap();
            let out: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(
                out["sections"][0]["Chapter"]["content"],
                "Body é \u{1} \"q\" \\ 😀\n\n<td a=\"b\">\u{7}</td>\n"
            );
            assert_eq!(
                out["sections"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"],
                "s"
            );
        }
    }

    #[test]
    fn keys_differ_with_the_json_text_and_with_what_it_says() {
        let key = |content: &str| {
            let text = format!(
                r#"[{{"root": "/r"}}, {{"items": [{{"Chapter": {{"name": "A", "content": {content}, "source_path": "a.md"}}}}]}}]"#
            );
            let (_, mut book) = RawBook::parse(text.as_bytes()).unwrap();
            let mut key = 0;
            book.for_each_chapter(&mut |slot| {
                key = slot.key();
                Ok(())
            })
            .unwrap();
            key
        };
        assert_eq!(key(r#""abc""#), key(r#""abc""#));
        assert_ne!(key(r#""abc""#), key(r#""abd""#));
        // Two texts of one string are two keys: each stores offsets in its own text.
        assert_ne!(key(r#""é""#), key(r#""\u00e9""#));
    }
}
