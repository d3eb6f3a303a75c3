//! The writing half of the format; the encoding is described in the parent
//! module.

use serde::Serialize;
use serde::ser;

use super::{MAX_DEPTH, SerdeError, SerdeErrorKind};

/// Appends `value` to `out`; the caller truncates `out` on error.
pub(super) fn serialize<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), SerdeError> {
    let start = out.len();
    let mut serializer = Serializer {
        out,
        depth: 0,
        elements: 0,
    };
    value.serialize(&mut serializer)?;
    let written = serializer.out.len() - start;
    // The reader grants one seq element or map entry per byte of message;
    // refusing here tells the sender instead of having the receiver drop the
    // message as malformed.
    if serializer.elements > written {
        return Err(SerdeError::new(
            SerdeErrorKind::LengthTooLarge,
            format!(
                "{} seq elements and map entries in {written} bytes; a message may declare \
                 at most one per byte",
                serializer.elements
            ),
        ));
    }
    Ok(())
}

#[derive(Debug)]
struct Serializer<'a> {
    out: &'a mut Vec<u8>,
    /// Levels entered, counted exactly as the reader counts them so that
    /// anything written here can be read back.
    depth: usize,
    /// Seq elements and map entries written, for the reader's element budget.
    elements: usize,
}

impl<'a> Serializer<'a> {
    fn enter(&mut self) -> Result<(), SerdeError> {
        if self.depth >= MAX_DEPTH {
            return Err(SerdeError::new(
                SerdeErrorKind::TooDeep,
                format!("value nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn write_u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    fn write_bytes(&mut self, bytes: &[u8], what: &str) -> Result<(), SerdeError> {
        let len = u32::try_from(bytes.len()).map_err(|_| {
            SerdeError::new(
                SerdeErrorKind::LengthTooLarge,
                format!("{what} of {} bytes is longer than u32::MAX", bytes.len()),
            )
        })?;
        self.write_u32(len);
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    /// Starts a seq or map: the count is written as a placeholder and patched
    /// by [`Compound::finish`], so callers that do not know their length up
    /// front (or misstate it) still produce a correct count.
    fn begin_counted(&mut self) -> Result<Compound<'_, 'a>, SerdeError> {
        self.enter()?;
        let at = self.out.len();
        self.write_u32(0);
        Ok(Compound {
            ser: self,
            count_at: Some(at),
            count: 0,
        })
    }

    /// Starts a tuple, struct or variant payload, whose field count the
    /// reader's type already knows.
    fn begin_fixed(&mut self, variant: Option<u32>) -> Result<Compound<'_, 'a>, SerdeError> {
        self.enter()?;
        if let Some(index) = variant {
            self.write_u32(index);
        }
        Ok(Compound {
            ser: self,
            count_at: None,
            count: 0,
        })
    }
}

/// A seq, map, tuple, struct or variant being written.
#[derive(Debug)]
struct Compound<'s, 'a> {
    ser: &'s mut Serializer<'a>,
    /// Where the `u32` count goes, for seqs and maps.
    count_at: Option<usize>,
    count: usize,
}

impl Compound<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.count += 1;
        value.serialize(&mut *self.ser)
    }

    fn field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        value.serialize(&mut *self.ser)
    }

    fn finish(self) -> Result<(), SerdeError> {
        if let Some(at) = self.count_at {
            let count = u32::try_from(self.count).map_err(|_| {
                SerdeError::new(
                    SerdeErrorKind::LengthTooLarge,
                    format!("{} elements is more than u32::MAX", self.count),
                )
            })?;
            if let Some(slot) = self.ser.out.get_mut(at..at + 4) {
                slot.copy_from_slice(&count.to_le_bytes());
            }
            self.ser.elements = self.ser.elements.saturating_add(self.count);
        }
        self.ser.leave();
        Ok(())
    }
}

macro_rules! write_le {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method(self, v: $ty) -> Result<(), SerdeError> {
                self.out.extend_from_slice(&v.to_le_bytes());
                Ok(())
            }
        )*
    };
}

impl<'s, 'a> ser::Serializer for &'s mut Serializer<'a> {
    type Ok = ();
    type Error = SerdeError;
    type SerializeSeq = Compound<'s, 'a>;
    type SerializeTuple = Compound<'s, 'a>;
    type SerializeTupleStruct = Compound<'s, 'a>;
    type SerializeTupleVariant = Compound<'s, 'a>;
    type SerializeMap = Compound<'s, 'a>;
    type SerializeStruct = Compound<'s, 'a>;
    type SerializeStructVariant = Compound<'s, 'a>;

    write_le! {
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_u128: u128,
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128,
        serialize_f32: f32, serialize_f64: f64,
    }

    fn serialize_bool(self, v: bool) -> Result<(), SerdeError> {
        self.out.push(u8::from(v));
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), SerdeError> {
        self.write_u32(u32::from(v));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), SerdeError> {
        self.write_bytes(v.as_bytes(), "string")
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), SerdeError> {
        self.write_bytes(v, "byte string")
    }

    fn serialize_none(self) -> Result<(), SerdeError> {
        self.out.push(0);
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), SerdeError> {
        self.out.push(1);
        self.enter()?;
        value.serialize(&mut *self)?;
        self.leave();
        Ok(())
    }

    fn serialize_unit(self) -> Result<(), SerdeError> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), SerdeError> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
    ) -> Result<(), SerdeError> {
        // An enum is a level for the reader whatever its payload.
        self.enter()?;
        self.write_u32(variant_index);
        self.leave();
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        self.enter()?;
        value.serialize(&mut *self)?;
        self.leave();
        Ok(())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        self.enter()?;
        self.write_u32(variant_index);
        value.serialize(&mut *self)?;
        self.leave();
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_counted()
    }

    fn serialize_tuple(self, _len: usize) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_fixed(None)
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_fixed(None)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_fixed(Some(variant_index))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_counted()
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_fixed(None)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'s, 'a>, SerdeError> {
        self.begin_fixed(Some(variant_index))
    }

    fn is_human_readable(&self) -> bool {
        false
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.element(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.field(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.field(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.field(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerdeError> {
        self.element(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerdeError> {
        self.field(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        self.field(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = SerdeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _key: &'static str,
        value: &T,
    ) -> Result<(), SerdeError> {
        self.field(value)
    }

    fn end(self) -> Result<(), SerdeError> {
        self.finish()
    }
}
