//! How the events of a run log become a [`Scene`]: the lanes they need,
//! then one pass over the events in which each topic's events have their
//! `handle_*` method, with the roles, spans and calls still open kept until
//! the event that closes them (or the end of the run).

use std::collections::{BTreeMap, BTreeSet};

use super::scene::{Arrow, Failure, Lane, Mark, Note, Op, Scene, Segment, Span};
use crate::runlog::{Event, RunLog, Topic, plain, seconds};

/// Where a lane's items come from; the order is the lanes' order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum LaneKey {
    Harness,
    Peer(u64),
    Net,
    Client(String),
}

/// The scene of `log`.
pub fn interpret(log: &RunLog) -> Scene {
    let keys = lanes_of(&log.events);
    let mut builder = Builder {
        index: keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect(),
        scene: Scene {
            end: log.events.iter().map(|e| e.t_us).max().unwrap_or(0),
            lanes: keys.iter().map(lane).collect(),
            ..Scene::default()
        },
        ends: BTreeMap::new(),
        servers: BTreeMap::new(),
        roles: BTreeMap::new(),
        down: BTreeMap::new(),
        cut: BTreeMap::new(),
        calls: BTreeMap::new(),
    };
    for event in &log.events {
        builder.handle(event);
    }
    builder.finish()
}

/// The lanes `events` need, in order.
fn lanes_of(events: &[Event]) -> Vec<LaneKey> {
    let mut keys = BTreeSet::new();
    for event in events {
        if let Some(peer) = event.peer {
            keys.insert(LaneKey::Peer(peer.into()));
        }
        match &event.topic {
            Topic::Harness => {
                keys.insert(LaneKey::Harness);
                if let Some(peer) = event.u64("peer") {
                    keys.insert(LaneKey::Peer(peer));
                }
                for peer in event.str("groups").map(group_peers).unwrap_or_default() {
                    keys.insert(LaneKey::Peer(peer));
                }
            }
            Topic::Net => {
                keys.insert(LaneKey::Net);
            }
            Topic::Kv if event.peer.is_none() => {
                keys.insert(client_key(event).unwrap_or(LaneKey::Harness));
            }
            _ if event.peer.is_none() => {
                keys.insert(LaneKey::Harness);
            }
            _ => {}
        }
    }
    keys.into_iter().collect()
}

fn lane(key: &LaneKey) -> Lane {
    let (name, kind) = match key {
        LaneKey::Harness => ("harness".to_string(), "harness"),
        LaneKey::Peer(p) => (format!("peer {p}"), "peer"),
        LaneKey::Net => ("net".to_string(), "net"),
        LaneKey::Client(c) => (format!("client {c}"), "client"),
    };
    Lane { name, kind }
}

fn client_key(event: &Event) -> Option<LaneKey> {
    matches!(event.msg.as_str(), "call" | "return")
        .then(|| Some(LaneKey::Client(plain(event.fields.get("client")?))))
        .flatten()
}

/// The peers of a partition's groups, `0,1|2,3,4`.
fn group_peers(groups: &str) -> Vec<u64> {
    groups
        .split(['|', ','])
        .filter_map(|p| p.trim().parse().ok())
        .collect()
}

/// The hover text of `event`: when, where, what, and its fields.
pub fn describe(event: &Event) -> String {
    let place = match event.peer {
        Some(peer) => format!(" · peer {peer}"),
        None => String::new(),
    };
    format!(
        "{} s{place} · {} {}\n{}",
        seconds(event.t_us),
        event.topic,
        event.msg,
        event.describe_fields()
    )
}

/// A role, span or call still open, and since when.
type Open = (u64, String);

struct Builder {
    index: BTreeMap<LaneKey, usize>,
    scene: Scene,
    /// Client ends' names, and the peers that own them.
    ends: BTreeMap<String, u64>,
    /// Servers' names, and their peers.
    servers: BTreeMap<String, u64>,
    /// Each peer's current role: since when, the role, its term and why.
    roles: BTreeMap<u64, (u64, String, Option<u64>, String)>,
    down: BTreeMap<u64, Open>,
    cut: BTreeMap<u64, Open>,
    /// Calls not yet returned, by client and id: lane, since when, label
    /// and `client c, op id`.
    calls: BTreeMap<(String, String), (usize, u64, String, String)>,
}

impl Builder {
    fn lane(&self, key: &LaneKey) -> usize {
        *self
            .index
            .get(key)
            .unwrap_or_else(|| panic!("no lane {key:?}: lanes_of missed it"))
    }

