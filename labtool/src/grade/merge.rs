//! `lab merge` of grade records: the shares of one batch, graded on
//! several machines with `lab grade --partition k/n`, made the record one
//! machine grading the whole batch would have written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::record::{FORMAT, GradePlan, GradeRecord, KIND};
use crate::stress::merge::{MergeError, check_shares, read_versioned};
use crate::stress::partition::Partition;

/// Whether the file at `path` is a grade record rather than a stress one.
pub fn is_grade_record(path: &Path) -> Result<bool, MergeError> {
    #[derive(serde::Deserialize)]
    struct Kinded {
        kind: Option<String>,
    }
    let text = std::fs::read_to_string(path).map_err(|error| MergeError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    let kinded: Kinded = serde_json::from_str(&text).map_err(|error| MergeError::Parse {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(kinded.kind.as_deref() == Some(KIND))
}

/// Reads the grade record in `path`.
pub fn read(path: &Path) -> Result<GradeRecord, MergeError> {
    read_versioned(path, FORMAT)
}

/// The first part of the plan in which `b` differs from `a`, if any.
fn differs(a: &GradePlan, b: &GradePlan) -> Option<&'static str> {
    [
        ("rubrics", a.rubric == b.rubric),
        ("tests", a.tests == b.tests),
        (
            "seeds",
            a.seeds == b.seeds && a.secret_seeds == b.secret_seeds,
        ),
        ("real passes", a.real == b.real),
        ("build profiles", a.release == b.release),
        (
            "determinism checks",
            a.check_determinism == b.check_determinism,
        ),
        (
            "time limits",
            a.timeout_secs == b.timeout_secs && a.build_timeout_secs == b.build_timeout_secs,
        ),
        ("submissions", a.submissions == b.submissions),
    ]
    .into_iter()
    .find(|(_, same)| !same)
    .map(|(field, _)| field)
}

/// The grade records of `files`, each with its file, made one: the whole
/// batch, its submissions by name.
pub fn merge(files: &[(PathBuf, GradeRecord)]) -> Result<GradeRecord, MergeError> {
    let first = check_shares(files, |a, b| differs(&a.plan, &b.plan), |r| r.partition)?;
    let mut graded: BTreeMap<&str, (&PathBuf, _)> = BTreeMap::new();
    for (path, record) in files {
        let partition = record.partition;
        for submission in &record.submissions {
            let index = first
                .plan
                .submissions
                .iter()
                .position(|name| *name == submission.name);
            let of_share = index.is_some_and(|i| partition.takes(i as u64));
            if !of_share {
                return Err(MergeError::StraySubmission {
                    path: path.clone(),
                    name: submission.name.clone(),
                    partition,
                });
            }
            if let Some((other, _)) = graded.insert(&submission.name, (path, submission.clone())) {
                return Err(MergeError::DuplicateSubmission {
                    name: submission.name.clone(),
                    paths: [other.clone(), path.clone()],
                });
            }
        }
    }
    Ok(GradeRecord {
        kind: KIND.to_string(),
        format: FORMAT,
        plan: first.plan.clone(),
        partition: Partition::WHOLE,
        submissions: graded.into_values().map(|(_, g)| g).collect(),
    })
}
