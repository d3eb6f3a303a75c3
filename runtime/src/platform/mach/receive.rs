//! Receiving: `mach_msg` with an audit trailer, growing the buffer for
//! large messages, telling kernel notifications from peer messages, and
//! destroying (never adopting) anything that fails a check.

use super::msg::{self, Buffer, Payload};
use super::name::{PortName, PortRight};
use crate::mach_sys::extra::{MACH_RCV_TRAILER_ELEMENTS, MACH_RCV_TRAILER_TYPE, MAX_TRAILER_SIZE};
use crate::mach_sys::mach_port::mach_port_request_notification;
use crate::mach_sys::message::{
    MACH_MSG_SUCCESS, MACH_MSG_TYPE_MAKE_SEND_ONCE, MACH_RCV_LARGE, MACH_RCV_MSG,
    MACH_RCV_TIMED_OUT, MACH_RCV_TIMEOUT, MACH_RCV_TOO_LARGE, MACH_RCV_TRAILER_AUDIT, mach_msg,
    mach_msg_destroy, mach_msg_header_t,
};
use crate::mach_sys::notify::{MACH_NOTIFY_NO_SENDERS, MACH_NOTIFY_SEND_ONCE};
use crate::mach_sys::port::{MACH_PORT_NULL, mach_port_name_t, mach_port_t};
use crate::mach_sys::traps::mach_task_self;
use crate::mach_sys::vm::mach_vm_deallocate;
use crate::platform::{Credentials, Malformed, Received, RecvError};
use crate::right::{
    Handle, ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory,
};
use crate::wire::Message;

/// First receive buffer: room for a small message and the largest trailer.
const FIRST_BUFFER: usize = 4096;
/// Offsets in the audit trailer (MACH.md T10).
const SENDER_TOKEN: usize = 12;
const AUDIT_TOKEN: usize = 20;

/// What arrived on a port.
pub(crate) enum Outcome {
    Message(Received),
    PeerGone,
    Malformed(Malformed),
    /// Another kernel notification (only reported when asked for): its id
    /// and the name it carries (0 when it carries none).
    Notification(i32, mach_port_name_t),
}

impl Outcome {
    pub(crate) fn into_result(self) -> Result<Received, RecvError> {
        match self {
            Outcome::Message(received) => Ok(received),
            Outcome::PeerGone => Err(RecvError::PeerGone),
            Outcome::Malformed(reason) => Err(RecvError::Malformed(reason)),
            Outcome::Notification(..) => Err(RecvError::Malformed(Malformed::BadHeader)),
        }
    }
}

/// Receives one message on `name` (a port or a port set). Returns the name
/// of the port it came from and what arrived; `Err` only for a timeout or a
/// kernel error.
pub(crate) fn receive(
    name: mach_port_name_t,
    timeout_ms: Option<u32>,
) -> Result<(mach_port_name_t, Outcome), RecvError> {
    receive_with(name, timeout_ms, false)
}

/// [`receive`], optionally reporting kernel notifications other than
/// no-senders and send-once instead of discarding them.
pub(crate) fn receive_with(
    name: mach_port_name_t,
    timeout_ms: Option<u32>,
    notifications: bool,
) -> Result<(mach_port_name_t, Outcome), RecvError> {
    let mut buffer = Buffer::zeroed(FIRST_BUFFER);
    loop {
        let mut option = MACH_RCV_MSG
            | MACH_RCV_LARGE
            | MACH_RCV_TRAILER_TYPE(0)
            | MACH_RCV_TRAILER_ELEMENTS(MACH_RCV_TRAILER_AUDIT);
        if timeout_ms.is_some() {
            option |= MACH_RCV_TIMEOUT;
        }
        // SAFETY: `buffer` is 4-byte aligned and writable for its length.
        let result = unsafe {
            mach_msg(
                buffer.as_mut_ptr().cast::<mach_msg_header_t>(),
                option,
                0,
                buffer.len() as u32,
                name,
                timeout_ms.unwrap_or(0),
                MACH_PORT_NULL,
            )
        };
        match result {
            MACH_MSG_SUCCESS => {}
            MACH_RCV_TIMED_OUT => return Err(RecvError::Timeout),
            MACH_RCV_TOO_LARGE => {
                // The message stayed queued; `msgh_size` says how much room
                // it needs (M47).
                let needed = buffer.u32_at(4).unwrap_or(0) as usize;
                buffer = Buffer::zeroed(needed + MAX_TRAILER_SIZE as usize);
                continue;
            }
            other => {
                return Err(RecvError::Io(std::io::Error::other(format!(
                    "mach_msg receive failed: {other:#x}"
                ))));
            }
        }
        let local = buffer.u32_at(12).unwrap_or(MACH_PORT_NULL);
        let id = buffer.u32_at(20).unwrap_or(0) as i32;
        let size = buffer.u32_at(4).unwrap_or(0) as usize;
        let from_kernel = buffer.u32_at(size + SENDER_TOKEN) == Some(0)
            && buffer.u32_at(size + SENDER_TOKEN + 4) == Some(1);
        if from_kernel && id == MACH_NOTIFY_NO_SENDERS {
            // Every send right is gone. Re-arming fires again at once while
            // there are still none, so later receives see the same.
            rearm_no_senders(local);
            return Ok((local, Outcome::PeerGone));
        }
        if from_kernel && id == MACH_NOTIFY_SEND_ONCE {
            // A reply port's send-once right was destroyed unused.
            return Ok((local, Outcome::PeerGone));
        }
        if id != msg::MESSAGE_ID || from_kernel {
            destroy(&mut buffer);
            if from_kernel && notifications {
                // Name-carrying notifications (dead-name, send-possible): the
                // NDR record, then the name (MACH.md T11).
                let named = if size >= 36 {
                    buffer.u32_at(32).unwrap_or(0)
                } else {
                    0
                };
                return Ok((local, Outcome::Notification(id, named)));
            }
            if from_kernel {
                continue;
            }
            return Ok((local, Outcome::Malformed(Malformed::BadHeader)));
        }
        return match msg::parse(&buffer) {
            Ok(parsed) => match adopt(&buffer, parsed) {
                Ok(received) => Ok((local, Outcome::Message(received))),
                Err(reason) => Ok((local, Outcome::Malformed(reason))),
            },
            Err(reason) => {
                destroy(&mut buffer);
                Ok((local, Outcome::Malformed(reason)))
            }
        };
    }
}

