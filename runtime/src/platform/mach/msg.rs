//! Our messages as Mach messages: a complex message whose port descriptors
//! carry the rights (never a side channel), an out-of-line descriptor for a
//! large payload, and inline data holding the rights' kinds and the payload.
//!
//! ```text
//! header (24) | body (4) | port descriptor (12) × rights | [OOL descriptor (16)]
//! | inline: payload length u32, flags u32, rights u32, kind byte × rights, payload,
//!   padding to 4
//! ```
//!
//! Fields are written at the byte offsets of MACH.md T9, not through
//! `mach2`'s structs, whose alignment differs from the kernel's 4-byte
//! packing (E33).

use crate::mach_sys::message::{
    MACH_MSG_OOL_DESCRIPTOR, MACH_MSG_PORT_DESCRIPTOR, MACH_MSG_TYPE_COPY_SEND,
    MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE,
    MACH_MSG_VIRTUAL_COPY, MACH_MSGH_BITS_COMPLEX,
};
use crate::mach_sys::port::{MACH_PORT_DEAD, MACH_PORT_NULL, mach_port_name_t};
use crate::platform::{Malformed, kind_byte, kind_of};
use crate::right::RightKind;

/// `msgh_id` of our messages ("MP" and a version).
pub(crate) const MESSAGE_ID: i32 = 0x4d50_0001;
pub(crate) const HEADER: usize = 24;
const BODY: usize = 4;
const PORT_DESCRIPTOR: usize = 12;
const OOL_DESCRIPTOR: usize = 16;
/// Payloads larger than this travel out of line (copied by the kernel's VM).
pub(crate) const INLINE_MAX: usize = 16 * 1024;
/// The most rights one message may carry (the kernel's limit is 16383).
pub(crate) const MAX_RIGHTS: usize = 4096;
const FLAG_OUT_OF_LINE: u32 = 1;
/// Payload length, flags and number of rights, before the kind bytes.
const INLINE_HEAD: usize = 12;

/// A 4-byte-aligned message buffer.
pub(crate) struct Buffer {
    words: Vec<u32>,
}

