//! Faults beyond the course's model, one link at a time: lost or held
//! requests and replies, and requests delivered twice.

use labrpc::{Flow, Network, RpcError, SetupError};
use labrt::chan;
use labrt::thread;
use labrt::time::{self, Duration};

use crate::junk::JunkServer;
use crate::{both, junk_network, live_end};

/// Calls Handler2 with `x` on its own thread.
fn call_handler2(end: &labrpc::ClientEnd, x: i64) -> chan::Receiver<Result<String, RpcError>> {
    let (tx, rx) = chan::unbounded();
    let end = end.clone();
    thread::spawn("caller", move || {
        tx.send(end.call_method("JunkServer.Handler2", &x)).unwrap()
    });
    rx
}

fn handler2_log(js: &JunkServer) -> Vec<i64> {
    js.mu.lock().log2.clone()
}

/// Long enough for any call on a reliable network to be over.
const SETTLE: Duration = Duration::from_millis(200);

#[test]
fn a_one_way_link_delivers_requests_and_loses_replies() {
    both(|| {
        let (net, end, js) = junk_network();
        net.set_replies("c", Flow::Drop).unwrap();
        let reply = end.call_method::<_, String>("JunkServer.Handler2", &7_i64);
        assert_eq!(reply, Err(RpcError::ReplyLost));
        assert_eq!((handler2_log(&js), net.count("s")), (vec![7], 1));

        net.set_replies("c", Flow::Pass).unwrap();
        net.set_requests("c", Flow::Drop).unwrap();
        let reply = end.call_method::<_, String>("JunkServer.Handler2", &8_i64);
        assert_eq!(reply, Err(RpcError::RequestLost));
        assert_eq!(handler2_log(&js), vec![7]);
    });
}

#[test]
fn a_held_request_is_overtaken_by_later_ones() {
    both(|| {
        let (net, held_end, js) = junk_network();
        let other_end = live_end(&net, "d", "s");
        net.set_requests("c", Flow::Hold).unwrap();
        let held = call_handler2(&held_end, 1);
        time::sleep(SETTLE);
        assert_eq!(
            other_end.call_method("JunkServer.Handler2", &2_i64),
            Ok("handler2-2".to_string())
        );
        assert!(held.try_recv().is_err(), "a held request's call returned");
        assert_eq!(handler2_log(&js), vec![2]);

        net.set_requests("c", Flow::Pass).unwrap();
        assert_eq!(held.recv().unwrap(), Ok("handler2-1".to_string()));
        assert_eq!(handler2_log(&js), vec![2, 1]);
    });
}

#[test]
fn a_held_reply_arrives_when_released_or_is_lost() {
    both(|| {
        let (net, end, js) = junk_network();
        net.set_replies("c", Flow::Hold).unwrap();
        let reply = call_handler2(&end, 3);
        time::sleep(SETTLE);
        assert_eq!(handler2_log(&js), vec![3], "the handler ran");
        assert!(reply.try_recv().is_err(), "a held reply arrived");
        net.set_replies("c", Flow::Pass).unwrap();
        assert_eq!(reply.recv().unwrap(), Ok("handler2-3".to_string()));

        net.set_replies("c", Flow::Hold).unwrap();
        let lost = call_handler2(&end, 4);
        time::sleep(SETTLE);
        net.set_replies("c", Flow::Drop).unwrap();
        assert_eq!(lost.recv().unwrap(), Err(RpcError::ReplyLost));
    });
}

#[test]
fn a_reply_held_while_its_end_is_disabled_is_cut_off() {
    both(|| {
        let (net, end, _js) = junk_network();
        net.set_replies("c", Flow::Hold).unwrap();
        let reply = call_handler2(&end, 5);
        time::sleep(SETTLE);
        net.enable("c", false).unwrap();
        net.set_replies("c", Flow::Pass).unwrap();
        assert_eq!(reply.recv().unwrap(), Err(RpcError::ServerGone));
    });
}

#[test]
fn closing_the_network_loses_held_messages() {
    both(|| {
        let (net, end, _js) = junk_network();
        net.set_requests("c", Flow::Hold).unwrap();
        let reply = call_handler2(&end, 6);
        time::sleep(SETTLE);
        net.cleanup();
        assert_eq!(reply.recv().unwrap(), Err(RpcError::RequestLost));
    });
}

#[test]
fn a_recorded_request_is_delivered_again_after_later_ones() {
    both(|| {
        let (net, end, js) = junk_network();
        net.record("c", true).unwrap();
        for x in [1_i64, 2] {
            end.call_method::<_, String>("JunkServer.Handler2", &x)
                .unwrap();
        }
        assert_eq!(net.copies("c"), Ok(2));
        let calls = net.total_count();

        // The copies are on the wire: disabling the end stops no duplicate.
        net.enable("c", false).unwrap();
        // Oldest first; each runs on a thread of its own, so one at a time.
        for _ in 0..2 {
            assert_eq!(net.redeliver("c"), Ok(true));
            time::sleep(SETTLE);
        }
        assert_eq!(net.redeliver("c"), Ok(false), "no copy is left");
        assert_eq!(handler2_log(&js), vec![1, 2, 1, 2]);
        assert_eq!(
            (net.count("s"), net.total_count()),
            (4, calls),
            "a duplicate is no call"
        );
    });
}

#[test]
fn turning_recording_off_forgets_the_copies() {
    both(|| {
        let (net, end, js) = junk_network();
        net.record("c", true).unwrap();
        end.call_method::<_, String>("JunkServer.Handler2", &1_i64)
            .unwrap();
        net.record("c", false).unwrap();
        end.call_method::<_, String>("JunkServer.Handler2", &2_i64)
            .unwrap();
        assert_eq!((net.copies("c"), net.redeliver("c")), (Ok(0), Ok(false)));
        assert_eq!(handler2_log(&js), vec![1, 2]);
    });
}

#[test]
fn a_copy_for_a_server_that_is_gone_is_not_delivered() {
    both(|| {
        let (net, end, _js) = junk_network();
        net.record("c", true).unwrap();
        end.call_method::<_, String>("JunkServer.Handler2", &1_i64)
            .unwrap();
        net.delete_server("s");
        assert_eq!(net.redeliver("c"), Ok(false));
    });
}

#[test]
fn link_faults_on_an_unknown_end_are_refused() {
    both(|| {
        let net = Network::new();
        let unknown = || SetupError::UnknownEnd {
            name: "nowhere".to_string(),
        };
        assert_eq!(net.set_requests("nowhere", Flow::Hold), Err(unknown()));
        assert_eq!(net.set_replies("nowhere", Flow::Drop), Err(unknown()));
        assert_eq!(net.record("nowhere", true), Err(unknown()));
        assert_eq!(net.redeliver("nowhere"), Err(unknown()));
        assert_eq!(net.copies("nowhere"), Err(unknown()));
    });
}
