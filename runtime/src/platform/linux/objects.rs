//! Received descriptors become rights only after their kernel object is
//! checked against the kind the sender declared.

use std::fs::File;
use std::os::fd::OwnedFd;

use rustix::fs::SealFlags;
use rustix::net::SocketType;

use crate::platform::Malformed;
use crate::right::{
    Handle, ReceiveRight, Right, RightKind, SendOnceRight, SendRight, SharedMemory,
};

/// Seals that make a region's size trustworthy.
pub(crate) const SIZE_SEALS: SealFlags = SealFlags::SHRINK.union(SealFlags::GROW);

fn is_port_end(fd: &OwnedFd) -> bool {
    rustix::net::sockopt::socket_type(fd).is_ok_and(|t| t == SocketType::SEQPACKET)
}

/// Turns descriptor `fd`, declared as `kind`, into a right.
pub(crate) fn adopt(index: usize, kind: RightKind, fd: OwnedFd) -> Result<Right, Malformed> {
    let wrong = Malformed::WrongObject { index };
    Ok(match kind {
        RightKind::Send | RightKind::SendOnce | RightKind::Receive if !is_port_end(&fd) => {
            return Err(wrong);
        }
        RightKind::Send => Right::Send(SendRight {
            handle: Handle::Os(fd),
        }),
        RightKind::SendOnce => Right::SendOnce(SendOnceRight {
            handle: Handle::Os(fd),
        }),
        RightKind::Receive => {
            // Credentials are attached only when the receiving socket asks
            // for them; a peer could have cleared the option.
            rustix::net::sockopt::set_socket_passcred(&fd, true).map_err(|_| wrong)?;
            Right::Receive(ReceiveRight {
                handle: Handle::Os(fd),
            })
        }
        RightKind::SharedMemory => {
            let seals = rustix::fs::fcntl_get_seals(&fd).map_err(|_| Malformed::UnsealedMemory)?;
            if !seals.contains(SIZE_SEALS) {
                return Err(Malformed::UnsealedMemory);
            }
            let file = File::from(fd);
            let len = file.metadata().map_err(|_| wrong)?.len();
            Right::SharedMemory(SharedMemory {
                handle: Handle::Os(file.into()),
                len,
            })
        }
        RightKind::Fd => Right::Fd(fd),
    })
}
