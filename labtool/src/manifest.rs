//! `student.toml`: which code each lab's student owns. The handout, the
//! grader and the mutants runner all read it; nothing else lists those
//! paths.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

/// The manifest's file name, at the repository's root.
pub const FILE: &str = "student.toml";

/// The parsed manifest.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The labs, in course order.
    #[serde(rename = "lab")]
    pub labs: Vec<Lab>,
}

/// One lab and the code its student owns.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// A short name, e.g. `raft`.
    pub name: String,
    /// What the lab builds, for people.
    pub title: String,
    /// Its graded parts, e.g. `2A`.
    pub parts: Vec<String>,
    /// The test binary of the `tests` crate that grades it.
    pub suite: String,
    /// Files or directories the student owns, relative to the root.
    pub paths: Vec<PathBuf>,
    /// Files inside `paths` that stay the framework's.
    #[serde(default)]
    pub framework: Vec<PathBuf>,
    /// Files or directories inside `paths` that only the reference has.
    #[serde(default)]
    pub solution_only: Vec<PathBuf>,
}

/// Who a file under a lab's paths belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// The student edits it; its regions become stubs in the handout.
    Student,
    /// The framework's, though it sits among the student's files.
    Framework,
    /// The reference's alone: not in the handout.
    SolutionOnly,
}

/// A file a lab's paths cover.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LabFile {
    /// Its path relative to the root.
    pub path: PathBuf,
    /// Who it belongs to.
    pub owner: Owner,
    /// The lab's name.
    pub lab: String,
}

/// A manifest that cannot be used.
#[derive(Debug)]
pub enum ManifestError {
    /// It could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// It is not valid TOML of the manifest's shape.
    Parse {
        /// The parser's explanation, with the line.
        message: String,
    },
    /// It parses but says something impossible.
    Invalid {
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManifestError::Read { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            ManifestError::Parse { message } => write!(f, "{FILE}: {message}"),
            ManifestError::Invalid { message } => write!(f, "{FILE}: {message}"),
        }
    }
}

impl std::error::Error for ManifestError {}

fn invalid(message: String) -> ManifestError {
    ManifestError::Invalid { message }
}

impl Manifest {
    /// Reads and checks the manifest of the repository at `root`.
    pub fn load(root: &Path) -> Result<Manifest, ManifestError> {
        let path = root.join(FILE);
        let text =
            std::fs::read_to_string(&path).map_err(|error| ManifestError::Read { path, error })?;
        let manifest = Manifest::parse(&text)?;
        manifest.check_paths_exist(root)?;
        Ok(manifest)
    }

