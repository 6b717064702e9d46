//! The SOLUTION regions of a source file: finding them, replacing them by
//! their stubs, and putting them back.
//!
//! ```text
//!     // SOLUTION BEGIN
//!     let state = self.lock();               the reference: left out of the handout
//!     (state.term, state.role == Leader)
//!     // SOLUTION STUB
//!     // labrt::unimplemented("Raft::get_state");
//!     // (0, false)                          the stub: the handout's text, uncommented
//!     // SOLUTION END
//! ```
//!
//! A region without `SOLUTION STUB` leaves nothing behind. Markers stand on
//! lines of their own, the three of one region at the same indentation, and
//! every stub line is that indentation followed by `//`, then a space and
//! the text (or nothing, for an empty line). Regions do not nest.

use std::fmt;

/// The marker that opens a region.
pub const BEGIN: &str = "// SOLUTION BEGIN";
/// The marker that ends a region's reference and starts its stub.
pub const STUB: &str = "// SOLUTION STUB";
/// The marker that closes a region.
pub const END: &str = "// SOLUTION END";

/// A file with its regions replaced by their stubs, and what it takes to
/// put them back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stripped {
    /// The handout's text of the file.
    pub text: String,
    /// The file's regions, in order.
    pub regions: Vec<Region>,
}

/// One region of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// The line of the handout text where the region's stub starts (0-based).
    pub handout_line: usize,
    /// The line of the original file where the region's BEGIN marker is
    /// (0-based).
    pub source_line: usize,
    /// The reference lines, without markers and stub.
    pub reference: Vec<String>,
    /// The stub lines, as the handout has them.
    pub stub: Vec<String>,
    /// Every line of the region in the original file, markers included,
    /// each with its line ending.
    pub original: String,
}

/// A file whose markers do not form well-made regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerError {
    /// The 1-based line of the offending marker or stub line.
    pub line: usize,
    /// What is wrong there.
    pub kind: MarkerErrorKind,
}

/// What is wrong with a file's markers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerErrorKind {
    /// A BEGIN inside a region that is still open.
    Nested {
        /// The 1-based line of the open region's BEGIN.
        open: usize,
    },
    /// A STUB or END outside any region.
    Unopened {
        /// The marker found.
        marker: &'static str,
    },
    /// A second STUB in one region.
    SecondStub,
    /// The file ends inside a region.
    Unclosed,
    /// A STUB or END indented differently from its BEGIN.
    Indentation,
    /// A stub line that is not a comment at the region's indentation.
    StubLine,
    /// A line that looks like a marker but is none of the three.
    Unknown {
        /// The line's text, trimmed.
        text: String,
    },
}

impl fmt::Display for MarkerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            MarkerErrorKind::Nested { open } => {
                write!(
                    f,
                    "`{BEGIN}` inside the region opened at line {open}; regions do not nest"
                )
            }
            MarkerErrorKind::Unopened { marker } => {
                write!(f, "`{marker}` outside any region")
            }
            MarkerErrorKind::SecondStub => write!(f, "a second `{STUB}` in one region"),
            MarkerErrorKind::Unclosed => write!(f, "the region opened here has no `{END}`"),
            MarkerErrorKind::Indentation => {
                write!(f, "the marker is not indented like its `{BEGIN}`")
            }
            MarkerErrorKind::StubLine => write!(
                f,
                "a stub line must be `//` at the region's indentation, then a space and the text"
            ),
            MarkerErrorKind::Unknown { text } => write!(
                f,
                "`{text}` is not a marker; use `{BEGIN}`, `{STUB}` or `{END}`"
            ),
        }
    }
}

impl std::error::Error for MarkerError {}

