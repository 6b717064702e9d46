//! The course's labrpc tests, under their own names, in both backends.

use labrpc::{Network, RpcError};
use labrt::chan;
use labrt::thread;
use labrt::time::{self, Duration, Instant};

use crate::junk::{JunkArgs, JunkServer};
use crate::{both, live_end};

const H1: &str = "JunkServer.Handler1";
const H2: &str = "JunkServer.Handler2";

#[test]
fn basic() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "end1-99", "server99");
        net.add_server("server99", JunkServer::start().1);

        assert_eq!(
            end.call_method(H2, &111_i64),
            Ok("handler2-111".to_string())
        );
        assert_eq!(end.call_method(H1, &"9099".to_string()), Ok(9099_i64));
    });
}

#[test]
fn types() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "end1-99", "server99");
        net.add_server("server99", JunkServer::start().1);

        let args = JunkArgs { x: 99 };
        let reply = end.call_method::<_, String>("JunkServer.Handler4", &args);
        assert_eq!(reply.as_deref(), Ok("pointer"));
        let reply = end.call_method::<_, String>("JunkServer.Handler5", &args);
        assert_eq!(reply.as_deref(), Ok("no pointer"));
    });
}

#[test]
fn disconnect() {
    both(|| {
        let net = Network::new();
        let end = net.make_end("end1-99").unwrap();
        net.add_server("server99", JunkServer::start().1);
        net.connect("end1-99", "server99").unwrap();

        assert_eq!(
            end.call_method::<_, String>(H2, &111_i64),
            Err(RpcError::Unreachable)
        );
        net.enable("end1-99", true).unwrap();
        assert_eq!(end.call_method(H1, &"9099".to_string()), Ok(9099_i64));
    });
}

#[test]
fn counts() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "end1-99", "99");
        net.add_server("99", JunkServer::start().1);

        for i in 0..17_i64 {
            assert_eq!(end.call_method(H2, &i), Ok(format!("handler2-{i}")));
        }
        assert_eq!(net.count("99"), 17);
    });
}

/// The course's bounds hold with labcodec's framing: a 284-character string
/// is 287 bytes (a 3-byte length) and its length 3 bytes, so the first part
/// sends 17 x 290 = 4930 bytes; the second sends 1 + 108 bytes per call,
/// 1853 in all.
#[test]
fn bytes() {
    both(|| {
        let net = Network::new();
        let end = live_end(&net, "end1-99", "99");
        net.add_server("99", JunkServer::start().1);

        let args = "x".repeat(284);
        for _ in 0..17 {
            assert_eq!(end.call_method("JunkServer.Handler6", &args), Ok(284_i64));
        }
        let n = net.total_bytes();
        assert!((4828..=6000).contains(&n), "wrong number of bytes: {n}");

        for _ in 0..17 {
            let reply = end.call_method::<_, String>("JunkServer.Handler7", &107_i64);
            assert_eq!(reply.map(|y| y.len()), Ok(107));
        }
        let extra = net.total_bytes() - n;
        assert!(
            (1800..=2500).contains(&extra),
            "wrong number of bytes: {extra}"
        );
    });
}

#[test]
fn concurrent_many() {
    both(|| {
        let net = Network::new();
        net.add_server("1000", JunkServer::start().1);
        let (tx, rx) = chan::unbounded();
        for client in 0..20_i64 {
            let (net, tx) = (net.clone(), tx.clone());
            thread::spawn(format!("client {client}"), move || {
                let end = live_end(&net, &client.to_string(), "1000");
                let mut n = 0;
                for j in 0..10 {
                    let arg = 100 * client + j;
                    assert_eq!(end.call_method(H2, &arg), Ok(format!("handler2-{arg}")));
                    n += 1;
                }
                tx.send(n).unwrap();
            });
        }
        drop(tx);
        assert_eq!(rx.iter().sum::<i32>(), 200);
        assert_eq!(net.count("1000"), 200);
    });
}

