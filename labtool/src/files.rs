//! The files of a tree, as the handout and the grader take them: git's
//! list in a git work tree (tracked, or new and not ignored), otherwise
//! every file but those under `.git` and `target`, as in a container
//! image or an unpacked archive.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Directories a tree without git never gives files from.
const SKIPPED_DIRS: &[&str] = &[".git", "target"];

/// The files of the tree at `dir`, relative to it, sorted; each listed
/// once. Git's list may name files deleted since, and links.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = if dir.join(".git").exists() {
        git_files(dir)?
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

fn git_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let output = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
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
        let listed = list(&root);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            listed.unwrap(),
            ["a.rs", "src/b.rs"].map(PathBuf::from),
            "no target or .git anywhere"
        );
    }
}
