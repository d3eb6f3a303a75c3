//! Writing plain bytes and the table of rights.

use super::MachMessage;
use super::error::EncodeError;
use crate::right::Right;

/// Collects a message's plain bytes and its rights while values encode
/// themselves into it.
#[derive(Debug, Default)]
pub struct Encoder {
    bytes: Vec<u8>,
    rights: Vec<Right>,
    /// A bound declared on the field being encoded, applied to the next
    /// length prefix written inside it.
    pending_bound: Option<u64>,
}

impl Encoder {
    /// An empty encoder.
    pub fn new() -> Encoder {
        Encoder::default()
    }

    /// The bytes and rights written so far.
    pub fn finish(self) -> (Vec<u8>, Vec<Right>) {
        (self.bytes, self.rights)
    }

    /// Makes room for `additional` more bytes.
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        self.bytes.reserve(additional);
    }

    /// Appends raw bytes.
    #[inline]
    pub fn put_bytes(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Appends one byte.
    #[inline]
    pub fn put_u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// Appends a `u32` little-endian.
    #[inline]
    pub fn put_u32(&mut self, value: u32) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    /// Appends a length prefix, checking it against the pending bound.
    pub fn put_len(&mut self, len: usize) -> Result<(), EncodeError> {
        let len64 = len as u64;
        if let Some(bound) = self.pending_bound.take() {
            if len64 > bound {
                return Err(EncodeError::BoundExceeded { len: len64, bound });
            }
        }
        let prefix = u32::try_from(len).map_err(|_| EncodeError::TooLong { len: len64 })?;
        self.put_u32(prefix);
        Ok(())
    }

    /// Moves `right` into the table and writes its index.
    pub fn put_right(&mut self, right: Right) -> Result<(), EncodeError> {
        let index = u32::try_from(self.rights.len()).map_err(|_| EncodeError::TooManyRights)?;
        self.rights.push(right);
        self.put_u32(index);
        Ok(())
    }

    /// Encodes `encode` with `bound` applying to the first length prefix it
    /// writes (the field's own string, bytes or sequence length).
    pub fn with_bound(
        &mut self,
        bound: u64,
        encode: impl FnOnce(&mut Encoder) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        self.pending_bound = Some(bound);
        let result = encode(self);
        // A `None` option writes no length: the bound must not leak into the
        // next field.
        self.pending_bound = None;
        result
    }

    /// Encodes one field of a struct. The generated `MachMessage` impls
    /// call this rather than spelling out the trait path each time.
    #[inline]
    pub fn field<T: MachMessage>(&mut self, value: T) -> Result<(), EncodeError> {
        value.encode(self)
    }

    /// Encodes one field whose outer length is at most `bound`.
    #[inline]
    pub fn bounded_field<T: MachMessage>(
        &mut self,
        bound: u64,
        value: T,
    ) -> Result<(), EncodeError> {
        self.with_bound(bound, |encoder| value.encode(encoder))
    }
}
