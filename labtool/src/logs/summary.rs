//! One event in a few words, as a column of `lab logs` has room for:
//! `role → leader, term 5: won the election` rather than its raw fields.

use std::collections::BTreeMap;

use crate::runlog::{Event, Topic, plain};

/// The short tag that stands for a topic at the head of a cell.
pub fn tag(topic: &Topic) -> String {
    match topic {
        Topic::Election => "ELECT".into(),
        Topic::Replication => "REPL".into(),
        Topic::Snapshot => "SNAP".into(),
        Topic::Apply => "APPLY".into(),
        Topic::Persist => "PERS".into(),
        Topic::Kv => "KV".into(),
        Topic::Net => "NET".into(),
        Topic::Harness => "TEST".into(),
        Topic::Other(name) => name.to_uppercase(),
    }
}

/// Client ends' names and the peers that own them, learnt from the
/// harness's `ends` events as the log goes on.
#[derive(Clone, Debug, Default)]
pub struct Ends(BTreeMap<String, u64>);

impl Ends {
    /// Learns from `event` if it is an `ends` event.
    pub fn learn(&mut self, event: &Event) {
        if let (Topic::Harness, "ends", Some(peer)) =
            (&event.topic, event.msg.as_str(), event.u64("peer"))
        {
            for end in event.str("ends").unwrap_or_default().split(',') {
                self.0.insert(end.trim().to_string(), peer);
            }
        }
    }

    /// Who sends on `end`: `peer 2`, or the end's name.
    fn sender(&self, end: &str) -> String {
        match self.0.get(end) {
            Some(peer) => peer.to_string(),
            None => end.to_string(),
        }
    }
}

/// `event` in a few words, without its topic or time.
pub fn summary(event: &Event, ends: &Ends) -> String {
    let n = |name: &str| field(event, name);
    let summary = match (&event.topic, event.msg.as_str()) {
        (Topic::Election, "role") => format!(
            "{} term {}: {}",
            n("role"),
            n("term"),
            event.str("reason").unwrap_or("")
        ),
        (Topic::Election, "vote") => {
            let verdict = match event.bool("granted") {
                Some(true) => "granted",
                _ => "refused",
            };
            format!(
                "vote for {} term {}: {verdict}, {}",
                n("candidate"),
                n("term"),
                event.str("why").unwrap_or("")
            )
        }
        (Topic::Replication, "append") => {
            let verdict = match (event.bool("ok"), event.str("why")) {
                (Some(true), _) => "ok".to_string(),
                (_, Some(why)) => format!("refused: {why}"),
                _ => "refused".to_string(),
            };
            format!(
                "append from {} term {} prev {} +{}: {verdict}",
                n("leader"),
                n("term"),
                n("prev_index"),
                n("entries")
            )
        }
        (Topic::Replication, "commit") => format!("commit {} (term {})", n("index"), n("term")),
        (Topic::Apply, "apply") if event.fields.contains_key("snapshot_index") => {
            format!("apply snapshot {}", n("snapshot_index"))
        }
        (Topic::Apply, "apply") => format!("apply {}", n("index")),
        (Topic::Snapshot, "snapshot") => format!("snapshot at {}", n("index")),
        (Topic::Snapshot, "install") => format!(
            "install snapshot {} (term {}) from {}",
            n("index"),
            n("term"),
            n("leader")
        ),
        (Topic::Persist, "persist") => format!("persist {} bytes", n("bytes")),
        (Topic::Net, "rpc") => format!(
            "{} {}→{}: {}",
            n("method"),
            ends.sender(event.str("end").unwrap_or("?")),
            n("server"),
            n("outcome")
        ),
        (Topic::Harness, "ends") => format!(
            "peer {} has {} ends",
            n("peer"),
            event.str("ends").unwrap_or("").split(',').count()
        ),
        (Topic::Harness, "server") => format!("peer {} serves as {}", n("peer"), n("name")),
        (Topic::Harness, "crash" | "restart" | "connect" | "disconnect") => {
            format!("{} {}", event.msg, n("peer"))
        }
        (Topic::Harness, "partition") => format!("partition {}", n("groups").replace('|', " | ")),
        (Topic::Harness, "start") => {
            format!(
                "start at {}: index {} term {}",
                n("peer"),
                n("index"),
                n("term")
            )
        }
        (Topic::Harness, "begin") => n("description"),
        (Topic::Harness, "fail") => format!("FAILED: {}", n("message")),
        (Topic::Kv, "call" | "return") => kv(event),
        _ => return generic(event),
    };
    summary.trim_end_matches([' ', ':', ',']).to_string()
}

/// A client's call or return: `client 3 call 5: Put k=v`.
fn kv(event: &Event) -> String {
    let value = match event.fields.get("value") {
        Some(v) if event.str("op") == Some("Get") => format!(" → {}", plain(v)),
        Some(v) => format!("={}", plain(v)),
        None => String::new(),
    };
    format!(
        "client {} {} {}: {} {}{value}",
        field(event, "client"),
        event.msg,
        field(event, "id"),
        field(event, "op"),
        field(event, "key"),
    )
}

/// Any other event: its name and fields.
fn generic(event: &Event) -> String {
    let fields = event.describe_fields();
    if fields.is_empty() {
        event.msg.clone()
    } else {
        format!("{} {fields}", event.msg)
    }
}

/// The field `name` as written, `?` if absent.
fn field(event: &Event, name: &str) -> String {
    match event.fields.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => plain(other),
        None => "?".to_string(),
    }
}
