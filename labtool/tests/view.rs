//! `lab view` in a real browser: pages made from the fixture logs are
//! opened in headless Chromium, and the DOM its scripts drew is checked for
//! what a person would look at: a lane per peer, the leader's term, lost
//! RPCs, the KV clients' operations and the failure with its message.
//!
//! Chromium is Debian's package (`apt-get install chromium`); `CHROMIUM`
//! names another binary. Without one these tests fail, saying so.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use std::time::{Duration, Instant};

/// A browser that takes longer than this to dump a page is hung.
const BROWSER_LIMIT: Duration = Duration::from_secs(120);

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A new empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labtool-view-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `lab` in the repository with `args`.
fn lab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lab"))
        .current_dir(repository())
        .args(args)
        .output()
        .expect("the lab binary runs")
}

/// Writes the page of `log` (copied into `dir` first) and returns its path.
fn page(dir: &Path, log: &str) -> PathBuf {
    let copy = dir.join(log);
    std::fs::copy(fixture(log), &copy).unwrap();
    let out = lab(&["view", copy.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = copy.with_extension("html");
    assert!(
        stdout.contains(&format!("wrote {}", html.display())),
        "{stdout}"
    );
    html
}

/// The headless browser, or a failure that says how to install it.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "these tests open the page in headless Chromium, and none is installed: \
                 install Debian's package with `apt-get install -y chromium` \
                 (or name a Chromium binary in CHROMIUM)"
            )
        })
}

