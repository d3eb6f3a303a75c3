//! Integers, floats and `bool`: little-endian at their width.

use crate::wire::{DecodeError, DecodeErrorKind, Decoder, EncodeError, Encoder, MachMessage};

macro_rules! little_endian {
    ($($ty:ty),*) => {$(
        impl MachMessage for $ty {
            const MIN_ENCODED_SIZE: usize = size_of::<$ty>();

            #[inline]
            fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
                encoder.put_bytes(&self.to_le_bytes());
                Ok(())
            }

            #[inline]
            fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                Ok(<$ty>::from_le_bytes(decoder.take_array()?))
            }

            // Sequences of fixed-width values move as one block: one bounds
            // check and one reservation instead of one per element.
            fn encode_elements(items: Vec<$ty>, encoder: &mut Encoder) -> Result<(), EncodeError> {
                encoder.reserve(items.len() * size_of::<$ty>());
                for item in items {
                    encoder.put_bytes(&item.to_le_bytes());
                }
                Ok(())
            }

            fn decode_elements(len: usize, decoder: &mut Decoder<'_>) -> Result<Vec<$ty>, DecodeError> {
                let bytes = decoder.take_bytes(len * size_of::<$ty>())?;
                Ok(bytes
                    .chunks_exact(size_of::<$ty>())
                    .map(|chunk| {
                        let mut raw = [0u8; size_of::<$ty>()];
                        raw.copy_from_slice(chunk);
                        <$ty>::from_le_bytes(raw)
                    })
                    .collect())
            }
        }
    )*};
}

little_endian!(u16, u32, u64, u128, i8, i16, i32, i64, i128, f32, f64);

impl MachMessage for u8 {
    const MIN_ENCODED_SIZE: usize = 1;

    #[inline]
    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        encoder.put_u8(self);
        Ok(())
    }

    #[inline]
    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        decoder.take_u8()
    }

    fn encode_elements(items: Vec<u8>, encoder: &mut Encoder) -> Result<(), EncodeError> {
        encoder.put_bytes(&items);
        Ok(())
    }

    fn decode_elements(len: usize, decoder: &mut Decoder<'_>) -> Result<Vec<u8>, DecodeError> {
        Ok(decoder.take_bytes(len)?.to_vec())
    }
}

impl MachMessage for bool {
    const MIN_ENCODED_SIZE: usize = 1;

    #[inline]
    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        encoder.put_u8(u8::from(self));
        Ok(())
    }

    #[inline]
    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        match decoder.take_u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::new(DecodeErrorKind::InvalidBool(other))),
        }
    }
}

impl MachMessage for () {
    const MIN_ENCODED_SIZE: usize = 0;

    fn encode(self, _: &mut Encoder) -> Result<(), EncodeError> {
        Ok(())
    }

    fn decode(_: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok(())
    }
}
