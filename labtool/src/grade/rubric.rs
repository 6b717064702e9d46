//! The rubric: what each part and test of a grade is worth, and how a
//! test's runs earn its points.
//!
//! ```toml
//! pass = "all-seeds"        # or "proportional"
//!
//! [parts]                   # a part's points, split evenly over its tests
//! 2A = 10
//! 2B = 30
//!
//! [tests]                   # a test's own points, taken from its part's
//! "backup_2b" = 6
//! ```
//!
//! Only the tests of the rubric's parts, and the tests it names, are run.
//! A test named in `[tests]` (by its full name, `agreement::backup_2b`, or
//! its last segment) gets its own points; whatever of its part's points
//! the named tests leave is split evenly over the part's other tests.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::stress::plan::chosen;

/// How a test's runs earn its points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassRule {
    /// All its points if every run passed, else none.
    #[default]
    AllSeeds,
    /// Its points in proportion to the runs that passed.
    Proportional,
}

/// A parsed rubric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// How runs earn points.
    #[serde(default)]
    pub pass: PassRule,
    /// Points per part, e.g. `2A`.
    #[serde(default)]
    pub parts: BTreeMap<String, f64>,
    /// Points per test, out of its part's.
    #[serde(default)]
    pub tests: BTreeMap<String, f64>,
}

/// A graded test and what it is worth.
#[derive(Clone, Debug, PartialEq)]
pub struct Weighted {
    /// Its full name.
    pub test: String,
    /// Its part, as the rubric spells it, if it is of one of the
    /// rubric's parts.
    pub part: Option<String>,
    /// Its points.
    pub points: f64,
}

/// A rubric that cannot be used.
#[derive(Clone, Debug, PartialEq)]
pub enum RubricError {
    /// It is not valid TOML of the rubric's shape.
    Parse {
        /// The parser's explanation, with the line.
        message: String,
    },
    /// A part's or a test's points are negative or not a number.
    BadPoints {
        /// The part or test.
        name: String,
    },
    /// A part of the rubric has no test.
    EmptyPart {
        /// The part.
        part: String,
    },
    /// A test of the rubric matches no test, or more than one.
    UnknownTest {
        /// The name given.
        name: String,
        /// How many tests it matched.
        matched: usize,
    },
    /// It grades no test at all.
    Empty,
    /// A part's named tests take more points than the part has.
    Overdrawn {
        /// The part.
        part: String,
        /// Its points.
        points: f64,
        /// The points its named tests take.
        named: f64,
    },
}

impl fmt::Display for RubricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RubricError::Parse { message } => write!(f, "rubric: {message}"),
            RubricError::BadPoints { name } => {
                write!(
                    f,
                    "rubric: the points of {name} are not a number of 0 or more"
                )
            }
            RubricError::EmptyPart { part } => write!(f, "rubric: part {part} has no test"),
            RubricError::Empty => write!(f, "rubric: it names no part and no test to grade"),
            RubricError::UnknownTest { name, matched: 0 } => {
                write!(f, "rubric: no test is named {name}")
            }
            RubricError::UnknownTest { name, matched } => write!(
                f,
                "rubric: {name} names {matched} tests; give the full name of one"
            ),
            RubricError::Overdrawn {
                part,
                points,
                named,
            } => write!(
                f,
                "rubric: part {part} has {points} points, but its tests under [tests] take {named}"
            ),
        }
    }
}

impl std::error::Error for RubricError {}

impl Rubric {
    /// Parses and checks a rubric's text.
    pub fn parse(text: &str) -> Result<Rubric, RubricError> {
        let rubric: Rubric = toml::from_str(text).map_err(|e| RubricError::Parse {
            message: e.to_string().trim_end().to_string(),
        })?;
        let all = rubric.parts.iter().chain(&rubric.tests);
        if let Some((name, _)) = all.into_iter().find(|(_, p)| !p.is_finite() || **p < 0.0) {
            return Err(RubricError::BadPoints { name: name.clone() });
        }
        Ok(rubric)
    }

    /// The graded tests among `tests` (full names), in their order, and
    /// the points of each.
    pub fn weigh(&self, tests: &[String]) -> Result<Vec<Weighted>, RubricError> {
        let part_of = |test: &str| {
            self.parts
                .keys()
                .find(|part| chosen(test, std::slice::from_ref(*part), &[]))
                .cloned()
        };
        let mut own: BTreeMap<&str, f64> = BTreeMap::new();
        for (name, &points) in &self.tests {
            let matched: Vec<&String> = tests
                .iter()
                .filter(|t| *t == name || t.rsplit("::").next() == Some(name.as_str()))
                .collect();
            match matched[..] {
                [test] => own.insert(test, points),
                _ => {
                    return Err(RubricError::UnknownTest {
                        name: name.clone(),
                        matched: matched.len(),
                    });
                }
            };
        }
        let mut weighted = Vec::new();
        for (part, &points) in &self.parts {
            let members: Vec<&String> = tests
                .iter()
                .filter(|t| part_of(t).as_ref() == Some(part))
                .collect();
            if members.is_empty() {
                return Err(RubricError::EmptyPart { part: part.clone() });
            }
            let named: f64 = members.iter().filter_map(|t| own.get(t.as_str())).sum();
            if named > points {
                return Err(RubricError::Overdrawn {
                    part: part.clone(),
                    points,
                    named,
                });
            }
            let unnamed = members
                .iter()
                .filter(|t| !own.contains_key(t.as_str()))
                .count();
            let share = if unnamed == 0 {
                0.0
            } else {
                (points - named) / unnamed as f64
            };
            for test in members {
                let points = own.get(test.as_str()).copied().unwrap_or(share);
                weighted.push((test, Some(part.clone()), points));
            }
        }
        for (test, &points) in &own {
            if part_of(test).is_none() {
                weighted.push((
                    tests.iter().find(|t| t == test).expect("matched"),
                    None,
                    points,
                ));
            }
        }
        if weighted.is_empty() {
            return Err(RubricError::Empty);
        }
        let order = |test: &String| tests.iter().position(|t| t == test);
        weighted.sort_by_key(|(test, _, _)| order(test));
        Ok(weighted
            .into_iter()
            .map(|(test, part, points)| Weighted {
                test: test.clone(),
                part,
                points,
            })
            .collect())
    }

