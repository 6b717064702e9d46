//! The check that no line of the reference survives into a handout.
//!
//! A line leaks if the written handout holds it, a SOLUTION region of the
//! reference holds it, and no framework text of the reference (any line
//! outside the regions) holds it: lines such as `}` or a common `use`
//! that the framework has anyway are not the reference's to give away.
//! Lines are compared trimmed, and only lines of some substance count.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use super::{HandoutError, Plan, io};

/// A reference line found in the handout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leak {
    /// The handout file that holds it.
    pub path: PathBuf,
    /// Its 1-based line there.
    pub line: usize,
    /// The line, trimmed.
    pub text: String,
    /// The reference file and 1-based line it comes from.
    pub source: (PathBuf, usize),
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: `{}` (from the region at {}:{})",
            self.path.display(),
            self.line,
            self.text,
            self.source.0.display(),
            self.source.1
        )
    }
}

/// The trimmed line, if it has enough substance to be worth comparing.
fn significant(line: &str) -> Option<&str> {
    let trimmed = line.trim();
    let letters = trimmed.chars().filter(|c| c.is_alphanumeric()).count();
    (trimmed.len() >= 8 && letters >= 4).then_some(trimmed)
}

/// Every leak of the reference into the handout written at `out`.
pub(super) fn find(plan: &Plan, out: &Path) -> Result<Vec<Leak>, HandoutError> {
    let mut solution: BTreeMap<&str, (PathBuf, usize)> = BTreeMap::new();
    for (path, region) in plan.regions() {
        for (k, line) in region.reference.iter().enumerate() {
            if let Some(text) = significant(line) {
                let line = region.source_line + 2 + k;
                solution.entry(text).or_insert((path.to_path_buf(), line));
            }
        }
    }
    let mut framework: BTreeSet<String> = BTreeSet::new();
    for path in &plan.verbatim {
        // Files that are not text (none today) hold no lines to compare.
        if let Ok(text) = std::fs::read_to_string(plan.root.join(path)) {
            framework.extend(text.lines().filter_map(significant).map(String::from));
        }
    }
    for stripped in plan.stripped.values() {
        let mut stubs = BTreeSet::new();
        for region in &stripped.regions {
            stubs.extend(region.handout_line..region.handout_line + region.stub.len());
        }
        let outside = stripped
            .text
            .lines()
            .enumerate()
            .filter(|(i, _)| !stubs.contains(i));
        framework.extend(
            outside
                .filter_map(|(_, l)| significant(l))
                .map(String::from),
        );
    }
    let mut leaks = Vec::new();
    for path in files_under(out, Path::new(""))? {
        let Ok(text) = std::fs::read_to_string(out.join(&path)) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let Some(trimmed) = significant(line) else {
                continue;
            };
            if framework.contains(trimmed) {
                continue;
            }
            if let Some(source) = solution.get(trimmed) {
                leaks.push(Leak {
                    path: path.clone(),
                    line: i + 1,
                    text: trimmed.to_string(),
                    source: source.clone(),
                });
            }
        }
    }
    Ok(leaks)
}

/// Every file under `root/relative`, relative to `root`, sorted.
fn files_under(root: &Path, relative: &Path) -> Result<Vec<PathBuf>, HandoutError> {
    let dir = root.join(relative);
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .map_err(io(&dir))?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()
        .map_err(io(&dir))?;
    names.sort();
    let mut files = Vec::new();
    for name in names {
        let path = relative.join(name);
        if root.join(&path).is_dir() {
            files.extend(files_under(root, &path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}
