//! `lab handout OUT`: the student's repository, made from the reference.
//!
//! Every file of the repository is copied as it is, except the labs'
//! student-owned files (see [`crate::manifest`]): their SOLUTION regions
//! become their stubs, the reference's own unit tests are left out, and the
//! README becomes the student's. The written tree is then read back and
//! checked for any line of the reference.

mod leaks;
mod readme;
pub mod verify;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::files::Listing;
use crate::manifest::{LabFile, Manifest, ManifestError, Owner};
use crate::regions::{self, MarkerError, Region, Stripped};

pub use leaks::Leak;

/// What a handout is made of: every file of the repository and what
/// becomes of it.
pub struct Plan {
    /// The repository's root.
    pub root: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// Files copied as they are.
    pub verbatim: Vec<PathBuf>,
    /// Student-owned files, stripped of their regions.
    pub stripped: BTreeMap<PathBuf, Stripped>,
    /// Files the handout leaves out: the reference's alone.
    pub omitted: Vec<PathBuf>,
}

/// Why a handout could not be made.
#[derive(Debug)]
pub enum HandoutError {
    /// The manifest is missing or wrong.
    Manifest(ManifestError),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The repository's files could not be listed.
    Git {
        /// What git said.
        message: String,
    },
    /// A student-owned file's markers are malformed.
    Markers {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        error: MarkerError,
    },
    /// The output directory exists and holds files.
    OutputNotEmpty {
        /// The directory.
        path: PathBuf,
    },
    /// Lines of the reference are in the written handout.
    Leaks(Vec<Leak>),
}

impl fmt::Display for HandoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandoutError::Manifest(e) => e.fmt(f),
            HandoutError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            HandoutError::Git { message } => {
                write!(f, "cannot list the repository's files: {message}")
            }
            HandoutError::Markers { path, error } => write!(f, "{}: {error}", path.display()),
            HandoutError::OutputNotEmpty { path } => write!(
                f,
                "{} exists and is not empty; give a new or empty directory",
                path.display()
            ),
            HandoutError::Leaks(leaks) => {
                writeln!(
                    f,
                    "{} lines of the reference are in the handout:",
                    leaks.len()
                )?;
                for leak in leaks {
                    writeln!(f, "  {leak}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for HandoutError {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HandoutError + '_ {
    move |error| HandoutError::Io {
        path: path.to_path_buf(),
        error,
    }
}

impl Plan {
    /// Reads the repository at `root` and decides what becomes of each
    /// file, new files included.
    pub fn new(root: &Path) -> Result<Plan, HandoutError> {
        Plan::of(root, Listing::WithNew)
    }

    /// As [`Plan::new`], of the repository's tracked files alone: the
    /// pristine framework the grader builds submissions on, whatever else
    /// lies in the instructor's work tree.
    pub fn tracked(root: &Path) -> Result<Plan, HandoutError> {
        Plan::of(root, Listing::Tracked)
    }

    fn of(root: &Path, listing: Listing) -> Result<Plan, HandoutError> {
        let manifest = Manifest::load(root).map_err(HandoutError::Manifest)?;
        let lab_files: BTreeMap<PathBuf, LabFile> = manifest
            .files(root)
            .map_err(io(root))?
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        let mut plan = Plan {
            root: root.to_path_buf(),
            manifest,
            verbatim: Vec::new(),
            stripped: BTreeMap::new(),
            omitted: Vec::new(),
        };
        for path in repository_files(root, listing)? {
            match lab_files.get(&path).map(|f| f.owner) {
                Some(Owner::SolutionOnly) => plan.omitted.push(path),
                Some(Owner::Student) => {
                    let source = read(root, &path)?;
                    let stripped =
                        regions::strip(&source).map_err(|error| HandoutError::Markers {
                            path: path.clone(),
                            error,
                        })?;
                    plan.stripped.insert(path, stripped);
                }
                // The reference's README is replaced, and quotes the
                // reference: it is no framework text.
                None if path == Path::new(readme::FILE) => {}
                Some(Owner::Framework) | None => plan.verbatim.push(path),
            }
        }
        Ok(plan)
    }

    /// Every region of the student-owned files, with its file.
    pub fn regions(&self) -> impl Iterator<Item = (&Path, &Region)> {
        self.stripped
            .iter()
            .flat_map(|(path, s)| s.regions.iter().map(move |r| (path.as_path(), r)))
    }

    /// What the handout holds at `path` (relative to the root), or `None`
    /// if it holds no such file: the grader compares a submission's
    /// framework files with it.
    pub fn handout_text(&self, path: &Path) -> Result<Option<Vec<u8>>, HandoutError> {
        if path == Path::new(readme::FILE) {
            return Ok(Some(readme::render(&self.manifest, self).into_bytes()));
        }
        if let Some(stripped) = self.stripped.get(path) {
            return Ok(Some(stripped.text.clone().into_bytes()));
        }
        if self
            .verbatim
            .binary_search_by(|p| p.as_path().cmp(path))
            .is_ok()
        {
            let full = self.root.join(path);
            return std::fs::read(&full).map(Some).map_err(io(&full));
        }
        Ok(None)
    }

    /// Every file the handout holds, relative to the root, sorted.
    pub fn handout_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self.verbatim.clone();
        files.extend(self.stripped.keys().cloned());
        files.push(PathBuf::from(readme::FILE));
        files.sort();
        files
    }

    /// Writes the handout into `out`, a new or empty directory, and checks
    /// that no line of the reference is in it.
    pub fn write(&self, out: &Path) -> Result<(), HandoutError> {
        if out.exists() && out.read_dir().map_err(io(out))?.next().is_some() {
            return Err(HandoutError::OutputNotEmpty {
                path: out.to_path_buf(),
            });
        }
        for path in &self.verbatim {
            let target = out.join(path);
            create_parent(&target)?;
            std::fs::copy(self.root.join(path), &target).map_err(io(&target))?;
        }
        for (path, stripped) in &self.stripped {
            let target = out.join(path);
            create_parent(&target)?;
            std::fs::write(&target, &stripped.text).map_err(io(&target))?;
        }
        let readme = out.join(readme::FILE);
        std::fs::write(&readme, readme::render(&self.manifest, self)).map_err(io(&readme))?;
        let leaks = leaks::find(self, out)?;
        if !leaks.is_empty() {
            return Err(HandoutError::Leaks(leaks));
        }
        Ok(())
    }
}

/// The repository's files (see [`crate::files`]) that exist.
fn repository_files(root: &Path, listing: Listing) -> Result<Vec<PathBuf>, HandoutError> {
    let files =
        crate::files::list(root, listing).map_err(|message| HandoutError::Git { message })?;
    Ok(files
        .into_iter()
        .filter(|path| root.join(path).is_file())
        .collect())
}

fn read(root: &Path, path: &Path) -> Result<String, HandoutError> {
    std::fs::read_to_string(root.join(path)).map_err(io(path))
}

fn create_parent(path: &Path) -> Result<(), HandoutError> {
    let parent = path.parent().expect("a file has a parent directory");
    std::fs::create_dir_all(parent).map_err(io(parent))
}
