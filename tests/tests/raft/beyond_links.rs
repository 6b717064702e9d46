//! Scenarios beyond the course on faults beyond the course's network:
//! single links that lose or hold back requests or replies one way. Each
//! catches a classic bug that passes every course scenario of its part.
//!
//! Each builds a situation only a Raft without pre-vote (a peer cut off
//! from everyone stands for election on its own) or without check quorum
//! (a cut-off leader stays one) reaches. The reference has both and never
//! gets there; the scenario then checks only that the cluster recovers.
//! The mutants that these scenarios kill are planted in the reference
//! without them (`course-raft` in labtool/mutants/mutants.toml).

use labrpc::Flow;
use labrt::time::Duration;
use tests::RaftConfig;

use crate::{cluster, heal, plus, wait_until};

/// How long a scenario waits for a peer cut off from everyone to stand for
/// election in a given term: a few election timeouts.
const STAND_WAIT: Duration = Duration::from_secs(5);

/// Peer `i`'s term and whether it claims to lead, read without recording
/// the claim: these scenarios judge the claims themselves, naming the
/// cause.
fn state(cfg: &RaftConfig, i: usize) -> Option<(u64, bool)> {
    cfg.raft(i).map(|raft| raft.get_state())
}

fn term(cfg: &RaftConfig, i: usize) -> u64 {
    state(cfg, i).map_or(0, |(term, _)| term)
}

/// How long a deposed leader that hears only replies may take to step
/// down: its calls on the links that were dead may take up to 7 s to fail
/// (the harness's long delays) before it calls again.
const DEPOSED_WATCH: Duration = Duration::from_secs(10);

/// A leader steps down when a *reply* carries a newer term (figure 2,
/// rules for all servers), not only a request. The old leader comes back
/// from a partition hearing only the replies to its own heartbeats: no
/// request reaches it. The course's tests always let requests of the new
/// term reach an old leader, so one that steps down only on requests
/// passes them.
#[test]
fn deposed_leader_hears_replies_2a() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2A, beyond the course): a leader steps down on a reply of a newer term");
        let old = cfg.check_one_leader();
        let old_term = cfg.check_terms();
        cfg.disconnect(old);
        let new = cfg.check_one_leader();
        let new_term = term(&cfg, new);

        cfg.set_all_requests(old, false, Flow::Drop);
        cfg.connect(old);
        let stepped_down = wait_until(DEPOSED_WATCH, || state(&cfg, old) != Some((old_term, true)));
        if !stepped_down {
            cfg.fail(format_args!(
                "server {old} still leads term {old_term} {}s after the replies to its \
                 heartbeats began to carry term {new_term}: a reply of a newer term makes a \
                 leader step down (figure 2, rules for all servers)",
                DEPOSED_WATCH.as_secs()
            ));
        }
        heal(&cfg);
        cfg.end();
    });
}

/// How long the two peers left may take to elect a leader: the course's
/// five seconds.
const ELECTION_LIMIT: Duration = Duration::from_secs(5);

/// An AppendEntries of an older term restarts no election timer: figure 2
/// has the follower reply false at once. An old leader that hears nothing
/// of the new term (the new leader's requests to it and the replies to its
/// own are lost) keeps sending heartbeats of its term; then the new leader
/// goes, and its follower must stand and be elected with the old leader's
/// vote. In the course's tests an old leader hears the new term as soon as
/// it returns, so a follower that restarts its timer on a stale
/// AppendEntries passes them.
#[test]
fn stale_heartbeats_2a() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2A, beyond the course): AppendEntries of an old term delay no election");
        let old = cfg.check_one_leader();
        let old_term = cfg.check_terms();
        cfg.disconnect(old);
        let new = cfg.check_one_leader();
        let follower = plus(&cfg, old, 1) + plus(&cfg, old, 2) - new;
        let new_term = term(&cfg, follower);

        cfg.set_requests(new, old, Flow::Drop);
        for other in [new, follower] {
            cfg.set_replies(old, other, Flow::Drop);
        }
        cfg.connect(old);
        cfg.disconnect(new);
        let elected = wait_until(ELECTION_LIMIT, || {
            [old, follower]
                .into_iter()
                .any(|i| matches!(state(&cfg, i), Some((term, true)) if term > new_term))
        });
        if !elected {
            let cause = match term(&cfg, follower) {
                term if term > new_term => format!("server {follower} stood, but no one won"),
                _ => format!(
                    "server {follower} never stood for election while server {old} sent it \
                     AppendEntries of term {old_term}: one of an older term must not restart the \
                     election timer (figure 2, AppendEntries RPC, step 1)"
                ),
            };
            cfg.fail(format_args!(
                "no leader of a term after {new_term} {}s after server {new}, the leader, went: \
                 {cause}",
                ELECTION_LIMIT.as_secs()
            ));
        }
        heal(&cfg);
        cfg.end();
    });
}

