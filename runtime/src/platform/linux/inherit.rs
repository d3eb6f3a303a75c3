//! Handing a descriptor to a child process at a fixed number, without
//! letting any other child (spawned concurrently by another thread) inherit
//! it.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::Command;

/// Makes `fd` appear as descriptor `target` in the child `command` starts.
/// `fd` stays close-on-exec in this process, so only this child gets it;
/// keep `fd` open until `spawn` returns.
pub fn pass_descriptor(command: &mut Command, fd: &OwnedFd, target: RawFd) {
    let source = fd.as_raw_fd();
    // SAFETY: the closure runs in the forked child before `exec` and calls
    // only `dup2` and `fcntl`, which are async-signal-safe, on integers; the
    // kernel validates them and errors are returned, not assumed away.
    unsafe {
        command.pre_exec(move || {
            if source == target {
                // `dup2` onto itself would keep close-on-exec set.
                let flags = libc::fcntl(source, libc::F_GETFD);
                if flags < 0 || libc::fcntl(source, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                    return Err(io::Error::last_os_error());
                }
            } else if libc::dup2(source, target) < 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Takes ownership of descriptor `fd`, inherited from the parent process,
/// after checking that it is open, and marks it close-on-exec.
pub fn take_inherited(fd: RawFd) -> io::Result<OwnedFd> {
    // SAFETY: `fcntl` on an integer descriptor only queries or sets flags;
    // an unopened descriptor gives an error.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    // SAFETY: as above.
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the descriptor is open (checked above) and was handed to this
    // process to own; nothing else in the process refers to it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
