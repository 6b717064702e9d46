//! `lab merge FILE...`: the records of several shares of one plan, as
//! `--partition k/n --json FILE` wrote them, made one, with the table one
//! session of the whole plan would have ended with.
//!
//! ```text
//! lab merge share-1.json share-2.json                 the table, and the replays of its failures
//! lab merge share-*.json --json all.json              ... and the merged record
//! ```
//!
//! The files must be of the same plan (suites, tests, seeds, first seed,
//! mode) and of the same number of shares, each share once and none
//! missing, and no run may be in two of them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::partition::Partition;
use super::record::{FORMAT, Record};
use super::summary::{self, summarize};

/// Why records cannot be merged.
#[derive(Debug)]
pub enum MergeError {
    /// A file cannot be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A file is no record.
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        error: serde_json::Error,
    },
    /// A file is a record of another format.
    Format {
        /// The file.
        path: PathBuf,
        /// Its format.
        format: u32,
        /// The format this lab reads.
        expected: u32,
    },
    /// No file was given.
    Empty,
    /// Two files are of different plans.
    Plan {
        /// The first file.
        first: PathBuf,
        /// The file that differs from it.
        path: PathBuf,
        /// The first argument in which they differ.
        field: &'static str,
    },
    /// A file's share is not k/n with 1 <= k <= n.
    BadShare {
        /// The file.
        path: PathBuf,
        /// Its share.
        partition: Partition,
    },
    /// Two files are the same share.
    DuplicateShare {
        /// The share.
        partition: Partition,
        /// The files.
        paths: [PathBuf; 2],
    },
    /// Shares of the plan are in no file.
    MissingShares {
        /// The shares missing, from 1.
        shares: Vec<u64>,
        /// Of how many.
        of: u64,
    },
    /// A run is in the files twice.
    DuplicateRun {
        /// The test.
        test: String,
        /// The seed.
        seed: u64,
        /// The files it is in.
        paths: [PathBuf; 2],
    },
    /// A run is not of the share its file claims.
    StrayRun {
        /// The file.
        path: PathBuf,
        /// The test.
        test: String,
        /// The seed.
        seed: u64,
        /// The share the file claims.
        partition: Partition,
    },
    /// A run is of a test the plan does not hold.
    UnknownTest {
        /// The file.
        path: PathBuf,
        /// The test.
        test: String,
    },
    /// A graded submission is not of the share its file claims, or not
    /// of the batch at all.
    StraySubmission {
        /// The file.
        path: PathBuf,
        /// The submission.
        name: String,
        /// The share the file claims.
        partition: Partition,
    },
    /// A submission is graded in two files.
    DuplicateSubmission {
        /// The submission.
        name: String,
        /// The files.
        paths: [PathBuf; 2],
    },
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            MergeError::Parse { path, error } => {
                write!(f, "{} is not a lab record: {error}", path.display())
            }
            MergeError::Format {
                path,
                format,
                expected,
            } => write!(
                f,
                "{} is a record of format {format}; this lab reads format {expected}",
                path.display()
            ),
            MergeError::Empty => write!(f, "no record to merge"),
            MergeError::Plan { first, path, field } => write!(
                f,
                "{} and {} are of different plans: their {field} differ",
                first.display(),
                path.display()
            ),
            MergeError::BadShare { path, partition } => {
                write!(
                    f,
                    "{} claims share {partition}, which is none",
                    path.display()
                )
            }
            MergeError::DuplicateShare { partition, paths } => write!(
                f,
                "{} and {} are both share {partition}",
                paths[0].display(),
                paths[1].display()
            ),
            MergeError::MissingShares { shares, of } => {
                let list: Vec<String> = shares.iter().map(|k| format!("{k}/{of}")).collect();
                let (s, are) = if shares.len() == 1 {
                    ("", "is")
                } else {
                    ("s", "are")
                };
                write!(f, "share{s} {} of the plan {are} missing", list.join(", "))
            }
            MergeError::DuplicateRun { test, seed, paths } if paths[0] == paths[1] => {
                write!(
                    f,
                    "{test} on seed {seed} is twice in {}",
                    paths[0].display()
                )
            }
            MergeError::DuplicateRun { test, seed, paths } => write!(
                f,
                "{test} on seed {seed} is in both {} and {}",
                paths[0].display(),
                paths[1].display()
            ),
            MergeError::StrayRun {
                path,
                test,
                seed,
                partition,
            } => write!(
                f,
                "{} has {test} on seed {seed}, which is not of its share {partition}",
                path.display()
            ),
            MergeError::UnknownTest { path, test } => write!(
                f,
                "{} has a run of {test}, which is not among its plan's tests",
                path.display()
            ),
            MergeError::StraySubmission {
                path,
                name,
                partition,
            } => write!(
                f,
                "{} grades {name}, which is not of its share {partition} of the batch",
                path.display()
            ),
            MergeError::DuplicateSubmission { name, paths } => write!(
                f,
                "{name} is graded in both {} and {}",
                paths[0].display(),
                paths[1].display()
            ),
        }
    }
}

