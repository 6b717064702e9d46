//! The stubs of a student handout, and which of them a run reached.
//!
//! A handout's stub calls [`unimplemented`] and returns a placeholder, so
//! the code compiles and the tests run; when a test then fails, its report
//! names the stubs the run went through.

use crate::context::{self, Ctx};

/// Notes that the run reached the stub `piece` of the handout, e.g.
/// `labrt::unimplemented("Raft::get_state"); (0, false)`. A failed run
/// lists the stubs it reached, in the order it first reached them.
///
/// Not a scheduling point: it changes neither the schedule nor the trace.
/// Outside a run it does nothing.
pub fn unimplemented(piece: &'static str) {
    context::try_with(|ctx| match ctx {
        Some(Ctx::Sim(kernel)) => kernel.note_stub(piece),
        Some(Ctx::Real(run)) => run.note_stub(piece),
        None => {}
    });
}

/// The stubs one run reached, each once, in the order first reached.
#[derive(Default)]
pub(crate) struct Reached(Vec<&'static str>);

impl Reached {
    /// Notes `piece`; cheap when it is already noted, as stubs are called in
    /// loops.
    pub(crate) fn note(&mut self, piece: &'static str) {
        if !self.0.contains(&piece) {
            self.0.push(piece);
        }
    }

    /// The pieces, for the failure report.
    pub(crate) fn names(&self) -> Vec<String> {
        self.0.iter().map(|p| p.to_string()).collect()
    }
}
