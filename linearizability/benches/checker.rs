//! Checker benchmark: wall time to check the recorded key/value histories,
//! partitioned by key.
//!
//! Run with `cargo bench -p linearizability --bench checker`. Each figure is
//! the median of several checks, measured on the wall clock.

use std::path::Path;
use std::time::Instant;

use linearizability::models::kv::KvModel;
use linearizability::models::kv_log::parse;
use linearizability::{Verdict, check};

const REPS: usize = 7;
const BUDGET: u64 = 100_000_000;
const FIXTURES: [&str; 3] = ["c10-ok", "c50-ok", "c50-bad"];

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kv");
    for name in FIXTURES {
        let path = dir.join(format!("{name}.txt"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let history = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut millis = Vec::with_capacity(REPS);
        let mut last = None;
        for _ in 0..REPS {
            let start = Instant::now();
            let report = check(&KvModel, &history, BUDGET).expect("a well-formed history");
            millis.push(start.elapsed().as_secs_f64() * 1e3);
            last = Some(report);
        }
        millis.sort_by(f64::total_cmp);
        let report = last.expect("at least one repetition");
        let verdict = match report.verdict {
            Verdict::Ok => "Ok",
            Verdict::Illegal(_) => "Illegal",
            Verdict::Unknown => "Unknown",
        };
        println!(
            "checker {:<22} {:>8.1} ms   verdict {verdict:<7}  {} steps",
            format!("{name} (partitioned)"),
            millis[REPS / 2],
            report.steps
        );
    }
}
