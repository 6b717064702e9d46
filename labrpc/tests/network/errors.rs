//! Mistakes on either side of a call, and in setting up the network, get
//! typed errors that say what went wrong.

use labcodec::{DecodeError, EncodeError};
use labrpc::{Network, RpcError, Server, Service, SetupError};
use serde::{Serialize, Serializer};

use crate::junk::JunkServer;
use crate::{both, junk_network, live_end};

#[test]
fn an_unknown_method_or_service_names_the_known_ones() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        let raft = Service::new("Raft")
            .method("RequestVote", |term: u64| term)
            .method("AppendEntries", |term: u64| term);
        let kv = Service::new("KVServer").method("Get", |key: String| key);
        net.add_server(
            "s",
            Server::builder().service(raft).service(kv).build().unwrap(),
        );

        let known = vec![
            "KVServer.Get".to_string(),
            "Raft.AppendEntries".to_string(),
            "Raft.RequestVote".to_string(),
        ];
        for name in ["Raft.Vote", "Kv.Get", "RequestVote", ""] {
            let error = end.call::<_, u64>(name, &1_u64).unwrap_err();
            let expected = RpcError::UnknownMethod {
                name: name.to_string(),
                known: known.clone(),
            };
            assert_eq!(error, expected);
            assert!(!error.is_network_fault());
        }
        let message = end
            .call::<_, u64>("Raft.Vote", &1_u64)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("Raft.Vote") && message.contains("Raft.RequestVote"),
            "{message}"
        );
        // Both services answer calls made by their full names.
        assert_eq!(end.call("Raft.RequestVote", &7_u64), Ok(7_u64));
        assert_eq!(end.call("KVServer.Get", &"k"), Ok("k".to_string()));
    });
}

#[test]
fn arguments_of_the_wrong_type_are_an_error_of_the_handler_side() {
    both(|| {
        let (net, end, js) = junk_network();

        // Handler2 takes an integer.
        let error = end
            .call::<_, String>("JunkServer.Handler2", &"two")
            .unwrap_err();
        let RpcError::BadArgs { method, error } = error else {
            panic!("expected BadArgs, got {error:?}");
        };
        assert_eq!(method, "JunkServer.Handler2");
        assert!(
            matches!(error, DecodeError::TrailingBytes { .. }),
            "{error:?}"
        );
        assert!(
            js.mu.lock().log2.is_empty(),
            "the handler ran on undecodable arguments"
        );
        assert_eq!(net.count("s"), 1);
    });
}

#[test]
fn a_reply_of_the_wrong_type_is_an_error_of_the_caller_side() {
    both(|| {
        let (_net, end, js) = junk_network();

        // Handler2 replies with a string; asking for a struct of two
        // strings runs out of bytes.
        let error = end
            .call::<_, (String, String)>("JunkServer.Handler2", &5)
            .unwrap_err();
        let RpcError::BadReply { method, error } = error else {
            panic!("expected BadReply, got {error:?}");
        };
        assert_eq!(method, "JunkServer.Handler2");
        assert!(matches!(error, DecodeError::Truncated { .. }), "{error:?}");
        assert_eq!(js.mu.lock().log2, [5], "the handler should have run");
    });
}

/// A value whose `Serialize` always fails.
struct Unencodable;

impl Serialize for Unencodable {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("not today"))
    }
}

#[test]
fn arguments_that_cannot_be_encoded_are_never_sent() {
    both(|| {
        let (net, end, _) = junk_network();

        let error = end
            .call::<_, i64>("JunkServer.Handler2", &Unencodable)
            .unwrap_err();
        assert!(
            matches!(error, RpcError::Encode(EncodeError::Serialize { .. })),
            "{error:?}"
        );
        assert_eq!((net.total_count(), net.count("s")), (0, 0));
    });
}

#[test]
fn a_handler_whose_reply_cannot_be_encoded_is_reported() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        let service = Service::new("Odd").method("Reply", |_: u8| Unencodable);
        net.add_server("s", Server::builder().service(service).build().unwrap());

        let error = end.call::<_, u8>("Odd.Reply", &0_u8).unwrap_err();
        assert!(
            matches!(error, RpcError::BadHandlerReply { .. }),
            "{error:?}"
        );
    });
}

#[test]
fn dead_links_are_unreachable() {
    both(|| {
        let net = Network::new();
        net.add_server("s", JunkServer::start().1);
        let unconnected = net.make_end("unconnected").unwrap();
        net.enable("unconnected", true).unwrap();
        let nowhere = live_end(&net, "nowhere", "no such server");
        let disabled = net.make_end("disabled").unwrap();
        net.connect("disabled", "s").unwrap();

        for end in [unconnected, nowhere, disabled] {
            let error = end
                .call::<_, String>("JunkServer.Handler2", &1)
                .unwrap_err();
            assert_eq!(error, RpcError::Unreachable, "end {}", end.name());
            assert!(error.is_network_fault());
        }
        assert_eq!((net.total_count(), net.count("s")), (3, 0));
    });
}

#[test]
fn a_cleaned_up_network_refuses_calls() {
    both(|| {
        let (net, end, _) = junk_network();
        assert!(end.call::<_, String>("JunkServer.Handler2", &1).is_ok());

        net.cleanup();
        let error = end.call::<_, String>("JunkServer.Handler2", &1);
        assert_eq!(error, Err(RpcError::NetworkClosed));
        assert_eq!((net.total_count(), net.count("s")), (1, 1));
    });
}

#[test]
fn setup_mistakes_are_errors() {
    labrt::Config::sim(0).run(|| {
        let net = Network::new();
        net.make_end("a").unwrap();
        let duplicate = net.make_end("a").unwrap_err();
        assert_eq!(duplicate, SetupError::DuplicateEnd { name: "a".into() });
        let unknown = SetupError::UnknownEnd { name: "b".into() };
        assert_eq!(net.connect("b", "s"), Err(unknown.clone()));
        assert_eq!(net.enable("b", true), Err(unknown));

        let echo = || Service::new("Echo").method("Echo", |x: u8| x);
        let twice = Server::builder().service(echo()).service(echo()).build();
        assert_eq!(
            twice.unwrap_err(),
            SetupError::DuplicateService {
                name: "Echo".into()
            }
        );
        let same_method = Service::new("Echo")
            .method("Echo", |x: u8| x)
            .method("Echo", |x: u16| x);
        let built = Server::builder().service(same_method).build();
        assert_eq!(
            built.unwrap_err(),
            SetupError::DuplicateMethod {
                name: "Echo.Echo".into()
            }
        );
        for name in ["", "Raft.Vote"] {
            let bad_service = Server::builder().service(Service::new(name)).build();
            assert_eq!(
                bad_service.unwrap_err(),
                SetupError::BadName { name: name.into() }
            );
            let bad_method = Service::new("Raft").method(name, |x: u8| x);
            let built = Server::builder().service(bad_method).build();
            assert_eq!(
                built.unwrap_err(),
                SetupError::BadName { name: name.into() }
            );
        }
        assert!(duplicate.to_string().contains("\"a\""), "{duplicate}");
    });
}
