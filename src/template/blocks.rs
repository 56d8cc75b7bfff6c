//! Blocks: `{% markdown_span %}` (kramdown's `markdown="span"`) and `if`/`unless` with
//! Ruby's comparisons.

use crate::render::description::{self, MarkdownOptions};
use liquid::model::{ScalarCow, State, Value, ValueCow, ValueView};
use liquid_core::parser::{BlockElement, TagToken};
use liquid_core::runtime::Runtime;
use liquid_core::{
    BlockReflection, Expression, Language, ParseBlock, Renderable, TagBlock, TagTokenIter,
};
use std::io::Write;

/// `{% markdown_span %}…{% endmarkdown_span %}`: the body, rendered, then as inline
/// markdown in a table cell (what `markdown="span"` asks kramdown for).
#[derive(Clone, Copy, Debug)]
pub(super) struct MarkdownSpanBlock {
    pub(super) markdown: MarkdownOptions,
}

impl BlockReflection for MarkdownSpanBlock {
    fn start_tag(&self) -> &str {
        "markdown_span"
    }
    fn end_tag(&self) -> &str {
        "endmarkdown_span"
    }
    fn description(&self) -> &str {
        "Renders its content as inline markdown (kramdown's markdown=\"span\")."
    }
}

impl ParseBlock for MarkdownSpanBlock {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        options: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        arguments.expect_nothing()?;
        let body = liquid_core::Template::new(tokens.parse_all(options)?);
        tokens.assert_empty();
        Ok(Box::new(MarkdownSpan {
            body,
            markdown: self.markdown,
        }))
    }
    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct MarkdownSpan {
    body: liquid_core::Template,
    markdown: MarkdownOptions,
}

impl Renderable for MarkdownSpan {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> liquid_core::Result<()> {
        let mut buf = Vec::new();
        self.body.render_to(&mut buf, runtime)?;
        let text = String::from_utf8_lossy(&buf);
        let html = description::render(&text, self.markdown);
        writer
            .write_all(html.as_bytes())
            .map_err(|e| liquid_core::Error::with_msg(e.to_string()))
    }
}

/// `{% if %}` / `{% unless %}` (with `elsif` and `else`), comparing values as Ruby does in
/// Jekyll: `false == nil` is false (the `liquid` crate says true), `0 == false` is false,
/// `x == empty` holds only for an empty string, list or mapping, and a comparison of
/// values of different kinds (`nil > 1`) is false. `and`/`or` group from the right,
/// without precedence, as in Liquid.
#[derive(Clone, Copy, Debug)]
pub(super) struct ConditionalBlock {
    /// `unless` (the first condition is negated) rather than `if`.
    pub(super) unless: bool,
}

impl BlockReflection for ConditionalBlock {
    fn start_tag(&self) -> &str {
        if self.unless {
            "unless"
        } else {
            "if"
        }
    }
    fn end_tag(&self) -> &str {
        if self.unless {
            "endunless"
        } else {
            "endif"
        }
    }
    fn description(&self) -> &str {
        "Renders its body when the condition holds (unless: when it does not)."
    }
}

