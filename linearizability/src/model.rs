//! What a history is made of, and the sequential model it is checked against.

use std::hash::Hash;

/// A point on the run's clock, in nanoseconds. The checker only compares
/// times, so any monotonic unit works (the fixture parser uses line numbers).
pub type Time = u64;

/// One operation of a history: what a client asked for, when it asked, and,
/// if it got an answer, what the answer was and when it arrived.
///
/// An operation occupies the closed interval `[call, ret.time]`. The true
/// moment it took effect lies somewhere inside: the caller stamps `call`
/// before sending the request and `ret.time` after receiving the reply. Two
/// operations whose stamps touch (one's `call` equals the other's return
/// time) may therefore have overlapped in reality, as the clock could not
/// tell them apart, so the checker treats them as concurrent and lets either
/// go first. Treating the intervals as open instead would order them, and
/// could report a violation that never happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation<I, O> {
    /// The client that issued the operation; it only groups the display.
    pub client_id: usize,
    /// What the client asked for.
    pub input: I,
    /// When the client issued the request.
    pub call: Time,
    /// The reply, or `None` if none arrived before the history ended.
    pub ret: Option<Return<O>>,
}

/// The reply to an [`Operation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Return<O> {
    /// When the client received it; never before the operation's call.
    pub time: Time,
    /// What the operation returned.
    pub output: O,
}

impl<I, O> Operation<I, O> {
    /// An operation called at `call` that returned `output` at `ret`.
    pub fn returned(client_id: usize, input: I, call: Time, output: O, ret: Time) -> Self {
        Operation {
            client_id,
            input,
            call,
            ret: Some(Return { time: ret, output }),
        }
    }

    /// An operation called at `call` whose reply never arrived: it may have
    /// taken effect at any moment after its call, or never.
    pub fn pending(client_id: usize, input: I, call: Time) -> Self {
        Operation {
            client_id,
            input,
            call,
            ret: None,
        }
    }

    /// What the operation returned, or `None` while that is unknown.
    pub fn output(&self) -> Option<&O> {
        self.ret.as_ref().map(|r| &r.output)
    }
}

/// A sequential specification: the object as if it served one operation at a
/// time. The checker looks for an order of the history's operations, each
/// placed within its own interval, that this model accepts step by step.
///
/// Every method must be a pure function of its arguments: the search calls
/// them in different orders and on different paths, and relies on getting
/// the same answer each time.
pub trait Model {
    /// The object's state. The search clones a state for every step it
    /// takes and keeps the states it has seen in a hash set, so cloning and
    /// hashing should be cheap.
    type State: Clone + Eq + Hash;
    /// A request, e.g. "append `v` to key `k`".
    type Input;
    /// A reply, e.g. the value a get returned.
    type Output;

    /// The state before any operation.
    fn init(&self) -> Self::State;

    /// Applies `input` to `state`: the next state if the object could have
    /// answered `output`, `None` if it could not.
    ///
    /// `output` is `None` for an operation that never returned. Such an
    /// operation must be accepted in every state where its input could be
    /// applied at all, since any answer might have been lost.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Option<Self::State>;

    /// Splits a history into groups that can be checked independently (P-
    /// compositionality: e.g. the keys of a key/value store). Each group
    /// lists indices into `history`; together the groups must name every
    /// operation exactly once. Groups take turns in the order returned, so
    /// the order must be deterministic.
    ///
    /// The default puts everything in one group.
    fn partition(&self, history: &[Operation<Self::Input, Self::Output>]) -> Vec<Vec<usize>> {
        vec![(0..history.len()).collect()]
    }

    /// A short human-readable form of an operation, e.g. `get('k') -> 'v'`.
    /// `output` is `None` for an operation that never returned.
    fn describe_operation(&self, input: &Self::Input, output: Option<&Self::Output>) -> String;

    /// A short human-readable form of a state.
    fn describe_state(&self, state: &Self::State) -> String;
}
