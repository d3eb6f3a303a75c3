//! Strings, sequences, arrays, maps and options.

use std::collections::BTreeMap;

use crate::wire::{
    Bounded, DecodeError, DecodeErrorKind, Decoder, EncodeError, Encoder, MachMessage, PathSegment,
};

impl MachMessage for String {
    const MIN_ENCODED_SIZE: usize = 4;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        encoder.put_len(self.len())?;
        encoder.put_bytes(self.as_bytes());
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let len = decoder.take_len(1)?;
        let bytes = decoder.take_bytes(len)?;
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(DecodeError::new(DecodeErrorKind::InvalidUtf8)),
        }
    }
}

impl<T: MachMessage> MachMessage for Vec<T> {
    const MIN_ENCODED_SIZE: usize = 4;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        encoder.put_len(self.len())?;
        T::encode_elements(self, encoder)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let len = decoder.take_len(T::MIN_ENCODED_SIZE)?;
        decoder.nested(|decoder| T::decode_elements(len, decoder))
    }
}

impl<T: MachMessage, const N: usize> MachMessage for [T; N] {
    const MIN_ENCODED_SIZE: usize = T::MIN_ENCODED_SIZE.saturating_mul(N);

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        for item in self {
            item.encode(encoder)?;
        }
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let needed = Self::MIN_ENCODED_SIZE;
        let remaining = decoder.remaining();
        if needed > remaining {
            return Err(DecodeError::new(DecodeErrorKind::Truncated {
                needed,
                remaining,
            }));
        }
        let items = T::decode_elements(N, decoder)?;
        // `decode_elements` returned exactly `N` items, so this cannot fail;
        // the error arm keeps it panic-free all the same.
        items
            .try_into()
            .map_err(|_| DecodeError::new(DecodeErrorKind::Truncated { needed, remaining }))
    }
}

impl<K: MachMessage + Ord, V: MachMessage> MachMessage for BTreeMap<K, V> {
    const MIN_ENCODED_SIZE: usize = 4;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        encoder.put_len(self.len())?;
        for (key, value) in self {
            key.encode(encoder)?;
            value.encode(encoder)?;
        }
        Ok(())
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let entry_size = K::MIN_ENCODED_SIZE.saturating_add(V::MIN_ENCODED_SIZE);
        let len = decoder.take_len(entry_size)?;
        decoder.nested(|decoder| decode_entries(len, decoder))
    }
}

fn decode_entries<K: MachMessage + Ord, V: MachMessage>(
    len: usize,
    decoder: &mut Decoder<'_>,
) -> Result<BTreeMap<K, V>, DecodeError> {
    {
        let mut map = BTreeMap::new();
        for index in 0..len {
            let at = |e: DecodeError| e.within(PathSegment::Index(index));
            let key = K::decode(decoder).map_err(at)?;
            let value = V::decode(decoder).map_err(at)?;
            // Canonical order: a repeated key would otherwise silently
            // replace (and drop) an earlier value.
            if map.last_key_value().is_some_and(|(last, _)| *last >= key) {
                return Err(at(DecodeError::new(DecodeErrorKind::MapKeysOutOfOrder)));
            }
            map.insert(key, value);
        }
        Ok(map)
    }
}

impl<T: MachMessage> MachMessage for Option<T> {
    const MIN_ENCODED_SIZE: usize = 1;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        match self {
            None => {
                encoder.put_u8(0);
                Ok(())
            }
            Some(value) => {
                encoder.put_u8(1);
                value.encode(encoder)
            }
        }
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        match decoder.take_u8()? {
            0 => Ok(None),
            1 => Ok(Some(decoder.nested(T::decode)?)),
            other => Err(DecodeError::new(DecodeErrorKind::InvalidOptionTag(other))),
        }
    }
}

impl<T: MachMessage> MachMessage for Box<T> {
    const MIN_ENCODED_SIZE: usize = T::MIN_ENCODED_SIZE;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        (*self).encode(encoder)
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        decoder.nested(T::decode).map(Box::new)
    }
}

impl Bounded for String {}
impl<T: MachMessage> Bounded for Vec<T> {}
impl<K: MachMessage + Ord, V: MachMessage> Bounded for BTreeMap<K, V> {}
impl<T: Bounded> Bounded for Option<T> {}
impl<T: Bounded> Bounded for Box<T> {}

/// A reply that may fail (`-> (…) error E`): tag 0 and the value, or tag 1
/// and the error.
impl<T: MachMessage, E: MachMessage> MachMessage for Result<T, E> {
    const MIN_ENCODED_SIZE: usize = 1;

    fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
        match self {
            Ok(value) => {
                encoder.put_u8(0);
                value.encode(encoder)
            }
            Err(error) => {
                encoder.put_u8(1);
                error.encode(encoder)
            }
        }
    }

    fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        match decoder.take_u8()? {
            0 => Ok(Ok(decoder
                .nested(T::decode)
                .map_err(|e| e.within(PathSegment::Variant("Ok")))?)),
            1 => Ok(Err(decoder
                .nested(E::decode)
                .map_err(|e| e.within(PathSegment::Variant("Err")))?)),
            other => Err(DecodeError::new(DecodeErrorKind::UnknownVariant(
                u32::from(other),
            ))),
        }
    }
}
