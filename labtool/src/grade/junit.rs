//! A submission's grade as JUnit XML, the format learning-management
//! systems and CI servers read: a `<testsuite>` per part, a `<testcase>`
//! per graded test, its points as properties, its failed runs in its
//! `<failure>`. A submission that did not build has an `<error>` in every
//! test case, with the compiler's errors in a `build` case of its own.
//!
//! ```xml
//! <testsuites name="alice" tests="3" failures="1" errors="0" time="4.210">
//!   <testsuite name="2A" tests="3" failures="1" errors="0" time="4.210">
//!     <testcase classname="raft.election" name="re_election_2a" time="0.912">
//!       <properties><property name="points" value="3.33"/><property name="earned" value="0"/>…</properties>
//!       <failure type="failed" message="1 of 3 runs failed: expected one leader, got none">…</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```

use std::fmt::Write;

use super::record::{Failure, Graded, TestScore};
use crate::markup::escape;

/// The JUnit XML of `graded`.
pub fn render(graded: &Graded) -> String {
    let mut parts: Vec<Option<&str>> = Vec::new();
    for test in &graded.tests {
        if !parts.contains(&test.part.as_deref()) {
            parts.push(test.part.as_deref());
        }
    }
    let build_failed = !graded.build.ok;
    let failures = graded.tests.iter().filter(|t| failed(t)).count();
    let errors = if build_failed {
        graded.tests.len() + 1
    } else {
        0
    };
    let tests = graded.tests.len() + usize::from(build_failed);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" \
         time=\"{}\">",
        escape(&graded.name),
        seconds(graded.tests.iter().map(|t| t.wall_ms).sum())
    );
    if build_failed {
        let (message, text) = match (&graded.error, &graded.build.errors) {
            (Some(error), _) => ("the submission could not be fetched", error.as_str()),
            (None, errors) => (
                "the submission does not build",
                errors.as_deref().unwrap_or("the submission does not build"),
            ),
        };
        let _ = writeln!(
            xml,
            "  <testsuite name=\"build\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"{}\">\n    \
             <testcase classname=\"build\" name=\"build\" time=\"{0}\">\n      \
             <error type=\"build\" message=\"{message}\">{}</error>\n    \
             </testcase>\n  </testsuite>",
            seconds(graded.build.wall_ms),
            escape(text)
        );
    }
    for part in parts {
        let members: Vec<&TestScore> = graded
            .tests
            .iter()
            .filter(|t| t.part.as_deref() == part)
            .collect();
        let failures = members.iter().filter(|t| failed(t)).count();
        let errors = if build_failed { members.len() } else { 0 };
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" \
             time=\"{}\">",
            escape(part.unwrap_or("other")),
            members.len(),
            seconds(members.iter().map(|t| t.wall_ms).sum())
        );
        for test in members {
            testcase(&mut xml, test, build_failed);
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Whether a test that ran had a run fail or hang.
fn failed(test: &TestScore) -> bool {
    !test.failures.is_empty()
}

fn testcase(xml: &mut String, test: &TestScore, build_failed: bool) {
    let (module, name) = match test.name.rsplit_once("::") {
        Some((module, name)) => (
            format!("{}.{}", test.suite, module.replace("::", ".")),
            name,
        ),
        None => (test.suite.clone(), test.name.as_str()),
    };
    let _ = writeln!(
        xml,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">",
        escape(&module),
        escape(name),
        seconds(test.wall_ms)
    );
    xml.push_str("      <properties>");
    for (property, value) in [
        ("points", format!("{}", round(test.points))),
        ("earned", format!("{}", round(test.earned))),
        ("runs", test.runs.to_string()),
        ("passed", test.passed.to_string()),
    ] {
        let _ = write!(
            xml,
            "<property name=\"{property}\" value=\"{}\"/>",
            escape(&value)
        );
    }
    xml.push_str("</properties>\n");
    if build_failed {
        xml.push_str(
            "      <error type=\"build\" message=\"not run: the submission was not built\"/>\n",
        );
    } else if let Some(first) = test.failures.first() {
        let mut body = String::new();
        for run in &test.failures {
            let seed = run.seed.map_or_else(String::new, |s| format!(" seed {s}"));
            let _ = writeln!(body, "{}{seed}: {}", run.mode, run.message);
            if let Some(replay) = &run.replay {
                let _ = writeln!(body, "  replay: {replay}");
            }
        }
        let kind = match first.outcome {
            Failure::Hung => "hung",
            Failure::Failed | Failure::NotRun => "failed",
        };
        let _ = writeln!(
            xml,
            "      <failure type=\"{kind}\" message=\"{}\">{}</failure>",
            escape(&format!(
                "{} of {} runs failed: {}",
                test.failures.len(),
                test.runs,
                first.message
            )),
            escape(&body)
        );
    }
    xml.push_str("    </testcase>\n");
}

/// Points to two decimals, as the reports show them.
pub fn round(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a<b & \"c\" \u{1b}[31mred\n"),
            "a&lt;b &amp; &quot;c&quot; \u{FFFD}[31mred\n"
        );
    }

    #[test]
    fn seconds_have_three_decimals() {
        assert_eq!(seconds(4210), "4.210");
        assert_eq!(seconds(7), "0.007");
    }
}
