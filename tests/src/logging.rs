//! Run logs: the `tracing` events of the labs, the network and the harness,
//! stamped with the run's clock (virtual in sim) and read without a
//! scheduling point, so a simulated run takes the same schedule with logs
//! on or off and a seed's log is the same byte for byte on every run.
//!
//! An event's target is its topic (election, replication, snapshot, apply,
//! persist, kv, net, harness), its message a short event name, and its
//! `peer` field the server it happened on:
//!
//! ```text
//! tracing::debug!(target: "election", peer = me, term, role = "leader", reason, "role");
//! ```
//!
//! `LAB_LOG` takes an EnvFilter filter over topics (`LAB_LOG=debug`,
//! `LAB_LOG=election=debug,net=info`) and prints the events it lets
//! through on stderr, one line each. A failing sim test is replayed with
//! every event written to a JSON-lines file, which `lab view` draws and
//! `lab logs` prints. Its first line is a header,
//! `{"lab_log":1,"test":…,"seed":…,"backend":"sim"}`; every other line is
//! an event, `{"t_us":…,"level":"debug","topic":…,"peer":…,"msg":…,"f":{…}}`
//! (`peer` only when the event has one; `f` holds the other fields).

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tracing::field::{Field, Visit};
use tracing::{Dispatch, Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::Registry;

/// The variable holding the filter of the events printed on stderr.
pub const ENV_LOG: &str = "LAB_LOG";

/// The version of the JSON-lines format, in every file's header.
pub const FORMAT_VERSION: u64 = 1;

/// Logs that the harness enables (`up`) or cuts the links between server
/// `peer` and each of `others`.
pub(crate) fn links(peer: usize, others: &[usize], up: bool) {
    if !tracing::enabled!(target: "harness", Level::DEBUG) {
        return;
    }
    let others = peers(others);
    match up {
        true => tracing::debug!(target: "harness", peer, others, "connect"),
        false => tracing::debug!(target: "harness", peer, others, "disconnect"),
    }
}

/// Logs that the harness splits the servers into `p1` and `p2`.
pub(crate) fn partition(p1: &[usize], p2: &[usize]) {
    if tracing::enabled!(target: "harness", Level::DEBUG) {
        let groups = format!("{}|{}", peers(p1), peers(p2));
        tracing::debug!(target: "harness", groups, "partition");
    }
}

/// `0,1,2`.
fn peers(list: &[usize]) -> String {
    list.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Logs that the harness starts server `peer` under the name `server`,
/// with `ends` (named) to every server: what maps the network's events to
/// peers.
pub(crate) fn restart<E>(peer: usize, server: &str, ends: &[(String, E)]) {
    if !tracing::enabled!(target: "harness", Level::DEBUG) {
        return;
    }
    let ends = ends
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(",");
    tracing::debug!(target: "harness", peer, "restart");
    tracing::debug!(target: "harness", peer, name = server, "server");
    tracing::debug!(target: "harness", peer, ends, "ends");
}

/// The filter `LAB_LOG` asks for: None if unset or empty.
pub fn filter_from_env() -> Result<Option<EnvFilter>, String> {
    let Some(value) = std::env::var_os(ENV_LOG) else {
        return Ok(None);
    };
    let value = value
        .into_string()
        .map_err(|value| format!("{ENV_LOG}={value:?} is not UTF-8"))?;
    if value.trim().is_empty() {
        return Ok(None);
    }
    EnvFilter::try_new(&value)
        .map(Some)
        .map_err(|error| format!("{ENV_LOG}={value:?} is not a filter: {error}"))
}

/// A dispatcher printing the events `filter` lets through on stderr.
pub fn to_stderr(filter: EnvFilter) -> Dispatch {
    to_writer(filter, Box::new(io::stderr()))
}

/// A dispatcher printing the events `filter` lets through to `out`, one
/// line each.
pub fn to_writer(filter: EnvFilter, out: Box<dyn Write + Send>) -> Dispatch {
    let sink = Sink::new(out, Format::Text);
    Dispatch::new(Registry::default().with(filter).with(sink))
}

/// A dispatcher writing every event to a new JSON-lines file at `path`,
/// after a header naming the test, the seed (sim) and the backend.
pub fn to_file(path: &Path, test: &str, seed: Option<u64>, backend: &str) -> io::Result<Dispatch> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = BufWriter::new(File::create(path)?);
    let mut header = json!({"lab_log": FORMAT_VERSION, "test": test, "backend": backend});
    if let Some(seed) = seed {
        header["seed"] = json!(seed);
    }
    writeln!(file, "{header}")?;
    let sink = Sink::new(Box::new(file), Format::Json);
    Ok(Dispatch::new(Registry::default().with(sink)))
}

/// Runs `f` with `log` as the thread's dispatcher, if there is one; a labrt
/// run started inside logs there on every thread.
pub fn with_log<R>(log: Option<&Dispatch>, f: impl FnOnce() -> R) -> R {
    match log {
        Some(log) => tracing::dispatcher::with_default(log, f),
        None => f(),
    }
}

/// Appends to the JSON-lines log at `path` the failure of its run, at
/// `elapsed` on the run's clock: the moment `lab view` marks.
pub fn append_failure(path: &Path, elapsed: Duration, message: &str) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    let line = json!({
        "t_us": elapsed.as_micros() as u64,
        "level": "error",
        "topic": "harness",
        "msg": "fail",
        "f": {"message": message},
    });
    writeln!(file, "{line}")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// One aligned line per event, for people.
    Text,
    /// One JSON object per line, for `lab view` and `lab logs`.
    Json,
}

