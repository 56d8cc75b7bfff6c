//! Filters that Jekyll has and the `liquid` crate lacks or does differently, each a plain
//! function: `slugify` (Jekyll's modes; the default mode is the function that makes the
//! table's anchors), `split` (Ruby's `String#split`, which drops trailing empty strings),
//! `where` (Ruby's `==`), and `jsonify`, `xml_escape`, `cgi_escape`, `uri_escape`,
//! `normalize_whitespace`, `number_of_words`, `relative_url`, `absolute_url`, `inspect`.

use super::blocks::ruby_eq;
use liquid::model::{Value, ValueView};
use liquid_core::parser::{FilterArguments, ParameterReflection};
use liquid_core::runtime::Runtime;
use liquid_core::{Expression, Filter, FilterReflection, ParseFilter};
use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

type Eval = fn(&dyn ValueView, &[Value]) -> liquid_core::Result<Value>;

/// A filter: its name, how many arguments it takes, and the function.
#[derive(Clone, Copy)]
pub(super) struct Simple {
    name: &'static str,
    description: &'static str,
    args: (usize, usize),
    eval: Eval,
}

impl fmt::Debug for Simple {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Every filter of this module, to register on the parser (they replace the `liquid`
/// crate's filters of the same name).
pub(super) fn all() -> Vec<Simple> {
    vec![
        Simple {
            name: "slugify",
            description: "Jekyll's slugify: `default`, `raw`, `none`, `ascii`, `pretty`.",
            args: (0, 1),
            eval: |input, args| {
                if input.is_nil() {
                    return Ok(Value::Nil);
                }
                let mode = args
                    .first()
                    .map_or("default".into(), |m| m.to_kstr().to_string());
                Ok(Value::scalar(slugify_mode(&input.to_kstr(), &mode)))
            },
        },
        Simple {
            name: "split",
            description: "Divides a string into an array, as Ruby's String#split.",
            args: (1, 1),
            eval: |input, args| {
                let parts = ruby_split(&input.to_kstr(), &args[0].to_kstr());
                Ok(Value::Array(parts.into_iter().map(Value::scalar).collect()))
            },
        },
        Simple {
            name: "where",
            description: "The items whose property equals the value (Ruby's ==), or is truthy.",
            args: (1, 2),
            eval: filter_where,
        },
        Simple {
            name: "jsonify",
            description: "The value as JSON.",
            args: (0, 0),
            eval: |input, _| Ok(Value::scalar(json(input).to_string())),
        },
        Simple {
            name: "inspect",
            description: "The value as JSON (Jekyll prints Ruby's inspect).",
            args: (0, 0),
            eval: |input, _| Ok(Value::scalar(json(input).to_string())),
        },
        Simple {
            name: "xml_escape",
            description: "Escapes &, <, >, \" and '.",
            args: (0, 0),
            eval: |input, _| {
                let mut out = crate::render::html::escape(&input.to_kstr());
                out = out.replace('\'', "&#39;");
                Ok(Value::scalar(out))
            },
        },
        Simple {
            name: "cgi_escape",
            description: "Percent-encodes for a query string (space as +).",
            args: (0, 0),
            eval: |input, _| Ok(Value::scalar(percent(&input.to_kstr(), true))),
        },
        Simple {
            name: "uri_escape",
            description: "Percent-encodes what a URI cannot hold.",
            args: (0, 0),
            eval: |input, _| Ok(Value::scalar(percent(&input.to_kstr(), false))),
        },
        Simple {
            name: "normalize_whitespace",
            description: "Runs of whitespace become one space.",
            args: (0, 0),
            eval: |input, _| {
                let text = input.to_kstr();
                Ok(Value::scalar(
                    text.split_whitespace().collect::<Vec<_>>().join(" "),
                ))
            },
        },
        Simple {
            name: "number_of_words",
            description: "How many words.",
            args: (0, 1),
            eval: |input, _| {
                Ok(Value::scalar(
                    input.to_kstr().split_whitespace().count() as i64
                ))
            },
        },
        Simple {
            name: "relative_url",
            description: "The path, rooted (a book has no baseurl).",
            args: (0, 0),
            eval: |input, _| Ok(Value::scalar(rooted(&input.to_kstr()))),
        },
        Simple {
            name: "absolute_url",
            description: "The path, rooted (a book has no site url).",
            args: (0, 0),
            eval: |input, _| Ok(Value::scalar(rooted(&input.to_kstr()))),
        },
    ]
}

impl FilterReflection for Simple {
    fn name(&self) -> &str {
        self.name
    }
    fn description(&self) -> &str {
        self.description
    }
    fn positional_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [ParameterReflection] {
        &[]
    }
}

impl ParseFilter for Simple {
    fn parse(&self, mut args: FilterArguments<'_>) -> liquid_core::Result<Box<dyn Filter>> {
        let positional: Vec<Expression> = args.positional.by_ref().collect();
        let (min, max) = self.args;
        if positional.len() < min || positional.len() > max || args.keyword.next().is_some() {
            let wanted = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(liquid_core::Error::with_msg(format!(
                "`{}` takes {wanted} argument(s)",
                self.name
            )));
        }
        Ok(Box::new(Parsed {
            filter: *self,
            args: positional,
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct Parsed {
    filter: Simple,
    args: Vec<Expression>,
}

impl fmt::Display for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.filter.name)
    }
}

impl Filter for Parsed {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let args: Vec<Value> = self
            .args
            .iter()
            .map(|e| {
                e.try_evaluate(runtime)
                    .map_or(Value::Nil, |v| v.into_owned())
            })
            .collect();
        (self.filter.eval)(input, &args)
    }
}

fn filter_where(input: &dyn ValueView, args: &[Value]) -> liquid_core::Result<Value> {
    let property = args[0].to_kstr();
    let matches = |item: &dyn ValueView| {
        let Some(object) = item.as_object() else {
            return false;
        };
        let value = object.get(property.as_str());
        match (args.get(1), value) {
            (Some(target), Some(v)) => ruby_eq(v, target),
            (Some(target), None) => target.is_nil(),
            (None, Some(v)) => super::blocks::truthy(v),
            (None, None) => false,
        }
    };
    let items: Vec<Value> = match input.as_array() {
        Some(array) => array
            .values()
            .filter(|v| matches(*v))
            .map(ValueView::to_value)
            .collect(),
        None if input.is_nil() => Vec::new(),
        None => {
            if matches(input) {
                vec![input.to_value()]
            } else {
                Vec::new()
            }
        }
    };
    Ok(Value::Array(items))
}

/// A Liquid value as JSON.
fn json(v: &dyn ValueView) -> serde_json::Value {
    if v.is_nil() {
        return serde_json::Value::Null;
    }
    if let Some(array) = v.as_array() {
        return serde_json::Value::Array(array.values().map(json).collect());
    }
    if let Some(object) = v.as_object() {
        return serde_json::Value::Object(
            object
                .iter()
                .map(|(k, v)| (k.to_string(), json(v)))
                .collect(),
        );
    }
    match v.as_scalar() {
        Some(s) => match ValueView::type_name(&s) {
            "boolean" => serde_json::Value::Bool(s.to_bool().unwrap_or(false)),
            "whole number" => s.to_integer().map_or(serde_json::Value::Null, Into::into),
            "fractional number" => s
                .to_float()
                .and_then(serde_json::Number::from_f64)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            _ => serde_json::Value::String(s.to_kstr().to_string()),
        },
        None => serde_json::Value::String(v.to_kstr().to_string()),
    }
}

fn percent(text: &str, query: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (!query && b"!*'();:@&=+$,/?#[]".contains(&b));
        if keep {
            out.push(b as char);
        } else if query && b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rooted(path: &str) -> String {
    if path.contains("://") || path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

static RAW_RUNS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s+").expect("a valid regex"));
static ASCII_RUNS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^a-zA-Z0-9]+").expect("a valid regex"));
static PRETTY_RUNS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[^\p{M}\p{L}\p{Nd}._~!$&'()+,;=@]+").expect("a valid regex"));

/// Jekyll's `Utils.slugify` by mode.
pub fn slugify_mode(text: &str, mode: &str) -> String {
    let replaced = match mode {
        "none" => return text.to_lowercase(),
        "raw" => RAW_RUNS.replace_all(text, "-").into_owned(),
        "ascii" => ASCII_RUNS.replace_all(text, "-").into_owned(),
        "pretty" => PRETTY_RUNS.replace_all(text, "-").into_owned(),
        _ => return crate::render::slugify::slugify(text),
    };
    replaced.trim_matches('-').to_lowercase()
}

/// Ruby's `String#split(pattern)` for a string pattern: a single space splits on runs of
/// whitespace, and trailing empty strings are dropped.
pub fn ruby_split(text: &str, pattern: &str) -> Vec<String> {
    let mut parts: Vec<String> = if pattern == " " {
        text.split_whitespace().map(str::to_string).collect()
    } else if pattern.is_empty() {
        text.chars().map(String::from).collect()
    } else {
        text.split(pattern).map(str::to_string).collect()
    };
    while parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts
}
