//! labtool: the `lab` command, the labs' tools for students, instructors
//! and maintainers. It drives the labs as processes (cargo, the test
//! binaries), so a broken submission cannot take the tool down with it.
//!
//! ```text
//! lab handout OUT                   the student's repository, made from the reference
//! lab handout OUT --verify          ... then build it and check every 2A, 3A, 4A and 4B test fails, naming its stubs
//! lab regions                       every SOLUTION region of the student-owned files, and its stub
//! lab stress --part 2A --seeds 500  every 2A test on 500 seeds, each run a process, with a table of failures
//! lab stress ... --partition 1/2 --json share-1.json   half of those runs, and their results as JSON
//! lab merge share-1.json share-2.json                   one table of the halves
//! lab grade --rubric rubric.toml --seeds 20 alice/ bob/  each submission's files on a pristine framework, scored
//! lab merge a/grade.json b/grade.json --csv roster.csv  one roster of a batch graded in shares
//! lab mutants --seeds 20                 classic bugs planted in the reference, and how often each part kills them
//! lab view run.jsonl                     a run log as one HTML page: a lane per peer, RPC arrows, the failure
//! lab logs run.jsonl --ignore net        the same run in the terminal, a column per peer
//! ```
//!
//! What a student owns is listed once, in `student.toml` ([`manifest`]);
//! the reference marks its solution in those files with SOLUTION regions
//! ([`regions`]). Both `handout --verify` and `stress` run tests with
//! [`process`] and read their failures with [`report`]. `view` and `logs`
//! read the run logs of [`runlog`].

pub mod files;
pub mod grade;
pub mod handout;
pub mod logs;
pub mod manifest;
pub mod markup;
pub mod mutants;
pub mod process;
pub mod regions;
pub mod report;
pub mod runlog;
pub mod stress;
pub mod table;
pub mod view;
