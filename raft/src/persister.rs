//! The stable storage a Raft peer survives crashes with.
//!
//! A [`Persister`] holds two byte strings: the Raft state (term, vote, log)
//! and the service's latest snapshot. The tester plays the disk: to crash a
//! peer it keeps a [`Persister::copy`] and hands that to the restarted
//! instance, so writes the old instance makes afterwards are lost, as they
//! would be in a real crash.
//!
//! Each saved string is stored with a CRC-32 of its bytes, as a disk file
//! would be, so a damaged byte is reported as a [`ChecksumError`] instead of
//! being read back as a different state. Callers never see the checksum:
//! saving adds it and reading checks and strips it.

use std::fmt;
use std::sync::Arc;

use labcodec::DecodeError;
use labrt::sync::Mutex;

/// Bytes of checksum stored after each saved string.
const CHECKSUM_LEN: usize = 4;

/// A shared handle on one peer's stable storage. Clones see the same
/// storage; [`Persister::copy`] makes an independent one.
///
/// Create it inside a labrt run: its lock is the run's.
#[derive(Clone)]
pub struct Persister(Arc<Mutex<Stored>>);

/// Each part as stored: empty if never saved, else the saved bytes followed
/// by their checksum.
#[derive(Clone, Default)]
struct Stored {
    raft_state: Vec<u8>,
    snapshot: Vec<u8>,
}

impl Stored {
    fn part(&self, part: Part) -> &Vec<u8> {
        match part {
            Part::RaftState => &self.raft_state,
            Part::Snapshot => &self.snapshot,
        }
    }

    fn part_mut(&mut self, part: Part) -> &mut Vec<u8> {
        match part {
            Part::RaftState => &mut self.raft_state,
            Part::Snapshot => &mut self.snapshot,
        }
    }
}

/// One of the two byte strings a [`Persister`] stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The Raft state: term, vote and log.
    RaftState,
    /// The service's snapshot.
    Snapshot,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::RaftState => "Raft state",
            Part::Snapshot => "snapshot",
        })
    }
}

/// Stored bytes that do not match the checksum saved with them: the storage
/// damaged them after they were saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumError {
    /// Which string is damaged.
    pub part: Part,
    /// How many bytes are stored, checksum included.
    pub stored_len: usize,
    /// The checksum stored with the bytes, if there is room for one.
    pub saved: Option<u32>,
    /// The checksum of the bytes as they are now.
    pub actual: u32,
}

impl fmt::Display for ChecksumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.saved {
            Some(saved) => write!(
                f,
                "the stored {} fails its checksum (saved crc32 {saved:#010x}, the {} bytes give {:#010x})",
                self.part,
                self.stored_len.saturating_sub(CHECKSUM_LEN),
                self.actual
            ),
            None => write!(
                f,
                "the stored {} is {} bytes, too short to hold its checksum",
                self.part, self.stored_len
            ),
        }
    }
}

impl std::error::Error for ChecksumError {}

/// Why stored bytes cannot be restored: damaged on the disk, or saved
/// intact but not a state the reader understands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// The bytes fail their checksum.
    Checksum(ChecksumError),
    /// The bytes are as saved but do not decode to a valid state.
    Decode(DecodeError),
}

impl fmt::Display for Corruption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Corruption::Checksum(error) => error.fmt(f),
            Corruption::Decode(error) => error.fmt(f),
        }
    }
}

/// Transparent: it displays its error, so the source is that error's.
impl std::error::Error for Corruption {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Corruption::Checksum(error) => error.source(),
            Corruption::Decode(error) => error.source(),
        }
    }
}

impl From<ChecksumError> for Corruption {
    fn from(error: ChecksumError) -> Corruption {
        Corruption::Checksum(error)
    }
}

impl From<DecodeError> for Corruption {
    fn from(error: DecodeError) -> Corruption {
        Corruption::Decode(error)
    }
}

/// `bytes` followed by their checksum.
fn seal(mut bytes: Vec<u8>) -> Vec<u8> {
    let checksum = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    bytes
}

/// The saved bytes of `stored`, if they match their checksum.
fn unseal(part: Part, stored: &[u8]) -> Result<&[u8], ChecksumError> {
    if stored.is_empty() {
        return Ok(stored);
    }
    let Some(split) = stored.len().checked_sub(CHECKSUM_LEN) else {
        return Err(ChecksumError {
            part,
            stored_len: stored.len(),
            saved: None,
            actual: crc32fast::hash(stored),
        });
    };
    let (bytes, checksum) = stored.split_at(split);
    let saved = u32::from_le_bytes(checksum.try_into().expect("CHECKSUM_LEN bytes"));
    let actual = crc32fast::hash(bytes);
    if saved == actual {
        Ok(bytes)
    } else {
        Err(ChecksumError {
            part,
            stored_len: stored.len(),
            saved: Some(saved),
            actual,
        })
    }
}

impl Persister {
    /// Empty storage: a peer that has never run.
    ///
    /// # Panics
    /// If called outside a labrt run.
    #[track_caller]
    pub fn new() -> Persister {
        Persister(Arc::new(Mutex::new(Stored::default())))
    }

    /// An independent copy of what is stored now; later writes to either
    /// are not seen by the other.
    pub fn copy(&self) -> Persister {
        let stored = self.0.lock().clone();
        Persister(Arc::new(Mutex::new(stored)))
    }

