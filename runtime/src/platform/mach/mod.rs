//! The Mach backend: ports and rights are Mach ports and rights in this
//! task's name space; a message is a complex `mach_msg` whose port
//! descriptors carry the rights; peer death comes from the kernel's
//! no-senders notification (receiver side) and from sends failing with
//! `MACH_SEND_INVALID_DEST` (sender side); the sender's pid and uid come
//! from the audit trailer. The same source runs on macOS and, over the
//! in-process simulator, on Linux (`mach-sim`): every Mach item comes from
//! `crate::mach_sys`.

mod bootstrap;
mod msg;
mod name;
mod port_set;
mod receive;
mod shm;

use std::io;
use std::time::Duration;

pub use bootstrap::{check_in_service, look_up_service};
pub(crate) use name::{PortName, PortRight};
pub use port_set::PortSet;
pub use shm::Mapping;

use crate::mach_sys::kern_return::{KERN_SUCCESS, kern_return_t};
use crate::mach_sys::mach_port::{
    mach_port_allocate, mach_port_insert_right, mach_port_mod_refs, mach_port_request_notification,
};
use crate::mach_sys::message::{
    MACH_MSG_SUCCESS, MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE,
    MACH_SEND_INVALID_DEST, MACH_SEND_MSG, MACH_SEND_TIMED_OUT, MACH_SEND_TIMEOUT, mach_msg,
    mach_msg_header_t,
};
use crate::mach_sys::notify::MACH_NOTIFY_NO_SENDERS;
use crate::mach_sys::port::{
    MACH_PORT_NULL, MACH_PORT_RIGHT_RECEIVE, MACH_PORT_RIGHT_SEND, mach_port_name_t, mach_port_t,
};
use crate::mach_sys::traps::mach_task_self;
use crate::platform::{Received, RecvError, SendError, TrySendError};
use crate::right::{Handle, ReceiveRight, Right, RightKind, SendOnceRight, SendRight};
use crate::wire::Message;

fn kernel_error(result: kern_return_t, what: &str) -> io::Error {
    io::Error::other(format!("{what} failed: {result:#x}"))
}

fn check(result: kern_return_t, what: &str) -> io::Result<()> {
    if result == KERN_SUCCESS {
        Ok(())
    } else {
        Err(kernel_error(result, what))
    }
}

/// A new receive right in this task.
pub(crate) fn allocate_receive() -> io::Result<mach_port_name_t> {
    let mut name: mach_port_name_t = MACH_PORT_NULL;
    // SAFETY: allocates in this task's own name space; `name` is writable.
    let result =
        unsafe { mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &mut name) };
    check(result, "mach_port_allocate")?;
    Ok(name)
}

/// Releases a receive right allocated here when a later step fails.
fn abandon_receive(name: mach_port_name_t) {
    drop(PortName::new(name, PortRight::Receive));
}

/// Creates a port: its receive right and a first send right to it, made
/// under the same name. A no-senders notification is armed to arrive on the
/// port itself, so the receiver learns when every send right is gone.
pub fn port() -> io::Result<(ReceiveRight, SendRight)> {
    let name = allocate_receive()?;
    // SAFETY: makes a send right from the receive right this task holds.
    let made =
        unsafe { mach_port_insert_right(mach_task_self(), name, name, MACH_MSG_TYPE_MAKE_SEND) };
    if made != KERN_SUCCESS {
        abandon_receive(name);
        return Err(kernel_error(made, "mach_port_insert_right"));
    }
    raise_queue_limit(name);
    let receive = ReceiveRight {
        handle: Handle::Port(PortName::new(name, PortRight::Receive)),
    };
    let send = SendRight {
        handle: Handle::Port(PortName::new(name, PortRight::Send)),
    };
    let mut previous: mach_port_t = MACH_PORT_NULL;
    // SAFETY: arms a request on our own receive right (a send right exists,
    // so it is stored rather than fired, M56); `previous` is writable.
    let armed = unsafe {
        mach_port_request_notification(
            mach_task_self(),
            name,
            MACH_NOTIFY_NO_SENDERS,
            0,
            name,
            MACH_MSG_TYPE_MAKE_SEND_ONCE,
            &mut previous,
        )
    };
    check(armed, "mach_port_request_notification")?;
    Ok((receive, send))
}

