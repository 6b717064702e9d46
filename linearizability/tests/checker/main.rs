//! The checker's integration tests: recorded fixtures, hand-made edge
//! cases, agreement with brute force, the parser and the visualization.

mod edge_cases;
mod fixtures;
mod oracle;
mod parse;
mod support;
mod visualize;
