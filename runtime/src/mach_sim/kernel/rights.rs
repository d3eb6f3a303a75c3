//! Moving rights between spaces and the kernel (MACH.md M2–M8, M37).

use super::object::{Carried, KRight, PortId, Receiver, TaskId};
use super::space::{Entry, Obj};
use super::{State, TaskState};
use crate::mach_sim::kern_return::{KERN_INVALID_TASK, kern_return_t};
use crate::mach_sim::message::{
    MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE,
    MACH_MSG_TYPE_MOVE_RECEIVE, MACH_MSG_TYPE_MOVE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE,
};
use crate::mach_sim::port::MACH_PORT_DEAD;
use crate::mach_sys::extra::{
    MACH_PORT_TYPE_DEAD_NAME, MACH_PORT_TYPE_RECEIVE, MACH_PORT_TYPE_SEND,
    MACH_PORT_TYPE_SEND_ONCE, MACH_PORT_UREFS_MAX,
};

/// Why a right could not be copied in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CopyinError {
    /// The name denotes nothing.
    Name,
    /// The name denotes the wrong right, or the disposition is invalid.
    Right,
    /// The right cannot move (immovable receive right).
    Capability,
}

/// Adds `n` user references, pegging at `MACH_PORT_UREFS_MAX` (M5).
pub(crate) fn add_urefs(urefs: u32, n: u32) -> u32 {
    urefs.saturating_add(n).min(MACH_PORT_UREFS_MAX)
}

impl State {
    fn entry(&self, task: TaskId, name: u32) -> Result<&Entry, CopyinError> {
        self.space(task)
            .and_then(|s| s.get(name))
            .ok_or(CopyinError::Name)
    }

    /// Checks that `disposition` can take a right from `name` with at
    /// least `urefs` user references, without changing anything.
    pub(crate) fn copyin_check(
        &self,
        task: TaskId,
        name: u32,
        disposition: u32,
        urefs: u32,
    ) -> Result<(), CopyinError> {
        let entry = self.entry(task, name)?;
        let bits = entry.bits;
        let ok = match disposition {
            MACH_MSG_TYPE_MOVE_RECEIVE => {
                if bits & MACH_PORT_TYPE_RECEIVE == 0 {
                    false
                } else if entry
                    .port()
                    .and_then(|p| self.port(p))
                    .is_some_and(|p| p.immovable)
                {
                    return Err(CopyinError::Capability);
                } else {
                    true
                }
            }
            MACH_MSG_TYPE_MOVE_SEND | MACH_MSG_TYPE_COPY_SEND => {
                bits & (MACH_PORT_TYPE_SEND | MACH_PORT_TYPE_DEAD_NAME) != 0
                    && (disposition == MACH_MSG_TYPE_COPY_SEND || entry.urefs >= urefs)
            }
            MACH_MSG_TYPE_MOVE_SEND_ONCE => {
                bits & (MACH_PORT_TYPE_SEND_ONCE | MACH_PORT_TYPE_DEAD_NAME) != 0
            }
            MACH_MSG_TYPE_MAKE_SEND | MACH_MSG_TYPE_MAKE_SEND_ONCE => {
                bits & MACH_PORT_TYPE_RECEIVE != 0
            }
            _ => false,
        };
        if ok { Ok(()) } else { Err(CopyinError::Right) }
    }

    /// Takes a right out of `task`'s space with `disposition` (M37).
    pub(crate) fn copyin(
        &mut self,
        task: TaskId,
        name: u32,
        disposition: u32,
    ) -> Result<Carried, CopyinError> {
        self.copyin_check(task, name, disposition, 1)?;
        let entry = self.entry(task, name)?.clone();
        let dead = entry.bits & MACH_PORT_TYPE_DEAD_NAME != 0;
        match disposition {
            MACH_MSG_TYPE_MOVE_RECEIVE => {
                let port = self.take_receive(task, name).ok_or(CopyinError::Right)?;
                Ok(Carried::Right(KRight::Receive(port)))
            }
            MACH_MSG_TYPE_COPY_SEND if dead => Ok(Carried::Dead),
            MACH_MSG_TYPE_MOVE_SEND | MACH_MSG_TYPE_MOVE_SEND_ONCE if dead => {
                self.drop_dead_uref(task, name);
                Ok(Carried::Dead)
            }
            MACH_MSG_TYPE_COPY_SEND | MACH_MSG_TYPE_MAKE_SEND => {
                let port = entry.port().ok_or(CopyinError::Right)?;
                if let Some(p) = self.port_mut(port) {
                    p.srights = p.srights.saturating_add(1);
                    if disposition == MACH_MSG_TYPE_MAKE_SEND {
                        p.mscount = p.mscount.wrapping_add(1);
                    }
                }
                Ok(Carried::Right(KRight::Send(port)))
            }
            MACH_MSG_TYPE_MAKE_SEND_ONCE => {
                let port = entry.port().ok_or(CopyinError::Right)?;
                if let Some(p) = self.port_mut(port) {
                    p.sorights = p.sorights.saturating_add(1);
                }
                Ok(Carried::Right(KRight::SendOnce(port)))
            }
            MACH_MSG_TYPE_MOVE_SEND => {
                let port = entry.port().ok_or(CopyinError::Right)?;
                self.take_send_uref(task, name, port);
                Ok(Carried::Right(KRight::Send(port)))
            }
            _ => {
                // MOVE_SEND_ONCE of a live send-once right.
                let port = entry.port().ok_or(CopyinError::Right)?;
                self.free_name(task, name);
                self.name_lost(task, name, port);
                Ok(Carried::Right(KRight::SendOnce(port)))
            }
        }
    }