    fn handle(&mut self, event: &Event) {
        match (&event.topic, event.peer) {
            (Topic::Harness, _) => self.handle_harness(event),
            (Topic::Net, _) if event.msg == "rpc" => self.handle_rpc(event),
            (Topic::Kv, None) if client_key(event).is_some() => self.handle_client(event),
            (Topic::Election, Some(peer)) if event.msg == "role" => {
                self.handle_role(event, peer.into())
            }
            (_, Some(peer)) => self.mark_peer_event(event, peer.into()),
            (Topic::Net, None) => self.mark(LaneKey::Net, event, "event", &event.msg),
            (_, None) => self.mark(LaneKey::Harness, event, "event", &event.msg),
        }
    }

    fn mark(&mut self, key: LaneKey, event: &Event, kind: &'static str, label: &str) {
        let mark = Mark {
            l: self.lane(&key),
            t: event.t_us,
            k: kind,
            s: label.to_string(),
            d: describe(event),
        };
        self.scene.marks.push(mark);
    }

    fn handle_role(&mut self, event: &Event, peer: u64) {
        self.close_role(peer, event.t_us);
        let role = event.str("role").unwrap_or("?").to_string();
        let reason = event.str("reason").unwrap_or_default().to_string();
        self.roles
            .insert(peer, (event.t_us, role, event.u64("term"), reason));
    }

    fn close_role(&mut self, peer: u64, at: u64) {
        let Some((from, role, term, reason)) = self.roles.remove(&peer) else {
            return;
        };
        let term_text = term.map(|t| format!(", term {t}")).unwrap_or_default();
        let d = format!(
            "peer {peer}: {role}{term_text}\nfrom {} s to {} s\n{reason}",
            seconds(from),
            seconds(at)
        );
        let l = self.lane(&LaneKey::Peer(peer));
        let segment = Segment {
            l,
            a: from,
            b: at,
            role,
            term,
            d,
        };
        self.scene.roles.push(segment);
    }

    fn mark_peer_event(&mut self, event: &Event, peer: u64) {
        let number = |name: &str| event.u64(name).map(|n| n.to_string()).unwrap_or_default();
        let (kind, label) = match (&event.topic, event.msg.as_str()) {
            (Topic::Replication, "commit") => ("commit", number("index")),
            (Topic::Replication, "append") if event.bool("ok") == Some(false) => {
                ("reject", String::new())
            }
            (Topic::Replication, "append") => ("append", String::new()),
            (Topic::Apply, "apply") if event.fields.contains_key("snapshot_index") => {
                ("apply", format!("s{}", number("snapshot_index")))
            }
            (Topic::Apply, "apply") => ("apply", number("index")),
            (Topic::Snapshot, "snapshot") => ("snapshot", number("index")),
            (Topic::Snapshot, "install") => ("install", number("index")),
            (Topic::Persist, "persist") => ("persist", String::new()),
            (Topic::Election, "vote") if event.bool("granted") == Some(true) => {
                ("vote", number("candidate"))
            }
            (Topic::Election, "vote") => ("novote", number("candidate")),
            _ => ("event", event.msg.clone()),
        };
        self.mark(LaneKey::Peer(peer), event, kind, &label);
    }

    fn handle_harness(&mut self, event: &Event) {
        let peer = event.u64("peer");
        let t = event.t_us;
        match (event.msg.as_str(), peer) {
            ("ends", Some(peer)) => {
                for end in event.str("ends").unwrap_or_default().split(',') {
                    self.ends.insert(end.trim().to_string(), peer);
                }
                return;
            }
            ("server", Some(peer)) => {
                if let Some(name) = event.fields.get("name") {
                    self.servers.insert(plain(name), peer);
                }
                return;
            }
            ("crash", Some(peer)) => {
                self.close_role(peer, t);
                self.down.insert(peer, (t, describe(event)));
            }
            ("restart", Some(peer)) => self.close_span(peer, t, "down"),
            ("disconnect", Some(peer)) => {
                self.cut.insert(peer, (t, describe(event)));
            }
            ("connect", Some(peer)) => self.close_span(peer, t, "cut"),
            ("partition", _) => {
                let groups = event.str("groups").unwrap_or_default();
                let note = Note {
                    t,
                    s: format!("partition {}", groups.replace('|', " | ")),
                    d: describe(event),
                };
                self.scene.notes.push(note);
            }
            ("fail", _) if self.scene.failure.is_none() => {
                let message = event.str("message").unwrap_or("(no message)").to_string();
                self.scene.failure = Some(Failure { t, message });
            }
            _ => {}
        }
        let kind = match event.msg.as_str() {
            "begin" => "begin",
            "start" => "start",
            "crash" => "crash",
            "restart" => "restart",
            "connect" => "connect",
            "disconnect" => "disconnect",
            "partition" => "partition",
            "fail" => "fail",
            _ => "event",
        };
        let label = match (kind, peer) {
            ("start", Some(p)) => format!("start {} at {p}", event.u64("index").unwrap_or(0)),
            ("begin" | "fail" | "partition", _) => kind.to_string(),
            (_, Some(p)) => format!("{} {p}", event.msg),
            _ => event.msg.clone(),
        };
        self.mark(LaneKey::Harness, event, kind, &label);
        if let (Some(peer), "crash" | "restart" | "connect" | "disconnect") = (peer, kind) {
            self.mark(LaneKey::Peer(peer), event, kind, "");
        }
    }