impl std::error::Error for MergeError {}

/// Reads the record in `path`.
pub fn read(path: &Path) -> Result<Record, MergeError> {
    read_versioned(path, FORMAT)
}

/// Reads the JSON record of format `format` in `path`: the format is read
/// first, so that a file of another format is named as such rather than
/// failing to parse.
pub fn read_versioned<T: serde::de::DeserializeOwned>(
    path: &Path,
    format: u32,
) -> Result<T, MergeError> {
    let text = std::fs::read_to_string(path).map_err(|error| MergeError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    #[derive(serde::Deserialize)]
    struct Versioned {
        format: u32,
    }
    let parse = |error| MergeError::Parse {
        path: path.to_path_buf(),
        error,
    };
    let versioned: Versioned = serde_json::from_str(&text).map_err(parse)?;
    if versioned.format != format {
        return Err(MergeError::Format {
            path: path.to_path_buf(),
            format: versioned.format,
            expected: format,
        });
    }
    serde_json::from_str(&text).map_err(parse)
}

/// The records of `files`, each with its file, made one: the whole plan,
/// its runs in the record's order.
pub fn merge(files: &[(PathBuf, Record)]) -> Result<Record, MergeError> {
    let first = check_shares(files, |a, b| a.plan.differs(&b.plan), |r| r.partition)?;
    let mut seen: BTreeMap<(usize, u64), &PathBuf> = BTreeMap::new();
    let mut runs = Vec::new();
    for (path, record) in files {
        for run in &record.runs {
            let index =
                first
                    .plan
                    .index(&run.suite, &run.test)
                    .ok_or_else(|| MergeError::UnknownTest {
                        path: path.clone(),
                        test: run.test.clone(),
                    })?;
            if !of_share(record, index, run.seed) {
                return Err(MergeError::StrayRun {
                    path: path.clone(),
                    test: run.test.clone(),
                    seed: run.seed,
                    partition: record.partition,
                });
            }
            if let Some(other) = seen.insert((index, run.seed), path) {
                return Err(MergeError::DuplicateRun {
                    test: run.test.clone(),
                    seed: run.seed,
                    paths: [other.clone(), path.clone()],
                });
            }
            runs.push((index, run.clone()));
        }
    }
    runs.sort_by_key(|(index, run)| (*index, run.seed));
    Ok(Record {
        format: FORMAT,
        plan: first.plan.clone(),
        partition: Partition::WHOLE,
        runs: runs.into_iter().map(|(_, run)| run).collect(),
    })
}

/// Checks that the records of `files` are of one plan (`differs` names the
/// first argument in which two differ) and are every share of it, each
/// once (`partition` gives the share a record claims); returns the first.
pub fn check_shares<R>(
    files: &[(PathBuf, R)],
    differs: impl Fn(&R, &R) -> Option<&'static str>,
    partition: impl Fn(&R) -> Partition,
) -> Result<&R, MergeError> {
    let (first_path, first) = files.first().ok_or(MergeError::Empty)?;
    for (path, record) in files {
        if let Some(field) = differs(first, record) {
            return Err(MergeError::Plan {
                first: first_path.clone(),
                path: path.clone(),
                field,
            });
        }
    }
    let of = partition(first).of;
    let mut shares: BTreeMap<u64, &PathBuf> = BTreeMap::new();
    for (path, record) in files {
        let partition = partition(record);
        if partition.of != of {
            return Err(MergeError::Plan {
                first: first_path.clone(),
                path: path.clone(),
                field: "numbers of shares",
            });
        }
        if partition.share == 0 || partition.share > partition.of {
            return Err(MergeError::BadShare {
                path: path.clone(),
                partition,
            });
        }
        if let Some(other) = shares.insert(partition.share, path) {
            return Err(MergeError::DuplicateShare {
                partition,
                paths: [other.clone(), path.clone()],
            });
        }
    }
    let missing: Vec<u64> = (1..=of).filter(|k| !shares.contains_key(k)).collect();
    if !missing.is_empty() {
        return Err(MergeError::MissingShares {
            shares: missing,
            of,
        });
    }
    Ok(first)
}

/// Whether the run of the plan's test `index` on `seed` is of `record`'s
/// share: by the run under a number of seeds, by the test under a
/// duration.
fn of_share(record: &Record, index: usize, seed: u64) -> bool {
    let partition = record.partition;
    match record.plan.seeds_per_test {
        Some(seeds) => {
            let offset = seed.wrapping_sub(record.plan.first_seed);
            offset < seeds && partition.holds(index, offset, seeds)
        }
        None => partition
            .tests(&record.plan.tests)
            .iter()
            .any(|(i, _)| *i == index),
    }
}

/// The table of a merged record and the replays of its failures, as
/// `lab stress` prints them, with the count of its runs and of their
/// failures.
pub fn report(record: &Record) -> (String, u64, u64) {
    let runs = record
        .runs()
        .expect("a merged record's runs are of its plan's tests");
    let total = summarize(&record.plan.tests, &runs)
        .pop()
        .expect("a total row");
    let logs = record
        .runs
        .iter()
        .find_map(|run| Path::new(run.log.as_ref()?).parent())
        .map_or("target/stress".to_string(), |dir| dir.display().to_string());
    let text = summary::report(
        &record.plan.tests,
        &runs,
        &record.plan.mode,
        &logs,
        Some("of the machine that ran it"),
    );
    (text, total.runs, total.failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stress::plan::{Limit, Test};
    use crate::stress::record::{Kind, PlanRecord, RunRecord};

    fn plan() -> PlanRecord {
        let tests = ["a_2a", "b_2a"]
            .map(|name| Test {
                suite: "raft".to_string(),
                name: name.to_string(),
            })
            .to_vec();
        PlanRecord::new(vec!["raft".to_string()], tests, Limit::Seeds(2), 1, "sim")
    }

    fn run(test: &str, seed: u64) -> RunRecord {
        RunRecord {
            suite: "raft".to_string(),
            test: test.to_string(),
            seed,
            outcome: Kind::Passed,
            message: None,
            replay: String::new(),
            wall_ms: 5,
            log: None,
        }
    }

    /// Share `share` of 2 of [`plan`], holding `runs`, in a file named
    /// after it.
    fn share(share: u64, runs: Vec<RunRecord>) -> (PathBuf, Record) {
        let record = Record {
            format: FORMAT,
            plan: plan(),
            partition: Partition { share, of: 2 },
            runs,
        };
        (PathBuf::from(format!("share-{share}.json")), record)
    }

    fn shares() -> Vec<(PathBuf, Record)> {
        vec![
            share(2, vec![run("a_2a", 2), run("b_2a", 2)]),
            share(1, vec![run("a_2a", 1), run("b_2a", 1)]),
        ]
    }

    fn error(files: &[(PathBuf, Record)]) -> String {
        merge(files).unwrap_err().to_string()
    }

    #[test]
    fn the_shares_of_a_plan_merge_into_the_whole() {
        let merged = merge(&shares()).unwrap();
        assert_eq!(merged.partition, Partition::WHOLE);
        let runs: Vec<(&str, u64)> = merged
            .runs
            .iter()
            .map(|r| (r.test.as_str(), r.seed))
            .collect();
        assert_eq!(runs, [("a_2a", 1), ("a_2a", 2), ("b_2a", 1), ("b_2a", 2)]);
        assert_eq!(
            merge(&[("all.json".into(), merged.clone())]).unwrap(),
            merged
        );
    }

    #[test]
    fn shares_of_other_plans_do_not_merge() {
        let mut files = shares();
        files[1].1.plan.mode = "real".to_string();
        assert_eq!(
            error(&files),
            "share-2.json and share-1.json are of different plans: their mode differ"
        );
        let mut files = shares();
        files[1].1.plan.seeds_per_test = Some(3);
        assert!(error(&files).ends_with("their seeds per test differ"));
        let mut files = shares();
        files[1].1.plan.tests.pop();
        assert!(error(&files).ends_with("their tests differ"));
        let mut files = shares();
        files[1].1.partition = Partition { share: 1, of: 3 };
        assert!(error(&files).ends_with("their numbers of shares differ"));
    }

    #[test]
    fn a_missing_or_doubled_share_or_run_is_named() {
        let files = shares();
        assert_eq!(error(&files[..1]), "share 1/2 of the plan is missing");
        let twice = [files[0].clone(), share(2, vec![])];
        assert_eq!(
            error(&twice),
            "share-2.json and share-2.json are both share 2/2"
        );
        let mut doubled = shares();
        doubled[1].1.runs.push(run("a_2a", 1));
        assert_eq!(error(&doubled), "a_2a on seed 1 is twice in share-1.json");
        let mut stray = shares();
        stray[1].1.runs.push(run("a_2a", 3));
        assert_eq!(
            error(&stray),
            "share-1.json has a_2a on seed 3, which is not of its share 1/2"
        );
        let mut unknown = shares();
        unknown[0].1.runs.push(run("c_2a", 1));
        assert_eq!(
            error(&unknown),
            "share-2.json has a run of c_2a, which is not among its plan's tests"
        );
        let mut none = shares();
        none[0].1.partition = Partition { share: 0, of: 2 };
        assert_eq!(error(&none), "share-2.json claims share 0/2, which is none");
    }

    #[test]
    fn a_record_of_another_format_is_named_as_such() {
        let dir = std::env::temp_dir().join(format!("labtool-merge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("later.json");
        std::fs::write(&path, "{\"format\": 2, \"whatever\": []}").unwrap();
        let message = read(&path).unwrap_err().to_string();
        assert!(
            message.ends_with("is a record of format 2; this lab reads format 1"),
            "{message}"
        );
        std::fs::write(&path, shares()[0].1.to_json()).unwrap();
        assert_eq!(read(&path).unwrap(), shares()[0].1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
