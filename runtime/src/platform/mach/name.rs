//! A name in this task's port name space that owns one right.

use std::fmt;

use crate::mach_sys::mach_port::{mach_port_deallocate, mach_port_mod_refs};
use crate::mach_sys::port::{
    MACH_PORT_DEAD, MACH_PORT_NULL, MACH_PORT_RIGHT_RECEIVE, mach_port_name_t,
};
use crate::mach_sys::traps::mach_task_self;

/// Which right a [`PortName`] owns (a name can hold a receive right and
/// send references at once; each `PortName` owns exactly one of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PortRight {
    /// One send user reference (send rights, memory entries, fileports).
    Send,
    /// One send-once right.
    SendOnce,
    /// The receive right.
    Receive,
}

/// Owns one right under one name; releases it in `Drop`.
pub(crate) struct PortName {
    pub(crate) name: mach_port_name_t,
    pub(crate) right: PortRight,
}

impl fmt::Debug for PortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}#{:#x}", self.right, self.name)
    }
}

impl PortName {
    pub(crate) fn new(name: mach_port_name_t, right: PortRight) -> PortName {
        PortName { name, right }
    }

    /// Gives up ownership without releasing (the right moved elsewhere).
    pub(crate) fn forget(self) -> mach_port_name_t {
        let name = self.name;
        std::mem::forget(self);
        name
    }
}

impl Drop for PortName {
    fn drop(&mut self) {
        if self.name == MACH_PORT_DEAD || self.name == MACH_PORT_NULL {
            // No right in the name space: nothing to release.
            return;
        }
        // SAFETY: plain kernel calls on a name this value owns one right
        // under. A failure leaves nothing to free: the right is already
        // gone (its task died, or the name was destroyed by a kernel rule).
        unsafe {
            let _ = match self.right {
                PortRight::Receive => {
                    mach_port_mod_refs(mach_task_self(), self.name, MACH_PORT_RIGHT_RECEIVE, -1)
                }
                PortRight::Send | PortRight::SendOnce => {
                    mach_port_deallocate(mach_task_self(), self.name)
                }
            };
        }
    }
}
