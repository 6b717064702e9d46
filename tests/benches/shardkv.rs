//! shardkv benchmarks on the reference solution, in real mode with three
//! groups of 3 servers and 3 controllers on a reliable network: how many
//! operations per second one clerk gets through when it waits for each
//! before the next, and how many ten clerks get through between them, each
//! with a static configuration and while the groups keep leaving and
//! joining again.
//!
//! Run with `cargo bench -p tests --bench shardkv`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use labrt::Config;
use labrt::time::{Duration, Instant};
use shardkv::NSHARDS;
use tests::bench_table::{header, median_p99, ms, row};
use tests::shardkv_harness::{NGROUPS, ShardClerk};
use tests::{ShardConfig, ShardSetup};

/// Servers per group.
const SERVERS: usize = 3;
/// How long each measure's clerks keep starting operations.
const WINDOW: Duration = Duration::from_secs(5);
/// Clerks running at once in the concurrent measures.
const CLERKS: usize = 10;
/// Pause after each leave or join while the groups come and go.
const CHANGE_EVERY: Duration = Duration::from_millis(300);

/// Whether the configuration changes while the clerks run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Groups {
    /// All three groups joined once, before the measure.
    Static,
    /// Groups 0, 1, 2, 0, … in turn leave and join again, one change
    /// every `CHANGE_EVERY`: at most one group is out at a time.
    JoinLeave,
}

/// What one measure found.
struct Measure {
    /// Operations per second over all the clerks.
    rate: f64,
    /// Each operation's latency.
    latencies: Vec<Duration>,
    /// Leaves and joins made while the clerks ran.
    changes: u64,
}

/// Clerk `c`'s key on shard `shard`: the first byte picks the shard, so
/// each clerk has one key on every shard.
fn key(shard: usize, c: usize) -> String {
    let first = (b'0' + ((shard + 2) % NSHARDS) as u8) as char;
    format!("{first}:{c}")
}

/// A clerk that has already reached every shard's group, so no
/// configuration lookup of the warm-up is timed.
fn warm_clerk(cfg: &ShardConfig, c: usize) -> ShardClerk {
    let mut ck = cfg.make_client();
    for shard in 0..NSHARDS {
        assert_eq!(shardkv::key2shard(&key(shard, c)), shard);
        ck.direct().get(&key(shard, c));
    }
    ck
}

/// Until `deadline`, clerk `c` appends to its key on the next shard and
/// reads it back; returns each operation's latency.
fn run_clerk(c: usize, mut ck: ShardClerk, deadline: Instant) -> Vec<Duration> {
    let ck = ck.direct();
    let (mut appended, mut latencies) = ([0; NSHARDS], Vec::new());
    for shard in (0..NSHARDS).cycle() {
        if Instant::now() >= deadline {
            break;
        }
        let key = key(shard, c);
        let op = Instant::now();
        ck.append(&key, "x");
        latencies.push(op.elapsed());
        appended[shard] += 1;
        let op = Instant::now();
        let got = ck.get(&key).len();
        latencies.push(op.elapsed());
        assert_eq!(
            got, appended[shard],
            "an append to {key} was lost or doubled"
        );
    }
    latencies
}

/// Until `stop`, has groups 0, 1, 2, 0, … leave and join again in turn;
/// returns how many leaves and joins it made.
fn change_groups(cfg: &ShardConfig, stop: &AtomicBool) -> u64 {
    let mut changes = 0;
    for gi in (0..NGROUPS).cycle() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        cfg.leave(gi);
        labrt::time::sleep(CHANGE_EVERY);
        cfg.join(gi);
        labrt::time::sleep(CHANGE_EVERY);
        changes += 2;
    }
    changes
}

/// `clerks` clerks at once for `WINDOW`, each alternating appends and gets
/// over its own keys, with `groups`' configurations.
fn measure(seed: u64, clerks: usize, groups: Groups) -> Measure {
    let mut found = None;
    Config::real(seed).run(|| {
        let cfg = ShardConfig::new(ShardSetup {
            n: SERVERS,
            unreliable: false,
            maxraftstate: None,
        });
        cfg.joins(&[0, 1, 2]);
        let clerks: Vec<ShardClerk> = (0..clerks).map(|c| warm_clerk(&cfg, c)).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let changer = (groups == Groups::JoinLeave).then(|| {
            let (cfg, stop) = (cfg.clone(), Arc::clone(&stop));
            labrt::thread::spawn("joins and leaves", move || change_groups(&cfg, &stop))
        });
        let start = Instant::now();
        let deadline = start + WINDOW;
        let threads: Vec<_> = clerks
            .into_iter()
            .enumerate()
            .map(|(c, ck)| {
                let run = move || run_clerk(c, ck, deadline);
                labrt::thread::spawn(format!("clerk {c}"), run)
            })
            .collect();
        let latencies: Vec<Duration> = threads
            .into_iter()
            .flat_map(|t| t.join().unwrap())
            .collect();
        let elapsed = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        let changes = changer.map_or(0, |t| t.join().unwrap());
        found = Some(Measure {
            rate: latencies.len() as f64 / elapsed.as_secs_f64(),
            latencies,
            changes,
        });
        cfg.cleanup();
    });
    found.expect("the run measured")
}

fn main() {
    header(&format!(
        "shardkv benchmarks (real mode, {NGROUPS} groups of {SERVERS} servers, reliable network)"
    ));
    let one = [
        ("static configuration", measure(1, 1, Groups::Static)),
        (
            "groups joining and leaving",
            measure(2, 1, Groups::JoinLeave),
        ),
    ];
    for (what, m) in &one {
        let (median, p99) = median_p99(m.latencies.clone());
        row(
            &format!("ops per second, 1 clerk, {what}"),
            format!("{:.0}", m.rate),
        );
        row(
            &format!("latency per op, 1 clerk, {what}, median"),
            ms(median),
        );
        row(&format!("latency per op, 1 clerk, {what}, p99"), ms(p99));
        let max = m.latencies.iter().max().copied().unwrap_or_default();
        row(&format!("latency per op, 1 clerk, {what}, max"), ms(max));
    }
    let many = [
        ("static configuration", measure(3, CLERKS, Groups::Static)),
        (
            "groups joining and leaving",
            measure(4, CLERKS, Groups::JoinLeave),
        ),
    ];
    for (what, m) in &many {
        row(
            &format!("ops per second, {CLERKS} clerks at once, {what}"),
            format!("{:.0}", m.rate),
        );
    }
    row(
        &format!(
            "leaves and joins during each {}s joining and leaving measure",
            WINDOW.as_secs()
        ),
        format!("{}, {}", one[1].1.changes, many[1].1.changes),
    );
}
