//! A server refuses to start from a damaged snapshot, naming it, and a
//! killed server stops asking the controller for configurations.

use std::sync::Arc;

use labrpc::{Server, Service};
use labrt::time::{Duration, sleep};
use raft::{Corruption, Part, Persister};
use shardctrler::{Config, CtrlerError, QueryArgs};

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

#[test]
fn a_killed_server_stops_polling_a_controller_that_never_answers() {
    labrt::Config::sim(0).run(|| {
        let net = labrpc::Network::new();
        let refuse =
            |_: QueryArgs| -> Result<Config, CtrlerError> { Err(CtrlerError::WrongLeader) };
        let ctrler = Service::new("ShardCtrler").rpc(refuse);
        net.add_server("ctrler", Server::builder().service(ctrler).build().unwrap());
        let to_ctrler = net.make_end("to ctrler").unwrap();
        net.connect("to ctrler", "ctrler").unwrap();
        net.enable("to ctrler", true).unwrap();
        let make_end: MakeEnd = {
            let net = net.clone();
            Arc::new(move |name: &str| net.make_end(format!("to {name}")).unwrap())
        };
        // A group of one, which leads at once and asks for configuration 1.
        let me = vec![net.make_end("self").unwrap()];
        let kv = ShardKv::start(
            me,
            0,
            Persister::new(),
            None,
            100,
            vec![to_ctrler],
            make_end,
        )
        .expect("a fresh persister");
        sleep(Duration::from_secs(2));
        assert!(
            net.count("ctrler") > 0,
            "the server never asked the controller"
        );
        kv.kill();
        // The poll under way when the server was killed may still end.
        sleep(Duration::from_secs(1));
        let asked = net.count("ctrler");
        sleep(Duration::from_secs(5));
        assert_eq!(
            net.count("ctrler"),
            asked,
            "a killed server kept asking the controller for configurations"
        );
    });
}
