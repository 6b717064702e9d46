//! A stress session's live progress: a bar per test and one for them all,
//! on stdout when it is a terminal. Otherwise nothing is drawn, and only
//! the lines about failures are printed, as they happen.

use std::cell::Cell;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::plan::{Test, format_duration};
use super::summary::Run;

/// The bars of a session.
pub struct Progress {
    multi: MultiProgress,
    tests: Vec<ProgressBar>,
    total: ProgressBar,
    /// Each test's failures so far, then all of them.
    failures: Vec<Cell<u64>>,
    /// The start and length of a session that runs for a duration.
    timed: Option<(Instant, Duration)>,
}

impl Progress {
    /// Bars for `tests`, each to make its count of `per_test` runs; without
    /// counts, the session runs for `duration` from `start`.
    pub fn new(
        tests: &[Test],
        per_test: Option<Vec<u64>>,
        duration: Option<Duration>,
        start: Instant,
    ) -> Progress {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let width = tests.iter().map(|t| t.name.len()).max().unwrap_or(0);
        let counted = style(&format!(
            "{{prefix:<{width}}} [{{bar:30}}] {{pos:>5}}/{{len:5}} {{msg}}"
        ));
        let uncounted = style(&format!("{{prefix:<{width}}} {{pos:>5}} runs {{msg}}"));
        let bars: Vec<ProgressBar> = tests
            .iter()
            .enumerate()
            .map(|(index, test)| {
                let bar = match &per_test {
                    Some(runs) => ProgressBar::new(runs[index]).with_style(counted.clone()),
                    None => ProgressBar::no_length().with_style(uncounted.clone()),
                };
                multi.add(bar.with_prefix(test.name.clone()))
            })
            .collect();
        let total = match (per_test, duration) {
            (Some(runs), _) => {
                let all = style(&format!(
                    "{{prefix:<{width}}} [{{bar:30}}] {{pos:>5}}/{{len:5}} {{elapsed_precise}} \
                     (eta {{eta}}) {{msg}}"
                ));
                ProgressBar::new(runs.iter().sum()).with_style(all)
            }
            (None, duration) => {
                let secs = duration.unwrap_or_default().as_secs();
                let timed = style(&format!(
                    "{{prefix:<{width}}} [{{bar:30}}] {{elapsed_precise}} of {} {{msg}}",
                    format_duration(Duration::from_secs(secs))
                ));
                ProgressBar::new(secs.max(1)).with_style(timed)
            }
        };
        let total = multi.add(total.with_prefix("total"));
        Progress {
            multi,
            failures: vec![Cell::new(0); bars.len() + 1],
            tests: bars,
            total,
            timed: duration.map(|d| (start, d)),
        }
    }

    /// Counts a finished run.
    pub fn finished(&self, run: &Run) {
        let bar = &self.tests[run.job.test];
        bar.inc(1);
        let total = self.failures.last().expect("a total");
        if run.outcome.is_failure() {
            let failures = &self.failures[run.job.test];
            failures.set(failures.get() + 1);
            total.set(total.get() + 1);
            bar.set_message(format!("{} failed", failures.get()));
        }
        match self.timed {
            Some(_) => {
                let runs: u64 = self.tests.iter().map(ProgressBar::position).sum();
                let failed = total.get();
                self.total
                    .set_message(format!("{runs} runs, {failed} failed"));
            }
            None => {
                self.total.inc(1);
                if total.get() > 0 {
                    self.total.set_message(format!("{} failed", total.get()));
                }
            }
        }
        self.tick(Instant::now());
    }

    /// Moves a timed session's total bar to `now`.
    pub fn tick(&self, now: Instant) {
        if let Some((start, duration)) = self.timed {
            let elapsed = now.saturating_duration_since(start).min(duration);
            self.total.set_position(elapsed.as_secs());
        }
    }

    /// Prints `line` above the bars, or alone when there are none.
    pub fn note(&self, line: &str) {
        print_above(&self.multi, line);
    }

    /// Takes the bars off the screen.
    pub fn clear(self) {
        let _ = self.multi.clear();
    }
}

/// Prints `line` above the bars of `multi`, or alone when they are not
/// drawn (stdout is no terminal).
pub(crate) fn print_above(multi: &MultiProgress, line: &str) {
    if multi.is_hidden() {
        println!("{line}");
    } else {
        let _ = multi.println(line);
    }
}

/// A bar's style from its template.
pub(crate) fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .expect("a valid template")
        .progress_chars("=> ")
}