/// How long the scenarios watch a peer they expect not to lead.
const LEAD_WATCH: Duration = Duration::from_secs(1);

/// A peer votes once in a term, across a crash too: `votedFor` is
/// persisted (figure 2). Server P votes for server A in term T; then a
/// third server, X, stands in term T, cut off from A and with its
/// RequestVotes to P held back in the network while P restarts. A P that
/// forgot its vote grants X's, and term T has two leaders. The course's
/// tests never hand a restarted peer a vote request of the term it voted
/// in, so a Raft that forgets its vote passes them.
#[test]
fn vote_survives_restart_2c() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2C, beyond the course): a peer votes once in a term across a restart");
        let x = cfg.check_one_leader();
        cfg.crash1(x);
        let a = cfg.check_one_leader();
        let voted_term = term(&cfg, a);
        let p = plus(&cfg, x, 1) + plus(&cfg, x, 2) - a;

        // X returns in its old term, hearing no one, and stands alone.
        cfg.start1(x);
        cfg.set_requests(x, a, Flow::Drop);
        cfg.set_requests(a, x, Flow::Drop);
        cfg.set_requests(x, p, Flow::Hold);
        cfg.connect(x);
        if wait_until(STAND_WAIT, || term(&cfg, x) == voted_term) {
            cfg.crash1(p);
            cfg.start1(p);
            cfg.set_all_requests(p, true, Flow::Drop);
            cfg.connect(p);
            cfg.set_requests(x, p, Flow::Pass);
            let twice = wait_until(LEAD_WATCH, || state(&cfg, x) == Some((voted_term, true)));
            if twice {
                cfg.fail(format_args!(
                    "server {p} voted for server {a} in term {voted_term}, restarted, and \
                     voted for server {x} in the same term: both lead it. A peer must persist \
                     votedFor before it grants a vote, and read it back on restart (figure 2)"
                ));
            }
        }
        heal(&cfg);
        cfg.end();
    });
}

/// A candidate counts only votes granted in its current term: a reply to
/// a request of an earlier election is stale (figure 2, rules for all
/// servers). X stands, hearing no one and cut off from A; P grants its
/// vote, but the reply is held back in the network while X's later
/// requests are lost. Once X
/// has moved on to a later term the old grant arrives. No peer ever
/// received a request of X's later terms, so if X then leads, it counted
/// the stale vote. The course's tests hold replies back only at random,
/// and a candidate that counts stale votes passes them.
#[test]
fn stale_vote_reply_2b() {
    tests::run(|| {
        let cfg = cluster(3);
        cfg.begin("Test (2B, beyond the course): a candidate ignores votes of an earlier term");
        let a = cfg.check_one_leader();
        let first_term = cfg.check_terms();
        let x = plus(&cfg, a, 1);
        let p = plus(&cfg, a, 2);

        // X hears no one, so it stays a candidate.
        cfg.set_all_requests(x, false, Flow::Drop);
        cfg.set_requests(x, a, Flow::Drop);
        cfg.set_replies(x, p, Flow::Hold);
        // P has X's request once it adopts X's term.
        if wait_until(STAND_WAIT, || term(&cfg, p) > first_term) {
            let granted_term = term(&cfg, p);
            cfg.set_requests(x, p, Flow::Drop);
            if wait_until(STAND_WAIT, || term(&cfg, x) > granted_term) {
                cfg.set_replies(x, p, Flow::Pass);
                let counted = wait_until(LEAD_WATCH, || {
                    state(&cfg, x).is_some_and(|(term, leads)| leads && term > granted_term)
                });
                if counted {
                    cfg.fail(format_args!(
                        "server {x} leads term {}, though none of its requests since term \
                         {granted_term} reached anyone: it counted a vote server {p} granted \
                         in term {granted_term}. Replies to requests of an earlier term are \
                         stale (figure 2, rules for all servers)",
                        term(&cfg, x)
                    ));
                }
            }
        }
        heal(&cfg);
        cfg.end();
    });
}
