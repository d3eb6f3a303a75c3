//! Codecs for collections whose elements need more than their
//! `MachMessage` impl: a bound inside a bound (`vec<string<64>, 8>`), which
//! generated code encodes by handing each element to a closure. The bytes
//! are exactly those of the plain impls; only the checks are added.

use std::collections::BTreeMap;

use super::{DecodeError, DecodeErrorKind, Decoder, EncodeError, Encoder, PathSegment};

/// Writes a sequence's length (checked against `bound`), then each item
/// with `each`.
pub fn encode_seq<T>(
    encoder: &mut Encoder,
    bound: Option<u64>,
    items: Vec<T>,
    mut each: impl FnMut(&mut Encoder, T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    put_len(encoder, bound, items.len())?;
    items.into_iter().try_for_each(|item| each(encoder, item))
}

/// Reads a sequence written by [`encode_seq`]; `min_size` is the fewest
/// bytes one item takes (checked against what remains before allocating).
pub fn decode_seq<T>(
    decoder: &mut Decoder<'_>,
    bound: Option<u64>,
    min_size: usize,
    mut each: impl FnMut(&mut Decoder<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let len = take_len(decoder, bound, min_size)?;
    decoder.nested(|decoder| {
        let mut items = Vec::with_capacity(len);
        for index in 0..len {
            items.push(each(decoder).map_err(|e| e.within(PathSegment::Index(index)))?);
        }
        Ok(items)
    })
}

/// Writes each of an array's items with `each` (no length: it is fixed).
pub fn encode_array<T, const N: usize>(
    encoder: &mut Encoder,
    items: [T; N],
    mut each: impl FnMut(&mut Encoder, T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    items.into_iter().try_for_each(|item| each(encoder, item))
}

/// Reads an array written by [`encode_array`].
pub fn decode_array<T, const N: usize>(
    decoder: &mut Decoder<'_>,
    min_size: usize,
    each: impl FnMut(&mut Decoder<'_>) -> Result<T, DecodeError>,
) -> Result<[T; N], DecodeError> {
    let needed = min_size.saturating_mul(N);
    let remaining = decoder.remaining();
    if needed > remaining {
        return Err(DecodeError::new(DecodeErrorKind::Truncated {
            needed,
            remaining,
        }));
    }
    let items = decode_items(decoder, N, each)?;
    items
        .try_into()
        .map_err(|_| DecodeError::new(DecodeErrorKind::Truncated { needed, remaining }))
}

fn decode_items<T>(
    decoder: &mut Decoder<'_>,
    len: usize,
    mut each: impl FnMut(&mut Decoder<'_>) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut items = Vec::with_capacity(len);
    for index in 0..len {
        items.push(each(decoder).map_err(|e| e.within(PathSegment::Index(index)))?);
    }
    Ok(items)
}

/// Writes a map's length (checked against `bound`), then each entry.
pub fn encode_map<K, V>(
    encoder: &mut Encoder,
    bound: Option<u64>,
    map: BTreeMap<K, V>,
    mut key: impl FnMut(&mut Encoder, K) -> Result<(), EncodeError>,
    mut value: impl FnMut(&mut Encoder, V) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    put_len(encoder, bound, map.len())?;
    for (k, v) in map {
        key(encoder, k)?;
        value(encoder, v)?;
    }
    Ok(())
}

/// Reads a map written by [`encode_map`]: keys strictly increasing, as the
/// plain impl requires.
pub fn decode_map<K: Ord, V>(
    decoder: &mut Decoder<'_>,
    bound: Option<u64>,
    min_size: usize,
    mut key: impl FnMut(&mut Decoder<'_>) -> Result<K, DecodeError>,
    mut value: impl FnMut(&mut Decoder<'_>) -> Result<V, DecodeError>,
) -> Result<BTreeMap<K, V>, DecodeError> {
    let len = take_len(decoder, bound, min_size)?;
    decoder.nested(|decoder| {
        let mut map = BTreeMap::new();
        for index in 0..len {
            let at = |e: DecodeError| e.within(PathSegment::Index(index));
            let k = key(decoder).map_err(at)?;
            let v = value(decoder).map_err(at)?;
            if map.last_key_value().is_some_and(|(last, _)| *last >= k) {
                return Err(at(DecodeError::new(DecodeErrorKind::MapKeysOutOfOrder)));
            }
            map.insert(k, v);
        }
        Ok(map)
    })
}

/// Writes an option, its value with `each`.
pub fn encode_option<T>(
    encoder: &mut Encoder,
    value: Option<T>,
    each: impl FnOnce(&mut Encoder, T) -> Result<(), EncodeError>,
) -> Result<(), EncodeError> {
    match value {
        None => {
            encoder.put_u8(0);
            Ok(())
        }
        Some(value) => {
            encoder.put_u8(1);
            each(encoder, value)
        }
    }
}

/// Reads an option written by [`encode_option`].
pub fn decode_option<T>(
    decoder: &mut Decoder<'_>,
    each: impl FnOnce(&mut Decoder<'_>) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    match decoder.take_u8()? {
        0 => Ok(None),
        1 => Ok(Some(decoder.nested(each)?)),
        other => Err(DecodeError::new(DecodeErrorKind::InvalidOptionTag(other))),
    }
}

fn put_len(encoder: &mut Encoder, bound: Option<u64>, len: usize) -> Result<(), EncodeError> {
    match bound {
        Some(bound) => encoder.with_bound(bound, |encoder| encoder.put_len(len)),
        None => encoder.put_len(len),
    }
}

fn take_len(
    decoder: &mut Decoder<'_>,
    bound: Option<u64>,
    min_size: usize,
) -> Result<usize, DecodeError> {
    match bound {
        Some(bound) => decoder.with_bound(bound, |decoder| decoder.take_len(min_size)),
        None => decoder.take_len(min_size),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{MachMessage, Message};

    fn names_encode(names: Vec<String>) -> Result<Message, EncodeError> {
        let mut encoder = Encoder::new();
        encode_seq(&mut encoder, Some(2), names, |e, name| {
            e.with_bound(3, |e| name.encode(e))
        })?;
        let (bytes, rights) = encoder.finish();
        Ok(Message { bytes, rights })
    }

    fn names_decode(message: Message) -> Result<Vec<String>, DecodeError> {
        let mut decoder = Decoder::new(&message.bytes, message.rights);
        let names = decode_seq(&mut decoder, Some(2), 4, |d| {
            d.with_bound(3, String::decode)
        })?;
        decoder.finish()?;
        Ok(names)
    }

    #[test]
    fn inner_and_outer_bounds_are_both_checked_and_the_bytes_are_the_plain_ones() {
        let names = vec!["ab".to_owned(), "cde".to_owned()];
        let message = names_encode(names.clone()).unwrap();
        assert_eq!(
            message.bytes,
            crate::wire::encode(names.clone()).unwrap().bytes
        );
        assert_eq!(names_decode(message).unwrap(), names);
        assert!(
            names_encode(vec!["abcd".into()]).is_err(),
            "inner bound on send"
        );
        assert!(
            names_encode(vec!["a".into(); 3]).is_err(),
            "outer bound on send"
        );
        // A peer that ignores the bounds is refused on receipt.
        let long = crate::wire::encode(vec!["abcd".to_owned()]).unwrap();
        assert!(names_decode(long).is_err(), "inner bound on receipt");
        let many = crate::wire::encode(vec!["a".to_owned(); 3]).unwrap();
        assert!(names_decode(many).is_err(), "outer bound on receipt");
    }
}
