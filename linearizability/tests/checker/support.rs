//! Shared helpers: short constructors, the fixtures' location, and the
//! key/value store as one unpartitioned map.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::rc::Rc;

use linearizability::models::kv::{KvInput, KvModel, KvValue};
use linearizability::{Illegal, Model, Operation, Time, Verdict};

/// An operation of the key/value model.
pub type KvOp = Operation<KvInput, KvValue>;

/// The recorded histories, kept with the tests.
pub fn fixture_dir() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kv")
}

/// The text of fixture `name`, e.g. `c01-ok`.
pub fn fixture(name: &str) -> String {
    let path = fixture_dir().join(format!("{name}.txt"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `get(key)` by `client` over `[call, ret]`, returning `value`.
pub fn get(client: usize, key: &str, call: Time, ret: Time, value: &str) -> KvOp {
    Operation::returned(
        client,
        KvInput::Get { key: key.into() },
        call,
        value.into(),
        ret,
    )
}

/// `put(key, value)` by `client` over `[call, ret]`.
pub fn put(client: usize, key: &str, value: &str, call: Time, ret: Time) -> KvOp {
    let input = KvInput::Put {
        key: key.into(),
        value: value.into(),
    };
    Operation::returned(client, input, call, KvValue::default(), ret)
}

/// `append(key, value)` by `client` over `[call, ret]`.
pub fn append(client: usize, key: &str, value: &str, call: Time, ret: Time) -> KvOp {
    let input = KvInput::Append {
        key: key.into(),
        value: value.into(),
    };
    Operation::returned(client, input, call, KvValue::default(), ret)
}

/// The verdict's name, for assertion messages.
pub fn name<S>(verdict: &Verdict<S>) -> &'static str {
    match verdict {
        Verdict::Ok => "Ok",
        Verdict::Illegal(_) => "Illegal",
        Verdict::Unknown => "Unknown",
    }
}

/// The report of an illegal verdict holds together: the prefix lies in the
/// partition and leads the model to the reported state, and the failing
/// operation is in the partition but not in the prefix.
pub fn assert_consistent<M: Model>(
    model: &M,
    history: &[Operation<M::Input, M::Output>],
    illegal: &Illegal<M::State>,
) where
    M::State: std::fmt::Debug,
{
    let mut state = model.init();
    for &op in &illegal.prefix {
        assert!(
            illegal.partition.contains(&op),
            "prefix operation {op} is outside the partition"
        );
        let o = &history[op];
        state = model
            .step(&state, &o.input, o.output())
            .unwrap_or_else(|| panic!("prefix operation {op} is not accepted on replay"));
    }
    assert_eq!(state, illegal.state, "replaying the prefix");
    assert!(illegal.partition.contains(&illegal.failed));
    assert!(!illegal.prefix.contains(&illegal.failed));
}

/// The key/value store as one map and one partition, so every key's
/// operations are searched together: the slow path that P-compositionality
/// avoids, and a check that partitioning does not change verdicts.
pub struct KvMap;

/// The whole map. The checker hashes every state it keeps, so the hash is
/// kept up to date on each change rather than recomputed over every value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapState {
    /// (key, value), sorted by key; a key never written is absent.
    values: Vec<(Rc<str>, KvValue)>,
    /// Sum of the entries' hashes.
    hash: u64,
}

impl Hash for MapState {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

fn entry_hash(key: &str, value: &KvValue) -> u64 {
    let mut h = DefaultHasher::new();
    (key, value).hash(&mut h);
    h.finish()
}

impl Model for KvMap {
    type State = MapState;
    type Input = KvInput;
    type Output = KvValue;

    fn init(&self) -> MapState {
        MapState::default()
    }

    fn step(
        &self,
        state: &MapState,
        input: &KvInput,
        output: Option<&KvValue>,
    ) -> Option<MapState> {
        let key = input.key();
        let at = state.values.binary_search_by(|(k, _)| (**k).cmp(key));
        let old = at.map_or(KvValue::default(), |i| state.values[i].1);
        let new = KvModel.step(&old, input, output)?;
        if new == old {
            return Some(state.clone());
        }
        let mut next = state.clone();
        next.hash = next
            .hash
            .wrapping_sub(entry_hash(key, &old))
            .wrapping_add(entry_hash(key, &new));
        match at {
            Ok(i) => next.values[i].1 = new,
            Err(i) => next.values.insert(i, (key.into(), new)),
        }
        Some(next)
    }

    fn describe_operation(&self, input: &KvInput, output: Option<&KvValue>) -> String {
        KvModel.describe_operation(input, output)
    }

    fn describe_state(&self, state: &MapState) -> String {
        format!("{:?}", state.values)
    }
}
