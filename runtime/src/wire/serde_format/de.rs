//! The reading half of the format; the encoding is described in the parent
//! module. Input is hostile: every read is bounds-checked, every length is
//! checked before anything is sized from it, and every nesting level is
//! counted.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::{MAX_DEPTH, SerdeError, SerdeErrorKind};

pub(super) fn deserialize<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, SerdeError> {
    let mut deserializer = Deserializer {
        input: bytes,
        total: bytes.len(),
        depth: 0,
        element_budget: bytes.len(),
    };
    let value = T::deserialize(&mut deserializer)?;
    if !deserializer.input.is_empty() {
        return Err(SerdeError::new(
            SerdeErrorKind::TrailingBytes,
            format!(
                "{} bytes left over after the value, at offset {}",
                deserializer.input.len(),
                deserializer.offset()
            ),
        ));
    }
    Ok(value)
}

#[derive(Debug)]
struct Deserializer<'de> {
    /// What is left to read.
    input: &'de [u8],
    /// The whole input's length, for offsets in messages.
    total: usize,
    /// Levels entered; see `MAX_DEPTH`.
    depth: usize,
    /// Seq elements and map entries still allowed. It starts at the input
    /// length so that elements which encode to zero bytes cannot multiply:
    /// total work and memory stay linear in the input.
    element_budget: usize,
}

impl<'de> Deserializer<'de> {
    fn offset(&self) -> usize {
        self.total - self.input.len()
    }

    fn truncated(&self, needed: usize) -> SerdeError {
        SerdeError::new(
            SerdeErrorKind::Truncated,
            format!(
                "input ends at offset {}: {needed} bytes needed, {} left",
                self.offset(),
                self.input.len()
            ),
        )
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], SerdeError> {
        match self.input.split_first_chunk::<N>() {
            Some((head, rest)) => {
                self.input = rest;
                Ok(*head)
            }
            None => Err(self.truncated(N)),
        }
    }

    fn read_u8(&mut self) -> Result<u8, SerdeError> {
        self.take_array::<1>().map(|[b]| b)
    }

    fn read_u32(&mut self) -> Result<u32, SerdeError> {
        self.take_array().map(u32::from_le_bytes)
    }