/// What a line is, as far as regions go.
enum Line<'a> {
    Begin { indent: &'a str },
    Stub { indent: &'a str },
    End { indent: &'a str },
    Other,
}

fn classify(line: &str, number: usize) -> Result<Line<'_>, MarkerError> {
    let body = line.trim_end_matches(['\n', '\r']);
    let trimmed = body.trim_start();
    let indent = &body[..body.len() - trimmed.len()];
    let trimmed = trimmed.trim_end();
    Ok(match trimmed {
        BEGIN => Line::Begin { indent },
        STUB => Line::Stub { indent },
        END => Line::End { indent },
        _ if trimmed.starts_with("// SOLUTION") => {
            return Err(MarkerError {
                line: number,
                kind: MarkerErrorKind::Unknown {
                    text: trimmed.to_string(),
                },
            });
        }
        _ => Line::Other,
    })
}

/// The handout text of a stub line written in the reference as `line`, or
/// None if it is not a comment at `indent`.
fn uncomment(line: &str, indent: &str) -> Option<String> {
    let (body, ending) = split_ending(line);
    let rest = body.strip_prefix(indent)?.strip_prefix("//")?;
    if rest.is_empty() {
        return Some(ending.to_string());
    }
    let text = rest.strip_prefix(' ')?;
    Some(format!("{indent}{text}{ending}"))
}

fn split_ending(line: &str) -> (&str, &str) {
    let body = line.trim_end_matches(['\n', '\r']);
    (body, &line[body.len()..])
}

/// Where the parser is within a file.
enum State<'a> {
    Outside,
    Reference { begin: usize, indent: &'a str },
    Stub { begin: usize, indent: &'a str },
}

/// Replaces every region of `source` by its stub.
pub fn strip(source: &str) -> Result<Stripped, MarkerError> {
    let mut text = String::with_capacity(source.len());
    let mut handout_lines = 0;
    let mut regions: Vec<Region> = Vec::new();
    let mut current: Option<Region> = None;
    let mut state = State::Outside;
    // Set after a region that leaves nothing behind at a blank line or the
    // start of the file. The blank line next to it goes with the region when
    // the handout would otherwise have a doubled, leading or trailing blank
    // line, which rustfmt would take out.
    let mut after_gap = false;
    for (i, line) in source.split_inclusive('\n').enumerate() {
        let number = i + 1;
        if std::mem::take(&mut after_gap) {
            let region = regions.last_mut().expect("a region just ended");
            if line.trim().is_empty() {
                region.original.push_str(line);
                continue;
            }
            if line.trim_start().starts_with('}') {
                take_trailing_blank(&mut text, &mut handout_lines, region);
            }
        }
        let kind = classify(line, number)?;
        let err = |kind| Err(MarkerError { line: number, kind });
        state = match (state, kind) {
            (State::Outside, Line::Begin { indent }) => {
                current = Some(Region {
                    handout_line: handout_lines,
                    source_line: i,
                    reference: Vec::new(),
                    stub: Vec::new(),
                    original: String::new(),
                });
                State::Reference {
                    begin: number,
                    indent,
                }
            }
            (State::Outside, Line::Stub { .. }) => {
                return err(MarkerErrorKind::Unopened { marker: STUB });
            }
            (State::Outside, Line::End { .. }) => {
                return err(MarkerErrorKind::Unopened { marker: END });
            }
            (State::Outside, Line::Other) => {
                text.push_str(line);
                handout_lines += 1;
                State::Outside
            }
            (State::Reference { begin, .. } | State::Stub { begin, .. }, Line::Begin { .. }) => {
                return err(MarkerErrorKind::Nested { open: begin });
            }
            (State::Stub { .. }, Line::Stub { .. }) => return err(MarkerErrorKind::SecondStub),
            (
                State::Reference { indent, .. } | State::Stub { indent, .. },
                Line::Stub { indent: own } | Line::End { indent: own },
            ) if own != indent => return err(MarkerErrorKind::Indentation),
            (State::Reference { begin, indent }, Line::Stub { .. }) => {
                State::Stub { begin, indent }
            }
            (State::Reference { .. } | State::Stub { .. }, Line::End { .. }) => {
                let mut region = current.take().expect("a region is open");
                region.original.push_str(line);
                for stub_line in &region.stub {
                    text.push_str(stub_line);
                }
                handout_lines += region.stub.len();
                after_gap = region.stub.is_empty() && ends_blank(&text);
                regions.push(region);
                State::Outside
            }
            (State::Reference { begin, indent }, Line::Other) => {
                let region = current.as_mut().expect("a region is open");
                region.reference.push(line.to_string());
                State::Reference { begin, indent }
            }
            (State::Stub { begin, indent }, Line::Other) => {
                let Some(stub_line) = uncomment(line, indent) else {
                    return err(MarkerErrorKind::StubLine);
                };
                current
                    .as_mut()
                    .expect("a region is open")
                    .stub
                    .push(stub_line);
                State::Stub { begin, indent }
            }
        };
        if !matches!(state, State::Outside) {
            let region = current.as_mut().expect("a region is open");
            region.original.push_str(line);
        }
    }
    match state {
        State::Outside => {
            if after_gap {
                let region = regions.last_mut().expect("a region just ended");
                take_trailing_blank(&mut text, &mut handout_lines, region);
            }
            Ok(Stripped { text, regions })
        }
        State::Reference { begin, .. } | State::Stub { begin, .. } => Err(MarkerError {
            line: begin,
            kind: MarkerErrorKind::Unclosed,
        }),
    }
}

/// Whether `text` is empty or ends with a blank line.
fn ends_blank(text: &str) -> bool {
    text.rsplit_terminator('\n')
        .next()
        .is_none_or(|l| l.trim().is_empty())
}

/// Moves the blank line that ends `text`, if any, to the start of `region`,
/// which comes right after it.
fn take_trailing_blank(text: &mut String, handout_lines: &mut usize, region: &mut Region) {
    if text.is_empty() {
        return;
    }
    let without = text[..text.len() - 1].rfind('\n').map_or(0, |i| i + 1);
    let blank = text.split_off(without);
    region.original.insert_str(0, &blank);
    region.handout_line -= 1;
    *handout_lines -= 1;
}

/// Puts `regions` back into `handout`, the text [`strip`] made: the inverse
/// of `strip`.
///
/// # Panics
/// If `regions` do not fit `handout`: they come from another file.
pub fn restore(handout: &str, regions: &[Region]) -> String {
    let lines: Vec<&str> = handout.split_inclusive('\n').collect();
    let mut out = String::with_capacity(handout.len());
    let mut next = 0;
    for region in regions {
        assert!(
            region.handout_line >= next && region.handout_line + region.stub.len() <= lines.len(),
            "restore: a region at handout line {} does not fit a text of {} lines",
            region.handout_line,
            lines.len()
        );
        lines[next..region.handout_line]
            .iter()
            .for_each(|l| out.push_str(l));
        out.push_str(&region.original);
        next = region.handout_line + region.stub.len();
    }
    lines[next..].iter().for_each(|l| out.push_str(l));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "\
fn get_state() -> (u64, bool) {
    // SOLUTION BEGIN
    let st = lock();
    (st.term, st.leader)
    // SOLUTION STUB
    // // Your code here (2A).
    //
    // (0, false)
    // SOLUTION END
}
// SOLUTION BEGIN
fn helper() {}
// SOLUTION END
";

    #[test]
    fn a_region_becomes_its_stub_and_one_without_a_stub_disappears() {
        let stripped = strip(SOURCE).unwrap();
        assert_eq!(
            stripped.text,
            "fn get_state() -> (u64, bool) {\n    // Your code here (2A).\n\n    (0, false)\n}\n"
        );
        assert_eq!(stripped.regions.len(), 2);
        let first = &stripped.regions[0];
        assert_eq!((first.handout_line, first.source_line), (1, 1));
        assert_eq!(
            first.reference,
            ["    let st = lock();\n", "    (st.term, st.leader)\n"]
        );
        assert_eq!(stripped.regions[1].handout_line, 5);
        assert!(stripped.regions[1].stub.is_empty());
    }

    #[test]
    fn restore_gives_the_source_back_byte_for_byte() {
        for source in [
            SOURCE,
            "no regions\n",
            "",
            "// SOLUTION BEGIN\nx\n// SOLUTION END",
            "a\r\n  // SOLUTION BEGIN\r\n  b\r\n  // SOLUTION STUB\r\n  // c\r\n  // SOLUTION END\r\nd",
        ] {
            let stripped = strip(source).unwrap();
            assert_eq!(restore(&stripped.text, &stripped.regions), source);
        }
    }

    #[test]
    fn a_region_that_leaves_nothing_takes_a_doubled_blank_line_with_it() {
        let source = "use a;\n\n// SOLUTION BEGIN\nuse b;\n// SOLUTION END\n\nfn f() {}\n";
        let stripped = strip(source).unwrap();
        assert_eq!(stripped.text, "use a;\n\nfn f() {}\n");
        assert_eq!(restore(&stripped.text, &stripped.regions), source);
        let source = "// SOLUTION BEGIN\nuse b;\n// SOLUTION END\n\nfn f() {}\n";
        assert_eq!(strip(source).unwrap().text, "fn f() {}\n");
        let source = "use a;\n// SOLUTION BEGIN\nuse b;\n// SOLUTION END\n\nfn f() {}\n";
        assert_eq!(strip(source).unwrap().text, "use a;\n\nfn f() {}\n");
        for source in [
            "impl A {\n    fn f() {}\n\n    // SOLUTION BEGIN\n    fn g() {}\n    // SOLUTION END\n}\n",
            "fn f() {}\n\n// SOLUTION BEGIN\nmod tests;\n// SOLUTION END\n",
        ] {
            let stripped = strip(source).unwrap();
            assert!(!stripped.text.contains("\n\n"), "{:?}", stripped.text);
            assert_eq!(restore(&stripped.text, &stripped.regions), source);
        }
    }

    #[test]
    fn a_file_without_regions_is_its_own_handout() {
        let stripped = strip("fn main() {}\n").unwrap();
        assert_eq!(stripped.text, "fn main() {}\n");
        assert!(stripped.regions.is_empty());
    }

    fn error(source: &str) -> MarkerError {
        strip(source).unwrap_err()
    }

    #[test]
    fn malformed_markers_are_errors_with_their_line() {
        let e = error("// SOLUTION BEGIN\n// SOLUTION BEGIN\n// SOLUTION END\n");
        assert_eq!(e.line, 2);
        assert_eq!(e.kind, MarkerErrorKind::Nested { open: 1 });
        assert_eq!(
            error("x\n// SOLUTION END\n").kind,
            MarkerErrorKind::Unopened { marker: END }
        );
        assert_eq!(
            error("// SOLUTION STUB\n").kind,
            MarkerErrorKind::Unopened { marker: STUB }
        );
        let e = error("a\n// SOLUTION BEGIN\nb\n");
        assert_eq!((e.line, e.kind), (2, MarkerErrorKind::Unclosed));
        assert_eq!(
            error("// SOLUTION BEGIN\n// SOLUTION STUB\n// SOLUTION STUB\n// SOLUTION END\n").kind,
            MarkerErrorKind::SecondStub
        );
        assert_eq!(
            error("  // SOLUTION BEGIN\n// SOLUTION END\n").kind,
            MarkerErrorKind::Indentation
        );
        let e = error("  // SOLUTION BEGIN\n  // SOLUTION STUB\n  stub();\n  // SOLUTION END\n");
        assert_eq!((e.line, e.kind), (3, MarkerErrorKind::StubLine));
        assert_eq!(
            error("// SOLUTION BEGN\n").kind,
            MarkerErrorKind::Unknown {
                text: "// SOLUTION BEGN".to_string()
            }
        );
    }

    #[test]
    fn errors_read_as_sentences() {
        let e = error("x\n// SOLUTION BEGIN\n");
        assert_eq!(
            e.to_string(),
            "line 2: the region opened here has no `// SOLUTION END`"
        );
    }
}