impl Buffer {
    pub(crate) fn zeroed(len: usize) -> Buffer {
        Buffer {
            words: vec![0; len.div_ceil(4)],
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.words.len() * 4
    }

    pub(crate) fn as_mut_ptr(&mut self) -> *mut u32 {
        self.words.as_mut_ptr()
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: any initialized `u32`s are valid bytes; the slice covers
        // exactly the vector's elements and borrows it.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len()) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        let len = self.len();
        // SAFETY: as in `bytes`, mutably borrowed; any byte pattern is a
        // valid `u32`.
        unsafe { std::slice::from_raw_parts_mut(self.words.as_mut_ptr().cast::<u8>(), len) }
    }

    pub(crate) fn put_u32(&mut self, at: usize, value: u32) {
        self.bytes_mut()[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }

    fn put_u64(&mut self, at: usize, value: u64) {
        self.bytes_mut()[at..at + 8].copy_from_slice(&value.to_le_bytes());
    }

    fn put_u8(&mut self, at: usize, value: u8) {
        self.bytes_mut()[at] = value;
    }

    fn put_bytes(&mut self, at: usize, bytes: &[u8]) {
        self.bytes_mut()[at..at + bytes.len()].copy_from_slice(bytes);
    }

    pub(crate) fn u32_at(&self, at: usize) -> Option<u32> {
        let bytes = self.bytes().get(at..at + 4)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    }

    fn u64_at(&self, at: usize) -> Option<u64> {
        let bytes = self.bytes().get(at..at + 8)?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    }

    fn u8_at(&self, at: usize) -> Option<u8> {
        self.bytes().get(at).copied()
    }
}

pub(crate) fn disposition_for(kind: RightKind) -> u32 {
    match kind {
        RightKind::Send | RightKind::SharedMemory | RightKind::Fd => MACH_MSG_TYPE_MOVE_SEND,
        RightKind::SendOnce => MACH_MSG_TYPE_MOVE_SEND_ONCE,
        RightKind::Receive => MACH_MSG_TYPE_MOVE_RECEIVE,
    }
}

/// Lays out a message to `destination` carrying `bytes` and rights named
/// `names` of `kinds`. The destination is sent `COPY_SEND`, so the caller's
/// send right stays; the rights are moved.
pub(crate) fn build(
    destination: mach_port_name_t,
    bytes: &[u8],
    names: &[mach_port_name_t],
    kinds: &[RightKind],
) -> Buffer {
    let out_of_line = bytes.len() > INLINE_MAX;
    let count = names.len() + usize::from(out_of_line);
    // A message without descriptors is simple: no body word at all.
    let body = if count == 0 { 0 } else { BODY };
    let descriptors = names.len() * PORT_DESCRIPTOR + if out_of_line { OOL_DESCRIPTOR } else { 0 };
    let inline_payload = if out_of_line { 0 } else { bytes.len() };
    let inline_start = HEADER + body + descriptors;
    let size = (inline_start + INLINE_HEAD + kinds.len() + inline_payload).next_multiple_of(4);
    let mut buffer = Buffer::zeroed(size);
    let complex = if count == 0 {
        0
    } else {
        MACH_MSGH_BITS_COMPLEX
    };
    buffer.put_u32(0, MACH_MSG_TYPE_COPY_SEND | complex);
    buffer.put_u32(4, size as u32);
    buffer.put_u32(8, destination);
    buffer.put_u32(20, MESSAGE_ID as u32);
    if count > 0 {
        buffer.put_u32(HEADER, count as u32);
    }
    let mut at = HEADER + body;
    for (&name, &kind) in names.iter().zip(kinds) {
        buffer.put_u32(at, name);
        buffer.put_u8(at + 10, disposition_for(kind) as u8);
        buffer.put_u8(at + 11, MACH_MSG_PORT_DESCRIPTOR as u8);
        at += PORT_DESCRIPTOR;
    }
    if out_of_line {
        buffer.put_u64(at, bytes.as_ptr() as u64);
        buffer.put_u8(at + 8, 0);
        buffer.put_u8(at + 9, MACH_MSG_VIRTUAL_COPY as u8);
        buffer.put_u8(at + 11, MACH_MSG_OOL_DESCRIPTOR as u8);
        buffer.put_u32(at + 12, bytes.len() as u32);
    }
    buffer.put_u32(inline_start, bytes.len() as u32);
    buffer.put_u32(
        inline_start + 4,
        if out_of_line { FLAG_OUT_OF_LINE } else { 0 },
    );
    buffer.put_u32(inline_start + 8, kinds.len() as u32);
    for (index, &kind) in kinds.iter().enumerate() {
        buffer.put_u8(inline_start + INLINE_HEAD + index, kind_byte(kind));
    }
    if !out_of_line {
        buffer.put_bytes(inline_start + INLINE_HEAD + kinds.len(), bytes);
    }
    buffer
}

/// The port names in a built message's descriptors, in order (after a
/// failed send the kernel may have renamed them, M42).
pub(crate) fn descriptor_names(buffer: &Buffer, count: usize) -> Vec<mach_port_name_t> {
    // (With no descriptors there is nothing to read: the loop is empty.)
    (0..count)
        .map(|index| {
            buffer
                .u32_at(HEADER + BODY + index * PORT_DESCRIPTOR)
                .unwrap_or(0)
        })
        .collect()
}

/// A received message, checked but not yet owned: nothing in it has been
/// adopted, so on any problem the caller destroys the whole buffer.
pub(crate) struct Parsed {
    pub(crate) rights: Vec<(mach_port_name_t, RightKind)>,
    /// Inline payload, or the out-of-line region (address, size).
    pub(crate) payload: Payload,
    /// Where the trailer starts.
    pub(crate) trailer: usize,
}

pub(crate) enum Payload {
    Inline(Vec<u8>),
    OutOfLine { address: u64, size: u64 },
}

/// Checks a received message of ours against everything its inline part
/// declares (MACH.md M48–M50 for the received layout).
pub(crate) fn parse(buffer: &Buffer) -> Result<Parsed, Malformed> {
    let field = |at| buffer.u32_at(at).ok_or(Malformed::BadLength);
    let bits = field(0)?;
    let size = field(4)? as usize;
    let complex = bits & MACH_MSGH_BITS_COMPLEX != 0;
    let body = if complex { BODY } else { 0 };
    if size < HEADER + body || size > buffer.len() {
        return Err(Malformed::BadHeader);
    }
    let count = if complex { field(HEADER)? as usize } else { 0 };
    // Descriptors: port descriptors first, then possibly one OOL descriptor.
    let mut at = HEADER + body;
    let mut ports = Vec::new();
    let mut out_of_line = None;
    for _ in 0..count.min(MAX_RIGHTS + 1) {
        let kind = buffer.u8_at(at + 11).ok_or(Malformed::BadLength)?;
        if u32::from(kind) == MACH_MSG_PORT_DESCRIPTOR && out_of_line.is_none() {
            let name = field(at)?;
            let disposition = buffer.u8_at(at + 10).ok_or(Malformed::BadLength)?;
            ports.push((name, u32::from(disposition)));
            at += PORT_DESCRIPTOR;
        } else if u32::from(kind) == MACH_MSG_OOL_DESCRIPTOR && out_of_line.is_none() {
            let address = buffer.u64_at(at).ok_or(Malformed::BadLength)?;
            let size = u64::from(field(at + 12)?);
            out_of_line = Some((address, size));
            at += OOL_DESCRIPTOR;
        } else {
            return Err(Malformed::BadHeader);
        }
    }
    if count > MAX_RIGHTS + 1 || at + INLINE_HEAD > size {
        return Err(Malformed::BadLength);
    }
    let payload_len = field(at)? as usize;
    let flags = field(at + 4)?;
    let declared = field(at + 8)? as usize;
    // The descriptors must be exactly the rights the inline part declares.
    if declared != ports.len() {
        return Err(Malformed::DescriptorCount {
            declared,
            received: ports.len(),
        });
    }
    let kinds_start = at + INLINE_HEAD;
    let kinds_end = kinds_start + ports.len();
    if kinds_end > size {
        return Err(Malformed::BadLength);
    }
    let mut rights = Vec::with_capacity(ports.len());
    for (index, (&(name, disposition), &byte)) in ports
        .iter()
        .zip(&buffer.bytes()[kinds_start..kinds_end])
        .enumerate()
    {
        let kind = kind_of(byte)?;
        let expected = match kind {
            RightKind::Receive => MACH_MSG_TYPE_MOVE_RECEIVE,
            RightKind::SendOnce => MACH_MSG_TYPE_MOVE_SEND_ONCE,
            _ => MACH_MSG_TYPE_MOVE_SEND,
        };
        // A right of another disposition, or no port at all, is not the
        // declared right. A dead name is: a send (or send-once) right whose
        // port died in transit, as ordinary a race as a peer dying, which
        // arrives as a right whose sends report the peer gone (as a socket
        // whose receiver closed does on Linux). Other kinds cannot be dead.
        let dead_allowed = matches!(kind, RightKind::Send | RightKind::SendOnce);
        if disposition != expected
            || name == MACH_PORT_NULL
            || (name == MACH_PORT_DEAD && !dead_allowed)
        {
            return Err(Malformed::WrongObject { index });
        }
        rights.push((name, kind));
    }
    let payload = match (flags, out_of_line) {
        (0, None) => {
            let end = kinds_end + payload_len;
            if end.next_multiple_of(4) != size {
                return Err(Malformed::BadLength);
            }
            Payload::Inline(buffer.bytes()[kinds_end..end].to_vec())
        }
        (FLAG_OUT_OF_LINE, Some((address, region))) => {
            if region != payload_len as u64 || kinds_end.next_multiple_of(4) != size {
                return Err(Malformed::BadLength);
            }
            Payload::OutOfLine {
                address,
                size: region,
            }
        }
        _ => return Err(Malformed::BadHeader),
    };
    Ok(Parsed {
        rights,
        payload,
        trailer: size,
    })
}