    /// Replaces the Raft state and the snapshot together, so a crash never
    /// leaves one without the other.
    pub fn save(&self, raft_state: Vec<u8>, snapshot: Vec<u8>) {
        let stored = Stored {
            raft_state: seal(raft_state),
            snapshot: seal(snapshot),
        };
        *self.0.lock() = stored;
    }

    /// Replaces the Raft state and keeps the snapshot.
    pub fn save_raft_state(&self, raft_state: Vec<u8>) {
        let sealed = seal(raft_state);
        self.0.lock().raft_state = sealed;
    }

    /// A copy of the Raft state; empty if none was ever saved.
    pub fn read_raft_state(&self) -> Result<Vec<u8>, ChecksumError> {
        self.read(Part::RaftState)
    }

    /// A copy of the snapshot; empty if none was ever saved.
    pub fn read_snapshot(&self) -> Result<Vec<u8>, ChecksumError> {
        self.read(Part::Snapshot)
    }

    fn read(&self, part: Part) -> Result<Vec<u8>, ChecksumError> {
        let stored = self.0.lock();
        unseal(part, stored.part(part)).map(<[u8]>::to_vec)
    }

    /// Bytes of Raft state saved: what the snapshot tests bound.
    pub fn raft_state_size(&self) -> usize {
        saved_len(&self.0.lock().raft_state)
    }

    /// Bytes of snapshot saved.
    pub fn snapshot_size(&self) -> usize {
        saved_len(&self.0.lock().snapshot)
    }

    /// Bytes `part` takes in storage, its checksum included: the offsets
    /// [`Persister::damage`] accepts.
    pub fn stored_len(&self, part: Part) -> usize {
        self.0.lock().part(part).len()
    }

    /// Damages storage as a failing disk would, for tests: flips every bit
    /// of the stored byte at `offset` of `part`. Returns false, changing
    /// nothing, if `part` has no such byte.
    pub fn damage(&self, part: Part, offset: usize) -> bool {
        match self.0.lock().part_mut(part).get_mut(offset) {
            Some(byte) => {
                *byte = !*byte;
                true
            }
            None => false,
        }
    }
}

fn saved_len(stored: &[u8]) -> usize {
    stored.len().saturating_sub(CHECKSUM_LEN)
}

impl Default for Persister {
    #[track_caller]
    fn default() -> Persister {
        Persister::new()
    }
}

impl fmt::Debug for Persister {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Persister")
            .field("raft_state_size", &self.raft_state_size())
            .field("snapshot_size", &self.snapshot_size())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{ChecksumError, Part, Persister};

    #[test]
    fn copy_is_independent_and_save_replaces_both() {
        labrt::Config::sim(0).run(|| {
            let p = Persister::new();
            assert_eq!((p.raft_state_size(), p.snapshot_size()), (0, 0));
            p.save(b"state".to_vec(), b"snap".to_vec());
            let shared = p.clone();
            let copy = p.copy();
            p.save_raft_state(b"newer".to_vec());
            assert_eq!(shared.read_raft_state().unwrap(), b"newer");
            assert_eq!(shared.read_snapshot().unwrap(), b"snap");
            assert_eq!(copy.read_raft_state().unwrap(), b"state");
            copy.save(b"s".to_vec(), Vec::new());
            assert_eq!(p.read_snapshot().unwrap(), b"snap");
            assert_eq!((copy.raft_state_size(), copy.snapshot_size()), (1, 0));
            assert_eq!(copy.read_snapshot().unwrap(), b"");
        });
    }

    #[test]
    fn every_damaged_byte_fails_the_checksum_of_its_part_only() {
        labrt::Config::sim(0).run(|| {
            let p = Persister::new();
            p.save(b"term 3, voted 1".to_vec(), b"k=v".to_vec());
            for part in [Part::RaftState, Part::Snapshot] {
                let other = match part {
                    Part::RaftState => Part::Snapshot,
                    Part::Snapshot => Part::RaftState,
                };
                let len = p.stored_len(part);
                assert_eq!(len, p.copy().read(part).unwrap().len() + 4);
                for offset in 0..len {
                    let damaged = p.copy();
                    assert!(damaged.damage(part, offset));
                    let error = damaged.read(part).unwrap_err();
                    assert_eq!((error.part, error.stored_len), (part, len), "byte {offset}");
                    assert_ne!(error.saved, Some(error.actual));
                    assert_eq!(damaged.read(other), p.read(other), "byte {offset}");
                }
                assert!(!p.damage(part, len), "no byte at the end");
            }
        });
    }

    #[test]
    fn a_stored_string_shorter_than_a_checksum_is_reported() {
        labrt::Config::sim(0).run(|| {
            let p = Persister::new();
            p.save_raft_state(Vec::new());
            assert_eq!(p.stored_len(Part::RaftState), 4);
            assert_eq!(p.read_raft_state().unwrap(), b"");
            // A torn write leaves less than a checksum.
            p.0.lock().raft_state.pop();
            let error: ChecksumError = p.read_raft_state().unwrap_err();
            assert_eq!(error.saved, None);
            assert!(error.to_string().contains("too short"), "{error}");
        });
    }
}
