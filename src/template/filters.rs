//! Filters that replace the `liquid` crate's where Jekyll behaves differently: `slugify`
//! (Jekyll's modes; the default mode is the function that makes the table's anchors) and
//! `split` (Ruby's `String#split`, which drops trailing empty strings).

use liquid::model::{Value, ValueView};
use liquid_core::parser::FilterArguments;
use liquid_core::runtime::Runtime;
use liquid_core::{Filter, FilterReflection, ParseFilter};
use regex::Regex;
use std::fmt;
use std::sync::LazyLock;

/// `slugify`: Jekyll's modes, with this tool's default mode (the table's anchors).
#[derive(Clone, Debug)]
pub(super) struct SlugifyFilterParser;

impl FilterReflection for SlugifyFilterParser {
    fn name(&self) -> &str {
        "slugify"
    }
    fn description(&self) -> &str {
        "Jekyll's slugify: `default` (letters, marks and digits kept), `raw`, `none`, `ascii`, `pretty`."
    }
    fn positional_parameters(&self) -> &'static [liquid_core::parser::ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [liquid_core::parser::ParameterReflection] {
        &[]
    }
}

impl ParseFilter for SlugifyFilterParser {
    fn parse(&self, args: FilterArguments<'_>) -> liquid_core::Result<Box<dyn Filter>> {
        let mode = positional(args, "slugify", 1)?.into_iter().next();
        Ok(Box::new(SlugifyFilter { mode }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct SlugifyFilter {
    mode: Option<liquid_core::Expression>,
}

impl fmt::Display for SlugifyFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("slugify")
    }
}

impl Filter for SlugifyFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        if input.is_nil() {
            return Ok(Value::Nil);
        }
        let mode = match &self.mode {
            Some(e) => e.evaluate(runtime)?.to_kstr().to_string(),
            None => "default".into(),
        };
        let text = input.to_kstr();
        Ok(Value::scalar(slugify_mode(&text, &mode)))
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

/// `split`, as Ruby's `String#split`: trailing empty strings are dropped, and a single
/// space splits on runs of whitespace.
#[derive(Clone, Debug)]
pub(super) struct SplitFilterParser;

impl FilterReflection for SplitFilterParser {
    fn name(&self) -> &str {
        "split"
    }
    fn description(&self) -> &str {
        "Divides a string into an array, as Ruby's String#split."
    }
    fn positional_parameters(&self) -> &'static [liquid_core::parser::ParameterReflection] {
        &[]
    }
    fn keyword_parameters(&self) -> &'static [liquid_core::parser::ParameterReflection] {
        &[]
    }
}

impl ParseFilter for SplitFilterParser {
    fn parse(&self, args: FilterArguments<'_>) -> liquid_core::Result<Box<dyn Filter>> {
        let mut p = positional(args, "split", 1)?;
        if p.is_empty() {
            return Err(liquid_core::Error::with_msg("split needs a separator"));
        }
        Ok(Box::new(SplitFilter {
            pattern: p.remove(0),
        }))
    }
    fn reflection(&self) -> &dyn FilterReflection {
        self
    }
}

#[derive(Debug)]
struct SplitFilter {
    pattern: liquid_core::Expression,
}

impl fmt::Display for SplitFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("split")
    }
}

impl Filter for SplitFilter {
    fn evaluate(&self, input: &dyn ValueView, runtime: &dyn Runtime) -> liquid_core::Result<Value> {
        let pattern = self.pattern.evaluate(runtime)?.to_kstr().to_string();
        let text = input.to_kstr();
        Ok(Value::Array(
            ruby_split(&text, &pattern)
                .into_iter()
                .map(Value::scalar)
                .collect(),
        ))
    }
}

/// Ruby's `String#split(pattern)` for a string pattern.
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

fn positional(
    mut args: FilterArguments<'_>,
    name: &str,
    max: usize,
) -> liquid_core::Result<Vec<liquid_core::Expression>> {
    let mut out = Vec::new();
    for arg in args.positional.by_ref() {
        out.push(arg);
    }
    if out.len() > max {
        return Err(liquid_core::Error::with_msg(format!(
            "`{name}` takes at most {max} argument(s)"
        )));
    }
    if args.keyword.next().is_some() {
        return Err(liquid_core::Error::with_msg(format!(
            "`{name}` takes no keyword arguments"
        )));
    }
    Ok(out)
}
