//! bincode's decode errors in plain words.
//!
//! bincode 2 displays its errors as their `Debug` text
//! (`InvalidIntegerType { expected: U64, found: Reserved }`); these are the
//! sentences [`crate::DecodeError::Malformed`] carries instead.

use bincode::error::{AllowedEnumVariants, DecodeError, IntegerType};
use bincode::serde::DecodeError as SerdeDecodeError;

/// What is wrong with the input, as a sentence fragment: "a bool byte 5;
/// only 0 and 1 are valid".
pub(crate) fn reason(error: &DecodeError) -> String {
    match error {
        DecodeError::UnexpectedEnd { .. } => "the input ends too early".to_string(),
        DecodeError::Io { inner, .. } => format!("reading the input failed: {inner}"),
        DecodeError::LimitExceeded => "a length prefix claims too many bytes".to_string(),
        DecodeError::InvalidIntegerType { expected, found } => {
            let expected = a(integer(expected));
            match (found, marker(found)) {
                (IntegerType::Reserved, _) => format!(
                    "{expected} was expected but the bytes hold a marker byte that starts no \
                     integer (0xff)"
                ),
                (_, Some(byte)) => format!(
                    "{expected} was expected but the bytes hold the marker of a wider integer, \
                     {} ({byte:#04x})",
                    a(integer(found))
                ),
                (_, None) => format!(
                    "{expected} was expected but the bytes hold {}",
                    a(integer(found))
                ),
            }
        }
        DecodeError::NonZeroTypeIsZero { non_zero_type } => {
            format!(
                "a zero where a non-zero {} was expected",
                integer(non_zero_type)
            )
        }
        DecodeError::UnexpectedVariant {
            type_name,
            allowed,
            found,
        } => format!(
            "an enum tag {found} that names no variant of {type_name}; {}",
            allowed_tags(allowed)
        ),
        DecodeError::Utf8 { inner } => format!(
            "text that is not valid UTF-8 (the first bad byte is at offset {})",
            inner.valid_up_to()
        ),
        DecodeError::InvalidCharEncoding(bytes) => {
            let used = bytes.iter().rposition(|&b| b != 0).map_or(1, |i| i + 1);
            let hex: Vec<String> = bytes[..used].iter().map(|b| format!("{b:#04x}")).collect();
            format!(
                "a char whose bytes {} are not one UTF-8 character",
                hex.join(" ")
            )
        }
        DecodeError::InvalidBooleanValue(byte) => {
            format!("a bool byte {byte}; only 0 and 1 are valid")
        }
        DecodeError::ArrayLengthMismatch { required, found } => {
            format!("an array of {found} elements where the type holds exactly {required}")
        }
        DecodeError::OutsideUsizeRange(value) => {
            format!("a length or index {value} that does not fit in this machine's usize")
        }
        DecodeError::EmptyEnum { type_name } => {
            format!("a value of {type_name}, an enum without variants, which cannot exist")
        }
        DecodeError::InvalidDuration { secs, nanos } => {
            format!("a duration of {secs} s and {nanos} ns, more seconds than a Duration holds")
        }
        DecodeError::InvalidSystemTime { duration } => {
            format!("a time {duration:?} after the Unix epoch, later than a SystemTime can be")
        }
        DecodeError::CStringNulError { position } => {
            format!("a C string with a nul byte inside it, at byte {position}")
        }
        DecodeError::Other(text) => (*text).to_string(),
        DecodeError::OtherString(text) => serde_message(text),
        DecodeError::Serde(error) => serde_limit(error),
        // bincode may add variants; their Debug text is all there is.
        other => format!("bincode reports {other:?}"),
    }
}

/// Whether `error` is about the type rather than the bytes: the format
/// cannot decode the type at all, whatever the input.
pub(crate) fn is_unsupported(error: &DecodeError) -> bool {
    matches!(error, DecodeError::Serde(_))
}

/// serde's own messages, with the one serde derive gives for a bad enum tag
/// ("invalid value: integer `7`, expected variant index 0 <= i < 3")
/// rephrased; the others are already words.
fn serde_message(text: &str) -> String {
    let tag = text
        .strip_prefix("invalid value: integer `")
        .and_then(|rest| rest.split_once("`, expected variant index 0 <= i < "))
        .and_then(|(found, count)| Some((found, count.parse::<u32>().ok()?)));
    match tag {
        Some((found, count)) => format!(
            "an enum tag {found} that names no variant; {}",
            allowed_tags(&AllowedEnumVariants::Range {
                min: 0,
                max: count.saturating_sub(1),
            })
        ),
        None => text.to_string(),
    }
}

fn serde_limit(error: &SerdeDecodeError) -> String {
    match error {
        SerdeDecodeError::AnyNotSupported | SerdeDecodeError::IgnoredAnyNotSupported => {
            "it needs a self-describing format (it uses deserialize_any, as \
             #[serde(untagged)], #[serde(flatten)] and internally tagged enums do), \
             and bincode is not one"
                .to_string()
        }
        SerdeDecodeError::IdentifierNotSupported => {
            "it reads field or variant names, which bincode does not store".to_string()
        }
        SerdeDecodeError::CannotBorrowOwnedData => {
            "it borrows from its input (&str or &[u8] fields), and decode makes owned values"
                .to_string()
        }
        other => format!("bincode's serde layer reports {other:?}"),
    }
}

/// "tags 0 to 2 are valid", "only tags 0 and 1 are valid", ...
fn allowed_tags(allowed: &AllowedEnumVariants) -> String {
    match allowed {
        AllowedEnumVariants::Range { min, max } if min == max => {
            format!("only tag {min} is valid")
        }
        AllowedEnumVariants::Range { min, max } if *max == min + 1 => {
            format!("only tags {min} and {max} are valid")
        }
        AllowedEnumVariants::Range { min, max } => format!("tags {min} to {max} are valid"),
        AllowedEnumVariants::Allowed(tags) => {
            let tags: Vec<String> = tags.iter().map(u32::to_string).collect();
            format!("the valid tags are {}", tags.join(", "))
        }
        other => format!("the valid tags are {other:?}"),
    }
}

/// The varint marker byte that announces an integer of type `t`, if any.
fn marker(t: &IntegerType) -> Option<u8> {
    match t {
        IntegerType::U16 | IntegerType::I16 => Some(0xfb),
        IntegerType::U32 | IntegerType::I32 => Some(0xfc),
        IntegerType::U64 | IntegerType::I64 | IntegerType::Usize | IntegerType::Isize => Some(0xfd),
        IntegerType::U128 | IntegerType::I128 => Some(0xfe),
        _ => None,
    }
}

/// `name` with its article: "a u64", "an i64".
fn a(name: &str) -> String {
    let article = if name.starts_with('i') { "an" } else { "a" };
    format!("{article} {name}")
}

fn integer(t: &IntegerType) -> &'static str {
    match t {
        IntegerType::U8 => "u8",
        IntegerType::U16 => "u16",
        IntegerType::U32 => "u32",
        IntegerType::U64 => "u64",
        IntegerType::U128 => "u128",
        IntegerType::Usize => "usize",
        IntegerType::I8 => "i8",
        IntegerType::I16 => "i16",
        IntegerType::I32 => "i32",
        IntegerType::I64 => "i64",
        IntegerType::I128 => "i128",
        IntegerType::Isize => "isize",
        _ => "integer",
    }
}
