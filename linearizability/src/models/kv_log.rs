//! Reads key/value histories recorded as one EDN-like map per line:
//!
//! ```text
//! {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
//! {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
//! {:process 1, :type :invoke, :f :get, :key "0", :value nil}
//! {:process 1, :type :ok, :f :get, :key "0", :value "x 0 0 y"}
//! ```
//!
//! Lines are events in real-time order; an `:ok` completes its process's
//! outstanding `:invoke`, and an `:invoke` never completed is a pending
//! operation. An event's time is its line number. Commas count as
//! whitespace, blank lines are skipped, and fields other than `:process`,
//! `:type`, `:f`, `:key` and `:value` are ignored.
//!
//! ```
//! use linearizability::models::kv::KvInput;
//! use linearizability::models::kv_log::parse;
//!
//! let ops = parse("{:process 3, :type :invoke, :f :get, :key \"k\", :value nil}").unwrap();
//! assert_eq!(ops[0].input, KvInput::Get { key: "k".into() });
//! assert!(ops[0].ret.is_none());
//! let err = parse("{:process 3, :type :fail}").unwrap_err();
//! assert_eq!(err.to_string(), "line 1: :type cannot be :fail");
//! ```

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::{Operation, Return, Time};
use crate::models::kv::{KvInput, KvOutput, KvValue};

/// Parses a whole history. Operations come in the order of their invokes.
pub fn parse(text: &str) -> Result<Vec<Operation<KvInput, KvOutput>>, Error> {
    let mut ops: Vec<Operation<KvInput, KvOutput>> = Vec::new();
    // Each process's outstanding operation and the line that invoked it.
    let mut open: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (i, text) in text.lines().enumerate() {
        let line = i + 1;
        if text.trim().is_empty() {
            continue;
        }
        let event = Event::parse(line, text)?;
        let time = line as Time;
        if event.invoke {
            if let Some(&(_, invoke_line)) = open.get(&event.process) {
                return Err(Error::InvokeWhileBusy { line, invoke_line });
            }
            let input = match (event.function, event.value) {
                (Function::Get, _) => KvInput::Get { key: event.key },
                (Function::Put, Some(value)) => KvInput::Put {
                    key: event.key,
                    value,
                },
                (Function::Append, Some(value)) => KvInput::Append {
                    key: event.key,
                    value,
                },
                (Function::Put | Function::Append, None) => return Err(bad(line, ":value", "nil")),
            };
            open.insert(event.process, (ops.len(), line));
            ops.push(Operation::pending(event.process, input, time));
        } else {
            let Some((op, invoke_line)) = open.remove(&event.process) else {
                return Err(Error::OkWithoutInvoke {
                    line,
                    process: event.process,
                });
            };
            let input = &ops[op].input;
            if event.function != Function::of(input) || event.key != input.key() {
                return Err(Error::OkMismatch { line, invoke_line });
            }
            let output = match input {
                KvInput::Get { .. } => event
                    .value
                    .map(|value| KvValue::of(&value))
                    .ok_or_else(|| bad(line, ":value", "nil"))?,
                KvInput::Put { .. } | KvInput::Append { .. } => KvValue::default(),
            };
            ops[op].ret = Some(Return { time, output });
        }
    }
    Ok(ops)
}

/// The `:f` of a line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Function {
    Get,
    Put,
    Append,
}

impl Function {
    fn of(input: &KvInput) -> Self {
        match input {
            KvInput::Get { .. } => Function::Get,
            KvInput::Put { .. } => Function::Put,
            KvInput::Append { .. } => Function::Append,
        }
    }
}

/// The fields of one line that matter.
struct Event {
    process: usize,
    invoke: bool,
    function: Function,
    key: String,
    /// `None` for `nil`.
    value: Option<String>,
}

/// A field's value: a string literal, or anything else as written.
enum Value<'a> {
    Str(String),
    Bare(&'a str),
}

impl Event {
    fn parse(line: usize, text: &str) -> Result<Self, Error> {
        let syntax = |reason| Error::Syntax { line, reason };
        let body = text.trim();
        let body = body
            .strip_prefix('{')
            .ok_or(syntax("expected '{' at the start"))?;
        let body = body
            .strip_suffix('}')
            .ok_or(syntax("expected '}' at the end"))?;
        let mut fields: BTreeMap<&str, Value> = BTreeMap::new();
        let mut rest = body;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            if rest.is_empty() {
                break;
            }
            let (name, after) = bare(rest);
            if !name.starts_with(':') || name.len() < 2 {
                return Err(syntax("expected a :field name"));
            }
            let after = after.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            let (value, after) = match after.strip_prefix('"') {
                Some(quoted) => {
                    let (s, after) = string(quoted).ok_or(syntax("unterminated string"))?;
                    (Value::Str(s), after)
                }
                None if after.is_empty() => return Err(syntax("a field has no value")),
                None => {
                    let (word, after) = bare(after);
                    (Value::Bare(word), after)
                }
            };
            if fields.insert(name, value).is_some() {
                return Err(syntax("a field appears twice"));
            }
            rest = after;
        }

        let mut take = |field: &'static str| {
            fields
                .remove(field)
                .ok_or(Error::MissingField { line, field })
        };
        let process = match take(":process")? {
            Value::Bare(word) => word.parse().map_err(|_| bad(line, ":process", word))?,
            other => return Err(bad(line, ":process", &written(&other))),
        };
        let invoke = match take(":type")? {
            Value::Bare(":invoke") => true,
            Value::Bare(":ok") => false,
            other => return Err(bad(line, ":type", &written(&other))),
        };
        let function = match take(":f")? {
            Value::Bare(":get") => Function::Get,
            Value::Bare(":put") => Function::Put,
            Value::Bare(":append") => Function::Append,
            other => return Err(bad(line, ":f", &written(&other))),
        };
        let key = match take(":key")? {
            Value::Str(s) => s,
            other => return Err(bad(line, ":key", &written(&other))),
        };
        let value = match take(":value")? {
            Value::Str(s) => Some(s),
            Value::Bare("nil") => None,
            other => return Err(bad(line, ":value", &written(&other))),
        };
        Ok(Event {
            process,
            invoke,
            function,
            key,
            value,
        })
    }
}

fn bad(line: usize, field: &'static str, found: &str) -> Error {
    Error::BadField {
        line,
        field,
        found: found.to_string(),
    }
}

/// A value as it was written, for error messages.
fn written(value: &Value) -> String {
    match value {
        Value::Str(s) => format!("\"{s}\""),
        Value::Bare(word) => word.to_string(),
    }
}

/// Splits off a word that ends at whitespace, a comma or a quote.
fn bare(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| c.is_whitespace() || c == ',' || c == '"')
        .unwrap_or(text.len());
    text.split_at(end)
}

/// Reads a string literal whose opening quote is already consumed: its
/// text, and what follows the closing quote. A backslash keeps the next
/// character as it is (so `\"` is a quote).
fn string(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &text[i + 1..])),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}
