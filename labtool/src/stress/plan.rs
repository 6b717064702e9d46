//! Which tests a stress run takes, and which (test, seed) runs it makes of
//! them, in what order.
//!
//! Runs go round the tests one seed at a time: every test on the first
//! seed, then every test on the next, so that each test's count grows
//! evenly however soon the run stops.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::partition::Partition;

/// A test a session stresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Test {
    /// The suite (test binary of the `tests` crate) it is in: `raft`.
    pub suite: String,
    /// Its full name there: `election::initial_election_2a`.
    pub name: String,
}

/// One run of a stress session: test `test` (an index into its list of
/// tests) on `seed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Job {
    /// The test's index.
    pub test: usize,
    /// The seed it runs on.
    pub seed: u64,
}

/// How many runs a session makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Each test on this many consecutive seeds.
    Seeds(u64),
    /// Seeds go on being issued for this long.
    Duration(Duration),
}

/// The `n`th run (from 0) of a session over `tests` tests from
/// `first_seed`.
pub fn nth_job(tests: usize, first_seed: u64, n: u64) -> Job {
    let tests = tests as u64;
    Job {
        test: (n % tests) as usize,
        seed: first_seed.wrapping_add(n / tests),
    }
}

/// Every run of `tests` tests on `seeds` seeds each, in the order they are
/// issued.
pub fn jobs(tests: usize, first_seed: u64, seeds: u64) -> Vec<Job> {
    (0..(tests as u64).saturating_mul(seeds))
        .map(|n| nth_job(tests, first_seed, n))
        .collect()
}

/// Hands out a session's runs, to its workers in turn.
#[derive(Clone, Debug)]
pub struct JobSource {
    tests: usize,
    first_seed: u64,
    /// Seeds per test, and the share of their runs issued, under
    /// [`Limit::Seeds`].
    share: Option<(u64, Partition)>,
    /// The number of runs, when fixed.
    total: Option<u64>,
    /// When no more runs start, under [`Limit::Duration`].
    deadline: Option<Instant>,
    next: u64,
}

impl JobSource {
    /// The runs of `tests` tests from `first_seed`, under `limit` counted
    /// from `start`; of a number of seeds, only those of `partition`'s
    /// share. (Under a duration, the share is of the tests, chosen
    /// before.)
    pub fn new(
        tests: usize,
        first_seed: u64,
        limit: Limit,
        partition: Partition,
        start: Instant,
    ) -> JobSource {
        let (total, share, deadline) = match limit {
            Limit::Seeds(seeds) => {
                let all = (tests as u64).saturating_mul(seeds);
                (Some(all), Some((seeds, partition)), None)
            }
            Limit::Duration(duration) => (None, None, Some(start + duration)),
        };
        JobSource {
            tests,
            first_seed,
            share,
            total: if tests == 0 { Some(0) } else { total },
            deadline,
            next: 0,
        }
    }

    /// The number of runs, when it is fixed.
    pub fn total(&self) -> Option<u64> {
        let (total, share) = (self.total?, self.share);
        Some(share.map_or(total, |(_, partition)| partition.count(total)))
    }

    /// The number of runs of each test, when it is fixed.
    pub fn per_test(&self) -> Option<Vec<u64>> {
        let (seeds, partition) = self.share?;
        Some(partition.per_test(self.tests, seeds))
    }

    /// The next run of the share, or `None` when the session has issued
    /// its last: all its seeds, or its time is up at `now`.
    pub fn next_job(&mut self, now: Instant) -> Option<Job> {
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            return None;
        }
        while self.total.is_none_or(|total| self.next < total) {
            let job = nth_job(self.tests, self.first_seed, self.next);
            self.next += 1;
            let held = self.share.is_none_or(|(seeds, partition)| {
                partition.holds(job.test, job.seed.wrapping_sub(self.first_seed), seeds)
            });
            if held {
                return Some(job);
            }
        }
        None
    }
}

/// Whether the test `name` is chosen: its name ends in one of the
/// `parts`' suffixes (`_2a` for `2A`) and holds one of the `filters`; an
/// empty list leaves its side open.
pub fn chosen(name: &str, parts: &[String], filters: &[String]) -> bool {
    let in_part = parts.is_empty()
        || parts
            .iter()
            .any(|part| name.ends_with(&format!("_{}", part.to_ascii_lowercase())));
    let matches = filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()));
    in_part && matches
}

