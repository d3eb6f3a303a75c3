//! Fileports: send rights standing for open files, as macOS's
//! `fileport_makeport` / `fileport_makefd` make and redeem them. The
//! simulated tasks share this process's descriptor table, so a fileport
//! holds a duplicate of the descriptor it was made from and redeeming it
//! hands out a further duplicate; the file closes with its last send right.

use std::os::fd::OwnedFd;
use std::sync::Arc;

use super::object::{KRight, Kobj, PortId};
use super::{State, current, with};
use crate::mach_sim::kern_return::{KERN_INVALID_NAME, KERN_INVALID_RIGHT, kern_return_t};
use crate::mach_sys::extra::MACH_PORT_TYPE_SEND;

impl State {
    /// A fileport dies with its last send right, and its file with it.
    pub(crate) fn drop_file(&mut self, port: PortId) {
        self.files.remove(&port);
        self.kill_port(port);
    }
}

/// A fileport for `file` (the caller's own duplicate), as a send right of
/// the calling task.
pub(crate) fn fileport_makeport(file: OwnedFd) -> Result<u32, kern_return_t> {
    with(|s| {
        let port = s.new_port(Kobj::File);
        s.files.insert(port, Arc::new(file));
        if let Some(p) = s.port_mut(port) {
            p.srights = 1;
        }
        s.copyout(current(), KRight::Send(port))
    })
}

/// The file behind the calling task's send right `name`, if it names a
/// fileport.
pub(crate) fn fileport_file(name: u32) -> Result<Arc<OwnedFd>, kern_return_t> {
    with(|s| {
        let entry = s.space(current()).and_then(|space| space.get(name));
        let entry = entry.ok_or(KERN_INVALID_NAME)?;
        if entry.bits & MACH_PORT_TYPE_SEND == 0 {
            return Err(KERN_INVALID_RIGHT);
        }
        let port = entry.port().ok_or(KERN_INVALID_RIGHT)?;
        s.files.get(&port).cloned().ok_or(KERN_INVALID_RIGHT)
    })
}
