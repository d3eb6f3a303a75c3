//! A compact binary serde format for plain data carried inside messages.
//!
//! ```
//! use machproto_runtime::wire::serde_format::{from_bytes, to_bytes};
//!
//! #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
//! struct Point {
//!     x: i32,
//!     label: String,
//! }
//!
//! let mut bytes = Vec::new();
//! to_bytes(&Point { x: -2, label: "a".into() }, &mut bytes)?;
//! assert_eq!(bytes, [0xfe, 0xff, 0xff, 0xff, 1, 0, 0, 0, b'a']);
//! assert_eq!(from_bytes::<Point>(&bytes)?, Point { x: -2, label: "a".into() });
//! # Ok::<(), machproto_runtime::wire::serde_format::SerdeError>(())
//! ```
//!
//! `#[mach(serde)]` fields and `[Serde] using` types travel as plain bytes in
//! this format. The bytes are produced by one process and read by another that
//! must assume the sender is hostile, so the reader is the part that matters:
//! [`from_bytes`] never panics, never allocates more than the remaining input
//! can justify, and never recurses deeper than [`MAX_DEPTH`].
//!
//! # Encoding
//!
//! The format is not self-describing: the reader's type decides how bytes are
//! read, exactly as in bincode or postcard. All multi-byte values are
//! little-endian.
//!
//! | serde data model | bytes |
//! |---|---|
//! | `u8`..`u128`, `i8`..`i128` | fixed width, `to_le_bytes` |
//! | `f32`, `f64` | the bits, `to_le_bytes` (NaN payloads and `-0.0` survive) |
//! | `bool` | one byte, `0` or `1`; anything else is [`SerdeErrorKind::InvalidBool`] |
//! | `char` | its scalar value as a `u32`; a non-scalar is [`SerdeErrorKind::InvalidChar`] |
//! | string, bytes | `u32` length, then the raw bytes (strings must be UTF-8) |
//! | `Option` | tag byte `0` (none) or `1` followed by the value |
//! | unit, unit struct | nothing |
//! | newtype struct | the inner value |
//! | seq, map | `u32` element count, then the elements (a map: key, value, ...) |
//! | tuple, tuple struct, struct | the fields in order, no count |
//! | enum | `u32` variant index, then the payload as for the matching struct kind |
//! | identifier | a `u32` index, like a variant index |
//!
//! A `Vec<u8>` (a seq of `u8`) and a byte string therefore encode identically.
//!
//! # Limits
//!
//! * Nesting: every option (`Some`), newtype struct, seq, map, tuple, tuple
//!   struct, struct and enum counts as one level; more than [`MAX_DEPTH`]
//!   levels is [`SerdeErrorKind::TooDeep`], on both sides.
//! * Element budget: a message of `N` bytes may declare at most `N` seq
//!   elements and map entries in total, across all nesting levels. Without
//!   this, elements that encode to zero bytes (a `Vec<()>`, or a struct whose
//!   fields are all `#[serde(skip)]`) would let a few bytes declare billions
//!   of elements, each costing time and possibly memory. Ordinary data never
//!   comes close, since nearly every element takes at least one byte;
//!   [`to_bytes`] refuses a value over the budget so the sender, not the
//!   receiver, learns about it. Exceeding it is [`SerdeErrorKind::LengthTooLarge`],
//!   as is a string or byte length beyond the remaining input.
//! * Lengths are `u32`: longer strings, byte strings, seqs and maps cannot be
//!   serialized.
//! * Like every non-self-describing format, this one cannot carry what needs
//!   `deserialize_any` (untagged and internally tagged enums, `#[serde(flatten)]`)
//!   and is confused by `#[serde(skip_serializing_if)]`, which writes fewer
//!   fields than the reader expects.

use std::fmt;

mod de;
mod ser;
#[cfg(test)]
mod tests;

/// The deepest nesting [`from_bytes`] accepts and [`to_bytes`] produces.
///
/// Each `Some`, newtype struct, seq, map, tuple, tuple struct, struct and enum
/// is one level. Decoding recurses once per level, so this bounds the stack a
/// hostile message can make the reader use. What a level costs depends on the
/// types being built: in a debug build, 128 levels of
/// `enum Tree { Leaf, Node(Box<Tree>) }` take about 110 KiB, and 64 levels of
/// a struct with a dozen words of fields and an `Option<Box<Self>>` take about
/// 330 KiB (a third of that in release). A default 2 MiB thread stack is
/// ample; real message types are far shallower than the limit.
pub const MAX_DEPTH: usize = 128;

/// Serializes `value` by appending its bytes to `out`.
///
/// On error `out` is truncated back to its length on entry, so a failed
/// attempt leaves no partial value behind.
pub fn to_bytes<T: serde::Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), SerdeError> {
    let start = out.len();
    let result = ser::serialize(value, out);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// Deserializes a `T` from exactly `bytes`.
///
/// Strings and byte slices may borrow from `bytes`. Bytes left over after the
/// value are an error ([`SerdeErrorKind::TrailingBytes`]): a message whose
/// length disagrees with its content is malformed, not padded.
pub fn from_bytes<'de, T: serde::Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, SerdeError> {
    de::deserialize(bytes)
}

/// What went wrong in [`to_bytes`] or [`from_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SerdeErrorKind {
    /// The input ended inside a value.
    Truncated,
    /// A length or element count exceeds what the remaining input (or the
    /// element budget, or `u32`) allows.
    LengthTooLarge,
    /// A `bool` byte other than 0 or 1.
    InvalidBool,
    /// A string that is not UTF-8.
    InvalidUtf8,
    /// A `char` that is not a Unicode scalar value.
    InvalidChar,
    /// An `Option` tag other than 0 or 1.
    InvalidTag,
    /// Bytes left over after the value.
    TrailingBytes,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A serde feature this format cannot express, such as `deserialize_any`.
    Unsupported,
    /// An error raised by a `Serialize` or `Deserialize` implementation, such
    /// as an unknown enum variant index.
    Custom,
}

/// The error of [`to_bytes`] and [`from_bytes`]: a kind to match on and a
/// message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerdeError {
    kind: SerdeErrorKind,
    message: String,
}

impl SerdeError {
    pub(crate) fn new(kind: SerdeErrorKind, message: impl Into<String>) -> Self {
        SerdeError {
            kind,
            message: message.into(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> SerdeErrorKind {
        self.kind
    }

    /// The human-readable description, as shown by `Display`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SerdeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SerdeError {}

impl serde::ser::Error for SerdeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerdeError::new(SerdeErrorKind::Custom, msg.to_string())
    }
}

impl serde::de::Error for SerdeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        SerdeError::new(SerdeErrorKind::Custom, msg.to_string())
    }
}
