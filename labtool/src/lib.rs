//! labtool: the `lab` command, the labs' tools for students, instructors
//! and maintainers. It drives the labs as processes (cargo, the test
//! binaries), so a broken submission cannot take the tool down with it.
//!
//! ```text
//! lab handout OUT              the student's repository, made from the reference
//! lab handout OUT --verify     ... then build it and check every 2A and 3A test fails, naming its stubs
//! lab regions                  every SOLUTION region of the student-owned files, and its stub
//! ```
//!
//! What a student owns is listed once, in `student.toml` ([`manifest`]);
//! the reference marks its solution in those files with SOLUTION regions
//! ([`regions`]). `handout --verify` runs tests with [`process`] and
//! reads their failures with [`report`].

pub mod handout;
pub mod manifest;
pub mod process;
pub mod regions;
pub mod report;
