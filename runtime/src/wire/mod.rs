//! The wire layer: values to plain bytes plus a table of rights, and back.
//!
//! ```
//! use machproto_macros::MachMessage;
//! use machproto_runtime::wire::{self, Message};
//!
//! #[derive(Debug, PartialEq, MachMessage)]
//! struct Resize {
//!     #[mach(bound = 64)]
//!     name: String,
//!     size: [u32; 2],
//!     pixels: Option<Vec<u8>>,
//! }
//!
//! let message: Message = wire::encode(Resize {
//!     name: "main".into(),
//!     size: [640, 480],
//!     pixels: None,
//! })?;
//! let back: Resize = wire::decode(message)?;
//! assert_eq!(back.size, [640, 480]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Message layout
//!
//! Plain data is little-endian and compact: integers and floats at their
//! width, `bool` and `Option` tags one byte, lengths of strings, bytes,
//! sequences and maps a `u32`, enum values and union tags a `u32`, arrays,
//! tuples and structs their elements in order with nothing between. A right
//! is a `u32` index into the message's table of rights, which travels beside
//! the bytes (port descriptors on Mach, `SCM_RIGHTS` on Linux), never inside
//! them.
//!
//! # Decoding is validation
//!
//! [`decode`] accepts only what the type declares: every right index is
//! claimed at most once and must have the declared kind (a
//! [`ReceiveRight`](crate::ReceiveRight) field accepts only a receive right),
//! bounds are checked, enum values must be declared, text must be UTF-8, map
//! keys strictly increasing, and no byte or right may be left over. A length
//! prefix is checked against the bytes that remain before anything is
//! allocated, so a 2^32 length is an error, not an allocation. Errors say
//! what went wrong and where ([`DecodeError::path_string`]).
//!
//! # Ownership on failure
//!
//! Every right a message carries is released exactly once, whatever happens.
//! Decoding moves the table into the [`Decoder`]; a field that claims a right
//! owns it from then on. When decoding fails, the partly built value is
//! dropped as the error propagates — releasing the rights already claimed —
//! and the decoder is dropped — releasing the rights never reached. A right
//! of the wrong kind is released when it is rejected. There is no other copy
//! of a right anywhere (no side tables), so nothing is released twice.

mod decoder;
mod encoder;
mod error;
mod impls;
pub mod nested;
pub mod serde_format;

pub use decoder::{Decoder, MAX_DEPTH, MAX_ZERO_SIZED_ELEMENTS};
pub use encoder::Encoder;
pub use error::{DecodeError, DecodeErrorKind, EncodeError, PathSegment};
pub use impls::serde_field;

use crate::right::Right;

/// A value that travels in messages: plain bytes plus rights.
///
/// Derive it with `#[derive(MachMessage)]`; it is implemented for the
/// integer and float types, `bool`, `String`, `Vec<T>`, `[T; N]`,
/// `BTreeMap<K, V>`, `Option<T>`, tuples, and the right types.
pub trait MachMessage: Sized {
    /// The fewest bytes an encoded value takes; decoders use it to reject
    /// length prefixes the remaining bytes cannot hold.
    const MIN_ENCODED_SIZE: usize;

    /// Moves `self` into `encoder`: bytes appended, rights moved to the table.
    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError>;

    /// Reads a value, claiming the rights it holds.
    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError>;

    /// Encodes a sequence's elements; `u8` overrides this to copy bytes.
    #[doc(hidden)]
    fn encode_elements(items: Vec<Self>, encoder: &mut Encoder) -> Result<(), EncodeError> {
        for item in items {
            item.encode(encoder)?;
        }
        Ok(())
    }

    /// Decodes `len` elements (already checked against the remaining bytes);
    /// `u8` overrides this to copy bytes.
    #[doc(hidden)]
    fn decode_elements(len: usize, decoder: &mut Decoder<'_>) -> Result<Vec<Self>, DecodeError> {
        let mut items = Vec::with_capacity(len);
        for index in 0..len {
            items.push(Self::decode(decoder).map_err(|e| e.within(PathSegment::Index(index)))?);
        }
        Ok(items)
    }
}

/// Types a `#[mach(bound = N)]` can limit: strings, byte and element
/// sequences, maps, and options of those.
#[diagnostic::on_unimplemented(
    message = "`#[mach(bound = N)]` needs a string, bytes, sequence or map field, not `{Self}`",
    label = "this field has no length to bound"
)]
pub trait Bounded: MachMessage {}

/// A message as it travels: plain bytes and the table of rights.
#[derive(Debug, Default)]
pub struct Message {
    /// Plain data.
    pub bytes: Vec<u8>,
    /// Rights, indexed from the bytes.
    pub rights: Vec<Right>,
}

/// Encodes `value` into a message.
pub fn encode<T: MachMessage>(value: T) -> Result<Message, EncodeError> {
    let mut encoder = Encoder::new();
    value.encode(&mut encoder)?;
    let (bytes, rights) = encoder.finish();
    Ok(Message { bytes, rights })
}

/// Decodes a whole message as a `T`: every byte used, every right claimed.
pub fn decode<T: MachMessage>(message: Message) -> Result<T, DecodeError> {
    let mut decoder = Decoder::new(&message.bytes, message.rights);
    let value = T::decode(&mut decoder)?;
    decoder.finish()?;
    Ok(value)
}

/// Used by `#[derive(MachMessage)]` to point a misplaced `bound` at its field.
#[doc(hidden)]
pub fn __assert_bounded<T: Bounded>() {}
