//! Values that travel through their serde impls (`#[mach(serde)]` fields and
//! `[Serde] using` types): a `u32` length, then the value in the runtime's
//! compact serde format. Serde values are plain data: the format has no way
//! to express a right.

use serde::{Deserialize, Serialize};

use crate::wire::serde_format;
use crate::wire::{DecodeError, DecodeErrorKind, Decoder, EncodeError, Encoder};

/// Encodes `value` through its `Serialize` impl.
pub fn encode<T: Serialize + ?Sized>(value: &T, encoder: &mut Encoder) -> Result<(), EncodeError> {
    let mut bytes = Vec::new();
    serde_format::to_bytes(value, &mut bytes).map_err(|e| EncodeError::Serde(e.to_string()))?;
    encoder.put_len(bytes.len())?;
    encoder.put_bytes(&bytes);
    Ok(())
}

/// Decodes a value through its `Deserialize` impl.
pub fn decode<T: for<'de> Deserialize<'de>>(decoder: &mut Decoder<'_>) -> Result<T, DecodeError> {
    let len = decoder.take_len(1)?;
    let bytes = decoder.take_bytes(len)?;
    serde_format::from_bytes(bytes)
        .map_err(|e| DecodeError::new(DecodeErrorKind::Serde(e.to_string())))
}
