//! The history reader: the fixture format, and a clear error with a line
//! number for every kind of bad line.

use linearizability::Error;
use linearizability::models::kv::KvInput;
use linearizability::models::kv_log::parse;

use crate::support::fixture;

#[test]
fn reads_a_fixture() {
    let ops = parse(&fixture("c01-ok")).unwrap();
    assert_eq!(ops.len(), 58);
    assert!(ops.iter().all(|op| op.ret.is_some() && op.client_id == 0));
    let first = &ops[0];
    assert_eq!(
        first.input,
        KvInput::Append {
            key: "0".into(),
            value: "x 0 0 y".into()
        }
    );
    assert_eq!((first.call, first.ret.as_ref().unwrap().time), (1, 2));
}

#[test]
fn reads_gets_pending_operations_and_loose_syntax() {
    let text = r#"
{:process 1, :type :invoke, :f :get, :key "k", :value nil}
{:process 2 :type :invoke :f :put :key "k" :value "say \"hi\"" :time 17}

{:process 1, :type :ok, :f :get, :key "k", :value "a, b"}
"#;
    let ops = parse(text).unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(ops[0].input, KvInput::Get { key: "k".into() });
    assert_eq!((ops[0].call, ops[0].output()), (2, Some(&"a, b".into())));
    assert_eq!(
        ops[1].input,
        KvInput::Put {
            key: "k".into(),
            value: "say \"hi\"".into()
        }
    );
    assert_eq!((ops[1].client_id, ops[1].ret.is_none()), (2, true));
}

/// The error for `text`, whose last line is the bad one.
fn error(text: &str) -> Error {
    parse(text).expect_err("the text should not parse")
}

const INVOKE_GET: &str = r#"{:process 1, :type :invoke, :f :get, :key "k", :value nil}"#;

#[test]
fn reports_malformed_lines() {
    assert!(matches!(error("not a map"), Error::Syntax { line: 1, .. }));
    assert!(matches!(
        error("{:process 1"),
        Error::Syntax { line: 1, .. }
    ));
    assert!(matches!(
        error(r#"{:key "unterminated}"#),
        Error::Syntax {
            line: 1,
            reason: "unterminated string"
        }
    ));
    assert!(matches!(
        error("{process 1}"),
        Error::Syntax {
            line: 1,
            reason: "expected a :field name"
        }
    ));
    assert!(matches!(
        error("{:process}"),
        Error::Syntax {
            line: 1,
            reason: "a field has no value"
        }
    ));
    assert!(matches!(
        error("{:process 1, :process 2}"),
        Error::Syntax {
            line: 1,
            reason: "a field appears twice"
        }
    ));
}

#[test]
fn reports_missing_and_bad_fields() {
    let err = error(r#"{:process 1, :type :invoke, :f :get, :value nil}"#);
    assert!(
        matches!(
            err,
            Error::MissingField {
                line: 1,
                field: ":key"
            }
        ),
        "{err}"
    );
    let bad = |text: &str, want: &str, found: &str| match error(text) {
        Error::BadField {
            line: 1,
            field,
            found: f,
        } => assert_eq!((field, f.as_str()), (want, found)),
        err => panic!("{text}: {err}"),
    };
    bad(
        r#"{:process x, :type :invoke, :f :get, :key "k", :value nil}"#,
        ":process",
        "x",
    );
    bad(
        r#"{:process 1, :type :info, :f :get, :key "k", :value nil}"#,
        ":type",
        ":info",
    );
    bad(
        r#"{:process 1, :type :invoke, :f :cas, :key "k", :value nil}"#,
        ":f",
        ":cas",
    );
    bad(
        r#"{:process 1, :type :invoke, :f :put, :key "k", :value nil}"#,
        ":value",
        "nil",
    );
    bad(
        r#"{:process 1, :type :invoke, :f :get, :key k, :value nil}"#,
        ":key",
        "k",
    );
}

#[test]
fn reports_events_that_do_not_pair_up() {
    let ok = r#"{:process 1, :type :ok, :f :get, :key "k", :value "v"}"#;
    assert!(matches!(
        error(ok),
        Error::OkWithoutInvoke {
            line: 1,
            process: 1
        }
    ));
    let other_key = r#"{:process 1, :type :ok, :f :get, :key "j", :value "v"}"#;
    assert!(matches!(
        error(&format!("{INVOKE_GET}\n{other_key}")),
        Error::OkMismatch {
            line: 2,
            invoke_line: 1
        }
    ));
    let other_f = r#"{:process 1, :type :ok, :f :put, :key "k", :value "v"}"#;
    assert!(matches!(
        error(&format!("{INVOKE_GET}\n{other_f}")),
        Error::OkMismatch {
            line: 2,
            invoke_line: 1
        }
    ));
    let nil = r#"{:process 1, :type :ok, :f :get, :key "k", :value nil}"#;
    assert!(matches!(
        error(&format!("{INVOKE_GET}\n{nil}")),
        Error::BadField { line: 2, .. }
    ));
    let err = error(&format!("{INVOKE_GET}\n\n{INVOKE_GET}"));
    assert!(matches!(
        err,
        Error::InvokeWhileBusy {
            line: 3,
            invoke_line: 1
        }
    ));
    assert_eq!(
        err.to_string(),
        "line 3: the process still awaits its invoke of line 1"
    );
}
