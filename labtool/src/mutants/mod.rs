//! `lab mutants`: the suite's strength, measured. Each mutant is the
//! reference with one classic student bug planted; it is graded like a
//! submission on the part that targets the bug, and a seed kills it if any
//! test of that part fails on it.
//!
//! ```text
//! lab mutants --seeds 20                 every mutant of labtool/mutants/mutants.toml on 20 seeds
//! lab mutants vote --seeds 5             the mutants whose names hold "vote"
//! lab mutants --ci --seeds 2             the quick subset CI runs: each must die on every seed,
//!                                        and each control (a correct variant) on none
//! ```
//!
//! It ends with the kill table, the one the README shows:
//!
//! ```text
//! mutant             part  killed  rate    bug                                    first failure
//! needs-every-vote   2A    20/20   100.0%  a candidate waits for every vote       re_election_2a: expected one leader, got none
//! ```

mod catalog;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use catalog::{Catalog, Edit, Mutant};

use crate::files::Listing;
use crate::grade::progress::Progress;
use crate::grade::record::{Failure, Graded};
use crate::grade::rubric::Rubric;
use crate::grade::submission::{Source, Submission};
use crate::grade::{self, GradeError};
use crate::handout::Plan;
use crate::table::{Align, render, shorten};

/// The catalog's path in the repository.
pub const CATALOG: &str = "labtool/mutants/mutants.toml";

/// Which mutants to run, and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// Only mutants whose names hold one of these (all, if none).
    pub filters: Vec<String>,
    /// Only the mutants CI runs.
    pub ci: bool,
    /// The seeds each runs on.
    pub seeds: Vec<u64>,
    /// Runs at a time.
    pub workers: usize,
    /// Wall-clock limit on one run.
    pub timeout: Duration,
    /// Whether to build with optimizations.
    pub release: bool,
    /// Where the mutants' trees and reports go.
    pub out: PathBuf,
}

/// How one mutant fared.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The mutant.
    pub name: String,
    /// The part that targets it.
    pub part: String,
    /// The bug it plants.
    pub bug: String,
    /// Whether it is a control, which must survive.
    pub control: bool,
    /// Seeds on which a test of its part failed, of `seeds`.
    pub killed: u64,
    /// Seeds it ran on.
    pub seeds: u64,
    /// The test and message of the failure on the lowest killing seed.
    pub first_failure: Option<String>,
    /// Why it could not be judged (it did not build), if so.
    pub error: Option<String>,
}

impl Verdict {
    /// Whether the suite did right by it: killed it on every seed, or for a
    /// control, on none.
    pub fn as_expected(&self) -> bool {
        let expected = if self.control { 0 } else { self.seeds };
        self.error.is_none() && self.killed == expected
    }
}

