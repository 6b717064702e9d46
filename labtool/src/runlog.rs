//! Run logs: what a run's peers, network and harness did, one JSON object
//! a line, as `lab view` and `lab logs` read them.
//!
//! ```text
//! {"lab_log":1,"test":"agreement::basic_agree_2b","seed":7,"backend":"sim"}
//! {"t_us":1234567,"level":"debug","topic":"election","peer":2,"msg":"role","f":{"term":5,"role":"leader","reason":"won the election"}}
//! {"t_us":1240100,"level":"debug","topic":"net","msg":"rpc","f":{"end":"e7","server":"1","method":"Raft.AppendEntries","outcome":"request lost","sent_us":1239000}}
//! ```
//!
//! ```no_run
//! let log = labtool::runlog::read(std::path::Path::new("target/runlogs/run.jsonl"))?;
//! println!("{} on seed {:?}: {} events", log.header.test, log.header.seed, log.events.len());
//! # Ok::<(), labtool::runlog::RunLogError>(())
//! ```
//!
//! The first line is the header:
//! - `lab_log`: the format's version, 1;
//! - `test`: the test's path in its suite binary, e.g. `agreement::basic_agree_2b`;
//! - `seed`: the sim seed (absent in real runs);
//! - `backend`: `sim` or `real`.
//!
//! Every other line is an event:
//! - `t_us`: the run's clock in microseconds (virtual time in sim); it does
//!   not go down the file, though readers do not rely on it;
//! - `level`: `error`, `warn`, `info`, `debug` or `trace`;
//! - `topic`: `election`, `replication`, `snapshot`, `apply`, `persist`,
//!   `kv`, `net` or `harness`; any other is kept as it is;
//! - `peer`: the server index it happened on, absent for the harness's and
//!   the network's events;
//! - `msg`: a short name of the event;
//! - `f`: its fields (numbers, strings, booleans).
//!
//! The events the readers understand, by topic and `msg`:
//!
//! | topic | msg | fields |
//! |---|---|---|
//! | election | `role` | `term`, `role` (follower, candidate, leader), `reason`: the role from then on |
//! | election | `vote` | `term`, `candidate`, `granted`, `why` |
//! | replication | `append` | `leader`, `term`, `prev_index`, `entries`, `ok`, `why`: a follower handled an AppendEntries |
//! | replication | `commit` | `index`, `term` |
//! | apply | `apply` | `index`, or `snapshot_index` |
//! | snapshot | `snapshot`, `install` | `index`; `install` also `term`, `leader` |
//! | persist | `persist` | `bytes` |
//! | net | `rpc` | `end`, `server`, `method`, `outcome` (delivered, request lost, reply lost, unreachable, server gone), `sent_us` |
//! | harness | `ends` | `peer`, `ends`: the names of the client ends that peer owns, comma-separated |
//! | harness | `server` | `peer`, `name`: the name the peer's server has on the network |
//! | harness | `crash`, `restart`, `connect`, `disconnect` | `peer` |
//! | harness | `partition` | `groups`, e.g. `0,1\|2,3,4` |
//! | harness | `start` | `peer`, `index`, `term`: a command handed to a leader |
//! | harness | `begin` / `fail` | `description` / `message` |
//! | kv | `call`, `return` | `client`, `op` (Get, Put, Append), `key`, `value`, `id` |
//!
//! Blank lines are skipped; any other line that is not of this form is an
//! error naming its line number.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// The format's version this module reads.
pub const VERSION: u64 = 1;

/// A whole run log.
#[derive(Clone, Debug, PartialEq)]
pub struct RunLog {
    /// The first line.
    pub header: Header,
    /// The other lines, in the file's order.
    pub events: Vec<Event>,
}

/// What run a log is of.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Header {
    /// The format's version.
    pub lab_log: u64,
    /// The test's path in its suite binary.
    pub test: String,
    /// The sim seed; none in real runs.
    #[serde(default)]
    pub seed: Option<u64>,
    /// `sim` or `real`.
    pub backend: String,
}

/// One thing that happened.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Event {
    /// The run's clock, in microseconds.
    pub t_us: u64,
    /// How much it matters.
    pub level: Level,
    /// What part of the system it is about.
    pub topic: Topic,
    /// The server it happened on, if any.
    #[serde(default)]
    pub peer: Option<u32>,
    /// Its short name.
    pub msg: String,
    /// Its fields.
    #[serde(default, rename = "f")]
    pub fields: BTreeMap<String, Value>,
}

