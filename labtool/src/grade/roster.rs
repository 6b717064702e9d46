//! The batch at a glance: a roster CSV for a spreadsheet or a gradebook,
//! and the same table for people.
//!
//! ```text
//! submission   score     2A  build   replays  ignored  notes
//! alice        10.00  10.00  ok      yes            0
//! bob           0.00   0.00  failed  -              0  error[E0425]: cannot find value `x` in this scope
//! carol         6.67   6.67  ok      no             1  re_election_2a: expected one leader, got none
//! ```

use std::fmt::Write;

use super::junit::round;
use super::record::{GradeRecord, Graded};

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
        return error.clone();
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
            let earned = graded
                .parts
                .iter()
                .find(|p| &p.part == part)
                .map_or(0.0, |p| p.earned);
            let _ = write!(text, ",{}", round(earned));
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

/// A CSV field, quoted if it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The roster as a table for the terminal.
pub fn table(record: &GradeRecord) -> String {
    let parts = parts(record);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["submission".to_string(), "score".to_string()];
    header.extend(parts.iter().cloned());
    header.extend(["build", "replays", "ignored", "notes"].map(String::from));
    rows.push(header);
    for graded in &record.submissions {
        let mut row = vec![
            graded.name.clone(),
            format!("{:.2}/{}", graded.score, round(graded.max)),
        ];
        for part in &parts {
            let earned = graded
                .parts
                .iter()
                .find(|p| &p.part == part)
                .map_or(0.0, |p| p.earned);
            row.push(format!("{earned:.2}"));
        }
        let mut note = note(graded);
        if note.chars().count() > 90 {
            note = note.chars().take(89).collect::<String>() + "…";
        }
        row.extend([
            build(graded).to_string(),
            replays(graded).to_string(),
            graded.ignored.len().to_string(),
            note,
        ]);
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut text = String::new();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            // Names and notes read left to right; figures line up right.
            let numeric = c > 0 && c < 2 + parts.len();
            if numeric {
                let _ = write!(line, "{}{cell}  ", " ".repeat(pad));
            } else if c + 1 == columns {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell}{}  ", " ".repeat(pad));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
