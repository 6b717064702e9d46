//! Log compaction: §7 and figure 13 (InstallSnapshot).

// SOLUTION BEGIN
use labrt::time::Instant;

use super::{entries, follower, leader, sim, terms};
use crate::ApplyMsg;
use crate::msg::{
    AppendEntriesArgs, AppendEntriesReply, InstallSnapshotArgs, InstallSnapshotReply,
};
use crate::replication::{Due, Outgoing};
use crate::state::{Role, State};

fn install(term: u64, last_included_index: u64, last_included_term: u64) -> InstallSnapshotArgs {
    InstallSnapshotArgs {
        term,
        leader_id: 1,
        last_included_index,
        last_included_term,
        data: format!("state through {last_included_index}").into_bytes(),
    }
}

/// A follower that has applied everything in `log` (one entry per term).
fn applied_follower(term: u64, log: &[u64]) -> State {
    let mut st = follower(0, 3, term, log);
    st.commit_index = st.log.last_index();
    st.last_applied = st.log.last_index();
    st
}

/// §7: the service's snapshot replaces the log through its index, and both
/// are saved together; an older snapshot is ignored.
#[test]
fn service_snapshot_compacts_the_log() {
    sim(|| {
        let mut st = applied_follower(2, &[1, 1, 2, 2, 2]);
        st.snapshot(3, b"through 3".to_vec());
        assert_eq!((st.log.snapshot_index(), st.log.snapshot_term()), (3, 2));
        assert_eq!(terms(&st), [2, 2]);
        assert_eq!(st.persister.read_snapshot().unwrap(), b"through 3");
        st.snapshot(2, b"through 2".to_vec());
        assert_eq!(st.persister.read_snapshot().unwrap(), b"through 3");
        assert_eq!(st.log.snapshot_index(), 3);
    });
}

#[test]
#[should_panic(expected = "snapshotted through 4, but only 3 has been applied")]
fn service_cannot_snapshot_what_it_was_not_given() {
    sim(|| {
        let mut st = follower(0, 3, 1, &[1, 1, 1, 1]);
        st.commit_index = 4;
        st.last_applied = 3;
        st.snapshot(4, Vec::new());
    });
}

/// Figure 13, steps 7 and 8: a snapshot past the log replaces it, and the
/// service gets the snapshot before the entries that follow it.
#[test]
fn snapshot_past_the_log_replaces_it() {
    sim(|| {
        let mut st = applied_follower(1, &[1, 1]);
        let args = install(2, 5, 2);
        let data = args.data.clone();
        assert_eq!(
            st.handle_install_snapshot(args),
            InstallSnapshotReply { term: 2 }
        );
        assert_eq!((st.log.snapshot_index(), st.log.last_index()), (5, 5));
        assert_eq!((st.commit_index, st.last_applied), (5, 5));
        assert_eq!(st.persister.read_snapshot().unwrap(), data);
        let snapshot = ApplyMsg::Snapshot {
            index: 5,
            term: 2,
            snapshot: data,
        };
        assert_eq!(st.take_applies(), [snapshot]);

        let args = AppendEntriesArgs {
            term: 2,
            leader_id: 1,
            prev_log_index: 5,
            prev_log_term: 2,
            entries: entries(&[2]),
            leader_commit: 6,
        };
        assert!(st.handle_append_entries(args).success);
        let applies = st.take_applies();
        assert!(
            matches!(applies[..], [ApplyMsg::Command { index: 6, .. }]),
            "{applies:?}"
        );
    });
}

/// Figure 13, step 6: if the log holds the snapshot's last entry, the
/// entries after it are kept.
#[test]
fn snapshot_inside_the_log_keeps_the_suffix() {
    sim(|| {
        let mut st = follower(0, 3, 2, &[1, 1, 2, 2, 2]);
        st.handle_install_snapshot(install(2, 3, 2));
        assert_eq!(st.log.snapshot_index(), 3);
        assert_eq!(terms(&st), [2, 2]);
        assert_eq!(st.commit_index, 3);
    });
}

/// A delayed snapshot covering only what is committed here would take the
/// service back in time: it changes nothing.
#[test]
fn stale_snapshot_is_ignored() {
    sim(|| {
        let mut st = applied_follower(2, &[1, 1, 2, 2]);
        st.handle_install_snapshot(install(2, 3, 2));
        assert_eq!(st.log.snapshot_index(), 0);
        assert_eq!(terms(&st), [1, 1, 2, 2]);
        assert!(st.snapshot_to_apply.is_none());
        assert_eq!(st.persister.snapshot_size(), 0);
    });
}

/// §5.1 applies to InstallSnapshot too.
#[test]
fn snapshot_from_an_older_term_is_refused() {
    sim(|| {
        let mut st = follower(0, 3, 4, &[]);
        assert_eq!(
            st.handle_install_snapshot(install(3, 9, 3)),
            InstallSnapshotReply { term: 4 }
        );
        assert_eq!(st.log.last_index(), 0);
    });
}

/// An AppendEntries reaching back into the snapshot: the covered entries
/// are skipped, the rest merged.
#[test]
fn append_entries_overlapping_the_snapshot() {
    sim(|| {
        let mut st = applied_follower(1, &[1, 1, 1, 1]);
        st.snapshot(3, Vec::new());
        let args = AppendEntriesArgs {
            term: 2,
            leader_id: 1,
            prev_log_index: 1,
            prev_log_term: 1,
            entries: entries(&[1, 1, 1, 2]),
            leader_commit: 0,
        };
        assert!(st.handle_append_entries(args).success);
        assert_eq!(terms(&st), [1, 2]);
    });
}

/// §7: a leader sends its snapshot to a follower that needs entries it has
/// discarded, then continues with AppendEntries after it.
#[test]
fn leader_sends_the_snapshot_to_a_follower_behind_it() {
    sim(|| {
        let mut st = leader(3, 2, &[1, 1, 1]);
        st.commit_index = 3;
        st.last_applied = 3;
        st.snapshot(2, b"snap".to_vec());
        let probe = AppendEntriesArgs {
            term: 2,
            leader_id: 0,
            prev_log_index: 3,
            prev_log_term: 1,
            entries: Vec::new(),
            leader_commit: 3,
        };
        let short = AppendEntriesReply {
            term: 2,
            log_len: 1,
            ..AppendEntriesReply::default()
        };
        st.handle_append_reply(1, &probe, &short);
        let now = Instant::now();
        let Due::Send(Outgoing::Snapshot(args)) = st.replication_due(1, now) else {
            panic!("no snapshot for a follower behind the snapshot")
        };
        assert_eq!((args.last_included_index, args.last_included_term), (2, 1));
        assert_eq!(args.data, b"snap");

        st.handle_install_snapshot_reply(1, &args, &InstallSnapshotReply { term: 2 });
        let Role::Leader { progress } = &st.role else {
            panic!("deposed by a snapshot reply")
        };
        assert_eq!((progress[1].next_index, progress[1].match_index), (3, 2));
        let Due::Send(Outgoing::Append(args)) = st.replication_due(1, now) else {
            panic!("the rest of the log waited for the heartbeat")
        };
        assert_eq!((args.prev_log_index, args.entries.len()), (2, 1));
    });
}
// SOLUTION END
