//! `--partition k/n`: the k-th of n disjoint shares of a session's plan, so
//! that n machines given the same arguments run the whole plan between
//! them, each run exactly once, and `lab merge` makes one table of it.
//!
//! ```text
//! lab stress --part 2B --seeds 500 --first-seed 1 --partition 1/2   on one machine
//! lab stress --part 2B --seeds 500 --first-seed 1 --partition 2/2   on another
//! ```
//!
//! With a number of seeds, the plan's runs in (test, seed) order go to the
//! shares in turn: run `i` to share `i mod n`. Shares differ by one run at
//! most, and each test's seeds spread over all of them, so a slow test
//! slows no share more than another. With a duration there is no fixed
//! list of runs, so the tests are shared instead: the sorted tests go to
//! the shares in turn, and each share goes round its own tests.
//!
//! Nothing depends on the machine: only the arguments and the tests'
//! names decide the share.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::plan::Test;

/// The k-th of n shares; `1/1` is the whole plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Partition {
    /// Which share, from 1.
    pub share: u64,
    /// Of how many.
    pub of: u64,
}

impl Partition {
    /// The whole plan.
    pub const WHOLE: Partition = Partition { share: 1, of: 1 };

    /// Whether this is the whole plan.
    pub fn is_whole(&self) -> bool {
        self.of == 1
    }

    /// Whether the run of test `test` (an index into the plan's tests) on
    /// its `offset`-th seed (from 0), of a plan of `seeds` seeds per test,
    /// is in this share.
    pub fn holds(&self, test: usize, offset: u64, seeds: u64) -> bool {
        self.takes((test as u64).wrapping_mul(seeds).wrapping_add(offset))
    }

    /// Whether the `index`-th item (from 0) of a list shared in turn is in
    /// this share.
    pub fn takes(&self, index: u64) -> bool {
        index % self.of == self.share - 1
    }

    /// How many of the first `runs` runs, in (test, seed) order, are in
    /// this share.
    pub fn count(&self, runs: u64) -> u64 {
        // The indexes below `runs` that are `share - 1` modulo `of`.
        runs.saturating_add(self.of - self.share) / self.of
    }

    /// How many runs of each of `tests` tests, on `seeds` seeds each, are
    /// in this share.
    pub fn per_test(&self, tests: usize, seeds: u64) -> Vec<u64> {
        (0..tests as u64)
            .map(|test| {
                let before = test.saturating_mul(seeds);
                self.count(before.saturating_add(seeds)) - self.count(before)
            })
            .collect()
    }

    /// The tests of this share, when the plan is shared by test: the
    /// sorted tests in turn, each with its index in `tests`.
    pub fn tests<'a>(&self, tests: &'a [Test]) -> Vec<(usize, &'a Test)> {
        let mut sorted: Vec<(usize, &Test)> = tests.iter().enumerate().collect();
        sorted.sort_by(|(_, a), (_, b)| (&a.suite, &a.name).cmp(&(&b.suite, &b.name)));
        let mut share: Vec<(usize, &Test)> = sorted
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i as u64 % self.of == self.share - 1)
            .map(|(_, test)| test)
            .collect();
        share.sort_by_key(|(index, _)| *index);
        share
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.share, self.of)
    }
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Partition, String> {
        let bad = || format!("{text:?} is not a share; write k/n with 1 <= k <= n, e.g. 2/4");
        let (share, of) = text.trim().split_once('/').ok_or_else(bad)?;
        let share: u64 = share.trim().parse().map_err(|_| bad())?;
        let of: u64 = of.trim().parse().map_err(|_| bad())?;
        if share == 0 || share > of {
            return Err(bad());
        }
        Ok(Partition { share, of })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(of: u64) -> Vec<Partition> {
        (1..=of).map(|share| Partition { share, of }).collect()
    }

    /// Each (test, seed offset) of the plan, with the share holding it.
    fn owners(tests: usize, seeds: u64, of: u64) -> Vec<Vec<u64>> {
        (0..tests)
            .map(|test| {
                (0..seeds)
                    .map(|offset| {
                        let holders: Vec<u64> = shares(of)
                            .iter()
                            .filter(|p| p.holds(test, offset, seeds))
                            .map(|p| p.share)
                            .collect();
                        assert_eq!(holders.len(), 1, "test {test} seed {offset}: {holders:?}");
                        holders[0]
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn shares_are_disjoint_cover_the_plan_and_are_even() {
        for (tests, seeds, of) in [(3, 10, 4), (1, 1, 3), (5, 7, 5), (2, 4, 1), (4, 100, 7)] {
            // `owners` checks that every run is in exactly one share.
            let owners = owners(tests, seeds, of);
            let total = tests as u64 * seeds;
            let counts: Vec<u64> = shares(of)
                .iter()
                .map(|p| owners.iter().flatten().filter(|&&s| s == p.share).count() as u64)
                .collect();
            assert_eq!(counts.iter().sum::<u64>(), total);
            let (min, max) = (counts.iter().min(), counts.iter().max());
            assert!(max.unwrap() - min.unwrap() <= 1, "{counts:?}");
            for p in shares(of) {
                assert_eq!(p.count(total), counts[p.share as usize - 1], "{p}");
                let per_test = p.per_test(tests, seeds);
                for (test, &n) in per_test.iter().enumerate() {
                    let held = owners[test].iter().filter(|&&s| s == p.share).count();
                    assert_eq!(n, held as u64, "{p} test {test}");
                }
            }
        }
    }

    #[test]
    fn a_tests_seeds_spread_over_the_shares_the_same_way_every_time() {
        let owners = owners(2, 4, 2);
        assert_eq!(owners, [[1, 2, 1, 2], [1, 2, 1, 2]]);
        assert_eq!(owners, self::owners(2, 4, 2), "stable");
        assert_eq!(Partition::WHOLE.count(17), 17);
    }

    #[test]
    fn shared_by_test_the_sorted_tests_go_round_the_shares() {
        let test = |name: &str| Test {
            suite: "raft".to_string(),
            name: name.to_string(),
        };
        let tests = [test("c"), test("a"), test("d"), test("b"), test("e")];
        let names = |p: Partition| -> Vec<&str> {
            p.tests(&tests)
                .iter()
                .map(|(_, t)| t.name.as_str())
                .collect()
        };
        let first = Partition { share: 1, of: 2 };
        let second = Partition { share: 2, of: 2 };
        // Sorted: a b c d e; share 1 has a, c, e in the plan's order.
        assert_eq!(names(first), ["c", "a", "e"]);
        assert_eq!(names(second), ["d", "b"]);
        let mut reordered = tests.clone();
        reordered.reverse();
        let again: Vec<&str> = first
            .tests(&reordered)
            .iter()
            .map(|(_, t)| t.name.as_str())
            .collect();
        assert_eq!(again, ["e", "a", "c"], "the same tests whatever the order");
        assert!(Partition { share: 6, of: 6 }.tests(&tests).is_empty());
    }

    #[test]
    fn a_share_reads_as_k_of_n() {
        assert_eq!("2/3".parse(), Ok(Partition { share: 2, of: 3 }));
        assert_eq!("1/1".parse(), Ok(Partition::WHOLE));
        for bad in ["0/2", "3/2", "2", "a/b", "1/0", "/2", "1/-2"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad:?}");
        }
        assert_eq!(Partition { share: 2, of: 3 }.to_string(), "2/3");
    }
}