/// Raises a port's queue limit from the default 5 to 1024 messages, as the
/// browsers' Mach transports do, so bursts do not hit `QueueFull` at once.
fn raise_queue_limit(name: mach_port_name_t) {
    let mut limits = crate::mach_sys::port::mach_port_limits_t {
        mpl_qlimit: crate::mach_sys::port::MACH_PORT_QLIMIT_LARGE,
    };
    // SAFETY: sets an attribute of a receive right this task holds from a
    // struct of the flavor's size. A failure keeps the default limit.
    unsafe {
        crate::mach_sys::mach_port::mach_port_set_attributes(
            mach_task_self(),
            name,
            crate::mach_sys::port::MACH_PORT_LIMITS_INFO,
            (&mut limits as *mut crate::mach_sys::port::mach_port_limits_t).cast(),
            crate::mach_sys::port::MACH_PORT_LIMITS_INFO_COUNT,
        );
    }
}

/// Creates a reply port: a receive right whose only sender is one
/// send-once right. No no-senders request: if the send-once right dies
/// unused, the kernel's send-once notification reports it (M60).
pub fn reply_port() -> io::Result<(ReceiveRight, SendOnceRight)> {
    let name = allocate_receive()?;
    let mut once: mach_port_t = MACH_PORT_NULL;
    let mut disposition = 0;
    // SAFETY: makes a send-once right from our own receive right; the
    // out-pointers are valid for writes.
    let result = unsafe {
        crate::mach_sys::mach_port::mach_port_extract_right(
            mach_task_self(),
            name,
            MACH_MSG_TYPE_MAKE_SEND_ONCE,
            &mut once,
            &mut disposition,
        )
    };
    if result != KERN_SUCCESS {
        abandon_receive(name);
        return Err(kernel_error(result, "mach_port_extract_right"));
    }
    Ok((
        ReceiveRight {
            handle: Handle::Port(PortName::new(name, PortRight::Receive)),
        },
        SendOnceRight {
            handle: Handle::Port(PortName::new(once, PortRight::SendOnce)),
        },
    ))
}

pub(crate) fn port_name(handle: &Handle) -> io::Result<mach_port_name_t> {
    match handle {
        Handle::Port(port) => Ok(port.name),
        #[cfg(feature = "test-util")]
        Handle::Counted(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a counting test double has no kernel object",
        )),
    }
}

/// What a message's rights become on the wire: a name and kind each, plus
/// the ports made just for sending (fileports), released if the send fails.
struct Outgoing {
    names: Vec<mach_port_name_t>,
    kinds: Vec<RightKind>,
    temporary: Vec<PortName>,
}

fn outgoing(rights: &[Right]) -> io::Result<Outgoing> {
    let mut out = Outgoing {
        names: Vec::with_capacity(rights.len()),
        kinds: Vec::with_capacity(rights.len()),
        temporary: Vec::new(),
    };
    for right in rights {
        let name = match right {
            Right::Send(r) => port_name(&r.handle)?,
            Right::SendOnce(r) => port_name(&r.handle)?,
            Right::Receive(r) => port_name(&r.handle)?,
            Right::SharedMemory(r) => port_name(&r.handle)?,
            Right::Fd(fd) => {
                let port = fileport_for(fd)?;
                let name = port.name;
                out.temporary.push(port);
                name
            }
        };
        out.names.push(name);
        out.kinds.push(right.kind());
    }
    Ok(out)
}

/// A fileport standing for `fd` (the simulator makes its own).
fn fileport_for(fd: &std::os::fd::OwnedFd) -> io::Result<PortName> {
    use std::os::fd::AsRawFd;
    let mut port: mach_port_t = MACH_PORT_NULL;
    // SAFETY: makes a send right standing for a descriptor this process
    // owns; `port` is valid for writes.
    if unsafe { crate::mach_sys::extra::fileport_makeport(fd.as_raw_fd(), &mut port) } != 0 {
        return Err(io::Error::other("fileport_makeport failed"));
    }
    Ok(PortName::new(port, PortRight::Send))
}

