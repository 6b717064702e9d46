//! The cargo command that reruns one failed test, and only its test binary.
//!
//! cargo runs each test binary with `CARGO_PKG_NAME` set to its package, and
//! names the binary after its target plus a hash:
//! `target/debug/deps/raft-1a2b3c4d5e6f7a8b` is the `raft` target. A target
//! named like the package's crate is the library's unit tests (`--lib`).

/// The command that reruns `test` alone, e.g. `cargo test -p tests --test
/// raft election::initial_election_2a -- --exact`. Without a test name it
/// is `cargo test`; when the binary cannot be told (it was not started by
/// cargo), `cargo test <test> -- --exact`.
pub(crate) fn cargo_test(test: Option<&str>) -> String {
    let Some(test) = test else {
        return "cargo test".to_string();
    };
    let selector = std::env::var("CARGO_PKG_NAME").ok().and_then(|package| {
        let exe = std::env::current_exe().ok()?;
        let stem = exe.file_stem()?.to_str()?.to_string();
        selector(&package, &stem)
    });
    match selector {
        Some(selector) => format!("cargo test {selector} {test} -- --exact"),
        None => format!("cargo test {test} -- --exact"),
    }
}

/// The cargo arguments that select the test binary `exe_stem` of `package`:
/// `-p tests --test raft`, or `-p labrt --lib`. `None` if the stem does not
/// end in cargo's `-<16 hex digits>`.
///
/// cargo spells a target's hyphens as underscores in the binary's name, so
/// a target named with hyphens comes out wrong (`--test my_suite` for
/// `my-suite`; cargo then suggests the right name).
fn selector(package: &str, exe_stem: &str) -> Option<String> {
    let (target, hash) = exe_stem.rsplit_once('-')?;
    if target.is_empty() || hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if target == package.replace('-', "_") {
        Some(format!("-p {package} --lib"))
    } else {
        Some(format!("-p {package} --test {target}"))
    }
}

#[cfg(test)]
mod tests {
    use super::selector;

    #[test]
    fn an_integration_test_binary_is_named_by_its_target() {
        assert_eq!(
            selector("tests", "raft-1a2b3c4d5e6f7a8b").as_deref(),
            Some("-p tests --test raft")
        );
        assert_eq!(
            selector("labrt", "runtime-0123456789abcdef").as_deref(),
            Some("-p labrt --test runtime")
        );
        assert_eq!(
            selector("labrt", "two_words-0123456789abcdef").as_deref(),
            Some("-p labrt --test two_words")
        );
    }

    #[test]
    fn the_crate_named_binary_is_the_library() {
        assert_eq!(
            selector("labrt", "labrt-0123456789abcdef").as_deref(),
            Some("-p labrt --lib")
        );
        assert_eq!(
            selector("env-probe", "env_probe-0123456789abcdef").as_deref(),
            Some("-p env-probe --lib")
        );
    }

    #[test]
    fn a_binary_cargo_did_not_name_is_unknown() {
        for stem in [
            "raft",
            "raft-",
            "-0123456789abcdef",
            "raft-0123456789abcde",
            "raft-0123456789abcdeg",
            "raft-0123456789abcdef0",
            "rust_out",
        ] {
            assert_eq!(selector("tests", stem), None, "{stem}");
        }
    }
}
