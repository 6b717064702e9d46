//! What a check concludes.

use crate::model::{Model, Operation};

/// The result of [`check`](crate::check): the verdict and the search steps
/// it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report<S> {
    /// What the check concluded.
    pub verdict: Verdict<S>,
    /// Search steps used, over all partitions; at most the budget. The same
    /// history, model and budget always take the same steps.
    pub steps: u64,
}

/// Whether a history is linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict<S> {
    /// Linearizable: some order of the operations, each inside its own
    /// interval, is accepted by the model (pending operations may be left
    /// out of it).
    Ok,
    /// Not linearizable, and why.
    Illegal(Illegal<S>),
    /// The step budget ran out before a verdict. This is not evidence that
    /// the history is linearizable: report it, never count it as a pass.
    Unknown,
}

/// Where linearization fails. Indices point into the checked history.
///
/// The search reached no further than `prefix`: it found no order that
/// extends it by `failed` or by any operation that may precede `failed`.
/// Other prefixes of the same length may exist; this is the first one found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Illegal<S> {
    /// The operations of the partition that is not linearizable, in history
    /// order. Other partitions were not the problem.
    pub partition: Vec<usize>,
    /// The longest linearizable prefix found, in linearization order.
    /// Length counts operations that returned; the prefix also holds the
    /// pending operations it assumes took effect.
    pub prefix: Vec<usize>,
    /// The operation that could not be linearized next: it returned, yet
    /// neither it nor any operation concurrent with it fits after `prefix`.
    pub failed: usize,
    /// The model's state after `prefix`, i.e. the state `failed` met.
    pub state: S,
}

impl<S> Illegal<S> {
    /// One line saying where linearization fails, for test failures and
    /// logs, e.g. `after 3 of 7 operations of the partition, get('x') -> '1'
    /// (client 2) cannot be linearized; state before it: '2'`.
    ///
    /// # Panics
    /// If `history` is shorter than the history that was checked.
    pub fn describe<M>(&self, model: &M, history: &[Operation<M::Input, M::Output>]) -> String
    where
        M: Model<State = S>,
    {
        let op = &history[self.failed];
        format!(
            "after {} of {} operations of the partition, {} (client {}) cannot be linearized; \
             state before it: {}",
            self.prefix.len(),
            self.partition.len(),
            model.describe_operation(&op.input, op.output()),
            op.client_id,
            model.describe_state(&self.state),
        )
    }
}