    /// The points a test worth `points` earns when `passed` of its `runs`
    /// runs passed.
    pub fn earned(&self, points: f64, passed: u64, runs: u64) -> f64 {
        if runs == 0 {
            return 0.0;
        }
        match self.pass {
            PassRule::AllSeeds if passed == runs => points,
            PassRule::AllSeeds => 0.0,
            PassRule::Proportional => points * passed as f64 / runs as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    const TESTS: &[&str] = &[
        "election::initial_election_2a",
        "election::re_election_2a",
        "agreement::basic_agree_2b",
        "agreement::backup_2b",
        "agreement::count_2b",
        "persist::figure8_2c",
    ];

    fn points(weighted: &[Weighted]) -> Vec<(&str, f64)> {
        weighted
            .iter()
            .map(|w| (w.test.as_str(), w.points))
            .collect()
    }

    #[test]
    fn a_parts_points_split_over_its_tests_after_the_named_ones() {
        let rubric = Rubric::parse(
            "[parts]\n2A = 10\n2B = 30\n[tests]\nbackup_2b = 6\n\"persist::figure8_2c\" = 5\n",
        )
        .unwrap();
        let weighted = rubric.weigh(&names(TESTS)).unwrap();
        assert_eq!(
            points(&weighted),
            [
                ("election::initial_election_2a", 5.0),
                ("election::re_election_2a", 5.0),
                ("agreement::basic_agree_2b", 12.0),
                ("agreement::backup_2b", 6.0),
                ("agreement::count_2b", 12.0),
                ("persist::figure8_2c", 5.0),
            ]
        );
        assert_eq!(weighted[3].part.as_deref(), Some("2B"));
        assert_eq!(weighted[5].part, None, "2C is not a part of the rubric");
        let total: f64 = weighted.iter().map(|w| w.points).sum();
        assert_eq!(total, 45.0);
    }

    #[test]
    fn the_pass_rule_decides_what_a_partly_passing_test_earns() {
        let all = Rubric::parse("[parts]\n2A = 10\n").unwrap();
        assert_eq!(all.pass, PassRule::AllSeeds);
        assert_eq!(all.earned(5.0, 20, 20), 5.0);
        assert_eq!(all.earned(5.0, 19, 20), 0.0);
        assert_eq!(
            all.earned(5.0, 0, 0),
            0.0,
            "a test that never ran earns nothing"
        );
        let proportional = Rubric::parse("pass = \"proportional\"\n[parts]\n2A = 10\n").unwrap();
        assert_eq!(proportional.earned(5.0, 15, 20), 3.75);
    }

    #[test]
    fn a_rubric_that_cannot_be_met_is_refused_with_its_reason() {
        let weigh = |text: &str| Rubric::parse(text).and_then(|r| r.weigh(&names(TESTS)));
        assert_eq!(
            weigh("[parts]\n2D = 10\n"),
            Err(RubricError::EmptyPart {
                part: "2D".to_string()
            })
        );
        assert_eq!(
            weigh("[tests]\nbackup_2c = 1\n"),
            Err(RubricError::UnknownTest {
                name: "backup_2c".to_string(),
                matched: 0
            })
        );
        assert_eq!(
            weigh("[parts]\n2A = 4\n[tests]\nre_election_2a = 5\n"),
            Err(RubricError::Overdrawn {
                part: "2A".to_string(),
                points: 4.0,
                named: 5.0
            })
        );
        assert_eq!(weigh("pass = \"all-seeds\"\n"), Err(RubricError::Empty));
        assert_eq!(
            weigh("[parts]\n2A = -1\n"),
            Err(RubricError::BadPoints {
                name: "2A".to_string()
            })
        );
        for bad in [
            "pass = \"most\"\n",
            "[parts]\n2A = \"ten\"\n",
            "points = 3\n",
        ] {
            let error = weigh(bad).unwrap_err();
            assert!(
                matches!(error, RubricError::Parse { .. }),
                "{bad:?}: {error:?}"
            );
        }
    }

    #[test]
    fn the_course_rubric_grades_parts_of_the_manifest() {
        let rubric = Rubric::parse(include_str!("../../rubrics/course.toml")).unwrap();
        let manifest =
            crate::manifest::Manifest::parse(include_str!("../../../student.toml")).unwrap();
        assert!(!rubric.parts.is_empty());
        for part in rubric.parts.keys() {
            assert!(manifest.lab_of_part(part).is_some(), "{part}");
        }
    }

    #[test]
    fn a_last_segment_naming_two_tests_is_ambiguous() {
        let tests = names(&["a::same_2a", "b::same_2a"]);
        let rubric = Rubric::parse("[tests]\nsame_2a = 1\n").unwrap();
        assert_eq!(
            rubric.weigh(&tests),
            Err(RubricError::UnknownTest {
                name: "same_2a".to_string(),
                matched: 2
            })
        );
    }
}