/// The layer that writes events. The lock is the writer's only: it never
/// blocks a simulated run (one OS thread) and only orders lines in a real
/// one.
struct Sink {
    out: Mutex<Box<dyn Write + Send>>,
    format: Format,
}

impl Sink {
    fn new(out: Box<dyn Write + Send>, format: Format) -> Sink {
        Sink {
            out: Mutex::new(out),
            format,
        }
    }
}

impl<S: Subscriber> Layer<S> for Sink {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let at = labrt::time::log_clock().unwrap_or_default();
        let meta = event.metadata();
        let mut fields = Fields {
            on_peers: !matches!(meta.target(), "harness" | "net"),
            ..Fields::default()
        };
        event.record(&mut fields);
        let line = match self.format {
            Format::Text => text_line(at.as_micros(), meta.target(), &fields),
            Format::Json => {
                json_line(at.as_micros(), *meta.level(), meta.target(), fields).to_string()
            }
        };
        let mut out = self
            .out
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A log that cannot be written must not fail the run it describes.
        let _ = writeln!(out, "{line}");
        if self.format == Format::Text {
            let _ = out.flush();
        }
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let out = self
            .out
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = out.flush();
    }
}

/// An event's fields: its message, its peer, and the rest by name.
#[derive(Default)]
struct Fields {
    /// Whether the event happens on a peer. The harness's and the
    /// network's do not: the peer they name stays a field.
    on_peers: bool,
    message: String,
    peer: Option<u64>,
    other: BTreeMap<&'static str, Value>,
}

impl Visit for Fields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "peer" if self.on_peers => self.peer = Some(value),
            name => {
                self.other.insert(name, json!(value));
            }
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        match (field.name(), u64::try_from(value)) {
            ("peer", Ok(peer)) if self.on_peers => self.peer = Some(peer),
            (name, _) => {
                self.other.insert(name, json!(value));
            }
        }
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.other.insert(field.name(), json!(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = value.to_string(),
            name => {
                self.other.insert(name, json!(value));
            }
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            name => {
                self.other.insert(name, json!(format!("{value:?}")));
            }
        }
    }
}

/// `   1.234567s  peer 2  election     role term=5 role="leader"`.
fn text_line(micros: u128, topic: &str, fields: &Fields) -> String {
    let peer = fields.peer.map_or(String::new(), |p| format!("peer {p}"));
    let mut line = format!(
        "{:>4}.{:06}s  {peer:<7} {topic:<11} {}",
        micros / 1_000_000,
        micros % 1_000_000,
        fields.message
    );
    for (name, value) in &fields.other {
        line.push_str(&format!(" {name}={value}"));
    }
    line
}

fn json_line(micros: u128, level: Level, topic: &str, fields: Fields) -> Value {
    let mut line = Map::new();
    line.insert("t_us".into(), json!(micros as u64));
    line.insert("level".into(), json!(level.as_str().to_ascii_lowercase()));
    line.insert("topic".into(), json!(topic));
    if let Some(peer) = fields.peer {
        line.insert("peer".into(), json!(peer));
    }
    line.insert("msg".into(), json!(fields.message));
    let other: Map<String, Value> = fields
        .other
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    line.insert("f".into(), Value::Object(other));
    Value::Object(line)
}
