//! The HTML page written for an illegal history.

use linearizability::models::kv::{KvInput, KvModel, KvValue};
use linearizability::models::kv_log::parse;
use linearizability::{Illegal, Model, Operation, Verdict, check, visualize};

use crate::support::{KvOp, fixture, get, put};

fn illegal(history: &[KvOp]) -> Illegal<KvValue> {
    match check(&KvModel, history, 1_000_000).unwrap().verdict {
        Verdict::Illegal(illegal) => illegal,
        v => panic!("expected Illegal, got {v:?}"),
    }
}

/// The page must work offline: nothing may be fetched.
fn assert_self_contained(html: &str) {
    for external in [
        "http://",
        "https://",
        "<script src",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "the page refers to {external}");
    }
}

#[test]
fn writes_a_self_contained_page_naming_the_failure() {
    let history = parse(&fixture("c10-bad")).unwrap();
    let illegal = illegal(&history);
    let path = visualize::write_temp(&KvModel, &history, &illegal).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(
        path.extension().is_some_and(|e| e == "html"),
        "{}",
        path.display()
    );
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert_self_contained(&html);
    let failed = &history[illegal.failed];
    let label = KvModel.describe_operation(&failed.input, failed.output());
    assert!(html.contains(&label), "the page does not name {label}");
    assert!(html.contains(&format!("{} operations", illegal.prefix.len())));
    // One bar per operation.
    assert_eq!(html.matches("<rect ").count(), history.len());
}

#[test]
fn marks_pending_operations_and_escapes_text() {
    let pending = Operation::pending(
        2,
        KvInput::Put {
            key: "x".into(),
            value: "<b>&".into(),
        },
        5,
    );
    let history = [put(0, "x", "1", 0, 10), get(1, "x", 20, 30, ""), pending];
    let html = visualize::render(&KvModel, &history, &illegal(&history));
    assert_self_contained(&html);
    assert_eq!(html.matches("pending\"").count(), 1);
    assert!(html.contains("put('x', '&lt;b>&amp;')"));
    assert!(!html.contains("<b>&"));
    assert!(html.contains("cannot be linearized next"));
}

#[test]
fn two_pages_get_two_files() {
    let history = [put(0, "x", "1", 0, 10), get(1, "x", 20, 30, "")];
    let illegal = illegal(&history);
    let a = visualize::write_temp(&KvModel, &history, &illegal).unwrap();
    let b = visualize::write_temp(&KvModel, &history, &illegal).unwrap();
    assert_ne!(a, b);
    std::fs::remove_file(a).unwrap();
    std::fs::remove_file(b).unwrap();
}
