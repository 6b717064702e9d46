//! `lab logs` on the fixture run logs: the columns, the topic filters, and
//! plain text when stdout is no terminal.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `lab logs` on the raft fixture with `args`, in lines wide enough that no
/// cell wraps: its stdout, or its stderr if it failed.
fn logs(args: &[&str]) -> Result<String, String> {
    logs_in(400, args)
}

/// `lab logs` on the raft fixture with `args`, in lines of `width`.
fn logs_in(width: usize, args: &[&str]) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_lab"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .arg("logs")
        .arg(fixture("persist3_2c-7.jsonl"))
        .args(["--width", &width.to_string()])
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the lab binary runs");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8(out.stderr).unwrap())
    }
}

/// The tags that open the cells of `text`'s event lines.
fn tags(text: &str) -> Vec<&str> {
    let mut tags: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(|c: char| c == ' ' || c.is_ascii_digit()))
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .filter_map(|l| {
            l.split(['│', ' '])
                .find(|w| w.chars().all(|c| c.is_ascii_uppercase()) && !w.is_empty())
        })
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// The column (in characters) where `needle` starts in the first line
/// that holds it.
fn column_of(text: &str, needle: &str) -> usize {
    let line = text
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line holds {needle:?}:\n{text}"));
    line[..line.find(needle).unwrap()].chars().count()
}

#[test]
fn every_event_sits_in_its_peers_column_in_plain_text() {
    let text = logs(&[]).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("persistence::persist3_2c, seed 7, sim"));
    assert_eq!(
        lines.next(),
        Some(
            "replay: LAB_RUNTIME=sim LAB_SEED=7 cargo test -p tests --test raft \
             persistence::persist3_2c -- --exact"
        )
    );
    assert!(!text.contains('\x1b'), "no colours when stdout is a pipe");
    assert_eq!(
        tags(&text),
        ["APPLY", "ELECT", "NET", "PERS", "REPL", "TEST"]
    );
    // Peer 0 wins term 4; peer 1 refuses appends; the harness's and the
    // network's events are in the first column.
    assert_eq!(
        column_of(&text, "ELECT leader term 4"),
        column_of(&text, "peer 0")
    );
    assert_eq!(
        column_of(&text, "REPL append from 0 term 4 prev 3 +0: refused"),
        column_of(&text, "peer 1")
    );
    assert_eq!(
        column_of(&text, "NET Raft.AppendEntries 0→2: unreachable"),
        12
    );
    assert_eq!(column_of(&text, "TEST crash 1"), 12);
    let failure = text
        .lines()
        .find(|l| l.contains("FAILED"))
        .unwrap_or_else(|| panic!("no failure in\n{text}"));
    assert!(
        failure.starts_with(" 12.310000  TEST FAILED: one(104)"),
        "{failure}"
    );
}

#[test]
fn cells_wrap_within_their_columns() {
    let text = logs_in(100, &[]).unwrap();
    // The replay command is never cut: it is copied whole.
    let table = text.lines().skip(2);
    assert!(table.clone().all(|l| l.chars().count() <= 100), "{text}");
    let at = text.find(" 12.310000  TEST FAILED:").unwrap();
    let lines: Vec<&str> = text[at..].lines().collect();
    assert!(lines.len() > 1, "the failure's message wraps: {lines:#?}");
    assert!(lines[1].starts_with("            "), "{lines:#?}");
}

#[test]
fn only_and_ignore_choose_topics_and_the_failure_always_shows() {
    let elections = logs(&["--only", "election"]).unwrap();
    assert_eq!(tags(&elections), ["ELECT", "TEST"]);
    assert!(elections.contains("ELECT vote for 2 term 3: refused"));
    assert_eq!(
        elections.lines().filter(|l| l.contains("TEST")).count(),
        1,
        "only the failure of the harness:\n{elections}"
    );

    let quiet = logs(&["--ignore", "net,persist", "--ignore", "harness"]).unwrap();
    assert_eq!(tags(&quiet), ["APPLY", "ELECT", "REPL", "TEST"]);
    assert!(quiet.contains("FAILED"));
    assert!(!quiet.contains("TEST crash"));

    let both = logs(&["--only", "election,replication", "--ignore", "replication"]).unwrap();
    assert_eq!(tags(&both), ["ELECT", "TEST"]);
    assert_eq!(
        logs(&["--only", "ELECTION", "--no-color"]).unwrap(),
        elections
    );
}

#[test]
fn an_unknown_topic_filter_is_refused_naming_the_topics() {
    let error = logs(&["--only", "electon"]).unwrap_err();
    assert!(
        error.contains(
            "no topic \"electon\": the topics are apply, election, harness, kv, net, persist, replication, snapshot"
        ),
        "{error}"
    );
}

#[test]
fn a_kv_run_shows_its_clients_calls_in_the_first_column() {
    let out = Command::new(env!("CARGO_BIN_EXE_lab"))
        .arg("logs")
        .arg(fixture("one_partition_3a-11.jsonl"))
        .args(["--width", "400", "--only", "kv"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("KV client 0 call 1: Put 0=\"x 0 0 y\""),
        "{text}"
    );
    assert!(
        text.contains("KV client 1 return 4: Get 0 → \"x 0 0 yx 0 1 yx 0 1 y\""),
        "{text}"
    );
    // The server's own kv events are in its column.
    assert_eq!(column_of(&text, "KV submit"), column_of(&text, "peer 3"));
}