/// Why the mutants could not run.
#[derive(Debug)]
pub enum MutantsError {
    /// The catalog cannot be used.
    Catalog(String),
    /// A mutant's edit no longer applies to the reference.
    Stale {
        /// The mutant.
        mutant: String,
        /// What is wrong.
        message: String,
    },
    /// No mutant matches.
    NoneChosen,
    /// The tree is a handout: its student-owned code is no reference.
    NotReference,
    /// Grading failed.
    Grade(GradeError),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl std::fmt::Display for MutantsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MutantsError::Catalog(message) => write!(f, "{CATALOG}: {message}"),
            MutantsError::Stale { mutant, message } => write!(
                f,
                "mutant {mutant} no longer applies to the reference: {message}"
            ),
            MutantsError::NoneChosen => write!(f, "no mutant matches the names given"),
            MutantsError::NotReference => write!(
                f,
                "the student-owned files hold no SOLUTION regions: mutants are planted in the \
                 reference, and this tree is a handout"
            ),
            MutantsError::Grade(e) => e.fmt(f),
            MutantsError::Io { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for MutantsError {}

/// Runs the chosen mutants, prints the kill table, and returns it.
pub fn run(root: &Path, options: &Options) -> Result<Vec<Verdict>, MutantsError> {
    let catalog = Catalog::load(&root.join(CATALOG))?;
    let chosen: Vec<&Mutant> = catalog
        .mutants
        .iter()
        .filter(|m| !options.ci || m.ci)
        .filter(|m| {
            options.filters.is_empty() || options.filters.iter().any(|f| m.name.contains(f))
        })
        .collect();
    if chosen.is_empty() {
        return Err(MutantsError::NoneChosen);
    }
    let plan = Plan::new(root).map_err(|e| MutantsError::Grade(GradeError::Handout(e)))?;
    if plan.regions().count() == 0 {
        return Err(MutantsError::NotReference);
    }
    let out = std::path::absolute(&options.out).map_err(|error| MutantsError::Io {
        path: options.out.clone(),
        error,
    })?;
    // Every mutant is planted first, so a stale one stops the run before
    // anything is built.
    let mut planted = Vec::new();
    for mutant in &chosen {
        planted.push(plant(root, &plan, mutant, &out.join("sources"))?);
    }
    println!(
        "lab mutants: {} mutants, each on {} seeds of its part",
        chosen.len(),
        options.seeds.len()
    );
    let mut frameworks = BTreeMap::new();
    let progress = Progress::new(chosen.len() as u64);
    let mut verdicts = Vec::new();
    for (mutant, dir) in chosen.iter().zip(planted) {
        let rubric_text = format!("pass = \"proportional\"\n[parts]\n{} = 1\n", mutant.part);
        let rubric =
            Rubric::parse(&rubric_text).map_err(|e| MutantsError::Grade(GradeError::Rubric(e)))?;
        if !frameworks.contains_key(&mutant.part) {
            // The maintainer's work tree, new tests included.
            let framework =
                grade::framework(root, &rubric, Listing::WithNew).map_err(MutantsError::Grade)?;
            frameworks.insert(mutant.part.clone(), framework);
        }
        let framework = &frameworks[&mutant.part];
        let grade_options = grade::Options {
            submissions: Vec::new(),
            rubric: rubric_text,
            seeds: options.seeds.clone(),
            secret_seeds: false,
            real: false,
            check_determinism: false,
            release: options.release,
            workers: options.workers,
            timeout: options.timeout,
            build_timeout: Duration::from_secs(900),
            out: out.clone(),
            partition: crate::stress::partition::Partition::WHOLE,
        };
        let submission = Submission {
            name: mutant.name.clone(),
            source: Source::Dir(dir),
        };
        progress.start(
            &mutant.name,
            (framework.planned.len() * options.seeds.len()) as u64,
        );
        let graded = grade::grade_one(
            &submission,
            framework,
            &rubric,
            &grade_options,
            &out,
            &progress,
        )
        .map_err(MutantsError::Grade)?;
        progress.finished(&graded);
        verdicts.push(verdict(mutant, &graded, options.seeds.len() as u64));
    }
    progress.clear();
    print!("\n{}", table(&verdicts));
    Ok(verdicts)
}

/// Writes the reference's student-owned files with `mutant`'s edits made
/// into `sources/<name>`, and returns that directory.
fn plant(
    root: &Path,
    plan: &Plan,
    mutant: &Mutant,
    sources: &Path,
) -> Result<PathBuf, MutantsError> {
    let dir = sources.join(&mutant.name);
    let _ = std::fs::remove_dir_all(&dir);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |error| MutantsError::Io { path, error }
    };
    let mut texts: BTreeMap<PathBuf, String> = BTreeMap::new();
    for path in plan.stripped.keys() {
        let text = std::fs::read_to_string(root.join(path)).map_err(io(&root.join(path)))?;
        texts.insert(path.clone(), text);
    }
    for edit in &mutant.edits {
        let text = texts
            .get_mut(&edit.file)
            .ok_or_else(|| MutantsError::Stale {
                mutant: mutant.name.clone(),
                message: format!("{} is no student-owned file", edit.file.display()),
            })?;
        *text = edit.apply(text).map_err(|message| MutantsError::Stale {
            mutant: mutant.name.clone(),
            message,
        })?;
    }
    for (path, text) in &texts {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("a file's parent")).map_err(io(&target))?;
        std::fs::write(&target, text).map_err(io(&target))?;
    }
    Ok(dir)
}

/// How `graded`, the grade of `mutant` on `seeds` seeds, says it fared.
fn verdict(mutant: &Mutant, graded: &Graded, seeds: u64) -> Verdict {
    let mut killing: BTreeMap<u64, String> = BTreeMap::new();
    for test in &graded.tests {
        let name = test.name.rsplit("::").next().unwrap_or(&test.name);
        // A seed not run (its test had hung twice) killed nothing.
        for run in test
            .failures
            .iter()
            .filter(|r| r.outcome != Failure::NotRun)
        {
            if let Some(seed) = run.seed {
                killing
                    .entry(seed)
                    .or_insert_with(|| format!("{name}: {}", run.message));
            }
        }
    }
    let error = match (&graded.error, &graded.build.errors) {
        (Some(error), _) => Some(error.clone()),
        (None, Some(errors)) => Some(format!(
            "does not build: {}",
            errors.lines().next().unwrap_or_default()
        )),
        (None, None) => None,
    };
    Verdict {
        name: mutant.name.clone(),
        part: mutant.part.clone(),
        bug: match &mutant.base {
            Some(base) => format!("{} (on {base})", mutant.bug),
            None => mutant.bug.clone(),
        },
        control: mutant.control,
        killed: killing.len() as u64,
        seeds,
        first_failure: killing.into_values().next(),
        error,
    }
}

/// The kill table.
pub fn table(verdicts: &[Verdict]) -> String {
    let header = ["mutant", "part", "killed", "rate", "bug", "first failure"];
    let mut rows = vec![header.map(String::from).to_vec()];
    for v in verdicts {
        let rate = if v.seeds == 0 {
            0.0
        } else {
            100.0 * v.killed as f64 / v.seeds as f64
        };
        let survived = if v.control {
            "survived every seed, as a control must"
        } else {
            "survived every seed"
        };
        let failure = v
            .error
            .clone()
            .or_else(|| v.first_failure.clone())
            .unwrap_or_else(|| survived.to_string());
        rows.push(vec![
            v.name.clone(),
            v.part.clone(),
            format!("{}/{}", v.killed, v.seeds),
            format!("{rate:.1}%"),
            v.bug.clone(),
            shorten(&failure, 100),
        ]);
    }
    use Align::{Left, Right};
    render(&rows, &[Left, Left, Right, Right, Left, Left])
}