/// An event's level, the most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something is wrong.
    Error,
    /// Something may be wrong.
    Warn,
    /// A milestone.
    Info,
    /// The events of the protocol.
    Debug,
    /// Everything.
    Trace,
}

/// What part of the system an event is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(from = "String")]
pub enum Topic {
    /// Roles, terms and votes.
    Election,
    /// AppendEntries and commits.
    Replication,
    /// Snapshots taken and installed.
    Snapshot,
    /// Messages applied to the service.
    Apply,
    /// State saved to the persister.
    Persist,
    /// The key/value service and its clients.
    Kv,
    /// The network.
    Net,
    /// The test harness.
    Harness,
    /// A topic this reader does not know.
    Other(String),
}

impl Topic {
    /// The known topics.
    pub const KNOWN: [Topic; 8] = [
        Topic::Election,
        Topic::Replication,
        Topic::Snapshot,
        Topic::Apply,
        Topic::Persist,
        Topic::Kv,
        Topic::Net,
        Topic::Harness,
    ];

    /// Its name in the log.
    pub fn as_str(&self) -> &str {
        match self {
            Topic::Election => "election",
            Topic::Replication => "replication",
            Topic::Snapshot => "snapshot",
            Topic::Apply => "apply",
            Topic::Persist => "persist",
            Topic::Kv => "kv",
            Topic::Net => "net",
            Topic::Harness => "harness",
            Topic::Other(name) => name,
        }
    }
}

impl From<String> for Topic {
    fn from(name: String) -> Topic {
        Topic::KNOWN
            .into_iter()
            .find(|t| t.as_str() == name)
            .unwrap_or(Topic::Other(name))
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Event {
    /// The field `name` as a number, if it is one.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.fields.get(name)?.as_u64()
    }

    /// The field `name` as text, if it is a string.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.fields.get(name)?.as_str()
    }

    /// The field `name` as a boolean, if it is one.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.fields.get(name)?.as_bool()
    }

    /// The fields as `name=value` pairs, strings unquoted unless they hold
    /// a space.
    pub fn describe_fields(&self) -> String {
        let pairs: Vec<String> = self
            .fields
            .iter()
            .map(|(name, value)| format!("{name}={}", plain(value)))
            .collect();
        pairs.join(" ")
    }
}

/// `value` as a person writes it: strings bare unless they hold a space.
pub fn plain(value: &Value) -> String {
    match value {
        Value::String(s) if s.is_empty() || s.contains(char::is_whitespace) => format!("{s:?}"),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `t_us` in seconds, to the microsecond: `12.310000`.
pub fn seconds(t_us: u64) -> String {
    format!("{}.{:06}", t_us / 1_000_000, t_us % 1_000_000)
}

/// Why a run log could not be read.
#[derive(Debug)]
pub enum RunLogError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The file has no header line.
    Empty,
    /// A line is not a header or an event of the format.
    Line {
        /// The file, when the log was read from one.
        path: Option<PathBuf>,
        /// Its number, from 1.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The header names a version of the format this reader does not know.
    Version {
        /// The version found.
        found: u64,
    },
}

impl fmt::Display for RunLogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunLogError::Read { path, error } => {
                write!(f, "cannot read the run log {}: {error}", path.display())
            }
            RunLogError::Empty => write!(f, "the run log is empty: it has no header line"),
            RunLogError::Line {
                path: Some(path),
                line,
                message,
            } => write!(f, "{}:{line}: {message}", path.display()),
            RunLogError::Line {
                path: None,
                line,
                message,
            } => write!(f, "line {line}: {message}"),
            RunLogError::Version { found } => write!(
                f,
                "the run log is of format version {found}; this lab reads version {VERSION}"
            ),
        }
    }
}

impl std::error::Error for RunLogError {}

