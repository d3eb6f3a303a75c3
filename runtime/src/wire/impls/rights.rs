//! Rights: a `u32` index into the message's table of rights.

#[cfg(unix)]
use std::os::fd::OwnedFd;

use crate::right::{ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory};
use crate::wire::{DecodeError, Decoder, EncodeError, Encoder, MachMessage};

macro_rules! right_message {
    ($ty:ty, $variant:ident, $kind:ident) => {
        impl MachMessage for $ty {
            const MIN_ENCODED_SIZE: usize = 4;

            fn encode(self, encoder: &mut Encoder) -> Result<(), EncodeError> {
                encoder.put_right(Right::$variant(self))
            }

            fn decode(decoder: &mut Decoder<'_>) -> Result<Self, DecodeError> {
                match decoder.claim_right(RightKind::$kind)? {
                    Right::$variant(right) => Ok(right),
                    // `claim_right` checked the kind; any other variant was
                    // already rejected there.
                    other => Err(DecodeError::new(
                        crate::wire::DecodeErrorKind::WrongRightKind {
                            index: u32::MAX,
                            expected: RightKind::$kind,
                            found: other.kind(),
                        },
                    )),
                }
            }
        }
    };
}

right_message!(SendRight, Send, Send);
right_message!(SendOnceRight, SendOnce, SendOnce);
right_message!(ReceiveRight, Receive, Receive);
right_message!(SharedMemory, SharedMemory, SharedMemory);
#[cfg(unix)]
right_message!(OwnedFd, Fd, Fd);