/// Sends without waiting (`timeout` 0) or waiting up to `timeout` ms.
fn send_on(
    destination: mach_port_name_t,
    message: Message,
    timeout_ms: Option<u32>,
) -> Result<(), TrySendError> {
    if message.rights.len() > msg::MAX_RIGHTS {
        return Err(TrySendError::TooManyRights(message));
    }
    let Outgoing {
        names,
        kinds,
        temporary,
    } = match outgoing(&message.rights) {
        Ok(found) => found,
        Err(error) => return Err(TrySendError::Io(error, message)),
    };
    let mut buffer = msg::build(destination, &message.bytes, &names, &kinds);
    let size = buffer.len() as u32;
    let (option, timeout) = match timeout_ms {
        Some(ms) => (MACH_SEND_MSG | MACH_SEND_TIMEOUT, ms),
        None => (MACH_SEND_MSG, 0),
    };
    // SAFETY: `buffer` holds a complete, 4-byte aligned message of `size`
    // bytes whose out-of-line descriptor (if any) points into
    // `message.bytes`, which outlives the call.
    let result = unsafe {
        mach_msg(
            buffer.as_mut_ptr().cast::<mach_msg_header_t>(),
            option,
            size,
            0,
            MACH_PORT_NULL,
            timeout,
            MACH_PORT_NULL,
        )
    };
    match result {
        MACH_MSG_SUCCESS => {
            // The kernel moved every right; ours no longer own them (a
            // descriptor's own copy is closed: its fileport went instead).
            for right in message.rights {
                forget_right(right);
            }
            temporary.into_iter().for_each(|port| {
                port.forget();
            });
            Ok(())
        }
        MACH_SEND_TIMED_OUT => {
            // Pseudo-receive (M42): the rights are back, possibly renamed,
            // and the destination's copied send right came back as an extra
            // user reference.
            let renamed = msg::descriptor_names(&buffer, names.len());
            let message = rename_rights(message, &renamed);
            // Fileports made for this attempt come back too; release them
            // under their new names.
            let renamed_fileports = renamed
                .iter()
                .zip(&kinds)
                .filter(|(_, kind)| **kind == RightKind::Fd)
                .map(|(name, _)| *name);
            for (port, name) in temporary.into_iter().zip(renamed_fileports) {
                port.forget();
                drop(PortName::new(name, PortRight::Send));
            }
            // SAFETY: releases the extra reference the failed COPY_SEND left.
            unsafe {
                crate::mach_sys::mach_port::mach_port_deallocate(mach_task_self(), destination);
            }
            Err(TrySendError::QueueFull(message))
        }
        MACH_SEND_INVALID_DEST => Err(TrySendError::PeerGone(message)),
        other => Err(TrySendError::Io(
            io::Error::other(format!("mach_msg send failed: {other:#x}")),
            message,
        )),
    }
}

fn forget_right(right: Right) {
    let handle = match right {
        Right::Send(r) => r.handle,
        Right::SendOnce(r) => r.handle,
        Right::Receive(r) => r.handle,
        Right::SharedMemory(r) => r.handle,
        Right::Fd(fd) => {
            drop(fd);
            return;
        }
    };
    if let Handle::Port(port) = handle {
        port.forget();
    }
}

fn rename_rights(mut message: Message, names: &[mach_port_name_t]) -> Message {
    for (right, &name) in message.rights.iter_mut().zip(names) {
        let handle = match right {
            Right::Send(r) => &mut r.handle,
            Right::SendOnce(r) => &mut r.handle,
            Right::Receive(r) => &mut r.handle,
            Right::SharedMemory(r) => &mut r.handle,
            Right::Fd(_) => continue,
        };
        if let Handle::Port(port) = handle {
            port.name = name;
        }
    }
    message
}

fn millis(timeout: Duration) -> u32 {
    u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX)
}

impl SendRight {
    /// Sends `message` if the port's queue has room, without blocking.
    pub fn try_send(&self, message: Message) -> Result<(), TrySendError> {
        match port_name(&self.handle) {
            Ok(name) => send_on(name, message, Some(0)),
            Err(error) => Err(TrySendError::Io(error, message)),
        }
    }