impl ParseBlock for ConditionalBlock {
    fn parse(
        &self,
        arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        options: &Language,
    ) -> liquid_core::Result<Box<dyn Renderable>> {
        let mut branches = vec![(parse_condition(arguments, self.start_tag())?, Vec::new())];
        let mut otherwise = None;
        while let Some(element) = tokens.next()? {
            match element {
                BlockElement::Tag(tag) if tag.name() == "else" => {
                    otherwise = Some(liquid_core::Template::new(tokens.parse_all(options)?));
                    break;
                }
                BlockElement::Tag(tag) if tag.name() == "elsif" => {
                    branches.push((parse_condition(tag.into_tokens(), "elsif")?, Vec::new()));
                }
                element => {
                    let rendered = element.parse(&mut tokens, options)?;
                    branches.last_mut().expect("one branch").1.push(rendered);
                }
            }
        }
        tokens.assert_empty();
        Ok(Box::new(Conditional {
            unless: self.unless,
            branches: branches
                .into_iter()
                .map(|(c, body)| (c, liquid_core::Template::new(body)))
                .collect(),
            otherwise,
        }))
    }
    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct Conditional {
    unless: bool,
    branches: Vec<(Condition, liquid_core::Template)>,
    otherwise: Option<liquid_core::Template>,
}

impl Renderable for Conditional {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> liquid_core::Result<()> {
        for (i, (condition, body)) in self.branches.iter().enumerate() {
            let holds = condition.holds(runtime)?;
            let holds = if i == 0 && self.unless { !holds } else { holds };
            if holds {
                return body.render_to(writer, runtime);
            }
        }
        match &self.otherwise {
            Some(body) => body.render_to(writer, runtime),
            None => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Contains,
}

#[derive(Debug)]
enum Condition {
    Truthy(Expression),
    Compare(Expression, Op, Expression),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
}

/// Parses a condition; an error carries the tag it is in, so that it can be found in the
/// source at its line.
fn parse_condition(arguments: TagTokenIter<'_>, tag: &str) -> liquid_core::Result<Condition> {
    let tokens: Vec<TagToken<'_>> = arguments.collect();
    let text: Vec<String> = tokens.iter().map(|t| t.as_str().to_string()).collect();
    condition_of(tokens).map_err(|e| e.trace(format!("{{% {tag} {} %}}", text.join(" "))))
}

fn condition_of(tokens: Vec<TagToken<'_>>) -> liquid_core::Result<Condition> {
    if tokens.is_empty() {
        return Err(liquid_core::Error::with_msg("a condition is expected"));
    }
    // atoms joined by connectors, grouped from the right
    let mut atoms: Vec<Condition> = Vec::new();
    let mut connectors: Vec<bool> = Vec::new(); // true: and
    let mut it = tokens.into_iter().peekable();
    loop {
        let left = value(it.next())?;
        let atom = match it.peek().map(|t| t.as_str().to_string()) {
            Some(op) if operator(&op).is_some() => {
                it.next();
                let right = value(it.next())?;
                Condition::Compare(left, operator(&op).expect("checked"), right)
            }
            _ => Condition::Truthy(left),
        };
        atoms.push(atom);
        match it.next() {
            None => break,
            Some(t) if t.as_str() == "and" => connectors.push(true),
            Some(t) if t.as_str() == "or" => connectors.push(false),
            Some(t) => {
                return Err(liquid_core::Error::with_msg(format!(
                    "expected `and`, `or` or the end of the condition, found `{}`",
                    t.as_str()
                )))
            }
        }
    }
    let mut result = atoms.pop().expect("at least one atom");
    while let Some(atom) = atoms.pop() {
        result = if connectors.pop().expect("one per join") {
            Condition::And(Box::new(atom), Box::new(result))
        } else {
            Condition::Or(Box::new(atom), Box::new(result))
        };
    }
    Ok(result)
}

fn value(token: Option<TagToken<'_>>) -> liquid_core::Result<Expression> {
    let token = token.ok_or_else(|| liquid_core::Error::with_msg("a value is expected"))?;
    token.expect_value().into_result()
}

fn operator(s: &str) -> Option<Op> {
    Some(match s {
        "==" => Op::Eq,
        "!=" | "<>" => Op::Ne,
        "<" => Op::Lt,
        ">" => Op::Gt,
        "<=" => Op::Le,
        ">=" => Op::Ge,
        "contains" => Op::Contains,
        _ => return None,
    })
}

/// Evaluates without copying, and a missing variable is nil.
fn eval<'r>(e: &'r Expression, runtime: &'r dyn Runtime) -> ValueCow<'r> {
    e.try_evaluate(runtime)
        .unwrap_or(ValueCow::Owned(Value::Nil))
}

impl Condition {
    fn holds(&self, runtime: &dyn Runtime) -> liquid_core::Result<bool> {
        Ok(match self {
            Condition::Truthy(e) => truthy(eval(e, runtime).as_view()),
            Condition::Compare(a, op, b) => {
                let (a, b) = (eval(a, runtime), eval(b, runtime));
                compare(a.as_view(), *op, b.as_view())
            }
            Condition::And(a, b) => a.holds(runtime)? && b.holds(runtime)?,
            Condition::Or(a, b) => a.holds(runtime)? || b.holds(runtime)?,
        })
    }
}

/// Ruby's truthiness: everything but `nil` and `false` is true.
pub(super) fn truthy(v: &dyn ValueView) -> bool {
    if v.is_nil() {
        return false;
    }
    match v.as_scalar() {
        Some(s) if kind(&s) == Kind::Bool => s.to_bool() == Some(true),
        _ => true,
    }
}

fn compare(a: &dyn ValueView, op: Op, b: &dyn ValueView) -> bool {
    match op {
        Op::Eq => ruby_eq(a, b),
        Op::Ne => !ruby_eq(a, b),
        Op::Contains => contains(a, b),
        Op::Lt | Op::Gt | Op::Le | Op::Ge => match ruby_cmp(a, b) {
            Some(ord) => match op {
                Op::Lt => ord.is_lt(),
                Op::Gt => ord.is_gt(),
                Op::Le => ord.is_le(),
                _ => ord.is_ge(),
            },
            None => false,
        },
    }
}

/// `empty` / `blank` literal on one side: the other side's emptiness, for a string, a list
/// or a mapping only.
fn state_eq(state: State, other: &dyn ValueView) -> bool {
    if let Some(s) = other.as_state() {
        return s == state;
    }
    let is_text = other.as_scalar().is_some_and(|s| kind(&s) == Kind::Str);
    let collection = other.as_array().is_some() || other.as_object().is_some();
    match state {
        State::Empty => (is_text || collection) && other.query_state(State::Empty),
        State::Blank => other.is_nil() || other.query_state(State::Blank),
        _ => other.query_state(state),
    }
}

/// Ruby's `==` between Liquid values.
pub(super) fn ruby_eq(a: &dyn ValueView, b: &dyn ValueView) -> bool {
    if let Some(state) = a.as_state() {
        return state_eq(state, b);
    }
    if let Some(state) = b.as_state() {
        return state_eq(state, a);
    }
    if a.is_nil() || b.is_nil() {
        return a.is_nil() && b.is_nil();
    }
    if let (Some(x), Some(y)) = (a.as_array(), b.as_array()) {
        return x.size() == y.size() && x.values().zip(y.values()).all(|(x, y)| ruby_eq(x, y));
    }
    if let (Some(x), Some(y)) = (a.as_object(), b.as_object()) {
        return x.size() == y.size()
            && x.iter()
                .all(|(k, v)| y.get(k.as_str()).is_some_and(|w| ruby_eq(v, w)));
    }
    match (a.as_scalar(), b.as_scalar()) {
        (Some(x), Some(y)) => match (kind(&x), kind(&y)) {
            (Kind::Num, Kind::Num) => x.to_float() == y.to_float(),
            (kx, ky) if kx == ky => x.to_kstr() == y.to_kstr(),
            _ => false,
        },
        _ => false,
    }
}

fn ruby_cmp(a: &dyn ValueView, b: &dyn ValueView) -> Option<std::cmp::Ordering> {
    let (x, y) = (a.as_scalar()?, b.as_scalar()?);
    match (kind(&x), kind(&y)) {
        (Kind::Num, Kind::Num) => x.to_float()?.partial_cmp(&y.to_float()?),
        (Kind::Str, Kind::Str) => Some(x.to_kstr().as_str().cmp(y.to_kstr().as_str())),
        _ => None,
    }
}

fn contains(a: &dyn ValueView, b: &dyn ValueView) -> bool {
    if let Some(arr) = a.as_array() {
        return arr.values().any(|v| ruby_eq(v, b));
    }
    if let Some(obj) = a.as_object() {
        return obj.contains_key(b.to_kstr().as_str()) && !a.is_nil();
    }
    match a.as_scalar() {
        Some(s) if kind(&s) == Kind::Str => s.to_kstr().as_str().contains(b.to_kstr().as_str()),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Num,
    Bool,
    Str,
    Other,
}

fn kind(s: &ScalarCow<'_>) -> Kind {
    match ValueView::type_name(s) {
        "whole number" | "fractional number" => Kind::Num,
        "boolean" => Kind::Bool,
        "string" => Kind::Str,
        _ => Kind::Other,
    }
}
