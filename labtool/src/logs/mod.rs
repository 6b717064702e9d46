//! `lab logs`: a run log ([`crate::runlog`]) in the terminal, a column per
//! peer, time on the left.
//!
//! ```text
//! lab logs run.jsonl                          every event
//! lab logs run.jsonl --only election,harness  roles, votes and what the test did
//! lab logs run.jsonl --ignore net,persist     all but the network and the persister
//! lab logs run.jsonl --no-color | less        plain text
//! ```
//!
//! ```text
//!       time  harness/net              │ peer 0                   │ peer 1                   │ peer 2
//! ──────────  ──────────────────────── │ ──────────────────────── │ ──────────────────────── │ ────────────
//!   0.312004                           │ ELECT candidate term 1:  │                          │
//!                                      │ election timeout         │                          │
//!   0.316890  NET Raft.RequestVote     │                          │                          │
//!             0→1: delivered           │                          │                          │
//!   0.316890                           │                          │ ELECT vote for 0 term 1: │
//!                                      │                          │ granted, log is at least │
//!                                      │                          │ as up to date            │
//! ```
//!
//! The first column holds the events of no peer: the harness's and the
//! network's. Each cell starts with its topic's tag (ELECT, REPL, SNAP,
//! APPLY, PERS, KV, NET, TEST) and is coloured by topic when stdout is a
//! terminal; long cells wrap within their column. The failure is shown
//! whatever the filters.

pub mod summary;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::runlog::{Event, RunLog, Topic, seconds};
use summary::{Ends, summary, tag};

/// How to show a log.
#[derive(Clone, Debug)]
pub struct Options {
    /// Only events of these topics (all, if none).
    pub only: Vec<String>,
    /// Not events of these topics.
    pub ignore: Vec<String>,
    /// ANSI colours.
    pub color: bool,
    /// The width of a line, in characters.
    pub width: usize,
}

/// The width when stdout is no terminal and `COLUMNS` is unset.
pub const DEFAULT_WIDTH: usize = 160;
/// A column is never narrower than this.
const MIN_COLUMN: usize = 18;
/// The time column: `12.310000`.
const TIME: usize = 10;
const SEPARATOR: &str = " │ ";

/// Checks that each topic named in `only` and `ignore` is a known topic
/// or one of the log's: a misspelt filter would hide everything silently.
pub fn check_topics(log: &RunLog, options: &Options) -> Result<(), String> {
    let mut topics: BTreeSet<String> = Topic::KNOWN.iter().map(|t| t.to_string()).collect();
    topics.extend(log.events.iter().map(|e| e.topic.to_string()));
    for name in options.only.iter().chain(&options.ignore) {
        if !topics.contains(&name.to_lowercase()) {
            let list: Vec<&str> = topics.iter().map(String::as_str).collect();
            return Err(format!(
                "no topic {name:?}: the topics are {}",
                list.join(", ")
            ));
        }
    }
    Ok(())
}

/// Whether `event` is shown under `options`' filters.
pub fn shown(event: &Event, options: &Options) -> bool {
    if event.topic == Topic::Harness && event.msg == "fail" {
        return true;
    }
    let named = |names: &[String]| {
        names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(event.topic.as_str()))
    };
    (options.only.is_empty() || named(&options.only)) && !named(&options.ignore)
}

/// The peers of `log`, as columns.
fn peers(log: &RunLog) -> Vec<u64> {
    let mut peers = BTreeSet::new();
    for event in &log.events {
        peers.extend(event.peer.map(u64::from));
        if event.topic == Topic::Harness {
            peers.extend(event.u64("peer"));
        }
    }
    peers.into_iter().collect()
}

