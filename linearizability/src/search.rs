//! The search for a linearization of one partition (Wing & Gong's
//! algorithm with Lowe's memoisation), bounded by a step budget.
//!
//! The search walks the entry list from its head. A call may be linearized
//! next if the model accepts it in the current state: the search then lifts
//! the operation out of the list, pushes the old state and restarts from the
//! head. Reaching a return means its operation must already have taken
//! effect but has not, so the last choice was wrong: the search pops it,
//! puts it back and tries the next call after it. The history is
//! linearizable once every operation that returned is linearized; one whose
//! reply never arrived may be left out. It is not linearizable when a
//! return is reached with nothing left to pop.
//!
//! Memoisation: a (linearized set, state) pair that has been reached once
//! leads to the same outcome again, so the search never enters it twice.

use std::collections::HashSet;

use crate::bitset::{Bitset, MemoSet};
use crate::entries::{Entries, Entry, Node};
use crate::model::{Model, Operation};
use crate::verdict::{Illegal, Verdict};

/// Search steps a [`Search`] may take before it pauses.
#[derive(Debug)]
pub(crate) struct Budget {
    limit: u64,
    used: u64,
}

impl Budget {
    /// A budget of `limit` steps.
    pub(crate) fn new(limit: u64) -> Self {
        Budget { limit, used: 0 }
    }

    /// Steps spent so far.
    pub(crate) fn used(&self) -> u64 {
        self.used
    }

    /// Spends one step, or says there is none left.
    fn spend(&mut self) -> bool {
        let left = self.used < self.limit;
        self.used += u64::from(left);
        left
    }
}

/// A linearized operation on the search's stack.
struct Frame<S> {
    /// Its call's node, to put back when backtracking.
    call: Node,
    /// Its index in the partition.
    op: usize,
    /// The state before it.
    state: S,
}

/// The deepest point the search has reached, kept for the report. Depth
/// counts linearized operations that returned: one that never returned
/// proves nothing by fitting in.
struct Deepest<S> {
    depth: usize,
    prefix: Vec<usize>,
    state: S,
    /// The operation whose return the search next ran into from there.
    failed: Option<usize>,
}

/// The search over one partition, resumable so that partitions can take
/// turns (see [`check`](crate::check)).
pub(crate) struct Search<'a, M: Model> {
    model: &'a M,
    /// The partition's operations; the search knows them by position here.
    ops: Vec<&'a Operation<M::Input, M::Output>>,
    /// Their indices in the history, for the report.
    group: &'a [usize],
    entries: Entries,
    /// Operations that returned.
    returned: usize,
    /// Operations that returned and are not linearized yet.
    unreturned: usize,
    linearized: Bitset,
    seen: HashSet<(MemoSet, M::State)>,
    state: M::State,
    stack: Vec<Frame<M::State>>,
    deepest: Deepest<M::State>,
    /// The entry to visit next.
    node: Node,
}

impl<'a, M: Model> Search<'a, M> {
    /// A search over the operations `group` (indices into `history`).
    pub(crate) fn new(
        model: &'a M,
        history: &'a [Operation<M::Input, M::Output>],
        group: &'a [usize],
    ) -> Self {
        let ops: Vec<_> = group.iter().map(|&i| &history[i]).collect();
        let entries = Entries::new(&ops);
        let state = model.init();
        let returned = ops.iter().filter(|op| op.ret.is_some()).count();
        Search {
            model,
            returned,
            unreturned: returned,
            linearized: Bitset::new(ops.len()),
            node: entries.first(),
            deepest: Deepest {
                depth: 0,
                prefix: Vec::new(),
                state: state.clone(),
                failed: None,
            },
            ops,
            group,
            entries,
            seen: HashSet::new(),
            state,
            stack: Vec::new(),
        }
    }

    /// Searches on, one step of `budget` per entry visited: the verdict, or
    /// `None` if the budget ran out first (the search can then resume).
    pub(crate) fn run(&mut self, budget: &mut Budget) -> Option<Verdict<M::State>> {
        while self.unreturned > 0 {
            if !budget.spend() {
                return None;
            }
            match self.entries.entry(self.node) {
                Entry::Call(op) => self.try_call(op),
                Entry::Return(op) => {
                    if !self.backtrack(op) {
                        return Some(Verdict::Illegal(self.illegal()));
                    }
                }
            }
        }
        Some(Verdict::Ok)
    }

    /// Linearizes `op`, whose call is at the current node, if the model
    /// accepts it and that leads somewhere new; else moves on.
    fn try_call(&mut self, op: usize) {
        let o = self.ops[op];
        let next = self.model.step(&self.state, &o.input, o.output());
        let Some(next) = next else {
            self.node = self.entries.next(self.node);
            return;
        };
        self.linearized.insert(op);
        if !self.seen.insert((self.linearized.memo_key(), next.clone())) {
            self.linearized.remove(op);
            self.node = self.entries.next(self.node);
            return;
        }
        self.entries.lift(self.node);
        self.unreturned -= usize::from(o.ret.is_some());
        let before = std::mem::replace(&mut self.state, next);
        self.stack.push(Frame {
            call: self.node,
            op,
            state: before,
        });
        let depth = self.returned - self.unreturned;
        if depth > self.deepest.depth {
            self.deepest = Deepest {
                depth,
                prefix: self.stack.iter().map(|f| f.op).collect(),
                state: self.state.clone(),
                failed: None,
            };
        }
        self.node = self.entries.first();
    }

    /// At the return of `op`, which is not linearized: undoes the last
    /// choice, or returns false if there is none left.
    fn backtrack(&mut self, op: usize) -> bool {
        // The first return after the deepest point is where it got stuck:
        // only a return makes the search go back.
        if self.deepest.failed.is_none() {
            self.deepest.failed = Some(op);
        }
        let Some(frame) = self.stack.pop() else {
            return false;
        };
        self.entries.unlift(frame.call);
        self.linearized.remove(frame.op);
        self.unreturned += usize::from(self.ops[frame.op].ret.is_some());
        self.state = frame.state;
        self.node = self.entries.next(frame.call);
        true
    }

    /// The report, in history indices, once the search has failed.
    fn illegal(&self) -> Illegal<M::State> {
        // Failing means reaching a return with nothing to undo, which
        // `backtrack` has recorded if nothing else was since the deepest point.
        let Some(failed) = self.deepest.failed else {
            panic!(
                "no failing operation recorded after a prefix of {} operations",
                self.deepest.prefix.len()
            )
        };
        Illegal {
            partition: self.group.to_vec(),
            prefix: self
                .deepest
                .prefix
                .iter()
                .map(|&op| self.group[op])
                .collect(),
            failed: self.group[failed],
            state: self.deepest.state.clone(),
        }
    }
}
