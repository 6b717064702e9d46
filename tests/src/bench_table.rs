//! The table the suites' benchmarks print (`make bench`): a title, then one
//! row per figure.

use std::time::Duration;

/// Prints the title line and the table's head.
pub fn header(title: &str) {
    println!("{title}");
    println!("| {:<64} | {:>16} |", "measure", "value");
    println!("|{:-<66}|{:->18}|", "", "");
}

/// Prints one figure.
pub fn row(what: &str, value: String) {
    println!("| {what:<64} | {value:>16} |");
}

/// A duration in milliseconds, two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The median and 99th percentile of `samples`, which must not be empty.
pub fn median_p99(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99))
}