/// Reads the run log at `path`.
pub fn read(path: &Path) -> Result<RunLog, RunLogError> {
    let text = std::fs::read_to_string(path).map_err(|error| RunLogError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    parse(&text).map_err(|e| match e {
        RunLogError::Line { line, message, .. } => RunLogError::Line {
            path: Some(path.to_path_buf()),
            line,
            message,
        },
        other => other,
    })
}

/// Parses a run log's text.
pub fn parse(text: &str) -> Result<RunLog, RunLogError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty());
    let (number, first) = lines.next().ok_or(RunLogError::Empty)?;
    let header: Header = serde_json::from_str(first).map_err(|e| RunLogError::Line {
        path: None,
        line: number,
        message: format!("not a run log's header ({e})"),
    })?;
    if header.lab_log != VERSION {
        return Err(RunLogError::Version {
            found: header.lab_log,
        });
    }
    let events = lines
        .map(|(line, text)| {
            serde_json::from_str(text).map_err(|e| RunLogError::Line {
                path: None,
                line,
                message: format!("not an event ({e})"),
            })
        })
        .collect::<Result<Vec<Event>, RunLogError>>()?;
    Ok(RunLog { header, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        r#"{"lab_log":1,"test":"agreement::basic_agree_2b","seed":7,"backend":"sim"}"#;

    #[test]
    fn a_header_and_its_events_are_read() {
        let text = format!(
            "{HEADER}\n\
             {{\"t_us\":1234567,\"level\":\"debug\",\"topic\":\"election\",\"peer\":2,\"msg\":\"role\",\
             \"f\":{{\"term\":5,\"role\":\"leader\",\"reason\":\"won the election\"}}}}\n\
             \n\
             {{\"t_us\":1234600,\"level\":\"info\",\"topic\":\"harness\",\"msg\":\"crash\",\"f\":{{\"peer\":1}}}}\n"
        );
        let log = parse(&text).unwrap();
        assert_eq!(log.header.test, "agreement::basic_agree_2b");
        assert_eq!(log.header.seed, Some(7));
        assert_eq!(log.events.len(), 2);
        let role = &log.events[0];
        assert_eq!(
            (role.t_us, role.level, role.peer),
            (1234567, Level::Debug, Some(2))
        );
        assert_eq!(role.topic, Topic::Election);
        assert_eq!(
            (role.u64("term"), role.str("role")),
            (Some(5), Some("leader"))
        );
        assert_eq!(
            role.describe_fields(),
            "reason=\"won the election\" role=leader term=5"
        );
        assert_eq!(log.events[1].peer, None);
        assert_eq!(log.events[1].u64("peer"), Some(1));
    }

    #[test]
    fn a_real_run_has_no_seed_and_an_unknown_topic_is_kept() {
        let text = "{\"lab_log\":1,\"test\":\"t\",\"backend\":\"real\"}\n\
                    {\"t_us\":5,\"level\":\"trace\",\"topic\":\"shards\",\"peer\":0,\"msg\":\"moved\"}";
        let log = parse(text).unwrap();
        assert_eq!(log.header.seed, None);
        assert_eq!(log.events[0].topic, Topic::Other("shards".into()));
        assert_eq!(log.events[0].topic.to_string(), "shards");
        assert!(log.events[0].fields.is_empty());
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        let text = format!(
            "{HEADER}\n{{\"t_us\":1,\"level\":\"debug\",\"topic\":\"net\",\"msg\":\"rpc\"}}\n\n\
             {{\"t_us\":\"soon\",\"level\":\"debug\",\"topic\":\"net\",\"msg\":\"rpc\"}}\n"
        );
        let error = parse(&text).unwrap_err().to_string();
        assert!(error.starts_with("line 4: not an event"), "{error}");
        let error = parse("{\"t_us\":1}\n").unwrap_err().to_string();
        assert!(
            error.starts_with("line 1: not a run log's header"),
            "{error}"
        );
        let loud =
            format!("{HEADER}\n{{\"t_us\":1,\"level\":\"loud\",\"topic\":\"net\",\"msg\":\"x\"}}");
        assert!(
            parse(&loud)
                .unwrap_err()
                .to_string()
                .starts_with("line 2: ")
        );
    }

    #[test]
    fn an_empty_file_or_another_version_is_refused() {
        assert!(matches!(parse("\n\n"), Err(RunLogError::Empty)));
        let text = "{\"lab_log\":2,\"test\":\"t\",\"backend\":\"sim\"}";
        assert!(matches!(
            parse(text),
            Err(RunLogError::Version { found: 2 })
        ));
    }
}
