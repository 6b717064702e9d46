//! A submission and the tree it is graded in: the pristine framework with
//! only the submission's student-owned files copied in.
//!
//! A submission is a directory (a git work tree or not) or a git address,
//! cloned first. Whatever it changed outside the student-owned files of
//! `student.toml` is left out of the build and listed as ignored: the
//! tests it is graded by are always the framework's own.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::GradeError;
use crate::handout::Plan;
use crate::manifest::Owner;

/// Where a submission comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A directory.
    Dir(PathBuf),
    /// A git address, cloned before grading.
    Git(String),
}

/// One submission of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    /// Its name in the reports: the last part of its path or address.
    pub name: String,
    /// Where its files are.
    pub source: Source,
}

impl Submission {
    /// The submission `arg` names: an existing directory, or else a git
    /// address (`https://…`, `git@…:…`, `….git`).
    pub fn parse(arg: &str) -> Result<Submission, GradeError> {
        let path = Path::new(arg);
        let source = if path.is_dir() {
            Source::Dir(path.to_path_buf())
        } else if !arg.starts_with('-')
            && (arg.contains("://") || arg.starts_with("git@") || arg.ends_with(".git"))
        {
            Source::Git(arg.to_string())
        } else {
            return Err(GradeError::NoSubmission {
                arg: arg.to_string(),
            });
        };
        let trimmed = arg.trim_end_matches('/');
        let last = trimmed.rsplit(['/', ':']).next().unwrap_or(trimmed);
        let name = last.strip_suffix(".git").unwrap_or(last);
        let name = match name {
            "" | "." | ".." => std::fs::canonicalize(path)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "submission".to_string()),
            name => name.to_string(),
        };
        Ok(Submission { name, source })
    }

    /// The submission's directory: itself, or its clone in `work`.
    pub fn fetch(&self, work: &Path) -> Result<PathBuf, GradeError> {
        match &self.source {
            Source::Dir(dir) => Ok(dir.clone()),
            Source::Git(address) => {
                let clone = work.join("clone");
                let _ = std::fs::remove_dir_all(&clone);
                let output = Command::new("git")
                    .args(["clone", "--quiet", "--depth", "1", "--", address])
                    .arg(&clone)
                    .output()
                    .map_err(|error| GradeError::Spawn {
                        command: format!("git clone {address}"),
                        error,
                    })?;
                if !output.status.success() {
                    return Err(GradeError::Clone {
                        address: address.clone(),
                        message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
                    });
                }
                Ok(clone)
            }
        }
    }
}

/// How a file outside the student-owned ones differs from the handout's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The handout has it, with other contents.
    Modified,
    /// The handout has no such file.
    Added,
    /// The handout has it; the submission, a whole repository, does not.
    Removed,
    /// A symbolic link, or a file reached through one: never followed.
    Link,
}

/// A file of the submission the grade does not use.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Ignored {
    /// Relative to the submission's root.
    pub path: String,
    /// How it differs.
    pub change: Change,
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let change = match self.change {
            Change::Modified => "modified",
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Link => "a link",
        };
        write!(f, "{} ({change})", self.path)
    }
}

/// The tree a submission is graded in.
#[derive(Clone, Debug)]
pub struct Tree {
    /// Its root.
    pub root: PathBuf,
    /// The submission's student-owned files copied into it.
    pub copied: Vec<PathBuf>,
    /// Student-owned files the submission lacks, taken from the handout.
    pub from_handout: Vec<PathBuf>,
    /// The submission's files the grade does not use.
    pub ignored: Vec<Ignored>,
}