/// The DOM of `page` (with `fragment` after `#`, if any) once its scripts
/// ran, as headless Chromium prints it.
fn dom(page: &Path, fragment: &str, profile: &Path) -> String {
    let url = format!("file://{}{fragment}", page.display());
    // Files, not pipes: a pipe left unread while the browser runs fills up.
    let (out_path, err_path) = (profile.with_extension("dom"), profile.with_extension("err"));
    let file = |path: &Path| std::fs::File::create(path).unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--window-size=1400,900",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(file(&out_path))
        .stderr(file(&err_path))
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > BROWSER_LIMIT {
            let _ = child.kill();
            panic!("chromium did not dump {url} within {BROWSER_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = std::fs::read_to_string(&out_path).unwrap();
    assert!(
        dom.contains("<svg id=\"timeline\""),
        "the page's script drew no timeline from {url}:\n{}\n{dom}",
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    dom
}

/// The timeline the script drew: the `<svg id="timeline">` element of
/// `dom` (the script's own text names the classes too).
fn drawn(dom: &str) -> &str {
    let start = dom.find("<svg id=\"timeline\"").expect("a timeline");
    let end = dom[start..].find("</svg>").expect("the timeline's end");
    &dom[start..start + end]
}

/// The opening tags of the drawn elements whose `class` attribute is
/// `class`, each up to its element's end or the next 2000 characters.
fn elements<'a>(dom: &'a str, class: &str) -> Vec<&'a str> {
    let dom = drawn(dom);
    let needle = format!("class=\"{class}\"");
    dom.match_indices(&needle)
        .map(|(at, _)| {
            let start = dom[..at].rfind('<').unwrap();
            let rest = &dom[start..];
            let end = rest.find("</g>").unwrap_or(rest.len()).min(2000);
            &rest[..end]
        })
        .collect()
}

/// The text inside the first `>…<` of `element`.
fn text(element: &str) -> &str {
    let start = element.find('>').map_or(0, |i| i + 1);
    let end = element[start..]
        .find('<')
        .map_or(element.len(), |i| start + i);
    &element[start..end]
}

/// The value of the attribute `name` of the element opening `element`,
/// unescaped.
fn attribute(element: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = element.find(&needle)? + needle.len();
    let end = element[start..].find('"')?;
    let value = &element[start..start + end];
    let value = value.replace("&quot;", "\"").replace("&lt;", "<");
    Some(value.replace("&gt;", ">").replace("&amp;", "&"))
}

#[test]
fn a_raft_run_shows_its_peers_the_leaders_term_lost_rpcs_and_the_failure() {
    let dir = scratch("raft");
    let html = page(&dir, "persist3_2c-7.jsonl");
    let dom = dom(&html, "", &dir.join("profile"));

    let lanes: Vec<&str> = elements(&dom, "lane-label").into_iter().map(text).collect();
    assert_eq!(lanes, ["harness", "peer 0", "peer 1", "peer 2", "net"]);

    // The head: the run, and the command that replays it.
    assert!(dom.contains("<h1>persistence::persist3_2c</h1>"));
    assert!(dom.contains(
        "LAB_RUNTIME=sim LAB_SEED=7 cargo test -p tests --test raft persistence::persist3_2c -- --exact"
    ));

    // Peer 0 leads term 4 to the end, and the band says so.
    let leaders = elements(&dom, "role leader");
    let term4 = leaders
        .iter()
        .find(|g| attribute(g, "data-term").as_deref() == Some("4"))
        .unwrap_or_else(|| panic!("no leader band of term 4 among {leaders:#?}"));
    assert!(term4.contains(">leader · term 4</text>"), "{term4}");
    assert!(
        attribute(term4, "aria-label")
            .unwrap()
            .contains("won the election"),
        "{term4}"
    );
    // Peer 1 was down, peer 2 cut off.
    assert!(!elements(&dom, "span down").is_empty());
    assert!(!elements(&dom, "span cut").is_empty());

    // Zoomed out, the delivered RPCs are too many to draw: only the lost.
    assert!(elements(&dom, "arrow ok").is_empty());
    let lost = elements(&dom, "arrow lost");
    assert!(!lost.is_empty());
    assert!(
        lost.iter().any(|a| attribute(a, "aria-label")
            .unwrap()
            .contains("Raft.AppendEntries: peer 0 → peer 2, unreachable")),
        "{lost:#?}"
    );
    assert!(
        dom.contains("only the"),
        "the status says arrows are left out"
    );

    // The failure: a banner, and a marker across the lanes.
    let message = "one(104) failed to reach agreement: no 3 servers applied it within 10s";
    assert!(dom.contains(&format!("<span id=\"failure-message\">{message}</span>")));
    let marker = elements(&dom, "failure-marker");
    assert_eq!(marker.len(), 1);
    assert_eq!(
        attribute(marker[0], "id").as_deref(),
        Some("failure-marker")
    );
    assert!(
        marker[0].contains(&format!("✖ failure: {message}")),
        "{}",
        marker[0]
    );
    assert!(
        dom.contains("12.310000 s"),
        "the window reaches the failure"
    );

    // Commits and applies are marked, with their indices.
    assert!(!elements(&dom, "mark commit").is_empty());
    assert!(!elements(&dom, "mark apply").is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A real log: the replay of `election::re_election_2a` on seed 1 in a
/// reference that needs every vote to win (the `needs-every-vote`
/// mutant), as the runner wrote it. Server 2 leads term 1 and is cut off;
/// the two others stand term after term and never win.
#[test]
fn a_recorded_failure_of_a_broken_raft_shows_the_elections_that_never_end() {
    let dir = scratch("recorded");
    let html = page(&dir, "re_election_2a-needs-every-vote-1.jsonl");
    let dom = dom(&html, "", &dir.join("profile"));

    let lanes: Vec<&str> = elements(&dom, "lane-label").into_iter().map(text).collect();
    assert_eq!(lanes, ["harness", "peer 0", "peer 1", "peer 2", "net"]);
    assert!(dom.contains("Test (2A): election after network failure"));

    let leaders = elements(&dom, "role leader");
    assert!(
        leaders
            .iter()
            .any(|g| attribute(g, "data-term").as_deref() == Some("1")),
        "no leader of term 1 among {leaders:#?}"
    );
    let candidates = elements(&dom, "role candidate");
    assert!(
        candidates
            .iter()
            .any(|g| attribute(g, "data-term").as_deref() == Some("13")),
        "no candidate of term 13 among {candidates:#?}"
    );
    assert!(
        !elements(&dom, "span cut").is_empty(),
        "server 2 is cut off"
    );

    let marker = elements(&dom, "failure-marker");
    assert_eq!(marker.len(), 1);
    assert!(
        marker[0].contains("expected one leader, got none"),
        "{}",
        marker[0]
    );
    assert!(dom.contains("5.464000 s"), "the window reaches the failure");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn zoomed_in_every_rpc_is_an_arrow_delivered_or_lost() {
    let dir = scratch("zoom");
    let html = page(&dir, "persist3_2c-7.jsonl");
    let dom = dom(&html, "#0.95-2.45", &dir.join("profile"));
    assert!(
        dom.contains("0.950000 s – 2.450000 s"),
        "the window asked for"
    );
    assert!(!elements(&dom, "arrow ok").is_empty());
    let lost: Vec<String> = elements(&dom, "arrow lost")
        .into_iter()
        .filter_map(|a| attribute(a, "aria-label"))
        .collect();
    assert!(lost.iter().any(|d| d.contains("server gone")), "{lost:#?}");
    // The crash of peers 0 and 1 at 1.4 s, on the harness's lane.
    let crashes = elements(&dom, "mark crash");
    assert!(
        crashes.iter().any(|c| attribute(c, "aria-label")
            .unwrap()
            .contains("1.400000 s · harness crash")),
        "{crashes:#?}"
    );
    // The failure at 12.31 s is out of this window: no marker, the banner
    // stays.
    assert!(elements(&dom, "failure-marker").is_empty());
    assert!(dom.contains("id=\"failure-message\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_kv_run_shows_client_operations_and_links_the_linearizability_timeline() {
    let dir = scratch("kv");
    std::fs::write(
        dir.join("one_partition_3a-11.linearizability.html"),
        "<html>timeline</html>",
    )
    .unwrap();
    let html = page(&dir, "one_partition_3a-11.jsonl");
    let dom = dom(&html, "", &dir.join("profile"));

    let lanes: Vec<&str> = elements(&dom, "lane-label").into_iter().map(text).collect();
    assert_eq!(
        lanes,
        [
            "harness", "peer 0", "peer 1", "peer 2", "peer 3", "peer 4", "net", "client 0",
            "client 1"
        ]
    );
    let ops: Vec<String> = elements(&dom, "op")
        .into_iter()
        .filter_map(|o| attribute(o, "aria-label"))
        .collect();
    assert_eq!(ops.len(), 6, "{ops:#?}");
    assert!(
        ops.iter()
            .any(|o| o.contains("Get 0 → \"x 0 0 yx 0 1 yx 0 1 y\"")),
        "{ops:#?}"
    );
    let pending = elements(&dom, "op pending");
    assert_eq!(pending.len(), 1);
    assert!(
        attribute(pending[0], "aria-label")
            .unwrap()
            .contains("never returned")
    );
    // The partitions are drawn across the lanes.
    let notes: Vec<&str> = elements(&dom, "note")
        .into_iter()
        .filter_map(|n| n.find("<text").map(|at| text(&n[at..])))
        .collect();
    assert!(notes.contains(&"partition 0,1,2 | 3,4"), "{notes:#?}");
    // The checker's timeline, linked relative to the page.
    assert!(
        dom.contains("id=\"timeline\" href=\"one_partition_3a-11.linearizability.html\""),
        "no link to the timeline"
    );
    assert!(dom.contains("history is not linearizable"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_log_is_refused_naming_its_line() {
    let dir = scratch("bad");
    let log = dir.join("bad.jsonl");
    std::fs::write(
        &log,
        "{\"lab_log\":1,\"test\":\"t\",\"backend\":\"sim\"}\n{\"t_us\":1,\"level\":\"debug\"\n",
    )
    .unwrap();
    let out = lab(&["view", log.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("lab: {}:2: not an event", log.display())),
        "{stderr}"
    );
    assert!(!log.with_extension("html").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
