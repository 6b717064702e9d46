//! `lab grade` as instructors run it: on a small framework of its own,
//! where five submissions each end a different way (full marks, a stub
//! that rewrote the tests, a partly passing one that does not replay, a
//! hang, a build error), with the shares of the batch merged; and on the
//! real labs, with the reference, the handout and a broken variant.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use labtool::grade::merge;
use labtool::grade::record::{GradeRecord, Graded};
use labtool::grade::submission::Change;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `lab TOOL args` in `root`.
fn lab(root: &Path, tool: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .current_dir(root)
        .arg(tool)
        .args(args)
        .env_remove("LAB_SEEDS")
        .output()
        .expect("the lab binary runs")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=lab", "-c", "user.email=lab@example.org"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The small framework's suite: each test asks the student's crate one
/// thing.
const SUITE: &str = r#"
fn seed() -> u64 {
    std::env::var("LAB_SEED").unwrap().parse().unwrap()
}

#[test]
fn basic_2a() {
    assert_eq!(raft::basic(), 1, "basic() is wrong");
}

#[test]
fn seeded_2a() {
    assert!(raft::seeded(seed()), "seeded() fails on seed {}", seed());
}

#[test]
fn stays_2b() {
    raft::stays();
}

#[test]
fn traced_2b() {
    println!("  seed {} trace {:08x}", seed(), raft::trace(seed()));
}
"#;

/// The student's crate of the reference.
const FULL: &str = r#"
pub fn basic() -> u64 { 1 }
pub fn seeded(_seed: u64) -> bool { true }
pub fn stays() {}
pub fn trace(seed: u64) -> u64 { seed * 7 }
"#;

/// A small framework: a workspace of a student-owned `raft` crate (with
/// one framework file among its sources) and the `tests` crate, in git.
fn small_framework(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("labtool-grade-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"raft\", \"tests\"]\nresolver = \"2\"\n",
            ),
            (
                "raft/Cargo.toml",
                "[package]\nname = \"raft\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("raft/src/lib.rs", FULL),
            ("raft/src/persister.rs", "// the framework's\n"),
            (
                "tests/Cargo.toml",
                "[package]\nname = \"tests\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\nraft = { path = \"../raft\" }\n\n\
                 [[test]]\nname = \"raft\"\npath = \"tests/raft.rs\"\n",
            ),
            ("tests/src/lib.rs", ""),
            ("tests/tests/raft.rs", SUITE),
            (
                "student.toml",
                "[[lab]]\nname = \"raft\"\ntitle = \"Raft\"\nparts = [\"2A\", \"2B\"]\n\
                 suite = \"raft\"\npaths = [\"raft/src\"]\nframework = [\"raft/src/persister.rs\"]\n",
            ),
            (".gitignore", "/target\n"),
            (
                "rubric.toml",
                "pass = \"proportional\"\n[parts]\n2A = 10\n2B = 10\n",
            ),
        ],
    );
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "framework"]);
    root
}

/// The five submissions, in `root/submissions`; `partial` is a git
/// repository, graded by its address.
fn submissions(root: &Path) -> Vec<String> {
    let dir = root.join("submissions");
    write(
        &dir,
        &[
            ("full/raft/src/lib.rs", FULL),
            (
                "stub/raft/src/lib.rs",
                "pub fn basic() -> u64 { unimplemented!(\"basic\") }\n\
                 pub fn seeded(_s: u64) -> bool { unimplemented!(\"seeded\") }\n\
                 pub fn stays() { unimplemented!(\"stays\") }\n\
                 pub fn trace(_s: u64) -> u64 { unimplemented!(\"trace\") }\n",
            ),
            // The stub rewrites the tests it is graded by, and the
            // framework's file among its own.
            (
                "stub/tests/tests/raft.rs",
                "#[test] fn basic_2a() {}\n#[test] fn seeded_2a() {}\n\
                 #[test] fn stays_2b() {}\n#[test] fn traced_2b() {}\n",
            ),
            ("stub/raft/src/persister.rs", "// mine now\n"),
            (
                "partial/raft/src/lib.rs",
                "use std::time::SystemTime;\n\
                 pub fn basic() -> u64 { 1 }\n\
                 pub fn seeded(seed: u64) -> bool { seed % 2 == 0 }\n\
                 pub fn stays() {}\n\
                 pub fn trace(_seed: u64) -> u64 {\n    \
                     SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64\n}\n",
            ),
            (
                "hangs/raft/src/lib.rs",
                "pub fn basic() -> u64 { 1 }\npub fn seeded(_s: u64) -> bool { true }\n\
                 pub fn stays() { loop { std::thread::sleep(std::time::Duration::from_secs(1)); } }\n\
                 pub fn trace(seed: u64) -> u64 { seed }\n",
            ),
            ("broken/raft/src/lib.rs", "pub fn basic() -> u64 { x }\n"),
            // Ends the test process with status 0 in one test.
            (
                "exits/raft/src/lib.rs",
                &FULL.replace(
                    "pub fn basic() -> u64 { 1 }",
                    "pub fn basic() -> u64 { std::process::exit(0) }",
                ),
            ),
        ],
    );
    let partial = dir.join("partial");
    git(&partial, &["init", "-q"]);
    git(&partial, &["add", "."]);
    git(&partial, &["commit", "-qm", "mine"]);
    let address = format!("file://{}", partial.display());
    ["full", "stub", "hangs", "broken", "exits"]
        .iter()
        .map(|name| dir.join(name).display().to_string())
        .chain([address])
        .collect()
}

