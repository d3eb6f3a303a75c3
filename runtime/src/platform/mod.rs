//! The platform layer: ports, rights and raw messages over real kernel
//! objects.
//!
//! One model of rights, two kernels. On Linux (this module's `linux`
//! backend) a port is a `SOCK_SEQPACKET` socket pair used one way, rights are
//! descriptors passed with `SCM_RIGHTS`, a port set is an epoll instance
//! and shared memory a sealed memfd. The Mach backend (macOS, and Linux
//! with the `mach-sim` feature) will implement the same API.
//!
//! ```
//! # #[cfg(all(target_os = "linux", not(feature = "mach-sim")))] {
//! use machproto_runtime::platform;
//! use machproto_runtime::wire::Message;
//!
//! let (receive, send) = platform::port()?;
//! send.try_send(Message { bytes: b"ping".to_vec(), rights: Vec::new() })?;
//! let received = receive.try_recv()?;
//! assert_eq!(received.message.bytes, b"ping");
//! assert_eq!(received.sender.pid, std::process::id());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The active backend: Linux without features; Mach on Apple targets and,
//! over the in-process simulator, on Linux with the `mach-sim` feature.
//!
//! # Semantics
//!
//! - Sends never block unless asked to: [`SendRight::try_send`] returns
//!   [`TrySendError::QueueFull`] with the message (rights included), and
//!   [`SendRight::wait_writable`] waits for room.
//! - Peer death is seen both ways: a receive right reports
//!   [`RecvError::PeerGone`] once every send right (every clone, in every
//!   process) is gone and the queue is empty; a send right reports
//!   [`TrySendError::PeerGone`] once the receive right is gone.
//! - Every received message carries its sender's pid and uid
//!   ([`Credentials`]), taken from the kernel, not from the message.
//! - Every received descriptor is checked against the kind the sender
//!   declared before it becomes a right; a message that fails any check is
//!   refused with [`Malformed`] and all its descriptors are closed.
//!
//! [`SendRight::try_send`]: crate::SendRight::try_send
//! [`SendRight::wait_writable`]: crate::SendRight::wait_writable

mod error;
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
mod linux;
#[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
mod mach;

pub use error::{Malformed, RecvError, SendError, TrySendError};
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
pub use linux::inherit::{pass_descriptor, take_inherited};
#[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
pub use linux::{Mapping, PortSet, port, reply_port};
#[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
pub(crate) use mach::PortName;
#[cfg(feature = "mach-sim")]
pub(crate) use mach::PortRight;
#[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
pub use mach::{Mapping, PortSet, check_in_service, look_up_service, port, reply_port};

use crate::wire::Message;

/// Who sent a message, as the kernel saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The sending process.
    pub pid: u32,
    /// Its user.
    pub uid: u32,
}

/// A received message and its sender.
#[derive(Debug)]
pub struct Received {
    /// The bytes and rights.
    pub message: Message,
    /// Who sent it.
    pub sender: Credentials,
}

/// Names a member of a [`PortSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(pub u64);

/// What a [`PortSet`] delivered.
#[derive(Debug)]
pub enum PortSetEvent {
    /// A message arrived on the member.
    Message(Token, Received),
    /// A message arrived on the member but was refused (its rights released).
    Malformed(Token, Malformed),
    /// Every sender of the member is gone; it has left the set.
    PeerGone(Token, crate::right::ReceiveRight),
    /// A send right watched with `PortSet::watch_writable` can send again
    /// (or its receiver is gone); the watch is over.
    Writable(Token),
}

/// The kind byte a right travels with in both backends' message layouts.
pub(crate) fn kind_byte(kind: crate::right::RightKind) -> u8 {
    use crate::right::RightKind;
    match kind {
        RightKind::Send => 0,
        RightKind::SendOnce => 1,
        RightKind::Receive => 2,
        RightKind::SharedMemory => 3,
        RightKind::Fd => 4,
    }
}

/// The kind a kind byte names.
pub(crate) fn kind_of(byte: u8) -> Result<crate::right::RightKind, Malformed> {
    use crate::right::RightKind;
    Ok(match byte {
        0 => RightKind::Send,
        1 => RightKind::SendOnce,
        2 => RightKind::Receive,
        3 => RightKind::SharedMemory,
        4 => RightKind::Fd,
        other => return Err(Malformed::BadRightKind(other)),
    })
}
