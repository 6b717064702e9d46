//! A picture of a history that is not linearizable: one self-contained HTML
//! file (inline CSS and SVG, nothing fetched) with a timeline per client.
//!
//! Each operation is a bar from its call to its return; one that never
//! returned runs to the right edge with a dashed outline. The longest
//! linearizable prefix is green, the operation that cannot follow it red,
//! the rest of its partition blue and other partitions grey. Hovering a bar
//! shows its times and, for the prefix, its place in the linearization.
//!
//! The horizontal axis is not to scale: each distinct timestamp gets one
//! column, so bars that share a column edge overlap in time and short
//! operations stay visible next to long ones.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write as _};
use std::path::PathBuf;

use crate::error::Error;
use crate::model::{Model, Operation, Time};
use crate::verdict::Illegal;

/// Layout, in pixels.
const COLUMN: usize = 12;
const ROW: usize = 24;
const BAR: usize = ROW - 6;
const LEFT: usize = 90;
const TOP: usize = 8;
/// Average width of a label character, to decide whether a label fits.
const CHAR: usize = 7;

const STYLE: &str = "body{font:14px sans-serif;margin:1em}\
    .timeline{overflow:auto;border:1px solid #ccc}\
    text{font:11px monospace;pointer-events:none}\
    rect{stroke:#333;stroke-width:1}\
    .lin{fill:#8d8}.fail{fill:#f66}.part{fill:#9bd}.other{fill:#ddd}\
    .pending{stroke-dasharray:4 3}\
    .key span{display:inline-block;width:1em;height:1em;margin:0 .3em 0 1em;\
    border:1px solid #333}\
    code{white-space:pre-wrap;word-break:break-all}";

const LEGEND: &str = "<p class=\"key\">\
    <span style=\"background:#8d8\"></span>longest linearizable prefix\
    <span style=\"background:#f66\"></span>cannot be linearized next\
    <span style=\"background:#9bd\"></span>rest of the partition\
    <span style=\"background:#ddd\"></span>other partitions\
    <span style=\"border-style:dashed\"></span>never returned</p>";

/// The HTML page for `illegal`, the verdict on `history`.
///
/// # Panics
/// If `history` is shorter than the history that was checked.
pub fn render<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    illegal: &Illegal<M::State>,
) -> String {
    let describe = |op: &Operation<M::Input, M::Output>| {
        escape(&model.describe_operation(&op.input, op.output()))
    };
    let failed = &history[illegal.failed];
    let mut prefix = String::new();
    for &op in &illegal.prefix {
        let op = &history[op];
        let _ = writeln!(
            prefix,
            "<li>client {}: <code>{}</code></li>",
            op.client_id,
            describe(op)
        );
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Not linearizable</title>\
         <style>{STYLE}</style></head><body>\n\
         <h1>Not linearizable</h1>\n<p>{summary}</p>\n{LEGEND}\n\
         <div class=\"timeline\">{timeline}</div>\n\
         <h2>Operation that cannot be linearized next</h2>\n\
         <p>client {client}: <code>{failed}</code>, from state <code>{state}</code></p>\n\
         <h2>Longest linearizable prefix ({n} operations, in linearization order)</h2>\n\
         <ol>\n{prefix}</ol>\n</body></html>\n",
        summary = escape(&illegal.describe(model, history)),
        timeline = timeline(model, history, illegal),
        client = failed.client_id,
        failed = describe(failed),
        state = escape(&model.describe_state(&illegal.state)),
        n = illegal.prefix.len(),
    )
}

/// The SVG: a row per client, a bar per operation.
fn timeline<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    illegal: &Illegal<M::State>,
) -> String {
    let mut times: Vec<Time> = history
        .iter()
        .flat_map(|op| [Some(op.call), op.ret.as_ref().map(|r| r.time)])
        .flatten()
        .collect();
    times.sort_unstable();
    times.dedup();
    let x = |t: Time| LEFT + times.partition_point(|&u| u < t) * COLUMN;
    let mut clients: Vec<usize> = history.iter().map(|op| op.client_id).collect();
    clients.sort_unstable();
    clients.dedup();
    // Each operation's place in the prefix, counting from 1.
    let mut place = vec![None; history.len()];
    for (k, &op) in illegal.prefix.iter().enumerate() {
        place[op] = Some(k + 1);
    }

    let right = LEFT + (times.len() + 1) * COLUMN;
    let height = TOP + clients.len() * ROW;
    let mut svg = format!("<svg width=\"{}\" height=\"{height}\">\n", right + COLUMN);
    for (row, client) in clients.iter().enumerate() {
        let y = TOP + row * ROW + ROW / 2 + 4;
        let _ = writeln!(svg, "<text x=\"4\" y=\"{y}\">client {client}</text>");
    }
    for (i, op) in history.iter().enumerate() {
        let row = clients.partition_point(|&c| c < op.client_id);
        let (x0, y) = (x(op.call), TOP + row * ROW + 3);
        let x1 = op.ret.as_ref().map_or(right, |r| x(r.time) + COLUMN - 2);
        let (class, note) = match place[i] {
            _ if i == illegal.failed => ("fail", "\ncannot be linearized next".to_string()),
            Some(k) => (
                "lin",
                format!("\nlinearized {k} of {}", illegal.prefix.len()),
            ),
            None if illegal.partition.binary_search(&i).is_ok() => ("part", String::new()),
            None => ("other", String::new()),
        };
        let (pending, ret) = match &op.ret {
            Some(ret) => ("", ret.time.to_string()),
            None => (" pending", "never".to_string()),
        };
        let label = model.describe_operation(&op.input, op.output());
        let title = format!(
            "{label}\nclient {}, called {}, returned {ret}{note}",
            op.client_id, op.call
        );
        let _ = write!(
            svg,
            "<g><title>{}</title><rect class=\"{class}{pending}\" \
             x=\"{x0}\" y=\"{y}\" width=\"{}\" height=\"{BAR}\"/>",
            escape(&title),
            x1 - x0,
        );
        if label.len() * CHAR + 4 <= x1 - x0 {
            let (tx, ty) = (x0 + 3, y + BAR / 2 + 4);
            let _ = write!(svg, "<text x=\"{tx}\" y=\"{ty}\">{}</text>", escape(&label));
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>");
    svg
}

/// Writes [`render`]'s page to a new file in the system's temporary
/// directory and returns its path.
///
/// # Panics
/// If `history` is shorter than the history that was checked.
pub fn write_temp<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    illegal: &Illegal<M::State>,
) -> Result<PathBuf, Error> {
    let html = render(model, history, illegal);
    let dir = std::env::temp_dir();
    let mut n = 0u32;
    loop {
        let path = dir.join(format!("linearizability-{}-{n}.html", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                return match file.write_all(html.as_bytes()) {
                    Ok(()) => Ok(path),
                    Err(source) => Err(Error::Write { path, source }),
                };
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => n += 1,
            Err(source) => return Err(Error::Write { path, source }),
        }
    }
}

/// Escapes text for HTML content and double-quoted attribute values (`>`
/// needs no escape there, and keeps `get('k') -> 'v'` readable in the
/// source).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