/// `lab grade` of `submissions` on seeds 1 and 2, with `extra` arguments.
fn grade(root: &Path, submissions: &[String], extra: &[&str]) -> Output {
    let mut args = vec![
        "--rubric",
        "rubric.toml",
        "--seeds",
        "2",
        "--timeout",
        "2",
        "-j",
        "2",
    ];
    args.extend(extra);
    args.extend(submissions.iter().map(String::as_str));
    lab(root, "grade", &args)
}

fn graded<'a>(record: &'a GradeRecord, name: &str) -> &'a Graded {
    record
        .submissions
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no grade for {name}: {record:#?}"))
}

fn test<'a>(graded: &'a Graded, name: &str) -> &'a labtool::grade::record::TestScore {
    graded.tests.iter().find(|t| t.name == name).unwrap()
}

#[test]
fn each_way_a_submission_can_end_is_graded_and_the_shares_merge_into_the_whole() {
    let root = small_framework("batch");
    let submissions = submissions(&root);
    let output = grade(&root, &submissions, &["--out", "whole"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    let record = merge::read(&root.join("whole/grade.json")).unwrap();
    let names: Vec<&str> = record.submissions.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        ["broken", "exits", "full", "hangs", "partial", "stub"]
    );

    let full = graded(&record, "full");
    assert_eq!((full.score, full.max), (20.0, 20.0), "{full:#?}");
    assert!(full.determinism.replays() && full.determinism.checked == 4);
    assert!(full.ignored.is_empty(), "{:?}", full.ignored);

    // The stub's own tests, which would all pass, are not what it is
    // graded by; neither its edit of the framework's file.
    let stub = graded(&record, "stub");
    assert_eq!(stub.score, 0.0, "{stub:#?}");
    let ignored: Vec<(&str, Change)> = stub
        .ignored
        .iter()
        .map(|i| (i.path.as_str(), i.change))
        .collect();
    assert_eq!(
        ignored,
        [
            ("raft/src/persister.rs", Change::Modified),
            ("tests/tests/raft.rs", Change::Modified),
        ]
    );
    let basic = test(stub, "basic_2a");
    assert_eq!((basic.runs, basic.passed), (2, 0));
    assert!(basic.failures[0].message.contains("basic"), "{basic:#?}");

    // Half of seeded's seeds fail: half its points, proportionally; and
    // its traces differ, for the reason its code gives.
    let partial = graded(&record, "partial");
    assert_eq!(partial.score, 17.5, "{partial:#?}");
    assert!(partial.source.starts_with("file://"));
    let seeded = test(partial, "seeded_2a");
    assert_eq!(seeded.failures.len(), 1);
    assert_eq!(seeded.failures[0].seed, Some(1));
    assert!(
        seeded.failures[0]
            .replay
            .as_deref()
            .is_some_and(|r| r.contains("LAB_SEED=1")),
        "{seeded:#?}"
    );
    let log = seeded.failures[0].log.as_deref().unwrap();
    assert_eq!(log, "submissions/partial/logs/sim/seeded_2a-1.log");
    let differences = &partial.determinism.differences;
    assert_eq!(differences.len(), 1, "{differences:#?}");
    assert_eq!(differences[0].test, "traced_2b");
    assert_eq!(
        partial.determinism.suspects[0].path, "raft/src/lib.rs",
        "{:#?}",
        partial.determinism
    );
    assert!(partial.determinism.suspects[0].why.contains("SystemTime"));

    // A hang costs its own runs their time limit, and only those.
    let hangs = graded(&record, "hangs");
    assert_eq!(hangs.score, 15.0, "{hangs:#?}");
    let stays = test(hangs, "stays_2b");
    assert!(
        stays
            .failures
            .iter()
            .all(|f| f.message.starts_with("hung: killed after 2s"))
    );
    assert!(stays.wall_ms < 30_000, "{stays:#?}");

    // Status 0 from a test process is no pass without the test's verdict.
    let exits = graded(&record, "exits");
    assert_eq!(exits.score, 15.0, "{exits:#?}");
    assert!(
        test(exits, "basic_2a").failures[0]
            .message
            .contains("exited with status 0"),
        "{exits:#?}"
    );

    let broken = graded(&record, "broken");
    assert_eq!((broken.score, broken.build.ok), (0.0, false));
    let errors = broken.build.errors.as_deref().unwrap();
    assert!(errors.starts_with("error[E0425]"), "{errors}");
    assert!(root.join("whole/submissions/broken/build.log").exists());

    // The reports: JUnit that a parser reads, and the roster.
    let junit = std::fs::read_to_string(root.join("whole/submissions/partial/junit.xml")).unwrap();
    let xml = roxmltree::Document::parse(&junit).expect("well-formed JUnit");
    let suites = xml.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("4"));
    assert_eq!(suites.attribute("failures"), Some("1"));
    let failed: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| n.parent().unwrap().attribute("name").unwrap())
        .collect();
    assert_eq!(failed, ["seeded_2a"]);
    let junit = std::fs::read_to_string(root.join("whole/submissions/broken/junit.xml")).unwrap();
    let xml = roxmltree::Document::parse(&junit).expect("well-formed JUnit");
    assert_eq!(xml.root_element().attribute("errors"), Some("5"));
    let roster = std::fs::read_to_string(root.join("whole/roster.csv")).unwrap();
    let lines: Vec<&str> = roster.lines().collect();
    assert_eq!(
        lines[0],
        "submission,score,max,2A,2B,build,replays,ignored_files,failing_tests,note"
    );
    assert!(
        lines[3].starts_with("full,20,20,10,10,ok,yes,0,0,"),
        "{roster}"
    );
    assert!(
        lines[5].starts_with("partial,17.5,20,7.5,10,ok,no,0,1,"),
        "{roster}"
    );

    // Two machines' shares, merged, are the whole batch's grade.
    for share in ["1/2", "2/2"] {
        let out = format!("share-{}", &share[..1]);
        let output = grade(&root, &submissions, &["--partition", share, "--out", &out]);
        assert!(output.status.success(), "{output:?}");
    }
    let merged = lab(
        &root,
        "merge",
        &[
            "share-2/grade.json",
            "share-1/grade.json",
            "--json",
            "merged.json",
            "--csv",
            "merged.csv",
        ],
    );
    let stdout = String::from_utf8_lossy(&merged.stdout);
    assert!(merged.status.success(), "{merged:?}");
    assert!(
        stdout.contains("lab merge: 6 submissions from 2 files"),
        "{stdout}"
    );
    let merged = merge::read(&root.join("merged.json")).unwrap();
    let timeless = |record: &GradeRecord| -> Vec<Graded> {
        record
            .submissions
            .iter()
            .map(|g| {
                let mut g = g.without_times();
                // The runs that differ from run to run are the point of
                // the determinism check; what they showed is not.
                for difference in &mut g.determinism.differences {
                    difference.first.clear();
                    difference.second.clear();
                }
                g
            })
            .collect()
    };
    assert_eq!(merged.plan, record.plan);
    assert_eq!(timeless(&merged), timeless(&record));
    assert_eq!(
        std::fs::read_to_string(root.join("merged.csv")).unwrap(),
        roster
    );
    let one = lab(&root, "merge", &["share-1/grade.json"]);
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert!(
        stderr.contains("share 2/2 of the plan is missing"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_secret_seed_file_keeps_seeds_out_of_the_students_reports() {
    let root = small_framework("secret");
    let submission = root.join("submissions/partial");
    write(
        &submission,
        &[(
            "raft/src/lib.rs",
            &FULL.replace(
                "pub fn seeded(_seed: u64) -> bool { true }",
                "pub fn seeded(seed: u64) -> bool { seed != 987654 }",
            ),
        )],
    );
    std::fs::write(root.join("seeds.txt"), "5, 987654\n23\n").unwrap();
    let args = [
        "--rubric",
        "rubric.toml",
        "--seed-file",
        "seeds.txt",
        submission.to_str().unwrap(),
    ];
    let output = lab(&root, "grade", &args);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("on 3 secret seeds"), "{stdout}");
    let out = root.join("target/grade");
    let record = merge::read(&out.join("grade.json")).unwrap();
    assert_eq!(record.plan.seeds, [5, 987654, 23]);
    let seeded = test(&record.submissions[0], "seeded_2a");
    let failure = &seeded.failures[0];
    assert_eq!(failure.seed, Some(987654), "the instructor's record has it");
    let log = failure.log.as_deref().unwrap();
    assert!(log.starts_with("secret-logs/partial/sim/"), "{log}");
    assert!(out.join(log).exists(), "{log}");
    let own = out.join("submissions/partial");
    assert!(
        !own.join("logs").exists(),
        "no log in the student's directory"
    );
    for (file, redacted) in [("report.json", "<seed>"), ("junit.xml", "&lt;seed&gt;")] {
        let report = std::fs::read_to_string(own.join(file)).unwrap();
        let message = format!("seeded() fails on seed {redacted}");
        assert!(report.contains(&message), "{report}");
        assert!(!report.contains("987654"), "{report}");
        assert!(!report.contains("LAB_SEED"), "{report}");
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_test_that_hangs_twice_runs_no_more_seeds() {
    let root = small_framework("hangs");
    let submission = root.join("submissions/hangs");
    write(
        &submission,
        &[(
            "raft/src/lib.rs",
            &FULL.replace(
                "pub fn stays() {}",
                "pub fn stays() { loop { std::thread::sleep(std::time::Duration::from_secs(1)); } }",
            ),
        )],
    );
    let args = [
        "--rubric",
        "rubric.toml",
        "--seeds",
        "4",
        "--timeout",
        "1",
        "-j",
        "1",
        submission.to_str().unwrap(),
    ];
    let output = lab(&root, "grade", &args);
    assert!(output.status.success(), "{output:?}");
    let record = merge::read(&root.join("target/grade/grade.json")).unwrap();
    let hangs = &record.submissions[0];
    let stays = test(hangs, "stays_2b");
    let messages: Vec<&str> = stays.failures.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages.len(), 4, "{stays:#?}");
    assert!(
        messages[..2]
            .iter()
            .all(|m| m.starts_with("hung: killed after 1s")),
        "{messages:?}"
    );
    assert!(
        messages[2..]
            .iter()
            .all(|m| *m == "not run: the test hung on 2 earlier seeds"),
        "{messages:?}"
    );
    assert_eq!(
        hangs.determinism.checked, 3,
        "a test whose first seed hung is not run again"
    );
    assert_eq!(hangs.score, 15.0);
    std::fs::remove_dir_all(&root).unwrap();
}

/// The reference scores full marks, the handout none (though it rewrote
/// the very tests), and a reference that needs every vote to win an
/// election passes only the tests where no peer is cut off; its failures
/// end with the table of every peer, the replay and the replay's log.
#[test]
fn the_reference_the_handout_and_a_broken_variant_score_full_zero_and_partial() {
    let plan = labtool::handout::Plan::new(&repository()).expect("the repository's plan");
    if plan.regions().count() == 0 {
        println!("no SOLUTION regions: this tree is a handout, not the reference");
        return;
    }
    let scratch = std::env::temp_dir().join(format!("labtool-grade-labs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let handout = scratch.join("handout");
    plan.write(&handout).unwrap();
    let election = handout.join("tests/tests/raft/election.rs");
    let rewritten = std::fs::read_to_string(&election).unwrap().replace(
        "fn initial_election_2a() {",
        "fn initial_election_2a() { return;",
    );
    std::fs::write(&election, rewritten).unwrap();

    // The broken variant hands in its student-owned files alone.
    let broken = scratch.join("needs-every-vote");
    for (path, _) in plan.stripped.iter() {
        let target = broken.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(repository().join(path), &target).unwrap();
    }
    let election_rs = broken.join("raft/src/election.rs");
    let source = std::fs::read_to_string(&election_rs).unwrap();
    let majority = "if quorum::is_majority(granted, self.peers) {";
    assert!(
        source.contains(majority),
        "the variant's bug no longer applies"
    );
    std::fs::write(
        &election_rs,
        source.replace(majority, "if granted == self.peers {"),
    )
    .unwrap();

    let rubric = scratch.join("rubric.toml");
    std::fs::write(&rubric, "[parts]\n2A = 15\n").unwrap();
    let out = scratch.join("out");
    let reference = std::fs::canonicalize(repository()).unwrap();
    let reference_name = reference.file_name().unwrap().to_str().unwrap();
    let args = [
        "--rubric",
        rubric.to_str().unwrap(),
        "--seeds",
        "1",
        "--out",
        out.to_str().unwrap(),
        reference.to_str().unwrap(),
        handout.to_str().unwrap(),
        broken.to_str().unwrap(),
    ];
    let output = lab(&repository(), "grade", &args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record = merge::read(&out.join("grade.json")).unwrap();
    let scores: Vec<(&str, f64)> = ["handout", "needs-every-vote", reference_name]
        .iter()
        .map(|name| (*name, graded(&record, name).score))
        .collect();
    // The broken variant passes 2 of the 7 tests of 2A.
    let partial = 15.0 * 2.0 / 7.0;
    assert!(
        scores.len() == 3
            && scores[0] == ("handout", 0.0)
            && scores[1].0 == "needs-every-vote"
            && (scores[1].1 - partial).abs() < 1e-6
            && scores[2] == (reference_name, 15.0),
        "{scores:?}\n{stdout}"
    );
    let handout = graded(&record, "handout");
    assert!(
        handout
            .ignored
            .iter()
            .any(|i| i.path == "tests/tests/raft/election.rs" && i.change == Change::Modified),
        "{:?}",
        handout.ignored
    );
    let first = &test(handout, "election::initial_election_2a").failures[0].message;
    assert_eq!(first, "expected one leader, got none");
    let broken = graded(&record, "needs-every-vote");
    assert!(broken.from_handout.is_empty(), "{:?}", broken.from_handout);
    assert!(broken.determinism.replays(), "{:#?}", broken.determinism);
    let failing: Vec<&str> = broken
        .tests
        .iter()
        .filter(|t| !t.failures.is_empty())
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        failing,
        [
            "beyond::split_vote_2a",
            "beyond_links::deposed_leader_hears_replies_2a",
            "beyond_links::stale_heartbeats_2a",
            "election::many_elections_2a",
            "election::re_election_2a"
        ]
    );

    // Its failure ends with the table of every peer and the replay command.
    // The grader replays nothing for a log; the student's replay does, and
    // `lab view` draws that log.
    let failure = &test(broken, "election::re_election_2a").failures[0];
    let output = std::fs::read_to_string(out.join(failure.log.as_deref().unwrap())).unwrap();
    assert!(
        output.contains("peer  connected  alive  term  leader"),
        "{output}"
    );
    assert!(
        output.contains("  replay: LAB_RUNTIME=sim LAB_SEED="),
        "{output}"
    );
    assert!(!output.contains("  log: "), "the grader replayed: {output}");
    let bin = out.join("work/needs-every-vote/bin");
    let raft = std::fs::read_dir(&bin)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("raft-"))
        })
        .unwrap_or_else(|| panic!("no raft suite in {}", bin.display()));
    let replayed = std::process::Command::new(raft)
        .args(["election::re_election_2a", "--exact"])
        .env("LAB_RUNTIME", "sim")
        .env("LAB_SEED", failure.seed.unwrap().to_string())
        .env("LAB_LOG_DIR", scratch.join("lab-logs"))
        .env_remove("LAB_SEEDS")
        .env_remove("LAB_LOG")
        .env_remove("LAB_REPLAY_LOG")
        .output()
        .unwrap();
    let output = String::from_utf8_lossy(&replayed.stdout);
    assert!(
        output.contains("peer  connected  alive  term  leader"),
        "{output}"
    );
    let replay_log = output
        .lines()
        .find_map(|line| line.strip_prefix("  log: "))
        .and_then(|rest| rest.split(" (the replay").next())
        .unwrap_or_else(|| panic!("no replay log in {output}"));
    let page = scratch.join("re_election.html");
    let view = lab(
        &repository(),
        "view",
        &[replay_log, "-o", page.to_str().unwrap()],
    );
    assert!(view.status.success(), "{view:?}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("expected one leader, got none"),
        "the page holds the failure"
    );
    std::fs::remove_dir_all(&scratch).unwrap();
}
