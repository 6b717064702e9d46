//! A batch's live progress: a bar over the submissions and one over the
//! runs of the one being graded, on stdout when it is a terminal;
//! otherwise a line per submission as it is graded.

use std::cell::Cell;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget};

use super::junit::round;
use super::record::Graded;
use crate::stress::outcome::Outcome;
use crate::stress::progress::{print_above, style};

/// The bars of a batch.
pub struct Progress {
    multi: MultiProgress,
    batch: ProgressBar,
    runs: ProgressBar,
    failed: Cell<u64>,
}

impl Progress {
    /// Bars for `submissions` submissions.
    pub fn new(submissions: u64) -> Progress {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let batch = multi.add(ProgressBar::new(submissions).with_style(style(
            "submissions [{bar:30}] {pos:>4}/{len:4} {elapsed_precise} (eta {eta}) {msg}",
        )));
        let runs = multi.add(
            ProgressBar::new(0).with_style(style("{prefix:<11} [{bar:30}] {pos:>4}/{len:4} {msg}")),
        );
        Progress {
            multi,
            batch,
            runs,
            failed: Cell::new(0),
        }
    }

    /// The grading of a submission of `runs` runs begins.
    pub fn start(&self, name: &str, runs: u64) {
        self.runs.reset();
        self.runs.set_length(runs);
        self.runs.set_prefix(name.to_string());
        self.runs.set_message("building");
        self.failed.set(0);
    }

    /// One of its runs has ended.
    pub fn ran(&self, outcome: &Outcome) {
        if outcome.is_failure() {
            self.failed.set(self.failed.get() + 1);
        }
        self.runs.set_message(match self.failed.get() {
            0 => String::new(),
            n => format!("{n} failed"),
        });
        self.runs.inc(1);
    }

    /// Its grade is known.
    pub fn finished(&self, graded: &Graded) {
        self.batch.inc(1);
        let line = format!(
            "graded {}: {}/{}",
            graded.name,
            round(graded.score),
            round(graded.max)
        );
        print_above(&self.multi, &line);
    }

    /// Takes the bars off the screen.
    pub fn clear(self) {
        let _ = self.multi.clear();
    }
}