    /// Sends `message`, waiting up to `timeout` (forever with `None`) while
    /// the port's queue is full; the kernel blocks the sender.
    pub fn send(&self, message: Message, timeout: Option<Duration>) -> Result<(), SendError> {
        let name = match port_name(&self.handle) {
            Ok(name) => name,
            Err(error) => return Err(SendError::Failed(TrySendError::Io(error, message))),
        };
        match send_on(name, message, timeout.map(millis)) {
            Ok(()) => Ok(()),
            Err(TrySendError::QueueFull(message)) => Err(SendError::Timeout(message)),
            Err(other) => Err(SendError::Failed(other)),
        }
    }

    /// Waits until the port can take a message (the kernel's send-possible
    /// notification) or its receiver is gone. Returns false on timeout.
    pub fn wait_writable(&self, timeout: Option<Duration>) -> io::Result<bool> {
        let name = port_name(&self.handle)?;
        if name == crate::mach_sys::port::MACH_PORT_DEAD {
            // Its port is gone: the next send says so at once.
            return Ok(true);
        }
        // A private port that only the kernel's notification can reach.
        let notify = PortName::new(allocate_receive()?, PortRight::Receive);
        request_send_possible(name, notify.name)?;
        match receive::receive_with(notify.name, timeout.map(millis), true) {
            Ok((_, receive::Outcome::Notification(id, _))) => {
                if id == crate::mach_sys::notify::MACH_NOTIFY_DEAD_NAME {
                    // The port died; the notification carries one more user
                    // reference on our (now dead) name, ours to release (M58).
                    drop(PortName::new(name, PortRight::Send));
                }
                Ok(true)
            }
            Ok(_) => Ok(true),
            Err(RecvError::Timeout) => {
                cancel_send_possible(name);
                Ok(false)
            }
            Err(RecvError::Io(error)) => Err(error),
            Err(_) => Ok(true),
        }
    }

    /// Another send right to the same port (one more user reference).
    pub fn try_clone(&self) -> io::Result<SendRight> {
        let name = port_name(&self.handle)?;
        if name == crate::mach_sys::port::MACH_PORT_DEAD {
            // A dead name holds no reference to add to.
            return Ok(SendRight {
                handle: Handle::Port(PortName::new(name, PortRight::Send)),
            });
        }
        // SAFETY: adds a user reference to a send right this task holds.
        let result = unsafe { mach_port_mod_refs(mach_task_self(), name, MACH_PORT_RIGHT_SEND, 1) };
        check(result, "mach_port_mod_refs")?;
        Ok(SendRight {
            handle: Handle::Port(PortName::new(name, PortRight::Send)),
        })
    }
}

impl SendOnceRight {
    /// Sends the one message this right allows.
    pub fn send(self, message: Message) -> Result<(), TrySendError> {
        let name = match port_name(&self.handle) {
            Ok(name) => name,
            Err(error) => return Err(TrySendError::Io(error, message)),
        };
        let Outgoing {
            names,
            kinds,
            temporary,
        } = match outgoing(&message.rights) {
            Ok(found) => found,
            Err(error) => return Err(TrySendError::Io(error, message)),
        };
        let mut buffer = msg::build(name, &message.bytes, &names, &kinds);
        // A send-once destination is moved, not copied.
        let bits = buffer.u32_at(0).unwrap_or(0);
        buffer.put_u32(
            0,
            (bits & !0x1f) | crate::mach_sys::message::MACH_MSG_TYPE_MOVE_SEND_ONCE,
        );
        let size = buffer.len() as u32;
        // SAFETY: as in `send_on`; a send-once destination ignores the
        // queue limit (M41), so this does not block.
        let result = unsafe {
            mach_msg(
                buffer.as_mut_ptr().cast::<mach_msg_header_t>(),
                MACH_SEND_MSG,
                size,
                0,
                MACH_PORT_NULL,
                0,
                MACH_PORT_NULL,
            )
        };
        if result == MACH_MSG_SUCCESS {
            if let Handle::Port(port) = self.handle {
                port.forget();
            }
            for right in message.rights {
                forget_right(right);
            }
            temporary.into_iter().for_each(|port| {
                port.forget();
            });
            Ok(())
        } else {
            Err(TrySendError::Io(
                io::Error::other(format!("mach_msg send failed: {result:#x}")),
                message,
            ))
        }
    }
}

