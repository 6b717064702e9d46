//! The scene of small logs, and the page around it.

use super::links::{link, suite_of};
use super::page::{Context, render};
use super::scene::build;
use crate::runlog::parse;

fn log(events: &[&str]) -> crate::runlog::RunLog {
    let mut text =
        String::from("{\"lab_log\":1,\"test\":\"t::x_2a\",\"seed\":3,\"backend\":\"sim\"}\n");
    for e in events {
        text.push_str(e);
        text.push('\n');
    }
    parse(&text).unwrap()
}

#[test]
fn roles_become_segments_closed_by_the_next_role_a_crash_or_the_end() {
    let log = log(&[
        r#"{"t_us":0,"level":"debug","topic":"election","peer":0,"msg":"role","f":{"term":0,"role":"follower","reason":"started"}}"#,
        r#"{"t_us":100,"level":"debug","topic":"election","peer":0,"msg":"role","f":{"term":1,"role":"leader","reason":"won"}}"#,
        r#"{"t_us":200,"level":"info","topic":"harness","msg":"crash","f":{"peer":0}}"#,
        r#"{"t_us":300,"level":"info","topic":"harness","msg":"restart","f":{"peer":0}}"#,
        r#"{"t_us":300,"level":"debug","topic":"election","peer":0,"msg":"role","f":{"term":1,"role":"follower","reason":"restarted"}}"#,
        r#"{"t_us":500,"level":"info","topic":"harness","msg":"disconnect","f":{"peer":1}}"#,
    ]);
    let scene = build(&log);
    let names: Vec<&str> = scene.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["harness", "peer 0", "peer 1"]);
    let roles: Vec<(u64, u64, &str, Option<u64>)> = scene
        .roles
        .iter()
        .map(|s| (s.a, s.b, s.role.as_str(), s.term))
        .collect();
    assert_eq!(
        roles,
        [
            (0, 100, "follower", Some(0)),
            (100, 200, "leader", Some(1)),
            (300, 500, "follower", Some(1))
        ]
    );
    let spans: Vec<(usize, u64, u64, &str)> =
        scene.spans.iter().map(|s| (s.l, s.a, s.b, s.k)).collect();
    assert_eq!(spans, [(1, 200, 300, "down"), (2, 500, 500, "cut")]);
    assert!(scene.roles[1].d.contains("won"), "{}", scene.roles[1].d);
}

#[test]
fn rpcs_go_from_the_ends_owner_to_the_named_server_or_to_the_net_lane() {
    let log = log(&[
        r#"{"t_us":0,"level":"info","topic":"harness","msg":"ends","f":{"peer":0,"ends":"aa,bb"}}"#,
        r#"{"t_us":0,"level":"info","topic":"harness","msg":"server","f":{"peer":1,"name":"kv-1"}}"#,
        r#"{"t_us":9,"level":"debug","topic":"net","msg":"rpc","f":{"end":"bb","server":"kv-1","method":"KV.Get","outcome":"delivered","sent_us":4}}"#,
        r#"{"t_us":12,"level":"debug","topic":"net","msg":"rpc","f":{"end":"aa","server":"0","method":"Raft.AppendEntries","outcome":"request lost","sent_us":10}}"#,
        r#"{"t_us":15,"level":"debug","topic":"net","msg":"rpc","f":{"end":"zz","server":"1","method":"Raft.RequestVote","outcome":"delivered","sent_us":11}}"#,
    ]);
    let scene = build(&log);
    let arrows: Vec<(usize, usize, u64, u64, bool)> = scene
        .arrows
        .iter()
        .map(|a| (a.f, a.to, a.a, a.b, a.ok))
        .collect();
    // Lanes: harness, peer 0, peer 1, net.
    assert_eq!(arrows, [(1, 2, 4, 9, true), (1, 1, 10, 12, false)]);
    assert!(scene.arrows[1].d.contains("request lost"));
    assert_eq!(scene.marks.iter().filter(|m| m.l == 3).count(), 1);
    assert_eq!(scene.rpcs, [(9, false), (12, true), (15, false)]);
}

#[test]
fn client_operations_pair_by_client_and_id() {
    let log = log(&[
        r#"{"t_us":10,"level":"info","topic":"kv","msg":"call","f":{"client":3,"op":"Put","key":"k","value":"v","id":1}}"#,
        r#"{"t_us":12,"level":"info","topic":"kv","msg":"call","f":{"client":4,"op":"Get","key":"k","id":1}}"#,
        r#"{"t_us":20,"level":"info","topic":"kv","msg":"return","f":{"client":3,"op":"Put","key":"k","id":1}}"#,
        r#"{"t_us":25,"level":"info","topic":"kv","msg":"return","f":{"client":4,"op":"Get","key":"k","value":"v","id":1}}"#,
        r#"{"t_us":30,"level":"info","topic":"kv","msg":"call","f":{"client":3,"op":"Append","key":"k","value":"w","id":2}}"#,
        r#"{"t_us":40,"level":"warn","topic":"kv","peer":0,"msg":"stale","f":{}}"#,
    ]);
    let scene = build(&log);
    let names: Vec<&str> = scene.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["peer 0", "client 3", "client 4"]);
    let ops: Vec<(usize, u64, Option<u64>, &str)> = scene
        .ops
        .iter()
        .map(|o| (o.l, o.a, o.b, o.s.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            (1, 10, Some(20), "Put k=v"),
            (2, 12, Some(25), "Get k → v"),
            (1, 30, None, "Append k+=w")
        ]
    );
    assert_eq!(scene.marks[0].k, "event");
}

#[test]
fn the_page_embeds_the_scene_safely_and_fetches_nothing() {
    let log = log(&[
        r#"{"t_us":0,"level":"info","topic":"harness","msg":"begin","f":{"description":"Test (2A): <b>"}}"#,
        r#"{"t_us":7,"level":"error","topic":"harness","msg":"fail","f":{"message":"boom </script><script>alert(1)"}}"#,
    ]);
    let scene = build(&log);
    assert_eq!(scene.failure.as_ref().map(|f| f.t), Some(7));
    let context = Context {
        replay: Some("LAB_SEED=3 cargo test".into()),
        timeline: Some("t.linearizability.html".into()),
        description: Some("Test (2A): <b>".into()),
    };
    let html = render(&log.header, &scene, &context);
    assert_eq!(html.matches("</script>").count(), 2, "{html}");
    assert!(html.contains("boom &lt;/script&gt;"));
    assert!(html.contains("Test (2A): &lt;b&gt;"));
    assert!(html.contains("href=\"t.linearizability.html\""));
    for fetch in ["src=", "<link", "http://", "https://", "import "] {
        assert!(!html.contains(fetch), "the page holds {fetch}");
    }
}

#[test]
fn links_are_relative_to_the_page() {
    use std::path::Path;
    assert_eq!(
        link(Path::new("/a/b/t.html"), Path::new("/a/c")),
        "../b/t.html"
    );
    assert_eq!(
        link(Path::new("/a/b/my run.html"), Path::new("/a/b")),
        "my%20run.html"
    );
}

#[test]
fn a_test_is_found_in_its_suite() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_eq!(
        suite_of(&root, "agreement::basic_agree_2b").as_deref(),
        Some("raft")
    );
    assert_eq!(suite_of(&root, "agreement::no_such_test"), None);
}