    /// Parses and checks a manifest's text (paths are not looked up).
    pub fn parse(text: &str) -> Result<Manifest, ManifestError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| ManifestError::Parse {
            message: e.to_string().trim_end().to_string(),
        })?;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), ManifestError> {
        if self.labs.is_empty() {
            return Err(invalid("no [[lab]] tables".to_string()));
        }
        let mut names = BTreeSet::new();
        for lab in &self.labs {
            if !names.insert(&lab.name) {
                return Err(invalid(format!("two labs are named {:?}", lab.name)));
            }
            if lab.parts.is_empty() || lab.paths.is_empty() {
                return Err(invalid(format!(
                    "lab {:?} needs at least one part and one path",
                    lab.name
                )));
            }
            for path in lab.all_paths() {
                if !is_plain_relative(path) {
                    return Err(invalid(format!(
                        "lab {:?}: {} is not a plain relative path inside the repository",
                        lab.name,
                        path.display()
                    )));
                }
            }
            for path in lab.framework.iter().chain(&lab.solution_only) {
                if !lab.paths.iter().any(|owned| path.starts_with(owned)) {
                    return Err(invalid(format!(
                        "lab {:?}: {} is not inside the lab's paths",
                        lab.name,
                        path.display()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Every path but the solution-only ones must exist: those are the
    /// reference's alone, and a handout has none of them.
    fn check_paths_exist(&self, root: &Path) -> Result<(), ManifestError> {
        for lab in &self.labs {
            for path in lab.paths.iter().chain(&lab.framework) {
                if !root.join(path).exists() {
                    return Err(invalid(format!(
                        "lab {:?}: {} does not exist",
                        lab.name,
                        path.display()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Every file the labs' paths cover under `root`, sorted by path.
    pub fn files(&self, root: &Path) -> std::io::Result<Vec<LabFile>> {
        let mut files = Vec::new();
        for lab in &self.labs {
            for owned in &lab.paths {
                for path in walk(root, owned)? {
                    files.push(LabFile {
                        owner: lab.owner(&path),
                        path,
                        lab: lab.name.clone(),
                    });
                }
            }
        }
        files.sort();
        files.dedup_by(|a, b| a.path == b.path);
        Ok(files)
    }

    /// Who `path` (relative to the root) belongs to, if it is under a
    /// lab's paths.
    pub fn owner_of(&self, path: &Path) -> Option<Owner> {
        self.labs
            .iter()
            .find(|lab| lab.paths.iter().any(|owned| path.starts_with(owned)))
            .map(|lab| lab.owner(path))
    }

    /// The lab a part (e.g. `2a` or `2A`) belongs to.
    pub fn lab_of_part(&self, part: &str) -> Option<&Lab> {
        self.labs
            .iter()
            .find(|lab| lab.parts.iter().any(|p| p.eq_ignore_ascii_case(part)))
    }
}

impl Lab {
    /// Every path the lab's table names.
    fn all_paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.paths
            .iter()
            .chain(&self.framework)
            .chain(&self.solution_only)
    }

    /// Who `path`, one of the files under the lab's paths, belongs to.
    pub fn owner(&self, path: &Path) -> Owner {
        if self.solution_only.iter().any(|p| path.starts_with(p)) {
            Owner::SolutionOnly
        } else if self.framework.iter().any(|p| path.starts_with(p)) {
            Owner::Framework
        } else {
            Owner::Student
        }
    }
}

fn is_plain_relative(path: &Path) -> bool {
    path.components().count() > 0 && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// The files at or under `relative`, as paths relative to `root`, sorted.
fn walk(root: &Path, relative: &Path) -> std::io::Result<Vec<PathBuf>> {
    let full = root.join(relative);
    if !full.is_dir() {
        return Ok(vec![relative.to_path_buf()]);
    }
    let mut entries: Vec<_> = std::fs::read_dir(&full)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    let mut files = Vec::new();
    for name in entries {
        files.extend(walk(root, &relative.join(name))?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[[lab]]
name = "raft"
title = "Raft"
parts = ["2A", "2B"]
suite = "raft"
paths = ["raft/src"]
framework = ["raft/src/persister.rs"]
solution_only = ["raft/src/tests"]
"#;

    #[test]
    fn parses_labs_and_tells_owners_apart() {
        let manifest = Manifest::parse(MANIFEST).unwrap();
        let lab = &manifest.labs[0];
        assert_eq!(lab.owner(Path::new("raft/src/lib.rs")), Owner::Student);
        assert_eq!(
            lab.owner(Path::new("raft/src/persister.rs")),
            Owner::Framework
        );
        assert_eq!(
            lab.owner(Path::new("raft/src/tests/mod.rs")),
            Owner::SolutionOnly
        );
        assert_eq!(manifest.lab_of_part("2b").unwrap().name, "raft");
        assert!(manifest.lab_of_part("3A").is_none());
    }

    #[test]
    fn a_handout_without_the_solution_only_files_loads() {
        let root = std::env::temp_dir().join(format!("labtool-manifest-{}", std::process::id()));
        std::fs::create_dir_all(root.join("raft/src")).unwrap();
        std::fs::write(root.join(FILE), MANIFEST).unwrap();
        std::fs::write(root.join("raft/src/persister.rs"), "").unwrap();
        let loaded = Manifest::load(&root);
        std::fs::remove_file(root.join("raft/src/persister.rs")).unwrap();
        let missing = Manifest::load(&root).unwrap_err().to_string();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(loaded.unwrap().labs[0].name, "raft");
        assert!(missing.contains("persister.rs does not exist"), "{missing}");
    }

    #[test]
    fn rejects_what_cannot_be_meant() {
        let cases = [
            (
                MANIFEST.replace("\"raft/src/tests\"", "\"kvraft/src\""),
                "not inside",
            ),
            (
                MANIFEST.replace("\"raft/src\"]", "\"../raft\"]"),
                "plain relative",
            ),
            (format!("{MANIFEST}{MANIFEST}"), "two labs"),
            (MANIFEST.replace("suite", "suit"), "unknown field"),
            ("".to_string(), "lab"),
        ];
        for (text, expected) in cases {
            let error = Manifest::parse(&text).unwrap_err().to_string();
            assert!(error.contains(expected), "{error:?} lacks {expected:?}");
        }
    }
}
