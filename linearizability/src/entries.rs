//! A partition's history as one time-ordered list of call and return
//! entries, doubly linked through indices so the search can lift an
//! operation out of the list and put it back in constant time.

use crate::model::{Operation, Time};

/// One end of an operation; the `usize` is the operation's index in the
/// partition. `Call` sorts before `Return`, which the ordering below uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Entry {
    /// The operation's call.
    Call(usize),
    /// The operation's return.
    Return(usize),
}

/// Index of a node in [`Entries`]. Node 0 is the list's head, not an entry.
pub(crate) type Node = usize;

const HEAD: Node = 0;
/// The `next` of the last node, and the `ret` of a call that never returned.
const NIL: Node = usize::MAX;

#[derive(Debug)]
struct Link {
    entry: Entry,
    /// For a call, the node of its return (`NIL` if it never returned).
    ret: Node,
    prev: Node,
    next: Node,
}

/// The list. Nodes never move; lifting only changes the links around them.
#[derive(Debug)]
pub(crate) struct Entries {
    nodes: Vec<Link>,
}

impl Entries {
    /// The entries of `ops` in time order. At equal times calls come before
    /// returns, which makes the intervals closed: an operation called at the
    /// very moment another returns is concurrent with it (see
    /// [`Operation`]). Remaining ties go by operation index, so the order,
    /// and with it the search, is the same on every run.
    ///
    /// An operation that never returned has only a call: nothing forces it
    /// to be linearized, and it may be left out at the end.
    pub(crate) fn new<I, O>(ops: &[&Operation<I, O>]) -> Self {
        let mut order: Vec<(Time, Entry)> = Vec::with_capacity(2 * ops.len());
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call, Entry::Call(i)));
            if let Some(ret) = &op.ret {
                order.push((ret.time, Entry::Return(i)));
            }
        }
        order.sort_unstable();

        let mut nodes = Vec::with_capacity(order.len() + 1);
        // The head: only its `next` is ever read.
        nodes.push(Link {
            entry: Entry::Call(usize::MAX),
            ret: NIL,
            prev: NIL,
            next: if order.is_empty() { NIL } else { 1 },
        });
        let mut call_node = vec![NIL; ops.len()];
        for (k, &(_, entry)) in order.iter().enumerate() {
            let node = k + 1;
            match entry {
                Entry::Call(op) => call_node[op] = node,
                // Calls sort first, so the call's node is already known.
                Entry::Return(op) => nodes[call_node[op]].ret = node,
            }
            let next = if node == order.len() { NIL } else { node + 1 };
            nodes.push(Link {
                entry,
                ret: NIL,
                prev: node - 1,
                next,
            });
        }
        Entries { nodes }
    }

    /// The first node still in the list.
    pub(crate) fn first(&self) -> Node {
        self.nodes[HEAD].next
    }

    /// The node after `node`.
    pub(crate) fn next(&self, node: Node) -> Node {
        self.nodes[node].next
    }

    /// What `node` holds.
    ///
    /// # Panics
    /// If `node` is past the end: the search never goes there while an
    /// operation that returned is left, since its return is still ahead.
    pub(crate) fn entry(&self, node: Node) -> Entry {
        match self.nodes.get(node) {
            Some(link) => link.entry,
            None => panic!(
                "search ran past the end of {} entries",
                self.nodes.len() - 1
            ),
        }
    }

    /// Takes the call at `call` and its return out of the list.
    pub(crate) fn lift(&mut self, call: Node) {
        self.unlink(call);
        let ret = self.nodes[call].ret;
        if ret != NIL {
            self.unlink(ret);
        }
    }

    /// Undoes the matching [`lift`](Self::lift). Lifts must be undone in
    /// reverse order, which the search's stack guarantees.
    pub(crate) fn unlift(&mut self, call: Node) {
        let ret = self.nodes[call].ret;
        if ret != NIL {
            self.relink(ret);
        }
        self.relink(call);
    }

    fn unlink(&mut self, node: Node) {
        let Link { prev, next, .. } = self.nodes[node];
        self.nodes[prev].next = next;
        if next != NIL {
            self.nodes[next].prev = prev;
        }
    }

    /// Puts `node` back between the neighbours it still points at.
    fn relink(&mut self, node: Node) {
        let Link { prev, next, .. } = self.nodes[node];
        self.nodes[prev].next = node;
        if next != NIL {
            self.nodes[next].prev = node;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(entries: &Entries) -> Vec<Entry> {
        let mut out = Vec::new();
        let mut node = entries.first();
        while node != NIL {
            out.push(entries.entry(node));
            node = entries.next(node);
        }
        out
    }

    #[test]
    fn calls_come_before_returns_at_equal_times() {
        let a = Operation::returned(0, (), 0, (), 5);
        let b = Operation::returned(1, (), 5, (), 9);
        let c = Operation::pending(2, (), 5);
        let entries = Entries::new(&[&a, &b, &c]);
        use Entry::*;
        assert_eq!(
            walk(&entries),
            [Call(0), Call(1), Call(2), Return(0), Return(1)]
        );
    }

    #[test]
    fn lift_and_unlift_restore_the_list() {
        let a = Operation::returned(0, (), 0, (), 1);
        let b = Operation::returned(1, (), 2, (), 3);
        let c = Operation::pending(2, (), 0);
        let mut entries = Entries::new(&[&a, &b, &c]);
        let before = walk(&entries);
        let first = entries.first();
        entries.lift(first);
        let second = entries.first();
        entries.lift(second);
        use Entry::*;
        assert_eq!(walk(&entries), [Call(1), Return(1)]);
        entries.unlift(second);
        entries.unlift(first);
        assert_eq!(walk(&entries), before);
    }
}
