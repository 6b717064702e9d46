//! `lab stress` as people run it: on the reference, where every run
//! passes, and on a small repository of its own whose tests pass, fail on
//! odd seeds, or hang, so that each way a run can end is seen in the table.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `lab stress` in `root` with `args`.
fn lab(root: &Path, args: &[&str], target_dir: Option<&Path>) -> Output {
    lab_tool(root, "stress", args, target_dir)
}

/// Runs `lab TOOL` in `root` with `args`.
fn lab_tool(root: &Path, tool: &str, args: &[&str], target_dir: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lab"));
    command
        .current_dir(root)
        .arg(tool)
        .args(args)
        .env_remove("LAB_SEEDS");
    if let Some(dir) = target_dir {
        command.env("CARGO_TARGET_DIR", dir);
    }
    command.output().expect("the lab binary runs")
}

/// The table's row of `test`: runs, failures, then the other cells.
fn row<'a>(stdout: &'a str, test: &str) -> Vec<&'a str> {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(test))
        .unwrap_or_else(|| panic!("no row for {test}:\n{stdout}"));
    line.split_whitespace().skip(1).collect()
}

#[test]
fn the_reference_passes_every_2a_test_on_two_seeds() {
    let plan = labtool::handout::Plan::new(&repository()).expect("the repository's plan");
    if plan.regions().count() == 0 {
        // A handout: the student-owned code is the student's, not the
        // reference, and is not expected to pass.
        println!("no SOLUTION regions: this tree is a handout, not the reference");
        return;
    }
    let output = lab(
        &repository(),
        &[
            "--part",
            "2A",
            "--seeds",
            "2",
            "-j",
            "2",
            "--first-seed",
            "1",
        ],
        None,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    // The course's three 2A tests, and the scenarios beyond the course.
    let rows: Vec<&str> = stdout.lines().filter(|l| l.contains("_2a ")).collect();
    assert!(rows.len() >= 3, "{stdout}");
    for line in &rows {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[1..4], ["2", "0", "0.0%"], "{line}");
    }
    let runs = (2 * rows.len()).to_string();
    assert_eq!(
        row(&stdout, "total")[..3],
        [runs.as_str(), "0", "0.0%"],
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("lab stress: {runs} runs in")),
        "{stdout}"
    );
}

/// The suite of the small repository: what its runs see is part of what
/// it checks.
const SUITE: &str = r#"
fn seed() -> u64 {
    std::env::var("LAB_SEED").unwrap().parse().unwrap()
}

#[test]
fn passes_2a() {
    assert_eq!(std::env::var("LAB_RUNTIME").as_deref(), Ok("sim"));
    assert!(std::env::var_os("LAB_SEEDS").is_none());
    assert_eq!(std::env::var("CARGO_PKG_NAME").as_deref(), Ok("tests"));
    assert!(std::env::current_dir().unwrap().ends_with("tests"));
    seed();
}

#[test]
fn fails_on_odd_seeds_2a() {
    let seed = seed();
    assert!(seed % 2 == 0, "seed {seed} is odd");
}

#[test]
fn hangs_2b() {
    std::thread::sleep(std::time::Duration::from_secs(600));
}
"#;