/// A length of time as people write it: `90s`, `10m`, `1h30m`, or a bare
/// number of seconds; never zero.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("{text:?} is not a duration; write e.g. 90s, 10m or 1h30m");
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return (secs > 0)
            .then(|| Duration::from_secs(secs))
            .ok_or_else(bad);
    }
    let mut total = 0u64;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// A length of time as [`parse_duration`] reads it: `1h30m`, `10m`,
/// `45s`.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    let parts = [(secs / 3600, "h"), (secs / 60 % 60, "m"), (secs % 60, "s")];
    let text: String = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect();
    if text.is_empty() {
        "0s".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_go_round_the_tests_and_every_pair_comes_once() {
        let job = |test, seed| Job { test, seed };
        assert_eq!(
            jobs(3, 10, 2),
            [
                job(0, 10),
                job(1, 10),
                job(2, 10),
                job(0, 11),
                job(1, 11),
                job(2, 11)
            ]
        );
        let mut all = jobs(4, u64::MAX - 1, 5);
        assert_eq!(all[4].seed, u64::MAX, "seeds are consecutive");
        assert_eq!(all[8].seed, 0, "and wrap");
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 20);
        assert!(jobs(0, 1, 5).is_empty() && jobs(3, 1, 0).is_empty());
    }

    #[test]
    fn a_source_of_seeds_ends_with_the_last_seed() {
        let start = Instant::now();
        let mut source = JobSource::new(2, 7, Limit::Seeds(3), Partition::WHOLE, start);
        assert_eq!(source.total(), Some(6));
        let issued: Vec<Job> = std::iter::from_fn(|| source.next_job(start)).collect();
        assert_eq!(issued, jobs(2, 7, 3));
    }

    #[test]
    fn the_shares_of_a_source_are_its_runs_each_once() {
        let start = Instant::now();
        let mut all = Vec::new();
        for share in 1..=3 {
            let partition = Partition { share, of: 3 };
            let mut source = JobSource::new(4, u64::MAX - 2, Limit::Seeds(5), partition, start);
            let issued: Vec<Job> = std::iter::from_fn(|| source.next_job(start)).collect();
            assert_eq!(source.total(), Some(issued.len() as u64));
            let per_test = source.per_test().unwrap();
            for (test, &n) in per_test.iter().enumerate() {
                assert_eq!(issued.iter().filter(|j| j.test == test).count() as u64, n);
            }
            all.extend(issued);
        }
        all.sort();
        let mut expected = jobs(4, u64::MAX - 2, 5);
        expected.sort();
        assert_eq!(all, expected);
    }

    #[test]
    fn a_source_for_a_duration_goes_round_until_its_time_is_up() {
        let start = Instant::now();
        let mut source = JobSource::new(
            2,
            7,
            Limit::Duration(Duration::from_secs(60)),
            Partition::WHOLE,
            start,
        );
        assert_eq!(source.total(), None);
        let before = start + Duration::from_secs(59);
        let issued: Vec<Job> = (0..5).filter_map(|_| source.next_job(before)).collect();
        assert_eq!(issued, jobs(2, 7, 3)[..5]);
        assert_eq!(source.next_job(start + Duration::from_secs(60)), None);
        let mut empty = JobSource::new(
            0,
            7,
            Limit::Duration(Duration::from_secs(60)),
            Partition::WHOLE,
            start,
        );
        assert_eq!(empty.next_job(start), None);
    }

    #[test]
    fn parts_and_filters_each_narrow_the_choice() {
        let parts = ["2A".to_string()];
        let filters = ["elect".to_string(), "backup".to_string()];
        assert!(chosen("election::re_election_2a", &parts, &[]));
        assert!(!chosen("agreement::backup_2b", &parts, &[]));
        assert!(chosen("agreement::backup_2b", &[], &filters));
        assert!(!chosen("agreement::backup_2b", &parts, &filters));
        assert!(!chosen("snapshots::snapshot_basic_2d", &[], &filters));
        assert!(chosen("anything", &[], &[]));
    }

    #[test]
    fn durations_read_as_people_write_them() {
        let secs = |s| Ok(Duration::from_secs(s));
        assert_eq!(parse_duration("10m"), secs(600));
        assert_eq!(parse_duration("1h30m"), secs(5400));
        assert_eq!(parse_duration("90s"), secs(90));
        assert_eq!(parse_duration("45"), secs(45));
        for bad in ["", "m", "5x", "1h30", "0m", "0", "-3s"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        for text in ["1h30m", "10m", "45s", "2h5s"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }
}
