//! The Linux backend: a port is a `SOCK_SEQPACKET` socket pair,
//! used one way (receive end, send end); rights are descriptors passed with
//! `SCM_RIGHTS`; a port set is an epoll instance; shared memory is a sealed
//! memfd. See `docs/platform.md` for the mapping from Mach.

mod frame;
pub(crate) mod inherit;
mod objects;
mod port_set;
mod shm;
mod transfer;

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, poll};
use rustix::net::{AddressFamily, SocketFlags, SocketType};

pub use port_set::PortSet;
pub use shm::Mapping;
use transfer::SendFailure;

use crate::platform::{Received, RecvError, SendError, TrySendError};
use crate::right::{Handle, ReceiveRight, SendOnceRight, SendRight};
use crate::wire::Message;

/// A connected pair `(receive end, send end)`, each end used one way.
pub(crate) fn raw_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let (receive, send) = rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )?;
    // The pair is not `shutdown` to one way: no API writes to a receive end
    // or reads from a send end, peer death is seen either way (the last
    // close of one end hangs up the other), and the two calls would double
    // the cost of making a port.
    // Every message carries the sending process's pid and uid.
    rustix::net::sockopt::set_socket_passcred(&receive, true)?;
    Ok((receive, send))
}

/// Creates a port: its receive right and a first send right to it.
pub fn port() -> io::Result<(ReceiveRight, SendRight)> {
    let (receive, send) = raw_pair()?;
    Ok((
        ReceiveRight {
            handle: Handle::Os(receive),
        },
        SendRight {
            handle: Handle::Os(send),
        },
    ))
}

/// Creates a reply port: a receive right whose only sender is one
/// send-once right.
pub fn reply_port() -> io::Result<(ReceiveRight, SendOnceRight)> {
    let (receive, send) = raw_pair()?;
    Ok((
        ReceiveRight {
            handle: Handle::Os(receive),
        },
        SendOnceRight {
            handle: Handle::Os(send),
        },
    ))
}

pub(crate) fn handle_fd(handle: &Handle) -> io::Result<BorrowedFd<'_>> {
    match handle {
        Handle::Os(fd) => Ok(fd.as_fd()),
        #[cfg(feature = "test-util")]
        Handle::Counted(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a counting test double has no kernel object",
        )),
    }
}

fn try_send_on(handle: &Handle, message: Message) -> Result<(), TrySendError> {
    let fd = match handle_fd(handle) {
        Ok(fd) => fd,
        Err(error) => return Err(TrySendError::Io(error, message)),
    };
    match transfer::send_frame(fd, &message) {
        // The kernel holds the rights in flight; ours are released here.
        Ok(()) => Ok(()),
        Err(SendFailure::QueueFull) => Err(TrySendError::QueueFull(message)),
        Err(SendFailure::PeerGone) => Err(TrySendError::PeerGone(message)),
        Err(SendFailure::TooManyRights) => Err(TrySendError::TooManyRights(message)),
        Err(SendFailure::Io(error)) => Err(TrySendError::Io(error, message)),
    }
}

/// Waits until `fd` shows one of `flags` (or hang-up), up to `deadline`.
/// Returns false on timeout.
fn wait_for(fd: BorrowedFd<'_>, flags: PollFlags, deadline: Option<Instant>) -> io::Result<bool> {
    loop {
        let timeout = deadline.map(time_left);
        let mut fds = [PollFd::new(&fd, flags)];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(0) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(rustix::io::Errno::INTR) => continue,
            Err(errno) => return Err(errno.into()),
        }
    }
}

/// The time from now until `deadline` (zero once it passed), for kernel waits.
pub(crate) fn time_left(deadline: Instant) -> rustix::event::Timespec {
    let left = deadline.saturating_duration_since(Instant::now());
    rustix::event::Timespec {
        tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(left.subsec_nanos()),
    }
}

fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|t| Instant::now() + t)
}

impl SendRight {
    /// Sends `message` if the port's queue has room, without blocking.
    pub fn try_send(&self, message: Message) -> Result<(), TrySendError> {
        try_send_on(&self.handle, message)
    }

    /// Sends `message`, waiting up to `timeout` (forever with `None`) while
    /// the port's queue is full.
    pub fn send(&self, message: Message, timeout: Option<Duration>) -> Result<(), SendError> {
        let deadline = deadline(timeout);
        let mut message = message;
        loop {
            match self.try_send(message) {
                Ok(()) => return Ok(()),
                Err(TrySendError::QueueFull(back)) => {
                    message = back;
                    match self.wait_writable_until(deadline) {
                        Ok(true) => {}
                        Ok(false) => return Err(SendError::Timeout(message)),
                        Err(error) => {
                            return Err(SendError::Failed(TrySendError::Io(error, message)));
                        }
                    }
                }
                Err(other) => return Err(SendError::Failed(other)),
            }
        }
    }

    /// Waits until the port can take a message or its receiver is gone.
    /// Returns false on timeout.
    pub fn wait_writable(&self, timeout: Option<Duration>) -> io::Result<bool> {
        self.wait_writable_until(deadline(timeout))
    }

    fn wait_writable_until(&self, deadline: Option<Instant>) -> io::Result<bool> {
        wait_for(handle_fd(&self.handle)?, PollFlags::OUT, deadline)
    }

    /// Another send right to the same port. The port's receiver sees its
    /// peer gone only when every send right is gone.
    pub fn try_clone(&self) -> io::Result<SendRight> {
        let fd = handle_fd(&self.handle)?.try_clone_to_owned()?;
        Ok(SendRight {
            handle: Handle::Os(fd),
        })
    }
}

impl SendOnceRight {
    /// Sends the one message this right allows, without blocking. A reply
    /// port has room for it unless its receiver misuses it.
    pub fn send(self, message: Message) -> Result<(), TrySendError> {
        try_send_on(&self.handle, message)
    }
}

impl ReceiveRight {
    /// Receives a queued message without blocking ([`RecvError::Timeout`]
    /// when none is queued).
    pub fn try_recv(&self) -> Result<Received, RecvError> {
        transfer::recv_frame(handle_fd(&self.handle)?, false)
    }

    /// Receives the next message, waiting up to `timeout` (forever with
    /// `None`).
    pub fn recv(&self, timeout: Option<Duration>) -> Result<Received, RecvError> {
        let fd = handle_fd(&self.handle)?;
        let Some(timeout) = timeout else {
            return transfer::recv_frame(fd, true);
        };
        let deadline = Instant::now() + timeout;
        loop {
            match transfer::recv_frame(fd, false) {
                Err(RecvError::Timeout) => {
                    if !wait_for(fd, PollFlags::IN | PollFlags::RDHUP, Some(deadline))? {
                        return Err(RecvError::Timeout);
                    }
                }
                other => return other,
            }
        }
    }
}