    /// Removes one send uref from `name` into a right of its own.
    fn take_send_uref(&mut self, task: TaskId, name: u32, port: PortId) {
        let Some(entry) = self.space_mut(task).and_then(|s| s.get_mut(name)) else {
            return;
        };
        if entry.urefs > 1 {
            if entry.urefs < MACH_PORT_UREFS_MAX {
                entry.urefs -= 1;
            }
            if let Some(p) = self.port_mut(port) {
                p.srights = p.srights.saturating_add(1);
            }
        } else {
            // The entry's own right moves out (srights unchanged).
            self.remove_send_part(task, name, port);
        }
    }

    /// Removes the send part of a name that holds a live send right (the
    /// right itself is moved or released by the caller). A name left with
    /// nothing is freed, cancelling its dead-name request.
    pub(crate) fn remove_send_part(&mut self, task: TaskId, name: u32, port: PortId) {
        let Some(entry) = self.space_mut(task).and_then(|s| s.get_mut(name)) else {
            return;
        };
        entry.bits &= !MACH_PORT_TYPE_SEND;
        entry.urefs = 0;
        if entry.bits & MACH_PORT_TYPE_RECEIVE == 0 {
            self.free_name(task, name);
            self.name_lost(task, name, port);
        }
    }

    /// Drops one uref of a dead name (pegged ones stay), freeing it at 0.
    pub(crate) fn drop_dead_uref(&mut self, task: TaskId, name: u32) {
        let Some(space) = self.space_mut(task) else {
            return;
        };
        let Some(entry) = space.get_mut(name) else {
            return;
        };
        if entry.urefs <= 1 {
            space.free(name);
        } else if entry.urefs < MACH_PORT_UREFS_MAX {
            entry.urefs -= 1;
        }
    }

    /// Frees a name and forgets its reverse mapping.
    pub(crate) fn free_name(&mut self, task: TaskId, name: u32) -> Option<Entry> {
        let space = self.space_mut(task)?;
        let entry = space.free(name)?;
        if let Some(p) = entry.port() {
            if space.reverse.get(&p) == Some(&name) {
                space.reverse.remove(&p);
            }
        }
        Some(entry)
    }

    /// `name` no longer denotes live `port`: a request registered on it is
    /// cancelled with `MACH_NOTIFY_PORT_DELETED` (M59).
    pub(crate) fn name_lost(&mut self, task: TaskId, name: u32, port: PortId) {
        if let Some(notify) = self.cancel_request(port, task, name) {
            self.notify_port_deleted(notify, name);
        }
    }

    /// Removes the request registered on (`task`, `name`) for `port`,
    /// returning the send-once right it held.
    pub(crate) fn cancel_request(
        &mut self,
        port: PortId,
        task: TaskId,
        name: u32,
    ) -> Option<PortId> {
        let p = self.port_mut(port)?;
        let index = p
            .requests
            .iter()
            .position(|r| r.task == task && r.name == name)?;
        Some(p.requests.remove(index).notify)
    }

