//! The batch at a glance: a roster CSV for a spreadsheet or a gradebook,
//! and the same table for people.
//!
//! ```text
//! submission     score     2A  build   replays  ignored  notes
//! alice       10.00/10  10.00  ok      yes            0
//! bob          0.00/10   0.00  failed  -              0  error[E0425]: cannot find value `x` in this scope
//! carol        6.67/10   6.67  ok      no             1  re_election_2a: expected one leader, got none
//! ```

use std::fmt::Write;

use super::junit::round;
use super::record::{GradeRecord, Graded};
use crate::table::{Align, render, shorten};

/// The parts of the rubric, as the columns of the roster.
fn parts(record: &GradeRecord) -> Vec<String> {
    record.plan.rubric.parts.keys().cloned().collect()
}

/// `ok`, `failed`, `timed out`, or `error` for a submission that could
/// not be fetched or assembled.
fn build(graded: &Graded) -> &'static str {
    match (&graded.error, graded.build.ok, graded.build.timed_out) {
        (Some(_), _, _) => "error",
        (None, true, _) => "ok",
        (None, false, true) => "timed out",
        (None, false, false) => "failed",
    }
}

/// Whether its runs replayed: `yes`, `no`, or `-` if none was checked.
fn replays(graded: &Graded) -> &'static str {
    match (graded.determinism.checked, graded.determinism.replays()) {
        (0, _) => "-",
        (_, true) => "yes",
        (_, false) => "no",
    }
}

/// The first thing to know of a submission that lost points.
fn note(graded: &Graded) -> String {
    if let Some(error) = &graded.error {
        return error.lines().next().unwrap_or_default().to_string();
    }
    if let Some(errors) = &graded.build.errors {
        return errors.lines().next().unwrap_or_default().to_string();
    }
    let failing: Vec<&_> = graded
        .tests
        .iter()
        .filter(|t| !t.failures.is_empty())
        .collect();
    match failing.first() {
        None => String::new(),
        Some(test) => {
            let name = test.name.rsplit("::").next().unwrap_or(&test.name);
            let more = match failing.len() {
                1 => String::new(),
                n => format!(" (and {} more tests)", n - 1),
            };
            format!("{name}: {}{more}", test.failures[0].message)
        }
    }
}

/// The roster as CSV, a row per submission.
pub fn csv(record: &GradeRecord) -> String {
    let parts = parts(record);
    let mut text = String::from("submission,score,max");
    for part in &parts {
        let _ = write!(text, ",{}", field(part));
    }
    text.push_str(",build,replays,ignored_files,failing_tests,note\n");
    for graded in &record.submissions {
        let _ = write!(
            text,
            "{},{},{}",
            field(&graded.name),
            round(graded.score),
            round(graded.max)
        );
        for part in &parts {
            let _ = write!(text, ",{}", round(earned(graded, part)));
        }
        let failing = graded
            .tests
            .iter()
            .filter(|t| !t.failures.is_empty())
            .count();
        let _ = writeln!(
            text,
            ",{},{},{},{failing},{}",
            build(graded),
            replays(graded),
            graded.ignored.len(),
            field(&note(graded))
        );
    }
    text
}

/// A CSV field, quoted if it must be. A field a spreadsheet would take
/// for a formula (a note quoting a student's panic, say) is marked as text
/// with a leading `'`.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The roster as a table for the terminal.
pub fn table(record: &GradeRecord) -> String {
    let parts = parts(record);
    let mut header = vec!["submission".to_string(), "score".to_string()];
    header.extend(parts.iter().cloned());
    header.extend(["build", "replays", "ignored", "notes"].map(String::from));
    let mut rows = vec![header];
    for graded in &record.submissions {
        let mut row = vec![
            graded.name.clone(),
            format!("{:.2}/{}", graded.score, round(graded.max)),
        ];
        row.extend(
            parts
                .iter()
                .map(|part| format!("{:.2}", earned(graded, part))),
        );
        row.extend([
            build(graded).to_string(),
            replays(graded).to_string(),
            graded.ignored.len().to_string(),
            shorten(&note(graded), 90),
        ]);
        rows.push(row);
    }
    // The name, then figures: the score, each part's; then words, but
    // for the count of ignored files.
    let mut align = vec![Align::Left];
    align.extend(std::iter::repeat_n(Align::Right, 1 + parts.len()));
    align.extend([Align::Left, Align::Left, Align::Right, Align::Left]);
    render(&rows, &align)
}

/// What `graded` earned in `part`.
fn earned(graded: &Graded, part: &str) -> f64 {
    graded
        .parts
        .iter()
        .find(|p| p.part == part)
        .map_or(0.0, |p| p.earned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-1, or so"), "\"'-1, or so\"");
    }
}
