//! What the page points to outside the log: the command that replays the
//! run, and the linearizability checker's timeline of it.

use std::path::{Component, Path, PathBuf};

use crate::process::{ENV_RUNTIME, ENV_SEED};
use crate::runlog::Header;

/// The suffixes, after the log's stem, under which a linearizability
/// timeline of the same run may sit next to the log.
pub const TIMELINE_SUFFIXES: [&str; 3] = [
    ".linearizability.html",
    ".porcupine.html",
    "-linearizability.html",
];

/// The command that replays a sim run, its suite found in `root`'s
/// `tests/tests/`; `<suite>` stands in when no suite holds the test. None
/// for a run without a seed.
pub fn replay(header: &Header, root: &Path) -> Option<String> {
    let seed = header.seed?;
    let suite = suite_of(root, &header.test).unwrap_or_else(|| "<suite>".to_string());
    Some(format!(
        "{ENV_RUNTIME}=sim {ENV_SEED}={seed} cargo test -p tests --test {suite} {} -- --exact",
        header.test
    ))
}

/// The suite (a directory of `root/tests/tests`) whose module of `test`'s
/// path defines its function.
pub fn suite_of(root: &Path, test: &str) -> Option<String> {
    let mut path: Vec<&str> = test.split("::").collect();
    let name = path.pop()?;
    let definition = format!("fn {name}(");
    let mut suites: Vec<PathBuf> = std::fs::read_dir(root.join("tests/tests"))
        .ok()?
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.is_dir())
        .collect();
    suites.sort();
    suites.into_iter().find_map(|suite| {
        let modules = path.iter().collect::<PathBuf>();
        let candidates = if path.is_empty() {
            vec![suite.join("main.rs")]
        } else {
            vec![
                suite.join(&modules).with_extension("rs"),
                suite.join(&modules).join("mod.rs"),
            ]
        };
        let defines = candidates
            .iter()
            .any(|file| std::fs::read_to_string(file).is_ok_and(|text| text.contains(&definition)));
        defines.then(|| suite.file_name()?.to_str().map(str::to_string))?
    })
}

/// The timeline of the run of `log`, as a link from a page in `page_dir`:
/// a file next to the log with the log's stem and one of
/// [`TIMELINE_SUFFIXES`], or else an `.html` path the failure message
/// names (the checker prints `timeline in <path>`) that exists.
pub fn timeline(log: &Path, failure: Option<&str>, page_dir: &Path) -> Option<String> {
    let dir = log.parent().unwrap_or(Path::new("."));
    let stem = log.file_stem()?.to_str()?;
    let beside = TIMELINE_SUFFIXES
        .iter()
        .map(|suffix| dir.join(format!("{stem}{suffix}")))
        .find(|p| p.is_file());
    let named = || {
        failure?
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';'))
            .filter(|word| word.ends_with(".html"))
            .map(PathBuf::from)
            .find(|p| p.is_file())
    };
    let target = beside.or_else(named)?;
    Some(link(&target, page_dir))
}

/// A link to `target` from a page in `page_dir`: relative when they share
/// a directory below the root, a `file://` address otherwise (a page under
/// the repository linking a timeline in /tmp).
pub fn link(target: &Path, page_dir: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (target, from) = (normal(&absolute(target)), normal(&absolute(page_dir)));
    let common = target
        .components()
        .zip(from.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common <= 1 {
        return format!("file://{}", target.display());
    }
    let ups = from.components().count() - common;
    let mut relative: Vec<String> = vec!["..".to_string(); ups];
    relative.extend(
        target
            .components()
            .skip(common)
            .map(|c| url_segment(&c.as_os_str().to_string_lossy())),
    );
    relative.join("/")
}

/// `segment` with the characters a URL path gives a meaning escaped.
fn url_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for c in segment.chars() {
        match c {
            '%' | ' ' | '#' | '?' | '"' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `path` without `.` components, and with `..` applied.
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
