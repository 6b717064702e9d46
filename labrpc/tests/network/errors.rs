//! Mistakes on either side of a call, and in setting up the network, get
//! typed errors that say what went wrong.

use labcodec::EncodeError;
use labrpc::{Network, Rpc, RpcError, Server, Service, SetupError};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
            let error = end.call_method::<_, u64>(name, &1_u64).unwrap_err();
            let expected = RpcError::UnknownMethod {
                name: name.to_string(),
                known: known.clone(),
            };
            assert_eq!(error, expected);
            assert!(!error.is_network_fault());
        }
        let message = end
            .call_method::<_, u64>("Raft.Vote", &1_u64)
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("Raft.Vote") && message.contains("Raft.RequestVote"),
            "{message}"
        );
        // Both services answer calls made by their full names.
        assert_eq!(end.call_method("Raft.RequestVote", &7_u64), Ok(7_u64));
        assert_eq!(
            end.call_method("KVServer.Get", &"k".to_string()),
            Ok("k".to_string())
        );
    });
}

#[test]
fn a_call_by_name_with_other_types_than_its_handler_is_refused_before_it_runs() {
    both(|| {
        let (net, end, js) = junk_network();

        // Handler2 is (i64) -> String. An i32 or a &str would decode as
        // some i64; a pair of strings would not decode at all. Each is
        // refused by type, and the handler never runs.
        let errors = [
            end.call_method::<_, String>("JunkServer.Handler2", &5_i32),
            end.call_method::<_, String>("JunkServer.Handler2", &"two"),
        ]
        .map(Result::unwrap_err);
        let reply = end.call_method::<_, (String, String)>("JunkServer.Handler2", &5_i64);
        for (error, (args, reply)) in errors.into_iter().chain([reply.unwrap_err()]).zip([
            ("i32", "String"),
            ("&str", "String"),
            ("i64", "(alloc::string::String, alloc::string::String)"),
        ]) {
            // `type_name`'s spelling is not promised: compare the ends.
            let RpcError::TypeMismatch {
                method,
                args: called_with,
                reply: asked_for,
                handler_args,
                handler_reply,
            } = &error
            else {
                panic!("expected TypeMismatch, got {error:?}");
            };
            assert_eq!(method, "JunkServer.Handler2");
            assert!(called_with.ends_with(args), "{called_with}");
            assert!(
                asked_for.ends_with(reply.rsplit("::").next().unwrap()),
                "{asked_for}"
            );
            assert!(handler_args.ends_with("i64") && handler_reply.ends_with("String"));
            assert!(!error.is_network_fault());
        }
        let message = end
            .call_method::<_, String>("JunkServer.Handler2", &5_u64)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("JunkServer.Handler2 was called as (u64) -> ")
                && message.contains("String, but its handler is (i64) -> "),
            "{message}"
        );
        assert!(
            js.mu.lock().log2.is_empty(),
            "a handler ran on another type"
        );
        assert_eq!(net.count("s"), 4);
        assert_eq!(
            end.call_method("JunkServer.Handler2", &5_i64),
            Ok("handler2-5".to_string())
        );
    });
}

/// Encodes any byte but decodes only even ones: a value of the right type
/// that the other side still cannot take.
#[derive(Debug, Serialize)]
struct Even(u8);

impl<'de> Deserialize<'de> for Even {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Even, D::Error> {
        match u8::deserialize(deserializer)? {
            even if even % 2 == 0 => Ok(Even(even)),
            odd => Err(serde::de::Error::custom(format!("{odd} is odd"))),
        }
    }
}

