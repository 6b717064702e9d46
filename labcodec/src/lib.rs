//! labcodec: how RPC arguments, replies and persisted state become bytes.
//!
//! ```text
//! labcodec::encode(&value) -> Vec<u8>                 panics only on a value serde cannot encode
//! labcodec::try_encode(&value) -> Result<Vec<u8>, EncodeError>
//! labcodec::decode::<T>(&bytes) -> Result<T, DecodeError>
//! #[serde(with = "labcodec::serde_bytes")]           on Vec<u8> fields: compact bytes
//! ```
//!
//! Any `serde` type works. The format is bincode 2 with variable-length
//! integers, so framing is a byte or two per field. Decoding never trusts
//! its input: truncated, malformed or trailing bytes, and length prefixes
//! beyond [`MAX_MESSAGE`], are errors, never a panic or a huge allocation.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, PartialEq)]
//! struct AppendEntries {
//!     term: u64,
//!     #[serde(with = "labcodec::serde_bytes")]
//!     entry: Vec<u8>,
//! }
//!
//! let args = AppendEntries { term: 3, entry: b"put x 1".to_vec() };
//! let bytes = labcodec::encode(&args);
//! assert_eq!(bytes.len(), 9); // term 1 byte, length 1 byte, 7 bytes of entry
//! assert_eq!(labcodec::decode::<AppendEntries>(&bytes), Ok(args));
//! assert!(labcodec::decode::<AppendEntries>(&bytes[..5]).is_err());
//! ```

mod explain;

use std::fmt;

use bincode::config::{Configuration, Limit, LittleEndian, Varint};
use bincode::error::DecodeError as BincodeDecodeError;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use serde;
pub use serde_bytes;

/// The largest message, in bytes, that can be encoded or decoded. It also
/// caps what a length prefix may claim, so garbage cannot make decoding
/// allocate more than this.
pub const MAX_MESSAGE: usize = 64 << 20;

type Format = Configuration<LittleEndian, Varint, Limit<MAX_MESSAGE>>;

fn format() -> Format {
    bincode::config::standard().with_limit::<MAX_MESSAGE>()
}

/// Why a value could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The encoding would be larger than [`MAX_MESSAGE`].
    TooLarge {
        /// Bytes the encoding needs.
        size: usize,
    },
    /// The value's `Serialize` implementation failed or asked for something
    /// the format cannot express.
    Serialize {
        /// The serializer's explanation.
        reason: String,
    },
}

/// Why bytes could not be decoded into the requested type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ended before the value did.
    Truncated {
        /// Bytes given.
        len: usize,
    },
    /// A value was decoded but bytes were left over: the input is not one
    /// value of this type.
    TrailingBytes {
        /// Bytes the value used.
        used: usize,
        /// Bytes given.
        len: usize,
    },
    /// A length prefix claims more than [`MAX_MESSAGE`] bytes.
    TooLarge,
    /// The bytes are not an encoding of this type (bad tag, bad UTF-8, ...).
    Malformed {
        /// What is wrong, in words: "a bool byte 5; only 0 and 1 are valid".
        reason: String,
    },
    /// The type cannot be decoded from this format whatever the bytes (it
    /// needs a self-describing format, or borrows from its input): a bug of
    /// the program, not bad input.
    Unsupported {
        /// The type asked for.
        type_name: String,
        /// Why, in words.
        reason: String,
    },
}

/// Encodes `value`.
///
/// # Panics
/// If [`try_encode`] fails: the value is larger than [`MAX_MESSAGE`], or its
/// `Serialize` implementation fails. Both are bugs of the program that made
/// the value, not bad input.
#[track_caller]
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    try_encode(value).unwrap_or_else(|e| {
        panic!(
            "labcodec: cannot encode {}: {e}",
            std::any::type_name::<T>()
        )
    })
}

/// Encodes `value`, or says why it cannot be.
pub fn try_encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, EncodeError> {
    let bytes =
        bincode::serde::encode_to_vec(value, format()).map_err(|e| EncodeError::Serialize {
            reason: e.to_string(),
        })?;
    if bytes.len() > MAX_MESSAGE {
        return Err(EncodeError::TooLarge { size: bytes.len() });
    }
    Ok(bytes)
}

/// Decodes `bytes` as exactly one `T`.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let len = bytes.len();
    if len > MAX_MESSAGE {
        return Err(DecodeError::TooLarge);
    }
    match bincode::serde::decode_from_slice(bytes, format()) {
        Ok((value, used)) if used == len => Ok(value),
        Ok((_, used)) => Err(DecodeError::TrailingBytes { used, len }),
        Err(BincodeDecodeError::UnexpectedEnd { .. }) => Err(DecodeError::Truncated { len }),
        Err(BincodeDecodeError::LimitExceeded) => Err(DecodeError::TooLarge),
        Err(e) if explain::is_unsupported(&e) => Err(DecodeError::Unsupported {
            type_name: std::any::type_name::<T>().to_string(),
            reason: explain::reason(&e),
        }),
        Err(e) => Err(DecodeError::Malformed {
            reason: format!(
                "in a {}, {}",
                std::any::type_name::<T>(),
                explain::reason(&e)
            ),
        }),
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::TooLarge { size } => {
                write!(
                    f,
                    "the encoding takes {size} bytes, more than the limit of {MAX_MESSAGE}"
                )
            }
            EncodeError::Serialize { reason } => write!(f, "serialization failed: {reason}"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated { len } => write!(f, "the input ends too early ({len} bytes)"),
            DecodeError::TrailingBytes { used, len } => {
                write!(
                    f,
                    "{} bytes left over after the value ({used} of {len} bytes used)",
                    len - used
                )
            }
            DecodeError::TooLarge => write!(f, "the input claims more than {MAX_MESSAGE} bytes"),
            DecodeError::Malformed { reason } => write!(f, "malformed input: {reason}"),
            DecodeError::Unsupported { type_name, reason } => {
                write!(f, "labcodec cannot decode a {type_name}: {reason}")
            }
        }
    }
}

impl std::error::Error for EncodeError {}
impl std::error::Error for DecodeError {}