#[test]
fn unreliable() {
    both(|| {
        let net = Network::new();
        net.set_reliable(false);
        net.add_server("1000", JunkServer::start().1);
        let (tx, rx) = chan::unbounded();
        for client in 0..300_i64 {
            let (net, tx) = (net.clone(), tx.clone());
            thread::spawn(format!("client {client}"), move || {
                let end = live_end(&net, &client.to_string(), "1000");
                let arg = 100 * client;
                let reply = end.call_method::<_, String>(H2, &arg);
                if let Ok(reply) = &reply {
                    assert_eq!(*reply, format!("handler2-{arg}"));
                }
                tx.send(reply.is_ok()).unwrap();
            });
        }
        drop(tx);
        let succeeded = rx.iter().filter(|ok| *ok).count();
        assert!(succeeded != 300, "all RPCs succeeded despite unreliable");
        assert!(succeeded != 0, "no RPCs succeeded");
    });
}

#[test]
fn concurrent_one() {
    both(|| {
        let net = Network::new();
        let (js, server) = JunkServer::start();
        net.add_server("1000", server);
        let end = live_end(&net, "c", "1000");
        let (tx, rx) = chan::unbounded();
        for i in 0..20_i64 {
            let (end, tx) = (end.clone(), tx.clone());
            thread::spawn(format!("caller {i}"), move || {
                let arg = 100 + i;
                assert_eq!(end.call_method(H2, &arg), Ok(format!("handler2-{arg}")));
                tx.send(1).unwrap();
            });
        }
        drop(tx);
        assert_eq!(rx.iter().sum::<i32>(), 20);
        assert_eq!(js.mu.lock().log2.len(), 20);
        assert_eq!(net.count("1000"), 20);
    });
}

/// Calls made while an end is disabled must not hold back a call made once
/// it is enabled.
#[test]
fn regression1() {
    both(|| {
        let net = Network::new();
        let (js, server) = JunkServer::start();
        net.add_server("1000", server);
        let end = net.make_end("c").unwrap();
        net.connect("c", "1000").unwrap();
        let (tx, rx) = chan::unbounded();
        for i in 0..20_i64 {
            let (end, tx) = (end.clone(), tx.clone());
            thread::spawn(format!("caller {i}"), move || {
                let reply = end.call_method::<_, String>(H2, &(100 + i));
                assert_eq!(reply, Err(RpcError::Unreachable));
                tx.send(()).unwrap();
            });
        }
        drop(tx);
        time::sleep(Duration::from_millis(100));

        let t0 = Instant::now();
        net.enable("c", true).unwrap();
        assert_eq!(end.call_method(H2, &99_i64), Ok("handler2-99".to_string()));
        let took = t0.elapsed();
        assert!(
            took <= Duration::from_millis(30),
            "RPC took too long ({took:?}) after enable"
        );

        assert_eq!(rx.iter().count(), 20);
        assert_eq!(js.mu.lock().log2.len(), 1);
        assert_eq!(net.count("1000"), 1);
    });
}

/// A call stuck in a handler of a deleted server returns within 100 ms.
#[test]
fn killed() {
    both(|| {
        let net = Network::new();
        net.add_server("server99", JunkServer::start().1);
        let end = live_end(&net, "end1-99", "server99");
        let (done_tx, done_rx) = chan::unbounded();
        thread::spawn("caller", move || {
            done_tx
                .send(end.call_method::<_, i64>("JunkServer.Handler3", &99_i64))
                .unwrap();
        });

        time::sleep(Duration::from_secs(1));
        let early = done_rx.recv_timeout(Duration::from_millis(100));
        assert!(
            early.is_err(),
            "Handler3 should not have returned yet: {early:?}"
        );

        net.delete_server("server99");
        let deleted = Instant::now();
        // The bound is checked on the run's clock below; this timeout only
        // keeps a broken network from hanging the test.
        let reply = done_rx.recv_timeout(Duration::from_secs(30));
        let took = deleted.elapsed();
        assert_eq!(reply, Ok(Err(RpcError::ServerGone)));
        assert!(
            took <= Duration::from_millis(100),
            "Handler3 returned {took:?} after delete_server"
        );
    });
}
