//! A server refuses to start from a damaged snapshot, naming it.

use std::sync::Arc;

use raft::{Corruption, Part, Persister};

use crate::common::MakeEnd;
use crate::server::{ShardKv, Snapshot, StartError};
use crate::state_machine::StateMachine;

#[test]
fn a_server_refuses_to_start_from_any_damaged_byte_of_its_snapshot() {
    labrt::Config::sim(0).run(|| {
        let persister = Persister::new();
        let snapshot: Snapshot = (0, StateMachine::new(100));
        persister.save(Vec::new(), labcodec::encode(&snapshot));
        let net = labrpc::Network::new();
        let ends: Vec<_> = (0..3)
            .map(|p| net.make_end(format!("{p}")).unwrap())
            .collect();
        let ctrlers = vec![net.make_end("ctrler").unwrap()];
        let make_end: MakeEnd = {
            let net = net.clone();
            Arc::new(move |name: &str| net.make_end(format!("to {name}")).unwrap())
        };
        let start = |persister: Persister| {
            let (ends, ctrlers) = (ends.clone(), ctrlers.clone());
            ShardKv::start(ends, 1, persister, None, 100, ctrlers, make_end.clone())
        };
        let len = persister.stored_len(Part::Snapshot);
        for offset in 0..len {
            let damaged = persister.copy();
            assert!(damaged.damage(Part::Snapshot, offset));
            match start(damaged) {
                Err(StartError::CorruptSnapshot {
                    gid: 100,
                    server: 1,
                    error: Corruption::Checksum(error),
                }) => assert_eq!(error.part, Part::Snapshot),
                Err(other) => panic!("byte {offset} of {len}: {other}"),
                Ok(_) => panic!("byte {offset} of {len} damaged, and the server started"),
            }
        }
        let kv = start(persister).expect("the undamaged snapshot");
        kv.kill();
    });
}
