//! A scenario beyond the course on InstallSnapshot: a follower that already
//! holds the snapshot's last entry keeps the entries after it (figure 13,
//! step 6). It uses only the course API and the harness's single-link
//! faults (see `beyond_links`).

use labrpc::Flow;
use labrt::time::{Duration, sleep};
use tests::raft_harness::{SNAPSHOT_INTERVAL, rand_cmd};
use tests::{RaftConfig, Setup};

use crate::{heal, plus, wait_until};

/// How long a request takes to reach a follower on a reliable link, with
/// room to spare: 1-5 ms in sim.
const DELIVERY: Duration = Duration::from_millis(30);
/// How long the leader may take to send what a follower lacks when it is
/// still waiting for the follower's last reply: a heartbeat (100 ms for the
/// reference), and the delivery.
const NEXT_HEARTBEAT: Duration = Duration::from_millis(120);
/// How long a step the scenario waits for (an apply, a snapshot sent) may
/// take before the scenario gives up on reaching its situation.
const STEP_LIMIT: Duration = Duration::from_secs(1);
/// How long the two peers left may take to elect a leader.
const ELECTION_LIMIT: Duration = Duration::from_secs(5);
/// Entries the follower holds after the snapshot's last entry.
const TAIL: u64 = 3;

/// How many peers applied `index` (directly or inside a snapshot).
fn applied(cfg: &RaftConfig, index: u64) -> usize {
    cfg.n_committed(index).0
}

/// InstallSnapshot keeps the follower's entries after the snapshot's last
/// one when it holds that entry (figure 13, step 6): they may be the
/// leader's, and acknowledged. Leader L, followers F and G. F takes entries
/// S (the first snapshot's last index) to S+3 and G only S, with their
/// acknowledgments held back in the network, so nothing commits. Then F
/// stops hearing L; G's acknowledgment commits S, L snapshots through S,
/// and, still waiting to hear from F, sends F the snapshot: F holds entry
/// S, and has not learned it committed. Then F's held acknowledgments
/// commit S+1 to S+3. A follower that replaced its whole log by the
/// snapshot has lost entries L committed counting it: with L gone, F and
/// G, which never had them, elect a leader that puts new commands there.
///
/// In the course's tests a follower gets a snapshot only after it was cut
/// off or crashed: it lacks the snapshot's last entry, or has learned it
/// committed, so the branch that keeps the tail never runs. Were it to run,
/// the leader, not having counted the follower for the tail, would send
/// the tail again and nothing would show.
#[test]
fn install_keeps_matching_tail_2d() {
    tests::run(|| {
        let cfg = RaftConfig::new(Setup {
            peers: 3,
            unreliable: false,
            snapshot: true,
        });
        cfg.begin("Test (2D, beyond the course): InstallSnapshot keeps the entries after it");
        // Every peer applies the entries before the first snapshot's last.
        let mut index = 0;
        while (index + 3) % SNAPSHOT_INTERVAL != 0 {
            index = cfg.one(&rand_cmd(), 3, true);
        }
        let leader = cfg.check_one_leader();
        // The leader has just heard from everyone: its quorum check, if it
        // has one, leaves it the time the steps below take.
        index = cfg.one(&rand_cmd(), 3, true);
        if let Some(lost) = install_on_matching_log(&cfg, leader, index + 1) {
            check_new_leader(&cfg, lost);
        }
        heal(&cfg);
        cfg.end();
    });
}

/// What the follower of [`install_keeps_matching_tail_2d`] may have lost:
/// the entries `first..=last`, committed by `leader` in `term` counting
/// `follower`.
struct Tail {
    leader: usize,
    follower: usize,
    term: u64,
    first: u64,
    last: u64,
}

/// Builds the situation of [`install_keeps_matching_tail_2d`] with the
/// snapshot through `snapshot`; `None` if the cluster took another course
/// on the way (the scenario then only checks that it recovers).
fn install_on_matching_log(cfg: &RaftConfig, leader: usize, snapshot: u64) -> Option<Tail> {
    let (f, g) = (plus(cfg, leader, 1), plus(cfg, leader, 2));
    // F and G take the snapshot's last entry; no acknowledgment comes back.
    cfg.set_replies(leader, f, Flow::Hold);
    cfg.set_replies(leader, g, Flow::Hold);
    let (index, term) = cfg.start(leader, &rand_cmd())?;
    (index == snapshot && (snapshot + 1) % SNAPSHOT_INTERVAL == 0).then_some(())?;
    sleep(DELIVERY);

    // F alone takes the tail. G, cut off, cannot disturb anyone.
    cfg.set_requests(leader, g, Flow::Drop);
    cfg.set_all_requests(g, true, Flow::Drop);
    for _ in 0..TAIL {
        cfg.start(leader, &rand_cmd())?;
    }
    sleep(NEXT_HEARTBEAT);

    // G's acknowledgment commits the snapshot's entry, which F never hears:
    // the leader snapshots, and still owes F everything through it.
    cfg.set_requests(leader, f, Flow::Drop);
    cfg.set_replies(leader, g, Flow::Pass);
    wait_until(STEP_LIMIT, || applied(cfg, snapshot) >= 1).then_some(())?;
    // The leader's service snapshots right after applying the entry.
    sleep(DELIVERY);

    // F gets the snapshot: it holds the entry, and more.
    cfg.set_requests(leader, f, Flow::Pass);
    wait_until(STEP_LIMIT, || applied(cfg, snapshot) >= 2).then_some(())?;

    // F's acknowledgments of the tail commit it; F hears nothing more.
    cfg.set_requests(leader, f, Flow::Drop);
    cfg.set_replies(leader, f, Flow::Pass);
    let last = snapshot + TAIL;
    wait_until(STEP_LIMIT, || applied(cfg, last) >= 1).then_some(())?;
    Some(Tail {
        leader,
        follower: f,
        term,
        first: snapshot + 1,
        last,
    })
}

/// With the leader gone, the two others elect one, which must hold the
/// tail the old leader committed (leader completeness, §5.4.3).
fn check_new_leader(cfg: &RaftConfig, tail: Tail) {
    let Tail {
        leader,
        follower,
        term,
        first,
        last,
    } = tail;
    cfg.disconnect(leader);
    let g = plus(cfg, leader, 2);
    cfg.set_all_requests(g, true, Flow::Pass);
    let others = [follower, g];
    let mut elected = None;
    let found = wait_until(ELECTION_LIMIT, || {
        elected = others
            .into_iter()
            .find(|&i| matches!(cfg.get_state(i), Some((t, true)) if t > term));
        elected.is_some()
    });
    let Some(new) = elected.filter(|_| found) else {
        return;
    };
    let Some((index, new_term)) = cfg.start(new, &rand_cmd()) else {
        return;
    };
    if index <= last {
        cfg.fail(format_args!(
            "server {new}, leader of term {new_term}, put a new command at index {index}, but \
             server {leader} applied entries {first} to {last} in term {term}, committed counting \
             server {follower}'s acknowledgment: server {follower} threw them away when it \
             installed a snapshot through {} that they follow. A follower that holds the \
             snapshot's last entry keeps the entries after it (figure 13, InstallSnapshot RPC, \
             step 6)",
            first - 1
        ));
    }
}
