//! Errors of encoding and decoding.

use std::fmt;

use crate::right::RightKind;

/// Where in a value a decoding error happened: a path of fields, indices and
/// variants, outermost first, as in `.frame.regions[3].surface`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A named field.
    Field(&'static str),
    /// A positional field of a tuple or tuple struct.
    Position(usize),
    /// An element of a sequence or array, or an entry of a map.
    Index(usize),
    /// An enum variant.
    Variant(&'static str),
}

/// What went wrong while decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The bytes ended before the value did.
    Truncated {
        /// Bytes the value needed at that point.
        needed: usize,
        /// Bytes that were left.
        remaining: usize,
    },
    /// A length prefix larger than the remaining bytes could possibly hold.
    LengthTooLarge {
        /// The length read.
        len: u64,
        /// The most the remaining bytes allow.
        max: u64,
    },
    /// A string, bytes or sequence longer than its declared bound.
    BoundExceeded {
        /// The length read.
        len: u64,
        /// The bound.
        bound: u64,
    },
    /// A `bool` byte other than 0 or 1.
    InvalidBool(u8),
    /// An `Option` tag other than 0 or 1.
    InvalidOptionTag(u8),
    /// Text that is not UTF-8.
    InvalidUtf8,
    /// An enum value or variant tag the type does not declare.
    UnknownVariant(u32),
    /// Map keys not in strictly increasing order (duplicates included).
    MapKeysOutOfOrder,
    /// A right index past the end of the table.
    RightIndexOutOfRange {
        /// The index read.
        index: u32,
        /// The number of rights the message carried.
        count: usize,
    },
    /// A right index claimed a second time.
    RightClaimedTwice {
        /// The index read.
        index: u32,
    },
    /// A right of another kind than the type declares.
    WrongRightKind {
        /// The index read.
        index: u32,
        /// What the type declares.
        expected: RightKind,
        /// What the message carried.
        found: RightKind,
    },
    /// An endpoint of another protocol or side than the type declares.
    WrongEndpoint {
        /// The protocol side the type declares.
        expected: String,
    },
    /// Bytes left after the value.
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// Rights the value did not claim.
    UnclaimedRights {
        /// How many.
        count: usize,
    },
    /// Options, boxes, sequences or maps nested deeper than
    /// [`MAX_DEPTH`](crate::wire::MAX_DEPTH).
    TooDeep,
    /// A `#[mach(serde)]` value that its serde impl rejected.
    Serde(String),
}

/// A decoding failure: what, and where in the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    /// Innermost segment first while unwinding; reversed for display.
    path: Vec<PathSegment>,
}

impl DecodeError {
    /// An error of `kind` at the current position.
    pub fn new(kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            kind,
            path: Vec::new(),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.kind
    }

    /// Where, outermost segment first.
    pub fn path(&self) -> Vec<PathSegment> {
        self.path.iter().rev().cloned().collect()
    }

    /// The path rendered as `.field[3]::Variant`.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                PathSegment::Field(name) => {
                    out.push('.');
                    out.push_str(name);
                }
                PathSegment::Position(index) => out.push_str(&format!(".{index}")),
                PathSegment::Index(index) => out.push_str(&format!("[{index}]")),
                PathSegment::Variant(name) => {
                    out.push_str("::");
                    out.push_str(name);
                }
            }
        }
        out
    }

    /// Adds an enclosing path segment (called while the error propagates out).
    #[must_use]
    pub fn within(mut self, segment: PathSegment) -> DecodeError {
        self.path.push(segment);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path_string();
        if !path.is_empty() {
            write!(f, "at `{path}`: ")?;
        }
        match &self.kind {
            DecodeErrorKind::Truncated { needed, remaining } => {
                write!(
                    f,
                    "message truncated: {needed} bytes needed, {remaining} left"
                )
            }
            DecodeErrorKind::LengthTooLarge { len, max } => {
                write!(
                    f,
                    "length {len} is more than the remaining bytes allow ({max})"
                )
            }
            DecodeErrorKind::BoundExceeded { len, bound } => {
                write!(f, "length {len} exceeds the bound {bound}")
            }
            DecodeErrorKind::InvalidBool(byte) => write!(f, "invalid bool byte {byte}"),
            DecodeErrorKind::InvalidOptionTag(byte) => write!(f, "invalid option tag {byte}"),
            DecodeErrorKind::InvalidUtf8 => write!(f, "text is not UTF-8"),
            DecodeErrorKind::UnknownVariant(tag) => write!(f, "undeclared enum value {tag}"),
            DecodeErrorKind::MapKeysOutOfOrder => write!(f, "map keys are not strictly increasing"),
            DecodeErrorKind::RightIndexOutOfRange { index, count } => {
                write!(
                    f,
                    "right index {index} out of range ({count} rights carried)"
                )
            }
            DecodeErrorKind::RightClaimedTwice { index } => {
                write!(f, "right index {index} claimed twice")
            }
            DecodeErrorKind::WrongRightKind {
                index,
                expected,
                found,
            } => write!(f, "right {index} is a {found}, expected a {expected}"),
            DecodeErrorKind::WrongEndpoint { expected } => {
                write!(f, "endpoint is not a `{expected}`")
            }
            DecodeErrorKind::TrailingBytes { count } => write!(f, "{count} bytes after the value"),
            DecodeErrorKind::UnclaimedRights { count } => {
                write!(f, "{count} rights carried but not claimed by the value")
            }
            DecodeErrorKind::TooDeep => write!(f, "value nested too deeply"),
            DecodeErrorKind::Serde(message) => write!(f, "serde value rejected: {message}"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a value could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A string, bytes or sequence longer than its declared bound.
    BoundExceeded {
        /// Its length.
        len: u64,
        /// The bound.
        bound: u64,
    },
    /// A length that does not fit the wire's `u32` length prefix.
    TooLong {
        /// Its length.
        len: u64,
    },
    /// More rights than a message can index.
    TooManyRights,
    /// A `#[mach(serde)]` value whose serde impl failed.
    Serde(String),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BoundExceeded { len, bound } => {
                write!(f, "length {len} exceeds the bound {bound}")
            }
            EncodeError::TooLong { len } => write!(f, "length {len} does not fit in 32 bits"),
            EncodeError::TooManyRights => write!(f, "too many rights for one message"),
            EncodeError::Serde(message) => write!(f, "serde value cannot be encoded: {message}"),
        }
    }
}

impl std::error::Error for EncodeError {}
