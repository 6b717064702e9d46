//! labcodec's tests: round trips, and every kind of bad input.

use std::collections::BTreeMap;

use labcodec::{DecodeError, MAX_MESSAGE, decode, encode};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Command {
    Get { key: String },
    Put { key: String, value: String },
    Noop,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Entry {
    term: u64,
    index: u64,
    command: Command,
    #[serde(with = "labcodec::serde_bytes")]
    payload: Vec<u8>,
    leader: Option<usize>,
    votes: BTreeMap<u32, bool>,
}

fn sample() -> Entry {
    Entry {
        term: 7,
        index: 1_000_000,
        command: Command::Put {
            key: "k".into(),
            value: "héllo".into(),
        },
        payload: (0..=255).collect(),
        leader: Some(2),
        votes: [(0, true), (4, false)].into_iter().collect(),
    }
}

#[test]
fn values_round_trip() {
    let e = sample();
    assert_eq!(decode::<Entry>(&encode(&e)), Ok(e));
    for c in [Command::Get { key: String::new() }, Command::Noop] {
        assert_eq!(decode::<Command>(&encode(&c)), Ok(c));
    }
    assert_eq!(
        decode::<Vec<i64>>(&encode(&vec![-1i64, 0, i64::MAX])),
        Ok(vec![-1, 0, i64::MAX])
    );
    assert_eq!(
        decode::<(u8, String)>(&encode(&(1u8, "x".to_string()))),
        Ok((1, "x".into()))
    );
    assert_eq!(decode::<()>(&encode(&())), Ok(()));
}

#[test]
fn framing_is_light() {
    // The course's byte bounds assume about a byte or two of framing per field.
    let s = "x".repeat(284);
    assert_eq!(encode(&s).len(), 284 + 3);
    assert_eq!(encode(&107u64).len(), 1);
    let bytes = vec![9u8; 5000];
    let with = serde_bytes::ByteBuf::from(bytes.clone());
    assert_eq!(encode(&with).len(), 5000 + 3);
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = encode(&sample());
    for cut in 0..bytes.len() {
        match decode::<Entry>(&bytes[..cut]) {
            Err(DecodeError::Truncated { len }) => assert_eq!(len, cut),
            other => panic!("cut at {cut}: expected Truncated, got {other:?}"),
        }
    }
}

#[test]
fn trailing_bytes_are_an_error() {
    let mut bytes = encode(&5u32);
    bytes.push(0);
    assert_eq!(
        decode::<u32>(&bytes),
        Err(DecodeError::TrailingBytes { used: 1, len: 2 })
    );
}

#[test]
fn a_huge_length_prefix_is_refused_without_allocating() {
    // Varint 0xFD: a u64 length of 2^60 follows; then nothing.
    let mut bytes = vec![0xFD];
    bytes.extend_from_slice(&(1u64 << 60).to_le_bytes());
    assert_eq!(
        decode::<serde_bytes::ByteBuf>(&bytes),
        Err(DecodeError::TooLarge)
    );
    assert_eq!(decode::<String>(&bytes), Err(DecodeError::TooLarge));
    assert!(decode::<Vec<u64>>(&bytes).is_err());
    // Within the limit, but with no data behind it: still no value.
    let mut bytes = vec![0xFC];
    bytes.extend_from_slice(&((MAX_MESSAGE / 2) as u32).to_le_bytes());
    assert_eq!(
        decode::<serde_bytes::ByteBuf>(&bytes),
        Err(DecodeError::Truncated { len: 5 })
    );
}

/// The Display of decoding `bytes` as `T`, which must be malformed input
/// explained in words, not in a Rust struct's debug text.
fn malformed<T: serde::de::DeserializeOwned + std::fmt::Debug>(bytes: &[u8]) -> String {
    let err = decode::<T>(bytes).unwrap_err();
    assert!(matches!(err, DecodeError::Malformed { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("malformed input: in a "), "{text}");
    assert!(!text.contains(['{', '}']), "debug text in {text:?}");
    text
}

#[test]
fn malformed_input_is_explained_in_words() {
    assert_eq!(
        malformed::<Command>(&[9]),
        "malformed input: in a codec::Command, an enum tag 9 that names no variant; \
         tags 0 to 2 are valid"
    );
    assert_eq!(
        malformed::<bool>(&[5]),
        "malformed input: in a bool, a bool byte 5; only 0 and 1 are valid"
    );
    assert!(
        malformed::<String>(&[2, 0xff, 0xfe])
            .ends_with("text that is not valid UTF-8 (the first bad byte is at offset 0)")
    );
    assert!(malformed::<u64>(&[0xff]).ends_with(
        "a u64 was expected but the bytes hold a marker byte that starts no integer (0xff)"
    ));
    assert!(malformed::<i32>(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0]).ends_with(
        "an i32 was expected but the bytes hold the marker of a wider integer, an i64 (0xfd)"
    ));
    assert!(malformed::<Option<u8>>(&[2]).ends_with(
        "an enum tag 2 that names no variant of Option<T>; only tags 0 and 1 are valid"
    ));
    assert!(
        malformed::<char>(&[0xff]).ends_with("a char whose bytes 0xff are not one UTF-8 character")
    );
    // Nested: the tag of the command inside an entry.
    let mut bytes = encode(&sample());
    let tag = encode(&7u64).len() + encode(&1_000_000u64).len();
    bytes[tag] = 7;
    assert!(
        malformed::<Entry>(&bytes).contains("an enum tag 7 that names no variant; tags 0 to 2"),
        "{bytes:?}"
    );
}

#[test]
fn a_type_bincode_cannot_decode_is_not_blamed_on_the_input() {
    #[derive(Serialize, Deserialize, Debug)]
    #[serde(untagged)]
    enum Either {
        Number(u64),
        Text(String),
    }
    let err = decode::<Either>(&[1]).unwrap_err();
    assert!(
        matches!(&err, DecodeError::Unsupported { type_name, .. } if type_name.ends_with("Either")),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("labcodec cannot decode a codec::") && text.contains("self-describing"),
        "{text}"
    );
}

#[test]
fn garbage_never_panics_and_is_explained_in_words() {
    fn words<T>(result: Result<T, DecodeError>) {
        if let Err(err) = result {
            let text = err.to_string();
            assert!(!text.contains(['{', '}']), "debug text in {text:?}");
        }
    }
    // A fixed-seed xorshift: reproducible garbage of every length to 64.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for len in 0..64 {
        for _ in 0..200 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            words(decode::<Entry>(&bytes));
            words(decode::<Vec<String>>(&bytes));
            words(decode::<BTreeMap<u64, Vec<u8>>>(&bytes));
        }
    }
}

#[test]
fn empty_input_is_an_error_for_non_empty_types() {
    assert_eq!(decode::<u64>(&[]), Err(DecodeError::Truncated { len: 0 }));
}
