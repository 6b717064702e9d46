//! The files of a tree, as the handout and the grader take them: git's
//! list in a git work tree (tracked, and new files not ignored unless only
//! tracked ones are asked for), otherwise every file but those under
//! `.git` and `target`, as in a container image or an unpacked archive.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Directories a tree without git never gives files from.
const SKIPPED_DIRS: &[&str] = &[".git", "target"];

/// Which files of a git work tree are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Tracked files, and new files git does not ignore.
    WithNew,
    /// Tracked files alone: what the repository holds, not what lies
    /// about in its work tree (a batch of submissions, say).
    Tracked,
}

/// The files of the tree at `dir`, relative to it, sorted; each listed
/// once. Git's list may name files deleted since, and links.
pub fn list(dir: &Path, listing: Listing) -> Result<Vec<PathBuf>, String> {
    let mut files = if dir.join(".git").exists() {
        git_files(dir, listing)?
    } else {
        let mut files = Vec::new();
        walk(dir, Path::new(""), &mut files)
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        files
    };
    files.sort();
    files.dedup();
    Ok(files)
}

fn git_files(dir: &Path, listing: Listing) -> Result<Vec<PathBuf>, String> {
    let mut command = Command::new("git");
    // The tree may be a submission's: its own configuration must run
    // nothing (a file-system monitor is a command), and a tree another
    // user owns is still listed.
    command
        .args(["-c", "core.fsmonitor=false", "-c", "safe.directory=*"])
        .args(["ls-files", "-z", "--cached"]);
    if listing == Listing::WithNew {
        command.args(["--others", "--exclude-standard"]);
    }
    let output = command
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git in {}: {e}", dir.display()))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(output
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        .collect())
}

fn walk(root: &Path, relative: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(root.join(relative))? {
        let entry = entry?;
        let path = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if !SKIPPED_DIRS.iter().any(|d| entry.file_name() == *d) {
                walk(root, &path, files)?;
            }
        } else {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_without_git_lists_all_but_its_build_and_git_directories() {
        let root = std::env::temp_dir().join(format!("labtool-files-{}", std::process::id()));
        for file in [
            "a.rs",
            "src/b.rs",
            "target/debug/x",
            "src/.git/HEAD",
            "src/target/y",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let listed = list(&root, Listing::WithNew);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            listed.unwrap(),
            ["a.rs", "src/b.rs"].map(PathBuf::from),
            "no target or .git anywhere"
        );
    }
}