/// Arms a send-possible notification for the send right `name`, delivered
/// to the receive right `notify`.
pub(crate) fn request_send_possible(
    name: mach_port_name_t,
    notify: mach_port_name_t,
) -> io::Result<()> {
    let result = send_possible_request(name, 1, notify);
    if result != KERN_SUCCESS {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("send-possible notification unavailable: {result:#x}"),
        ));
    }
    Ok(())
}

/// Withdraws an armed send-possible request (a timed-out wait).
fn cancel_send_possible(name: mach_port_name_t) {
    // Nothing to undo if no request was armed.
    let _ = send_possible_request(name, 0, MACH_PORT_NULL);
}

/// Arms (`sync` 1, to `notify`) or cancels (`sync` 0, `MACH_PORT_NULL`) the
/// send-possible request on `name`, releasing the send-once right of any
/// request it replaces.
fn send_possible_request(
    name: mach_port_name_t,
    sync: u32,
    notify: mach_port_name_t,
) -> kern_return_t {
    let mut previous: mach_port_t = MACH_PORT_NULL;
    // SAFETY: a request on a send right this task holds; `notify` is our
    // own receive right (a send-once right is made from it) or null to
    // cancel; `previous` is valid for writes.
    let result = unsafe {
        mach_port_request_notification(
            mach_task_self(),
            name,
            crate::mach_sys::notify::MACH_NOTIFY_SEND_POSSIBLE,
            sync,
            notify,
            MACH_MSG_TYPE_MAKE_SEND_ONCE,
            &mut previous,
        )
    };
    if previous != MACH_PORT_NULL {
        drop(PortName::new(previous, PortRight::SendOnce));
    }
    result
}

/// Whether no send or send-once right to the port `name` exists anywhere.
fn no_senders_left(name: mach_port_name_t) -> bool {
    let mut status = crate::mach_sys::extra::mach_port_status_t::default();
    let mut count = crate::mach_sys::extra::MACH_PORT_RECEIVE_STATUS_COUNT;
    // SAFETY: `status` has room for the `count` integers this flavor
    // writes; the name is a receive right this task holds.
    let result = unsafe {
        crate::mach_sys::mach_port::mach_port_get_attributes(
            mach_task_self(),
            name,
            crate::mach_sys::extra::MACH_PORT_RECEIVE_STATUS,
            (&mut status as *mut crate::mach_sys::extra::mach_port_status_t).cast(),
            &mut count,
        )
    };
    result == KERN_SUCCESS
        && status.mps_srights == 0
        && status.mps_sorights == 0
        && status.mps_msgcount == 0
}

impl ReceiveRight {
    /// Receives a queued message without blocking ([`RecvError::Timeout`]
    /// when none is queued).
    pub fn try_recv(&self) -> Result<Received, RecvError> {
        let name = port_name(&self.handle)?;
        match receive::receive(name, Some(0)) {
            Err(RecvError::Timeout) if no_senders_left(name) => Err(RecvError::PeerGone),
            other => other?.1.into_result(),
        }
    }

    /// Receives the next message, waiting up to `timeout` (forever with
    /// `None`).
    pub fn recv(&self, timeout: Option<Duration>) -> Result<Received, RecvError> {
        let name = port_name(&self.handle)?;
        // A port with no send or send-once right anywhere will never get
        // another message (only its receiver could make one): a reply port
        // after its reply. Checked once, before waiting.
        match receive::receive(name, Some(0)) {
            Err(RecvError::Timeout) if no_senders_left(name) => return Err(RecvError::PeerGone),
            Err(RecvError::Timeout) => {}
            other => return other?.1.into_result(),
        }
        receive::receive(name, timeout.map(millis))?.1.into_result()
    }
}
