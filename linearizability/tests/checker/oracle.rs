//! The checker agrees with brute force on twenty thousand small random
//! histories: two keys, ties in time, pending operations.

use std::collections::BTreeMap;

use linearizability::models::kv::{KvInput, KvModel, KvValue};
use linearizability::{Model, Operation, Verdict, check};

use crate::support::{KvOp, assert_consistent};

/// Whether some order of `history` is legal, trying them all: each step
/// picks an unused operation that no unused returned one precedes in real
/// time; pending operations may be left out.
fn brute_force(history: &[KvOp], used: &mut [bool], state: &BTreeMap<String, KvValue>) -> bool {
    let done = history
        .iter()
        .zip(&*used)
        .all(|(op, &u)| u || op.ret.is_none());
    if done {
        return true;
    }
    for (i, op) in history.iter().enumerate() {
        let blocked = history
            .iter()
            .zip(&*used)
            .any(|(other, &u)| !u && other.ret.as_ref().is_some_and(|r| r.time < op.call));
        if used[i] || blocked {
            continue;
        }
        let key = op.input.key();
        let value = state.get(key).copied().unwrap_or_default();
        if let Some(next) = KvModel.step(&value, &op.input, op.output()) {
            let mut state = state.clone();
            state.insert(key.to_string(), next);
            used[i] = true;
            if brute_force(history, used, &state) {
                return true;
            }
            used[i] = false;
        }
    }
    false
}

/// A fixed pseudo-random sequence (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Up to six operations on keys "x" and "y", with times in 0..12 so that
/// many touch or coincide, and one in five pending.
fn random_history(rng: &mut Rng) -> Vec<KvOp> {
    let len = 1 + rng.below(6) as usize;
    (0..len)
        .map(|client| {
            let key = ["x", "x", "y"][rng.below(3) as usize].to_string();
            let value = rng.below(3).to_string();
            let (input, output) = match rng.below(3) {
                0 => {
                    let seen = ["", "0", "1", "01", "10", "00"][rng.below(6) as usize];
                    (KvInput::Get { key }, KvValue::of(seen))
                }
                1 => (KvInput::Put { key, value }, KvValue::default()),
                _ => (KvInput::Append { key, value }, KvValue::default()),
            };
            let call = rng.below(8);
            if rng.below(5) == 0 {
                Operation::pending(client, input, call)
            } else {
                Operation::returned(client, input, call, output, call + rng.below(5))
            }
        })
        .collect()
}

#[test]
fn agrees_with_brute_force() {
    let mut rng = Rng(0x9e37_79b9);
    let (mut ok, mut illegal) = (0, 0);
    for _ in 0..20_000 {
        let history = random_history(&mut rng);
        let expected = brute_force(&history, &mut vec![false; history.len()], &BTreeMap::new());
        match check(&KvModel, &history, 100_000).unwrap().verdict {
            Verdict::Ok if expected => ok += 1,
            Verdict::Illegal(report) if !expected => {
                assert_consistent(&KvModel, &history, &report);
                illegal += 1;
            }
            verdict => panic!("checker says {verdict:?}, brute force {expected}: {history:#?}"),
        }
    }
    // Both verdicts are well represented.
    assert!(ok > 5_000 && illegal > 5_000, "{ok} Ok, {illegal} Illegal");
}