    /// Takes the receive right out of `name` (M21): the name keeps its send
    /// part or is freed; the port's receive state is reset and it leaves
    /// every port set; receivers blocked on it see `MACH_RCV_PORT_CHANGED`.
    pub(crate) fn take_receive(&mut self, task: TaskId, name: u32) -> Option<PortId> {
        let entry = self.space(task)?.get(name)?.clone();
        let port = entry
            .port()
            .filter(|_| entry.bits & MACH_PORT_TYPE_RECEIVE != 0)?;
        if entry.bits & MACH_PORT_TYPE_SEND != 0 {
            if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
                e.bits &= !MACH_PORT_TYPE_RECEIVE;
            }
        } else {
            self.free_name(task, name);
            self.name_lost(task, name, port);
        }
        self.detach_receiver(port);
        Some(port)
    }

    /// Resets what belongs to the receive right's holder (M21).
    pub(crate) fn detach_receiver(&mut self, port: PortId) {
        let sets = match self.port_mut(port) {
            Some(p) => {
                p.receiver = Receiver::Transit;
                p.mscount = 0;
                p.seqno = 0;
                p.context = 0;
                p.guarded = false;
                p.strict = false;
                p.epoch += 1;
                std::mem::take(&mut p.sets)
            }
            None => return,
        };
        for set in sets {
            if let Some(s) = self.sets.get_mut(&set) {
                s.members.retain(|&m| m != port);
            }
        }
    }

    /// Puts a right into `task`'s space (M2, M3) and returns its name.
    /// Rights to dead ports come out as `MACH_PORT_DEAD`.
    pub(crate) fn copyout(&mut self, task: TaskId, right: KRight) -> Result<u32, kern_return_t> {
        if !self.tasks.contains_key(&task) {
            self.release(right);
            return Err(KERN_INVALID_TASK);
        }
        let port = right.port();
        if !self.is_active(port) {
            self.release(right);
            return Ok(MACH_PORT_DEAD);
        }
        let result = match right {
            KRight::Send(_) => self.copyout_send(task, port),
            KRight::SendOnce(_) => self.space_mut(task).map_or(Err(KERN_INVALID_TASK), |s| {
                s.alloc(Entry::new(MACH_PORT_TYPE_SEND_ONCE, 0, Obj::Port(port)))
            }),
            KRight::Receive(_) => self.copyout_receive(task, port),
        };
        if result.is_err() {
            self.release(right);
        }
        result
    }

    fn copyout_send(&mut self, task: TaskId, port: PortId) -> Result<u32, kern_return_t> {
        let TaskState { space, .. } = self.tasks.get_mut(&task).ok_or(KERN_INVALID_TASK)?;
        let existing = space.reverse.get(&port).copied();
        if let Some((name, entry)) = existing.and_then(|n| Some((n, space.get_mut(n)?))) {
            if entry.bits & MACH_PORT_TYPE_SEND != 0 {
                entry.urefs = add_urefs(entry.urefs, 1);
                if let Some(p) = self.ports.get_mut(&port) {
                    p.srights = p.srights.saturating_sub(1);
                }
            } else {
                entry.bits |= MACH_PORT_TYPE_SEND;
                entry.urefs = 1;
            }
            return Ok(name);
        }
        let name = space.alloc(Entry::new(MACH_PORT_TYPE_SEND, 1, Obj::Port(port)))?;
        space.reverse.insert(port, name);
        Ok(name)
    }

    fn copyout_receive(&mut self, task: TaskId, port: PortId) -> Result<u32, kern_return_t> {
        let TaskState { space, .. } = self.tasks.get_mut(&task).ok_or(KERN_INVALID_TASK)?;
        let name = match space.reverse.get(&port).copied() {
            Some(name) => {
                if let Some(entry) = space.get_mut(name) {
                    entry.bits |= MACH_PORT_TYPE_RECEIVE;
                }
                name
            }
            None => {
                let name = space.alloc(Entry::new(MACH_PORT_TYPE_RECEIVE, 0, Obj::Port(port)))?;
                space.reverse.insert(port, name);
                name
            }
        };
        if let Some(p) = self.ports.get_mut(&port) {
            p.receiver = Receiver::Space(task, name);
        }
        Ok(name)
    }

    /// Copies out a message slot: NULL and DEAD pass through.
    pub(crate) fn copyout_carried(&mut self, task: TaskId, slot: Carried) -> u32 {
        match slot {
            Carried::Null => 0,
            Carried::Dead => MACH_PORT_DEAD,
            Carried::Right(right) => self.copyout(task, right).unwrap_or(0),
        }
    }

    /// Destroys a right held outside any space (M44).
    pub(crate) fn release(&mut self, right: KRight) {
        match right {
            KRight::Send(port) => self.release_send(port),
            KRight::SendOnce(port) => self.release_send_once(port),
            KRight::Receive(port) => self.destroy_receive(port),
        }
    }

    pub(crate) fn release_carried(&mut self, slot: Carried) {
        if let Carried::Right(right) = slot {
            self.release(right);
        }
    }

    /// Drops one send right: at zero senders an armed no-senders request
    /// fires (M56).
    pub(crate) fn release_send(&mut self, port: PortId) {
        let Some(p) = self.port_mut(port) else {
            return;
        };
        p.srights = p.srights.saturating_sub(1);
        if p.srights == 0 && p.active && p.kobj == super::object::Kobj::Memory {
            self.drop_memory(port);
        } else if p.srights == 0 && p.active && p.kobj == super::object::Kobj::File {
            self.drop_file(port);
        } else if p.srights == 0 && p.active {
            if let Some(notify) = p.ns_request.take() {
                let mscount = p.mscount;
                self.notify_no_senders(notify, mscount);
            }
        } else if !p.active {
            self.gc(port);
        }
    }
}
