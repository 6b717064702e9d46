//! The handout's README: the student's guide, with the files they own
//! taken from the manifest.

use std::fmt::Write;
use std::path::Path;

use super::Plan;
use crate::manifest::Manifest;

/// The README's path in the handout; the reference's README is not copied.
pub(super) const FILE: &str = "README.md";

const TEMPLATE: &str = include_str!("README.md");

/// The README for the handout `plan` makes.
pub(super) fn render(manifest: &Manifest, plan: &Plan) -> String {
    let mut files = String::new();
    for lab in &manifest.labs {
        let owned: Vec<&Path> = plan
            .stripped
            .keys()
            .map(|p| p.as_path())
            .filter(|p| lab.paths.iter().any(|owned| p.starts_with(owned)))
            .collect();
        let parts = lab.parts.join(", ");
        writeln!(
            files,
            "**{}** (parts {parts}; `make test-{}`):",
            lab.title,
            lab_target(&lab.parts)
        )
        .unwrap();
        writeln!(files).unwrap();
        for path in owned {
            writeln!(files, "- `{}`", path.display()).unwrap();
        }
        for path in &lab.framework {
            writeln!(files, "- not `{}`: it is the framework's", path.display()).unwrap();
        }
        writeln!(files).unwrap();
    }
    TEMPLATE.replace("{{files}}", files.trim_end_matches('\n'))
}

/// The make target that runs every part of a lab: `2` for 2A-2D, `4a`
/// for a lab of the one part 4A.
fn lab_target(parts: &[String]) -> String {
    match parts {
        [one] => one.to_ascii_lowercase(),
        _ => {
            let first = parts.first().map(String::as_str).unwrap_or_default();
            first
                .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .to_string()
        }
    }
}
