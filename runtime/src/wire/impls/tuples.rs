//! Tuples: their elements in order.

use crate::wire::{DecodeError, Decoder, EncodeError, Encoder, MachMessage, PathSegment};

macro_rules! tuple {
    ($($name:ident $index:tt),+) => {
        impl<$($name: MachMessage),+> MachMessage for ($($name,)+) {
            const MIN_ENCODED_SIZE: usize = 0 $(+ $name::MIN_ENCODED_SIZE)+;

            fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
                $(self.$index.encode(encoder)?;)+
                Ok(())
            }

            fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                Ok(($(
                    $name::decode(decoder)
                        .map_err(|e| e.within(PathSegment::Position($index)))?,
                )+))
            }
        }
    };
}

tuple!(A 0);
tuple!(A 0, B 1);
tuple!(A 0, B 1, C 2);
tuple!(A 0, B 1, C 2, D 3);
tuple!(A 0, B 1, C 2, D 3, E 4);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