/// The whole log as text: a header, then the events that pass the filters.
pub fn render(log: &RunLog, replay: Option<&str>, options: &Options) -> String {
    let peers = peers(log);
    let columns = peers.len() + 1;
    let room = options
        .width
        .saturating_sub(TIME + 2 + SEPARATOR.chars().count() * (columns - 1));
    let width = (room / columns).max(MIN_COLUMN);
    let mut out = String::new();
    let header = &log.header;
    let seed = header
        .seed
        .map(|s| format!(", seed {s}"))
        .unwrap_or_default();
    let _ = writeln!(out, "{}{seed}, {}", header.test, header.backend);
    if let Some(replay) = replay {
        let _ = writeln!(out, "replay: {replay}");
    }
    let mut titles = vec!["harness/net".to_string()];
    titles.extend(peers.iter().map(|p| format!("peer {p}")));
    let titles: Vec<Vec<String>> = titles.into_iter().map(|t| vec![t]).collect();
    out.push('\n');
    out.push_str(&row("time", &titles, width, None));
    let rule = "─".repeat(width);
    let rules: Vec<Vec<String>> = vec![vec![rule]; columns];
    out.push_str(&row(&"─".repeat(TIME), &rules, width, None));
    let mut ends = Ends::default();
    for event in &log.events {
        ends.learn(event);
        if !shown(event, options) {
            continue;
        }
        let column = match event.peer {
            Some(peer) => {
                1 + peers
                    .iter()
                    .position(|&p| p == u64::from(peer))
                    .unwrap_or(0)
            }
            None => 0,
        };
        let text = format!("{} {}", tag(&event.topic), summary(event, &ends));
        let mut cells = vec![Vec::new(); columns];
        cells[column] = wrap(&text, width);
        let color = options.color.then(|| color(event));
        out.push_str(&row(&seconds(event.t_us), &cells, width, color));
    }
    out
}

/// The lines of one event: the time, then each column's lines side by
/// side, `color` around the text of non-empty cells.
fn row(time: &str, cells: &[Vec<String>], width: usize, color: Option<&str>) -> String {
    let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut out = String::new();
    for line in 0..height {
        let time = if line == 0 { time } else { "" };
        let mut text = format!("{time:>TIME$}  ");
        for (c, cell) in cells.iter().enumerate() {
            if c > 0 {
                text.push_str(SEPARATOR);
            }
            let piece = cell.get(line).map(String::as_str).unwrap_or("");
            let pad = " ".repeat(width.saturating_sub(piece.chars().count()));
            match color {
                Some(code) if !piece.is_empty() => {
                    let _ = write!(text, "\x1b[{code}m{piece}\x1b[0m{pad}");
                }
                _ => {
                    text.push_str(piece);
                    text.push_str(&pad);
                }
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// `text` in lines of at most `width` characters, broken at spaces where
/// it can be.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        let used = line.chars().count();
        if used > 0 && used + 1 + word.len() <= width {
            line.push(' ');
            line.extend(&word);
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while word.len() > width {
            lines.push(word.drain(..width).collect());
        }
        line = word.into_iter().collect();
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The ANSI colour of `event`: by level when it is a warning or an error,
/// else by topic.
fn color(event: &Event) -> &'static str {
    use crate::runlog::Level;
    match (event.level, &event.topic) {
        (Level::Error, _) => "1;31",
        (_, Topic::Harness) if event.msg == "fail" => "1;31",
        (Level::Warn, _) => "1;33",
        (_, Topic::Election) => "33",
        (_, Topic::Replication) => "34",
        (_, Topic::Snapshot) => "35",
        (_, Topic::Apply) => "32",
        (_, Topic::Persist) => "36",
        (_, Topic::Kv) => "94",
        (_, Topic::Net) => "90",
        (_, Topic::Harness) => "1",
        (_, Topic::Other(_)) => "0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("apply 7", 20), ["apply 7"]);
        assert_eq!(
            wrap("append from 0 term 4: ok", 12),
            ["append from", "0 term 4: ok"]
        );
        assert_eq!(wrap("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
        assert_eq!(wrap("", 4), [""]);
    }

    #[test]
    fn a_row_lines_up_its_columns_and_colours_only_text() {
        let cells = vec![vec![], vec!["ELECT a".to_string(), "b".to_string()]];
        assert_eq!(
            row("1.000000", &cells, 8, None),
            "  1.000000           │ ELECT a\n                     │ b\n"
        );
        let coloured = row("1.000000", &cells, 8, Some("33"));
        assert!(coloured.contains("\x1b[33mELECT a\x1b[0m"), "{coloured:?}");
    }
}
