//! The crate's one error type: histories that cannot be checked, lines that
//! cannot be parsed, files that cannot be written.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::model::Time;

/// Why a history could not be checked, parsed or visualized. A history that
/// is well formed but not linearizable is not an error: it is a
/// [`Verdict::Illegal`](crate::Verdict::Illegal).
#[derive(Debug)]
pub enum Error {
    /// An operation returned before it was called.
    ReturnBeforeCall {
        /// Index of the operation in the history.
        op: usize,
        /// Its call time.
        call: Time,
        /// Its return time, earlier than `call`.
        ret: Time,
    },
    /// The model's partition named an operation the history does not have.
    PartitionOutOfRange {
        /// The index given.
        op: usize,
        /// The history's length.
        len: usize,
    },
    /// The model's partition left an operation out or named it twice.
    PartitionNotExact {
        /// Index of the operation in the history.
        op: usize,
        /// How many times the groups name it.
        times: usize,
    },
    /// A history line is not a `{:field value, ...}` map.
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// A history line lacks a field every event needs.
    MissingField {
        /// 1-based line number.
        line: usize,
        /// The missing field, e.g. `:process`.
        field: &'static str,
    },
    /// A field of a history line has a value it cannot have.
    BadField {
        /// 1-based line number.
        line: usize,
        /// The field, e.g. `:type`.
        field: &'static str,
        /// The value found, as written.
        found: String,
    },
    /// A process completed an operation it had not invoked.
    OkWithoutInvoke {
        /// 1-based line number of the `:ok`.
        line: usize,
        /// The process.
        process: usize,
    },
    /// A process completed a different operation than the one it invoked.
    OkMismatch {
        /// 1-based line number of the `:ok`.
        line: usize,
        /// 1-based line number of the process's outstanding `:invoke`.
        invoke_line: usize,
    },
    /// A process invoked an operation while its previous one was outstanding.
    InvokeWhileBusy {
        /// 1-based line number of the second `:invoke`.
        line: usize,
        /// 1-based line number of the outstanding one.
        invoke_line: usize,
    },
    /// The visualization could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ReturnBeforeCall { op, call, ret } => {
                write!(
                    f,
                    "operation {op} returns at {ret}, before its call at {call}"
                )
            }
            Error::PartitionOutOfRange { op, len } => write!(
                f,
                "the model's partition names operation {op}, but the history has {len}"
            ),
            Error::PartitionNotExact { op, times } => write!(
                f,
                "the model's partition names operation {op} {times} times instead of once"
            ),
            Error::Syntax { line, reason } => write!(f, "line {line}: {reason}"),
            Error::MissingField { line, field } => write!(f, "line {line}: no {field} field"),
            Error::BadField { line, field, found } => {
                write!(f, "line {line}: {field} cannot be {found}")
            }
            Error::OkWithoutInvoke { line, process } => write!(
                f,
                "line {line}: process {process} completes an operation it never invoked"
            ),
            Error::OkMismatch { line, invoke_line } => write!(
                f,
                "line {line}: the :f or :key differs from the invoke on line {invoke_line}"
            ),
            Error::InvokeWhileBusy { line, invoke_line } => write!(
                f,
                "line {line}: the process still awaits its invoke of line {invoke_line}"
            ),
            Error::Write { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Write { source, .. } => Some(source),
            _ => None,
        }
    }
}