fn destroy(buffer: &mut Buffer) {
    // SAFETY: the buffer holds a message just received into it; destroying
    // it releases every right and region it carries exactly once (M52).
    unsafe { mach_msg_destroy(buffer.as_mut_ptr().cast::<mach_msg_header_t>()) };
}

fn rearm_no_senders(port: mach_port_name_t) {
    let mut previous: mach_port_t = MACH_PORT_NULL;
    // SAFETY: a request on a receive right this task holds; `previous` is
    // valid for writes.
    unsafe {
        mach_port_request_notification(
            mach_task_self(),
            port,
            MACH_NOTIFY_NO_SENDERS,
            0,
            port,
            MACH_MSG_TYPE_MAKE_SEND_ONCE,
            &mut previous,
        );
    }
}

/// Takes ownership of everything a checked message carries; a right whose
/// kernel object is not what its kind says refuses the message.
fn adopt(buffer: &Buffer, parsed: msg::Parsed) -> Result<Received, Malformed> {
    let bytes = match parsed.payload {
        Payload::Inline(bytes) => bytes,
        Payload::OutOfLine { address, size } => {
            let len = usize::try_from(size).unwrap_or(0);
            let bytes = if len == 0 {
                Vec::new()
            } else {
                // SAFETY: the kernel mapped `size` readable bytes at
                // `address` for this task (M50); they are copied out before
                // the region is deallocated below.
                unsafe { std::slice::from_raw_parts(address as usize as *const u8, len).to_vec() }
            };
            // SAFETY: the region belongs to this task and nothing refers to
            // it any more.
            unsafe { mach_vm_deallocate(mach_task_self(), address, size) };
            bytes
        }
    };
    // Own every name first, so that whatever fails below, each right is
    // released exactly once (by the drop of what owns it).
    let owned: Vec<(PortName, RightKind)> = parsed
        .rights
        .into_iter()
        .map(|(name, kind)| {
            let right = match kind {
                RightKind::Receive => PortRight::Receive,
                RightKind::SendOnce => PortRight::SendOnce,
                _ => PortRight::Send,
            };
            (PortName::new(name, right), kind)
        })
        .collect();
    let mut rights = Vec::with_capacity(owned.len());
    for (index, (port, kind)) in owned.into_iter().enumerate() {
        rights.push(into_right(index, port, kind)?);
    }
    let trailer = parsed.trailer;
    let sender = Credentials {
        pid: buffer.u32_at(trailer + AUDIT_TOKEN + 5 * 4).unwrap_or(0),
        uid: buffer.u32_at(trailer + AUDIT_TOKEN + 4).unwrap_or(u32::MAX),
    };
    Ok(Received {
        message: Message { bytes, rights },
        sender,
    })
}

fn into_right(index: usize, port: PortName, kind: RightKind) -> Result<Right, Malformed> {
    let handle = |port| Handle::Port(port);
    Ok(match kind {
        RightKind::Receive => Right::Receive(ReceiveRight {
            handle: handle(port),
        }),
        RightKind::SendOnce => Right::SendOnce(SendOnceRight {
            handle: handle(port),
        }),
        RightKind::Send => Right::Send(SendRight {
            handle: handle(port),
        }),
        RightKind::SharedMemory => {
            // The size comes from the kernel, not from the sender.
            let len = super::shm::entry_size(port.name).ok_or(Malformed::WrongObject { index })?;
            Right::SharedMemory(SharedMemory {
                handle: handle(port),
                len,
            })
        }
        RightKind::Fd => Right::Fd(descriptor_from(index, port)?),
    })
}

/// The descriptor a received fileport stands for.
fn descriptor_from(index: usize, port: PortName) -> Result<std::os::fd::OwnedFd, Malformed> {
    use std::os::fd::FromRawFd;
    // SAFETY: asks the kernel for a new descriptor for the fileport we own.
    let fd = unsafe { crate::mach_sys::extra::fileport_makefd(port.name) };
    drop(port);
    if fd < 0 {
        return Err(Malformed::WrongObject { index });
    }
    // SAFETY: `fd` is a new descriptor the kernel just gave this process.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}
