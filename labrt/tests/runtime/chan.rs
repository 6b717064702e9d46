use labrt::chan::{self, RecvTimeoutError, SendError, TryRecvError, TrySendError};
use labrt::thread;
use labrt::time::{Duration, Instant, sleep};

use crate::both;

#[test]
fn values_arrive_in_order() {
    both(|| {
        let (tx, rx) = chan::unbounded();
        let producer = thread::spawn("producer", move || {
            for i in 0..100 {
                tx.send(i).unwrap();
            }
        });
        let got: Vec<i32> = rx.iter().collect();
        assert_eq!(got, (0..100).collect::<Vec<_>>());
        producer.join().unwrap();
    });
}

#[test]
fn recv_waits_for_a_later_send() {
    both(|| {
        let (tx, rx) = chan::unbounded();
        let start = Instant::now();
        thread::spawn("late", move || {
            sleep(Duration::from_millis(30));
            tx.send("hello").unwrap();
        });
        assert_eq!(rx.recv(), Ok("hello"));
        assert!(start.elapsed() >= Duration::from_millis(30));
    });
}

#[test]
fn recv_timeout_and_deadline_time_out_on_the_run_clock() {
    both(|| {
        let (_tx, rx) = chan::unbounded::<u8>();
        let start = Instant::now();
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(50)),
            Err(RecvTimeoutError::Timeout)
        );
        assert!(start.elapsed() >= Duration::from_millis(50));
        let deadline = Instant::now() + Duration::from_millis(20);
        assert_eq!(rx.recv_deadline(deadline), Err(RecvTimeoutError::Timeout));
        assert!(Instant::now() >= deadline);
    });
}

#[test]
fn recv_timeout_returns_a_value_that_arrives_in_time() {
    both(|| {
        let (tx, rx) = chan::unbounded();
        thread::spawn("sender", move || {
            sleep(Duration::from_millis(10));
            tx.send(7).unwrap();
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(7));
    });
}

#[test]
fn receivers_see_disconnection_after_the_queue_drains() {
    both(|| {
        let (tx, rx) = chan::unbounded();
        let tx2 = tx.clone();
        tx.send(1).unwrap();
        drop(tx);
        tx2.send(2).unwrap();
        drop(tx2);
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.recv(), Ok(2));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
        assert!(rx.recv().is_err());
        assert_eq!(
            rx.recv_timeout(Duration::from_millis(1)),
            Err(RecvTimeoutError::Disconnected)
        );
    });
}

#[test]
fn a_blocked_receiver_wakes_when_the_last_sender_drops() {
    both(|| {
        let (tx, rx) = chan::unbounded::<u8>();
        thread::spawn("dropper", move || {
            sleep(Duration::from_millis(5));
            drop(tx);
        });
        assert!(rx.recv().is_err());
    });
}

#[test]
fn send_without_receivers_returns_the_value() {
    both(|| {
        let (tx, rx) = chan::unbounded();
        drop(rx);
        assert_eq!(tx.send(5), Err(SendError(5)));
    });
}

#[test]
fn bounded_channels_hold_senders_back() {
    both(|| {
        let (tx, rx) = chan::bounded(2);
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        assert_eq!(tx.try_send(3), Err(TrySendError::Full(3)));
        let (done_tx, done_rx) = chan::unbounded();
        thread::spawn("blocked-sender", move || {
            tx.send(3).unwrap();
            done_tx.send(()).unwrap();
        });
        sleep(Duration::from_millis(20));
        assert_eq!(
            done_rx.try_recv(),
            Err(TryRecvError::Empty),
            "send into a full channel returned"
        );
        assert_eq!(rx.recv(), Ok(1));
        done_rx.recv().unwrap();
        assert_eq!(rx.len(), 2);
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [2, 3]);
    });
}

#[test]
fn many_producers_and_consumers_lose_and_duplicate_nothing() {
    both(|| {
        let (tx, rx) = chan::unbounded();
        let (out_tx, out_rx) = chan::unbounded();
        for p in 0..4u32 {
            let tx = tx.clone();
            thread::spawn(format!("producer-{p}"), move || {
                for i in 0..50 {
                    tx.send(p * 1000 + i).unwrap();
                }
            });
        }
        drop(tx);
        for c in 0..2 {
            let rx = rx.clone();
            let out_tx = out_tx.clone();
            thread::spawn(format!("consumer-{c}"), move || {
                for v in rx.iter() {
                    out_tx.send(v).unwrap();
                }
            });
        }
        drop(out_tx);
        let mut got: Vec<u32> = out_rx.iter().collect();
        got.sort_unstable();
        let want: Vec<u32> = (0..4)
            .flat_map(|p| (0..50).map(move |i| p * 1000 + i))
            .collect();
        assert_eq!(got, want);
    });
}
