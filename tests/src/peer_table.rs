//! What the tables a failed check ends with share: asking a peer for its
//! state without trusting it to answer, and laying out columns.
//!
//! The tables use only what the course API and the harness observe, so
//! they work for any Raft, a student's included.

use std::fmt::Write;

use labrt::chan;
use labrt::time::Duration;
use raft::Raft;

/// How long a table waits for a peer's `get_state`: a peer stuck on its
/// own lock must not keep the failure from being reported.
const STATE_WAIT: Duration = Duration::from_millis(100);

/// `raft.get_state()`, asked on a thread of its own; None if it does not
/// answer within [`STATE_WAIT`].
pub(crate) fn state_within(raft: Raft, peer: usize) -> Option<(u64, bool)> {
    let (tx, rx) = chan::bounded(1);
    labrt::thread::spawn(format!("peer table {peer}"), move || {
        let _ = tx.send(raft.get_state());
    });
    rx.recv_timeout(STATE_WAIT).ok()
}

/// The alive, term and leader cells of a peer: crashed (None), silent
/// (Some(None)) or its `get_state`.
pub(crate) fn state_cells(state: Option<Option<(u64, bool)>>) -> [String; 3] {
    let cells: [&str; 3] = match state {
        None => ["no", "-", "-"],
        Some(None) => ["yes", "?", "no answer"],
        Some(Some((_, leader))) => ["yes", "", yes_no(leader)],
    };
    let mut cells = cells.map(String::from);
    if let Some(Some((term, _))) = state {
        cells[1] = term.to_string();
    }
    cells
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// `n` bytes, short.
pub(crate) fn bytes(n: usize) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KB", n as f64 / 1024.0),
        _ => format!("{:.1} MB", n as f64 / 1_048_576.0),
    }
}

/// `header` and `rows` as aligned columns, indented, then `note`.
pub(crate) fn render(header: &[&str], rows: &[Vec<String>], note: &str) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let padded: Vec<String> = cells
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:<w$}"))
            .collect();
        writeln!(out, "  {}", padded.join("  ").trim_end()).expect("writing to a string");
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out.push_str(note);
    out
}