/// Writes into `out` (made anew) the framework of `plan` with the
/// student-owned files of the submission at `dir`, and lists what of the
/// submission it leaves out.
pub fn assemble(plan: &Plan, dir: &Path, out: &Path) -> Result<Tree, GradeError> {
    let _ = std::fs::remove_dir_all(out);
    let (files, links) = files(dir)?;
    let owner = |path: &Path| plan.manifest.owner_of(path);
    let mut tree = Tree {
        root: out.to_path_buf(),
        copied: Vec::new(),
        from_handout: Vec::new(),
        ignored: links
            .into_iter()
            .map(|path| Ignored {
                path: path.display().to_string(),
                change: Change::Link,
            })
            .collect(),
    };
    for path in &plan.verbatim {
        copy(&plan.root.join(path), &out.join(path))?;
    }
    for path in &files {
        match owner(path) {
            Some(Owner::Student | Owner::SolutionOnly) => {
                copy(&dir.join(path), &out.join(path))?;
                tree.copied.push(path.clone());
            }
            Some(Owner::Framework) | None => {
                let change = match plan.handout_text(path).map_err(GradeError::Handout)? {
                    None => Some(Change::Added),
                    Some(handout) => {
                        let full = dir.join(path);
                        let ours = std::fs::read(&full).map_err(io(&full))?;
                        (ours != handout).then_some(Change::Modified)
                    }
                };
                if let Some(change) = change {
                    tree.ignored.push(Ignored {
                        path: path.display().to_string(),
                        change,
                    });
                }
            }
        }
    }
    // A submission of the student's files alone removed nothing; one
    // that is a whole repository did, if it lacks a file of the handout.
    let whole_repository = files.iter().any(|p| p == Path::new("Cargo.toml"));
    for path in plan.handout_files() {
        if files.binary_search(&path).is_ok() {
            continue;
        }
        if let Some(stripped) = plan.stripped.get(&path) {
            let target = out.join(&path);
            create_parent(&target)?;
            std::fs::write(&target, &stripped.text).map_err(io(&target))?;
            tree.from_handout.push(path);
        } else if whole_repository && owner(&path) != Some(Owner::Framework) {
            tree.ignored.push(Ignored {
                path: path.display().to_string(),
                change: Change::Removed,
            });
        }
    }
    tree.ignored.sort();
    Ok(tree)
}

/// The files of the submission at `dir` (see [`crate::files`]),
/// relative and sorted, and apart from them its symbolic links.
fn files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), GradeError> {
    let listed = crate::files::list(dir, crate::files::Listing::WithNew).map_err(|message| {
        GradeError::List {
            dir: dir.to_path_buf(),
            message,
        }
    })?;
    let root = std::fs::canonicalize(dir).map_err(|error| GradeError::Io {
        path: dir.to_path_buf(),
        error,
    })?;
    let mut plain = Vec::new();
    let mut links = Vec::new();
    for path in listed {
        let full = dir.join(&path);
        match std::fs::symlink_metadata(&full) {
            Ok(meta) if meta.file_type().is_symlink() => links.push(path),
            Ok(meta) if meta.is_file() => {
                // A link among its parent directories would take the file
                // from outside the submission.
                let inside = std::fs::canonicalize(&full).is_ok_and(|real| real.starts_with(&root));
                if inside {
                    plain.push(path);
                } else {
                    links.push(path);
                }
            }
            // Listed by git but deleted, or a submodule's directory.
            Ok(_) | Err(_) => {}
        }
    }
    Ok((plain, links))
}

fn copy(from: &Path, to: &Path) -> Result<(), GradeError> {
    create_parent(to)?;
    std::fs::copy(from, to).map_err(io(from))?;
    Ok(())
}

fn create_parent(path: &Path) -> Result<(), GradeError> {
    let parent = path.parent().expect("a file has a parent directory");
    std::fs::create_dir_all(parent).map_err(io(parent))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> GradeError + '_ {
    move |error| GradeError::Io {
        path: path.to_path_buf(),
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submission_is_named_by_its_last_part() {
        let dir = std::env::temp_dir().join(format!("labtool-alice-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let arg = format!("{}/", dir.display());
        let local = Submission::parse(&arg).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(local.source, Source::Dir(PathBuf::from(&arg)));
        assert!(local.name.starts_with("labtool-alice-"), "{local:?}");
        let https = Submission::parse("https://example.org/class/bob.git").unwrap();
        assert_eq!(https.name, "bob");
        assert_eq!(
            https.source,
            Source::Git("https://example.org/class/bob.git".to_string())
        );
        assert_eq!(Submission::parse("git@host:carol").unwrap().name, "carol");
        assert!(matches!(
            Submission::parse("no/such/dir"),
            Err(GradeError::NoSubmission { .. })
        ));
    }
}
