//! `mach_port_request_notification` (MACH.md M54–M61).

use super::object::{Carried, KRight, Kobj, PortId, Request, TaskId};
use super::rights::add_urefs;
use super::transfer::{copyin_kr, copyin_type};
use super::{State, current, with};
use crate::mach_sim::kern_return::{
    KERN_FAILURE, KERN_INVALID_ARGUMENT, KERN_INVALID_CAPABILITY, KERN_INVALID_RIGHT,
    KERN_INVALID_VALUE, kern_return_t,
};
use crate::mach_sim::message::MACH_MSG_TYPE_PORT_SEND_ONCE;
use crate::mach_sim::notify::{
    MACH_NOTIFY_DEAD_NAME, MACH_NOTIFY_NO_SENDERS, MACH_NOTIFY_PORT_DESTROYED,
    MACH_NOTIFY_SEND_POSSIBLE,
};
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL};
use crate::mach_sys::extra::{
    MACH_PORT_TYPE_DEAD_NAME, MACH_PORT_TYPE_PORT_OR_DEAD, MACH_PORT_TYPE_PORT_RIGHTS,
    MACH_PORT_TYPE_RECEIVE, MACH_PORT_TYPE_SEND_ONCE,
};

type Previous = Result<Option<PortId>, kern_return_t>;

impl State {
    fn receive_for_request(&self, task: TaskId, name: u32) -> Result<PortId, kern_return_t> {
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return Err(KERN_INVALID_RIGHT);
        }
        let entry = self.lookup(task, name)?;
        entry
            .port()
            .filter(|_| entry.bits & MACH_PORT_TYPE_RECEIVE != 0)
            .ok_or(KERN_INVALID_RIGHT)
    }

    /// The kernel side of the call, with the notify right already taken
    /// from the caller.
    fn request(
        &mut self,
        task: TaskId,
        name: u32,
        msgid: i32,
        sync: u32,
        notify: Option<PortId>,
    ) -> Previous {
        match msgid {
            MACH_NOTIFY_PORT_DESTROYED => {
                if sync != 0 {
                    return Err(KERN_INVALID_VALUE);
                }
                let port = self.receive_for_request(task, name)?;
                let p = self.port_mut(port).ok_or(KERN_INVALID_RIGHT)?;
                if p.kobj != Kobj::None {
                    return Err(KERN_INVALID_RIGHT);
                }
                if p.pd_request.is_some() {
                    return Err(KERN_FAILURE);
                }
                p.pd_request = notify;
                Ok(None)
            }
            MACH_NOTIFY_NO_SENDERS => {
                let port = self.receive_for_request(task, name)?;
                let p = self.port_mut(port).ok_or(KERN_INVALID_RIGHT)?;
                let previous = p.ns_request.take();
                match notify {
                    Some(n) if p.srights == 0 && sync <= p.mscount => {
                        let mscount = p.mscount;
                        self.notify_no_senders(n, mscount);
                    }
                    _ => p.ns_request = notify,
                }
                Ok(previous)
            }
            MACH_NOTIFY_SEND_POSSIBLE | MACH_NOTIFY_DEAD_NAME => {
                if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
                    return Err(KERN_INVALID_ARGUMENT);
                }
                let send_possible = (msgid == MACH_NOTIFY_SEND_POSSIBLE).then_some(sync != 0);
                self.request_on_name(task, name, send_possible, notify)
            }
            _ => Err(KERN_INVALID_VALUE),
        }
    }

    /// Dead-name and send-possible requests live on a name (M58, M61).
    fn request_on_name(
        &mut self,
        task: TaskId,
        name: u32,
        send_possible: Option<bool>,
        notify: Option<PortId>,
    ) -> Previous {
        let entry = self.lookup(task, name)?;
        if notify.is_none() && !self.has_request(task, name, &entry) {
            return Ok(None);
        }
        if let Some(port) = entry
            .port()
            .filter(|_| entry.bits & MACH_PORT_TYPE_PORT_RIGHTS != 0)
        {
            let previous = self.cancel_request(port, task, name);
            let Some(notify) = notify else {
                return Ok(previous);
            };
            let p = self.port(port).ok_or(KERN_INVALID_RIGHT)?;
            let possible_now = entry.bits & MACH_PORT_TYPE_SEND_ONCE != 0
                || p.kobj != Kobj::None
                || (p.queue.len() as u32) < p.qlimit;
            if send_possible == Some(true) && possible_now {
                self.notify_send_possible(notify, name);
                return Ok(previous);
            }
            if let Some(p) = self.port_mut(port) {
                p.requests.push(Request {
                    task,
                    name,
                    notify,
                    send_possible,
                });
            }
            return Ok(previous);
        }
        if let (Some(_), Some(notify)) = (send_possible, notify) {
            if entry.bits & MACH_PORT_TYPE_DEAD_NAME != 0 {
                // Send-possible requests on a dead name fire a dead-name
                // notification at once, carrying one more uref.
                if let Some(e) = self.space_mut(task).and_then(|s| s.get_mut(name)) {
                    e.urefs = add_urefs(e.urefs, 1);
                }
                self.notify_dead_name(notify, name);
                return Ok(None);
            }
        }
        Err(if entry.bits & MACH_PORT_TYPE_PORT_OR_DEAD != 0 {
            KERN_INVALID_ARGUMENT
        } else {
            KERN_INVALID_RIGHT
        })
    }

    /// Arms the send-possible request on the destination name of a send
    /// with `MACH_SEND_NOTIFY` to a full queue. Returns whether the send
    /// may ignore the queue limit (the queue was not full), as XNU forces
    /// `MACH_SEND_ALWAYS` then.
    pub(crate) fn arm_send_possible(&mut self, task: TaskId, name: u32, port: PortId) -> bool {
        let Some(p) = self.port_mut(port) else {
            return false;
        };
        let Some(index) = p
            .requests
            .iter()
            .position(|r| r.task == task && r.name == name)
        else {
            return false;
        };
        if !p.active || p.kobj != Kobj::None {
            return false;
        }
        if (p.queue.len() as u32) < p.qlimit {
            return true;
        }
        if let Some(armed) = p.requests[index].send_possible.as_mut() {
            *armed = true;
        }
        false
    }
}

pub(crate) fn port_request_notification(
    task: u32,
    name: u32,
    msgid: i32,
    sync: u32,
    notify: u32,
    notify_poly: u32,
) -> Result<u32, kern_return_t> {
    with(|s| {
        let caller = current();
        let target = s.target(caller, task)?;
        if notify == MACH_PORT_DEAD {
            return Err(KERN_INVALID_CAPABILITY);
        }
        if copyin_type(notify_poly) != MACH_MSG_TYPE_PORT_SEND_ONCE {
            return Err(KERN_INVALID_VALUE);
        }
        let notify = if notify == MACH_PORT_NULL {
            None
        } else {
            match s.copyin(caller, notify, notify_poly).map_err(copyin_kr)? {
                Carried::Right(right) => Some(right.port()),
                _ => return Err(KERN_INVALID_CAPABILITY),
            }
        };
        match s.request(target, name, msgid, sync, notify) {
            Ok(None) => Ok(MACH_PORT_NULL),
            Ok(Some(previous)) => s.copyout(caller, KRight::SendOnce(previous)),
            Err(kr) => {
                if let Some(n) = notify {
                    s.release_send_once(n);
                }
                Err(kr)
            }
        }
    })
}