    /// Reads a length-prefixed string or byte string, borrowed from the input.
    fn read_bytes(&mut self, what: &str) -> Result<&'de [u8], SerdeError> {
        let at = self.offset();
        let len = self.read_u32()?;
        // Checked before taking so that the error names the bogus length
        // rather than looking like an ordinary truncation.
        match usize::try_from(len)
            .ok()
            .and_then(|len| self.input.split_at_checked(len))
        {
            Some((head, rest)) => {
                self.input = rest;
                Ok(head)
            }
            None => Err(SerdeError::new(
                SerdeErrorKind::LengthTooLarge,
                format!(
                    "{what} at offset {at} claims {len} bytes but only {} remain",
                    self.input.len()
                ),
            )),
        }
    }

    fn read_str(&mut self) -> Result<&'de str, SerdeError> {
        let at = self.offset();
        let bytes = self.read_bytes("string")?;
        std::str::from_utf8(bytes).map_err(|e| {
            SerdeError::new(
                SerdeErrorKind::InvalidUtf8,
                format!("string at offset {at} is not UTF-8: {e}"),
            )
        })
    }

    /// Reads a seq or map count and charges it to the element budget, before
    /// any visitor can size an allocation from it.
    fn read_count(&mut self, what: &str) -> Result<usize, SerdeError> {
        let at = self.offset();
        let count = self.read_u32()?;
        match usize::try_from(count) {
            Ok(count) if count <= self.element_budget => {
                self.element_budget -= count;
                Ok(count)
            }
            _ => Err(SerdeError::new(
                SerdeErrorKind::LengthTooLarge,
                format!(
                    "{what} at offset {at} claims {count} elements; a message of {} bytes may \
                     declare at most {} more",
                    self.total, self.element_budget
                ),
            )),
        }
    }

    fn enter(&mut self) -> Result<(), SerdeError> {
        if self.depth >= MAX_DEPTH {
            return Err(SerdeError::new(
                SerdeErrorKind::TooDeep,
                format!(
                    "nesting deeper than {MAX_DEPTH} levels at offset {}",
                    self.offset()
                ),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// Hands `count` elements to `visitor` and checks it took them all: a
    /// visitor that stops early would leave the rest to be misread as
    /// whatever follows.
    fn visit_elements<V: Visitor<'de>>(
        &mut self,
        count: usize,
        visitor: V,
        map: bool,
    ) -> Result<V::Value, SerdeError> {
        let mut access = Elements {
            de: self,
            left: count,
        };
        let value = if map {
            visitor.visit_map(&mut access)?
        } else {
            visitor.visit_seq(&mut access)?
        };
        if access.left != 0 {
            return Err(SerdeError::new(
                SerdeErrorKind::Custom,
                format!(
                    "the visitor read only {} of {count} elements",
                    count - access.left
                ),
            ));
        }
        Ok(value)
    }
}

/// Evaluates `$body` one level deeper. The level is given back even when
/// `$body` fails, in case a `Deserialize` impl recovers from the error. A
/// macro rather than a closure-taking method: in debug builds every extra
/// frame per level costs stack, and stack is what the depth limit protects.
macro_rules! nested {
    ($de:ident, $body:expr) => {{
        $de.enter()?;
        let result = $body;
        $de.depth -= 1;
        result
    }};
}

/// `SeqAccess` and `MapAccess` over a known number of elements.
#[derive(Debug)]
struct Elements<'a, 'de> {
    de: &'a mut Deserializer<'de>,
    left: usize,
}

impl Elements<'_, '_> {
    /// Never more elements than bytes remain, so a preallocation sized from
    /// the hint is bounded by the input actually present.
    fn hint(&self) -> Option<usize> {
        Some(self.left.min(self.de.input.len()))
    }
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de> {
    type Error = SerdeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, SerdeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        self.hint()
    }
}

impl<'de> de::MapAccess<'de> for Elements<'_, 'de> {
    type Error = SerdeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, SerdeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.de).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, SerdeError> {
        seed.deserialize(&mut *self.de)
    }

    fn size_hint(&self) -> Option<usize> {
        self.hint()
    }
}

macro_rules! read_le {
    ($($method:ident: $ty:ty => $visit:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
                visitor.$visit(<$ty>::from_le_bytes(self.take_array()?))
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for &mut Deserializer<'de> {
    type Error = SerdeError;

    read_le! {
        deserialize_u8: u8 => visit_u8, deserialize_u16: u16 => visit_u16,
        deserialize_u32: u32 => visit_u32, deserialize_u64: u64 => visit_u64,
        deserialize_u128: u128 => visit_u128,
        deserialize_i8: i8 => visit_i8, deserialize_i16: i16 => visit_i16,
        deserialize_i32: i32 => visit_i32, deserialize_i64: i64 => visit_i64,
        deserialize_i128: i128 => visit_i128,
        deserialize_f32: f32 => visit_f32, deserialize_f64: f64 => visit_f64,
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, SerdeError> {
        Err(unsupported(
            "deserialize_any (untagged enums, flatten, ...)",
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, SerdeError> {
        Err(unsupported("deserialize_ignored_any"))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.read_u8()? {
            0 => visitor.visit_bool(false),
            1 => visitor.visit_bool(true),
            b => Err(SerdeError::new(
                SerdeErrorKind::InvalidBool,
                format!("bool byte {b} at offset {}", self.offset() - 1),
            )),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        let v = self.read_u32()?;
        match char::from_u32(v) {
            Some(c) => visitor.visit_char(c),
            None => Err(SerdeError::new(
                SerdeErrorKind::InvalidChar,
                format!(
                    "{v:#x} at offset {} is not a Unicode scalar value",
                    self.offset() - 4
                ),
            )),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_borrowed_str(self.read_str()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_borrowed_str(self.read_str()?)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_borrowed_bytes(self.read_bytes("byte string")?)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_borrowed_bytes(self.read_bytes("byte string")?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        match self.read_u8()? {
            0 => visitor.visit_none(),
            1 => nested!(self, visitor.visit_some(&mut *self)),
            tag => Err(SerdeError::new(
                SerdeErrorKind::InvalidTag,
                format!("option tag {tag} at offset {}", self.offset() - 1),
            )),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        nested!(self, visitor.visit_newtype_struct(&mut *self))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        let count = self.read_count("seq")?;
        nested!(self, self.visit_elements(count, visitor, false))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        nested!(self, self.visit_elements(len, visitor, false))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        nested!(self, self.visit_elements(len, visitor, false))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        let count = self.read_count("map")?;
        nested!(self, self.visit_elements(count, visitor, true))
    }

    /// Fields are read by position, as a seq, so no field names are needed.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        nested!(self, self.visit_elements(fields.len(), visitor, false))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        nested!(self, visitor.visit_enum(&mut *self))
    }

    /// Identifiers only arise for variant names and struct field names; both
    /// travel as indices here, so an identifier is a `u32` index.
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, SerdeError> {
        visitor.visit_u32(self.read_u32()?)
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

/// The enum itself was counted as a level by `deserialize_enum`; its payload
/// is read in place without another level, matching the writer.
impl<'de> de::EnumAccess<'de> for &mut Deserializer<'de> {
    type Error = SerdeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), SerdeError> {
        let index = self.read_u32()?;
        // Derived variant identifiers accept an integer index; an unknown one
        // becomes their own (custom) error.
        let value = seed.deserialize(index.into_deserializer())?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for &mut Deserializer<'de> {
    type Error = SerdeError;

    fn unit_variant(self) -> Result<(), SerdeError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, SerdeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        self.visit_elements(len, visitor, false)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, SerdeError> {
        self.visit_elements(fields.len(), visitor, false)
    }
}

fn unsupported(what: &str) -> SerdeError {
    SerdeError::new(
        SerdeErrorKind::Unsupported,
        format!("{what} needs a self-describing format, which this is not"),
    )
}
