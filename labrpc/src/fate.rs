//! The fault model: what the network does to each message, as pure functions
//! of the link settings and a random stream. The numbers are the course's.

use labrt::Backend;
use labrt::rand::{Rng, RngExt};
use labrt::time::Duration;

/// An unreliable network delays every request by up to this much.
pub const SHORT_DELAY_MAX: Duration = Duration::from_millis(26);
/// An unreliable network drops this many requests per thousand, and as many
/// replies.
pub const DROP_PER_MILLE: u32 = 100;
/// With long reordering, this many replies out of [`REORDER_OUT_OF`] are
/// held back.
pub const REORDER_CHANCE: u32 = 600;
/// See [`REORDER_CHANCE`].
pub const REORDER_OUT_OF: u32 = 900;
/// A held-back reply waits at least this long...
pub const REORDER_MIN: Duration = Duration::from_millis(200);
/// ...plus up to this much more, skewed towards short waits.
pub const REORDER_EXTRA_MAX: Duration = Duration::from_millis(1999);
/// A call on a dead link fails after up to this much, with long delays...
pub const DEAD_LINK_LONG_MAX: Duration = Duration::from_millis(6999);
/// ...and after up to this much without.
pub const DEAD_LINK_SHORT_MAX: Duration = Duration::from_millis(99);
/// In sim, where computing takes no virtual time, a delivered request or
/// reply spends at least this long on the wire, so a client calling in a
/// loop lets the clock move. A few milliseconds per hop keeps a simulated
/// client near the course's Go reference in operations per second...
pub const SIM_TRANSIT_MIN: Duration = Duration::from_micros(1000);
/// ...and at most this long. Real runs add nothing: their messages take
/// real time.
pub const SIM_TRANSIT_MAX: Duration = Duration::from_micros(5000);
/// How often a waiting call checks that its end and server are still alive.
pub const LIVENESS_POLL: Duration = Duration::from_millis(100);

/// The network's switches, read once per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Faults {
    /// Whether messages arrive at once and always.
    pub reliable: bool,
    /// Whether calls on dead links take up to seven seconds to fail.
    pub long_delays: bool,
    /// Whether replies may be held back for seconds.
    pub long_reordering: bool,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            reliable: true,
            long_delays: false,
            long_reordering: false,
        }
    }
}

/// What happens to a request on a live link before its handler runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestFate {
    /// The handler runs after `delay`.
    Deliver {
        /// Time on the wire.
        delay: Duration,
    },
    /// The request is lost after `delay`.
    Drop {
        /// Time before the caller learns nothing came back.
        delay: Duration,
    },
}

/// What happens to a reply the handler produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyFate {
    /// The caller gets the reply after `delay`.
    Deliver {
        /// Time the reply is held back.
        delay: Duration,
    },
    /// The reply is lost.
    Drop,
}

fn millis(max: Duration, rng: &mut impl Rng) -> Duration {
    Duration::from_millis(rng.random_range(0..=max.as_millis() as u64))
}

fn per_mille(chance: u32, rng: &mut impl Rng) -> bool {
    rng.random_range(0..1000) < chance
}

/// Decides a request's fate on a live link.
pub fn request_fate(faults: Faults, rng: &mut impl Rng) -> RequestFate {
    if faults.reliable {
        return RequestFate::Deliver {
            delay: Duration::ZERO,
        };
    }
    let delay = millis(SHORT_DELAY_MAX, rng);
    if per_mille(DROP_PER_MILLE, rng) {
        RequestFate::Drop { delay }
    } else {
        RequestFate::Deliver { delay }
    }
}

/// Decides the fate of a reply from a handler whose server is still alive.
pub fn reply_fate(faults: Faults, rng: &mut impl Rng) -> ReplyFate {
    if !faults.reliable && per_mille(DROP_PER_MILLE, rng) {
        return ReplyFate::Drop;
    }
    if faults.long_reordering && rng.random_range(0..REORDER_OUT_OF) < REORDER_CHANCE {
        let extra_max = millis(REORDER_EXTRA_MAX, rng);
        return ReplyFate::Deliver {
            delay: REORDER_MIN + millis(extra_max, rng),
        };
    }
    ReplyFate::Deliver {
        delay: Duration::ZERO,
    }
}

/// How long a call on a dead link (disabled, unconnected, no server) takes
/// to fail.
pub fn dead_link_delay(faults: Faults, rng: &mut impl Rng) -> Duration {
    if faults.long_delays {
        millis(DEAD_LINK_LONG_MAX, rng)
    } else {
        millis(DEAD_LINK_SHORT_MAX, rng)
    }
}

