//! The shard-controller suite, part 4A: the course's two tests, each a
//! run of sections on one cluster of three controllers, named
//! `<scenario>_4a` so `cargo test 4a` selects the part.

mod basic;
mod multi;

use shardctrler::{Clerk, Config, Gid, NSHARDS};

/// Server names, as the course writes them.
fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The deliberate strengthening of the course's "Minimal transfers"
/// checks (see `basic_4a`): no group of `old` holds a shard in `after`
/// that it did not hold in `before`. For joins `before` is the earlier
/// config; for leaves it is the later one, so no old group lost a shard.
#[track_caller]
fn check_no_shard_gained(old: &[Gid], before: &Config, after: &Config, message: &str) {
    for &gid in old {
        for j in 0..NSHARDS {
            if after.shards[j] == gid {
                assert_eq!(
                    before.shards[j], gid,
                    "{message}: old group {gid} holds shard {j} only in the second\n  first  {:?}\n  second {:?}",
                    before.shards, after.shards
                );
            }
        }
    }
}

/// The course's concurrent section: `npara` clerks, one per thread, each
/// running `work` with its index; the test waits for all of them.
fn concurrently(clerks: Vec<Clerk>, work: fn(usize, &mut Clerk)) {
    let threads: Vec<_> = clerks
        .into_iter()
        .enumerate()
        .map(|(i, mut ck)| labrt::thread::spawn(format!("clerk {i}"), move || work(i, &mut ck)))
        .collect();
    for thread in threads {
        thread.join().expect("a clerk's failure fails the run");
    }
}
