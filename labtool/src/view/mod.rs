//! `lab view`: one self-contained HTML page of a run, from its run log
//! ([`crate::runlog`]).
//!
//! ```text
//! lab view target/runlogs/agreement.basic_agree_2b-7.jsonl      writes …/agreement.basic_agree_2b-7.html
//! lab view run.jsonl -o /tmp/run.html                           writes it there
//! ```
//!
//! The page has a lane per peer with its role (colour) and term over time,
//! grey when it was down and dashed when cut off; RPC arrows, red and
//! dashed when lost; commits (▼), applies (●), snapshots (■), votes,
//! appends (ticks, red when refused) and persists; the harness's lane with
//! crashes, restarts, connects, partitions and the commands it started;
//! the network's load; a lane per KV client with its operations as bars;
//! and the moment of failure, with its message, marked across every lane.
//! The mouse wheel and the +/− buttons zoom, dragging pans, and hovering
//! any mark shows its event. The head shows the test, seed and backend,
//! the command that replays the run, and a link to the linearizability
//! checker's timeline of it when one sits next to the log.
//!
//! [`scene`] is what is drawn, worked out from the events by `interpret`;
//! [`page`] writes the HTML, whose script (`view.js`) draws it; [`links`]
//! finds the replay command and the timeline. The page's window may be
//! given in its address: `page.html#1.5-2.25` shows 1.5 s to 2.25 s.

mod interpret;
pub mod links;
pub mod page;
pub mod scene;
#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::runlog::{self, RunLog, RunLogError};
use page::Context;

/// What to view, and where to write it.
#[derive(Clone, Debug)]
pub struct Options {
    /// The run log.
    pub log: PathBuf,
    /// The page [default: the log's path with `.html` for its extension].
    pub out: Option<PathBuf>,
    /// The repository's root, where the replay command's suite is looked
    /// up.
    pub root: PathBuf,
}

/// The page written.
#[derive(Clone, Debug)]
pub struct Viewed {
    /// Where.
    pub out: PathBuf,
    /// The events it shows.
    pub events: usize,
    /// The failure's message, if the run failed.
    pub failure: Option<String>,
    /// The link to the linearizability timeline, if one was found.
    pub timeline: Option<String>,
}

/// Why no page could be written.
#[derive(Debug)]
pub enum ViewError {
    /// The log could not be read.
    Log(RunLogError),
    /// The log's path names no file, so no page path can be made from it.
    NoFileName {
        /// The log's path.
        log: PathBuf,
    },
    /// The page could not be written.
    Write {
        /// The page's path.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl fmt::Display for ViewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViewError::Log(e) => e.fmt(f),
            ViewError::NoFileName { log } => {
                write!(
                    f,
                    "{} names no file: give the page's path with -o",
                    log.display()
                )
            }
            ViewError::Write { path, error } => {
                write!(f, "cannot write the page {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for ViewError {}

/// Reads the log and writes its page.
pub fn view(options: &Options) -> Result<Viewed, ViewError> {
    let log = runlog::read(&options.log).map_err(ViewError::Log)?;
    let out = match &options.out {
        Some(out) => out.clone(),
        None if options.log.file_name().is_some() => options.log.with_extension("html"),
        None => {
            return Err(ViewError::NoFileName {
                log: options.log.clone(),
            });
        }
    };
    let scene = scene::build(&log);
    let page_dir = out.parent().unwrap_or(Path::new("."));
    let failure = scene.failure.as_ref().map(|f| f.message.clone());
    let context = Context {
        replay: links::replay(&log.header, &options.root),
        timeline: links::timeline(&options.log, failure.as_deref(), page_dir),
        description: description(&log),
    };
    let html = page::render(&log.header, &scene, &context);
    std::fs::write(&out, html).map_err(|error| ViewError::Write {
        path: out.clone(),
        error,
    })?;
    Ok(Viewed {
        out,
        events: log.events.len(),
        failure,
        timeline: context.timeline,
    })
}

/// The test's own description, from the harness's first `begin`.
fn description(log: &RunLog) -> Option<String> {
    log.events
        .iter()
        .find(|e| e.topic == runlog::Topic::Harness && e.msg == "begin")
        .and_then(|e| e.str("description"))
        .map(str::to_string)
}
