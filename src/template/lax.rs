//! Lax variables, as in Jekyll: an unknown variable, or a missing key or index at any
//! depth of `page`, `destination` and `site`, is nil (the `liquid` crate stops with
//! "Unknown index"); and catalog data converted for Liquid keeps, in every record, the keys
//! the sources read, nil when missing, so that values copied by `assign` and `for` stay
//! lax one level deep.

use crate::catalog::Data;
use liquid::model::{DisplayCow, KStringCow, Object, ObjectView, State, Value, ValueView};
use ref_cast::RefCast;
use std::collections::BTreeSet;
use std::fmt;

/// Catalog data as a Liquid value. A *record* — a mapping with at least one of the keys
/// the sources read (`keys`) — gets every one of those keys, nil when missing; with
/// `prune`, it also keeps only those keys (the whole catalog is copied for every page that
/// reads `site`, so the copy holds what the templates can name). Other mappings (a
/// `defaultValue: {}`, user data) are kept as they are.
pub(super) fn to_value(data: &Data, keys: &BTreeSet<String>, prune: bool) -> Value {
    match data {
        Data::Null => Value::Nil,
        Data::Bool(b) => Value::scalar(*b),
        Data::Int(i) => Value::scalar(*i),
        Data::UInt(u) => i64::try_from(*u).map_or_else(|_| Value::scalar(*u as f64), Value::scalar),
        Data::Float(f) => Value::scalar(*f),
        Data::Str(s) => Value::scalar(s.clone()),
        Data::Seq(items) => Value::Array(items.iter().map(|d| to_value(d, keys, prune)).collect()),
        Data::Map(entries) => {
            let is_record = entries
                .iter()
                .any(|(k, _)| matches!(k, Data::Str(s) if keys.contains(s)));
            let mut obj = Object::new();
            for (k, v) in entries {
                let key = k.to_text();
                if is_record && prune && !keys.contains(&key) {
                    continue;
                }
                obj.insert(key.into(), to_value(v, keys, prune));
            }
            if is_record {
                for k in keys {
                    if !obj.contains_key(k.as_str()) {
                        obj.insert(k.clone().into(), Value::Nil);
                    }
                }
            }
            Value::Object(obj)
        }
    }
}

/// The variables of one rendering: `page`, `destination`, `site`; any other name is nil.
#[derive(Debug)]
pub struct Globals<'a> {
    /// `page`.
    pub page: Value,
    /// `destination`.
    pub destination: Value,
    /// `site` (shared by all pages).
    pub site: &'a Value,
}

impl ValueView for Globals<'_> {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn render(&self) -> DisplayCow<'_> {
        DisplayCow::Borrowed(&"")
    }
    fn source(&self) -> DisplayCow<'_> {
        DisplayCow::Borrowed(&"nil")
    }
    fn type_name(&self) -> &'static str {
        "object"
    }
    fn query_state(&self, state: State) -> bool {
        matches!(state, State::Truthy)
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        KStringCow::from_static("")
    }
    fn to_value(&self) -> Value {
        let mut o = Object::new();
        o.insert("page".into(), self.page.clone());
        o.insert("destination".into(), self.destination.clone());
        o.insert("site".into(), self.site.clone());
        Value::Object(o)
    }
    fn as_object(&self) -> Option<&dyn ObjectView> {
        Some(self)
    }
}

impl ObjectView for Globals<'_> {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        3
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        Box::new(
            ["page", "destination", "site"]
                .into_iter()
                .map(KStringCow::from_static),
        )
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        Box::new(
            [
                Lax::wrap(&self.page) as &dyn ValueView,
                Lax::wrap(&self.destination),
                Lax::wrap(self.site),
            ]
            .into_iter(),
        )
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        Box::new(self.keys().zip(self.values()))
    }
    fn contains_key(&self, _index: &str) -> bool {
        // Every variable exists: unknown ones are nil, as in Jekyll.
        true
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        Some(match index {
            "page" => Lax::wrap(&self.page),
            "destination" => Lax::wrap(&self.destination),
            "site" => Lax::wrap(self.site),
            _ => &LAX_NIL,
        })
    }
}

/// A view of a value in which every missing key or index, at any depth, is nil (as in
/// Jekyll), where the `liquid` crate would stop with "Unknown index". Values copied out of
/// it (by `assign`, `for`, filters) are plain again; those keep the keys the sources read.
#[derive(Debug, RefCast)]
#[repr(transparent)]
struct Lax(Value);