    fn close_span(&mut self, peer: u64, at: u64, k: &'static str) {
        let open = match k {
            "down" => self.down.remove(&peer),
            _ => self.cut.remove(&peer),
        };
        let Some((from, began)) = open else {
            return;
        };
        let what = if k == "down" { "down" } else { "cut off" };
        let d = format!(
            "peer {peer} {what} from {} s to {} s\n{began}",
            seconds(from),
            seconds(at)
        );
        let l = self.lane(&LaneKey::Peer(peer));
        self.scene.spans.push(Span {
            l,
            a: from,
            b: at,
            k,
            d,
        });
    }

    fn handle_rpc(&mut self, event: &Event) {
        let outcome = event.str("outcome").unwrap_or("?");
        let ok = outcome == "delivered";
        self.scene.rpcs.push((event.t_us, !ok));
        let from = event.str("end").and_then(|end| self.ends.get(end)).copied();
        let to = event.str("server").and_then(|server| {
            let peer = self.servers.get(server).copied();
            // The raft harness names each server by its index.
            peer.or_else(|| server.parse().ok())
        });
        let sent = event.u64("sent_us").unwrap_or(event.t_us);
        let method = event.str("method").unwrap_or("?");
        match (from, to) {
            (Some(from), Some(to)) if self.index.contains_key(&LaneKey::Peer(to)) => {
                let d = format!(
                    "{method}: peer {from} → peer {to}, {outcome}\nsent {} s, {} {} s",
                    seconds(sent),
                    if ok { "delivered" } else { "given up" },
                    seconds(event.t_us)
                );
                let arrow = Arrow {
                    f: self.lane(&LaneKey::Peer(from)),
                    to: self.lane(&LaneKey::Peer(to)),
                    a: sent,
                    b: event.t_us.max(sent),
                    ok,
                    d,
                };
                self.scene.arrows.push(arrow);
            }
            _ => {
                let short = method.rsplit('.').next().unwrap_or(method).to_string();
                self.mark(LaneKey::Net, event, "rpc", &short);
            }
        }
    }

    fn handle_client(&mut self, event: &Event) {
        let Some(key) = client_key(event) else {
            return;
        };
        let l = self.lane(&key);
        let client = match &key {
            LaneKey::Client(client) => client.clone(),
            _ => unreachable!("client_key gives client lanes"),
        };
        let id = event.fields.get("id").map(plain).unwrap_or_default();
        let op = event.str("op").unwrap_or("?");
        let k = event.fields.get("key").map(plain).unwrap_or_default();
        let value = event.fields.get("value").map(plain);
        if event.msg == "call" {
            let label = match (op, &value) {
                ("Get", _) | (_, None) => format!("{op} {k}"),
                ("Append", Some(v)) => format!("Append {k}+={v}"),
                (_, Some(v)) => format!("{op} {k}={v}"),
            };
            let who = format!("client {client}, op {id}");
            self.calls.insert((client, id), (l, event.t_us, label, who));
            return;
        }
        let Some((l, a, mut label, who)) = self.calls.remove(&(client, id)) else {
            self.mark(key, event, "event", "return");
            return;
        };
        if let ("Get", Some(v)) = (op, &value) {
            label = format!("{label} → {v}");
        }
        let op = Op {
            l,
            a,
            b: Some(event.t_us),
            d: format!(
                "{who}: {label}\ncalled {} s, returned {} s",
                seconds(a),
                seconds(event.t_us)
            ),
            s: label,
        };
        self.scene.ops.push(op);
    }

    fn finish(mut self) -> Scene {
        let end = self.scene.end;
        let peers: Vec<u64> = self.roles.keys().copied().collect();
        for peer in peers {
            self.close_role(peer, end);
        }
        let peers: Vec<u64> = self.down.keys().copied().collect();
        for peer in peers {
            self.close_span(peer, end, "down");
        }
        let peers: Vec<u64> = self.cut.keys().copied().collect();
        for peer in peers {
            self.close_span(peer, end, "cut");
        }
        for (l, a, s, who) in std::mem::take(&mut self.calls).into_values() {
            let d = format!("{who}: {s}\ncalled {} s, never returned", seconds(a));
            self.scene.ops.push(Op {
                l,
                a,
                b: None,
                s,
                d,
            });
        }
        self.scene
    }
}
