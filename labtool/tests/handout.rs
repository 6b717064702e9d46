//! The handout made from this repository: it gives the reference back byte
//! for byte, holds no line of it, and tells the student what they own; and
//! the leak check catches a stub that gives a reference line away.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use labtool::handout::{HandoutError, Plan};
use labtool::manifest::{Manifest, Owner};
use labtool::regions;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("labtool-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn putting_the_regions_back_gives_every_student_file_byte_for_byte() {
    let root = repository();
    let plan = Plan::new(&root).unwrap();
    for (path, stripped) in &plan.stripped {
        let original = std::fs::read_to_string(root.join(path)).unwrap();
        let restored = regions::restore(&stripped.text, &stripped.regions);
        assert!(
            restored == original,
            "{} does not round-trip",
            path.display()
        );
    }
}

#[test]
fn every_student_owned_file_is_in_the_plan_and_solution_only_files_are_left_out() {
    let root = repository();
    let plan = Plan::new(&root).unwrap();
    let manifest = Manifest::load(&root).unwrap();
    for file in manifest.files(&root).unwrap() {
        let planned = match file.owner {
            Owner::Student => plan.stripped.contains_key(&file.path),
            Owner::Framework => plan.verbatim.contains(&file.path),
            Owner::SolutionOnly => plan.omitted.contains(&file.path),
        };
        assert!(
            planned,
            "{} ({:?}) is not planned as such",
            file.path.display(),
            file.owner
        );
    }
}

#[test]
fn the_written_handout_has_no_marker_and_a_readme_naming_the_students_files() {
    let root = repository();
    let plan = Plan::new(&root).unwrap();
    let out = scratch("handout");
    plan.write(&out).unwrap();
    for (path, stripped) in &plan.stripped {
        let written = std::fs::read_to_string(out.join(path)).unwrap();
        assert_eq!(written, stripped.text);
        assert!(
            !written.contains("SOLUTION"),
            "{} keeps a marker",
            path.display()
        );
    }
    for path in &plan.omitted {
        assert!(
            !out.join(path).exists(),
            "{} is in the handout",
            path.display()
        );
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    for path in plan.stripped.keys() {
        assert!(readme.contains(&format!("`{}`", path.display())));
    }
    assert!(readme.contains("std::thread::sleep") && readme.contains("HashMap"));
    assert!(
        plan.write(&out).is_err(),
        "a second write into a full directory"
    );
    std::fs::remove_dir_all(&out).unwrap();
}

/// A repository of one lab whose only region has `stub` for its stub.
fn tiny_repository(stub: &str) -> PathBuf {
    let root = scratch("tiny");
    std::fs::write(
        root.join("student.toml"),
        "[[lab]]\nname = \"raft\"\ntitle = \"Raft\"\nparts = [\"2A\"]\nsuite = \"raft\"\npaths = [\"raft/src\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("raft/src")).unwrap();
    let source = format!(
        "pub fn get_state() -> (u64, bool) {{\n    // SOLUTION BEGIN\n    \
         (self.current_term, self.is_leader())\n    // SOLUTION STUB\n    // {stub}\n    \
         // SOLUTION END\n}}\n"
    );
    std::fs::write(root.join("raft/src/lib.rs"), source).unwrap();
    let git = Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(&root)
        .status();
    assert!(git.unwrap().success());
    root
}

#[test]
fn a_stub_that_repeats_a_reference_line_is_a_leak() {
    let root = tiny_repository("(self.current_term, self.is_leader())");
    let out = root.join("out");
    match Plan::new(&root).unwrap().write(&out) {
        Err(HandoutError::Leaks(leaks)) => {
            assert_eq!(leaks.len(), 1);
            assert_eq!(leaks[0].path, Path::new("raft/src/lib.rs"));
            assert_eq!(leaks[0].line, 2);
            assert_eq!(leaks[0].source, (PathBuf::from("raft/src/lib.rs"), 3));
        }
        other => panic!("expected a leak, got {other:?}"),
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_stub_of_its_own_is_no_leak() {
    let root = tiny_repository("(0, false)");
    let out = root.join("out");
    Plan::new(&root).unwrap().write(&out).unwrap();
    let handout = std::fs::read_to_string(out.join("raft/src/lib.rs")).unwrap();
    assert_eq!(
        handout,
        "pub fn get_state() -> (u64, bool) {\n    (0, false)\n}\n"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