static LAX_NIL: Lax = Lax(Value::Nil);

impl Lax {
    fn wrap(v: &Value) -> &Lax {
        Lax::ref_cast(v)
    }
}

impl ValueView for Lax {
    fn as_debug(&self) -> &dyn fmt::Debug {
        self
    }
    fn render(&self) -> DisplayCow<'_> {
        self.0.render()
    }
    fn source(&self) -> DisplayCow<'_> {
        self.0.source()
    }
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }
    fn query_state(&self, state: State) -> bool {
        self.0.query_state(state)
    }
    fn to_kstr(&self) -> KStringCow<'_> {
        self.0.to_kstr()
    }
    fn to_value(&self) -> Value {
        self.0.clone()
    }
    fn as_scalar(&self) -> Option<liquid::model::ScalarCow<'_>> {
        self.0.as_scalar()
    }
    fn as_array(&self) -> Option<&dyn liquid::model::ArrayView> {
        match &self.0 {
            Value::Array(_) => Some(self),
            _ => None,
        }
    }
    fn as_object(&self) -> Option<&dyn ObjectView> {
        match &self.0 {
            // nil can be indexed too: `page.missing.deeper` is nil.
            Value::Object(_) | Value::Nil => Some(self),
            _ => None,
        }
    }
    fn as_state(&self) -> Option<State> {
        self.0.as_state()
    }
    fn is_nil(&self) -> bool {
        self.0.is_nil()
    }
}

impl ObjectView for Lax {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        match &self.0 {
            Value::Object(o) => o.size(),
            _ => 0,
        }
    }
    fn keys<'k>(&'k self) -> Box<dyn Iterator<Item = KStringCow<'k>> + 'k> {
        match &self.0 {
            Value::Object(o) => Box::new(o.keys().map(|k| KStringCow::from(k.as_ref()))),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        match &self.0 {
            Value::Object(o) => Box::new(o.values().map(|v| Lax::wrap(v) as &dyn ValueView)),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn iter<'k>(&'k self) -> Box<dyn Iterator<Item = (KStringCow<'k>, &'k dyn ValueView)> + 'k> {
        match &self.0 {
            Value::Object(o) => Box::new(
                o.iter()
                    .map(|(k, v)| (KStringCow::from(k.as_ref()), Lax::wrap(v) as &dyn ValueView)),
            ),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn contains_key(&self, _index: &str) -> bool {
        true
    }
    fn get<'s>(&'s self, index: &str) -> Option<&'s dyn ValueView> {
        match &self.0 {
            Value::Object(o) => match o.get(index) {
                Some(v) => Some(Lax::wrap(v)),
                // Let liquid answer `size` for a mapping without such a key.
                None if index == "size" => None,
                None => Some(&LAX_NIL),
            },
            _ => Some(&LAX_NIL),
        }
    }
}

impl liquid::model::ArrayView for Lax {
    fn as_value(&self) -> &dyn ValueView {
        self
    }
    fn size(&self) -> i64 {
        match &self.0 {
            Value::Array(a) => a.len() as i64,
            _ => 0,
        }
    }
    fn values<'k>(&'k self) -> Box<dyn Iterator<Item = &'k dyn ValueView> + 'k> {
        match &self.0 {
            Value::Array(a) => Box::new(a.iter().map(|v| Lax::wrap(v) as &dyn ValueView)),
            _ => Box::new(std::iter::empty()),
        }
    }
    fn contains_key(&self, _index: i64) -> bool {
        matches!(self.0, Value::Array(_))
    }
    fn get(&self, index: i64) -> Option<&dyn ValueView> {
        let Value::Array(a) = &self.0 else {
            return None;
        };
        let i = if index < 0 {
            a.len() as i64 + index
        } else {
            index
        };
        let item = usize::try_from(i).ok().and_then(|i| a.as_slice().get(i));
        Some(match item {
            Some(v) => Lax::wrap(v),
            None => &LAX_NIL,
        })
    }
}

/// `site.data.catalog.destinations.items`.
pub fn site_value(items: Value) -> Value {
    let mut destinations = Object::new();
    destinations.insert("items".into(), items);
    let mut catalog = Object::new();
    catalog.insert("destinations".into(), Value::Object(destinations));
    let mut data = Object::new();
    data.insert("catalog".into(), Value::Object(catalog));
    let mut site = Object::new();
    site.insert("data".into(), Value::Object(data));
    Value::Object(site)
}
