//! The catalog of mutants, `labtool/mutants/mutants.toml`: each a name,
//! the part that must kill it, the bug in words, and the edits that plant
//! it in the reference, each a piece of text that must occur exactly once
//! in its file and what replaces it.
//!
//! ```toml
//! [[mutant]]
//! name = "needs-every-vote"
//! part = "2A"
//! bug = "a candidate waits for every vote, not a majority"
//! ci = true                                   # in the quick subset CI runs
//! control = false                             # true: a correct variant no seed may kill
//!
//! [[mutant.edit]]
//! file = "raft/src/election.rs"
//! find = "if quorum::is_majority(granted, self.peers) {"
//! replace = "if granted == self.peers {"
//! ```
//!
//! A mutant may be planted on a base instead of the reference itself: a
//! named set of edits made first, such as the reference without its
//! extras beyond the course, where they would hide the bug.
//!
//! ```toml
//! [[base]]
//! name = "course-raft"
//! about = "the reference without pre-vote and check quorum"
//! [[base.edit]]
//! file = "raft/src/election.rs"
//! find = "..."
//! replace = "..."
//!
//! [[mutant]]
//! name = "control-2A"
//! base = "course-raft"                        # its edits come first
//! ...
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::MutantsError;

/// The catalog.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The bases mutants may be planted on.
    #[serde(default, rename = "base")]
    pub bases: Vec<Base>,
    /// The mutants, in the table's order, each with its base's edits
    /// first once parsed.
    #[serde(rename = "mutant")]
    pub mutants: Vec<Mutant>,
}

/// Edits that make a variant of the reference mutants are planted on.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Base {
    /// Its name, unique.
    pub name: String,
    /// What it is, in words.
    pub about: String,
    /// The edits that make it.
    #[serde(rename = "edit")]
    pub edits: Vec<Edit>,
}

/// One planted bug.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    /// Its name, unique.
    pub name: String,
    /// The part whose tests must kill it, e.g. `2C`.
    pub part: String,
    /// The bug, in words.
    pub bug: String,
    /// Whether CI runs it: only mutants the suite kills on every seed
    /// (or, for a control, never).
    #[serde(default)]
    pub ci: bool,
    /// Whether it is a control: a variant still correct by the course
    /// (the reference without the thesis's extras), which its part must
    /// never fail, or a test demands more than the course does.
    #[serde(default)]
    pub control: bool,
    /// The base it is planted on, if not the reference itself.
    #[serde(default)]
    pub base: Option<String>,
    /// The edits that plant it; once parsed, its base's come first.
    #[serde(default, rename = "edit")]
    pub edits: Vec<Edit>,
}

/// One replacement in one file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// The student-owned file, relative to the root.
    pub file: PathBuf,
    /// Text that occurs exactly once in it.
    pub find: String,
    /// What takes its place.
    pub replace: String,
}

impl Edit {
    /// `text` with the edit made, or why it cannot be.
    pub fn apply(&self, text: &str) -> Result<String, String> {
        match text.matches(&self.find).count() {
            1 => Ok(text.replacen(&self.find, &self.replace, 1)),
            n => Err(format!(
                "{} holds {n} copies of {:?}, not one",
                self.file.display(),
                self.find
            )),
        }
    }
}

impl Catalog {
    /// Reads and checks the catalog at `path`.
    pub fn load(path: &Path) -> Result<Catalog, MutantsError> {
        let text = std::fs::read_to_string(path).map_err(|error| MutantsError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Catalog::parse(&text)
    }

    /// Parses and checks a catalog's text.
    pub fn parse(text: &str) -> Result<Catalog, MutantsError> {
        let mut catalog: Catalog = toml::from_str(text)
            .map_err(|e| MutantsError::Catalog(e.to_string().trim_end().to_string()))?;
        let mut base_names = BTreeSet::new();
        for base in &catalog.bases {
            if !base_names.insert(&base.name) {
                return Err(MutantsError::Catalog(format!(
                    "two bases are named {}",
                    base.name
                )));
            }
        }
        let mut names = BTreeSet::new();
        for mutant in &mut catalog.mutants {
            if !names.insert(mutant.name.clone()) {
                return Err(MutantsError::Catalog(format!(
                    "two mutants are named {}",
                    mutant.name
                )));
            }
            if let Some(name) = &mutant.base {
                let Some(base) = catalog.bases.iter().find(|base| &base.name == name) else {
                    return Err(MutantsError::Catalog(format!(
                        "mutant {} is planted on {name}, which is no base",
                        mutant.name
                    )));
                };
                let own = std::mem::take(&mut mutant.edits);
                mutant.edits = base.edits.iter().cloned().chain(own).collect();
            }
            if mutant.edits.is_empty() {
                return Err(MutantsError::Catalog(format!(
                    "mutant {} makes no edit",
                    mutant.name
                )));
            }
        }
        Ok(catalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_applies_to_exactly_one_occurrence() {
        let edit = Edit {
            file: PathBuf::from("raft/src/a.rs"),
            find: "x > 1".to_string(),
            replace: "x > 2".to_string(),
        };
        assert_eq!(edit.apply("if x > 1 {}").unwrap(), "if x > 2 {}");
        let none = edit.apply("if y {}").unwrap_err();
        assert!(none.contains("0 copies"), "{none}");
        let two = edit.apply("x > 1 && x > 1").unwrap_err();
        assert!(two.contains("2 copies"), "{two}");
    }

    #[test]
    fn the_repositorys_catalog_parses_and_names_parts_of_the_manifest() {
        let catalog = Catalog::parse(include_str!("../../mutants/mutants.toml")).unwrap();
        let manifest =
            crate::manifest::Manifest::parse(include_str!("../../../student.toml")).unwrap();
        assert!(!catalog.mutants.is_empty());
        for mutant in &catalog.mutants {
            assert!(
                manifest.lab_of_part(&mutant.part).is_some(),
                "{}",
                mutant.name
            );
        }
        let twice = "[[mutant]]\nname = \"a\"\npart = \"2A\"\nbug = \"b\"\n\
                     [[mutant.edit]]\nfile = \"f\"\nfind = \"x\"\nreplace = \"y\"\n";
        let error = Catalog::parse(&twice.repeat(2)).unwrap_err().to_string();
        assert!(error.contains("two mutants are named a"), "{error}");
    }

    #[test]
    fn a_mutant_on_a_base_makes_the_bases_edits_first() {
        let text = "[[base]]\nname = \"b\"\nabout = \"a base\"\n\
                    [[base.edit]]\nfile = \"f\"\nfind = \"x\"\nreplace = \"y\"\n\
                    [[mutant]]\nname = \"control\"\npart = \"2A\"\nbug = \"none\"\nbase = \"b\"\n\
                    [[mutant]]\nname = \"m\"\npart = \"2A\"\nbug = \"z\"\nbase = \"b\"\n\
                    [[mutant.edit]]\nfile = \"f\"\nfind = \"y\"\nreplace = \"z\"\n";
        let catalog = Catalog::parse(text).unwrap();
        let finds = |m: &Mutant| m.edits.iter().map(|e| e.find.clone()).collect::<Vec<_>>();
        assert_eq!(finds(&catalog.mutants[0]), ["x"]);
        assert_eq!(finds(&catalog.mutants[1]), ["x", "y"]);

        let unknown = text.replace(
            "base = \"b\"\n[[mutant.edit]]",
            "base = \"c\"\n[[mutant.edit]]",
        );
        let error = Catalog::parse(&unknown).unwrap_err().to_string();
        assert!(
            error.contains("mutant m is planted on c, which is no base"),
            "{error}"
        );
    }
}
