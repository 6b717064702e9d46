//! Majority arithmetic, kept apart from the state so it can be checked on
//! its own: elections need a majority of votes (§5.2), commitment needs a
//! majority of copies (§5.3).

// SOLUTION BEGIN
/// The fewest servers of `n` that form a majority.
pub(crate) fn majority(n: usize) -> usize {
    n / 2 + 1
}

/// Whether `votes` of `n` servers are a majority.
pub(crate) fn is_majority(votes: usize, n: usize) -> bool {
    votes >= majority(n)
}

/// The highest index that a majority of servers hold, given every
/// server's match index (the leader's own last index among them).
///
/// # Panics
/// If `match_index` is empty: a cluster has at least its leader.
pub(crate) fn majority_match(match_index: &[u64]) -> u64 {
    assert!(
        !match_index.is_empty(),
        "majority_match: no match indices, not even the leader's"
    );
    let mut sorted = match_index.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted[majority(sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::{is_majority, majority, majority_match};

    #[test]
    fn majorities() {
        assert_eq!(
            [1, 2, 3, 4, 5, 7].map(majority),
            [1, 2, 2, 3, 3, 4],
            "majority of 1, 2, 3, 4, 5, 7"
        );
        assert!(is_majority(2, 3));
        assert!(!is_majority(2, 4));
        assert!(is_majority(3, 5));
        assert!(!is_majority(2, 5));
    }

    /// §5.3: an entry is safely replicated once a majority stores it.
    #[test]
    fn majority_match_is_the_median_from_the_top() {
        assert_eq!(majority_match(&[7]), 7);
        assert_eq!(majority_match(&[5, 0, 0]), 0);
        assert_eq!(majority_match(&[5, 3, 0]), 3);
        assert_eq!(majority_match(&[1, 9, 4, 4, 2]), 4);
        assert_eq!(majority_match(&[8, 8, 1, 1]), 1);
    }
}
// SOLUTION STUB
// // Your code here (2A, 2B): majorities of votes and of copies
// // (sections 5.2 and 5.3).
// SOLUTION END
