//! Reading plain bytes and claiming rights, hostile-input safe.

use super::MachMessage;
use super::error::{DecodeError, DecodeErrorKind, PathSegment};
use crate::right::{Right, RightKind};

/// Sequences of zero-sized elements carry no bytes, so the remaining input
/// cannot limit their length; this does, so a length prefix cannot make the
/// receiver loop for billions of elements.
pub const MAX_ZERO_SIZED_ELEMENTS: usize = 1 << 16;

/// How deeply options, boxes, sequences and maps may nest in one message.
/// Recursive types recurse through exactly these, so the limit keeps a
/// hostile message from exhausting the receiver's stack.
pub const MAX_DEPTH: usize = 128;

/// Reads a message's plain bytes and hands out its rights, each at most once.
///
/// Dropping a decoder drops every right nobody claimed, so on any failure
/// the rights not yet reached are released; the ones already claimed belong
/// to partly built values, which release them as the error propagates.
#[derive(Debug)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    position: usize,
    rights: Vec<Option<Right>>,
    unclaimed: usize,
    pending_bound: Option<u64>,
    depth: usize,
}

impl<'a> Decoder<'a> {
    /// A decoder over `bytes` with the table `rights`.
    pub fn new(bytes: &'a [u8], rights: Vec<Right>) -> Decoder<'a> {
        let unclaimed = rights.len();
        Decoder {
            bytes,
            position: 0,
            rights: rights.into_iter().map(Some).collect(),
            unclaimed,
            pending_bound: None,
            depth: 0,
        }
    }

    /// Bytes not read yet.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.position
    }

    /// Rights not claimed yet.
    pub fn unclaimed_rights(&self) -> usize {
        self.unclaimed
    }

    /// Takes the next `len` bytes.
    #[inline]
    pub fn take_bytes(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let remaining = self.remaining();
        if len > remaining {
            return Err(DecodeError::new(DecodeErrorKind::Truncated {
                needed: len,
                remaining,
            }));
        }
        let start = self.position;
        self.position += len;
        Ok(&self.bytes[start..start + len])
    }

    /// Takes `N` bytes as an array.
    #[inline]
    pub fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let bytes = self.take_bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    /// Takes one byte.
    #[inline]
    pub fn take_u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take_array::<1>()?[0])
    }

    /// Takes a `u32` little-endian.
    #[inline]
    pub fn take_u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.take_array()?))
    }

    /// Takes a length prefix for elements that each need at least
    /// `min_element_size` bytes, checking the pending bound and that the
    /// remaining bytes can hold that many elements — before anything is
    /// allocated.
    pub fn take_len(&mut self, min_element_size: usize) -> Result<usize, DecodeError> {
        let bound = self.pending_bound.take();
        let len = self.take_u32()? as usize;
        if let Some(bound) = bound {
            if len as u64 > bound {
                return Err(DecodeError::new(DecodeErrorKind::BoundExceeded {
                    len: len as u64,
                    bound,
                }));
            }
        }
        let max = self
            .remaining()
            .checked_div(min_element_size)
            .unwrap_or(MAX_ZERO_SIZED_ELEMENTS);
        if len > max {
            return Err(DecodeError::new(DecodeErrorKind::LengthTooLarge {
                len: len as u64,
                max: max as u64,
            }));
        }
        Ok(len)
    }

    /// Reads a right index and claims that right, which must be of kind
    /// `expected`. A right of the wrong kind is released right away.
    pub fn claim_right(&mut self, expected: RightKind) -> Result<Right, DecodeError> {
        let index = self.take_u32()?;
        let count = self.rights.len();
        let slot = self.rights.get_mut(index as usize).ok_or_else(|| {
            DecodeError::new(DecodeErrorKind::RightIndexOutOfRange { index, count })
        })?;
        let right = slot
            .take()
            .ok_or_else(|| DecodeError::new(DecodeErrorKind::RightClaimedTwice { index }))?;
        self.unclaimed -= 1;
        let found = right.kind();
        if found != expected {
            return Err(DecodeError::new(DecodeErrorKind::WrongRightKind {
                index,
                expected,
                found,
            }));
        }
        Ok(right)
    }

    /// Decodes `decode` with `bound` applying to the first length prefix it
    /// reads.
    pub fn with_bound<T>(
        &mut self,
        bound: u64,
        decode: impl FnOnce(&mut Decoder<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.pending_bound = Some(bound);
        let result = decode(self);
        self.pending_bound = None;
        result
    }

    /// Runs `decode` one nesting level deeper, failing past [`MAX_DEPTH`].
    #[inline]
    pub fn nested<T>(
        &mut self,
        decode: impl FnOnce(&mut Decoder<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::new(DecodeErrorKind::TooDeep));
        }
        self.depth += 1;
        let result = decode(self);
        self.depth -= 1;
        result
    }

    /// Decodes the struct field `name`; an error says it happened there.
    /// The generated `MachMessage` impls read each field with this (or
    /// one of the two below), so that each one is a short line.
    #[inline]
    pub fn field<T: MachMessage>(&mut self, name: &'static str) -> Result<T, DecodeError> {
        T::decode(self).map_err(|error| error.within(PathSegment::Field(name)))
    }

    /// As [`field`](Decoder::field), for a field whose outer length is at
    /// most `bound`.
    #[inline]
    pub fn bounded_field<T: MachMessage>(
        &mut self,
        name: &'static str,
        bound: u64,
    ) -> Result<T, DecodeError> {
        self.with_bound(bound, T::decode)
            .map_err(|error| error.within(PathSegment::Field(name)))
    }

    /// Decodes the struct field `name` with `decode` (a nested bound or a
    /// serde value); an error says it happened there.
    #[inline]
    pub fn field_with<T>(
        &mut self,
        name: &'static str,
        decode: impl FnOnce(&mut Decoder<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        decode(self).map_err(|error| error.within(PathSegment::Field(name)))
    }

    /// Decodes the payload of the union variant `name` with `decode`; an
    /// error says it happened there.
    #[inline]
    pub fn variant_with<T>(
        &mut self,
        name: &'static str,
        decode: impl FnOnce(&mut Decoder<'a>) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        decode(self).map_err(|error| error.within(PathSegment::Variant(name)))
    }

    /// Checks that the value used every byte and claimed every right.
    pub fn finish(self) -> Result<(), DecodeError> {
        if self.remaining() > 0 {
            return Err(DecodeError::new(DecodeErrorKind::TrailingBytes {
                count: self.remaining(),
            }));
        }
        if self.unclaimed > 0 {
            return Err(DecodeError::new(DecodeErrorKind::UnclaimedRights {
                count: self.unclaimed,
            }));
        }
        Ok(())
    }
}
