//! Rights: the operating-system capabilities a message can carry.
//!
//! Each right owns exactly one kernel object and releases it in `Drop`, so a
//! right is released exactly once whatever happens to the message holding it.
//! The platform layers (Linux, Mach) give these types their real kernel
//! objects; until they land, a right wraps a file descriptor on Unix, and the
//! `test-util` feature adds counting doubles ([`crate::testing`]).

use std::fmt;
#[cfg(unix)]
use std::os::fd::OwnedFd;

/// The kernel object behind a right.
pub(crate) enum Handle {
    /// A file descriptor that stands for the right (the Linux backend).
    #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
    Os(OwnedFd),
    /// A name in this task's Mach port name space (the Mach backend).
    #[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
    Port(crate::platform::PortName),
    /// A counting double: increments its counter when dropped.
    #[cfg(feature = "test-util")]
    Counted(crate::testing::CountedHandle),
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
            Handle::Os(fd) => write!(f, "{fd:?}"),
            #[cfg(any(target_vendor = "apple", feature = "mach-sim"))]
            Handle::Port(port) => write!(f, "{port:?}"),
            #[cfg(feature = "test-util")]
            Handle::Counted(counted) => write!(f, "{counted:?}"),
        }
    }
}

macro_rules! right_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            // Held for its `Drop`, which releases the kernel object.
            #[allow(dead_code)]
            pub(crate) handle: Handle,
        }

        impl $name {
            /// A right standing for the file descriptor `fd` (Linux backend).
            /// The caller vouches that `fd` is a port end of this kind.
            #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
            pub fn from_fd(fd: OwnedFd) -> $name {
                $name { handle: Handle::Os(fd) }
            }
        }
    };
}

right_type! {
    /// A send right: lets its holder send messages to a port. Sending it
    /// moves it (`MOVE_SEND` on Mach).
    SendRight
}

right_type! {
    /// A send-once right: lets its holder send exactly one message, typically
    /// a reply.
    SendOnceRight
}

right_type! {
    /// A receive right: the unique right to receive a port's messages. Never
    /// copied; a message field of this type accepts only a received receive
    /// right.
    ReceiveRight
}

/// A shared memory region (a Mach memory entry, a sealed memfd on Linux).
#[derive(Debug)]
pub struct SharedMemory {
    // Held for its `Drop`, which releases the kernel object.
    #[allow(dead_code)]
    pub(crate) handle: Handle,
    pub(crate) len: u64,
}

impl SharedMemory {
    /// The region's size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the region is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A region standing for the memory file `fd`; its size is the file's
    /// (Linux backend).
    #[cfg(all(target_os = "linux", not(feature = "mach-sim")))]
    pub fn from_fd(fd: OwnedFd) -> std::io::Result<SharedMemory> {
        let file = std::fs::File::from(fd);
        let len = file.metadata()?.len();
        Ok(SharedMemory {
            handle: Handle::Os(file.into()),
            len,
        })
    }
}

/// What kind of right a table entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RightKind {
    /// [`SendRight`].
    Send,
    /// [`SendOnceRight`].
    SendOnce,
    /// [`ReceiveRight`].
    Receive,
    /// [`SharedMemory`].
    SharedMemory,
    /// A file descriptor.
    Fd,
}

impl fmt::Display for RightKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RightKind::Send => "send right",
            RightKind::SendOnce => "send-once right",
            RightKind::Receive => "receive right",
            RightKind::SharedMemory => "shared memory",
            RightKind::Fd => "file descriptor",
        })
    }
}

/// One entry of a message's table of rights.
#[derive(Debug)]
pub enum Right {
    /// A send right.
    Send(SendRight),
    /// A send-once right.
    SendOnce(SendOnceRight),
    /// A receive right.
    Receive(ReceiveRight),
    /// A shared memory region.
    SharedMemory(SharedMemory),
    /// A file descriptor.
    #[cfg(unix)]
    Fd(OwnedFd),
}

impl Right {
    /// The kind of this right.
    pub fn kind(&self) -> RightKind {
        match self {
            Right::Send(_) => RightKind::Send,
            Right::SendOnce(_) => RightKind::SendOnce,
            Right::Receive(_) => RightKind::Receive,
            Right::SharedMemory(_) => RightKind::SharedMemory,
            #[cfg(unix)]
            Right::Fd(_) => RightKind::Fd,
        }
    }
}