/// A repository with one lab whose suite is [`SUITE`], in a fresh
/// directory named after `test`.
fn small_repository(test: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("labtool-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let files = [
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"tests\"]\nresolver = \"2\"\n",
        ),
        (
            "tests/Cargo.toml",
            "[package]\nname = \"tests\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [[test]]\nname = \"raft\"\npath = \"tests/raft.rs\"\n",
        ),
        ("tests/src/lib.rs", ""),
        ("tests/tests/raft.rs", SUITE),
        ("raft/src/lib.rs", ""),
        (
            "student.toml",
            "[[lab]]\nname = \"raft\"\ntitle = \"Raft\"\nparts = [\"2A\", \"2B\"]\n\
             suite = \"raft\"\npaths = [\"raft/src\"]\n",
        ),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

#[test]
fn failures_and_hangs_are_counted_logged_and_given_a_replay() {
    let root = small_repository("stress");
    let target = root.join("target");
    let args = [
        "--part",
        "2A",
        "--seeds",
        "4",
        "--first-seed",
        "1",
        "-j",
        "2",
    ];
    let output = lab(&root, &args, Some(&target));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("lab: 2 of 8 runs failed or hung"),
        "{stderr}"
    );
    assert_eq!(
        row(&stdout, "passes_2a")[..3],
        ["4", "0", "0.0%"],
        "{stdout}"
    );
    let failing = row(&stdout, "fails_on_odd_seeds_2a").join(" ");
    assert!(
        failing.starts_with("4 2 50.0%") && failing.ends_with("1, 3 seed 1 is odd"),
        "{stdout}"
    );
    assert!(
        stdout.contains("failed: fails_on_odd_seeds_2a seed 3 ("),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "  LAB_RUNTIME=sim LAB_SEED=1 cargo test -p tests --test raft fails_on_odd_seeds_2a \
             -- --exact\n"
        ),
        "{stdout}"
    );
    let logs = target.join("stress");
    let log = std::fs::read_to_string(logs.join("fails_on_odd_seeds_2a-3.log")).unwrap();
    assert!(log.contains("seed 3 is odd"), "{log}");
    assert!(!logs.join("fails_on_odd_seeds_2a-2.log").exists());

    let args = [
        "hangs",
        "--seeds",
        "1",
        "--first-seed",
        "1",
        "--timeout",
        "1",
    ];
    let output = lab(&root, &args, Some(&target));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let hung = row(&stdout, "hangs_2b").join(" ");
    assert!(hung.contains("hung: killed after 1s"), "{stdout}");
    assert!(
        logs.join("hangs_2b-1.log").exists() && logs.join("fails_on_odd_seeds_2a-3.log").exists(),
        "a session keeps the logs of the tests it does not run"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

/// The table in `stdout`, a line of cells each, without the mean wall
/// times: what the same runs give on any machine.
fn table_cells(stdout: &str) -> Vec<Vec<String>> {
    let table = stdout
        .lines()
        .skip_while(|l| !l.starts_with("test "))
        .take_while(|l| !l.is_empty());
    table
        .map(|line| {
            let mut cells: Vec<String> = line.split_whitespace().map(String::from).collect();
            let wall = if line.starts_with("test ") {
                4..6
            } else {
                4..5
            };
            cells.drain(wall);
            cells
        })
        .collect()
}

#[test]
fn the_shares_of_a_plan_merge_into_the_table_of_the_whole() {
    let root = small_repository("merge");
    let target = root.join("target");
    let plan = [
        "--part",
        "2A",
        "--seeds",
        "4",
        "--first-seed",
        "1",
        "-j",
        "2",
    ];
    let session = |extra: &[&str]| {
        let args: Vec<&str> = plan.iter().chain(extra).copied().collect();
        let output = lab(&root, &args, Some(&target));
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.code().is_some(), "{stdout}{stderr}");
        stdout
    };
    let first = session(&["--partition", "1/2", "--json", "share-1.json"]);
    assert!(
        first.contains("(sim), share 1/2: 4 runs, 2 runs at a time"),
        "{first}"
    );
    session(&["--partition", "2/2", "--json", "share-2.json"]);
    let whole = session(&["--json", "whole.json"]);

    let merged = lab_tool(
        &root,
        "merge",
        &["share-2.json", "share-1.json", "--json", "merged.json"],
        None,
    );
    let stdout = String::from_utf8_lossy(&merged.stdout);
    let stderr = String::from_utf8_lossy(&merged.stderr);
    assert_eq!(merged.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("lab: 2 of 8 runs failed or hung"),
        "{stderr}"
    );
    assert_eq!(table_cells(&stdout), table_cells(&whole), "{stdout}{whole}");
    assert_eq!(table_cells(&stdout).len(), 4, "{stdout}");
    assert!(
        stdout.contains(
            "  LAB_RUNTIME=sim LAB_SEED=1 cargo test -p tests --test raft fails_on_odd_seeds_2a \
             -- --exact\n"
        ),
        "{stdout}"
    );

    let read = |file: &str| labtool::stress::merge::read(&root.join(file)).unwrap();
    let (mut merged, mut whole) = (read("merged.json"), read("whole.json"));
    for run in merged.runs.iter_mut().chain(&mut whole.runs) {
        run.wall_ms = 0;
    }
    assert_eq!(merged, whole, "the merged record is the whole plan's");

    let missing = lab_tool(&root, "merge", &["share-1.json"], None);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("share 2/2 of the plan is missing"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
