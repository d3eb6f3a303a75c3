//! The frame of one message on a Linux port: a fixed header, one kind byte
//! per right, then the payload (or nothing, when the payload travels in a
//! sealed memfd). Descriptors travel in `SCM_RIGHTS`, in this order: the
//! payload memfd (if out of line), the overflow port (if any), then the
//! rights (unless they travel through the overflow port).

use crate::platform::Malformed;

/// `MPRT`, little-endian.
const MAGIC: u32 = 0x5452_504d;
pub(crate) const HEADER_LEN: usize = 16;

/// The payload is in a sealed memfd, the first control descriptor.
pub(crate) const OUT_OF_LINE: u32 = 1;
/// The rights travel through an overflow port, the next control descriptor.
pub(crate) const OVERFLOW: u32 = 2;
const KNOWN_FLAGS: u32 = OUT_OF_LINE | OVERFLOW;

/// Frames up to this size travel inline; larger payloads go out of line.
pub(crate) const INLINE_MAX: usize = 64 * 1024;
/// The most rights one message may carry (the kernel's limit per packet is
/// 253; more travel through an overflow port).
pub(crate) const MAX_RIGHTS: usize = 4096;
/// The kernel's limit of descriptors per `sendmsg` (`SCM_MAX_FD`).
pub(crate) const KERNEL_MAX_FDS: usize = 253;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) flags: u32,
    pub(crate) rights: u32,
    pub(crate) bytes: u32,
}

impl Header {
    pub(crate) fn encode(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..4].copy_from_slice(&MAGIC.to_le_bytes());
        out[4..8].copy_from_slice(&self.flags.to_le_bytes());
        out[8..12].copy_from_slice(&self.rights.to_le_bytes());
        out[12..16].copy_from_slice(&self.bytes.to_le_bytes());
        out
    }

    /// Parses and checks a received frame of `len` bytes.
    pub(crate) fn decode(frame: &[u8]) -> Result<Header, Malformed> {
        let word = |at: usize| {
            frame
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
                .ok_or(Malformed::BadHeader)
        };
        if word(0)? != MAGIC {
            return Err(Malformed::BadHeader);
        }
        let header = Header {
            flags: word(4)?,
            rights: word(8)?,
            bytes: word(12)?,
        };
        if header.flags & !KNOWN_FLAGS != 0 || header.rights as usize > MAX_RIGHTS {
            return Err(Malformed::BadHeader);
        }
        let inline_payload = if header.flags & OUT_OF_LINE != 0 {
            0
        } else {
            header.bytes as usize
        };
        if frame.len() != HEADER_LEN + header.rights as usize + inline_payload {
            return Err(Malformed::BadLength);
        }
        Ok(header)
    }

    /// Descriptors the main packet carries.
    pub(crate) fn descriptors(self) -> usize {
        let mut count = 0;
        if self.flags & OUT_OF_LINE != 0 {
            count += 1;
        }
        if self.flags & OVERFLOW != 0 {
            count += 1;
        } else {
            count += self.rights as usize;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips_and_rejects_damage() {
        let header = Header {
            flags: OUT_OF_LINE,
            rights: 2,
            bytes: 1 << 20,
        };
        let mut frame = header.encode().to_vec();
        frame.extend_from_slice(&[0, 4]);
        assert_eq!(Header::decode(&frame), Ok(header));
        assert_eq!(header.descriptors(), 3);
        assert_eq!(Header::decode(&frame[..3]), Err(Malformed::BadHeader));
        assert_eq!(Header::decode(&frame[..17]), Err(Malformed::BadLength));
        let mut bad = frame.clone();
        bad[4] = 0x80;
        assert_eq!(Header::decode(&bad), Err(Malformed::BadHeader));
        bad = frame;
        bad[0] = b'X';
        assert_eq!(Header::decode(&bad), Err(Malformed::BadHeader));
    }
}