/// Time a delivered message spends on the wire on top of any fault delay:
/// zero in real runs, U[[`SIM_TRANSIT_MIN`], [`SIM_TRANSIT_MAX`]] in sim.
pub fn transit(backend: Backend, rng: &mut impl Rng) -> Duration {
    match backend {
        Backend::Real => Duration::ZERO,
        Backend::Sim => {
            let micros = SIM_TRANSIT_MIN.as_micros() as u64..=SIM_TRANSIT_MAX.as_micros() as u64;
            Duration::from_micros(rng.random_range(micros))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAWS: usize = 20_000;

    fn unreliable() -> Faults {
        Faults {
            reliable: false,
            ..Faults::default()
        }
    }

    /// Runs `f` with a seeded stream in a sim run.
    fn with_rng(f: impl FnOnce(&mut labrt::rand::RunRng)) {
        labrt::Config::sim(11).run(|| f(&mut labrt::rand::rng()));
    }

    #[test]
    fn the_course_numbers() {
        assert_eq!(SHORT_DELAY_MAX, Duration::from_millis(26));
        assert_eq!(REORDER_MIN + REORDER_EXTRA_MAX, Duration::from_millis(2199));
        assert_eq!(DEAD_LINK_LONG_MAX, Duration::from_millis(6999));
        assert_eq!(DEAD_LINK_SHORT_MAX, Duration::from_millis(99));
        assert_eq!(LIVENESS_POLL, Duration::from_millis(100));
    }

    #[test]
    fn sim_messages_spend_1_to_5ms_on_the_wire_and_real_ones_nothing() {
        with_rng(|rng| {
            let draws: Vec<_> = (0..DRAWS).map(|_| transit(Backend::Sim, rng)).collect();
            assert_eq!(draws.iter().min(), Some(&SIM_TRANSIT_MIN));
            assert_eq!(draws.iter().max(), Some(&SIM_TRANSIT_MAX));
            assert_eq!(transit(Backend::Real, rng), Duration::ZERO);
        });
    }

    #[test]
    fn a_reliable_network_delivers_at_once() {
        with_rng(|rng| {
            for _ in 0..1000 {
                let faults = Faults::default();
                let delivered = RequestFate::Deliver {
                    delay: Duration::ZERO,
                };
                assert_eq!(request_fate(faults, rng), delivered);
                let delivered = ReplyFate::Deliver {
                    delay: Duration::ZERO,
                };
                assert_eq!(reply_fate(faults, rng), delivered);
            }
        });
    }

    #[test]
    fn unreliable_requests_are_delayed_up_to_26ms_and_a_tenth_dropped() {
        with_rng(|rng| {
            let (mut dropped, mut longest) = (0, Duration::ZERO);
            for _ in 0..DRAWS {
                let delay = match request_fate(unreliable(), rng) {
                    RequestFate::Deliver { delay } => delay,
                    RequestFate::Drop { delay } => {
                        dropped += 1;
                        delay
                    }
                };
                longest = longest.max(delay);
            }
            assert_eq!(longest, SHORT_DELAY_MAX);
            assert!(
                (1700..2300).contains(&dropped),
                "{dropped} of {DRAWS} dropped"
            );
        });
    }

    #[test]
    fn unreliable_replies_are_dropped_a_tenth_of_the_time() {
        with_rng(|rng| {
            let dropped = (0..DRAWS)
                .filter(|_| reply_fate(unreliable(), rng) == ReplyFate::Drop)
                .count();
            assert!(
                (1700..2300).contains(&dropped),
                "{dropped} of {DRAWS} dropped"
            );
        });
    }

    #[test]
    fn long_reordering_holds_two_thirds_of_replies_200_to_2199ms() {
        let faults = Faults {
            long_reordering: true,
            ..Faults::default()
        };
        with_rng(|rng| {
            let mut held = Vec::new();
            for _ in 0..DRAWS {
                match reply_fate(faults, rng) {
                    ReplyFate::Deliver { delay } if delay > Duration::ZERO => held.push(delay),
                    ReplyFate::Deliver { .. } => {}
                    ReplyFate::Drop => panic!("a reliable network dropped a reply"),
                }
            }
            let expected = DRAWS * 2 / 3;
            assert!(
                held.len().abs_diff(expected) < DRAWS / 30,
                "{} held",
                held.len()
            );
            assert!(held.iter().all(|d| *d >= REORDER_MIN));
            assert!(held.iter().all(|d| *d <= REORDER_MIN + REORDER_EXTRA_MAX));
            // U[0, U[0, 1999]] is skewed short: its median is about 500 ms.
            held.sort();
            let median = held[held.len() / 2] - REORDER_MIN;
            assert!(
                median < Duration::from_millis(700),
                "median extra {median:?}"
            );
        });
    }

    #[test]
    fn dead_links_fail_within_99ms_or_6999ms_with_long_delays() {
        with_rng(|rng| {
            let long = Faults {
                long_delays: true,
                ..Faults::default()
            };
            let short_max = (0..DRAWS)
                .map(|_| dead_link_delay(Faults::default(), rng))
                .max();
            let long_max = (0..DRAWS).map(|_| dead_link_delay(long, rng)).max();
            assert_eq!(short_max, Some(DEAD_LINK_SHORT_MAX));
            assert!(
                long_max > Some(Duration::from_millis(6900))
                    && long_max <= Some(DEAD_LINK_LONG_MAX)
            );
        });
    }
}