#[test]
fn arguments_or_replies_of_the_right_type_that_do_not_decode_are_reported() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        let service = Service::new("Even")
            .method("Take", |even: Even| even.0)
            .method("Give", Even);
        net.add_server("s", Server::builder().service(service).build().unwrap());

        assert_eq!(end.call_method::<_, u8>("Even.Take", &Even(4)), Ok(4));
        let error = end.call_method::<_, u8>("Even.Take", &Even(3)).unwrap_err();
        assert!(
            matches!(&error, RpcError::BadArgs { method, .. } if method == "Even.Take"),
            "{error:?}"
        );
        let error = end.call_method::<_, Even>("Even.Give", &3_u8).unwrap_err();
        assert!(
            matches!(&error, RpcError::BadReply { method, .. } if method == "Even.Give"),
            "{error:?}"
        );
    });
}

/// A handler registered with [`Service::rpc`] answers typed calls; the
/// reply type comes from the arguments' [`Rpc`] impl.
#[test]
fn typed_calls_take_the_method_and_the_reply_type_from_the_arguments() {
    #[derive(Serialize, Deserialize)]
    struct Double(u32);
    impl Rpc for Double {
        type Reply = u64;
        const METHOD: &'static str = "Math.Double";
    }

    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        let service = Service::new("Math").rpc(|Double(x)| u64::from(x) * 2);
        net.add_server("s", Server::builder().service(service).build().unwrap());

        assert_eq!(end.call(&Double(21)), Ok(42_u64));
        assert_eq!(end.call_method::<_, u64>("Math.Double", &Double(1)), Ok(2));
        let misplaced = Server::builder()
            .service(Service::new("Maths").rpc(|Double(x)| u64::from(x)))
            .build()
            .unwrap_err();
        let expected = SetupError::WrongService {
            method: "Math.Double".to_string(),
            service: "Maths".to_string(),
        };
        assert_eq!(misplaced, expected);
        #[derive(Serialize, Deserialize)]
        struct Nameless;
        impl Rpc for Nameless {
            type Reply = ();
            const METHOD: &'static str = "Nameless";
        }
        let nameless = Server::builder()
            .service(Service::new("Math").rpc(|Nameless| ()))
            .build()
            .unwrap_err();
        assert_eq!(
            nameless,
            SetupError::BadName {
                name: "Nameless".to_string()
            }
        );
    });
}

/// A value whose `Serialize` always fails.
#[derive(Debug)]
struct Unencodable;

impl<'de> Deserialize<'de> for Unencodable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Unencodable, D::Error> {
        <()>::deserialize(deserializer).map(|()| Unencodable)
    }
}

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
            .call_method::<_, i64>("JunkServer.Handler2", &Unencodable)
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

        let error = end
            .call_method::<_, Unencodable>("Odd.Reply", &0_u8)
            .unwrap_err();
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
                .call_method::<_, String>("JunkServer.Handler2", &1_i64)
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
        assert!(
            end.call_method::<_, String>("JunkServer.Handler2", &1_i64)
                .is_ok()
        );

        net.cleanup();
        let error = end.call_method::<_, String>("JunkServer.Handler2", &1_i64);
        assert_eq!(error, Err(RpcError::NetworkClosed));
        assert_eq!((net.total_count(), net.count("s")), (1, 1));
    });
}

/// A server's handlers hold ends of its own network, as a Raft peer's do:
/// dropping the network must still free them, or every run would leak its
/// cluster.
#[test]
fn a_dropped_network_frees_its_servers_and_their_ends() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "c", "s");
        let held = std::sync::Arc::new(());
        let (own_end, token) = (end.clone(), held.clone());
        let service = Service::new("Loop").method("Call", move |x: u8| {
            let _ = (&own_end, &token);
            x
        });
        net.add_server("s", Server::builder().service(service).build().unwrap());
        assert_eq!(end.call_method::<u8, u8>("Loop.Call", &1), Ok(1));
        drop(net);
        assert_eq!(
            std::sync::Arc::strong_count(&held),
            1,
            "the handler outlived its network"
        );
        let error = end.call_method::<u8, u8>("Loop.Call", &1);
        assert_eq!(error, Err(RpcError::NetworkClosed));
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
